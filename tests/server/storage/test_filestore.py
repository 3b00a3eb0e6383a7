"""The file store (core/filestore.py, issue 15 item 5): the folder and the database keep the same
bytes and read any range of them, on each engine of the pass (tests/server/conftest.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.server.conftest import open_on_postgres
from voek_desktop.api.server.core.filestore import CHUNK_BYTES, open_store
from voek_desktop.api.server.storage.db import SqliteDatabase


@pytest.fixture
def database(engine, tmp_path):
    db = (
        open_on_postgres(tmp_path / "db")
        if engine == "postgresql"
        else SqliteDatabase(tmp_path / "db.sqlite3")
    )
    yield db
    db.close()


def _read(stored, start: int, length: int) -> bytes:
    return b"".join(stored.chunks(start, length))


@pytest.mark.parametrize("kind", ["folder", "db"])
def test_a_stored_file_reads_back_whole_and_in_any_range(kind, database, tmp_path):
    store = open_store(kind, database, tmp_path / "files")
    data = os.urandom(2 * CHUNK_BYTES + 12345)  # three chunks, the last one short
    source = store.spool("archives") / "upload.part"
    source.write_bytes(data)
    name = store.put("archives", source)
    assert not source.exists()  # taken in, nothing left to sweep

    stored = store.open("archives", name)
    assert stored.size == len(data)
    assert _read(stored, 0, stored.size) == data
    # Ranges inside a chunk, across a chunk boundary, across two, and the tail: what a
    # resumed download asks for.
    for start, length in (
        (0, 100),
        (CHUNK_BYTES - 10, 20),
        (CHUNK_BYTES // 2, CHUNK_BYTES + 100),
        (len(data) - 10, 10),
        (len(data) - 10, 1000),
    ):
        assert _read(stored, start, length) == data[start : start + length], (start, length)
    assert _read(stored, len(data), 10) == b""

    small = store.put_bytes("applications", b"%PDF-1.4 tiny")
    assert _read(store.open("applications", small), 0, 100) == b"%PDF-1.4 tiny"
    with pytest.raises(FileNotFoundError):
        store.open("archives", small)  # folders are apart

    store.delete("archives", name)
    store.delete("archives", name)  # already gone: no error
    with pytest.raises(FileNotFoundError):
        store.open("archives", name)


def test_the_database_store_writes_nothing_into_the_files_folder(database, tmp_path):
    store = open_store("db", database, tmp_path / "files")
    store.put_bytes("contracts", b"x" * 1000)
    files = [p for p in Path(tmp_path / "files").rglob("*") if p.is_file()]
    assert files == []
    assert database.query_row("SELECT count(*) AS n FROM stored_file_chunks")["n"] == 1


def test_an_unknown_store_is_refused(database, tmp_path):
    with pytest.raises(ValueError, match="folder, db"):
        open_store("s3", database, tmp_path)


@pytest.mark.parametrize("kind", ["folder", "db"])
def test_an_archive_attempt_finds_what_an_earlier_one_stored(kind, database, tmp_path):
    """The archive job stores its workbook as ``<request id>-<random>.xlsx`` and lists the
    request's stored files by that prefix (features/metering/archives.py): a retry deletes what
    an attempt that died before recording its file had stored, in either store."""
    store = open_store(kind, database, tmp_path / "files")
    spool = store.spool("archives")
    (spool / ".w1.00000000-archive-7-x.xlsx.part").write_bytes(b"half")  # still being written
    for name in ("7-aaaa.xlsx", "7-bbbb.xlsx", "17-cccc.xlsx"):
        (spool / name).write_bytes(b"PK")
        assert store.put("archives", spool / name, name) == name
    assert store.names("archives", "7-") == ["7-aaaa.xlsx", "7-bbbb.xlsx"]
    store.delete("archives", "7-aaaa.xlsx")
    assert store.names("archives", "7-") == ["7-bbbb.xlsx"]
    assert store.names("applications", "7-") == []
