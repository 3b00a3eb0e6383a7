"""Several processes on one database, as docs/deploy.md runs them: gunicorn ``-w 3 -k gthread``
(VOEK_JOBS=0) and ``voek-worker``, over real HTTP on loopback (issue 15, item 6).

What a user would notice if the processes did not share their state: a lockout that lets every
worker check five more passwords, a /dev clock and outbox that differ by which worker answers,
an archive produced twice (or never) when a worker is killed, an upload lost because another
process started, and with VOEK_FILES=db a file one process stored that another cannot serve.
The database is a parameter: a SQLite file of the test and, when
``VOEK_TEST_POSTGRES`` names a cluster (.ci/run), a fresh database in it; ``VOEK_TEST_DATABASE``
(a ``postgresql://`` URL) runs only PostgreSQL, a fresh database per test beside that one.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests

from tests import demo, files

pytestmark = [
    pytest.mark.slow,  # starts gunicorn and workers, produces 12 three-year archives
    pytest.mark.skipif(sys.platform == "win32", reason="gunicorn runs on POSIX only"),
]

MSK = timezone(timedelta(hours=3))
LOCKOUT_FAILURES = 5  # features/identity/common.py
LEASE = 4  # seconds: a killed worker's job is taken again soon after


def _bin(name: str) -> str:
    found = Path(sys.executable).with_name(name)
    return str(found) if found.exists() else shutil.which(name) or name


# Where a fresh database per test is made (the tests change the clock and lock logins out, so
# they cannot share one): VOEK_TEST_DATABASE (a postgresql:// URL; then only that engine runs)
# or the cluster of VOEK_TEST_POSTGRES (.ci/run; then SQLite and PostgreSQL).
_GIVEN = os.environ.get("VOEK_TEST_DATABASE", "")
_POSTGRES = _GIVEN or os.environ.get("VOEK_TEST_POSTGRES", "")


@pytest.fixture(
    params=["postgresql"] if _GIVEN else ["sqlite", "postgresql"] if _POSTGRES else ["sqlite"]
)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A SQLite file of the test, or a fresh PostgreSQL database, dropped after."""
    if request.param == "sqlite":
        yield str(tmp_path / "cabinet.sqlite3")
        return
    import psycopg

    name = f"voekmp_{os.getpid()}"
    with psycopg.connect(_POSTGRES, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(_POSTGRES)
    yield urlunsplit(parts._replace(path="/" + name))
    with psycopg.connect(_POSTGRES, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Deployment:
    def __init__(self, folder: Path, database: str, files: str | None = None) -> None:
        self.folder = folder
        self.database = database
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/api/v1"
        self.env = {
            **os.environ,
            "VOEK_DATABASE": database,
            # A folder every process of the host shares, or "db": in the database itself.
            "VOEK_FILES": files or str(folder / "files"),
            "VOEK_OUTBOX": str(folder / "outbox"),
            "VOEK_PUBLIC_URL": f"http://127.0.0.1:{self.port}",
            "VOEK_DEMO": "1",
            "VOEK_DEV": "1",
            "VOEK_JOB_LEASE": str(LEASE),
        }
        self.access_log = folder / "access.log"
        self.logs: list[BinaryIO] = []
        self.web = subprocess.Popen(
            [
                _bin("gunicorn"),
                "-k",
                "gthread",
                "-w",
                "3",
                "--threads",
                "8",
                "-b",
                f"127.0.0.1:{self.port}",
                "--access-logfile",
                str(self.access_log),
                "--access-logformat",
                "%(p)s %(m)s %(U)s %(s)s",
                "voek_desktop.api.server.wsgi:app",
            ],
            env={**self.env, "VOEK_JOBS": "0"},
            stdout=subprocess.DEVNULL,
            stderr=self._log("gunicorn.log"),
        )
        self.workers: list[subprocess.Popen[bytes]] = []
        deadline = time.monotonic() + 120
        while True:
            try:
                # Each worker loads the demo itself at its start; a loaded machine is slow.
                if requests.get(self.url + "/health", timeout=10).status_code == 200:
                    break
            except (requests.ConnectionError, requests.Timeout):
                pass
            if time.monotonic() > deadline or self.web.poll() is not None:
                raise AssertionError((folder / "gunicorn.log").read_text())
            time.sleep(0.2)

    def start_worker(self) -> subprocess.Popen[bytes]:
        n = len(self.workers)
        log = self.folder / f"worker{n}.log"
        proc = subprocess.Popen(
            [_bin("voek-worker")],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=self._log(log.name),
        )
        self.workers.append(proc)
        deadline = time.monotonic() + 120
        while "worker running jobs" not in log.read_text(errors="replace"):
            assert proc.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
        return proc

    def _log(self, name: str) -> BinaryIO:
        self.logs.append(open(self.folder / name, "wb"))  # noqa: SIM115 - closed in stop()
        return self.logs[-1]

    def stop(self) -> None:
        for proc in [*self.workers, self.web]:
            if proc.poll() is None:
                proc.terminate()
        for proc in [*self.workers, self.web]:
            try:
                proc.wait(60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)
        for log in self.logs:
            log.close()

    # --- HTTP, a new connection each time: the kernel spreads them over the workers ----------

    def call(self, method: str, path: str, **kwargs: object) -> requests.Response:
        headers = {"Connection": "close", **kwargs.pop("headers", {})}  # type: ignore[dict-item]
        return requests.request(method, self.url + path, headers=headers, timeout=120, **kwargs)  # type: ignore[arg-type]

    def log_in(self, password: str = demo.PASSWORD) -> requests.Response:
        return self.call(
            "POST",
            "/sessions",
            json={"consumer_type": "individual", "login": demo.SNILS, "password": password},
        )

    def auth(self) -> dict[str, str]:
        resp = self.log_in()
        assert resp.status_code == 201, resp.text
        return {"Authorization": f"Bearer {resp.json()['token']}"}

    def at(self, moment: datetime) -> None:
        resp = self.call("POST", "/dev/clock", json={"now": moment.isoformat()})
        assert resp.status_code == 200, resp.text

    def pids_that_served(self, method: str, path: str) -> list[str]:
        """The web workers that answered, in the order of the access log."""
        lines = self.access_log.read_text().splitlines()
        return [line.split()[0] for line in lines if f" {method} {path} " in line]

    def from_every_worker(self, path: str, **kwargs: object) -> list[requests.Response]:
        """GET ``path`` in bursts of parallel connections until each of the three workers has
        answered (sequential ones all go to the worker that accepts first)."""
        answers: list[requests.Response] = []
        for _ in range(30):
            burst: list[requests.Response] = []
            threads = [
                threading.Thread(
                    target=lambda got=burst: got.append(self.call("GET", path, **kwargs))
                )
                for _ in range(16)
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            answers += burst
            if len(set(self.pids_that_served("GET", "/api/v1" + path))) == 3:
                return answers
        raise AssertionError("the three workers did not all answer")


@pytest.fixture
def deployment(tmp_path: Path, database: str) -> Iterator[Deployment]:
    found = Deployment(tmp_path, database)
    try:
        yield found
    finally:
        found.stop()


@pytest.fixture
def db_files_deployment(tmp_path: Path, database: str) -> Iterator[Deployment]:
    """The same with VOEK_FILES=db: the files in the database, nothing shared on disk."""
    found = Deployment(tmp_path, database, files="db")
    try:
        yield found
    finally:
        found.stop()


def _parts(folder: Path, pid: int | None = None) -> list[Path]:
    prefix = f".w{pid}." if pid is not None else ".w"  # .w<pid>.<host>- (core/files.py)
    return [p for p in folder.rglob("*.part") if p.name.startswith(prefix)]


def _wait(condition, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


def test_a_lockout_holds_across_the_web_workers(deployment: Deployment) -> None:
    statuses: list[int] = []

    def guess() -> None:
        statuses.append(deployment.log_in("Неверный-пароль-1").status_code)

    # Bursts of 40 until at least two workers have taken guesses: on a loaded machine the
    # worker that accepts first may answer a whole burst (the refusals are quick).
    for _ in range(10):
        threads = [threading.Thread(target=guess) for _ in range(40)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if len(set(deployment.pids_that_served("POST", "/api/v1/sessions"))) >= 2:
            break
    # Every guess was checked against the one shared count: five passwords in all, not five
    # per worker; the rest were refused before any hash (503 is a hash refused as busy).
    assert 1 <= statuses.count(401) <= LOCKOUT_FAILURES, statuses
    assert set(statuses) <= {401, 429, 503}, statuses
    assert len(set(deployment.pids_that_served("POST", "/api/v1/sessions"))) >= 2
    # And the right password is refused by whichever worker answers.
    for _ in range(6):
        locked = deployment.log_in()
        assert locked.status_code == 429 and "Повторите через" in locked.json()["error"]["message"]


def test_the_dev_clock_and_the_outbox_are_the_same_in_every_worker(
    deployment: Deployment,
) -> None:
    moment = datetime(2026, 3, 10, 12, 0, tzinfo=MSK)
    deployment.at(moment)  # answered by one worker; all three must tell that time
    for answer in deployment.from_every_worker("/dev/clock"):
        seen = datetime.fromisoformat(answer.json()["now"])
        assert moment <= seen < moment + timedelta(seconds=60)

    asked = deployment.call("POST", "/password-resets", json={"email": demo.EMAIL})
    assert asked.status_code == 202, asked.text
    for answer in deployment.from_every_worker("/dev/outbox"):
        items = answer.json()["items"]
        assert any(m["to"] == demo.EMAIL and "пароля" in m["subject"] for m in items), items


def test_archive_jobs_are_done_once_while_workers_are_killed_and_uploads_survive(
    deployment: Deployment,
) -> None:
    folder = deployment.folder / "files"
    archives = folder / "archives"
    first = deployment.start_worker()

    today = datetime.fromisoformat(deployment.call("GET", "/dev/clock").json()["now"])
    moscow = today.astimezone(MSK).date()
    deployment.at(datetime.combine(moscow, datetime.min.time(), MSK).replace(hour=7))
    auth = deployment.auth()
    # More smart meters: the rules allow five open requests per meter; four on each of three.
    registry = deployment.call("GET", "/dev/registry").json()["personal_accounts"]
    for extra in [a for a in registry if not a["added"]][:4]:
        added = deployment.call(
            "POST",
            "/personal-accounts",
            headers=auth,
            json={
                "number": extra["number"],
                "meter_serial_number": extra["meter_serial_numbers"][0],
            },
        )
        assert added.status_code == 201, added.text
    meters = [
        m
        for a in deployment.call("GET", "/personal-accounts", headers=auth).json()["items"]
        for m in deployment.call(
            "GET", f"/personal-accounts/{a['number']}/meters", headers=auth
        ).json()["items"]
        if m["is_smart"]
    ][:3]
    assert len(meters) == 3
    requested: list[int] = []
    for meter in meters:
        # Three years back (the longest period allowed): jobs long enough to be killed in.
        start = max(moscow - timedelta(days=3 * 365), date.fromisoformat(meter["commissioned_at"]))
        for n in range(4):
            resp = deployment.call(
                "POST",
                f"/meters/{meter['id']}/archive-requests",
                headers=auth,
                json={
                    "period_start": (start + timedelta(days=n)).isoformat(),
                    "period_end": (moscow - timedelta(days=1)).isoformat(),
                },
            )
            assert resp.status_code == 201, resp.text
            requested.append(resp.json()["id"])

    # An upload under way in a web worker while other processes start (their start-up sweep
    # of half-written files must leave it alone).
    app_id = deployment.call(
        "POST", "/applications", headers=auth, json={"category": "p14", "form": {}}
    ).json()["id"]
    upload = socket.create_connection(("127.0.0.1", deployment.port))
    upload.sendall(
        (
            f"POST /api/v1/applications/{app_id}/documents?kind=site_plan&filename=plan.pdf"
            f" HTTP/1.1\r\nHost: x\r\nContent-Type: application/pdf\r\n"
            f"Authorization: {auth['Authorization']}\r\nContent-Length: {len(files.PDF)}\r\n"
            "Connection: close\r\n\r\n"
        ).encode()
        + files.PDF[:100]
    )
    _wait(lambda: _parts(folder / "applications"), 30, "the upload's file was not started")

    # The next Moscow day: the requests are due; the worker starts producing them.
    deployment.at(datetime.combine(moscow + timedelta(days=1), datetime.min.time(), MSK))
    _wait(lambda: _parts(archives, first.pid), 120, "the first worker took no job")
    first.send_signal(signal.SIGKILL)  # mid-job: its lease expires, another worker redoes it
    first.wait(10)
    second = deployment.start_worker()
    _wait(lambda: _parts(archives, second.pid), 120, "the second worker took no job")
    second.send_signal(signal.SIGTERM)  # mid-job: it gives the job back and ends in order
    assert second.wait(60) == 0
    assert not _parts(archives, second.pid), "a graceful stop leaves no half-written file"
    deployment.start_worker()

    upload.sendall(files.PDF[100:])
    answer = b""
    while chunk := upload.recv(65536):
        answer += chunk
    upload.close()
    assert answer.startswith(b"HTTP/1.1 201"), answer[:300]

    auth = deployment.auth()  # the moved clock ended the idle session
    deadline = time.monotonic() + 600
    pending = set(requested)
    while pending:
        assert time.monotonic() < deadline, f"not produced: {sorted(pending)}"
        for rid in sorted(pending):
            body = deployment.call("GET", f"/archive-requests/{rid}", headers=auth).json()
            assert body["status"] != "failed", body
            if body["status"] == "ready":
                pending.discard(rid)
        time.sleep(0.5)

    produced = sorted(p.name for p in archives.iterdir())
    # One file per request: none produced twice, nothing half-written left behind.
    assert len(produced) == 12, produced
    assert all(re.fullmatch(r"\d+-[0-9a-f]{32}\.xlsx", name) for name in produced), produced
    for rid in requested:
        body = deployment.call("GET", f"/archive-requests/{rid}", headers=auth).json()
        got = deployment.call("GET", f"/archive-requests/{rid}/file", headers=auth)
        assert got.status_code == 200 and len(got.content) == body["file_size"]
        assert got.content[:2] == b"PK"

    documents = deployment.call("GET", f"/applications/{app_id}", headers=auth).json()
    assert [d["filename"] for d in documents["documents"]] == ["plan.pdf"]


def _stored_files(database: str) -> dict[str, list[int]]:
    """The sizes of the files kept in the database, by folder (core/filestore.py)."""
    sql = "SELECT folder, size FROM stored_files ORDER BY folder, size"
    if database.startswith("postgresql"):
        import psycopg

        with psycopg.connect(database) as conn:
            rows = conn.execute(sql).fetchall()
    else:
        import sqlite3

        with contextlib.closing(sqlite3.connect(database)) as conn:
            rows = conn.execute(sql).fetchall()
    found: dict[str, list[int]] = {}
    for folder, size in rows:
        found.setdefault(folder, []).append(size)
    return found


def test_with_the_files_in_the_database_every_process_serves_every_file(
    db_files_deployment: Deployment,
) -> None:
    """VOEK_FILES=db (several hosts, no shared disk): an upload taken by one web worker and an
    archive written by voek-worker are downloaded, whole and by ranges, through every worker."""
    deployment = db_files_deployment
    deployment.start_worker()
    auth = deployment.auth()
    # A scan of three chunks (256 KiB each): a ranged read crosses chunk boundaries.
    scan = files.pdf(600_000)
    app_id = deployment.call(
        "POST", "/applications", headers=auth, json={"category": "p14", "form": {}}
    ).json()["id"]
    uploaded = deployment.call(
        "POST",
        f"/applications/{app_id}/documents?kind=site_plan&filename=plan.pdf",
        headers={**auth, "Content-Type": "application/pdf"},
        data=scan,
    )
    assert uploaded.status_code == 201, uploaded.text
    doc_id = uploaded.json()["id"]
    for answer in deployment.from_every_worker(
        f"/applications/{app_id}/documents/{doc_id}", headers=auth
    ):
        assert answer.status_code == 200 and answer.content == scan

    # An archive of some 300 KB (over one 256 KiB chunk), made by voek-worker once the next
    # Moscow day begins.
    now = datetime.fromisoformat(deployment.call("GET", "/dev/clock").json()["now"])
    moscow = now.astimezone(MSK).date()
    meter = next(
        m
        for a in deployment.call("GET", "/personal-accounts", headers=auth).json()["items"]
        for m in deployment.call(
            "GET", f"/personal-accounts/{a['number']}/meters", headers=auth
        ).json()["items"]
        if m["is_smart"]
    )
    asked = deployment.call(
        "POST",
        f"/meters/{meter['id']}/archive-requests",
        headers=auth,
        json={
            "period_start": max(
                moscow - timedelta(days=200), date.fromisoformat(meter["commissioned_at"])
            ).isoformat(),
            "period_end": (moscow - timedelta(days=1)).isoformat(),
        },
    )
    assert asked.status_code == 201, asked.text
    rid = asked.json()["id"]
    deployment.at(datetime.combine(moscow + timedelta(days=1), datetime.min.time(), MSK))
    auth = deployment.auth()  # the moved clock ended the idle session
    deadline = time.monotonic() + 120
    while (body := deployment.call("GET", f"/archive-requests/{rid}", headers=auth).json())[
        "status"
    ] != "ready":
        assert body["status"] != "failed" and time.monotonic() < deadline, body
        time.sleep(0.3)
    whole = deployment.call("GET", f"/archive-requests/{rid}/file", headers=auth)
    assert whole.status_code == 200 and len(whole.content) == body["file_size"]
    assert whole.content[:2] == b"PK"
    assert len(whole.content) > 256 * 1024, len(whole.content)
    # A resumed download, the rest from byte 1000 (two chunks), and a range across the chunk
    # boundary, from whichever worker answers.
    for answer in deployment.from_every_worker(
        f"/archive-requests/{rid}/file", headers={**auth, "Range": "bytes=1000-"}
    ):
        assert answer.status_code == 206, answer.text
        assert answer.content == whole.content[1000:]
    boundary = 256 * 1024
    for answer in deployment.from_every_worker(
        f"/archive-requests/{rid}/file",
        headers={**auth, "Range": f"bytes={boundary - 10}-{boundary + 9}"},
    ):
        assert answer.status_code == 206, answer.text
        assert answer.content == whole.content[boundary - 10 : boundary + 10]

    # Both files are rows of the database (beside the demo's scans); no process kept one on
    # its disk.
    stored = _stored_files(deployment.database)
    assert len(scan) in stored["applications"], stored
    assert stored["archives"] == [len(whole.content)], stored
    spool = deployment.folder / "files"  # beside the SQLite file (PostgreSQL: a temp folder)
    assert not [p for p in spool.rglob("*") if p.is_file()], list(spool.rglob("*"))
