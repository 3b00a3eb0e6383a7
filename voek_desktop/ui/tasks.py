"""One way to run blocking work off the GUI thread and get the result back on it.

``tasks.run(fn, on_done, on_error, owner=widget)`` runs ``fn`` on a worker thread; the
callbacks run on the GUI thread, and not at all if ``owner`` was deleted meanwhile. API calls
share one worker, so the client's HTTP session is never used by two threads at once.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Signal

from voek_desktop.ui import feedback


class Tasks(QObject):
    _deliver = Signal(object)
    busy_changed = Signal(str)  # what is being done now, "" when idle

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="voek-api")
        self._running: list[str] = []
        # Emitted from the worker; Qt queues the call to this object's (the GUI) thread.
        self._deliver.connect(lambda closure: closure())

    def run(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        *,
        owner: QObject | None = None,
        label: str = "",
    ) -> Future:
        self._running.append(label)
        self.busy_changed.emit(label)
        future = self._pool.submit(fn)
        future.add_done_callback(
            lambda f: self._deliver.emit(lambda: self._finish(f, on_done, on_error, owner, label))
        )
        return future

    def _finish(
        self,
        future: Future,
        on_done: Callable[[Any], None] | None,
        on_error: Callable[[BaseException], None] | None,
        owner: QObject | None,
        label: str,
    ) -> None:
        self._running.remove(label)
        self.busy_changed.emit(next((x for x in reversed(self._running) if x), ""))
        if owner is not None and not shiboken6.isValid(owner):
            return
        if future.cancelled():
            return
        exc = future.exception()
        if exc is None:
            if on_done is not None:
                on_done(future.result())
        elif on_error is not None and feedback.is_expected(exc):
            on_error(exc)
        elif feedback.is_expected(exc):
            feedback.error(owner if isinstance(owner, QObject) else None, exc)
        else:
            feedback.show_crash(type(exc), exc, exc.__traceback__)

    def is_busy(self) -> bool:
        return bool(self._running)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
