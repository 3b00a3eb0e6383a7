"""Several apps on one database, as several processes run it (issue 15, items 3 and 4): jobs
claimed with leases, a graceful stop that gives the job back, a start-up that leaves a live
writer's files alone, and the /dev clock and outbox that every process shows alike. Each
``create_app`` here stands for one process (gunicorn worker or voek-worker); the real
multi-process run is tests/e2e/multiprocess."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests

from voek_desktop.api.server import create_app, start_embedded
from voek_desktop.api.server.app import CabinetApp, ServerConfig
from voek_desktop.api.server.core import jobs
from voek_desktop.api.server.core.clock import iso
from voek_desktop.api.server.core.files import part_prefix


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def apps(folder: Path) -> Iterator[Callable[..., CabinetApp]]:
    made: list[CabinetApp] = []

    def make(**kwargs: object) -> CabinetApp:
        # jobs=False: no runner thread; the test drives run_due() itself.
        config = ServerConfig(db_path=folder / "cabinet.sqlite3", jobs=False, **kwargs)  # type: ignore[arg-type]
        made.append(create_app(config))
        return made[-1]

    yield make
    for app in made:
        app.close()


@pytest.fixture
def handler() -> Iterator[dict]:
    """A job kind of the test: counts its runs; ``hold`` keeps it running (pacing) until set."""
    state: dict = {"runs": 0, "hold": threading.Event(), "started": threading.Event()}
    state["hold"].set()

    def run(app: CabinetApp, ref_id: int, pace: Callable[[], None]) -> None:
        state["runs"] += 1
        state["started"].set()
        while not state["hold"].wait(0.01):
            pace()

    jobs.HANDLERS["test"] = run
    yield state
    del jobs.HANDLERS["test"]


def _enqueue(app: CabinetApp) -> int:
    now = app.clock.now()
    with app.db.write() as conn:
        return jobs.enqueue(conn, "test", 7, now - timedelta(minutes=1), now)


def _job(app: CabinetApp, job_id: int) -> Any:
    # Through the app's database: the same file, or in the PostgreSQL pass the same schema.
    return app.db.query_row("SELECT * FROM jobs WHERE id = ?", (job_id,))


def _set(app: CabinetApp, job_id: int, **values: object) -> None:
    with app.db.write() as conn:
        for column, value in values.items():
            conn.execute(f"UPDATE jobs SET {column} = ? WHERE id = ?", (value, job_id))


def test_a_running_job_is_left_to_its_live_runner_and_taken_when_its_lease_expires(
    apps, folder, handler
) -> None:
    app = apps()
    job = _enqueue(app)
    # As a sibling process that claimed it and renews its lease.
    soon = iso(datetime.now(UTC) + timedelta(seconds=30))
    _set(app, job, state="running", lease_owner="other-host:1:x", lease_until=soon, attempts=1)

    second = apps()  # a restarted worker: it must not reset the sibling's job
    assert jobs.runner(second).run_due() == []
    assert _job(app, job)["state"] == "running" and handler["runs"] == 0

    # The sibling died: nobody renewed, the lease ran out.
    _set(app, job, lease_until=iso(datetime.now(UTC) - timedelta(seconds=1)))
    assert [j["state"] for j in jobs.runner(second).run_due()] == ["done"]
    row = _job(app, job)
    assert row["state"] == "done" and row["attempts"] == 2 and row["lease_owner"] is None
    assert handler["runs"] == 1


def test_the_lease_is_renewed_while_the_job_runs(apps, folder, handler) -> None:
    first, second = apps(job_lease=1.0), apps(job_lease=1.0)
    job = _enqueue(first)
    handler["hold"].clear()
    running = threading.Thread(target=jobs.runner(first).run_due)
    running.start()
    assert handler["started"].wait(30)
    deadline = time.monotonic() + 3  # three leases long
    while time.monotonic() < deadline:
        assert jobs.runner(second).run_due() == []  # never expired: renewed every third
        time.sleep(0.1)
    handler["hold"].set()
    running.join(30)
    assert handler["runs"] == 1 and _job(second, job)["state"] == "done"


def test_a_graceful_stop_gives_the_running_job_back_at_once(apps, folder, handler) -> None:
    first = apps()
    job = _enqueue(first)
    handler["hold"].clear()
    running = threading.Thread(target=jobs.runner(first).run_due)
    running.start()
    assert handler["started"].wait(30)
    first.stop_background()  # SIGTERM: the handler is interrupted at its next pace()
    running.join(30)
    row = _job(first, job)
    assert row["state"] == "pending" and row["lease_owner"] is None

    handler["hold"].set()
    assert [j["state"] for j in jobs.runner(apps()).run_due()] == ["done"]
    assert handler["runs"] == 2  # once interrupted, once done


def test_a_start_removes_only_the_half_written_files_of_dead_writers(apps, folder) -> None:
    apps().close()
    uploads = folder / "files" / "applications"
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    host = part_prefix().split(".")[2].rstrip("-")
    live = uploads / f".w{os.getpid()}.{host}-abc.part"  # this process: a sibling writing now
    killed = uploads / f".w{int(dead.stdout)}.{host}-def.part"
    unnamed = uploads / "tmpxyz.part"  # an older server's, which did not name its writer
    # Another host's, on a shared folder: its pid means nothing here.
    foreign = uploads / f".w{int(dead.stdout)}.0000ffff-ghi.part"
    scratch = folder / "files" / "archives" / f".w{int(dead.stdout)}.{host}-archive-3-q.part"
    scratch.mkdir()
    (scratch / "tmp1").write_bytes(b"rows")
    for path in (live, killed, unnamed, foreign):
        path.write_bytes(b"%PDF-1.4 half")
    apps()
    assert live.exists() and foreign.exists()
    assert not killed.exists() and not unnamed.exists() and not scratch.exists()


def test_the_dev_clock_and_outbox_are_the_same_for_two_servers_on_one_database(
    folder,
) -> None:
    one = start_embedded(folder, demo=False, dev=True)
    two = start_embedded(folder, demo=False, dev=True)
    try:
        moment = "2026-03-10T12:00:00+03:00"
        assert requests.post(f"{one.url}/api/v1/dev/clock", json={"now": moment}).ok
        seen = requests.get(f"{two.url}/api/v1/dev/clock").json()["now"]
        assert datetime.fromisoformat(moment) <= datetime.fromisoformat(seen)
        assert datetime.fromisoformat(seen) < datetime.fromisoformat(moment) + timedelta(minutes=1)
        before = datetime.fromisoformat(requests.get(f"{one.url}/api/v1/dev/clock").json()["now"])
        moved = requests.post(f"{two.url}/api/v1/dev/clock", json={"advance_seconds": 86400})
        # The request that moved the clock answers with the moved time (a request reads the
        # shared offset once, core/clock.py, and its own move anew).
        answered = datetime.fromisoformat(moved.json()["now"])
        assert timedelta(days=1) <= answered - before < timedelta(days=1, minutes=1)
        after = datetime.fromisoformat(requests.get(f"{one.url}/api/v1/dev/clock").json()["now"])
        assert timedelta(days=1) <= after - before < timedelta(days=1, minutes=1)

        one.app.mailer.send("ivanov@example.ru", "Проверка", "Текст письма", one.app.clock.now())
        items = requests.get(f"{two.url}/api/v1/dev/outbox").json()["items"]
        assert [(m["to"], m["subject"], m["text"]) for m in items] == [
            ("ivanov@example.ru", "Проверка", "Текст письма")
        ]
    finally:
        two.stop()
        one.stop()


def test_the_embedded_server_starts_on_the_real_time_after_a_restart(folder) -> None:
    # The app's demo is the only server on its folder: a clock moved in the last session does
    # not carry over into the next, as before the clock moved into the database.
    first = start_embedded(folder, demo=False, dev=True)
    try:
        assert requests.post(
            f"{first.url}/api/v1/dev/clock", json={"advance_seconds": 10 * 86400}
        ).ok
    finally:
        first.stop()
    second = start_embedded(folder, demo=False, dev=True)
    try:
        seen = datetime.fromisoformat(requests.get(f"{second.url}/api/v1/dev/clock").json()["now"])
        assert abs(seen - datetime.now(UTC)) < timedelta(minutes=1)
    finally:
        second.stop()
