"""GUI fixtures: the app's files in a temporary folder, an in-memory keyring, modal boxes
recorded instead of shown."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from tests.keyrings import MemoryKeyring
from voek_desktop.session import Session
from voek_desktop.ui.context import Context
from voek_desktop.ui.kit import messages
from voek_desktop.ui.kit.tasks import Tasks


@pytest.fixture(autouse=True)
def app_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("VOEK_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("VOEK_CONFIG_DIR", str(home / "config"))
    return home


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture(autouse=True)
def boxes(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Modal message boxes would block a test: record what they would have said."""
    shown: list[tuple[str, str]] = []

    def record(kind: str):
        def show(parent, what, title=""):
            text = what if isinstance(what, str) else messages.describe(what)
            shown.append((kind, text))

        return show

    monkeypatch.setattr(messages, "error", record("error"))
    monkeypatch.setattr(messages, "info", record("info"))
    return shown


@pytest.fixture
def ctx(server, qtbot) -> Iterator[Context]:
    tasks = Tasks()
    context = Context(Session(server.url), tasks)
    yield context
    tasks.shutdown()
