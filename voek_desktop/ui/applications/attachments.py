"""The attachments checklist: each required document kind, whether it is there, and a way to add it.

Files are checked before anything is sent (type by content, size); several images picked at
once (or one big photo) become one compact PDF off the GUI thread; uploads show progress and
can be cancelled. The pages' service codes (issue 17, docs/design.md "Scans that file
themselves") put a scan into its own slot or refuse an outdated one; «Разложить скан…» splits a
whole scanned stack by its separator sheets, shown for a check first.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QImageReader
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMenu,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from voek_desktop.api.applications import Application, Document
from voek_desktop.api.errors import ApiError, TransferCancelled
from voek_desktop.domain import applications as domain
from voek_desktop.domain import scancodes, uploads
from voek_desktop.domain.formats import (
    format_size,
)
from voek_desktop.scanning import filing as scan_filing
from voek_desktop.scanning import pages as scan_pages
from voek_desktop.ui.applications.scan_check import ScanCheckDialog, SeparatorsDialog
from voek_desktop.ui.context import Context
from voek_desktop.ui.kit import messages
from voek_desktop.ui.kit.dialogs import tr
from voek_desktop.ui.kit.forms import ErrorLabel
from voek_desktop.ui.kit.tasks import Transfer

FILE_FILTER = "Сканы документов (*.pdf *.jpg *.jpeg *.png *.tif *.tiff);;Все файлы (*)"
IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/tiff"})


def check_files(paths: Sequence[Path]) -> tuple[list[tuple[Path, str]], str | None]:
    """Each file's content type, or the Russian reason the first bad one is refused."""
    checked = []
    for path in paths:
        try:
            checked.append((path, uploads.check_file(path)))
        except uploads.FileProblem as exc:
            return [], f"«{path.name}»: {exc.message}"
        except OSError as exc:
            return [], f"«{path.name}»: не удалось прочитать файл ({exc.strerror or exc})"
    return checked, None


def check_contents(checked: Sequence[tuple[Path, str]]) -> None:
    """Each file parsed as the type its first bytes showed (uploads.check_structure, the
    server's own rule), so a damaged or active file is refused before the upload. Slow for a
    big file: call it off the GUI thread. A problem is an ApiError, which the task runner hands
    to the row's error line."""
    for path, content_type in checked:
        try:
            uploads.check_structure(path, content_type)
        except uploads.FileProblem as exc:
            raise ApiError(0, exc.code, f"«{path.name}»: {exc.message}") from None


# The server's own bound (a 600 dpi A4 scan is 35 million points); a small PNG can claim 177
# million (13,300 × 13,300 in 516 KB) and would take the merge to 1.75 GB once decoded.
MAX_JOIN_PIXELS = uploads.MAX_IMAGE_PIXELS


def join_images(paths: Sequence[Path], out: Path, cancelled: Callable[[], bool]) -> Path:
    """One A4 PDF with one image per page, each fitted inside the margins, written 0600.

    Every image's size is read from its header (QImageReader decodes nothing for size()) and
    bounded before any image is decoded."""
    import io

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    from voek_desktop.settings import write_atomically

    for path in paths:
        size = QImageReader(str(path)).size()
        width, height = size.width(), size.height()
        if width * height > MAX_JOIN_PIXELS:
            raise uploads.FileProblem(
                "image_too_large",
                f"«{path.name}»: изображение слишком большое ({width} × {height} точек, допустимо"
                f" до {MAX_JOIN_PIXELS // 1_000_000} млн). Уменьшите разрешение сканирования"
                " (300 dpi достаточно)",
            )
    images = []
    for path in paths:
        image = ImageReader(str(path))
        width, height = image.getSize()
        images.append((image, width, height))
    margin = 10 * mm
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    canvas.setTitle(tr("Скан документа"))
    for image, width, height in images:
        if cancelled():
            raise TransferCancelled()
        scale = min((A4[0] - 2 * margin) / width, (A4[1] - 2 * margin) / height)
        w, h = width * scale, height * scale
        canvas.drawImage(image, (A4[0] - w) / 2, (A4[1] - h) / 2, w, h)
        canvas.showPage()
    canvas.save()
    if buffer.tell() > uploads.MAX_FILE_BYTES:
        raise uploads.FileProblem(
            "file_too_large", "Объединённый файл больше 20 МБ. Уменьшите разрешение сканирования"
        )
    write_atomically(out, buffer.getvalue())
    return out


# A photo bigger than this becomes a compact PDF (issue 17 item 5); a small PNG stays as it is.
COMPACT_IMAGES_FROM = 1024 * 1024


def on_file(application: Application, kinds: Sequence[str]) -> scan_filing.OnFile:
    """What the scan codes are checked against: the application as the server has it."""
    return scan_filing.OnFile(
        application.number,
        application.category,
        scancodes.form_digest(application.form),
        tuple(kinds),
    )


def read_scans(
    checked: Sequence[tuple[Path, str]], cancelled: Callable[[], bool], *, lenient: bool = False
) -> list[scan_pages.Page]:
    """Every page of the files, its code read (worker thread); a ScanError is the user's.

    ``lenient``: a file that passed the upload check but that PDFium cannot page through (or
    a PDF of more than MAX_PAGES pages) simply has no codes, and is uploaded as it is."""
    try:
        return scan_pages.read_files(
            [p for p, _ in checked], cancelled, content_types=[t for _, t in checked]
        )
    except scan_pages.ScanCancelled:
        raise TransferCancelled() from None
    except scan_pages.ScanError as exc:
        if lenient:
            return []
        raise ApiError(0, "invalid_file", str(exc)) from None


def upload_parts(
    ctx: Context,
    application_id: int,
    parts: dict[str, list[scan_pages.Page]],
    transfer: Transfer,
) -> list[Document]:
    """Each part as one compact PDF, uploaded to its kind (worker thread). The PDF is built in
    memory and written only for the upload, into a private folder removed at once: clerk mode
    leaves nothing of the visitor on disk."""
    import shutil

    from voek_desktop.api.client import CabinetClient
    from voek_desktop.scanning.compact import pdf_bytes

    built = []
    for kind, pages in parts.items():
        title = domain.DOCUMENT_KINDS[kind].title if kind in domain.DOCUMENT_KINDS else kind
        try:
            built.append((kind, title, pdf_bytes(pages, title)))
        except uploads.FileProblem as exc:
            raise ApiError(0, exc.code, f"«{title}»: {exc.message}") from None
    total, base, documents = sum(len(b) for _, _, b in built), 0, []
    folder = Path(tempfile.mkdtemp(prefix="voek-scan-"))
    client = CabinetClient(ctx.session.server_url, token=ctx.session.client.token)
    try:
        for kind, title, data in built:
            path = folder / f"{kind}.pdf"
            path.write_bytes(data)

            def progress(done: int, _total: int | None, b: int = base) -> None:
                transfer.report(b + done, total)

            try:
                documents.append(
                    client.upload_document(
                        application_id,
                        kind,
                        path,
                        progress=progress,
                        cancelled=transfer.is_cancelled,
                        filename=f"{title}.pdf",
                    )
                )
            finally:
                path.unlink(missing_ok=True)
            base += len(data)
        return documents
    finally:
        client.close()
        shutil.rmtree(folder, ignore_errors=True)


def upload_files(
    ctx: Context, application_id: int, kind: str, files: Sequence[Path], transfer: Transfer
) -> list[Document]:
    """Files uploaded as they are, with one progress over all of them (worker thread)."""
    from voek_desktop.api.client import CabinetClient

    if not files:
        return []
    client = CabinetClient(ctx.session.server_url, token=ctx.session.client.token)
    try:
        sizes = [p.stat().st_size for p in files]
        total, base, documents = sum(sizes), 0, []
        for path, size in zip(files, sizes, strict=True):

            def progress(done: int, _total: int | None, b: int = base) -> None:
                transfer.report(b + done, total)

            documents.append(
                client.upload_document(
                    application_id,
                    kind,
                    path,
                    progress=progress,
                    cancelled=transfer.is_cancelled,
                    filename=path.name,
                )
            )
            base += size
        return documents
    finally:
        client.close()


@dataclass
class Attached:
    """What an attach did: the documents uploaded, and what the scan codes said (None: none)."""

    documents: list[Document]
    filing: scan_filing.Filing | None


class DocumentRow(QFrame):
    """One kind of document: what it is, whether it is attached, «Прикрепить…», drop target."""

    files_dropped = Signal(str, list)  # kind, [Path]
    remove_requested = Signal(object)  # Document

    def __init__(self, kind: str, required: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.setObjectName("docRow")
        self.setAcceptDrops(True)
        info = domain.DOCUMENT_KINDS[kind]
        grid = QGridLayout(self)
        grid.setContentsMargins(10, 8, 10, 8)
        title = QLabel(f"<b>{info.title}</b>" + ("" if required else tr(" (по желанию)")), self)
        title.setWordWrap(True)
        grid.addWidget(title, 0, 0)
        hint = QLabel(info.hint.rstrip(".") + tr(". Можно перетащить файл сюда."), self)
        hint.setObjectName("fieldHint")
        hint.setWordWrap(True)
        grid.addWidget(hint, 1, 0)
        self.status = QLabel(tr("нет"), self)
        self.status.setObjectName(f"status_{kind}")
        self.status.setWordWrap(True)
        grid.addWidget(self.status, 2, 0)
        self.error = ErrorLabel(self)
        self.error.setObjectName("fieldError")
        grid.addWidget(self.error, 3, 0, 1, 3)
        self.attach_button = QPushButton(tr("Прикрепить…"), self)
        self.attach_button.setObjectName(f"attach_{kind}")
        self.attach_button.setAutoDefault(False)
        # The ways in side by side at the top right (Прикрепить…, Сканировать…), «Из сканера»
        # under the first, «Удалить» under the second once something is attached: a hidden
        # «Удалить» between them left the two buttons in different columns and rows.
        grid.addWidget(self.attach_button, 0, 1)
        self.remove_button = QPushButton(tr("Удалить"), self)
        self.remove_button.setAutoDefault(False)
        self.remove_button.hide()
        grid.addWidget(self.remove_button, 2, 2)
        self.progress = QProgressBar(self)
        self.progress.setObjectName(f"progress_{kind}")
        self.progress.hide()
        grid.addWidget(self.progress, 1, 1)
        self.cancel_button = QPushButton(tr("Отмена"), self)
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.hide()
        grid.addWidget(self.cancel_button, 1, 2)
        self.scan_button = QPushButton(tr("Сканировать…"), self)
        self.scan_button.setObjectName(f"scan_{kind}")
        self.scan_button.setAutoDefault(False)
        self.scan_button.setToolTip(
            tr("Отсканировать документ сканером, подключённым к компьютеру")
        )
        grid.addWidget(self.scan_button, 0, 2)
        grid.setColumnStretch(0, 1)
        self.documents: list[Document] = []
        self.remove_button.clicked.connect(self._remove_last)

    def add_scanner_button(self, scanned: list[Path], choose: Callable[[Path], None]) -> None:
        """«Из сканера ▾»: a menu of this visit's scans, newest first."""
        # A push button leaves room for its menu arrow; a tool button drew it over the text.
        self.scanner_button = QPushButton(tr("Из сканера"), self)
        self.scanner_button.setObjectName(f"scanner_{self.kind}")
        self.scanner_button.setAutoDefault(False)
        menu = QMenu(self.scanner_button)

        def fill() -> None:
            menu.clear()
            for path in scanned:
                action = menu.addAction(path.name)
                action.triggered.connect(lambda _=False, p=path: choose(p))

        menu.aboutToShow.connect(fill)
        self.scanner_button.setMenu(menu)
        self.scanner_button.setEnabled(bool(scanned))
        # The QGridLayout made in __init__; layout() is typed as any QLayout.
        cast(QGridLayout, self.layout()).addWidget(self.scanner_button, 2, 1)

    def _remove_last(self) -> None:
        if self.documents:
            self.remove_requested.emit(self.documents[-1])

    def set_documents(self, documents: list[Document]) -> None:
        self.documents = documents
        if documents:
            self.status.setText(
                tr("✔ загружен: ")
                + "; ".join(f"{d.filename} ({format_size(d.size)})" for d in documents)
            )
            self.status.setObjectName(f"status_{self.kind}")
            self.status.setStyleSheet("color: #1e7b34;")
        else:
            self.status.setText(tr("нет"))
            self.status.setStyleSheet("")
        self.remove_button.setVisible(bool(documents))

    def is_attached(self) -> bool:
        return bool(self.documents)

    def set_busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)
        self.attach_button.setEnabled(not busy)
        self.remove_button.setEnabled(not busy)
        self.scan_button.setEnabled(not busy)
        if busy:
            self.progress.setRange(0, 0)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.files_dropped.emit(self.kind, paths)


class AttachmentsChecklist(QWidget):
    """Rows for the required kinds of one application; keeps them in step with the server."""

    application_changed = Signal(object)  # Application

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.application: Application | None = None
        self.rows: dict[str, DocumentRow] = {}
        self.transfers: dict[str, Transfer] = {}
        self.setStyleSheet(
            "QFrame#docRow { border: 1px solid #d0d7de; border-radius: 6px;"
            " background: palette(base); }"
        )
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        self.layout_.setSpacing(6)
        self.layout_.addStretch(1)
        self._add_scan_tools()
        # Clerk mode: what the desk scanner saved during this visit, one click to attach.
        self.scans = ctx.session.scans
        self.scanned: list[Path] = []
        self.scanner_label: QLabel | None = None
        if self.scans is not None:
            self.scanner_label = QLabel(self)
            self.scanner_label.setObjectName("fieldHint")
            self.scanner_label.setWordWrap(True)
            self.layout_.insertWidget(0, self.scanner_label)
            self.scan_timer = QTimer(self)
            self.scan_timer.setInterval(1500)  # a folder listing is cheap; watchers miss shares
            self.scan_timer.timeout.connect(self.refresh_scans)
            self.scan_timer.start()
            self.refresh_scans()

    def set_kinds(self, required: Sequence[str]) -> None:
        wanted = list(required)
        if list(self.rows) == wanted:
            return
        for row in self.rows.values():
            row.deleteLater()
        self.rows = {}
        offset = self.layout_.indexOf(self.scan_tools) + 1  # after the tools and the scanner line
        for i, kind in enumerate(wanted, start=offset):
            row = DocumentRow(kind, True, self)
            if self.scans is not None:

                def choose(path: Path, k: str = kind) -> None:
                    self.attach(k, [path])

                row.add_scanner_button(self.scanned, choose)
            row.attach_button.clicked.connect(lambda _=False, k=kind: self.pick(k))
            row.scan_button.clicked.connect(lambda _=False, k=kind: self.scan(k))
            row.files_dropped.connect(self.attach)
            row.remove_requested.connect(self.remove)
            row.cancel_button.clicked.connect(lambda _=False, k=kind: self.cancel(k))
            self.layout_.insertWidget(i, row)
            self.rows[kind] = row
        self.show_application(self.application)

    def refresh_scans(self) -> None:
        """Offer the scans that appeared in the scanner's folder during this visit."""
        if self.scans is None or self.scanner_label is None:
            return
        files = self.scans.new_files()
        if files == self.scanned and self.scanner_label.text():
            return
        self.scanned[:] = files  # the rows' menus read this list when opened
        folder = self.scans.folder
        self.scanner_label.setText(
            tr(
                "Папка сканера {}: новых сканов — {}. Кнопка «Из сканера» у документа "
                "прикрепляет скан; после «Завершить приём» сканы посетителя удаляются."
            ).format(folder, len(files))
            if files
            else tr("Папка сканера {}: новых сканов пока нет — отсканируйте документ.").format(
                folder
            )
        )
        for row in self.rows.values():
            row.scanner_button.setEnabled(bool(files))
        self.stack_from_scanner.setEnabled(bool(files))

    def show_application(self, application: Application | None) -> None:
        self.application = application
        docs = application.documents if application else ()
        for kind, row in self.rows.items():
            row.set_documents([d for d in docs if d.kind == kind])

    def missing(self) -> list[str]:
        return [kind for kind, row in self.rows.items() if not row.is_attached()]

    def busy(self) -> bool:
        return bool(self.transfers)

    # --- actions --------------------------------------------------------------------------

    def pick(self, kind: str) -> None:
        names, _ = QFileDialog.getOpenFileNames(
            self, domain.DOCUMENT_KINDS[kind].title, str(Path.home()), FILE_FILTER
        )
        if names:
            self.attach(kind, [Path(n) for n in names])

    def attach(self, kind: str, paths: list[Path]) -> None:
        row = self.rows[kind]
        row.error.show_message(None)
        if self.application is None:
            row.error.show_message("Сначала сохраните заявку.")
            return
        checked, problem = check_files(paths)
        if problem:
            row.error.show_message(problem)
            return
        images = [p for p, t in checked if t in IMAGE_TYPES]
        application = self.application
        kinds = list(self.rows)
        ctx = self.ctx

        def work(transfer: Transfer) -> Attached:
            check_contents(checked)  # before a photo is decoded, too
            # Issue 17: the pages' service codes decide where a scan belongs.
            by_file = [read_scans([c], transfer.is_cancelled, lenient=True) for c in checked]
            pages = [p for file_pages in by_file for p in file_pages]
            if any(p.code is not None for p in pages):
                filing = scan_filing.file_pages(pages, on_file(application, kinds), kind)
                if filing.is_simple and filing.parts:
                    documents = upload_parts(ctx, application.id, filing.parts, transfer)
                    return Attached(documents, filing)
                return Attached([], filing)  # the split to check, or only warnings
            # Photos and image scans: one compact PDF (item 5); a small single image and PDFs
            # go as they are.
            compact = len(images) > 1 or any(p.stat().st_size > COMPACT_IMAGES_FROM for p in images)
            compact = compact and all(
                pages_of
                for (_p, t), pages_of in zip(checked, by_file, strict=True)
                if t in IMAGE_TYPES
            )
            as_is = [p for p, t in checked if t not in IMAGE_TYPES or not compact]
            documents = []
            if compact:
                image_pages = [
                    page
                    for (_path, t), file_pages in zip(checked, by_file, strict=True)
                    if t in IMAGE_TYPES
                    for page in file_pages
                ]
                documents += upload_parts(ctx, application.id, {kind: image_pages}, transfer)
            documents += upload_files(ctx, application.id, kind, as_is, transfer)
            return Attached(documents, None)

        row.set_busy(True)
        self.transfers[kind] = self.ctx.tasks.run_long(
            work,
            lambda result: self._attached(kind, result),
            lambda exc: self._failed(kind, exc),
            on_progress=lambda done, total: _progress(row, done, total),
            owner=self,
            label="Загрузка файла…",
        )

    def _attached(self, kind: str, result: Attached) -> None:
        self.transfers.pop(kind, None)
        row = self.rows[kind]
        row.set_busy(False)
        filing = result.filing
        if result.documents:
            self._uploaded(kind, result.documents)
            elsewhere = {d.kind for d in result.documents} - {kind}
            if elsewhere:
                titles = ", ".join(f"«{domain.DOCUMENT_KINDS[k].title}»" for k in elsewhere)
                messages.notice(
                    tr("По служебному коду скан прикреплён к документу {}.").format(titles)
                )
            if filing is not None and filing.warnings:
                target = next(iter(elsewhere), kind)
                self.rows[target].error.show_message("\n".join(filing.warnings))
            return
        if filing is None:
            return
        if filing.parts:
            self.check_split(filing)
        else:
            row.error.show_message("\n".join(filing.warnings) or None)

    # --- a scanned stack (issue 17 item 3) ------------------------------------------------

    def _add_scan_tools(self) -> None:
        self.scan_tools = QWidget(self)
        bar = QHBoxLayout(self.scan_tools)
        bar.setContentsMargins(0, 0, 0, 0)
        hint = QLabel(
            tr(
                "Весь комплект можно отсканировать за один раз: распечатайте листы-разделители,"
                " положите каждый перед своим документом, затем «Разложить скан…»."
            ),
            self.scan_tools,
        )
        hint.setObjectName("fieldHint")
        hint.setWordWrap(True)
        bar.addWidget(hint, 1)
        self.separators_button = QPushButton(tr("Листы-разделители…"), self.scan_tools)
        self.separators_button.setObjectName("printSeparators")
        self.separators_button.setAutoDefault(False)
        self.separators_button.clicked.connect(self.show_separators)
        bar.addWidget(self.separators_button)
        self.split_button = QPushButton(tr("Разложить скан…"), self.scan_tools)
        self.split_button.setObjectName("splitScan")
        self.split_button.setAutoDefault(False)
        menu = QMenu(self.split_button)
        menu.addAction(tr("Выбрать файлы…"), self.pick_stack)
        menu.addAction(tr("Сканировать комплект…"), lambda: self.scan(None))
        self.stack_from_scanner = menu.addAction(
            tr("Новые сканы из папки сканера"), lambda: self.split_scan(list(self.scanned))
        )
        self.stack_from_scanner.setVisible(self.ctx.session.scans is not None)
        self.stack_from_scanner.setEnabled(False)
        self.split_button.setMenu(menu)
        bar.addWidget(self.split_button)
        self.layout_.insertWidget(0, self.scan_tools)
        self.split_error = ErrorLabel(self)
        self.split_error.setObjectName("splitError")
        self.layout_.insertWidget(1, self.split_error)
        self.check_dialog: ScanCheckDialog | None = None

    def show_separators(self) -> None:
        kinds = [k for k in self.rows if k != "signed_application"]  # its pages are coded
        number = self.application.number if self.application else ""
        dialog = SeparatorsDialog(self.ctx, kinds, number, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.separators_dialog = dialog
        dialog.open()

    def scan(self, kind: str | None) -> None:
        """«Сканировать…»: pages from the desk scanner, read for their codes and filed like any
        other scan — into ``kind``'s slot unless a code or a separator says otherwise; for the
        whole stack (``kind`` None) by the separators, with the check dialog."""
        from voek_desktop.ui.applications.scan_dialog import ScanDialog

        error = self.rows[kind].error if kind else self.split_error
        error.show_message(None)
        if self.application is None:
            error.show_message("Сначала сохраните заявку.")
            return
        title = domain.DOCUMENT_KINDS[kind].title if kind else tr("комплект документов")
        dialog = ScanDialog(self.ctx, title, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.scanned.connect(lambda images, dpi: self.file_scanned(kind, images, dpi))
        dialog.finished.connect(lambda _r: setattr(self, "scan_dialog", None))
        self.scan_dialog: ScanDialog | None = dialog
        dialog.open()

    def file_scanned(self, kind: str | None, images: list, dpi: int) -> None:
        """The scanner's pages: codes read and filed on a worker; one plain document goes
        straight into its slot, anything else (a stack, a warning, pages left over) to the
        check dialog first."""
        if self.application is None:
            return
        application, kinds = self.application, list(self.rows)
        label = domain.DOCUMENT_KINDS[kind].title if kind else "скан"

        def work(transfer: Transfer) -> scan_filing.Filing:
            try:
                pages = scan_pages.pages_from_images(images, dpi, label, transfer.is_cancelled)
            except scan_pages.ScanCancelled:
                raise TransferCancelled() from None
            return scan_filing.file_pages(pages, on_file(application, kinds), kind)

        def filed(filing: scan_filing.Filing) -> None:
            if kind is not None and filing.is_simple and not filing.warnings:
                self.attach_parts(filing.parts)
            else:
                self.check_split(filing)

        error = self.rows[kind].error if kind else self.split_error
        self.ctx.tasks.run_long(
            work,
            filed,
            lambda exc: error.show_message(messages.describe(exc)),
            owner=self,
            label="Чтение скана…",
        )

    def pick_stack(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(
            self, tr("Скан комплекта документов"), str(Path.home()), FILE_FILTER
        )
        if names:
            self.split_scan([Path(n) for n in names])

    def split_scan(self, paths: list[Path]) -> None:
        """Read a scanned stack (one PDF, or many images in name order), split it by the
        separators and codes, and show the result for a check."""
        self.split_error.show_message(None)
        if self.application is None:
            self.split_error.show_message("Сначала сохраните заявку.")
            return
        checked, problem = check_files(sorted(paths, key=lambda p: p.name))
        if problem:
            self.split_error.show_message(problem)
            return
        application, kinds = self.application, list(self.rows)

        def work(transfer: Transfer) -> scan_filing.Filing:
            check_contents(checked)
            pages = read_scans(checked, transfer.is_cancelled)
            return scan_filing.file_pages(pages, on_file(application, kinds))

        self.split_button.setEnabled(False)
        self.ctx.tasks.run_long(
            work,
            self._split_read,
            self._split_failed,
            owner=self,
            label="Чтение скана…",
        )

    def _split_read(self, filing: scan_filing.Filing) -> None:
        self.split_button.setEnabled(True)
        if not filing.coded:
            self.split_error.show_message(
                "В скане нет листов-разделителей и служебных кодов: прикрепите файлы к"
                " документам вручную."
            )
            return
        self.check_split(filing)

    def _split_failed(self, exc: BaseException) -> None:
        self.split_button.setEnabled(True)
        if not isinstance(exc, TransferCancelled):
            self.split_error.show_message(messages.describe(exc))

    def check_split(self, filing: scan_filing.Filing) -> None:
        dialog = ScanCheckDialog(filing, list(self.rows), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.attach_parts(dialog.parts()))
        dialog.finished.connect(lambda _r: setattr(self, "check_dialog", None))
        self.check_dialog = dialog
        dialog.open()

    def attach_parts(self, parts: dict[str, list[scan_pages.Page]]) -> None:
        """Upload each part to its document, one transfer for all (cancel on any row)."""
        parts = {k: v for k, v in parts.items() if k in self.rows and v}
        if self.application is None or not parts:
            return
        application_id, ctx = self.application.id, self.ctx
        kinds = list(parts)
        for kind in kinds:
            self.rows[kind].error.show_message(None)
            self.rows[kind].set_busy(True)

        def done(documents: list[Document]) -> None:
            for kind in kinds:
                self.transfers.pop(kind, None)
                self.rows[kind].set_busy(False)
            self._uploaded(kinds[0], documents)

        def failed(exc: BaseException) -> None:
            for kind in kinds:
                self._failed(kind, exc)

        transfer = self.ctx.tasks.run_long(
            lambda t: upload_parts(ctx, application_id, parts, t),
            done,
            failed,
            on_progress=lambda d, t: _progress_all([self.rows[k] for k in kinds], d, t),
            owner=self,
            label="Загрузка документов…",
        )
        for kind in kinds:
            self.transfers[kind] = transfer

    def cancel(self, kind: str) -> None:
        transfer = self.transfers.get(kind)
        if transfer is not None:
            transfer.cancel()

    def _uploaded(self, kind: str, documents: list[Document]) -> None:
        self.transfers.pop(kind, None)
        self.rows[kind].set_busy(False)
        messages.notice(tr("Файл загружен."))
        self.refresh()

    def _failed(self, kind: str, exc: BaseException) -> None:
        self.transfers.pop(kind, None)
        row = self.rows[kind]
        row.set_busy(False)
        if isinstance(exc, TransferCancelled):
            row.error.show_message("Загрузка отменена.")
        elif isinstance(exc, uploads.FileProblem):
            row.error.show_message(exc.message)
        else:
            row.error.show_message(messages.describe(exc))
        if isinstance(exc, ApiError) and exc.status in (404, 409):
            self.refresh()

    def remove(self, document: Document) -> None:
        if self.application is None:
            return
        application_id = self.application.id
        client = self.ctx.session.client

        def work() -> Application:
            client.delete_document(application_id, document.id)
            return client.application(application_id)

        self.ctx.tasks.run(
            work,
            self._refreshed,
            lambda exc: messages.error(self, exc),
            owner=self,
            label="Удаление файла…",
        )

    def refresh(self) -> None:
        if self.application is None:
            return
        application_id = self.application.id
        client = self.ctx.session.client
        self.ctx.tasks.run(
            lambda: client.application(application_id),
            self._refreshed,
            lambda exc: messages.error(self, exc),
            owner=self,
            label="Обновление заявки…",
        )

    def _refreshed(self, application: Application) -> None:
        self.show_application(application)
        self.application_changed.emit(application)


def _progress(row: DocumentRow, done: int, total: int | None) -> None:
    if total:
        row.progress.setRange(0, 1000)
        row.progress.setValue(int(done * 1000 / total))
        # What is being sent, also when the app made it (a compact PDF of photos, a split scan).
        row.progress.setFormat(tr("%p% из {}").format(format_size(total)))


def _progress_all(rows: list[DocumentRow], done: int, total: int | None) -> None:
    for row in rows:
        _progress(row, done, total)
