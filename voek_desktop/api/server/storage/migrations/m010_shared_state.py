"""Migration 10: what several server processes on one database must share (issue 15, items 3
and 4; docs/deploy.md).

- ``jobs`` gain a lease: the worker that claimed a job owns it until ``lease_until`` (real
  time, not the dev clock) and renews it while it runs; only a job whose lease expired is
  taken again, so a restarted worker no longer re-runs its siblings' live jobs.
- ``dev_clock``: the offset of the /dev clock, one row, so every process tells the same time.
- ``dev_outbox``: the mails /dev/outbox lists (only with --dev), seen from every process.
- ``attempt_keys``: one row per limited key, bumped first in every reservation; on engines
  whose transactions do not lock the whole database (PostgreSQL) the upsert's row lock makes
  the count-then-insert of parallel reservations of one key take turns.
- The login lockout joins the generic limiter (core/limits.py): ``limited_attempts`` gains the
  lockout's ``pending`` flag, the failures of the last window move over, and
  ``login_failures`` goes.
"""

SQL = """
ALTER TABLE jobs ADD COLUMN lease_owner TEXT;
ALTER TABLE jobs ADD COLUMN lease_until TEXT;
CREATE TABLE dev_clock (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    offset_seconds REAL NOT NULL
);
INSERT INTO dev_clock (id, offset_seconds) VALUES (1, 0);
CREATE TABLE dev_outbox (
    seq INTEGER PRIMARY KEY,
    message_id TEXT NOT NULL,
    to_addr TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    sent_at TEXT NOT NULL
);
CREATE TABLE attempt_keys (
    purpose TEXT NOT NULL,
    key TEXT NOT NULL,
    reservations INTEGER NOT NULL,
    PRIMARY KEY (purpose, key)
);
ALTER TABLE limited_attempts ADD COLUMN pending INTEGER NOT NULL DEFAULT 0;
INSERT INTO limited_attempts (purpose, key, at, pending)
    SELECT 'login', login_key, at, pending FROM login_failures;
DROP TABLE login_failures
"""
