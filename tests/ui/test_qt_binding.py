"""The Qt binding itself: PySide6 6.12.0 dropped a reference to True on every emit of a
Python signal, so a long session aborted the interpreter (bool_dealloc). pyproject.toml
keeps such a release out; this test says so at once if one slips back in."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    plain = Signal()
    carrying = Signal(object)


def test_emitting_signals_does_not_leak_references_to_true(qapp) -> None:
    emitter = _Emitter()
    received: list[object] = []
    emitter.plain.connect(lambda: received.append(None))
    emitter.carrying.connect(received.append)
    before = sys.getrefcount(True)
    for i in range(200):
        emitter.plain.emit()
        emitter.carrying.emit(i)
    assert len(received) == 400
    assert sys.getrefcount(True) >= before - 5  # a few may move elsewhere; 400 may not
