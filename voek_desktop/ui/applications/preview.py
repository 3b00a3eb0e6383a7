"""A PDF shown in the window (QtPdf), printed through the Qt print dialog or saved as a file.

QtPdf is imported here only: this module is loaded when a page that previews is first built,
never on the login path.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QEvent,
    QIODevice,
    QObject,
    QPointF,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QImage, QKeySequence, QShortcut, QWheelEvent
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QStackedLayout,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from voek_desktop.ui.context import Context
from voek_desktop.ui.kit import messages
from voek_desktop.ui.kit.dialogs import tr

if TYPE_CHECKING:
    from PySide6.QtPrintSupport import QPrinter

PRINT_DPI = 300


ZOOM_STEP = 1.25
ZOOM_MIN, ZOOM_MAX = 0.25, 4.0


class PdfPreview(QWidget):
    """QPdfView over an in-memory document, with a message instead while there is none.

    The one PDF preview of the app (contracts, the wizard, blank forms): zoom (buttons, Ctrl+wheel,
    Ctrl++ / Ctrl+-), «По ширине» and page navigation («◀ 2 из 3 ▶», PgUp/PgDn). QPdfView
    renders pages on a thread of its own, so none of this costs the GUI thread a render."""

    loaded = Signal(int)  # page count

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pdfPreview")
        self.document = QPdfDocument(self)
        shown = QWidget(self)
        self.view = QPdfView(shown)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.viewport().installEventFilter(self)
        self.navigator = self.view.pageNavigator()
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 2)
        bar.setSpacing(2)

        def tool(text: str, tip: str, name: str) -> QToolButton:
            button = QToolButton(shown)
            button.setText(text)
            button.setToolTip(tip)
            button.setAccessibleName(tip)
            button.setObjectName(name)
            bar.addWidget(button)
            return button

        self.zoom_out_button = tool("−", self.tr("Уменьшить (Ctrl+−)"), "zoomOut")
        self.zoom_label = QLabel(shown)
        self.zoom_label.setObjectName("zoomLabel")
        self.zoom_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.zoom_label.setMinimumWidth(
            self.zoom_label.fontMetrics().horizontalAdvance("400 %") + 8
        )
        bar.addWidget(self.zoom_label)
        self.zoom_in_button = tool("+", self.tr("Увеличить (Ctrl++)"), "zoomIn")
        self.fit_button = tool(self.tr("По ширине"), self.tr("Во всю ширину страницы"), "fitWidth")
        self.fit_button.setCheckable(True)
        bar.addStretch(1)
        self.previous_button = tool("◀", self.tr("Предыдущая страница (PgUp)"), "previousPage")
        self.page_label = QLabel(shown)
        self.page_label.setObjectName("pageLabel")
        self.page_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        bar.addWidget(self.page_label)
        self.next_button = tool("▶", self.tr("Следующая страница (PgDn)"), "nextPage")
        v = QVBoxLayout(shown)
        v.setContentsMargins(0, 0, 0, 0)
        v.setSpacing(0)
        v.addLayout(bar)
        v.addWidget(self.view, 1)

        self.message = QLabel(tr("Предпросмотр появится здесь"), self)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.message.setObjectName("fieldHint")
        self._stack = QStackedLayout()
        self._stack.addWidget(self.message)
        self._stack.addWidget(shown)
        self._shown = shown
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._stack)
        self.data = b""
        self._buffer: QBuffer | None = None
        self.document.statusChanged.connect(self._status_changed)

        self.zoom_in_button.clicked.connect(self.zoom_in)
        self.zoom_out_button.clicked.connect(self.zoom_out)
        self.fit_button.clicked.connect(self.fit_to_width)
        self.previous_button.clicked.connect(lambda: self.go_to_page(self.current_page() - 1))
        self.next_button.clicked.connect(lambda: self.go_to_page(self.current_page() + 1))
        self.navigator.currentPageChanged.connect(lambda _page: self._update_bar())
        self.view.zoomFactorChanged.connect(lambda _factor: self._update_bar())
        self.view.zoomModeChanged.connect(lambda _mode: self._update_bar())
        for keys, slot in (
            (QKeySequence.StandardKey.ZoomIn, self.zoom_in),
            (QKeySequence("Ctrl+="), self.zoom_in),  # «+» without Shift on most layouts
            (QKeySequence.StandardKey.ZoomOut, self.zoom_out),
            (QKeySequence(Qt.Key.Key_PageUp), lambda: self.go_to_page(self.current_page() - 1)),
            (QKeySequence(Qt.Key.Key_PageDown), lambda: self.go_to_page(self.current_page() + 1)),
        ):
            shortcut = QShortcut(keys, self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        self._update_bar()

    def set_message(self, text: str) -> None:
        self.message.setText(text)
        self._stack.setCurrentWidget(self.message)

    def show_pdf(self, data: bytes) -> None:
        """Show a PDF held in memory; the bytes are kept for printing and saving."""
        self.data = data
        old = self._buffer
        # QPdfDocument reads from the device while it is open: keep it alive with the document.
        self._buffer = QBuffer(self)
        self._buffer.setData(QByteArray(data))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(self._buffer)
        if old is not None:
            old.close()
            old.deleteLater()

    def page_count(self) -> int:
        return self.document.pageCount()

    def is_ready(self) -> bool:
        return self.document.status() == QPdfDocument.Status.Ready

    # --- zoom and pages -------------------------------------------------------------------

    def zoom_factor(self) -> float:
        """What the page is shown at (1.0: its printed size on this screen), also «По ширине»."""
        if self.view.zoomMode() != QPdfView.ZoomMode.FitToWidth or self.page_count() == 0:
            return self.view.zoomFactor()
        # QPdfView computes the fitting factor per layout without exposing it; the same sum.
        points = self.document.pagePointSize(max(0, self.current_page()))
        dpi = self.view.logicalDpiX() / 72.0
        margins = self.view.documentMargins()
        room = self.view.viewport().width() - margins.left() - margins.right()
        return room / (points.width() * dpi) if points.width() > 0 else 1.0

    def set_zoom(self, factor: float) -> None:
        factor = min(ZOOM_MAX, max(ZOOM_MIN, factor))
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(factor)

    def zoom_in(self) -> None:
        self.set_zoom(self.zoom_factor() * ZOOM_STEP)

    def zoom_out(self) -> None:
        self.set_zoom(self.zoom_factor() / ZOOM_STEP)

    def fit_to_width(self) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)

    def current_page(self) -> int:
        """0-based."""
        return max(0, self.navigator.currentPage())

    def go_to_page(self, page: int) -> None:
        if 0 <= page < self.page_count():
            self.navigator.jump(page, QPointF(), self.navigator.currentZoom())

    def _update_bar(self) -> None:
        if not shiboken6.isValid(self.document):
            return  # the view reports its last page change while the preview is destroyed
        count = self.page_count()
        page = self.current_page()
        self.page_label.setText(self.tr("{0} из {1}").format(page + 1, count) if count else "")
        self.previous_button.setEnabled(page > 0)
        self.next_button.setEnabled(page + 1 < count)
        factor = self.zoom_factor()
        self.zoom_label.setText(f"{round(factor * 100)} %")
        self.zoom_in_button.setEnabled(factor < ZOOM_MAX - 1e-6)
        self.zoom_out_button.setEnabled(factor > ZOOM_MIN + 1e-6)
        self.fit_button.setChecked(self.view.zoomMode() == QPdfView.ZoomMode.FitToWidth)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.Wheel
            and isinstance(event, QWheelEvent)
            and event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            steps = event.angleDelta().y() / 120
            if steps:
                self.set_zoom(self.zoom_factor() * ZOOM_STEP**steps)
            return True
        if event.type() == QEvent.Type.Resize and self.view.zoomMode() != QPdfView.ZoomMode.Custom:
            self._update_bar()  # the fitting factor follows the width
        return super().eventFilter(watched, event)

    def _status_changed(self, status: QPdfDocument.Status) -> None:
        if status == QPdfDocument.Status.Ready:
            self._stack.setCurrentWidget(self._shown)
            if self.current_page() >= self.page_count():
                self.go_to_page(0)
            self._update_bar()
            self.loaded.emit(self.document.pageCount())
        elif status == QPdfDocument.Status.Error:
            self.set_message("Не удалось показать документ.")


def print_pdf(parent: QWidget, ctx: Context, preview: PdfPreview, title: str = "Печать") -> None:
    """Ask for a printer, render the chosen pages in a worker, then print them.

    Rendering a page at 300 dpi takes most of a second: it runs off the GUI thread, on a
    QPdfDocument of its own (QtPdf serialises PDFium); only drawing the images is left here."""
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    if not preview.is_ready() or preview.page_count() == 0:
        messages.error(parent, tr("Документ ещё не готов к печати."))
        return
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(title)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(title)
    dialog.setMinMax(1, preview.page_count())
    if dialog.exec() != QPrintDialog.DialogCode.Accepted:
        return
    first, last = page_range(printer, preview.page_count())
    dpi = min(printer.resolution(), PRINT_DPI)
    data = preview.data
    ctx.tasks.run_long(
        lambda transfer: render_pages(data, first, last, dpi, transfer.is_cancelled),
        lambda images: paint_images(images, printer),
        lambda exc: messages.error(parent, exc),
        owner=parent,
        label="Подготовка к печати…",
    )


def page_range(printer: QPrinter, count: int) -> tuple[int, int]:
    """The pages (1-based, inclusive) the print dialog asked for."""
    first = max(1, printer.fromPage() or 1)
    return first, min(count, printer.toPage() or count)


def render_pages(
    data: bytes, first: int, last: int, dpi: int, cancelled: Callable[[], bool] = lambda: False
) -> list[QImage]:
    """Page images of a PDF held in memory. Safe on a worker thread: the document is its own."""
    from voek_desktop.api.errors import TransferCancelled

    document = QPdfDocument()
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document.load(buffer)
    if document.status() != QPdfDocument.Status.Ready:
        raise OSError("Не удалось подготовить документ к печати.")
    images = []
    try:
        for number in range(first - 1, min(last, document.pageCount())):
            if cancelled():
                raise TransferCancelled
            points = document.pagePointSize(number)
            size = QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72))
            images.append(document.render(number, size))
    finally:
        document.close()
        buffer.close()
    return images


def paint_images(images: list[QImage], printer: QPrinter) -> None:
    """Draw rendered pages into the printable area, one sheet each."""
    from PySide6.QtGui import QPainter

    painter = QPainter()
    if not painter.begin(printer):
        raise OSError("Не удалось начать печать: принтер недоступен.")
    try:
        target = printer.pageLayout().paintRectPixels(printer.resolution())
        for index, image in enumerate(images):
            if index:
                printer.newPage()
            fitted = image.size().scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
            # The painter starts at the printable area's corner.
            painter.drawImage(QRect(0, 0, fitted.width(), fitted.height()), image)
    finally:
        painter.end()


def save_pdf(
    parent: QWidget, ctx: Context, data: bytes, suggested: str, title: str = "Сохранить PDF"
) -> None:
    """«Сохранить PDF…» for machines with no printer: write the bytes where the user says."""
    from voek_desktop.settings import write_atomically

    if not data:
        messages.error(parent, tr("Документ ещё не готов."))
        return
    path, _ = QFileDialog.getSaveFileName(
        parent, title, str(Path.home() / suggested), "Документ PDF (*.pdf)"
    )
    if not path:
        return
    target = Path(path if path.lower().endswith(".pdf") else path + ".pdf")
    ctx.tasks.run_long(
        lambda transfer: write_atomically(target, data),  # 0600: passport data, СНИЛС
        lambda _: messages.notice(tr("Сохранено: {}").format(target)),
        lambda exc: messages.error(parent, exc),
        owner=parent,
        label="Сохранение PDF…",
    )
