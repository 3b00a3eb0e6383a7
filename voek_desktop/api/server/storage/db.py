"""SQLite storage: WAL, a connection per thread, numbered migrations in ``PRAGMA user_version``."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from voek_desktop.api.server.core.files import private_file
from voek_desktop.api.server.storage.migrations import MIGRATIONS

# What sqlite3 binds: positional values or named ones.
Params = tuple[object, ...] | dict[str, object]


def existing(row: sqlite3.Row | None) -> sqlite3.Row:
    """``row`` from a ``fetchone()`` that cannot come back empty (see ``Database.query_row``)."""
    if row is None:
        raise LookupError("the row that must exist is not there")
    return row


def inserted_id(cursor: sqlite3.Cursor) -> int:
    """The rowid an ``INSERT`` on ``cursor`` has just given its row."""
    rowid = cursor.lastrowid
    if rowid is None:
        raise LookupError("the statement inserted no row")
    return rowid


def sqlite_path(url: str | os.PathLike[str]) -> Path | None:
    """The file of a SQLite database setting (a path, or ``sqlite:///path``); None for a server
    URL such as ``postgresql://…``."""
    text = os.fspath(url)
    if text.startswith("sqlite:///"):
        return Path(text.removeprefix("sqlite:///"))
    if "://" in text:
        return None
    return Path(text)


def open_database(url: str | os.PathLike[str]) -> Database:
    """The one place a database setting (``--database``, ``VOEK_DATABASE``) becomes a Database:
    a SQLite file today; the PostgreSQL engine plugs in here (issue 15, item 2)."""
    path = sqlite_path(url)
    if path is None:
        raise ValueError(f"unsupported database URL {os.fspath(url)!r}: expected a SQLite path")
    return Database(path)


class Database:
    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._all_lock = threading.Lock()
        # Hashes and personal data: the file is created 0600 before SQLite opens it, and
        # SQLite gives its -wal and -shm the mode of the database file.
        if self.path != ":memory:":
            os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600))
            private_file(self.path)
        self.migrate()
        for suffix in ("-wal", "-shm"):
            private_file(self.path + suffix)

    def connection(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            # Autocommit mode: transactions are explicit, writes start with BEGIN IMMEDIATE.
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA busy_timeout=5000")
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
            with self._all_lock:
                self._all.append(conn)
        return conn

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction; BEGIN IMMEDIATE so a read-then-write never hits SQLITE_BUSY."""
        conn = self.connection()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def query(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        return self.connection().execute(sql, params).fetchall()

    def query_one(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self.connection().execute(sql, params).fetchone()
        return row

    def query_row(self, sql: str, params: Params = ()) -> sqlite3.Row:
        """The row that must be there: one just written, checked before, or an aggregate's."""
        return existing(self.connection().execute(sql, params).fetchone())

    def schema_version(self) -> int:
        version: int = self.connection().execute("PRAGMA user_version").fetchone()[0]
        return version

    def migrate(self) -> None:
        with self.write() as conn:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
                for statement in _statements(script):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {number}")

    def close(self) -> None:
        with self._all_lock:
            for conn in self._all:
                conn.close()
            self._all.clear()
        self._local = threading.local()


def _statements(script: str) -> list[str]:
    # executescript() would COMMIT our transaction; split instead (no ';' inside migration text).
    return [s.strip() for s in script.split(";") if s.strip()]
