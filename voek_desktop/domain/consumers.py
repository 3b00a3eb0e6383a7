"""Consumer types, their identifiers and the registration rules (docs/design.md "Identity").

One table drives the server's validation, the login and registration screens and the API
client, so a new identifier rule is written once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from voek_desktop.domain.errors import InvalidValue
from voek_desktop.domain.identifiers import (
    format_snils,
    normalize_inn10,
    normalize_inn12,
    normalize_ogrn,
    normalize_ogrnip,
    normalize_snils,
)


# NamedTuples, not dataclasses: dataclasses pull in inspect and ast, too dear on the app's
# start-up path (docs/design.md "Targets"), and these are plain records anyway.
class IdentifierField(NamedTuple):
    key: str  # API name
    label: str  # Russian label
    normalize: Callable[[str], str]
    placeholder: str
    length: int  # digits

    def display(self, digits: str) -> str:
        return format_snils(digits) if self.key == "snils" else digits


SNILS = IdentifierField("snils", "СНИЛС", normalize_snils, "123-456-789 64", 11)
INN12 = IdentifierField("inn", "ИНН", normalize_inn12, "12 цифр", 12)
INN10 = IdentifierField("inn", "ИНН", normalize_inn10, "10 цифр", 10)
OGRN = IdentifierField("ogrn", "ОГРН", normalize_ogrn, "13 цифр", 13)
OGRNIP = IdentifierField("ogrnip", "ОГРНИП", normalize_ogrnip, "15 цифр", 15)


class ConsumerType(NamedTuple):
    key: str
    label: str  # «Физическое лицо»
    short_label: str
    identifiers: tuple[IdentifierField, ...]  # in the order the registration form shows them
    login: IdentifierField  # what the consumer logs in with

    def identifier(self, key: str) -> IdentifierField:
        return next(f for f in self.identifiers if f.key == key)


CONSUMER_TYPES: dict[str, ConsumerType] = {
    t.key: t
    for t in (
        ConsumerType("individual", "Физическое лицо", "ФЛ", (SNILS,), SNILS),
        ConsumerType(
            "entrepreneur", "Индивидуальный предприниматель", "ИП", (INN12, OGRNIP), OGRNIP
        ),
        ConsumerType("company", "Юридическое лицо", "ЮЛ", (INN10, OGRN), OGRN),
    )
}


def consumer_type(key: str) -> ConsumerType:
    try:
        return CONSUMER_TYPES[key]
    except KeyError:
        raise InvalidValue("Выберите тип потребителя") from None


def validate_registration(data: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Check a registration form. Returns the canonical values and the errors by field.

    Both the app (as the user types) and the server (on POST /registrations) call this.
    """
    # Here: the login window uses the table above, not the contacts' rules (and their dates).
    from voek_desktop.domain.contacts import check_password_pair, normalize_email, normalize_phone

    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}

    def text(key: str) -> str:
        value = data.get(key)
        return value if isinstance(value, str) else ""

    try:
        ctype = consumer_type(text("consumer_type"))
    except InvalidValue as exc:
        return clean, {"consumer_type": exc.message}
    clean["consumer_type"] = ctype.key
    for field in ctype.identifiers:
        try:
            clean[field.key] = field.normalize(text(field.key))
        except InvalidValue as exc:
            errors[field.key] = exc.message
    for key, normalize in (("email", normalize_email), ("phone", normalize_phone)):
        try:
            clean[key] = normalize(text(key))
        except InvalidValue as exc:
            errors[key] = exc.message
    password = text("password")
    errors.update(check_password_pair(password, text("password_confirmation")))
    clean["password"] = password
    if data.get("personal_data_consent") is not True:
        errors["personal_data_consent"] = "Необходимо согласие на обработку персональных данных"
    return clean, errors
