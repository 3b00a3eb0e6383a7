"""The table models of meters and archive requests, on the kit's :class:`RowsModel`."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from voek_desktop.api.metering import ArchiveRequest, Meter
from voek_desktop.domain.formats import (
    format_date,
    format_datetime,
    format_number,
    format_size,
)
from voek_desktop.ui.kit.models import LEFT, Index, RowsModel


class MetersModel(RowsModel):
    """The meters of a personal account or supply contract (docs/design.md "Metering")."""

    # Two-line titles: on one line they alone are wider than the table's pane at 1024×600 and
    # the last columns («Дата показаний», the readings) were cut off at its right edge. The
    # make and the serial number share a column, one under the other, for the same reason.
    HEADERS = (
        "Прибор\nучёта",
        "Адрес\nточки учёта",
        "Дата\nпоказаний",
        "Показания,\nкВт·ч",
    )
    DEVICE, ADDRESS, READINGS_DATE, READINGS = range(4)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(self.HEADERS, parent)
        self.meters: list[Meter] = []

    def set_meters(self, meters: list[Meter]) -> None:
        self.meters = list(meters)
        self.set_rows([[m] for m in self.meters])
        self._columns = len(self.HEADERS)

    def text(self, row: int, column: int) -> str:
        meter = self.meters[row]
        if column == self.DEVICE:
            lines = [meter.title, f"№ {meter.serial_number}"]
            return "\n".join(lines + (["интеллектуальный"] if meter.is_smart else []))
        if column == self.ADDRESS:
            return meter.address
        if column == self.READINGS_DATE:
            return format_date(meter.readings_date)
        if column == self.READINGS:
            return readings_text(meter)
        return ""

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.meters):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(index.row(), index.column())
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == self.ADDRESS:
            return self.meters[index.row()].address
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return LEFT
        return None


def readings_text(meter: Meter) -> str:
    parts = []
    for reading in meter.readings:
        name = reading.name or reading.zone
        parts.append(f"{name}: {format_number(reading.value, 2)}")
    return "\n".join(parts) or "—"


class ArchiveRequestsModel(RowsModel):
    HEADERS = ("№", "Период", "Создан", "Статус", "Файл")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(self.HEADERS, parent)
        self.requests: list[ArchiveRequest] = []

    def set_requests(self, requests: list[ArchiveRequest]) -> None:
        self.requests = sorted(requests, key=lambda r: r.id, reverse=True)
        self.set_rows([[r] for r in self.requests])
        self._columns = len(self.HEADERS)

    def text(self, row: int, column: int) -> str:
        r = self.requests[row]
        if column == 0:
            return str(r.id)
        if column == 1:
            return f"{format_date(r.period_start)} – {format_date(r.period_end)}"
        if column == 2:
            return format_datetime(r.created_at)
        if column == 3:
            return r.status_label
        if column == 4:
            if r.is_ready and r.file_name:
                size = format_size(r.file_size)
                return f"{r.file_name} ({size})" if size else r.file_name
            return ""
        return ""

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.requests):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(index.row(), index.column())
        return None
