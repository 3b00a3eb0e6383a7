"""A PDF shown in the window (QtPdf), printed through the Qt print dialog or saved as a file.

QtPdf is imported here only: this module is loaded when a page that previews is first built,
never on the login path.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, QSize, Qt, Signal
from PySide6.QtGui import QImage
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import QFileDialog, QLabel, QStackedLayout, QVBoxLayout, QWidget

from voek_desktop.ui.context import Context
from voek_desktop.ui.kit import messages

if TYPE_CHECKING:
    from PySide6.QtPrintSupport import QPrinter

PRINT_DPI = 300


class PdfPreview(QWidget):
    """QPdfView over an in-memory document, with a message instead while there is none."""

    loaded = Signal(int)  # page count

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pdfPreview")
        self.document = QPdfDocument(self)
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.message = QLabel("Предпросмотр появится здесь", self)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.message.setObjectName("fieldHint")
        self._stack = QStackedLayout()
        self._stack.addWidget(self.message)
        self._stack.addWidget(self.view)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._stack)
        self.data = b""
        self._buffer: QBuffer | None = None
        self.document.statusChanged.connect(self._status_changed)

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

    def _status_changed(self, status: QPdfDocument.Status) -> None:
        if status == QPdfDocument.Status.Ready:
            self._stack.setCurrentWidget(self.view)
            self.loaded.emit(self.document.pageCount())
        elif status == QPdfDocument.Status.Error:
            self.set_message("Не удалось показать документ.")


def print_pdf(parent: QWidget, ctx: Context, preview: PdfPreview, title: str = "Печать") -> None:
    """Ask for a printer, render the chosen pages in a worker, then print them.

    Rendering a page at 300 dpi takes most of a second: it runs off the GUI thread, on a
    QPdfDocument of its own (QtPdf serialises PDFium); only drawing the images is left here."""
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    if not preview.is_ready() or preview.page_count() == 0:
        messages.error(parent, "Документ ещё не готов к печати.")
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
        messages.error(parent, "Документ ещё не готов.")
        return
    path, _ = QFileDialog.getSaveFileName(
        parent, title, str(Path.home() / suggested), "Документ PDF (*.pdf)"
    )
    if not path:
        return
    target = Path(path if path.lower().endswith(".pdf") else path + ".pdf")
    ctx.tasks.run_long(
        lambda transfer: write_atomically(target, data),  # 0600: passport data, СНИЛС
        lambda _: messages.notice(f"Сохранено: {target}"),
        lambda exc: messages.error(parent, exc),
        owner=parent,
        label="Сохранение PDF…",
    )
