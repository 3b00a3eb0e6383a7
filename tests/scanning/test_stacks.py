"""Generated stacks split into documents by their codes, without Qt: separators, a coded signed
application, uncoded documents; turned, skewed, at 150–300 dpi, with blank backs."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.scanning import stacks
from voek_desktop.domain import scancodes, uploads
from voek_desktop.scanning import compact, filing, pages

NUMBER = "ТП-2026-000123"
FORM = {"applicant_name": "Иванов Иван Иванович", "power_new_kw": 15, "devices_name": "Дом"}
KINDS = ("signed_application", "identity_document", "site_plan", "title_document")
ON_FILE = filing.OnFile(NUMBER, "p14", scancodes.form_digest(FORM), KINDS)


def stack_images(dpi: int) -> list:
    """separator plan, plan, blank, separator deed, deed ×2, signed form p2 then p1 (fed in the
    wrong order), separator passport, passport (colour photo), blank."""
    seps = stacks.pdf_pages(stacks.separators_pdf(KINDS[1:], NUMBER), dpi)
    form = stacks.pdf_pages(stacks.application_pdf("p14", "individual", FORM, NUMBER), dpi)
    assert len(form) == 2
    s = stacks.scanned
    return [
        s(seps[1], turn=180),
        s(stacks.document_page("plan", dpi), skew=2.5),
        stacks.blank_page(dpi),
        s(seps[2], turn=90, skew=-2),
        s(stacks.document_page("deed 1", dpi)),
        s(stacks.document_page("deed 2", dpi), turn=180),
        s(form[1], turn=180, skew=3, seed=1),
        s(form[0], turn=270, seed=2),
        s(seps[0], skew=1.5),
        stacks.document_page("passport", dpi, colour=True),
        stacks.blank_page(dpi),
    ]


@pytest.mark.parametrize(("dpi", "as_folder"), [(150, False), (300, True), (200, False)])
def test_a_stack_is_split_by_its_separators(tmp_path: Path, dpi: int, as_folder: bool) -> None:
    images = stack_images(dpi)
    if as_folder:
        files = stacks.write_folder(images, tmp_path / "scans", dpi)
    else:
        files = [stacks.write_pdf(images, tmp_path / "стопка.pdf", dpi)]
    read = pages.read_files(files)
    assert len(read) == 11
    result = filing.file_pages(read, ON_FILE)
    assert result.warnings == []
    assert result.separators == 3 and result.blanks == 2 and result.unsorted == []
    assert {k: len(v) for k, v in result.parts.items()} == {
        "signed_application": 2,
        "identity_document": 1,
        "site_plan": 1,
        "title_document": 2,
    }
    assert list(result.parts) == list(KINDS)  # in the checklist's order
    signed = result.parts["signed_application"]
    assert [p.code.page for p in signed] == [1, 2]  # put back in order
    assert all(p.width < p.height for p in signed)  # upright: portrait again
    assert {p.turned for p in signed} == {180, 90}
    passport = result.parts["identity_document"][0]
    assert not passport.grey and all(p.grey for p in signed)

    # Item 5: compact PDFs well under the limit, accepted by the upload check.
    total = 0
    for kind, kind_pages in result.parts.items():
        data = compact.pdf_bytes(kind_pages, scancodes.kind_title(kind))
        path = tmp_path / f"{kind}.pdf"
        path.write_bytes(data)
        assert uploads.check_file(path) == "application/pdf"
        uploads.check_structure(path, "application/pdf")
        reader = PdfReader(io.BytesIO(data))
        assert len(reader.pages) == len(kind_pages)
        box = reader.pages[0].mediabox
        assert 590 < float(box.width) < 600 and 838 < float(box.height) < 846  # still A4
        total += len(data)
    assert total < 5 * 1024 * 1024


def test_an_older_print_another_application_and_a_missing_page_are_warned(tmp_path) -> None:
    dpi = 200
    old = stacks.pdf_pages(
        stacks.application_pdf("p14", "individual", {**FORM, "power_new_kw": 10}, NUMBER), dpi
    )
    other = stacks.pdf_pages(
        stacks.application_pdf("p14", "individual", FORM, "ТП-2026-000999"), dpi
    )
    current = stacks.pdf_pages(stacks.application_pdf("p14", "individual", FORM, NUMBER), dpi)
    read = pages.pages_from_images([old[0], other[0], current[0]], dpi)
    result = filing.file_pages(read, ON_FILE, default_kind="signed_application")
    assert len(result.parts["signed_application"]) == 1
    assert len(result.unsorted) == 2
    text = "\n".join(result.warnings)
    assert "скан старой редакции" in text
    assert "это скан заявки № ТП-2026-000999, а не этой заявки № ТП-2026-000123" in text
    assert "Скан подписанной заявки: не хватает страницы 2 из 2" in text


def test_a_blank_form_is_filed_by_its_category_and_pages_without_code_are_left() -> None:
    dpi = 150
    blank = stacks.pdf_pages(stacks.application_pdf("p14", "individual", None, ""), dpi)
    wrong = stacks.pdf_pages(stacks.application_pdf("p13", "individual", None, ""), dpi)
    read = pages.pages_from_images([*blank, wrong[0], stacks.document_page("?", dpi)], dpi)
    result = filing.file_pages(read, ON_FILE)
    assert len(result.parts["signed_application"]) == len(blank)
    assert len(result.unsorted) == 2
    assert any("бланк другого вида заявки" in w for w in result.warnings)


def test_a_stranger_s_qr_code_is_just_a_page() -> None:
    import segno
    from PIL import Image

    qr = (
        segno.make("https://example.com/promo").to_pil(scale=8)
        if hasattr(segno.QRCode, "to_pil")
        else None
    )
    page = stacks.document_page("leaflet", 150)
    if qr is None:
        buffer = io.BytesIO()
        segno.make("https://example.com/promo").save(buffer, kind="png", scale=8)
        qr = Image.open(io.BytesIO(buffer.getvalue()))
    page.paste(qr.convert("RGB"), (100, 100))
    (read,) = pages.pages_from_images([page], 150)
    assert read.code is None and not read.blank


def test_a_page_with_one_word_is_not_blank() -> None:
    from reportlab.pdfgen.canvas import Canvas

    from voek_desktop.printing.fonts import SERIF, register_fonts

    register_fonts()
    out = io.BytesIO()
    canvas = Canvas(out)
    canvas.setFont(SERIF, 11)
    canvas.drawString(100, 700, "нет")  # the whole of a device list
    canvas.save()
    for dpi in (150, 300):
        (page,) = pages.pages_from_images(stacks.pdf_pages(out.getvalue(), dpi), dpi)
        assert not page.blank
        (back,) = pages.pages_from_images([stacks.blank_page(dpi)], dpi)
        assert back.blank


def test_ten_noisy_300_dpi_pages_make_a_small_upload() -> None:
    """Item 5: a typical stack stays well under 20 MB — scanner noise, tinted paper and all."""
    from PIL import Image

    form = stacks.pdf_pages(stacks.application_pdf("p14", "individual", FORM, NUMBER), 300)
    sheets = [*form, *(stacks.document_page(f"doc {i}", 300) for i in range(8))]
    noisy = []
    for sheet in sheets:
        grey = sheet.convert("L")
        noise = Image.effect_noise(grey.size, 12).point(lambda v: v - 128)
        tinted = Image.merge("RGB", [grey, grey, grey.point(lambda v: max(0, v - 8))])
        noisy.append(Image.blend(tinted, Image.merge("RGB", [noise] * 3), 0.08))
    read = pages.pages_from_images(noisy, 300)
    assert all(p.grey for p in read)  # tinted paper is not colour
    assert all(p.dpi == pages.TARGET_DPI for p in read)
    data = compact.pdf_bytes(read)
    assert len(data) < 6 * 1024 * 1024, len(data)
