"""A downloaded archive workbook shown inside the app (docs/design.md "Archives", "Targets": 52,600
rows ≤ 0.5 s).

The rows come from :mod:`voek_desktop.archive_reader` (a child process, streamed); the table model
holds them as plain lists and makes text only for the cells on screen.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from voek_desktop.api.errors import TransferCancelled
from voek_desktop.archive_reader import Sheet, WorkbookError, read_workbook
from voek_desktop.ui.context import Context
from voek_desktop.ui.kit import messages
from voek_desktop.ui.kit.dialogs import tr
from voek_desktop.ui.kit.models import RowsModel
from voek_desktop.ui.kit.widgets import fit_to_screen

if TYPE_CHECKING:
    from voek_desktop.ui.kit.tasks import Transfer

PROFILE_SHEET = "Профиль 30 мин"


def make_table(parent: QWidget | None = None) -> tuple[QTableView, RowsModel]:
    model = RowsModel()
    view = QTableView(parent)
    view.setObjectName("workbookTable")
    view.setModel(model)
    model.setParent(view)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    # Fixed row heights and widths: measuring 52,600 rows would defeat the model's laziness.
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.horizontalHeader().setStretchLastSection(True)
    return view, model


def show_sheet(view: QTableView, model: RowsModel, sheet: Sheet) -> None:
    model.set_rows(sheet.rows, sheet.headers)
    metrics = view.fontMetrics()
    sample = sheet.rows[:50]
    for column in range(model.columnCount()):
        texts = [sheet.headers[column] if column < len(sheet.headers) else ""]
        texts += [model.text(r, column) for r in range(len(sample))]
        width = max(metrics.horizontalAdvance(t) for t in texts) + 24
        view.setColumnWidth(column, min(max(width, 60), 520))


class WorkbookDialog(QDialog):
    """«Открыть в приложении»: the workbook's sheets in a table."""

    def __init__(self, ctx: Context, path: str | Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.path = Path(path)
        self.sheets: list[Sheet] = []  # filled by the reader as it goes
        self.shown: Sheet | None = None
        self.complete = False
        self.transfer: Transfer | None = None
        self.setWindowTitle(tr("Архив данных — {}").format(self.path.name))
        fit_to_screen(self, 900, 620)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(QLabel(tr("Лист:"), self))
        self.sheet_box = QComboBox(self)
        self.sheet_box.setMinimumContentsLength(16)
        self.sheet_box.currentIndexChanged.connect(self._sheet_chosen)
        top.addWidget(self.sheet_box)
        self.status = QLabel(self)
        self.status.setObjectName("fieldHint")
        top.addWidget(self.status, 1)
        layout.addLayout(top)
        self.progress = QProgressBar(self)
        self.progress.hide()
        layout.addWidget(self.progress)
        self.view, self.model = make_table(self)
        layout.addWidget(self.view, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.cancel_button = QPushButton(tr("Отмена"), self)
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.hide()
        buttons.addWidget(self.cancel_button)
        close = QPushButton(tr("Закрыть"), self)
        close.clicked.connect(self.reject)
        buttons.addWidget(close)
        layout.addLayout(buttons)

    def load(self) -> None:
        self.status.setText(tr("Чтение файла…"))
        self.progress.setRange(0, 0)
        self.progress.show()
        self.cancel_button.show()
        path, sink = self.path, self.sheets
        self.transfer = self.ctx.tasks.run_long(
            lambda t: read_workbook(path, t.report, t.is_cancelled, sink),
            self._loaded,
            self._failed,
            on_progress=self._progress,
            owner=self,
            label="Чтение архива…",
        )

    def cancel(self) -> None:
        if self.transfer is not None:
            self.transfer.cancel()

    def _progress(self, done: int, total: int | None) -> None:
        if total:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))
        self._show_available()

    def _show_available(self) -> None:
        """Show rows as they are read: the first screen does not wait for the whole file."""
        names = [s.name for s in self.sheets]
        if self.sheet_box.count() < len(names):
            self.sheet_box.blockSignals(True)
            self.sheet_box.addItems(names[self.sheet_box.count() :])
            self.sheet_box.blockSignals(False)
        if self.shown is None and PROFILE_SHEET in names:
            index = names.index(PROFILE_SHEET)
            self.sheet_box.setCurrentIndex(index)
            self._sheet_chosen(index)
        elif self.shown is not None:
            self.model.grow_to(len(self.shown.rows))
            self._count_text()

    def _finished(self) -> None:
        self.progress.hide()
        self.cancel_button.hide()
        self.transfer = None

    def _failed(self, exc: BaseException) -> None:
        self._finished()
        if isinstance(exc, TransferCancelled):
            self.status.setText(tr("Чтение отменено."))
            return
        text = str(exc) if isinstance(exc, WorkbookError) else messages.describe(exc)
        self.status.setText(tr("Не удалось прочитать файл: {}.").format(text))

    def _loaded(self, sheets: list[Sheet]) -> None:
        self._finished()
        self.complete = True
        self._show_available()
        if self.shown is None and self.sheets:
            self.sheet_box.setCurrentIndex(0)
            self._sheet_chosen(0)
        elif self.shown is not None:
            self.model.set_rows(self.shown.rows)  # trailing empty rows may have gone
        self._count_text()

    def _count_text(self) -> None:
        if self.shown is None:
            return
        count = f"{len(self.shown.rows):,}".replace(",", "\u202f")
        self.status.setText(
            tr("Строк: {}").format(count) + ("" if self.complete else tr(" (чтение…)"))
        )

    def _sheet_chosen(self, index: int) -> None:
        if not 0 <= index < len(self.sheets):
            return
        self.shown = self.sheets[index]
        show_sheet(self.view, self.model, self.shown)
        self._count_text()
