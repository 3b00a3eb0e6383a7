"""Demo mode's start (docs/design.md "Demo mode"): the bundled server starts after the first
paint, and what the window asks at start-up — the demo box's numbers, the company's requisites
of a blank form opened at once — goes out once it listens, not before (a request before was
refused, retried within a second and dropped: the demo box stayed empty). A start that fails
is said in the box, with «Повторить»."""

from __future__ import annotations

import argparse
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt

from voek_desktop.settings import Settings
from voek_desktop.ui import demo as demo_ui
from voek_desktop.ui.app import build_context, make_window
from voek_desktop.ui.main_window import MainWindow

START = 60_000  # ms: the demo data's scrypt hashes on a loaded 2-core machine


@pytest.fixture
def demo_window(qtbot) -> Iterator[MainWindow]:
    args = argparse.Namespace(demo=True, server=None, clerk=False)
    ctx, start = build_context(args, Settings())
    window = make_window(ctx, start)
    qtbot.addWidget(window)
    yield window
    ctx.tasks.shutdown()
    if ctx.server_start is not None and ctx.server_start.server is not None:
        ctx.server_start.server.stop()


def numbers_shown(window: MainWindow) -> bool:
    label = window.login_view.demo_numbers
    return label.isVisibleTo(window) and "Демо-данные…" in label.text() and "3300" in label.text()


def test_the_demo_box_names_the_numbers_once_the_server_listens(qtbot, demo_window) -> None:
    box = demo_window.login_view
    demo_window.show()
    qtbot.waitUntil(lambda: box.demo_numbers.isVisibleTo(demo_window), timeout=START)
    if not numbers_shown(demo_window):
        assert box.demo_numbers.text() in ("Демо-сервер запускается…", "Загрузка демо-данных…")
    qtbot.waitUntil(lambda: numbers_shown(demo_window), timeout=START)
    assert box.demo_retry.isHidden()


def test_a_blank_form_opened_at_once_gets_the_company_requisites(qtbot, demo_window) -> None:
    from voek_desktop.domain.company import UNKNOWN

    # Opened before the window is even shown: its GET /company is the first request made.
    demo_window.open_blank_forms()
    demo_window.show()
    qtbot.waitUntil(lambda: numbers_shown(demo_window), timeout=START)
    session = demo_window.ctx.session
    qtbot.waitUntil(lambda: session.requisites() != UNKNOWN, timeout=START)
    assert session.requisites().inn


def refuse_first_start(monkeypatch) -> list[int]:
    """The demo server's first start fails as if its port were taken; the ports tried."""
    real_start = demo_ui.start
    calls: list[int] = []

    def start_once_refused(data_dir, port):
        calls.append(port)
        if len(calls) == 1:
            raise OSError(98, "Адрес уже используется")
        return real_start(data_dir, port)

    monkeypatch.setattr(demo_ui, "start", start_once_refused)
    return calls


def test_a_server_that_did_not_start_is_said_with_retry(qtbot, demo_window, monkeypatch) -> None:
    calls = refuse_first_start(monkeypatch)
    box = demo_window.login_view
    demo_window.show()
    qtbot.waitUntil(lambda: box.demo_retry.isVisibleTo(demo_window), timeout=START)
    assert box.demo_numbers.text() == "Демо-сервер не запустился: Адрес уже используется"
    qtbot.mouseClick(box.demo_retry, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: numbers_shown(demo_window), timeout=START)
    assert len(calls) == 2
    assert box.demo_retry.isHidden()


def test_a_remembered_login_waits_for_a_start_that_works(qtbot, monkeypatch) -> None:
    """«Запомнить меня» from the last run: the cabinet opens once the demo server listens —
    also when its first start failed and «Повторить» started it."""
    from tests import demo

    args = argparse.Namespace(demo=True, server=None, clerk=False)
    ctx, start = build_context(args, Settings())
    window = make_window(ctx, start)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: numbers_shown(window), timeout=START)
    demo.log_in(ctx.session, remember=True)  # the worker is idle: the test may use it
    ctx.tasks.shutdown()
    assert ctx.server_start is not None
    ctx.server_start.server.stop()
    window.close()

    refuse_first_start(monkeypatch)
    ctx, start = build_context(args, Settings())
    again = make_window(ctx, start)
    qtbot.addWidget(again)
    again.show()
    box = again.login_view
    qtbot.waitUntil(lambda: box.demo_retry.isVisibleTo(again), timeout=START)
    assert again.cabinet is None
    qtbot.mouseClick(box.demo_retry, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: again.cabinet is not None, timeout=START)
    assert demo.SNILS_TYPED in again.cabinet.who_label.text()
    qtbot.waitUntil(lambda: not ctx.tasks.is_busy(), timeout=START)
    ctx.tasks.shutdown()
    assert ctx.server_start is not None
    ctx.server_start.server.stop()
