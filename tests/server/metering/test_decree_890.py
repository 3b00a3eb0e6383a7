"""The Decree 890 values of docs/decree-890.md over real HTTP: per-phase powers of a three-phase
meter, the maximum power of a month against the permitted one and its exceedance events, the
power-quality events beyond ±10 %, the sign of P in export, and A−, R+, R− by zone in the
archive's «Показания» sheet.

The oracles are the profile the same server serves (GET /intervals) and the tariff hour table
of docs/design.md "Tariff zones", not the product's own sums."""

from __future__ import annotations

import io
import itertools
import math
from datetime import date, datetime, timedelta, timezone

import openpyxl
import pytest

from voek_desktop.api.server.features.metering import simulator

MSK = timezone(timedelta(hours=3))
MORNING = datetime(2026, 11, 27, 10, 0, tzinfo=MSK)  # the last poll: 27.11.2026 01:30 МСК
THREE_PHASE = 17  # Меркурий 234 ARTM of the demo company, 3 zones, permitted 2,6 kW
SINGLE_PHASE = 2  # Энергомера CE208 of the demo individual, 3 zones


def oracle_zone(hour: int, zones: int) -> int:
    """Index (T1 = 0) of the zone of an interval starting at ``hour`` МСК."""
    if zones == 1:
        return 0
    if zones == 2:
        return 0 if 7 <= hour < 23 else 1
    if 7 <= hour < 10 or 17 <= hour < 21:
        return 0
    if 10 <= hour < 17 or 21 <= hour < 23:
        return 2
    return 1


def smart(mapi, meter: int, who: str = "individual") -> dict:
    resp = mapi.get(f"/meters/{meter}/smart-data", who=who)
    assert resp.status_code == 200, resp.text
    return resp.json()


def company(mapi) -> str:
    mapi.at(MORNING)
    mapi.confirm("company", "ЭС-1001")
    return "company"


def test_three_phase_meter_gives_p_q_and_cos_phi_of_each_phase(mapi):
    data = smart(mapi, THREE_PHASE, company(mapi))
    values = {v["quantity"]: v for v in data["instant"]}
    for phase in "ABC":
        p, q = values[f"P_{phase}"], values[f"Q_{phase}"]
        cos = values[f"cos_phi_{phase}"]
        assert (p["unit"], q["unit"], cos["unit"]) == ("кВт", "квар", "")
        assert p["name"] == f"Активная мощность фазы {phase}"
        s = math.hypot(p["value"], q["value"])
        # What the meter shows must add up: cos φ = P/S, I = S/U for the phase.
        assert cos["value"] == pytest.approx(p["value"] / s, abs=0.003)
        u, i = values[f"U_{phase}"]["value"], values[f"I_{phase}"]["value"]
        assert i == pytest.approx(s * 1000 / u, abs=0.02)
    total = {k: values[k]["value"] for k in ("P", "Q")}
    assert sum(values[f"P_{x}"]["value"] for x in "ABC") == pytest.approx(total["P"], abs=0.003)
    assert sum(values[f"Q_{x}"]["value"] for x in "ABC") == pytest.approx(total["Q"], abs=0.003)
    # The phases are loaded differently, so their power factors differ.
    assert len({values[f"cos_phi_{x}"]["value"] for x in "ABC"}) > 1


def test_single_phase_meter_has_no_per_phase_powers(mapi):
    mapi.at(MORNING)
    quantities = {v["quantity"] for v in smart(mapi, SINGLE_PHASE)["instant"]}
    assert quantities == {"U_A", "I_A", "I_N", "P", "Q", "S", "cos_phi", "f"}


def _month_peak(mapi, meter: int, first: date, last: date, who: str) -> tuple[float, str]:
    items = mapi.get(
        f"/meters/{meter}/intervals",
        who=who,
        params={"from": first.isoformat(), "to": last.isoformat()},
    ).json()["items"]
    best = max(
        items, key=lambda item: (item["a_plus"], -datetime.fromisoformat(item["start"]).timestamp())
    )
    return best["a_plus"] * 2, best["start"]


def test_maximum_power_of_the_month_and_the_one_before_against_the_permitted(mapi):
    who = company(mapi)
    data = smart(mapi, THREE_PHASE, who)
    permitted = data["permitted_power"]
    assert permitted["unit"] == "кВт" and permitted["value"] > 0
    previous, current = data["max_power"]
    assert (previous["period_start"], previous["period_end"]) == ("2026-10-01", "2026-10-31")
    # The poll's month so far: from 00:00 of the 1st to the 01:30 poll of the 27th.
    assert (current["period_start"], current["period_end"]) == ("2026-11-01", "2026-11-27")
    for item, (first, last) in (
        (previous, (date(2026, 10, 1), date(2026, 10, 31))),
        (current, (date(2026, 11, 1), date(2026, 11, 27))),
    ):
        value, start = _month_peak(mapi, THREE_PHASE, first, last, who)
        assert item["value"] == pytest.approx(value, abs=1e-6) and item["unit"] == "кВт"
        assert item["interval_start"] == start
        end = datetime.fromisoformat(item["interval_end"])
        assert end - datetime.fromisoformat(start) == timedelta(minutes=30)
        assert item["exceeds_permitted"] == (value > permitted["value"])
    assert current["exceeds_permitted"]  # a cold November evening of this demo meter


def test_exceeding_the_permitted_power_is_an_event_at_each_interval_above_it(mapi):
    who = company(mapi)
    data = smart(mapi, THREE_PHASE, who)
    limit = data["permitted_power"]["value"]
    items = mapi.get(
        f"/meters/{THREE_PHASE}/intervals",
        who=who,
        params={"from": "2026-10-28", "to": "2026-11-27"},
    ).json()["items"]
    over = {datetime.fromisoformat(i["start"]): i["a_plus"] * 2 > limit for i in items}
    events = sorted(
        (e for e in data["events"] if e["code"].startswith("power_limit_exceeded")),
        key=lambda e: e["at"],
    )
    assert events, "the demo meter goes above its permitted power in November"
    for event in events:
        assert event["journal"] == "Журнал контроля мощности"
        at = datetime.fromisoformat(event["at"])
        before = at - timedelta(minutes=30)
        if event["code"] == "power_limit_exceeded_start":
            assert event["name"] == "Превышение максимальной мощности — начало"
            assert over[at] and not over.get(before, False)
        else:
            assert event["name"] == "Превышение максимальной мощности — окончание"
            assert over[before] and not over.get(at, False)
    # Every interval above the limit since the window opened is inside a start..end pair.
    window = datetime.fromisoformat(events[0]["at"])
    starts = sum(1 for e in events if e["code"] == "power_limit_exceeded_start")
    runs = 0
    previous = False
    for start in sorted(over):
        if start < window:
            continue
        runs += over[start] and not previous
        previous = over[start]
    assert starts == runs


def test_power_quality_events_beyond_ten_percent_are_journaled(mapi):
    mapi.at(MORNING)
    data = smart(mapi, SINGLE_PHASE)
    quality = [e for e in data["events"] if e["journal"] == "Журнал качества сети"]
    codes = {e["code"] for e in quality}
    assert {"voltage_dip_start", "voltage_dip_end"} <= codes
    names = {e["name"] for e in quality}
    assert "Провал напряжения — начало" in names
    # A dip is shorter than a minute (ГОСТ 32144-2013: 10 ms – 1 min): end after start, < 60 s.
    starts = sorted(
        datetime.fromisoformat(e["at"]) for e in quality if e["code"] == "voltage_dip_start"
    )
    ends = sorted(
        datetime.fromisoformat(e["at"]) for e in quality if e["code"] == "voltage_dip_end"
    )
    for start, end in zip(starts, ends, strict=False):
        assert timedelta(0) < end - start < timedelta(seconds=60)
    # The ±10 % ones keep their journal.
    for e in data["events"]:
        if e["code"].startswith(("voltage_high", "voltage_low")):
            assert e["journal"] == "Журнал напряжений"


def test_active_power_is_negative_while_the_meter_exports():
    """A rooftop plant's meter at noon, when A− of the interval exceeds A+: P and cos φ are
    negative (no floor at +0,02 kW), and |P| still follows the interval's net energy."""
    model = simulator.MeterModel(seed=316, phases=1, zones=1, start=date(2022, 1, 1))
    day = date(2026, 7, 15)
    a_plus, a_minus, _, _ = simulator.day_profile(model, day)
    assert a_minus[24] > a_plus[24]  # 12:00–12:30 МСК
    values = simulator.instant_values(model, datetime(2026, 7, 15, 12, 30, tzinfo=MSK))
    net = (a_plus[24] - a_minus[24]) * 2 / 1000
    assert values["P"] < 0 and values["cos_phi"] < 0
    assert abs(values["P"]) == pytest.approx(max(abs(net), 0.02), rel=0.11)
    assert values["S"] == pytest.approx(math.hypot(values["P"], values["Q"]), abs=0.002)
    # Consuming, it is positive as before.
    values = simulator.instant_values(model, datetime(2026, 7, 15, 20, 30, tzinfo=MSK))
    assert values["P"] > 0


def test_archive_readings_have_a_minus_r_plus_r_minus_by_zone(mapi):
    mapi.at(datetime(2026, 3, 10, 12, 0, tzinfo=MSK))
    created = mapi.post(
        f"/meters/{SINGLE_PHASE}/archive-requests",
        json={"period_start": "2026-02-25", "period_end": "2026-03-03"},
    )
    assert created.status_code == 201, created.text
    mapi.at(datetime(2026, 3, 11, 0, 0, tzinfo=MSK))
    mapi.run_jobs()
    content = mapi.get(f"/archive-requests/{created.json()['id']}/file").content
    wb = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    rows = list(wb["Показания"].iter_rows(values_only=True))
    header = rows[0]
    zones = ("T1 (Пиковая)", "T2 (Ночная)", "T3 (Полупиковая)")
    # The known columns keep their places; the new ones follow.
    assert header[1:8] == (
        *(f"A+ {z}, кВт·ч" for z in zones),
        "A+ сумма, кВт·ч",
        "A− сумма, кВт·ч",
        "R+ сумма, квар·ч",
        "R− сумма, квар·ч",
    )
    assert header[8:] == (
        *(f"A− {z}, кВт·ч" for z in zones),
        *(f"R+ {z}, квар·ч" for z in zones),
        *(f"R− {z}, квар·ч" for z in zones),
    )
    column = {title: i for i, title in enumerate(header)}
    profile = list(wb["Профиль 30 мин"].iter_rows(min_row=2, values_only=True))
    sums: dict[tuple[date, int, int], float] = {}
    for start, _end, *energies in profile:
        for q, value in enumerate(energies):
            key = (start.date(), q, oracle_zone(start.hour, 3))
            sums[key] = sums.get(key, 0.0) + value
    quantities = ("A+", "A−", "R+", "R−")
    units = ("кВт·ч", "кВт·ч", "квар·ч", "квар·ч")
    for today, tomorrow in itertools.pairwise(rows[1:]):
        day = today[0].date()
        for q, (quantity, unit) in enumerate(zip(quantities, units, strict=True)):
            zone_values = [today[column[f"{quantity} {z}, {unit}"]] for z in zones]
            # Each register's zones add up to its total …
            assert sum(zone_values) == pytest.approx(today[column[f"{quantity} сумма, {unit}"]])
            # … and grow by the day's intervals of that zone.
            for z, name in enumerate(zones):
                grown = tomorrow[column[f"{quantity} {name}, {unit}"]] - zone_values[z]
                assert grown == pytest.approx(sums.get((day, q, z), 0.0), abs=1e-6)
    # The solar-free demo meter still has R+ growing by zone: the new columns are not zeros.
    assert rows[-1][column["R+ T1 (Пиковая), квар·ч"]] > rows[1][column["R+ T1 (Пиковая), квар·ч"]]

    info = {row[0]: row[1] for row in wb["Сведения"].iter_rows(values_only=True)}
    peak = max(profile, key=lambda r: r[2])
    text = info["Максимальная мощность за период"]
    assert text.startswith(f"{peak[2] * 2:.3f}".replace(".", ",") + " кВт")
    assert f"{peak[0]:%d.%m.%Y %H:%M}–{peak[1]:%H:%M} МСК" in text
    assert info["Разрешённая максимальная мощность"].endswith(" кВт")
