"""The smart-meter charts read as a person reads them (issue 12, item 2): day and hour labels
whole and apart at every width, value labels in round steps with a decimal comma that never
repeat, the exact value on hover, and a plain sentence for the days the poll has not brought."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import requests
from PySide6.QtCore import QDate, QPoint, QPointF
from PySide6.QtGui import QFontMetricsF

from tests import demo
from voek_desktop.domain.time import MSK
from voek_desktop.ui.metering.chart_axes import (
    DAY_STEPS,
    LABEL_PADDING,
    TEXT_MARGIN,
    day_ticks,
    interval_tooltip,
    label_step,
    nice_scale,
)
from voek_desktop.ui.metering.smart import ChartPage, SmartDataPage

WAIT = 15_000
# The offscreen platform cannot raise the tooltip window; it is shown all the same.
TOOLTIP = pytest.mark.qt_log_ignore("This plugin does not support raise")


@pytest.fixture(autouse=True)
def idle_at_the_end(request, qtbot):
    ctx = request.getfixturevalue("ctx") if "ctx" in request.fixturenames else None
    yield
    if ctx is not None:
        qtbot.waitUntil(lambda: not ctx.tasks.is_busy(), timeout=WAIT)


# --- the arithmetic, without Qt ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("high", "expected"),
    [
        (0.9, ["0,0", "0,2", "0,4", "0,6", "0,8", "1,0"]),
        (1.0, ["0,0", "0,2", "0,4", "0,6", "0,8", "1,0"]),
        (37.2, ["0", "10", "20", "30", "40"]),
        (0.004, ["0,000", "0,001", "0,002", "0,003", "0,004"]),
    ],
)
def test_value_axis_steps_are_round_distinct_and_use_a_decimal_comma(high, expected):
    scale = nice_scale(0.0, high)
    labels = scale.labels()
    assert labels == expected
    assert len(set(labels)) == len(labels)
    assert scale.maximum >= high and scale.minimum == 0
    assert f"{scale.step:e}"[0] in "125"  # 1, 2 or 5 × 10ᵏ


@pytest.mark.parametrize("high", [0.0, 0.0007, 0.29, 0.9, 3.3, 12.5, 37.2, 99.9, 1234.5])
def test_no_two_value_labels_ever_read_the_same(high):
    labels = nice_scale(0.0, high).labels()
    assert len(set(labels)) == len(labels) >= 3
    assert all("." not in text for text in labels)


def test_day_labels_thin_out_on_a_narrow_plot():
    assert label_step(1100, 14, 31, 30, DAY_STEPS) == 1
    narrow = label_step(300, 14, 31, 30, DAY_STEPS)
    assert narrow > 1
    assert day_ticks(31, narrow)[0] == 1


# --- the charts, against the demo server -------------------------------------------------------


def dev(server, path: str, **body) -> None:
    requests.post(f"{server.url}/api/v1{path}", json=body, timeout=30).raise_for_status()


def smart_page(qtbot, ctx, server, now: str, width: int = 1100) -> SmartDataPage:
    dev(server, "/dev/clock", now=now)
    demo.log_in(ctx.session, remember=True)
    [account, *_] = ctx.session.client.personal_accounts()
    meter = next(m for m in ctx.session.client.personal_account_meters(account.number))
    page = SmartDataPage(ctx, meter)
    qtbot.addWidget(page)
    page.resize(width, 640)
    page.show()
    page.refresh()
    qtbot.waitUntil(lambda: page.registers_model.rowCount() == 4, timeout=WAIT)
    return page


def show_chart(qtbot, page: SmartDataPage, chart: ChartPage) -> None:
    page.tabs.setCurrentWidget(chart)
    qtbot.waitUntil(lambda: chart.loaded and not chart.ctx.tasks.is_busy(), timeout=WAIT)
    settle(qtbot)


def settle(qtbot) -> None:
    for _ in range(4):  # plotAreaChanged → new labels → a new layout
        qtbot.wait(30)


def x_labels_fit(chart: ChartPage) -> None:
    """What QtCharts needs to draw a bottom label whole (qtcharts HorizontalAxis): its box
    fits the plot width / (labels + 1) less the padding; and neighbours do not touch."""
    assert chart.chart_view is not None
    plot = chart.chart_view.chart().plotArea()
    axis = chart.axis_x
    labels = axis.categoriesLabels()
    metrics = QFontMetricsF(axis.labelsFont())
    room = plot.width() / (len(labels) + 1) - 2 * LABEL_PADDING
    values = [axis.endValue(text) for text in labels]
    per_unit = plot.width() / (axis.max() - axis.min())
    for text in labels:
        assert metrics.horizontalAdvance(text) + 2 * TEXT_MARGIN <= room, (text, room)
    for (left, a), (right, b) in zip(
        zip(labels, values, strict=True), zip(labels[1:], values[1:], strict=True), strict=False
    ):
        gap = (b - a) * per_unit - (
            metrics.horizontalAdvance(left) + metrics.horizontalAdvance(right)
        ) / 2
        assert gap > 2 * TEXT_MARGIN, (left, right, gap)


@pytest.mark.parametrize("width", [400, 700, 1200])
def test_day_and_hour_labels_are_whole_and_apart_at_every_width(qtbot, ctx, server, width):
    page = smart_page(qtbot, ctx, server, "2026-11-27T10:00:00+03:00", width)
    show_chart(qtbot, page, page.daily)
    labels = page.daily.axis_x.categoriesLabels()
    assert labels[0] == "1" and all("…" not in t and "..." not in t for t in labels)
    x_labels_fit(page.daily)
    if width >= 1200:
        assert len(labels) == 30  # room for every day of November
    else:
        assert len(labels) < 30
    show_chart(qtbot, page, page.halfhour)
    page.halfhour.picker.setDate(QDate(2026, 11, 20))
    qtbot.waitUntil(lambda: "20.11.2026" in page.halfhour.chart_view.chart().title(), timeout=WAIT)
    settle(qtbot)
    hours = page.halfhour.axis_x.categoriesLabels()
    assert hours[0] == "0" and hours[-1] == "24"
    x_labels_fit(page.halfhour)

    # Narrowing the window re-labels the chart already shown.
    if width == 1200:
        page.resize(400, 640)
        settle(qtbot)
        x_labels_fit(page.halfhour)


def value_labels(chart: ChartPage) -> list[str]:
    [axis] = [a for a in chart.chart_view.chart().axes() if a is not chart.axis_x]
    return axis.categoriesLabels()


def test_the_first_of_the_month_has_distinct_value_labels(qtbot, ctx, server):
    page = smart_page(qtbot, ctx, server, "2026-12-01T10:00:00+03:00")
    show_chart(qtbot, page, page.daily)
    labels = value_labels(page.daily)
    assert len(set(labels)) == len(labels) >= 3, labels
    assert any("," in text for text in labels)  # under 1 kWh: tenths, with a decimal comma
    series = page.daily.series
    heights = [sum(bar.at(d) for bar in series.barSets()) for d in range(31)]
    assert heights[0] > 0 and not any(heights[1:])  # 2..31 December are not drawn at all
    note = page.daily.note.text()
    assert page.daily.note.isVisible()
    assert "по 01:30 МСК" in note and "02.12–31.12 ещё не получены" in note

    # The half-hour chart of the same day: 00:00–01:30, and a word about the rest.
    show_chart(qtbot, page, page.halfhour)
    assert len(page.halfhour._keep[0].points()) == 6
    assert "остальное придёт с опросом 02.12.2026 в 01:30 МСК" in page.halfhour.note.text()


@TOOLTIP
def test_hovering_a_bar_shows_its_exact_value(qtbot, ctx, server):
    page = smart_page(qtbot, ctx, server, "2026-11-27T10:00:00+03:00")
    chart_page = page.daily
    show_chart(qtbot, page, chart_page)
    view = chart_page.chart_view
    chart = view.chart()
    series = chart_page.series
    night = series.barSets()[1]
    day = 9  # 10 November
    value = night.at(day)
    below = sum(bar.at(day) for bar in series.barSets()[:1])
    # The middle of the night part of the 10th's bar, in the view's pixels.
    point = chart.mapToPosition(QPointF(day, below + value / 2), series)
    where = view.mapFromScene(chart.mapToScene(point))
    qtbot.mouseMove(view.viewport(), QPoint(where.x(), where.y() + 1))
    qtbot.mouseMove(view.viewport(), where)
    qtbot.waitUntil(lambda: chart_page.hover_text != "", timeout=WAIT)
    text = chart_page.hover_text
    assert text.startswith("10.11.2026")
    assert f"Ночная: {value:.3f}".replace(".", ",") + " кВт·ч" in text
    assert "За сутки:" in text


@TOOLTIP
def test_hovering_the_load_shows_the_interval(qtbot, ctx, server):
    page = smart_page(qtbot, ctx, server, "2026-11-27T10:00:00+03:00")
    chart_page = page.halfhour
    show_chart(qtbot, page, chart_page)
    chart_page.picker.setDate(QDate(2026, 11, 20))
    qtbot.waitUntil(lambda: "20.11.2026" in chart_page.chart_view.chart().title(), timeout=WAIT)
    settle(qtbot)
    view = chart_page.chart_view
    chart = view.chart()
    area = chart_page.areas[0]
    start = datetime(2026, 11, 20, 19, 0, tzinfo=MSK)
    energy = chart_page.energy[start]
    point = chart.mapToPosition(QPointF(19.25, energy), area)  # on the line of 19:00–19:30
    where = view.mapFromScene(chart.mapToScene(point))
    qtbot.mouseMove(view.viewport(), QPoint(where.x(), where.y() - 6))
    qtbot.mouseMove(view.viewport(), where)
    qtbot.waitUntil(lambda: chart_page.hover_text != "", timeout=WAIT)
    assert chart_page.hover_text == interval_tooltip(start, "Дневная", energy)
    assert "20.11.2026 19:00–19:30 МСК" in chart_page.hover_text
    assert f"{energy * 2:.3f}".replace(".", ",") + " кВт" in chart_page.hover_text


def test_a_day_not_polled_yet_says_so_instead_of_a_flat_chart(qtbot, ctx, server):
    page = smart_page(qtbot, ctx, server, "2026-11-27T10:00:00+03:00")
    chart_page = page.halfhour
    show_chart(qtbot, page, chart_page)
    assert chart_page.chart_view is not None and chart_page.chart_view.isVisible()
    # The server's clock goes back to before the 01:30 poll of the 27th: for the server that
    # day has no data yet, while the page still offers it.
    dev(server, "/dev/clock", now="2026-11-27T01:00:00+03:00")
    chart_page.reload()
    qtbot.waitUntil(lambda: chart_page.empty.isVisible(), timeout=WAIT)
    assert chart_page.empty.text() == ("Данные за 27.11.2026 ещё не получены — опрос в 01:30 МСК.")
    assert not chart_page.chart_view.isVisible()
    # A day with data brings the chart back.
    chart_page.picker.setDate(QDate(2026, 11, 25))
    qtbot.waitUntil(lambda: chart_page.chart_view.isVisible(), timeout=WAIT)
    assert not chart_page.empty.isVisible()
    assert chart_page.selected() == date(2026, 11, 25)


def _title_gap(chart: ChartPage) -> int | None:
    """Rows of background between the top value label and the title's text above it, read
    off the painted chart in the labels' column; None if the title does not reach over it."""
    view = chart.chart_view
    assert view is not None
    image = view.grab().toImage()
    plot = chart.chart.plotArea()
    top = view.mapFromScene(chart.chart.mapToScene(plot.topLeft()))
    columns = range(4, top.x() - 4)  # the labels' column, not the axis line at the plot

    def inked(y: int) -> bool:
        return any(image.pixelColor(x, y).lightness() < 150 for x in columns)

    y = top.y()
    assert inked(y), "the top value label is drawn on the plot's top edge"
    while y > 0 and inked(y):
        y -= 1  # up through the label
    if top.y() - y > QFontMetricsF(chart.axis_x.labelsFont()).height():
        return 0  # the ink goes on above the label: the title touches it
    gap = 0
    while y > 0 and not inked(y):
        y, gap = y - 1, gap + 1
    return gap if y > 0 else None


@pytest.mark.parametrize(("tab", "width"), [("halfhour", 560), ("daily", 420)])
def test_the_chart_title_keeps_clear_of_the_top_value_label(qtbot, ctx, server, tab, width):
    """A narrow chart (the smart-data page at 1024×600): the title, which then reaches over
    the value labels, stands apart from «0,20» at the top of the axis (they touched)."""
    page = smart_page(qtbot, ctx, server, "2026-11-27T10:00:00+03:00", width)
    chart = getattr(page, tab)
    show_chart(qtbot, page, chart)
    assert chart.titles[0] in chart.chart.title(), "the full title, the longer one"
    gap = _title_gap(chart)
    assert gap is not None, "the title reaches over the labels at this width"
    assert gap >= 4, (chart.chart.title(), gap)


@pytest.mark.parametrize("width", [480, 500, 516, 520, 700])
def test_a_chart_title_is_never_cut_short(qtbot, ctx, server, width):
    """The chart's title is the full one or, when that would not fit, the short one, never one
    QtCharts cuts to «...»: the room it gives the title is the chart less its margins."""
    page = smart_page(qtbot, ctx, server, "2026-11-27T10:00:00+03:00", width)
    for chart in (page.halfhour, page.daily):
        show_chart(qtbot, page, chart)
        qchart = chart.chart
        shown = next(t for t in chart.titles if t in qchart.title())
        margins = qchart.margins()
        left, _top, right, _bottom = qchart.layout().getContentsMargins()
        room = qchart.size().width() - margins.left() - margins.right() - left - right
        assert QFontMetricsF(qchart.titleFont()).horizontalAdvance(shown) + 2 * TEXT_MARGIN <= room


def test_the_full_title_where_it_fits(qtbot, ctx, server):
    """The smart-data page at 1024×600 (a 494 px chart): the long title fits QtCharts' room,
    and is shown, not the short one."""
    page = smart_page(qtbot, ctx, server, "2026-11-27T10:00:00+03:00", 516)
    show_chart(qtbot, page, page.halfhour)
    assert page.halfhour.titles[0] in page.halfhour.chart.title()
