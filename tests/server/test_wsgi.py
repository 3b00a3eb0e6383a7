"""The documented ways to run the server from another program (docs/deploy.md): the WSGI entry
point ``voek_desktop.api.server.wsgi:app`` under waitress-serve, configured by VOEK_*, and
``voek-worker`` stopping in order on SIGTERM (gunicorn itself: tests/e2e/multiprocess)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests import demo
from tests.server.conftest import postgres_target
from voek_desktop.api.server.environment import SettingError, config_from_env


def _bin(name: str) -> str:
    found = Path(sys.executable).with_name(name)
    return str(found) if found.exists() else shutil.which(name) or name


def test_the_settings_come_from_the_environment(tmp_path: Path) -> None:
    config = config_from_env(
        {
            "VOEK_DATABASE": str(tmp_path / "c.sqlite3"),
            "VOEK_FILES": str(tmp_path / "shared"),
            "VOEK_PUBLIC_URL": "https://lk.voek33.example/",
            "VOEK_DEMO": "1",
            "VOEK_DEV": "0",
            "VOEK_SMTP": "mail.voek33.example:25",
            "VOEK_JOBS": "0",
        }
    )
    assert config.db_path == str(tmp_path / "c.sqlite3")
    assert config.files_root == tmp_path / "shared"
    assert config.public_url == "https://lk.voek33.example/"
    assert (config.demo, config.dev, config.jobs) == (True, False, False)
    assert config.smtp == ("mail.voek33.example", 25) and config.outbox_dir is None
    # The defaults are voek-server's: a file in the current folder, files beside it, jobs here.
    default = config_from_env({})
    assert default.files_root == Path("files") and default.jobs is True
    with pytest.raises(SettingError, match="VOEK_JOBS"):
        config_from_env({"VOEK_JOBS": "нет"})
    with pytest.raises(SettingError, match="VOEK_SMTP"):
        config_from_env({"VOEK_SMTP": "mail.voek33.example"})


def test_a_postgresql_url_and_the_database_file_store(tmp_path: Path) -> None:
    url = "postgresql://voek@db.internal:5432/voek"
    config = config_from_env({"VOEK_DATABASE": url, "VOEK_FILES": "db"})
    assert (config.db_path, config.files, config.files_dir) == (url, "db", None)
    # Only the spool of files on their way into the database is local: this host's own.
    assert config.files_root.is_absolute()
    shared = config_from_env({"VOEK_DATABASE": url, "VOEK_FILES": str(tmp_path / "nfs")})
    assert (shared.files, shared.files_root) == ("folder", tmp_path / "nfs")
    with pytest.raises(ValueError, match="VOEK_FILES"):
        _ = config_from_env({"VOEK_DATABASE": url}).files_root


def test_waitress_serves_the_wsgi_entry_point_and_the_worker_stops_in_order(
    tmp_path: Path, engine: str
) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    database = str(tmp_path / "cabinet.sqlite3")
    if engine == "postgresql":
        # The processes read VOEK_DATABASE themselves: the pass's schema by its URL.
        database = postgres_target(database)
    env = {
        **os.environ,
        "VOEK_DATABASE": database,
        "VOEK_FILES": str(tmp_path / "files"),
        "VOEK_OUTBOX": str(tmp_path / "outbox"),
        "VOEK_DEMO": "1",
        "VOEK_JOBS": "0",
    }
    worker = subprocess.Popen(
        [_bin("voek-worker"), "--log-level", "WARNING"], env=env, stderr=subprocess.PIPE
    )
    web = subprocess.Popen(
        [_bin("waitress-serve"), f"--listen=127.0.0.1:{port}", "voek_desktop.api.server.wsgi:app"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                health = requests.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=10)
                break
            except (requests.ConnectionError, requests.Timeout):
                assert web.poll() is None and time.monotonic() < deadline
                time.sleep(0.2)
        assert health.status_code == 200
        login = requests.post(
            f"http://127.0.0.1:{port}/api/v1/sessions",
            json={"consumer_type": "individual", "login": demo.SNILS, "password": demo.PASSWORD},
            timeout=30,
        )
        assert login.status_code == 201, login.text
        assert "/dev/" not in requests.get(f"http://127.0.0.1:{port}/api/v1/openapi.json").text
    finally:
        web.terminate()
        web.wait(30)
    worker.send_signal(signal.SIGTERM)
    _, errors = worker.communicate(timeout=60)
    assert worker.returncode == 0, errors.decode()
