"""«Информация по прибору учета электрической энергии»: the Decree 890 value set of the last
poll (docs/design.md "Smart-meter data"), laid out like the web cabinet's table, and
consumption charts."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

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

from voek_desktop.api.metering import Intervals, Meter, SmartData
from voek_desktop.domain.formats import (
    format_datetime,
    format_number,
    parse_date,
    parse_datetime,
)
from voek_desktop.domain.tariffs import SCHEDULES, zone_at
from voek_desktop.domain.time import MSK, moscow_date
from voek_desktop.ui.context import Context
from voek_desktop.ui.kit import messages
from voek_desktop.ui.kit.flow import FlowLayout
from voek_desktop.ui.kit.models import FormattedRowsModel, RowsModel
from voek_desktop.ui.kit.widgets import link_button, pydate, qdate, section_title
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
        self.back = link_button("← К приборам учета", self)
        self.back.clicked.connect(self.back_requested)
        top.addWidget(self.back)
        top.addStretch(1)
        layout.addLayout(top)
        title = section_title("Информация по прибору учета электрической энергии", self)
        title.setWordWrap(True)
        layout.addWidget(title)
        about = QLabel(f"{meter.title}, № {meter.serial_number} · {meter.address}", self)
        about.setWordWrap(True)
        layout.addWidget(about)

        actions = FlowLayout()  # the two long buttons wrap under each other when narrow
        self.archive_button = QPushButton("Получить архив данных за период", self)
        self.archive_button.clicked.connect(self.open_archive)
        self.refresh_button = QPushButton("Получить последние данные с прибора учета", self)
        self.refresh_button.clicked.connect(self.refresh)
        actions.addWidget(self.archive_button)
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
        self.tabs.addTab(self.values_tab, "Данные прибора учета")
        self.daily = DailyChart(ctx, meter, self)
        self.tabs.addTab(self.daily, "Потребление по дням")
        self.halfhour = HalfHourChart(ctx, meter, self)
        self.tabs.addTab(self.halfhour, "Нагрузка за сутки")
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
        layout.addWidget(QLabel("Накопленная энергия по тарифным зонам", inner))
        self.registers_model = FormattedRowsModel([], [])
        self.registers_model.setParent(self)
        self.registers_view = _table(self.registers_model, inner)
        self.registers_view.setObjectName("registers")
        layout.addWidget(self.registers_view)
        layout.addWidget(QLabel("Мгновенные значения", inner))
        self.instant_model = FormattedRowsModel(
            ["Параметр", "Значение", "Ед. изм."], [None, _trimmed, None], self
        )
        self.instant_view = _table(self.instant_model, inner)
        self.instant_view.setObjectName("instant")
        layout.addWidget(self.instant_view)
        self.relay = QLabel(inner)
        layout.addWidget(self.relay)
        layout.addWidget(QLabel("Последние события", inner))
        self.events_model = FormattedRowsModel(["Время", "Событие"], [format_datetime, None], self)
        self.events_view = _table(self.events_model, inner)
        self.events_view.setObjectName("events")
        layout.addWidget(self.events_view)
        layout.addStretch(1)

    # --- data -----------------------------------------------------------------------------

    def refresh(self) -> None:
        """«Получить последние данные с прибора учета»: the values of the last daily poll."""
        self.tabs.setCurrentWidget(self.values_tab)
        self.refresh_button.setEnabled(False)
        self.status.setText("Получение данных прибора учета…")
        meter_id = self.meter.id
        client = self.ctx.session.client
        self.ctx.tasks.run(
            lambda: client.smart_data(meter_id),
            self.show_data,
            self._failed,
            owner=self,
            label="Получение данных прибора учета…",
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
            f"Данные на момент последнего опроса: {polled}. Обновляются раз в сутки."
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
        self.instant_model.set_rows([[v.name, v.value, v.unit] for v in data.instant])
        relay = data.relay_name or RELAY_NAMES.get(data.relay, data.relay)
        self.relay.setText(f"Реле нагрузки: <b>{relay}</b>")
        events = sorted(data.events, key=lambda e: e.at, reverse=True)
        self.events_model.set_rows([[e.at, e.name] for e in events] or [["", "Событий нет"]])
        for view in (self.registers_view, self.instant_view, self.events_view):
            view.resizeColumnsToContents()
            # The name column takes the spare width, so units stay next to the numbers.
            stretch = view.model().columnCount() - 1 if view is self.events_view else 0
            view.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
            _fit_height(view)
        last = parse_datetime(data.polled_at)
        if last is not None:
            day = moscow_date(last)
            self.daily.set_limits(day)
            self.halfhour.set_limits(day)

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


# --- charts (QtCharts is imported when a chart is first built) -------------------------------


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
    from PySide6.QtCore import QLocale

    chart = QChart()
    chart.setLocalizeNumbers(True)  # 0,5 кВт, not 0.5 (docs/design.md "Conventions")
    chart.setLocale(QLocale(QLocale.Language.Russian, QLocale.Country.Russia))
    return chart


class ChartPage(QWidget):
    def __init__(self, ctx: Context, meter: Meter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.meter = meter
        self.loaded = False
        self.chart_view: QChartView | None = None
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
        self.area = QVBoxLayout()
        layout.addLayout(self.area, 1)
        self.picker.dateChanged.connect(lambda _d: self.reload())

    def set_limits(self, last_poll: date) -> None:
        commissioned = parse_date(self.meter.commissioned_at) or date(2022, 1, 1)
        self.picker.blockSignals(True)
        self.picker.setDateRange(qdate(commissioned), qdate(last_poll))
        self.picker.setDate(qdate(self.default_date(last_poll)))
        self.picker.blockSignals(False)
        if self.loaded or self.isVisible():
            self.reload()

    def default_date(self, last_poll: date) -> date:
        return last_poll

    def selected(self) -> date:
        return pydate(self.picker.date())

    def range(self) -> tuple[date, date]:
        raise NotImplementedError

    def reload(self) -> None:
        first, last = self.range()
        self.status.setText("Загрузка данных…")
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
        from PySide6.QtCharts import QChartView
        from PySide6.QtGui import QPainter

        chart = self.build_chart(_day_items(data, first, last), first, last)
        if self.chart_view is None:
            self.chart_view = QChartView(chart, self)
            self.chart_view.setObjectName("chart")
            self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
            self.chart_view.setMinimumHeight(320)
            self.area.addWidget(self.chart_view)
            return
        old = self.chart_view.chart()
        self.chart_view.setChart(chart)
        # The view lets go of the old chart; delete it now and through shiboken, so the
        # Python wrapper knows it is gone (deleteLater would leave it dangling).
        shiboken6.delete(old)

    def build_chart(self, items, first: date, last: date):
        raise NotImplementedError


class DailyChart(ChartPage):
    """Daily consumption for a month: bars stacked by tariff zone (docs/design.md "Tariff
    zones")."""

    def __init__(self, ctx: Context, meter: Meter, parent: QWidget | None = None) -> None:
        super().__init__(ctx, meter, parent)
        self.picker_label.setText("Месяц:")
        self.picker.setDisplayFormat("MM.yyyy")

    def range(self) -> tuple[date, date]:
        day = self.selected()
        first = day.replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        return first, following - timedelta(days=1)

    def build_chart(self, items, first: date, last: date):
        from PySide6.QtCharts import (
            QBarCategoryAxis,
            QBarSet,
            QStackedBarSeries,
            QValueAxis,
        )

        # The server's number of zones is data: an unknown one draws as a single-rate meter.
        zones = self.meter.tariff_zones if self.meter.tariff_zones in SCHEDULES else 1
        names = [f"T{i}" for i in range(1, zones + 1)]
        days = (last - first).days + 1
        totals = {z: [0.0] * days for z in names}
        for day, start, value in items:
            zone = zone_at(start, zones)
            totals.setdefault(zone, [0.0] * days)[(day - first).days] += value
        series = QStackedBarSeries()
        colours = ["#0b4f8a", "#5b8fc7", "#f0a030", "#7cb342"]
        for i, zone in enumerate(totals):
            bar = QBarSet(zone_title(zone, zones))
            bar.append([round(v, 3) for v in totals[zone]])
            bar.setColor(colours[i % len(colours)])
            series.append(bar)
        chart = _new_chart()
        chart.addSeries(series)
        month = first.strftime("%m.%Y")
        chart.setTitle(f"Потребление активной энергии по дням, {month}, кВт·ч")
        axis_x = QBarCategoryAxis()
        axis_x.append([str(d) for d in range(1, days + 1)])
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(axis_x)
        axis_y = QValueAxis()
        axis_y.setLabelFormat("%.0f")
        axis_y.setTitleText("кВт·ч")
        peak = max((sum(totals[z][d] for z in totals) for d in range(days)), default=0.0)
        axis_y.setRange(0, max(1.0, peak * 1.1))
        axis_y.applyNiceNumbers()
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(axis_y)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        total = sum(sum(v) for v in totals.values())
        self.status.setText(f"Всего за месяц: {format_number(total, 1)} кВт·ч")
        return chart


class HalfHourChart(ChartPage):
    """The load of one day, by 30-minute intervals, as average power."""

    def __init__(self, ctx: Context, meter: Meter, parent: QWidget | None = None) -> None:
        super().__init__(ctx, meter, parent)
        self.picker_label.setText("Дата:")
        self.picker.setDisplayFormat("dd.MM.yyyy")

    def range(self) -> tuple[date, date]:
        day = self.selected()
        return day, day

    def build_chart(self, items, first: date, last: date):
        from PySide6.QtCharts import QAreaSeries, QLineSeries, QValueAxis
        from PySide6.QtGui import QColor

        upper = QLineSeries()
        lower = QLineSeries()
        peak = 0.0
        for _day, start, value in sorted(items, key=lambda t: t[1]):
            local = start.astimezone(MSK)
            hour = local.hour + local.minute / 60
            power = value * 2  # kWh in half an hour → average kW
            peak = max(peak, power)
            # A step per interval: the power holds for the whole 30 minutes.
            upper.append(hour, power)
            upper.append(hour + 0.5, power)
            lower.append(hour, 0)
            lower.append(hour + 0.5, 0)
        area = QAreaSeries()
        # The setters (not the constructor) make the area own its lines in PySide: the lines
        # then live exactly as long as the area, never shorter.
        area.setUpperSeries(upper)
        area.setLowerSeries(lower)
        area.setName("Средняя мощность за 30 минут, кВт")
        area.setColor(QColor("#5b8fc7"))
        area.setBorderColor(QColor("#0b4f8a"))
        chart = _new_chart()
        chart.addSeries(area)
        chart.setTitle(f"Нагрузка за {first.strftime('%d.%m.%Y')} (время московское)")
        axis_x = QValueAxis()
        axis_x.setRange(0, 24)
        axis_x.setTickCount(13)
        axis_x.setLabelFormat("%.0f")
        axis_x.setTitleText("Час")
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        area.attachAxis(axis_x)
        axis_y = QValueAxis()
        axis_y.setRange(0, max(0.5, peak * 1.15))
        axis_y.applyNiceNumbers()
        axis_y.setLabelFormat("%.1f")
        axis_y.setTitleText("кВт")
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        area.attachAxis(axis_y)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        energy = sum(v for _d, _s, v in items)
        self.status.setText(
            f"За сутки: {format_number(energy, 2)} кВт·ч, максимум {format_number(peak, 2)} кВт"
        )
        self._keep = (upper, lower)  # for tests: the points drawn
        return chart
