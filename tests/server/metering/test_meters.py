"""Meters, smart-meter data and the 30-minute profile (docs/design.md
"Metering", "Smart-meter data", "Tariff zones").

The zone checks use an oracle written from the hour table of docs/design.md
"Tariff zones", not the product's slot table."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from voek_desktop.api.server.features.metering import registers, simulator

MSK = timezone(timedelta(hours=3))
SINGLE_PHASE_SMART = 1  # Милур 107, 2 zones
THREE_ZONE_SMART = 2  # Энергомера CE208, 1 phase
THREE_PHASE = 17  # Меркурий 234 ARTM, company, 3 zones


def oracle_zone(start: datetime, zones: int) -> str:
    """The tariff-zone rule read literally: the zone of an interval is the zone of its start,
    Moscow time."""
    h = start.astimezone(MSK).hour
    if zones == 1:
        return "T1"
    if zones == 2:
        return "T1" if 7 <= h < 23 else "T2"
    if 7 <= h < 10 or 17 <= h < 21:
        return "T1"
    if 10 <= h < 17 or 21 <= h < 23:
        return "T3"
    return "T2"


def test_meter_card(shared_mapi):
    meter = shared_mapi.get(f"/meters/{THREE_ZONE_SMART}").json()
    assert {
        "id",
        "brand",
        "model",
        "serial_number",
        "address",
        "phases",
        "tariff_zones",
        "readings_date",
        "readings",
        "is_smart",
        "commissioned_at",
    } <= set(meter)
    assert (meter["brand"], meter["model"]) == ("Энергомера", "CE208")
    assert meter["is_smart"] and meter["commissioned_at"].startswith("2022-")
    assert [(r["zone"], r["name"]) for r in meter["readings"]] == [
        ("T1", "Пиковая"),
        ("T2", "Ночная"),
        ("T3", "Полупиковая"),
    ]
    assert date.fromisoformat(meter["readings_date"]).day == 1


def test_smart_data_of_a_single_phase_meter(shared_mapi):
    data = shared_mapi.get(f"/meters/{SINGLE_PHASE_SMART}/smart-data").json()
    polled = datetime.fromisoformat(data["polled_at"]).astimezone(MSK)
    assert (polled.hour, polled.minute) == (1, 30)
    registers = {(r["quantity"], r["zone"]): r for r in data["registers"]}
    assert set(registers) == {
        (q, z) for q in ("A+", "A-", "R+", "R-") for z in ("total", "T1", "T2")
    }
    for q in ("A+", "A-", "R+", "R-"):
        total = registers[(q, "total")]["value"]
        assert abs(total - registers[(q, "T1")]["value"] - registers[(q, "T2")]["value"]) < 1e-6
        assert registers[(q, "total")]["unit"] == ("кВт·ч" if q[0] == "A" else "квар·ч")
    instant = {v["quantity"]: v for v in data["instant"]}
    assert set(instant) == {"U_A", "I_A", "I_N", "P", "Q", "S", "cos_phi", "f"}
    assert 200 < instant["U_A"]["value"] < 250 and instant["U_A"]["unit"] == "В"
    p, q, s = instant["P"]["value"], instant["Q"]["value"], instant["S"]["value"]
    assert abs(s - (p * p + q * q) ** 0.5) < 0.002
    assert abs(instant["I_A"]["value"] - s * 1000 / instant["U_A"]["value"]) < 0.02
    assert 49.8 < instant["f"]["value"] < 50.2
    assert data["relay"] in ("connected", "disconnected", "ready_for_reconnection")
    for event in data["events"]:
        assert datetime.fromisoformat(event["at"]) <= polled
        assert event["code"] and event["name"][0].isupper()


def test_three_phase_meter_has_line_values(shared_mapi):
    shared_mapi.confirm("company", "ЭС-1001")
    data = shared_mapi.get(f"/meters/{THREE_PHASE}/smart-data", who="company").json()
    instant = {v["quantity"]: v["value"] for v in data["instant"]}
    assert {"U_A", "U_B", "U_C", "U_AB", "U_BC", "U_CA", "I_A", "I_B", "I_C", "I_N"} <= set(instant)
    assert 370 < instant["U_AB"] < 430
    assert len({r["zone"] for r in data["registers"]}) == 4  # total + three zones


def test_smart_data_is_as_of_the_last_poll(mapi):
    mapi.at(datetime(2026, 3, 10, 1, 29, 59, tzinfo=MSK))
    before = mapi.get(f"/meters/{SINGLE_PHASE_SMART}/smart-data").json()
    assert before["polled_at"] == "2026-03-08T22:30:00+00:00"  # 09.03 01:30 МСК
    mapi.at(datetime(2026, 3, 10, 1, 30, tzinfo=MSK))
    after = mapi.get(f"/meters/{SINGLE_PHASE_SMART}/smart-data").json()
    assert after["polled_at"] == "2026-03-09T22:30:00+00:00"
    a_plus = {r["zone"]: r["value"] for r in after["registers"] if r["quantity"] == "A+"}
    earlier = {r["zone"]: r["value"] for r in before["registers"] if r["quantity"] == "A+"}
    assert a_plus["total"] > earlier["total"]
    # Same meter, same moment: the same numbers.
    assert mapi.get(f"/meters/{SINGLE_PHASE_SMART}/smart-data").json() == after


def test_meter_card_follows_the_registry_and_the_poll(mapi):
    """The card is kept per poll as it was sent (features/metering/meters.py): a changed
    metering point, a replaced meter and the next month's readings show at once."""
    mapi.at(datetime(2026, 3, 31, 12, 0, tzinfo=MSK))
    march = mapi.get(f"/meters/{THREE_ZONE_SMART}").json()
    assert mapi.get(f"/meters/{THREE_ZONE_SMART}").json() == march
    app = mapi.server.app
    with app.db.write() as conn:
        conn.execute(
            "UPDATE metering_points SET address = ? WHERE id ="
            " (SELECT metering_point_id FROM meters WHERE id = ?)",
            ("г. Владимир, ул. Новая, д. 1", THREE_ZONE_SMART),
        )
        conn.execute(
            "UPDATE meters SET serial_number = ? WHERE id = ?", ("ЗАМЕНА-1", THREE_ZONE_SMART)
        )
    changed = mapi.get(f"/meters/{THREE_ZONE_SMART}").json()
    assert changed["address"] == "г. Владимир, ул. Новая, д. 1"
    assert changed["serial_number"] == "ЗАМЕНА-1"
    assert changed["readings"] == march["readings"]
    mapi.at(datetime(2026, 4, 2, 12, 0, tzinfo=MSK))
    april = mapi.get(f"/meters/{THREE_ZONE_SMART}").json()
    assert (march["readings_date"], april["readings_date"]) == ("2026-03-01", "2026-04-01")
    assert sum(r["value"] for r in april["readings"]) > sum(r["value"] for r in march["readings"])


def test_registers_equal_profile_sums_over_http(mapi):
    """Registers at the poll − billing readings at 00:00 of the 1st = the sum of the intervals in
    between, zone by zone, with zones assigned by the docs/design.md "Tariff zones" table."""
    mapi.at(datetime(2026, 3, 20, 12, 0, tzinfo=MSK))
    for meter_id in (SINGLE_PHASE_SMART, THREE_ZONE_SMART):
        meter = mapi.get(f"/meters/{meter_id}").json()
        smart = mapi.get(f"/meters/{meter_id}/smart-data").json()
        assert meter["readings_date"] == "2026-03-01"
        items = mapi.get(
            f"/meters/{meter_id}/intervals", params={"from": "2026-03-01", "to": "2026-03-20"}
        ).json()["items"]
        assert items[-1]["end"] == smart["polled_at"]
        sums: dict[str, float] = {}
        for item in items:
            zone = oracle_zone(datetime.fromisoformat(item["start"]), meter["tariff_zones"])
            sums[zone] = sums.get(zone, 0.0) + item["a_plus"]
        at_poll = {r["zone"]: r["value"] for r in smart["registers"] if r["quantity"] == "A+"}
        for reading in meter["readings"]:
            zone = reading["zone"]
            assert abs(at_poll[zone] - reading["value"] - sums[zone]) < 1e-6, zone


def test_intervals_30min_and_day(shared_mapi):
    path = f"/meters/{SINGLE_PHASE_SMART}/intervals"
    half = shared_mapi.get(path, params={"from": "2025-01-13", "to": "2025-01-14"}).json()
    assert half["step"] == "30min" and len(half["items"]) == 96
    first = half["items"][0]
    assert datetime.fromisoformat(first["start"]) == datetime(2025, 1, 13, tzinfo=MSK)
    assert datetime.fromisoformat(first["end"]) == datetime(2025, 1, 13, 0, 30, tzinfo=MSK)
    assert all(i["a_plus"] > 0 and i["a_minus"] >= 0 and i["r_plus"] >= 0 for i in half["items"])
    # A household: the evening is busier than the small hours.
    by_hour = {datetime.fromisoformat(i["start"]).astimezone(MSK).hour: i for i in half["items"]}
    assert by_hour[19]["a_plus"] > by_hour[3]["a_plus"]
    days = shared_mapi.get(
        path, params={"from": "2025-01-13", "to": "2025-01-14", "step": "day"}
    ).json()
    assert len(days["items"]) == 2
    assert abs(days["items"][0]["a_plus"] - sum(i["a_plus"] for i in half["items"][:48])) < 1e-6
    # Winter is higher than summer.
    summer = shared_mapi.get(
        path, params={"from": "2025-07-01", "to": "2025-07-31", "step": "day"}
    ).json()
    winter = shared_mapi.get(
        path, params={"from": "2025-01-01", "to": "2025-01-31", "step": "day"}
    ).json()
    assert sum(i["a_plus"] for i in winter["items"]) > sum(i["a_plus"] for i in summer["items"])


def test_intervals_window_and_validation(shared_mapi):
    path = f"/meters/{SINGLE_PHASE_SMART}/intervals"
    ok = shared_mapi.get(path, params={"from": "2025-01-01", "to": "2025-04-03", "step": "day"})
    assert ok.status_code == 200 and len(ok.json()["items"]) == 93
    too_long = shared_mapi.get(path, params={"from": "2025-01-01", "to": "2025-04-04"})
    shared_mapi.error(too_long, 422, "validation_failed", {"to"})
    for params, fields in [
        ({"from": "2025-02-01", "to": "2025-01-01"}, {"to"}),
        ({"from": "01.02.2025", "to": "2025-02-02"}, {"from"}),
        ({"to": "2025-02-02"}, {"from"}),
        ({"from": "2025-02-01", "to": "2025-02-02", "step": "hour"}, {"step"}),
        ({"from": "2025-02-30", "to": "9999-12-31"}, {"from"}),
    ]:
        shared_mapi.error(shared_mapi.get(path, params=params), 422, "validation_failed", fields)
    # Far future and before commissioning: nothing, not an error.
    future = shared_mapi.get(path, params={"from": "9999-12-01", "to": "9999-12-31"})
    assert future.status_code == 200 and future.json()["items"] == []
    past = shared_mapi.get(path, params={"from": "2021-01-01", "to": "2021-01-31"})
    assert past.status_code == 200 and past.json()["items"] == []


# --- the simulator as a pure function (property tests) ------------------------------------------

models = st.builds(
    simulator.MeterModel,
    seed=st.integers(0, 10**9),
    phases=st.sampled_from([1, 3]),
    zones=st.sampled_from([1, 2, 3]),
    start=st.dates(date(2022, 1, 1), date(2022, 12, 31)),
    initial_wh=st.sampled_from([0, 12_345_678]),
)


@settings(max_examples=60, deadline=None)
@given(model=models, offset=st.integers(0, 1400), span=st.integers(1, 40))
def test_zone_registers_are_profile_sums(model, offset, span):
    first = model.start + timedelta(days=offset)
    last = first + timedelta(days=span)
    before = registers.computed(model, first)
    after = registers.computed(model, last)
    codes = [f"T{i + 1}" for i in range(model.zones)]
    sums = {(q, z): 0 for q in range(4) for z in codes}
    until = datetime.combine(last, datetime.min.time(), MSK)
    for start, values in simulator.intervals(model, first, last, until):
        zone = oracle_zone(start, model.zones)
        for q, v in enumerate(values):
            sums[(q, zone)] += v
    for q in range(4):
        for i, zone in enumerate(codes):
            assert after[q][i] - before[q][i] == sums[(q, zone)]


@settings(max_examples=30, deadline=None)
@given(model=models, day=st.dates(date(2023, 1, 1), date(2026, 12, 31)))
def test_simulator_is_deterministic(model, day):
    assert simulator.day_profile(model, day) == simulator.day_profile(model, day)
    poll = datetime.combine(day, simulator.POLL_TIME, MSK)
    assert simulator.instant_values(model, poll) == simulator.instant_values(model, poll)
    assert simulator.events(model, poll) == simulator.events(model, poll)
    values = simulator.instant_values(model, poll)
    has_b = "U_B" in values
    assert has_b == (model.phases == 3)
    assert ("U_AB" in values) == (model.phases == 3)


@settings(max_examples=60, deadline=None)
@given(
    model=models,
    offset=st.integers(0, 1400),
    minutes=st.integers(0, 1439),
    span=st.integers(0, 70),
)
def test_max_power_is_the_largest_interval_with_or_without_the_memo(model, offset, minutes, span):
    # The maximum power skips the days whose bound is below the best found (issue 14): it must
    # still be exactly the largest interval, the earliest of equal ones, and the events that
    # share its memo must be the events computed alone.
    until = datetime.combine(model.start + timedelta(days=offset), datetime.min.time(), MSK)
    until += timedelta(minutes=minutes)
    first = (until - timedelta(days=span)).date()
    best = None
    for start, values in simulator.intervals(model, first, until.date(), until):
        if best is None or values[0] > best[0]:
            best = (values[0], start)
    expected = None if best is None else (best[0] * 2 / 1000.0, best[1])
    memo = simulator.DayMemo()
    assert simulator.events(model, until, memo=memo) == simulator.events(model, until)
    assert simulator.max_power(model, first, until, memo) == expected
    assert simulator.max_power(model, first, until) == expected
    for day in (first, until.date()):
        assert max(simulator.day_a_plus(model, day)) <= simulator.day_a_plus_bound(model, day)
