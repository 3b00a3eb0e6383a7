"""The database behind one interface, on SQLite (the default: one file, one process or several on
one host) or PostgreSQL (several processes and hosts; storage/postgres.py). ``open_database``
chooses by the target: a ``postgresql://`` URL or a file path.

What callers use, the same on both engines: ``write()`` (a transaction), ``query()``,
``query_one()``, ``query_row()``, ``connection()`` (reads outside a transaction); statements
with ``?`` or ``:name`` placeholders (translated for psycopg), rows read by column name,
``IntegrityError`` for a refused constraint (409) and ``Unavailable`` for a database that is busy
or cannot be reached (503). Migrations are numbered modules (storage/migrations), the ones run
recorded in ``schema_migrations``; SQLite databases made before that table counted them in
``PRAGMA user_version`` and are carried over on the first start.
"""

from __future__ import annotations

import os
import re
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from voek_desktop.api.server.core.files import private_file
from voek_desktop.api.server.storage.migrations import BEFORE_SCHEMA_MIGRATIONS, MIGRATIONS

# What statements bind: positional values (``?``) or named ones (``:name``).
Params = Sequence[object] | dict[str, Any]


class Row(Protocol):
    """A result row: by column name (what our code uses) or position; sqlite3.Row is one."""

    def __getitem__(self, key: str | int, /) -> Any: ...

    def keys(self) -> list[str]: ...


class Cursor(Protocol):
    rowcount: int

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...


class Connection(Protocol):
    """What a transaction (``write()``) or ``connection()`` gives: sqlite3.Connection is one."""

    def execute(self, sql: str, params: Params = ..., /) -> Any: ...

    def executemany(self, sql: str, params: Any, /) -> Any: ...


class IntegrityError(Exception):
    """A constraint refused the write: a parallel request took the unique value a moment ago.
    The HTTP layer answers 409 (app.py) where a feature does not say something better."""


class Unavailable(Exception):
    """The database is busy (a lock held past the timeout) or cannot be reached (a pool with no
    free connection, PostgreSQL restarting): 503 with Retry-After, the client tries again."""


def existing(row: Any) -> Any:
    """``row`` from a ``fetchone()`` that cannot come back empty (see ``Database.query_row``)."""
    if row is None:
        raise LookupError("the row that must exist is not there")
    return row


def inserted_id(cursor: Any) -> int:
    """The id an ``INSERT … RETURNING id`` on ``cursor`` has just given its row (both engines
    answer RETURNING; ``lastrowid`` is SQLite's alone)."""
    row = existing(cursor.fetchone())
    return int(row["id"])


def sqlite_path(url: str | os.PathLike[str]) -> Path | None:
    """The file of a SQLite database setting (a path, or ``sqlite:///path``); None for a server
    URL such as ``postgresql://…``."""
    text = os.fspath(url)
    if text.startswith("sqlite:///"):
        return Path(text.removeprefix("sqlite:///"))
    if "://" in text:
        return None
    return Path(text)


class Database:
    """The interface both engines implement; ``query*`` read outside any transaction (or inside
    this thread's open ``write()``)."""

    engine = ""

    def connection(self) -> Connection:
        raise NotImplementedError

    def write(
        self, *, consumer: int | None = None, lock: str | None = None
    ) -> AbstractContextManager[Any]:
        """A write transaction. A check-then-write transaction names what it checks: the
        ``consumer`` whose rows it counts or looks at, or a ``lock`` name (a login key) where no
        row stands for it. On PostgreSQL the transaction locks that first (the consumer's row
        FOR NO KEY UPDATE), so two of them on the same thing run one after the other; on SQLite
        BEGIN IMMEDIATE already serialises every write transaction on the database."""
        raise NotImplementedError

    def in_transaction(self) -> bool:
        """Whether this thread is inside its ``write()``: statements then join it."""
        raise NotImplementedError

    def request(self) -> AbstractContextManager[None]:
        """The span of one HTTP request (app.py): PostgreSQL runs all its statements on one
        pooled connection; SQLite's connection is the thread's anyway."""
        return nullcontext()

    def query(self, sql: str, params: Params = ()) -> list[Any]:
        try:
            return list(self.connection().execute(sql, params).fetchall())
        except sqlite3.OperationalError as exc:
            raise _sqlite_error(exc) from exc

    def query_one(self, sql: str, params: Params = ()) -> Any:
        try:
            return self.connection().execute(sql, params).fetchone()
        except sqlite3.OperationalError as exc:
            raise _sqlite_error(exc) from exc

    def query_row(self, sql: str, params: Params = ()) -> Any:
        """The row that must be there: one just written, checked before, or an aggregate's."""
        return existing(self.query_one(sql, params))

    def schema_version(self) -> int:
        """How many migrations have run."""
        row = self.query_row("SELECT count(*) AS n FROM schema_migrations")
        return int(row["n"])

    def migrate(self) -> None:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def ids_taken(self, conn: Connection, *tables: str) -> None:
        """Rows were inserted into ``tables`` with ids of the caller's choosing: ids the
        database gives later must come after them. SQLite takes max(rowid) + 1 anyway;
        PostgreSQL's identity sequence is moved on (storage/postgres.py)."""

    def _run_migrations(self, conn: Connection, done: set[int]) -> None:
        for number, script in sorted(MIGRATIONS.items()):
            if number in done:
                continue
            for statement in statements(script):
                conn.execute(self.ddl(statement))
            conn.execute(
                "INSERT INTO schema_migrations (number, applied_at) VALUES (?, ?)",
                (number, datetime.now(UTC).isoformat(timespec="seconds")),
            )

    def ddl(self, statement: str) -> str:
        """A migration's statement in this engine's dialect; SQLite's is the one written."""
        return statement


SCHEMA_MIGRATIONS = (
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " number INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)"
)


class SqliteDatabase(Database):
    """SQLite: WAL, a connection per thread, writes in BEGIN IMMEDIATE."""

    engine = "sqlite"

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

    def in_transaction(self) -> bool:
        return self.connection().in_transaction

    @contextmanager
    def write(
        self, *, consumer: int | None = None, lock: str | None = None
    ) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE takes the database's write lock before the first read, so a
        check-then-write never acts on what another writer changed in between (``consumer``
        and ``lock`` are for PostgreSQL) and never hits SQLITE_BUSY half-way."""
        conn = self.connection()
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise _sqlite_error(exc) from exc
        try:
            yield conn
        except sqlite3.IntegrityError as exc:
            conn.execute("ROLLBACK")
            raise IntegrityError(str(exc)) from exc
        except sqlite3.OperationalError as exc:
            conn.execute("ROLLBACK")
            raise _sqlite_error(exc) from exc
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def migrate(self) -> None:
        with self.write() as conn:
            conn.execute(SCHEMA_MIGRATIONS)
            done = {row["number"] for row in conn.execute("SELECT number FROM schema_migrations")}
            # Before schema_migrations the count of migrations run was PRAGMA user_version,
            # the first that many of BEFORE_SCHEMA_MIGRATIONS (a list then: user_version 8 was
            # m010); such a database records them once, then only the table counts.
            counted = conn.execute("PRAGMA user_version").fetchone()[0]
            if counted and not done:
                done = set(BEFORE_SCHEMA_MIGRATIONS[:counted])
                conn.executemany(
                    "INSERT INTO schema_migrations (number, applied_at) VALUES (?, 'before')",
                    [(n,) for n in sorted(done)],
                )
            self._run_migrations(conn, done)
            # Kept in step for an older server started on this file: it sees the schema it
            # knows is there and does not run its migrations again.
            conn.execute(f"PRAGMA user_version = {max(MIGRATIONS)}")

    def close(self) -> None:
        with self._all_lock:
            for conn in self._all:
                conn.close()
            self._all.clear()
        self._local = threading.local()


def _sqlite_error(exc: sqlite3.OperationalError) -> Exception:
    text = str(exc)
    if "locked" in text or "busy" in text:
        return Unavailable(text)
    return exc


def statements(script: str) -> list[str]:
    # executescript() would COMMIT our transaction; split instead (no ';' inside migration text).
    return [s.strip() for s in script.split(";") if s.strip()]


_URL = re.compile(r"^postgres(ql)?://", re.IGNORECASE)


def is_postgres(target: str | os.PathLike[str]) -> bool:
    return bool(_URL.match(str(target)))


def open_database(target: str | os.PathLike[str], **options: Any) -> Database:
    """The database at ``target``: a ``postgresql://`` URL (``options`` go to its pool, e.g.
    ``max_size``) or the path of a SQLite file (created with the schema when missing). The
    schema is migrated to the newest either way."""
    if is_postgres(target):
        from voek_desktop.api.server.storage.postgres import PostgresDatabase

        return PostgresDatabase(str(target), **options)
    path = sqlite_path(target)
    if path is None:
        raise ValueError(
            f"unsupported database URL {os.fspath(target)!r}:"
            " expected postgresql://… or a SQLite path"
        )
    return SqliteDatabase(path)
