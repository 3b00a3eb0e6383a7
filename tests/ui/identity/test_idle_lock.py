"""The desk's idle lock (docs/design.md "Clerk mode") counts the visitor's and clerk's input only:
the notification poll, the section refresh, the wizard's autosave and what they repaint under a
pointer that does not move must never keep a forgotten visit on screen; a key or a moved mouse
does postpone it."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from tests import demo
from tests.ui.identity.test_clerk import serve
from voek_desktop.api.client import CabinetClient
from voek_desktop.session import Session
from voek_desktop.ui.context import Context
from voek_desktop.ui.kit.tasks import Tasks
from voek_desktop.ui.main_window import MainWindow

IDLE_MS = 2500  # the faked idle limit (the desk's default is 5 minutes)


@pytest.fixture
def busy_desk(qtbot, server, monkeypatch) -> Iterator[MainWindow]:
    """A desk whose timers all run many times within one idle limit."""
    from voek_desktop.ui.applications import wizard

    monkeypatch.setattr(wizard, "AUTOSAVE_MS", 200)
    tasks = Tasks()
    session = Session(server.url, clerk=True)
    ctx = Context(session, tasks, clerk=True, notify_seconds=0.2, refresh_seconds=0.3)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    yield window
    qtbot.waitUntil(lambda: not tasks.is_busy(), timeout=20_000)
    tasks.shutdown()


@pytest.fixture
def replies(server) -> Iterator[list[int]]:
    """The grid company answers a feedback thread every quarter second: each poll brings a
    new notification, the bell's count and the open list change under the pointer."""
    api = CabinetClient(server.url, retries=0)
    demo.log_in(api)
    thread = api.create_feedback("Опора у дома", "Когда поставят опору?")
    sent: list[int] = []
    stop = threading.Event()

    def answer() -> None:
        while not stop.wait(0.25):
            api.dev_reply_feedback(thread.id, f"Ответ {len(sent) + 1}")
            sent.append(1)

    worker = threading.Thread(target=answer, daemon=True)
    worker.start()
    yield sent
    stop.set()
    worker.join(timeout=5)
    api.close()


def count_polls(window: MainWindow) -> list[int]:
    polls: list[int] = []
    assert window.cabinet is not None
    window.cabinet.notifications.changed.connect(lambda: polls.append(1))
    return polls


def pointer_over(window: MainWindow) -> QPoint:
    """The pointer rests on the bell, where the poll repaints the count."""
    assert window.cabinet is not None
    bell = window.cabinet.bell
    at = bell.mapTo(window, bell.rect().center())
    QTest.mouseMove(window, at)
    return at


def test_polls_refreshes_and_autosave_do_not_keep_the_desk_unlocked(
    qtbot, busy_desk, replies
) -> None:
    window = busy_desk
    serve(qtbot, window, "individual", demo.SNILS_TYPED)
    cabinet = window.cabinet
    assert cabinet is not None
    from voek_desktop.ui.applications.page import ApplicationsPage

    [page] = cabinet.findChildren(ApplicationsPage)
    page.open_wizard()
    wizard = page.wizard
    qtbot.waitExposed(wizard)
    wizard.category_step.buttons["p14"].setChecked(True)
    wizard.next()
    wizard.form.rows["devices_name"].edit.setText("Баня на участке")
    saves: list[int] = []
    wizard.autosave_timer.timeout.connect(lambda: saves.append(1))
    cabinet.activateWindow()
    cabinet.open_section("Уведомления")
    polls = count_polls(window)
    refreshes: list[int] = []
    cabinet.poll.timeout.connect(lambda: refreshes.append(1))
    pointer_over(window)

    window.idle.set_interval_ms(IDLE_MS)
    window.idle.start()
    started = time.monotonic()
    qtbot.waitUntil(window.is_locked, timeout=IDLE_MS + 5_000)
    locked_after = time.monotonic() - started
    assert locked_after >= IDLE_MS / 1000 * 0.9  # a coarse QTimer may fire 5 % early
    assert len(polls) >= 3, "the feed was polled (and changed) while the desk sat idle"
    assert len(refreshes) >= 3 and len(saves) >= 3
    assert not wizard.isVisible(), "the visitor's wizard went behind the lock"


def test_a_pointer_repeated_in_place_after_a_repaint_is_not_activity(
    qtbot, busy_desk, replies
) -> None:
    """Windows sends the pointer's unchanged position again when what is under it changes
    (the poll's new count on the bell); that is no one at the desk. (Qt drops such a repeat
    before any event filter; this keeps it so on the Qt we ship.)"""
    window = busy_desk
    serve(qtbot, window, "individual", demo.SNILS_TYPED)
    cabinet = window.cabinet
    assert cabinet is not None
    cabinet.open_section("Уведомления")
    at = pointer_over(window)
    polls = count_polls(window)
    cabinet.notifications.changed.connect(lambda: QTest.mouseMove(window, at))

    window.idle.set_interval_ms(IDLE_MS)
    window.idle.start()
    qtbot.waitUntil(window.is_locked, timeout=IDLE_MS + 5_000)
    assert len(polls) >= 3


def test_keys_and_a_moving_mouse_postpone_the_lock(qtbot, busy_desk) -> None:
    window = busy_desk
    serve(qtbot, window, "individual", demo.SNILS_TYPED)
    assert window.cabinet is not None
    window.idle.set_interval_ms(1500)
    window.idle.start()
    for i in range(10):  # 10 × 0.4 s: over two idle limits with the visitor at work
        qtbot.wait(200)
        QTest.mouseMove(window, QPoint(300 + 7 * i, 300))
        qtbot.wait(200)
        QTest.keyClick(window.cabinet.nav, Qt.Key.Key_Down if i % 2 else Qt.Key.Key_Up)
    assert not window.is_locked()
    qtbot.waitUntil(window.is_locked, timeout=5_000)  # and then nobody touches it


def test_text_from_an_input_method_postpones_the_lock(qtbot, busy_desk) -> None:
    """Typed through ibus or fcitx (a dead key, a compose sequence), text arrives as an input
    method event, not a key press: the visitor typing it is at the desk."""
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtWidgets import QApplication

    window = busy_desk
    serve(qtbot, window, "individual", demo.SNILS_TYPED)
    cabinet = window.cabinet
    assert cabinet is not None
    cabinet.open_section("Обратная связь")
    from voek_desktop.ui.applications.feedback import FeedbackPage

    [page] = cabinet.findChildren(FeedbackPage)
    window.idle.set_interval_ms(1500)
    window.idle.start()
    for letter in "Опора упала у дома":  # 18 × 0.2 s: over two idle limits of typing
        qtbot.wait(200)
        event = QInputMethodEvent()
        event.setCommitString(letter)
        QApplication.sendEvent(page, event)
    assert not window.is_locked()
    qtbot.waitUntil(window.is_locked, timeout=5_000)
