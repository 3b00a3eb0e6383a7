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
    m011_stored_files,
)

MIGRATIONS: dict[int, str] = {
    1: m001_identity.SQL,
    2: m002_metering.SQL,
    3: m003_applications.SQL,
    4: m004_identity_codes.SQL,
    5: m005_attempt_limits.SQL,
    6: m006_server_identity.SQL,
    7: m007_register_days.SQL,
    11: m011_stored_files.SQL,
}
