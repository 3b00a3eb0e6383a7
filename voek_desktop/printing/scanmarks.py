"""The service QR code in the margin of every printed page (issue 17, docs/design.md
"Scans that file themselves").

The code goes into the bottom of the wide left (binder) margin, which holds no text of the
form: 15 mm square from 5 mm above the paper's edge — inside what office printers print — and
left of the text column, which starts at 25 mm. The one line explaining it runs up the margin
beside it. Its payload is :mod:`voek_desktop.domain.scancodes`'.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import segno
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from voek_desktop.domain import scancodes
from voek_desktop.printing.common import GREY, MARGIN_LEFT, PageMark
from voek_desktop.printing.fonts import SANS

CODE_SIZE = 15 * mm  # with its quiet zone: ~0.45 mm a module, 2.7 px at 150 dpi
CODE_X = 5 * mm
CODE_Y = 5 * mm
QUIET = 2  # modules; the margin around the square is blank paper anyway


def draw_qr(
    canvas: Canvas, payload: str, x: float, y: float, size: float, error: str = "m"
) -> None:
    """``payload`` as a QR code of ``size`` (quiet zone included) with its lower left at x, y:
    vector rectangles, one per run of dark modules in a row, so it prints sharp at any dpi."""
    qr = segno.make(payload, error=error, micro=False)
    rows = [list(row) for row in qr.matrix_iter(scale=1, border=QUIET)]
    module = size / len(rows)
    canvas.saveState()
    canvas.setFillColor(colors.white)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColor(colors.black)
    path = canvas.beginPath()
    for r, row in enumerate(rows):
        top = y + size - (r + 1) * module
        c = 0
        while c < len(row):
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                path.rect(x + start * module, top, (c - start) * module, module)
            else:
                c += 1
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()


def draw_margin_code(canvas: Canvas, payload: str) -> None:
    draw_qr(canvas, payload, CODE_X, CODE_Y, CODE_SIZE)
    canvas.saveState()
    canvas.setFont(SANS, 5)
    canvas.setFillColor(GREY)
    # Up the margin, 1.5 mm clear of the code and 1 mm clear of the text column.
    canvas.translate(MARGIN_LEFT - 2 * mm, CODE_Y)
    canvas.rotate(90)
    canvas.drawString(0, 0, scancodes.EXPLANATION)
    canvas.restoreState()


def application_marks(
    category: str, form: Mapping[str, Any] | None, number: str = "", kind: str = ""
) -> PageMark:
    """The page mark of a printed application: a blank form carries its category; a filled one
    the application's number (empty before its first save), the kind, page n of N and the
    digest of the form as printed."""
    kind = kind or "signed_application"
    digest = scancodes.form_digest(form) if form is not None else ""

    def mark(canvas: Canvas, page: int, pages: int) -> None:
        if form is None:
            payload = scancodes.encode_blank(category, page, pages)
        else:
            payload = scancodes.encode_page(number, kind, page, pages, digest)
        draw_margin_code(canvas, payload)

    return mark
