"""Table models: rows kept as plain lists, text made only for the cells Qt paints."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from voek_desktop.api.metering import ArchiveRequest, Meter
from voek_desktop.domain.formats import (
    format_date,
    format_datetime,
    format_number,
    format_size,
)

Index = QModelIndex | QPersistentModelIndex
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, float):
        return format_number(value, 3)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    return str(value)


class RowsModel(QAbstractTableModel):
    """Read-only rows of any values; setting 50k rows is one reset, no per-cell work."""

    def __init__(self, headers: Sequence[str] = (), parent: Any = None) -> None:
        super().__init__(parent)
        self._headers = list(headers)
        self._rows: list[Sequence[Any]] = []
        self._count = 0  # rows published to views; the list may already hold more
        self._columns = len(self._headers)

    def set_rows(self, rows: list[Sequence[Any]], headers: Sequence[str] | None = None) -> None:
        self.beginResetModel()
        if headers is not None:
            self._headers = list(headers)
        self._rows = rows
        self._count = len(rows)
        widest = max((len(r) for r in rows[:200]), default=0)
        self._columns = max(len(self._headers), widest)
        self.endResetModel()

    def grow_to(self, count: int) -> None:
        """Rows appended to the list given to :meth:`set_rows` (by a reader) become visible."""
        count = min(count, len(self._rows))
        if count > self._count:
            self.beginInsertRows(QModelIndex(), self._count, count - 1)
            self._count = count
            self.endInsertRows()

    def rows(self) -> list[Sequence[Any]]:
        return self._rows

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._columns

    def value(self, row: int, column: int) -> Any:
        # A reader may still be trimming the list it fills: never index past its end.
        if row >= len(self._rows):
            return None
        values = self._rows[row]
        return values[column] if column < len(values) else None

    def text(self, row: int, column: int) -> str:
        return cell_text(self.value(row, column))

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= self._count:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(index.row(), index.column())
        if role == Qt.ItemDataRole.TextAlignmentRole:
            value = self.value(index.row(), index.column())
            numeric = isinstance(value, int | float) and not isinstance(value, bool)
            return _RIGHT if numeric else _LEFT
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self._headers[section] if section < len(self._headers) else ""
        return str(section + 1)


class FormattedRowsModel(RowsModel):
    """Rows with a formatter per column (for values that need units or special text)."""

    def __init__(
        self,
        headers: Sequence[str],
        formatters: Sequence[Callable[[Any], str] | None],
        parent: Any = None,
    ) -> None:
        super().__init__(headers, parent)
        self._formatters = list(formatters)

    def text(self, row: int, column: int) -> str:
        value = self.value(row, column)
        fmt = self._formatters[column] if column < len(self._formatters) else None
        return fmt(value) if fmt is not None else cell_text(value)


class MetersModel(RowsModel):
    """The meters of a personal account or supply contract (SPEC §6.3)."""

    HEADERS = (
        "Марка, модель",
        "Номер прибора",
        "Адрес точки учета",
        "Дата показаний",
        "Показания, кВт·ч",
    )

    def __init__(self, parent: Any = None) -> None:
        super().__init__(self.HEADERS, parent)
        self.meters: list[Meter] = []

    def set_meters(self, meters: list[Meter]) -> None:
        self.meters = list(meters)
        self.set_rows([[m] for m in self.meters])
        self._columns = len(self.HEADERS)

    def text(self, row: int, column: int) -> str:
        meter = self.meters[row]
        if column == 0:
            return meter.title + ("\nинтеллектуальный" if meter.is_smart else "")
        if column == 1:
            return meter.serial_number
        if column == 2:
            return meter.address
        if column == 3:
            return format_date(meter.readings_date)
        if column == 4:
            return readings_text(meter)
        return ""

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.meters):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(index.row(), index.column())
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 2:
            return self.meters[index.row()].address
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _LEFT
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
