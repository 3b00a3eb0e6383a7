"""Pruning of rows nobody reads once they have expired, which traffic — much of it anonymous —
would otherwise pile up for ever (issue 15): the limiter's attempts and keys (core/limits.py;
a stranger trying logins of made-up names leaves a key per name), sessions past their expiry
(core/sessions.py), used and expired e-mail codes and undo links (features/identity).

Each part registers a pruner (``register``); the job runner (core/jobs.py), i.e. voek-server,
voek-worker and the app's embedded demo, runs them all every ``EVERY`` seconds of real time,
and at once after its start. Web processes with VOEK_JOBS=0 never prune: their worker does. Any
number of runners may prune the same database: a pruner only deletes what no request can use
any more, so two doing it at once delete nothing twice and harm nothing.

Deletes go in batches of ``BATCH`` rows, each its own short write transaction, with the
requests taking their turns in between (core/pacing.py): a backlog of a million rows never
holds SQLite's write lock, or a PostgreSQL table's rows, for long. Moments are the app's
clock (the /dev clock moves them too), judged with a margin (``MARGIN``) beyond each expiry so
that clocks of several hosts a little apart never disagree about a row still in use.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from voek_desktop.api.server.core import pacing

if TYPE_CHECKING:
    from voek_desktop.api.server.app import CabinetApp
    from voek_desktop.api.server.storage.db import Database

log = logging.getLogger("voek.housekeeping")

EVERY = 600.0  # seconds of real time between passes
BATCH = 500
MARGIN = timedelta(hours=1)

# name → pruner(db, now, pace): deletes with ``delete_expired`` and returns how many rows went.
Pruner = Callable[["Database", datetime, Callable[[], None]], int]
PRUNERS: dict[str, Pruner] = {}


def register(name: str) -> Callable[[Pruner], Pruner]:
    def add(pruner: Pruner) -> Pruner:
        PRUNERS[name] = pruner
        return pruner

    return add


def delete_expired(
    db: Database,
    table: str,
    key: str,
    where: str,
    params: tuple[Any, ...],
    pace: Callable[[], None],
) -> int:
    """``DELETE FROM table WHERE where`` in batches of BATCH rows picked by ``key`` (a column or
    a row value like ``(purpose, key)``); the same statement on SQLite and PostgreSQL."""
    pick = f"SELECT {key.strip('()')} FROM {table} WHERE {where} LIMIT {BATCH}"
    if db.engine == "postgresql":
        # Rows a request holds this moment (a reservation trimming its key's old attempts, or
        # bumping the key's row) are left for the next pass: the prune never waits for a
        # request, so the two can never deadlock, and a key being reserved keeps its row.
        # (SQLite runs one write transaction at a time: nothing is held there.)
        pick += " FOR UPDATE SKIP LOCKED"
    statement = f"DELETE FROM {table} WHERE {key} IN ({pick})"
    total = 0
    while True:
        with db.write() as conn:
            deleted = conn.execute(statement, params).rowcount
        total += deleted
        if deleted < BATCH:
            return total
        pace()


def run(app: CabinetApp) -> dict[str, int]:
    """One pass of every pruner; the rows each deleted. A failing pruner does not stop the
    others (a busy database: the next pass tries again)."""
    now = app.clock.now()
    done: dict[str, int] = {}
    with pacing.Pacer(app.slot) as pace:
        for name, pruner in PRUNERS.items():
            try:
                done[name] = pruner(app.db, now, pace)
            except Exception:
                log.exception("pruning %s failed", name)
    if any(done.values()):
        log.info("pruned %s", ", ".join(f"{n} {name}" for name, n in done.items() if n))
    return done
