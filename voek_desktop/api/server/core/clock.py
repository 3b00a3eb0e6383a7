"""The server's one clock. Every rule that depends on time asks it: `/dev/clock` moves them all.

With --dev the offset lives in the database (table ``dev_clock``, issue 15 item 4), so every
process on one database — gunicorn's workers, voek-worker — tells the same time; it then also
outlives a restart of voek-server (the app's embedded server starts on the real time). Without
--dev nothing moves the clock and it never reads the database.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from voek_desktop.api.server.storage.db import Database


class Clock:
    def __init__(self) -> None:
        self._offset = timedelta()
        self._lock = threading.Lock()
        self._store: Database | None = None
        # Within a request (``request()``): the stored offset as first read in it.
        self._request = threading.local()

    def share(self, db: Database, *, fresh: bool = False) -> None:
        """Keep the offset in ``db`` from now on. An offset set before (a test moving the clock
        ahead of the app's start), or with ``fresh`` the real time, is written there; otherwise
        the stored one is taken."""
        with self._lock:
            offset = self._offset
            self._store = db
        if offset or fresh:
            _store_offset(db, offset.total_seconds(), relative=False)

    def now(self) -> datetime:
        with self._lock:
            offset, store = self._offset, self._store
        if store is not None:
            request = self._request
            if not getattr(request, "inside", False):
                offset = timedelta(seconds=_stored_offset(store))
            else:
                if request.offset is None:
                    request.offset = timedelta(seconds=_stored_offset(store))
                offset = request.offset
        return (datetime.now(UTC) + offset).replace(microsecond=0)

    @contextlib.contextmanager
    def request(self) -> Iterator[None]:
        """One request of this thread (app.py): the shared offset is read from the database
        once in it, not at each ``now()`` (two or three a request: a statement each). Another
        process's move of the clock counts from the next request on; this one's at once."""
        self._request.inside, self._request.offset = True, None
        try:
            yield
        finally:
            self._request.inside = False

    def set(self, moment: datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("moment must be timezone-aware")
        with self._lock:
            self._offset = moment.astimezone(UTC) - datetime.now(UTC)
            offset, store = self._offset, self._store
        self._request.offset = None
        if store is not None:
            _store_offset(store, offset.total_seconds(), relative=False)

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._offset += timedelta(seconds=seconds)
            store = self._store
        self._request.offset = None
        if store is not None:
            # Relative in the statement: two processes advancing at once both count.
            _store_offset(store, seconds, relative=True)


# --- the shared offset's statements ------------------------------------------------------------


def _stored_offset(db: Database) -> float:
    row = db.query_one("SELECT offset_seconds FROM dev_clock WHERE id = 1")
    return float(row["offset_seconds"]) if row is not None else 0.0


def _store_offset(db: Database, seconds: float, *, relative: bool) -> None:
    value = "dev_clock.offset_seconds + :s" if relative else ":s"
    with db.write() as conn:
        conn.execute(
            "INSERT INTO dev_clock (id, offset_seconds) VALUES (1, :s)"
            f" ON CONFLICT (id) DO UPDATE SET offset_seconds = {value}",
            {"s": seconds},
        )


def iso(moment: datetime) -> str:
    """The one text form of a moment in the database and the API: UTC, seconds, offset."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


def parse_iso(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment
