"""Background jobs kept in SQLite (table ``jobs``), so a restarted server picks up where the last
one stopped. A thread checks for due jobs every few seconds; ``POST /dev/jobs/run`` runs them at
once. "Due" is judged by the server's clock, so moving it with /dev/clock makes jobs due.

A job is claimed by an atomic ``pending → running`` update, and one lock per app serialises the
runs, so the thread and a /dev call never produce the same job twice and a /dev call returns only
after everything due has finished.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from voek_desktop.api.server.core import pacing
from voek_desktop.api.server.core.clock import iso
from voek_desktop.api.server.storage.db import Connection, Row, inserted_id

if TYPE_CHECKING:
    from voek_desktop.api.server.app import CabinetApp

log = logging.getLogger("voek.jobs")

POLL_SECONDS = 2.0

# kind → handler(app, ref_id, pace); raising marks the job failed (the handler records its own
# state). The handler runs in the application slot and calls ``pace()`` every few ms of work, so
# that requests keep their turns while it runs (core/pacing.py).
HANDLERS: dict[str, Callable[[CabinetApp, int, Callable[[], None]], None]] = {}


def enqueue(conn: Connection, kind: str, ref_id: int, due_at: datetime, now: datetime) -> int:
    cur = conn.execute(
        "INSERT INTO jobs (kind, ref_id, due_at, state, created_at) VALUES (?, ?, ?, 'pending', ?)"
        " RETURNING id",
        (kind, ref_id, iso(due_at), iso(now)),
    )
    return inserted_id(cur)


class Runner:
    def __init__(self, app: CabinetApp) -> None:
        self.app = app
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        with self.app.db.write() as conn:
            # Jobs a stopped or crashed server was running start again from scratch; their
            # handlers write to temporary files, so nothing half-done is visible.
            conn.execute("UPDATE jobs SET state = 'pending' WHERE state = 'running'")
        self.thread = threading.Thread(target=self._loop, name="voek-jobs", daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        if self.thread is not None:
            self.thread.join(timeout=60)

    def _loop(self) -> None:
        while not self.stopping.wait(POLL_SECONDS):
            try:
                self.run_due()
            except Exception:
                log.exception("job runner pass failed")

    def run_due(self) -> list[dict[str, Any]]:
        """Run every job due by the server clock; the jobs run, with their final state."""
        done: list[dict[str, Any]] = []
        with self.lock:
            while not self.stopping.is_set() or threading.current_thread() is not self.thread:
                job = self._claim()
                if job is None:
                    break
                done.append(self._run(job))
        return done

    def _claim(self) -> Row | None:
        db = self.app.db
        now = iso(self.app.clock.now())
        # Runners of several processes on one PostgreSQL claim one at a time (SQLite's BEGIN
        # IMMEDIATE does that already): none takes a job another has just taken.
        with db.write(lock="jobs:claim") as conn:
            job = conn.execute(
                "SELECT * FROM jobs WHERE state = 'pending' AND due_at <= ? ORDER BY due_at, id"
                " LIMIT 1",
                (now,),
            ).fetchone()
            if job is None:
                return None
            conn.execute(
                "UPDATE jobs SET state = 'running', started_at = ?, attempts = attempts + 1"
                " WHERE id = ?",
                (now, job["id"]),
            )
        return job

    def _run(self, job: Row) -> dict[str, Any]:
        handler = HANDLERS.get(job["kind"])
        state, error = "done", None
        try:
            if handler is None:
                raise RuntimeError(f"no handler for job kind {job['kind']!r}")
            with pacing.Pacer(self.app.slot) as pace:
                handler(self.app, job["ref_id"], pace)
        except Exception as exc:
            log.exception("job %s (%s %s) failed", job["id"], job["kind"], job["ref_id"])
            state, error = "failed", f"{type(exc).__name__}: {exc}"
        with self.app.db.write() as conn:
            conn.execute(
                "UPDATE jobs SET state = ?, finished_at = ?, last_error = ? WHERE id = ?",
                (state, iso(self.app.clock.now()), error, job["id"]),
            )
        return {"id": job["id"], "kind": job["kind"], "ref_id": job["ref_id"], "state": state}


def runner(app: CabinetApp) -> Runner:
    found = getattr(app, "jobs_runner", None)
    if found is None:
        found = Runner(app)
        app.jobs_runner = found  # type: ignore[attr-defined]
    return found


def start(app: CabinetApp) -> None:
    runner(app).start()


def stop(app: CabinetApp) -> None:
    found = getattr(app, "jobs_runner", None)
    if found is not None:
        found.stop()
