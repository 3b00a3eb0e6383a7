"""A malicious (or impersonated) cabinet server for the client's security tests (issue 11, items
11–14): a stdlib HTTP server on a free loopback port, in a thread, whose answers each test sets.

    hostile.on("GET", "/api/v1/profile", hostile_server.json_answer(PROFILE))
    hostile.on("POST", "/api/v1/sessions", hostile_server.redirect(other.url + "/api/v1/sessions"))

A handler gets the request (``BaseHTTPRequestHandler``) and the server, and writes the answer
itself, so it can misbehave in any way: redirect elsewhere, ask to wait an hour, dribble a byte
at a time, never end the body. Every request is recorded in ``hostile.requests``. Anything not
set answers 404 in the API's error format.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import pytest

Handler = Callable[[BaseHTTPRequestHandler, "HostileServer"], None]


@dataclass
class Seen:
    method: str
    path: str  # with the query
    headers: dict[str, str]
    body: bytes = b""


@dataclass
class HostileServer:
    routes: dict[tuple[str, str], Handler] = field(default_factory=dict)
    requests: list[Seen] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)
    sent: int = 0  # body bytes the misbehaving handlers managed to write
    fallback: Handler | None = None  # for paths not set with on()

    def __post_init__(self) -> None:
        hostile = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass  # quiet

            def _dispatch(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                hostile.requests.append(
                    Seen(self.command, self.path, {k: v for k, v in self.headers.items()}, body)
                )
                handler = (
                    hostile.routes.get((self.command, urlsplit(self.path).path)) or hostile.fallback
                )
                if handler is None:
                    json_answer(
                        {"error": {"code": "not_found", "message": "Не найдено."}}, status=404
                    )(self, hostile)
                    return
                # The client giving up is what the attack wanted to see.
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    handler(self, hostile)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _dispatch

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.http.daemon_threads = True
        self.thread = threading.Thread(
            target=self.http.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http.server_address[1]}"

    def on(self, method: str, path: str, handler: Handler) -> None:
        self.routes[(method, path)] = handler

    def seen(self, method: str, path: str) -> list[Seen]:
        return [r for r in self.requests if r.method == method and urlsplit(r.path).path == path]

    def stop(self) -> None:
        self.stopping.set()
        self.http.shutdown()
        self.http.server_close()


# --- answers ----------------------------------------------------------------------------------


def json_answer(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Handler:
    body = json.dumps(data, ensure_ascii=False).encode()

    def handle(request: BaseHTTPRequestHandler, _server: HostileServer) -> None:
        request.send_response(status)
        request.send_header("Content-Type", "application/json; charset=utf-8")
        request.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            request.send_header(name, value)
        request.end_headers()
        request.wfile.write(body)

    return handle


def file_answer(data: bytes, content_type: str = "application/pdf") -> Handler:
    def handle(request: BaseHTTPRequestHandler, _server: HostileServer) -> None:
        request.send_response(200)
        request.send_header("Content-Type", content_type)
        request.send_header("Content-Length", str(len(data)))
        request.end_headers()
        request.wfile.write(data)

    return handle


def redirect(location: str, status: int = 307) -> Handler:
    def handle(request: BaseHTTPRequestHandler, _server: HostileServer) -> None:
        request.send_response(status)
        request.send_header("Location", location)
        request.send_header("Content-Length", "0")
        request.end_headers()

    return handle


def overloaded(retry_after: str = "3600") -> Handler:
    """503 asking to come back in an hour: the old client slept that hour on its worker."""
    return json_answer(
        {"error": {"code": "unavailable", "message": "Временно недоступно."}},
        status=503,
        headers={"Retry-After": retry_after},
    )


def dribble(length: int, every: float, give_up_after: float = 6.0) -> Handler:
    """Announce ``length`` bytes, then send one every ``every`` seconds. Stops (closing the
    connection) after ``give_up_after`` seconds, so an old client that waits is not stuck for
    ever — the test then fails on the time it took instead of hanging."""

    def handle(request: BaseHTTPRequestHandler, server: HostileServer) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "application/pdf")
        request.send_header("Content-Length", str(length))
        request.end_headers()
        started = time.monotonic()
        request.wfile.write(b"%")
        request.wfile.flush()
        server.sent += 1
        while (left := give_up_after - (time.monotonic() - started)) > 0:
            if server.stopping.wait(min(every, left)) or left <= every:
                break
            request.wfile.write(b"P")
            request.wfile.flush()
            server.sent += 1
        request.close_connection = True

    return handle


def endless(give_up_after_bytes: int, chunk: int = 64 * 1024) -> Handler:
    """A body with no announced length that goes on and on (up to ``give_up_after_bytes``, so
    that an old client ends with a huge file instead of running the disk full)."""

    def handle(request: BaseHTTPRequestHandler, server: HostileServer) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "application/pdf")
        request.send_header("Connection", "close")
        request.end_headers()
        block = b"%PDF-" + b"0" * (chunk - 5)
        while server.sent < give_up_after_bytes and not server.stopping.is_set():
            request.wfile.write(block)
            server.sent += len(block)
        request.close_connection = True

    return handle


def huge_json(size: int, *, announce: bool) -> Handler:
    """A valid JSON object of about ``size`` bytes, streamed, with or without Content-Length."""
    head, tail = b'{"items": [], "padding": "', b'"}'
    filler = size - len(head) - len(tail)

    def handle(request: BaseHTTPRequestHandler, server: HostileServer) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "application/json")
        if announce:
            request.send_header("Content-Length", str(len(head) + filler + len(tail)))
        else:
            request.send_header("Connection", "close")
        request.end_headers()
        request.wfile.write(head)
        block = b"x" * (1024 * 1024)
        left = filler
        while left > 0 and not server.stopping.is_set():
            piece = block[: min(left, len(block))]
            request.wfile.write(piece)
            server.sent += len(piece)
            left -= len(piece)
        request.wfile.write(tail)
        request.close_connection = True

    return handle


# --- fixtures (imported by the test modules) --------------------------------------------------


@pytest.fixture
def hostile() -> Iterator[HostileServer]:
    server = HostileServer()
    yield server
    server.stop()


@pytest.fixture
def other_origin() -> Iterator[HostileServer]:
    """A second server on another port: another origin, where redirects must not lead."""
    server = HostileServer()
    yield server
    server.stop()


@pytest.fixture
def app_dirs(tmp_path, monkeypatch: pytest.MonkeyPatch):
    """The app's folders in a temporary home, under the common umask 022 (the one that made the
    old client's files 0644 and folders 0755)."""
    home = tmp_path / "home"
    monkeypatch.setenv("VOEK_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("VOEK_CONFIG_DIR", str(home / "config"))
    old = os.umask(0o022)
    yield home
    os.umask(old)


PROFILE = {
    "id": 7,
    "consumer_type": "individual",
    "login": "112-233-445 95",
    "email": "ivanov@example.ru",
    "phone": "+79991234567",
}


def contract(contract_id: Any = 3, **extra: Any) -> dict[str, Any]:
    return {
        "id": contract_id,
        "number": "ТП-2026/3",
        "application_id": 5,
        "status": "offered",
        "status_label": "Ожидает подписания",
        **extra,
    }


def serve_contracts(server: HostileServer, items: list[dict[str, Any]]) -> None:
    server.on("GET", "/api/v1/connection-contracts", json_answer({"items": items}))


def logged_in_context(url: str, *, clerk: bool = False):
    """The app's Context as after a login to ``url`` (the token is the server's business)."""
    from voek_desktop.api.models import Profile
    from voek_desktop.session import Session
    from voek_desktop.ui.context import Context
    from voek_desktop.ui.kit.tasks import Tasks

    session = Session(url, clerk=clerk)
    session.client.token = "stolen-or-not"
    session.remember_profile(Profile.from_json(PROFILE))
    return Context(session, Tasks(), clerk=clerk)
