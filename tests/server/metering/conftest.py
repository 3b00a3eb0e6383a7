"""Helpers for the metering server tests: plain HTTP (requests) against a real server.

``mapi`` talks to a server with demo data, /dev routes and an exact clock; ``shared_mapi`` to
the module's ``shared_server`` for tests that change nothing but the clock-free reads.
``Metering.at(moment)`` sets the server clock and logs in again, since moving the clock ends idle
sessions.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from tests.cabinet_http import DemoCabinet
from voek_desktop.api.server import EmbeddedServer, ServerConfig, create_app
from voek_desktop.api.server.core.clock import Clock

MSK = timezone(timedelta(hours=3))
TOKEN_LINE = re.compile(r"^([A-Za-z0-9_-]{32,})$", re.MULTILINE)


class Metering(DemoCabinet):
    def register(self, key: str, body: dict[str, Any]) -> str:
        """Register and activate a consumer (e-mail link from the outbox) and log it in as
        ``key``; ``body`` as for POST /registrations."""
        assert self.post("/registrations", who=None, json=body).status_code == 201
        mails = self.get("/dev/outbox", who=None).json()["items"]
        text = next(m["text"] for m in mails if m["to"] == body["email"])
        token = TOKEN_LINE.findall(text)[0]
        assert self.post("/activations", who=None, json={"token": token}).status_code == 200
        login = body.get("snils") or body.get("ogrnip") or body.get("ogrn")
        self.tokens[key] = self.login(body["consumer_type"], login, body["password"])
        return key

    def confirm(self, who: str = "company", number: str = "ЭС-1001") -> None:
        resp = self.post(
            "/organization/confirmation", who=who, json={"supply_contract_number": number}
        )
        assert resp.status_code == 200, resp.text


class ExactClock(Clock):
    """A clock that stands still where /dev/clock puts it, to the microsecond: boundary tests
    need 20:59:59 and 21:00:00 exactly (the stock clock may land up to a second early)."""

    def __init__(self) -> None:
        super().__init__()
        self._moment = datetime.now(UTC).replace(microsecond=0)

    def now(self) -> datetime:
        with self._lock:
            return self._moment

    def set(self, moment: datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("moment must be timezone-aware")
        with self._lock:
            self._moment = moment.astimezone(UTC)

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._moment += timedelta(seconds=seconds)


def start_exact(data_dir: Path, files: str = "folder") -> EmbeddedServer:
    """Like ``start_embedded(data_dir, demo=True, dev=True)`` with an :class:`ExactClock`;
    ``files``: the file store (core/filestore.py)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    config = ServerConfig(
        db_path=data_dir / "cabinet.sqlite3",
        dev=True,
        demo=True,
        outbox_dir=data_dir / "outbox",
        clock=ExactClock(),
        files=files,
    )
    return EmbeddedServer(create_app(config)).start()


@pytest.fixture
def metering_server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[EmbeddedServer]:
    """Files in the folder unless a test parametrises it (indirect) with another store."""
    srv = start_exact(tmp_path / "server", getattr(request, "param", "folder"))
    yield srv
    srv.stop()


@pytest.fixture
def mapi(metering_server: EmbeddedServer) -> Iterator[Metering]:
    m = Metering(metering_server)
    yield m
    m.close()


@pytest.fixture
def shared_mapi(shared_server: EmbeddedServer) -> Iterator[Metering]:
    """A :class:`Metering` on the module's ``shared_server`` (tests/server/conftest.py), for
    tests that change nothing but the clock-free reads."""
    m = Metering(shared_server)
    yield m
    m.close()


@pytest.fixture
def restartable(tmp_path: Path) -> Iterator[tuple]:
    """(start, client): ``start(data_dir)`` starts an exact-clock demo server (stop it yourself
    to restart on the same folder); ``client(server)`` gives a :class:`Metering` for it."""
    clients: list[Metering] = []

    def client(srv: EmbeddedServer) -> Metering:
        clients.append(Metering(srv))
        return clients[-1]

    yield start_exact, client
    for c in clients:
        c.close()
