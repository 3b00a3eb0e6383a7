"""The HTTP layer: the standard library's WSGI server with the holes closed.

``ThreadingMixIn`` starts a thread per connection without limit and ``wsgiref`` waits forever
on a slow client, answers errors in HTML, announces the Python version and closes the connection
after every answer. Here: a fixed pool of workers with a bounded queue (a prompt JSON 503 past it),
a socket timeout, a total deadline for a request's head, JSON errors, no version in ``Server``, a
lingering close so a refused upload still gets its 413, and HTTP/1.1 keep-alive.

Python runs one thread at a time, and many threads that all want to run at once spend their time
handing the interpreter lock to each other (on 2 cores, 16 busy workers served a third of what 2
did). So the application runs under an ``AppSlot``: one request executes at a time, while reading
a request's head, waiting on an idle keep-alive connection, reading an upload and sending a big
answer happen outside it. A slow client therefore holds a worker thread, never the server, and a
request that computes for long (a login's scrypt, a contract PDF) stops holding up the others.
"""

from __future__ import annotations

import collections
import contextlib
import io
import json
import logging
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import IO, Any, cast
from wsgiref.headers import Headers
from wsgiref.simple_server import ServerHandler, WSGIRequestHandler, WSGIServer
from wsgiref.types import WSGIApplication

from voek_desktop.api.server.http.web import STATUS_TEXT

log = logging.getLogger("voek.server.http")

SERVER_NAME = "voek-server"


def _error_json(code: str, message: str) -> bytes:
    return json.dumps({"error": {"code": code, "message": message}}, ensure_ascii=False).encode()


_JSON_TYPE = ("Content-Type", "application/json; charset=utf-8")


class _ServerHandler(ServerHandler):
    server_software = SERVER_NAME
    http_version = "1.1"
    error_status = "500 Internal Server Error"
    # An instance attribute in wsgiref (it sends a copy): mypy refuses a ClassVar here.
    error_headers: list[tuple[str, str]] = [_JSON_TYPE]  # noqa: RUF012
    error_body = _error_json("internal_error", "Внутренняя ошибка сервера")
    request_handler: _RequestHandler
    headers: Headers  # set by start_response(); typeshed leaves it out

    def cleanup_headers(self) -> None:
        super().cleanup_headers()
        handler = self.request_handler
        if handler.body_left() or handler.server.crowded() or handler.server.closing:
            # Unread body bytes would be taken for the next request; a waiting connection
            # wants this worker; a stopping server ends its connections.
            handler.close_connection = True
        if handler.close_connection:
            self.headers["Connection"] = "close"

    def log_exception(self, exc_info: Any) -> None:
        log.error("error in WSGI application", exc_info=exc_info)


class AppSlot:
    """One request runs the application at a time; one that has run for ``long_after`` seconds
    is let go on in parallel and the next one may enter (so a slow request is never a queue).

    The turns go in the order asked for (first come, first served): a turn given back goes to
    the thread that has waited longest, never to one that just arrived. A plain semaphore lets
    a newcomer barge past the waiter it has just woken, which then waits again at the end of
    the line: with 50 clients that made the p99 three to four times the median, a request
    passed over again and again (bench/rollover.py's steady state)."""

    def __init__(self, long_after: float = 0.05) -> None:
        self.long_after = long_after
        self._lock = threading.Lock()
        self._free = True  # no counted holder: the next acquire goes in at once
        self._since: dict[int, float] = {}  # holder thread → when it entered; excused ones leave
        # Threads in acquire(), each blocked on its own lock until the turn is handed to it;
        # background work gives way when there are any.
        self._queue: collections.deque[Any] = collections.deque()
        self._stop = threading.Event()
        threading.Thread(target=self._watch, name="voek-http-slot", daemon=True).start()

    def acquire(self) -> None:
        with self._lock:
            if self._free:
                self._free = False
                self._since[threading.get_ident()] = time.monotonic()
                return
            turn = threading.Lock()
            turn.acquire()
            self._queue.append(turn)
        turn.acquire()  # released by the thread that hands the slot over (_hand_over)
        with self._lock:
            self._since[threading.get_ident()] = time.monotonic()

    def waiting(self) -> int:
        return len(self._queue)

    def release(self) -> None:
        with self._lock:
            if self._since.pop(threading.get_ident(), None) is not None:
                self._hand_over()

    def _hand_over(self) -> None:
        """The turn of a holder that left (or was excused) to the first in line (lock held)."""
        if self._queue:
            self._queue.popleft().release()
        else:
            self._free = True

    def __enter__(self) -> AppSlot:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    @contextlib.contextmanager
    def set_aside(self) -> Iterator[None]:
        """Let others run while this request waits on its client."""
        self.release()
        try:
            yield
        finally:
            self.acquire()

    def close(self) -> None:
        self._stop.set()

    def _watch(self) -> None:
        while not self._stop.wait(self.long_after / 2):
            now = time.monotonic()
            with self._lock:
                late = [t for t, since in self._since.items() if now - since > self.long_after]
                for thread in late:
                    del self._since[thread]
                    self._hand_over()


class _Input:
    """``wsgi.input`` that gives up the application slot while it waits for the client."""

    def __init__(self, raw: Any, slot: AppSlot) -> None:
        self._raw = raw
        self._slot = slot
        self.consumed = 0

    def read(self, size: int = -1) -> bytes:
        return self._count(self._raw.read, size)

    def readline(self, size: int = -1) -> bytes:
        return self._count(self._raw.readline, size)

    def readlines(self, hint: int = -1) -> list[bytes]:
        lines = []
        while line := self.readline():
            lines.append(line)
            if 0 < hint <= sum(map(len, lines)):
                break
        return lines

    def _count(self, read: Any, size: int) -> bytes:
        with self._slot.set_aside():
            data = read(size)
        self.consumed += len(data)
        return data

    def __iter__(self) -> Any:
        return iter(self.readline, b"")


class _Output:
    """The answer is buffered so the head and a small body leave in one packet, after the
    application has let go of the slot; a big chunk (a download) is sent without the slot."""

    BIG = 16 * 1024

    def __init__(self, raw: Any, slot: AppSlot) -> None:
        self._raw = raw
        self._slot = slot

    def write(self, data: bytes) -> int:
        if len(data) < self.BIG:
            return self._raw.write(data)
        with self._slot.set_aside():
            return self._raw.write(data)

    def flush(self) -> None:
        pass  # the request handler flushes once the application is done


class _SocketReader(io.RawIOBase):
    """The read side of the connection, with an optional total deadline.

    A socket timeout bounds one ``recv`` only: a client that sends a header byte every few
    seconds holds its worker for as long as it likes, and 128 such sockets left every other
    client a 503. While ``deadline`` is set, each ``recv`` may only wait for what is left of it,
    and past it the read fails with ``TimeoutError``."""

    def __init__(self, sock: socket.socket, timeout: float) -> None:
        super().__init__()
        self._sock = sock
        self._timeout = timeout
        self.deadline: float | None = None
        self.received = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int | None:
        if self.deadline is None:
            try:
                count = self._sock.recv_into(buffer)
            except BlockingIOError:
                return None  # a non-blocking peek on an idle keep-alive connection
        else:
            # Past the deadline what is already here is still read (timeout 0): the time a
            # connection waited in the queue for a worker is not the client's fault.
            self._sock.settimeout(min(max(0.0, self.deadline - time.monotonic()), self._timeout))
            try:
                count = self._sock.recv_into(buffer)
            except BlockingIOError:
                raise TimeoutError("request head not received in time") from None
            finally:
                self._sock.settimeout(self._timeout)
        self.received += count
        return count


# http.client's limits on a request's head (parse_headers): 431 past them.
_MAX_LINE = 65536
_MAX_HEADERS = 100


class _HeadRefused(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def _http_version(text: str) -> tuple[int, int] | None:
    """``HTTP/1.1`` → (1, 1); None when it is no version (RFC 2145: two numbers, each read as
    an integer, leading zeros ignored), as http.server reads it."""
    if not text.startswith("HTTP/"):
        return None
    parts = text[5:].split(".")
    if len(parts) != 2 or not all(p.isdigit() and len(p) <= 10 for p in parts):
        return None
    return int(parts[0]), int(parts[1])


class _RequestHeaders:
    """A request's header fields, for what http.server, wsgiref and this module read of them
    (the part of email.message.Message they use): by name in any case, repeated names kept in
    order, a missing one None."""

    def __init__(self, fields: list[tuple[str, str]]) -> None:
        self._fields = fields
        self._by_name: dict[str, list[str]] = {}
        for name, value in fields:
            self._by_name.setdefault(name.lower(), []).append(value)

    @classmethod
    def read(cls, rfile: io.BufferedReader) -> _RequestHeaders:
        """The fields up to the blank line, ISO-8859-1 as http.client reads them; a line of
        whitespace continues the field before it (obs-fold, RFC 9112 §5.2: one space). A
        line that is no field (no name, or blanks before its colon, which proxies may read
        otherwise, RFC 9112 §5.1) is refused with 400."""
        fields: list[tuple[str, str]] = []
        for count in range(_MAX_HEADERS + 1):
            line = rfile.readline(_MAX_LINE + 1)
            if len(line) > _MAX_LINE:
                raise _HeadRefused(431, "Line too long")
            if line in (b"\r\n", b"\n", b""):
                return cls(fields)
            if count == _MAX_HEADERS:
                break
            text = line.decode("iso-8859-1").rstrip("\r\n")
            if text[:1] in (" ", "\t"):
                if not fields:
                    raise _HeadRefused(400, "Bad header continuation")
                name, value = fields[-1]
                fields[-1] = (name, f"{value} {text.strip()}".strip())
                continue
            name, colon, value = text.partition(":")
            if not colon or not name or name != name.strip() or " " in name or "\t" in name:
                raise _HeadRefused(400, "Bad header line")
            fields.append((name, value.strip()))
        raise _HeadRefused(431, "Too many headers")

    def get(self, name: str, default: str | None = None) -> str | None:
        found = self._by_name.get(name.lower())
        return found[0] if found else default

    def get_all(self, name: str, default: list[str] | None = None) -> list[str] | None:
        found = self._by_name.get(name.lower())
        return list(found) if found else default

    def __getitem__(self, name: str) -> str | None:
        return self.get(name)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._by_name

    def items(self) -> list[tuple[str, str]]:
        return list(self._fields)

    def get_content_type(self) -> str:
        """As email's: the type/subtype lowered, text/plain when absent or malformed."""
        value = (self.get("Content-Type") or "").partition(";")[0].strip().lower()
        return value if value.count("/") == 1 else "text/plain"


class _RequestHandler(WSGIRequestHandler):
    server: CabinetHTTPServer
    server_version = SERVER_NAME
    sys_version = ""
    protocol_version = "HTTP/1.1"
    wbufsize = 64 * 1024
    timeout = 30.0  # seconds a recv may wait: a slow client cannot hold a worker forever
    rfile: io.BufferedReader  # socket.makefile("rb") with the default buffering: it can peek

    def setup(self) -> None:
        # socketserver reads the instance's timeout; typeshed declares it a ClassVar.
        self.timeout = self.server.socket_timeout  # type: ignore[misc]
        self.connection_state: dict[str, Any] = {}
        super().setup()
        self.rfile.close()  # the plain socket file: ours below also knows the head's deadline
        self.reader = _SocketReader(self.connection, self.server.socket_timeout)
        self.rfile = io.BufferedReader(self.reader)

    def __init__(
        self, request: Any, client_address: Any, server: Any, accepted: float | None = None
    ) -> None:
        # The first head's deadline counts from the accept: dribblers queued behind the
        # workers then time out together with those in the workers, not one deadline later.
        self.head_started = time.monotonic() if accepted is None else accepted
        super().__init__(request, client_address, server)

    def handle(self) -> None:
        self.handle_one_request()
        while not self.close_connection and self._next_request_arrives():
            self.head_started = time.monotonic()
            self.handle_one_request()

    def _next_request_arrives(self) -> bool:
        """Wait on an idle keep-alive connection: True once the next request starts arriving;
        False when the client leaves, after ``keep_alive_timeout``, or as soon as another
        connection waits for a worker (then this one is closed and the client reconnects)."""
        sock = self.connection
        try:
            sock.settimeout(0)
            if self.rfile.peek(1):  # a pipelined request already read, or one that is here
                return True
            deadline = time.monotonic() + self.server.keep_alive_timeout
            while not self.server.crowded() and not self.server.closing:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                # A peek on the socket itself: a timeout there does not spoil ``rfile``.
                sock.settimeout(min(0.25, left))
                try:
                    return bool(sock.recv(1, socket.MSG_PEEK)) and not self.server.closing
                except TimeoutError:
                    continue
            return False
        except OSError:
            return False
        finally:
            sock.settimeout(self.server.socket_timeout)

    def handle_one_request(self) -> None:
        self.close_connection = True
        self.requestline = self.request_version = self.command = ""
        self.reader.deadline = self.head_started + self.server.head_timeout
        try:
            if not self._read_head():
                return
        except TimeoutError:
            self._head_timed_out()
            return
        finally:
            self.reader.deadline = None
        environ = self.get_environ()
        self.connection_state = {}
        environ["voek.connection"] = self.connection_state
        slot = self.server.app_slot
        self.body = _Input(self.rfile, slot)
        handler = _ServerHandler(
            self.body,
            # wsgiref only calls write() and flush() on its stdout, which is all _Output has.
            cast(IO[bytes], _Output(self.wfile, slot)),
            self.get_stderr(),
            environ,
            multithread=True,
        )
        handler.request_handler = self
        with slot:
            handler.run(self.server.get_app())
        self.wfile.flush()

    def _read_head(self) -> bool:
        """The request line and the headers: True when they make a request to answer."""
        self.raw_requestline = self.rfile.readline(_MAX_LINE + 1)
        if not self.raw_requestline:
            return False
        if len(self.raw_requestline) > _MAX_LINE:
            self.send_error(414)
            return False
        return self.parse_request()

    def parse_request(self) -> bool:
        """http.server's, with the header fields read by ``_RequestHeaders`` instead of the
        email package's parser (a third of the HTTP layer's time per request: a FeedParser, a
        Message, and every ``get`` lowering every name). False once an error is answered."""
        self.command = None  # type: ignore[assignment]  # set in case of error on the first line
        self.request_version = version = self.default_request_version
        self.close_connection = True
        requestline = str(self.raw_requestline, "iso-8859-1").rstrip("\r\n")
        self.requestline = requestline
        words = requestline.split()
        if not words:
            return False
        if len(words) >= 3:  # enough to determine the protocol version
            version = words[-1]
            number = _http_version(version)
            if number is None:
                self.send_error(400, f"Bad request version ({version!r})")
                return False
            if number >= (1, 1):
                self.close_connection = False
            if number >= (2, 0):
                self.send_error(505, f"Invalid HTTP version ({version})")
                return False
            self.request_version = version
        if not 2 <= len(words) <= 3:
            self.send_error(400, f"Bad request syntax ({requestline!r})")
            return False
        command, path = words[:2]
        if len(words) == 2:
            self.close_connection = True
            if command != "GET":
                self.send_error(400, f"Bad HTTP/0.9 request type ({command!r})")
                return False
        self.command, self.path = command, path
        if self.path.startswith("//"):  # gh-87389: never an absolute URI without a scheme
            self.path = "/" + self.path.lstrip("/")
        try:
            self.headers = _RequestHeaders.read(self.rfile)  # type: ignore[assignment]
        except _HeadRefused as exc:
            self.send_error(exc.status, exc.reason)
            return False
        connection = (self.headers.get("Connection") or "").lower()
        if connection == "close":
            self.close_connection = True
        elif connection == "keep-alive":
            self.close_connection = False
        expect = (self.headers.get("Expect") or "").lower()
        if expect == "100-continue" and self.request_version >= "HTTP/1.1":
            return self.handle_expect_100()
        return True

    def _head_timed_out(self) -> None:
        """408 to a client too slow with its head (a short wait: it may not be reading
        either), then the connection is closed and the worker serves others. A connection on
        which nothing ever came is no request: it is closed without a word."""
        if not self.reader.received:
            return
        log.info("request head from %s not received in time", self.address_string())
        self.connection.settimeout(1.0)
        with contextlib.suppress(OSError):
            self.send_error(408)
            self.wfile.flush()

    def body_left(self) -> bool:
        """Whether part of this request's body may still be on the wire."""
        if "Transfer-Encoding" in self.headers:
            return True  # not supported: the application answers without reading it
        lengths = self.headers.get_all("Content-Length") or []
        if not lengths:
            return False
        if len(lengths) > 1 or not lengths[0].strip().isdigit():
            return True
        return self.body.consumed < int(lengths[0])

    def handle_expect_100(self) -> bool:
        super().handle_expect_100()
        self.wfile.flush()  # the writer is buffered; the client waits for this line
        return True

    def finish(self) -> None:
        super().finish()
        if self.connection_state.get("drain"):
            _linger(self.connection)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        if code == 408:
            body = _error_json(
                "request_timeout", "Запрос передавался слишком долго, повторите попытку"
            )
        else:
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
    """A WSGI server with a bounded worker pool and one application slot."""

    daemon_threads = True
    request_queue_size = 128

    def __init__(
        self,
        address: tuple[str, int],
        app: Any,
        *,
        workers: int = 64,
        backlog: int = 64,
        socket_timeout: float = 30.0,
        head_timeout: float = 10.0,
        keep_alive_timeout: float = 5.0,
    ) -> None:
        super().__init__(address, _RequestHandler)
        self.set_app(app)
        self.socket_timeout = socket_timeout
        # The whole request line and headers must arrive within this many seconds.
        self.head_timeout = head_timeout
        self.keep_alive_timeout = keep_alive_timeout
        self.app_slot = AppSlot()
        # Background work of the app (jobs, registers) takes turns in the same slot.
        share = getattr(app, "share_slot", None)
        if share is not None:
            share(self.app_slot)
        self._pool = ThreadPoolExecutor(
            max_workers=workers, thread_name_prefix="voek-http", initializer=self._worker_started
        )
        self._capacity = threading.BoundedSemaphore(workers + backlog)
        self._workers = workers
        self._open = 0  # connections accepted and not yet closed; past ``workers`` they wait
        self._open_lock = threading.Lock()
        # Connections a worker is handling now: shutdown waits for them (docs/design.md
        # "A request through the server"), then wakes what still waits on a client.
        self._busy: set[socket.socket] = set()
        self._idle = threading.Condition(self._open_lock)
        self.closing = False

    def get_app(self) -> WSGIApplication:
        app = super().get_app()
        if app is None:  # set in __init__: wsgiref's type allows a server without one
            raise RuntimeError("the server has no WSGI application")
        return app

    def _worker_started(self) -> None:
        """A new worker's preparation the app asks for (``CabinetApp.worker_started``). Never
        raises: a failed initializer would break the pool, and the first request will meet
        the same cause and answer it."""
        started = getattr(self.get_app(), "worker_started", None)
        if started is not None:
            try:
                started()
            except Exception:
                log.exception("worker preparation failed")

    def crowded(self) -> bool:
        """Whether a connection waits for a worker (every worker holds one already)."""
        return self._open > self._workers

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._capacity.acquire(blocking=False):
            self._refuse(request)
            return
        with self._open_lock:
            self._open += 1
        self._pool.submit(self._work, request, client_address, time.monotonic())

    def _work(self, request: Any, client_address: Any, accepted: float) -> None:
        with self._open_lock:
            self._busy.add(request)
        try:
            if not self.closing:
                _RequestHandler(request, client_address, self, accepted)
        except Exception:
            self.handle_error(request, client_address)
        finally:
            self.shutdown_request(request)
            with self._open_lock:
                self._open -= 1
                self._busy.discard(request)
                self._idle.notify_all()
            self._capacity.release()

    def wait_idle(self, timeout: float) -> bool:
        """Wait until no worker handles a connection; past ``timeout`` the connections still
        waiting on their clients are shut down, and a little more time is given. True when
        idle: only then may the database connections the workers use be closed."""
        deadline = time.monotonic() + timeout
        with self._open_lock:
            while self._busy and (left := deadline - time.monotonic()) > 0:
                self._idle.wait(left)
            for sock in list(self._busy):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
            self._idle.wait_for(lambda: not self._busy, timeout=2.0)
            return not self._busy

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
        """Stop accepting; connections not yet started are dropped, running ones end after
        their current answer (``wait_idle`` waits for them)."""
        self.closing = True
        self.app_slot.close()
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
        close_app(self.app, self.httpd)


def close_app(app: Any, httpd: CabinetHTTPServer, timeout: float = 10.0) -> None:
    """The shutdown order once no connection is accepted any more: background work (the job
    runner) stops, the workers finish their requests, then the database connections close. A
    connection closed under a worker still using it crashed the process (exit 139)."""
    stop = getattr(app, "stop_background", None)
    if stop is not None:
        stop()
    idle = httpd.wait_idle(timeout)
    close = getattr(app, "close", None)
    if close is not None:
        if idle:
            close()
        else:
            log.warning("workers still busy after %.0f s: database left for the exit", timeout)
