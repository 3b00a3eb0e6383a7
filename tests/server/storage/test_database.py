"""SQLite storage: WAL, schema version, data kept across restarts (docs/design.md "API")."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from voek_desktop.api.server import start_embedded
from voek_desktop.api.server.storage.db import MIGRATIONS, Database, _statements


def _pragma(path: Path, name: str):
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(f"PRAGMA {name}").fetchone()[0]


def test_database_is_in_wal_mode_with_the_schema_version(server):
    path = Path(server.app.config.db_path)
    assert path.is_file()
    assert _pragma(path, "journal_mode") == "wal"
    assert _pragma(path, "user_version") == len(MIGRATIONS) >= 1


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
        assert _pragma(db, "user_version") == len(MIGRATIONS)
        with closing(sqlite3.connect(db)) as conn:
            (count,) = conn.execute("SELECT count(*) FROM consumers").fetchone()
        assert count == 4  # three demo consumers, not six, and the new one
    finally:
        second.stop()


def test_migrations_run_once(tmp_path):
    path = tmp_path / "cabinet.sqlite3"
    db = Database(path)
    try:
        with db.write() as conn:
            conn.execute(
                "INSERT INTO limited_attempts (purpose, key, at)"
                " VALUES ('login', 'individual:1', '2026-01-01')"
            )
    finally:
        db.close()
    for _ in range(2):
        again = Database(path)
        try:
            assert again.schema_version() == len(MIGRATIONS)
            assert again.query_one("SELECT count(*) FROM limited_attempts")[0] == 1
        finally:
            again.close()
    assert _pragma(path, "journal_mode") == "wal"


def test_an_upgrade_keeps_the_lockouts_under_way(tmp_path):
    # A database of the release before migration 10, with a login locked out: the failures move
    # into the generic limiter, so the upgrade does not give the guesser a fresh window.
    path = tmp_path / "cabinet.sqlite3"
    with closing(sqlite3.connect(path)) as conn:
        for script in MIGRATIONS[:7]:
            for statement in _statements(script):
                conn.execute(statement)
        conn.executemany(
            "INSERT INTO login_failures (login_key, at, pending) VALUES (?, ?, 0)",
            [("individual:11223344595", f"2026-03-10T09:0{n}:00+00:00") for n in range(5)],
        )
        conn.execute("PRAGMA user_version = 7")
        conn.commit()
    db = Database(path)
    try:
        rows = db.query("SELECT purpose, key, pending FROM limited_attempts")
        assert [tuple(r) for r in rows] == [("login", "individual:11223344595", 0)] * 5
        assert db.query_one("SELECT name FROM sqlite_master WHERE name = 'login_failures'") is None
    finally:
        db.close()
