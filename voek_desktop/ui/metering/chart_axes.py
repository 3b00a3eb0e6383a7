"""The arithmetic and the words of the consumption charts, without Qt: the value axis in "nice"
steps, how many day or hour labels fit the plot, the hover texts and the notes about data the
daily poll has not brought yet (docs/design.md "Smart-meter data"). ``smart.py`` draws them."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from voek_desktop.domain.formats import format_number
from voek_desktop.domain.time import DAILY_POLL, MSK

POLL = f"{DAILY_POLL:%H:%M} МСК"

# What QtCharts gives a horizontal axis label (qtcharts HorizontalAxis::updateGeometry): the
# axis width divided by (labels + 1), less a 4 px padding on each side; the label's box is the
# text plus a 2 px document margin on each side. A label wider than that is cut to «...».
LABEL_PADDING = 4.0
TEXT_MARGIN = 2.0
LABEL_GAP = 6.0  # between two neighbouring labels, so that they read as two numbers

DAY_STEPS = (1, 2, 3, 5, 7, 10, 15)
HOUR_STEPS = (1, 2, 3, 4, 6, 12)


@dataclass(frozen=True)
class Scale:
    """A value axis from ``minimum`` to ``maximum`` in steps of ``step`` (1, 2 or 5 × 10ᵏ), its
    labels with ``decimals`` digits after the decimal comma."""

    minimum: float
    maximum: float
    step: float
    decimals: int

    def values(self) -> list[float]:
        count = round((self.maximum - self.minimum) / self.step)
        return [round(self.minimum + i * self.step, self.decimals) for i in range(count + 1)]

    def labels(self) -> list[str]:
        return [format_number(v, self.decimals) for v in self.values()]


def nice_scale(low: float, high: float, max_ticks: int = 6) -> Scale:
    """The axis that covers [low, high] with at most ``max_ticks`` ticks on round numbers, with
    just enough decimals that no two labels read the same (0,2; 0,4 — not 0, 0, 1)."""
    if not math.isfinite(low) or not math.isfinite(high):
        low, high = 0.0, 1.0
    if high < low:
        low, high = high, low
    if high - low < 1e-9:
        high = low + (abs(low) or 1.0)  # nothing to scale: one unit of room
    raw = (high - low) / max(1, max_ticks - 1)
    exponent = math.floor(math.log10(raw))
    fraction = raw / 10**exponent
    # A little tolerance: 0.2 computed as 0.20000000000000004 is still a step of 2 × 10⁻¹.
    mantissa = next((m for m in (1, 2, 5) if fraction <= m * (1 + 1e-9)), 10)
    if mantissa == 10:
        mantissa, exponent = 1, exponent + 1
    decimals = max(0, -exponent)
    step = round(mantissa * 10.0**exponent, decimals)
    minimum = round(math.floor(low / step + 1e-9) * step, decimals)
    maximum = round(math.ceil(high / step - 1e-9) * step, decimals)
    return Scale(minimum, maximum, step, decimals)


def label_step(
    plot_width: float, label_width: float, length: float, span: int, steps: Sequence[int]
) -> int:
    """The smallest of ``steps`` at which labels every ``step`` units along an axis of
    ``length`` units (labels at 0, step, … up to ``span``) are drawn whole and apart on a plot
    ``plot_width`` pixels wide; ``label_width`` is the widest label's text, in pixels."""
    box = label_width + 2 * TEXT_MARGIN
    for step in steps:
        labels = span // step + 1
        room = plot_width / (labels + 1) - 2 * LABEL_PADDING  # what Qt lets one label have
        apart = step * plot_width / length  # from one label's centre to the next one's
        if box <= room and box + LABEL_GAP <= apart:
            return step
    return steps[-1]


def day_ticks(days: int, step: int) -> list[int]:
    """The days of a month that carry a label: the 1st and every ``step``-th after it."""
    return list(range(1, days + 1, step))


def kwh(value: float) -> str:
    return f"{format_number(value, 3)} кВт·ч"


def day_tooltip(day: date, zone: str, value: float, day_total: float, until: str | None) -> str:
    """The hover text of one zone's part of a day's bar; ``until`` — the time the data of a day
    still being polled end at."""
    head = f"{day:%d.%m.%Y}" + (f" (данные по {until} МСК)" if until else "")
    return f"{head}\n{zone}: {kwh(value)}\nЗа сутки: {kwh(day_total)}"


def interval_tooltip(start: datetime, zone: str, energy: float) -> str:
    """The hover text of one 30-minute interval: the average power and the energy behind it."""
    local = start.astimezone(MSK)
    end = local + timedelta(minutes=30)
    power = format_number(energy * 2, 3)
    return f"{local:%d.%m.%Y %H:%M}–{end:%H:%M} МСК\n{zone}: {power} кВт\nЭнергия: {kwh(energy)}"


def not_polled(day: date) -> str:
    """The empty state of a day with no data yet."""
    return f"Данные за {day:%d.%m.%Y} ещё не получены — опрос в {POLL}."


def month_not_polled(first: date) -> str:
    return f"Данные за {first:%m.%Y} ещё не получены — опрос ежедневно в {POLL}."


def missing_days(days: Sequence[date]) -> str:
    """The note under a month whose last ``days`` the poll has not brought yet."""
    if not days:
        return ""
    span = f"{days[0]:%d.%m}" if len(days) == 1 else f"{days[0]:%d.%m}–{days[-1]:%d.%m}"
    return f"Данные за {span} ещё не получены — опрос ежедневно в {POLL}."


def partial_day(day: date, until: str) -> str:
    """The note under a day the last poll brought only the beginning of."""
    following = day + timedelta(days=1)
    return (
        f"Данные за {day:%d.%m.%Y} получены по {until} МСК; остальное придёт с опросом"
        f" {following:%d.%m.%Y} в {POLL}."
    )
