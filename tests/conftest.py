"""Shared fixtures: a real server on a free loopback port and a client (the in-memory keyring is
tests/keyrings.py, the GUI's fixtures tests/ui/conftest.py)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from tests import sane_device

sane_device.configure()  # before libsane can start: only its test device, tests/sane_device.py

from voek_desktop.api.server import EmbeddedServer, start_embedded  # noqa: E402
from voek_desktop.api.server import app as app_module  # noqa: E402
from voek_desktop.api.server.storage import db as storage_db  # noqa: E402

_SERVER_SUITE = Path(__file__).parent / "server"


@pytest.fixture(autouse=True)
def _sqlite_outside_the_server_suite(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """tests/server's PostgreSQL pass patches the app's open_database for as long as its
    session-scoped engine lives; a test elsewhere that runs after it in one session (e.g.
    ``pytest tests/server tests/e2e``) still gets the SQLite file it asked for."""
    if not request.path.is_relative_to(_SERVER_SUITE):
        monkeypatch.setattr(app_module, "open_database", storage_db.open_database)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[EmbeddedServer]:
    """The bundled server with demo data and /dev routes, over real HTTP on 127.0.0.1."""
    srv = start_embedded(tmp_path / "server", demo=True, dev=True)
    yield srv
    srv.stop()


@pytest.fixture
def client(server: EmbeddedServer):
    from voek_desktop.api.client import CabinetClient

    c = CabinetClient(server.url, retries=0)
    yield c
    c.close()
