"""«Листы-разделители» (issue 17 item 3): one sheet per document kind, put before that document
in the stack so one scan of the whole stack is split into the documents by the app.

Each sheet is a big QR code (:func:`voek_desktop.domain.scancodes.encode_separator`: the kind
and the application's number) and the kind's name in large letters, so the clerk sees at once
which sheet goes where; the code is big (70 mm, 2.3 mm a module) so a quick low-resolution scan
of a crooked sheet still reads.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer

from voek_desktop.domain import scancodes
from voek_desktop.printing.common import COMPANY_SHORT, Output, Styles, build_pdf, text
from voek_desktop.printing.scanmarks import draw_qr

SEPARATOR_CODE = 70 * mm


class _Code(Flowable):
    def __init__(self, payload: str, size: float) -> None:
        super().__init__()
        self.payload = payload
        self.size = size

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.offset = (available_width - self.size) / 2
        return available_width, self.size

    def draw(self) -> None:
        # A high error-correction level: the sheet may be folded or stamped on.
        draw_qr(self.canv, self.payload, self.offset, 0, self.size, error="q")


def render_separators(kinds: Sequence[str], out: Output, *, number: str = "") -> None:
    """One separator sheet for each of ``kinds`` (document kind keys), for application
    ``number`` (empty: sheets for any application)."""
    if not kinds:
        raise ValueError("no document kinds")
    s = Styles()
    big = s.title.clone("separator", fontSize=26, leading=32, alignment=TA_CENTER)
    note = s.note.clone("separator_note", alignment=TA_CENTER, fontSize=9, leading=12)
    story: list[Flowable] = []
    for i, kind in enumerate(kinds):
        if i:
            story.append(PageBreak())
        title = scancodes.kind_title(kind)
        story += [
            Spacer(0, 30 * mm),
            Paragraph("ЛИСТ-РАЗДЕЛИТЕЛЬ", s.title),
            Spacer(0, 12 * mm),
            _Code(scancodes.encode_separator(kind, number), SEPARATOR_CODE),
            Spacer(0, 12 * mm),
            Paragraph(text(title), big),
            Spacer(0, 6 * mm),
            Paragraph(text(f"Заявка № {number}" if number else "Для любой заявки"), s.subtitle),
            Spacer(0, 14 * mm),
            Paragraph(
                text(
                    f"Положите этот лист перед документом «{title}» и отсканируйте всю стопку"
                    " за один раз. Сам лист к заявке не прикрепляется."
                ),
                note,
            ),
            Spacer(0, 3 * mm),
            Paragraph(text(scancodes.EXPLANATION.capitalize()), note),
        ]
    build_pdf(
        story,
        out,
        title="Листы-разделители для сканирования документов",
        subject=f"{COMPANY_SHORT}, заявка {number}".strip(", "),
        footer_note="Лист-разделитель для сканирования документов",
    )
