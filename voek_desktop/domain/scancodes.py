"""The service codes on printed pages (issue 17): what a QR code in the margin of a page says,
written and read in one place so the printer and the scan reader cannot disagree.

Three kinds of payload, all short ASCII of QR's alphanumeric set (digits, upper-case letters,
``-:%``), so a code stays small (version 2–3) and reads from a 150 dpi scan:

- a page of a printed document — ``VOEK1:P:<number>:<kind>:<page>:<pages>:<digest>``: the
  application's number, the document kind, the page n of N and a digest of the form's content
  (a scan of an older print of the form carries another digest);
- a page of a blank form — ``VOEK1:B:<category>:<page>:<pages>``;
- a separator sheet — ``VOEK1:S:<kind>:<number>``: the pages after it, up to the next
  separator, are that kind of document (``number`` may be empty: a separator for any
  application).

``VOEK1`` is the version: a later format is ``VOEK2`` and this parser says None to it rather
than guess. :func:`parse` takes anything a barcode reader returns — a stranger's QR code, a
damaged one, a hostile one — and answers None for everything that is not exactly one of ours.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from voek_desktop.domain.applications import CATEGORIES, DOCUMENT_KINDS

PREFIX = "VOEK1"
MAX_PAYLOAD = 100  # ours are ~40 characters (a foreign number: longer); not more
MAX_PAGES = 99
EXPLANATION = "служебный код для автоматической обработки скана"

# Two letters per document kind: short, and in QR's alphanumeric set (no "_").
KIND_CODES: dict[str, str] = {
    "signed_application": "SA",
    "identity_document": "ID",
    "power_of_attorney": "PA",
    "site_plan": "SP",
    "title_document": "TD",
    "device_list": "DL",
}
_KINDS_BY_CODE = {v: k for k, v in KIND_CODES.items()}
CATEGORY_CODES: dict[str, str] = {"p14": "P14", "p12_1": "P121", "p13": "P13"}
_CATEGORIES_BY_CODE = {v: k for k, v in CATEGORY_CODES.items()}

# The server's numbers are «ТП-2026-000123»: the Cyrillic prefix is implied, the rest is
# alphanumeric. Any other number is percent-encoded (upper-case hex keeps it alphanumeric).
_NUMBER_PREFIX = "ТП-"
_SAFE = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ.-")
_NUMBER_PART = re.compile(r"^[0-9A-Z%.-]{0,64}$")
_DIGEST = re.compile(r"^[0-9A-F]{8}$")
_INT = re.compile(r"^[1-9][0-9]?$")


@dataclass(frozen=True)
class PageCode:
    """A page of a printed application document (or of a blank form: ``number`` and
    ``digest`` empty, ``category`` set)."""

    number: str
    kind: str
    page: int
    pages: int
    digest: str = ""
    category: str = ""

    @property
    def blank(self) -> bool:
        return bool(self.category)


@dataclass(frozen=True)
class SeparatorCode:
    """A separator sheet: the pages that follow are ``kind`` (of application ``number``)."""

    kind: str
    number: str = ""


Code = PageCode | SeparatorCode


def form_digest(form: Mapping[str, Any] | None) -> str:
    """Eight hex digits of the form's content, the same for the canonical values the wizard
    prints (``validate_form``'s result) and for the form the server stores and returns.

    Empty values are left out, so a key the server drops and a key kept empty agree."""
    if not form:
        return "0" * 8
    kept = {k: v for k, v in form.items() if v not in (None, "", [], {})}
    text = json.dumps(kept, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8].upper()


def _encode_number(number: str) -> str:
    if number.startswith(_NUMBER_PREFIX):
        rest = number[len(_NUMBER_PREFIX) :]
        if re.fullmatch(r"[0-9A-Z-]*", rest):
            return rest
    if not number:
        return ""
    # "%" marks a number of another form; each byte outside the alphanumeric set is %XX.
    return "%" + "".join(chr(b) if chr(b) in _SAFE else f"%{b:02X}" for b in number.encode("utf-8"))


def _decode_number(text: str) -> str | None:
    if not _NUMBER_PART.match(text):
        return None
    if text.startswith("%"):
        try:
            return unquote(text[1:], errors="strict")
        except UnicodeDecodeError:
            return None
    return _NUMBER_PREFIX + text if text else ""


def _page_numbers(page: int, pages: int) -> tuple[str, str]:
    if not 1 <= page <= pages <= MAX_PAGES:
        raise ValueError(f"page {page} of {pages}")
    return str(page), str(pages)


def encode_page(number: str, kind: str, page: int, pages: int, digest: str) -> str:
    """The payload for page ``page`` of ``pages`` of document ``kind`` of application
    ``number`` (empty for a form not yet saved) whose form has ``digest``."""
    n, total = _page_numbers(page, pages)
    if not _DIGEST.match(digest):
        raise ValueError(f"digest {digest!r}")
    return ":".join((PREFIX, "P", _encode_number(number), KIND_CODES[kind], n, total, digest))


def encode_blank(category: str, page: int, pages: int) -> str:
    n, total = _page_numbers(page, pages)
    return ":".join((PREFIX, "B", CATEGORY_CODES[category], n, total))


def encode_separator(kind: str, number: str = "") -> str:
    return ":".join((PREFIX, "S", KIND_CODES[kind], _encode_number(number)))


def parse(payload: object) -> Code | None:
    """One of our codes, or None for anything else (never raises)."""
    if not isinstance(payload, str) or len(payload) > MAX_PAYLOAD:
        return None
    parts = payload.strip().split(":")
    if len(parts) < 3 or parts[0] != PREFIX:
        return None
    what, rest = parts[1], parts[2:]
    if what == "P" and len(rest) == 5:
        number, kind_code, page, pages, digest = rest
        kind = _KINDS_BY_CODE.get(kind_code)
        decoded = _decode_number(number)
        pair = _pages(page, pages)
        if kind is None or decoded is None or pair is None or not _DIGEST.match(digest):
            return None
        return PageCode(decoded, kind, *pair, digest=digest)
    if what == "B" and len(rest) == 3:
        category = _CATEGORIES_BY_CODE.get(rest[0])
        pair = _pages(rest[1], rest[2])
        if category is None or pair is None:
            return None
        return PageCode("", "signed_application", *pair, category=category)
    if what == "S" and len(rest) == 2:
        kind = _KINDS_BY_CODE.get(rest[0])
        decoded = _decode_number(rest[1])
        if kind is None or decoded is None:
            return None
        return SeparatorCode(kind, decoded)
    return None


def _pages(page: str, pages: str) -> tuple[int, int] | None:
    if not (_INT.match(page) and _INT.match(pages)):
        return None
    n, total = int(page), int(pages)
    return (n, total) if n <= total else None


def kind_title(kind: str) -> str:
    doc = DOCUMENT_KINDS.get(kind)
    return doc.title if doc else kind


def category_title(category: str) -> str:
    cat = CATEGORIES.get(category)
    return cat.title if cat else category
