"""The grid company's own requisites (реквизиты): name, address, ИНН/КПП/ОГРН, support phone and
who signs connection contracts (docs/forms-861.md "Requisites").

They are configuration, not code: the server reads them from ``voek-server --company FILE``
and serves them at ``GET /company``; the app keeps the last answer for blank forms printed
offline; printing takes them as a parameter. The demo's values are samples and say so
(«образец»), so a printout of the demo cannot pass for the real company's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from voek_desktop.domain.applications import normalize_kpp  # the one КПП rule
from voek_desktop.domain.contacts import normalize_phone
from voek_desktop.domain.errors import InvalidValue
from voek_desktop.domain.identifiers import normalize_inn10, normalize_ogrn

# Who signs contracts: the keys of ``signatory`` (printing/contract.py's ``grid_signatory_*``).
SIGNATORY_KEYS = ("position", "name", "position_genitive", "name_genitive", "basis")
# What --company FILE must name; ``site`` and ``signatory`` are optional there.
REQUIRED_KEYS = ("name", "short_name", "address", "inn", "kpp", "ogrn", "support_phone")
SAMPLE_MARK = "образец"


class Requisites(NamedTuple):
    name: str  # full name, «Акционерное общество «…»»
    short_name: str  # «АО «ВОЭК»»
    address: str = ""  # registered address; "" → a line to write on
    inn: str = ""
    kpp: str = ""
    ogrn: str = ""
    support_phone: str = ""  # +7XXXXXXXXXX
    site: str = ""
    signatory: Mapping[str, str] | None = None  # SIGNATORY_KEYS
    sample: bool = False  # demo values: printed with «образец»

    def as_json(self, *, with_signatory_details: bool = True) -> dict[str, Any]:
        signatory: dict[str, str] | None = dict(self.signatory) if self.signatory else None
        if signatory is not None and not with_signatory_details:
            signatory = {k: signatory[k] for k in ("position", "name") if k in signatory}
        return {
            "name": self.name,
            "short_name": self.short_name,
            "address": self.address,
            "inn": self.inn,
            "kpp": self.kpp,
            "ogrn": self.ogrn,
            "support_phone": self.support_phone,
            "site": self.site,
            "signatory": signatory,
            "sample": self.sample,
        }


# What prints before the app has ever reached a server: the name the app is built for, and
# blank lines for everything that must come from the company's configuration.
UNKNOWN = Requisites(
    name="Акционерное общество «Владимирская областная электросетевая компания»",
    short_name="АО «ВОЭК»",
)


def _text(data: Mapping[str, Any], key: str, limit: int = 300) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise InvalidValue(f"{key}: нужна непустая строка")
    text = " ".join(value.split())
    if len(text) > limit:
        raise InvalidValue(f"{key}: не более {limit} символов")
    return text


def requisites_from_json(data: Any, *, full_signatory: bool = False) -> Requisites:
    """Check requisites read from a configuration file or from the server's answer.

    ``full_signatory``: every key of SIGNATORY_KEYS (the server's configuration, which the
    contract's «в лице …» needs); the public answer names only ``position`` and ``name``.
    Raises InvalidValue naming the key: a malformed ИНН must not end up on a printed form.
    """
    if not isinstance(data, Mapping):
        raise InvalidValue("нужен объект JSON с реквизитами")
    try:
        inn = normalize_inn10(_text(data, "inn"))
        ogrn = normalize_ogrn(_text(data, "ogrn"))
        kpp = normalize_kpp(_text(data, "kpp"))
        phone = normalize_phone(_text(data, "support_phone"))
    except InvalidValue as exc:
        raise InvalidValue(f"реквизиты: {exc.message}") from None
    signatory = data.get("signatory")
    checked: dict[str, str] | None = None
    if signatory is not None:
        if not isinstance(signatory, Mapping):
            raise InvalidValue("signatory: нужен объект JSON")
        needed = SIGNATORY_KEYS if full_signatory else ("position", "name")
        checked = {k: _text(signatory, k) for k in needed}
        checked |= {
            k: _text(signatory, k) for k in SIGNATORY_KEYS if k not in needed and k in signatory
        }
    site = data.get("site")
    return Requisites(
        name=_text(data, "name"),
        short_name=_text(data, "short_name", 100),
        address=_text(data, "address", 500),
        inn=inn,
        kpp=kpp,
        ogrn=ogrn,
        support_phone=phone,
        site=site.strip() if isinstance(site, str) else "",
        signatory=checked,
        sample=data.get("sample") is True,
    )


def marked(value: str, requisites: Requisites) -> str:
    """A value as printed: the demo's carry «(образец)», so nobody takes them for real."""
    if requisites.sample and value:
        return f"{value} ({SAMPLE_MARK})"
    return value
