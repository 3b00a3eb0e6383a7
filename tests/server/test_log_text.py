"""The server log keeps Cyrillic readable (issue 12, item 12) while control characters still
cannot forge a line (tests/e2e/security/test_http_robustness.py)."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import requests

PATH = "/api/v1/заявки/Договор №1"


def test_a_cyrillic_path_is_logged_as_sent(server, caplog) -> None:
    caplog.set_level(logging.INFO, logger="voek.server")
    assert requests.get(server.url + PATH, timeout=10).status_code == 404
    lines = [r.getMessage() for r in caplog.records if r.name == "voek.server"]
    assert any(PATH in line for line in lines), lines


def test_the_log_is_utf8_whatever_the_console_is(tmp_path: Path) -> None:
    # A Windows console or a redirected file may default to a code page without Cyrillic.
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    command = [sys.executable, "-m", "voek_desktop.api.server", "--port", "0"]
    command += ["--db", str(tmp_path / "db.sqlite3")]
    with subprocess.Popen(command, stderr=subprocess.PIPE, env=env) as proc:
        try:
            assert proc.stderr is not None
            first = proc.stderr.readline().decode("utf-8")
            url = re.search(r"http://\S+/api/v1", first)
            assert url, first
            requests.get(url.group(0).removesuffix("/api/v1") + PATH, timeout=10)
            proc.terminate()
            rest = proc.stderr.read().decode("utf-8")
        finally:
            proc.kill()
    assert PATH in rest, rest
