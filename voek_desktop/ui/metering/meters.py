"""The meters of one personal account or supply contract: a table, the card of the chosen
meter, and for a smart meter the way to its data (docs/design.md "Metering")."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from voek_desktop.api.metering import Meter
from voek_desktop.domain.formats import (
    format_date,
    format_number,
    parse_datetime,
)
from voek_desktop.domain.time import moscow_date
from voek_desktop.ui.context import Context
from voek_desktop.ui.kit.dialogs import tr
from voek_desktop.ui.kit.flow import FlowLayout
from voek_desktop.ui.kit.widgets import (
    CurrentPageStack,
    page_grew,
    primary_button,
    section_title,
)
from voek_desktop.ui.metering.labels import offline_note, with_number
from voek_desktop.ui.metering.models import MetersModel


class MeterCard(QFrame):
    """Everything about one meter; «Получить данные» for a smart one."""

    smart_data_requested = Signal(object)
    archive_requested = Signal(object)
    report_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.meter: Meter | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        self.title = QLabel(self)
        self.title.setObjectName("cardTitle")
        self.title.setStyleSheet("font-size: 12pt; font-weight: 600;")
        self.title.setWordWrap(True)
        layout.addWidget(self.title)
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(18)
        self.grid.setVerticalSpacing(4)
        self.grid.setColumnStretch(1, 1)
        layout.addLayout(self.grid)
        buttons = FlowLayout()  # side by side, or under each other in a narrow window
        self.smart_button = primary_button(tr("Получить данные"), self)
        self.smart_button.setObjectName("primary")
        self.smart_button.setAutoDefault(False)
        self.smart_button.setDefault(False)
        self.smart_button.clicked.connect(lambda: self.smart_data_requested.emit(self.meter))
        self.archive_button = QPushButton(tr("Получить архив данных за период"), self)
        self.archive_button.clicked.connect(lambda: self.archive_requested.emit(self.meter))
        self.report_button = QPushButton(tr("Отчёт о показаниях"), self)
        self.report_button.setObjectName("meterReport")
        self.report_button.clicked.connect(lambda: self.report_requested.emit(self.meter))
        buttons.addWidget(self.smart_button)
        buttons.addWidget(self.archive_button)
        buttons.addWidget(self.report_button)
        layout.addLayout(buttons)
        self.not_smart = QLabel(
            tr(
                "Прибор учёта не подключен к интеллектуальной системе учёта: доступны только"
                " расчетные показания."
            ),
            self,
        )
        self.not_smart.setObjectName("fieldHint")
        self.not_smart.setWordWrap(True)
        layout.addWidget(self.not_smart)
        self.show_meter(None)

    def show_meter(self, meter: Meter | None) -> None:
        self.meter = meter
        while self.grid.count():
            item = self.grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()  # not painted over the next meter's rows until it is deleted
                widget.deleteLater()
        self.setVisible(meter is not None)
        if meter is None:
            return
        title = tr("Прибор учёта {}, № {}").format(meter.title, meter.serial_number)
        self.title.setText(with_number(title))
        rows = [
            ("Марка прибора учёта", meter.title),
            ("Номер прибора учёта", meter.serial_number),
            ("Адрес точки учёта", meter.address),
            ("Фазность", "трехфазный" if meter.phases == 3 else "однофазный"),
            ("Тарифных зон", str(meter.tariff_zones)),
        ]
        if meter.metering_point:
            rows.insert(3, ("Точка учёта", meter.metering_point))
        if meter.commissioned_at:
            rows.append(("Введен в эксплуатацию", format_date(meter.commissioned_at)))
        rows.append(("Дата показаний для расчетов", format_date(meter.readings_date) or "—"))
        for reading in meter.readings:
            rows.append(
                (
                    f"Показания, {reading.name or reading.zone}",
                    f"{format_number(reading.value)} кВт·ч",
                )
            )
        for i, (name, value) in enumerate(rows):
            key = QLabel(name + ":", self)
            key.setObjectName("fieldHint")
            val = QLabel(with_number(value), self)
            val.setWordWrap(True)
            val.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.grid.addWidget(key, i, 0, Qt.AlignmentFlag.AlignTop)
            self.grid.addWidget(val, i, 1)
        self.smart_button.setVisible(meter.is_smart)
        self.archive_button.setVisible(meter.is_smart)
        self.report_button.setVisible(meter.is_smart)
        self.not_smart.setVisible(not meter.is_smart)
        page_grew(self)


def fit_beside(panel: MetersPanel, both: int, least: int, most: int) -> int:
    """The width of the column beside ``panel`` (the accounts list, the contracts tree) when
    the two share ``both`` pixels: as wide as ``most`` if the meters' table still has its
    columns whole, narrower down to ``least`` if not (issue 12 "Fit")."""
    return max(least, min(most, both - panel.wanted_width()))


class MetersPanel(CurrentPageStack):
    """Page 0: meters and the card; page 1: the smart-meter data of one of them."""

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.list_page = QWidget(self)
        layout = QVBoxLayout(self.list_page)
        layout.setContentsMargins(0, 0, 0, 0)
        self.heading = section_title(tr("Приборы учёта"), self.list_page)
        layout.addWidget(self.heading)
        self.status = QLabel(self.list_page)
        self.status.setObjectName("fieldHint")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.model = MetersModel(self)
        self.table = QTableView(self.list_page)
        self.table.setObjectName("meters")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        # One line per address, elided, the full text in its tooltip (issue 12 "Fit").
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(MetersModel.ADDRESS, QHeaderView.ResizeMode.Stretch)
        # When the window is too narrow for every column the table scrolls sideways, but the
        # address keeps the width of its title rather than shrinking to «рес точки уче».
        title = str(self.model.headerData(MetersModel.ADDRESS, Qt.Orientation.Horizontal))
        widest = max(title.splitlines(), key=header.fontMetrics().horizontalAdvance)
        header.setMinimumSectionSize(header.fontMetrics().horizontalAdvance(f"  {widest}  "))
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.selectionModel().selectionChanged.connect(self._selected)
        self.table.setMinimumHeight(140)
        layout.addWidget(self.table, 2)
        self.card = MeterCard(self.list_page)
        self.card.smart_data_requested.connect(self.open_smart_data)
        self.card.archive_requested.connect(self.open_archive)
        self.card.report_requested.connect(self.open_report)
        layout.addWidget(self.card, 0)
        self.addWidget(self.list_page)
        self.smart_page: QWidget | None = None
        self._wanted: int | None = None
        self._loader: Callable[[], list[Meter]] | None = None

    def wanted_width(self) -> int:
        """The table's width with every column whole and the address at its least: what the
        list beside it leaves it when it can (fit_beside)."""
        table = self.table
        header = table.horizontalHeader()
        least = header.minimumSectionSize()
        columns = sum(
            max(least, table.sizeHintForColumn(c), header.sectionSizeHint(c))
            for c in range(header.count())
            if c != MetersModel.ADDRESS
        )
        bar = table.verticalScrollBar()
        beside = bar.sizeHint().width() if bar.isVisible() else 0
        return columns + least + beside + 2 * table.frameWidth()

    def load(
        self, title: str, loader: Callable[[], list[Meter]], select: int | None = None
    ) -> None:
        """Show the meters ``loader`` fetches (on the API worker)."""
        self._wanted = select
        self.setCurrentWidget(self.list_page)
        self.heading.setText(with_number(title))
        self._loader = loader
        self.model.set_meters([])
        self.card.show_meter(None)
        self.status.setText(tr("Загрузка приборов учёта…"))
        self.status.show()
        self.ctx.tasks.run(
            loader,
            lambda meters: self._loaded(loader, meters),
            self._failed,
            owner=self,
            label="Загрузка приборов учёта…",
        )

    def reload(self) -> None:
        """Fetch the shown meters again (the section was shown, the poll timer): the chosen
        meter stays chosen, and an open smart-data view is left alone."""
        loader = self._loader
        if loader is None or self.currentWidget() is not self.list_page:
            return
        self.ctx.tasks.run(
            loader,
            lambda meters: self._reloaded(loader, meters),
            self._failed,
            owner=self,
            label="Загрузка приборов учёта…",
            coalesce=self,
        )

    def _reloaded(self, loader: Callable[[], list[Meter]], meters: list[Meter]) -> None:
        if loader is not self._loader or self.currentWidget() is not self.list_page:
            return
        if list(meters) != self.model.meters:
            rows = self.table.selectionModel().selectedRows()
            if rows:
                self._wanted = self.model.meters[rows[0].row()].id
            self._loaded(loader, meters)
        elif meters:
            note = offline_note(meters)
            self.status.setText(note)
            self.status.setVisible(bool(note))

    def clear(self, text: str = "") -> None:
        self.setCurrentWidget(self.list_page)
        self._loader = None
        self.model.set_meters([])
        self.card.show_meter(None)
        self.heading.setText(tr("Приборы учёта"))
        self.status.setText(text)
        self.status.setVisible(bool(text))

    def _loaded(self, loader: Callable[[], list[Meter]], meters: list[Meter]) -> None:
        if loader is not self._loader:
            return  # the user has chosen another account meanwhile
        self.model.set_meters(meters)
        note = offline_note(meters)
        self.status.setText(note)
        self.status.setVisible(bool(note))
        if meters:
            ids = [m.id for m in meters]
            self.table.selectRow(ids.index(self._wanted) if self._wanted in ids else 0)
        else:
            self.status.setText(tr("К этому номеру не привязаны приборы учёта."))

    def _failed(self, exc: BaseException) -> None:
        from voek_desktop.ui.kit import messages

        self.status.setText(messages.describe(exc))
        self.status.show()

    def _selected(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        rows = self.table.selectionModel().selectedRows()
        self.card.show_meter(self.model.meters[rows[0].row()] if rows else None)

    def select_meter(self, meter_id: int) -> None:
        self._wanted = meter_id
        ids = [m.id for m in self.model.meters]
        if meter_id in ids:
            self.setCurrentWidget(self.list_page)
            self.table.selectRow(ids.index(meter_id))

    def open_smart_data(self, meter: Meter) -> None:
        from voek_desktop.ui.metering.smart import SmartDataPage

        if self.smart_page is not None:
            self.removeWidget(self.smart_page)
            self.smart_page.deleteLater()
        page = SmartDataPage(self.ctx, meter, self)
        page.back_requested.connect(lambda: self.setCurrentWidget(self.list_page))
        self.smart_page = page
        self.addWidget(page)
        self.setCurrentWidget(page)
        page.refresh()

    def open_archive(self, meter: Meter) -> None:
        from voek_desktop.ui.metering.archive_requests import ArchiveDialog

        polled = parse_datetime(meter.last_poll_at)
        dialog = ArchiveDialog(self.ctx, meter, moscow_date(polled) if polled else None, self)
        dialog.live_requested.connect(lambda: self.open_smart_data(meter))
        dialog.open()

    def open_report(self, meter: Meter) -> None:
        """«Отчёт о показаниях» of ``meter`` (ui/metering/report.py)."""
        from voek_desktop.ui.metering.report import ReadingsReportDialog

        dialog = ReadingsReportDialog(self.ctx, meter=meter, parent=self)
        dialog.open()
