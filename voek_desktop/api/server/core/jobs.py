"""Background jobs kept in the database (table ``jobs``), done exactly once by however many
processes run them (issue 15, item 3; docs/deploy.md "Jobs").

A job is *claimed with a lease*: one statement turns the first due ``pending`` job (or a
``running`` one whose lease expired) into ``running``, owned by this runner until
``lease_until``. While the handler runs, a thread renews the lease every third of the lease
(``ServerConfig.job_lease``, VOEK_JOB_LEASE);
a worker that dies (SIGKILL, power loss) stops renewing, and after the lease expires any runner
takes the job again. A graceful stop (SIGTERM) interrupts the handler at its next ``pace()``
and gives the job back at once. Only runs that still own their lease record the result.

Leases run on real time, not on the server clock: /dev/clock moves what is *due*, it must not
make every running job look abandoned. "Due" is judged by the server clock, so moving it with
/dev/clock makes jobs due. ``POST /dev/jobs/run`` runs the due jobs at once.

Handlers must be idempotent (a job whose worker died after the result was written runs again
and finds nothing to do) and write files under ``files.part_name`` (a dead writer's ``.part``
is swept, a live sibling's is not).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from voek_desktop.api.server.core import housekeeping, pacing
from voek_desktop.api.server.core.clock import iso
from voek_desktop.api.server.storage.db import Connection, Row, inserted_id

if TYPE_CHECKING:
    from voek_desktop.api.server.app import CabinetApp
    from voek_desktop.api.server.storage.db import Database

log = logging.getLogger("voek.jobs")

POLL_SECONDS = 2.0

# kind → handler(app, ref_id, pace); raising marks the job failed (the handler records its own
# state). The handler runs in the application slot and calls ``pace()`` every few ms of work, so
# that requests keep their turns while it runs (core/pacing.py).
HANDLERS: dict[str, Callable[[CabinetApp, int, Callable[[], None]], None]] = {}


class Interrupted(BaseException):
    """Raised from ``pace()`` when the runner stops: a BaseException, so that a handler's
    ``except Exception`` (which records a failure) lets it through and the job is given back
    untouched."""


def enqueue(conn: Connection, kind: str, ref_id: int, due_at: datetime, now: datetime) -> int:
    cur = conn.execute(
        "INSERT INTO jobs (kind, ref_id, due_at, state, created_at) VALUES (?, ?, ?, 'pending', ?)"
        " RETURNING id",
        (kind, ref_id, iso(due_at), iso(now)),
    )
    return inserted_id(cur)


def _real_now() -> datetime:
    return datetime.now(UTC)


def _lease_until(seconds: float) -> str:
    return iso(_real_now() + timedelta(seconds=seconds))


# --- the job table's statements: every SQL of the lease life cycle is here -------------------


def claim_next(db: Database, owner: str, due_by: datetime, lease: float) -> Row | None:
    """Take the first due job, or one whose runner stopped renewing its lease; None if none.

    One UPDATE … RETURNING picks and takes it. On SQLite it runs in an immediate transaction,
    which holds the database's write lock, so two runners never take the same job; on
    PostgreSQL the pick is FOR UPDATE SKIP LOCKED."""
    params = {
        "owner": owner,
        "until": _lease_until(lease),
        "due_by": iso(due_by),
        "expired_before": iso(_real_now()),
        "started": iso(due_by),
    }
    pick = (
        "SELECT id FROM jobs WHERE (state = 'pending' AND due_at <= :due_by)"
        " OR (state = 'running' AND (lease_until IS NULL OR lease_until < :expired_before))"
        " ORDER BY due_at, id LIMIT 1"
    )
    if db.engine == "postgresql":
        # PostgreSQL's writers run at once: the pick locks the row it picks and skips rows a
        # sibling runner is taking this moment, so two runners never take the same job and
        # neither waits for the other (no lock on the table or on a name is needed).
        pick += " FOR UPDATE SKIP LOCKED"
    with db.write() as conn:
        row: Row | None = conn.execute(
            "UPDATE jobs SET state = 'running', lease_owner = :owner, lease_until = :until,"
            f" started_at = :started, attempts = attempts + 1 WHERE id = ({pick})"
            " RETURNING id, kind, ref_id, attempts",
            params,
        ).fetchone()
    return row


def renew(db: Database, job_id: int, owner: str, lease: float) -> bool:
    """Push the lease on; False if it is no longer ours (it expired and was taken)."""
    with db.write() as conn:
        cur = conn.execute(
            "UPDATE jobs SET lease_until = ? WHERE id = ? AND lease_owner = ?"
            " AND state = 'running'",
            (_lease_until(lease), job_id, owner),
        )
        return cur.rowcount == 1


def finish(db: Database, job_id: int, owner: str, state: str, error: str | None, at: str) -> bool:
    """Record the result if the lease is still ours; False when another runner took the job."""
    with db.write() as conn:
        cur = conn.execute(
            "UPDATE jobs SET state = ?, finished_at = ?, last_error = ?, lease_owner = NULL,"
            " lease_until = NULL WHERE id = ? AND lease_owner = ? AND state = 'running'",
            (state, at, error, job_id, owner),
        )
        return cur.rowcount == 1


def release(db: Database, job_id: int, owner: str) -> None:
    """Give an interrupted job back for the next runner at once (a graceful stop)."""
    with db.write() as conn:
        conn.execute(
            "UPDATE jobs SET state = 'pending', lease_owner = NULL, lease_until = NULL"
            " WHERE id = ? AND lease_owner = ? AND state = 'running'",
            (job_id, owner),
        )


# --- the runner ------------------------------------------------------------------------------


class Runner:
    def __init__(self, app: CabinetApp) -> None:
        self.app = app
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None
        # Unique per runner, readable in the table: which host and process holds a job.
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.lease = app.config.job_lease

    def start(self) -> None:
        # Nothing is reset here: a ``running`` job is a live sibling's until its lease expires
        # (the claim takes expired ones).
        self.thread = threading.Thread(target=self._loop, name="voek-jobs", daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        if self.thread is not None:
            self.thread.join(timeout=60)

    def _loop(self) -> None:
        pruned_at: float | None = None
        while not self.stopping.wait(POLL_SECONDS):
            try:
                self.run_due()
            except Exception:
                log.exception("job runner pass failed")
            # Expired rows (core/housekeeping.py): soon after the start, then every EVERY s.
            if pruned_at is None or time.monotonic() - pruned_at >= housekeeping.EVERY:
                pruned_at = time.monotonic()
                try:
                    housekeeping.run(self.app)
                except Exception:
                    log.exception("pruning pass failed")

    def run_due(self) -> list[dict[str, Any]]:
        """Run every job due by the server clock; the jobs run, with their final state."""
        done: list[dict[str, Any]] = []
        with self.lock:
            while not self.stopping.is_set():
                job = claim_next(self.app.db, self.owner, self.app.clock.now(), self.lease)
                if job is None:
                    break
                result = self._run(job)
                if result is not None:
                    done.append(result)
        return done

    def _run(self, job: Row) -> dict[str, Any] | None:
        handler = HANDLERS.get(job["kind"])
        state, error = "done", None
        lost = threading.Event()
        renewing = threading.Event()
        renewer = threading.Thread(
            target=self._renew, args=(job["id"], renewing, lost), name="voek-jobs-lease"
        )
        renewer.start()

        def pace_or_stop(pace: Callable[[], None]) -> Callable[[], None]:
            def step() -> None:
                if self.stopping.is_set() or lost.is_set():
                    raise Interrupted
                pace()

            return step

        try:
            if handler is None:
                raise RuntimeError(f"no handler for job kind {job['kind']!r}")
            with pacing.Pacer(self.app.slot) as pace:
                handler(self.app, job["ref_id"], pace_or_stop(pace))
        except Interrupted:
            renewing.set()
            renewer.join()
            if not lost.is_set():
                release(self.app.db, job["id"], self.owner)
                log.info("job %s given back: the runner stops", job["id"])
            return None
        except Exception as exc:
            log.exception("job %s (%s %s) failed", job["id"], job["kind"], job["ref_id"])
            state, error = "failed", f"{type(exc).__name__}: {exc}"
        finally:
            renewing.set()
            renewer.join()
        if not finish(self.app.db, job["id"], self.owner, state, error, iso(self.app.clock.now())):
            log.warning("job %s: lease lost while it ran; its result was not recorded", job["id"])
            return None
        return {"id": job["id"], "kind": job["kind"], "ref_id": job["ref_id"], "state": state}

    def _renew(self, job_id: int, done: threading.Event, lost: threading.Event) -> None:
        while not done.wait(self.lease / 3):
            try:
                if not renew(self.app.db, job_id, self.owner, self.lease):
                    lost.set()
                    return
            except Exception:  # a busy database: try again at the next beat
                log.exception("job %s: could not renew the lease", job_id)


def runner(app: CabinetApp) -> Runner:
    found = getattr(app, "jobs_runner", None)
    if found is None:
        found = Runner(app)
        app.jobs_runner = found  # type: ignore[attr-defined]
    return found


def start(app: CabinetApp) -> None:
    if app.config.jobs:  # VOEK_JOBS=0: a web process of several leaves jobs to voek-worker
        runner(app).start()


def stop(app: CabinetApp) -> None:
    found = getattr(app, "jobs_runner", None)
    if found is not None:
        found.stop()
