"""The statutory terms of the chosen application in «Заявки» (docs/deadlines.md): the current
deadline and who owes it, the overdue mark with the printable претензия and where to complain,
and «Добавить в календарь…» (.ics). The PDF and the file are made on worker threads."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from voek_desktop.api.applications import Application
from voek_desktop.domain import deadlines as dl
from voek_desktop.domain.company import Requisites
from voek_desktop.domain.formats import file_name
from voek_desktop.ui.context import Context
from voek_desktop.ui.kit import messages
from voek_desktop.ui.kit.dialogs import tr
from voek_desktop.ui.kit.widgets import fit_to_screen

OVERDUE_COLOR = "#b3261e"


def application_mapping(app: Application) -> dict[str, Any]:
    """What the printing and domain functions read of an application."""
    return {
        "number": app.number,
        "category": app.category,
        "status": app.status,
        "form": app.form,
        "submitted_at": app.submitted_at,
        "created_at": app.created_at,
    }


def claimable(app: Application) -> dl.Deadline | None:
    """The overdue term of the company a претензия can be about, if any."""
    return next((d for d in app.deadlines if d.overdue and d.party == dl.GRID), None)


def render_claim_pdf(
    app: Application, server_term: dl.Deadline, today: date, company: Requisites | None = None
) -> bytes:
    """The претензия; the term is counted again here for ``today`` so the letter's numbers
    agree with its date (the server's answer may be an older copy)."""
    from voek_desktop.printing.claim import render_claim

    fresh = dl.deadline(application_mapping(app), app.history, today)
    term = next((d for d in fresh if d.step == server_term.step and d.overdue), server_term)
    out = io.BytesIO()
    render_claim(application_mapping(app), term, today, out, company)
    return out.getvalue()


def complaint_text() -> str:
    items = "".join(f"<li>{escape(body)} — {escape(why)}</li>" for body, why in dl.COMPLAINT_BODIES)
    return tr("Если ответа на претензию нет, куда обратиться дальше:") + f"<ul>{items}</ul>"


class DeadlineBox(QFrame):
    """Under the application's title: «Сетевая организация должна … до … — осталось …»."""

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("deadlineBox")
        self.app: Application | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        self.label = QLabel(self)
        self.label.setObjectName("deadlineText")
        self.label.setWordWrap(True)
        layout.addWidget(self.label)
        row = QHBoxLayout()
        self.claim_button = QPushButton(tr("Претензия…"), self)
        self.claim_button.setToolTip(
            tr("Письмо в сетевую организацию о нарушении срока, со ссылкой на пункт Правил")
        )
        self.calendar_button = QPushButton(tr("Добавить в календарь…"), self)
        self.calendar_button.setToolTip(tr("Сохранить сроки заявки в файл .ics для календаря"))
        for b in (self.claim_button, self.calendar_button):
            b.setAutoDefault(False)
            row.addWidget(b)
        row.addStretch(1)
        layout.addLayout(row)
        self.claim_button.clicked.connect(self.open_claim)
        self.calendar_button.clicked.connect(self.export_calendar)
        self.claim_dialog: ClaimDialog | None = None
        self.hide()

    @property
    def overdue(self) -> bool:
        return bool(self.app and any(d.overdue for d in self.app.deadlines))

    def show_application(self, app: Application | None) -> None:
        self.app = app
        terms = app.deadlines if app else ()
        if not terms:
            self.hide()
            return
        lines = []
        for d in terms:
            line = escape(d.text)
            if d.overdue:
                mark = tr("Срок нарушен")
                line = f"<span style='color:{OVERDUE_COLOR}'><b>⚠ {mark}.</b> {line}</span>"
            elif d.party == dl.APPLICANT and d.consequence:
                line += escape(tr(" (иначе {})").format(d.consequence))
            rule = d.rule.replace(dl.RULES, tr("Правил")).strip()  # the full name is in the tooltip
            lines.append(f"{line} <span style='color:#5f6368'>({escape(rule)})</span>")
        self.label.setText("<br>".join(lines))
        self.label.setToolTip(tr("Пункты {}").format(dl.RULES))
        self.claim_button.setVisible(claimable(app) is not None if app else False)
        self.show()

    # --- the претензия --------------------------------------------------------------------

    def open_claim(self) -> None:
        app = self.app
        term = claimable(app) if app else None
        if app is None or term is None:
            return
        dialog = ClaimDialog(self.ctx, app, self.window())
        self.claim_dialog = dialog
        # The server's day, not the PC's: the letter's date and its count of late days agree
        # with the term the server showed (the PC's clock may be wrong; the demo's is moved).
        today = app.server_today()
        session = self.ctx.session  # the addressee: the kept requisites, no network
        self.ctx.tasks.run_long(
            lambda _t: render_claim_pdf(app, term, today, session.requisites()),
            dialog.preview.show_pdf,
            lambda exc: dialog.preview.set_message(messages.describe(exc)),
            owner=dialog,
            label="Подготовка претензии…",
        )
        dialog.open()

    # --- .ics -----------------------------------------------------------------------------

    def export_calendar(self) -> None:
        app = self.app
        if app is None or not app.deadlines:
            return
        suggested = file_name(tr("Сроки заявки {}").format(app.number), ".ics")
        path, _ = QFileDialog.getSaveFileName(
            self,
            tr("Добавить в календарь"),
            str(Path.home() / suggested),
            tr("Календарь iCalendar (*.ics)"),
        )
        if not path:
            return
        target = Path(path if path.lower().endswith(".ics") else path + ".ics")
        terms, number = app.deadlines, app.number

        def write(_transfer: object) -> Path:
            from voek_desktop.deadline_calendar import ics_bytes, write_ics

            write_ics(target, ics_bytes(number, terms, datetime.now(UTC)))
            return target

        self.ctx.tasks.run_long(
            write,
            lambda saved: messages.notice(
                tr("Сроки сохранены: {}. Откройте файл, чтобы добавить их в календарь.").format(
                    saved
                )
            ),
            lambda exc: messages.error(self, exc),
            owner=self,
            label="Сохранение календаря…",
        )


class ClaimDialog(QDialog):
    """The претензия in the one PDF preview, to print or save, and where to complain next."""

    def __init__(self, ctx: Context, app: Application, parent: QWidget | None = None) -> None:
        from voek_desktop.ui.applications.preview import PdfPreview, print_pdf, save_pdf

        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(tr("Претензия по заявке № {}").format(app.number))
        fit_to_screen(self, 900, 760)
        layout = QVBoxLayout(self)
        intro = QLabel(
            tr(
                "Распечатайте претензию, подпишите и отправьте в АО «ВОЭК» заказным письмом"
                " или отдайте в центре обслуживания; сохраните копию с отметкой о приёме."
            ),
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.preview = PdfPreview(self)
        self.preview.set_message(tr("Подготовка претензии…"))
        layout.addWidget(self.preview, 1)
        self.next_steps = QLabel(complaint_text(), self)
        self.next_steps.setObjectName("complaintBodies")
        self.next_steps.setWordWrap(True)
        layout.addWidget(self.next_steps)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.save_button = QPushButton(tr("Сохранить PDF…"), self)
        self.print_button = QPushButton(tr("Печать…"), self)
        self.close_button = QPushButton(tr("Закрыть"), self)
        for b in (self.save_button, self.print_button, self.close_button):
            b.setAutoDefault(False)
            buttons.addWidget(b)
        layout.addLayout(buttons)
        name = file_name(tr("Претензия по заявке {}").format(app.number), ".pdf")
        self.save_button.clicked.connect(lambda: save_pdf(self, ctx, self.preview.data, name))
        self.print_button.clicked.connect(
            lambda: print_pdf(self, ctx, self.preview, tr("Печать претензии"))
        )
        self.close_button.clicked.connect(self.reject)
