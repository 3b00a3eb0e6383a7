"""The cabinet as one WSGI application: routing, authentication, errors, response headers."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from voek_desktop.api.server import demo
from voek_desktop.api.server.core import files, pacing, sessions
from voek_desktop.api.server.core.clock import Clock
from voek_desktop.api.server.core.filestore import FileStore, open_store
from voek_desktop.api.server.core.mail import Mailer
from voek_desktop.api.server.features import (
    company,
    connection_contracts,
    dev,
    feedback,
    notifications,
    openapi,
    survey,
)
from voek_desktop.api.server.features.applications import documents as application_documents
from voek_desktop.api.server.features.applications import routes as applications
from voek_desktop.api.server.features.identity import login, profile, registration
from voek_desktop.api.server.features.metering import accounts, archives, meters, organizations
from voek_desktop.api.server.features.metering import report as readings_report
from voek_desktop.api.server.http.clients import Network, client_address
from voek_desktop.api.server.http.web import STATUS_TEXT, HttpError, Request, Response, Router
from voek_desktop.api.server.storage.db import (
    Database,
    IntegrityError,
    Unavailable,
    open_database,
    sqlite_path,
)
from voek_desktop.domain.company import Requisites

log = logging.getLogger("voek.server")

API_PREFIX = "/api/v1"
# The features' folders under files/, made 0700 here before any feature writes into one.
FILE_FOLDERS = ("applications", "contracts", "archives")

# A feature module has ``route`` (a RouteTable, always mounted) and may have ``dev_route``
# (mounted with --dev), ``start(app)`` and ``stop(app)`` (background work, e.g. a job runner).
# Schemas for OpenAPI ride on the route tables. Every feature is listed here, none mounts
# another's routes; the order is the order routes are matched and documented.
FEATURES = (
    registration,
    login,
    profile,
    dev,
    accounts,
    organizations,
    meters,
    readings_report,
    archives,
    applications,
    application_documents,
    connection_contracts,
    feedback,
    survey,
    company,
    notifications,
    openapi,
)


@dataclass
class ServerConfig:
    # A SQLite file (a path or sqlite:///path) or a database server's URL (storage/db.py
    # ``open_database``).
    db_path: Path | str
    public_url: str = "http://127.0.0.1:8080"
    dev: bool = False
    demo: bool = False
    outbox_dir: Path | None = None
    smtp: tuple[str, int] | None = None
    clock: Clock = field(default_factory=Clock)
    # The grid company's requisites (domain/company.py), its ``signatory`` being who signs
    # connection contracts (printing/contract.py's ``grid_signatory_*``). Configuration, not
    # code (--company FILE); --demo uses demo_data.DEMO_COMPANY, marked as a sample, when none
    # is given.
    company: Requisites | None = None
    # Where scans, contracts and archives are kept (core/filestore.py): "folder" (in
    # ``files_root``) or "db" (in the database itself: several hosts share nothing but it; the
    # files on their way in are still spooled in ``files_root``, on this host's disk).
    files: str = "folder"
    # The local folder of the files (``--files DIR``, VOEK_FILES=DIR); beside a SQLite file
    # when not given.
    files_dir: Path | None = None
    # Run the background work here (job runner, register keeper). False in the web processes
    # of a multi-process deployment, which leave it to ``voek-worker`` (docs/deploy.md).
    jobs: bool = True
    # Seconds a claimed job stays its runner's without a renewal (core/jobs.py): a dead worker's
    # job waits this long before another takes it; a live one renews three times per lease, so
    # a stalled disk or a loaded machine has two renewals of slack.
    job_lease: float = 30.0
    # With --dev: start the /dev clock on the real time instead of where the database has it
    # (a server alone on its database, like the app's embedded demo).
    fresh_clock: bool = False
    # The reverse proxies whose X-Forwarded-For is believed (http/clients.py; VOEK_TRUSTED_PROXIES,
    # --trusted-proxy). None by default: the header is then the client's word and ignored.
    trusted_proxies: tuple[Network, ...] = ()

    @property
    def signatory(self) -> Mapping[str, str] | None:
        return self.company.signatory if self.company else None

    @property
    def files_root(self) -> Path:
        if self.files_dir is not None:
            return Path(self.files_dir)
        path = sqlite_path(self.db_path)
        if path is not None:
            return path.parent / "files"
        if self.files == "db":
            # Only the spool of files on their way into the database: this host's own.
            return Path(tempfile.gettempdir()) / f"voek-files-{os.getuid()}"
        raise ValueError("a folder for the files is needed with a database server (VOEK_FILES)")


class CabinetApp:
    """``app(environ, start_response)``; runs unchanged under wsgiref, waitress or gunicorn."""

    def __init__(self, config: ServerConfig) -> None:
        self.config = config
        self._stopped = False
        self.config.public_url = config.public_url.rstrip("/")
        self.clock = config.clock
        # The HTTP server's application slot once it shares it (share_slot); background work
        # takes turns in it with the requests (core/pacing.py).
        self.slot = pacing.Handed()
        db_file = sqlite_path(config.db_path)
        if db_file is not None:
            db_file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            files.warn_if_open(db_file.parent)
        self.db: Database = open_database(config.db_path)
        root = config.files_root
        self.files: FileStore = open_store(config.files, self.db, root)
        files.make_tree_private(root)
        for folder in FILE_FOLDERS:
            files.private_folder(root / folder)
        files.remove_orphaned_parts(root)
        self.mailer = Mailer(config.outbox_dir, config.smtp)
        if config.dev:
            # Several processes on one database share the /dev clock and outbox.
            # (A test's own clock that stands still keeps its time: it has no ``share``.)
            share = getattr(self.clock, "share", None)
            if share is not None:
                share(self.db, fresh=config.fresh_clock)
            self.mailer.share(self.db)
        self.router = Router()
        self.route_tables = []
        for feature in FEATURES:
            tables = [getattr(feature, "route", None)]
            if config.dev:
                tables.append(getattr(feature, "dev_route", None))
            for table in tables:
                if table is not None:
                    self.router.include(table.routes)
                    self.route_tables.append(table)
        if config.demo:
            demo.load(self)
        for feature in FEATURES:
            start = getattr(feature, "start", None)
            if start is not None:
                start(self)

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        # The shared /dev clock's offset read once per request (core/clock.py); a test's own
        # clock may have no such thing.
        request = getattr(self.clock, "request", None)
        with request() if request is not None else contextlib.nullcontext():
            return self._respond(environ, start_response)

    def _respond(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        started = time.perf_counter()
        request_id = os.urandom(8).hex()
        connection = environ.setdefault("voek.connection", {})
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "")
        client = client_address(environ, self.config.trusted_proxies)
        authenticated = False
        try:
            if not path.startswith(API_PREFIX + "/"):
                raise HttpError(404, "not_found", "Такого адреса нет в API")
            # HEAD is GET without the body (RFC 9110), for every GET route.
            route, params = self.router.match(
                "GET" if method == "HEAD" else method, path[len(API_PREFIX) :]
            )
            req = Request(environ, params, client)
            # All the request's statements on one pooled connection (PostgreSQL).
            with self.db.request():
                if route.auth:
                    req.consumer, req.session_id = sessions.authenticate(
                        self.db, req.header("Authorization"), self.clock.now()
                    )
                    authenticated = True
                response = route.handler(self, req, **params)
        except HttpError as exc:
            response = Response.json(exc.body(), exc.status, exc.headers)
        except (Unavailable, sqlite3.OperationalError) as exc:
            # Busy or unreachable (a lock past the timeout, no free pooled connection,
            # PostgreSQL restarting): the client tries again. Any other OperationalError is ours.
            if isinstance(exc, sqlite3.OperationalError) and not _busy(exc):
                response = self._internal_error(request_id)
            else:
                response = Response.json(
                    {"error": {"code": "busy", "message": "Сервер занят, повторите попытку"}},
                    503,
                    {"Retry-After": "1"},
                )
        except IntegrityError:
            # A unique value a parallel request took a moment ago, where the feature does not
            # answer it itself: the same 409 on both engines, never a 500.
            response = Response.json(
                {
                    "error": {
                        "code": "conflict",
                        "message": "Данные изменились одновременно с вашим запросом,"
                        " повторите попытку",
                    }
                },
                409,
            )
        except Exception:
            response = self._internal_error(request_id)
        if _length(environ) > 0 and not connection.get("read"):
            connection["drain"] = True
        if authenticated and method in ("GET", "HEAD"):
            response = _conditional(response, environ.get("HTTP_IF_NONE_MATCH", ""))
        headers = {
            "X-Request-Id": request_id,
            "X-Content-Type-Options": "nosniff",
            **response.headers,
        }
        if authenticated or response.headers.get("Content-Type", "").startswith("application/json"):
            headers.setdefault("Cache-Control", "no-store")
        if response.status == 401:
            headers.setdefault("WWW-Authenticate", 'Bearer realm="voek"')
        if response.stream is not None:
            headers["Content-Length"] = str(response.length or 0)
        elif response.status not in (204, 304):
            headers["Content-Length"] = str(len(response.body))
        start_response(
            f"{response.status} {STATUS_TEXT.get(response.status, 'Unknown')}",
            list(headers.items()),
        )
        log.info(
            "%s %s %s %d %.1fms id=%s",
            _loggable(client),
            _loggable(method),
            _loggable(_as_sent(path)),  # never the query string: it may carry a token
            response.status,
            (time.perf_counter() - started) * 1000,
            request_id,
        )
        if response.status in (204, 304) or method == "HEAD":
            close = getattr(response.stream, "close", None)
            if close is not None:
                close()
            return []
        return response.stream if response.stream is not None else [response.body]

    def _internal_error(self, request_id: str) -> Response:
        log.exception("unhandled error, request id %s", request_id)
        return Response.json(
            {
                "error": {
                    "code": "internal_error",
                    "message": "Внутренняя ошибка сервера. Сообщите в поддержку код обращения "
                    f"{request_id}.",
                    "correlation_id": request_id,
                }
            },
            500,
        )

    def share_slot(self, slot: pacing.Slot) -> None:
        """Called by the HTTP server (http/httpd.py) that runs this app: background work that
        started with the app takes turns in it from its next acquire (``pacing.Handed``)."""
        self.slot.target = slot

    def worker_started(self) -> None:
        """Called by the HTTP server in each new worker thread before its first connection,
        outside the application slot: the thread's SQLite connection (the PRAGMAs, the schema
        read) cost ≈ 0.8 ms in the slot at the first request, 50 at once in a restart's first
        250 ms (bench/rollover.py). PostgreSQL's connections are the pool's: nothing to do."""
        if self.db.engine == "sqlite":
            self.db.connection()

    def stop_background(self) -> None:
        """Stop the features' background work (job runners); idempotent."""
        if self._stopped:
            return
        self._stopped = True
        for feature in reversed(FEATURES):
            stop = getattr(feature, "stop", None)
            if stop is not None:
                stop(self)

    def close(self) -> None:
        """Background work first, then the database (no request may run any more)."""
        self.stop_background()
        self.db.close()


# Authenticated JSON answers may be kept by the one client that asked (the app keeps them in
# memory, per session token) but must be revalidated before every use: "private, no-cache"
# rather than "no-store", which would forbid keeping the copy that makes a 304 worth anything.
# No shared cache may hold them ("private"); the token is in every request anyway.
REVALIDATE = "private, no-cache"


def _conditional(response: Response, if_none_match: str) -> Response:
    """An ETag on an authenticated JSON 200, and 304 without a body when the client already
    has that body (RFC 9110 §13.1.2). The tag is a hash of the bytes: the answer is built
    as usual, only the transfer and the client's parsing are saved — and since every body is
    the consumer's own, a tag cannot say anything about another consumer's data."""
    if (
        response.status != 200
        or response.stream is not None
        or not response.headers.get("Content-Type", "").startswith("application/json")
    ):
        return response
    etag = '"' + hashlib.sha256(response.body).hexdigest()[:32] + '"'
    response.headers["ETag"] = etag
    response.headers.setdefault("Cache-Control", REVALIDATE)
    if _matches(if_none_match, etag):
        kept = {k: v for k, v in response.headers.items() if k != "Content-Type"}
        # RFC 9110 §8.6: a 304 may only state the length the 200 would have had.
        kept["Content-Length"] = str(len(response.body))
        return Response(304, b"", kept)
    return response


def _matches(if_none_match: str, etag: str) -> bool:
    """If-None-Match uses the weak comparison: ``W/"x"`` matches ``"x"``; ``*`` matches any."""
    for candidate in if_none_match.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == etag:
            return True
    return False


def _as_sent(path: str) -> str:
    """The path as the client wrote it: WSGI hands it over as its bytes read as latin-1
    (PEP 3333), which turns «/заявки» into «/Ð·Ð°ÑÐ²ÐºÐ¸» in the log."""
    try:
        return path.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return path


def _loggable(text: str, limit: int = 300) -> str:
    """What the client sent, safe for one log line: a %0A in the path must not forge the next
    line, so control and other unprintable characters are written as escapes; letters of any
    alphabet, Cyrillic first of all, are printable and stay as they are."""
    text = text[:limit]
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text)


def _length(environ: dict[str, Any]) -> int:
    try:
        return int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def create_app(config: ServerConfig) -> CabinetApp:
    return CabinetApp(config)


def _busy(exc: sqlite3.OperationalError) -> bool:
    return "locked" in str(exc) or "busy" in str(exc)
