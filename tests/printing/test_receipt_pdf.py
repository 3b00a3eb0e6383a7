"""«Расписка в получении документов» (issue 17, item 6) read back with pypdf: the number, the
time in Moscow, each document with its page count, the deadline, the desk and the clerk."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

from pypdf import PdfReader

from voek_desktop.domain import deadlines as dl
from voek_desktop.printing.receipt import render_receipt

APP = {
    "number": "ТП-2026-000007",
    "category": "p14",
    "status": "registered",
    "submitted_at": "2026-12-01T08:00:00+00:00",
    "form": {"applicant_name": "Иванов Иван Иванович"},
}
HISTORY = [{"status": "registered", "at": "2026-12-01T08:00:00+00:00"}]


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def receipt(**extra):
    terms = dl.deadline(APP, HISTORY, date(2026, 12, 2))
    data = {
        "number": APP["number"],
        "category_title": "Заявка физического лица до 15 кВт (п.14)",
        "applicant_name": "Иванов Иван Иванович",
        "status_label": "Зарегистрирована",
        # 09:05 UTC is 12:05 in Moscow: the receipt's time is the desk's local time.
        "accepted_at": datetime(2026, 12, 2, 9, 5, tzinfo=UTC),
        "documents": [
            {"kind": "Подписанная заявка", "filename": "заявка-подписанная.pdf", "pages": 3},
            {"kind": "Паспорт", "filename": "паспорт.png", "pages": 1},
            {"kind": "План участка", "filename": "план.pdf", "pages": None},
        ],
        "next_step": [d.text for d in terms],
        "clerk_mode": True,
        "centre": "Центр обслуживания на ул. Мира",
        "desk": "Окно 3",
        "clerk": "Петрова Мария Сергеевна",
    }
    data.update(extra)
    out = io.BytesIO()
    render_receipt(data, out)
    return out.getvalue(), terms


def test_the_receipt_lists_every_document_with_its_pages_and_the_next_deadline():
    pdf, terms = receipt()
    text = pdf_text(pdf)
    assert "Расписка в получении документов" in text
    assert "ТП-2026-000007" in text
    assert "02.12.2026 12:05 (МСК)" in text
    assert "заявка-подписанная.pdf 3 л." in text
    assert "паспорт.png 1 л." in text
    assert "план.pdf —" in text, "an uncounted file says so rather than a made-up number"
    assert "Всего документов: 3 4 л." in text
    [term] = terms
    assert term.due.strftime("%d.%m.%Y") in text
    assert " ".join(term.text.split()) in text
    assert "Окно 3" in text and "Центр обслуживания на ул. Мира" in text
    assert "Петрова М. С." in text, "the clerk's signature line carries the transcript"
    assert "Иванов И. И." in text
    assert "подпись заявителя" in text and "подпись сотрудника" in text


def test_empty_desk_settings_leave_lines_to_fill_in_by_hand():
    text = pdf_text(receipt(centre="", desk="", clerk="", next_step=[])[0])
    assert "Рабочее место ____" in text
    assert "Сроков по заявке сейчас нет" in text


def test_at_home_it_is_a_summary_without_the_desk_or_signatures():
    text = pdf_text(receipt(clerk_mode=False)[0])
    assert "Сводка поданных документов" in text
    assert "Расписка" not in text
    assert "Окно 3" not in text and "подпись" not in text
    assert "заявка-подписанная.pdf 3 л." in text
