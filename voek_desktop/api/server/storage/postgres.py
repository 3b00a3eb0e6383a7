"""PostgreSQL behind storage/db.py's ``Database``: psycopg 3 with a psycopg_pool pool, for several
web processes and hosts on one database (issue 15; docs/design.md "Storage").

The features' statements are written once, in the dialect both engines share; this module
bridges the rest: ``?`` and ``:name`` placeholders become psycopg's ``%s`` and ``%(name)s``,
rows answer by name and by position like sqlite3.Row, Python booleans are bound as the 0/1 the
schema stores, integral sums come back as int (PostgreSQL's ``sum`` of bigint is numeric), and a
migration's DDL is given PostgreSQL's spelling (``ddl``). Check-then-write transactions lock what
they check (``write(consumer=…)`` or ``write(lock=…)``), since PostgreSQL's writers run at once
where SQLite's BEGIN IMMEDIATE takes one at a time.
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import psycopg
import psycopg_pool
from psycopg import pq
from psycopg.adapt import Loader

from voek_desktop.api.server.storage.db import (
    SCHEMA_MIGRATIONS,
    Database,
    IntegrityError,
    Params,
    Unavailable,
)

# Seconds a request waits for a free pooled connection before it is answered 503.
POOL_TIMEOUT = 10.0
# Any constant: the advisory lock under which one process of many runs the migrations.
_MIGRATION_LOCK = 7_201_511


class PgRow(tuple[Any, ...]):
    """A row by column name or position, as sqlite3.Row: the features read by name."""

    _index: dict[str, int]

    def __new__(cls, values: Sequence[Any], index: dict[str, int]) -> PgRow:
        row = super().__new__(cls, values)
        row._index = index
        return row

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return tuple.__getitem__(self, self._index[key])
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._index)


def _returns_rows(cursor: Any) -> bool:
    """Whether the statement gave a result set (psycopg's ``description is not None``, without
    building a Column object per column: that took a sixth of a request's time)."""
    res = cursor.pgresult
    return bool(res is not None and (res.nfields or res.status in _ROW_STATUSES))


_ROW_STATUSES = (pq.ExecStatus.TUPLES_OK, pq.ExecStatus.SINGLE_TUPLE)


@lru_cache(maxsize=1024)
def _index(names: tuple[bytes, ...]) -> dict[str, int]:
    # Column names are ASCII identifiers in our statements; one index per distinct column list.
    return {name.decode(): i for i, name in enumerate(names)}


def _row_factory(cursor: Any) -> Any:
    if not _returns_rows(cursor):
        return tuple
    res = cursor.pgresult
    index = _index(tuple(res.fname(i) for i in range(res.nfields)))
    return lambda values: PgRow(values, index)


class _IntegralNumericLoader(Loader):
    """numeric as int when integral, else float: what SQLite gives for ``sum`` and friends (our
    schema has no NUMERIC columns; numeric only comes from aggregates of integers)."""

    def load(self, data: Any) -> int | float:
        text = bytes(data)
        if b"." in text or b"e" in text.lower() or b"N" in text:
            return float(text)
        return int(text)


def _configure(conn: psycopg.Connection[Any]) -> None:
    conn.adapters.register_loader("numeric", _IntegralNumericLoader)


# INSERT … VALUES (?, …) [ON CONFLICT …]: executemany sends such a statement's rows in one.
_INSERT_VALUES = re.compile(r"^(\s*INSERT INTO [^;]*? VALUES )(\([?, ]+\))([^;]*)$", re.DOTALL)
_BATCH_ROWS = 500

_PLACEHOLDER = re.compile(r"'(?:[^']|'')*'|\?|(?<!:):([A-Za-z_]\w*)|%")


@lru_cache(maxsize=2048)
def translate(sql: str) -> str:
    """SQLite's placeholders as psycopg's; every ``%`` doubled (psycopg reads them in string
    literals too), ``?`` and ``:name`` in string literals left as they are."""

    def one(match: re.Match[str]) -> str:
        token = match.group(0)
        if token.startswith("'"):
            return token.replace("%", "%%")
        if token == "?":
            return "%s"
        if token == "%":
            return "%%"
        return f"%({match.group(1)})s"

    return _PLACEHOLDER.sub(one, sql)


def _values(params: Params) -> Any:
    # The schema keeps flags as INTEGER 0/1 (SQLite's way); psycopg would bind True as boolean.
    if isinstance(params, dict):
        return {k: int(v) if isinstance(v, bool) else v for k, v in params.items()}
    return tuple(int(v) if isinstance(v, bool) else v for v in params)


@contextmanager
def _mapped_errors() -> Iterator[None]:
    try:
        yield
    except psycopg.errors.IntegrityError as exc:
        raise IntegrityError(str(exc)) from exc
    except (psycopg.OperationalError, psycopg_pool.PoolTimeout) as exc:
        raise Unavailable(str(exc)) from exc


class _Result:
    """A statement's rows fetched at once: the pooled connection goes back before the caller
    reads them."""

    def __init__(self, rows: list[Any], rowcount: int) -> None:
        self._rows = rows
        self._next = 0
        self.rowcount = rowcount

    def fetchone(self) -> Any:
        if self._next >= len(self._rows):
            return None
        self._next += 1
        return self._rows[self._next - 1]

    def fetchall(self) -> list[Any]:
        rows, self._next = self._rows[self._next :], len(self._rows)
        return rows

    def __iter__(self) -> Iterator[Any]:
        return iter(self.fetchall())


def _run(conn: psycopg.Connection[Any], sql: str, params: Params) -> _Result:
    with _mapped_errors():
        cursor = conn.execute(translate(sql), _values(params))
        rows = cursor.fetchall() if _returns_rows(cursor) else []
        return _Result(rows, cursor.rowcount)


class PgConnection:
    """One pooled connection inside a ``write()`` transaction, spoken to like sqlite3's."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.raw = conn

    def execute(self, sql: str, params: Params = ()) -> _Result:
        return _run(self.raw, sql, params)

    def executemany(self, sql: str, params: Any) -> None:
        rows = [_values(p) for p in params]
        if not rows:
            return
        batched = _INSERT_VALUES.match(sql)
        with _mapped_errors(), self.raw.cursor() as cursor:
            if batched is None or isinstance(rows[0], dict):
                cursor.executemany(translate(sql), rows)
                return
            # One INSERT of many VALUES rows instead of a statement per row: the registers'
            # snapshots are written hundreds of rows at a time (a round trip each, else).
            head, one, tail = batched.groups()
            for start in range(0, len(rows), _BATCH_ROWS):
                chunk = rows[start : start + _BATCH_ROWS]
                text = translate(head + ", ".join([one] * len(chunk)) + tail)
                cursor.execute(text, [value for row in chunk for value in row])


class _Reads:
    """``connection()`` outside a transaction: every statement on this thread's open ``write()``
    (a read there sees it), else on the connection its request holds (``request()``), else on
    one borrowed from the pool for that statement alone (autocommit)."""

    def __init__(self, db: PostgresDatabase) -> None:
        self.db = db

    def execute(self, sql: str, params: Params = ()) -> _Result:
        current = self.db.current()
        if current is not None:
            return current.execute(sql, params)
        held = self.db.held()
        if held is not None:
            return _run(held, sql, params)
        with _mapped_errors(), self.db.pool.connection() as conn:
            return _run(conn, sql, params)

    def executemany(self, sql: str, params: Any) -> None:
        with self.db.write() as conn:
            conn.executemany(sql, params)


class PostgresDatabase(Database):
    engine = "postgresql"

    def __init__(
        self, url: str, *, min_size: int = 1, max_size: int = 16, timeout: float = POOL_TIMEOUT
    ) -> None:
        self.url = url
        self._local = threading.local()
        self.pool = psycopg_pool.ConnectionPool(
            url,
            min_size=min_size,
            max_size=max_size,
            kwargs={"autocommit": True, "row_factory": _row_factory},
            configure=_configure,
            timeout=timeout,
            name="voek",
            open=False,
        )
        try:
            self.pool.open(wait=True, timeout=POOL_TIMEOUT)
        except psycopg_pool.PoolTimeout as exc:
            self.pool.close()
            raise Unavailable(f"PostgreSQL at {_safe(url)} cannot be reached") from exc
        try:
            self.migrate()
        except BaseException:
            self.pool.close()
            raise

    def in_transaction(self) -> bool:
        return self.current() is not None

    def current(self) -> PgConnection | None:
        current: PgConnection | None = getattr(self._local, "tx", None)
        return current

    def connection(self) -> _Reads:
        return _Reads(self)

    @contextmanager
    def request(self) -> Iterator[None]:
        """One pooled connection for all of a request's statements, borrowed at its first and
        given back at its end: a bench request makes two or three, and borrowing and returning
        a connection for each was a tenth of the app's CPU per request (the pool's lock and
        bookkeeping, the connection's context). A ``write()`` in the request runs on it too,
        so a request thread never holds two."""
        if getattr(self._local, "pinned", False):
            yield  # a request inside a request (a test calling the app from a handler)
            return
        self._local.pinned = True
        try:
            yield
        finally:
            held: psycopg.Connection[Any] | None = getattr(self._local, "held", None)
            self._local.pinned = False
            self._local.held = None
            if held is not None:
                self.pool.putconn(held)

    def held(self) -> psycopg.Connection[Any] | None:
        """The connection of this thread's ``request()``, borrowed now if not yet; None outside
        one."""
        if not getattr(self._local, "pinned", False):
            return None
        held: psycopg.Connection[Any] | None = getattr(self._local, "held", None)
        if held is None:
            with _mapped_errors():
                held = self.pool.getconn()
            self._local.held = held
        return held

    @contextmanager
    def write(
        self, *, consumer: int | None = None, lock: str | None = None
    ) -> Iterator[PgConnection]:
        """A transaction on one pooled connection. ``consumer``: ``SELECT … FOR NO KEY UPDATE``
        on that consumer's row first, so the check-then-write transactions of one consumer (how many
        open requests, is the e-mail free…) run one after the other, as under SQLite's BEGIN
        IMMEDIATE; ``lock``: the same with an advisory lock on a name (a login key, a limiter
        key) where no row stands for what is checked."""
        if self.current() is not None:
            raise RuntimeError("write() inside write(): one transaction per thread")
        held = self.held()
        borrowed = self.pool.connection() if held is None else contextlib.nullcontext(held)
        with _mapped_errors(), borrowed as raw, raw.transaction():
            conn = PgConnection(raw)
            if consumer is not None:
                # NO KEY UPDATE: two of these wait for each other, but the foreign-key checks
                # of other writes (a session, a token for this consumer) do not wait for them.
                conn.execute("SELECT id FROM consumers WHERE id = ? FOR NO KEY UPDATE", (consumer,))
            if lock is not None:
                conn.execute("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", (lock,))
            self._local.tx = conn
            try:
                yield conn
            finally:
                self._local.tx = None

    def migrate(self) -> None:
        with self.write() as conn:
            # Several processes may start at once on a new database: one migrates, the others
            # wait here and then find nothing left to do.
            conn.execute("SELECT pg_advisory_xact_lock(?)", (_MIGRATION_LOCK,))
            conn.execute(self.ddl(SCHEMA_MIGRATIONS))
            done = {row["number"] for row in conn.execute("SELECT number FROM schema_migrations")}
            self._run_migrations(conn, done)

    def close(self) -> None:
        self.pool.close()

    def ddl(self, statement: str) -> str:
        return postgres_ddl(statement)

    def ids_taken(self, conn: Any, *tables: str) -> None:
        for table in tables:
            conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                f" (SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
            )


_CREATE = re.compile(r"^\s*CREATE TABLE (IF NOT EXISTS )?\w+ \(", re.IGNORECASE)


def postgres_ddl(statement: str) -> str:
    """A migration's statement, written for SQLite, in PostgreSQL's spelling: the dialect hook
    that keeps one copy of every migration (issue 15 counted 36/36 DDL statements loading on
    PostgreSQL 15 after the first of these changes).

    - ``id INTEGER PRIMARY KEY`` is SQLite's auto-numbered id (``seq`` of the dev outbox, too;
      not a key that is another table's id): an identity column here;
    - ``INTEGER`` is 64-bit in SQLite: BIGINT (sizes, seeds, Wh registers pass 2^31);
    - SQLite gives every table without an integer key a ``rowid``, which two tables' statements
      use (login_failures, email_change_undos): here such a table gets a ``rowid`` identity;
    - REAL is an 8-byte float in SQLite, a 4-byte one here: DOUBLE PRECISION (the dev clock's
      offset of months lost seconds in float4);
    - BLOB is bytea; ``WITHOUT ROWID`` is SQLite's storage choice; the server id's random
      bytes are spelled with PostgreSQL's functions."""
    creates_rowid_table = (
        _CREATE.match(statement) is not None
        and "INTEGER PRIMARY KEY" not in statement
        and "WITHOUT ROWID" not in statement
    )
    text = re.sub(
        r"\b(\w+) INTEGER PRIMARY KEY\b(?! REFERENCES)",
        r"\1 BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
        statement,
    )
    text = re.sub(r"\bINTEGER\b", "BIGINT", text)
    text = re.sub(r"\bBLOB\b", "BYTEA", text)
    text = re.sub(r"\bREAL\b", "DOUBLE PRECISION", text)
    text = text.replace("WITHOUT ROWID", "").rstrip()
    text = text.replace("lower(hex(randomblob(16)))", "replace(gen_random_uuid()::text, '-', '')")
    if creates_rowid_table:
        head, _, tail = text.rpartition(")")
        text = head + ",\n    rowid BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE\n)" + tail
    return text


def _safe(url: str) -> str:
    """The URL without its password, for messages."""
    return re.sub(r"(//[^:/@]+):[^@]*@", r"\1:***@", url)
