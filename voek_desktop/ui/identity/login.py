"""The login screen: consumer type, identifier, password, «Запомнить меня» (docs/design.md
"Identity")."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from voek_desktop.api.errors import ApiError
from voek_desktop.domain.consumers import CONSUMER_TYPES
from voek_desktop.session import LoginResult
from voek_desktop.ui.context import Context, DemoLogin
from voek_desktop.ui.kit import messages
from voek_desktop.ui.kit.dialogs import tr
from voek_desktop.ui.kit.forms import ErrorLabel, Field, Form, checker, show_api_error
from voek_desktop.ui.kit.widgets import (
    ConsumerTypePicker,
    link_button,
    primary_button,
    push_button,
    scrolling,
)

if TYPE_CHECKING:
    from voek_desktop.api.models import Profile


EXPIRED = "Сеанс истёк — войдите снова"


class LoginView(QWidget):
    logged_in = Signal(object)  # Profile

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        # The card scrolls on a screen lower than it (1024×600 with the demo box, 200 %).
        content = QWidget(self)
        screen = QVBoxLayout(self)
        screen.setContentsMargins(0, 0, 0, 0)
        screen.addWidget(scrolling(content, self))
        outer = QVBoxLayout(content)
        outer.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        card = QFrame(content)
        card.setObjectName("card")
        card.setMaximumWidth(640)
        card.setMinimumWidth(520)
        row.addWidget(card, 4)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)

        layout = QVBoxLayout(card)
        layout.setContentsMargins(32, 28, 32, 24)
        layout.setSpacing(12)
        title = QLabel(tr("Личный кабинет потребителя"), card)
        title.setObjectName("title")
        subtitle = QLabel(tr("АО «ВОЭК» — Владимирская областная электросетевая компания"), card)
        subtitle.setObjectName("subtitle")
        subtitle.setWordWrap(True)
        layout.addWidget(title)
        layout.addWidget(subtitle)

        self.picker = ConsumerTypePicker(card)
        layout.addWidget(self.picker)

        self.form = Form(card)
        self.login = self.form.add(Field("login", "СНИЛС"))
        self.password = self.form.add(Field("password", "Пароль", password=True))
        layout.addWidget(self.form)

        self.remember = QCheckBox(tr("Запомнить меня"), card)
        self.remember.setToolTip(
            tr(
                "Вход сохранится на этом компьютере в системном хранилище паролей до 30 дней."
                " Не отмечайте на чужом или общем компьютере."
            )
        )
        layout.addWidget(self.remember)

        self.form_error = ErrorLabel(card)
        self.form_error.setObjectName("formError")
        layout.addWidget(self.form_error)

        self.submit = primary_button(tr("Войти"), card)
        self.submit.clicked.connect(self._submit)
        layout.addWidget(self.submit)

        links = QHBoxLayout()
        self.forgot_button = link_button(tr("Забыли пароль?"), card)
        self.register_button = link_button(tr("Регистрация"), card)
        self.activate_button = link_button(tr("Активировать учётную запись"), card)
        for b in (self.forgot_button, self.register_button, self.activate_button):
            links.addWidget(b)
        links.addStretch(1)
        layout.addLayout(links)
        self.blank_forms_button = link_button(tr("Бланки заявок (печать без входа)"), card)
        self.blank_forms_button.clicked.connect(self.show_blank_forms)
        offline = QHBoxLayout()
        offline.addWidget(self.blank_forms_button)
        offline.addStretch(1)
        layout.addLayout(offline)

        self.demo_box = QFrame(card)
        self.demo_box.setObjectName("demoBox")
        self.demo_layout = QGridLayout(self.demo_box)
        self.demo_box.setVisible(ctx.demo)
        layout.addWidget(self.demo_box)

        server_row = QHBoxLayout()
        self.server_label = QLabel(card)
        self.server_label.setObjectName("fieldHint")
        self.server_label.setText(tr("Сервер: {}").format(ctx.session.server_url))
        server_row.addWidget(self.server_label, 1)
        self.settings_button = link_button(tr("Настройки…"), card)
        server_row.addWidget(self.settings_button)
        layout.addLayout(server_row)

        self.picker.changed.connect(self._type_changed)
        self.login.edit.returnPressed.connect(self.password.edit.setFocus)
        self.password.edit.returnPressed.connect(self._submit)
        self._type_changed(self.picker.value())
        self._fill_demo_box()

    # --- demo ------------------------------------------------------------------------------

    def _fill_demo_box(self) -> None:
        if not self.ctx.demo:
            return
        head = QLabel(
            tr("<b>Демо-режим:</b> учебные данные на этом компьютере, письма — в «Почте (демо)»."),
            self.demo_box,
        )
        head.setWordWrap(True)
        self.demo_layout.addWidget(head, 0, 0, 1, 3)
        for i, demo in enumerate(self.ctx.demo_logins, start=1):
            ctype = CONSUMER_TYPES[demo.consumer_type]
            label = QLabel(f"{ctype.label}: {ctype.login.label} {demo.login}", self.demo_box)
            self.demo_layout.addWidget(label, i, 0)
            use = push_button(tr("Подставить"), self.demo_box)
            use.setAutoDefault(False)
            use.setObjectName(f"demo_{demo.consumer_type}")
            use.clicked.connect(lambda _=False, d=demo: self.use_demo(d))
            self.demo_layout.addWidget(use, i, 1)
        if self.ctx.demo_logins:
            pw = QLabel(
                tr("Пароль всех демо-потребителей: {}").format(self.ctx.demo_logins[0].password)
            )
            self.demo_layout.addWidget(pw, len(self.ctx.demo_logins) + 1, 0, 1, 2)
        self.mail_button = push_button(tr("Почта (демо)…"), self.demo_box)
        self.mail_button.setAutoDefault(False)
        row = len(self.ctx.demo_logins) + 2
        self.demo_layout.addWidget(self.mail_button, row - 1, 1)
        # Filled from the demo server's registry once it listens (load_demo_numbers): two
        # short lines with the link inside; not wrapped, so the window's minimum height counts
        # them and nothing is clipped on a small screen. Until then it says the server is
        # starting; if the server or the registry cannot be reached it says so, with «Повторить».
        self.demo_numbers = QLabel(self.demo_box)
        self.demo_numbers.setObjectName("demoNumbers")
        self.demo_numbers.setToolTip(
            tr(
                "Все лицевые счета с заводскими номерами приборов учёта и договоры энергоснабжения"
                " с ОГРН и ИНН — по ссылке «Демо-данные…»"
            )
        )
        self.demo_numbers.linkActivated.connect(lambda _link: self.show_demo_data())
        self.demo_numbers.hide()
        self.demo_layout.addWidget(self.demo_numbers, row, 0, 1, 2)
        self.demo_retry = link_button(tr("Повторить"), self.demo_box)
        self.demo_retry.setObjectName("demoRetry")
        self.demo_retry.setAutoDefault(False)
        self.demo_retry.clicked.connect(self.load_demo_numbers)
        self.demo_retry.hide()
        self.demo_layout.addWidget(self.demo_retry, row, 2)
        # Tab follows the screen top to bottom: the demo box comes before «Настройки…».
        chain = [self.blank_forms_button, *self.demo_box.findChildren(QPushButton)]
        for first, second in zip(chain, [*chain[1:], self.settings_button], strict=True):
            QWidget.setTabOrder(first, second)

    def load_demo_numbers(self) -> None:
        """The registry's numbers to try (a spare personal account, the supply contracts),
        asked once the demo server listens (ui/kit/ready.py); «Повторить» asks again, and
        starts the server again if it did not start."""
        if not self.ctx.demo:
            return
        self.demo_retry.hide()
        start = self.ctx.server_start
        if start is not None and start.state == "failed":
            start.begin()
        if start is not None and not start.is_ready():
            self._demo_status(tr("Демо-сервер запускается…"))
        else:
            self._demo_status(tr("Загрузка демо-данных…"))
        self.ctx.when_server_ready(self._ask_registry, self._demo_failed, owner=self)

    def _ask_registry(self) -> None:
        from voek_desktop.ui.demo_panel import registry_summary

        def shown(lines: list[str]) -> None:
            from html import escape  # after the first paint: html.entities is a big table

            from PySide6.QtCore import Qt

            link = '<a href="#demo-data">{}</a>'.format(tr("Демо-данные…"))
            self.demo_numbers.setTextFormat(Qt.TextFormat.RichText)
            self.demo_numbers.setText("<br>".join(escape(line) for line in lines) + f" {link}")
            self.demo_numbers.show()

        self._demo_status(tr("Загрузка демо-данных…"))
        self.ctx.tasks.run(
            self.ctx.session.client.dev_registry,
            lambda registry: shown(registry_summary(registry)),
            lambda exc: self._demo_failed(
                tr("Не удалось получить демо-данные: {}").format(messages.describe(exc))
            ),
            owner=self,
            label=tr("Демо-данные…"),
        )

    def _demo_status(self, text: str) -> None:
        # Here, not at the top: the Qt namespace costs the first paint (ui/kit/tasks.py).
        from PySide6.QtCore import Qt

        self.demo_numbers.setTextFormat(Qt.TextFormat.PlainText)
        self.demo_numbers.setText(text)
        self.demo_numbers.show()

    def _demo_failed(self, why: str) -> None:
        self._demo_status(why)
        self.demo_retry.show()

    def show_demo_data(self) -> None:
        from voek_desktop.ui.demo_panel import DemoDataDialog

        DemoDataDialog(self.ctx, self).open()

    def use_demo(self, demo: DemoLogin) -> None:
        self.picker.set_value(demo.consumer_type)
        self.login.set_text(demo.login)
        self.password.set_text(demo.password)
        self.form.clear_errors()
        self.submit.setFocus()

    def show_blank_forms(self) -> None:
        # Imported here: QtPdf and reportlab must not cost the login window its start-up time.
        from voek_desktop.ui.applications.blank_forms import BlankFormsDialog

        self.blank_forms = BlankFormsDialog(self.ctx, self)
        self.blank_forms.open()

    # --- behaviour -------------------------------------------------------------------------

    def _type_changed(self, key: str) -> None:
        ident = CONSUMER_TYPES[key].login
        self.login.label_text = ident.label
        # Form.add puts a QLabel beside each field; the stubs type it as any QWidget.
        label = cast(QLabel, self.form.layout_.labelForField(self.login))
        label.setText(ident.label + ":")
        self.login.edit.setAccessibleName(ident.label)
        self.login.edit.setPlaceholderText(ident.placeholder)
        self.login.check = checker(ident.normalize)
        self.password.check = lambda t: None if t else "Укажите пароль"
        if self.login.text():
            self.login.validate()
        self.form_error.show_message(None)

    def reset(self, *, forget_visitor: bool = False) -> None:
        """Back to a clean screen after logout: no password left in a widget; at a desk
        (``forget_visitor``) nothing of the last visitor, their login included."""
        self.password.set_text("")
        if forget_visitor:
            self.login.set_text("")
            self.picker.set_value("individual")
            self.login.edit.setFocus()
        self.form.clear_errors()
        self.form_error.show_message(None)
        self.set_busy(False)

    def show_expired(self, profile: Profile | None) -> None:
        """After a 401: why the login is back, with the same consumer's login filled in so
        only the password is left to type."""
        self.password.set_text("")
        if profile is not None:
            self.picker.set_value(profile.consumer_type)
            ident = CONSUMER_TYPES[profile.consumer_type].login
            self.login.set_text(ident.display(profile.login))
        self.form.clear_errors()
        self.set_busy(False)
        self.form_error.show_message(EXPIRED)
        (self.password if profile is not None else self.login).edit.setFocus()

    def set_busy(self, busy: bool) -> None:
        self.submit.setEnabled(not busy)
        self.submit.setText(tr("Вход…") if busy else tr("Войти"))

    def _submit(self) -> None:
        self.form_error.show_message(None)
        if not self.form.validate():
            return
        ctype, login, password = self.picker.value(), self.login.text(), self.password.text()
        remember = self.remember.isChecked()
        self.set_busy(True)
        self.ctx.tasks.run(
            lambda: self.ctx.session.log_in(ctype, login, password, remember),
            self._done,
            self._failed,
            owner=self,
            label="Вход в личный кабинет…",
        )

    def _done(self, result: LoginResult) -> None:
        self.set_busy(False)
        self.password.set_text("")
        if result.warning:
            messages.error(self, result.warning, tr("Вход не запомнен"))
        self.logged_in.emit(result.profile)

    def _failed(self, exc: BaseException) -> None:
        self.set_busy(False)
        if show_api_error(exc, self.form, self.form_error):
            return
        if isinstance(exc, ApiError) and exc.code == "invalid_credentials":
            self.password.edit.selectAll()
            self.password.edit.setFocus()
