"""«Опрос»: the service-quality survey, once per application that reached a contract
(docs/design.md "Survey")."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from voek_desktop.api.applications import Application, SurveyQuestion
from voek_desktop.api.errors import ApiError
from voek_desktop.api.models import Profile
from voek_desktop.domain import applications as domain
from voek_desktop.ui.context import Context
from voek_desktop.ui.kit import messages
from voek_desktop.ui.kit.dialogs import tr
from voek_desktop.ui.kit.forms import ErrorLabel
from voek_desktop.ui.kit.page import SectionPage
from voek_desktop.ui.kit.widgets import primary_button

THANKS = "Спасибо, ответ принят"


class SurveyCard(QFrame):
    """Five questions with a score 1–5 and a comment each, a suggestion, «Отправить»."""

    def __init__(
        self,
        ctx: Context,
        application: Application,
        questions: list[SurveyQuestion],
        answered: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.application = application
        self.questions = questions
        self.setObjectName("card")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        cat = domain.CATEGORIES.get(application.category)
        title = QLabel(
            tr("<b>Заявка № {}</b> · {} · {}").format(
                application.number, cat.short_title if cat else "", application.status_label
            ),
            self,
        )
        layout.addWidget(title)
        self.thanks = QLabel(THANKS, self)
        self.thanks.setObjectName("thanks")
        self.thanks.setStyleSheet("color: #1e7b34; font-weight: 600;")
        layout.addWidget(self.thanks)
        self.body = QWidget(self)
        layout.addWidget(self.body)
        grid = QGridLayout(self.body)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(10)
        hint = QLabel(tr("1 — очень плохо, 5 — отлично"), self.body)
        hint.setObjectName("fieldHint")
        grid.addWidget(hint, 0, 0, 1, 3)
        self.groups: dict[str, QButtonGroup] = {}
        self.comments: dict[str, QLineEdit] = {}
        self.errors: dict[str, ErrorLabel] = {}
        row = 1
        for q in questions:
            label = QLabel(q.text, self.body)
            label.setWordWrap(True)
            grid.addWidget(label, row, 0)
            scores = QHBoxLayout()
            group = QButtonGroup(self)
            for score in range(1, 6):
                button = QRadioButton(str(score), self.body)
                button.setObjectName(f"score_{q.id}_{score}")
                group.addButton(button, score)
                scores.addWidget(button)
            grid.addLayout(scores, row, 1)
            comment = QLineEdit(self.body)
            comment.setPlaceholderText(tr("Комментарий (необязательно)"))
            comment.setMaxLength(1000)
            grid.addWidget(comment, row, 2)
            error = ErrorLabel(self.body)
            grid.addWidget(error, row + 1, 0, 1, 3)
            group.idToggled.connect(lambda _id, on, e=error: self._scored(e, on))
            self.groups[q.id], self.comments[q.id], self.errors[q.id] = group, comment, error
            row += 2
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(2, 2)
        self.suggestion = QPlainTextEdit(self.body)
        self.suggestion.setPlaceholderText(
            tr("Ваши предложения по улучшению работы (необязательно)")
        )
        self.suggestion.setMaximumHeight(70)
        self.suggestion.setTabChangesFocus(True)
        grid.addWidget(self.suggestion, row, 0, 1, 3)
        self.form_error = ErrorLabel(self.body)
        self.form_error.setObjectName("formError")
        grid.addWidget(self.form_error, row + 1, 0, 1, 3)
        self.send_button = primary_button(tr("Отправить"), self.body)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.send_button)
        grid.addLayout(buttons, row + 2, 0, 1, 3)
        self.send_button.clicked.connect(self.send)
        self.set_answered(answered)

    def _scored(self, error: ErrorLabel, on: bool) -> None:
        if not on:
            return
        error.show_message(None)
        if all(g.checkedId() > 0 for g in self.groups.values()):
            self.form_error.show_message(None)

    def set_answered(self, answered: bool) -> None:
        self.thanks.setVisible(answered)
        self.body.setVisible(not answered)

    def answers(self) -> list[dict] | None:
        out, ok = [], True
        for q in self.questions:
            score = self.groups[q.id].checkedId()
            if score < 1:
                self.errors[q.id].show_message("Поставьте оценку от 1 до 5")
                ok = False
            out.append(
                {"question_id": q.id, "score": score, "comment": self.comments[q.id].text().strip()}
            )
        return out if ok else None

    def send(self) -> None:
        answers = self.answers()
        if answers is None:
            self.form_error.show_message("Оцените каждый пункт.")
            return
        self.form_error.show_message(None)
        client = self.ctx.session.client
        app_id, suggestion = self.application.id, self.suggestion.toPlainText().strip()
        self.send_button.setEnabled(False)
        self.ctx.tasks.run(
            lambda: client.submit_survey(app_id, answers, suggestion),
            lambda _r: self._sent(),
            self._failed,
            owner=self,
            label="Отправка ответа на опрос…",
        )

    def _sent(self) -> None:
        self.set_answered(True)
        messages.notice(THANKS)

    def _failed(self, exc: BaseException) -> None:
        self.send_button.setEnabled(True)
        if isinstance(exc, ApiError) and exc.status == 409 and "already" in exc.code:
            self.set_answered(True)
            return
        self.form_error.show_message(messages.describe(exc))


class SurveyPage(SectionPage):
    def __init__(self, ctx: Context, profile: Profile, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "Опрос потребителя", parent)
        self.cards: dict[int, SurveyCard] = {}
        layout = self.body
        intro = QLabel(
            tr(
                "Оцените, как АО «ВОЭК» провело технологическое присоединение. Опрос доступен один"
                " раз по каждой заявке, по которой направлен договор или присоединение выполнено."
            ),
            self,
        )
        intro.setWordWrap(True)
        self.add_above_error(intro)
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.holder = QWidget(self.scroll_area)
        self.list_layout = QVBoxLayout(self.holder)
        self.list_layout.setContentsMargins(0, 0, 0, 0)
        self.empty = QLabel(
            tr(
                "Пока опрашивать не о чем: опрос откроется, когда по заявке будет"
                " направлен договор."
            ),
            self.holder,
        )
        self.empty.setWordWrap(True)
        self.list_layout.addWidget(self.empty)
        self.list_layout.addStretch(1)
        self.scroll_area.setWidget(self.holder)
        layout.addWidget(self.scroll_area, 1)

    def refresh(self) -> None:
        client = self.ctx.session.client

        def work():
            apps = client.applications("active") + client.applications("done")
            eligible = [a for a in apps if a.status in domain.SURVEY_OPEN]
            answered = {r.application_id for r in client.survey_responses()}
            return client.survey_questions(), eligible, answered

        self.ctx.tasks.run(
            work,
            self._show,
            lambda exc: self.error_line.show_message(messages.describe(exc)),
            owner=self,
            label="Загрузка опроса…",
        )

    def _show(self, result: tuple[list[SurveyQuestion], list[Application], set[int]]) -> None:
        questions, eligible, answered = result
        for card in self.cards.values():
            card.deleteLater()
        self.cards = {}
        for i, app in enumerate(sorted(eligible, key=lambda a: a.id)):
            card = SurveyCard(self.ctx, app, questions, app.id in answered, self.holder)
            self.list_layout.insertWidget(i + 1, card)
            self.cards[app.id] = card
        self.empty.setVisible(not eligible)
