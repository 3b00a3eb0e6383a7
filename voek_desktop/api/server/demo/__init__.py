"""Demo data, loaded by ``--demo`` (docs/design.md "Demo data"): the demo consumers, their
metering registry, and applications with a feedback thread. Loading twice changes nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from voek_desktop.api.server.demo import applications, identity, metering, notifications

if TYPE_CHECKING:
    from voek_desktop.api.server.app import CabinetApp


def load(app: CabinetApp) -> None:
    from voek_desktop.demo_data import DEMO_GRID_SIGNATORY

    if app.config.signatory is None:
        app.config.signatory = dict(DEMO_GRID_SIGNATORY)
    # Consumers first: the registry and the applications belong to them.
    identity.load(app)
    metering.load(app)
    applications.load(app)
    notifications.load(app)  # last: it tells what the others loaded
