"""Start-up: the Qt application, Russian for Qt's own dialogs, the crash hook, the window."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, TypedDict, cast

from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QApplication

from voek_desktop.session import Session
from voek_desktop.settings import Settings, data_dir
from voek_desktop.ui.context import Context
from voek_desktop.ui.kit import messages, qt_russian
from voek_desktop.ui.kit.style import STYLE_SHEET
from voek_desktop.ui.kit.tasks import Tasks
from voek_desktop.ui.main_window import MainWindow

if TYPE_CHECKING:
    import argparse

DEFAULT_SERVER = "https://lk.voek33.ru"


class _DeskOptions(TypedDict):
    """The Context fields from settings that demo and real mode share."""

    clerk: bool
    lock_after_seconds: int
    scanner_folder: str
    refresh_seconds: float


def make_application(argv: list[str]) -> QApplication:
    # instance() is typed QCoreApplication; the only one ever made here (or by pytest-qt) is a
    # QApplication.
    app = cast("QApplication | None", QApplication.instance()) or QApplication(argv)
    app.setApplicationName("voek_desktop")
    app.setApplicationDisplayName("Личный кабинет АО «ВОЭК»")
    app.setOrganizationName("АО «ВОЭК»")
    QLocale.setDefault(QLocale(QLocale.Language.Russian, QLocale.Country.Russia))
    # Qt's own buttons and dialogs («Отмена», «Открыть файл», «Папка:») in Russian.
    qt_russian.install(app)
    app.setStyleSheet(STYLE_SHEET)
    return app


def build_context(
    args: argparse.Namespace, settings: Settings
) -> tuple[Context, Callable[[], None] | None]:
    """The session and worker, and in demo mode how to start the bundled server.

    The server starts on the worker; what is asked at start-up waits for it through
    ``ctx.when_server_ready`` (ui/kit/ready.py), not by its place in the worker's queue."""
    tasks = Tasks()
    clerk = bool(getattr(args, "clerk", False) or settings.clerk_mode)
    desk: _DeskOptions = {
        "clerk": clerk,
        "lock_after_seconds": max(10, settings.lock_after_seconds),
        "scanner_folder": settings.scanner_folder,
        # Not more often than every half minute: a server polled by every consumer's window.
        "refresh_seconds": max(30, settings.refresh_seconds),
    }
    if args.demo:
        from voek_desktop.ui import demo
        from voek_desktop.ui.kit.ready import ServerStart

        port = demo.pick_port()
        session = Session(
            f"http://127.0.0.1:{port}",
            keyring_user=demo.KEYRING_USER,
            clerk=clerk,
            scanner_folder=settings.scanner_folder,
        )
        start = ServerStart(tasks, lambda: demo.start(data_dir() / "demo-server", port), tasks)
        ctx = Context(
            session, tasks, demo=True, demo_logins=demo.logins(), server_start=start, **desk
        )
        return ctx, start.begin
    url = args.server or settings.server_url or DEFAULT_SERVER
    session = Session(url, clerk=clerk, scanner_folder=settings.scanner_folder)
    return Context(session, tasks, **desk), None


def _configure_logging() -> None:
    import logging

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")


def make_window(ctx: Context, start_server: Callable[[], None] | None) -> MainWindow:
    """The window as a user gets it: the demo server started once the window has settled
    (its imports and scrypt would compete with the first paint), then a remembered login
    tried — which, like every request made at start-up, waits for the server to listen."""
    window = MainWindow(ctx)
    if start_server is not None:
        window.settled.connect(start_server)
    window.settled.connect(window.try_resume)
    return window


def run(args: argparse.Namespace) -> int:
    app = make_application(sys.argv[:1])
    messages.install_excepthook()
    settings = Settings.load()
    ctx, start_server = build_context(args, settings)
    if args.exit_when_ready:
        window = MainWindow(ctx)
        # The start-up benchmark reads these lines: the first paint (the moment a bare Qt window
        # prints "ready" too), and when the work put off until after it is done.
        window.first_painted.connect(lambda: print("ready", flush=True))
        window.settled.connect(lambda: print("settled", flush=True))
        window.settled.connect(app.quit)
    else:
        window = make_window(ctx, start_server)
    # logging costs start-up time (docs/design.md "Targets")
    window.settled.connect(_configure_logging)
    window.login_view.picker.set_value(settings.consumer_type)

    def remember_choice() -> None:
        settings.consumer_type = window.login_view.picker.value()
        with contextlib.suppress(OSError):  # a read-only home must not spoil quitting
            settings.save()

    app.aboutToQuit.connect(remember_choice)
    window.show()
    code = app.exec()
    ctx.tasks.shutdown()
    started = ctx.server_start.server if ctx.server_start is not None else None
    if started is not None:
        started.stop()
    return code
