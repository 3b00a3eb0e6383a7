"""«Контактные данные» (docs/design.md "Cabinet sections"): identifiers read-only; phone, e-mail
and password changeable."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QWidget,
)

from voek_desktop.api.errors import ApiError
from voek_desktop.api.models import Profile
from voek_desktop.domain.consumers import CONSUMER_TYPES
from voek_desktop.domain.contacts import format_phone, normalize_phone
from voek_desktop.ui.context import Context
from voek_desktop.ui.identity.dialogs import EmailChangeDialog, PasswordChangeDialog
from voek_desktop.ui.identity.email_choices import EmailChoicesBox
from voek_desktop.ui.kit import messages
from voek_desktop.ui.kit.dialogs import tr
from voek_desktop.ui.kit.forms import ErrorLabel, Field, checker
from voek_desktop.ui.kit.page import SectionPage
from voek_desktop.ui.kit.widgets import section_title


def _value_label(parent: QWidget, name: str) -> QLabel:
    label = QLabel(parent)
    label.setObjectName(name)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class ProfilePage(SectionPage):
    profile_changed = Signal(object)

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(ctx, None, parent)
        layout = self.body
        title = section_title(tr("Контактные данные"), self)
        layout.addWidget(title)

        ids = QGroupBox(tr("Учётная запись"), self)
        self.ids_layout = QFormLayout(ids)
        self.type_label = _value_label(ids, "consumer_type")
        self.ids_layout.addRow("Тип потребителя:", self.type_label)
        self.identifier_labels: dict[str, QLabel] = {}
        for key, text in (
            ("snils", "СНИЛС"),
            ("inn", "ИНН"),
            ("ogrnip", "ОГРНИП"),
            ("ogrn", "ОГРН"),
        ):
            label = _value_label(ids, f"value_{key}")
            self.ids_layout.addRow(f"{text}:", label)
            self.identifier_labels[key] = label
        layout.addWidget(ids)

        contacts = QGroupBox(tr("Связь с вами"), self)
        grid = QGridLayout(contacts)
        grid.setColumnStretch(3, 1)
        grid.addWidget(QLabel("E-mail:", contacts), 0, 0)
        self.email_label = _value_label(contacts, "value_email")
        grid.addWidget(self.email_label, 0, 1)
        self.email_button = QPushButton(tr("Изменить e-mail…"), contacts)
        self.email_button.clicked.connect(self._change_email)
        grid.addWidget(self.email_button, 0, 2)
        self.pending_label = _value_label(contacts, "value_pending_email")
        self.pending_label.setWordWrap(True)
        self.pending_label.setObjectName("fieldHint")
        grid.addWidget(self.pending_label, 1, 1, 1, 3)
        phone_label = QLabel(tr("Контактный телефон:"), contacts)
        grid.addWidget(phone_label, 2, 0, Qt.AlignmentFlag.AlignTop)
        self.phone = Field(
            "phone",
            "Контактный телефон",
            placeholder="+7 (920) 123-45-67",
            check=checker(normalize_phone),
        )
        self.phone.setMinimumWidth(260)
        self.phone.setMaximumWidth(320)
        phone_label.setBuddy(self.phone.edit)
        grid.addWidget(self.phone, 2, 1, Qt.AlignmentFlag.AlignTop)
        self.save_phone = QPushButton(tr("Сохранить телефон"), contacts)
        self.save_phone.setEnabled(False)
        self.save_phone.clicked.connect(self._save_phone)
        grid.addWidget(self.save_phone, 2, 2, Qt.AlignmentFlag.AlignTop)
        self.phone_error = ErrorLabel(contacts)
        grid.addWidget(self.phone_error, 3, 1, 1, 3)
        self.phone.changed.connect(self._phone_edited)
        self.phone.edit.returnPressed.connect(self._save_phone)
        layout.addWidget(contacts)
        # Which of the grid company's actions are e-mailed (issue 16, item 7).
        self.email_choices = EmailChoicesBox(ctx, self)
        layout.addWidget(self.email_choices)

        security = QGroupBox(tr("Безопасность"), self)
        s = QHBoxLayout(security)
        note = QLabel(tr("Пароль не хранится на этом компьютере."), security)
        note.setObjectName("fieldHint")
        s.addWidget(note, 1)
        self.password_button = QPushButton(tr("Сменить пароль…"), security)
        self.password_button.clicked.connect(self._change_password)
        s.addWidget(self.password_button)
        layout.addWidget(security)
        layout.addStretch(1)
        self.profile: Profile | None = None

    def refresh(self) -> None:
        """The e-mail may have been confirmed in the browser meanwhile (the pending address
        then goes), or the phone changed at another computer."""
        self.load(self.ctx.session.refresh_profile, self._refreshed, lambda _exc: None)
        self.email_choices.load()

    def has_unsaved_edits(self) -> bool:
        return self.save_phone.isEnabled()  # a phone typed and not saved yet

    def _refreshed(self, profile: Profile) -> None:
        if profile != self.profile and not self.has_unsaved_edits():
            self.show_profile(profile)
            self.profile_changed.emit(profile)

    def show_profile(self, profile: Profile) -> None:
        self.profile = profile
        ctype = CONSUMER_TYPES[profile.consumer_type]
        self.type_label.setText(ctype.label)
        for key, label in self.identifier_labels.items():
            value = getattr(profile, key)
            shown = key in {f.key for f in ctype.identifiers}
            self.ids_layout.setRowVisible(label, shown)
            label.setText(ctype.identifier(key).display(value) if shown and value else "")
        self.email_label.setText(profile.email)
        self.pending_label.setText(
            tr("Ожидает подтверждения: {} — перейдите по ссылке из письма на этот адрес.").format(
                profile.pending_email
            )
            if profile.pending_email
            else ""
        )
        self.pending_label.setVisible(bool(profile.pending_email))
        self.phone.set_text(format_phone(profile.phone))
        self.phone.set_error(None)
        self.save_phone.setEnabled(False)

    def _phone_edited(self) -> None:
        current = format_phone(self.profile.phone) if self.profile else ""
        self.save_phone.setEnabled(self.phone.text() != current)

    def _save_phone(self) -> None:
        self.phone_error.show_message(None)
        if not self.save_phone.isEnabled() or not self.phone.validate():
            return
        phone = self.phone.text()
        self.save_phone.setEnabled(False)
        self.ctx.tasks.run(
            lambda: self.ctx.session.client.update_phone(phone),
            self._phone_saved,
            self._phone_failed,
            owner=self,
            label="Сохранение телефона…",
        )

    def _phone_saved(self, profile: Profile) -> None:
        self.ctx.session.remember_profile(profile)
        self.show_profile(profile)
        self.profile_changed.emit(profile)
        messages.notice(tr("Телефон сохранён"))

    def _phone_failed(self, exc: BaseException) -> None:
        self.save_phone.setEnabled(True)
        if isinstance(exc, ApiError) and "phone" in exc.fields:
            self.phone.set_error(exc.fields["phone"])
        else:
            self.phone_error.show_message(messages.describe(exc))

    def _change_email(self) -> None:
        dialog = EmailChangeDialog(self.ctx, self)
        dialog.profile_changed.connect(self._profile_from_dialog)
        dialog.exec()

    def _profile_from_dialog(self, profile: Profile) -> None:
        self.show_profile(profile)
        self.profile_changed.emit(profile)

    def _change_password(self) -> None:
        PasswordChangeDialog(self.ctx, self).exec()
