"""«Заявки»: «Исполняемые» / «Выполненные», the chosen one's details and status timeline."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from voek_desktop.api.applications import Application, HistoryEntry
from voek_desktop.api.models import Profile
from voek_desktop.domain import applications as domain
from voek_desktop.domain import deadlines
from voek_desktop.domain.formats import (
    format_date,
    format_datetime,
    format_size,
)
from voek_desktop.drafts import Draft, DraftStore
from voek_desktop.ui.applications.deadlines import DeadlineBox
from voek_desktop.ui.applications.form import GROUP_TITLE_STYLE
from voek_desktop.ui.context import Context
from voek_desktop.ui.kit import messages
from voek_desktop.ui.kit.dialogs import tr
from voek_desktop.ui.kit.models import RecordsModel
from voek_desktop.ui.kit.page import SectionPage
from voek_desktop.ui.kit.widgets import min_height_follows_width, primary_button

if TYPE_CHECKING:
    from voek_desktop.ui.applications.wizard import ApplicationWizard


def category_title(key: str) -> str:
    cat = domain.CATEGORIES.get(key)
    return cat.title if cat else key


def kind_title(kind: str) -> str:
    info = domain.DOCUMENT_KINDS.get(kind)
    return info.title if info else kind


def table(
    parent: QWidget, model: RecordsModel, name: str, stretch: int | None = None
) -> QTableView:
    """A list of records. ``stretch`` names the column with the long text: it takes the spare
    width and, when there is none, is elided on one line with the full text in its tooltip,
    so that a narrow window shows every column (issue 12 "Fit")."""
    view = QTableView(parent)
    view.setObjectName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().hide()
    view.setAlternatingRowColors(True)
    view.setWordWrap(True)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(stretch is None)
    if stretch is not None:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
        # Elided values, never an elided title: «Статус» read «гату» in «Договоры» at 1024×600
        # (the meters' table does the same, metering/meters.py).
        title = str(model.headerData(stretch, Qt.Orientation.Horizontal) or "")
        room = header.fontMetrics().horizontalAdvance(f"  {title}  ")
        header.setMinimumSectionSize(max(header.minimumSectionSize(), room))
        view.setWordWrap(False)
        view.setTextElideMode(Qt.TextElideMode.ElideRight)
    return view


def drafts_for(ctx: Context) -> DraftStore:
    """On disk in the consumer's cache folder; in memory only in clerk mode (docs/design.md "Clerk
    mode")."""
    cache = ctx.session.cache()
    if cache is None or getattr(ctx, "clerk", False):
        return DraftStore(None)
    return DraftStore(cache.root / "drafts")


class ApplicationsPage(SectionPage):
    topics = frozenset({"applications"})

    def __init__(self, ctx: Context, profile: Profile, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "Заявки на технологическое присоединение", parent)
        self.profile = profile
        self.drafts = drafts_for(ctx)
        self.wizard: ApplicationWizard | None = None
        self._offered: Draft | None = None
        self.current: Application | None = None
        self._lists_shown = False
        layout = self.body
        self.refresh_button = QPushButton(tr("Обновить"), self)
        self.refresh_button.setAutoDefault(False)
        self.new_button = primary_button(tr("Новая заявка"), self)
        self.add_action(self.refresh_button)
        self.add_action(self.new_button)

        self.restore_bar = QFrame(self)
        self.restore_bar.setObjectName("demoBox")
        bar = QHBoxLayout(self.restore_bar)
        self.restore_label = QLabel(self.restore_bar)
        self.restore_label.setWordWrap(True)
        bar.addWidget(self.restore_label, 1)
        self.restore_button = QPushButton(tr("Восстановить"), self.restore_bar)
        self.discard_button = QPushButton(tr("Удалить черновик"), self.restore_bar)
        bar.addWidget(self.restore_button)
        bar.addWidget(self.discard_button)
        self.restore_bar.hide()
        self.add_above_error(self.restore_bar)

        splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.tabs = QTabWidget(splitter)
        columns = [
            ("Номер", lambda a: a.number or "—"),
            ("Вид заявки", lambda a: category_title(a.category)),
            ("Статус", lambda a: a.status_label),
            ("Дата", lambda a: format_date(a.submitted_at or a.created_at)),
        ]
        self.active_model: RecordsModel[Application] = RecordsModel(columns, self)
        self.done_model: RecordsModel[Application] = RecordsModel(columns, self)
        self.active_view = table(self.tabs, self.active_model, "activeApplications", stretch=1)
        self.done_view = table(self.tabs, self.done_model, "doneApplications", stretch=1)
        self.tabs.addTab(self.active_view, tr("Исполняемые"))
        self.tabs.addTab(self.done_view, tr("Выполненные"))
        # At least three rows of the list when the window is low (960×540 at 200 %): the page
        # scrolls then anyway, and a row and a half was all the splitter left of it.
        row = self.active_view.verticalHeader().defaultSectionSize()
        header = self.active_view.horizontalHeader().sizeHint().height()
        self.tabs.setMinimumHeight(self.tabs.tabBar().sizeHint().height() + header + 3 * row + 8)

        details = min_height_follows_width(QWidget(splitter))
        d = QVBoxLayout(details)
        d.setContentsMargins(0, 8, 0, 0)
        self.details_title = QLabel(tr("Выберите заявку в списке"), details)
        self.details_title.setObjectName("groupTitle")
        self.details_title.setStyleSheet(GROUP_TITLE_STYLE)
        self.details_title.setWordWrap(True)
        d.addWidget(self.details_title)
        self.comment = QLabel(details)
        self.comment.setObjectName("operatorComment")
        self.comment.setWordWrap(True)
        self.comment.hide()
        d.addWidget(self.comment)
        # The statutory term running now and who owes it (docs/deadlines.md).
        self.deadline_box = DeadlineBox(ctx, details)
        d.addWidget(self.deadline_box)
        self.documents = QLabel(details)
        self.documents.setWordWrap(True)
        d.addWidget(self.documents)
        actions = QHBoxLayout()
        self.continue_button = QPushButton(tr("Продолжить заполнение…"), details)
        self.add_docs_button = QPushButton(tr("Добавить документы…"), details)
        self.resubmit_button = QPushButton(tr("Отправить повторно"), details)
        self.withdraw_button = QPushButton(tr("Отозвать заявку"), details)
        for b in (
            self.continue_button,
            self.add_docs_button,
            self.resubmit_button,
            self.withdraw_button,
        ):
            b.setAutoDefault(False)
            b.hide()
            actions.addWidget(b)
        # Issue 17, item 6: the receipt on demand (the same one «Завершить приём» offers).
        self.receipt_button = QPushButton(
            tr("Расписка о приёме документов…") if ctx.clerk else tr("Сводка поданных документов…"),
            details,
        )
        self.receipt_button.setAutoDefault(False)
        self.receipt_button.hide()
        actions.addWidget(self.receipt_button)
        self.receipt_dialog: QWidget | None = None
        actions.addStretch(1)
        d.addLayout(actions)
        self.history_model: RecordsModel[HistoryEntry] = RecordsModel(
            [
                ("Время", lambda h: format_datetime(h.at, zone=False)),
                ("Статус", lambda h: h.status_label or domain.status_label(h.status)),
                ("Комментарий", lambda h: h.comment),
                # Each past step against its term of the Rules.
                ("Срок по Правилам", lambda h: self._checks.get((h.status, h.at), "")),
            ],
            self,
        )
        self._checks: dict[tuple[str, str], str] = {}
        self.history_view = table(details, self.history_model, "history")
        d.addWidget(self.history_view, 1)
        splitter.addWidget(self.tabs)
        splitter.addWidget(details)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        layout.addWidget(splitter, 1)

        self.refresh_button.clicked.connect(self.refresh)
        self.new_button.clicked.connect(lambda: self.open_wizard())
        for view in (self.active_view, self.done_view):
            view.selectionModel().currentRowChanged.connect(
                lambda cur, _prev, v=view: self.show_details(v.model().record(cur.row()))
            )
        self.tabs.currentChanged.connect(lambda _: self._select_first())
        self.restore_button.clicked.connect(self.restore_offered)
        self.discard_button.clicked.connect(self.discard_offered)
        self.continue_button.clicked.connect(self._open_current)
        self.add_docs_button.clicked.connect(self._open_current)
        self.resubmit_button.clicked.connect(self.resubmit)
        self.withdraw_button.clicked.connect(self.withdraw)
        self.receipt_button.clicked.connect(self.open_receipt)

    def open_receipt(self) -> None:
        from voek_desktop.ui.applications.receipt import ReceiptDialog

        if self.current is None:
            return
        dialog = ReceiptDialog(self.ctx, self.current, self.window())
        self.receipt_dialog = dialog
        dialog.open()

    def _open_current(self) -> None:
        if self.current is not None:
            self.open_wizard(self.current)

    # --- loading --------------------------------------------------------------------------

    def has_unsaved_edits(self) -> bool:
        # The wizard saves a local draft as the user types: a reload meanwhile would offer
        # «Восстановить черновик?» for the very form that is open.
        import shiboken6

        return self.wizard is not None and shiboken6.isValid(self.wizard)

    def refresh(self) -> None:
        client = self.ctx.session.client
        self.load(
            lambda: (client.applications("active"), client.applications("done")),
            self._loaded_lists,
            label="Загрузка заявок…",
        )

    def reveal(self, application_id: int) -> None:
        """Choose this application (a notification was clicked): from the lists as they are
        when it is there, and again from the fresh ones, which carry what the notice told."""
        self._revealing = application_id
        self._select(application_id)
        self.refresh()

    _revealing: int | None = None  # an application to choose once the lists come

    def _loaded_lists(self, lists: tuple[list[Application], list[Application]]) -> None:
        active, done = lists
        wanted, self._revealing = self._revealing, None
        unchanged = active == self.active_model.records and done == self.done_model.records
        if unchanged and self._lists_shown:
            self.check_drafts(active + done)
            if wanted is not None:
                self._select(wanted)
            return  # nothing new: the selection and the scroll position stay as they are
        self._lists_shown = True
        keep = wanted or (self.current.id if self.current else None)
        self.active_model.set_records(active)
        self.done_model.set_records(done)
        self.tabs.setTabText(0, tr("Исполняемые ({})").format(len(active)))
        self.tabs.setTabText(1, tr("Выполненные ({})").format(len(done)))
        self._select(keep)
        self.check_drafts(active + done)

    def _select(self, application_id: int | None) -> None:
        for index, model in ((0, self.active_model), (1, self.done_model)):
            for row, app in enumerate(model.records):
                if app.id == application_id:
                    self.tabs.setCurrentIndex(index)
                    view = self.active_view if index == 0 else self.done_view
                    view.selectRow(row)
                    self.show_details(app)
                    return
        self._select_first()

    def _select_first(self) -> None:
        if self.tabs.currentIndex() == 0:
            view, model = self.active_view, self.active_model
        else:
            view, model = self.done_view, self.done_model
        if model.rowCount():
            view.selectRow(0)
            self.show_details(model.record(0))
        else:
            self.show_details(None)

    def show_details(self, app: Application | None) -> None:
        self.current = app
        if app is None:
            self.details_title.setText(tr("Заявок пока нет. Нажмите «Новая заявка»."))
            self.comment.hide()
            self.documents.setText("")
            self._checks = {}
            self.history_model.set_records([])
            self.deadline_box.show_application(None)
            for b in (
                self.continue_button,
                self.add_docs_button,
                self.resubmit_button,
                self.withdraw_button,
                self.receipt_button,
            ):
                b.hide()
            return
        self.details_title.setText(
            tr("Заявка № {} · {} · {}").format(
                app.number or "—", category_title(app.category), app.status_label
            )
        )
        comment = app.operator_comment()
        self.comment.setVisible(app.status == "need_info" or bool(comment))
        if app.status == "need_info":
            self.comment.setText(
                tr("<b>АО «ВОЭК» просит дополнить заявку:</b> ")
                + escape(comment or "добавьте недостающие документы.")
            )
        else:
            self.comment.setText(tr("<b>Комментарий АО «ВОЭК»:</b> {}").format(escape(comment)))
        docs = [
            f"{escape(kind_title(d.kind))}: {escape(d.filename)} ({format_size(d.size)})"
            for d in app.documents
        ]
        missing = [escape(kind_title(k)) for k in app.missing_documents]
        text = "<b>Документы:</b> " + ("; ".join(docs) if docs else "нет")
        if missing and app.editable:
            text += "<br><span style='color:#b3261e'>Не хватает: " + "; ".join(missing) + "</span>"
        local = self.drafts.for_application(app.id) if app.editable else None
        if local is not None and not local.synced:
            text += (
                f"<br>На этом компьютере есть несохранённые на сервере изменения от"
                f" {format_datetime(local.saved_at, zone=False)}: они откроются при продолжении"
                " заполнения."
            )
        self.documents.setText(text)
        self._checks = {
            (app.history[c.history_index].status, app.history[c.history_index].at): c.text
            for c in deadlines.step_checks(app, app.history)
        }
        self.history_model.set_records(list(app.history))
        self.deadline_box.show_application(app)
        self.continue_button.setVisible(app.status == "draft")
        self.add_docs_button.setVisible(app.status == "need_info")
        self.resubmit_button.setVisible(app.status == "need_info")
        self.resubmit_button.setEnabled(not app.missing_documents)
        self.withdraw_button.setVisible(app.status in domain.WITHDRAWABLE)
        self.receipt_button.setVisible(bool(app.documents))

    # --- drafts ---------------------------------------------------------------------------

    def check_drafts(self, applications: list[Application]) -> None:
        """Offer the newest local draft the server never got.

        One draft story (docs/design.md "Applications"): the local draft is the crash guard.
        Once the server holds a draft of the form, that draft in the list is the one thing to
        continue, and «Продолжить заполнение…» brings back what only this computer has (a wrong
        value the server would refuse, the last seconds before a crash); a second «Восстановить
        черновик?» for the same form would only ask the same question twice."""
        by_id = {a.id: a for a in applications}
        offer = None
        for draft in self.drafts.list():
            app = by_id.get(draft.application_id) if draft.application_id else None
            if draft.application_id and (app is None or not app.editable):
                self.drafts.delete(draft.key)  # submitted or gone: nothing to restore
                continue
            if draft.application_id is None and offer is None:
                offer = draft
        self._offered = offer
        if offer is None:
            self.restore_bar.hide()
            return
        self.restore_label.setText(
            tr("Восстановить черновик от {}? ({})").format(
                format_datetime(offer.saved_at, zone=False), category_title(offer.category)
            )
        )
        self.restore_bar.show()

    def restore_offered(self) -> None:
        draft = self._offered
        if draft is None:
            return
        self.restore_bar.hide()
        app = None
        if draft.application_id:
            app = next((a for a in self.active_model.records if a.id == draft.application_id), None)
        self.open_wizard(app, draft)

    def discard_offered(self) -> None:
        if self._offered is not None:
            self.drafts.delete(self._offered.key)
        self.restore_bar.hide()
        self.refresh()

    # --- actions --------------------------------------------------------------------------

    def open_wizard(self, app: Application | None = None, draft: Draft | None = None) -> None:
        from voek_desktop.ui.applications.wizard import ApplicationWizard

        if app is not None and draft is None:
            local = self.drafts.for_application(app.id)
            draft = local if local is not None and not local.synced else None
        self.restore_bar.hide()
        wizard = ApplicationWizard(
            self.ctx, self.profile, self.drafts, self, application=app, draft=draft
        )
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        wizard.finished.connect(lambda _: self._wizard_closed())
        self.wizard = wizard
        wizard.open()

    def _wizard_closed(self) -> None:
        self.wizard = None
        self.refresh()

    def resubmit(self) -> None:
        if self.current is None:
            return
        app_id = self.current.id
        client = self.ctx.session.client

        def done(app: Application) -> None:
            messages.notice(tr("Заявка № {} отправлена повторно.").format(app.number))
            self.refresh()

        self.ctx.tasks.run(
            lambda: client.submit_application(app_id),
            done,
            self._action_failed,
            owner=self,
            label="Отправка заявки…",
        )

    def withdraw(self) -> None:
        if self.current is None:
            return
        if not messages.confirm(
            self, tr("Отозвать заявку? Вернуть её будет нельзя."), yes=tr("Отозвать")
        ):
            return
        app_id = self.current.id
        client = self.ctx.session.client
        self.ctx.tasks.run(
            lambda: client.withdraw_application(app_id),
            lambda _app: self.refresh(),
            self._action_failed,
            owner=self,
            label="Отзыв заявки…",
        )

    def _action_failed(self, exc: BaseException) -> None:
        from voek_desktop.api.errors import ApiError
        from voek_desktop.ui.applications.wizard import missing_text

        if isinstance(exc, ApiError) and exc.code == "missing_documents" and exc.fields:
            self.error_line.show_message(exc.message + "\n" + missing_text(list(exc.fields)))
        else:
            self.error_line.show_message(messages.describe(exc))
        self.refresh()
