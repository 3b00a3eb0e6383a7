"""The demo consumers (docs/design.md "Demo data"), one per consumer type, sharing one
password. Loading twice changes nothing."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from voek_desktop.api.server.core.clock import iso
from voek_desktop.api.server.core.security import hash_password
from voek_desktop.demo_data import DEMO_CONSUMERS, DEMO_PASSWORD
from voek_desktop.domain.consumers import CONSUMER_TYPES

if TYPE_CHECKING:
    from voek_desktop.api.server.app import CabinetApp


@cache
def _demo_hash() -> str:
    # One scrypt run instead of three keeps demo start-up quick; the accounts share a password.
    return hash_password(DEMO_PASSWORD)


def load(app: CabinetApp) -> None:
    now = iso(app.clock.now())
    password_hash = _demo_hash()
    with app.db.write(lock="demo") as conn:
        for c in DEMO_CONSUMERS:
            login_key = CONSUMER_TYPES[c["consumer_type"]].login.key
            if conn.execute(
                f"SELECT 1 FROM consumers WHERE {login_key} = ?", (c[login_key],)
            ).fetchone():
                continue
            conn.execute(
                "INSERT INTO consumers (consumer_type, snils, inn, ogrn, ogrnip, email, email_key,"
                " phone, password_hash, personal_data_consent_at, created_at, activated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    c["consumer_type"],
                    c.get("snils"),
                    c.get("inn"),
                    c.get("ogrn"),
                    c.get("ogrnip"),
                    c["email"],
                    c["email"].casefold(),
                    c["phone"],
                    password_hash,
                    now,
                    now,
                    now,
                ),
            )
