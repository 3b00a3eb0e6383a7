"""Clerk mode: scans the desk scanner saves during a visit show up in the documents step,
attach with one click, and are deleted when the visit ends; older files stay."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import demo, files
from voek_desktop.session import Session
from voek_desktop.ui.applications.page import ApplicationsPage
from voek_desktop.ui.context import Context
from voek_desktop.ui.kit.tasks import Tasks

PDF = files.PDF  # a real one: the app parses a scan before uploading it


@pytest.fixture
def desk(qtbot, server, tmp_path: Path):
    folder = tmp_path / "scanner"
    folder.mkdir()
    (folder / "вчерашний.pdf").write_bytes(PDF)  # someone else's, before this visit
    tasks = Tasks()
    session = Session(server.url, clerk=True, scanner_folder=str(folder))
    ctx = Context(session, tasks, clerk=True, scanner_folder=str(folder))
    demo.log_in(session)
    yield ctx, folder
    qtbot.waitUntil(lambda: not tasks.is_busy(), timeout=20_000)
    tasks.shutdown()


def test_a_new_scan_is_offered_attached_and_wiped_at_the_end(qtbot, desk) -> None:
    ctx, folder = desk
    page = ApplicationsPage(ctx, ctx.session.profile)
    qtbot.addWidget(page)
    page.resize(1100, 760)
    page.show()
    qtbot.waitUntil(lambda: page.active_model.rowCount() > 0, timeout=10_000)
    draft = next(a for a in page.active_model.records if a.status == "draft")
    page.open_wizard(draft)
    wizard = page.wizard
    wizard.go(2)
    checklist = wizard.checklist
    row = checklist.rows["site_plan"]
    assert "новых сканов пока нет" in checklist.scanner_label.text()
    assert not row.scanner_button.isEnabled()

    (folder / "план участка.pdf").write_bytes(PDF)
    qtbot.waitUntil(lambda: row.scanner_button.isEnabled(), timeout=5_000)
    assert [p.name for p in checklist.scanned] == ["план участка.pdf"]
    menu = row.scanner_button.menu()
    menu.aboutToShow.emit()
    [action] = menu.actions()
    assert action.text() == "план участка.pdf"
    action.trigger()
    qtbot.waitUntil(row.is_attached, timeout=10_000)
    assert "план участка.pdf" in row.status.text()
    wizard.autosave_timer.stop()
    wizard.close()
    qtbot.waitUntil(lambda: not ctx.tasks.is_busy(), timeout=20_000)

    ctx.session.log_out()  # «Завершить приём»
    assert sorted(p.name for p in folder.iterdir()) == ["вчерашний.pdf"]
