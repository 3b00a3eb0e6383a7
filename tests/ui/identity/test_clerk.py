"""Clerk mode (docs/design.md "Clerk mode"): two visitors in a row at a shared service-centre PC."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from tests import demo
from voek_desktop.session import Session
from voek_desktop.ui.context import Context
from voek_desktop.ui.kit.tasks import Tasks
from voek_desktop.ui.main_window import MainWindow


@pytest.fixture
def desk(qtbot, server):
    tasks = Tasks()
    ctx = Context(Session(server.url, clerk=True), tasks, clerk=True, lock_after_seconds=300)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    yield window
    tasks.shutdown()


def files_under(path: Path) -> list[Path]:
    return [p for p in path.rglob("*") if p.is_file()] if path.exists() else []


def visible_text(window: MainWindow) -> str:
    return " ".join(
        label.text() for label in window.findChildren(QLabel) if label.isVisibleTo(window)
    )


def serve(qtbot, window: MainWindow, consumer_type: str, login: str) -> None:
    lv = window.login_view
    lv.picker.set_value(consumer_type)
    lv.login.set_text(login)
    lv.password.set_text(demo.PASSWORD)
    qtbot.mouseClick(lv.submit, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.cabinet is not None, timeout=10_000)


def test_two_visitors_in_a_row_leave_nothing_behind(qtbot, desk, memory_keyring, app_dirs):
    assert desk.login_view.remember.isHidden(), "no «Запомнить меня» on a shared PC"
    serve(qtbot, desk, "individual", demo.SNILS_TYPED)
    assert desk.cabinet.logout_button.text() == "Завершить приём"
    assert demo.SNILS_TYPED in desk.cabinet.who_label.text()
    assert desk.ctx.session.cache().get("profile")["login"] == demo.SNILS
    assert files_under(app_dirs / "data") == [], "nothing of the visitor is written to disk"

    with qtbot.waitSignal(desk.logged_out, timeout=10_000):
        qtbot.mouseClick(desk.cabinet.logout_button, Qt.MouseButton.LeftButton)
    assert desk.cabinet is None
    assert desk.login_view.password.text() == ""
    assert memory_keyring.items == {}
    assert files_under(app_dirs / "data") == []

    serve(qtbot, desk, "company", demo.OGRN)
    assert demo.OGRN in desk.cabinet.who_label.text()
    assert demo.SNILS_TYPED not in visible_text(desk)
    with qtbot.waitSignal(desk.logged_out, timeout=10_000):
        qtbot.mouseClick(desk.cabinet.logout_button, Qt.MouseButton.LeftButton)
    assert memory_keyring.items == {}
    assert files_under(app_dirs / "data") == []


def test_idle_lock_hides_personal_data_and_asks_for_the_password(qtbot, desk):
    serve(qtbot, desk, "individual", demo.SNILS_TYPED)
    desk.idle.set_interval_ms(300)
    desk.idle.start()
    qtbot.waitUntil(desk.is_locked, timeout=5_000)
    assert demo.SNILS_TYPED not in visible_text(desk)
    assert demo.EMAIL not in visible_text(desk)

    lock = desk.lock_view
    lock.password.set_text("not-the-password")
    qtbot.mouseClick(lock.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: lock.password.error.text() != "", timeout=10_000)
    assert lock.password.error.text() == "Пароль не подходит"
    assert desk.is_locked()

    lock.password.set_text(demo.PASSWORD)
    qtbot.mouseClick(lock.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not desk.is_locked(), timeout=10_000)
    assert demo.SNILS_TYPED in desk.cabinet.who_label.text()
    assert desk.ctx.session.client.profile().login == demo.SNILS


def test_ending_the_visit_from_the_lock_screen(qtbot, desk, app_dirs):
    serve(qtbot, desk, "individual", demo.SNILS_TYPED)
    desk.lock()
    assert desk.is_locked()
    with qtbot.waitSignal(desk.logged_out, timeout=10_000):
        qtbot.mouseClick(desk.lock_view.end_button, Qt.MouseButton.LeftButton)
    assert desk.stack.currentWidget() is desk.login_view
    assert desk.ctx.session.profile is None
    assert files_under(app_dirs / "data") == []


def test_blank_forms_menu_works_with_nobody_logged_in(qtbot, desk):
    from voek_desktop.ui.applications.blank_forms import BlankFormsDialog

    qtbot.waitUntil(lambda: desk.menuBar().actions() != [], timeout=5_000)
    [menu_action] = [a for a in desk.menuBar().actions() if a.text() == "Бланки"]
    actions = menu_action.menu().actions()
    assert [a.text() for a in actions] == [
        "Бланк заявки по п.14…",
        "Бланк заявки по п.12(1)…",
        "Бланк заявки по п.13…",
    ]
    assert desk.cabinet is None
    actions[2].trigger()
    dialog = desk.findChild(BlankFormsDialog)
    assert dialog is not None and dialog.isVisible()
    assert dialog.category.currentData() == "p13"
    dialog.close()
