"""Migration 4: login attempts are reserved before the password is checked (a pending row
counts like a failure), and the undo links of confirmed e-mail changes."""

SQL = """
ALTER TABLE login_failures ADD COLUMN pending INTEGER NOT NULL DEFAULT 0;
CREATE TABLE email_change_undos (
    token_hash TEXT PRIMARY KEY,
    consumer_id INTEGER NOT NULL REFERENCES consumers(id) ON DELETE CASCADE,
    old_email TEXT NOT NULL,
    new_email TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
);
CREATE INDEX email_change_undos_consumer ON email_change_undos(consumer_id, created_at)
"""
