"""The HTTP layer: the standard library's WSGI server with the holes closed.

``ThreadingMixIn`` starts a thread per connection without limit and ``wsgiref`` waits forever
on a slow client, answers errors in HTML and announces the Python version. Here: a fixed pool of
workers with a bounded queue (a prompt JSON 503 past it), a socket timeout, JSON errors, no
version in ``Server``, and a lingering close so a refused upload still gets its 413.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, ClassVar
from wsgiref.simple_server import ServerHandler, WSGIRequestHandler, WSGIServer

from voek_desktop.api.server.web import STATUS_TEXT

log = logging.getLogger("voek.server.http")

SERVER_NAME = "voek-server"


def _error_json(code: str, message: str) -> bytes:
    return json.dumps({"error": {"code": code, "message": message}}, ensure_ascii=False).encode()


class _ServerHandler(ServerHandler):
    server_software = SERVER_NAME
    error_status = "500 Internal Server Error"
    error_headers: ClassVar = [("Content-Type", "application/json; charset=utf-8")]
    error_body = _error_json("internal_error", "Внутренняя ошибка сервера")

    def log_exception(self, exc_info: Any) -> None:
        log.error("error in WSGI application", exc_info=exc_info)


class _RequestHandler(WSGIRequestHandler):
    server_version = SERVER_NAME
    sys_version = ""
    timeout = 30.0  # seconds a recv may wait: a slow client cannot hold a worker forever

    def setup(self) -> None:
        self.timeout = self.server.socket_timeout
        super().setup()

    def handle(self) -> None:
        self.raw_requestline = self.rfile.readline(65537)
        if len(self.raw_requestline) > 65536:
            self.requestline = self.request_version = self.command = ""
            self.send_error(414)
            return
        if not self.parse_request():
            return
        environ = self.get_environ()
        self.connection_state: dict[str, Any] = {}
        environ["voek.connection"] = self.connection_state
        handler = _ServerHandler(
            self.rfile, self.wfile, self.get_stderr(), environ, multithread=True
        )
        handler.request_handler = self
        handler.run(self.server.get_app())

    def finish(self) -> None:
        super().finish()
        if getattr(self, "connection_state", {}).get("drain"):
            _linger(self.connection)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        body = _error_json("bad_request" if code < 500 else "internal_error", "Неверный запрос")
        self.log_error("code %d, message %s", code, message)
        self.send_response(code, STATUS_TEXT.get(code, message))
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Connection", "close")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD" and code >= 200 and code not in (204, 304):
            self.wfile.write(body)
        self.close_connection = True

    def log_request(self, code: Any = "-", size: Any = "-") -> None:
        pass  # the application logs every request without its query string

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s %s", self.address_string(), format % args)


def _linger(sock: socket.socket, seconds: float = 2.0) -> None:
    """Read and drop what the client still sends, so closing does not reset the connection
    before it has read our answer (the classic lingering close)."""
    try:
        sock.shutdown(socket.SHUT_WR)
        sock.settimeout(0.5)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and sock.recv(65536):
            pass
    except OSError:
        pass


class CabinetHTTPServer(WSGIServer):
    """A WSGI server with a bounded worker pool."""

    daemon_threads = True
    request_queue_size = 128

    def __init__(
        self,
        address: tuple[str, int],
        app: Any,
        *,
        workers: int = 16,
        backlog: int = 64,
        socket_timeout: float = 30.0,
    ) -> None:
        super().__init__(address, _RequestHandler)
        self.set_app(app)
        self.socket_timeout = socket_timeout
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="voek-http")
        self._slots = threading.BoundedSemaphore(workers + backlog)

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._slots.acquire(blocking=False):
            self._refuse(request)
            return
        self._pool.submit(self._work, request, client_address)

    def _work(self, request: Any, client_address: Any) -> None:
        try:
            self.finish_request(request, client_address)
        except Exception:
            self.handle_error(request, client_address)
        finally:
            self.shutdown_request(request)
            self._slots.release()

    def _refuse(self, request: socket.socket) -> None:
        body = _error_json("busy", "Сервер перегружен, повторите попытку через несколько секунд")
        head = (
            "HTTP/1.0 503 Service Unavailable\r\n"
            "Content-Type: application/json; charset=utf-8\r\n"
            f"Content-Length: {len(body)}\r\nRetry-After: 1\r\nConnection: close\r\n\r\n"
        )
        try:
            request.settimeout(1.0)
            request.sendall(head.encode() + body)
        except OSError:
            pass
        self.shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Timeouts and resets are the client's business; anything else is ours.
        log.debug("connection error from %s", client_address, exc_info=True)

    def server_close(self) -> None:
        super().server_close()
        self._pool.shutdown(wait=False, cancel_futures=True)


class EmbeddedServer:
    """The server on a loopback port in a background thread: demo mode and tests."""

    def __init__(self, app: Any, host: str = "127.0.0.1", port: int = 0, **options: Any) -> None:
        self.app = app
        self.httpd = CabinetHTTPServer((host, port), app, **options)
        self.port = self.httpd.server_address[1]
        self.url = f"http://{host}:{self.port}"
        self._thread = threading.Thread(
            target=self.httpd.serve_forever,
            kwargs={"poll_interval": 0.2},
            daemon=True,
            name="voek-server",
        )

    def start(self) -> EmbeddedServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(timeout=5)
        close = getattr(self.app, "close", None)
        if close is not None:
            close()
