"""Identity dialogs: activation, «Забыли пароль?», the demo mailbox, password and e-mail change."""

from __future__ import annotations

import re
from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from voek_desktop.api.models import EmailChange, SentMail
from voek_desktop.domain.contacts import check_password, normalize_email
from voek_desktop.ui.context import Context
from voek_desktop.ui.kit import messages
from voek_desktop.ui.kit.dialogs import EnterRuns, tr
from voek_desktop.ui.kit.forms import ErrorLabel, Field, Form, checker, show_api_error
from voek_desktop.ui.kit.widgets import fit_to_screen, primary_button

_TOKEN_IN_TEXT = re.compile(r"^[A-Za-z0-9_-]{32,}$", re.M)


class TokenPanel(QWidget):
    """«Paste the link or the code from the e-mail» with a button that sends it."""

    succeeded = Signal(str)

    def __init__(
        self,
        ctx: Context,
        prompt: str,
        action: str,
        call: Callable[[str], str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.call = call
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        label = QLabel(prompt, self)
        label.setWordWrap(True)
        layout.addWidget(label)
        self.form = Form(self)
        self.token = self.form.add(
            Field(
                "token",
                "Ссылка или код",
                check=lambda t: None if t.strip() else "Вставьте ссылку или код из письма",
            )
        )
        layout.addWidget(self.form)
        self.general = ErrorLabel(self)
        layout.addWidget(self.general)
        row = QHBoxLayout()
        if ctx.demo:
            mail = QPushButton(tr("Почта (демо)…"), self)
            mail.setAutoDefault(False)
            mail.clicked.connect(lambda: OutboxDialog(self.ctx, self).show())
            row.addWidget(mail)
        row.addStretch(1)
        self.button = primary_button(action, self)
        self.button.clicked.connect(self._go)
        row.addWidget(self.button)
        layout.addLayout(row)
        self.token.edit.returnPressed.connect(self._go)

    def _go(self) -> None:
        self.general.show_message(None)
        if not self.form.validate():
            return
        token = self.token.text()
        self.button.setEnabled(False)
        self.ctx.tasks.run(
            lambda: self.call(token), self._done, self._failed, owner=self, label="Проверка кода…"
        )

    def _done(self, message: str) -> None:
        self.button.setEnabled(True)
        self.token.set_text("")
        self.succeeded.emit(message)

    def _failed(self, exc: BaseException) -> None:
        self.button.setEnabled(True)
        show_api_error(exc, self.form, self.general)


class ActivationDialog(QDialog):
    """Activate with the link from the e-mail, or ask for the e-mail again."""

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(tr("Активация учётной записи"))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        self.panel = TokenPanel(
            ctx,
            "Вставьте ссылку из письма об активации (или код из него):",
            "Активировать",
            lambda token: ctx.session.client.activate(token),
            self,
        )
        self.panel.succeeded.connect(self._activated)
        layout.addWidget(self.panel)
        self.result_label = QLabel(self)
        self.result_label.setWordWrap(True)
        self.result_label.hide()
        layout.addWidget(self.result_label)

        resend_title = QLabel(
            tr("<b>Письмо не пришло?</b> Проверьте папку «Спам» или отправьте письмо ещё раз:"),
            self,
        )
        resend_title.setWordWrap(True)
        layout.addWidget(resend_title)
        self.resend_form = Form(self)
        self.email = self.resend_form.add(
            Field("email", "E-mail", placeholder="ivanov@mail.ru", check=checker(normalize_email))
        )
        layout.addWidget(self.resend_form)
        self.resend_error = ErrorLabel(self)
        layout.addWidget(self.resend_error)
        row = QHBoxLayout()
        row.addStretch(1)
        self.resend = QPushButton(tr("Отправить письмо ещё раз"), self)
        self.resend.setAutoDefault(False)
        self.resend.clicked.connect(self._resend)
        row.addWidget(self.resend)
        layout.addLayout(row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _activated(self, message: str) -> None:
        self.result_label.setText(f"<b>{message}</b>")
        self.result_label.show()

    def _resend(self) -> None:
        self.resend_error.show_message(None)
        if not self.resend_form.validate():
            return
        email = self.email.text()
        self.ctx.tasks.run(
            lambda: self.ctx.session.client.resend_activation(email),
            lambda message: messages.info(self, message, tr("Письмо отправлено")),
            lambda exc: show_api_error(exc, self.resend_form, self.resend_error),
            owner=self,
            label="Отправка письма…",
        )


class PasswordResetDialog(QDialog):
    """«Забыли пароль?»: the e-mail first, then the code from the letter and a new password."""

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(tr("Восстановление пароля"))
        self.setMinimumWidth(560)
        outer = QVBoxLayout(self)
        self.pages = QStackedWidget(self)
        outer.addWidget(self.pages)

        first = QWidget(self)
        layout = QVBoxLayout(first)
        text = QLabel(
            tr(
                "Укажите адрес электронной почты, который вы указали при регистрации. Мы пришлём на"
                " него код для смены пароля."
            ),
            first,
        )
        text.setWordWrap(True)
        layout.addWidget(text)
        self.email_form = Form(first)
        self.email = self.email_form.add(
            Field("email", "E-mail", placeholder="ivanov@mail.ru", check=checker(normalize_email))
        )
        layout.addWidget(self.email_form)
        self.email_error = ErrorLabel(first)
        layout.addWidget(self.email_error)
        row = QHBoxLayout()
        have_code = QPushButton(tr("У меня уже есть код"), first)
        have_code.setAutoDefault(False)
        have_code.clicked.connect(lambda: self.pages.setCurrentIndex(1))
        row.addWidget(have_code)
        row.addStretch(1)
        self.send = primary_button(tr("Прислать код"), first)
        self.send.clicked.connect(self._send)
        row.addWidget(self.send)
        layout.addLayout(row)
        self.pages.addWidget(first)

        second = QWidget(self)
        layout = QVBoxLayout(second)
        self.sent_text = QLabel(tr("Вставьте код из письма и придумайте новый пароль."), second)
        self.sent_text.setWordWrap(True)
        layout.addWidget(self.sent_text)
        self.form = Form(second)
        self.token = self.form.add(
            Field(
                "token",
                "Код из письма",
                check=lambda t: None if t.strip() else "Вставьте код из письма",
            )
        )
        self.password = self.form.add(
            Field("password", "Новый пароль", password=True, check=checker(check_password))
        )
        self.confirmation = self.form.add(
            Field(
                "password_confirmation",
                "Новый пароль повторно",
                password=True,
                check=lambda t: None if t == self.password.text() else "Пароли не совпадают",
            )
        )
        layout.addWidget(self.form)
        self.error = ErrorLabel(second)
        layout.addWidget(self.error)
        row = QHBoxLayout()
        row.addStretch(1)
        self.save = primary_button(tr("Сменить пароль"), second)
        self.save.clicked.connect(self._save)
        row.addWidget(self.save)
        layout.addLayout(row)
        self.pages.addWidget(second)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        outer.addWidget(buttons)

    def _send(self) -> None:
        self.email_error.show_message(None)
        if not self.email_form.validate():
            return
        email = self.email.text()
        self.ctx.tasks.run(
            lambda: self.ctx.session.client.request_password_reset(email),
            self._sent,
            lambda exc: show_api_error(exc, self.email_form, self.email_error),
            owner=self,
            label="Отправка письма…",
        )

    def _sent(self, message: str) -> None:
        self.sent_text.setText(message + tr(" Вставьте код из письма и придумайте новый пароль."))
        self.pages.setCurrentIndex(1)
        self.token.edit.setFocus()

    def _save(self) -> None:
        self.error.show_message(None)
        if not self.form.validate():
            return
        token, pw, pw2 = self.token.text(), self.password.text(), self.confirmation.text()
        self.save.setEnabled(False)
        self.ctx.tasks.run(
            lambda: self.ctx.session.client.confirm_password_reset(token, pw, pw2),
            self._saved,
            self._failed,
            owner=self,
            label="Смена пароля…",
        )

    def _saved(self, message: str) -> None:
        self.save.setEnabled(True)
        messages.info(self, message, tr("Пароль изменён"))
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.save.setEnabled(True)
        show_api_error(exc, self.form, self.error)


def current_password_field() -> Field:
    """«Текущий пароль», asked again before the password or the e-mail changes."""
    return Field(
        "current_password",
        "Текущий пароль",
        password=True,
        check=lambda t: None if t else "Укажите текущий пароль",
    )


class PasswordChangeDialog(QDialog):
    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(tr("Смена пароля"))
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        self.form = Form(self)
        self.current = self.form.add(current_password_field())
        self.new = self.form.add(
            Field("new_password", "Новый пароль", password=True, check=checker(check_password))
        )
        self.confirmation = self.form.add(
            Field(
                "new_password_confirmation",
                "Новый пароль повторно",
                password=True,
                check=lambda t: None if t == self.new.text() else "Пароли не совпадают",
            )
        )
        layout.addWidget(self.form)
        note = QLabel(tr("После смены пароля все другие сеансы входа будут завершены."), self)
        note.setObjectName("fieldHint")
        layout.addWidget(note)
        self.error = ErrorLabel(self)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(self)
        self.save = primary_button(tr("Сменить пароль"), self)
        buttons.addButton(self.save, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("Отмена", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _save(self) -> None:
        self.error.show_message(None)
        if not self.form.validate():
            return
        values = (self.current.text(), self.new.text(), self.confirmation.text())
        self.save.setEnabled(False)
        self.ctx.tasks.run(
            lambda: self.ctx.session.client.change_password(*values),
            self._saved,
            self._failed,
            owner=self,
            label="Смена пароля…",
        )

    def _saved(self, message: str) -> None:
        messages.notice(message)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.save.setEnabled(True)
        show_api_error(exc, self.form, self.error)


class EmailChangeDialog(QDialog):
    """A new address, then the code sent to it (docs/design.md "Cabinet sections": confirmed by a
    link to the new address)."""

    profile_changed = Signal(object)

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(tr("Смена адреса электронной почты"))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        self.form = Form(self)
        self.email = self.form.add(
            Field(
                "email",
                "Новый e-mail",
                placeholder="ivanov@mail.ru",
                check=checker(normalize_email),
            )
        )
        # A session alone cannot move the account's mail: the server asks for the password
        # again (docs/design.md "Identity").
        self.current = self.form.add(current_password_field())
        layout.addWidget(self.form)
        self.error = ErrorLabel(self)
        layout.addWidget(self.error)
        row = QHBoxLayout()
        row.addStretch(1)
        self.send = primary_button(tr("Отправить письмо для подтверждения"), self)
        self.send.clicked.connect(self._send)
        row.addWidget(self.send)
        layout.addLayout(row)
        self.panel = TokenPanel(
            ctx,
            "Вставьте ссылку или код из письма, пришедшего на новый адрес:",
            "Подтвердить адрес",
            lambda token: ctx.session.client.confirm_email(token),
            self,
        )
        self.panel.succeeded.connect(self._confirmed)
        layout.addWidget(self.panel)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        EnterRuns(self).add(self.form, self.send).add(self.panel, self.panel.button)

    def _send(self) -> None:
        self.error.show_message(None)
        if not self.form.validate():
            return
        email, current = self.email.text(), self.current.text()
        self.send.setEnabled(False)
        self.ctx.tasks.run(
            lambda: self.ctx.session.client.change_email(email, current),
            self._sent,
            self._failed,
            owner=self,
            label="Отправка письма…",
        )

    def _sent(self, change: EmailChange) -> None:
        self.send.setEnabled(True)
        self.error.show_message(None)
        self.current.edit.clear()
        messages.notice(change.message, self)
        self.profile_changed.emit(change.profile)
        self.panel.token.edit.setFocus()

    def _failed(self, exc: BaseException) -> None:
        self.send.setEnabled(True)
        show_api_error(exc, self.form, self.error)

    def _confirmed(self, message: str) -> None:
        messages.notice(message)
        self.ctx.tasks.run(
            self.ctx.session.refresh_profile,
            lambda profile: self.profile_changed.emit(profile),
            owner=self,
            label="Обновление профиля…",
        )
        self.accept()


class OutboxDialog(QDialog):
    """Demo mode: the letters the bundled server has «sent», with their links."""

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(tr("Почта (демо)"))
        fit_to_screen(self, 820, 480)
        layout = QVBoxLayout(self)
        hint = QLabel(
            tr(
                "Письма, которые демо-сервер отправил бы потребителям. Скопируйте ссылку или код"
                " и вставьте его в окно активации или смены пароля."
            ),
            self,
        )
        hint.setWordWrap(True)
        layout.addWidget(hint)
        split = QSplitter(self)
        self.list = QListWidget(split)
        self.text = QPlainTextEdit(split)
        self.text.setReadOnly(True)
        split.setSizes([300, 520])
        layout.addWidget(split, 1)
        row = QHBoxLayout()
        self.copy = QPushButton(tr("Скопировать код из письма"), self)
        self.copy.setEnabled(False)
        self.copy.clicked.connect(self._copy_token)
        refresh = QPushButton(tr("Обновить"), self)
        refresh.clicked.connect(self.refresh)
        row.addWidget(self.copy)
        row.addStretch(1)
        row.addWidget(refresh)
        close = QPushButton(tr("Закрыть"), self)
        close.clicked.connect(self.reject)
        row.addWidget(close)
        layout.addLayout(row)
        self.list.currentItemChanged.connect(self._show)
        self.mails: list[SentMail] = []
        self.refresh()

    def refresh(self) -> None:
        self.ctx.tasks.run(
            self.ctx.session.client.dev_outbox, self._loaded, owner=self, label="Загрузка писем…"
        )

    def _loaded(self, mails: list[SentMail]) -> None:
        self.mails = mails
        self.list.clear()
        for mail in mails:
            item = QListWidgetItem(f"{mail.subject}\n{mail.to}")
            self.list.addItem(item)
        if mails:
            self.list.setCurrentRow(0)
        else:
            self.text.setPlainText("Писем пока нет.")

    def _show(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self.mails):
            mail = self.mails[row]
            self.text.setPlainText(f"Кому: {mail.to}\nТема: {mail.subject}\n\n{mail.text}")
            self.copy.setEnabled(self.current_token() is not None)

    def current_token(self) -> str | None:
        row = self.list.currentRow()
        if not 0 <= row < len(self.mails):
            return None
        match = _TOKEN_IN_TEXT.search(self.mails[row].text)
        return match.group(0) if match else None

    def _copy_token(self) -> None:
        from PySide6.QtWidgets import QApplication

        token = self.current_token()
        if token:
            QApplication.clipboard().setText(token)
            messages.notice(tr("Код скопирован в буфер обмена"))
