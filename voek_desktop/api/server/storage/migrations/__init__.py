"""The database schema as numbered migrations, one module each; ``PRAGMA user_version`` says
how many have run. A released migration is never edited: add a new one."""

from voek_desktop.api.server.storage.migrations import (
    m001_identity,
    m002_metering,
    m003_applications,
    m004_identity_codes,
    m005_attempt_limits,
    m006_server_identity,
    m007_register_days,
    m010_shared_state,
    m013_notifications,
)

MIGRATIONS: list[str] = [
    m001_identity.SQL,
    m002_metering.SQL,
    m003_applications.SQL,
    m004_identity_codes.SQL,
    m005_attempt_limits.SQL,
    m006_server_identity.SQL,
    m007_register_days.SQL,
    m010_shared_state.SQL,
    # m011 is the file store's (PostgreSQL work); m013 the notifications'.
    m013_notifications.SQL,
]
