"""Typed shapes of the API's answers (docs/design.md "API")."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Self

from voek_desktop.api.errors import BadResponse


def checked_id(value: Any) -> int:
    """An id (or count) from the server, checked: ids go into URLs and file names, so
    ``"1/../../x"`` or ``{"$ne": 1}`` must never get that far."""
    if type(value) is not int or not 0 <= value < 2**63:
        raise BadResponse()
    return value


def known_fields(cls: Any, data: Any) -> dict[str, Any]:
    """The items of ``data`` that are fields of the dataclass ``cls`` (the server may add others),
    with every ``int`` field checked by :func:`checked_id`."""
    if not isinstance(data, dict):
        raise BadResponse()
    values = {}
    for f in fields(cls):
        if f.name not in data:
            continue
        value = values[f.name] = data[f.name]
        # Annotations are strings here (``from __future__ import annotations``).
        if f.type == "int" or (f.type == "int | None" and value is not None):
            checked_id(value)
    return values


class FromJson:
    """``from_json`` that ignores fields this client does not know (the server may add some)."""

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Self:
        return cls(**known_fields(cls, data))


@dataclass(frozen=True)
class Profile(FromJson):
    id: int
    consumer_type: str
    login: str
    email: str
    phone: str
    consumer_type_label: str = ""
    pending_email: str | None = None
    snils: str | None = None
    inn: str | None = None
    ogrn: str | None = None
    ogrnip: str | None = None
    created_at: str = ""
    activated_at: str | None = None
    # Only GET /profile sends these: the registry's name and known metering-point addresses.
    name: str | None = None
    addresses: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "addresses", tuple(self.addresses or ()))


@dataclass(frozen=True)
class SessionToken:
    token: str
    expires_at: str
    consumer: Profile

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SessionToken:
        return cls(data["token"], data["expires_at"], Profile.from_json(data["consumer"]))


@dataclass(frozen=True)
class Registration:
    message: str
    consumer: Profile


@dataclass(frozen=True)
class EmailChange:
    message: str
    profile: Profile


@dataclass(frozen=True)
class SentMail(FromJson):
    id: str
    to: str
    subject: str
    text: str
    sent_at: str


@dataclass(frozen=True)
class RegistryAccount:
    number: str
    meter_serial_numbers: tuple[str, ...]
    added: bool  # already in somebody's cabinet


@dataclass(frozen=True)
class RegistryOrganization:
    ogrn: str  # ОГРН or ОГРНИП
    inn: str
    kind: str
    name: str
    supply_contracts: tuple[str, ...]


@dataclass(frozen=True)
class DemoRegistry:
    """``GET /dev/registry``: the numbers a bill would show, for demos and tests."""

    personal_accounts: tuple[RegistryAccount, ...]
    organizations: tuple[RegistryOrganization, ...]

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DemoRegistry:
        return cls(
            tuple(
                RegistryAccount(a["number"], tuple(a["meter_serial_numbers"]), bool(a.get("added")))
                for a in data["personal_accounts"]
            ),
            tuple(
                RegistryOrganization(
                    o["ogrn"],
                    o["inn"],
                    o.get("kind", ""),
                    o.get("name", ""),
                    tuple(o["supply_contracts"]),
                )
                for o in data["organizations"]
            ),
        )
