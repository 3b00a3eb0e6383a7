"""Storage: the SQLite database (db) and its numbered schema migrations (migrations)."""
