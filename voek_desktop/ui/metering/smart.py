"""«Информация по прибору учёта электрической энергии»: the Decree 890 value set of the last
poll (docs/design.md "Smart-meter data"), laid out like the web cabinet's table, and
consumption charts."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from voek_desktop.api.metering import InstantValue, Intervals, Meter, SmartData
from voek_desktop.domain.formats import (
    format_datetime,
    format_number,
    parse_date,
    parse_datetime,
)
from voek_desktop.domain.tariffs import SCHEDULES, zone_at
from voek_desktop.domain.time import MSK, moscow_date, moscow_midnight
from voek_desktop.ui.context import Context
from voek_desktop.ui.kit import messages
from voek_desktop.ui.kit.dialogs import tr
from voek_desktop.ui.kit.flow import FlowLayout
from voek_desktop.ui.kit.models import FormattedRowsModel, RowsModel
from voek_desktop.ui.kit.widgets import link_button, pydate, qdate, section_title
from voek_desktop.ui.metering import chart_axes
from voek_desktop.ui.metering.labels import QUANTITY_NAMES, RELAY_NAMES, zone_title

if TYPE_CHECKING:
    from PySide6.QtCharts import QChartView

UNITS = {"A+": "кВт·ч", "A-": "кВт·ч", "R+": "квар·ч", "R-": "квар·ч"}


def _trimmed(value: float | int | None) -> str:
    """Instantaneous values as a meter shows them: 227,8 В, 0,52 А, 49,96 Гц."""
    if value is None:
        return "—"
    text = format_number(value, 3)
    return text.rstrip("0").rstrip(",") if "," in text else text


def _num(digits: int):
    return lambda v: (
        "—" if v is None else (format_number(v, digits) if isinstance(v, float | int) else str(v))
    )


MONTHS = (
    "Январь", "Февраль", "Март", "Апрель", "Май", "Июнь",
    "Июль", "Август", "Сентябрь", "Октябрь", "Ноябрь", "Декабрь",
)  # fmt: skip


def _month_text(start: date | None, end: date | None) -> str:
    """«Октябрь 2026»; a month still running is marked «Ноябрь 2026*» (the note under the
    table says up to which day)."""
    if start is None or end is None:
        return ""
    text = f"{MONTHS[start.month - 1]} {start.year}"
    return text + "*" if _running(start, end) else text


def _running(start: date, end: date) -> bool:
    following = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    return end < following - timedelta(days=1)


# The rows of the per-phase table: the quantity's prefix in the API and its name.
PHASE_ROWS = (
    ("U", "Напряжение"),
    ("I", "Ток"),
    ("P", "Активная мощность"),
    ("Q", "Реактивная мощность"),
    ("cos_phi", "Коэффициент мощности (cos φ)"),
)


def _split_phases(values: tuple[InstantValue, ...]) -> tuple[list[list[Any]], list[InstantValue]]:
    """(rows of the per-phase table, the other values) of a three-phase meter's instantaneous
    values; no rows for a single-phase meter, whose U_A and I_A stay in the one table."""
    by_key = {v.quantity: v for v in values}
    if "U_B" not in by_key and "P_B" not in by_key:
        return [], list(values)
    rows, taken = [], set()
    for prefix, name in PHASE_ROWS:
        keys = [f"{prefix}_{phase}" for phase in "ABC"]
        if not any(k in by_key for k in keys):
            continue
        taken.update(keys)
        unit = next((by_key[k].unit for k in keys if k in by_key), "")
        rows.append([name, *[by_key[k].value if k in by_key else None for k in keys], unit])
    return rows, [v for v in values if v.quantity not in taken]


def _table(model: RowsModel, parent: QWidget) -> QTableView:
    view = QTableView(parent)
    view.setModel(model)
    view.verticalHeader().setVisible(False)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    view.setAlternatingRowColors(True)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(False)
    view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
    return view


def _fit_height(view: QTableView) -> None:
    rows = view.model().rowCount()
    height = view.horizontalHeader().sizeHint().height() + 2 * view.frameWidth()
    height += sum(view.verticalHeader().sectionSize(r) for r in range(rows)) or 24
    view.setFixedHeight(height + 2)


class SmartDataPage(QWidget):
    back_requested = Signal()

    def __init__(self, ctx: Context, meter: Meter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.meter = meter
        self.data: SmartData | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        self.back = link_button(tr("← К приборам учёта"), self)
        self.back.clicked.connect(self.back_requested)
        top.addWidget(self.back)
        top.addStretch(1)
        layout.addLayout(top)
        title = section_title(tr("Информация по прибору учёта электрической энергии"), self)
        title.setWordWrap(True)
        layout.addWidget(title)
        about = QLabel(f"{meter.title}, № {meter.serial_number} · {meter.address}", self)
        about.setWordWrap(True)
        layout.addWidget(about)

        actions = FlowLayout()  # the two long buttons wrap under each other when narrow
        self.archive_button = QPushButton(tr("Получить архив данных за период"), self)
        self.archive_button.clicked.connect(self.open_archive)
        self.refresh_button = QPushButton(tr("Получить последние данные с прибора учёта"), self)
        self.refresh_button.clicked.connect(self.refresh)
        self.report_button = QPushButton(tr("Отчёт о показаниях"), self)
        self.report_button.setObjectName("meterReport")
        self.report_button.clicked.connect(self.open_report)
        actions.addWidget(self.archive_button)
        actions.addWidget(self.report_button)
        actions.addWidget(self.refresh_button)
        layout.addLayout(actions)

        self.status = QLabel(self)
        self.status.setObjectName("fieldHint")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)

        self.tabs = QTabWidget(self)
        layout.addWidget(self.tabs, 1)
        self.values_tab = QWidget(self)
        self._build_values(self.values_tab)
        self.tabs.addTab(self.values_tab, tr("Данные прибора учёта"))
        self.daily = DailyChart(ctx, meter, self)
        self.tabs.addTab(self.daily, tr("Потребление по дням"))
        self.halfhour = HalfHourChart(ctx, meter, self)
        self.tabs.addTab(self.halfhour, tr("Нагрузка за сутки"))
        self.tabs.currentChanged.connect(self._tab_changed)

    def _build_values(self, page: QWidget) -> None:
        from PySide6.QtWidgets import QScrollArea

        outer = QVBoxLayout(page)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea(page)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        outer.addWidget(scroll)
        inner = QWidget(scroll)
        scroll.setWidget(inner)
        layout = QVBoxLayout(inner)
        layout.setContentsMargins(8, 8, 8, 8)
        self.polled = QLabel(inner)
        self.polled.setWordWrap(True)
        self.polled.setStyleSheet("font-weight: 600;")
        layout.addWidget(self.polled)
        layout.addWidget(QLabel(tr("Накопленная энергия по тарифным зонам"), inner))
        self.registers_model = FormattedRowsModel([], [])
        self.registers_model.setParent(self)
        self.registers_view = _table(self.registers_model, inner)
        self.registers_view.setObjectName("registers")
        layout.addWidget(self.registers_view)
        # Decree 890: the largest 30-minute power of the billing month and of the one before,
        # against the maximum the connection allows (docs/decree-890.md).
        layout.addWidget(QLabel(tr("Максимальная мощность (средняя за 30 минут)"), inner))
        self.power_model = FormattedRowsModel(
            # Two-line headers: the table must fit the narrow right pane at 1024 px.
            ["Месяц", "Максимум,\nкВт", "Интервал (МСК)", "Выше\nразрешённой"],
            [None, _num(3), None, None],
            self,
        )
        self.power_view = _table(self.power_model, inner)
        self.power_view.setObjectName("max_power")
        layout.addWidget(self.power_view)
        self.permitted = QLabel(inner)
        self.permitted.setWordWrap(True)
        layout.addWidget(self.permitted)
        layout.addWidget(QLabel(tr("Мгновенные значения"), inner))
        self.instant_model = FormattedRowsModel(
            ["Параметр", "Значение", "Ед. изм."], [None, _trimmed, None], self
        )
        self.instant_view = _table(self.instant_model, inner)
        self.instant_view.setObjectName("instant")
        layout.addWidget(self.instant_view)
        # Three-phase meters: U, I, P, Q and cos φ of each phase side by side.
        self.phases_label = QLabel(tr("По фазам"), inner)
        layout.addWidget(self.phases_label)
        self.phases_model = FormattedRowsModel(
            ["Параметр", "Фаза A", "Фаза B", "Фаза C", "Ед. изм."],
            [None, _trimmed, _trimmed, _trimmed, None],
            self,
        )
        self.phases_view = _table(self.phases_model, inner)
        self.phases_view.setObjectName("phases")
        layout.addWidget(self.phases_view)
        self.phases_label.hide()
        self.phases_view.hide()
        self.relay = QLabel(inner)
        layout.addWidget(self.relay)
        layout.addWidget(QLabel(tr("Последние события"), inner))
        self.events_model = FormattedRowsModel(
            ["Время", "Событие", "Журнал"], [format_datetime, None, None], self
        )
        self.events_view = _table(self.events_model, inner)
        self.events_view.setObjectName("events")
        # A long event name wraps onto a second line at 1024 px rather than being cut.
        self.events_view.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        layout.addWidget(self.events_view)
        layout.addStretch(1)

    # --- data -----------------------------------------------------------------------------

    def refresh(self) -> None:
        """«Получить последние данные с прибора учёта»: the values of the last daily poll."""
        self.tabs.setCurrentWidget(self.values_tab)
        self.refresh_button.setEnabled(False)
        self.status.setText(tr("Получение данных прибора учёта…"))
        meter_id = self.meter.id
        client = self.ctx.session.client
        self.ctx.tasks.run(
            lambda: client.smart_data(meter_id),
            self.show_data,
            self._failed,
            owner=self,
            label="Получение данных прибора учёта…",
        )

    def _failed(self, exc: BaseException) -> None:
        self.refresh_button.setEnabled(True)
        self.status.setText(messages.describe(exc))

    def show_data(self, data: SmartData) -> None:
        self.data = data
        self.refresh_button.setEnabled(True)
        self.status.setText("")
        polled = format_datetime(data.polled_at)
        self.polled.setText(
            tr("Данные на момент последнего опроса: {}. Обновляются раз в сутки.").format(polled)
        )
        zones = sorted({r.zone for r in data.registers if r.zone != "total"})
        columns = [*zones, "total"]
        by_key = {(r.quantity, r.zone): r for r in data.registers}
        rows = []
        for quantity in ("A+", "A-", "R+", "R-"):
            if not any((quantity, z) in by_key for z in columns):
                continue
            unit = next(
                (by_key[(quantity, z)].unit for z in columns if (quantity, z) in by_key),
                UNITS[quantity],
            )
            rows.append(
                [
                    f"{QUANTITY_NAMES[quantity]}, {quantity.replace('-', '−')}",
                    *[
                        by_key[(quantity, z)].value if (quantity, z) in by_key else None
                        for z in columns
                    ],
                    unit,
                ]
            )
        headers = [
            "Величина",
            *[zone_title(z, self.meter.tariff_zones) for z in columns],
            "Ед. изм.",
        ]
        self.registers_model._formatters = [None, *[_num(2)] * len(columns), None]
        self.registers_model.set_rows(rows, headers)
        self._show_power(data)
        by_phase, overall = _split_phases(data.instant)
        self.instant_model.set_rows([[v.name, v.value, v.unit] for v in overall])
        self.phases_model.set_rows(by_phase)
        self.phases_label.setVisible(bool(by_phase))
        self.phases_view.setVisible(bool(by_phase))
        relay = data.relay_name or RELAY_NAMES.get(data.relay, data.relay)
        self.relay.setText(tr("Реле нагрузки: <b>{}</b>").format(relay))
        events = sorted(data.events, key=lambda e: e.at, reverse=True)
        self.events_model.set_rows(
            # «Журнал качества сети» under the header «Журнал»: the event's name keeps the width.
            [[e.at, e.name, e.journal.removeprefix("Журнал ")] for e in events]
            or [["", "Событий нет", ""]]
        )
        views = (
            self.registers_view,
            self.power_view,
            self.instant_view,
            self.phases_view,
            self.events_view,
        )
        for view in views:
            view.resizeColumnsToContents()
            # The name column takes the spare width, so units stay next to the numbers.
            stretch = 1 if view is self.events_view else 0
            if view is self.power_view:
                stretch = view.model().columnCount() - 1  # months stay whole
            view.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
            _fit_height(view)
        last = parse_datetime(data.polled_at)
        if last is not None:
            day = moscow_date(last)
            self.daily.set_limits(day)
            self.halfhour.set_limits(day)

    def _show_power(self, data: SmartData) -> None:
        permitted = data.permitted_power
        rows = []
        for item in data.max_power:
            period = _month_text(parse_date(item.period_start), parse_date(item.period_end))
            begin = parse_datetime(item.interval_start or "")
            finish = parse_datetime(item.interval_end or "")
            interval = ""
            if begin is not None and finish is not None:
                b, f = begin.astimezone(MSK), finish.astimezone(MSK)
                interval = f"{b:%d.%m %H:%M}–{f:%H:%M}"  # the month column has the year
            verdict = tr("есть") if item.exceeds_permitted else tr("нет")
            rows.append([period, item.value, interval, verdict])
        self.power_model.set_rows(rows or [["", None, tr("Нет данных за период"), ""]])
        lines = []
        if permitted is not None:
            lines.append(
                tr("Разрешённая максимальная мощность: <b>{} кВт</b>").format(
                    format_number(permitted, 1)
                )
            )
        for item in data.max_power:
            start, end = parse_date(item.period_start), parse_date(item.period_end)
            if start and end and _running(start, end):
                lines.append(tr("* Текущий месяц — по {:%d.%m.%Y}").format(end))
        self.permitted.setText("<br>".join(lines))

    def last_poll_date(self) -> date | None:
        if self.data is None:
            return None
        polled = parse_datetime(self.data.polled_at)
        return moscow_date(polled) if polled else None

    def _tab_changed(self, index: int) -> None:
        page = self.tabs.widget(index)
        if isinstance(page, ChartPage) and not page.loaded:
            page.reload()

    def open_archive(self) -> None:
        from voek_desktop.ui.metering.archive_requests import ArchiveDialog

        dialog = ArchiveDialog(self.ctx, self.meter, self.last_poll_date(), self)
        dialog.live_requested.connect(self.refresh)
        dialog.open()

    def open_report(self) -> None:
        """«Отчёт о показаниях» of this meter (ui/metering/report.py)."""
        from voek_desktop.ui.metering.report import ReadingsReportDialog

        dialog = ReadingsReportDialog(self.ctx, meter=self.meter, parent=self)
        dialog.open()


# --- charts (QtCharts is imported when a chart is first built) -------------------------------

SLOT = timedelta(minutes=30)
COLOURS = ["#0b4f8a", "#5b8fc7", "#f0a030", "#7cb342"]


def _day_items(intervals: Intervals, first: date, last: date) -> list[tuple[date, datetime, float]]:
    """(MSK day, start, kWh) of each interval whose start falls in [first, last] Moscow time."""
    out = []
    for item in intervals.items:
        start = parse_datetime(item.start)
        if start is None:
            continue
        day = moscow_date(start)
        if first <= day <= last:
            out.append((day, start, item.a_plus))
    return out


def _new_chart():
    from PySide6.QtCharts import QChart

    chart = QChart()
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    return chart


def _set_ticks(axis, ticks: list[tuple[str, float]], start: float) -> None:
    """Put ``ticks`` (label, value) on a category axis: the labels drawn are exactly the ones
    chart_axes computed, decimal comma included."""
    for label in axis.categoriesLabels():
        axis.remove(label)
    axis.setStartValue(start)
    for label, value in ticks:
        axis.append(label, value)


def _tick_axis(low: float, high: float, title: str):
    """An axis whose labels sit on their values (not between them), for _set_ticks."""
    from PySide6.QtCharts import QCategoryAxis

    axis = QCategoryAxis()
    axis.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
    axis.setRange(low, high)
    axis.setTitleText(title)
    return axis


def _value_axis(scale: chart_axes.Scale, title: str):
    axis = _tick_axis(scale.minimum, scale.maximum, title)
    _set_ticks(axis, list(zip(scale.labels(), scale.values(), strict=True)), scale.minimum)
    return axis


def _spaced_title(text: str, axis) -> str:
    """The chart's title with room under it: QtCharts puts the title right over the plot, and
    the value axis' top label (centred on the plot's top edge) stuck out into it on a narrow
    chart («0,20» under «Средняя мощность…»). A table's bottom margin is the one that QtCharts
    counts when it lays the title out: half a label's height, and 4 px more."""
    from html import escape

    from PySide6.QtGui import QFontMetricsF

    room = math.ceil(QFontMetricsF(axis.labelsFont()).height() / 2) + 4
    return (
        f"<table cellspacing=0 cellpadding=0 style='margin-bottom:{room}px'>"
        f"<tr><td>{escape(text)}</td></tr></table>"
    )


def _title_width(html: str, font) -> float:
    """The width QtCharts measures a title with (ChartPresenter::textBoundingRect)."""
    from PySide6.QtGui import QTextDocument

    document = QTextDocument()
    document.setDocumentMargin(chart_axes.TEXT_MARGIN)
    document.setDefaultFont(font)
    document.setHtml(html)
    return document.size().width()


def _widest(axis, labels: list[str]) -> float:
    from PySide6.QtGui import QFontMetricsF

    metrics = QFontMetricsF(axis.labelsFont())
    return max(metrics.horizontalAdvance(text) for text in labels)


class ChartPage(QWidget):
    """A date picker over a chart, or over the text that says why there is no chart yet."""

    def __init__(self, ctx: Context, meter: Meter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.meter = meter
        self.loaded = False
        self.ready = False  # the picker knows the last poll (set_limits)
        self.chart_view: QChartView | None = None
        self.chart: Any = None
        self.axis_x: Any = None  # the QCategoryAxis at the bottom, labelled by fit_axes
        self.titles = ("", "")  # the chart's title, and a short one for a narrow chart
        self.tick_step = 0
        self.hover_text = ""
        layout = QVBoxLayout(self)
        controls = QHBoxLayout()
        self.picker_label = QLabel(self)
        controls.addWidget(self.picker_label)
        self.picker = QDateEdit(self)
        self.picker.setCalendarPopup(True)
        controls.addWidget(self.picker)
        self.picker_label.setBuddy(self.picker)
        self.status = QLabel(self)
        self.status.setObjectName("fieldHint")
        self.status.setWordWrap(True)  # the day's summary must not widen the window
        controls.addWidget(self.status, 1)
        layout.addLayout(controls)
        self.note = QLabel(self)  # data the poll has not brought yet
        self.note.setObjectName("fieldHint")
        self.note.setWordWrap(True)
        self.note.hide()
        layout.addWidget(self.note)
        self.area = QVBoxLayout()
        layout.addLayout(self.area, 1)
        self.empty = QLabel(self)
        self.empty.setObjectName("chartEmpty")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.hide()
        self.area.addWidget(self.empty, 1)
        self.picker.dateChanged.connect(lambda _d: self.reload())

    def set_limits(self, last_poll: date) -> None:
        commissioned = parse_date(self.meter.commissioned_at) or date(2022, 1, 1)
        self.picker.blockSignals(True)
        self.picker.setDateRange(qdate(commissioned), qdate(last_poll))
        self.picker.setDate(qdate(self.default_date(last_poll)))
        self.picker.blockSignals(False)
        self.ready = True
        if self.loaded or self.isVisible():
            self.reload()

    def default_date(self, last_poll: date) -> date:
        return last_poll

    def selected(self) -> date:
        return pydate(self.picker.date())

    def range(self) -> tuple[date, date]:
        raise NotImplementedError

    def reload(self) -> None:
        if not self.ready:
            # Without the last poll the picker would still read 01.01.2000: wait for it.
            self.status.setText(tr("Получение данных прибора учёта…"))
            return
        first, last = self.range()
        self.status.setText(tr("Загрузка данных…"))
        meter_id = self.meter.id
        client = self.ctx.session.client
        self.ctx.tasks.run(
            # Moscow days, both inclusive (docs/design.md "API"); the answer is cut by Moscow days
            # again.
            lambda: client.intervals(meter_id, first, last),
            lambda data: self._loaded(first, last, data),
            lambda exc: self.status.setText(messages.describe(exc)),
            owner=self,
            label="Загрузка данных для графика…",
        )

    def _loaded(self, first: date, last: date, data: Intervals) -> None:
        if (first, last) != self.range():
            return  # the user picked another date meanwhile
        self.loaded = True
        self.status.setText("")
        self.note.setText("")
        self._hover(None)
        from PySide6.QtCharts import QChartView
        from PySide6.QtGui import QPainter

        self.axis_x, self.tick_step = None, 0
        chart = self.build_chart(_day_items(data, first, last), first, last)
        self.note.setVisible(bool(self.note.text()))
        if chart is None:
            self.empty.show()
            if self.chart_view is not None:
                self.chart_view.hide()
            return
        self.empty.hide()
        # Labels for the width there is now; plotAreaChanged corrects them once laid out.
        self.chart = chart
        self.fit_axes(max(200.0, self.width() - 120.0))
        chart.plotAreaChanged.connect(self._plot_area_changed)
        if self.chart_view is None:
            self.chart_view = QChartView(chart, self)
            self.chart_view.setObjectName("chart")
            self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
            self.chart_view.setMinimumHeight(260)
            self.area.addWidget(self.chart_view, 1)
            return
        old = self.chart_view.chart()
        self.chart_view.setChart(chart)
        self.chart_view.show()
        # The view lets go of the old chart; delete it now and through shiboken, so the
        # Python wrapper knows it is gone (deleteLater would leave it dangling).
        shiboken6.delete(old)

    def _plot_area_changed(self, area) -> None:
        self.fit_axes(area.width())

    def fit_axes(self, plot_width: float) -> None:
        """Label the x axis every so many units that the labels fit ``plot_width`` whole."""
        if self.axis_x is None:
            return
        labels, length, span, steps = self.x_labels()
        step = chart_axes.label_step(
            plot_width, _widest(self.axis_x, [t for t, _v in labels(1)]), length, span, steps
        )
        if step != self.tick_step:
            self.tick_step = step
            _set_ticks(self.axis_x, labels(step), self.axis_x.min())
        # The title too is cut to «...» by QtCharts when too long: the short one then.
        # QtCharts gives the title the chart's width less its margins (20 px) and its layout's
        # (9 px) on each side, and measures it as a text item does, with a 2 px document
        # margin: «width - 40» let titles through that it then cut («…время москов...»).
        width = self.chart.size().width()
        margins = self.chart.margins()
        left, _top, right, _bottom = self.chart.layout().getContentsMargins()
        room = width - margins.left() - margins.right() - left - right
        full, short = (_spaced_title(t, self.axis_x) for t in self.titles)
        fits = width <= 0 or _title_width(full, self.chart.titleFont()) <= room
        title = full if fits else short
        if self.chart.title() != title:
            self.chart.setTitle(title)

    def x_labels(self):
        """(labels(step) → [(text, value)], axis length, span of the labels, the steps)."""
        raise NotImplementedError

    def _hover(self, text: str | None) -> None:
        """The exact value under the mouse, in a tooltip (and in hover_text, for the tests)."""
        from PySide6.QtGui import QCursor
        from PySide6.QtWidgets import QToolTip

        self.hover_text = text or ""
        if text and self.chart_view is not None:
            QToolTip.showText(QCursor.pos(), text, self.chart_view)
        else:
            QToolTip.hideText()

    def build_chart(self, items, first: date, last: date):
        """The chart of ``items``, or None after setting the empty state's text."""
        raise NotImplementedError


class DailyChart(ChartPage):
    """Daily consumption for a month: bars stacked by tariff zone (docs/design.md "Tariff
    zones"). Days the poll has not brought are not drawn, and the note says why."""

    def __init__(self, ctx: Context, meter: Meter, parent: QWidget | None = None) -> None:
        super().__init__(ctx, meter, parent)
        self.picker_label.setText(tr("Месяц:"))
        self.picker.setDisplayFormat("MM.yyyy")
        self.first = date.min
        self.days = 0
        self.day_totals: list[float] = []
        self.until: dict[date, str] = {}
        self.series: Any = None
        self.with_data: set[date] = set()

    def range(self) -> tuple[date, date]:
        day = self.selected()
        first = day.replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        return first, following - timedelta(days=1)

    def x_labels(self):
        def labels(step: int) -> list[tuple[str, float]]:
            return [(str(d), d - 1) for d in chart_axes.day_ticks(self.days, step)]

        return labels, self.days, self.days - 1, chart_axes.DAY_STEPS

    def build_chart(self, items, first: date, last: date):
        from PySide6.QtCharts import QBarSet, QStackedBarSeries

        # The server's number of zones is data: an unknown one draws as a single-rate meter.
        zones = self.meter.tariff_zones if self.meter.tariff_zones in SCHEDULES else 1
        days = (last - first).days + 1
        totals = {f"T{i}": [0.0] * days for i in range(1, zones + 1)}
        ends: dict[date, datetime] = {}
        for day, start, value in items:
            zone = zone_at(start, zones)
            totals.setdefault(zone, [0.0] * days)[(day - first).days] += value
            ends[day] = max(ends.get(day, start), start + SLOT)
        if not ends:
            self.empty.setText(chart_axes.month_not_polled(first))
            return None
        self.first, self.days = first, days
        self.day_totals = [sum(values[d] for values in totals.values()) for d in range(days)]
        self.with_data = set(ends)
        latest = max(ends)
        self.until = {}
        notes = []
        end = ends[latest].astimezone(MSK)
        if end < moscow_midnight(latest + timedelta(days=1)):
            self.until[latest] = f"{end:%H:%M}"
            notes.append(chart_axes.partial_day(latest, self.until[latest]))
        missing = [latest + timedelta(days=i) for i in range(1, (last - latest).days + 1)]
        if missing:
            notes.append(chart_axes.missing_days(missing))
        self.note.setText("\n".join(notes))

        series = QStackedBarSeries()
        for i, zone in enumerate(totals):
            bar = QBarSet(zone_title(zone, zones))
            # A day without data adds a bar of height 0: nothing is drawn for it.
            bar.append([round(v, 3) for v in totals[zone]])
            bar.setColor(COLOURS[i % len(COLOURS)])
            series.append(bar)
        series.hovered.connect(self._bar_hovered)
        self.series = series
        chart = _new_chart()
        chart.addSeries(series)
        self.titles = (
            f"Потребление активной энергии по дням, {first:%m.%Y}",
            f"По дням, {first:%m.%Y}",
        )
        self.axis_x = _tick_axis(-0.5, days - 0.5, "День месяца")
        self.axis_x.setGridLineVisible(False)
        chart.addAxis(self.axis_x, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(self.axis_x)
        axis_y = _value_axis(chart_axes.nice_scale(0.0, max(self.day_totals)), "кВт·ч")
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(axis_y)
        total = sum(self.day_totals)
        self.status.setText(tr("Всего за месяц: {} кВт·ч").format(format_number(total, 1)))
        return chart

    def _bar_hovered(self, status: bool, index: int, bar) -> None:
        day = self.first + timedelta(days=index)
        if not status or day not in self.with_data:
            self._hover(None)
            return
        text = chart_axes.day_tooltip(
            day, bar.label(), bar.at(index), self.day_totals[index], self.until.get(day)
        )
        self._hover(text)


class HalfHourChart(ChartPage):
    """The load of one day, by 30-minute intervals, as average power. Only the intervals the
    poll brought are drawn: the rest of a day still being polled is left blank, not zero."""

    def __init__(self, ctx: Context, meter: Meter, parent: QWidget | None = None) -> None:
        super().__init__(ctx, meter, parent)
        self.picker_label.setText(tr("Дата:"))
        self.picker.setDisplayFormat("dd.MM.yyyy")
        self.midnight = moscow_midnight(date(2000, 1, 1))
        self.energy: dict[datetime, float] = {}
        self.zones = 1
        self.areas: list = []
        self._keep: list = []  # the lines of every area, upper first (the points drawn)

    def range(self) -> tuple[date, date]:
        day = self.selected()
        return day, day

    def x_labels(self):
        def labels(step: int) -> list[tuple[str, float]]:
            return [(str(h), float(h)) for h in range(0, 25, step)]

        return labels, 24, 24, chart_axes.HOUR_STEPS

    def build_chart(self, items, first: date, last: date):
        from PySide6.QtCharts import QAreaSeries, QLineSeries
        from PySide6.QtGui import QColor

        if not items:
            self.empty.setText(chart_axes.not_polled(first))
            return None
        self.zones = self.meter.tariff_zones if self.meter.tariff_zones in SCHEDULES else 1
        self.midnight = moscow_midnight(first)
        self.energy = {start.astimezone(MSK): value for _day, start, value in items}
        # One area per run of consecutive intervals, so that a gap stays a gap.
        runs: list[list[datetime]] = []
        for start in sorted(self.energy):
            if runs and runs[-1][-1] + SLOT == start:
                runs[-1].append(start)
            else:
                runs.append([start])
        chart = _new_chart()
        self.areas, self._keep = [], []
        for run in runs:
            upper, lower = QLineSeries(), QLineSeries()
            for start in run:
                hour = (start - self.midnight).total_seconds() / 3600
                power = self.energy[start] * 2  # kWh in half an hour → average kW
                # A step per interval: the power holds for the whole 30 minutes.
                upper.append(hour, power)
                upper.append(hour + 0.5, power)
                lower.append(hour, 0)
                lower.append(hour + 0.5, 0)
            area = QAreaSeries()
            # The setters (not the constructor) make the area own its lines in PySide: the
            # lines then live exactly as long as the area, never shorter.
            area.setUpperSeries(upper)
            area.setLowerSeries(lower)
            area.setName("Средняя мощность за 30 минут, кВт")
            area.setColor(QColor(COLOURS[1]))
            area.setBorderColor(QColor(COLOURS[0]))
            area.hovered.connect(self._area_hovered)
            chart.addSeries(area)
            self.areas.append(area)
            self._keep += [upper, lower]
        chart.legend().hide()  # one quantity, named by the title and the axis
        self.titles = (
            f"Средняя мощность по 30 минутам за {first:%d.%m.%Y}, время московское",
            f"{first:%d.%m.%Y}, МСК",
        )
        self.axis_x = _tick_axis(0, 24, "Час")
        peak = max(self.energy.values()) * 2
        axis_y = _value_axis(chart_axes.nice_scale(0.0, peak), "кВт")
        chart.addAxis(self.axis_x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        for area in self.areas:
            area.attachAxis(self.axis_x)
            area.attachAxis(axis_y)
        end = (runs[-1][-1] + SLOT).astimezone(MSK)
        if end < self.midnight + timedelta(days=1):
            self.note.setText(chart_axes.partial_day(first, f"{end:%H:%M}"))
        energy = sum(self.energy.values())
        self.status.setText(
            tr("За сутки: {} кВт·ч, максимум {} кВт").format(
                format_number(energy, 2), format_number(peak, 2)
            )
        )
        return chart

    def _area_hovered(self, point, state: bool) -> None:
        start = self.midnight + SLOT * math.floor(point.x() * 2)
        energy = self.energy.get(start)
        if not state or energy is None:
            self._hover(None)
            return
        zone = zone_title(zone_at(start, self.zones), self.zones)
        self._hover(chart_axes.interval_tooltip(start, zone, energy))
