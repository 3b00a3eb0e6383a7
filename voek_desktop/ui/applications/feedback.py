"""«Обратная связь»: messages to the grid company, as threads with its replies."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from voek_desktop.api.applications import FeedbackThread
from voek_desktop.api.errors import ApiError
from voek_desktop.api.models import Profile
from voek_desktop.domain.formats import (
    format_datetime,
)
from voek_desktop.ui.applications.page import table
from voek_desktop.ui.context import Context
from voek_desktop.ui.kit import messages
from voek_desktop.ui.kit.dialogs import tr
from voek_desktop.ui.kit.forms import ErrorLabel, Field
from voek_desktop.ui.kit.models import RecordsModel
from voek_desktop.ui.kit.page import SectionPage
from voek_desktop.ui.kit.widgets import primary_button

SUBJECT_MAX = 200
MESSAGE_MAX = 5000


def check_subject(text: str) -> str | None:
    if not text.strip():
        return "Укажите тему сообщения"
    if len(text.strip()) > SUBJECT_MAX:
        return f"Тема — не более {SUBJECT_MAX} символов"
    return None


def check_message(text: str) -> str | None:
    if not text.strip():
        return "Напишите текст сообщения"
    if len(text.strip()) > MESSAGE_MAX:
        return f"Сообщение — не более {MESSAGE_MAX} символов"
    return None


class MessageBox(QWidget):
    """A multi-line text with its error under it."""

    def __init__(self, placeholder: str, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.edit = QPlainTextEdit(self)
        self.edit.setObjectName(name)
        self.edit.setPlaceholderText(placeholder)
        self.edit.setTabChangesFocus(True)
        self.edit.setMaximumHeight(110)
        layout.addWidget(self.edit)
        self.error = ErrorLabel(self)
        layout.addWidget(self.error)
        self.edit.textChanged.connect(self._edited)

    def _edited(self) -> None:
        if self.error.text():
            self.error.show_message(check_message(self.text()))

    def text(self) -> str:
        return self.edit.toPlainText()

    def validate(self) -> bool:
        message = check_message(self.text())
        self.error.show_message(message)
        return message is None


class FeedbackPage(SectionPage):
    topics = frozenset({"feedback"})

    def __init__(self, ctx: Context, profile: Profile, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "Обратная связь", parent)
        self.current: FeedbackThread | None = None
        layout = self.body

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        left = QWidget(splitter)
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        self.model: RecordsModel[FeedbackThread] = RecordsModel(
            [
                ("Тема", lambda t: t.subject),
                ("Обновлено", lambda t: format_datetime(t.updated_at or t.created_at, zone=False)),
                ("Ответ", lambda t: "есть" if t.has_reply else "ждём"),
            ],
            self,
        )
        self.threads = table(left, self.model, "threads", stretch=0)
        lv.addWidget(self.threads, 1)
        new_title = QLabel(tr("Новое сообщение в АО «ВОЭК»"), left)
        new_title.setObjectName("groupTitle")
        lv.addWidget(new_title)
        self.subject = Field(
            "subject", "Тема", check=check_subject, placeholder="Например: вопрос по заявке"
        )
        lv.addWidget(self.subject)
        self.text = MessageBox("Текст сообщения", "newMessage", left)
        lv.addWidget(self.text)
        self.send_button = primary_button(tr("Отправить"), left)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.send_button)
        lv.addLayout(row)

        right = QWidget(splitter)
        rv = QVBoxLayout(right)
        rv.setContentsMargins(8, 0, 0, 0)
        self.thread_title = QLabel(tr("Выберите обращение"), right)
        self.thread_title.setObjectName("groupTitle")
        self.thread_title.setWordWrap(True)
        rv.addWidget(self.thread_title)
        self.messages = QTextBrowser(right)
        self.messages.setObjectName("messages")
        rv.addWidget(self.messages, 1)
        self.reply = MessageBox("Ответить в этом обращении", "reply", right)
        rv.addWidget(self.reply)
        self.reply_button = QPushButton(tr("Ответить"), right)
        self.reply_button.setAutoDefault(False)
        row2 = QHBoxLayout()
        row2.addStretch(1)
        row2.addWidget(self.reply_button)
        rv.addLayout(row2)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        layout.addWidget(splitter, 1)

        self.threads.selectionModel().currentRowChanged.connect(
            lambda cur, _prev: self.open_thread(self.model.record(cur.row()))
        )
        self.send_button.clicked.connect(self.send_new)
        self.reply_button.clicked.connect(self.send_reply)
        self.show_thread(None)

    def refresh(self, select: int | None = None) -> None:
        client = self.ctx.session.client
        self.load(
            client.feedback_threads,
            lambda threads: self._listed(threads, select),
            label="Загрузка обращений…",
        )

    def reveal(self, thread_id: int) -> None:
        """Open this thread (a notification of a reply was clicked), freshly loaded."""
        self.refresh(select=thread_id)

    def _listed(self, threads: list[FeedbackThread], select: int | None) -> None:
        keep = select or (self.current.id if self.current else None)
        if threads == self.model.records and self.model.records and select is None:
            return  # no reply, no new thread: the open one stays as it is, scrolled where it was
        self.model.set_records(threads)
        for row, thread in enumerate(threads):
            if thread.id == keep:
                self.threads.selectRow(row)
                return
        if threads:
            self.threads.selectRow(0)

    def open_thread(self, thread: FeedbackThread | None) -> None:
        if thread is None:
            self.show_thread(None)
            return
        client = self.ctx.session.client
        self.ctx.tasks.run(
            lambda: client.feedback_thread(thread.id),
            self.show_thread,
            lambda exc: self.error_line.show_message(messages.describe(exc)),
            owner=self,
            label="Загрузка обращения…",
        )

    def show_thread(self, thread: FeedbackThread | None) -> None:
        self.current = thread
        self.reply.setEnabled(thread is not None)
        self.reply_button.setEnabled(thread is not None)
        if thread is None:
            self.thread_title.setText(tr("Обращений пока нет. Напишите нам — ответ придёт сюда."))
            self.messages.setHtml("")
            return
        self.thread_title.setText(thread.subject)
        parts = []
        for m in thread.messages:
            who = "АО «ВОЭК»" if m.from_operator else "Вы"
            colour = "#e8f0fe" if m.from_operator else "#f1f3f4"
            parts.append(
                f"<table width='100%' cellpadding='6' style='background:{colour};"
                f" margin-bottom:6px'><tr><td><b>{who}</b>"
                f" <span style='color:#5f6368'>{format_datetime(m.at, zone=False)}</span><br>"
                f"{escape(m.text).replace(chr(10), '<br>')}</td></tr></table>"
            )
        self.messages.setHtml("".join(parts))

    def send_new(self) -> None:
        ok = self.subject.validate()
        ok = self.text.validate() and ok
        if not ok:
            return
        subject, text = self.subject.text().strip(), self.text.text().strip()
        client = self.ctx.session.client
        self.send_button.setEnabled(False)
        self.ctx.tasks.run(
            lambda: client.create_feedback(subject, text),
            self._sent,
            self._send_failed,
            owner=self,
            label="Отправка сообщения…",
        )

    def _sent(self, thread: FeedbackThread) -> None:
        self.send_button.setEnabled(True)
        self.subject.set_text("")
        self.text.edit.setPlainText("")
        messages.notice(tr("Сообщение отправлено."))
        self.show_thread(thread)
        self.refresh(select=thread.id)

    def _send_failed(self, exc: BaseException) -> None:
        self.send_button.setEnabled(True)
        if isinstance(exc, ApiError) and exc.fields:
            if "subject" in exc.fields:
                self.subject.set_error(exc.fields["subject"])
            if "message" in exc.fields:
                self.text.error.show_message(exc.fields["message"])
            return
        self.error_line.show_message(messages.describe(exc))

    def send_reply(self) -> None:
        if self.current is None or not self.reply.validate():
            return
        thread_id, text = self.current.id, self.reply.text().strip()
        client = self.ctx.session.client
        self.reply_button.setEnabled(False)
        self.ctx.tasks.run(
            lambda: client.reply_feedback(thread_id, text),
            self._replied,
            self._reply_failed,
            owner=self,
            label="Отправка ответа…",
        )

    def _replied(self, thread: FeedbackThread) -> None:
        self.reply_button.setEnabled(True)
        self.reply.edit.setPlainText("")
        self.show_thread(thread)
        self.refresh(select=thread.id)

    def _reply_failed(self, exc: BaseException) -> None:
        self.reply_button.setEnabled(True)
        if isinstance(exc, ApiError) and "message" in exc.fields:
            self.reply.error.show_message(exc.fields["message"])
            return
        self.error_line.show_message(messages.describe(exc))
