"""The database schema as numbered migrations, one module each, keyed by their number (numbers
are handed out ahead, so there may be gaps); ``schema_migrations`` records which have run
(storage/db.py). A released migration is never edited: add a new one."""

from voek_desktop.api.server.storage.migrations import (
    m001_identity,
    m002_metering,
    m003_applications,
    m004_identity_codes,
    m005_attempt_limits,
    m006_server_identity,
    m007_register_days,
    m010_shared_state,
    m011_stored_files,
    m013_notifications,
)

# Keyed by number: the numbers were handed out to parallel work, so there are gaps (8, 9, 12),
# and schema_migrations records which ran.
MIGRATIONS: dict[int, str] = {
    1: m001_identity.SQL,
    2: m002_metering.SQL,
    3: m003_applications.SQL,
    4: m004_identity_codes.SQL,
    5: m005_attempt_limits.SQL,
    6: m006_server_identity.SQL,
    7: m007_register_days.SQL,
    10: m010_shared_state.SQL,
    11: m011_stored_files.SQL,
    13: m013_notifications.SQL,
}

# The order a SQLite database made before schema_migrations ran them in (a list, counted by
# PRAGMA user_version): user_version 8 meant m010 had run, 9 meant m013 too. m011 came with
# schema_migrations, so no such database has it.
BEFORE_SCHEMA_MIGRATIONS: tuple[int, ...] = (1, 2, 3, 4, 5, 6, 7, 10, 13)
