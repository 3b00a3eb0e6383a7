"""Files at rest (docs/design.md "Files at rest"): the server's data folder and every folder it
writes are 0700, the database with its -wal/-shm, scans, contracts, archives and outgoing mail
0600 — whatever the umask, and also for what an older server left with 0644."""

from __future__ import annotations

import os
import stat
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tests.cabinet_http import DemoCabinet
from voek_desktop.api.server import start_embedded

MSK = timezone(timedelta(hours=3))


def _modes(root: Path) -> dict[str, int]:
    found = {".": stat.S_IMODE(root.stat().st_mode)}
    for current, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(current) / name
            found[str(path.relative_to(root))] = stat.S_IMODE(path.stat().st_mode)
    return found


def _open_to_others(root: Path) -> dict[str, str]:
    return {
        name: oct(mode)
        for name, mode in _modes(root).items()
        if mode != (0o700 if (root / name).is_dir() else 0o600)
    }


@pytest.fixture
def wide_umask():
    old = os.umask(0o022)  # the common default that made everything 0644/0755
    yield
    os.umask(old)


def test_everything_the_server_writes_is_its_own_users_only(tmp_path, wide_umask):
    data = tmp_path / "data"
    srv = start_embedded(data, demo=True, dev=True)
    cab = DemoCabinet(srv)
    try:
        # a contract PDF, an archive workbook, mail in the outbox, an uploaded scan
        app_id = next(
            a["id"] for a in cab.get("/applications").json()["items"] if a["status"] == "need_info"
        )
        for status in ("review", "contract_offered"):
            resp = cab.post(f"/dev/applications/{app_id}/status", who=None, json={"status": status})
            assert resp.status_code == 200, resp.text
        cab.at(datetime(2026, 3, 10, 12, 0, tzinfo=MSK))
        created = cab.post(
            "/meters/1/archive-requests",
            json={"period_start": "2026-03-01", "period_end": "2026-03-03"},
        )
        assert created.status_code == 201, created.text
        cab.at(datetime(2026, 3, 11, 0, 0, tzinfo=MSK))
        cab.run_jobs()
        assert cab.get(f"/archive-requests/{created.json()['id']}").json()["status"] == "ready"
        names = {p.name for p in data.rglob("*")}
        assert any(n.endswith(".eml") for n in names), names
        assert any(n.endswith(".xlsx") for n in names), names
        assert (data / "cabinet.sqlite3-wal").exists()
        assert list((data / "files" / "contracts").iterdir())
        assert _open_to_others(data) == {}
    finally:
        cab.close()
        srv.stop()


def test_files_an_older_server_left_open_are_closed_at_start(tmp_path, wide_umask):
    data = tmp_path / "data"
    start_embedded(data, demo=True, dev=True).stop()
    scans = data / "files" / "applications"
    for path in [data, data / "files", scans, data / "outbox"]:
        path.chmod(0o755)
    for path in [data / "cabinet.sqlite3", *scans.iterdir()]:
        path.chmod(0o644)
    srv = start_embedded(data, demo=True, dev=True)
    try:
        assert _open_to_others(data) == {}
    finally:
        srv.stop()
