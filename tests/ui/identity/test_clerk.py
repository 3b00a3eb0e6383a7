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
def asked(monkeypatch) -> list[str]:
    """«Завершить приём?» answered «Завершить приём»; what was asked is recorded."""
    from voek_desktop.ui.kit import messages

    questions: list[str] = []

    def confirm(parent, text, title="", yes="Да", *, safe_default=False):
        questions.append(title)
        return True

    def choose(parent, text, title, buttons, *, cancel="Отмена"):
        questions.append(title)
        return "Без расписки"  # the receipt has its own test: test_clerk_receipt.py

    monkeypatch.setattr(messages, "confirm", confirm)
    monkeypatch.setattr(messages, "choose", choose)
    return questions


@pytest.fixture
def desk(qtbot, server, asked):
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


def answer_box(qtbot, seen: list[str], press_enter: bool) -> None:
    """When the question box opens: note its default button, then Enter or «Завершить приём»."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    def answer() -> None:
        boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox)]
        box = next((b for b in boxes if b.isVisible()), None)
        if box is None:
            QTimer.singleShot(50, answer)
            return
        seen.append(box.defaultButton().text())
        if press_enter:
            qtbot.keyClick(box, Qt.Key.Key_Return)
        else:
            # «Без расписки» when the visitor's applications had loaded, else the plain question.
            [yes] = [b for b in box.buttons() if b.text() in ("Завершить приём", "Без расписки")]
            yes.click()

    QTimer.singleShot(50, answer)


def test_ending_the_visit_asks_first_and_clears_every_field(qtbot, desk, monkeypatch):
    from voek_desktop.ui.kit import messages

    monkeypatch.undo()  # the real question box
    monkeypatch.setattr(messages, "error", lambda *a, **k: None)
    serve(qtbot, desk, "individual", demo.SNILS_TYPED)
    seen: list[str] = []
    answer_box(qtbot, seen, press_enter=True)
    qtbot.mouseClick(desk.cabinet.logout_button, Qt.MouseButton.LeftButton)
    assert seen == ["Отмена"], "Enter on the question must not end the visit"
    assert desk.cabinet is not None and desk.ctx.session.profile is not None

    answer_box(qtbot, seen, press_enter=False)
    with qtbot.waitSignal(desk.logged_out, timeout=10_000):
        qtbot.mouseClick(desk.cabinet.logout_button, Qt.MouseButton.LeftButton)
    lv = desk.login_view
    assert lv.login.text() == "" and lv.password.text() == ""
    assert lv.picker.value() == "individual"


def test_an_open_wizard_waits_behind_the_lock(qtbot, desk, asked):
    from voek_desktop.ui.applications.page import ApplicationsPage

    serve(qtbot, desk, "individual", demo.SNILS_TYPED)
    [page] = desk.cabinet.findChildren(ApplicationsPage)
    page.open_wizard()
    wizard = page.wizard
    qtbot.waitExposed(wizard)
    wizard.category_step.buttons["p14"].setChecked(True)
    wizard.next()
    wizard.form.rows["devices_name"].edit.setText("Баня на участке")

    desk.lock()
    assert not wizard.isVisible(), "the visitor's data is hidden"
    desk.lock_view.password.set_text(demo.PASSWORD)
    qtbot.mouseClick(desk.lock_view.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not desk.is_locked(), timeout=10_000)
    qtbot.waitUntil(wizard.isVisible, timeout=5_000)
    assert wizard.form.rows["devices_name"].text() == "Баня на участке"
    assert wizard.current_step() == 1

    desk.lock()
    with qtbot.waitSignal(desk.logged_out, timeout=10_000):
        qtbot.mouseClick(desk.lock_view.end_button, Qt.MouseButton.LeftButton)
    assert asked == ["Завершить приём"]
    import shiboken6

    assert not shiboken6.isValid(wizard) or not wizard.isVisible(), "the wizard left with them"
    qtbot.waitUntil(lambda: not desk.ctx.tasks.is_busy(), timeout=20_000)
