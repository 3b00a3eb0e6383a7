"""Migration 5: attempts counted by the generic limiter (core/limits.py), keyed by purpose and
key (a consumer id, an organisation-consumer pair, a client address) with their moments."""

SQL = """
CREATE TABLE limited_attempts (
    id INTEGER PRIMARY KEY,
    purpose TEXT NOT NULL,
    key TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX limited_attempts_key ON limited_attempts(purpose, key, at)
"""
