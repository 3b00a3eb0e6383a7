"""«Расписка в получении документов» (issue 17, item 6): at «Завершить приём» and on demand in
«Заявки». The documents are on the server: each is fetched into memory on a worker, its pages
counted (PDF by pypdf, images one page, a TIFF its frames) and dropped — nothing of a visitor
reaches the disk (docs/design.md "Clerk mode") — and the receipt is shown in the one PDF
preview to print. At home the same page is «Сводка поданных документов»."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from voek_desktop.api.applications import Application
from voek_desktop.domain import applications as domain
from voek_desktop.domain import uploads
from voek_desktop.domain.formats import file_name
from voek_desktop.ui.context import Context
from voek_desktop.ui.kit import messages
from voek_desktop.ui.kit.dialogs import tr
from voek_desktop.ui.kit.widgets import fit_to_screen

if TYPE_CHECKING:
    from voek_desktop.api.client import CabinetClient
    from voek_desktop.settings import Settings
    from voek_desktop.ui.kit.tasks import Transfer


def page_count(data: bytes, content_type: str) -> int | None:
    """Pages of one stored file; None when it cannot be read (the receipt then says «—»
    rather than a made-up number)."""
    try:
        if content_type == "application/pdf":
            from pypdf import PdfReader

            return len(PdfReader(io.BytesIO(data), strict=False).pages)
        if content_type == "image/tiff":
            from PIL import Image

            with Image.open(io.BytesIO(data)) as image:
                return min(int(getattr(image, "n_frames", 1)), uploads.MAX_IMAGE_FRAMES)
        if content_type in ("image/jpeg", "image/png"):
            return 1  # a photo or a scan of one page
    except Exception:  # a file the server holds but we cannot parse: «—», not a failure
        return None
    return None


def receipt_mapping(
    app: Application,
    pages: list[int | None],
    settings: Settings | None,
    clerk_mode: bool,
    now: datetime,
) -> dict[str, Any]:
    """The plain data ``printing.receipt`` prints (printing imports only domain)."""
    cat = domain.CATEGORIES.get(app.category)
    steps = []
    for d in app.deadlines:
        rule = d.rule.strip()
        steps.append(f"{d.text} ({rule})" if rule else d.text)
    return {
        "number": app.number,
        "category_title": app.category_title or (cat.title if cat else app.category),
        "applicant_name": str(app.form.get("applicant_name") or ""),
        "status_label": app.status_label,
        "accepted_at": now,
        "documents": [
            {
                "kind": (domain.DOCUMENT_KINDS[d.kind].title)
                if d.kind in domain.DOCUMENT_KINDS
                else d.kind,
                "filename": d.filename,
                "pages": n,
            }
            for d, n in zip(app.documents, pages, strict=True)
        ],
        "next_step": steps,
        "clerk_mode": clerk_mode,
        "centre": settings.service_centre if settings else "",
        "desk": settings.desk_name if settings else "",
        "clerk": settings.clerk_name if settings else "",
    }


def count_pages(
    client: CabinetClient, app: Application, transfer: Transfer | None = None
) -> list[int | None]:
    """Each document fetched into memory, counted and let go, in the application's order."""
    from voek_desktop.api.errors import TransferCancelled

    result: list[int | None] = []
    total = len(app.documents)
    for i, doc in enumerate(app.documents):
        if transfer is not None:
            transfer.report(i, total)
        try:
            data = client.document_bytes(
                app.id, doc.id, cancelled=transfer.is_cancelled if transfer else None
            )
        except TransferCancelled:
            raise
        except Exception:  # one unreadable file must not cost the whole receipt
            result.append(None)
            continue
        result.append(page_count(data, doc.content_type))
        del data
    if transfer is not None:
        transfer.report(total, total)
    return result


def build_receipt(
    ctx: Context, application_id: int, transfer: Transfer | None = None
) -> tuple[Application, bytes]:
    """On a worker: the application as the server has it now, its pages counted, the receipt
    as PDF bytes (in memory; the caller shows and prints them)."""
    from voek_desktop.api.client import CabinetClient
    from voek_desktop.printing.receipt import render_receipt
    from voek_desktop.settings import Settings

    # A client of its own: the long-task pool must not share the API worker's HTTP session.
    client = CabinetClient(ctx.session.server_url, token=ctx.session.client.token)
    try:
        app = client.application(application_id)
        pages = count_pages(client, app, transfer)
    finally:
        client.close()
    data = receipt_mapping(app, pages, Settings.load(), ctx.clerk, datetime.now(UTC))
    out = io.BytesIO()
    render_receipt(data, out, ctx.session.requisites())
    return app, out.getvalue()


def newest_application(apps: list[Application]) -> Application | None:
    """The application the visit was about: the one changed last (a new document, a submit)."""
    with_number = [a for a in apps if a.number or a.documents]
    if not with_number:
        return None
    return max(with_number, key=lambda a: (a.updated_at or a.created_at, a.id))


class ReceiptDialog(QDialog):
    """The receipt in the one PDF preview, to print (and at home to save)."""

    def __init__(
        self,
        ctx: Context,
        app: Application,
        parent: QWidget | None = None,
        *,
        ending_visit: bool = False,
    ) -> None:
        from voek_desktop.ui.applications.preview import PdfPreview, print_pdf, save_pdf

        super().__init__(parent)
        self.ctx = ctx
        self.application = app
        title = tr("Расписка по заявке № {}") if ctx.clerk else tr("Сводка по заявке № {}")
        self.setWindowTitle(title.format(app.number or "—"))
        fit_to_screen(self, 900, 760)
        layout = QVBoxLayout(self)
        if ending_visit:
            intro = tr(
                "Распечатайте расписку, подпишите её вместе с заявителем и отдайте ему."
                " Когда вы закроете это окно, приём завершится и всё, что относится к"
                " посетителю, будет удалено с этого компьютера."
            )
        elif ctx.clerk:
            intro = tr("Распечатайте расписку, подпишите её вместе с заявителем и отдайте ему.")
        else:
            intro = tr("Какие документы поданы с заявкой, сколько в них листов и что дальше.")
        self.intro = QLabel(intro, self)
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        self.preview = PdfPreview(self)
        self.preview.set_message(tr("Подготовка расписки…"))
        layout.addWidget(self.preview, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.save_button = QPushButton(tr("Сохранить PDF…"), self)
        self.print_button = QPushButton(tr("Печать…"), self)
        self.close_button = QPushButton(
            tr("Завершить приём") if ending_visit else tr("Закрыть"), self
        )
        for b in (self.save_button, self.print_button, self.close_button):
            b.setAutoDefault(False)
            buttons.addWidget(b)
        # A visitor's receipt saved on a shared desk PC would stay behind after the visit.
        self.save_button.setVisible(not ctx.clerk)
        self.print_button.setEnabled(False)
        self.save_button.setEnabled(False)
        layout.addLayout(buttons)
        name = file_name(tr("Сводка по заявке {}").format(app.number), ".pdf")
        self.save_button.clicked.connect(lambda: save_pdf(self, ctx, self.preview.data, name))
        self.print_button.clicked.connect(
            lambda: print_pdf(self, ctx, self.preview, self.windowTitle())
        )
        self.close_button.clicked.connect(self.reject)
        self.transfer = ctx.tasks.run_long(
            lambda transfer: build_receipt(ctx, app.id, transfer),
            self._built,
            self._failed,
            on_progress=self._progress,
            owner=self,
            label="Подготовка расписки…",
        )

    def _progress(self, done: int, total: int | None) -> None:
        if total and done < total:
            self.preview.set_message(
                tr("Подсчёт листов: документ {} из {}…").format(done + 1, total)
            )

    def _built(self, result: tuple[Application, bytes]) -> None:
        self.application, data = result
        self.preview.show_pdf(data)
        self.print_button.setEnabled(True)
        self.save_button.setEnabled(True)

    def _failed(self, exc: BaseException) -> None:
        self.preview.set_message(
            tr("Расписку подготовить не удалось: {}").format(messages.describe(exc))
        )

    def done(self, result: int) -> None:
        self.transfer.cancel()  # a download still counting pages stops with the window
        super().done(result)
