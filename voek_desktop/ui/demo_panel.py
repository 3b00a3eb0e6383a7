"""Demo mode only: what the grid company would do, so the whole story can be shown without curl
(issue 12 item 13), and the registry's numbers to try.

«Демо: действия сетевой организации» answers the logged-in consumer's applications (offer a
contract, move to a status) and «Обратная связь» threads, and moves the demo server's clock a day
on, running the jobs that fall due (tomorrow's archives). Everything goes over HTTP through the
API client to the ``/dev`` routes, which only a ``--dev``/``--demo`` server has;
``messages.changed`` then reloads the cabinet sections that show what changed.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from voek_desktop.api.applications import Application, FeedbackThread
from voek_desktop.api.models import DemoRegistry
from voek_desktop.domain import applications as domain
from voek_desktop.domain.formats import format_datetime
from voek_desktop.ui.context import Context
from voek_desktop.ui.kit import messages
from voek_desktop.ui.kit.dialogs import EnterRuns
from voek_desktop.ui.kit.widgets import fit_to_screen

DAY_SECONDS = 86_400
# What each kind of action changes (the topics of messages.changed; the open section showing
# them reloads, the others when they are shown).
APPLICATION_TOPICS = ("applications", "contracts", "survey")
FEEDBACK_TOPICS = ("feedback",)
# The clock moved: every deadline and file may have changed.
EVERY_TOPIC = (*APPLICATION_TOPICS, *FEEDBACK_TOPICS, "accounts")


def next_statuses(current: str) -> list[str]:
    """Where the operator may move an application, in the order of its life (annulment last)."""
    order = list(domain.STATUSES)
    return sorted(domain.OPERATOR_TRANSITIONS.get(current, ()), key=order.index)


def path_to(current: str, target: str) -> list[str]:
    """The operator's steps from ``current`` to ``target`` (empty when there is no way):
    «Направить договор» on a registered application reviews it first, as the company would."""
    paths = {current: [current]}
    queue = [current]
    while queue:
        status = queue.pop(0)
        for following in next_statuses(status):
            if following not in paths:
                paths[following] = [*paths[status], following]
                queue.append(following)
    return paths.get(target, [current])[1:]


class DemoActionsDialog(QDialog):
    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.applications: list[Application] = []
        self.threads: list[FeedbackThread] = []
        self.setWindowTitle(self.tr("Демо: действия сетевой организации"))
        fit_to_screen(self, 620, 560)
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "Так АО «ВОЭК» отвечает потребителю: изменения сразу видны в кабинете. Есть"
                " только в демонстрационном режиме."
            ),
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)

        box = QGroupBox(self.tr("Заявка"), self)
        form = QFormLayout(box)
        self.application = QComboBox(box)
        self.application.setObjectName("demoApplication")
        self.status = QComboBox(box)
        self.status.setObjectName("demoStatus")
        self.comment = QLineEdit(box)
        self.comment.setPlaceholderText(self.tr("Комментарий (необязательно)"))
        self.comment.setMaxLength(2000)
        form.addRow(self.tr("Заявка:"), self.application)
        form.addRow(self.tr("Новый статус:"), self.status)
        form.addRow(self.tr("Комментарий:"), self.comment)
        row = QHBoxLayout()
        self.offer_button = QPushButton(self.tr("Направить договор"), box)
        self.offer_button.setObjectName("demoOfferContract")
        self.status_button = QPushButton(self.tr("Сменить статус"), box)
        self.status_button.setObjectName("demoSetStatus")
        row.addWidget(self.offer_button)
        row.addWidget(self.status_button)
        row.addStretch(1)
        form.addRow(row)
        self.applications_hint = QLabel(box)
        self.applications_hint.setObjectName("fieldHint")
        self.applications_hint.setWordWrap(True)
        form.addRow(self.applications_hint)
        layout.addWidget(box)

        box = QGroupBox(self.tr("Обращение в «Обратную связь»"), self)
        form = QFormLayout(box)
        self.thread_box = QComboBox(box)
        self.thread_box.setObjectName("demoThread")
        self.reply = QPlainTextEdit(box)
        self.reply.setObjectName("demoReply")
        self.reply.setPlainText(
            self.tr("Здравствуйте! Ваше обращение рассмотрено, подробности — в ответе специалиста.")
        )
        self.reply.setMaximumHeight(70)
        self.reply.setTabChangesFocus(True)
        self.reply_button = QPushButton(self.tr("Ответить"), box)
        self.reply_button.setObjectName("demoReplyButton")
        form.addRow(self.tr("Обращение:"), self.thread_box)
        form.addRow(self.tr("Ответ:"), self.reply)
        row = QHBoxLayout()
        row.addWidget(self.reply_button)
        row.addStretch(1)
        form.addRow(row)
        layout.addWidget(box)

        box = QGroupBox(self.tr("Время сервера"), self)
        row = QHBoxLayout(box)
        self.clock = QLabel(box)
        self.clock.setObjectName("demoClock")
        self.next_day_button = QPushButton(self.tr("Следующий день"), box)
        self.next_day_button.setObjectName("demoNextDay")
        self.next_day_button.setToolTip(
            self.tr("Часы сервера на сутки вперёд и задания, которые к этому времени наступили")
        )
        self.jobs_button = QPushButton(self.tr("Выполнить задания"), box)
        self.jobs_button.setObjectName("demoRunJobs")
        self.jobs_button.setToolTip(self.tr("Подготовить архивы, срок которых наступил"))
        row.addWidget(self.clock, 1)
        row.addWidget(self.next_day_button)
        row.addWidget(self.jobs_button)
        layout.addWidget(box)

        layout.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.refresh_button = QPushButton(self.tr("Обновить"), self)
        self.close_button = QPushButton(self.tr("Закрыть"), self)
        buttons.addWidget(self.refresh_button)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(False)
        EnterRuns(self).add(self.comment, self.status_button)

        self.application.currentIndexChanged.connect(lambda _i: self._application_chosen())
        self.offer_button.clicked.connect(self.offer_contract)
        self.status_button.clicked.connect(self.set_status)
        self.reply_button.clicked.connect(self.reply_to_thread)
        self.next_day_button.clicked.connect(lambda: self.advance(DAY_SECONDS))
        self.jobs_button.clicked.connect(lambda: self.advance(0))
        self.refresh_button.clicked.connect(self.refresh)
        self.close_button.clicked.connect(self.reject)
        self._show_lists([], [], None)
        self.refresh()

    # --- loading --------------------------------------------------------------------------

    def _logged_in(self) -> bool:
        return self.ctx.session.profile is not None

    def refresh(self) -> None:
        client = self.ctx.session.client
        logged_in = self._logged_in()

        def work() -> tuple[list[Application], list[FeedbackThread], str]:
            if not logged_in:
                return [], [], client.dev_clock()
            return client.applications("active"), client.feedback_threads(), client.dev_clock()

        self.ctx.when_server_ready(
            lambda: self.ctx.tasks.run(
                work,
                lambda lists: self._show_lists(*lists),
                lambda exc: messages.notice(messages.describe(exc), near=self.close_button),
                owner=self,
                label="Демо: загрузка…",
            ),
            lambda why: messages.notice(why, near=self.close_button),
            owner=self,
        )

    def consumer_changed(self, *_: object) -> None:
        """Someone logged in or out: never show the previous consumer's applications."""
        self._show_lists([], [], None)
        self.refresh()

    def _show_lists(
        self, applications: list[Application], threads: list[FeedbackThread], now: str | None
    ) -> None:
        keep_app, keep_thread = self.application.currentData(), self.thread_box.currentData()
        self.applications = [a for a in applications if domain.OPERATOR_TRANSITIONS.get(a.status)]
        self.threads = threads
        self.application.blockSignals(True)
        self.application.clear()
        for app in self.applications:
            number = app.number or f"черновик {app.id}"
            self.application.addItem(f"№ {number} · {app.status_label}", app.id)
        index = self.application.findData(keep_app)
        self.application.setCurrentIndex(max(0, index))
        self.application.blockSignals(False)
        self.thread_box.clear()
        for thread in threads:
            state = self.tr("есть ответ") if thread.has_reply else self.tr("ждёт ответа")
            self.thread_box.addItem(f"{thread.subject} · {state}", thread.id)
        self.thread_box.setCurrentIndex(max(0, self.thread_box.findData(keep_thread)))
        self.reply_button.setEnabled(bool(threads))
        if not self._logged_in():
            self.applications_hint.setText(
                self.tr("Войдите как демо-потребитель, чтобы ответить на его заявки и обращения.")
            )
        elif not self.applications:
            self.applications_hint.setText(
                self.tr("Подайте заявку в разделе «Заявки»: черновик сетевая организация не видит.")
            )
        else:
            self.applications_hint.setText("")
        if now is not None:
            self._show_clock(now)
        self._application_chosen()

    def _show_clock(self, now: str) -> None:
        self.clock.setText(self.tr("Сейчас на сервере: {0}").format(format_datetime(now)))

    def current_application(self) -> Application | None:
        chosen = self.application.currentData()
        return next((a for a in self.applications if a.id == chosen), None)

    def _application_chosen(self) -> None:
        app = self.current_application()
        self.status.clear()
        if app is not None:
            for key in next_statuses(app.status):
                self.status.addItem(domain.status_label(key), key)
        self.status_button.setEnabled(self.status.count() > 0)
        self.offer_button.setEnabled(
            app is not None and bool(path_to(app.status, "contract_offered"))
        )

    # --- actions --------------------------------------------------------------------------

    def offer_contract(self) -> None:
        app = self.current_application()
        if app is not None:
            self._move(app, path_to(app.status, "contract_offered"))

    def set_status(self) -> None:
        app = self.current_application()
        if app is not None and self.status.currentData():
            self._move(app, [self.status.currentData()])

    def _move(self, app: Application, steps: list[str]) -> None:
        client, comment = self.ctx.session.client, self.comment.text().strip()

        def work() -> Application:
            moved = app
            for status in steps:  # the comment goes with the last step, the one asked for
                moved = client.dev_set_application_status(
                    app.id, status, comment if status == steps[-1] else ""
                )
            return moved

        self._busy(True)
        self.ctx.tasks.run(
            work,
            self._moved,
            self._failed,
            owner=self,
            label="Демо: действие сетевой организации…",
        )

    def _moved(self, app: Application) -> None:
        self._busy(False)
        self.comment.clear()
        messages.notice(
            self.tr("Заявка № {0}: «{1}».").format(app.number, app.status_label),
            near=self.close_button,
        )
        messages.changed(*APPLICATION_TOPICS)
        self.refresh()

    def reply_to_thread(self) -> None:
        thread_id, text = self.thread_box.currentData(), self.reply.toPlainText().strip()
        if thread_id is None or not text:
            return
        client = self.ctx.session.client
        self._busy(True)
        self.ctx.tasks.run(
            lambda: client.dev_reply_feedback(thread_id, text),
            lambda _none: self._replied(),
            self._failed,
            owner=self,
            label="Демо: ответ на обращение…",
        )

    def _replied(self) -> None:
        self._busy(False)
        messages.notice(self.tr("Ответ отправлен."), near=self.close_button)
        messages.changed(*FEEDBACK_TOPICS)
        self.refresh()

    def advance(self, seconds: int) -> None:
        client = self.ctx.session.client

        def work() -> tuple[str, list[dict[str, Any]]]:
            now = client.dev_set_clock(advance_seconds=seconds) if seconds else client.dev_clock()
            return now, client.dev_run_jobs()

        self._busy(True)
        self.ctx.tasks.run(
            work,
            lambda result: self._advanced(*result),
            self._failed,
            owner=self,
            label="Демо: часы сервера…",
        )

    def _advanced(self, now: str, jobs: list[dict[str, Any]]) -> None:
        self._busy(False)
        self._show_clock(now)
        done = sum(1 for j in jobs if j.get("state") == "done")
        messages.notice(
            self.tr("Выполнено заданий: {0}.").format(done) if jobs else self.tr("Заданий нет."),
            near=self.close_button,
        )
        messages.changed(*EVERY_TOPIC)

    def _failed(self, exc: BaseException) -> None:
        self._busy(False)
        messages.notice(messages.describe(exc), near=self.close_button)
        self.refresh()

    def _busy(self, busy: bool) -> None:
        for button in (self.offer_button, self.status_button, self.reply_button):
            button.setEnabled(not busy)
        self.next_day_button.setEnabled(not busy)
        self.jobs_button.setEnabled(not busy)
        if not busy:
            self._application_chosen()
            self.reply_button.setEnabled(bool(self.threads))


# --- the registry's numbers -----------------------------------------------------------------


def registry_summary(registry: DemoRegistry) -> list[str]:
    """Two short lines for the login screen's demo box (the dialog has everything): a spare
    personal account with a meter on it, and the supply contracts by whose they are."""
    lines = []
    spare = [a for a in registry.personal_accounts if not a.added and a.meter_serial_numbers]
    if spare:
        account = spare[0]
        lines.append(
            f"Проверьте: лицевой счёт {account.number} (ПУ {account.meter_serial_numbers[0]}),"
        )
    whose = {"company": "юр. лицо", "entrepreneur": "ИП"}
    contracts = ", ".join(
        f"{', '.join(o.supply_contracts)} ({whose.get(o.kind, o.name)})"
        for o in registry.organizations
        if o.supply_contracts
    )
    if contracts:
        lines.append(f"договоры {contracts}.")
    return lines


def registry_html(registry: DemoRegistry) -> str:
    rows = "".join(
        f"<tr><td>{a.number}</td><td>{', '.join(a.meter_serial_numbers)}</td>"
        f"<td>{'уже добавлен' if a.added else 'свободен'}</td></tr>"
        for a in registry.personal_accounts
    )
    orgs = "".join(
        f"<tr><td>{o.name}</td><td>{o.ogrn}</td><td>{o.inn}</td>"
        f"<td>{', '.join(o.supply_contracts)}</td></tr>"
        for o in registry.organizations
    )
    return (
        "<p>Физическое лицо добавляет лицевой счёт номером вместе с заводским номером любого"
        " прибора учёта на нём (оба есть в квитанции).</p>"
        "<table border='1' cellspacing='0' cellpadding='4'>"
        "<tr><th>Лицевой счёт</th><th>Заводские номера ПУ</th><th>В кабинете</th></tr>"
        f"{rows}</table>"
        "<p>Организация или ИП из реестра подтверждается номером любого своего договора"
        " энергоснабжения.</p>"
        "<table border='1' cellspacing='0' cellpadding='4'>"
        "<tr><th>Наименование</th><th>ОГРН / ОГРНИП</th><th>ИНН</th><th>Договоры</th></tr>"
        f"{orgs}</table>"
    )


class DemoDataDialog(QDialog):
    """«Демо-данные…»: every personal account with its meters, every organisation with its
    supply contracts, from the demo server's ``GET /dev/registry``."""

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Демо-данные"))
        fit_to_screen(self, 640, 520)
        layout = QVBoxLayout(self)
        self.text = QTextBrowser(self)
        self.text.setObjectName("demoRegistry")
        self.text.setPlainText(self.tr("Загрузка…"))
        layout.addWidget(self.text, 1)
        close = QPushButton(self.tr("Закрыть"), self)
        close.clicked.connect(self.accept)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(close)
        layout.addLayout(row)
        ctx.when_server_ready(
            lambda: ctx.tasks.run(
                ctx.session.client.dev_registry,
                lambda registry: self.text.setHtml(registry_html(registry)),
                lambda exc: self.text.setPlainText(messages.describe(exc)),
                owner=self,
                label="Демо-данные…",
            ),
            self.text.setPlainText,  # why the demo server did not start
            owner=self,
        )
