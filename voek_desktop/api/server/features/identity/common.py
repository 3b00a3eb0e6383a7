"""What registration, login and the profile share: the profile's JSON, one-time e-mail tokens
with their mail limits, and the HTML pages the links in mails open (docs/design.md "Identity")."""

from __future__ import annotations

import html
import math
import sqlite3
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from voek_desktop.api.server.core.clock import iso
from voek_desktop.api.server.core.security import (
    new_token,
    token_hash,
)
from voek_desktop.api.server.http.web import (
    HttpError,
    Response,
    text_field,
    validation_failed,
)
from voek_desktop.domain import InvalidValue
from voek_desktop.domain.consumers import CONSUMER_TYPES
from voek_desktop.domain.contacts import (
    normalize_email,
)

if TYPE_CHECKING:
    from voek_desktop.api.server.app import CabinetApp

TOKEN_LIFETIME = timedelta(hours=24)
LOCKOUT_WINDOW = timedelta(minutes=15)
LOCKOUT_FAILURES = 5
# Mails a person can trigger for one account per window: stops mailbox flooding.
MAIL_WINDOW = timedelta(minutes=15)
MAIL_LIMIT = 3


def invalid_credentials() -> HttpError:
    # A fresh error each time: a shared one would collect tracebacks, typed passwords and all.
    return HttpError(401, "invalid_credentials", "Неверный логин или пароль")


def profile_json(row: sqlite3.Row) -> dict[str, Any]:
    ctype = CONSUMER_TYPES[row["consumer_type"]]
    data: dict[str, Any] = {
        "id": row["id"],
        "consumer_type": ctype.key,
        "consumer_type_label": ctype.label,
        "login": row[ctype.login.key],
    }
    for f in ctype.identifiers:
        data[f.key] = row[f.key]
    data.update(
        email=row["email"],
        pending_email=row["pending_email"],
        phone=row["phone"],
        created_at=row["created_at"],
        activated_at=row["activated_at"],
    )
    return data


def email_key(email: str) -> str:
    return email.casefold()


def issue_token(
    app: CabinetApp, conn: sqlite3.Connection, consumer_id: int, purpose: str, payload: str | None
) -> str:
    token, hashed = new_token()
    now = app.clock.now()
    conn.execute(
        "INSERT INTO email_tokens (token_hash, consumer_id, purpose, payload, created_at,"
        " expires_at) VALUES (?, ?, ?, ?, ?, ?)",
        (hashed, consumer_id, purpose, payload, iso(now), iso(now + TOKEN_LIFETIME)),
    )
    return token


def mail_allowed(app: CabinetApp, consumer_id: int, purpose: str) -> bool:
    since = iso(app.clock.now() - MAIL_WINDOW)
    row = app.db.query_row(
        "SELECT count(*) FROM email_tokens"
        " WHERE consumer_id = ? AND purpose = ? AND created_at > ?",
        (consumer_id, purpose, since),
    )
    sent: int = row[0]
    return sent < MAIL_LIMIT


def use_token(app: CabinetApp, token: str, purpose: str) -> sqlite3.Row:
    """The unused, unexpired token row; 422 ``token_invalid`` otherwise. Does not consume it."""
    row = app.db.query_one(
        "SELECT * FROM email_tokens WHERE token_hash = ? AND purpose = ?",
        (token_hash(token.strip()), purpose),
    )
    if row is None or row["used_at"] is not None or iso(app.clock.now()) >= row["expires_at"]:
        raise HttpError(
            422,
            "token_invalid",
            "Ссылка недействительна или устарела. Запросите новое письмо.",
            {"token": "Ссылка недействительна или устарела"},
        )
    return row


def consume_token(conn: sqlite3.Connection, row: sqlite3.Row, now: datetime) -> None:
    cur = conn.execute(
        "UPDATE email_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL",
        (iso(now), row["token_hash"]),
    )
    if cur.rowcount != 1:  # another request used it in between
        raise HttpError(
            422, "token_invalid", "Ссылка уже использована", {"token": "Ссылка уже использована"}
        )


def page_link(app: CabinetApp, page: str, token: str) -> str:
    return f"{app.config.public_url}/api/v1/{page}?token={token}"


def send_activation(app: CabinetApp, email: str, token: str) -> None:
    app.mailer.send(
        email,
        "Активация личного кабинета АО «ВОЭК»",
        "Здравствуйте!\n\n"
        "Вы зарегистрировались в личном кабинете потребителя АО «ВОЭК». Чтобы активировать"
        " учётную запись, перейдите по ссылке:\n\n"
        f"{page_link(app, 'activate', token)}\n\n"
        "или вставьте в приложении «ВОЭК» код активации:\n\n"
        f"{token}\n\n"
        "Ссылка действует 24 часа. Если вы не регистрировались, просто удалите это письмо.\n\n"
        "АО «ВОЭК»",
        app.clock.now(),
    )


def html_page(title: str, text: str, status: int = 200) -> Response:
    return Response.html(
        "<!doctype html><html lang='ru'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title></head>"
        "<body style='font-family:sans-serif;max-width:40em;margin:3em auto'>"
        f"<h1>{html.escape(title)}</h1><p>{html.escape(text)}</p></body></html>",
        status,
    )


def valid_email(body: dict[str, Any]) -> str:
    try:
        return normalize_email(text_field(body, "email"))
    except InvalidValue as exc:
        raise validation_failed({"email": exc.message}) from None


def notify_password_changed(app: CabinetApp, email: str) -> None:
    app.mailer.send(
        email,
        "Пароль личного кабинета АО «ВОЭК» изменён",
        "Здравствуйте!\n\nПароль вашего личного кабинета АО «ВОЭК» только что изменён,"
        " все другие сеансы завершены. Если это были не вы, сразу смените пароль через"
        " «Забыли пароль?» и позвоните нам.\n\nАО «ВОЭК»",
        app.clock.now(),
    )


def login_key(ctype: str, login: str) -> str:
    return f"{ctype}:{login}"


def check_lockout(app: CabinetApp, key: str) -> None:
    now = app.clock.now()
    rows = app.db.query(
        "SELECT at FROM login_failures WHERE login_key = ? AND at > ? ORDER BY at",
        (key, iso(now - LOCKOUT_WINDOW)),
    )
    if len(rows) >= LOCKOUT_FAILURES:
        until = datetime.fromisoformat(rows[-1]["at"]) + LOCKOUT_WINDOW
        seconds = max(1, math.ceil((until - now).total_seconds()))
        minutes = math.ceil(seconds / 60)
        raise HttpError(
            429,
            "too_many_attempts",
            f"Слишком много неудачных попыток входа. Повторите через {minutes} мин.",
            headers={"Retry-After": str(seconds)},
        )


def record_failure(app: CabinetApp, key: str) -> None:
    now = app.clock.now()
    with app.db.write() as conn:
        conn.execute("INSERT INTO login_failures (login_key, at) VALUES (?, ?)", (key, iso(now)))
        conn.execute("DELETE FROM login_failures WHERE at < ?", (iso(now - 2 * LOCKOUT_WINDOW),))
