"""«Письма на e-mail» in «Контактные данные» (issue 16, item 7): which of the grid company's
actions are also e-mailed. The feed has every one of them regardless; these switch only the
mail. Each click is saved at once, and a refusal puts the box back with the reason under it."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QGroupBox, QLabel, QVBoxLayout, QWidget

from voek_desktop.api.notifications import EmailChoices
from voek_desktop.ui.context import Context
from voek_desktop.ui.kit import messages
from voek_desktop.ui.kit.dialogs import tr
from voek_desktop.ui.kit.forms import ErrorLabel


def _labels() -> dict[str, str]:
    # The app's own words, in the order the events happen; an event the server adds later is
    # listed under the server's name for it.
    return {
        "status_changed": tr("изменился статус заявки"),
        "documents_requested": tr("сетевая организация запросила сведения или документы"),
        "contract_offered": tr("предложен договор на подписание"),
        "feedback_reply": tr("пришёл ответ на обращение"),
    }


class EmailChoicesBox(QGroupBox):
    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(tr("Письма на e-mail"), parent)
        self.ctx = ctx
        self.setObjectName("emailChoices")
        self.box = QVBoxLayout(self)
        self.note = QLabel(
            tr(
                "В кабинете (колокольчик вверху) уведомления приходят всегда. Письмо на e-mail"
                " присылать, когда:"
            ),
            self,
        )
        self.note.setObjectName("fieldHint")
        self.note.setWordWrap(True)
        self.box.addWidget(self.note)
        self.checks: dict[str, QCheckBox] = {}
        self.error = ErrorLabel(self)
        self.box.addWidget(self.error)
        self.choices: EmailChoices | None = None

    def load(self) -> None:
        client = self.ctx.session.client
        self.ctx.tasks.run(
            client.email_choices,
            self.show_choices,
            lambda exc: self.error.show_message(messages.describe(exc)),
            owner=self,
        )

    def show_choices(self, choices: EmailChoices) -> None:
        self.choices = choices
        self.error.show_message(None)
        ours = _labels()
        for kind, on in choices.email.items():
            check = self.checks.get(kind)
            if check is None:
                check = QCheckBox(ours.get(kind) or choices.labels.get(kind, kind), self)
                check.setObjectName(f"email_{kind}")
                check.toggled.connect(lambda value, k=kind: self._toggled(k, value))
                self.box.insertWidget(self.box.indexOf(self.error), check)
                # A layout shows a child added to a shown box only at its next event-loop turn.
                check.show()
                self.checks[kind] = check
            check.blockSignals(True)
            check.setChecked(on)
            check.blockSignals(False)

    def _toggled(self, kind: str, on: bool) -> None:
        self.error.show_message(None)
        self.checks[kind].setEnabled(False)
        client = self.ctx.session.client

        def saved(choices: EmailChoices) -> None:
            self.checks[kind].setEnabled(True)
            self.show_choices(choices)
            messages.notice(tr("Настройки писем сохранены"))

        def failed(exc: BaseException) -> None:
            check = self.checks[kind]
            check.setEnabled(True)
            check.blockSignals(True)
            check.setChecked(not on)  # as the server still has it
            check.blockSignals(False)
            self.error.show_message(messages.describe(exc))

        self.ctx.tasks.run(
            lambda: client.update_email_choices({kind: on}),
            saved,
            failed,
            owner=self,
            label=tr("Сохранение настроек писем…"),
        )
