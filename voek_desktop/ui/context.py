"""What every screen needs: the session, the worker, and whether this is a demo."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

from voek_desktop.session import Session
from voek_desktop.ui.kit.tasks import Tasks

if TYPE_CHECKING:
    from PySide6.QtCore import QObject

    from voek_desktop.ui.kit.ready import ServerStart


class DemoLogin(NamedTuple):
    consumer_type: str
    login: str
    password: str
    note: str


class Context(NamedTuple):
    session: Session
    tasks: Tasks
    demo: bool = False
    demo_logins: tuple[DemoLogin, ...] = ()
    clerk: bool = False  # «Режим центра обслуживания» (docs/design.md "Clerk mode")
    lock_after_seconds: int = 300
    scanner_folder: str = ""
    # The open section reloads this often (conditional GETs: a 304 when nothing changed).
    refresh_seconds: float = 180
    # The notification feed is asked this often while the cabinet is open (ui/notifications.py);
    # an unchanged feed is a 304, and errors stretch the wait.
    notify_seconds: float = 120
    # The demo's own server, which starts after the first paint (ui/kit/ready.py); None: a
    # server of its own, there to be asked from the start.
    server_start: ServerStart | None = None

    def when_server_ready(
        self,
        fn: Callable[[], object],
        on_failed: Callable[[str], object] | None = None,
        *,
        owner: QObject | None = None,
    ) -> None:
        """``fn()`` once the server can be asked: at once, or in demo mode when its server
        listens (``on_failed(why)`` if it did not start). For what is asked on its own at
        start-up: a request before the demo server listens is refused and given up."""
        if self.server_start is None:
            fn()
        else:
            self.server_start.when_ready(fn, on_failed, owner=owner)
