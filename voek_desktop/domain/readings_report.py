"""«Отчёт о показаниях» (SPEC §2 item 4, issue 13 item 11): the readings of a meter at the start
and at the end of a period per tariff zone, the consumption per zone, the consumption of each
day and the maximum half-hour power — and, for a company, the same for every meter of a supply
contract (docs/design.md "Readings report").

Plain data and arithmetic, shared by the printed report (printing/readings_report.py), the
workbook (printing/readings_xlsx.py) and the app (reports.py). Energy is kept in whole Wh as
the meter counts it (the API's kWh have three decimals), so that the end reading is exactly the
start reading plus the days' sums and consumption = end − start = Σ days, with no float drift.

A period is what ``GET /meters/{id}/report`` answers: the registers at 00:00 МСК of its first
day and, for each day, the zone sums and the day's largest 30-minute interval. That is enough to
cut any shorter period out of it (:meth:`MeterPeriod.sliced`), which is how a report is built
offline from a period fetched earlier.

Only A+ (active energy, import) has zones here; ``quantity`` names it so that A−, R+ and R−
per zone (issue 13 item 10) can come as further periods of the same meter.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from voek_desktop.domain.time import MSK

MAX_DAYS = 366  # one report covers at most a year (a leap year included)
QUANTITY_NAMES = {
    "A+": "Активная энергия, приём",
    "A-": "Активная энергия, отдача",
    "R+": "Реактивная энергия, приём",
    "R-": "Реактивная энергия, отдача",
}
UNITS = {"A+": "кВт·ч", "A-": "кВт·ч", "R+": "квар·ч", "R-": "квар·ч"}


def to_wh(kwh: float) -> int:
    """kWh with three decimals (the API's unit) → whole Wh."""
    return round(float(kwh) * 1000)


def kwh(wh: int) -> float:
    return wh / 1000


@dataclass(frozen=True)
class ZoneName:
    code: str  # T1..T4
    name: str  # «Ночная»


@dataclass(frozen=True)
class DayUsage:
    day: date  # a Moscow day
    zones: tuple[int, ...]  # Wh per zone, in the order of MeterPeriod.zones
    peak_wh: int  # the day's largest 30-minute interval, Wh
    peak_start: datetime  # when that interval began (aware)

    @property
    def total(self) -> int:
        return sum(self.zones)

    @property
    def peak_kw(self) -> float:
        # Energy of half an hour ×2 is the average power over it: Wh → kW.
        return self.peak_wh * 2 / 1000


@dataclass(frozen=True)
class Peak:
    """The maximum half-hour power of a period: the average power of its largest interval."""

    kw: float
    start: datetime  # aware; the interval is [start, start + 30 min)

    @property
    def end(self) -> datetime:
        return self.start + timedelta(minutes=30)


@dataclass(frozen=True)
class MeterPeriod:
    """A meter's A+ data for the Moscow days ``first``..``last`` (both included)."""

    meter_id: int
    first: date
    last: date
    zones: tuple[ZoneName, ...]
    start: tuple[int, ...]  # registers (Wh) per zone at 00:00 МСК of ``first``
    days: tuple[DayUsage, ...]
    quantity: str = "A+"

    @property
    def end(self) -> tuple[int, ...]:
        """The registers at 24:00 МСК of ``last``: the start plus every day's sums."""
        return tuple(s + sum(d.zones[i] for d in self.days) for i, s in enumerate(self.start))

    @property
    def consumption(self) -> tuple[int, ...]:
        return tuple(e - s for s, e in zip(self.start, self.end, strict=True))

    @property
    def total(self) -> int:
        return sum(self.consumption)

    @property
    def peak(self) -> Peak | None:
        if not self.days:
            return None
        best = max(self.days, key=lambda d: (d.peak_wh, -d.peak_start.timestamp()))
        return Peak(best.peak_kw, best.peak_start)

    def covers(self, first: date, last: date) -> bool:
        return self.first <= first <= last <= self.last

    def sliced(self, first: date, last: date) -> MeterPeriod:
        """The days ``first``..``last`` of this period, the start registers carried forward."""
        if not self.covers(first, last):
            raise ValueError(f"{first}..{last} is not within {self.first}..{self.last}")
        start = list(self.start)
        for d in self.days:
            if d.day < first:
                start = [s + z for s, z in zip(start, d.zones, strict=True)]
        days = tuple(d for d in self.days if first <= d.day <= last)
        return replace(self, first=first, last=last, start=tuple(start), days=days)


@dataclass(frozen=True)
class MeterInfo:
    """What the report says about the meter (from the meter card of the API)."""

    id: int
    title: str  # brand and model
    serial_number: str
    address: str
    tariff_zones: int = 1
    phases: int = 1
    metering_point: str | None = None
    personal_account: str | None = None
    supply_contract: str | None = None


@dataclass(frozen=True)
class MeterReport:
    meter: MeterInfo
    period: MeterPeriod
    # Set when built from data kept from an earlier fetch (no network): when it was fetched.
    fetched_at: str | None = None

    @property
    def first(self) -> date:
        return self.period.first

    @property
    def last(self) -> date:
        return self.period.last


@dataclass(frozen=True)
class Missing:
    """A meter of a contract the report has no figures for, and why (in Russian)."""

    meter: MeterInfo
    reason: str


@dataclass(frozen=True)
class ContractReport:
    """One report per supply contract over all its meters."""

    number: str
    first: date
    last: date
    reports: tuple[MeterReport, ...]
    missing: tuple[Missing, ...] = ()
    signed_on: str | None = None
    organization: str | None = None
    fetched_at: str | None = field(default=None)  # the oldest offline copy used, if any

    @property
    def total(self) -> int:
        return sum(r.period.total for r in self.reports)

    @property
    def peak(self) -> tuple[MeterReport, Peak] | None:
        """The largest of the meters' maximum powers (not their coincident sum, which per-day
        maxima cannot give)."""
        found = [(r, peak) for r in self.reports if (peak := r.period.peak) is not None]
        return max(found, key=lambda rp: rp[1].kw) if found else None


def period_problem(
    first: date | None, last: date | None, earliest: date | None, latest: date | None
) -> tuple[str, str] | None:
    """What is wrong with a chosen period, as (field, Russian message), or None.

    ``earliest``/``latest``: the first day with data (commissioning) and the last complete day
    (the day before the last poll's day, docs/design.md "Archives"). Both the app, next to the
    date fields, and the server (422) say the same."""
    if first is None:
        return "from", "Укажите дату начала периода"
    if last is None:
        return "to", "Укажите дату окончания периода"
    if latest is None or (earliest is not None and earliest > latest):
        return "to", "Данных прибора учёта ещё нет: они появятся после первого полного дня опроса"
    if last < first:
        return "to", "Дата окончания раньше даты начала"
    if earliest is not None and first < earliest:
        return "from", f"Данные есть с {earliest:%d.%m.%Y}"
    if last > latest:
        return "to", f"Данные есть по {latest:%d.%m.%Y} (последние полные сутки)"
    if (last - first).days + 1 > MAX_DAYS:
        return "to", f"Не более {MAX_DAYS} дней в одном отчёте"
    return None


def moscow(moment: datetime) -> datetime:
    return moment.astimezone(MSK)
