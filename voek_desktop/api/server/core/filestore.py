"""Where the server keeps files (scans, contracts, archives): one interface, two stores (issue 15,
item 5). ``folder`` (the default) keeps them under files/ beside the database; ``db`` keeps them
in the database itself, in chunks (migration 11), so several hosts on one PostgreSQL need no
shared disk. Both read any byte range, so resumable downloads (Range, api/download.py in the
app) work on either.

A file arrives complete in a local temporary file (an upload spooled to disk and checked, a PDF
or workbook written by a library) and ``put`` makes it stored under a random name; from then on
it is read by (folder, name). The temporary files stay on the local disk of the host that made
them: under files/<folder>/ for either store.
"""

from __future__ import annotations

import contextlib
import glob
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

from voek_desktop.api.server.core.files import FILE_MODE, private_folder
from voek_desktop.api.server.storage.db import Database

# Bytes per stored chunk: a ranged read fetches only the chunks it needs, one at a time.
CHUNK_BYTES = 256 * 1024
STORES = ("folder", "db")


class StoredFile(Protocol):
    """One stored file: its size and its bytes from ``start``, ``length`` of them."""

    size: int

    def chunks(self, start: int, length: int) -> Iterator[bytes]: ...


class FileStore(Protocol):
    kind: str

    def spool(self, folder: str) -> Path:
        """The local folder for temporary files on their way into ``folder`` (0700)."""
        ...

    def put(self, folder: str, source: Path, name: str | None = None) -> str:
        """Store the complete file ``source`` under ``name`` (one the caller made unique and
        findable, e.g. an archive's ``<request id>-<random>.xlsx``) or a new random name;
        ``source`` is gone."""
        ...

    def names(self, folder: str, prefix: str) -> list[str]:
        """The stored files of ``folder`` whose names start with ``prefix`` (a job finds what
        an earlier attempt stored; files still being written are not stored yet)."""
        ...

    def put_bytes(self, folder: str, data: bytes) -> str: ...

    def open(self, folder: str, name: str) -> StoredFile:
        """The stored file; FileNotFoundError when there is none."""
        ...

    def delete(self, folder: str, name: str) -> None:
        """Remove the file; no error when it is already gone."""
        ...


def _new_name(source: Path | None = None) -> str:
    """A random name; a finished file's extension stays (an archive is .xlsx, as it is
    served), a temporary one's .part does not."""
    suffix = source.suffix if source is not None and source.suffix != ".part" else ""
    return secrets.token_hex(16) + suffix


class _LocalFile:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.size = path.stat().st_size

    def chunks(self, start: int, length: int) -> Iterator[bytes]:
        with open(self.path, "rb") as fh:
            fh.seek(start)
            remaining = length
            while remaining > 0:
                chunk = fh.read(min(remaining, CHUNK_BYTES))
                if not chunk:
                    return
                remaining -= len(chunk)
                yield chunk


class FolderStore:
    """files/<folder>/<name>, mode 0600 in folders 0700 (core/files.py)."""

    kind = "folder"

    def __init__(self, root: Path) -> None:
        self.root = root

    def spool(self, folder: str) -> Path:
        return private_folder(self.root / folder)

    def put(self, folder: str, source: Path, name: str | None = None) -> str:
        name = name or _new_name(source)
        os.chmod(source, FILE_MODE)
        os.replace(source, self.spool(folder) / name)
        return name

    def names(self, folder: str, prefix: str) -> list[str]:
        # The spool is this folder too: temporary files are ``.part`` until they are complete.
        return sorted(
            path.name
            for path in (self.root / folder).glob(glob.escape(prefix) + "*")
            if path.is_file() and path.suffix != ".part"
        )

    def put_bytes(self, folder: str, data: bytes) -> str:
        name = _new_name()
        path = self.spool(folder) / name
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        return name

    def open(self, folder: str, name: str) -> StoredFile:
        path = self.root / folder / name
        if not path.is_file():
            raise FileNotFoundError(path)
        return _LocalFile(path)

    def delete(self, folder: str, name: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.root / folder / name)


class _DbFile:
    def __init__(self, db: Database, folder: str, name: str, size: int) -> None:
        self.db, self.folder, self.name, self.size = db, folder, name, size

    def chunks(self, start: int, length: int) -> Iterator[bytes]:
        # One chunk per query: a download holds one chunk in memory and no connection between
        # two chunks (the client may read slowly).
        position, end = start, min(self.size, start + length)
        while position < end:
            seq = position // CHUNK_BYTES
            row = self.db.query_one(
                "SELECT data FROM stored_file_chunks WHERE folder = ? AND name = ? AND seq = ?",
                (self.folder, self.name, seq),
            )
            if row is None:  # deleted while being read
                return
            data = bytes(row["data"])
            offset = position - seq * CHUNK_BYTES
            piece = data[offset : offset + (end - position)]
            if not piece:
                return
            position += len(piece)
            yield piece


class DatabaseStore:
    """Files as rows: ``stored_files`` (one per file) and ``stored_file_chunks`` (its bytes in
    CHUNK_BYTES pieces), on SQLite or PostgreSQL."""

    kind = "db"

    def __init__(self, db: Database, spool_root: Path) -> None:
        self.db = db
        self.spool_root = spool_root

    def spool(self, folder: str) -> Path:
        return private_folder(self.spool_root / folder)

    def put(self, folder: str, source: Path, name: str | None = None) -> str:
        try:
            with open(source, "rb") as fh:
                pieces = iter(lambda: fh.read(CHUNK_BYTES), b"")
                return self._insert(folder, pieces, name or _new_name(source))
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(source)

    def put_bytes(self, folder: str, data: bytes) -> str:
        pieces = (data[i : i + CHUNK_BYTES] for i in range(0, len(data), CHUNK_BYTES))
        return self._insert(folder, pieces, _new_name())

    def _insert(self, folder: str, pieces: Iterator[bytes], name: str) -> str:
        size = 0
        # One transaction: a file is there whole or not at all (no .part rows to sweep).
        with self.db.write() as conn:
            for seq, piece in enumerate(pieces):
                conn.execute(
                    "INSERT INTO stored_file_chunks (folder, name, seq, data) VALUES (?, ?, ?, ?)",
                    (folder, name, seq, piece),
                )
                size += len(piece)
            conn.execute(
                "INSERT INTO stored_files (folder, name, size) VALUES (?, ?, ?)",
                (folder, name, size),
            )
        return name

    def names(self, folder: str, prefix: str) -> list[str]:
        rows = self.db.query(
            "SELECT name FROM stored_files WHERE folder = ? AND substr(name, 1, ?) = ?"
            " ORDER BY name",
            (folder, len(prefix), prefix),
        )
        return [row["name"] for row in rows]

    def open(self, folder: str, name: str) -> StoredFile:
        row = self.db.query_one(
            "SELECT size FROM stored_files WHERE folder = ? AND name = ?", (folder, name)
        )
        if row is None:
            raise FileNotFoundError(f"{folder}/{name}")
        return _DbFile(self.db, folder, name, int(row["size"]))

    def delete(self, folder: str, name: str) -> None:
        with self.db.write() as conn:
            conn.execute(
                "DELETE FROM stored_file_chunks WHERE folder = ? AND name = ?", (folder, name)
            )
            conn.execute("DELETE FROM stored_files WHERE folder = ? AND name = ?", (folder, name))


def files_setting(value: str | None) -> dict[str, Any]:
    """``--files`` / VOEK_FILES as ServerConfig fields: ``db`` keeps the files in the database,
    ``folder`` or nothing in files/ beside the SQLite file, anything else is that folder."""
    if not value or value == "folder":
        return {"files": "folder"}
    if value == "db":
        return {"files": "db"}
    return {"files": "folder", "files_dir": Path(value)}


def open_store(kind: str, db: Database, root: Path) -> FileStore:
    """The store named by the configuration (``--files``, VOEK_FILES): "folder" or "db"."""
    if kind == "db":
        return DatabaseStore(db, root)
    if kind == "folder":
        return FolderStore(root)
    raise ValueError(f"unknown file store {kind!r}: one of {', '.join(STORES)}")
