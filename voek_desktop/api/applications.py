"""Client side of applications, contracts, feedback and the survey (SPEC §4, §5, §7)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from voek_desktop.api.client import CabinetClient


class ApplicationsApi:
    """Mixed into :class:`~voek_desktop.api.client.CabinetClient`; uses its ``request``/``send``."""

    def _client(self) -> CabinetClient:
        return self  # type: ignore[return-value]
