"""Where the readings report gets its data (voek_desktop/reports.py, docs/design.md "Readings
report"): a shorter period cut out of a kept answer is exactly what the server answers for that
period; kept answers are the consumer's private files and never a clerk's; a server answer that
does not add up is refused."""

from __future__ import annotations

import copy
import os
import stat
from datetime import date, datetime, timedelta, timezone

import pytest
import requests

from tests import demo
from voek_desktop.api.errors import BadResponse, NetworkError
from voek_desktop.api.metering import report_period
from voek_desktop.reports import ReportSource, clamped
from voek_desktop.session import Session

MSK = timezone(timedelta(hours=3))
NOW = datetime(2026, 3, 20, 12, 0, tzinfo=MSK)


def _at(server, moment: datetime) -> None:
    resp = requests.post(
        f"{server.url}/api/v1/dev/clock", json={"now": moment.isoformat()}, timeout=10
    )
    resp.raise_for_status()


def test_a_slice_of_a_kept_period_is_the_servers_answer_for_it(server, client):
    _at(server, NOW)
    demo.log_in(client)
    whole = report_period(client.meter_report(2, date(2026, 1, 1), date(2026, 3, 19)))
    for first, last in (
        (date(2026, 1, 1), date(2026, 1, 1)),
        (date(2026, 2, 10), date(2026, 3, 19)),
    ):
        asked = report_period(client.meter_report(2, first, last))
        cut = whole.sliced(first, last)
        assert cut == asked
        assert cut.end == asked.end and cut.peak == asked.peak
    with pytest.raises(ValueError):
        whole.sliced(date(2025, 12, 31), date(2026, 1, 5))


@pytest.fixture
def app_dirs(tmp_path, monkeypatch):
    """The app's folders and keyring in the test's own place."""
    import keyring

    from tests.keyrings import MemoryKeyring

    monkeypatch.setenv("VOEK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("VOEK_CONFIG_DIR", str(tmp_path / "config"))
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    yield tmp_path
    keyring.set_keyring(previous)


def test_kept_periods_are_private_and_not_kept_at_a_desk(server, app_dirs):
    _at(server, NOW)
    session = Session(server.url)
    demo.log_in(session)
    meter = session.client.meter(1)
    ReportSource(session).meter_report(meter, date(2026, 3, 1), date(2026, 3, 19))
    cache = session.cache()
    assert cache is not None
    kept = cache.root / "report-1.json"
    assert stat.S_IMODE(os.stat(kept).st_mode) == 0o600
    assert cache.get("report-1")["items"][0]["data"]["period_end"] == "2026-03-19"

    desk = Session(server.url, clerk=True)
    demo.log_in(desk)
    ReportSource(desk).meter_report(desk.client.meter(1), date(2026, 3, 1), date(2026, 3, 19))
    assert desk.cache().get("report-1") is None  # nothing of a visitor for later
    server.stop()
    with pytest.raises(NetworkError):  # and so no report without the network either
        ReportSource(desk).meter_report(meter, date(2026, 3, 1), date(2026, 3, 19))
    session.client.close()
    desk.client.close()


def test_a_report_that_does_not_add_up_is_refused(server, client):
    _at(server, NOW)
    demo.log_in(client)
    good = client.meter_report(1, date(2026, 3, 1), date(2026, 3, 5))
    report_period(good)
    bad_end = copy.deepcopy(good)
    bad_end["end"]["registers"][0]["value"] += 1
    missing_day = copy.deepcopy(good)
    del missing_day["days"][2]
    bad_id = {**copy.deepcopy(good), "meter_id": "1/../2"}
    naive = copy.deepcopy(good)
    naive["days"][0]["max_interval"]["start"] = "2026-03-01T19:00:00"
    for data in (bad_end, missing_day, bad_id, naive, {"items": []}):
        with pytest.raises(BadResponse):
            report_period(data)


def test_a_contracts_meter_is_reported_for_the_days_it_has(server, client):
    _at(server, NOW)
    demo.log_in(client)
    meter = client.meter(1)
    start = date.fromisoformat(meter.commissioned_at)
    assert clamped(meter, start - timedelta(days=30), start + timedelta(days=3)) == (
        start,
        start + timedelta(days=3),
    )
    assert clamped(meter, date(2026, 3, 1), date(2026, 3, 31)) == (
        date(2026, 3, 1),
        date(2026, 3, 19),
    )
    assert clamped(meter, start - timedelta(days=30), start - timedelta(days=1)) is None
    assert clamped(client.meter(3), date(2026, 3, 1), date(2026, 3, 5)) is None  # not smart
