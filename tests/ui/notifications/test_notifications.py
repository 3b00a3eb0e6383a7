"""Notifications in the running app (issue 16, item 6): the grid company's change reaches the
open cabinet within one poll without a click, the bell counts it, a click opens the
application and marks it read, the feed survives a lost server with its time shown, polling
backs off, and a service-centre desk keeps nothing of it."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import ClassVar

import pytest
from PySide6.QtCore import Qt

from tests.ui.applications.test_fresh import WAIT, choose, open_cabinet, page_of
from tests.ui.applications.test_sections import operator, submitted_application
from tests.ui.applications.test_wizard import wait_idle
from voek_desktop.api.client import CabinetClient
from voek_desktop.ui.applications.page import ApplicationsPage
from voek_desktop.ui.kit import messages
from voek_desktop.ui.notifications import MAX_BACKOFF_SECONDS, next_delay

POLL = 0.4  # seconds between polls in these tests (the app's default is 120)


@pytest.fixture
def api(server):
    from tests import demo

    c = CabinetClient(server.url, retries=0)
    demo.log_in(c)
    yield c
    c.close()


@pytest.fixture
def notices():
    said: list[str] = []
    messages.bus.notice.connect(said.append)
    yield said
    messages.bus.notice.disconnect(said.append)


def test_operator_change_shows_up_within_one_poll_and_a_click_opens_it(
    qtbot, server, api, ctx, tmp_path: Path, notices
) -> None:
    app_id = submitted_application(api, tmp_path)
    # The section timer is slow here: only the feed's own poll can bring the change.
    ctx = ctx._replace(notify_seconds=POLL, refresh_seconds=600)
    cabinet = open_cabinet(qtbot, ctx)
    center = cabinet.notifications
    qtbot.waitUntil(lambda: center.last_id is not None, timeout=WAIT)
    page = page_of(cabinet, ApplicationsPage)
    choose(qtbot, page, app_id)
    unread = center.unread
    assert cabinet.bell.text() == (f" {unread}" if unread else "")

    operator(server, app_id, "review", "Заявка принята к рассмотрению")
    known = {n.id for n in center.items}
    qtbot.waitUntil(lambda: {n.id for n in center.items} != known, timeout=WAIT)
    newest = center.items[0]
    assert newest.kind == "status_changed"
    assert newest.object_type == "application" and newest.object_id == app_id
    assert "Заявка принята к рассмотрению" in newest.text
    assert cabinet.bell.text() == f" {unread + 1}"
    assert "Уведомления: непрочитанных" in cabinet.bell.toolTip()
    assert "Уведомление: Статус заявки изменён" in notices
    # The open section reloaded by itself: the application shows its new status.
    qtbot.waitUntil(lambda: page.current.status == "review", timeout=WAIT)

    # The bell opens the list; a click on the row opens the application and marks it read.
    qtbot.mouseClick(cabinet.bell, Qt.MouseButton.LeftButton)
    listing = cabinet.notifications_page
    assert cabinet.pages.currentWidget() is listing
    qtbot.waitUntil(lambda: listing.view.isVisible(), timeout=WAIT)
    row = next(i for i, n in enumerate(listing.model.records) if n.id == newest.id)
    index = listing.model.index(row)
    assert listing.model.data(index, Qt.ItemDataRole.FontRole).bold()
    rect = listing.view.visualRect(index)
    qtbot.mouseClick(listing.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert cabinet.pages.currentWidget() is page
    qtbot.waitUntil(lambda: page.current is not None and page.current.id == app_id, timeout=WAIT)
    assert cabinet.bell.text() == (f" {unread}" if unread else "")
    qtbot.waitUntil(lambda: api.notifications().unread == unread, timeout=WAIT)
    assert next(n for n in api.notifications().items if n.id == newest.id).read
    wait_idle(qtbot, ctx)


def test_the_feed_is_kept_private_and_shown_offline_with_its_time(
    qtbot, server, ctx, app_dirs: Path
) -> None:
    ctx = ctx._replace(notify_seconds=POLL, refresh_seconds=600)
    cabinet = open_cabinet(qtbot, ctx)
    center = cabinet.notifications
    qtbot.waitUntil(lambda: center.last_id is not None, timeout=WAIT)
    kept = list((app_dirs / "data").rglob("notifications.json"))
    assert len(kept) == 1
    assert stat.S_IMODE(os.stat(kept[0]).st_mode) == 0o600
    before = list(center.items)
    assert before, "the demo consumer has history: the first poll lists it"

    cabinet.open_section("Уведомления")
    listing = cabinet.notifications_page
    server.stop()
    qtbot.waitUntil(lambda: center.offline, timeout=30_000)
    assert "Нет связи с сервером. Показаны уведомления, полученные" in listing.status.text()
    assert listing.model.records == before
    # Errors stretch the wait instead of asking again at once.
    assert center.timer.interval() >= 2 * POLL * 1000 * 0.99
    wait_idle(qtbot, ctx)


def test_polls_back_off_and_honour_retry_after() -> None:
    assert next_delay(120, 0, None) == 120
    assert next_delay(120, 1, None) == 240
    assert next_delay(120, 3, None) == 960
    assert next_delay(120, 30, None) == MAX_BACKOFF_SECONDS
    assert next_delay(120, 0, 900) == 900  # the server asked for a longer wait
    assert next_delay(120, 1, 5) == 240  # but never a shorter one than the back-off


class RecordingTray:
    """Stands in for QSystemTrayIcon, which the offscreen platform has none of: it records
    what the app would have popped up."""

    shown: ClassVar[list[tuple[str, str]]] = []

    class MessageIcon:
        Information = 1

    def __init__(self, icon, parent) -> None:
        from PySide6.QtCore import QObject, Signal

        class _Signals(QObject):
            clicked = Signal()

        self._signals = _Signals(parent)
        self.messageClicked = self._signals.clicked
        self.visible = False

    @staticmethod
    def isSystemTrayAvailable() -> bool:
        return True

    def setToolTip(self, text: str) -> None:
        pass

    def show(self) -> None:
        self.visible = True

    def hide(self) -> None:
        self.visible = False

    def deleteLater(self) -> None:
        self._signals.deleteLater()

    def showMessage(self, title, text, icon, ms) -> None:
        RecordingTray.shown.append((title, text))


def test_clerk_desk_tells_during_the_visit_only_and_keeps_nothing(
    qtbot, server, api, tmp_path: Path, app_dirs: Path, monkeypatch, notices
) -> None:
    from PySide6.QtWidgets import QWidget

    from tests import demo
    from tests.ui.identity.test_clerk import files_under, serve
    from voek_desktop.session import Session
    from voek_desktop.ui import notifications as ui_notifications
    from voek_desktop.ui.context import Context
    from voek_desktop.ui.kit.tasks import Tasks
    from voek_desktop.ui.main_window import MainWindow

    monkeypatch.setattr(ui_notifications, "QSystemTrayIcon", RecordingTray)
    monkeypatch.setattr(messages, "confirm", lambda *a, **k: True)  # «Завершить приём?» — да
    monkeypatch.setattr(messages, "choose", lambda *a, **k: "Без расписки")
    RecordingTray.shown = []
    app_id = submitted_application(api, tmp_path)
    tasks = Tasks()
    ctx = Context(
        Session(server.url, clerk=True), tasks, clerk=True, notify_seconds=POLL,
        refresh_seconds=600,
    )  # fmt: skip
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    serve(qtbot, window, "individual", demo.SNILS_TYPED)
    center = window.cabinet.notifications
    qtbot.waitUntil(lambda: center.last_id is not None, timeout=WAIT)

    # The visitor looks at the clerk's other window: the tray tells of the change.
    other = QWidget()
    qtbot.addWidget(other)
    other.show()
    other.activateWindow()
    qtbot.waitUntil(lambda: not window.isActiveWindow(), timeout=WAIT)
    operator(server, app_id, "review", "Заявка принята к рассмотрению")
    qtbot.waitUntil(lambda: RecordingTray.shown != [], timeout=WAIT)
    assert RecordingTray.shown[-1][0] == "Статус заявки изменён"
    assert files_under(app_dirs / "data") == [], "the feed of a visitor is never written"

    with qtbot.waitSignal(window.logged_out, timeout=10_000):
        window.end_visit()
    told, said = len(RecordingTray.shown), len(notices)
    operator(server, app_id, "need_info", "Приложите план участка")
    qtbot.wait(round(POLL * 1000 * 4))
    assert len(RecordingTray.shown) == told, "nothing pops up once the visit has ended"
    assert not [n for n in notices[said:] if n.startswith("Уведомление")]
    assert files_under(app_dirs / "data") == []
    qtbot.waitUntil(lambda: not tasks.is_busy(), timeout=20_000)
    tasks.shutdown()


def test_a_contract_offer_and_a_reply_open_where_they_belong(
    qtbot, server, api, ctx, tmp_path: Path
) -> None:
    from tests.ui.applications.test_sections import offered_contract
    from voek_desktop.ui.applications.contracts import ContractsPage
    from voek_desktop.ui.applications.feedback import FeedbackPage

    ctx = ctx._replace(notify_seconds=POLL, refresh_seconds=600)
    cabinet = open_cabinet(qtbot, ctx)
    center = cabinet.notifications
    qtbot.waitUntil(lambda: center.last_id is not None, timeout=WAIT)
    start = center.last_id
    app_id = offered_contract(server, api, tmp_path)
    thread = api.create_feedback("Опора у дома", "Когда поставят опору?")
    api.dev_reply_feedback(thread.id, "На следующей неделе")

    def arrived(kind: str):
        return next((n for n in center.items if n.kind == kind and n.id > start), None)

    qtbot.waitUntil(lambda: arrived("feedback_reply") is not None, timeout=WAIT)
    offer = arrived("contract_offered")
    assert offer is not None and offer.object_type == "contract"
    contract = next(c for c in api.connection_contracts() if c.application_id == app_id)
    assert offer.object_id == contract.id

    center.open(offer)
    contracts = page_of(cabinet, ContractsPage)
    assert cabinet.pages.currentWidget() is contracts
    qtbot.waitUntil(
        lambda: contracts.current is not None and contracts.current.id == contract.id,
        timeout=WAIT,
    )
    center.open(arrived("feedback_reply"))
    feedback = page_of(cabinet, FeedbackPage)
    assert cabinet.pages.currentWidget() is feedback
    qtbot.waitUntil(
        lambda: feedback.current is not None and feedback.current.id == thread.id, timeout=WAIT
    )
    assert "На следующей неделе" in feedback.messages.toPlainText()
    assert arrived("feedback_reply").read and arrived("contract_offered").read
    qtbot.waitUntil(
        lambda: {n.id for n in api.notifications().items if n.read} >= {offer.id}, timeout=WAIT
    )
    wait_idle(qtbot, ctx)
