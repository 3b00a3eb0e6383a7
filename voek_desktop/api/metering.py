"""Client side of metering (SPEC §6, §7): typed shapes and the methods CabinetClient gets."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from voek_desktop.api.client import CabinetClient


class MeteringApi:
    """Mixed into :class:`~voek_desktop.api.client.CabinetClient`; uses its ``request``/``send``."""

    def _client(self) -> CabinetClient:
        return self  # type: ignore[return-value]
