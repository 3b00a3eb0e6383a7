"""Migration 6: the server's own identity, a random id made once with the database. Clients key
what they keep locally (drafts, offline copies) by it rather than by the address, which changes
when the demo server restarts on another port (issue 12, item 5)."""

SQL = """
CREATE TABLE server_identity (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    server_id TEXT NOT NULL
);
INSERT INTO server_identity (id, server_id) VALUES (1, lower(hex(randomblob(16))))
"""
