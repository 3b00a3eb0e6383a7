"""``GET /meters/{id}/report`` (issue 13 item 11, docs/design.md "Readings report") against the
server's own data over real HTTP: the start and end readings are the registers the meter card
and the smart data show, consumption = end − start = the sum of the 30-minute intervals, zone by
zone (zones from the docs/design.md "Tariff zones" table, not the product's), and the maximum
half-hour power is the largest interval ×2."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

MSK = timezone(timedelta(hours=3))
SINGLE_PHASE_SMART = 1  # Милур 107, 2 zones, account 3300000001
THREE_ZONE_SMART = 2  # Энергомера CE208, 3 zones, account 3300000002
NOT_SMART = 3  # 3300000002
OTHER_ACCOUNT_METER = 4  # 3300000003, not the demo individual's
COMPANY_METER = 17  # ЭС-1001, 3 phases


def oracle_zone(start: datetime, zones: int) -> str:
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


def _zones(items: list[dict]) -> dict[str, float]:
    return {r["zone"]: r["value"] for r in items}


@pytest.mark.parametrize("meter_id", [SINGLE_PHASE_SMART, THREE_ZONE_SMART])
def test_report_numbers_are_the_servers_own(mapi, meter_id):
    mapi.at(datetime(2026, 3, 20, 12, 0, tzinfo=MSK))
    meter = mapi.get(f"/meters/{meter_id}").json()
    resp = mapi.get(f"/meters/{meter_id}/report", params={"from": "2026-02-01", "to": "2026-03-19"})
    assert resp.status_code == 200, resp.text
    report = resp.json()
    assert report["period_start"] == "2026-02-01" and report["period_end"] == "2026-03-19"
    assert report["data_end"] == "2026-03-19"  # the day before the 01:30 poll's day
    assert [z["zone"] for z in report["zones"]] == [r["zone"] for r in meter["readings"]]
    assert datetime.fromisoformat(report["start"]["at"]) == datetime(2026, 2, 1, tzinfo=MSK)
    assert datetime.fromisoformat(report["end"]["at"]) == datetime(2026, 3, 20, tzinfo=MSK)
    start, end = _zones(report["start"]["registers"]), _zones(report["end"]["registers"])

    # The meter card's billing readings (00:00 of the 1st) are a reading inside the period; the
    # intervals from the start up to them and from them to the end add up to both ends.
    intervals = []
    for first, last in (("2026-02-01", "2026-02-28"), ("2026-03-01", "2026-03-19")):
        intervals += mapi.get(
            f"/meters/{meter_id}/intervals", params={"from": first, "to": last}
        ).json()["items"]
    assert len(intervals) == 47 * 48
    sums: dict[str, float] = dict.fromkeys(start, 0.0)
    before_march: dict[str, float] = dict.fromkeys(start, 0.0)
    by_day: dict[date, float] = {}
    for item in intervals:
        moment = datetime.fromisoformat(item["start"])
        zone = oracle_zone(moment, meter["tariff_zones"])
        sums[zone] += item["a_plus"]
        if moment < datetime(2026, 3, 1, tzinfo=MSK):
            before_march[zone] += item["a_plus"]
        day = moment.astimezone(MSK).date()
        by_day[day] = by_day.get(day, 0.0) + item["a_plus"]
    consumption = _zones(report["consumption"])
    billing = {r["zone"]: r["value"] for r in meter["readings"]}
    for zone in start:
        assert abs(end[zone] - start[zone] - consumption[zone]) < 1e-6, zone
        assert abs(consumption[zone] - sums[zone]) < 1e-6, zone
        assert abs(start[zone] + before_march[zone] - billing[zone]) < 1e-6, zone
        assert consumption[zone] > 0

    days = report["days"]
    assert [d["day"] for d in days][:2] == ["2026-02-01", "2026-02-02"] and len(days) == 47
    for d in days:
        assert abs(d["total"] - by_day[date.fromisoformat(d["day"])]) < 1e-6
        assert abs(sum(z["value"] for z in d["zones"]) - d["total"]) < 1e-6

    biggest = max(intervals, key=lambda i: i["a_plus"])
    peak = report["max_power"]
    assert peak["unit"] == "кВт" and abs(peak["value"] - biggest["a_plus"] * 2) < 1e-9
    assert peak["start"] == biggest["start"] and peak["end"] == biggest["end"]


def test_report_end_matches_smart_data_at_the_poll(mapi):
    """The end reading (24:00 of the last complete day) plus the 3 half-hours the 01:30 poll
    brought of today are the registers the smart data show."""
    mapi.at(datetime(2026, 3, 20, 12, 0, tzinfo=MSK))
    report = mapi.get(
        f"/meters/{COMPANY_METER}/report",
        who="company",
        params={"from": "2026-03-01", "to": "2026-03-19"},
    )
    assert report.status_code == 404  # not confirmed yet: as if it did not exist
    mapi.confirm()
    report = mapi.get(
        f"/meters/{COMPANY_METER}/report",
        who="company",
        params={"from": "2026-03-01", "to": "2026-03-19"},
    ).json()
    smart = mapi.get(f"/meters/{COMPANY_METER}/smart-data", who="company").json()
    today = mapi.get(
        f"/meters/{COMPANY_METER}/intervals",
        who="company",
        params={"from": "2026-03-20", "to": "2026-03-20"},
    ).json()["items"]
    assert len(today) == 3
    end = _zones(report["end"]["registers"])
    at_poll = {r["zone"]: r["value"] for r in smart["registers"] if r["quantity"] == "A+"}
    for zone, value in end.items():
        extra = sum(
            i["a_plus"] for i in today if oracle_zone(datetime.fromisoformat(i["start"]), 3) == zone
        )
        assert abs(value + extra - at_poll[zone]) < 1e-6, zone


def test_report_period_is_checked(shared_mapi):
    path = f"/meters/{SINGLE_PHASE_SMART}/report"
    meter = shared_mapi.get(f"/meters/{SINGLE_PHASE_SMART}").json()
    polled = datetime.fromisoformat(meter["last_poll_at"]).astimezone(MSK).date()
    latest = polled - timedelta(days=1)
    commissioned = date.fromisoformat(meter["commissioned_at"])

    def ask(first, last) -> object:
        return shared_mapi.get(path, params={"from": str(first), "to": str(last)})

    ok = ask(latest - timedelta(days=6), latest)
    assert ok.status_code == 200 and len(ok.json()["days"]) == 7
    assert ok.json()["data_start"] == commissioned.isoformat()
    error = shared_mapi.error(ask(latest, polled), 422, "validation_failed", {"to"})
    assert latest.strftime("%d.%m.%Y") in error["fields"]["to"]  # names the last complete day
    error = shared_mapi.error(
        ask(commissioned - timedelta(days=1), latest), 422, "validation_failed", {"from"}
    )
    assert commissioned.strftime("%d.%m.%Y") in error["fields"]["from"]
    shared_mapi.error(ask(latest, latest - timedelta(days=1)), 422, "validation_failed", {"to"})
    shared_mapi.error(ask(latest - timedelta(days=366), latest), 422, "validation_failed", {"to"})
    assert ask(latest - timedelta(days=365), latest).status_code == 200  # 366 days
    shared_mapi.error(
        shared_mapi.get(path, params={"from": "01.02.2026", "to": ""}),
        422,
        "validation_failed",
        {"from", "to"},
    )
    shared_mapi.error(shared_mapi.get(path), 422, "validation_failed", {"from", "to"})


def test_report_of_a_meter_one_may_not_see_or_without_data(shared_mapi):
    params = {"from": "2025-02-01", "to": "2025-02-28"}
    shared_mapi.error(
        shared_mapi.get(f"/meters/{OTHER_ACCOUNT_METER}/report", params=params), 404, "not_found"
    )
    shared_mapi.error(
        shared_mapi.get(f"/meters/{NOT_SMART}/report", params=params), 409, "meter_not_smart"
    )
    shared_mapi.error(shared_mapi.get("/meters/1%2F..%2F2/report", params=params), 404, "not_found")


def test_report_before_the_first_complete_day(mapi):
    """On the day a meter is commissioned no day of it is complete: 409, said in Russian."""
    commissioned = date.fromisoformat(
        mapi.get(f"/meters/{SINGLE_PHASE_SMART}").json()["commissioned_at"]
    )
    mapi.at(datetime.combine(commissioned, datetime.min.time(), MSK) + timedelta(hours=12))
    day = commissioned.isoformat()
    resp = mapi.get(f"/meters/{SINGLE_PHASE_SMART}/report", params={"from": day, "to": day})
    mapi.error(resp, 409, "no_data_yet")
    mapi.at(datetime.combine(commissioned, datetime.min.time(), MSK) + timedelta(days=1, hours=2))
    resp = mapi.get(f"/meters/{SINGLE_PHASE_SMART}/report", params={"from": day, "to": day})
    assert resp.status_code == 200, resp.text
    assert len(resp.json()["days"]) == 1
