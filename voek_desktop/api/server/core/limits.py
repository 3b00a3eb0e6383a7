"""One generic limiter of attempts: N per key per window, for guessing (passwords: the login
lockout, personal-account pairs, supply-contract numbers) and for answers that reveal a taken
identifier (docs/design.md "Rules the product follows").

An attempt is reserved before it is checked: the count and the insert run in one write
transaction (BEGIN IMMEDIATE on SQLite; on PostgreSQL one that first locks the key), so
parallel requests and several server processes on one database never check more than
``limit`` per window. A check that succeeds and should not count gives its reservation back
with ``release``. Moments come from the app's clock, so ``/dev/clock`` moves the window too."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from voek_desktop.api.server.core import housekeeping
from voek_desktop.api.server.core.clock import iso, parse_iso
from voek_desktop.api.server.http.web import HttpError
from voek_desktop.api.server.storage.db import Connection

if TYPE_CHECKING:
    from voek_desktop.api.server.app import CabinetApp
    from voek_desktop.api.server.storage.db import Database

# Every rule by its purpose, for pruning each purpose's rows by its own window.
RULES: dict[str, Limit] = {}
# Rows of a purpose no rule has any more (an older version's): kept this long.
UNKNOWN_PURPOSE_KEPT = timedelta(days=1)


@dataclass(frozen=True)
class Limit:
    purpose: str  # the row's purpose, e.g. "personal_account"
    limit: int  # attempts allowed per key per window
    window: timedelta
    message: str  # Russian, what was refused; "Повторите через N мин." is added

    def __post_init__(self) -> None:
        RULES[self.purpose] = self


def take_turn(conn: Connection, purpose: str, key: str) -> None:
    """The first statement of every reservation: an atomic upsert on the key's own row. On
    SQLite the immediate transaction already holds the database's write lock; on PostgreSQL
    the upsert's row lock makes parallel reservations of one key wait for each other until
    commit, so the count that follows can never be read by two of them at once (issue 15,
    items 2 and 4)."""
    conn.execute(
        "INSERT INTO attempt_keys (purpose, key, reservations) VALUES (?, ?, 1)"
        " ON CONFLICT (purpose, key) DO UPDATE SET reservations = attempt_keys.reservations + 1",
        (purpose, key),
    )


def reserve(app: CabinetApp, rule: Limit, key: str, *, pending: bool = False) -> int:
    """Count one attempt of ``key`` and return its id, or raise 429 with ``Retry-After`` when
    ``rule.limit`` attempts already fall within the window. A ``pending`` reservation (the
    login lockout's) is one whose check still runs: ``clear`` leaves it to its own request."""
    now = app.clock.now()
    since = iso(now - rule.window)
    # On PostgreSQL the transaction first takes an advisory lock on the key (write(lock=…)), so
    # parallel reservations of one key, in any process, count one after the other.
    with app.db.write(lock=f"limit:{rule.purpose}:{key}") as conn:
        take_turn(conn, rule.purpose, key)
        rows = conn.execute(
            "SELECT at FROM limited_attempts WHERE purpose = ? AND key = ? AND at > ? ORDER BY at",
            (rule.purpose, key, since),
        ).fetchall()
        if len(rows) >= rule.limit:
            # Free again when the oldest attempt that keeps the count at the limit leaves.
            until = parse_iso(rows[len(rows) - rule.limit]["at"]) + rule.window
            seconds = max(1, math.ceil((until - now).total_seconds()))
            raise HttpError(
                429,
                "too_many_attempts",
                f"{rule.message} Повторите через {math.ceil(seconds / 60)} мин.",
                headers={"Retry-After": str(seconds)},
            )
        row = conn.execute(
            "INSERT INTO limited_attempts (purpose, key, at, pending) VALUES (?, ?, ?, ?)"
            " RETURNING id",
            (rule.purpose, key, iso(now), int(pending)),
        ).fetchone()
        # Old rows of this key are of no use to any window; keep the table small.
        conn.execute(
            "DELETE FROM limited_attempts WHERE purpose = ? AND key = ? AND at <= ?",
            (rule.purpose, key, since),
        )
        return int(row["id"])


def release(app: CabinetApp, attempt_id: int) -> None:
    """Give back a reservation whose check succeeded: successes do not count."""
    with app.db.write() as conn:
        conn.execute("DELETE FROM limited_attempts WHERE id = ?", (attempt_id,))


def settle(app: CabinetApp, attempt_id: int) -> None:
    """A pending reservation whose check failed: it now counts like any attempt."""
    with app.db.write() as conn:
        conn.execute("UPDATE limited_attempts SET pending = 0 WHERE id = ?", (attempt_id,))


def clear(conn: Connection, rule: Limit, key: str, attempt_id: int | None = None) -> None:
    """Forget the settled attempts of ``key`` and this request's own reservation (a success
    that proves the owner, e.g. the right password). Reservations still being checked by
    parallel requests stay: a success must not open the window for them."""
    conn.execute(
        "DELETE FROM limited_attempts WHERE purpose = ? AND key = ? AND (pending = 0 OR id = ?)",
        (rule.purpose, key, attempt_id),
    )


@housekeeping.register("limited attempts")
def prune(db: Database, now: datetime, pace: Callable[[], None]) -> int:
    """Delete the attempts no window counts any more, then the keys left without attempts
    (core/housekeeping.py). ``reserve`` already trims the key it counts; this is for the keys
    never tried again — one per made-up login a stranger tried.

    The lockout stays atomic: an attempt is deleted only when it is older than its rule's
    window (and a margin), which no count reads. A key's ``attempt_keys`` row is only where
    reservations take turns, its number is not read: on PostgreSQL the prune skips a row a
    reservation holds (housekeeping.delete_expired), and a reservation that comes after the
    delete finds no row and makes it anew (its upsert waits for the delete's commit); the key's
    advisory lock orders reservations whatever happens to the row. On SQLite each transaction
    has the database to itself. A key deleted just after an attempt of it was recorded by a
    transaction the prune's snapshot did not see loses only its ``reservations`` number; the
    attempt counts as before."""
    deleted = 0
    for purpose, rule in RULES.items():
        deleted += housekeeping.delete_expired(
            db,
            "limited_attempts",
            "id",
            "purpose = ? AND at <= ?",
            (purpose, iso(now - rule.window - housekeeping.MARGIN)),
            pace,
        )
    known = list(RULES)
    deleted += housekeeping.delete_expired(
        db,
        "limited_attempts",
        "id",
        f"purpose NOT IN ({', '.join('?' * len(known))}) AND at <= ?" if known else "at <= ?",
        (*known, iso(now - UNKNOWN_PURPOSE_KEPT)),
        pace,
    )
    deleted += housekeeping.delete_expired(
        db,
        "attempt_keys",
        "(purpose, key)",
        "NOT EXISTS (SELECT 1 FROM limited_attempts a"
        " WHERE a.purpose = attempt_keys.purpose AND a.key = attempt_keys.key)",
        (),
        pace,
    )
    return deleted
