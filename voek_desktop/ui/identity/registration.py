"""Registration (docs/design.md "Identity"): the fields of the chosen consumer type, checked as
typed."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from voek_desktop.api.models import Registration
from voek_desktop.domain.consumers import CONSUMER_TYPES
from voek_desktop.domain.contacts import check_password, normalize_email, normalize_phone
from voek_desktop.ui.context import Context
from voek_desktop.ui.identity.dialogs import TokenPanel
from voek_desktop.ui.kit.dialogs import EnterRuns, tr
from voek_desktop.ui.kit.forms import ErrorLabel, Field, Form, checker, show_api_error
from voek_desktop.ui.kit.widgets import ConsumerTypePicker, primary_button, section_title


class RegistrationDialog(QDialog):
    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(tr("Регистрация в личном кабинете"))
        self.setMinimumWidth(600)
        outer = QVBoxLayout(self)
        self.pages = QStackedWidget(self)
        outer.addWidget(self.pages)

        # page 1: the form
        page = QWidget(self)
        layout = QVBoxLayout(page)
        intro = QLabel(
            tr(
                "Выберите, кто вы, и заполните поля. После регистрации на указанную почту придёт"
                " письмо со ссылкой для активации учётной записи."
            ),
            page,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.picker = ConsumerTypePicker(page)
        layout.addWidget(self.picker)
        self.form = Form(page)
        f = self.form
        f.add(
            Field(
                "snils",
                "СНИЛС",
                placeholder="123-456-789 64",
                check=checker(CONSUMER_TYPES["individual"].identifier("snils").normalize),
            )
        )
        self.inn = f.add(Field("inn", "ИНН"))
        f.add(
            Field(
                "ogrnip",
                "ОГРНИП",
                placeholder="15 цифр",
                check=checker(CONSUMER_TYPES["entrepreneur"].identifier("ogrnip").normalize),
            )
        )
        f.add(
            Field(
                "ogrn",
                "ОГРН",
                placeholder="13 цифр",
                check=checker(CONSUMER_TYPES["company"].identifier("ogrn").normalize),
            )
        )
        f.add(
            Field("email", "E-mail", placeholder="ivanov@mail.ru", check=checker(normalize_email))
        )
        self.password = f.add(
            Field(
                "password",
                "Пароль",
                password=True,
                check=checker(check_password),
                hint="Не менее 8 символов; лучше фраза из нескольких слов.",
            )
        )
        self.confirmation = f.add(
            Field(
                "password_confirmation",
                "Пароль повторно",
                password=True,
                check=lambda t: None if t == self.password.text() else "Пароли не совпадают",
            )
        )
        f.add(
            Field(
                "phone",
                "Контактный телефон",
                placeholder="+7 (920) 123-45-67",
                check=checker(normalize_phone),
            )
        )
        self.password.changed.connect(
            lambda: self.confirmation.text() and self.confirmation.validate()
        )
        layout.addWidget(self.form)
        self.consent = QCheckBox(
            tr(
                "Даю согласие на обработку персональных данных в соответствии\n"
                "с Федеральным законом № 152-ФЗ «О персональных данных»"
            ),
            page,
        )
        self.consent.setObjectName("consent")
        layout.addWidget(self.consent)
        self.consent_error = ErrorLabel(page)
        layout.addWidget(self.consent_error)
        self.consent.toggled.connect(
            lambda on: self.consent_error.show_message(None) if on else None
        )
        self.form_error = ErrorLabel(page)
        self.form_error.setObjectName("formError")
        layout.addWidget(self.form_error)
        buttons = QDialogButtonBox(page)
        self.submit = primary_button(tr("Зарегистрироваться"), page)
        buttons.addButton(self.submit, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("Отмена", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self._submit)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.pages.addWidget(page)

        # page 2: check your e-mail, paste the link
        done = QWidget(self)
        done_layout = QVBoxLayout(done)
        self.done_title = section_title(tr("Проверьте почту"), done)
        done_layout.addWidget(self.done_title)
        self.done_text = QLabel(done)
        self.done_text.setWordWrap(True)
        done_layout.addWidget(self.done_text)
        self.activation = TokenPanel(
            ctx,
            "Перейдите по ссылке из письма или вставьте её (или код из письма) сюда:",
            "Активировать",
            lambda token: self.ctx.session.client.activate(token),
            done,
        )
        self.activation.succeeded.connect(self._activated)
        done_layout.addWidget(self.activation)
        done_layout.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, done)
        close.rejected.connect(self.accept)
        done_layout.addWidget(close)
        self.pages.addWidget(done)

        self.picker.changed.connect(self._type_changed)
        self._type_changed(self.picker.value())
        self.registered_email = ""
        # Enter on the form registers; on the second page it activates.
        EnterRuns(self).add(page, self.submit).add(done, self.activation.button)
        self.submit.setDefault(True)

    def set_consumer_type(self, key: str) -> None:
        self.picker.set_value(key)

    def _type_changed(self, key: str) -> None:
        ctype = CONSUMER_TYPES[key]
        keys = [f.key for f in ctype.identifiers] + [
            "email",
            "password",
            "password_confirmation",
            "phone",
        ]
        self.form.set_visible_fields(keys)
        if "inn" in keys:
            inn = ctype.identifier("inn")
            self.inn.check = checker(inn.normalize)
            self.inn.edit.setPlaceholderText(inn.placeholder)
            if self.inn.text():
                self.inn.validate()
        self.form_error.show_message(None)

    def form_data(self) -> dict[str, object]:
        data: dict[str, object] = {f.key: f.text() for f in self.form.visible_fields()}
        data["consumer_type"] = self.picker.value()
        data["personal_data_consent"] = self.consent.isChecked()
        return data

    def _submit(self) -> None:
        self.form_error.show_message(None)
        ok = self.form.validate()
        if not self.consent.isChecked():
            self.consent_error.show_message("Необходимо согласие на обработку персональных данных")
            ok = False
        if not ok:
            return
        data = self.form_data()
        self.submit.setEnabled(False)
        self.submit.setText(tr("Отправка…"))
        self.ctx.tasks.run(
            lambda: self.ctx.session.client.register(data),
            self._registered,
            self._failed,
            owner=self,
            label="Регистрация…",
        )

    def _registered(self, result: Registration) -> None:
        self.registered_email = result.consumer.email
        self.done_text.setText(result.message)
        self.pages.setCurrentIndex(1)
        self.activation.token.edit.setFocus()

    def _failed(self, exc: BaseException) -> None:
        self.submit.setEnabled(True)
        self.submit.setText(tr("Зарегистрироваться"))
        consent = {"personal_data_consent": self.consent_error}
        show_api_error(exc, self.form, self.form_error, elsewhere=consent)

    def _activated(self, message: str) -> None:
        self.done_title.setText(tr("Учётная запись активирована"))
        self.done_text.setText(message + tr(" Закройте это окно и войдите."))
        self.activation.hide()
