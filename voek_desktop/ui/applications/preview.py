"""A PDF shown in the window (QtPdf), printed through the Qt print dialog or saved as a file.

QtPdf is imported here only: this module is loaded when a page that previews is first built,
never on the login path.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, QSize, Qt, Signal
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import QFileDialog, QLabel, QStackedLayout, QVBoxLayout, QWidget

from voek_desktop.ui import feedback
from voek_desktop.ui.context import Context

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

    def show_file(self, path: Path) -> None:
        self.show_pdf(path.read_bytes())

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


def print_pdf(parent: QWidget, document: QPdfDocument, title: str = "Печать") -> bool:
    """Ask for a printer and print every page; False when the user cancelled."""
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    if document.status() != QPdfDocument.Status.Ready or document.pageCount() == 0:
        feedback.error(parent, "Документ ещё не готов к печати.")
        return False
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(title)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(title)
    dialog.setMinMax(1, document.pageCount())
    if dialog.exec() != QPrintDialog.DialogCode.Accepted:
        return False
    paint_pages(document, printer)
    return True


def paint_pages(document: QPdfDocument, printer: object) -> None:
    """Render each chosen page (at most 300 dpi) into the printable area of its sheet."""
    from PySide6.QtGui import QPainter
    from PySide6.QtPrintSupport import QPrinter

    assert isinstance(printer, QPrinter)
    first = max(1, printer.fromPage() or 1)
    last = min(document.pageCount(), printer.toPage() or document.pageCount())
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError("Не удалось начать печать: принтер недоступен.")
    try:
        target = printer.pageLayout().paintRectPixels(printer.resolution())
        # 300 dpi is sharp on paper; a 1200 dpi page image would take half a gigabyte.
        dpi = min(printer.resolution(), PRINT_DPI)
        for number in range(first - 1, last):
            if number > first - 1:
                printer.newPage()
            points = document.pagePointSize(number)
            size = QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72))
            image = document.render(number, size)
            fitted = size.scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
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
        feedback.error(parent, "Документ ещё не готов.")
        return
    path, _ = QFileDialog.getSaveFileName(
        parent, title, str(Path.home() / suggested), "Документ PDF (*.pdf)"
    )
    if not path:
        return
    target = Path(path if path.lower().endswith(".pdf") else path + ".pdf")
    ctx.tasks.run_long(
        lambda transfer: write_atomically(target, data, 0o644),
        lambda _: feedback.notice(f"Сохранено: {target}"),
        lambda exc: feedback.error(parent, exc),
        owner=parent,
        label="Сохранение PDF…",
    )
