"""Walks through the identity flow in a real window against the real bundled server."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from tests import demo
from voek_desktop.credentials import SERVICE
from voek_desktop.ui.identity.registration import RegistrationDialog
from voek_desktop.ui.main_window import MainWindow


@pytest.fixture
def window(qtbot, ctx) -> MainWindow:
    w = MainWindow(ctx)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def files_under(path: Path) -> list[Path]:
    return [p for p in path.rglob("*") if p.is_file()] if path.exists() else []


def log_in(qtbot, window: MainWindow, login: str, password: str, remember: bool) -> None:
    lv = window.login_view
    lv.login.set_text("")
    qtbot.keyClicks(lv.login.edit, login)
    qtbot.keyClicks(lv.password.edit, password)
    lv.remember.setChecked(remember)
    qtbot.mouseClick(lv.submit, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.cabinet is not None, timeout=10_000)


def test_wrong_snils_shows_message_next_to_field_and_keeps_text(qtbot, ctx) -> None:
    dialog = RegistrationDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    snils = dialog.form.fields["snils"]
    qtbot.keyClicks(snils.edit, "112-233-445 96")
    snils.edit.editingFinished.emit()
    assert snils.error.text() == "Неверное контрольное число СНИЛС"
    assert not snils.error.isHidden()
    qtbot.keyClicks(dialog.password.edit, "Correct horse battery")
    qtbot.keyClicks(dialog.confirmation.edit, "Correct horse batterx")
    dialog.confirmation.edit.editingFinished.emit()
    assert dialog.confirmation.error.text() == "Пароли не совпадают"
    # Submitting does not send anything while fields are wrong, and keeps what was typed.
    qtbot.mouseClick(dialog.submit, Qt.MouseButton.LeftButton)
    assert dialog.pages.currentIndex() == 0
    assert snils.text() == "112-233-445 96"
    assert dialog.consent_error.text().startswith("Необходимо согласие")
    # Fixing the digit clears the message as the user types.
    snils.edit.backspace()
    qtbot.keyClicks(snils.edit, "5")
    assert snils.error.isHidden()


def test_identifier_fields_follow_consumer_type(qtbot, ctx) -> None:
    dialog = RegistrationDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    visible = lambda: [f.key for f in dialog.form.visible_fields()]  # noqa: E731
    assert visible()[0] == "snils"
    dialog.set_consumer_type("entrepreneur")
    assert visible()[:2] == ["inn", "ogrnip"]
    qtbot.keyClicks(dialog.inn.edit, "3337234788")  # a company's 10-digit ИНН
    dialog.inn.edit.editingFinished.emit()
    assert dialog.inn.error.text() == "ИНН должен содержать 12 цифр"
    dialog.set_consumer_type("company")
    assert visible()[:2] == ["inn", "ogrn"]
    assert dialog.inn.error.isHidden()  # the same digits are right for a company


REGISTRATIONS = [
    ("individual", {"snils": "034-230-302 90"}, "034-230-302 90"),
    ("entrepreneur", {"inn": "332183105418", "ogrnip": "309336919733641"}, "309336919733641"),
    ("company", {"inn": "3334298582", "ogrn": "5133301584862"}, "5133301584862"),
]


@pytest.mark.parametrize(("ctype", "identifiers", "login"), REGISTRATIONS)
def test_register_activate_from_outbox_and_log_in(
    qtbot, ctx, window, ctype, identifiers, login
) -> None:
    dialog = RegistrationDialog(ctx, window)
    qtbot.addWidget(dialog)
    dialog.set_consumer_type(ctype)
    dialog.show()
    for key, value in identifiers.items():
        qtbot.keyClicks(dialog.form.fields[key].edit, value)
    email = f"{ctype}@example.test"
    qtbot.keyClicks(dialog.form.fields["email"].edit, email)
    qtbot.keyClicks(dialog.password.edit, "Warm evening 2026")
    qtbot.keyClicks(dialog.confirmation.edit, "Warm evening 2026")
    qtbot.keyClicks(dialog.form.fields["phone"].edit, "8 (920) 555-44-33")
    dialog.consent.setChecked(True)
    qtbot.mouseClick(dialog.submit, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 1, timeout=10_000)
    assert email in dialog.done_text.text()

    mail = next(m for m in ctx.session.client.dev_outbox() if m.to == email)
    link = re.search(r"http://\S+activate\?token=\S+", mail.text).group(0)
    qtbot.keyClicks(dialog.activation.token.edit, link)
    qtbot.mouseClick(dialog.activation.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "активирована" in dialog.done_title.text(), timeout=10_000)
    dialog.accept()

    window.login_view.picker.set_value(ctype)
    log_in(qtbot, window, login, "Warm evening 2026", remember=False)
    assert window.cabinet.profile_page.email_label.text() == email
    assert window.cabinet.profile_page.phone.text() == "+7 (920) 555-44-33"


def test_login_before_activation_says_so(qtbot, ctx, window) -> None:
    ctx.session.client.register(
        {
            "consumer_type": "individual",
            "snils": "613-166-273 65",
            "email": "late@example.test",
            "password": "Warm evening 2026",
            "password_confirmation": "Warm evening 2026",
            "phone": "+79205554433",
            "personal_data_consent": True,
        }
    )
    lv = window.login_view
    qtbot.keyClicks(lv.login.edit, "613-166-273 65")
    qtbot.keyClicks(lv.password.edit, "Warm evening 2026")
    qtbot.mouseClick(lv.submit, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not lv.form_error.isHidden(), timeout=10_000)
    assert "не активирована" in lv.form_error.text()
    assert window.cabinet is None


def test_wrong_password_keeps_login_and_says_generic_error(qtbot, window) -> None:
    lv = window.login_view
    qtbot.keyClicks(lv.login.edit, demo.SNILS_TYPED)
    qtbot.keyClicks(lv.password.edit, "not-the-password")
    qtbot.mouseClick(lv.submit, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not lv.form_error.isHidden(), timeout=10_000)
    assert lv.form_error.text() == "Неверный логин или пароль"
    assert lv.login.text() == demo.SNILS_TYPED
    assert lv.submit.isEnabled()


def test_remember_me_change_phone_and_log_out_leaves_nothing(
    qtbot, ctx, window, memory_keyring, app_dirs
) -> None:
    log_in(qtbot, window, demo.SNILS_TYPED, demo.PASSWORD, remember=True)
    token = memory_keyring.items.get((SERVICE, ctx.session.server_url))
    assert token, "«Запомнить меня» keeps the session token in the keyring"
    assert demo.PASSWORD not in memory_keyring.items.values()
    assert files_under(app_dirs / "data"), "the profile is cached for offline use"
    assert demo.SNILS_TYPED in window.cabinet.who_label.text()

    page = window.cabinet.profile_page
    page.phone.set_text("")
    qtbot.keyClicks(page.phone.edit, "8 (910) 000-11-22")
    assert page.save_phone.isEnabled()
    qtbot.mouseClick(page.save_phone, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.profile.phone == "+79100001122", timeout=10_000)
    assert ctx.session.client.profile().phone == "+79100001122"

    with qtbot.waitSignal(window.logged_out, timeout=10_000):
        qtbot.mouseClick(window.cabinet.logout_button, Qt.MouseButton.LeftButton)
    assert window.cabinet is None
    assert memory_keyring.items == {}
    assert files_under(app_dirs / "data") == []
    assert window.login_view.password.text() == ""
    # The token is dead on the server too.
    from voek_desktop.api.client import CabinetClient
    from voek_desktop.api.errors import ApiError

    with pytest.raises(ApiError) as err:
        CabinetClient(ctx.session.server_url, token, retries=0).profile()
    assert err.value.status == 401


def test_remembered_session_resumes_in_a_new_window(qtbot, ctx, window, memory_keyring) -> None:
    log_in(qtbot, window, demo.SNILS_TYPED, demo.PASSWORD, remember=True)
    from voek_desktop.session import Session
    from voek_desktop.ui.context import Context

    second = MainWindow(Context(Session(ctx.session.server_url), ctx.tasks))
    qtbot.addWidget(second)
    second.try_resume()
    qtbot.waitUntil(lambda: second.cabinet is not None, timeout=10_000)
    assert demo.SNILS_TYPED in second.cabinet.who_label.text()


@pytest.mark.slow
def test_log_out_without_server_still_wipes_local_data(
    qtbot, ctx, window, server, memory_keyring, app_dirs
) -> None:
    log_in(qtbot, window, demo.SNILS_TYPED, demo.PASSWORD, remember=True)
    server.stop()
    with qtbot.waitSignal(window.logged_out, timeout=30_000):
        qtbot.mouseClick(window.cabinet.logout_button, Qt.MouseButton.LeftButton)
    assert memory_keyring.items == {}
    assert files_under(app_dirs / "data") == []
    assert "Сервер недоступен" in window.statusBar().currentMessage()


def test_no_keyring_backend_gives_a_clear_message_not_a_crash(qtbot, window, boxes) -> None:
    import keyring
    from keyring.backends import fail

    keyring.set_keyring(fail.Keyring())
    log_in(qtbot, window, demo.SNILS_TYPED, demo.PASSWORD, remember=True)
    assert any("хранилища паролей" in text for _, text in boxes)
    assert window.cabinet is not None


def test_email_change_asks_for_the_current_password_and_shows_its_error_beside_it(
    qtbot, ctx, window
) -> None:
    """A stolen session alone cannot move the account's mail (docs/design.md "Identity")."""
    from voek_desktop.ui.identity.dialogs import EmailChangeDialog

    log_in(qtbot, window, demo.SNILS_TYPED, demo.PASSWORD, remember=False)
    dialog = EmailChangeDialog(ctx, window)
    qtbot.addWidget(dialog)
    current = dialog.form.fields["current_password"]
    assert dialog.form.layout_.labelForField(current).text() == "Текущий пароль:"
    assert current.edit.echoMode() == current.edit.EchoMode.Password

    qtbot.keyClicks(dialog.form.fields["email"].edit, "new.ivanov@example.test")
    qtbot.mouseClick(dialog.send, Qt.MouseButton.LeftButton)  # no password: checked at once
    assert current.error.text() == "Укажите текущий пароль"
    assert ctx.session.client.profile().pending_email is None

    qtbot.keyClicks(current.edit, "not-the-password")
    qtbot.mouseClick(dialog.send, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: current.error.text() != "", timeout=10_000)
    assert current.error.text() == "Текущий пароль указан неверно"
    assert dialog.send.isEnabled()
    assert ctx.session.client.profile().pending_email is None

    current.set_text("")
    qtbot.keyClicks(current.edit, demo.PASSWORD)
    qtbot.mouseClick(dialog.send, Qt.MouseButton.LeftButton)
    # Sent: the password does not linger in the dialog.
    qtbot.waitUntil(lambda: current.text() == "", timeout=10_000)
    assert ctx.session.client.profile().pending_email == "new.ivanov@example.test"
