"""The .xlsx writer of archives (docs/design.md "Archives"), written with xlsxwriter in
constant-memory mode.

Rows are produced a day at a time from the simulator and written straight out; the profile and
the daily readings sheets are filled in the same pass (constant-memory mode keeps one row per
sheet in memory, and each sheet streams to its own temporary file). Times are Excel serial numbers
computed directly (Moscow wall-clock time): cheaper than ``write_datetime`` and exactly the same
cell. The file is written under a temporary name in the target folder and renamed into place.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import xlsxwriter

from voek_desktop.api.server.core.files import part_prefix
from voek_desktop.api.server.core.pacing import no_pace
from voek_desktop.api.server.features.metering import simulator
from voek_desktop.domain.tariffs import SLOT_ZONES, SLOTS_PER_DAY, schedule
from voek_desktop.domain.time import MSK, half_hours, moscow_date

SHEET_INFO = "Сведения"
SHEET_PROFILE = "Профиль 30 мин"
SHEET_READINGS = "Показания"
PROFILE_HEADER = [
    "Начало интервала (МСК)",
    "Конец интервала (МСК)",
    "A+, кВт·ч",
    "A−, кВт·ч",
    "R+, квар·ч",
    "R−, квар·ч",
]
_EXCEL_EPOCH = date(1899, 12, 30).toordinal()
_FRACTIONS = [i / SLOTS_PER_DAY for i in range(SLOTS_PER_DAY + 1)]
WORKBOOK_OPTIONS = {
    "constant_memory": True,
    # Belt and braces: text goes through write_string anyway, which never makes a formula.
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}


@dataclass(frozen=True)
class ArchiveInfo:
    meter: str  # brand and model
    serial_number: str
    address: str
    period_start: date
    period_end: date
    generated_at: datetime


def _ddmmyyyy(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def write_workbook(
    path: str | os.PathLike[str],
    model: simulator.MeterModel,
    info: ArchiveInfo,
    until: datetime,
    start_registers: list[list[int]],
    pace: Callable[[], None] = no_pace,
    tmpdir: str | os.PathLike[str] | None = None,
) -> int:
    """Write the archive of ``info.period_start``..``info.period_end`` (Moscow days) from the
    poll at ``until`` to ``path`` (a new file); the number of profile rows.
    ``start_registers``: the registers at 00:00 of ``first_day`` (registers.py); ``pace`` is
    called after each day (core/pacing.py).

    Every day of the file is whole (SPEC §6.5): 48 half-hours and the closing reading at 00:00
    of the next day. A period ending on a day the poll has not completed is refused rather than
    written short (the routes never accept one: domain/time.py ``archive_last_day``)."""
    # The last day whose closing 00:00 is not after ``until``; for the poll at 01:30 МСК, the
    # day before the poll's day (domain/time.py ``last_complete_day``).
    complete = moscow_date(until) - timedelta(days=1)
    if info.period_end > complete:
        raise ValueError(
            f"period end {info.period_end} is after {complete}, the last day complete by {until}"
        )
    if tmpdir is None:
        tmpdir = os.path.dirname(os.path.abspath(path))
    wb = xlsxwriter.Workbook(str(path), {**WORKBOOK_OPTIONS, "tmpdir": str(tmpdir)})
    try:
        bold = wb.add_format({"bold": True})
        header = wb.add_format({"bold": True, "text_wrap": True, "valign": "top"})
        when = wb.add_format({"num_format": "dd.mm.yyyy hh:mm"})
        day_fmt = wb.add_format({"num_format": "dd.mm.yyyy"})
        energy = wb.add_format({"num_format": "0.000"})

        ws_info = wb.add_worksheet(SHEET_INFO)
        ws_profile = wb.add_worksheet(SHEET_PROFILE)
        ws_readings = wb.add_worksheet(SHEET_READINGS)

        ws_info.set_column(0, 0, 24)
        ws_info.set_column(1, 1, 70)
        generated = info.generated_at.astimezone(MSK)
        rows = [
            ("Прибор учёта", info.meter),
            ("Заводской номер", info.serial_number),
            ("Адрес точки учёта", info.address),
            ("Период", f"{_ddmmyyyy(info.period_start)} – {_ddmmyyyy(info.period_end)}"),
            ("Сформирован", generated.strftime("%d.%m.%Y %H:%M") + " МСК"),
            ("Время", "Московское (UTC+3); интервал 30 минут"),
            ("Единицы", "A+, A− — кВт·ч; R+, R− — квар·ч"),
        ]
        for r, (label, value) in enumerate(rows):
            ws_info.write_string(r, 0, label, bold)
            ws_info.write_string(r, 1, value)

        ws_profile.freeze_panes(1, 0)
        ws_profile.set_column(0, 1, 19)
        ws_profile.set_column(2, 5, 12)
        for c, title in enumerate(PROFILE_HEADER):
            ws_profile.write_string(0, c, title, header)

        zones = schedule(model.zones)
        readings_header = ["Дата (00:00 МСК)"]
        readings_header += [f"A+ {z.code} ({z.name}), кВт·ч" for z in zones]
        readings_header += ["A+ сумма, кВт·ч", "A− сумма, кВт·ч", "R+ сумма, квар·ч"]
        readings_header += ["R− сумма, квар·ч"]
        # A−, R+ and R− by zone too (Decree 890: every register by zone, docs/decree-890.md),
        # after the columns readers already know, so their places stay.
        for quantity, unit in (("A−", "кВт·ч"), ("R+", "квар·ч"), ("R−", "квар·ч")):
            readings_header += [f"{quantity} {z.code} ({z.name}), {unit}" for z in zones]
        ws_readings.freeze_panes(1, 1)
        ws_readings.set_column(0, 0, 16)
        ws_readings.set_column(1, len(readings_header) - 1, 16)
        for c, title in enumerate(readings_header):
            ws_readings.write_string(0, c, title, header)

        rows_written, peak = _write_rows(
            ws_profile,
            ws_readings,
            model,
            info,
            (when, day_fmt, energy),
            [list(zones) for zones in start_registers],
            pace,
        )
        # Written last: constant-memory mode wants each sheet's rows in order, not the sheets.
        for r, (label, value) in enumerate(_power_rows(model, peak), start=len(rows)):
            ws_info.write_string(r, 0, label, bold)
            ws_info.write_string(r, 1, value)
    except BaseException:
        wb.close()
        raise
    wb.close()
    return rows_written


def _power_rows(model: simulator.MeterModel, peak: tuple[int, float, int]) -> list[tuple[str, str]]:
    """«Сведения» on power (Decree 890, docs/decree-890.md): the period's largest 30-minute
    average power with its interval, and the maximum the connection allows."""
    wh, serial, slot = peak
    permitted = simulator.permitted_kw(model)
    rows = [("Разрешённая максимальная мощность", f"{_comma(permitted, 1)} кВт")]
    if wh < 0:
        return rows
    start = date.fromordinal(int(serial) + _EXCEL_EPOCH)
    begin = datetime.combine(start, datetime.min.time()) + timedelta(minutes=30 * slot)
    end = begin + timedelta(minutes=30)
    kw = wh * 2 / 1000
    over = " — больше разрешённой" if kw > permitted else ""
    rows.insert(
        0,
        (
            "Максимальная мощность за период",
            f"{_comma(kw, 3)} кВт (средняя за 30 минут {begin:%d.%m.%Y %H:%M}–{end:%H:%M} МСК)"
            + over,
        ),
    )
    return rows


def _comma(value: float, digits: int) -> str:
    return f"{value:.{digits}f}".replace(".", ",")


def _write_rows(
    ws_profile, ws_readings, model, info, formats, regs, pace
) -> tuple[int, tuple[int, float, int]]:
    """The profile and readings rows; (profile rows, (Wh, day serial, slot) of the largest
    A+ interval, Wh −1 when there is none)."""
    when, day_fmt, energy = formats
    last_day = info.period_end
    day = first_day(model, info)
    n_zones = model.zones
    table = SLOT_ZONES[n_zones]
    number = ws_profile.write_number
    reading = ws_readings.write_number
    fractions = _FRACTIONS
    row = 1
    reading_row = 1
    peak: tuple[int, float, int] = (-1, 0.0, 0)
    while day <= last_day + timedelta(days=1):
        midnight_serial = float(day.toordinal() - _EXCEL_EPOCH)
        # The reading at 00:00 of this day, closing the day before.
        ws_readings.write_number(reading_row, 0, midnight_serial, day_fmt)
        col = 1
        for v in regs[0]:
            reading(reading_row, col, v / 1000, energy)
            col += 1
        for q in range(4):
            reading(reading_row, col, sum(regs[q]) / 1000, energy)
            col += 1
        for q in (1, 2, 3):
            for v in regs[q]:
                reading(reading_row, col, v / 1000, energy)
                col += 1
        reading_row += 1
        if day > last_day:
            break
        # The row times below are 00:00 + i/48 of a day: right only for a 24-hour day, which
        # every МСК day is (UTC+3 all year, no 46- or 50-interval days).
        if half_hours(day) != SLOTS_PER_DAY:
            raise ValueError(f"{day} has {half_hours(day)} half-hours in МСК, not 48")
        profile = simulator.day_profile(model, day)
        a_plus, a_minus, r_plus, r_minus = profile
        day_peak = max(a_plus)
        if day_peak > peak[0]:  # the earliest of equal maxima
            peak = (day_peak, midnight_serial, a_plus.index(day_peak))
        slots = SLOTS_PER_DAY
        for i in range(slots):
            number(row, 0, midnight_serial + fractions[i], when)
            number(row, 1, midnight_serial + fractions[i + 1], when)
            number(row, 2, a_plus[i] / 1000, energy)
            number(row, 3, a_minus[i] / 1000, energy)
            number(row, 4, r_plus[i] / 1000, energy)
            number(row, 5, r_minus[i] / 1000, energy)
            row += 1
        for q, values in enumerate(profile):
            sums = regs[q]
            for i in range(slots):
                sums[table[i]] += values[i]
        day += timedelta(days=1)
        pace()
    return row - 1, peak


def first_day(model: simulator.MeterModel, info: ArchiveInfo) -> date:
    """The first day of the archive with data: its registers are ``start_registers``."""
    return max(info.period_start, model.start)


def produce(
    directory: Path,
    model: simulator.MeterModel,
    info: ArchiveInfo,
    until: datetime,
    start_registers: list[list[int]],
    pace: Callable[[], None] = no_pace,
    tag: str = "",
) -> tuple[Path, int, str]:
    """Write the workbook under a temporary name in ``directory`` and rename it to a random
    final name, which starts with ``tag-`` when a tag is given (the job finds the files of its
    earlier, interrupted attempts by it); (path, size, strong ETag). Nothing is left behind on
    failure."""
    directory.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(
        dir=directory, prefix=part_prefix(f"archive-{tag}-"), suffix=".xlsx.part"
    )
    os.close(fd)
    # xlsxwriter's row files (constant_memory) go into a folder of this attempt, named like
    # the .part: a killed worker's are swept with it.
    work = tempfile.mkdtemp(dir=directory, prefix=part_prefix(f"archive-{tag}-"), suffix=".part")
    try:
        write_workbook(tmp, model, info, until, start_registers, pace, work)
        digest = hashlib.sha256()
        with open(tmp, "rb") as fh:
            for chunk in iter(lambda: fh.read(1024 * 1024), b""):
                digest.update(chunk)
        final = directory / ((f"{tag}-" if tag else "") + os.urandom(16).hex() + ".xlsx")
        os.replace(tmp, final)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return final, final.stat().st_size, '"' + digest.hexdigest()[:40] + '"'
