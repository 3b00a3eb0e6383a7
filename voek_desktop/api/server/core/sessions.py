"""Session tokens: creation, lookup with idle and absolute expiry, revocation
(docs/design.md "Identity")."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from voek_desktop.api.server.core import housekeeping
from voek_desktop.api.server.core.clock import iso
from voek_desktop.api.server.core.security import new_token, token_hash
from voek_desktop.api.server.http.web import HttpError
from voek_desktop.api.server.storage.db import Connection, Database, Row

IDLE = timedelta(minutes=30)
ABSOLUTE = timedelta(hours=12)
REMEMBER_IDLE = timedelta(days=14)
REMEMBER_ABSOLUTE = timedelta(days=30)
# Sliding the idle deadline on every request would make every read a write.
TOUCH_AFTER = timedelta(seconds=60)


@dataclass(frozen=True)
class NewSession:
    token: str
    expires_at: datetime


def create(conn: Connection, consumer_id: int, remember: bool, now: datetime) -> NewSession:
    token, hashed = new_token()
    idle, absolute = (REMEMBER_IDLE, REMEMBER_ABSOLUTE) if remember else (IDLE, ABSOLUTE)
    idle_expires, absolute_expires = now + idle, now + absolute
    conn.execute(
        "INSERT INTO sessions (consumer_id, token_hash, remember, created_at, last_seen_at,"
        " idle_expires_at, absolute_expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            consumer_id,
            hashed,
            int(remember),
            iso(now),
            iso(now),
            iso(idle_expires),
            iso(absolute_expires),
        ),
    )
    return NewSession(token, min(idle_expires, absolute_expires))


# The consumer's row with its session's columns beside them (``session_*``; no consumer column
# has that prefix): what ``authenticate`` gives as ``req.consumer``.
_CONSUMER_OF_TOKEN = (
    "SELECT c.*, s.id AS session_id, s.remember AS session_remember,"
    " s.last_seen_at AS session_last_seen_at, s.idle_expires_at AS session_idle_expires_at,"
    " s.absolute_expires_at AS session_absolute_expires_at"
    " FROM sessions s JOIN consumers c ON c.id = s.consumer_id WHERE s.token_hash = ?"
)


def authenticate(db: Database, authorization: str, now: datetime) -> tuple[Row, int]:
    """The consumer and session id behind an ``Authorization: Bearer`` header, or 401."""
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise HttpError(401, "unauthorized", "Войдите в личный кабинет")
    # The session and its consumer in one statement: this runs before every authenticated
    # request, and on PostgreSQL each statement is a round trip to the server.
    consumer = db.query_one(_CONSUMER_OF_TOKEN, (token_hash(token.strip()),))
    if consumer is None:
        # No such session, or its consumer is gone (the session goes with it).
        raise HttpError(401, "unauthorized", "Сеанс завершён, войдите снова")
    stamp = iso(now)
    if (
        stamp >= consumer["session_idle_expires_at"]
        or stamp >= consumer["session_absolute_expires_at"]
    ):
        with db.write() as conn:
            conn.execute("DELETE FROM sessions WHERE id = ?", (consumer["session_id"],))
        raise HttpError(401, "session_expired", "Сеанс истёк, войдите снова")
    if stamp >= iso(datetime.fromisoformat(consumer["session_last_seen_at"]) + TOUCH_AFTER):
        idle = REMEMBER_IDLE if consumer["session_remember"] else IDLE
        idle_expires = min(iso(now + idle), consumer["session_absolute_expires_at"])
        with db.write() as conn:
            conn.execute(
                "UPDATE sessions SET last_seen_at = ?, idle_expires_at = ? WHERE id = ?",
                (stamp, idle_expires, consumer["session_id"]),
            )
    return consumer, consumer["session_id"]


def end(conn: Connection, session_id: int) -> None:
    conn.execute("DELETE FROM sessions WHERE id = ?", (session_id,))


def end_all(conn: Connection, consumer_id: int, keep: int | None = None) -> None:
    conn.execute(
        "DELETE FROM sessions WHERE consumer_id = ? AND id IS DISTINCT FROM ?", (consumer_id, keep)
    )


@housekeeping.register("sessions")
def prune(db: Database, now: datetime, pace: Callable[[], None]) -> int:
    """Sessions expired a day ago: ``authenticate`` deletes an expired one when its token comes
    back, but most never come back (a closed laptop, a wiped keyring). A day of grace keeps
    the answer «Сеанс истёк» for a token that returns soon after its expiry."""
    stamp = iso(now - timedelta(days=1))
    return housekeeping.delete_expired(
        db,
        "sessions",
        "id",
        "idle_expires_at <= ? OR absolute_expires_at <= ?",
        (stamp, stamp),
        pace,
    )
