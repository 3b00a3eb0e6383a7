"""Reading a downloaded archive workbook (.xlsx, docs/design.md "Archives") for the app's own table.

python-calamine (a Rust reader) parses the file on a worker thread of the app. Parsing a sheet
happens in Rust with the interpreter lock released, so the GUI thread paints freely meanwhile;
only turning the parsed cells into Python values holds the lock, a row at a time. That is what
makes the old child process (openpyxl, pure Python, ≈ 1 s for 52,600 rows) unnecessary: the
file is read in ≈ 0.15 s here, while pickling the rows back from a child alone took longer
than that (bench/table.py prints both readers).

Calamine gives a date-formatted cell whose time is 00:00 as a ``date`` and an empty cell inside
the used range as ``""``; both are turned into what the server wrote and openpyxl reads (a
``datetime`` at midnight, ``None``), so a midnight row looks like every other row in the table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any, NamedTuple

from voek_desktop.api.errors import TransferCancelled

INFO_SHEET = "Сведения"
CHUNK = 2048  # rows between a progress report and a look at the cancel flag


class Sheet(NamedTuple):
    name: str
    headers: list[str]
    rows: list[list[Any]]


class WorkbookError(OSError):
    """The file cannot be read as a workbook; the message is for the user, in lower case to
    follow «Не удалось прочитать файл: »."""


Progress = Callable[[int, int | None], None]


def read_workbook(
    path: str | Path,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    sink: list[Sheet] | None = None,
) -> list[Sheet]:
    """Every sheet of ``path``; the first row of a table sheet is its header. Run it on a
    worker thread (ui/kit/tasks.py).

    With ``sink``, each sheet is appended to it as soon as its header is known and its rows
    list grows while the rest is converted, so the GUI can show the first rows at once
    (appending to a list is atomic; the GUI only looks at rows it has been told about)."""
    import python_calamine as calamine  # the app's start-up does not need it

    sheets = sink if sink is not None else []
    try:
        open(path, "rb").close()  # calamine names neither a missing file nor a denied one
        workbook = calamine.CalamineWorkbook.from_path(str(path))
    except FileNotFoundError:
        raise WorkbookError("файл не найден") from None
    except PermissionError:
        raise WorkbookError("нет доступа к файлу") from None
    except (calamine.CalamineError, ValueError, OSError):
        raise WorkbookError("файл повреждён или не является книгой Excel (.xlsx)") from None
    try:
        done = 0
        for name in workbook.sheet_names:
            try:
                parsed = workbook.get_sheet_by_name(name)
            except (calamine.CalamineError, ValueError):
                raise WorkbookError("файл повреждён или не является книгой Excel (.xlsx)") from None
            total = done + (parsed.total_height or 0)
            rows = _rows(parsed)
            info = name == INFO_SHEET
            headers = ["Параметр", "Значение"]
            if not info:
                first = next(rows, None)
                headers = ["" if v is None else str(v) for v in first or ()]
                done += 1
            sheet = Sheet(name, headers, [])
            sheets.append(sheet)
            count = kept = 0
            chunk: list[list[Any]] = []
            for row in rows:
                chunk.append(row)
                count += 1
                if any(v is not None for v in row):
                    kept = count
                if len(chunk) >= CHUNK:
                    sheet.rows.extend(chunk)
                    chunk = []
                    if cancelled is not None and cancelled():
                        raise TransferCancelled()
                    if progress is not None:
                        progress(done + count, total)
            sheet.rows.extend(chunk)
            if kept < count:  # trailing empty rows are how some writers pad a sheet
                del sheet.rows[kept:]
            done += count
        if progress is not None:
            progress(done, done)
        return sheets
    finally:
        workbook.close()


def _rows(sheet: Any) -> Iterator[list[Any]]:
    """The sheet's rows from A1 on, with openpyxl's values (see the module's docstring)."""
    # iter_rows gives the rows from the first one, but each from the first used column only.
    pad = [None] * (sheet.start or (0, 0))[1]
    plain_date, midnight = date, datetime
    for row in sheet.iter_rows():
        for i, v in enumerate(row):
            if v == "":
                row[i] = None
            elif type(v) is plain_date:
                row[i] = midnight(v.year, v.month, v.day)
        yield pad + row if pad else row
