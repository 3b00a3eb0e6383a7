"""One generic limiter of attempts: N per key per window, for guessing (personal-account pairs,
supply-contract numbers) and for answers that reveal a taken identifier (docs/design.md
"Rules the product follows").

An attempt is reserved before it is checked: the count and the insert run in one write
transaction (BEGIN IMMEDIATE), so parallel requests and several server processes on one
database never check more than ``limit`` per window. A check that succeeds and should not
count gives its reservation back with ``release``. Moments come from the app's clock, so
``/dev/clock`` moves the window too."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from voek_desktop.api.server.core.clock import iso, parse_iso
from voek_desktop.api.server.http.web import HttpError
from voek_desktop.api.server.storage.db import inserted_id

if TYPE_CHECKING:
    from voek_desktop.api.server.app import CabinetApp


@dataclass(frozen=True)
class Limit:
    purpose: str  # the row's purpose, e.g. "personal_account"
    limit: int  # attempts allowed per key per window
    window: timedelta
    message: str  # Russian, what was refused; "Повторите через N мин." is added


def reserve(app: CabinetApp, rule: Limit, key: str) -> int:
    """Count one attempt of ``key`` and return its id, or raise 429 with ``Retry-After`` when
    ``rule.limit`` attempts already fall within the window."""
    now = app.clock.now()
    since = iso(now - rule.window)
    with app.db.write(lock=f"limit:{rule.purpose}:{key}") as conn:
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
        cur = conn.execute(
            "INSERT INTO limited_attempts (purpose, key, at) VALUES (?, ?, ?) RETURNING id",
            (rule.purpose, key, iso(now)),
        )
        # Old rows of this key are of no use to any window; keep the table small.
        conn.execute(
            "DELETE FROM limited_attempts WHERE purpose = ? AND key = ? AND at <= ?",
            (rule.purpose, key, since),
        )
        return inserted_id(cur)


def release(app: CabinetApp, attempt_id: int) -> None:
    """Give back a reservation whose check succeeded: successes do not count."""
    with app.db.write() as conn:
        conn.execute("DELETE FROM limited_attempts WHERE id = ?", (attempt_id,))
