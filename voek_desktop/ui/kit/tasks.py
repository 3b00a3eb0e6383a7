"""One way to run blocking work off the GUI thread and get the result back on it.

``tasks.run(fn, on_done, on_error, owner=widget)`` runs ``fn`` on a worker thread; the
callbacks run on the GUI thread, always after ``run`` has returned (however quickly ``fn``
ended), and not at all if ``owner`` was deleted meanwhile. API calls
share one worker, so the client's HTTP session is never used by two threads at once.

``tasks.run_long(fn, ...)`` is for transfers and file work that take seconds: ``fn`` gets a
:class:`Transfer` to report progress to and to ask whether the user cancelled; these run on a
pool of their own so a download does not hold up the API worker (each job brings its own
HTTP session).

A failure that means the session is over (401, ``ApiError.needs_login``) is also announced by
``session_ended``: the main window answers it with the login screen over the cabinet
(docs/design.md "Identity"), whichever screen the call came from.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal, Slot

from voek_desktop.api.errors import ApiError, TransferCancelled
from voek_desktop.ui.kit import messages


class Transfer:
    """Handed to a long job: ``report(done, total)`` from the worker, ``cancel()`` from the GUI."""

    def __init__(
        self,
        tasks: Tasks,
        on_progress: Callable[[int, int | None], None] | None,
        owner: QObject | None,
    ) -> None:
        self._tasks = tasks
        self._on_progress = on_progress
        self._owner = owner
        self._cancel = threading.Event()
        self._last = 0.0
        self.future: Future | None = None

    def cancel(self) -> None:
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def report(self, done: int, total: int | None = None) -> None:
        now = time.monotonic()
        if self._on_progress is None or (now - self._last < 0.1 and done != total):
            return  # ten updates a second is smooth; more would flood the GUI thread
        self._last = now
        callback, owner = self._on_progress, self._owner

        def deliver() -> None:
            if owner is None or shiboken6.isValid(owner):
                callback(done, total)

        self._tasks._deliver.emit(deliver)


class Tasks(QObject):
    _deliver = Signal(object)
    busy_changed = Signal(str)  # what is being done now, "" when idle
    session_ended = Signal()  # a call was answered 401: the user must log in again

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="voek-api")
        self._long_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="voek-long")
        self._running: list[str] = []
        # Always queued, also when emitted on the GUI thread: a job that ends before
        # add_done_callback is reached (a quick refusal on a loaded machine) has its callback
        # run by run() itself, and a direct call would then finish the job before the caller
        # had stored what run() returns (the attachments row stayed busy for good).
        self._deliver.connect(self._call, Qt.ConnectionType.QueuedConnection)

    @Slot(object)
    def _call(self, closure: Callable[[], object]) -> None:
        closure()

    def run(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], object] | None = None,
        on_error: Callable[[BaseException], object] | None = None,
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

    def run_long(
        self,
        fn: Callable[[Transfer], Any],
        on_done: Callable[[Any], object] | None = None,
        on_error: Callable[[BaseException], object] | None = None,
        *,
        on_progress: Callable[[int, int | None], None] | None = None,
        owner: QObject | None = None,
        label: str = "",
    ) -> Transfer:
        transfer = Transfer(self, on_progress, owner)
        self._running.append(label)
        self.busy_changed.emit(label)
        future = self._long_pool.submit(fn, transfer)
        transfer.future = future
        future.add_done_callback(
            lambda f: self._deliver.emit(lambda: self._finish(f, on_done, on_error, owner, label))
        )
        return transfer

    def _finish(
        self,
        future: Future,
        on_done: Callable[[Any], object] | None,
        on_error: Callable[[BaseException], object] | None,
        owner: QObject | None,
        label: str,
    ) -> None:
        self._running.remove(label)
        self.busy_changed.emit(next((x for x in reversed(self._running) if x), ""))
        if future.cancelled():
            return
        exc = future.exception()
        ended = isinstance(exc, ApiError) and exc.needs_login
        if ended:
            self.session_ended.emit()  # also when the widget that asked is gone
        if owner is not None and not shiboken6.isValid(owner):
            return
        if isinstance(exc, TransferCancelled) and on_error is None:
            return  # the user asked for it; nothing to say
        if exc is None:
            if on_done is not None:
                on_done(future.result())
        elif on_error is not None and messages.is_expected(exc):
            on_error(exc)  # the screen stops waiting, so the action can be tried again
        elif ended:
            pass  # the login screen says it; a box on top would only repeat it
        elif messages.is_expected(exc):
            messages.error(owner if isinstance(owner, QObject) else None, exc)
        else:
            messages.show_crash(type(exc), exc, exc.__traceback__)

    def is_busy(self) -> bool:
        return bool(self._running)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._long_pool.shutdown(wait=False, cancel_futures=True)
