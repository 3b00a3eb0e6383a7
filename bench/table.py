"""The 52,600-row archive opened in the app's table (docs/design.md "Targets": ≤ 0.5 s, scrolling
smooth).

    python bench/table.py [--runs 5] [--rows 52600]

Writes a workbook shaped like a downloaded archive (docs/design.md "Archives"; three sheets;
«Профиль 30 мин»: start, end, A+, A−, R+,
R− for three years of 30-minute intervals) with xlsxwriter, then measures, as medians:

- first screen: as the app does it — openpyxl reads in a child process that streams rows back,
         and the table shows the rows read so far; the time from «Открыть в приложении» to a
         painted table with a full screen ("opened in the app's table", docs/design.md "Targets");
- scroll while reading: the time to paint the table after jumping to a random row read so
         far, while the rest of the file still arrives (the GUI must stay smooth meanwhile);
- read:  the whole file, every sheet, into rows (the child's openpyxl parse plus transfer);
- model: all rows go into the app's table model and the QTableView is shown and painted
         (offscreen) — what the GUI thread does once the file is read;
- scroll: the time to paint the table after jumping to a random place (20 jumps a run).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TARGET = 0.5


def write_archive(path: Path, rows: int) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    when = wb.add_format({"num_format": "dd.mm.yyyy hh:mm"})
    energy = wb.add_format({"num_format": "0.000"})
    info = wb.add_worksheet("Сведения")
    profile = wb.add_worksheet("Профиль 30 мин")
    readings = wb.add_worksheet("Показания")
    for r, (k, v) in enumerate(
        [
            ("Прибор учета", "Меркурий 204 ARTM2-02"),
            ("Заводской номер", "44118231"),
            ("Адрес точки учета", "г. Владимир, ул. Большая Московская, д. 1, кв. 1"),
            ("Период", "27.11.2023 – 26.11.2026"),
        ]
    ):
        info.write_string(r, 0, k)
        info.write_string(r, 1, v)
    profile.freeze_panes(1, 0)
    for c, title in enumerate(
        [
            *("Начало интервала (МСК)", "Конец интервала (МСК)", "A+, кВт·ч"),
            *("A−, кВт·ч", "R+, квар·ч", "R−, квар·ч"),
        ]
    ):
        profile.write_string(0, c, title)
    readings.write_row(0, 0, ["Дата", "T1", "T2", "Сумма"])
    start = datetime(2023, 11, 27)
    rnd = random.Random(7)
    total = 0.0
    for i in range(rows):
        t = start + timedelta(minutes=30 * i)
        a = round(0.05 + rnd.random() * 0.3, 3)
        total += a
        profile.write_datetime(i + 1, 0, t, when)
        profile.write_datetime(i + 1, 1, t + timedelta(minutes=30), when)
        profile.write_number(i + 1, 2, a, energy)
        profile.write_number(i + 1, 3, 0.0, energy)
        profile.write_number(i + 1, 4, round(a * 0.3, 3), energy)
        profile.write_number(i + 1, 5, 0.0, energy)
        if i % 48 == 0:
            r = i // 48 + 1
            readings.write_datetime(r, 0, t, when)
            readings.write_row(r, 1, [total * 0.7, total * 0.3, total])
    wb.close()


def first_screen(app, path: Path) -> tuple[float, list[float]]:
    import threading

    from voek_desktop.archive_reader import read_workbook
    from voek_desktop.ui.metering.archive_table import PROFILE_SHEET, make_table, show_sheet

    sink: list = []
    t0 = time.perf_counter()
    reader = threading.Thread(target=read_workbook, args=(path, None, None, sink))
    reader.start()
    view, model = make_table()
    view.resize(900, 600)
    while True:
        sheet = next((s for s in sink if s.name == PROFILE_SHEET), None)
        if sheet is not None and len(sheet.rows) >= 40:
            break
        time.sleep(0.005)
    show_sheet(view, model, sheet)
    view.show()
    view.repaint()
    app.processEvents()
    elapsed = time.perf_counter() - t0
    scrolls = []
    rnd = random.Random(2)
    while reader.is_alive() and len(scrolls) < 200:
        model.grow_to(len(sheet.rows))
        s = time.perf_counter()
        view.scrollTo(model.index(rnd.randrange(model.rowCount()), 0))
        view.viewport().repaint()
        app.processEvents()
        scrolls.append(time.perf_counter() - s)
        time.sleep(0.01)
    reader.join()
    view.close()
    view.deleteLater()
    app.processEvents()
    return elapsed, scrolls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rows", type=int, default=52_600)
    args = parser.parse_args()

    from PySide6.QtWidgets import QApplication

    from voek_desktop.archive_reader import read_workbook
    from voek_desktop.ui.metering.archive_table import PROFILE_SHEET, make_table, show_sheet

    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "archive.xlsx"
        t0 = time.perf_counter()
        write_archive(path, args.rows)
        print(
            f"workbook: {args.rows} profile rows, {path.stat().st_size / 1e6:.1f} MB,"
            f" written in {time.perf_counter() - t0:.2f} s"
        )

        reads, models, opens, scrolls, firsts, loading = [], [], [], [], [], []
        for _ in range(args.runs):
            first, during = first_screen(app, path)
            firsts.append(first)
            loading.extend(during)
            t0 = time.perf_counter()
            sheets = read_workbook(path)
            t1 = time.perf_counter()
            sheet = next(s for s in sheets if s.name == PROFILE_SHEET)
            assert len(sheet.rows) == args.rows, len(sheet.rows)
            view, model = make_table()
            view.resize(900, 600)
            show_sheet(view, model, sheet)
            view.show()
            view.repaint()
            app.processEvents()
            t2 = time.perf_counter()
            reads.append(t1 - t0)
            models.append(t2 - t1)
            opens.append(t2 - t0)
            rnd = random.Random(1)
            for _ in range(20):
                row = rnd.randrange(len(sheet.rows))
                s = time.perf_counter()
                view.scrollTo(model.index(row, 0))
                view.viewport().repaint()
                app.processEvents()
                scrolls.append(time.perf_counter() - s)
            view.close()
            view.deleteLater()
            app.processEvents()

    med = statistics.median

    def p95(values: list[float]) -> float:
        return sorted(values)[max(0, int(len(values) * 0.95) - 1)]

    print(f"first screen (as the app):         median {med(firsts):.3f} s  (target ≤ {TARGET} s)")
    print(
        f"scroll while the rest is read:     median {med(loading) * 1000:.1f} ms,"
        f" p95 {p95(loading) * 1000:.1f} ms ({len(loading)} jumps)"
    )
    print(f"read, whole file (child process):  median {med(reads):.3f} s")
    print(f"model ready + table painted (GUI): median {med(models):.3f} s")
    print(f"whole file read + model:           median {med(opens):.3f} s")
    print(
        f"scroll, repaint after a jump:      median {med(scrolls) * 1000:.1f} ms,"
        f" p95 {p95(scrolls) * 1000:.1f} ms (a frame at 60 Hz: 16.7 ms)"
    )


if __name__ == "__main__":
    main()
