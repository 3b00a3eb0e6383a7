"""What registration, login and the profile share: the profile's JSON, one-time e-mail tokens
with their mail limits, and the HTML pages the links in mails open (docs/design.md "Identity")."""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from voek_desktop.api.server.core import housekeeping, limits, security
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
from voek_desktop.api.server.storage.db import Connection, Database, Row
from voek_desktop.domain import InvalidValue
from voek_desktop.domain.consumers import CONSUMER_TYPES
from voek_desktop.domain.contacts import (
    normalize_email,
)

if TYPE_CHECKING:
    from voek_desktop.api.server.app import CabinetApp

TOKEN_LIFETIME = timedelta(hours=24)
# An account nobody activated is deleted this long after its registration, once no activation
# code of it is live: until then its СНИЛС, ИНН, ОГРН(ИП) and e-mail are taken, so someone who
# registered another person's identifiers with an address of their own would otherwise lock
# the owner out of registration for ever.
UNACTIVATED_KEPT = timedelta(days=7)
LOCKOUT_WINDOW = timedelta(minutes=15)
LOCKOUT_FAILURES = 5
# Mails a person can trigger for one account per window: stops mailbox flooding.
MAIL_WINDOW = timedelta(minutes=15)
MAIL_LIMIT = 3


def invalid_credentials() -> HttpError:
    # A fresh error each time: a shared one would collect tracebacks, typed passwords and all.
    return HttpError(401, "invalid_credentials", "Неверный логин или пароль")


def profile_json(row: Row) -> dict[str, Any]:
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
    app: CabinetApp, conn: Connection, consumer_id: int, purpose: str, payload: str | None
) -> str:
    """A new code of ``purpose``; it supersedes the consumer's older codes of that purpose, so
    only the latest mail works (docs/design.md "Identity")."""
    token, hashed = new_token()
    now = app.clock.now()
    conn.execute(
        "UPDATE email_tokens SET used_at = ? WHERE consumer_id = ? AND purpose = ?"
        " AND used_at IS NULL",
        (iso(now), consumer_id, purpose),
    )
    conn.execute(
        "INSERT INTO email_tokens (token_hash, consumer_id, purpose, payload, created_at,"
        " expires_at) VALUES (?, ?, ?, ?, ?, ?)",
        (hashed, consumer_id, purpose, payload, iso(now), iso(now + TOKEN_LIFETIME)),
    )
    return token


def retire_codes(conn: Connection, consumer_id: int, now: datetime) -> None:
    """Every outstanding activation, reset and e-mail change code of the consumer stops
    working, and the pending address is dropped. Called when the password changes, is reset,
    or the e-mail moves: a code mailed before that (maybe asked for through a stolen session)
    must not outlive it (docs/design.md "Identity")."""
    conn.execute(
        "UPDATE email_tokens SET used_at = ? WHERE consumer_id = ? AND used_at IS NULL",
        (iso(now), consumer_id),
    )
    conn.execute("UPDATE consumers SET pending_email = NULL WHERE id = ?", (consumer_id,))


def mail_allowed(app: CabinetApp, consumer_id: int, purpose: str) -> bool:
    since = iso(app.clock.now() - MAIL_WINDOW)
    row = app.db.query_row(
        "SELECT count(*) AS n FROM email_tokens"
        " WHERE consumer_id = ? AND purpose = ? AND created_at > ?",
        (consumer_id, purpose, since),
    )
    sent: int = row["n"]
    return sent < MAIL_LIMIT


def use_token(app: CabinetApp, token: str, purpose: str) -> Row:
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


def consume_token(conn: Connection, row: Row, now: datetime) -> None:
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


def html_confirm_page(
    title: str, text: str, *, action: str, fields: dict[str, str], button: str
) -> Response:
    """A page that asks before it acts: one button sends ``fields`` to ``action`` (GET, so it
    is the same link with a confirmation added)."""
    hidden = "".join(
        f"<input type='hidden' name='{html.escape(k)}' value='{html.escape(v)}'>"
        for k, v in fields.items()
    )
    return Response.html(
        "<!doctype html><html lang='ru'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title></head>"
        "<body style='font-family:sans-serif;max-width:40em;margin:3em auto'>"
        f"<h1>{html.escape(title)}</h1><p>{html.escape(text)}</p>"
        f"<form method='get' action='{html.escape(action)}'>{hidden}"
        f"<button type='submit'>{html.escape(button)}</button></form></body></html>"
    )


def send_reset_code(app: CabinetApp, email: str, token: str, *, after_undo: bool = False) -> None:
    intro = (
        "Смена адреса электронной почты отменена, прежний пароль больше не действует."
        " Чтобы снова войти, задайте новый пароль: в приложении «ВОЭК» нажмите"
        " «Забыли пароль?» и вставьте код:"
        if after_undo
        else "Кто-то (надеемся, вы) запросил смену пароля в личном кабинете потребителя"
        " АО «ВОЭК». Вставьте в приложении «ВОЭК» код:"
    )
    tail = (
        "Если код устареет, запросите новый там же, указав этот адрес."
        if after_undo
        else "Если вы не запрашивали смену пароля, просто удалите это письмо: пароль останется"
        " прежним."
    )
    app.mailer.send(
        email,
        "Смена пароля в личном кабинете АО «ВОЭК»",
        f"Здравствуйте!\n\n{intro}\n\n{token}\n\n"
        f"Код действует 24 часа и подходит один раз. {tail}\n\nАО «ВОЭК»",
        app.clock.now(),
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


def consumer_login_key(consumer: Row) -> str:
    ctype = consumer["consumer_type"]
    return login_key(ctype, consumer[CONSUMER_TYPES[ctype].login.key])


# The login lockout is a rule of the generic limiter (core/limits.py); its reservations are
# pending while the password hash runs.
LOCKOUT = limits.Limit(
    "login", LOCKOUT_FAILURES, LOCKOUT_WINDOW, "Слишком много неудачных попыток входа."
)


def reserve_attempt(app: CabinetApp, key: str) -> int:
    """Count a password check before it runs; 429 when the window's attempts are used up.

    The count and the reservation are one write transaction after the key's own row is taken
    (limits.take_turn), so parallel requests, also from several server processes on one
    database, never check more than ``LOCKOUT_FAILURES`` passwords per window
    (docs/design.md "Identity"). The reservation counts like a failure until it is settled by
    ``attempt_failed`` (it stays), ``attempt_succeeded`` (the failures are cleared) or
    ``attempt_released`` (the password was right but the login refused for another reason)."""
    return limits.reserve(app, LOCKOUT, key, pending=True)


def attempt_failed(app: CabinetApp, attempt: int) -> None:
    limits.settle(app, attempt)


def attempt_released(app: CabinetApp, attempt: int) -> None:
    limits.release(app, attempt)


def clear_failures(conn: Connection, key: str, attempt: int | None = None) -> None:
    """Forget the settled failures of ``key`` and this request's own reservation. Attempts
    still being checked by parallel requests keep their reservations: a success must not
    open the window for them."""
    limits.clear(conn, LOCKOUT, key, attempt)


def attempt_succeeded(app: CabinetApp, key: str, attempt: int) -> None:
    with app.db.write() as conn:
        clear_failures(conn, key, attempt)


def guarded_check(app: CabinetApp, key: str, check: Callable[[], bool]) -> int | None:
    """Run ``check`` (one password hash) inside the lockout of ``key``: the attempt is counted
    before the slow hash, so parallel guesses cannot all pass a check made before any of them
    failed (docs/design.md "Identity"). A failed check is counted and gives None; a passed one
    gives the attempt, for the caller to settle (``attempt_succeeded`` or ``attempt_released``)."""
    attempt = reserve_attempt(app, key)
    try:
        ok = check()
    except security.KdfBusy:
        # No password was checked: refused before hashing, so no guess to count. Counted,
        # a flood of other logins locked the real user out with 429 for 15 minutes.
        attempt_released(app, attempt)
        raise
    except BaseException:
        attempt_failed(app, attempt)
        raise
    if not ok:
        attempt_failed(app, attempt)
        return None
    return attempt


def check_password(app: CabinetApp, consumer: Row, password: str) -> bool:
    """The current password of a logged-in consumer (before changing the password or the
    e-mail), checked within the login's lockout: a stolen session cannot guess it faster
    than the login form (docs/design.md "Identity")."""
    key = consumer_login_key(consumer)
    attempt = guarded_check(
        app, key, lambda: security.verify_password(password, consumer["password_hash"])
    )
    if attempt is None:
        return False
    attempt_succeeded(app, key, attempt)
    return True


@housekeeping.register("e-mail codes")
def prune_codes(db: Database, now: datetime, pace: Callable[[], None]) -> int:
    """Activation, reset and e-mail change codes, and undo links, a day past their expiry:
    used or not, they only answer «Ссылка недействительна или устарела», as a missing one
    does. (Mail limits count codes of the last 15 minutes, long before they expire.)"""
    stamp = iso(now - timedelta(days=1))
    return housekeeping.delete_expired(
        db, "email_tokens", "token_hash", "expires_at <= ?", (stamp,), pace
    ) + housekeeping.delete_expired(
        db, "email_change_undos", "token_hash", "expires_at <= ?", (stamp,), pace
    )


@housekeeping.register("unactivated accounts")
def prune_unactivated(db: Database, now: datetime, pace: Callable[[], None]) -> int:
    """Registrations never activated, UNACTIVATED_KEPT after they were made and with no live
    activation code (a resent one keeps the account): their identifiers are free again, and
    their rows (codes, nothing else can exist before a login) go with them (ON DELETE CASCADE)."""
    return housekeeping.delete_expired(
        db,
        "consumers",
        "id",
        "activated_at IS NULL AND created_at <= ? AND NOT EXISTS (SELECT 1 FROM email_tokens t"
        " WHERE t.consumer_id = consumers.id AND t.purpose = 'activation' AND t.expires_at > ?)",
        (iso(now - UNACTIVATED_KEPT), iso(now)),
        pace,
    )
