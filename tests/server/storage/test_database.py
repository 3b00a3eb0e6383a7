"""SQLite storage: WAL, schema version, data kept across restarts (docs/design.md "API")."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from voek_desktop.api.server import start_embedded
from voek_desktop.api.server.storage.db import MIGRATIONS, Database


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
                "INSERT INTO login_failures (login_key, at) VALUES ('individual:1', '2026-01-01')"
            )
    finally:
        db.close()
    for _ in range(2):
        again = Database(path)
        try:
            assert again.schema_version() == len(MIGRATIONS)
            assert again.query_one("SELECT count(*) FROM login_failures")[0] == 1
        finally:
            again.close()
    assert _pragma(path, "journal_mode") == "wal"
