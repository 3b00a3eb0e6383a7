"""The demo consumers the server loads with ``--demo``, taken from ``voek_desktop.demo_data``
so the tests follow it: their password, their logins and a helper to log one in.

Tests import it as ``from tests import demo``. Tests that check a literal on purpose (the README
or the demo panel shows the password, a login spelled some way is accepted) keep the literal.
"""

from __future__ import annotations

from typing import Any, Protocol

from voek_desktop.demo_data import DEMO_CONSUMERS, DEMO_PASSWORD

PASSWORD = DEMO_PASSWORD

_BY_TYPE = {consumer["consumer_type"]: consumer for consumer in DEMO_CONSUMERS}

SNILS = _BY_TYPE["individual"]["snils"]  # digits only, as the server stores it
SNILS_TYPED = f"{SNILS[:3]}-{SNILS[3:6]}-{SNILS[6:9]} {SNILS[9:]}"  # as a person types it
OGRNIP = _BY_TYPE["entrepreneur"]["ogrnip"]
OGRN = _BY_TYPE["company"]["ogrn"]
INN_COMPANY = _BY_TYPE["company"]["inn"]

# The login of each demo consumer type as typed into the login form.
LOGINS = {"individual": SNILS_TYPED, "entrepreneur": OGRNIP, "company": OGRN}
EMAILS = {kind: consumer["email"] for kind, consumer in _BY_TYPE.items()}
EMAIL = EMAILS["individual"]


class _LogsIn(Protocol):
    def log_in(self, consumer_type: str, login: str, password: str, remember: bool) -> Any: ...


def log_in(target: _LogsIn, consumer_type: str = "individual", remember: bool = False) -> Any:
    """Log the demo consumer of ``consumer_type`` in with a ``CabinetClient`` or a ``Session``;
    returns what their ``log_in`` returns."""
    return target.log_in(consumer_type, LOGINS[consumer_type], PASSWORD, remember)


def session_body(
    consumer_type: str = "individual", login: str | None = None, password: str = PASSWORD
) -> dict[str, str]:
    """The JSON body of ``POST /api/v1/sessions`` for a demo consumer."""
    return {
        "consumer_type": consumer_type,
        "login": LOGINS[consumer_type] if login is None else login,
        "password": password,
    }
