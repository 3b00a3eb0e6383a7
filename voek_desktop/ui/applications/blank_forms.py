"""«Бланки заявок»: blank templates to print or save without logging in and without a network.

Opened from the login screen; imported only when that link is clicked (start-up cost nil).
"""

from __future__ import annotations

import io

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from voek_desktop.domain import applications as domain
from voek_desktop.domain.company import Requisites
from voek_desktop.domain.consumers import CONSUMER_TYPES
from voek_desktop.domain.formats import file_name
from voek_desktop.ui.applications.preview import PdfPreview, print_pdf, save_pdf
from voek_desktop.ui.context import Context
from voek_desktop.ui.kit.dialogs import tr
from voek_desktop.ui.kit.widgets import fit_to_screen


def render_blank(category: str, consumer_type: str, company: Requisites | None = None) -> bytes:
    from voek_desktop.printing.application import render_application

    out = io.BytesIO()
    render_application(category, consumer_type, None, out, company=company)
    return out.getvalue()


class BlankFormsDialog(QDialog):
    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._seq = 0
        self.setWindowTitle(tr("Бланки заявок на технологическое присоединение"))
        fit_to_screen(self, 940, 760)
        layout = QVBoxLayout(self)
        intro = QLabel(
            tr(
                "Бланк можно распечатать и заполнить от руки, а затем принести в центр"
                " обслуживания или приложить скан к заявке в личном кабинете. Вход и сеть не нужны."
            ),
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.category = QComboBox(self)
        self.category.setObjectName("blankCategory")
        for cat in domain.CATEGORIES.values():
            self.category.addItem(cat.title, cat.key)
        self.consumer_type = QComboBox(self)
        self.consumer_type.setObjectName("blankConsumerType")
        form.addRow("Вид заявки:", self.category)
        form.addRow("Заявитель:", self.consumer_type)
        layout.addLayout(form)
        self.explanation = QLabel(self)
        self.explanation.setObjectName("fieldHint")
        self.explanation.setWordWrap(True)
        layout.addWidget(self.explanation)
        self.preview = PdfPreview(self)
        layout.addWidget(self.preview, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.save_button = QPushButton(tr("Сохранить PDF…"), self)
        self.print_button = QPushButton(tr("Печать…"), self)
        self.close_button = QPushButton(tr("Закрыть"), self)
        for b in (self.save_button, self.print_button, self.close_button):
            b.setAutoDefault(False)
            buttons.addWidget(b)
        layout.addLayout(buttons)

        self.category.currentIndexChanged.connect(self._category_changed)
        self.consumer_type.currentIndexChanged.connect(lambda _: self.refresh_preview())
        self.save_button.clicked.connect(
            lambda: save_pdf(self, ctx, self.preview.data, self._file_name())
        )
        self.print_button.clicked.connect(self.print_blank)
        self.close_button.clicked.connect(self.reject)
        self._category_changed()
        # The grid company's address and requisites: asked for once, kept for offline use; the
        # blank printed meanwhile (or without a network) carries the kept copy.
        # In demo mode not before its server listens: asked earlier, the request is refused.
        ctx.when_server_ready(
            lambda: ctx.tasks.run(
                ctx.session.fetch_requisites,
                lambda _r: self.refresh_preview(),
                lambda _exc: None,
                owner=self,
            ),
            lambda _why: None,  # the kept copy or the name alone, as offline
            owner=self,
        )

    def _category_changed(self) -> None:
        cat = domain.CATEGORIES[self.category.currentData()]
        self.explanation.setText(cat.explanation)
        current = self.consumer_type.currentData()
        self.consumer_type.blockSignals(True)
        self.consumer_type.clear()
        for key in cat.consumer_types:
            self.consumer_type.addItem(CONSUMER_TYPES[key].label, key)
        index = self.consumer_type.findData(current)
        self.consumer_type.setCurrentIndex(max(0, index))
        self.consumer_type.blockSignals(False)
        self.refresh_preview()

    def select(self, category: str, consumer_type: str) -> None:
        self.category.setCurrentIndex(self.category.findData(category))
        self.consumer_type.setCurrentIndex(self.consumer_type.findData(consumer_type))

    def print_blank(self) -> None:
        print_pdf(self, self.ctx, self.preview, "Печать бланка заявки")

    def _file_name(self) -> str:
        cat = domain.CATEGORIES[self.category.currentData()]
        return file_name(f"Бланк заявки {cat.short_title}", ".pdf")

    def _rendered(self, seq: int, data: bytes) -> None:
        if seq == self._seq:  # the choice changed meanwhile: a newer blank is coming
            self.preview.show_pdf(data)

    def refresh_preview(self) -> None:
        self._seq += 1
        seq = self._seq
        category, ctype = self.category.currentData(), self.consumer_type.currentData()
        session = self.ctx.session
        self.preview.set_message("Подготовка бланка…")
        self.ctx.tasks.run_long(
            lambda _t: render_blank(category, ctype, session.requisites()),
            lambda data: self._rendered(seq, data),
            lambda exc: self.preview.set_message(str(exc)),
            owner=self,
            label="",
        )
