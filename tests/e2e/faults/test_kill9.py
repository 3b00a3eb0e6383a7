"""Faults: the server killed with SIGKILL in the middle of work, then started again on the
same files. The database must pass PRAGMA integrity_check, nothing may be half-recorded and
interrupted jobs must complete."""

from __future__ import annotations

import contextlib
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
import requests

from tests import demo, files

pytestmark = pytest.mark.slow  # each test starts, kills and restarts server processes


class Server:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/api/v1"
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "voek_desktop.api.server",
                "--port",
                str(self.port),
                "--db",
                str(folder / "cabinet.sqlite3"),
                "--outbox",
                str(folder / "outbox"),
                "--demo",
                "--dev",
                "--log-level",
                "WARNING",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                requests.get(self.url + "/health", timeout=1)
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def kill9(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)

    def log_in(self) -> dict[str, str]:
        r = requests.post(
            self.url + "/sessions",
            json={
                "consumer_type": "individual",
                "login": demo.SNILS,
                "password": demo.PASSWORD,
                "remember": True,
            },
            timeout=30,
        )
        r.raise_for_status()
        return {"Authorization": f"Bearer {r.json()['token']}"}


def integrity(folder: Path) -> str:
    with sqlite3.connect(folder / "cabinet.sqlite3") as conn:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]


def leftovers(folder: Path) -> list[Path]:
    return list((folder / "files").rglob("*.part")) if (folder / "files").exists() else []


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path


def test_kill_during_an_upload_leaves_no_half_recorded_document(folder: Path) -> None:
    server = Server(folder)
    try:
        auth = server.log_in()
        app_id = requests.post(
            server.url + "/applications",
            json={"category": "p14", "form": {}},
            headers=auth,
            timeout=30,
        ).json()["id"]
        size = 15 * 1024 * 1024
        sock = socket.create_connection(("127.0.0.1", server.port))
        sock.sendall(
            (
                f"POST /api/v1/applications/{app_id}/documents?kind=site_plan&filename=plan.pdf"
                " HTTP/1.1\r\nHost: x\r\nContent-Type: application/pdf\r\n"
                f"Authorization: {auth['Authorization']}\r\nContent-Length: {size}\r\n\r\n"
            ).encode()
            + b"%PDF-1.4\n"
            + b"0" * (5 * 1024 * 1024)
        )
        time.sleep(0.5)
        assert any(leftovers(folder)), "the upload was under way"
        server.kill9()
        sock.close()
    finally:
        server.stop()

    assert integrity(folder) == "ok"
    server = Server(folder)
    try:
        assert leftovers(folder) == [], "a half-written file does not survive a restart"
        auth = server.log_in()
        application = requests.get(
            f"{server.url}/applications/{app_id}", headers=auth, timeout=30
        ).json()
        assert application["documents"] == []
        ok = requests.post(
            f"{server.url}/applications/{app_id}/documents",
            params={"kind": "site_plan", "filename": "plan.pdf"},
            data=files.PDF,
            headers={**auth, "Content-Type": "application/pdf"},
            timeout=30,
        )
        assert ok.status_code == 201
    finally:
        server.stop()


def test_kill_during_an_archive_job_then_the_job_completes(folder: Path) -> None:
    from openpyxl import load_workbook

    server = Server(folder)
    try:
        now = datetime.fromisoformat(
            requests.get(server.url + "/dev/clock", timeout=10).json()["now"]
        )
        moscow = (now + timedelta(hours=3)).date()
        # Morning in Moscow, so the request is still editable and then ready the next day.
        morning = datetime.combine(moscow, datetime.min.time()).replace(hour=7)
        requests.post(
            server.url + "/dev/clock", json={"now": f"{morning.isoformat()}+03:00"}, timeout=10
        ).raise_for_status()
        auth = server.log_in()
        meters = requests.get(
            server.url + "/personal-accounts/3300000001/meters", headers=auth, timeout=30
        ).json()["items"]
        meter = next(m for m in meters if m["is_smart"])
        start = date(moscow.year - 3, moscow.month, moscow.day)
        start = max(start, date.fromisoformat(meter["commissioned_at"][:10]))
        created = requests.post(
            f"{server.url}/meters/{meter['id']}/archive-requests",
            json={
                "period_start": start.isoformat(),
                "period_end": (moscow - timedelta(days=1)).isoformat(),
            },
            headers=auth,
            timeout=30,
        )
        assert created.status_code == 201, created.text
        request_id = created.json()["id"]
        next_day = f"{(morning + timedelta(days=1)).isoformat()}+03:00"
        requests.post(server.url + "/dev/clock", json={"now": next_day}, timeout=10)

        def run_jobs() -> None:
            with contextlib.suppress(requests.RequestException):  # the server dies under it
                requests.post(server.url + "/dev/jobs/run", timeout=60)

        threading.Thread(target=run_jobs, daemon=True).start()
        time.sleep(1.5)  # the workbook takes seconds to write
        server.kill9()
    finally:
        server.stop()

    assert integrity(folder) == "ok"
    server = Server(folder)
    try:
        assert leftovers(folder) == []
        requests.post(server.url + "/dev/clock", json={"now": next_day}, timeout=10)
        auth = server.log_in()
        deadline = time.monotonic() + 90
        while True:
            requests.post(server.url + "/dev/jobs/run", timeout=90)
            status = requests.get(
                f"{server.url}/archive-requests/{request_id}", headers=auth, timeout=30
            ).json()["status"]
            if status == "ready" or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert status == "ready"
        file = requests.get(
            f"{server.url}/archive-requests/{request_id}/file", headers=auth, timeout=60
        )
        assert file.status_code == 200
        path = folder / "archive.xlsx"
        path.write_bytes(file.content)
        sheet = load_workbook(path, read_only=True)["Профиль 30 мин"]
        assert sheet.max_row > 365 * 48
    finally:
        server.stop()


def test_kill_during_the_register_backfill_then_it_completes(folder):
    """The register snapshots of a new database are backfilled in the background
    (features/metering/registers.py); killed in the middle, the restarted server completes
    them: every day of every meter there once, the last one equal to the sum from the start."""
    from voek_desktop.api.server.features.metering import registers, simulator

    db = folder / "cabinet.sqlite3"

    def snapshot_days() -> int:
        with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
            sql = "SELECT count(*) FROM meter_register_days WHERE zone = 1"
            return conn.execute(sql).fetchone()[0]

    server = Server(folder)
    try:
        through = simulator.last_poll(datetime.now().astimezone()).date()
        with contextlib.closing(sqlite3.connect(db)) as conn:
            conn.row_factory = sqlite3.Row
            models = {r["id"]: registers.model_of(r) for r in conn.execute("SELECT * FROM meters")}
        expected = sum(max(0, (through - m.start).days) for m in models.values())
        deadline = time.monotonic() + 30
        while snapshot_days() < 500 and time.monotonic() < deadline:
            time.sleep(0.02)
        server.kill9()
    finally:
        server.stop()
    cut = snapshot_days()
    assert 0 < cut < expected, (cut, expected)
    assert integrity(folder) == "ok"

    server = Server(folder)
    try:
        deadline = time.monotonic() + 120
        while snapshot_days() < expected and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        server.stop()
    with contextlib.closing(sqlite3.connect(db)) as conn:
        for meter_id, model in models.items():
            rows = conn.execute(
                "SELECT day, zone, a_plus, a_minus, r_plus, r_minus FROM meter_register_days"
                " WHERE meter_id = ? ORDER BY day, zone",
                (meter_id,),
            ).fetchall()
            days = sorted({date.fromisoformat(r[0]) for r in rows})
            span = (through - model.start).days
            assert days == [model.start + timedelta(days=i) for i in range(1, span + 1)]
            assert len(rows) == span * model.zones  # each day whole, none twice
            last = [r[2:] for r in rows if r[0] == through.isoformat()]
            assert [list(q) for q in zip(*last, strict=True)] == registers.computed(model, through)
