"""Migration 13: the consumer's notification feed and which events are e-mailed (issue 16,
items 5 and 7; docs/design.md "Notifications").

``notifications``: one row per event told to one consumer; ``id`` orders the feed (the app asks
for what came ``after`` the last id it has). ``dedup_key`` is set for what is produced by looking
rather than by an event (a deadline that is near or has passed): the unique pair makes producing
it a second time write nothing (``ON CONFLICT DO NOTHING``). Events carry NULL, and NULLs never
collide in a UNIQUE constraint (SQLite and PostgreSQL alike).

``notification_email``: the consumer's choice per kind; no row means the default (e-mailed, as
before this migration), so existing consumers keep every mail they had.
"""

SQL = """
CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    consumer_id INTEGER NOT NULL REFERENCES consumers(id) ON DELETE CASCADE,
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id INTEGER NOT NULL,
    is_read INTEGER NOT NULL DEFAULT 0 CHECK (is_read IN (0, 1)),
    dedup_key TEXT,
    UNIQUE (consumer_id, dedup_key)
);
CREATE INDEX notifications_consumer ON notifications(consumer_id, id);
CREATE TABLE notification_email (
    consumer_id INTEGER NOT NULL REFERENCES consumers(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    PRIMARY KEY (consumer_id, kind)
)
"""
