"""Whether the server can be asked yet (docs/design.md "Demo mode").

In demo mode the app's own server starts on the API worker after the first paint; a request
made before it listens is refused, retried a few times within a second and given up — the
login's demo box stayed empty that way. :class:`ServerStart` is the start as an event: what
must ask the server as soon as the window is up (the demo numbers, a remembered login, the
company's requisites, the server's version) asks through :meth:`ServerStart.when_ready` and
goes out once the server listens, or is told why it did not start. A real server needs no
start: its :class:`ServerStart` is ready from the beginning and the network answers for it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Signal

from voek_desktop.ui.kit.dialogs import tr
from voek_desktop.ui.kit.tasks import Tasks

_Waiting = tuple[Callable[[], object], Callable[[str], object] | None, QObject | None]


class ServerStart(QObject):
    """The embedded server's start: ``waiting`` until :meth:`begin`, then ``starting``, then
    ``ready`` (``server`` holds what the start returned) or ``failed`` (``error`` says why in
    Russian; :meth:`begin` tries again)."""

    ready = Signal()
    failed = Signal(str)

    def __init__(
        self, tasks: Tasks, start: Callable[[], Any] | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._tasks = tasks
        self._start = start
        self.state = "ready" if start is None else "waiting"
        self.server: Any = None
        self.error = ""
        self._waiting: list[_Waiting] = []

    def is_ready(self) -> bool:
        return self.state == "ready"

    def begin(self) -> None:
        """Start the server on the API worker (again, after a failure); calls queued after
        this one wait behind it on the same worker."""
        if self._start is None or self.state in ("starting", "ready"):
            return
        self.state = "starting"
        self.error = ""
        start = self._start

        def job() -> tuple[Any, BaseException | None]:
            # Every failure comes back as a value: a start that fails is said on the login
            # screen with «Повторить», never as a crash box over it.
            try:
                return start(), None
            except Exception as exc:  # any reason the server did not start
                return None, exc

        self._tasks.run(job, self._started, label=tr("Запуск демо-сервера…"))

    def _started(self, result: tuple[Any, BaseException | None]) -> None:
        server, exc = result
        if exc is not None:
            self.state = "failed"
            detail = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
            self.error = tr("Демо-сервер не запустился: {}").format(detail)
            waiting, self._waiting = self._waiting, []
            for _fn, on_failed, owner in waiting:
                if on_failed is not None and _alive(owner):
                    on_failed(self.error)
                elif on_failed is None:
                    self._waiting.append((_fn, on_failed, owner))  # runs after a retry works
            self.failed.emit(self.error)
            return
        self.state = "ready"
        self.server = server
        waiting, self._waiting = self._waiting, []
        for fn, _on_failed, owner in waiting:
            if _alive(owner):
                fn()
        self.ready.emit()

    def when_ready(
        self,
        fn: Callable[[], object],
        on_failed: Callable[[str], object] | None = None,
        *,
        owner: QObject | None = None,
    ) -> None:
        """``fn()`` on the GUI thread once the server listens (now, if it does); if its start
        fails, ``on_failed(why)`` instead — and with no ``on_failed``, ``fn`` waits for a start
        that works. Nothing is called once ``owner`` is deleted."""
        if self.state == "ready":
            fn()
        elif self.state == "failed" and on_failed is not None:
            on_failed(self.error)
        else:
            self._waiting.append((fn, on_failed, owner))


def _alive(owner: QObject | None) -> bool:
    return owner is None or shiboken6.isValid(owner)
