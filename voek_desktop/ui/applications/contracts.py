"""«Договоры»: connection contracts offered in answer to applications (seed IV.4).

The consumer opens the contract PDF in the preview (downloaded in a worker into the cache
folder, 0600; in clerk mode into memory only), prints or saves it, signs it and uploads the
signed scan.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStyle,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from voek_desktop.api.applications import ConnectionContract
from voek_desktop.api.errors import TransferCancelled
from voek_desktop.api.models import Profile
from voek_desktop.domain.formats import (
    file_name,
    format_date,
)
from voek_desktop.ui.applications.attachments import FILE_FILTER, check_contents, check_files
from voek_desktop.ui.applications.page import table
from voek_desktop.ui.context import Context
from voek_desktop.ui.kit import messages
from voek_desktop.ui.kit.dialogs import tr
from voek_desktop.ui.kit.forms import ErrorLabel
from voek_desktop.ui.kit.models import RecordsModel
from voek_desktop.ui.kit.page import SectionPage
from voek_desktop.ui.kit.tasks import Transfer

if TYPE_CHECKING:
    from voek_desktop.ui.applications.preview import PdfPreview


class ContractsPage(SectionPage):
    topics = frozenset({"contracts"})

    def __init__(self, ctx: Context, profile: Profile, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "Договоры на технологическое присоединение", parent)
        self.profile = profile
        self.current: ConnectionContract | None = None
        self.preview: PdfPreview | None = None
        self.transfer: Transfer | None = None
        self._lists_shown = False
        layout = self.body
        self.refresh_button = QPushButton(tr("Обновить"), self)
        self.refresh_button.setAutoDefault(False)
        self.add_action(self.refresh_button)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        left = QWidget(splitter)
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        self.tabs = QTabWidget(left)
        columns = [
            ("Номер", lambda c: c.number),
            ("Заявка", lambda c: c.application_number or str(c.application_id)),
            ("Статус", lambda c: c.status_label),
            ("Дата", lambda c: format_date(c.created_at)),
        ]
        self.active_model: RecordsModel[ConnectionContract] = RecordsModel(columns, self)
        self.done_model: RecordsModel[ConnectionContract] = RecordsModel(columns, self)
        self.active_view = table(self.tabs, self.active_model, "activeContracts", stretch=2)
        self.done_view = table(self.tabs, self.done_model, "doneContracts", stretch=2)
        self.tabs.addTab(self.active_view, tr("Исполняемые"))
        self.tabs.addTab(self.done_view, tr("Выполненные"))
        lv.addWidget(self.tabs, 1)
        self.details = QLabel(tr("Выберите договор в списке"), left)
        self.details.setWordWrap(True)
        lv.addWidget(self.details)
        hint = QLabel(
            tr(
                "Откройте договор, распечатайте, подпишите и загрузите скан подписанного"
                " экземпляра (PDF, JPEG, PNG или TIFF до 20 МБ)."
            ),
            left,
        )
        hint.setObjectName("fieldHint")
        hint.setWordWrap(True)
        lv.addWidget(hint)
        actions = QHBoxLayout()
        self.open_button = QPushButton(tr("Открыть договор"), left)
        self.print_button = QPushButton(tr("Печать…"), left)
        self.save_button = QPushButton(tr("Сохранить PDF…"), left)
        for b in (self.open_button, self.print_button, self.save_button):
            b.setAutoDefault(False)
            actions.addWidget(b)
        lv.addLayout(actions)
        upload = QHBoxLayout()
        self.upload_button = QPushButton(tr("Загрузить подписанный скан…"), left)
        self.upload_button.setAutoDefault(False)
        upload.addWidget(self.upload_button)
        self.progress = QProgressBar(left)
        self.progress.hide()
        upload.addWidget(self.progress, 1)
        self.cancel_button = QPushButton(tr("Отмена"), left)
        self.cancel_button.hide()
        upload.addWidget(self.cancel_button)
        lv.addLayout(upload)
        self.upload_error = ErrorLabel(left)
        lv.addWidget(self.upload_error)

        self.preview_holder = QWidget(splitter)
        self.preview_layout = QVBoxLayout(self.preview_holder)
        self.preview_layout.setContentsMargins(6, 0, 0, 0)
        self.preview_label = QLabel(tr("Договор откроется здесь."), self.preview_holder)
        self.preview_label.setObjectName("fieldHint")
        self.preview_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview_layout.addWidget(self.preview_label)
        splitter.addWidget(left)
        splitter.addWidget(self.preview_holder)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        # Half each (scaled to the window): with 2:3 the list's four columns did not fit at
        # 1024×600 and «Дата» was cut behind a sideways scroll bar; the preview fits its width.
        splitter.setSizes([500, 500])
        layout.addWidget(splitter, 1)

        self.refresh_button.clicked.connect(self.refresh)
        for view in (self.active_view, self.done_view):
            view.selectionModel().currentRowChanged.connect(
                lambda cur, _prev, v=view: self.select(v.model().record(cur.row()))
            )
        # clicked passes «checked»: it must not land in ``then``.
        self.open_button.clicked.connect(lambda: self.open_document())
        self.print_button.clicked.connect(self.print_document)
        self.save_button.clicked.connect(self.save_document)
        self.upload_button.clicked.connect(self.pick_signed_copy)
        self.cancel_button.clicked.connect(self.cancel_upload)
        self.select(None)

    def cancel_upload(self) -> None:
        if self.transfer is not None:
            self.transfer.cancel()

    def has_unsaved_edits(self) -> bool:
        return self.transfer is not None  # a reload would offer «Загрузить» again mid-upload

    def refresh(self) -> None:
        client = self.ctx.session.client
        self.load(
            lambda: (client.connection_contracts("active"), client.connection_contracts("done")),
            self._loaded_lists,
            label="Загрузка договоров…",
        )

    def reveal(self, contract_id: int) -> None:
        """Choose this contract (a notification was clicked) once the fresh lists come."""
        self._revealing = contract_id
        self.refresh()

    _revealing: int | None = None  # a contract to choose once the lists come

    def _loaded_lists(self, lists: tuple[list, list]) -> None:
        active, done = lists
        wanted, self._revealing = self._revealing, None
        if (
            self._lists_shown
            and active == self.active_model.records
            and done == self.done_model.records
            and (wanted is None or (self.current is not None and self.current.id == wanted))
        ):
            return  # nothing new: the selection and an open preview stay
        self._lists_shown = True
        keep = wanted or (self.current.id if self.current else None)
        self.active_model.set_records(active)
        self.done_model.set_records(done)
        self._fit_list_pane()
        self.tabs.setTabText(0, tr("Исполняемые ({})").format(len(active)))
        self.tabs.setTabText(1, tr("Выполненные ({})").format(len(done)))
        for index, model in ((0, self.active_model), (1, self.done_model)):
            for row, contract in enumerate(model.records):
                if contract.id == keep or keep is None:
                    self.tabs.setCurrentIndex(index)
                    (self.active_view if index == 0 else self.done_view).selectRow(row)
                    self.select(contract)
                    return
        self.select(None)

    def _fit_list_pane(self) -> None:
        """The list's pane at least as wide as its columns (values of the stretched one
        elided): the preview beside it gives way, and no column hides behind a sideways
        scroll bar («Дата» at 200 % on 1920×1080)."""
        view = self.active_view
        header = view.horizontalHeader()
        need = 0
        for column in range(header.count()):
            if header.sectionResizeMode(column) == QHeaderView.ResizeMode.Stretch:
                need += header.minimumSectionSize()
            else:
                need += max(view.sizeHintForColumn(column), header.sectionSizeHint(column))
        frame = 2 * view.frameWidth() + view.verticalScrollBar().sizeHint().width()
        pane = self.tabs.parentWidget()  # the list's side of the splitter
        assert pane is not None
        margins = 2 * self.tabs.style().pixelMetric(QStyle.PixelMetric.PM_DefaultFrameWidth) + 8
        pane.setMinimumWidth(need + frame + margins)

    def select(self, contract: ConnectionContract | None) -> None:
        self.current = contract
        for b in (self.open_button, self.print_button, self.save_button, self.upload_button):
            b.setEnabled(contract is not None)
        if contract is None:
            self.details.setText(
                tr("Договоров пока нет: они появятся, когда АО «ВОЭК» ответит на заявку.")
            )
            return
        signed = (
            f"подписанный экземпляр получен {format_date(contract.signed_at)}"
            if contract.signed_at
            else "ждёт подписанного экземпляра"
        )
        self.details.setText(
            tr("<b>Договор № {}</b> по заявке № {}<br>Статус: {}; {}.").format(
                contract.number,
                contract.application_number or contract.application_id,
                contract.status_label,
                signed,
            )
        )
        self.upload_button.setEnabled(contract.awaiting_signature)

    # --- the document ---------------------------------------------------------------------

    def _cache_path(self, contract: ConnectionContract) -> Path | None:
        """Where the PDF is kept; None in clerk mode, where it lives in memory only."""
        cache = self.ctx.session.cache()
        if cache is None or cache.in_memory:
            return None
        return cache.file("contracts", f"contract-{contract.id}.pdf")

    def _ensure_preview(self):
        if self.preview is None:
            from voek_desktop.ui.applications.preview import PdfPreview

            self.preview_label.hide()
            self.preview = PdfPreview(self.preview_holder)
            self.preview_layout.addWidget(self.preview, 1)
        return self.preview

    def open_document(self, then=None) -> None:
        contract = self.current
        if contract is None:
            return
        dest = self._cache_path(contract)
        ctx = self.ctx
        preview = self._ensure_preview()
        preview.set_message("Загрузка договора…")

        def work(transfer: Transfer) -> bytes:
            from voek_desktop.api.client import CabinetClient

            client = CabinetClient(ctx.session.server_url, token=ctx.session.client.token)
            try:
                if dest is None:
                    return client.contract_pdf(contract.id, transfer.report, transfer.is_cancelled)
                client.download_contract(contract.id, dest, transfer.report, transfer.is_cancelled)
            finally:
                client.close()
            return dest.read_bytes()

        def done(data: bytes) -> None:
            preview.show_pdf(data)
            if then is not None:
                preview.loaded.connect(lambda _n: then(), Qt.ConnectionType.SingleShotConnection)

        self.ctx.tasks.run_long(
            work,
            done,
            lambda exc: preview.set_message(messages.describe(exc)),
            owner=self,
            label="Загрузка договора…",
        )

    def print_document(self) -> None:
        from voek_desktop.ui.applications.preview import print_pdf

        if self.preview is None or not self.preview.data:
            self.open_document(then=self.print_document)
            return
        assert self.current is not None  # the preview shows the current contract
        print_pdf(self, self.ctx, self.preview, f"Договор № {self.current.number}")

    def save_document(self) -> None:
        from voek_desktop.ui.applications.preview import save_pdf

        if self.preview is None or not self.preview.data:
            self.open_document(then=self.save_document)
            return
        assert self.current is not None  # the preview shows the current contract
        name = file_name(f"Договор {self.current.number}", ".pdf")
        save_pdf(self, self.ctx, self.preview.data, name)

    # --- the signed copy ------------------------------------------------------------------

    def pick_signed_copy(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Скан подписанного договора", str(Path.home()), FILE_FILTER
        )
        if name:
            self.upload_signed_copy(Path(name))

    def upload_signed_copy(self, path: Path) -> None:
        contract = self.current
        if contract is None:
            return
        self.upload_error.show_message(None)
        checked, problem = check_files([path])
        if problem:
            self.upload_error.show_message(problem)
            return
        ctx = self.ctx

        def work(transfer: Transfer) -> ConnectionContract:
            from voek_desktop.api.client import CabinetClient

            check_contents(checked)
            client = CabinetClient(ctx.session.server_url, token=ctx.session.client.token)
            try:
                return client.upload_signed_copy(
                    contract.id, path, transfer.report, transfer.is_cancelled
                )
            finally:
                client.close()

        self.progress.setRange(0, 0)
        self.progress.show()
        self.cancel_button.show()
        self.upload_button.setEnabled(False)
        self.transfer = self.ctx.tasks.run_long(
            work,
            self._uploaded,
            self._upload_failed,
            on_progress=self._progress,
            owner=self,
            label="Загрузка подписанного договора…",
        )

    def _progress(self, done: int, total: int | None) -> None:
        if total:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(done * 1000 / total))

    def _finish_upload(self) -> None:
        self.transfer = None
        self.progress.hide()
        self.cancel_button.hide()

    def _uploaded(self, contract: ConnectionContract) -> None:
        self._finish_upload()
        messages.notice(tr("Подписанный договор загружен."))
        self.current = contract
        self.refresh()
        # Signing moves the application on («Договор подписан») and keeps its survey open.
        messages.changed("applications", "survey")

    def _upload_failed(self, exc: BaseException) -> None:
        self._finish_upload()
        self.upload_button.setEnabled(True)
        self.upload_error.show_message(
            "Загрузка отменена." if isinstance(exc, TransferCancelled) else messages.describe(exc)
        )
