"""A restart keeps the smart-data answers of the poll (issue 14 (a), docs/design.md
"Smart-meter data"): the server that stops in order leaves them beside its files, the next start
takes them back before it listens, and anything not of this poll and this code is computed anew.

A real server over HTTP each time; the in-memory cache is emptied between the two servers, as a
new process would start without it."""

from __future__ import annotations

import json
from pathlib import Path

from voek_desktop.api.server.features.metering import meters

THREE_ZONE_SMART = 2  # Энергомера CE208 of the demo individual


def _smart(make_server, api_for, name: str, cached: bool | None = None) -> tuple[object, dict]:
    srv = make_server(name=name, demo=True, dev=True)
    if cached is not None:  # before the first request: taken back at the start, or not
        assert bool(_cached(THREE_ZONE_SMART)) == cached
    api = api_for(srv)
    resp = api.get(f"/meters/{THREE_ZONE_SMART}/smart-data", token=api.login())
    assert resp.status_code == 200, resp.text
    return srv, resp.json()


def _cached(meter_id: int) -> list[tuple]:
    return [key for key in meters._SMART_CACHE if key[0] == meter_id]


def test_a_restart_serves_the_polls_answers_without_computing_them(
    make_server, api_for, tmp_path: Path
):
    srv, before = _smart(make_server, api_for, "kept")
    srv.stop()
    kept = tmp_path / "files" / meters.ANSWERS_FILE
    assert kept.exists() and kept.stat().st_mode & 0o777 == 0o600
    meters._SMART_CACHE.clear()  # a new process
    _, after = _smart(make_server, api_for, "kept", cached=True)
    assert after == before


def test_answers_of_another_poll_or_code_or_a_damaged_file_are_computed_anew(
    make_server, api_for, tmp_path: Path
):
    srv, before = _smart(make_server, api_for, "stale")
    srv.stop()
    kept = tmp_path / "files" / meters.ANSWERS_FILE
    data = json.loads(kept.read_bytes())
    for damaged in (
        {**data, "version": "an older server"},
        {**data, "poll": "2020-01-01T01:30:00+03:00"},
        {**data, "answers": [["two", [1, 1, 1, "2022-01-01", 0], {}]]},
    ):
        kept.write_text(json.dumps(damaged))
        meters._SMART_CACHE.clear()
        srv, again = _smart(make_server, api_for, "stale", cached=False)
        assert again == before  # computed again, the same
        srv.stop()
    kept.write_bytes(b"\x00not json")
    meters._SMART_CACHE.clear()
    _smart(make_server, api_for, "stale", cached=False)
