"""Reading a downloaded archive for the app's table: a child process streams the rows back."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import xlsxwriter

from voek_desktop.api.errors import TransferCancelled
from voek_desktop.archive_reader import WorkbookError, read_workbook

START = datetime(2026, 1, 1)


def _write(path: Path, rows: int, padding: int = 0) -> None:
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    info = wb.add_worksheet("Сведения")
    info.write_string(0, 0, "Прибор учёта")
    info.write_string(0, 1, "=1+1")
    profile = wb.add_worksheet("Профиль 30 мин")
    when = wb.add_format({"num_format": "dd.mm.yyyy hh:mm"})
    profile.write_row(0, 0, ["Начало", "A+, кВт·ч"])
    for i in range(rows):
        profile.write_datetime(i + 1, 0, START + timedelta(minutes=30 * i), when)
        profile.write_number(i + 1, 1, i / 1000)
    for i in range(padding):  # an empty formatted row, as some writers pad a sheet
        profile.write_blank(rows + 1 + i, 0, None, when)
    wb.close()


def test_every_sheet_comes_back_with_its_rows_and_types(tmp_path: Path) -> None:
    path = tmp_path / "archive.xlsx"
    _write(path, 5000, padding=3)
    progress: list[tuple[int, int | None]] = []
    sheets = read_workbook(path, lambda done, total: progress.append((done, total)))
    assert [s.name for s in sheets] == ["Сведения", "Профиль 30 мин"]
    info, profile = sheets
    assert info.rows == [["Прибор учёта", "=1+1"]]
    assert profile.headers == ["Начало", "A+, кВт·ч"]
    assert len(profile.rows) == 5000  # the padding is gone
    assert profile.rows[0] == [datetime(2026, 1, 1, 0, 0), 0]
    assert profile.rows[-1] == [START + timedelta(minutes=30 * 4999), 4.999]
    assert progress[-1][0] == progress[-1][1]
    assert [done for done, _ in progress] == sorted(done for done, _ in progress)


def test_the_first_rows_arrive_before_the_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "archive.xlsx"
    _write(path, 40_000)
    sink: list = []
    seen_while_reading: list[int] = []
    reader = threading.Thread(target=read_workbook, args=(path, None, None, sink))
    reader.start()
    while reader.is_alive():
        if len(sink) == 2:
            seen_while_reading.append(len(sink[1].rows))
        time.sleep(0.01)
    reader.join()
    assert len(sink[1].rows) == 40_000
    assert any(0 < n < 40_000 for n in seen_while_reading)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a workbook at all", "файл повреждён или не является книгой Excel (.xlsx)"),
        (b"PK\x03\x04 broken zip", "файл повреждён или не является книгой Excel (.xlsx)"),
        (None, "файл не найден"),
    ],
)
def test_a_file_that_is_not_a_workbook_gets_a_russian_message(tmp_path, content, message) -> None:
    path = tmp_path / "archive.xlsx"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(WorkbookError) as exc:
        read_workbook(path)
    assert str(exc.value) == message
    assert isinstance(exc.value, OSError)  # the UI treats it like any file error


def test_cancel_stops_the_child(tmp_path: Path) -> None:
    path = tmp_path / "archive.xlsx"
    _write(path, 40_000)
    cancel = threading.Event()
    with pytest.raises(TransferCancelled):
        read_workbook(path, lambda done, total: cancel.set(), cancel.is_set)
