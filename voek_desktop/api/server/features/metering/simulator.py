"""The deterministic smart-meter simulator (docs/design.md "Smart-meter data", "Tariff zones",
"Demo data").

Everything here is a pure function of a meter's :class:`MeterModel` and the moment asked about:
the same meter and day always give the same numbers, on any machine, in any order of calls.
Energy is kept in whole Wh / varh (ints) so that the zone registers — cumulative sums of the
30-minute profile by zone, stored per day by features/metering/registers.py — equal the profile
sums exactly and the total equals the sum of the zones; the API divides by 1000 only at the edge.

A day is computed at once (48 intervals in plain lists) because archives ask for ~1100 days.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from operator import itemgetter

from voek_desktop.domain.tariffs import SLOT, SLOT_ZONES, SLOTS_PER_DAY
from voek_desktop.domain.time import DAILY_POLL, MSK, moscow_midnight

# The poll's calendar lives with the other rules of time; the routes ask the simulator for it.
from voek_desktop.domain.time import last_poll as last_poll

QUANTITIES = ("A+", "A-", "R+", "R-")
# The daily poll reads yesterday's profile and the registers; its data is "as of" this time.
POLL_TIME = DAILY_POLL


@dataclass(frozen=True)
class MeterModel:
    seed: int
    phases: int  # 1 or 3
    zones: int  # 1, 2 or 3
    start: date  # first Moscow day with a profile (commissioning for smart meters)
    initial_wh: int = 0  # A+ on the register at ``start`` (older meters)


@dataclass(frozen=True)
class _Params:
    level: float  # scale of the household's consumption
    q_ratio: float  # R+ per A+
    solar: bool  # a small rooftop plant: some A− on sunny days


# Half-hourly household load in Wh at level 1.0: night base, a morning rise, an evening peak.
_WEEKDAY_HOURS = [60, 55, 50, 50, 50, 55, 90, 170, 150, 90, 80, 80,
                  85, 85, 80, 85, 110, 170, 260, 300, 290, 240, 180, 110]  # fmt: skip
_WEEKEND_HOURS = [70, 60, 55, 50, 50, 50, 60, 90, 150, 180, 170, 160,
                  170, 160, 150, 150, 160, 200, 270, 300, 280, 240, 190, 120]  # fmt: skip


def _half_hours(hours: list[int]) -> list[float]:
    out = []
    for h in range(24):
        nxt = hours[(h + 1) % 24]
        out += [float(hours[h]), (hours[h] + nxt) / 2.0]
    return out


_WEEKDAY = _half_hours(_WEEKDAY_HOURS)
_WEEKEND = _half_hours(_WEEKEND_HOURS)
_SHAPE_MAX = {id(_WEEKDAY): max(_WEEKDAY), id(_WEEKEND): max(_WEEKEND)}
# Export of a small plant by slot (10:00–16:30), Wh at full sun.
_SOLAR = [0.0] * 20 + [8, 14, 20, 26, 30, 32, 32, 30, 26, 20, 14, 8, 4] + [0.0] * 15


@lru_cache(maxsize=4096)
def _params(seed: int, phases: int) -> _Params:
    rng = random.Random(seed)
    level = 0.7 + 0.8 * rng.random()
    if phases == 3:
        level *= 2.5
    return _Params(level, 0.15 + 0.2 * rng.random(), seed % 4 == 0)


@lru_cache(maxsize=512)
def _jan1(year: int) -> int:
    return date(year, 1, 1).toordinal()


def _day_level(model: MeterModel, day: date) -> tuple[float, list[float], random.Random, int]:
    """The day's scale, its shape, its generator after drawing the scale, the day of the year:
    the part of ``_day_a_plus`` before its 48 draws."""
    p = _params(model.seed, model.phases)
    o = day.toordinal()
    rng = random.Random(model.seed * 1_000_003 + o)
    doy = o - _jan1(day.year)
    season = 1.0 + 0.3 * math.cos(2.0 * math.pi * (doy - 15) / 365.25)  # winter is higher
    daily = p.level * season * (0.85 + 0.3 * rng.random())
    shape = _WEEKEND if (o - 1) % 7 >= 5 else _WEEKDAY  # ordinal 1 was a Monday
    return daily, shape, rng, doy


def _day_a_plus(model: MeterModel, day: date) -> tuple[list[int], random.Random, int]:
    """A+ of the day's 48 intervals, the day's generator as A+ left it, and the day of the
    year: the start of ``day_profile``, alone for whoever needs A+ only (the maximum power)."""
    daily, shape, rng, doy = _day_level(model, day)
    return _draw_a_plus(daily, shape, rng), rng, doy


def _draw_a_plus(daily: float, shape: list[float], rng: random.Random) -> list[int]:
    r = rng.random
    return [int(s * daily * (0.75 + 0.5 * r())) for s in shape]


def day_a_plus_bound(model: MeterModel, day: date) -> float:
    """No interval of ``day`` has more A+ than this (Wh): the day's largest slot at the
    largest draw. A quarter of the cost of the day's A+ (one seeding, one draw instead of 49),
    so the maximum power and the power-limit events look at the few days that can matter.
    Exact, not approximate: each interval is ``int((s · daily) · (0.75 + 0.5 · x))`` with
    0 ≤ x < 1, and IEEE products of non-negative numbers are monotonic, so it is at most
    ``(max(s) · daily) · 1.25``."""
    daily, shape, _, _ = _day_level(model, day)
    return _bound(daily, shape)


def _bound(daily: float, shape: list[float]) -> float:
    return _SHAPE_MAX[id(shape)] * daily * 1.25


def day_a_plus(model: MeterModel, day: date) -> list[int]:
    """A+ of the 48 intervals of ``day``: ``day_profile(model, day)[0]`` at half the cost."""
    return _day_a_plus(model, day)[0]


class Days:
    """Where the maximum power and the events get a day's A+ and its bound: computed each
    time (this class), or remembered (:class:`DayMemo`)."""

    def a_plus(self, model: MeterModel, day: date) -> list[int]:
        return day_a_plus(model, day)

    def bound(self, model: MeterModel, day: date) -> float:
        return day_a_plus_bound(model, day)


class DayMemo(Days):
    """The days of one smart-data answer, remembered: its events and its two months' maximum
    power look at the same ~30 days, and drawing them is what the answer costs (issue 14: the
    first answers after a restart are all computed). A day's A+ goes on from the generator
    its bound left, so a day is seeded once. For one answer only: it grows with every day."""

    def __init__(self) -> None:
        self._levels: dict[tuple[MeterModel, date], tuple[float, list[float], random.Random]] = {}
        self._a_plus: dict[tuple[MeterModel, date], list[int]] = {}

    def _level(self, model: MeterModel, day: date) -> tuple[float, list[float], random.Random]:
        key = (model, day)
        found = self._levels.get(key)
        if found is None:
            daily, shape, rng, _ = _day_level(model, day)
            found = self._levels[key] = (daily, shape, rng)
        return found

    def bound(self, model: MeterModel, day: date) -> float:
        daily, shape, _ = self._level(model, day)
        return _bound(daily, shape)

    def a_plus(self, model: MeterModel, day: date) -> list[int]:
        key = (model, day)
        found = self._a_plus.get(key)
        if found is None:
            # The generator is used here once: the day's A+ is remembered from now on.
            daily, shape, rng = self._level(model, day)
            found = self._a_plus[key] = _draw_a_plus(daily, shape, rng)
        return found


PLAIN_DAYS = Days()


def day_profile(model: MeterModel, day: date) -> tuple[list[int], list[int], list[int], list[int]]:
    """A+, A−, R+, R− of the 48 intervals of the Moscow ``day`` (Wh/varh), whether or not the
    meter had data then; callers cut by ``model.start`` and the poll."""
    p = _params(model.seed, model.phases)
    a_plus, rng, doy = _day_a_plus(model, day)
    r = rng.random
    q = p.q_ratio
    r_plus = [int(a * q * (0.9 + 0.2 * r())) for a in a_plus]
    if p.solar:
        sun = max(0.0, -math.cos(2.0 * math.pi * (doy - 15) / 365.25)) * r()  # summer, cloudy
        a_minus = [int(s * sun) for s in _SOLAR]
        r_minus = [a // 4 for a in a_minus]
    else:
        a_minus = [0] * SLOTS_PER_DAY
        r_minus = [0] * SLOTS_PER_DAY
    return a_plus, a_minus, r_plus, r_minus


@lru_cache(maxsize=512)
def _zone_pickers(zones: int, slots: int) -> tuple[itemgetter, ...]:
    """Per zone, a getter of the values of its slots among the first ``slots`` of a day."""
    table = SLOT_ZONES[zones]
    picks: list[list[int]] = [[] for _ in range(zones)]
    for i in range(slots):
        picks[table[i]].append(i)
    # itemgetter of one index gives the value, not a tuple: one slot or none is a slice.
    return tuple(itemgetter(*p) if len(p) > 1 else _one_or_none(p) for p in picks)


def _one_or_none(picks: list[int]) -> itemgetter:
    return itemgetter(slice(picks[0], picks[0] + 1)) if picks else itemgetter(slice(0, 0))


def zone_sums(model: MeterModel, day: date, slots: int = SLOTS_PER_DAY) -> list[list[int]]:
    """Per quantity, the sums by zone (index 0 = T1) of the first ``slots`` intervals of the day."""
    pickers = _zone_pickers(model.zones, slots)
    return [[sum(pick(values)) for pick in pickers] for values in day_profile(model, day)]


# Shares of a register by zone for the reading an older meter already had at ``start``.
_INITIAL_SHARES = {1: (1.0,), 2: (0.7, 0.3), 3: (0.3, 0.3, 0.4)}


def initial_registers(model: MeterModel) -> list[list[int]]:
    """Per quantity (A+, A−, R+, R−), the zone registers (Wh) at 00:00 of ``model.start``: zero
    for a new meter, the reading an older one already had. Every later day adds its zone sums
    (features/metering/registers.py keeps them)."""
    shares = _INITIAL_SHARES[model.zones]
    a = [int(model.initial_wh * s) for s in shares]
    q = _params(model.seed, model.phases).q_ratio
    r = [int(v * q) for v in a]
    zero = [0] * model.zones
    return [a, list(zero), r, list(zero)]


def intervals(
    model: MeterModel, first: date, last: date, until: datetime
) -> Iterator[tuple[datetime, list[int]]]:
    """(start, [A+, A−, R+, R−]) of each interval of the Moscow days ``first``..``last`` that the
    meter recorded and that ended by ``until``."""
    until_local = until.astimezone(MSK)
    day = max(first, model.start)
    last = min(last, until_local.date())
    while day <= last:
        a_plus, a_minus, r_plus, r_minus = day_profile(model, day)
        midnight = moscow_midnight(day)
        for i in range(SLOTS_PER_DAY):
            start = midnight + SLOT * i
            if start + SLOT > until_local:
                return
            yield start, [a_plus[i], a_minus[i], r_plus[i], r_minus[i]]
        day += timedelta(days=1)


# --- instantaneous values, relay, events -----------------------------------------------------

NOMINAL_VOLTAGE = 230.0
STANDBY_KW = 0.02  # what the meter itself and standby loads draw at the least


def instant_values(model: MeterModel, poll: datetime) -> dict[str, float]:
    """U, I, P, Q, S, cos φ, f at the poll, consistent with the load of the last interval."""
    local = poll.astimezone(MSK)
    day = local.date()
    slot = max(0, (local.hour * 60 + local.minute) // 30 - 1)
    a_plus, a_minus, r_plus, r_minus = day_profile(model, day)
    rng = random.Random(model.seed * 7_919 + day.toordinal() * 48 + slot)
    # P is signed like the meter's own value (Decree 890 asks for active power in both
    # directions, docs/decree-890.md): negative while the meter exports (A− > A+, a rooftop
    # plant at noon). Only its size has a floor, the meter's own standby draw.
    net = (a_plus[slot] - a_minus[slot]) * 2 / 1000.0 * (0.9 + 0.2 * rng.random())
    p = net if abs(net) >= STANDBY_KW else math.copysign(STANDBY_KW, net)
    q = (r_plus[slot] - r_minus[slot]) * 2 / 1000.0 * (0.9 + 0.2 * rng.random())
    s = math.hypot(p, q)
    values: dict[str, float] = {}
    phases = ("A", "B", "C") if model.phases == 3 else ("A",)
    shares = [1.0]
    if model.phases == 3:
        raw = [0.8 + 0.4 * rng.random() for _ in phases]
        shares = [x / sum(raw) for x in raw]
    volts = [NOMINAL_VOLTAGE * (0.97 + 0.06 * rng.random()) for _ in phases]
    currents = []
    for name, share, u in zip(phases, shares, volts, strict=True):
        values[f"U_{name}"] = round(u, 1)
        currents.append(s * share * 1000.0 / u)
    if model.phases == 3:
        for a, b, (ua, ub) in (
            ("A", "B", (volts[0], volts[1])),
            ("B", "C", (volts[1], volts[2])),
            ("C", "A", (volts[2], volts[0])),
        ):
            # Phasors 120° apart: |Ua − Ub| = sqrt(Ua² + Ub² + Ua·Ub).
            values[f"U_{a}{b}"] = round(math.sqrt(ua * ua + ub * ub + ua * ub), 1)
    for name, i in zip(phases, currents, strict=True):
        values[f"I_{name}"] = round(i, 2)
    if model.phases == 3:
        # Unbalance of three currents 120° apart.
        ia, ib, ic = currents
        values["I_N"] = round(
            math.sqrt(max(0.0, ia**2 + ib**2 + ic**2 - ia * ib - ib * ic - ic * ia)), 2
        )
    else:
        values["I_N"] = round(currents[0] * (0.98 + 0.04 * rng.random()), 2)
    values["P"] = round(p, 3)
    values["Q"] = round(q, 3)
    values["S"] = round(s, 3)
    # cos φ = P / S keeps P's sign: negative in export (quadrants II and III), as meters show it.
    values["cos_phi"] = round(p / s, 3) if s else 1.0
    values["f"] = round(49.95 + 0.1 * rng.random(), 2)
    if model.phases == 3:
        _per_phase(values, p, q, shares, volts, rng)
    return values


def _per_phase(
    values: dict[str, float],
    p: float,
    q: float,
    shares: list[float],
    volts: list[float],
    rng: random.Random,
) -> None:
    """P, Q and cos φ of each phase of a three-phase meter (Decree 890: per-phase values,
    docs/decree-890.md). The loads of the phases differ in kind, so P and Q are split with
    shares of their own, each summing to the total exactly; the phase currents follow from the
    phase's S = √(P² + Q²) and U. Drawn after every other value, so those stay as they were."""
    tilt = [0.85 + 0.3 * rng.random() for _ in shares]
    p_w = [share * t for share, t in zip(shares, tilt, strict=True)]
    q_w = [share / t for share, t in zip(shares, tilt, strict=True)]
    p_sum, q_sum = sum(p_w), sum(q_w)
    currents = []
    for name, pw, qw, u in zip(("A", "B", "C"), p_w, q_w, volts, strict=True):
        p_x = p * pw / p_sum
        q_x = q * qw / q_sum
        s_x = math.hypot(p_x, q_x)
        values[f"P_{name}"] = round(p_x, 3)
        values[f"Q_{name}"] = round(q_x, 3)
        values[f"cos_phi_{name}"] = round(p_x / s_x, 3) if s_x else 1.0
        currents.append(s_x * 1000.0 / u)
        values[f"I_{name}"] = round(currents[-1], 2)
    ia, ib, ic = currents
    values["I_N"] = round(
        math.sqrt(max(0.0, ia**2 + ib**2 + ic**2 - ia * ib - ib * ic - ic * ia)), 2
    )


@dataclass(frozen=True)
class EventKind:
    code: str
    name: str  # Russian, SPODES wording
    journal: str


EVENT_KINDS = {
    k.code: k
    for k in (
        EventKind("power_off", "Выключение питания прибора учёта", "Журнал включений/выключений"),
        EventKind("power_on", "Включение питания прибора учёта", "Журнал включений/выключений"),
        EventKind(
            "voltage_high_start",
            "Превышение напряжения более чем на 10 % — начало",
            "Журнал напряжений",
        ),
        EventKind(
            "voltage_high_end",
            "Превышение напряжения более чем на 10 % — окончание",
            "Журнал напряжений",
        ),
        EventKind(
            "voltage_low_start",
            "Снижение напряжения более чем на 10 % — начало",
            "Журнал напряжений",
        ),
        EventKind(
            "voltage_low_end",
            "Снижение напряжения более чем на 10 % — окончание",
            "Журнал напряжений",
        ),
        # Power quality beyond the ±10 % band (ГОСТ 32144-2013 terms, SPODES «Журнал качества
        # сети»): a dip below 90 % or a swell above 110 % lasting 10 ms – 1 min, an
        # interruption below 5 %, the frequency off 50 Hz by more than 0,2 Hz.
        EventKind("voltage_dip_start", "Провал напряжения — начало", "Журнал качества сети"),
        EventKind("voltage_dip_end", "Провал напряжения — окончание", "Журнал качества сети"),
        EventKind("overvoltage_start", "Перенапряжение — начало", "Журнал качества сети"),
        EventKind("overvoltage_end", "Перенапряжение — окончание", "Журнал качества сети"),
        EventKind("interruption_start", "Прерывание напряжения — начало", "Журнал качества сети"),
        EventKind("interruption_end", "Прерывание напряжения — окончание", "Журнал качества сети"),
        EventKind(
            "frequency_deviation_start",
            "Отклонение частоты более чем на 0,2 Гц — начало",
            "Журнал качества сети",
        ),
        EventKind(
            "frequency_deviation_end",
            "Отклонение частоты более чем на 0,2 Гц — окончание",
            "Журнал качества сети",
        ),
        # The 30-minute average power above the permitted maximum (``permitted_kw``).
        EventKind(
            "power_limit_exceeded_start",
            "Превышение максимальной мощности — начало",
            "Журнал контроля мощности",
        ),
        EventKind(
            "power_limit_exceeded_end",
            "Превышение максимальной мощности — окончание",
            "Журнал контроля мощности",
        ),
        EventKind(
            "magnetic_field_start",
            "Воздействие магнитного поля — начало",
            "Журнал внешних воздействий",
        ),
        EventKind(
            "magnetic_field_end",
            "Воздействие магнитного поля — окончание",
            "Журнал внешних воздействий",
        ),
        EventKind("cover_opened", "Вскрытие клеммной крышки", "Журнал внешних воздействий"),
        EventKind(
            "remote_disconnect",
            "Отключение нагрузки дистанционно",
            "Журнал включений/выключений",
        ),
        EventKind(
            "remote_reconnect",
            "Включение нагрузки дистанционно",
            "Журнал включений/выключений",
        ),
    )
}

RELAY_STATES = {
    "connected": "Включено",
    "disconnected": "Отключено",
    "ready_for_reconnection": "Готово к включению",
}

EVENT_DAYS = 30


def events(
    model: MeterModel, poll: datetime, days: int = EVENT_DAYS, memo: Days = PLAIN_DAYS
) -> list[tuple[datetime, str]]:
    """(moment, code) of the events of the ``days`` before the poll, newest first; ``a_plus``:
    where the days' A+ come from (a :class:`DayMemo` when the caller asks for them again)."""
    found: list[tuple[datetime, str]] = []
    poll_local = poll.astimezone(MSK)
    end_day = poll_local.date()
    for back in range(days, -1, -1):
        day = end_day - timedelta(days=back)
        if day < model.start:
            continue
        rng = random.Random(model.seed * 31 + day.toordinal() * 7 + 17)
        midnight = moscow_midnight(day)

        def at(minute: float, midnight: datetime = midnight) -> datetime:
            return midnight + timedelta(minutes=int(minute))

        if rng.random() < 0.08:
            t = rng.random() * 1400
            found += [(at(t), "power_off"), (at(t + 2 + rng.random() * 90), "power_on")]
        if rng.random() < 0.05:
            t = rng.random() * 1380
            kind = "voltage_high" if rng.random() < 0.5 else "voltage_low"
            found += [(at(t), kind + "_start"), (at(t + 1 + rng.random() * 50), kind + "_end")]
        if model.seed % 5 == 0 and rng.random() < 0.03:
            t = rng.random() * 1400
            found += [(at(t), "magnetic_field_start"), (at(t + 5), "magnetic_field_end")]
        if model.seed % 7 == 3 and rng.random() < 0.02:
            found.append((at(rng.random() * 1439), "cover_opened"))
        if model.seed % 6 == 1 and rng.random() < 0.03:
            t = rng.random() * 1300
            found += [
                (at(t), "remote_disconnect"),
                (at(t + 30 + rng.random() * 90), "remote_reconnect"),
            ]
        _quality_events(found, rng, midnight)
        _power_limit_events(found, model, day, midnight, poll_local, memo)
    found = [e for e in found if e[0] <= poll_local]
    found.sort(key=lambda e: e[0], reverse=True)
    return found


def _quality_events(
    found: list[tuple[datetime, str]], rng: random.Random, midnight: datetime
) -> None:
    """A day's power-quality events beyond ±10 % (see EVENT_KINDS), to the second: a dip
    lasts seconds. Drawn after the day's other events, so those stay as they were."""

    def at(second: float) -> datetime:
        return midnight + timedelta(seconds=int(second))

    day_seconds = 86_000
    if rng.random() < 0.06:
        t = rng.random() * day_seconds
        found += [(at(t), "voltage_dip_start"), (at(t + 1 + rng.random() * 58), "voltage_dip_end")]
    if rng.random() < 0.02:
        t = rng.random() * day_seconds
        found += [(at(t), "overvoltage_start"), (at(t + 1 + rng.random() * 20), "overvoltage_end")]
    if rng.random() < 0.02:
        t = rng.random() * day_seconds
        found += [
            (at(t), "interruption_start"),
            (at(t + 1 + rng.random() * 170), "interruption_end"),
        ]
    if rng.random() < 0.01:
        t = rng.random() * day_seconds
        found += [
            (at(t), "frequency_deviation_start"),
            (at(t + 10 + rng.random() * 300), "frequency_deviation_end"),
        ]


def permitted_kw(model: MeterModel) -> float:
    """The maximum power the connection allows (kW, from the grid-connection documents).
    A demo value: 15 kW for a three-phase meter, 7 kW for a single-phase one — except every
    third meter, an older connection granted a little below its winter evening peak, so that
    «превышение максимальной мощности» shows in the demo on cold days."""
    if model.seed % 3 == 0:
        return round(_params(model.seed, model.phases).level * 0.9, 1)
    return 15.0 if model.phases == 3 else 7.0


def _power_limit_events(
    found: list[tuple[datetime, str]],
    model: MeterModel,
    day: date,
    midnight: datetime,
    until: datetime,
    memo: Days = PLAIN_DAYS,
) -> None:
    """Each run of 30-minute intervals whose average power (A+ · 2) is above
    ``permitted_kw``: its start and its end, so the events agree with the profile. Only the
    intervals that ended by ``until`` count: the meter knows an interval's average at its end."""
    limit_wh = permitted_kw(model) * 1000 / 2  # the energy of 30 minutes at the limit
    if memo.bound(model, day) <= limit_wh:
        return  # most days of most meters: not one interval can be over
    a_plus = memo.a_plus(model, day)
    if max(a_plus) <= limit_wh:
        return
    ended = min(SLOTS_PER_DAY, max(0, int((until - midnight) / SLOT)))
    inside = False
    for i in range(ended):
        over = a_plus[i] > limit_wh
        if over != inside:
            code = "power_limit_exceeded_start" if over else "power_limit_exceeded_end"
            found.append((midnight + SLOT * i, code))
            inside = over
    if inside and ended == SLOTS_PER_DAY:
        found.append((midnight + SLOT * SLOTS_PER_DAY, "power_limit_exceeded_end"))


def max_power(
    model: MeterModel, first: date, until: datetime, memo: Days = PLAIN_DAYS
) -> tuple[float, datetime] | None:
    """The largest 30-minute average power (kW) of the intervals from 00:00 of ``first`` that
    ended by ``until``, and the start of its interval (the earliest of equal ones); None
    without an interval. A request pays this once a poll, for two months of days: the days are
    looked at in the order of ``day_a_plus_bound``, and once the best peak found is above the
    next day's bound no later day can beat or equal it, so only a few days' 48 intervals are
    drawn (issue 14: the first answers after a restart are all computed)."""
    until_local = until.astimezone(MSK)
    day = max(first, model.start)
    days: list[tuple[float, date, int]] = []
    while day <= until_local.date():
        ended = min(SLOTS_PER_DAY, int((until_local - moscow_midnight(day)) / SLOT))
        if ended <= 0:
            break
        days.append((memo.bound(model, day), day, ended))
        day += timedelta(days=1)
    if not days:
        return None
    days.sort(key=lambda d: d[0], reverse=True)  # stable: equal bounds stay in day order
    best_wh, best_day, best_slot = -1, days[0][1], 0
    for bound, day, ended in days:
        if bound < best_wh:
            break
        a_plus = memo.a_plus(model, day)
        if ended < SLOTS_PER_DAY:
            a_plus = a_plus[:ended]
        peak = max(a_plus)
        if peak > best_wh or (peak == best_wh and day < best_day):
            best_wh, best_day, best_slot = peak, day, a_plus.index(peak)
    return best_wh * 2 / 1000.0, moscow_midnight(best_day) + SLOT * best_slot


def relay_state(
    model: MeterModel, poll: datetime, found: list[tuple[datetime, str]] | None = None
) -> str:
    """The relay follows the last remote switching event; connected otherwise. ``found``: the
    poll's ``events`` when the caller has them already."""
    for _, code in found if found is not None else events(model, poll):
        if code == "remote_disconnect":
            return "disconnected"
        if code == "remote_reconnect":
            return "connected"
    return "connected"
