"""One way to run blocking work off the GUI thread and get the result back on it.

``tasks.run(fn, on_done, on_error, owner=widget)`` runs ``fn`` on a worker thread; the
callbacks run on the GUI thread, always after ``run`` has returned (however quickly ``fn``
ended), and not at all if ``owner`` was deleted meanwhile. API calls
share one worker, so the client's HTTP session is never used by two threads at once.
With ``coalesce=key`` (a page's reload) a request for a key that is already queued replaces
the queued one, and one made while it runs waits and runs once after it: a burst of reasons
to reload (shown, changed, the poll timer) costs at most one more round trip.

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
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QObject, Signal, Slot

from voek_desktop.api.errors import ApiError, TransferCancelled
from voek_desktop.ui.kit import messages

if TYPE_CHECKING:
    from concurrent.futures import Future, ThreadPoolExecutor


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
        # Made at the first job (_connect): concurrent.futures and its queue, heapq and
        # threads are milliseconds the login window paints without (issue 14).
        self._pool: ThreadPoolExecutor | None = None
        self._long_pool: ThreadPoolExecutor | None = None
        self._running: list[str] = []
        self._closed = False  # shutdown() was called
        self._keyed: dict[Hashable, Future] = {}  # coalesce key → its queued or running job
        self._after: dict[Hashable, tuple] = {}  # coalesce key → the run() to do once it ends
        self._connected = False  # _deliver to _call: see _connect

    def _connect(self) -> None:
        """Always queued, also when emitted on the GUI thread: a job that ends before
        add_done_callback is reached (a quick refusal on a loaded machine) has its callback
        run by run() itself, and a direct call would then finish the job before the caller
        had stored what run() returns (the attachments row stayed busy for good).

        Connected at the first job, not in ``__init__`` (the window's start-up, issue 14): the
        first touch of PySide's ``Qt`` namespace builds its ~90 Python enums, 15–50 ms, and the
        login window paints without it. Every emit follows a ``run``/``run_long`` on the GUI
        thread, so the connection is there before anything is delivered. The worker pools
        are made here too, for the same reason."""
        if not self._connected:
            from concurrent.futures import ThreadPoolExecutor

            from PySide6.QtCore import Qt

            self._deliver.connect(self._call, Qt.ConnectionType.QueuedConnection)
            self._connected = True
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="voek-api")
            if self._long_pool is None:
                self._long_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="voek-long")

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
        coalesce: Hashable | None = None,
    ) -> Future:
        if coalesce is not None:
            earlier = self._keyed.get(coalesce)
            # cancel() fails once the job runs: its data may predate what made us ask again.
            if earlier is not None and not earlier.cancel():
                self._after[coalesce] = (fn, on_done, on_error, owner, label)
                return earlier
        if self._closed:
            # The window is closing: a callback that chains another load (a reload after a
            # reload) starts nothing, and leaves no "busy" behind.
            return _cancelled()
        self._connect()
        assert self._pool is not None
        self._running.append(label)
        self.busy_changed.emit(label)
        future = self._pool.submit(fn)
        if coalesce is not None:
            self._keyed[coalesce] = future
        future.add_done_callback(
            lambda f: self._deliver.emit(
                lambda: self._finish(f, on_done, on_error, owner, label, coalesce)
            )
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
        self._connect()
        transfer = Transfer(self, on_progress, owner)
        if self._closed:  # as in run(): a chained job after shutdown starts nothing
            transfer.future = _cancelled()
            return transfer
        assert self._long_pool is not None
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
        coalesce: Hashable | None = None,
    ) -> None:
        self._running.remove(label)
        self.busy_changed.emit(next((x for x in reversed(self._running) if x), ""))
        if coalesce is not None and self._keyed.get(coalesce) is future:
            del self._keyed[coalesce]
            after = self._after.pop(coalesce, None)
            logged_out = not future.cancelled() and _needs_login(future.exception())
            if after is not None and not logged_out:  # after a 401 the next would get one too
                fn, done, failed, later_owner, later_label = after
                if later_owner is None or shiboken6.isValid(later_owner):
                    self.run(
                        fn, done, failed, owner=later_owner, label=later_label, coalesce=coalesce
                    )
        if future.cancelled():
            return
        exc = future.exception()
        ended = _needs_login(exc)
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
        self._closed = True
        for pool in (self._pool, self._long_pool):
            if pool is not None:  # None: no job was ever run
                pool.shutdown(wait=False, cancel_futures=True)


def _cancelled() -> Future:
    from concurrent.futures import Future

    future: Future = Future()
    future.cancel()
    return future


def _needs_login(exc: BaseException | None) -> bool:
    return isinstance(exc, ApiError) and exc.needs_login
