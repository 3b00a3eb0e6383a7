"""Migration 1: consumers, e-mail tokens, sessions, login failures."""

SQL = """
CREATE TABLE consumers (
    id INTEGER PRIMARY KEY,
    consumer_type TEXT NOT NULL
        CHECK (consumer_type IN ('individual', 'entrepreneur', 'company')),
    snils TEXT UNIQUE,
    inn TEXT UNIQUE,
    ogrn TEXT UNIQUE,
    ogrnip TEXT UNIQUE,
    email TEXT NOT NULL,
    email_key TEXT NOT NULL UNIQUE,
    pending_email TEXT,
    phone TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    personal_data_consent_at TEXT NOT NULL,
    created_at TEXT NOT NULL,
    activated_at TEXT,
    password_changed_at TEXT
);
CREATE TABLE email_tokens (
    token_hash TEXT PRIMARY KEY,
    consumer_id INTEGER NOT NULL REFERENCES consumers(id) ON DELETE CASCADE,
    purpose TEXT NOT NULL CHECK (purpose IN ('activation', 'password_reset', 'email_change')),
    payload TEXT,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
);
CREATE INDEX email_tokens_consumer ON email_tokens(consumer_id, purpose, created_at);
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    consumer_id INTEGER NOT NULL REFERENCES consumers(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    remember INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    idle_expires_at TEXT NOT NULL,
    absolute_expires_at TEXT NOT NULL
);
CREATE INDEX sessions_consumer ON sessions(consumer_id);
CREATE TABLE login_failures (
    login_key TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX login_failures_key ON login_failures(login_key, at);
"""
