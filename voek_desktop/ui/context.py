"""What every screen needs: the session, the worker, and whether this is a demo."""

from __future__ import annotations

from typing import NamedTuple

from voek_desktop.session import Session
from voek_desktop.ui.kit.tasks import Tasks


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
