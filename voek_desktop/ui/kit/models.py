"""The one table-model base: rows kept as plain lists, text made only for the cells Qt paints
(50k rows of an archive are one reset, no per-cell work), and the same for lists of records
where each column is a title and a function of the record."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from voek_desktop.domain.formats import format_number

T = TypeVar("T")
Index = QModelIndex | QPersistentModelIndex
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)


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
        # Read only; a reader may go on appending to the list it gave (see grow_to).
        self._rows: Sequence[Sequence[Any]] = []
        self._count = 0  # rows published to views; the list may already hold more
        self._columns = len(self._headers)

    def set_rows(self, rows: Sequence[Sequence[Any]], headers: Sequence[str] | None = None) -> None:
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

    def rows(self) -> Sequence[Sequence[Any]]:
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
            return RIGHT if numeric else LEFT
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


class RecordsModel(RowsModel, Generic[T]):
    """Rows of frozen records; each column is a title and a function of the record."""

    def __init__(
        self, columns: Sequence[tuple[str, Callable[[T], Any]]], parent: Any = None
    ) -> None:
        super().__init__([title for title, _ in columns], parent)
        self.columns = list(columns)
        self.records: list[T] = []

    def set_records(self, records: Sequence[T]) -> None:
        self.records = list(records)
        self.set_rows([[r] for r in self.records])
        self._columns = len(self.columns)

    def record(self, number: int) -> T | None:
        return self.records[number] if 0 <= number < len(self.records) else None

    def text(self, row: int, column: int) -> str:
        value = self.columns[column][1](self.records[row])
        return "" if value is None else str(value)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.records):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.text(index.row(), index.column())
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.columns[section][0]
        return None
