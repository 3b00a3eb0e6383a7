"""Tariff zones (docs/design.md "Tariff zones"): the zone of a 30-minute interval by its start in
Moscow time, and the names the meter's tariff gives its zones."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from voek_desktop.domain.tariffs import schedule, zone_at
from voek_desktop.domain.time import MSK


@pytest.mark.parametrize(
    ("hour", "minute", "zones", "zone"),
    [
        (0, 0, 1, "T1"),
        (23, 59, 1, "T1"),
        (6, 30, 2, "T2"),
        (7, 0, 2, "T1"),
        (22, 30, 2, "T1"),
        (23, 0, 2, "T2"),
        (7, 0, 3, "T1"),
        (9, 30, 3, "T1"),
        (10, 0, 3, "T3"),
        (16, 30, 3, "T3"),
        (17, 0, 3, "T1"),
        (20, 30, 3, "T1"),
        (21, 0, 3, "T3"),
        (22, 59, 3, "T3"),
        (23, 0, 3, "T2"),
        (3, 0, 3, "T2"),
    ],
)
def test_zone_of_an_interval_by_its_moscow_start(hour: int, minute: int, zones: int, zone: str):
    assert zone_at(datetime(2026, 3, 2, hour, minute, tzinfo=MSK), zones) == zone


def test_a_utc_moment_is_read_in_moscow_time():
    # 04:00 UTC is 07:00 МСК: the day zone has begun, though it is still night in UTC terms.
    assert zone_at(datetime(2026, 3, 2, 4, 0, tzinfo=UTC), 2) == "T1"
    assert zone_at(datetime(2026, 3, 2, 3, 59, tzinfo=UTC), 2) == "T2"


def test_zone_names_of_each_tariff():
    assert [z.name for z in schedule(2)] == ["Дневная", "Ночная"]
    assert [z.name for z in schedule(3)] == ["Пиковая", "Ночная", "Полупиковая"]
    with pytest.raises(ValueError):
        schedule(4)
