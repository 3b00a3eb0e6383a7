"""«Получить архив данных за период» (docs/design.md "Archives"): order an archive,
change its
dates until 21:00 МСК, download the ready .xlsx (progress, cancel, resume) and open it."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QUrl, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from voek_desktop.api.errors import ApiError, TransferCancelled
from voek_desktop.api.metering import ArchiveRequest, ArchiveTerms, Meter, SmartData
from voek_desktop.domain.formats import (
    file_name,
    format_date,
    format_datetime,
    parse_date,
    parse_datetime,
)
from voek_desktop.domain.time import MSK, moscow_date, years_before
from voek_desktop.ui.context import Context
from voek_desktop.ui.kit import messages
from voek_desktop.ui.kit.dialogs import tr
from voek_desktop.ui.kit.forms import ErrorLabel
from voek_desktop.ui.kit.widgets import (
    date_edit,
    fit_to_screen,
    primary_button,
    pydate,
    qdate,
    section_title,
)
from voek_desktop.ui.metering.models import ArchiveRequestsModel

NOTICE = "До 21:00 МСК текущих суток возможно обновить запрос, указав иные даты."
NEXT_DAY = (
    "Ответ на запрос будет сформирован на следующие сутки и размещен в виде файла для загрузки."
)
# Until the server's terms arrive (or from a server without them): the rule itself, true at any
# hour, so that no deadline already past is named (SPEC §6.5).
RULE = (
    "Запрос можно обновить до 21:00 МСК; запрос, созданный после 21:00 МСК, относится к"
    " следующим суткам и обновляется до 21:00 МСК следующих суток."
)
AFTER_RULE = "Файл формируется в 00:00 МСК после этого срока и размещается для загрузки."

if TYPE_CHECKING:
    from voek_desktop.ui.kit.tasks import Transfer
DEPTH = "Максимальная глубина хранения архива данных составляет 3 года."


def downloads_folder() -> Path:
    home = Path.home()
    for name in ("Загрузки", "Downloads"):
        if (home / name).is_dir():
            return home / name
    return home


def choose_save_path(parent: QWidget | None, suggested: Path) -> Path | None:
    """Where to save; None if the user cancelled. (Tests replace this function.)"""
    path, _filter = QFileDialog.getSaveFileName(
        parent, "Сохранить архив данных", str(suggested), "Книга Excel (*.xlsx)"
    )
    return Path(path) if path else None


def open_url(url: QUrl) -> bool:
    """Hand a file or folder to the desktop. (Tests replace this function.)"""
    from PySide6.QtGui import QDesktopServices

    return QDesktopServices.openUrl(url)


def _what_next(request: ArchiveRequest) -> str:
    """What happens to a request just made, never naming a deadline already past (SPEC §6.5):
    the server's ``editable_until`` is always ahead (after 21:00 МСК, 21:00 of the next day); a
    request that is no longer editable (an older server, a clock past the cut-off) names when its
    file is made instead."""
    if request.is_editable and request.editable_until:
        return tr("Изменить даты можно до {}.").format(format_datetime(request.editable_until))
    if request.produce_after:
        return tr("Заявка зафиксирована, файл будет сформирован после {}.").format(
            format_datetime(request.produce_after)
        )
    return tr("Заявка зафиксирована, файл будет сформирован ночью.")


def check_period(start: date, end: date, earliest: date, latest: date | None) -> dict[str, str]:
    """The rules of an archive period (SPEC §6.5, docs/design.md "Archives"), with the texts shown
    next to the date pickers; ``latest`` is the last complete day."""
    errors: dict[str, str] = {}
    if start < earliest:
        errors["period_start"] = (
            f"Дата начала не может быть раньше {format_date(earliest)}: архив хранится 3 года"
        )
    if latest is not None and end > latest:
        errors["period_end"] = (
            f"Дата окончания не может быть позже {format_date(latest)}: это последние полные"
            " сутки, за следующие еще не все 48 получасовых интервалов"
        )
    if start > end and "period_start" not in errors:
        errors["period_start"] = "Дата начала не может быть позже даты окончания"
    return errors


class ArchiveDialog(QDialog):
    live_requested = Signal()

    def __init__(
        self,
        ctx: Context,
        meter: Meter,
        last_poll: date | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.meter = meter
        self.last_poll = last_poll
        # The server's today, not this PC's: the daily poll (01:30 МСК) is dated today.
        self.today = last_poll or moscow_date(datetime.now(MSK))
        # The server's terms for a request made now (dates, deadlines); until they come, the
        # day before the last poll's day, which the server accepts at any hour.
        self.terms: ArchiveTerms | None = None
        self.latest = last_poll - timedelta(days=1) if last_poll else None
        self.transfer: Transfer | None = None
        self.downloading_id: int | None = None
        self.saved: dict[int, Path] = {}  # request id → where its file was saved
        self.setWindowTitle(tr("Получить архив данных за период"))
        fit_to_screen(self, 920, 620)
        layout = QVBoxLayout(self)

        title = section_title(tr("Получить архив данных за период"), self)
        layout.addWidget(title)
        about = QLabel(f"{meter.title}, № {meter.serial_number} · {meter.address}", self)
        about.setWordWrap(True)
        layout.addWidget(about)

        pick = QFrame(self)
        pick.setObjectName("card")
        grid = QGridLayout(pick)
        grid.setContentsMargins(14, 10, 14, 10)
        grid.setHorizontalSpacing(14)
        # The maximum is the last complete day (_set_limits): no later day is in an archive.
        self.start = date_edit("Начало периода", self)
        self.end = date_edit("Конец периода", self)
        start_label = QLabel(tr("Начало периода:"), pick)
        start_label.setBuddy(self.start)
        end_label = QLabel(tr("Конец периода:"), pick)
        end_label.setBuddy(self.end)
        grid.addWidget(start_label, 0, 0)
        grid.addWidget(self.start, 1, 0)
        grid.addWidget(end_label, 0, 1)
        grid.addWidget(self.end, 1, 1)
        self.submit = primary_button(tr("Сформировать"), pick)
        self.submit.clicked.connect(self.create_request)
        grid.addWidget(self.submit, 1, 2)
        self.update_button = QPushButton(tr("Обновить запрос"), pick)
        self.update_button.setAutoDefault(False)
        self.update_button.clicked.connect(self.update_request)
        self.update_button.setEnabled(False)
        grid.addWidget(self.update_button, 1, 3)
        grid.setColumnStretch(4, 1)
        self.start_error = ErrorLabel(pick)
        self.start_error.setObjectName("fieldError")
        self.end_error = ErrorLabel(pick)
        self.end_error.setObjectName("fieldError")
        grid.addWidget(self.start_error, 2, 0)
        grid.addWidget(self.end_error, 2, 1)
        self.limits = QLabel(pick)
        self.limits.setObjectName("fieldHint")
        self.limits.setWordWrap(True)
        grid.addWidget(self.limits, 3, 0, 1, 5)
        layout.addWidget(pick)

        self.notice = QLabel(f"<b>{RULE}</b> {AFTER_RULE}", self)
        self.notice.setObjectName("archiveNotice")
        self.notice.setWordWrap(True)
        layout.addWidget(self.notice)
        self.status = QLabel(self)
        self.status.setObjectName("archiveStatus")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)

        list_title = QLabel(tr("Запросы архива по этому прибору учёта"), self)
        list_title.setStyleSheet("font-weight: 600;")
        layout.addWidget(list_title)
        self.model = ArchiveRequestsModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("archiveRequests")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())
        layout.addWidget(self.table, 1)

        actions = QHBoxLayout()
        self.refresh_button = QPushButton(tr("Обновить список"), self)
        self.refresh_button.clicked.connect(self.load_requests)
        self.download_button = QPushButton(tr("Скачать"), self)
        self.download_button.clicked.connect(self.download_selected)
        self.progress = QProgressBar(self)
        self.progress.setMinimumWidth(160)
        self.progress.hide()
        self.cancel_button = QPushButton(tr("Отмена"), self)
        self.cancel_button.clicked.connect(self.cancel_download)
        self.cancel_button.hide()
        actions.addWidget(self.refresh_button)
        actions.addWidget(self.download_button)
        actions.addWidget(self.progress, 1)
        actions.addWidget(self.cancel_button)
        actions.addStretch(0)
        layout.addLayout(actions)
        opened = QHBoxLayout()
        self.open_file_button = QPushButton(tr("Открыть файл"), self)
        self.open_file_button.clicked.connect(self.open_file)
        self.open_folder_button = QPushButton(tr("Открыть папку"), self)
        self.open_folder_button.clicked.connect(self.open_folder)
        self.open_app_button = QPushButton(tr("Открыть в приложении"), self)
        self.open_app_button.clicked.connect(self.open_in_app)
        opened.addWidget(self.open_file_button)
        opened.addWidget(self.open_folder_button)
        opened.addWidget(self.open_app_button)
        opened.addStretch(1)
        layout.addLayout(opened)

        bottom = QHBoxLayout()
        self.live_button = QPushButton(tr("Получить последние данные с прибора учёта"), self)
        self.live_button.clicked.connect(self._back_to_live)
        bottom.addWidget(self.live_button)
        bottom.addStretch(1)
        close = QPushButton(tr("Закрыть"), self)
        close.setAutoDefault(False)
        close.clicked.connect(self.reject)
        bottom.addWidget(close)
        layout.addLayout(bottom)

        self.start.dateChanged.connect(lambda _d: self.validate(quiet=True))
        self.end.dateChanged.connect(lambda _d: self.validate(quiet=True))
        self._set_defaults()
        self._selection_changed()
        self.load_requests()
        if last_poll is None:
            self._fetch_last_poll()

    def earliest(self) -> date:
        if self.terms is not None:
            return parse_date(self.terms.period_start_min) or years_before(self.today, 3)
        return years_before(self.today, 3)

    def _set_limits(self) -> None:
        if self.latest is not None:
            for edit in (self.start, self.end):
                edit.setMaximumDate(qdate(self.latest))
        last = format_date(self.latest) if self.latest else "уточняется…"
        self.limits.setText(
            tr(
                "{} Доступно: с {} по {} — последние полные сутки (все 48 получасовых интервалов)."
            ).format(DEPTH, format_date(self.earliest()), last)
        )

    def _set_defaults(self) -> None:
        end = self.latest or self.today
        start = max(self.earliest(), date(end.year, end.month, 1))
        commissioned = parse_date(self.meter.commissioned_at)
        if commissioned is not None and commissioned > start:
            start = min(commissioned, end)
        self._set_limits()
        self.start.setDate(qdate(start))
        self.end.setDate(qdate(end))

    def _fetch_terms(self) -> None:
        client = self.ctx.session.client
        meter_id = self.meter.id
        self.ctx.tasks.run(
            lambda: client.archive_terms(meter_id),
            self._got_terms,
            lambda exc: None,  # the rule stays shown, and the server checks the dates anyway
            owner=self,
            label="Получение условий запроса архива…",
        )

    def _got_terms(self, terms: ArchiveTerms) -> None:
        first = self.terms is None
        self.terms = terms
        now = parse_datetime(terms.now) if terms.now else None
        if now is not None:
            self.today = moscow_date(now)
        self.latest = parse_date(terms.period_end_max) or self.latest
        # Only what parses as a moment goes into the (rich-text) notice: the server's text is
        # never shown as it is.
        editable_until = parse_datetime(terms.editable_until)
        produce_after = parse_datetime(terms.produce_after)
        if editable_until is None or produce_after is None:
            pass  # the rule stays shown
        elif moscow_date(editable_until) == self.today:
            self.notice.setText(f"<b>{NOTICE}</b> {NEXT_DAY}")
        else:
            # After 21:00 МСК: the request belongs to the next day, and its deadline is ahead.
            self.notice.setText(
                tr(
                    "<b>После 21:00 МСК запрос относится к следующим суткам: его можно обновить"
                    " до {}.</b> Ответ будет сформирован после {} и размещен в виде файла для"
                    " загрузки."
                ).format(format_datetime(editable_until), format_datetime(produce_after))
            )
        if first:
            self._set_defaults()
        else:
            self._set_limits()

    def _fetch_last_poll(self) -> None:
        client = self.ctx.session.client
        meter_id = self.meter.id
        self.ctx.tasks.run(
            lambda: client.smart_data(meter_id),
            self._got_poll,
            lambda exc: None,  # the server checks the end date anyway
            owner=self,
            label="Получение даты последнего опроса…",
        )

    def _got_poll(self, data: SmartData) -> None:
        polled = parse_datetime(data.polled_at)
        if polled is None:
            return
        self.last_poll = moscow_date(polled)
        if self.terms is None:
            self.today = self.last_poll
            self.latest = self.last_poll - timedelta(days=1)
            self._set_defaults()

    # --- dates ----------------------------------------------------------------------------

    def period(self) -> tuple[date, date]:
        return pydate(self.start.date()), pydate(self.end.date())

    def validate(self, quiet: bool = False) -> bool:
        start, end = self.period()
        errors = check_period(start, end, self.earliest(), self.latest)
        self.show_errors(errors)
        return not errors

    def show_errors(self, errors: dict[str, str]) -> None:
        self.start_error.show_message(errors.get("period_start"))
        self.end_error.show_message(errors.get("period_end"))

    def _server_said_no(self, exc: BaseException) -> None:
        self.submit.setEnabled(True)
        self._selection_changed()
        self.status.setText("")
        if isinstance(exc, ApiError) and exc.fields:
            known = {k: v for k, v in exc.fields.items() if k in ("period_start", "period_end")}
            self.show_errors(known)
            rest = [v for k, v in exc.fields.items() if k not in known]
            if rest or not known:
                self.status.setText(" ".join(rest) or exc.message)
        else:
            self.status.setText(messages.describe(exc))

    def create_request(self) -> None:
        if not self.validate():
            return
        start, end = self.period()
        self.submit.setEnabled(False)
        self.status.setText(tr("Отправка запроса…"))
        client = self.ctx.session.client
        meter_id = self.meter.id
        self.ctx.tasks.run(
            lambda: client.create_archive_request(meter_id, start, end),
            self._created,
            self._server_said_no,
            owner=self,
            label="Запрос архива данных…",
        )

    def _created(self, request: ArchiveRequest) -> None:
        self.submit.setEnabled(True)
        self.status.setText(
            tr("Запрос № {} принят за период {} – {}. {}").format(
                request.id,
                format_date(request.period_start),
                format_date(request.period_end),
                _what_next(request),
            )
        )
        messages.notice(tr("Запрос архива № {} принят").format(request.id))
        self.load_requests(select=request.id)

    def update_request(self) -> None:
        request = self.selected()
        if request is None or not request.is_editable or not self.validate():
            return
        start, end = self.period()
        self.update_button.setEnabled(False)
        self.status.setText(tr("Обновление запроса…"))
        client = self.ctx.session.client
        self.ctx.tasks.run(
            lambda: client.update_archive_request(request.id, start, end),
            self._updated,
            self._server_said_no,
            owner=self,
            label="Обновление запроса архива…",
        )

    def _updated(self, request: ArchiveRequest) -> None:
        self.status.setText(
            tr("Запрос № {} обновлен: период {} – {}.").format(
                request.id, format_date(request.period_start), format_date(request.period_end)
            )
        )
        self.load_requests(select=request.id)

    # --- the list -------------------------------------------------------------------------

    def load_requests(self, select: int | None = None) -> None:
        # The terms with the list: an open dialog crosses 21:00 and the poll as time goes on.
        self._fetch_terms()
        chosen = self.selected()
        current = select or (chosen.id if chosen else None)
        self.refresh_button.setEnabled(False)
        client = self.ctx.session.client
        meter_id = self.meter.id
        self.ctx.tasks.run(
            lambda: client.archive_requests(meter_id),
            lambda items: self._listed(items, current),
            self._list_failed,
            owner=self,
            label="Загрузка запросов архива…",
        )

    def _list_failed(self, exc: BaseException) -> None:
        self.refresh_button.setEnabled(True)
        self.status.setText(messages.describe(exc))

    def _listed(self, requests: list[ArchiveRequest], select: int | None) -> None:
        self.refresh_button.setEnabled(True)
        self.model.set_requests(requests)
        ids = [r.id for r in self.model.requests]
        if select in ids:
            self.table.selectRow(ids.index(select))
        elif ids:
            self.table.selectRow(0)
        self._selection_changed()

    def selected(self) -> ArchiveRequest | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.requests[rows[0].row()] if rows else None

    def _selection_changed(self) -> None:
        request = self.selected()
        busy = self.transfer is not None
        self.update_button.setEnabled(request is not None and request.is_editable)
        self.download_button.setEnabled(request is not None and request.is_ready and not busy)
        saved = request is not None and self._saved_file(request.id) is not None
        for button in (self.open_file_button, self.open_folder_button, self.open_app_button):
            button.setEnabled(saved)
        if request is not None and request.is_editable:
            start, end = parse_date(request.period_start), parse_date(request.period_end)
            if start and end:
                self.start.setDate(qdate(start))
                self.end.setDate(qdate(end))

    def _saved_file(self, request_id: int) -> Path | None:
        path = self.saved.get(request_id)
        return path if path is not None and path.exists() else None

    # --- download -------------------------------------------------------------------------

    def download_selected(self) -> None:
        request = self.selected()
        if request is None or not request.is_ready or self.transfer is not None:
            return
        from voek_desktop.api.download import part_path

        dest = self.saved.get(request.id)
        if dest is None or not part_path(dest).exists():
            fallback = f"archive_{request.id}.xlsx"
            # The name comes from the server: never a folder in it.
            name = file_name(request.file_name or fallback, fallback=fallback)
            chosen = choose_save_path(self, downloads_folder() / name)
            if chosen is None:
                return
            dest = chosen if chosen.suffix else chosen.with_suffix(".xlsx")
        self.saved[request.id] = dest
        self.start_download(request, dest)

    def start_download(self, request: ArchiveRequest, dest: Path) -> None:
        from voek_desktop.api.client import CabinetClient
        from voek_desktop.api.download import download

        server_url, token = self.ctx.session.server_url, self.ctx.session.client.token
        path = self.ctx.session.client.archive_file_path(request.id)

        def job(transfer) -> Path:
            # run_long jobs run beside the API worker: their own HTTP session.
            client = CabinetClient(server_url, token=token)
            try:
                return download(
                    client, path, dest, transfer.report, transfer.is_cancelled, retries=3
                )
            finally:
                client.close()

        self.downloading_id = request.id
        self.progress.setRange(0, 0)
        self.progress.setValue(0)
        self.progress.show()
        self.cancel_button.show()
        self.cancel_button.setEnabled(True)
        self.status.setText(tr("Загрузка файла {}…").format(dest.name))
        self.transfer = self.ctx.tasks.run_long(
            job,
            self._downloaded,
            self._download_failed,
            on_progress=self._progress,
            owner=self,
            label="Загрузка архива…",
        )
        self._selection_changed()

    def cancel_download(self) -> None:
        if self.transfer is not None:
            self.transfer.cancel()
            self.cancel_button.setEnabled(False)
            self.status.setText(tr("Отмена загрузки…"))

    def _progress(self, done: int, total: int | None) -> None:
        if total:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(done * 1000 / total))
            self.progress.setFormat(f"{done * 100 // total} %")

    def _download_done(self) -> None:
        self.transfer = None
        self.progress.hide()
        self.cancel_button.hide()
        self._selection_changed()

    def _downloaded(self, path: Path) -> None:
        self._download_done()
        self.status.setText(tr("Файл сохранен: {}").format(path))
        messages.notice(tr("Архив сохранен: {}").format(path.name))
        self._selection_changed()

    def _download_failed(self, exc: BaseException) -> None:
        self._download_done()
        if isinstance(exc, TransferCancelled):
            self.status.setText(
                tr("Загрузка отменена. Нажмите «Скачать», чтобы продолжить с того же места.")
            )
        else:
            self.status.setText(messages.describe(exc))

    # --- open -----------------------------------------------------------------------------

    def current_file(self) -> Path | None:
        request = self.selected()
        return None if request is None else self._saved_file(request.id)

    def open_file(self) -> None:
        path = self.current_file()
        if path is not None and not open_url(QUrl.fromLocalFile(str(path))):
            self.status.setText(
                tr("Не найдено приложение для файлов .xlsx. Откройте файл в приложении.")
            )

    def open_folder(self) -> None:
        path = self.current_file()
        if path is not None:
            open_url(QUrl.fromLocalFile(str(path.parent)))

    def open_in_app(self):
        from voek_desktop.ui.metering.archive_table import WorkbookDialog

        path = self.current_file()
        if path is None:
            return None
        dialog = WorkbookDialog(self.ctx, path, self)
        dialog.show()
        dialog.load()
        self.workbook_dialog = dialog
        return dialog

    def _back_to_live(self) -> None:
        self.live_requested.emit()
        self.accept()

    def reject(self) -> None:
        if self.transfer is not None:
            self.transfer.cancel()  # the .part stays; «Скачать» resumes it next time
        super().reject()
