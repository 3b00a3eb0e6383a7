"""Files at rest: the database (password hashes, personal data), scans, contracts, archives and
outgoing mail are readable by the server's own user only (docs/design.md "Files at rest"):
folders 0700, files 0600, whatever the umask."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import shutil
import socket
import time
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


# --- files being written -----------------------------------------------------------------------
# Every file is written under a temporary ``.part`` name and renamed when complete. Several
# processes may write into one folder (gunicorn's workers, voek-worker), so the name says
# which process writes it: a start-up sweep removes only what a dead process left, never a
# live sibling's upload in progress (issue 15, item 3).
_WRITER = re.compile(r"^\.w(\d+)\.([0-9a-f]{8})-")
# Another host's half-written file is left alone (its pid means nothing here) unless it has not
# been written to for this long: then that host died writing it.
FOREIGN_PART_AGE = 24 * 3600


def _host() -> str:
    return hashlib.sha256(socket.gethostname().encode()).hexdigest()[:8]


def part_prefix(what: str = "") -> str:
    """The prefix of a temporary file this process writes (``tempfile.mkstemp(prefix=…,
    suffix=".part")``): ``.w<pid>.<host>-``; ``what`` lets a job find its own leftovers."""
    return f".w{os.getpid()}.{_host()}-{what}"


def _writer_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name == "nt":
        # os.kill would terminate it; and on Windows only the one embedded server writes here.
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # a process of another user has the number: not our writer
        return False
    return True


def remove_orphaned_parts(folder: Path) -> None:
    """Delete the ``.part`` files whose writer has died (kill -9, power loss, an older server
    that did not name its writer). A file of another host sharing the folder is its own
    business until it is a day old."""
    if not folder.is_dir():
        return
    host = _host()
    for leftover in list(folder.rglob("*.part")):
        match = _WRITER.match(leftover.name)
        if match is None:
            remove_part(leftover)
        elif match.group(2) == host:
            if not _writer_alive(int(match.group(1))):
                remove_part(leftover)
        else:
            with contextlib.suppress(FileNotFoundError):
                if time.time() - leftover.stat().st_mtime > FOREIGN_PART_AGE:
                    remove_part(leftover)


def remove_part(path: Path) -> None:
    """A ``.part`` file, or a ``.part`` folder of a writer's scratch files, if still there."""
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
