"""The in-app table of a downloaded archive (docs/design.md "Archives"): the server's own writer
makes the file, the app's calamine reader shows it, openpyxl is the strict second reader."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import openpyxl
from PySide6.QtCore import Qt

from voek_desktop.api.server.features.metering import registers, simulator, xlsx
from voek_desktop.domain.time import MSK
from voek_desktop.ui.kit.models import cell_text
from voek_desktop.ui.metering.archive_table import PROFILE_SHEET, WorkbookDialog

WAIT = 30_000
MODEL = simulator.MeterModel(seed=11, phases=1, zones=3, start=date(2022, 6, 2))


def _archive(folder: Path, first: date, last: date) -> Path:
    info = xlsx.ArchiveInfo(
        "Меркурий 204 ARTM2-02", "44118231", "г. Владимир, ул. Большая Московская, д. 1",
        first, last, datetime(2026, 1, 1, 9, 0, tzinfo=MSK),
    )  # fmt: skip
    start = registers.computed(MODEL, first)  # what the server reads from its snapshots
    path, _size, _etag = xlsx.produce(folder, MODEL, info, datetime(2026, 1, 1, tzinfo=MSK), start)
    return path


def _opened(qtbot, ctx, path: Path) -> WorkbookDialog:
    book = WorkbookDialog(ctx, path)
    qtbot.addWidget(book)
    book.show()
    book.load()
    qtbot.waitUntil(lambda: book.complete, timeout=WAIT)
    return book


def test_the_table_shows_what_openpyxl_reads_midnight_rows_too(qtbot, ctx, tmp_path) -> None:
    path = _archive(tmp_path, date(2025, 12, 1), date(2025, 12, 20))
    book = _opened(qtbot, ctx, path)
    strict = openpyxl.load_workbook(path, read_only=True, data_only=True)
    assert [book.sheet_box.itemText(i) for i in range(book.sheet_box.count())] == (
        strict.sheetnames
    )
    for index, ws in enumerate(strict.worksheets):
        book.sheet_box.setCurrentIndex(index)
        expected = [list(r) for r in ws.iter_rows(values_only=True)]
        if ws.title != "Сведения":
            header, expected = expected[0], expected[1:]
            columns = range(book.model.columnCount())
            headers = [book.model.headerData(c, Qt.Orientation.Horizontal) for c in columns]
            assert headers == list(header)
        assert book.model.rowCount() == len(expected), ws.title
        assert book.shown is not None and book.shown.rows == expected, ws.title
        shown = [
            [book.model.text(r, c) for c in range(book.model.columnCount())]
            for r in range(book.model.rowCount())
        ]
        # openpyxl gives a whole number as an int; the table shows the cell's 0.000 format as
        # Excel does, so a column of energies does not switch between «0» and «0,083».
        as_excel = [[float(v) if type(v) is int else v for v in row] for row in expected]
        assert shown == [[cell_text(v) for v in row] for row in as_excel], ws.title
    # Every day's first interval and every daily reading is at 00:00: calamine gives those
    # cells as dates, and the table must not show them without their time.
    book.sheet_box.setCurrentIndex(strict.sheetnames.index(PROFILE_SHEET))
    assert book.model.text(0, 0) == "01.12.2025 00:00"
    assert book.model.text(48, 0) == "02.12.2025 00:00"
    assert book.model.text(47, 1) == "02.12.2025 00:00"
    assert book.status.text() == "Строк: 960"
    assert book.model.text(0, 3) == "0,000"  # A− of a consumer who feeds nothing back
