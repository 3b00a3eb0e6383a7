"""Printed applications and contracts, read back with pypdf: what a person sees on paper."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from voek_desktop.printing.application import render_application
from voek_desktop.printing.contract import render_contract
from voek_desktop.printing.samples import CASES, filled_form

TODAY = date(2026, 3, 5)
ROOT = Path(__file__).resolve().parents[2]


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    # Table cells and wrapped lines come back with line breaks; compare on single spaces.
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def render(category: str, consumer_type: str, form: dict | None, **kw) -> bytes:
    buf = io.BytesIO()
    render_application(category, consumer_type, form, buf, **kw)
    return buf.getvalue()


def embedded_font_files(data: bytes) -> dict[str, bool]:
    """Base font name → whether a /FontFile2 (embedded TrueType) is in its descriptor."""
    fonts: dict[str, bool] = {}
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            fonts[str(font["/BaseFont"])] = "/FontFile2" in descriptor
    return fonts


@pytest.mark.parametrize(("category", "consumer_type"), CASES)
def test_filled_values_are_printed(category: str, consumer_type: str) -> None:
    form = filled_form(category, consumer_type)
    text = pdf_text(render(category, consumer_type, form, today=TODAY))

    assert "ЗАЯВКА" in text
    assert "АО «ВОЭК»" in text
    assert form["applicant_name"] in text
    assert form["devices_address"] in text
    assert form["registered_address"] in text
    assert form["supplier_name"] in text
    assert "7,5" in text  # new power with a decimal comma
    assert "12,5" in text  # total = new + previously connected
    assert "0,4" in text
    assert "30.06.2026" in text and "30.09.2026" in text  # stages, ДД.ММ.ГГГГ
    assert "05.03.2026" in text  # the date line
    assert "стр. 1 из" in text
    if consumer_type == "individual":
        assert "1704 123456" in text
        assert "20.04.2015" in text
        assert "112-233-445 95" in text
    elif consumer_type == "entrepreneur":
        assert "315333367975982 от 01.06.2015" in text
        assert "М.П. (при наличии)" in text
    else:
        assert "1133324980030 от 11.02.2013" in text
        assert "3337234788 / 332801001" in text
        assert "Генеральный директор" in text
        assert "Сидоров С. С." in text
        assert "М.П." in text


def test_category_specific_items() -> None:
    p14 = pdf_text(render("p14", "individual", filled_form("p14", "individual")))
    assert "до 15 кВт включительно" in p14
    assert "бытовых" in p14

    p12 = pdf_text(render("p12_1", "company", filled_form("p12_1", "company")))
    assert "до 150 кВт включительно" in p12
    assert "Розничная торговля" in p12
    assert "Прошу предоставить рассрочку: 10 % платы" in p12

    p13 = pdf_text(render("p13", "company", filled_form("p13", "company")))
    assert "на временное присоединение" in p13
    assert "31.08.2026" in p13
    assert "№ ТП-123 от 01.02.2026" in p13


def test_fonts_are_embedded() -> None:
    fonts = embedded_font_files(render("p12_1", "company", filled_form("p12_1", "company")))
    assert fonts, "no fonts found"
    assert all(fonts.values()), fonts
    assert any("DejaVu" in name for name in fonts)


@pytest.mark.parametrize("category", ["p14", "p12_1", "p13"])
def test_blank_form_has_titles_and_no_values(category: str) -> None:
    consumer_type = "individual" if category == "p14" else "company"
    data = render(category, consumer_type, None)
    text = pdf_text(data)
    assert "ЗАЯВКА" in text
    for heading in (
        "1. ",
        "Место нахождения (адрес)",
        "Максимальная мощность энергопринимающих устройств",
        "Гарантирующий поставщик",
        "Телефон",
        "Приложения:",
        "(подпись)",
        "«____»",
    ):
        assert heading in text
    sample = filled_form(category, consumer_type)
    for key in ("applicant_name", "devices_address", "supplier_name", "phone", "email"):
        assert sample[key] not in text
    assert "7,5" not in text and "☒" not in text
    assert all(embedded_font_files(data).values())


def test_long_text_is_not_lost() -> None:
    form = filled_form("p12_1", "company")
    long_name = " ".join(f"устройство-{i:03d}" for i in range(50))[:600]
    assert len(long_name) == 600
    form["devices_name"] = long_name
    form["devices_address"] = "Владимирская обл., " * 25
    text = pdf_text(render("p12_1", "company", form))
    assert long_name.replace("\n", " ") in text
    assert ("Владимирская обл., " * 25).strip() in text


def test_markup_in_values_prints_literally() -> None:
    form = filled_form("p14", "individual")
    form["applicant_name"] = "<b>&"
    form["devices_name"] = 'Дом <font size="40">A & B</font> <br/>'
    text = pdf_text(render("p14", "individual", form))
    assert "<b>&" in text
    assert '<font size="40">A & B</font> <br/>' in text


def test_attachments_are_listed() -> None:
    text = pdf_text(
        render(
            "p14",
            "individual",
            filled_form("p14", "individual"),
            attachments=["site_plan", "Выписка из ЕГРН от 01.03.2026"],
        )
    )
    assert "1. План расположения энергопринимающих устройств" in text
    assert "2. Выписка из ЕГРН от 01.03.2026" in text


def test_default_attachments_follow_the_category() -> None:
    text = pdf_text(render("p12_1", "company", filled_form("p12_1", "company")))
    assert "противоаварийной" in text  # device_list: p12_1 only
    assert "Копия паспорта" not in text  # identity_document: individuals only
    text = pdf_text(render("p14", "individual", filled_form("p14", "individual")))
    assert "Копия паспорта" in text


def test_half_filled_draft_prints() -> None:
    text = pdf_text(render("p13", "individual", {"applicant_name": "Сидоров", "stages": "x"}))
    assert "Сидоров" in text


def test_unknown_category_is_refused() -> None:
    with pytest.raises(ValueError, match="p14"):
        render("p15", "individual", None)


def test_written_to_a_path_atomically(tmp_path: Path) -> None:
    target = tmp_path / "заявка.pdf"
    render_application("p14", "individual", filled_form("p14", "individual"), target)
    assert target.read_bytes().startswith(b"%PDF-")
    assert [p.name for p in tmp_path.iterdir()] == ["заявка.pdf"]  # no temporary left


def test_contract_pdf() -> None:
    form = filled_form("p12_1", "company")
    buf = io.BytesIO()
    render_contract(
        {"number": "ТП-2026-000017", "date": "2026-03-05", "fee_rub": 37500},
        {"number": "З-2026-000042", "category": "p12_1", "consumer_type": "company", "form": form},
        {"consumer_type": "company"},
        buf,
    )
    text = pdf_text(buf.getvalue())
    assert "ДОГОВОР № ТП-2026-000017" in text
    assert "об осуществлении технологического присоединения" in text
    assert "АО «ВОЭК»" in text
    assert form["applicant_name"] in text
    assert form["devices_address"] in text
    assert "7,5 кВт" in text and "12,5 кВт" in text and "0,4 кВ" in text
    assert "37 500,00 руб." in text
    assert "6 (шесть) месяцев" in text
    assert "З-2026-000042" in text
    assert "05.03.2026" in text
    assert all(embedded_font_files(buf.getvalue()).values())


def test_contract_tolerates_missing_keys() -> None:
    buf = io.BytesIO()
    render_contract({}, {"form": None}, {}, buf)
    assert "ДОГОВОР №" in pdf_text(buf.getvalue())


def test_contract_temporary_terms() -> None:
    form = filled_form("p13", "individual")
    buf = io.BytesIO()
    render_contract({}, {"category": "p13", "form": form}, {"consumer_type": "individual"}, buf)
    text = pdf_text(buf.getvalue())
    assert "до 31.08.2026" in text
    assert "передвижных" in text
    assert "15 (пятнадцать) рабочих дней" in text
    assert "37 500,00 руб." in text  # default estimate: 7,5 kW × 5000 ₽


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    code = (
        "import sys; from voek_desktop.__main__ import main; rc = main(sys.argv[1:]); "
        "assert not any(m.startswith('PySide6') for m in sys.modules), 'Qt imported'; "
        "sys.exit(rc)"
    )
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT, timeout=60
    )


@pytest.mark.parametrize("category", ["p14", "p12_1", "p13"])
def test_cli_writes_a_blank_form_without_qt(tmp_path: Path, category: str) -> None:
    target = tmp_path / f"{category}.pdf"
    result = run_cli("blank-form", category, "-o", str(target))
    assert result.returncode == 0, result.stderr
    reader = PdfReader(target)
    assert "ЗАЯВКА" in reader.pages[0].extract_text()


def test_cli_consumer_type(tmp_path: Path) -> None:
    target = tmp_path / "ip.pdf"
    result = run_cli("blank-form", "p12_1", "--consumer-type", "entrepreneur", "-o", str(target))
    assert result.returncode == 0, result.stderr
    assert "ЕГРИП" in pdf_text(target.read_bytes())


def test_cli_rejects_a_bad_category(tmp_path: Path) -> None:
    target = tmp_path / "x.pdf"
    result = run_cli("blank-form", "p15", "-o", str(target))
    assert result.returncode == 2
    assert "Неизвестный вид заявки" in result.stderr
    assert not target.exists()
    result = run_cli("blank-form", "p14", "--consumer-type", "company", "-o", str(target))
    assert result.returncode == 2
    assert "физическое лицо" in result.stderr


def test_python_m_entry_point(tmp_path: Path) -> None:
    target = tmp_path / "p14.pdf"
    result = subprocess.run(
        [
            sys.executable,
            "-X",
            "importtime",
            "-m",
            "voek_desktop",
            "blank-form",
            "p14",
            "-o",
            str(target),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert target.read_bytes().startswith(b"%PDF-")
    assert "PySide6" not in result.stderr  # -X importtime lists every import on stderr
