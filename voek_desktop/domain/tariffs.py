"""Household tariff zones in Moscow time (docs/design.md "Tariff zones").

Zones are fixed per number of zones: single-rate T1; two-zone T1 day 07–23, T2 night 23–07;
three-zone T1 peak 07–10 and 17–21, T2 night 23–07, T3 half-peak 10–17 and 21–23. A 30-minute
interval belongs to the zone of its start.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from voek_desktop.domain.time import MSK

SLOTS_PER_DAY = 48  # 30-minute intervals
SLOT = timedelta(minutes=30)


@dataclass(frozen=True)
class Zone:
    code: str  # T1..T4, the meter's register
    name: str  # Russian, for the user
    hours: str  # Moscow time, for the user


SCHEDULES: dict[int, tuple[Zone, ...]] = {
    1: (Zone("T1", "Круглосуточная", "00:00–24:00"),),
    2: (
        Zone("T1", "Дневная", "07:00–23:00"),
        Zone("T2", "Ночная", "23:00–07:00"),
    ),
    3: (
        Zone("T1", "Пиковая", "07:00–10:00, 17:00–21:00"),
        Zone("T2", "Ночная", "23:00–07:00"),
        Zone("T3", "Полупиковая", "10:00–17:00, 21:00–23:00"),
    ),
}


def _slot_table(zones: int) -> tuple[int, ...]:
    table = []
    for slot in range(SLOTS_PER_DAY):
        hour = slot // 2
        if zones == 1:
            table.append(0)
        elif zones == 2:
            table.append(0 if 7 <= hour < 23 else 1)
        elif 7 <= hour < 10 or 17 <= hour < 21:
            table.append(0)
        elif hour >= 23 or hour < 7:
            table.append(1)
        else:
            table.append(2)
    return tuple(table)


# Zone index (0-based: T1 = 0) of each 30-minute slot of a Moscow day, by number of zones.
SLOT_ZONES: dict[int, tuple[int, ...]] = {n: _slot_table(n) for n in SCHEDULES}


def schedule(zones: int) -> tuple[Zone, ...]:
    """The zones of a 1-, 2- or 3-zone tariff; ValueError for anything else."""
    try:
        return SCHEDULES[zones]
    except KeyError:
        raise ValueError(f"unsupported number of tariff zones: {zones}") from None


def zone_at(moment: datetime, zones: int) -> str:
    """The zone (``T1``..) of the 30-minute interval that starts at ``moment``, read in Moscow
    time; a naive ``moment`` is taken as Moscow time already."""
    local = moment.astimezone(MSK) if moment.tzinfo else moment
    slot = local.hour * 2 + (1 if local.minute >= 30 else 0)
    return schedule(zones)[SLOT_ZONES[zones][slot]].code
