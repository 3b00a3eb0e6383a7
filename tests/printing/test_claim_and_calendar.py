"""The претензия for an overdue term, read back with pypdf, and the .ics of an application's
terms, parsed back with icalendar (docs/deadlines.md)."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

import icalendar
from pypdf import PdfReader

from voek_desktop.deadline_calendar import ics_bytes, write_ics
from voek_desktop.domain import deadlines as dl
from voek_desktop.printing.claim import render_claim

APP = {
    "number": "ТП-2026-000003",
    "category": "p14",
    "status": "review",
    "submitted_at": "2026-10-28T08:00:00+00:00",
    "form": {
        "applicant_name": "Иванов Иван Иванович",
        "postal_address": "600000, г. Владимир, ул. Большая Московская, д. 10, кв. 5",
        "phone": "+79201234567",
        "email": "ivanov@example.test",
        "devices_name": "Садовый дом",
        "devices_address": "д. Сельцо, ул. Садовая, д. 2",
    },
}
HISTORY = [{"status": "registered", "at": "2026-10-28T08:00:00+00:00"}]
TODAY = date(2026, 12, 2)


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_the_claim_names_the_application_the_point_the_due_date_and_the_delay():
    (overdue,) = dl.deadline(APP, HISTORY, TODAY)
    assert overdue.overdue
    buf = io.BytesIO()
    render_claim(APP, overdue, TODAY, buf)
    reader = PdfReader(io.BytesIO(buf.getvalue()))
    assert len(reader.pages) == 1
    assert reader.metadata.title == "Претензия по заявке № ТП-2026-000003"
    text = pdf_text(buf.getvalue())
    assert "ПРЕТЕНЗИЯ" in text
    assert "заявку № ТП-2026-000003" in text
    assert "Согласно п. 105 Правил" in text
    assert "не позднее 12.11.2026" in text  # 28.10.2026 + 10 working days (04.11 off)
    assert "просрочка составляет 14 рабочих дней" in text
    assert "Иванов Иван Иванович" in text and "Иванов И. И." in text
    assert "ч. 1 ст. 9.21 КоАП РФ" in text
    assert "+7 (920) 123-45-67" in text, "the phone as the app shows it, not +79201234567"


def test_the_claim_is_addressed_with_the_company_s_requisites():
    from voek_desktop.demo_data import DEMO_COMPANY
    from voek_desktop.domain.company import requisites_from_json

    company = requisites_from_json(DEMO_COMPANY, full_signatory=True)
    (overdue,) = dl.deadline(APP, HISTORY, TODAY)
    buf = io.BytesIO()
    render_claim(APP, overdue, TODAY, buf, company)
    text = pdf_text(buf.getvalue())
    assert company.short_name in text
    assert " ".join(company.address.split()[:3]) in text and "(образец)" in text


def test_the_claim_prints_blanks_for_what_is_unknown(tmp_path):
    (overdue,) = dl.deadline(APP, HISTORY, TODAY)
    target = tmp_path / "претензия.pdf"
    render_claim({"number": "ТП-1", "category": "p14"}, overdue, TODAY, target)
    text = pdf_text(target.read_bytes())
    assert "от: ____" in text and "заявку № ТП-1" in text
    assert [p.name for p in tmp_path.iterdir()] == ["претензия.pdf"]  # no temporary left


def test_the_calendar_file_has_one_event_per_term_on_its_due_date(tmp_path):
    history = [*HISTORY, {"status": "need_info", "at": "2026-11-02T08:00:00+00:00"}]
    app = {**APP, "status": "need_info"}
    terms = dl.deadline(app, history, TODAY)
    now = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    target = tmp_path / "сроки.ics"
    write_ics(target, ics_bytes("ТП-2026-000003", terms, now))
    cal = icalendar.Calendar.from_ical(target.read_bytes())
    events = list(cal.walk("VEVENT"))
    assert len(events) == 1
    event = events[0]
    # 02.11.2026 + 20 working days, 04.11 (Unity Day) off: 01.12.2026.
    assert event.decoded("dtstart") == terms[0].due == date(2026, 12, 1)
    assert event.decoded("dtend") == date(2026, 12, 2)
    assert "Заявка № ТП-2026-000003" in str(event["summary"])
    assert "п. 15 Правил" in str(event["description"])
    (alarm,) = event.walk("VALARM")
    assert alarm.decoded("trigger") == timedelta(days=-2)
    # The same application and step give the same UID: importing again updates, not doubles.
    again = icalendar.Calendar.from_ical(ics_bytes("ТП-2026-000003", terms, now))
    assert next(iter(again.walk("VEVENT")))["uid"] == event["uid"]
