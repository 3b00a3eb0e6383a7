"""«Заявки» shows the statutory term of the chosen application and who owes it, marks an
overdue one and offers the претензия (previewed, then saved) and the .ics export; the timeline
shows each past step against its term. Real widgets, the real demo server (docs/deadlines.md)."""

from __future__ import annotations

import io

import icalendar
import pytest
import requests
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from tests import demo
from tests.ui.applications.test_sections import show
from tests.ui.applications.test_wizard import shot, wait_idle
from voek_desktop.ui.applications.page import ApplicationsPage


@pytest.fixture
def logged_in(ctx, qtbot):
    demo.log_in(ctx.session)
    yield ctx
    wait_idle(qtbot, ctx)


def _choose(page: ApplicationsPage, status: str) -> None:
    row = next(i for i, a in enumerate(page.active_model.records) if a.status == status)
    page.active_view.selectRow(row)
    assert page.current.status == status


def test_overdue_term_is_marked_and_offers_a_claim(qtbot, logged_in, tmp_path, monkeypatch):
    page = show(qtbot, ApplicationsPage(logged_in, logged_in.session.profile))
    qtbot.waitUntil(lambda: page.active_model.rowCount() >= 3, timeout=10_000)
    _choose(page, "review")
    box = page.deadline_box
    assert box.isVisible() and box.overdue
    text = box.label.text()
    assert "Срок нарушен" in text
    assert "Сетевая организация должна была разместить в личном кабинете счёт" in text
    assert "просрочка" in text and "п. 105 Правил" in text
    assert box.claim_button.isVisible() and box.calendar_button.isVisible()
    shot(page, "applications-overdue.png")

    qtbot.mouseClick(box.claim_button, Qt.MouseButton.LeftButton)
    dialog = box.claim_dialog
    qtbot.waitUntil(lambda: dialog.preview.is_ready(), timeout=15_000)
    assert dialog.preview.page_count() == 1
    shot(dialog, "claim-dialog.png")
    assert "ФАС" in dialog.next_steps.text() and "9.21 КоАП" in dialog.next_steps.text()
    pdf = PdfReader(io.BytesIO(dialog.preview.data))
    words = " ".join(pdf.pages[0].extract_text().split())
    assert "ПРЕТЕНЗИЯ" in words and page.current.number in words
    target = tmp_path / "претензия"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), ""))
    )
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    saved = tmp_path / "претензия.pdf"
    qtbot.waitUntil(saved.exists, timeout=10_000)
    assert saved.read_bytes() == dialog.preview.data
    dialog.reject()
    wait_idle(qtbot, logged_in)


def test_the_claim_is_dated_by_the_servers_day_not_the_pcs(qtbot, ctx, server):
    """The demo's clock moved months ahead of the PC's: the претензия is dated, and counts its
    late days, by the server's day, the one the term on screen was counted for."""
    from datetime import UTC, datetime

    from voek_desktop.domain.time import moscow_date

    server_now = "2027-03-15T10:00:00+03:00"  # a Monday, months after this PC's day
    requests.post(
        f"{server.url}/api/v1/dev/clock", json={"now": server_now}, timeout=30
    ).raise_for_status()
    demo.log_in(ctx.session)
    page = show(qtbot, ApplicationsPage(ctx, ctx.session.profile))
    qtbot.waitUntil(lambda: page.active_model.rowCount() >= 3, timeout=10_000)
    _choose(page, "review")
    box = page.deadline_box
    assert box.claim_button.isVisible()
    qtbot.mouseClick(box.claim_button, Qt.MouseButton.LeftButton)
    dialog = box.claim_dialog
    qtbot.waitUntil(lambda: dialog.preview.is_ready(), timeout=15_000)
    words = " ".join(PdfReader(io.BytesIO(dialog.preview.data)).pages[0].extract_text().split())
    assert "На 15.03.2027" in words
    term = next(d for d in page.current.deadlines if d.overdue)
    assert term.left_text in box.label.text()  # «просрочка N рабочих дней», as on screen
    assert f"просрочка составляет {-term.working_days_left} " in words
    pc_day = moscow_date(datetime.now(UTC))
    if pc_day.year != 2027:
        assert f"{pc_day:%d.%m.%Y}" not in words
    dialog.reject()
    wait_idle(qtbot, ctx)


def test_running_term_of_the_applicant_and_the_calendar_file(
    qtbot, logged_in, tmp_path, monkeypatch
):
    page = show(qtbot, ApplicationsPage(logged_in, logged_in.session.profile))
    qtbot.waitUntil(lambda: page.active_model.rowCount() >= 3, timeout=10_000)
    _choose(page, "need_info")
    box = page.deadline_box
    text = box.label.text()
    assert text.startswith("Вы должны дополнить заявку недостающими сведениями и документами до")
    assert "осталось" in text or "остался" in text
    assert "иначе заявка аннулируется" in text
    assert "Срок нарушен" not in text and not box.overdue
    assert not box.claim_button.isVisible()
    # The timeline: the notice of missing data came within its 3 working days.
    history = page.history_model
    last = history.index(history.rowCount() - 1, 3).data()
    assert last.startswith("в срок: до ") and "(п. 15)" in last
    assert history.headerData(3, Qt.Orientation.Horizontal) == "Срок по Правилам"

    target = tmp_path / "сроки"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), ""))
    )
    qtbot.mouseClick(box.calendar_button, Qt.MouseButton.LeftButton)
    saved = tmp_path / "сроки.ics"
    qtbot.waitUntil(saved.exists, timeout=10_000)
    (event,) = icalendar.Calendar.from_ical(saved.read_bytes()).walk("VEVENT")
    assert event.decoded("dtstart") == page.current.deadlines[0].due
    _choose(page, "draft")
    assert not box.isVisible()  # a draft has no term yet
    wait_idle(qtbot, logged_in)
