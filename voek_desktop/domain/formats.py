"""How values are shown to people, on screen and on paper (docs/design.md "Conventions").

Dates are ДД.ММ.ГГГГ and, when they come with a time, Moscow dates (:mod:`.time`); numbers
have a decimal comma and spaces between thousands; mobile phones are ``+7 (9XX) XXX-XX-XX``,
landlines ``8 (4922) XX-XX-XX``; a СНИЛС is ``XXX-XXX-XXX YY``. The UI and ``printing`` both
format through here; plain Python.
"""

from __future__ import annotations

import contextlib
import re
from datetime import UTC, date, datetime
from typing import Any

# Kept with the identifiers' rules: the login window shows a СНИЛС before anything imports the
# dates below (docs/design.md "Targets").
from voek_desktop.domain.identifiers import format_snils as format_snils
from voek_desktop.domain.time import MSK

# On screen thousands are split by a narrow no-break space; printed documents use the
# ordinary no-break space their fonts have.
SCREEN_GROUP = "\u202f"
PRINT_GROUP = "\u00a0"


def parse_datetime(text: str | None) -> datetime | None:
    """An ISO date-time from the server as an aware datetime (a missing offset means UTC)."""
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (ValueError, AttributeError, TypeError):
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def parse_date(value: Any) -> date | None:
    """A date from a date, a datetime, ISO text (``2026-03-05…``) or ``05.03.2026``."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    s = value.strip()
    with contextlib.suppress(ValueError):
        return date.fromisoformat(s[:10])
    with contextlib.suppress(ValueError):
        return datetime.strptime(s, "%d.%m.%Y").date()
    return None


def format_date(value: Any) -> str:
    """ДД.ММ.ГГГГ; a moment with a time zone is shown as its Moscow date. Text that is not a
    date is kept as it was (a half-filled draft still prints), None is empty."""
    if value is None:
        return ""
    if isinstance(value, str):
        parsed: date | None = parse_datetime(value) if "T" in value else parse_date(value)
        if parsed is None:
            return value
        value = parsed
    if isinstance(value, datetime):
        value = value.astimezone(MSK).date() if value.tzinfo else value.date()
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    return str(value)


def format_datetime(value: datetime | str | None, seconds: bool = False, zone: bool = True) -> str:
    """ДД.ММ.ГГГГ ЧЧ:ММ in Moscow time, with « МСК» after it unless ``zone`` is False."""
    if isinstance(value, str):
        parsed = parse_datetime(value)
        if parsed is None:
            return value
        value = parsed
    if value is None:
        return ""
    pattern = "%d.%m.%Y %H:%M" + (":%S" if seconds else "")
    if value.tzinfo:
        return value.astimezone(MSK).strftime(pattern) + (" МСК" if zone else "")
    return value.strftime(pattern)


def format_number(value: float | int | None, digits: int = 2) -> str:
    """``1234.5`` → ``1 234,50`` for the screen; None is a dash."""
    if value is None:
        return "—"
    text = f"{value:,.{digits}f}"
    return text.replace(",", SCREEN_GROUP).replace(".", ",")


def format_decimal(value: Any, places: int | None = None) -> str:
    """``7.5`` → ``7,5``; ``"0.4"`` → ``0,4``; ``75000`` with places=2 → ``75 000,00``, for print.

    Anything that is not a number comes back as its text, so a half-filled draft still prints.
    """
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return str(value)
    from decimal import Decimal, InvalidOperation  # for print only, not on start-up

    try:
        d = Decimal(str(value).strip().replace(",", ".").replace(" ", ""))
    except InvalidOperation:
        return str(value)
    if not d.is_finite():
        return str(value)
    if places is not None:
        s = f"{d:,.{places}f}"
    else:
        s = f"{d.normalize():,f}"
        if "." in s:
            s = s.rstrip("0").rstrip(".")
    return s.replace(",", PRINT_GROUP).replace(".", ",")


def format_size(size: int | None) -> str:
    """A file size: ``512 Б``, ``12 КБ``, ``1,5 МБ``."""
    if size is None:
        return ""
    if size < 1024:
        return f"{size} Б"
    if size < 1024 * 1024:
        return f"{format_number(size / 1024, 0)} КБ"
    return f"{format_number(size / 1024 / 1024, 1)} МБ"


def format_phone(phone: str) -> str:
    """``+79201234567`` → ``+7 (920) 123-45-67``; a landline the way it is dialled at home,
    ``+74922123456`` → ``8 (4922) 12-34-56``.

    Only numbers of the 9xx range are mobile. A landline's area code is as long as the region
    made it: Vladimir's is 4922 and the towns of the region have five digits (492xx); any other
    region is split as a three-digit code, which every Russian number may be dialled as."""
    if len(phone) != 12 or not phone.startswith("+7") or not phone[2:].isdigit():
        return phone
    d = phone[2:]
    if d[0] == "9":
        return f"+7 ({d[:3]}) {d[3:6]}-{d[6:8]}-{d[8:]}"
    code = 4 if d.startswith("4922") else 5 if d.startswith("492") else 3
    local = d[code:]
    head = len(local) - 4
    return f"8 ({d[:code]}) {local[:head]}-{local[head : head + 2]}-{local[head + 2 :]}"


_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$", re.IGNORECASE)


def file_name(title: str, suffix: str = "", fallback: str = "файл") -> str:
    """``title`` as the name of a file offered for saving, valid on Windows too: the characters
    Windows forbids, control characters and path separators become «-», and a name cannot start
    or end with a dot or a space. Also the one cleaner of names a server sends (issue 11 item
    11): what is left is only a name — ``../../.bashrc`` cannot leave the folder or hide —
    and ``fallback`` when nothing usable (or a reserved device name) is left."""
    safe = "".join("-" if c in '<>:"/\\|?*' or ord(c) < 32 or ord(c) == 127 else c for c in title)
    safe = " ".join(safe.split()).strip(". ")
    if not safe or _WINDOWS_RESERVED.match(safe):
        return fallback
    return safe[-(120 - len(suffix)) :] + suffix  # the end keeps the extension
