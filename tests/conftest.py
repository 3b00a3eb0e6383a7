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
