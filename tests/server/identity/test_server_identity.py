"""The server's own id (issue 12, item 5): made once with its database, the same after a restart
on another port, different for another database, and public (asked before any login)."""

from __future__ import annotations

from pathlib import Path

import requests

from voek_desktop.api.server import start_embedded


def checked_id(url: str) -> str:
    resp = requests.get(url + "/api/v1/health", timeout=5)
    assert resp.status_code == 200
    return str(resp.json()["server_id"])


def test_the_id_stays_with_the_database_not_the_port(tmp_path: Path) -> None:
    first = start_embedded(tmp_path / "one")
    try:
        before = checked_id(first.url)
    finally:
        first.stop()
    again = start_embedded(tmp_path / "one")  # port 0: whichever the system gives now
    other = start_embedded(tmp_path / "two")
    try:
        assert checked_id(again.url) == before
        assert checked_id(other.url) != before
        assert len(before) >= 32
    finally:
        again.stop()
        other.stop()
