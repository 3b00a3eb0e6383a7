"""The resumable, atomic download helper against a tiny HTTP server that misbehaves on purpose:
it drops the connection half-way through the file, then honours Range/If-Range."""

from __future__ import annotations

import hashlib
import os
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

from voek_desktop.api.client import CabinetClient
from voek_desktop.api.download import download, part_path
from voek_desktop.api.errors import ApiError, NetworkError, TransferCancelled

BODY = os.urandom(3 * 1024 * 1024 + 123)  # several chunks, not a round number
ETAG = '"v1"'


class FlakyFiles(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.body = BODY
        self.etag = ETAG
        self.drop_first = 0  # how many full-file answers to cut off half-way
        self.requests: list[dict[str, str]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class Handler(BaseHTTPRequestHandler):
    server: FlakyFiles
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        srv = self.server
        srv.requests.append(dict(self.headers.items()))
        if not self.path.endswith("/file"):
            body = '{"error": {"code": "not_found", "message": "Не найдено."}}'.encode()
            self.send_response(404)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        body, start = srv.body, 0
        range_header = self.headers.get("Range")
        if_range = self.headers.get("If-Range")
        match = re.fullmatch(r"bytes=(\d+)-", range_header or "")
        if match and (if_range is None or if_range == srv.etag):
            start = int(match.group(1))
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
        else:
            self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(body) - start))
        self.send_header("ETag", srv.etag)
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        rest = body[start:]
        if srv.drop_first > 0:
            srv.drop_first -= 1
            self.wfile.write(rest[: len(rest) // 2])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(2)  # gone mid-file, as a dropped network would be
            return
        self.wfile.write(rest)


@pytest.fixture
def files() -> Iterator[FlakyFiles]:
    srv = FlakyFiles()
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


@pytest.fixture
def api(files: FlakyFiles) -> Iterator[CabinetClient]:
    # CabinetClient adds /api/v1; the handler only looks at how the path ends.
    c = CabinetClient(files.url, token="t", retries=0)
    yield c
    c.close()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_whole_file_lands_atomically_and_reports_progress(api, files, tmp_path: Path) -> None:
    dest = tmp_path / "archive.xlsx"
    seen: list[tuple[int, int | None]] = []

    def progress(done: int, total: int | None) -> None:
        seen.append((done, total))
        # While bytes arrive, nothing is at the final path yet.
        if done < len(BODY):
            assert not dest.exists()

    result = download(api, "/archive-requests/1/file", dest, progress=progress)
    assert result == dest
    assert sha(dest.read_bytes()) == sha(BODY)
    assert not part_path(dest).exists()
    assert not Path(str(dest) + ".part.etag").exists()
    assert seen[-1] == (len(BODY), len(BODY))
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_dropped_connection_keeps_part_then_resumes_with_range(api, files, tmp_path) -> None:
    dest = tmp_path / "archive.xlsx"
    files.drop_first = 1
    with pytest.raises(NetworkError) as caught:
        download(api, "/archive-requests/1/file", dest)
    assert "продолжится" in caught.value.message
    assert not dest.exists()  # no half file at the final path
    part = part_path(dest)
    assert 0 < part.stat().st_size < len(BODY)
    assert BODY.startswith(part.read_bytes())
    size = part.stat().st_size

    download(api, "/archive-requests/1/file", dest)
    last = files.requests[-1]
    assert last["Range"] == f"bytes={size}-"
    assert last["If-Range"] == ETAG
    assert sha(dest.read_bytes()) == sha(BODY)
    assert not part.exists()


def test_retries_resume_by_themselves(api, files, tmp_path) -> None:
    dest = tmp_path / "a.xlsx"
    files.drop_first = 2
    download(api, "/archive-requests/1/file", dest, retries=3)
    assert sha(dest.read_bytes()) == sha(BODY)
    ranges = [r.get("Range") for r in files.requests]
    assert ranges[0] is None and all(r and r.startswith("bytes=") for r in ranges[1:])
    assert len(files.requests) == 3


def test_changed_file_starts_over(api, files, tmp_path) -> None:
    dest = tmp_path / "a.xlsx"
    files.drop_first = 1
    with pytest.raises(NetworkError):
        download(api, "/archive-requests/1/file", dest)
    files.body = os.urandom(100_000)
    files.etag = '"v2"'
    download(api, "/archive-requests/1/file", dest)
    assert sha(dest.read_bytes()) == sha(files.body)  # not old bytes + new tail


def test_cancel_keeps_part_for_later(api, files, tmp_path) -> None:
    dest = tmp_path / "a.xlsx"
    calls = {"n": 0}

    def cancelled() -> bool:
        calls["n"] += 1
        return calls["n"] > 3

    with pytest.raises(TransferCancelled):
        download(api, "/archive-requests/1/file", dest, cancelled=cancelled)
    assert not dest.exists()
    size = part_path(dest).stat().st_size
    assert 0 < size < len(BODY)

    download(api, "/archive-requests/1/file", dest)
    assert files.requests[-1]["Range"] == f"bytes={size}-"
    assert sha(dest.read_bytes()) == sha(BODY)


def test_existing_file_is_replaced_only_when_complete(api, files, tmp_path) -> None:
    dest = tmp_path / "a.xlsx"
    dest.write_bytes(b"old")
    files.drop_first = 1
    with pytest.raises(NetworkError):
        download(api, "/archive-requests/1/file", dest)
    assert dest.read_bytes() == b"old"
    download(api, "/archive-requests/1/file", dest)
    assert sha(dest.read_bytes()) == sha(BODY)


def test_server_errors_carry_code_and_leave_nothing(api, tmp_path) -> None:
    dest = tmp_path / "a.xlsx"
    with pytest.raises(ApiError) as caught:
        download(api, "/archive-requests/1/other", dest)
    assert caught.value.status == 404 and caught.value.code == "not_found"
    assert not dest.exists() and not part_path(dest).exists()


def test_plain_requests_session_and_full_url(files, tmp_path) -> None:
    dest = tmp_path / "a.bin"
    files.drop_first = 1
    with requests.Session() as session:
        download(session, files.url + "/x/file", dest, retries=1)
    assert sha(dest.read_bytes()) == sha(BODY)


def test_unreachable_server_is_a_network_error(tmp_path) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    client = CabinetClient(f"http://127.0.0.1:{port}", retries=0)
    with pytest.raises(NetworkError):
        download(client, "/archive-requests/1/file", tmp_path / "a.xlsx")
    client.close()
