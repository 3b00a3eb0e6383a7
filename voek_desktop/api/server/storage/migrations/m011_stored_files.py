"""Migration 11: files kept in the database (core/filestore.py, ``--files db``; issue 15, item
5): one row per file and its bytes in chunks of 256 KiB, so a ranged read fetches only the
chunks it needs. BLOB is bytea on PostgreSQL (storage/postgres.py)."""

SQL = """
CREATE TABLE stored_files (
    folder TEXT NOT NULL,
    name TEXT NOT NULL,
    size INTEGER NOT NULL,
    PRIMARY KEY (folder, name)
);
CREATE TABLE stored_file_chunks (
    folder TEXT NOT NULL,
    name TEXT NOT NULL,
    seq INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (folder, name, seq)
)
"""
