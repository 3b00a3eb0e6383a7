"""Demo data, loaded by ``--demo`` (docs/design.md "Demo data"): the demo consumers, their
metering registry, and applications with a feedback thread. Loading twice changes nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from voek_desktop.api.server.demo import applications, identity, metering, notifications

if TYPE_CHECKING:
    from voek_desktop.api.server.app import CabinetApp


def load(app: CabinetApp) -> None:
    from voek_desktop.demo_data import DEMO_COMPANY
    from voek_desktop.domain.company import requisites_from_json

    sample = requisites_from_json(DEMO_COMPANY, full_signatory=True)
    given = app.config.company
    if given is None:
        app.config.company = sample
    elif not given.inn:  # only --signatory: the sample requisites with that signatory
        app.config.company = sample._replace(signatory=given.signatory or sample.signatory)
    elif given.signatory is None:  # --company without a signatory
        app.config.company = given._replace(signatory=sample.signatory)
    # Consumers first: the registry and the applications belong to them.
    identity.load(app)
    metering.load(app)
    applications.load(app)
    notifications.load(app)  # last: it tells what the others loaded
