"""Clerk mode (docs/design.md "Clerk mode"): the folder the desk scanner saves into.

Files that appear there during a visit are that visitor's: offered in the documents step,
and deleted when the visit ends («Завершить приём»). Files that were there before are left
alone.
"""

from __future__ import annotations

import os
from pathlib import Path

SCAN_SUFFIXES = frozenset({".pdf", ".jpg", ".jpeg", ".png", ".tif", ".tiff"})


class ScanInbox:
    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder)
        self._before: set[str] = set()
        self._seen: set[str] = set()

    def _names(self) -> set[str]:
        try:
            with os.scandir(self.folder) as entries:
                return {
                    e.name
                    for e in entries
                    if e.is_file() and Path(e.name).suffix.lower() in SCAN_SUFFIXES
                }
        except OSError:
            return set()  # no folder (yet): nothing scanned

    def start(self) -> None:
        """A new visit: what is in the folder now belongs to nobody we serve."""
        self._before = self._names()
        self._seen = set()

    def new_files(self) -> list[Path]:
        """Scans of this visit, newest first. Still-growing files (size 0) wait a moment."""
        names = self._names() - self._before
        self._seen |= names
        files = [self.folder / n for n in names]
        files = [f for f in files if _size(f) > 0]
        return sorted(files, key=_mtime, reverse=True)

    def wipe(self) -> list[Path]:
        """Delete this visit's scans; the ones that were there before stay."""
        removed = []
        for name in (self._names() - self._before) | self._seen:
            path = self.folder / name
            try:
                path.unlink()
                removed.append(path)
            except FileNotFoundError:
                pass
        self._seen = set()
        self._before = self._names()
        return removed


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0
