"""The service code on every printed page (issue 17): it reads back from a 150 dpi render as
this page n of N of this application and form, a blank form's as its category, and it sits in
the binder margin — the page without it differs from the page with it only there."""

from __future__ import annotations

import io

import pypdfium2 as pdfium
import pytest
from PIL import ImageChops

from voek_desktop.domain import scancodes
from voek_desktop.domain.scancodes import PageCode
from voek_desktop.printing import application as printed_application
from voek_desktop.printing.application import render_application
from voek_desktop.printing.samples import CASES, filled_form
from voek_desktop.scanning.pages import read_code

DPI = 150
MM = DPI / 25.4


def renders(data: bytes) -> list:
    pdf = pdfium.PdfDocument(data)
    try:
        return [pdf[i].render(scale=DPI / 72, grayscale=True).to_pil() for i in range(len(pdf))]
    finally:
        pdf.close()


def render(category: str, consumer_type: str, form, **kw) -> bytes:
    out = io.BytesIO()
    render_application(category, consumer_type, form, out, **kw)
    return out.getvalue()


@pytest.mark.parametrize(("category", "consumer_type"), CASES)
def test_each_page_reads_back_as_itself(category: str, consumer_type: str) -> None:
    form = filled_form(category, consumer_type)
    pages = renders(render(category, consumer_type, form, number="ТП-2026-000042"))
    for n, image in enumerate(pages, start=1):
        code, angle = read_code(image)
        assert code == PageCode(
            "ТП-2026-000042",
            "signed_application",
            n,
            len(pages),
            digest=scancodes.form_digest(form),
        )
        assert angle == 0


def test_a_blank_form_carries_its_category() -> None:
    pages = renders(render("p13", "company", None))
    codes = [read_code(image)[0] for image in pages]
    assert all(isinstance(c, PageCode) and c.blank and c.category == "p13" for c in codes)
    assert [c.page for c in codes] == list(range(1, len(pages) + 1))


def test_the_code_and_its_line_stay_in_the_binder_margin(monkeypatch) -> None:
    category, consumer_type = "p12_1", "company"
    form = filled_form(category, consumer_type)
    with_code = renders(render(category, consumer_type, form, number="ТП-2026-000042"))
    monkeypatch.setattr(printed_application, "application_marks", lambda *a, **k: lambda *_: None)
    without = renders(render(category, consumer_type, form, number="ТП-2026-000042"))
    assert len(with_code) == len(without)
    for a, b in zip(with_code, without, strict=True):
        box = ImageChops.difference(a, b).getbbox()
        assert box is not None
        _left, _top, right, bottom = box
        assert right <= 24 * MM  # the text column starts at 25 mm
        assert bottom >= a.height - 6 * MM  # at the foot of the page, 5 mm above the edge


def test_the_explanation_is_printed() -> None:
    from pypdf import PdfReader

    data = render("p14", "individual", None)
    text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert "служебный код для автоматической обработки скана" in text
