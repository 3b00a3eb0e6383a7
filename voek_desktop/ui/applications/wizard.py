"""«Новая заявка»: the four steps of filing an application as a dialog
(docs/design.md "Applications").

1. which case applies (п.14 / п.12(1) / п.13, explained in plain Russian);
2. the template as a form with a live PDF preview, print and «Сохранить PDF…»;
3. the checklist of required documents: attach scans (checked first), upload with progress;
4. submit — possible only when every required document is there.

What is typed goes to a local draft every few seconds and on close (a crash loses seconds);
the server-side draft is created on the first save (POST /applications) and PATCHed after.
"""

from __future__ import annotations

import io
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from voek_desktop.api.applications import Application
from voek_desktop.api.errors import ApiError
from voek_desktop.api.models import Profile
from voek_desktop.domain import applications as domain
from voek_desktop.domain.company import Requisites
from voek_desktop.domain.formats import file_name
from voek_desktop.drafts import Draft, DraftStore, new_key
from voek_desktop.ui.applications.attachments import AttachmentsChecklist
from voek_desktop.ui.applications.form import ApplicationForm, today
from voek_desktop.ui.applications.preview import PdfPreview, print_pdf, save_pdf
from voek_desktop.ui.context import Context
from voek_desktop.ui.kit import messages
from voek_desktop.ui.kit.dialogs import tr
from voek_desktop.ui.kit.forms import ErrorLabel, show_api_error
from voek_desktop.ui.kit.widgets import fit_to_screen, primary_button

STEPS = ("Вид заявки", "Заявка", "Документы", "Подача")
AUTOSAVE_MS = 3000
PREVIEW_DELAY_MS = 700


def render_pdf(
    category: str,
    consumer_type: str,
    form: dict[str, Any],
    company: Requisites | None = None,
    number: str = "",
) -> bytes:
    """The filled application as PDF bytes (runs on a worker thread); ``number`` goes into the
    scan code of each page (issue 17)."""
    from voek_desktop.printing.application import render_application

    out = io.BytesIO()
    render_application(
        category, consumer_type, form, out, today=today(), company=company, number=number
    )
    return out.getvalue()


def missing_text(kinds: list[str]) -> str:
    return "\n".join(
        "• " + (domain.DOCUMENT_KINDS[k].title if k in domain.DOCUMENT_KINDS else k) for k in kinds
    )


class CategoryStep(QWidget):
    def __init__(self, consumer_type: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        intro = QLabel(
            tr(
                "Выберите, какой случай подходит. Заявку и документы можно направить через личный"
                " кабинет, если устройства присоединяются к сетям АО «ВОЭК» напряжением до 10 кВ"
                " включительно."
            ),
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.group = QButtonGroup(self)
        self.buttons: dict[str, QRadioButton] = {}
        for cat in domain.CATEGORIES.values():
            if consumer_type not in cat.consumer_types:
                continue  # п.14 is for individuals only
            card = QFrame(self)
            card.setObjectName("card")
            card.setStyleSheet("QFrame#card { border: 1px solid #d0d7de; border-radius: 8px; }")
            box = QVBoxLayout(card)
            button = QRadioButton(cat.title, card)
            button.setObjectName(f"category_{cat.key}")
            button.setStyleSheet("font-weight: 600;")
            explanation = QLabel(cat.explanation, card)
            explanation.setWordWrap(True)
            explanation.setContentsMargins(24, 0, 0, 0)
            box.addWidget(button)
            box.addWidget(explanation)
            layout.addWidget(card)
            self.group.addButton(button)
            self.buttons[cat.key] = button
        self.error = ErrorLabel(self)
        layout.addWidget(self.error)
        layout.addStretch(1)
        self.group.buttonToggled.connect(self._toggled)

    def _toggled(self, _button: object, on: bool) -> None:
        if on:
            self.error.show_message(None)

    def value(self) -> str | None:
        return next((k for k, b in self.buttons.items() if b.isChecked()), None)

    def set_value(self, key: str) -> None:
        if key in self.buttons:
            self.buttons[key].setChecked(True)


class FormStep(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.scroll_area = QScrollArea(self.splitter)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setMinimumWidth(400)  # the form, wrapped, with its scroll bar
        right = QWidget(self.splitter)
        r = QVBoxLayout(right)
        r.setContentsMargins(6, 0, 0, 0)
        head = QHBoxLayout()
        self.preview_status = QLabel(tr("Предпросмотр"), right)
        self.preview_status.setObjectName("fieldHint")
        self.preview_status.setWordWrap(True)  # not as wide as its longest message
        head.addWidget(self.preview_status, 1)
        self.print_button = QPushButton(tr("Печать…"), right)
        self.print_button.setAutoDefault(False)
        self.save_button = QPushButton(tr("Сохранить PDF…"), right)
        self.save_button.setAutoDefault(False)
        head.addWidget(self.print_button)
        head.addWidget(self.save_button)
        r.addLayout(head)
        self.preview = PdfPreview(right)
        self.preview.setMinimumWidth(300)
        r.addWidget(self.preview, 1)
        self.splitter.addWidget(self.scroll_area)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        layout.addWidget(self.splitter)
        self.form: ApplicationForm | None = None

    def set_form(self, form: ApplicationForm) -> None:
        old = self.scroll_area.takeWidget()
        if old is not None:
            old.deleteLater()
        self.form = form
        self.scroll_area.setWidget(form)


class SubmitStep(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.summary)
        self.missing = ErrorLabel(self)
        self.missing.setObjectName("formError")
        layout.addWidget(self.missing)
        self.submit_button = primary_button(tr("Подать заявку"), self)
        self.submit_button.setObjectName("primary")
        row = QHBoxLayout()
        row.addWidget(self.submit_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(1)


class ApplicationWizard(QDialog):
    def __init__(
        self,
        ctx: Context,
        profile: Profile,
        drafts: DraftStore,
        parent: QWidget | None = None,
        *,
        application: Application | None = None,
        draft: Draft | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.profile = profile
        self.consumer_type = profile.consumer_type
        self.drafts = drafts
        self.application = application
        self.key = draft.key if draft else new_key()
        self.category: str | None = None
        self._dirty = False
        self._synced_form: dict[str, Any] | None = None
        self._pristine: dict[str, Any] = {}
        self._preview_seq = 0
        self._saving = False
        self.submitted: Application | None = None
        self.setWindowTitle(tr("Заявка на технологическое присоединение"))
        fit_to_screen(self, 1180, 780)

        layout = QVBoxLayout(self)
        self.steps_label = QLabel(self)
        self.steps_label.setObjectName("wizardSteps")
        self.steps_label.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.steps_label)
        self.pages = QStackedWidget(self)
        self.category_step = CategoryStep(self.consumer_type, self)
        self.form_step = FormStep(self)
        docs = QWidget(self)
        d = QVBoxLayout(docs)
        self.docs_intro = QLabel(
            tr(
                "Распечатайте заявку (шаг «Заявка», кнопка «Печать…»), подпишите её, отсканируйте"
                " и прикрепите скан. Затем прикрепите сканы остальных документов. Принимаются"
                " PDF, JPEG, PNG и TIFF до 20 МБ; несколько фотографий, выбранных вместе,"
                " объединяются в один PDF."
            ),
            docs,
        )
        self.docs_intro.setWordWrap(True)
        d.addWidget(self.docs_intro)
        self.need_info = QLabel(docs)
        self.need_info.setObjectName("formError")
        self.need_info.setWordWrap(True)
        self.need_info.hide()
        d.addWidget(self.need_info)
        scroll = QScrollArea(docs)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.checklist = AttachmentsChecklist(ctx, scroll)
        scroll.setWidget(self.checklist)
        d.addWidget(scroll, 1)
        self.submit_step = SubmitStep(self)
        for page in (self.category_step, self.form_step, docs, self.submit_step):
            self.pages.addWidget(page)
        layout.addWidget(self.pages, 1)

        self.message = ErrorLabel(self)
        self.message.setObjectName("formError")
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        self.save_draft_button = QPushButton(tr("Сохранить черновик"), self)
        self.save_draft_button.setAutoDefault(False)
        self.back_button = QPushButton(tr("Назад"), self)
        self.back_button.setAutoDefault(False)
        self.next_button = primary_button(tr("Далее"), self)
        self.close_button = QPushButton(tr("Закрыть"), self)
        self.close_button.setAutoDefault(False)
        buttons.addWidget(self.save_draft_button)
        buttons.addStretch(1)
        for b in (self.back_button, self.next_button, self.close_button):
            buttons.addWidget(b)
        layout.addLayout(buttons)

        self.autosave_timer = QTimer(self)
        self.autosave_timer.setInterval(AUTOSAVE_MS)
        self.autosave_timer.timeout.connect(self.autosave)
        self.preview_timer = QTimer(self)
        self.preview_timer.setSingleShot(True)
        self.preview_timer.setInterval(PREVIEW_DELAY_MS)
        self.preview_timer.timeout.connect(self.render_preview)

        self.back_button.clicked.connect(self.back)
        self.next_button.clicked.connect(self.next)
        self.close_button.clicked.connect(self.close)
        self.save_draft_button.clicked.connect(lambda: self.save_to_server())
        self.form_step.print_button.clicked.connect(lambda: self.print_application())
        self.form_step.save_button.clicked.connect(
            lambda: save_pdf(self, ctx, self.form_step.preview.data, self._pdf_name())
        )
        self.checklist.application_changed.connect(self._application_changed)
        self.submit_step.submit_button.clicked.connect(self.submit)

        if application is not None:
            values = draft.form if draft else _form_values(application)
            self.start_form(application.category, values)
            self.checklist.show_application(application)
            self._synced_form = None if draft else self.form.values()
            step = 2 if application.status == "need_info" else 1
            self.go(step)
        elif draft is not None:
            self.start_form(draft.category, draft.form)
            self._dirty = True  # not on the server yet
            self.go(1)
        else:
            only = list(self.category_step.buttons)
            if len(only) == 1:
                self.category_step.set_value(only[0])
            self.go(0)
        self.autosave_timer.start()
        # The login's profile has no registry name or addresses: GET /profile has.
        client = ctx.session.client
        self.ctx.tasks.run(client.profile, self._profile_loaded, lambda _exc: None, owner=self)
        # The grid company's address for the addressee line; offline, the kept copy prints.
        self.ctx.tasks.run(
            ctx.session.fetch_requisites,
            lambda _r: self.render_preview(),
            lambda _exc: None,
            owner=self,
        )

    def _profile_loaded(self, profile: Profile) -> None:
        self.profile = profile
        if self.form_step.form is None:
            return  # the form is built later, from this profile
        untouched = self.form.values() == self._pristine
        self.form.prefill(profile)
        if untouched:  # still only what the cabinet filled in: no draft to keep
            self._pristine = self.form.values()
        self.render_preview()

    # --- state ----------------------------------------------------------------------------

    @property
    def form(self) -> ApplicationForm:
        assert self.form_step.form is not None
        return self.form_step.form

    def start_form(self, category: str, values: dict[str, Any] | None) -> None:
        self.category = category
        self.category_step.set_value(category)
        form = ApplicationForm(category, self.consumer_type)
        # A restored or carried-over form is worth keeping even before the next keystroke.
        given = any(v not in (None, "", [], False) for v in (values or {}).values())
        values = dict(values or {})
        if domain.CATEGORIES[category].temporary and not values.get("reason"):
            values["reason"] = "temporary"  # the only reason п.13 allows
        if values:
            form.set_values(values)
        form.prefill(self.profile)
        form.changed.connect(self._form_changed)
        self.form_step.set_form(form)
        self._pristine = {} if self.application is None and given else form.values()
        self.render_preview()

    def _form_changed(self) -> None:
        self._dirty = True
        self.message.show_message(None)
        self.preview_timer.start()

    def current_step(self) -> int:
        return self.pages.currentIndex()

    def go(self, step: int) -> None:
        self.pages.setCurrentIndex(step)
        self.message.show_message(None)
        marks = []
        for i, name in enumerate(STEPS):
            text = f"{i + 1}. {name}"
            marks.append(f"<b><u>{text}</u></b>" if i == step else text)
        self.steps_label.setText("&nbsp;&nbsp;→&nbsp;&nbsp;".join(marks))
        locked = self.application is not None
        self.back_button.setEnabled(step > (1 if locked else 0))
        self.next_button.setVisible(step < 3)
        self.save_draft_button.setVisible(step >= 1)
        if step == 2:
            self.checklist.set_kinds(self.required_kinds())
            self.checklist.show_application(self.application)
        if step == 3:
            self.update_submit()

    def required_kinds(self) -> list[str]:
        assert self.category is not None
        clean, _ = self.form.check()
        return domain.required_documents(self.category, self.consumer_type, clean)

    # --- navigation -----------------------------------------------------------------------

    def back(self) -> None:
        self.go(max(0, self.current_step() - 1))

    def next(self) -> None:
        step = self.current_step()
        if step == 0:
            chosen = self.category_step.value()
            if chosen is None:
                self.category_step.error.show_message("Выберите один из вариантов.")
                return
            self.category_step.error.show_message(None)
            if chosen != self.category:
                old = self.form_step.form.values() if self.form_step.form else {}
                self.start_form(chosen, old)
                self._dirty = True
            self.go(1)
        elif step == 1:
            if not self.form.validate():
                self.message.show_message(
                    "Исправьте поля, отмеченные красным: без них заявку не примут."
                )
                first = self.form.focusWidget()
                if first is not None:  # validate() focused the first wrong field: show it
                    self.form_step.scroll_area.ensureWidgetVisible(first)
                return
            self.save_to_server(then=lambda: self.go(2))
        elif step == 2:
            self.go(3)

    # --- saving ---------------------------------------------------------------------------

    def autosave(self) -> None:
        """Keep what is typed on disk; called by the timer and on close."""
        if self.category is None or self.form_step.form is None:
            return
        if not self._dirty and self.drafts.load(self.key) is not None:
            return
        values = self.form.values()
        if self.application is None and values == self._pristine:
            return  # only the profile's prefill: nothing the user would miss
        self.drafts.save(
            self.key,
            self.category,
            self.consumer_type,
            values,
            self.application.id if self.application else None,
            synced=values == self._synced_form,
        )
        self._dirty = False

    def save_to_server(self, then: Any = None) -> None:
        """Create the server draft on the first save, PATCH it after."""
        if self.category is None or self._saving:
            return
        if self.application is not None and not self.application.editable:
            if then:
                then()
            return
        clean, _errors = self.form.check()
        values = self.form.values()
        category, application = self.category, self.application
        client = self.ctx.session.client

        def work() -> Application:
            if application is None:
                return client.create_application(category, clean)
            return client.update_application(application.id, clean)

        self._saving = True
        self.ctx.tasks.run(
            work,
            lambda app: self._saved(app, values, then),
            self._save_failed,
            owner=self,
            label="Сохранение заявки…",
        )

    def _saved(self, application: Application, values: dict[str, Any], then: Any) -> None:
        self._saving = False
        numbered = self.application is None or self.application.number != application.number
        self.application = application
        if numbered:
            self.render_preview()  # the printout's scan code carries the number now
        self.message.show_message(None)  # an earlier failure (a 401 before re-login) is over
        _clean, errors = self.form.check()
        self._synced_form = values if not errors else None
        self._dirty = True  # the draft file learns the server id and whether it is in sync
        self.autosave()
        self.checklist.show_application(application)
        messages.notice(
            tr("Черновик заявки сохранён ({}).").format(application.number or application.id)
        )
        if then:
            then()

    def _save_failed(self, exc: BaseException) -> None:
        self._saving = False
        if show_api_error(
            exc, self.form, self.message, fallback="Исправьте поля, отмеченные красным."
        ):
            if self.current_step() != 1:
                self.go(1)
            return
        self.message.show_message(
            messages.describe(exc) + " Введённые данные сохранены на этом компьютере."
        )

    def _application_changed(self, application: Application) -> None:
        self.application = application
        if self.current_step() == 3:
            self.update_submit()

    # --- preview --------------------------------------------------------------------------

    def render_preview(self) -> None:
        if self.category is None or self.form_step.form is None:
            return
        self._preview_seq += 1
        seq = self._preview_seq
        clean, _ = self.form.check()
        category, ctype = self.category, self.consumer_type
        session = self.ctx.session
        number = self.application.number if self.application else ""
        self.form_step.preview_status.setText(tr("Обновление предпросмотра…"))

        def work(_transfer: Any) -> bytes | str:
            try:
                return render_pdf(category, ctype, clean, session.requisites(), number)
            except Exception as exc:
                return f"Не удалось построить предпросмотр: {exc}"

        self.ctx.tasks.run_long(
            work, lambda result: self._preview_ready(seq, result), owner=self, label=""
        )

    def _preview_ready(self, seq: int, result: bytes | str) -> None:
        if seq != self._preview_seq:
            return  # typing went on: a newer preview is on its way
        if isinstance(result, str):
            self.form_step.preview.set_message(result)
            self.form_step.preview_status.setText(tr("Предпросмотр недоступен"))
            return
        self.form_step.preview.show_pdf(result)
        self.form_step.preview_status.setText(tr("Предпросмотр заявки"))

    def print_application(self) -> None:
        print_pdf(self, self.ctx, self.form_step.preview, "Печать заявки")

    def _pdf_name(self) -> str:
        number = self.application.number if self.application else ""
        kind = domain.CATEGORIES[self.category].short_title if self.category else ""
        return file_name(" ".join(["Заявка", kind, f"№ {number}" if number else ""]), ".pdf")

    # --- submit ---------------------------------------------------------------------------

    def update_submit(self) -> None:
        missing = self.checklist.missing()
        cat = domain.CATEGORIES[self.category] if self.category else None
        app = self.application
        resubmit = app is not None and app.status == "need_info"
        self.submit_step.submit_button.setText(
            tr("Отправить повторно") if resubmit else tr("Подать заявку")
        )
        attached = [
            f"{domain.DOCUMENT_KINDS[d.kind].title if d.kind in domain.DOCUMENT_KINDS else d.kind}"
            f": {d.filename}"
            for d in (app.documents if app else ())
        ]
        self.submit_step.summary.setText(
            tr("<p><b>{}</b></p><p>Заявитель: {}</p><p>Приложенные документы:<br>").format(
                cat.title if cat else "", self.form.values().get("applicant_name") or "—"
            )
            + ("<br>".join(attached) if attached else tr("пока нет"))
            + "</p>"
        )
        self.submit_step.missing.show_message(
            ("Не хватает документов:\n" + missing_text(missing)) if missing else None
        )
        can = not missing and app is not None and app.editable and not self.checklist.busy()
        self.submit_step.submit_button.setEnabled(can)

    def submit(self) -> None:
        if self.application is None:
            return
        application_id = self.application.id
        client = self.ctx.session.client
        self.submit_step.submit_button.setEnabled(False)
        self.ctx.tasks.run(
            lambda: client.submit_application(application_id),
            self._submitted,
            self._submit_failed,
            owner=self,
            label="Подача заявки…",
        )

    def _submitted(self, application: Application) -> None:
        self.submitted = application
        self.application = application
        self.drafts.delete(self.key)
        self._dirty = False
        self.autosave_timer.stop()
        messages.info(
            self,
            tr("Заявка № {} принята. Статус: {}.").format(
                application.number, application.status_label
            ),
            tr("Заявка подана"),
        )
        self.accept()

    def _submit_failed(self, exc: BaseException) -> None:
        self.submit_step.submit_button.setEnabled(True)
        if isinstance(exc, ApiError) and exc.code == "missing_documents":
            kinds = list(exc.fields) or list(self.checklist.missing())
            self.submit_step.missing.show_message(
                f"{exc.message}\n" + missing_text(kinds) if kinds else exc.message
            )
            self.checklist.refresh()
            return
        if isinstance(exc, ApiError) and exc.fields:
            self.form.apply_errors(exc.fields)
            self.go(1)
            self.message.show_message(exc.message)
            return
        self.submit_step.missing.show_message(messages.describe(exc))

    # --- closing --------------------------------------------------------------------------

    def done(self, result: int) -> None:
        self._closing()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._closing()
        super().closeEvent(event)

    def _closing(self) -> None:
        if not self.autosave_timer.isActive():
            return
        self.autosave_timer.stop()
        self.preview_timer.stop()
        if self.submitted is not None or self.category is None:
            return
        self.autosave()
        if self.application is None and self.form.values() == self._pristine:
            return  # opened and closed without typing: no draft on the server either
        if self._synced_form is None or self.form.values() != self._synced_form:
            self._save_on_close()

    def _save_on_close(self) -> None:
        """Send the last changes to the server; the local draft stays until that worked."""
        if self.category is None:  # no form yet (_closing does not call this then)
            return
        if self.application is not None and not self.application.editable:
            return
        clean, errors = self.form.check()
        if not any(v not in (None, "", [], False) for v in self.form.values().values()):
            return
        category, application, client = self.category, self.application, self.ctx.session.client
        drafts, key, values = self.drafts, self.key, self.form.values()
        ctype = self.consumer_type

        def work() -> Application:
            if application is None:
                return client.create_application(category, clean)
            return client.update_application(application.id, clean)

        def saved(app: Application) -> None:
            drafts.save(key, category, ctype, values, app.id, synced=not errors)

        self.ctx.tasks.run(work, saved, lambda exc: None, label="Сохранение заявки…")


def _form_values(application: Application) -> dict[str, Any]:
    return dict(application.form)
