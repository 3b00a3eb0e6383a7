"""Archive requests (docs/design.md "Archives"): the rules at their exact boundaries, the job
that produces the workbook the next day (read back with openpyxl), downloads with
Range/If-Range/ETag, and a restart that resumes a pending job."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import unquote

import openpyxl
import pytest

from voek_desktop.api.server import app as app_module

MSK = timezone(timedelta(hours=3))
METER = 1  # demo individual, 3300000001: Милур 107, two zones, smart since 2022-03-14
THREE_ZONES = 2
DAY = datetime(2026, 3, 10, 12, 0, tzinfo=MSK)


def _create(mapi, start: str, end: str, meter: int = METER):
    return mapi.post(
        f"/meters/{meter}/archive-requests", json={"period_start": start, "period_end": end}
    )


def _ready(mapi, start: str = "2026-03-01", end: str = "2026-03-03", meter: int = METER):
    """A request made on DAY and produced by the job at 00:00 МСК of the next day."""
    mapi.at(DAY)
    created = _create(mapi, start, end, meter)
    assert created.status_code == 201, created.text
    mapi.at(datetime(2026, 3, 11, 0, 0, tzinfo=MSK))
    mapi.run_jobs()
    body = mapi.get(f"/archive-requests/{created.json()['id']}").json()
    assert body["status"] == "ready", body
    return body


# --- the period rules -------------------------------------------------------------------------


def test_start_exactly_three_years_back_and_end_on_the_last_complete_day(mapi):
    mapi.at(DAY)  # 10.03.2026 12:00 МСК: the last poll was today at 01:30
    ok = _create(mapi, "2023-03-10", "2026-03-09")
    assert ok.status_code == 201, ok.text
    body = ok.json()
    assert body["status"] == "accepted" and body["editable"] is True
    assert body["period_start"] == "2023-03-10" and body["period_end"] == "2026-03-09"
    assert datetime.fromisoformat(body["editable_until"]) == datetime(2026, 3, 10, 21, tzinfo=MSK)
    assert body["ready_at"] is None and body["file_name"] is None and body["file_size"] is None

    mapi.error(
        _create(mapi, "2023-03-09", "2026-03-09"), 422, "validation_failed", {"period_start"}
    )
    # Today has 3 of its 48 half-hours (the 01:30 poll) and no closing reading.
    error = mapi.error(
        _create(mapi, "2023-03-10", "2026-03-10"), 422, "validation_failed", {"period_end"}
    )
    assert "не позже 09.03.2026" in error["fields"]["period_end"]
    assert "48" in error["fields"]["period_end"]
    assert "11.03.2026 00:00 МСК" in error["fields"]["period_end"]  # when it is produced: ahead
    mapi.error(_create(mapi, "2026-03-05", "2026-03-04"), 422, "validation_failed", {"period_end"})
    assert _create(mapi, "2026-03-04", "2026-03-04").status_code == 201  # one day is a period
    for body in ({}, {"period_start": "10.03.2026", "period_end": 5}, {"period_start": None}):
        resp = mapi.post(f"/meters/{METER}/archive-requests", json=body)
        mapi.error(resp, 422, "validation_failed", {"period_start", "period_end"})


def test_three_years_are_counted_in_moscow_dates(mapi):
    # 22:00 UTC on 9 March is 01:00 on 10 March in Moscow, before the daily poll.
    mapi.at(datetime(2026, 3, 9, 22, 0, tzinfo=UTC))
    assert _create(mapi, "2023-03-10", "2026-03-09").status_code == 201
    mapi.error(
        _create(mapi, "2023-03-09", "2026-03-09"), 422, "validation_failed", {"period_start"}
    )
    # Before today's poll (01:30 МСК) yesterday still lacks its last half-hours, but the file is
    # made at 00:00 tomorrow, after that poll: yesterday is the last day, as later in the day.
    mapi.error(_create(mapi, "2026-03-01", "2026-03-10"), 422, "validation_failed", {"period_end"})
    mapi.at(datetime(2026, 3, 10, 1, 30, tzinfo=MSK))
    assert _create(mapi, "2026-03-01", "2026-03-09").status_code == 201
    mapi.error(_create(mapi, "2026-03-01", "2026-03-10"), 422, "validation_failed", {"period_end"})


def test_change_until_21_00_moscow_time(mapi):
    mapi.at(datetime(2026, 3, 10, 10, 0, tzinfo=MSK))
    rid = _create(mapi, "2026-03-01", "2026-03-02").json()["id"]
    mapi.at(datetime(2026, 3, 10, 20, 59, 59, tzinfo=MSK))
    changed = mapi.patch(f"/archive-requests/{rid}", json={"period_end": "2026-03-05"})
    assert changed.status_code == 200, changed.text
    assert changed.json()["period_end"] == "2026-03-05"
    assert changed.json()["period_start"] == "2026-03-01"
    mapi.error(
        mapi.patch(f"/archive-requests/{rid}", json={"period_start": "2026-03-06"}),
        422,
        "validation_failed",
        {"period_end"},
    )
    mapi.at(datetime(2026, 3, 10, 21, 0, 0, tzinfo=MSK))
    mapi.error(
        mapi.patch(f"/archive-requests/{rid}", json={"period_end": "2026-03-06"}),
        409,
        "archive_request_locked",
    )
    body = mapi.get(f"/archive-requests/{rid}").json()
    assert body["status"] == "locked" and body["editable"] is False
    assert body["period_end"] == "2026-03-05"


def test_ready_only_from_the_next_day(mapi):
    mapi.at(DAY)
    rid = _create(mapi, "2026-03-01", "2026-03-02").json()["id"]
    mapi.error(mapi.get(f"/archive-requests/{rid}/file"), 409, "archive_not_ready")
    mapi.at(datetime(2026, 3, 10, 23, 59, 59, tzinfo=MSK))
    assert mapi.run_jobs() == []
    assert mapi.get(f"/archive-requests/{rid}").json()["status"] == "locked"
    mapi.error(mapi.get(f"/archive-requests/{rid}/file"), 409, "archive_not_ready")
    mapi.at(datetime(2026, 3, 11, 0, 0, 0, tzinfo=MSK))
    mapi.run_jobs()
    body = mapi.get(f"/archive-requests/{rid}").json()
    assert body["status"] == "ready"
    assert datetime.fromisoformat(body["ready_at"]) == datetime(2026, 3, 11, tzinfo=MSK)
    assert body["file_name"].endswith(".xlsx") and body["file_size"] > 0
    mapi.error(
        mapi.patch(f"/archive-requests/{rid}", json={"period_end": "2026-03-03"}),
        409,
        "archive_request_locked",
    )
    assert mapi.run_jobs() == []  # nothing produced twice
    listed = mapi.get("/archive-requests", params={"meter_id": METER}).json()["items"]
    assert [r["id"] for r in listed] == [rid]
    assert mapi.get("/archive-requests", params={"meter_id": THREE_ZONES}).json()["items"] == []


# Where a request made at each moment belongs (SPEC §6.5): (moment МСК, editable until,
# produced at, the last day allowed).
BOUNDARIES = [
    ((2026, 3, 10, 20, 59, 59), (2026, 3, 10, 21), (2026, 3, 11), "2026-03-09"),
    ((2026, 3, 10, 21, 0, 0), (2026, 3, 11, 21), (2026, 3, 12), "2026-03-10"),
    ((2026, 3, 10, 21, 0, 1), (2026, 3, 11, 21), (2026, 3, 12), "2026-03-10"),
    ((2026, 3, 10, 23, 59, 59), (2026, 3, 11, 21), (2026, 3, 12), "2026-03-10"),
    ((2026, 3, 11, 0, 0, 0), (2026, 3, 11, 21), (2026, 3, 12), "2026-03-10"),
]


def test_after_21_00_a_request_belongs_to_the_next_day(mapi):
    for moment, until, produced, last in BOUNDARIES:
        mapi.at(datetime(*moment, tzinfo=MSK))
        resp = _create(mapi, "2026-03-01", last)
        assert resp.status_code == 201, (moment, resp.text)
        body = resp.json()
        assert (body["status"], body["editable"]) == ("accepted", True), moment
        assert datetime.fromisoformat(body["editable_until"]) == datetime(*until, tzinfo=MSK)
        assert datetime.fromisoformat(body["produce_after"]) == datetime(*produced, tzinfo=MSK)
        day_after = (date.fromisoformat(last) + timedelta(days=1)).isoformat()
        mapi.error(_create(mapi, "2026-03-01", day_after), 422, "validation_failed", {"period_end"})
        # The OpenAPI-described terms say the same, for the app's date pickers and texts.
        terms = mapi.get(f"/meters/{METER}/archive-terms").json()
        assert terms["period_end_max"] == last
        assert terms["period_start_min"] == date(2023, *moment[1:3]).isoformat()
        assert datetime.fromisoformat(terms["editable_until"]) == datetime(*until, tzinfo=MSK)
        assert datetime.fromisoformat(terms["produce_after"]) == datetime(*produced, tzinfo=MSK)


def test_a_request_made_at_23_59_59_is_not_produced_a_second_later(mapi):
    mapi.at(datetime(2026, 3, 10, 23, 59, 59, tzinfo=MSK))
    rid = _create(mapi, "2026-03-01", "2026-03-10").json()["id"]
    mapi.at(datetime(2026, 3, 11, 0, 0, 0, tzinfo=MSK))
    assert mapi.run_jobs() == []
    # Still open all the next day, until its 21:00.
    mapi.at(datetime(2026, 3, 11, 20, 59, 59, tzinfo=MSK))
    changed = mapi.patch(f"/archive-requests/{rid}", json={"period_start": "2026-03-04"})
    assert changed.status_code == 200, changed.text
    assert changed.json()["status"] == "accepted"
    mapi.at(datetime(2026, 3, 11, 21, 0, 0, tzinfo=MSK))
    locked = mapi.error(
        mapi.patch(f"/archive-requests/{rid}", json={"period_end": "2026-03-09"}),
        409,
        "archive_request_locked",
    )
    # Names the time still ahead, not the deadline just passed.
    assert "12.03.2026 00:00 МСК" in locked["message"] and "21:00" not in locked["message"]
    not_ready = mapi.error(mapi.get(f"/archive-requests/{rid}/file"), 409, "archive_not_ready")
    assert "12.03.2026 00:00 МСК" in not_ready["message"]
    mapi.at(datetime(2026, 3, 11, 23, 59, 59, tzinfo=MSK))
    assert mapi.run_jobs() == []
    mapi.at(datetime(2026, 3, 12, 0, 0, 0, tzinfo=MSK))
    mapi.run_jobs()
    body = mapi.get(f"/archive-requests/{rid}").json()
    assert body["status"] == "ready", body
    wb = openpyxl.load_workbook(io.BytesIO(mapi.get(f"/archive-requests/{rid}/file").content))
    # The request's last day, 10.03 (today when it was made), is whole in the file.
    assert _rows_per_day(wb) == {date(2026, 3, d): 48 for d in range(4, 11)}
    readings = [r[0] for r in wb["Показания"].iter_rows(min_row=2, values_only=True)]
    assert readings[-1] == datetime(2026, 3, 11)  # the closing reading of 10.03


def _rows_per_day(wb) -> dict[date, int]:
    counts: dict[date, int] = {}
    for start, end, *_ in wb["Профиль 30 мин"].iter_rows(min_row=2, values_only=True):
        assert end - start == timedelta(minutes=30)
        counts[start.date()] = counts.get(start.date(), 0) + 1
    return counts


def test_every_day_of_a_file_has_48_half_hours(mapi):
    # At 12:00 a period ending today would give a file (00:00 tomorrow, from today's 01:30 poll)
    # whose last day has 3 half-hours: refused. Ending yesterday, every day is whole.
    mapi.at(DAY)
    mapi.error(_create(mapi, "2026-03-07", "2026-03-10"), 422, "validation_failed", {"period_end"})
    rid = _create(mapi, "2026-03-07", "2026-03-09").json()["id"]
    mapi.at(datetime(2026, 3, 11, 0, 0, tzinfo=MSK))
    mapi.run_jobs()
    content = mapi.get(f"/archive-requests/{rid}/file").content
    wb = openpyxl.load_workbook(io.BytesIO(content))
    assert _rows_per_day(wb) == {date(2026, 3, d): 48 for d in (7, 8, 9)}
    readings = [r[0] for r in wb["Показания"].iter_rows(min_row=2, values_only=True)]
    assert readings == [datetime(2026, 3, d) for d in (7, 8, 9, 10)]


def _start(model, info):
    """The registers at the archive's first day, as the server reads them from its snapshots."""
    from voek_desktop.api.server.features.metering import registers, xlsx

    return registers.computed(model, xlsx.first_day(model, info))


def test_the_writer_refuses_a_day_the_poll_has_not_completed(tmp_path):
    from voek_desktop.api.server.features.metering import simulator, xlsx

    model = simulator.MeterModel(seed=1, phases=1, zones=2, start=date(2022, 1, 1))
    poll = datetime(2026, 3, 10, 1, 30, tzinfo=MSK)
    info = xlsx.ArchiveInfo("М", "1", "А", date(2026, 3, 9), date(2026, 3, 10), poll)
    with pytest.raises(ValueError, match="2026-03-10"):
        xlsx.produce(tmp_path, model, info, poll, _start(model, info))
    assert list(tmp_path.iterdir()) == []  # nothing half-written left behind
    info = xlsx.ArchiveInfo("М", "1", "А", date(2026, 3, 9), date(2026, 3, 9), poll)
    path, _size, _etag = xlsx.produce(tmp_path, model, info, poll, _start(model, info))
    assert _rows_per_day(openpyxl.load_workbook(path)) == {date(2026, 3, 9): 48}


def test_moscow_days_have_no_dst(tmp_path):
    """МСК is UTC+3 all year: no day of 46 or 50 half-hours, not even on the days Russia changed
    its clocks until 2010 or the days Europe still does."""
    from voek_desktop.api.server.features.metering import simulator, xlsx
    from voek_desktop.domain.time import half_hours

    day = date(2000, 1, 1)
    while day < date(2040, 1, 1):
        assert half_hours(day) == 48, day
        day += timedelta(days=1)
    model = simulator.MeterModel(seed=3, phases=3, zones=3, start=date(2022, 1, 1))
    for first in (date(2025, 3, 29), date(2025, 10, 25)):  # the EU's last Sundays: 30.03, 26.10
        last = first + timedelta(days=2)
        poll = datetime.combine(last + timedelta(days=1), datetime.min.time(), MSK)
        info = xlsx.ArchiveInfo("М", "1", "А", first, last, poll)
        path, _size, _etag = xlsx.produce(tmp_path, model, info, poll, _start(model, info))
        wb = openpyxl.load_workbook(path)
        assert _rows_per_day(wb) == {first + timedelta(days=i): 48 for i in range(3)}
        starts = [r[0] for r in wb["Профиль 30 мин"].iter_rows(min_row=2, values_only=True)]
        assert starts[-1] - starts[0] == timedelta(hours=72) - timedelta(minutes=30)


# --- the workbook ------------------------------------------------------------------------


def test_workbook_sheets_rows_numbers_and_no_formulas(mapi):
    body = _ready(mapi, "2026-03-01", "2026-03-03", THREE_ZONES)
    resp = mapi.get(f"/archive-requests/{body['id']}/file")
    assert resp.status_code == 200
    assert resp.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    assert int(resp.headers["Content-Length"]) == len(resp.content) == body["file_size"]
    wb = openpyxl.load_workbook(io.BytesIO(resp.content))
    assert wb.sheetnames == ["Сведения", "Профиль 30 мин", "Показания"]
    info = {row[0].value: row[1].value for row in wb["Сведения"].iter_rows()}
    assert info["Прибор учёта"] == "Энергомера CE208"
    assert info["Заводской номер"] == "011552190004318"
    assert info["Период"] == "01.03.2026 – 03.03.2026"

    profile = wb["Профиль 30 мин"]
    assert profile.freeze_panes == "A2"
    assert profile.column_dimensions["A"].width > 10
    rows = list(profile.iter_rows(values_only=True))
    assert rows[0][2].startswith("A+")
    assert len(rows) == 1 + 3 * 48
    assert rows[1][0] == datetime(2026, 3, 1, 0, 0) and rows[1][1] == datetime(2026, 3, 1, 0, 30)
    assert rows[-1][1] == datetime(2026, 3, 4, 0, 0)
    for row in profile.iter_rows(min_row=2):
        assert [c.data_type for c in row] == ["d", "d", "n", "n", "n", "n"]  # dates are numbers
        assert all(isinstance(c.value, float | int) for c in row[2:])

    readings = list(wb["Показания"].iter_rows(values_only=True))
    assert readings[0][1:4] == (
        "A+ T1 (Пиковая), кВт·ч",
        "A+ T2 (Ночная), кВт·ч",
        "A+ T3 (Полупиковая), кВт·ч",
    )
    assert [r[0] for r in readings[1:]] == [datetime(2026, 3, d) for d in (1, 2, 3, 4)]
    # The readings at 00:00 differ by the day's profile; total = sum of zones.
    day_sum = sum(r[2] for r in rows[1:49])
    assert readings[2][4] - readings[1][4] == pytest.approx(day_sum, abs=1e-6)
    for r in readings[1:]:
        assert r[4] == pytest.approx(r[1] + r[2] + r[3], abs=1e-6)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate)


def test_text_cannot_become_a_formula(tmp_path):
    from datetime import date

    from voek_desktop.api.server.features.metering import registers, simulator, xlsx

    model = simulator.MeterModel(seed=1, phases=1, zones=1, start=date(2022, 1, 1))
    info = xlsx.ArchiveInfo(
        "=HYPERLINK(\"http://x\")", "+1-1", "@SUM(A1)", date(2024, 1, 1), date(2024, 1, 1),
        datetime(2024, 1, 2, tzinfo=MSK),
    )  # fmt: skip
    start = registers.computed(model, info.period_start)
    path, size, etag = xlsx.produce(tmp_path, model, info, datetime(2024, 1, 2, tzinfo=MSK), start)
    assert path.parent == tmp_path and size == path.stat().st_size and etag.startswith('"')
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left
    wb = openpyxl.load_workbook(path)
    cells = {row[0].value: row[1] for row in wb["Сведения"].iter_rows()}
    assert cells["Прибор учёта"].value == '=HYPERLINK("http://x")'
    assert cells["Прибор учёта"].data_type == "s"
    assert cells["Адрес точки учёта"].data_type == "s"


# --- downloads ------------------------------------------------------------------------------------


@pytest.mark.parametrize("metering_server", ["folder", "db"], indirect=True)
def test_download_headers_ranges_and_etag(mapi):
    body = _ready(mapi)
    path = f"/archive-requests/{body['id']}/file"
    full = mapi.get(path)
    data = full.content
    size = len(data)
    etag = full.headers["ETag"]
    assert etag.startswith('"') and etag.endswith('"')
    assert full.headers["Accept-Ranges"] == "bytes"
    disposition = full.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    ascii_name = re.search(r'filename="([^"]+)"', disposition).group(1)
    assert ascii_name.isascii() and ascii_name.endswith(".xlsx")
    utf8_name = unquote(re.search(r"filename\*=UTF-8''(\S+)", disposition).group(1))
    assert utf8_name == body["file_name"] and "Архив" in utf8_name

    part = mapi.get(path, headers={"Range": "bytes=0-99"})
    assert part.status_code == 206
    assert part.headers["Content-Range"] == f"bytes 0-99/{size}"
    assert part.content == data[:100]
    rest = mapi.get(path, headers={"Range": "bytes=100-"})
    assert rest.status_code == 206 and part.content + rest.content == data
    tail = mapi.get(path, headers={"Range": "bytes=-10"})
    assert tail.status_code == 206 and tail.content == data[-10:]
    past_end = mapi.get(path, headers={"Range": f"bytes=100-{size * 2}"})
    assert past_end.status_code == 206 and past_end.content == data[100:]

    unsatisfiable = mapi.get(path, headers={"Range": f"bytes={size}-"})
    mapi.error(unsatisfiable, 416, "range_not_satisfiable")
    assert unsatisfiable.headers["Content-Range"] == f"bytes */{size}"

    same = mapi.get(path, headers={"Range": "bytes=50-", "If-Range": etag})
    assert same.status_code == 206 and same.content == data[50:]
    changed = mapi.get(path, headers={"Range": "bytes=50-", "If-Range": '"something-else"'})
    assert changed.status_code == 200 and changed.content == data
    for ignored in ("bytes=5-1", "items=0-5", "bytes=0-1,5-9"):
        assert mapi.get(path, headers={"Range": ignored}).status_code == 200

    head = mapi.request("HEAD", path)
    assert head.status_code == 200 and head.headers["Content-Length"] == str(size)
    assert mapi.get(path).content == data  # the same bytes every time


# --- restart ------------------------------------------------------------------------------------


def test_restart_resumes_a_pending_job(tmp_path, restartable):
    start, client = restartable
    data_dir = tmp_path / "srv"
    first = start(data_dir)
    try:
        api = client(first)
        api.at(DAY)
        rid = _create(api, "2026-03-01", "2026-03-02").json()["id"]
    finally:
        first.stop()
    # As if the server died while producing it.
    # (app_module.open_database: this pass's engine, tests/server/conftest.py.)
    db = app_module.open_database(data_dir / "cabinet.sqlite3")
    try:
        with db.write() as conn:
            conn.execute("UPDATE jobs SET state = 'running' WHERE ref_id = ?", (rid,))
    finally:
        db.close()

    second = start(data_dir)
    try:
        api = client(second)
        api.at(datetime(2026, 3, 11, 0, 5, tzinfo=MSK))
        assert api.get(f"/archive-requests/{rid}").json()["status"] == "locked"
        api.run_jobs()
        body = api.get(f"/archive-requests/{rid}").json()
        assert body["status"] == "ready"
        assert api.get(f"/archive-requests/{rid}/file").status_code == 200
        files = list((Path(second.app.config.db_path).parent / "files" / "archives").iterdir())
        assert len(files) == 1 and not files[0].name.startswith(".")
    finally:
        second.stop()
