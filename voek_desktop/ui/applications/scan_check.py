"""«Проверьте раскладку»: how a scanned stack was split into the documents, before anything is
sent (issue 17 item 3). One row per document — its name, the pages as thumbnails, the page
count and the size of the PDF that will be uploaded — then the pages without a code, which the
user may put into a document or leave out, and the warnings in red.

And «Листы-разделители»: the separator sheets for this application, to preview and print.
"""

from __future__ import annotations

import io

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from voek_desktop.domain import applications as domain
from voek_desktop.domain.formats import file_name, format_size
from voek_desktop.scanning.compact import estimated_size
from voek_desktop.scanning.filing import Filing
from voek_desktop.scanning.pages import Page
from voek_desktop.ui.applications.preview import PdfPreview, print_pdf, save_pdf
from voek_desktop.ui.context import Context
from voek_desktop.ui.kit.dialogs import tr
from voek_desktop.ui.kit.forms import ErrorLabel
from voek_desktop.ui.kit.widgets import fit_to_screen, primary_button

MAX_THUMBS = 8  # a row of a long document shows its first pages and «…»
LEAVE_OUT = ""


def _title(kind: str) -> str:
    doc = domain.DOCUMENT_KINDS.get(kind)
    return doc.title if doc else kind


def _thumbs(pages: list[Page], parent: QWidget) -> QWidget:
    strip = QWidget(parent)
    row = QHBoxLayout(strip)
    row.setContentsMargins(0, 0, 0, 0)
    row.setSpacing(4)
    for page in pages[:MAX_THUMBS]:
        label = QLabel(strip)
        pixmap = QPixmap()
        pixmap.loadFromData(page.thumbnail, "PNG")
        label.setPixmap(pixmap.scaledToHeight(80, Qt.TransformationMode.SmoothTransformation))
        label.setToolTip(page.source)
        label.setStyleSheet("border: 1px solid #c0c7cf;")
        row.addWidget(label)
    if len(pages) > MAX_THUMBS:
        row.addWidget(QLabel(tr("…"), strip))
    row.addStretch(1)
    return strip


class ScanCheckDialog(QDialog):
    """Shows a :class:`Filing`; :meth:`parts` is what to attach once accepted."""

    def __init__(self, filing: Filing, kinds: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.filing = filing
        self.setWindowTitle(tr("Проверьте раскладку скана по документам"))
        fit_to_screen(self, 860, 640)
        layout = QVBoxLayout(self)
        summary = QLabel(self)
        summary.setObjectName("scanSummary")
        summary.setWordWrap(True)
        read = sum(len(p) for p in filing.parts.values()) + len(filing.unsorted)
        summary.setText(
            tr(
                "Страниц с документами: {}; листов-разделителей: {}; пустых страниц пропущено: {}."
                " Проверьте, что каждая страница попала в свой документ, и нажмите «Прикрепить»."
            ).format(read, filing.separators, filing.blanks)
        )
        layout.addWidget(summary)
        self.warnings = ErrorLabel(self)
        self.warnings.setObjectName("scanWarnings")
        self.warnings.show_message("\n".join(filing.warnings) or None)
        layout.addWidget(self.warnings)

        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget(scroll)
        grid = QGridLayout(body)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(10)
        grid.setColumnStretch(1, 1)
        self.rows: dict[str, QLabel] = {}
        r = 0
        for kind, pages in filing.parts.items():
            name = QLabel(f"<b>{_title(kind)}</b>", body)
            name.setWordWrap(True)
            name.setMinimumWidth(180)
            grid.addWidget(name, r, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(_thumbs(pages, body), r, 1)
            info = QLabel(self._info(pages), body)
            info.setObjectName(f"part_{kind}")
            grid.addWidget(info, r, 2, Qt.AlignmentFlag.AlignTop)
            self.rows[kind] = info
            r += 1
        missing = [k for k in kinds if k not in filing.parts]
        if missing:
            none = QLabel(
                tr("Не найдены в скане: {}.").format(", ".join(f"«{_title(k)}»" for k in missing)),
                body,
            )
            none.setObjectName("fieldHint")
            none.setWordWrap(True)
            grid.addWidget(none, r, 0, 1, 3)
            r += 1
        self.unsorted_choice: QComboBox | None = None
        if filing.unsorted:
            name = QLabel(tr("<b>Страницы без кода</b>"), body)
            name.setWordWrap(True)
            grid.addWidget(name, r, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(_thumbs(filing.unsorted, body), r, 1)
            self.unsorted_choice = QComboBox(body)
            self.unsorted_choice.setObjectName("unsortedKind")
            self.unsorted_choice.addItem(tr("Не прикреплять"), LEAVE_OUT)
            for kind in kinds:
                self.unsorted_choice.addItem(tr("Прикрепить к «{}»").format(_title(kind)), kind)
            self.unsorted_choice.currentIndexChanged.connect(self._update_total)
            grid.addWidget(
                QLabel(self._info(filing.unsorted), body), r, 2, Qt.AlignmentFlag.AlignTop
            )
            r += 1
            # Its own line under the pages: a long document name is shown whole.
            grid.addWidget(self.unsorted_choice, r, 1, 1, 2, Qt.AlignmentFlag.AlignLeft)
            r += 1
        grid.setRowStretch(r, 1)
        scroll.setWidget(body)
        layout.addWidget(scroll, 1)

        buttons = QHBoxLayout()
        self.total = QLabel(self)
        self.total.setObjectName("scanTotal")
        buttons.addWidget(self.total, 1)
        self.attach_button = primary_button(tr("Прикрепить"), self)
        self.attach_button.setObjectName("attachParts")
        cancel = QPushButton(tr("Отмена"), self)
        cancel.setAutoDefault(False)
        buttons.addWidget(self.attach_button)
        buttons.addWidget(cancel)
        layout.addLayout(buttons)
        self.attach_button.clicked.connect(self.accept)
        cancel.clicked.connect(self.reject)
        self._update_total()

    @staticmethod
    def _info(pages: list[Page]) -> str:
        return tr("{} стр., {}").format(len(pages), format_size(estimated_size(pages)))

    def parts(self) -> dict[str, list[Page]]:
        """Kind → pages to attach, the pages without a code where the user put them."""
        parts = {k: list(v) for k, v in self.filing.parts.items()}
        choice = self.unsorted_choice.currentData() if self.unsorted_choice else LEAVE_OUT
        if choice:
            parts.setdefault(choice, []).extend(self.filing.unsorted)
        return parts

    def _update_total(self) -> None:
        parts = self.parts()
        size = sum(estimated_size(p) for p in parts.values())
        self.total.setText(
            tr("Будет загружено документов: {}, всего {} (не больше 20 МБ каждый).").format(
                len(parts), format_size(size)
            )
        )
        self.attach_button.setEnabled(bool(parts))


def render_separators_pdf(kinds: list[str], number: str) -> bytes:
    """The separator sheets as PDF bytes (runs on a worker thread)."""
    from voek_desktop.printing.separators import render_separators

    out = io.BytesIO()
    render_separators(kinds, out, number=number)
    return out.getvalue()


class SeparatorsDialog(QDialog):
    """«Листы-разделители»: preview, print, save."""

    def __init__(
        self, ctx: Context, kinds: list[str], number: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.number = number
        self.setWindowTitle(tr("Листы-разделители для сканирования"))
        fit_to_screen(self, 760, 720)
        layout = QVBoxLayout(self)
        intro = QLabel(
            tr(
                "Положите каждый лист перед своим документом и отсканируйте всю стопку за один"
                " раз — в один PDF или в папку изображений. Затем нажмите «Разложить скан…»:"
                " программа сама разложит страницы по документам. Подписанной заявке"
                " разделитель не нужен — на каждой её странице свой код."
            ),
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.preview = PdfPreview(self)
        layout.addWidget(self.preview, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        save = QPushButton(tr("Сохранить PDF…"), self)
        printer = primary_button(tr("Печать…"), self)
        close = QPushButton(tr("Закрыть"), self)
        for b in (save, printer, close):
            b.setAutoDefault(False)
            buttons.addWidget(b)
        layout.addLayout(buttons)
        name = file_name(f"Листы-разделители {number}".strip(), ".pdf")
        save.clicked.connect(lambda: save_pdf(self, ctx, self.preview.data, name))
        printer.clicked.connect(
            lambda: print_pdf(self, ctx, self.preview, "Печать листов-разделителей")
        )
        close.clicked.connect(self.reject)
        self.preview.set_message(tr("Подготовка листов…"))
        ctx.tasks.run_long(
            lambda _t: render_separators_pdf(kinds, number),
            self.preview.show_pdf,
            lambda exc: self.preview.set_message(str(exc)),
            owner=self,
            label="",
        )
