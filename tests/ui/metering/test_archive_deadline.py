"""The archive request's confirmation never names a deadline already past (issue 12, item 11)."""

from __future__ import annotations

from datetime import date

import requests
from PySide6.QtCore import QDate

from tests import demo
from voek_desktop.ui.metering.archive_requests import ArchiveDialog

WAIT = 15_000


def _dev_clock(server, now: str) -> None:
    requests.post(
        f"{server.url}/api/v1/dev/clock", json={"now": now}, timeout=30
    ).raise_for_status()


def _order(qtbot, ctx, server, now: str) -> str:
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
    dialog.start.setDate(QDate(2026, 11, 1))
    dialog.end.setDate(QDate(2026, 11, 7))
    dialog.create_request()
    qtbot.waitUntil(lambda: "принят" in dialog.status.text(), timeout=WAIT)
    qtbot.waitUntil(lambda: not ctx.tasks.is_busy(), timeout=WAIT)
    return dialog.status.text()


def test_a_request_after_21_says_it_is_fixed_not_a_past_deadline(qtbot, ctx, server) -> None:
    text = _order(qtbot, ctx, server, "2026-12-01T21:46:00+03:00")
    assert "21:00" not in text, text
    assert "Заявка зафиксирована, файл будет сформирован после 02.12.2026 00:00 МСК" in text


def test_a_request_before_21_names_the_deadline(qtbot, ctx, server) -> None:
    text = _order(qtbot, ctx, server, "2026-12-01T10:00:00+03:00")
    assert "Изменить даты можно до 01.12.2026 21:00 МСК." in text
