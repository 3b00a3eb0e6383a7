"""«Добавить в календарь»: an application's statutory terms as an .ics file (RFC 5545), one
all-day event per term with a reminder two days before (docs/deadlines.md). Qt-free, so the UI
runs it on a worker thread; the file is written atomically."""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path

import icalendar

from voek_desktop.domain.deadlines import GRID, Deadline

PRODID = "-//voek_desktop//Сроки заявок//RU"


def ics_bytes(application_number: str, deadlines: Sequence[Deadline], now: datetime) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"Заявка № {application_number}")
    for d in deadlines:
        event = icalendar.Event()
        # Stable per application and step: importing the file again updates the event.
        digest = hashlib.sha256(f"{application_number}/{d.step}".encode()).hexdigest()[:24]
        event.add("uid", f"{digest}@voek-desktop")
        event.add("dtstamp", now)
        event.add("dtstart", d.due)
        event.add("dtend", d.due + timedelta(days=1))
        who = "Сетевая организация" if d.party == GRID else "Заявитель"
        event.add("summary", f"Заявка № {application_number}: срок — {who.lower()}")
        event.add("description", f"{who} должен(на) {d.what} до {d.due:%d.%m.%Y}. {d.rule}.")
        event.add("categories", ["Технологическое присоединение"])
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"Заявка № {application_number}: срок {d.due:%d.%m.%Y}")
        alarm.add("trigger", timedelta(days=-2))
        event.add_component(alarm)
        cal.add_component(event)
    return bytes(cal.to_ical())


def write_ics(path: str | os.PathLike[str], data: bytes) -> None:
    """Through a temporary file beside it, so a calendar never reads half a file."""
    target = Path(path)
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(6)}.part")
    try:
        with open(tmp, "xb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
