"""Helpers for the reference-server tests: plain HTTP against a real server, no API client.

``api`` wraps ``requests`` around the shared ``server`` fixture (demo data, /dev routes);
``shared_api`` is the same over one server per module, for tests that change nothing;
``make_server`` starts extra servers with other options; ``ids`` makes fresh valid identifiers
with its own checksum code (independent from the product's).

Every test here runs on SQLite and, when ``VOEK_TEST_POSTGRES`` holds a PostgreSQL URL (.ci/run
and tools/test.sh set it from tools/pg_cluster.sh), again on PostgreSQL: ``engine`` (session,
autouse) makes every server started in the PostgreSQL pass open a schema of its own (in a
database of this session's) instead of its SQLite file, the same schema again for the same
file (a restart). Tests about the SQLite file itself are marked ``sqlite_only``.
"""

from __future__ import annotations

import hashlib
import os
import re
import socket
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests

from tests import demo
from voek_desktop.api.server import EmbeddedServer, ServerConfig, create_app, start_embedded
from voek_desktop.api.server import app as app_module
from voek_desktop.api.server.storage.db import open_database

POSTGRES = os.environ.get("VOEK_TEST_POSTGRES", "")
ENGINES = ["sqlite", "postgresql"] if POSTGRES else ["sqlite"]
# This test session's own database in that cluster (by process id, so two sessions on one
# cluster, a developer's and CI's, never touch each other's), a schema per test server in it.
# Dropping the database at the end is one quick step; those of sessions that are gone are
# dropped at the start.
_SESSION_DB = f"voektest_{os.getpid()}"


def _session_url() -> str:
    parts = urlsplit(POSTGRES)
    return urlunsplit(parts._replace(path="/" + _SESSION_DB))


def postgres_url(schema: str) -> str:
    """The session database's URL with ``schema`` first on the search path."""
    url = _session_url()
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}options=-csearch_path%3D{schema}"


def _admin(sql: str, params: tuple[Any, ...] = ()) -> list[Any]:
    import psycopg

    with psycopg.connect(POSTGRES, autocommit=True) as conn:
        cur = conn.execute(sql, params)
        return cur.fetchall() if cur.description else []


def _drop_stale_databases() -> None:
    for (name,) in _admin("SELECT datname FROM pg_database WHERE datname LIKE 'voektest%%'"):
        pid = name.removeprefix("voektest_")
        if not pid.isdigit() or not Path(f"/proc/{pid}").exists():
            _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _ensure_session_database() -> None:
    if not _admin("SELECT 1 FROM pg_database WHERE datname = %s", (_SESSION_DB,)):
        _admin(f'CREATE DATABASE "{_SESSION_DB}"')


def postgres_target(target: Any) -> str:
    """The URL that stands for the SQLite path ``target`` in the PostgreSQL pass: a schema of
    its own in the session's database (created when missing), the same one for the same path."""
    import psycopg

    _ensure_session_database()
    schema = "s_" + hashlib.sha1(str(Path(target).resolve()).encode()).hexdigest()[:20]
    with psycopg.connect(_session_url(), autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
    return postgres_url(schema)


def open_on_postgres(target: Any, **options: Any) -> Any:
    """``open_database`` for the PostgreSQL pass: a SQLite path becomes a schema of its own."""
    if str(target).startswith("postgres"):
        return open_database(target, **options)
    return open_database(postgres_target(target), **options)


@pytest.fixture(scope="session", params=ENGINES, autouse=True)
def engine(request: pytest.FixtureRequest) -> Iterator[str]:
    """The database engine under the servers of this pass: "sqlite" or "postgresql"."""
    if request.param == "sqlite":
        yield "sqlite"
        return
    _drop_stale_databases()
    _ensure_session_database()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(app_module, "open_database", open_on_postgres)
        yield "postgresql"
    _admin(f'DROP DATABASE IF EXISTS "{_SESSION_DB}" WITH (FORCE)')


@pytest.fixture(autouse=True)
def _sqlite_only(request: pytest.FixtureRequest, engine: str) -> None:
    if engine != "sqlite" and request.node.get_closest_marker("sqlite_only"):
        pytest.skip("about the SQLite file itself")


JSON_TYPE = "application/json; charset=utf-8"
CYRILLIC = re.compile("[А-Яа-яЁё]")
TOKEN_LINE = re.compile(r"^([A-Za-z0-9_-]{32,})$", re.MULTILINE)

_MISSING: Any = object()


class Ids:
    """Valid identifiers by number ``n``, checksums computed as docs/design.md
    "Identifiers" says."""

    @staticmethod
    def _mod11(digits: str, weights: tuple[int, ...]) -> str:
        return str(sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11 % 10)

    def snils(self, n: int) -> str:
        body = f"{200000000 + n * 7919:09d}"
        total = sum(int(d) * w for d, w in zip(body, range(9, 0, -1), strict=True))
        check = f"{total % 101 % 100:02d}"
        return f"{body[:3]}-{body[3:6]}-{body[6:]} {check}"

    def inn10(self, n: int) -> str:
        body = f"{500100000 + n:09d}"
        return body + self._mod11(body, (2, 4, 10, 3, 5, 9, 4, 6, 8))

    def inn12(self, n: int) -> str:
        body = f"{5001000000 + n:010d}"
        body += self._mod11(body, (7, 2, 4, 10, 3, 5, 9, 4, 6, 8))
        return body + self._mod11(body, (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8))

    def ogrn(self, n: int) -> str:
        body = f"1{20000000000 + n:011d}"
        return body + str(int(body) % 11 % 10)

    def ogrnip(self, n: int) -> str:
        body = f"3{2000000000000 + n:013d}"
        return body + str(int(body) % 13 % 10)


class Api:
    """Plain ``requests`` against ``{base}/api/v1`` plus the /dev helpers the tests need."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.root = base + "/api/v1"
        self.http = requests.Session()
        self.ids = Ids()

    def close(self) -> None:
        self.http.close()

    # --- HTTP ------------------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        json: Any = _MISSING,
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> requests.Response:
        h = dict(headers or {})
        if token is not None:
            h["Authorization"] = f"Bearer {token}"
        if json is not _MISSING:
            kwargs["json"] = json
        kwargs.setdefault("timeout", 15)
        return self.http.request(method, self.root + path, headers=h, **kwargs)

    def get(self, path: str, **kw: Any) -> requests.Response:
        return self.request("GET", path, **kw)

    def post(self, path: str, **kw: Any) -> requests.Response:
        return self.request("POST", path, **kw)

    def patch(self, path: str, **kw: Any) -> requests.Response:
        return self.request("PATCH", path, **kw)

    def delete(self, path: str, **kw: Any) -> requests.Response:
        return self.request("DELETE", path, **kw)

    # --- checks ----------------------------------------------------------------------------

    @staticmethod
    def error(
        resp: requests.Response, status: int, code: str, fields: set[str] | None = None
    ) -> dict[str, Any]:
        """Assert the API's error shape (docs/design.md "API"); returns the ``error`` object."""
        assert resp.status_code == status, (resp.status_code, resp.text)
        assert resp.headers["Content-Type"] == JSON_TYPE
        body = resp.json()
        assert set(body) == {"error"}, body
        error = body["error"]
        assert set(error) <= {"code", "message", "fields", "correlation_id"}, error
        assert error["code"] == code, error
        assert isinstance(error["message"], str)
        assert CYRILLIC.search(error["message"]), error["message"]
        if fields is not None:
            assert set(error.get("fields", {})) == fields, error
        for text in error.get("fields", {}).values():
            assert isinstance(text, str)
            assert CYRILLIC.search(text), text
        return error

    # --- identity --------------------------------------------------------------------------

    def login_response(
        self,
        consumer_type: str = "individual",
        login: str | None = None,
        password: str = demo.PASSWORD,
        remember: bool = False,
    ) -> requests.Response:
        return self.post(
            "/sessions",
            json={
                "consumer_type": consumer_type,
                "login": demo.LOGINS[consumer_type] if login is None else login,
                "password": password,
                "remember": remember,
            },
        )

    def login(self, consumer_type: str = "individual", **kw: Any) -> str:
        resp = self.login_response(consumer_type, **kw)
        assert resp.status_code == 201, resp.text
        return resp.json()["token"]

    def registration(self, kind: str, n: int, /, **overrides: Any) -> dict[str, Any]:
        body: dict[str, Any] = {
            "consumer_type": kind,
            "email": f"user{n}@example.test",
            "password": "Correct-Horse-7",
            "password_confirmation": "Correct-Horse-7",
            "phone": "+7 920 1234567",
            "personal_data_consent": True,
        }
        if kind == "individual":
            body["snils"] = self.ids.snils(n)
        elif kind == "entrepreneur":
            body.update(inn=self.ids.inn12(n), ogrnip=self.ids.ogrnip(n))
        elif kind == "company":
            body.update(inn=self.ids.inn10(n), ogrn=self.ids.ogrn(n))
        body.update(overrides)
        return body

    def register(self, body: dict[str, Any], **kw: Any) -> requests.Response:
        return self.post("/registrations", json=body, **kw)

    # --- /dev ------------------------------------------------------------------------------

    def advance(self, seconds: float) -> datetime:
        resp = self.post("/dev/clock", json={"advance_seconds": seconds})
        assert resp.status_code == 200, resp.text
        return datetime.fromisoformat(resp.json()["now"])

    def now(self) -> datetime:
        return datetime.fromisoformat(self.get("/dev/clock").json()["now"])

    def outbox(self, to: str | None = None) -> list[dict[str, Any]]:
        """Sent mails, newest first; only those to ``to`` (case-insensitive) if given."""
        resp = self.get("/dev/outbox")
        assert resp.status_code == 200, resp.text
        items = resp.json()["items"]
        if to is not None:
            items = [m for m in items if m["to"].casefold() == to.casefold()]
        return items

    def last_mail(self, to: str) -> dict[str, Any]:
        mails = self.outbox(to)
        assert mails, f"no mail to {to}"
        return mails[0]

    @staticmethod
    def token_in(mail: dict[str, Any]) -> str:
        """The code pasted into the app: a line of its own in the mail text."""
        tokens = TOKEN_LINE.findall(mail["text"])
        assert len(tokens) == 1, mail["text"]
        return tokens[0]

    @staticmethod
    def link_in(mail: dict[str, Any]) -> str:
        links = re.findall(r"https?://\S+", mail["text"])
        assert len(links) == 1, mail["text"]
        return links[0]


@pytest.fixture
def api(server: EmbeddedServer) -> Iterator[Api]:
    a = Api(server.url)
    yield a
    a.close()


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedServer]:
    """One demo server for a module's tests that change nothing (validation, HTTP layer):
    stopping a server costs a poll interval, so parametrized cases share it."""
    srv = start_embedded(tmp_path_factory.mktemp("shared") / "server", demo=True, dev=True)
    yield srv
    srv.stop()


@pytest.fixture
def shared_api(shared_server: EmbeddedServer) -> Iterator[Api]:
    a = Api(shared_server.url)
    yield a
    a.close()


@pytest.fixture
def api_for() -> Iterator[Callable[[EmbeddedServer], Api]]:
    """An ``Api`` for a server started with ``make_server``."""
    made: list[Api] = []

    def make(srv: EmbeddedServer) -> Api:
        made.append(Api(srv.url))
        return made[-1]

    yield make
    for a in made:
        a.close()


@pytest.fixture
def ids() -> Ids:
    return Ids()


@pytest.fixture
def make_server(tmp_path: Path) -> Iterator[Callable[..., EmbeddedServer]]:
    """Start a server on a free port from a ``ServerConfig``; ``prepare(app)`` runs first."""
    started: list[EmbeddedServer] = []

    def make(
        *,
        name: str = "custom",
        prepare: Callable[[Any], None] | None = None,
        **options: Any,
    ) -> EmbeddedServer:
        config_keys = {
            "public_url",
            "dev",
            "demo",
            "clock",
            "company",
            "files",
            "trusted_proxies",
            "jobs",
        }
        config = ServerConfig(
            db_path=tmp_path / f"{name}.sqlite3",
            outbox_dir=tmp_path / f"{name}-outbox",
            **{k: v for k, v in options.items() if k in config_keys},
        )
        app = create_app(config)
        if prepare is not None:
            prepare(app)
        srv = EmbeddedServer(app, **{k: v for k, v in options.items() if k not in config_keys})
        started.append(srv)
        return srv.start()

    yield make
    for srv in started:
        srv.stop()


def raw_exchange(port: int, data: bytes, *, timeout: float = 10.0, chunk: int = 0) -> bytes:
    """Send ``data`` over a fresh TCP connection (in ``chunk``-sized pieces if given) and
    read everything the server answers until it closes the connection."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        if chunk:
            for i in range(0, len(data), chunk):
                sock.sendall(data[i : i + chunk])
        else:
            sock.sendall(data)
        received = b""
        while True:
            part = sock.recv(65536)
            if not part:
                return received
            received += part


@pytest.fixture
def raw() -> Callable[..., bytes]:
    return raw_exchange
