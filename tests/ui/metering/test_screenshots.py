"""Renders the metering screens (offscreen) so they can be looked at.

    VOEK_SCREENSHOTS=1 python -m pytest tests/ui/metering/test_screenshots.py

writes docs/screenshots/{accounts,company-contracts,smart-data,chart-daily,chart-halfhour,
archive-dialog}.png; without the variable the images go to a temporary folder, so the test
still checks that every screen renders with data in it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import requests
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QApplication, QWidget

from tests import demo
from voek_desktop.ui.metering import archive_requests as archive_ui
from voek_desktop.ui.metering import sections

WAIT = 15_000
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(autouse=True)
def styled(qapp):
    from voek_desktop.ui.kit.style import STYLE_SHEET

    qapp.setStyleSheet(STYLE_SHEET)
    yield
    qapp.setStyleSheet("")


@pytest.fixture
def out(tmp_path: Path) -> Path:
    if os.environ.get("VOEK_SCREENSHOTS"):
        folder = ROOT / "docs" / "screenshots"
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    return tmp_path


@pytest.fixture(autouse=True)
def idle_at_the_end(request, qtbot):
    """Let answers still on their way arrive before the widgets and the server go away."""
    # Asked for here, so that ctx is torn down after this waits.
    ctx = request.getfixturevalue("ctx") if "ctx" in request.fixturenames else None
    yield
    if ctx is not None:
        qtbot.waitUntil(lambda: not ctx.tasks.is_busy(), timeout=WAIT)


def dev(server, path: str, **body) -> None:
    requests.post(f"{server.url}/api/v1{path}", json=body, timeout=30).raise_for_status()


def save(qtbot, widget: QWidget, path: Path) -> None:
    for _ in range(5):
        QApplication.processEvents()
        qtbot.wait(30)
    image = widget.grab()
    assert image.save(str(path))
    assert image.width() > 300 and image.height() > 200


@pytest.mark.slow
def test_individual_screens(qtbot, ctx, server, out: Path, tmp_path: Path, monkeypatch) -> None:
    dev(server, "/dev/clock", now="2026-11-27T10:00:00+03:00")
    profile = demo.log_in(ctx.session, remember=True).profile
    [section] = sections(ctx, profile, None)
    page = section.page
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    qtbot.waitUntil(lambda: page.list.count() == 2, timeout=WAIT)
    page.list.setCurrentRow(1)
    qtbot.waitUntil(lambda: page.meters.model.rowCount() == 2, timeout=WAIT)
    save(qtbot, page, out / "accounts.png")

    meters = page.meters
    meters.card.smart_button.click()
    smart = meters.smart_page
    qtbot.waitUntil(lambda: smart.registers_model.rowCount() == 4, timeout=WAIT)
    save(qtbot, page, out / "smart-data.png")

    smart.tabs.setCurrentWidget(smart.daily)
    qtbot.waitUntil(lambda: smart.daily.chart_view is not None, timeout=WAIT)
    save(qtbot, page, out / "chart-daily.png")
    smart.tabs.setCurrentWidget(smart.halfhour)
    qtbot.waitUntil(lambda: smart.halfhour.chart_view is not None, timeout=WAIT)
    smart.halfhour.picker.setDate(QDate(2026, 11, 25))
    qtbot.waitUntil(lambda: "25.11.2026" in smart.halfhour.chart_view.chart().title(), timeout=WAIT)
    save(qtbot, page, out / "chart-halfhour.png")

    # Two requests: one made yesterday and ready now, one made today and still editable.
    client = ctx.session.client
    meter = smart.meter
    dev(server, "/dev/clock", now="2026-11-26T12:00:00+03:00")
    client.create_archive_request(meter.id, "2023-11-27", "2026-11-25")
    dev(server, "/dev/clock", now="2026-11-27T10:00:00+03:00")
    dev(server, "/dev/jobs/run")
    client.create_archive_request(meter.id, "2026-10-01", "2026-10-31")
    dialog = archive_ui.ArchiveDialog(ctx, meter, smart.last_poll_date(), page)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 2, timeout=WAIT)
    dialog.table.selectRow(1)
    dest = tmp_path / dialog.model.requests[1].file_name
    monkeypatch.setattr(archive_ui, "choose_save_path", lambda parent, suggested: dest)
    dialog.download_button.click()
    qtbot.waitUntil(lambda: "Файл сохранен" in dialog.status.text(), timeout=WAIT)
    assert dialog.open_app_button.isEnabled()
    dialog.status.setText("Файл сохранен: /home/user/Загрузки/" + dest.name)  # not tmp's path
    save(qtbot, dialog, out / "archive-dialog.png")


def test_company_screen(qtbot, ctx, server, out: Path) -> None:
    dev(server, "/dev/clock", now="2026-11-27T10:00:00+03:00")
    profile = demo.log_in(ctx.session, "company", remember=True).profile
    ctx.session.client.confirm_organization("ЭС-1001")
    [section] = sections(ctx, profile, None)
    page = section.page
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    qtbot.waitUntil(lambda: page.meters.model.rowCount() == 3, timeout=WAIT)
    save(qtbot, page, out / "company-contracts.png")
