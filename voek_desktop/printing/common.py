"""What every printed document shares: the A4 page with «стр. N из M», paragraph styles in the
bundled fonts, value formatting (decimal comma, ДД.ММ.ГГГГ) and writing the result to a path
(atomically) or to an open binary stream."""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, BinaryIO, cast
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, SimpleDocTemplate, TableStyle
from reportlab.platypus import Table as _Table

from voek_desktop.printing.fonts import SANS, SERIF, register_fonts

Output = str | os.PathLike[str] | BinaryIO

PAGE_WIDTH, PAGE_HEIGHT = A4
# Russian office paper: a wide left margin for the binder, as ГОСТ Р 7.0.97 asks.
MARGIN_LEFT = 25 * mm
MARGIN_RIGHT = 12 * mm
MARGIN_TOP = 15 * mm
MARGIN_BOTTOM = 18 * mm
CONTENT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT

GREY = colors.Color(0.35, 0.35, 0.35)
RULE = colors.Color(0.25, 0.25, 0.25)

# The PDF's author field. The company's name, address and requisites on the page are a
# parameter of each document (domain/company.py, from the server's configuration).
COMPANY_SHORT = "АО «ВОЭК»"


def _style(name: str, **kw: Any) -> ParagraphStyle:
    base: dict[str, Any] = {"fontName": SERIF, "fontSize": 10, "leading": 12.5}
    base.update(kw)
    return ParagraphStyle(name, **base)


class Styles:
    """The paragraph styles of our documents (built after the fonts are registered)."""

    def __init__(self) -> None:
        register_fonts()
        self.body = _style("body", alignment=TA_JUSTIFY)
        self.left = _style("left", alignment=TA_LEFT)
        self.value = _style("value", fontName=SANS, fontSize=9.5, leading=12)
        self.label = _style("label", fontSize=9, leading=11)
        self.item = _style("item", fontName=f"{SERIF}-Bold", spaceBefore=5, spaceAfter=2)
        self.caption = _style(
            "caption", fontSize=6.5, leading=8, textColor=GREY, alignment=TA_CENTER
        )
        self.note = _style("note", fontSize=7.5, leading=9.5, textColor=GREY)
        self.title = _style(
            "title", fontName=f"{SERIF}-Bold", fontSize=14, leading=17, alignment=TA_CENTER
        )
        self.subtitle = _style("subtitle", fontSize=10, leading=12.5, alignment=TA_CENTER)
        self.right = _style("right", alignment=TA_RIGHT)
        self.address = _style("address", fontSize=10, leading=13)
        self.cell = _style("cell", fontSize=8.5, leading=10.5, alignment=TA_CENTER)
        self.cell_left = _style("cell_left", fontSize=8.5, leading=10.5)
        self.cell_value = _style(
            "cell_value", fontName=SANS, fontSize=9, leading=11, alignment=TA_CENTER
        )


def text(value: Any) -> str:
    """A value as paragraph markup: None → "", everything else escaped (& < > are literal)."""
    if value is None:
        return ""
    return escape(str(value).strip()).replace("\n", "<br/>")


def short_name(full_name: str) -> str:
    """«Иванов Иван Иванович» → «Иванов И. И.» for the signature transcript."""
    parts = full_name.split()
    if len(parts) in (2, 3) and all(p[:1].isalpha() for p in parts):
        return parts[0] + " " + " ".join(p[0].upper() + "." for p in parts[1:])
    return full_name


# Draws on page ``number`` of ``total`` once the total is known (the scan codes of issue 17).
PageMark = Callable[[Canvas, int, int], None]


def _footer_canvas(left_note: str, page_mark: PageMark | None = None) -> type[Canvas]:
    class NumberedCanvas(Canvas):
        """Holds pages back until the end so each footer can say «стр. N из M»."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            # Otherwise every page starts in Helvetica: an unembedded font in the file.
            kwargs["initialFontName"] = kwargs.get("initialFontName") or SERIF
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()  # type: ignore[attr-defined]  # Canvas's own, not in the stubs

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                number = self._pageNumber  # type: ignore[attr-defined]  # as _startPage
                self.setFont(SERIF, 7.5)
                self.setFillColor(GREY)
                y = MARGIN_BOTTOM - 9 * mm
                if left_note:
                    self.drawString(MARGIN_LEFT, y, left_note)
                self.drawRightString(PAGE_WIDTH - MARGIN_RIGHT, y, f"стр. {number} из {total}")
                if page_mark is not None:
                    page_mark(self, number, total)
                super().showPage()
            super().save()

    return NumberedCanvas


def build_pdf(
    story: Sequence[Flowable],
    out: Output,
    *,
    title: str,
    subject: str = "",
    footer_note: str = "",
    on_page: Callable[[Canvas, Any], None] | None = None,
    page_mark: PageMark | None = None,
) -> None:
    """Lay ``story`` out on A4 pages and write the PDF to ``out``.

    ``page_mark(canvas, n, total)`` draws on each page when the page count is known.

    A path is written through a temporary file in the same folder and moved into place, so a
    reader never sees half a PDF; a stream gets the bytes written into it.
    """
    register_fonts()

    def write(stream: BinaryIO) -> None:
        doc = SimpleDocTemplate(
            stream,
            pagesize=A4,
            leftMargin=MARGIN_LEFT,
            rightMargin=MARGIN_RIGHT,
            topMargin=MARGIN_TOP,
            bottomMargin=MARGIN_BOTTOM,
            title=title,
            subject=subject,
            author=COMPANY_SHORT,
            creator="voek_desktop",
            lang="ru-RU",
        )
        hook = on_page or (lambda canvas, doc: None)
        doc.build(
            list(story),
            onFirstPage=hook,
            onLaterPages=hook,
            canvasmaker=_footer_canvas(footer_note, page_mark),
        )

    if hasattr(out, "write"):
        write(cast(BinaryIO, out))  # hasattr does not narrow the union; a stream has write
        return
    target = Path(out)
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(6)}.part")
    # os.open, not mkstemp: the finished PDF gets the umask's usual mode, not 0600.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as stream:
            write(stream)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


class Table(_Table):
    """reportlab's Table with our font in plain-string cells (its default is Helvetica, which
    would put an unembedded font without Cyrillic into the file)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), SERIF)]))


def field_text(value: object) -> str:
    """A value from an application or a receipt's mapping as text: None is empty."""
    return "" if value is None else str(value).strip()


def blank(value: str, width: int = 30) -> str:
    """``value`` escaped for a Paragraph, or a line of ``width`` underscores to write on."""
    return text(value) if value else "_" * width
