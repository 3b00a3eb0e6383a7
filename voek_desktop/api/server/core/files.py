"""Files at rest: the database (password hashes, personal data), scans, contracts, archives and
outgoing mail are readable by the server's own user only (docs/design.md "Files at rest"):
folders 0700, files 0600, whatever the umask."""

from __future__ import annotations

import contextlib
import logging
import os
from pathlib import Path

log = logging.getLogger("voek.server.files")

FOLDER_MODE = 0o700
FILE_MODE = 0o600


def private_folder(path: str | os.PathLike[str]) -> Path:
    """``path`` created if needed, with mode 0700 (also when it existed with a wider one)."""
    folder = Path(path)
    folder.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    if folder.stat().st_mode & 0o777 != FOLDER_MODE:
        os.chmod(folder, FOLDER_MODE)
    return folder


def private_file(path: str | os.PathLike[str]) -> None:
    """Mode 0600 for a file that exists; a missing one is no error (-wal, -shm come and go)."""
    with contextlib.suppress(FileNotFoundError):
        if os.stat(path).st_mode & 0o777 != FILE_MODE:
            os.chmod(path, FILE_MODE)


def make_tree_private(folder: str | os.PathLike[str]) -> None:
    """Every folder under ``folder`` 0700 and every file 0600: what an older server wrote with
    the umask's 0755/0644 is closed at start."""
    root = private_folder(folder)
    for current, dirs, files in os.walk(root):
        for name in dirs:
            private_folder(Path(current) / name)
        for name in files:
            private_file(Path(current) / name)


def warn_if_open(folder: str | os.PathLike[str]) -> None:
    """The data folder may be one the administrator chose (``--db`` in the current folder):
    the server does not change its mode, but says when others can look into it."""
    mode = Path(folder).stat().st_mode & 0o777
    if mode & 0o077:
        log.warning("data folder %s is open to other users (mode %o); chmod 700 it", folder, mode)
