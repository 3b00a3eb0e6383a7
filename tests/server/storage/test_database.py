"""Storage: WAL, schema version, data kept across restarts, migrations tracked in
schema_migrations on both engines (docs/design.md "API", issue 15)."""

from __future__ import annotations

import sqlite3
import threading
from contextlib import closing
from pathlib import Path

import pytest

from tests import demo
from tests.server.conftest import POSTGRES, open_on_postgres
from voek_desktop.api.server import start_embedded
from voek_desktop.api.server.storage import migrations
from voek_desktop.api.server.storage.db import (
    MIGRATIONS,
    IntegrityError,
    SqliteDatabase,
    Unavailable,
    open_database,
    statements,
)


def _pragma(path: Path, name: str):
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(f"PRAGMA {name}").fetchone()[0]


@pytest.mark.sqlite_only
def test_database_is_in_wal_mode_with_the_schema_version(server):
    path = Path(server.app.config.db_path)
    assert path.is_file()
    assert _pragma(path, "journal_mode") == "wal"
    assert _pragma(path, "user_version") == max(MIGRATIONS) >= 1


@pytest.mark.sqlite_only
def test_restart_keeps_accounts_and_pending_tokens(tmp_path, api_for):
    data_dir = tmp_path / "srv"
    first = start_embedded(data_dir, demo=True, dev=True)
    try:
        api = api_for(first)
        body = api.registration("individual", 41)
        assert api.register(body).status_code == 201
        token = api.token_in(api.last_mail(body["email"]))
    finally:
        first.stop()

    second = start_embedded(data_dir, demo=True, dev=True)  # demo data loaded again
    try:
        api = api_for(second)
        assert api.post("/activations", json={"token": token}).status_code == 200
        assert api.login_response(login=body["snils"], password=body["password"]).ok
        assert api.login_response("company").ok
        db = Path(second.app.config.db_path)
        assert _pragma(db, "user_version") == max(MIGRATIONS)
        with closing(sqlite3.connect(db)) as conn:
            (count,) = conn.execute("SELECT count(*) FROM consumers").fetchone()
        assert count == 4  # three demo consumers, not six, and the new one
    finally:
        second.stop()


@pytest.mark.sqlite_only
def test_migrations_run_once(tmp_path):
    path = tmp_path / "cabinet.sqlite3"
    db = SqliteDatabase(path)
    try:
        with db.write() as conn:
            conn.execute(
                "INSERT INTO limited_attempts (purpose, key, at)"
                " VALUES ('login', 'individual:1', '2026-01-01')"
            )
    finally:
        db.close()
    for _ in range(2):
        again = SqliteDatabase(path)
        try:
            assert again.schema_version() == len(MIGRATIONS)
            assert again.query_one("SELECT count(*) FROM limited_attempts")[0] == 1
        finally:
            again.close()
    assert _pragma(path, "journal_mode") == "wal"


@pytest.mark.sqlite_only
def test_an_upgrade_keeps_the_lockouts_under_way(tmp_path):
    # A database of the release before migration 10, with a login locked out: the failures move
    # into the generic limiter, so the upgrade does not give the guesser a fresh window.
    path = tmp_path / "cabinet.sqlite3"
    with closing(sqlite3.connect(path)) as conn:
        for script in [MIGRATIONS[n] for n in range(1, 8)]:
            for statement in statements(script):
                conn.execute(statement)
        conn.executemany(
            "INSERT INTO login_failures (login_key, at, pending) VALUES (?, ?, 0)",
            [("individual:11223344595", f"2026-03-10T09:0{n}:00+00:00") for n in range(5)],
        )
        conn.execute("PRAGMA user_version = 7")
        conn.commit()
    db = SqliteDatabase(path)
    try:
        rows = db.query("SELECT purpose, key, pending FROM limited_attempts")
        assert [tuple(r) for r in rows] == [("login", "individual:11223344595", 0)] * 5
        assert db.query_one("SELECT name FROM sqlite_master WHERE name = 'login_failures'") is None
    finally:
        db.close()


@pytest.mark.sqlite_only
def test_a_database_counted_in_user_version_upgrades_to_schema_migrations(tmp_path):
    """A file made by the server before schema_migrations (only PRAGMA user_version said how
    many migrations had run) keeps its data and gets only the migrations it lacks."""
    path = tmp_path / "old.sqlite3"
    older = 4
    with closing(sqlite3.connect(path)) as conn:
        for script in [MIGRATIONS[n] for n in range(1, older + 1)]:
            for statement in statements(script):
                conn.execute(statement)
        conn.execute(
            "INSERT INTO login_failures (login_key, at, pending) VALUES ('individual:1', 'x', 0)"
        )
        conn.execute(f"PRAGMA user_version = {older}")
        conn.commit()
    db = open_database(path)
    try:
        assert db.schema_version() == len(MIGRATIONS)
        numbers = [r["number"] for r in db.query("SELECT number FROM schema_migrations")]
        assert sorted(numbers) == sorted(MIGRATIONS)
        # Migration 10 moved the failure into the limiter, migration 1 did not run twice (it
        # would fail).
        rows = db.query("SELECT purpose, key FROM limited_attempts")
        assert [tuple(r) for r in rows] == [("login", "individual:1")]
    finally:
        db.close()
    assert _pragma(path, "user_version") == max(MIGRATIONS)
    SqliteDatabase(path).close()  # a second start finds nothing to do


@pytest.mark.sqlite_only
def test_user_version_counted_the_migrations_in_their_old_order(tmp_path):
    """Before schema_migrations the migrations were a list: user_version 9 meant 1-7, 10 and 13
    had run. Such a file gets only migration 11, none of the others again."""
    path = tmp_path / "old.sqlite3"
    with closing(sqlite3.connect(path)) as conn:
        for number in (1, 2, 3, 4, 5, 6, 7, 10, 13):
            for statement in statements(MIGRATIONS[number]):
                conn.execute(statement)
        conn.execute("PRAGMA user_version = 9")
        conn.commit()
    db = open_database(path)
    try:
        numbers = {
            r["number"]: r["applied_at"] for r in db.query("SELECT * FROM schema_migrations")
        }
        assert sorted(numbers) == sorted(MIGRATIONS)
        assert numbers[13] == "before" and numbers[11] != "before"
        assert db.query_row("SELECT count(*) AS n FROM stored_files")["n"] == 0
    finally:
        db.close()


def _each_engine(tmp_path: Path):
    yield SqliteDatabase(tmp_path / "db.sqlite3")
    if POSTGRES:
        yield open_on_postgres(tmp_path / "pg")


def test_both_engines_speak_the_same_statements(tmp_path):
    """What the features rely on, on each engine: ``?`` and ``:name`` placeholders, rows by
    name, RETURNING, ON CONFLICT, a refused unique value as IntegrityError, a failed
    transaction rolled back, flags stored as 0/1."""
    for db in _each_engine(tmp_path):
        try:
            assert db.schema_version() == len(MIGRATIONS)
            with db.write() as conn:
                row = conn.execute(
                    "INSERT INTO organizations (kind, registry_number, inn, name)"
                    " VALUES (?, ?, ?, ?) RETURNING id",
                    ("company", "1", "7700000000", "ООО «100% свет»"),
                ).fetchone()
            first = row["id"]
            found = db.query_row(
                "SELECT id, name FROM organizations WHERE registry_number = :number"
                " AND name LIKE '%свет%'",
                {"number": "1"},
            )
            assert (found["id"], found["name"]) == (first, "ООО «100% свет»")
            assert dict(found) == {"id": first, "name": "ООО «100% свет»"}
            with pytest.raises(IntegrityError), db.write() as conn:
                conn.execute(
                    "INSERT INTO organizations (kind, registry_number, inn, name)"
                    " VALUES ('company', 'rolled back', '1', '1')"
                )
                conn.execute(
                    "INSERT INTO organizations (kind, registry_number, inn, name)"
                    " VALUES ('company', '1', '1', '1')"
                )
            assert db.query_row("SELECT count(*) AS n FROM organizations")["n"] == 1
            with db.write() as conn:
                added = conn.execute(
                    "INSERT INTO organizations (kind, registry_number, inn, name)"
                    " VALUES ('company', '1', '1', '1') ON CONFLICT DO NOTHING"
                )
                assert added.rowcount == 0
            with db.write() as conn:
                conn.execute(
                    "INSERT INTO limited_attempts (purpose, key, at, pending) VALUES (?, ?, ?, ?)",
                    ("login", "k", "t", True),
                )
                conn.execute(
                    "INSERT INTO attempt_keys (purpose, key, reservations) VALUES ('login', 'k', 1)"
                )
            stored = db.query_row("SELECT pending FROM limited_attempts")
            assert stored["pending"] == 1
            assert db.query_row("SELECT rowid FROM attempt_keys")["rowid"] >= 1
            total = db.query_row("SELECT coalesce(sum(pending), 0) AS n FROM limited_attempts")
            assert total["n"] == 1 and isinstance(total["n"], int)
            # Ids of our choosing (the demo's meters), then ones the database gives.
            with db.write() as conn:
                conn.execute(
                    "INSERT INTO organizations (id, kind, registry_number, inn, name)"
                    " VALUES (50, 'company', '50', '1', '1')"
                )
                db.ids_taken(conn, "organizations")
                after = conn.execute(
                    "INSERT INTO organizations (kind, registry_number, inn, name)"
                    " VALUES ('company', '51', '1', '1') RETURNING id"
                ).fetchone()["id"]
            assert after == 51
        finally:
            db.close()


@pytest.mark.skipif(not POSTGRES, reason="VOEK_TEST_POSTGRES is not set")
def test_a_consumer_lock_makes_check_then_write_wait_on_postgresql(tmp_path):
    """Two transactions that count a consumer's rows and insert below a cap: with the lock
    the second counts after the first committed, as under SQLite's BEGIN IMMEDIATE."""
    db = open_on_postgres(tmp_path / "pg")
    try:
        with db.write() as conn:
            conn.execute(
                "INSERT INTO consumers (id, consumer_type, email, email_key, phone,"
                " password_hash, personal_data_consent_at, created_at)"
                " VALUES (1, 'individual', 'a@b', 'a@b', '1', 'h', 't', 't')"
            )
        inside = threading.Event()
        release = threading.Event()
        counted: list[int] = []

        def count_and_add(wait: bool) -> None:
            with db.write(consumer=1) as conn:
                n = conn.execute(
                    "SELECT count(*) AS n FROM feedback_threads WHERE consumer_id = 1"
                ).fetchone()["n"]
                counted.append(n)
                if wait:
                    inside.set()
                    release.wait(5)
                conn.execute(
                    "INSERT INTO feedback_threads (consumer_id, subject, created_at,"
                    " updated_at) VALUES (1, 's', 't', 't')"
                )

        first = threading.Thread(target=count_and_add, args=(True,))
        first.start()
        assert inside.wait(5)
        second = threading.Thread(target=count_and_add, args=(False,))
        second.start()
        second.join(0.5)
        assert second.is_alive(), "the second transaction must wait for the consumer's lock"
        release.set()
        first.join(5)
        second.join(5)
        assert counted == [0, 1]
    finally:
        db.close()


def test_every_migration_has_a_module_in_order():
    assert len(MIGRATIONS) == len(
        [n for n in dir(migrations) if n.startswith("m0") and n[1:4].isdigit()]
    )


@pytest.mark.skipif(not POSTGRES, reason="VOEK_TEST_POSTGRES is not set")
def test_no_free_connection_is_unavailable_not_a_hang(tmp_path):
    """A pool whose connections are all in use answers Unavailable after its timeout (the HTTP
    layer's 503), and serves again once one is back."""
    db = open_on_postgres(tmp_path / "pg", max_size=1, timeout=0.5)
    try:
        with db.write():
            other: list[BaseException] = []

            def read() -> None:
                try:
                    db.query("SELECT 1 AS one")
                except BaseException as exc:
                    other.append(exc)

            thread = threading.Thread(target=read)
            thread.start()
            thread.join(10)
            assert len(other) == 1 and isinstance(other[0], Unavailable)
        assert db.query_row("SELECT 1 AS one")["one"] == 1
    finally:
        db.close()


@pytest.mark.skipif(not POSTGRES, reason="VOEK_TEST_POSTGRES is not set")
def test_a_request_runs_its_statements_and_writes_on_one_connection(tmp_path):
    """Inside ``request()`` (the span of an HTTP request) every statement, a ``write()`` too,
    runs on one pooled connection, which goes back at the end. (The pool hands its
    connections out in turn: statements that each borrowed one would alternate between two.)"""
    db = open_on_postgres(tmp_path / "pg", min_size=2, max_size=2, timeout=0.5)
    try:
        db.pool.wait(5)
        outside = {db.query_row("SELECT pg_backend_pid() AS pid")["pid"] for _ in range(4)}
        assert len(outside) == 2
        with db.request():
            pids = [db.query_row("SELECT pg_backend_pid() AS pid")["pid"] for _ in range(3)]
            with db.write() as conn:
                conn.execute(
                    "INSERT INTO organizations (kind, registry_number, inn, name)"
                    " VALUES ('company', '1', '1', '1')"
                )
                pids.append(conn.execute("SELECT pg_backend_pid() AS pid").fetchone()["pid"])
            again = db.query_row("SELECT pg_backend_pid() AS pid, count(*) AS n FROM organizations")
            pids.append(again["pid"])
            assert again["n"] == 1
        assert len(set(pids)) == 1, pids
        assert db.pool.get_stats()["pool_available"] == 2, "the connection must be back"
    finally:
        db.close()


def test_a_database_that_cannot_be_reached_is_503_in_the_error_format(engine, make_server):
    """The database gone under a running server (its pool closed, as when the server cannot
    reach PostgreSQL): the JSON 503 with Retry-After, never a 500. SQLite's "database is
    locked" past the busy timeout becomes the same Unavailable (storage/db.py)."""
    if engine != "postgresql":
        pytest.skip("PostgreSQL's pool")
    import requests

    srv = make_server(name="gone", demo=True, dev=True)
    srv.app.db.pool.close()
    resp = requests.post(
        srv.url + "/api/v1/sessions",
        json={
            "consumer_type": "company",
            "login": demo.LOGINS["company"],
            "password": demo.PASSWORD,
            "remember": False,
        },
        timeout=15,
    )
    assert resp.status_code == 503, resp.text
    assert resp.json()["error"]["code"] == "busy"
    assert resp.headers["Retry-After"] == "1"
