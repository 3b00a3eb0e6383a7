"""«Отчёт о показаниях» on paper and in a workbook (issue 13 item 11): built from a demo meter's
report over real HTTP, then read back — the PDF with pypdf (Cyrillic text, the readings, the
consumption and the peak as printed), the .xlsx with openpyxl (a sheet per meter and the summary,
real numbers in the cells)."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta, timezone

import pytest
import requests
from openpyxl import load_workbook
from pypdf import PdfReader

from tests import demo
from voek_desktop.api.metering import report_period
from voek_desktop.domain.formats import format_decimal
from voek_desktop.domain.readings_report import MeterReport, Missing, kwh
from voek_desktop.printing.readings_report import render_contract_report, render_meter_report
from voek_desktop.printing.readings_xlsx import SHEET_SUMMARY, workbook_bytes
from voek_desktop.reports import contract_report, meter_info

MSK = timezone(timedelta(hours=3))
NOW = datetime(2026, 3, 20, 12, 0, tzinfo=MSK)
FIRST, LAST = date(2026, 2, 1), date(2026, 2, 28)


def _at(server, moment: datetime) -> None:
    resp = requests.post(
        f"{server.url}/api/v1/dev/clock", json={"now": moment.isoformat()}, timeout=10
    )
    resp.raise_for_status()


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def _flat(text: str) -> str:
    # pypdf gives the no-break group space and line breaks inside cells as they were laid out.
    return " ".join(text.replace("\u00a0", " ").split())


@pytest.fixture
def meter_report(server, client) -> MeterReport:
    _at(server, NOW)
    demo.log_in(client)
    meter = client.meter(2)  # Энергомера CE208, three zones
    return MeterReport(meter_info(meter), report_period(client.meter_report(2, FIRST, LAST)))


def test_meter_report_pdf_reads_back(meter_report):
    out = io.BytesIO()
    render_meter_report(meter_report, out, generated_at=NOW)
    data = out.getvalue()
    text = _flat(_pdf_text(data))
    p = meter_report.period
    assert "Отчёт о показаниях прибора учёта электрической энергии" in text
    assert f"заводской № {meter_report.meter.serial_number}" in text
    assert "с 01.02.2026 по 28.02.2026" in text
    assert "Показания на 00:00 01.02.2026, кВт·ч" in text
    assert "Показания на 24:00 28.02.2026, кВт·ч" in text
    for name in ("Пиковая", "Ночная", "Полупиковая"):
        assert name in text
    for start, end, used in zip(p.start, p.end, p.consumption, strict=True):
        for value in (start, end, used):
            assert format_decimal(kwh(value), 3).replace("\u00a0", " ") in text
        assert end - start == used
    assert (
        f"Расход за период: {format_decimal(kwh(p.total), 3)} кВт·ч за 28 сут.".replace(
            "\u00a0", " "
        )
        in text
    )
    peak = p.peak
    assert peak is not None
    assert f"Максимальная получасовая мощность: {format_decimal(peak.kw, 3)} кВт" in text
    assert f"{peak.start.astimezone(MSK):%d.%m.%Y с %H:%M}" in text
    assert "сформировано 20.03.2026 12:00 МСК" in text
    # Every day is in the table, the fonts are the bundled ones (no Helvetica without Cyrillic).
    assert all(f"{FIRST + timedelta(days=i):%d.%m.%Y}" in text for i in range(28))
    reader = PdfReader(io.BytesIO(data))
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert fonts and all("DejaVu" in f for f in fonts), fonts


def test_contract_report_pdf_and_workbook(server, client):
    _at(server, NOW)
    demo.log_in(client, "company")
    client.confirm_organization("ЭС-1001")
    meters = client.supply_contract_meters("ЭС-1001")
    smart = [m for m in meters if m.is_smart]
    assert len(smart) >= 2
    reports = [
        MeterReport(meter_info(m), report_period(client.meter_report(m.id, FIRST, LAST)))
        for m in smart
    ]
    missing = [Missing(meter_info(m), "не подключен к ИСУ") for m in meters if not m.is_smart]
    report = contract_report("ЭС-1001", FIRST, LAST, reports, missing, "ООО «Демо»")

    out = io.BytesIO()
    render_contract_report(report, out, generated_at=NOW)
    text = _flat(_pdf_text(out.getvalue()))
    assert "Отчёт о показаниях по договору энергоснабжения № ЭС-1001" in text
    assert "Итого по договору" in text
    assert format_decimal(kwh(report.total), 3).replace("\u00a0", " ") in text
    for r in reports:
        assert f"Прибор учёта № {r.meter.serial_number}" in text
    assert len(PdfReader(io.BytesIO(out.getvalue())).pages) >= 1 + len(reports)

    book = load_workbook(io.BytesIO(workbook_bytes(reports, contract=report, generated_at=NOW)))
    assert book.sheetnames == [SHEET_SUMMARY, *[f"№ {r.meter.serial_number}" for r in reports]]
    summary = book[SHEET_SUMMARY]
    values = [[c.value for c in row] for row in summary.iter_rows()]
    header = next(i for i, row in enumerate(values) if row[0] == "Лист")
    for i, r in enumerate(reports, 1):
        row = values[header + i]
        assert row[2] == r.meter.serial_number
        assert row[8] == pytest.approx(kwh(r.period.total))
        assert row[9] == pytest.approx(r.period.peak.kw)
    total_row = values[header + len(reports) + 1]
    assert total_row[1] == "Итого" and str(total_row[8]).startswith("=SUM(")
    for r in reports:
        sheet = book[f"№ {r.meter.serial_number}"]
        cells = [[c.value for c in row] for row in sheet.iter_rows()]
        zone_rows = {row[0]: row for row in cells if row[0] and "(Т" in str(row[0])}
        assert len(zone_rows) == len(r.period.zones)
        for zone, start, end in zip(r.period.zones, r.period.start, r.period.end, strict=True):
            row = zone_rows[f"{zone.name} ({zone.code.replace('T', 'Т')})"]
            assert row[1] == pytest.approx(kwh(start)) and row[2] == pytest.approx(kwh(end))
            assert row[3] == pytest.approx(kwh(end - start))
        days = [row for row in cells if isinstance(row[0], datetime)]
        assert [d[0].date() for d in days] == [FIRST + timedelta(days=i) for i in range(28)]
        assert sum(d[1 + len(r.period.zones)] for d in days) == pytest.approx(kwh(r.period.total))
