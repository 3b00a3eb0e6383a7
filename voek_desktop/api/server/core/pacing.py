"""Background work in turns with the requests (issue 14, items 1 and 2).

The HTTP server runs one request at a time in its application slot (http/httpd.py ``AppSlot``):
Python runs one thread at a time anyway, and threads that all want the interpreter at once mostly
hand it to each other. A background thread that just computes (an archive, the day's registers)
would take half the interpreter from whichever request runs and stretch every one of them. So
background work takes the slot like a request, and every ``QUANTUM`` seconds gives it back when
requests wait: a request then waits for at most one quantum of background work.

The server hands its slot to the app (``CabinetApp.share_slot``); under another WSGI server there
is none and :class:`Unshared` stands in.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from typing import Protocol

# Seconds of background work between two looks at waiting requests. With 50 clients a round of
# requests takes ~25 ms, so a 3 ms quantum costs them ~10 % of the slot while work remains.
QUANTUM = 0.003
# Long enough for the request woken by the release to take the slot before we ask again.
_GAP = 0.001


class Slot(Protocol):
    def acquire(self) -> None: ...
    def release(self) -> None: ...
    def waiting(self) -> int: ...


class Unshared:
    """No slot to share: every call is free."""

    def acquire(self) -> None:
        pass

    def release(self) -> None:
        pass

    def waiting(self) -> int:
        return 0


class Handed:
    """The app's slot (``CabinetApp.slot``), whichever it is now: :class:`Unshared` until the
    HTTP server hands its own over (``share_slot``), that one from then on.

    Background work starts with the app, before the server exists. A pacer that had taken the
    stand-in kept it for its whole turn and never gave way: a fresh demo database's backfill ran
    2.3 s in one turn, beside the requests instead of between them, and took the interpreter
    from each of them in 5 ms switches (issue 14 (b): the p99 of the server's first 15 s). Each
    acquire now takes the slot of the moment, and each release gives back what its thread took."""

    def __init__(self) -> None:
        self.target: Slot = Unshared()
        self._taken = threading.local()

    def acquire(self) -> None:
        target = self.target
        target.acquire()
        self._taken.slot = target

    def release(self) -> None:
        # Not taken through here: a request's thread, which the HTTP server let into its slot.
        taken = getattr(self._taken, "slot", None) or self.target
        self._taken.slot = None
        taken.release()

    def waiting(self) -> int:
        return self.target.waiting()

    def moved(self) -> bool:
        """Whether this thread holds the stand-in while the server's slot is there."""
        taken = getattr(self._taken, "slot", None)
        return taken is not None and taken is not self.target


class Pacer:
    """``with Pacer(slot) as pace:`` holds the slot; call ``pace()`` often (every few ms of work):
    after a quantum it lets the waiting requests go first."""

    def __init__(self, slot: Slot, quantum: float = QUANTUM) -> None:
        self.slot = slot
        self.quantum = quantum
        self._since = 0.0

    def __enter__(self) -> Pacer:
        self.slot.acquire()
        self._since = time.monotonic()
        return self

    def __exit__(self, *exc: object) -> None:
        self.slot.release()

    def __call__(self) -> None:
        now = time.monotonic()
        if now - self._since < self.quantum:
            return
        # A turn begun before the server handed its slot over holds nothing: it takes the slot
        # now, or it would go on beside requests that found the slot free.
        if self.slot.waiting() or (isinstance(self.slot, Handed) and self.slot.moved()):
            self.slot.release()
            time.sleep(_GAP)
            self.slot.acquire()
        self._since = time.monotonic()


def inside(slot: Slot) -> Pacer:
    """The pace of a request's own long work (a meter's registers not stored yet, issue 14):
    the request holds the slot already, so this only gives way every quantum from now on,
    and the requests behind it wait one quantum, not the whole of it."""
    pacer = Pacer(slot)
    pacer._since = time.monotonic()
    return pacer


def no_pace() -> None:
    """The pace of work that runs alone (a bench, a test, a command-line tool)."""


@contextlib.contextmanager
def outside(slot: Slot) -> Iterator[None]:
    """A request that starts background work (``POST /dev/jobs/run``) leaves the slot to it."""
    slot.release()
    try:
        yield
    finally:
        slot.acquire()
