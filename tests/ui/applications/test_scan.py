"""«Сканировать…» in the documents step: SANE's test device (tests/sane_device.py) scans a
stack from its feeder, the pages become one PDF in the slot on the server, and nothing of the
scan stays on disk."""

from __future__ import annotations

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt

from tests import demo
from tests.sane_device import require_sane
from voek_desktop.ui.applications.page import ApplicationsPage
from voek_desktop.ui.applications.scan_dialog import ScanDialog


@pytest.fixture
def page(qtbot, ctx):
    require_sane()
    demo.log_in(ctx.session)
    p = ApplicationsPage(ctx, ctx.session.profile)
    qtbot.addWidget(p)
    p.resize(1100, 760)
    p.show()
    qtbot.waitUntil(lambda: p.active_model.rowCount() > 0, timeout=10_000)
    yield p
    qtbot.waitUntil(lambda: not ctx.tasks.is_busy(), timeout=20_000)


def test_a_feeder_stack_lands_in_its_slot_as_one_pdf(qtbot, page, ctx, tmp_path) -> None:
    draft = next(a for a in page.active_model.records if a.status == "draft")
    page.open_wizard(draft)
    wizard = page.wizard
    wizard.go(2)
    checklist = wizard.checklist
    row = checklist.rows["site_plan"]
    qtbot.mouseClick(row.scan_button, Qt.MouseButton.LeftButton)
    dialog = checklist.scan_dialog
    assert isinstance(dialog, ScanDialog)
    qtbot.waitUntil(lambda: dialog.scan_button.isEnabled(), timeout=15_000)
    assert dialog.device.currentData() == "test:0"
    assert [dialog.resolution.itemData(i) for i in range(dialog.resolution.count())] == [
        150,
        200,
        300,
    ]
    assert dialog.feeder.isVisible() and dialog.feeder.isEnabled()
    dialog.resolution.setCurrentIndex(0)
    dialog.feeder.setChecked(True)
    qtbot.mouseClick(dialog.scan_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(row.is_attached, timeout=30_000)
    assert checklist.scan_dialog is None  # closed once the pages were taken
    document = row.documents[-1]
    assert document.filename.endswith(".pdf")
    got = ctx.session.client.download_document(draft.id, document.id, tmp_path / "got.pdf")
    assert len(PdfReader(got).pages) == 10  # every sheet of the feeder
    wizard.autosave_timer.stop()


def test_stopping_a_scan_leaves_the_slot_empty(qtbot, page, monkeypatch) -> None:
    from voek_desktop.scanning import device as scanning

    # SANE's test device, slowed to 0.1 s per 4 KB read: a page takes seconds, as a real one.
    slow = {"read_limit": True, "read_limit_size": 4096, "read_delay": True}
    slow["read_delay_duration"] = 100_000
    monkeypatch.setattr(scanning, "backend", lambda: scanning.SaneBackend(slow))
    draft = next(a for a in page.active_model.records if a.status == "draft")
    page.open_wizard(draft)
    wizard = page.wizard
    wizard.go(2)
    row = wizard.checklist.rows["title_document"]
    qtbot.mouseClick(row.scan_button, Qt.MouseButton.LeftButton)
    dialog = wizard.checklist.scan_dialog
    qtbot.waitUntil(lambda: dialog.scan_button.isEnabled(), timeout=15_000)
    dialog.resolution.setCurrentIndex(2)
    dialog.feeder.setChecked(True)
    qtbot.mouseClick(dialog.scan_button, Qt.MouseButton.LeftButton)
    assert dialog.stop_button.isVisible()
    qtbot.wait(300)
    qtbot.mouseClick(dialog.stop_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.status.text() == "Сканирование остановлено.", timeout=20_000)
    assert dialog.scan_button.isEnabled()
    assert not row.is_attached()
    dialog.reject()
    wizard.autosave_timer.stop()
