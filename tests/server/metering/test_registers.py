"""The stored register snapshots (features/metering/registers.py, issue 14 item 1) against an
oracle that sums the simulator's 30-minute profile itself, with the zone of each interval taken
from the hour table of docs/design.md "Tariff zones" (not the product's slot table): what makes
it safe that requests read one stored row instead of summing a meter's history.

Also: the background catch-up is idempotent and resumes after a crash, a request computes only
its own meter's missing days, and background work gives the application slot back to waiting
requests (core/pacing.py)."""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voek_desktop.api.server import ServerConfig, create_app
from voek_desktop.api.server.app import CabinetApp
from voek_desktop.api.server.core import pacing
from voek_desktop.api.server.features.metering import registers, simulator
from voek_desktop.api.server.http.httpd import AppSlot

MSK = timezone(timedelta(hours=3))
NOW = datetime(2026, 3, 10, 2, 0, tzinfo=MSK)  # after the 01:30 poll of 10.03
THROUGH = date(2026, 3, 10)


def oracle_zone(hour: int, zones: int) -> int:
    """docs/design.md "Tariff zones", read literally: index 0 = T1 (peak), 1 = T2 (night),
    2 = T3 (half-peak); the zone of an interval is the zone of its start hour, Moscow time."""
    if zones == 1:
        return 0
    if zones == 2:
        return 0 if 7 <= hour < 23 else 1
    if 7 <= hour < 10 or 17 <= hour < 21:
        return 0
    if 10 <= hour < 17 or 21 <= hour < 23:
        return 2
    return 1


def oracle_history(model: simulator.MeterModel, last: date) -> dict[date, list[list[int]]]:
    """The registers at 00:00 of every day from the profile's start to ``last``: the start's
    reading plus the profile of every day before, zone by zone."""
    regs = simulator.initial_registers(model)
    out = {model.start: [list(z) for z in regs]}
    zone_of = [oracle_zone(slot // 2, model.zones) for slot in range(48)]
    day = model.start
    while day < last:
        for q, values in enumerate(simulator.day_profile(model, day)):
            for slot, value in enumerate(values):
                regs[q][zone_of[slot]] += value
        day += timedelta(days=1)
        out[day] = [list(z) for z in regs]
    return out


class StillClock:
    """A clock that stays where the test puts it."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment.astimezone(UTC)

    def now(self) -> datetime:
        return self.moment

    def set(self, moment: datetime) -> None:
        self.moment = moment.astimezone(UTC)

    def advance(self, seconds: float) -> None:
        self.moment += timedelta(seconds=seconds)


def quiet_app(folder: Path) -> CabinetApp:
    """The demo app with its own register thread stopped and the snapshots emptied, so the
    test decides what runs when."""
    app = create_app(
        ServerConfig(
            db_path=folder / "cabinet.sqlite3",
            demo=True,
            dev=True,
            outbox_dir=folder / "outbox",
            clock=StillClock(NOW),  # type: ignore[arg-type]
        )
    )
    registers.stop(app)
    with app.db.write() as conn:
        conn.execute("DELETE FROM meter_register_days")
    return app


@pytest.fixture
def app(tmp_path: Path) -> Iterator[CabinetApp]:
    found = quiet_app(tmp_path)
    yield found
    found.close()


def meters(app: CabinetApp) -> list[tuple[int, simulator.MeterModel]]:
    return [
        (row["id"], registers.model_of(row))
        for row in app.db.query("SELECT * FROM meters ORDER BY id")
    ]


def stored(app: CabinetApp) -> dict[tuple[int, date], list[list[int]]]:
    """Every stored snapshot, per quantity and zone like the registers."""
    out: dict[tuple[int, date], list[list[int]]] = {}
    rows = app.db.query("SELECT * FROM meter_register_days ORDER BY meter_id, day, zone")
    for row in rows:
        regs = out.setdefault((row["meter_id"], date.fromisoformat(row["day"])), [[], [], [], []])
        for q, column in enumerate(("a_plus", "a_minus", "r_plus", "r_minus")):
            regs[q].append(row[column])
    return out


def test_every_snapshot_of_every_demo_meter_is_the_sum_of_its_intervals(app):
    assert registers.catch_up(app.db, THROUGH) > 20_000  # every demo meter since its start
    snapshots = stored(app)
    for meter_id, model in meters(app):
        oracle = oracle_history(model, THROUGH)
        mine = {day: regs for (mid, day), regs in snapshots.items() if mid == meter_id}
        # One snapshot per day after the start (the start's reading needs none), all zones.
        assert set(mine) == set(oracle) - {model.start}, meter_id
        for day, regs in mine.items():
            assert regs == oracle[day], (meter_id, day)
            assert [len(z) for z in regs] == [model.zones] * 4


@pytest.fixture(scope="module")
def module_app(tmp_path_factory) -> Iterator[CabinetApp]:
    found = quiet_app(tmp_path_factory.mktemp("registers"))
    yield found
    found.close()


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_reads_at_random_days_and_moments_equal_the_profile_sums(module_app, data):
    """Any order of reads (a later day first, then an earlier one, the same twice) gives the
    oracle's registers, whether the snapshot was there or computed for the read."""
    meter_id, model = data.draw(st.sampled_from(meters(module_app)))
    day = data.draw(st.dates(model.start - timedelta(days=30), THROUGH + timedelta(days=5)))
    oracle = oracle_history(model, max(day, model.start) + timedelta(days=1))
    expected = oracle[max(day, model.start)]
    assert registers.at_midnight(module_app.db, meter_id, model, day) == expected
    assert registers.at_midnight(module_app.db, meter_id, model, day) == expected
    minute = data.draw(st.integers(0, 24 * 60 - 1))
    moment = datetime.combine(day, datetime.min.time(), MSK) + timedelta(minutes=minute)
    at_moment = registers.at(module_app.db, meter_id, model, moment)
    if day < model.start:
        assert at_moment == expected
    else:
        partial = [list(z) for z in expected]
        zone_of = [oracle_zone(slot // 2, model.zones) for slot in range(48)]
        for q, values in enumerate(simulator.day_profile(model, day)):
            for slot in range(minute // 30):
                partial[q][zone_of[slot]] += values[slot]
        assert at_moment == partial


def test_a_request_computes_only_its_own_meter(app):
    """No request pays for another meter's history: reading a meter with no snapshot stored
    computes and stores that meter's days, nothing else."""
    regs = registers.at_midnight(app.db, 2, dict(meters(app))[2], THROUGH)
    assert {mid for mid, _ in stored(app)} == {2}
    assert regs == oracle_history(dict(meters(app))[2], THROUGH)[THROUGH]
    # The next day adds one snapshot of that meter, not a history.
    before = len(stored(app))
    registers.at_midnight(app.db, 2, dict(meters(app))[2], THROUGH + timedelta(days=1))
    assert len(stored(app)) == before + 1


def test_rollover_adds_one_day_per_meter_when_the_poll_day_begins_and_is_idempotent(app):
    keeper = registers.Keeper(app)
    assert keeper.run_once() > 20_000  # the backfill of a new database
    assert keeper.run_once() == 0
    count = len(stored(app))
    app.clock.set(datetime(2026, 3, 11, 1, 29, 59, tzinfo=MSK))
    assert keeper.run_once() == 0  # the poll of 11.03 has not happened yet
    app.clock.set(datetime(2026, 3, 11, 1, 30, tzinfo=MSK))
    assert keeper.run_once() == len(meters(app))  # one day each, for all of them
    assert len(stored(app)) == count + len(meters(app))
    # SQLite counts the rows a connection changed; PostgreSQL's count is of no one connection.
    sqlite = app.db.engine == "sqlite"
    changes = app.db.connection().total_changes if sqlite else None
    before = stored(app)
    # Again, and a fresh keeper (a restarted server): nothing to compute, nothing written.
    assert keeper.run_once() == 0
    assert registers.Keeper(app).run_once() == 0
    if sqlite:
        assert app.db.connection().total_changes == changes
    assert stored(app) == before
    snapshots, day = stored(app), date(2026, 3, 11)
    for meter_id, model in meters(app):
        assert snapshots[(meter_id, day)] == oracle_history(model, day)[day]


class Crash(Exception):
    pass


def test_catch_up_resumes_after_a_crash(app):
    """A run that dies in the middle (here: after a few turns) leaves whole days behind, and
    the next run completes exactly what is missing."""
    calls = 0

    def crashing() -> pacing.Pacer:
        class Dying(pacing.Pacer):
            def __call__(self) -> None:
                nonlocal calls
                calls += 1
                if calls == 40:
                    raise Crash

        return Dying(pacing.Unshared())

    with pytest.raises(Crash):
        registers.catch_up(app.db, THROUGH, crashing)
    partial = stored(app)
    assert 0 < len(partial) < 20_000
    models = dict(meters(app))
    oracles = {mid: oracle_history(model, THROUGH) for mid, model in models.items()}
    for (meter_id, day), regs in partial.items():
        assert regs == oracles[meter_id][day]  # every day there is whole and right
    rest = registers.catch_up(app.db, THROUGH)
    assert rest > 0
    everything = stored(app)
    assert len(everything) == len(partial) + rest
    assert everything == {
        (mid, day): regs
        for mid, oracle in oracles.items()
        for day, regs in oracle.items()
        if day > models[mid].start
    }
    assert registers.catch_up(app.db, THROUGH) == 0


def test_background_work_gives_the_slot_to_a_waiting_request():
    """A second of background work under the app slot: a request that arrives meanwhile gets
    the slot within a few quanta, not after the second (http/httpd.py AppSlot)."""
    slot = AppSlot(long_after=60.0)  # no excuse by age: only the pacing lets it in
    started = threading.Event()

    def work() -> None:
        with pacing.Pacer(slot) as pace:
            started.set()
            end = time.monotonic() + 1.0
            while time.monotonic() < end:
                sum(range(2000))  # a few µs of work between two calls, like a simulator day
                pace()

    worker = threading.Thread(target=work)
    worker.start()
    started.wait(5)
    waited = time.monotonic()
    slot.acquire()
    waited = time.monotonic() - waited
    slot.release()
    worker.join()
    slot.close()
    assert waited < 0.5, waited


def test_background_work_begun_before_the_server_gives_its_slot_to_a_request():
    """The keeper starts with the app, before the HTTP server hands over its slot: its turn
    begun on the stand-in must give way to a request once the server's slot is there (it kept
    the stand-in for its whole turn, 2.3 s of a fresh demo database's backfill, issue 14 (b)),
    and stop while the request has it, instead of computing beside it."""
    app_slot = pacing.Handed()  # as CabinetApp.slot
    started = threading.Event()
    steps = [0]

    def work() -> None:
        with pacing.Pacer(app_slot) as pace:
            started.set()
            end = time.monotonic() + 1.5
            while time.monotonic() < end:
                sum(range(2000))
                steps[0] += 1
                pace()

    worker = threading.Thread(target=work)
    worker.start()
    started.wait(5)
    server_slot = AppSlot(long_after=60.0)  # no excuse by age: only the pacing lets it in
    app_slot.target = server_slot  # CabinetApp.share_slot
    time.sleep(0.05)
    waited = time.monotonic()
    server_slot.acquire()
    waited = time.monotonic() - waited
    before = steps[0]
    time.sleep(0.2)  # the request's turn: the background work waits for it
    beside = steps[0] - before
    server_slot.release()
    worker.join()
    server_slot.close()
    assert waited < 0.5, waited
    assert beside <= 1, f"{beside} steps of background work beside the request"


def test_http_readings_smart_data_and_archive_readings_equal_the_profile_sums(mapi):
    """What users see, over HTTP, for every meter of the demo individual: the billing readings
    (00:00 of the 1st), the registers at the poll, and the «Показания» sheet of an archive."""
    app = mapi.server.app
    models = dict(meters(app))
    mapi.at(datetime(2026, 3, 10, 12, 0, tzinfo=MSK))
    seen = 0
    for account in mapi.get("/personal-accounts").json()["items"]:
        for meter in mapi.get(f"/personal-accounts/{account['number']}/meters").json()["items"]:
            model = models[meter["id"]]
            oracle = oracle_history(model, THROUGH)
            # Smart meters: 00:00 of the 1st; others: what was handed in by the 25th.
            day = date(2026, 3, 1) if meter["is_smart"] else date(2026, 2, 25)
            assert meter["readings_date"] == day.isoformat()
            expected = oracle[max(day, model.start)]
            assert [r["value"] for r in meter["readings"]] == [v / 1000 for v in expected[0]]
            if not meter["is_smart"]:
                continue
            seen += 1
            smart = mapi.get(f"/meters/{meter['id']}/smart-data").json()
            at_poll = [list(z) for z in oracle[THROUGH]]  # + the 3 intervals up to 01:30
            zone_of = [oracle_zone(slot // 2, model.zones) for slot in range(48)]
            for q, values in enumerate(simulator.day_profile(model, THROUGH)):
                for slot in range(3):
                    at_poll[q][zone_of[slot]] += values[slot]
            got = {(r["quantity"], r["zone"]): r["value"] for r in smart["registers"]}
            for q, quantity in enumerate(simulator.QUANTITIES):
                assert got[(quantity, "total")] == sum(at_poll[q]) / 1000
                for z, value in enumerate(at_poll[q]):
                    assert got[(quantity, f"T{z + 1}")] == value / 1000
    assert seen >= 2

    created = mapi.post(
        "/meters/2/archive-requests",
        json={"period_start": "2026-02-20", "period_end": "2026-03-09"},
    )
    assert created.status_code == 201, created.text
    mapi.at(datetime(2026, 3, 11, 0, 0, tzinfo=MSK))
    mapi.run_jobs()
    content = mapi.get(f"/archive-requests/{created.json()['id']}/file").content
    sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True)["Показания"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    oracle = oracle_history(models[2], THROUGH)
    assert [r[0].date() for r in rows] == [date(2026, 2, 20) + timedelta(days=i) for i in range(19)]
    for row in rows:
        regs = oracle[row[0].date()]
        assert list(row[1:4]) == pytest.approx([v / 1000 for v in regs[0]], abs=1e-9)
        assert list(row[4:8]) == pytest.approx([sum(z) / 1000 for z in regs], abs=1e-9)


def test_an_archive_job_gives_the_slot_to_a_request_that_arrives_meanwhile(app, monkeypatch):
    """Issue 14 item 2: the job runner holds the slot the HTTP server shares with the app (so
    it does not take the interpreter from a running request) and gives it back while it writes
    a 3-year archive, so a request is not held up by the job."""
    days = [0]
    profile = simulator.day_profile

    def counted(model, day):
        days[0] += 1
        return profile(model, day)

    monkeypatch.setattr(simulator, "day_profile", counted)
    slot = AppSlot(long_after=60.0)  # no excuse by age: only the job's pacing lets it in
    app.share_slot(slot)
    app.clock.set(datetime(2026, 3, 11, 0, 0, tzinfo=MSK))
    consumer = app.db.query_row("SELECT id FROM consumers WHERE snils = '11223344595'")["id"]
    stamp = "2026-03-10T09:00:00+00:00"
    with app.db.write() as conn:
        conn.execute(
            "INSERT INTO archive_requests (id, consumer_id, meter_id, period_start, period_end,"
            " status, created_at, updated_at, editable_until, produce_after)"
            " VALUES (1, ?, 2, '2023-03-10', '2026-03-09', 'accepted', ?, ?, ?, ?)",
            (consumer, stamp, stamp, stamp, stamp),
        )
        conn.execute(
            "INSERT INTO jobs (kind, ref_id, due_at, state, created_at)"
            " VALUES ('archive', 1, ?, 'pending', ?)",
            (stamp, stamp),
        )
    from voek_desktop.api.server.core import jobs

    job = threading.Thread(target=jobs.runner(app).run_due)
    job.start()
    time.sleep(0.5)  # well into the archive, which takes seconds
    waited = time.monotonic()
    slot.acquire()
    waited = time.monotonic() - waited
    busy = job.is_alive()
    written = days[0]
    time.sleep(0.3)  # while this "request" holds the slot, the job waits for its turn
    assert days[0] == written
    slot.release()
    job.join(120)
    slot.close()
    assert busy, "the job ended before the request came: nothing was measured"
    assert waited < 0.5, waited
    row = app.db.query_row("SELECT status FROM archive_requests WHERE id = 1")
    assert row["status"] == "ready"
