"""The archive dialog by the server's clock (SPEC §6.5; issue 12 item 11, issue 13 items 1–2): the
last day offered is the last complete one, and every text names a deadline still ahead — after
21:00 МСК the request belongs to the next day."""

from __future__ import annotations

from datetime import date

import requests
from PySide6.QtCore import QDate

from tests import demo
from voek_desktop.ui.metering.archive_requests import NOTICE, ArchiveDialog

WAIT = 15_000


def _dev_clock(server, now: str) -> None:
    requests.post(
        f"{server.url}/api/v1/dev/clock", json={"now": now}, timeout=30
    ).raise_for_status()


def _dialog(qtbot, ctx, server, now: str) -> ArchiveDialog:
    _dev_clock(server, now)
    demo.log_in(ctx.session, remember=True)
    client = ctx.session.client
    meter = next(
        m
        for account in client.personal_accounts()
        for m in client.personal_account_meters(account.number)
        if m.is_smart
    )
    dialog = ArchiveDialog(ctx, meter, date(2026, 12, 1))
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.terms is not None, timeout=WAIT)
    qtbot.waitUntil(lambda: not ctx.tasks.is_busy(), timeout=WAIT)
    return dialog


def _order(qtbot, ctx, dialog: ArchiveDialog) -> str:
    dialog.start.setDate(QDate(2026, 11, 1))
    dialog.end.setDate(QDate(2026, 11, 7))
    dialog.create_request()
    qtbot.waitUntil(lambda: "принят" in dialog.status.text(), timeout=WAIT)
    qtbot.waitUntil(lambda: not ctx.tasks.is_busy(), timeout=WAIT)
    return dialog.status.text()


def test_after_21_the_request_belongs_to_the_next_day(qtbot, ctx, server) -> None:
    dialog = _dialog(qtbot, ctx, server, "2026-12-01T21:46:00+03:00")
    # Produced at 00:00 on 03.12, after the 01:30 poll of 02.12: today is complete by then.
    assert dialog.end.maximumDate() == QDate(2026, 12, 1)
    dialog.end.setDate(QDate(2026, 12, 2))
    assert dialog.end.date() == QDate(2026, 12, 1)
    notice = dialog.notice.text()
    assert "до 02.12.2026 21:00 МСК" in notice and "после 03.12.2026 00:00 МСК" in notice
    assert NOTICE not in notice  # «21:00 текущих суток» has passed

    text = _order(qtbot, ctx, dialog)
    assert "Изменить даты можно до 02.12.2026 21:00 МСК." in text, text
    assert dialog.model.requests[0].is_editable
    assert dialog.update_button.isEnabled()


def test_before_21_the_last_day_is_yesterday_and_the_deadline_today(qtbot, ctx, server) -> None:
    # A minute before the cut-off: the clock runs on while the app logs in (the exact seconds are
    # in tests/server/metering/test_archive.py).
    dialog = _dialog(qtbot, ctx, server, "2026-12-01T20:59:00+03:00")
    assert dialog.end.maximumDate() == dialog.start.maximumDate() == QDate(2026, 11, 30)
    assert NOTICE in dialog.notice.text()
    text = _order(qtbot, ctx, dialog)
    assert "Изменить даты можно до 01.12.2026 21:00 МСК." in text
