"""The 52,600-row archive opened in the app's table (docs/design.md "Targets": ≤ 0.5 s, scrolling
smooth).

    python bench/table.py [--runs 5]

Writes a 3-year archive with the server's own writer (features/metering/xlsx.py: three sheets,
«Профиль 30 мин» with ≈ 52,600 rows × 6), then measures, as medians, in the same run:

- opened completely (the app): from «Открыть в приложении» to every sheet read into the table's
         model and the table painted: python-calamine on a worker thread, as the app does it;
- first screen: the same, until the first full screen is painted;
- openpyxl: the same file read whole by openpyxl (read-only, values), the reader the app used
         before and the tests' strict second reader; printed with the ratio;
- calamine alone: the bare reader on the same file;
- scroll while reading: the time to paint the table after jumping to a random row read so far
         while the worker thread still reads (the GUI must stay smooth meanwhile);
- pickle: what sending the rows back from a child process would add (dump + load), the price of
         the child the app used to read the file in;
- scroll: the time to paint the table after jumping to a random place (20 jumps a run).
"""

from __future__ import annotations

import argparse
import os
import pickle
import random
import statistics
import sys
import tempfile
import threading
import time
from datetime import date, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TARGET = 0.5


def write_archive(folder: Path) -> tuple[Path, int]:
    from voek_desktop.api.server.features.metering import registers, simulator, xlsx
    from voek_desktop.domain.time import MSK

    model = simulator.MeterModel(seed=2 * 7_919 + 101, phases=1, zones=3, start=date(2022, 6, 2))
    now = datetime(2026, 11, 27, 9, 0, tzinfo=MSK)
    info = xlsx.ArchiveInfo(
        "Энергомера CE208", "011552190004318", "г. Владимир", date(2023, 11, 27),
        date(2026, 11, 26), now,
    )  # fmt: skip
    start = registers.computed(model, date(2023, 11, 27))
    path, _size, _etag = xlsx.produce(
        folder, model, info, datetime(2026, 11, 27, tzinfo=MSK), start
    )
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Профиль 30 мин").height - 1
    return path, rows


def open_in_app(app, path: Path, rows: int) -> tuple[float, float, list[float], list, float]:
    """(first screen, opened completely, repaints while reading, the sheets, the GUI thread's
    longest wait for the interpreter lock while the file was read)."""
    from voek_desktop.archive_reader import read_workbook
    from voek_desktop.ui.metering.archive_table import PROFILE_SHEET, make_table, show_sheet

    sink: list = []
    t0 = time.perf_counter()
    reader = threading.Thread(target=read_workbook, args=(path, None, None, sink))
    reader.start()
    view, model = make_table()
    view.resize(900, 600)
    pause, last = 0.0, time.perf_counter()
    while True:
        sheet = next((s for s in sink if s.name == PROFILE_SHEET), None)
        if sheet is not None and len(sheet.rows) >= 40:
            break
        time.sleep(0.002)
        now = time.perf_counter()
        pause, last = max(pause, now - last - 0.002), now
    show_sheet(view, model, sheet)
    view.show()
    view.repaint()
    app.processEvents()
    first = time.perf_counter() - t0
    scrolls = []
    rnd = random.Random(2)
    while reader.is_alive():
        model.grow_to(len(sheet.rows))
        s = time.perf_counter()
        view.scrollTo(model.index(rnd.randrange(model.rowCount()), 0))
        view.viewport().repaint()
        app.processEvents()
        scrolls.append(time.perf_counter() - s)
        time.sleep(0.002)
        now = time.perf_counter()
        pause, last = max(pause, now - s - scrolls[-1] - 0.002), now
    reader.join()
    model.set_rows(sheet.rows)
    view.viewport().repaint()
    app.processEvents()
    complete = time.perf_counter() - t0
    assert len(sheet.rows) == rows, (len(sheet.rows), rows)
    view.close()
    view.deleteLater()
    app.processEvents()
    return first, complete, scrolls, list(sink), pause


def openpyxl_read(path: Path) -> float:
    from openpyxl import load_workbook

    t0 = time.perf_counter()
    wb = load_workbook(path, read_only=True, data_only=True)
    for ws in wb.worksheets:
        for _ in ws.iter_rows(values_only=True):
            pass
    wb.close()
    return time.perf_counter() - t0


def calamine_read(path: Path) -> float:
    from python_calamine import CalamineWorkbook

    t0 = time.perf_counter()
    wb = CalamineWorkbook.from_path(str(path))
    for name in wb.sheet_names:
        wb.get_sheet_by_name(name).to_python()
    wb.close()
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    from PySide6.QtWidgets import QApplication

    from voek_desktop.ui.metering.archive_table import PROFILE_SHEET, make_table, show_sheet

    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        path, rows = write_archive(Path(tmp))
        print(
            f"workbook (the server's writer): {rows} profile rows,"
            f" {path.stat().st_size / 1e6:.1f} MB, written in {time.perf_counter() - t0:.2f} s"
        )
        firsts, opens, loading, openpyxls, calamines, pickles, scrolls, pauses = (
            [] for _ in range(8)
        )
        for _ in range(args.runs):
            first, complete, during, sheets, pause = open_in_app(app, path, rows)
            pauses.append(pause)
            firsts.append(first)
            opens.append(complete)
            loading.extend(during)
            openpyxls.append(openpyxl_read(path))
            calamines.append(calamine_read(path))
            s = time.perf_counter()
            pickle.loads(pickle.dumps([tuple(s) for s in sheets], pickle.HIGHEST_PROTOCOL))
            pickles.append(time.perf_counter() - s)
            sheet = next(s for s in sheets if s.name == PROFILE_SHEET)
            view, model = make_table()
            view.resize(900, 600)
            show_sheet(view, model, sheet)
            view.show()
            app.processEvents()
            rnd = random.Random(1)
            for _ in range(20):
                s = time.perf_counter()
                view.scrollTo(model.index(rnd.randrange(len(sheet.rows)), 0))
                view.viewport().repaint()
                app.processEvents()
                scrolls.append(time.perf_counter() - s)
            view.close()
            view.deleteLater()
            app.processEvents()

    med = statistics.median

    def p95(values: list[float]) -> float:
        return sorted(values)[max(0, int(len(values) * 0.95) - 1)] if values else 0.0

    print(
        f"opened completely (the app, calamine): median {med(opens):.3f} s  (target ≤ {TARGET} s)"
    )
    print(f"first screen painted:                  median {med(firsts):.3f} s")
    print(
        f"openpyxl, the same file read whole:    median {med(openpyxls):.3f} s"
        f"  (the app opens it in {med(opens) / med(openpyxls):.2f}× that)"
    )
    print(
        f"calamine alone, the same file:         median {med(calamines):.3f} s"
        f"  (openpyxl / calamine = {med(openpyxls) / med(calamines):.1f}×)"
    )
    print(f"a child process would add (pickling):  median {med(pickles):.3f} s")
    print(
        f"GUI thread kept waiting while read:   median {med(pauses) * 1000:.1f} ms,"
        f" worst {max(pauses) * 1000:.1f} ms (the longest sleep(2 ms) overrun)"
    )
    print(
        f"scroll while the rest is read:         median {med(loading) * 1000:.1f} ms,"
        f" p95 {p95(loading) * 1000:.1f} ms, max {max(loading, default=0) * 1000:.1f} ms"
        f" ({len(loading)} jumps)"
    )
    print(
        f"scroll, repaint after a jump:          median {med(scrolls) * 1000:.1f} ms,"
        f" p95 {p95(scrolls) * 1000:.1f} ms (a frame at 60 Hz: 16.7 ms)"
    )


if __name__ == "__main__":
    main()
