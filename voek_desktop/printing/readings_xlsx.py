"""«Отчёт о показаниях» as an .xlsx workbook (issue 13 item 11; docs/design.md "Readings
report"): a summary sheet «Сводка» and one sheet per meter with its readings per zone at both
ends, the consumption, the maximum half-hour power and the days — real numbers and dates in the
cells (Excel sums them), the display in Russian formats, and no text that can become a formula.

Written into memory (a report is a few hundred rows per meter); the app writes the bytes to disk
atomically on a worker thread, like a PDF.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import xlsxwriter

from voek_desktop.domain.readings_report import ContractReport, MeterReport, kwh, moscow
from voek_desktop.domain.time import MSK

SHEET_SUMMARY = "Сводка"
WORKBOOK_OPTIONS = {
    "in_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\']")


def sheet_name(report: MeterReport, taken: set[str]) -> str:
    """«№ 41070012», unique within the workbook and within Excel's 31 characters."""
    base = _BAD_SHEET_CHARS.sub("_", f"№ {report.meter.serial_number}")[:28] or "Прибор"
    name, n = base, 2
    while name.lower() in taken:
        name = f"{base[:26]} ({n})"
        n += 1
    taken.add(name.lower())
    return name


def _naive(moment: datetime) -> datetime:
    # Excel has no time zones: the cell holds the Moscow wall-clock time, as the header says.
    return moscow(moment).replace(tzinfo=None)


def workbook_bytes(
    reports: Sequence[MeterReport],
    *,
    contract: ContractReport | None = None,
    generated_at: datetime | None = None,
) -> bytes:
    """The workbook of ``reports`` (one meter, or the meters of ``contract``)."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, WORKBOOK_OPTIONS)
    bold = book.add_format({"bold": True})
    title = book.add_format({"bold": True, "font_size": 13})
    head = book.add_format(
        {"bold": True, "text_wrap": True, "valign": "vcenter", "bg_color": "#EBF0F7", "border": 1}
    )
    number = book.add_format({"num_format": "#,##0.000", "border": 1})
    number_bold = book.add_format({"num_format": "#,##0.000", "border": 1, "bold": True})
    text = book.add_format({"border": 1, "text_wrap": True, "valign": "top"})
    day_cell = book.add_format({"num_format": "dd.mm.yyyy", "border": 1})
    time_cell = book.add_format({"num_format": "dd.mm.yyyy hh:mm", "border": 1})
    note = book.add_format({"italic": True, "font_color": "#595959"})
    formats = {
        "title": title,
        "bold": bold,
        "head": head,
        "number": number,
        "number_bold": number_bold,
        "text": text,
        "day_cell": day_cell,
        "time_cell": time_cell,
        "note": note,
    }
    moment = (generated_at or datetime.now(MSK)).astimezone(MSK)
    first = contract.first if contract else reports[0].first if reports else None
    last = contract.last if contract else reports[0].last if reports else None

    summary = book.add_worksheet(SHEET_SUMMARY)
    taken = {SHEET_SUMMARY.lower()}
    names = [sheet_name(r, taken) for r in reports]
    heading = (
        f"Отчёт о показаниях по договору энергоснабжения № {contract.number}"
        if contract
        else "Отчёт о показаниях прибора учёта электрической энергии"
    )
    summary.write_string(0, 0, heading, title)
    row = 1
    if contract and contract.organization:
        summary.write_string(row, 0, contract.organization)
        row += 1
    if first and last:
        summary.write_string(
            row, 0, f"Период: с {first:%d.%m.%Y} по {last:%d.%m.%Y} (время московское)"
        )
        row += 1
    summary.write_string(row, 0, f"Сформировано {moment:%d.%m.%Y %H:%M} МСК", note)
    row += 2
    columns = [
        "Лист",
        "Прибор учёта",
        "Заводской номер",
        "Точка учёта / адрес",
        "Первые сутки",
        "Последние сутки",
        "Показания на начало, кВт·ч",
        "Показания на конец, кВт·ч",
        "Расход, кВт·ч",
        "Макс. получасовая мощность, кВт",
        "Начало интервала (МСК)",
    ]
    for c, name in enumerate(columns):
        summary.write_string(row, c, name, head)
    summary.set_row(row, 45)
    summary.freeze_panes(row + 1, 0)
    top = row + 1
    for r, name in zip(reports, names, strict=True):
        row += 1
        p = r.period
        summary.write_url(row, 0, f"internal:'{name}'!A1", string=name)
        summary.write_string(row, 1, r.meter.title, text)
        summary.write_string(row, 2, r.meter.serial_number, text)
        summary.write_string(row, 3, r.meter.metering_point or r.meter.address, text)
        summary.write_datetime(row, 4, datetime.combine(r.first, datetime.min.time()), day_cell)
        summary.write_datetime(row, 5, datetime.combine(r.last, datetime.min.time()), day_cell)
        summary.write_number(row, 6, kwh(sum(p.start)), number)
        summary.write_number(row, 7, kwh(sum(p.end)), number)
        summary.write_number(row, 8, kwh(p.total), number)
        peak = p.peak
        if peak is not None:
            summary.write_number(row, 9, peak.kw, number)
            summary.write_datetime(row, 10, _naive(peak.start), time_cell)
    row += 1
    summary.write_string(row, 1, "Итого", bold)
    total = kwh(sum(r.period.total for r in reports))
    if reports:
        summary.write_formula(row, 8, f"=SUM(I{top + 1}:I{row})", number_bold, total)
    else:
        summary.write_number(row, 8, 0, number_bold)
    if contract and contract.missing:
        row += 2
        summary.write_string(row, 0, "Приборы учёта без данных за период", bold)
        for m in contract.missing:
            row += 1
            summary.write_string(
                row, 0, f"{m.meter.title}, № {m.meter.serial_number}, {m.meter.address}: {m.reason}"
            )
    summary.set_column(0, 0, 14)
    summary.set_column(1, 1, 22)
    summary.set_column(2, 2, 16)
    summary.set_column(3, 3, 36)
    summary.set_column(4, 5, 12)
    summary.set_column(6, 10, 16)

    for r, name in zip(reports, names, strict=True):
        _meter_sheet(book.add_worksheet(name), r, formats)
    book.close()
    return out.getvalue()


def _meter_sheet(sheet: Any, r: MeterReport, f: dict[str, Any]) -> None:
    p = r.period
    title, bold, head, number, text = f["title"], f["bold"], f["head"], f["number"], f["text"]
    time_cell, note, number_bold = f["time_cell"], f["note"], f["number_bold"]
    day_cell = f["day_cell"]
    m = r.meter
    sheet.write_string(0, 0, f"Прибор учёта {m.title}, заводской № {m.serial_number}", title)
    rows = [("Адрес точки учёта", m.address)]
    if m.metering_point:
        rows.append(("Точка учёта", m.metering_point))
    if m.supply_contract:
        rows.append(("Договор энергоснабжения", f"№ {m.supply_contract}"))
    if m.personal_account:
        rows.append(("Лицевой счёт", m.personal_account))
    rows.append(("Период", f"с {r.first:%d.%m.%Y} по {r.last:%d.%m.%Y} (время московское)"))
    row = 1
    for key, value in rows:
        sheet.write_string(row, 0, key, bold)
        sheet.write_string(row, 1, value)
        row += 1
    if r.fetched_at:
        fetched = datetime.fromisoformat(r.fetched_at).astimezone(MSK)
        sheet.write_string(
            row, 0, f"Без связи с сервером: данные, полученные {fetched:%d.%m.%Y в %H:%M} МСК", note
        )
        row += 1
    row += 1
    sheet.write_string(row, 0, "Активная энергия (приём, A+) по тарифным зонам", bold)
    row += 1
    for c, name in enumerate(
        [
            "Тарифная зона",
            f"Показания на 00:00 {r.first:%d.%m.%Y}, кВт·ч",
            f"Показания на 24:00 {r.last:%d.%m.%Y}, кВт·ч",
            "Расход, кВт·ч",
        ]
    ):
        sheet.write_string(row, c, name, head)
    sheet.set_row(row, 45)
    for zone, start, end, used in zip(p.zones, p.start, p.end, p.consumption, strict=True):
        row += 1
        sheet.write_string(row, 0, f"{zone.name} ({zone.code.replace('T', 'Т')})", text)
        sheet.write_number(row, 1, kwh(start), number)
        sheet.write_number(row, 2, kwh(end), number)
        sheet.write_number(row, 3, kwh(used), number)
    row += 1
    sheet.write_string(row, 0, "Сумма по зонам", bold)
    sheet.write_number(row, 1, kwh(sum(p.start)), number_bold)
    sheet.write_number(row, 2, kwh(sum(p.end)), number_bold)
    sheet.write_number(row, 3, kwh(p.total), number_bold)
    row += 2
    peak = p.peak
    sheet.write_string(row, 0, "Максимальная получасовая мощность, кВт", bold)
    if peak is not None:
        sheet.write_number(row, 1, peak.kw, number)
        sheet.write_string(row, 2, "начало интервала (МСК)")
        sheet.write_datetime(row, 3, _naive(peak.start), time_cell)
    row += 2
    columns = [
        "Сутки",
        *[f"{z.name}, кВт·ч" for z in p.zones],
        "Всего, кВт·ч",
        "Макс. мощность за 30 мин, кВт",
        "Начало интервала (МСК)",
    ]
    for c, name in enumerate(columns):
        sheet.write_string(row, c, name, head)
    sheet.set_row(row, 45)
    sheet.freeze_panes(row + 1, 1)
    for d in p.days:
        row += 1
        sheet.write_datetime(row, 0, datetime.combine(d.day, datetime.min.time()), day_cell)
        for i, v in enumerate(d.zones):
            sheet.write_number(row, 1 + i, kwh(v), number)
        c = 1 + len(d.zones)
        sheet.write_number(row, c, kwh(d.total), number)
        sheet.write_number(row, c + 1, d.peak_kw, number)
        sheet.write_datetime(row, c + 2, _naive(d.peak_start), time_cell)
    sheet.set_column(0, 0, 30)
    sheet.set_column(1, len(columns) - 1, 18)
