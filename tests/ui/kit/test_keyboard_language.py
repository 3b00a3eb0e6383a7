"""Keyboard and language (issue 12, items 7 and 8): Enter runs the button of the part being
typed in, results show inside the dialog, Qt's own dialogs and the CLI help are Russian."""

from __future__ import annotations

import subprocess
import sys

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QLabel

from tests import demo
from voek_desktop.ui.identity.dialogs import EmailChangeDialog
from voek_desktop.ui.identity.registration import RegistrationDialog


def test_qt_dialogs_speak_russian_once_the_app_is_made(qapp) -> None:
    from voek_desktop.ui.app import make_application

    make_application(["x"])
    assert QCoreApplication.translate("QFileDialog", "Look in:") != "Look in:"
    assert QCoreApplication.translate("QFileDialog", "Files of type:") != "Files of type:"


def test_help_is_russian() -> None:
    for module in ("voek_desktop", "voek_desktop.api.server"):
        out = subprocess.run(
            [sys.executable, "-m", module, "--help"], capture_output=True, text=True, check=True
        ).stdout
        assert out.startswith("использование: ")
        assert "параметры:" in out and "options" not in out and "usage" not in out


def test_enter_in_the_registration_form_registers(qtbot, ctx) -> None:
    dialog = RegistrationDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    phone = dialog.form.fields["phone"].edit
    phone.setFocus()
    qtbot.keyClick(phone, Qt.Key.Key_Return)
    # The form was checked: the empty СНИЛС says so next to its field.
    assert dialog.form.fields["snils"].error.text() != ""
    assert dialog.consent_error.text() != ""


def test_enter_in_the_new_email_field_sends_the_letter(qtbot, ctx) -> None:
    demo.log_in(ctx.session)
    dialog = EmailChangeDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.email.edit.setFocus()
    dialog.email.set_text("new-address@example.ru")
    dialog.current.set_text(demo.PASSWORD)  # a change of address needs the password
    qtbot.keyClick(dialog.email.edit, Qt.Key.Key_Return)
    assert dialog.panel.token.error.text() == "", "not the «Подтвердить адрес» button"
    result = lambda: dialog.findChild(QLabel, "dialogResult")  # noqa: E731
    qtbot.waitUntil(lambda: result() is not None and result().text() != "", timeout=10_000)
    assert result().isVisibleTo(dialog), "the result is shown inside the dialog"
    qtbot.waitUntil(lambda: not ctx.tasks.is_busy(), timeout=10_000)


def test_tab_on_the_login_screen_goes_top_to_bottom(qtbot, server) -> None:
    from voek_desktop.session import Session
    from voek_desktop.ui.context import Context, DemoLogin
    from voek_desktop.ui.identity.login import LoginView
    from voek_desktop.ui.kit.tasks import Tasks

    tasks = Tasks()
    logins = [DemoLogin("individual", demo.SNILS_TYPED, demo.PASSWORD, "")]
    view = LoginView(Context(Session(server.url), tasks, demo=True, demo_logins=logins))
    qtbot.addWidget(view)
    order, widget = [], view.login.edit
    for _ in range(200):
        if widget.focusPolicy().value & Qt.FocusPolicy.TabFocus.value and widget not in order:
            order.append(widget)
        widget = widget.nextInFocusChain()
    assert order.index(view.password.edit) == 1
    assert order.index(view.submit) < order.index(view.blank_forms_button)
    demo_button = view.findChild(type(view.submit), "demo_individual")
    assert order.index(demo_button) < order.index(view.settings_button)
    tasks.shutdown()
