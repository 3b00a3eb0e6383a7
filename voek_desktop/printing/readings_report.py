"""«Отчёт о показаниях» as a PDF (SPEC §2 item 4, issue 13 item 11; docs/design.md "Readings
report"): for a meter, its readings per tariff zone at 00:00 МСК of the first day and at 24:00
of the last, the consumption per zone, the maximum half-hour power and when, a chart of the
daily consumption by zone and the table of the days; for a supply contract, a summary over its
meters and then that report of each meter.

Readings and consumption are printed with three decimals (whole Wh, as the meter counts), so
that end − start = consumption holds on paper to the last digit. Only A+ (active energy,
import) has zones in the API today; A−, R+, R− would be further tables of the same layout.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Paragraph, Spacer, TableStyle

from voek_desktop.domain.formats import format_decimal
from voek_desktop.domain.readings_report import (
    ContractReport,
    MeterPeriod,
    MeterReport,
    kwh,
    moscow,
)
from voek_desktop.domain.tariffs import schedule
from voek_desktop.domain.time import MSK
from voek_desktop.printing.common import (
    COMPANY_SHORT,
    CONTENT_WIDTH,
    GREY,
    RULE,
    Output,
    Styles,
    Table,
    build_pdf,
    text,
)
from voek_desktop.printing.fonts import SANS

# The app's chart colours (ui/metering/smart.py), so the paper looks like the screen.
ZONE_COLOURS = ["#0b4f8a", "#5b8fc7", "#f0a030", "#7cb342"]
HEAD = colors.Color(0.92, 0.94, 0.97)
TITLE = "Отчёт о показаниях прибора учёта электрической энергии"


def _n(wh: int | float) -> str:
    return format_decimal(kwh(int(wh)), 3)


def _kw(value: float) -> str:
    return format_decimal(value, 3)


def _day(value) -> str:
    return f"{value:%d.%m.%Y}"


def _period_text(first, last) -> str:
    return f"с {_day(first)} по {_day(last)} (время московское)"


def _zone_hours(report: MeterReport) -> dict[str, str]:
    try:
        return {z.code: z.hours for z in schedule(report.meter.tariff_zones)}
    except ValueError:
        return {}


def _grid(widths: Sequence[float], rows: list[list], head_rows: int = 1, total: bool = False):
    table = Table(rows, colWidths=list(widths), repeatRows=head_rows)
    style: list[Any] = [
        ("GRID", (0, 0), (-1, -1), 0.4, RULE),
        ("BACKGROUND", (0, 0), (-1, head_rows - 1), HEAD),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if total:
        style.append(("BACKGROUND", (0, -1), (-1, -1), HEAD))
    table.setStyle(TableStyle(style))
    return table


def _requisites(report: MeterReport, s: Styles) -> Flowable:
    m = report.meter
    rows = [
        ("Прибор учёта", f"{m.title}, заводской № {m.serial_number}"),
        ("Адрес точки учёта", m.address),
    ]
    if m.metering_point:
        rows.append(("Точка учёта", m.metering_point))
    if m.supply_contract:
        rows.append(("Договор энергоснабжения", f"№ {m.supply_contract}"))
    if m.personal_account:
        rows.append(("Лицевой счёт", m.personal_account))
    phases = "трёхфазный" if m.phases == 3 else "однофазный"
    rows.append(("Исполнение", f"{phases}, тарифных зон: {m.tariff_zones}"))
    rows.append(("Период", _period_text(report.first, report.last)))
    table = Table(
        [[Paragraph(text(k), s.label), Paragraph(text(v), s.value)] for k, v in rows],
        colWidths=[48 * mm, CONTENT_WIDTH - 48 * mm],
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    return table


def _readings_table(report: MeterReport, s: Styles) -> Flowable:
    p = report.period
    hours = _zone_hours(report)
    end_day = report.last
    head = [
        Paragraph("Тарифная зона", s.cell),
        Paragraph(f"Показания на 00:00 {_day(report.first)}, кВт·ч", s.cell),
        Paragraph(f"Показания на 24:00 {_day(end_day)}, кВт·ч", s.cell),
        Paragraph("Расход за период, кВт·ч", s.cell),
    ]
    rows: list[list] = [head]
    for zone, start, end, used in zip(p.zones, p.start, p.end, p.consumption, strict=True):
        name = f"{zone.name} ({zone.code.replace('T', 'Т')})"
        if hours.get(zone.code):
            name += f"<br/><font size=7 color='#595959'>{text(hours[zone.code])}</font>"
        rows.append(
            [
                Paragraph(name, s.cell_left),
                Paragraph(_n(start), s.cell_value),
                Paragraph(_n(end), s.cell_value),
                Paragraph(_n(used), s.cell_value),
            ]
        )
    total = len(p.zones) > 1
    if total:
        rows.append(
            [
                Paragraph("<b>Сумма по зонам</b>", s.cell_left),
                Paragraph(_n(sum(p.start)), s.cell_value),
                Paragraph(_n(sum(p.end)), s.cell_value),
                Paragraph(f"<b>{_n(p.total)}</b>", s.cell_value),
            ]
        )
    width = CONTENT_WIDTH - 52 * mm
    return _grid([52 * mm, width / 3, width / 3, width / 3], rows, total=total)


def peak_text(period: MeterPeriod) -> str:
    peak = period.peak
    if peak is None:
        return "—"
    start, end = moscow(peak.start), moscow(peak.end)
    return (
        f"{_kw(peak.kw)} кВт — {_day(start)} с {start:%H:%M} до"
        f" {'24:00' if end.time() == end.time().min else f'{end:%H:%M}'} МСК"
    )


def daily_chart(period: MeterPeriod, width: float = CONTENT_WIDTH, height: float = 62 * mm):
    """Bars of each day's consumption, stacked by tariff zone (reportlab graphics, vector)."""
    drawing = Drawing(width, height)
    # Otherwise the renderer starts in Helvetica: an unembedded font without Cyrillic.
    drawing.initialFontName = SANS  # type: ignore[attr-defined]  # read by the renderer
    chart = VerticalBarChart()
    chart.x, chart.y = round(14 * mm), round(16 * mm)
    chart.width, chart.height = round(width - 18 * mm), round(height - 24 * mm)
    days = list(period.days)
    chart.data = [[kwh(d.zones[i]) for d in days] for i in range(len(period.zones))] or [[0]]
    chart.categoryAxis.style = "stacked"
    step = max(1, -(-len(days) // 16))  # at most ~16 labels, whatever the period
    chart.categoryAxis.categoryNames = [
        f"{d.day:%d.%m}" if i % step == 0 else "" for i, d in enumerate(days)
    ]
    chart.categoryAxis.labels.fontName = SANS
    chart.categoryAxis.labels.fontSize = 6.5
    chart.categoryAxis.labels.angle = 0 if len(days) <= 16 else 30
    chart.categoryAxis.labels.boxAnchor = "n" if len(days) <= 16 else "ne"
    chart.valueAxis.labels.fontName = SANS
    chart.valueAxis.labels.fontSize = 6.5
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labelTextFormat = lambda v: format_decimal(v, None)
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.Color(0.85, 0.85, 0.85)
    # A tick a day is a black band over a year: ticks only where a month's days can be told.
    chart.categoryAxis.visibleTicks = len(days) <= 62
    chart.barSpacing = 0
    chart.groupSpacing = 1 if len(days) > 60 else 3
    for i in range(len(period.zones)):
        chart.bars[i].fillColor = colors.HexColor(ZONE_COLOURS[i % len(ZONE_COLOURS)])
        chart.bars[i].strokeColor = None
    drawing.add(chart)
    drawing.add(String(0, height - 6, "кВт·ч", fontName=SANS, fontSize=7, fillColor=GREY))
    legend = Legend()
    legend.fontName = SANS
    legend.fontSize = 7
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.dx = legend.dy = 6
    legend.deltax = 70
    legend.x, legend.y = round(14 * mm), 4
    legend.colorNamePairs = [
        (colors.HexColor(ZONE_COLOURS[i % len(ZONE_COLOURS)]), z.name)
        for i, z in enumerate(period.zones)
    ]
    drawing.add(legend)
    return drawing


def _days_table(report: MeterReport, s: Styles) -> Flowable:
    p = report.period
    # «Полупиковая» whole in a seventh of the page: the head a size smaller than the cells.
    small = ParagraphStyle("days_head", parent=s.cell, fontSize=7.5, leading=9)
    head = [
        Paragraph("Сутки", small),
        *[Paragraph(f"{z.name}, кВт·ч", small) for z in p.zones],
        *([Paragraph("Всего, кВт·ч", small)] if len(p.zones) > 1 else []),
        Paragraph("Макс. мощность за 30 мин, кВт", small),
        Paragraph("Начало интервала", small),
    ]
    rows: list[list] = [head]
    for d in p.days:
        rows.append(
            [
                _day(d.day),
                *[_n(v) for v in d.zones],
                *([_n(d.total)] if len(p.zones) > 1 else []),
                _kw(d.peak_kw),
                f"{moscow(d.peak_start):%H:%M}",
            ]
        )
    columns = len(head)
    first = 24 * mm
    rest = (CONTENT_WIDTH - first) / (columns - 1)
    table = _grid([first, *[rest] * (columns - 1)], rows)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 1), (-1, -1), SANS),
                ("FONTSIZE", (0, 1), (-1, -1), 7.5),
                ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
                ("ALIGN", (-1, 1), (-1, -1), "CENTER"),
            ]
        )
    )
    return table


def _offline_note(fetched_at: str | None, s: Styles) -> list[Flowable]:
    if not fetched_at:
        return []
    moment = datetime.fromisoformat(fetched_at).astimezone(MSK)
    return [
        Paragraph(
            text(
                "Отчёт составлен без связи с сервером из данных, полученных"
                f" {moment:%d.%m.%Y в %H:%M} МСК."
            ),
            s.note,
        ),
        Spacer(1, 2 * mm),
    ]


def meter_story(report: MeterReport, s: Styles, heading: str = TITLE) -> list[Flowable]:
    p = report.period
    story: list[Flowable] = [
        Paragraph(text(heading), s.title),
        Spacer(1, 4 * mm),
        _requisites(report, s),
        Spacer(1, 3 * mm),
        *_offline_note(report.fetched_at, s),
        Paragraph(
            "<b>Показания и расход активной энергии (приём, A+) по тарифным зонам</b>", s.left
        ),
        Spacer(1, 1.5 * mm),
        _readings_table(report, s),
        Spacer(1, 3 * mm),
        Paragraph(text(f"Расход за период: {_n(p.total)} кВт·ч за {len(p.days)} сут."), s.left),
        Paragraph(
            text(f"Максимальная получасовая мощность: {peak_text(p)}")
            + "<br/><font size=7.5 color='#595959'>средняя мощность за 30-минутный интервал"
            " профиля нагрузки (энергия интервала × 2)</font>",
            s.left,
        ),
        Spacer(1, 4 * mm),
        KeepTogether(
            [
                Paragraph("<b>Потребление по суткам</b>", s.left),
                Spacer(1, 1 * mm),
                daily_chart(p),
            ]
        ),
        Spacer(1, 3 * mm),
        _days_table(report, s),
    ]
    return story


def _footer(generated_at: datetime | None) -> str:
    moment = (generated_at or datetime.now(MSK)).astimezone(MSK)
    return f"{COMPANY_SHORT} · сформировано {moment:%d.%m.%Y %H:%M} МСК"


def render_meter_report(
    report: MeterReport, out: Output, *, generated_at: datetime | None = None
) -> None:
    """Write the report of one meter; ``out`` a path (written atomically) or a binary stream."""
    s = Styles()
    build_pdf(
        meter_story(report, s),
        out,
        title=f"{TITLE} № {report.meter.serial_number}",
        subject=_period_text(report.first, report.last),
        footer_note=_footer(generated_at),
    )


def contract_summary_rows(report: ContractReport) -> list[tuple[str, str, str, str, str, str]]:
    """(meter, point/address, start, end, consumption, peak) of each meter, as printed."""
    rows = []
    for r in report.reports:
        p = r.period
        where = r.meter.metering_point or r.meter.address
        period = ""
        if (r.first, r.last) != (report.first, report.last):
            period = f" (данные {_day(r.first)}–{_day(r.last)})"
        rows.append(
            (
                f"{r.meter.title}, №\u00a0{r.meter.serial_number}",  # «№» stays with it
                where + period,
                _n(sum(p.start)),
                _n(sum(p.end)),
                _n(p.total),
                peak_text(p),
            )
        )
    return rows


def contract_story(report: ContractReport, s: Styles) -> list[Flowable]:
    # A no-break space keeps «№» with the number when the title wraps.
    title = f"Отчёт о показаниях по договору энергоснабжения №\u00a0{report.number}"
    story: list[Flowable] = [Paragraph(text(title), s.title), Spacer(1, 2 * mm)]
    lines = []
    if report.organization:
        lines.append(report.organization)
    if report.signed_on:
        from voek_desktop.domain.formats import format_date

        lines.append(f"Договор от {format_date(report.signed_on)}")
    lines.append(f"Период: {_period_text(report.first, report.last)}")
    story += [Paragraph(text(line), s.subtitle) for line in lines]
    story += [Spacer(1, 4 * mm), *_offline_note(report.fetched_at, s)]
    head = [
        Paragraph(t, s.cell)
        for t in (
            "№",
            "Прибор учёта",
            "Точка учёта",
            "Показания на начало, кВт·ч",
            "Показания на конец, кВт·ч",
            "Расход, кВт·ч",
            "Макс. получасовая мощность",
        )
    ]
    rows: list[list] = [head]
    # Names a size smaller, so that «Производственный» fits its column whole.
    small = ParagraphStyle("summary_cell", parent=s.cell_left, fontSize=7.5, leading=9)
    for i, row in enumerate(contract_summary_rows(report), 1):
        rows.append(
            [
                Paragraph(str(i), s.cell),
                Paragraph(text(row[0]), small),
                Paragraph(text(row[1]), small),
                *[Paragraph(v, s.cell_value) for v in row[2:5]],
                Paragraph(text(row[5]), small),
            ]
        )
    rows.append(
        [
            "",
            Paragraph("<b>Итого по договору</b>", s.cell_left),
            "",
            "",
            "",
            Paragraph(f"<b>{_n(report.total)}</b>", s.cell_value),
            "",
        ]
    )
    widths = [7 * mm, 31 * mm, 34 * mm, 23 * mm, 23 * mm, 25 * mm]
    widths.append(CONTENT_WIDTH - sum(widths))
    story.append(_grid(widths, rows, total=True))
    story.append(Spacer(1, 2 * mm))
    story.append(
        Paragraph(
            text(
                "Показания — сумма тарифных зон прибора учёта, активная энергия (приём, A+);"
                " по зонам — на страницах приборов учёта."
            ),
            s.note,
        )
    )
    if report.missing:
        story.append(Spacer(1, 3 * mm))
        story.append(Paragraph("<b>Приборы учёта без данных за период</b>", s.left))
        for m in report.missing:
            story.append(
                Paragraph(
                    text(
                        f"{m.meter.title}, № {m.meter.serial_number}, {m.meter.address}: {m.reason}"
                    ),
                    s.left,
                )
            )
    for r in report.reports:
        story.append(PageBreak())
        story += meter_story(r, s, f"Прибор учёта № {r.meter.serial_number}")
    return story


def render_contract_report(
    report: ContractReport, out: Output, *, generated_at: datetime | None = None
) -> None:
    s = Styles()
    build_pdf(
        contract_story(report, s),
        out,
        title=f"Отчёт о показаниях по договору № {report.number}",
        subject=_period_text(report.first, report.last),
        footer_note=_footer(generated_at),
    )


__all__ = [
    "contract_summary_rows",
    "daily_chart",
    "peak_text",
    "render_contract_report",
    "render_meter_report",
]
