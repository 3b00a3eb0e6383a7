"""Registration, activation, sessions, password reset and the profile (SPEC §3, §4, §7)."""

from __future__ import annotations

import html
import math
import sqlite3
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from voek_desktop.api.server.core import sessions
from voek_desktop.api.server.core.clock import iso
from voek_desktop.api.server.core.security import (
    burn_password_time,
    hash_password,
    new_token,
    token_hash,
    verify_password,
)
from voek_desktop.api.server.http.web import (
    HttpError,
    Request,
    Response,
    RouteTable,
    text_field,
    validation_failed,
)
from voek_desktop.domain import InvalidValue
from voek_desktop.domain.consumers import CONSUMER_TYPES, consumer_type, validate_registration
from voek_desktop.domain.contacts import (
    PASSWORD_MAX,
    check_password_pair,
    normalize_email,
    normalize_phone,
)

if TYPE_CHECKING:
    from voek_desktop.api.server.app import CabinetApp

route = RouteTable()

TOKEN_LIFETIME = timedelta(hours=24)
LOCKOUT_WINDOW = timedelta(minutes=15)
LOCKOUT_FAILURES = 5
# Mails a person can trigger for one account per window: stops mailbox flooding.
MAIL_WINDOW = timedelta(minutes=15)
MAIL_LIMIT = 3


def _invalid_credentials() -> HttpError:
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


def _email_key(email: str) -> str:
    return email.casefold()


def _issue_token(
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


def _mail_allowed(app: CabinetApp, consumer_id: int, purpose: str) -> bool:
    since = iso(app.clock.now() - MAIL_WINDOW)
    row = app.db.query_one(
        "SELECT count(*) FROM email_tokens"
        " WHERE consumer_id = ? AND purpose = ? AND created_at > ?",
        (consumer_id, purpose, since),
    )
    return row[0] < MAIL_LIMIT


def _use_token(app: CabinetApp, token: str, purpose: str) -> sqlite3.Row:
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


def _consume(conn: sqlite3.Connection, row: sqlite3.Row, now: datetime) -> None:
    cur = conn.execute(
        "UPDATE email_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL",
        (iso(now), row["token_hash"]),
    )
    if cur.rowcount != 1:  # another request used it in between
        raise HttpError(
            422, "token_invalid", "Ссылка уже использована", {"token": "Ссылка уже использована"}
        )


def _link(app: CabinetApp, page: str, token: str) -> str:
    return f"{app.config.public_url}/api/v1/{page}?token={token}"


def _send_activation(app: CabinetApp, email: str, token: str) -> None:
    app.mailer.send(
        email,
        "Активация личного кабинета АО «ВОЭК»",
        "Здравствуйте!\n\n"
        "Вы зарегистрировались в личном кабинете потребителя АО «ВОЭК». Чтобы активировать"
        " учётную запись, перейдите по ссылке:\n\n"
        f"{_link(app, 'activate', token)}\n\n"
        "или вставьте в приложении «ВОЭК» код активации:\n\n"
        f"{token}\n\n"
        "Ссылка действует 24 часа. Если вы не регистрировались, просто удалите это письмо.\n\n"
        "АО «ВОЭК»",
        app.clock.now(),
    )


# --- health ------------------------------------------------------------------------------


@route(
    "GET",
    "/health",
    auth=False,
    summary="Проверка работоспособности",
    responses={200: {"$ref": "#/components/schemas/Health"}},
)
def health(app: CabinetApp, req: Request) -> Response:
    app.db.query_one("SELECT 1")
    return Response.json({"status": "ok", "time": iso(app.clock.now())})


# --- registration and activation ---------------------------------------------------------


@route(
    "POST",
    "/registrations",
    auth=False,
    summary="Регистрация потребителя",
    body={"$ref": "#/components/schemas/Registration"},
    responses={201: {"$ref": "#/components/schemas/RegistrationResult"}, 409: None, 422: None},
)
def register(app: CabinetApp, req: Request) -> Response:
    clean, errors = validate_registration(req.json())
    if errors:
        raise validation_failed(errors)
    ctype = CONSUMER_TYPES[clean["consumer_type"]]
    taken = {}
    for f in ctype.identifiers:
        if app.db.query_one(f"SELECT 1 FROM consumers WHERE {f.key} = ?", (clean[f.key],)):
            taken[f.key] = f"Потребитель с таким {f.label} уже зарегистрирован"
    if app.db.query_one(
        "SELECT 1 FROM consumers WHERE email_key = ?", (_email_key(clean["email"]),)
    ):
        taken["email"] = "Этот адрес электронной почты уже используется"
    if taken:
        raise HttpError(409, "already_registered", "Такой потребитель уже зарегистрирован", taken)
    password_hash = hash_password(clean["password"])  # slow: outside the transaction
    now = iso(app.clock.now())
    try:
        with app.db.write() as conn:
            cur = conn.execute(
                "INSERT INTO consumers (consumer_type, snils, inn, ogrn, ogrnip, email, email_key,"
                " phone, password_hash, personal_data_consent_at, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    ctype.key,
                    clean.get("snils"),
                    clean.get("inn"),
                    clean.get("ogrn"),
                    clean.get("ogrnip"),
                    clean["email"],
                    _email_key(clean["email"]),
                    clean["phone"],
                    password_hash,
                    now,
                    now,
                ),
            )
            consumer_id = cur.lastrowid
            token = _issue_token(app, conn, consumer_id, "activation", None)
    except sqlite3.IntegrityError:  # registered by a parallel request a moment ago
        raise HttpError(
            409, "already_registered", "Такой потребитель уже зарегистрирован"
        ) from None
    _send_activation(app, clean["email"], token)
    row = app.db.query_one("SELECT * FROM consumers WHERE id = ?", (consumer_id,))
    return Response.json(
        {
            "consumer": profile_json(row),
            "message": f"Учётная запись создана. Мы отправили письмо на {clean['email']}:"
            " перейдите по ссылке из письма, чтобы активировать учётную запись.",
        },
        201,
    )


def _activate(app: CabinetApp, token: str) -> None:
    row = _use_token(app, token, "activation")
    now = app.clock.now()
    with app.db.write() as conn:
        _consume(conn, row, now)
        conn.execute(
            "UPDATE consumers SET activated_at = coalesce(activated_at, ?) WHERE id = ?",
            (iso(now), row["consumer_id"]),
        )


@route(
    "POST",
    "/activations",
    auth=False,
    summary="Активация учётной записи кодом из письма",
    body={"$ref": "#/components/schemas/Token"},
    responses={200: {"$ref": "#/components/schemas/Message"}, 422: None},
)
def activate(app: CabinetApp, req: Request) -> Response:
    token = text_field(req.json(), "token")
    if not token.strip():
        raise validation_failed({"token": "Вставьте ссылку или код активации из письма"})
    _activate(app, token)
    return Response.json({"message": "Учётная запись активирована. Теперь можно войти."})


def _page(title: str, text: str, status: int = 200) -> Response:
    return Response.html(
        "<!doctype html><html lang='ru'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title></head>"
        "<body style='font-family:sans-serif;max-width:40em;margin:3em auto'>"
        f"<h1>{html.escape(title)}</h1><p>{html.escape(text)}</p></body></html>",
        status,
    )


@route(
    "GET",
    "/activate",
    auth=False,
    summary="Страница активации для ссылки из письма (HTML)",
    parameters=[{"name": "token", "in": "query", "required": True, "schema": {"type": "string"}}],
    responses={200: "html", 400: "html"},
)
def activate_page(app: CabinetApp, req: Request) -> Response:
    try:
        _activate(app, req.query.get("token", ""))
    except HttpError as exc:
        return _page("Ссылка не сработала", exc.message, 400)
    return _page(
        "Учётная запись активирована",
        "Вернитесь в приложение «Личный кабинет АО «ВОЭК»» и войдите.",
    )


@route(
    "POST",
    "/activations/resend",
    auth=False,
    summary="Отправить письмо активации ещё раз",
    body={"$ref": "#/components/schemas/EmailOnly"},
    responses={202: {"$ref": "#/components/schemas/Message"}, 422: None},
)
def resend_activation(app: CabinetApp, req: Request) -> Response:
    email = _valid_email(req.json())
    row = app.db.query_one(
        "SELECT * FROM consumers WHERE email_key = ? AND activated_at IS NULL", (_email_key(email),)
    )
    if row is not None and _mail_allowed(app, row["id"], "activation"):
        with app.db.write() as conn:
            token = _issue_token(app, conn, row["id"], "activation", None)
        _send_activation(app, row["email"], token)
    return Response.json(
        {
            "message": "Если этот адрес зарегистрирован и учётная запись ещё не активирована,"
            " мы отправили на него новое письмо."
        },
        202,
    )


def _valid_email(body: dict[str, Any]) -> str:
    try:
        return normalize_email(text_field(body, "email"))
    except InvalidValue as exc:
        raise validation_failed({"email": exc.message}) from None


# --- sessions ----------------------------------------------------------------------------


def _login_key(ctype: str, login: str) -> str:
    return f"{ctype}:{login}"


def _check_lockout(app: CabinetApp, key: str) -> None:
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


def _record_failure(app: CabinetApp, key: str) -> None:
    now = app.clock.now()
    with app.db.write() as conn:
        conn.execute("INSERT INTO login_failures (login_key, at) VALUES (?, ?)", (key, iso(now)))
        conn.execute("DELETE FROM login_failures WHERE at < ?", (iso(now - 2 * LOCKOUT_WINDOW),))


@route(
    "POST",
    "/sessions",
    auth=False,
    summary="Вход в личный кабинет",
    body={"$ref": "#/components/schemas/Login"},
    responses={
        201: {"$ref": "#/components/schemas/Session"},
        401: None,
        403: None,
        422: None,
        429: None,
    },
)
def log_in(app: CabinetApp, req: Request) -> Response:
    body = req.json()
    errors: dict[str, str] = {}
    try:
        ctype = consumer_type(text_field(body, "consumer_type"))
    except InvalidValue as exc:
        raise validation_failed({"consumer_type": exc.message}) from None
    try:
        login = ctype.login.normalize(text_field(body, "login"))
    except InvalidValue as exc:
        errors["login"] = exc.message
    password = text_field(body, "password")
    if not password:
        errors["password"] = "Укажите пароль"
    remember = body.get("remember", False)
    if not isinstance(remember, bool):
        errors["remember"] = "Ожидается true или false"
    if errors:
        raise validation_failed(errors)
    key = _login_key(ctype.key, login)
    _check_lockout(app, key)
    row = app.db.query_one(
        f"SELECT * FROM consumers WHERE consumer_type = ? AND {ctype.login.key} = ?",
        (ctype.key, login),
    )
    if row is None or len(password) > PASSWORD_MAX * 8:
        burn_password_time(password[: PASSWORD_MAX * 8])
        ok = False
    else:
        ok = verify_password(password, row["password_hash"])
    if not ok:
        _record_failure(app, key)
        raise _invalid_credentials()
    if row["activated_at"] is None:
        raise HttpError(
            403,
            "account_not_activated",
            "Учётная запись не активирована. Перейдите по ссылке из письма"
            " или запросите письмо ещё раз.",
        )
    now = app.clock.now()
    with app.db.write() as conn:
        conn.execute("DELETE FROM login_failures WHERE login_key = ?", (key,))
        session = sessions.create(conn, row["id"], remember, now)
    return Response.json(
        {
            "token": session.token,
            "expires_at": iso(session.expires_at),
            "consumer": profile_json(row),
        },
        201,
    )


@route(
    "DELETE",
    "/sessions/current",
    summary="Выход из личного кабинета",
    responses={204: None, 401: None},
)
def log_out(app: CabinetApp, req: Request) -> Response:
    with app.db.write() as conn:
        sessions.end(conn, req.session_id)
    return Response.empty()


# --- password reset ----------------------------------------------------------------------


@route(
    "POST",
    "/password-resets",
    auth=False,
    summary="Запросить письмо для смены пароля",
    body={"$ref": "#/components/schemas/EmailOnly"},
    responses={202: {"$ref": "#/components/schemas/Message"}, 422: None},
)
def request_password_reset(app: CabinetApp, req: Request) -> Response:
    email = _valid_email(req.json())
    row = app.db.query_one("SELECT * FROM consumers WHERE email_key = ?", (_email_key(email),))
    if row is not None and _mail_allowed(app, row["id"], "password_reset"):
        with app.db.write() as conn:
            token = _issue_token(app, conn, row["id"], "password_reset", None)
        app.mailer.send(
            row["email"],
            "Смена пароля в личном кабинете АО «ВОЭК»",
            "Здравствуйте!\n\n"
            "Кто-то (надеемся, вы) запросил смену пароля в личном кабинете потребителя"
            " АО «ВОЭК». Вставьте в приложении «ВОЭК» код:\n\n"
            f"{token}\n\n"
            "Код действует 24 часа и подходит один раз. Если вы не запрашивали смену пароля,"
            " просто удалите это письмо: пароль останется прежним.\n\nАО «ВОЭК»",
            app.clock.now(),
        )
    return Response.json(
        {
            "message": "Если этот адрес зарегистрирован, мы отправили на него письмо"
            " с кодом для смены пароля."
        },
        202,
    )


@route(
    "POST",
    "/password-resets/confirm",
    auth=False,
    summary="Установить новый пароль по коду из письма",
    body={"$ref": "#/components/schemas/PasswordResetConfirm"},
    responses={200: {"$ref": "#/components/schemas/Message"}, 422: None},
)
def confirm_password_reset(app: CabinetApp, req: Request) -> Response:
    body = req.json()
    errors = check_password_pair(
        text_field(body, "password"), text_field(body, "password_confirmation")
    )
    token = text_field(body, "token")
    if not token.strip():
        errors["token"] = "Вставьте код из письма"
    if errors:
        raise validation_failed(errors)
    row = _use_token(app, token, "password_reset")
    password_hash = hash_password(text_field(body, "password"))
    now = app.clock.now()
    with app.db.write() as conn:
        _consume(conn, row, now)
        consumer = conn.execute(
            "SELECT * FROM consumers WHERE id = ?", (row["consumer_id"],)
        ).fetchone()
        conn.execute(
            "UPDATE consumers SET password_hash = ?, password_changed_at = ?,"
            " activated_at = coalesce(activated_at, ?) WHERE id = ?",
            (password_hash, iso(now), iso(now), consumer["id"]),
        )
        sessions.end_all(conn, consumer["id"])
        # A reset proves the owner: the lockout must not keep them out after it.
        login = consumer[CONSUMER_TYPES[consumer["consumer_type"]].login.key]
        conn.execute(
            "DELETE FROM login_failures WHERE login_key = ?",
            (_login_key(consumer["consumer_type"], login),),
        )
    _notify_password_changed(app, consumer["email"])
    return Response.json({"message": "Пароль изменён. Войдите с новым паролем."})


def _notify_password_changed(app: CabinetApp, email: str) -> None:
    app.mailer.send(
        email,
        "Пароль личного кабинета АО «ВОЭК» изменён",
        "Здравствуйте!\n\nПароль вашего личного кабинета АО «ВОЭК» только что изменён,"
        " все другие сеансы завершены. Если это были не вы, сразу смените пароль через"
        " «Забыли пароль?» и позвоните нам.\n\nАО «ВОЭК»",
        app.clock.now(),
    )


# --- profile -----------------------------------------------------------------------------


@route(
    "GET",
    "/profile",
    summary="Контактные данные потребителя",
    responses={200: {"$ref": "#/components/schemas/Profile"}, 401: None},
)
def get_profile(app: CabinetApp, req: Request) -> Response:
    return Response.json(profile_json(req.consumer))


@route(
    "PATCH",
    "/profile",
    summary="Изменить контактный телефон",
    body={"$ref": "#/components/schemas/ProfilePatch"},
    responses={200: {"$ref": "#/components/schemas/Profile"}, 401: None, 422: None},
)
def patch_profile(app: CabinetApp, req: Request) -> Response:
    body = req.json()
    try:
        phone = normalize_phone(text_field(body, "phone"))
    except InvalidValue as exc:
        raise validation_failed({"phone": exc.message}) from None
    with app.db.write() as conn:
        conn.execute("UPDATE consumers SET phone = ? WHERE id = ?", (phone, req.consumer["id"]))
    row = app.db.query_one("SELECT * FROM consumers WHERE id = ?", (req.consumer["id"],))
    return Response.json(profile_json(row))


@route(
    "POST",
    "/profile/password",
    summary="Сменить пароль",
    body={"$ref": "#/components/schemas/PasswordChange"},
    responses={200: {"$ref": "#/components/schemas/Message"}, 401: None, 422: None, 429: None},
)
def change_password(app: CabinetApp, req: Request) -> Response:
    body = req.json()
    consumer = req.consumer
    pair = check_password_pair(
        text_field(body, "new_password"), text_field(body, "new_password_confirmation")
    )
    errors = {f"new_{k}": v for k, v in pair.items()}
    current = text_field(body, "current_password")
    if not current:
        errors["current_password"] = "Укажите текущий пароль"
    if errors:
        raise validation_failed(errors)
    # Guessing the current password through this form counts against the same lockout.
    key = _login_key(
        consumer["consumer_type"],
        consumer[CONSUMER_TYPES[consumer["consumer_type"]].login.key],
    )
    _check_lockout(app, key)
    if not verify_password(current, consumer["password_hash"]):
        _record_failure(app, key)
        raise validation_failed({"current_password": "Текущий пароль указан неверно"})
    password_hash = hash_password(text_field(body, "new_password"))
    with app.db.write() as conn:
        conn.execute(
            "UPDATE consumers SET password_hash = ?, password_changed_at = ? WHERE id = ?",
            (password_hash, iso(app.clock.now()), consumer["id"]),
        )
        sessions.end_all(conn, consumer["id"], keep=req.session_id)
    _notify_password_changed(app, consumer["email"])
    return Response.json({"message": "Пароль изменён. Другие сеансы завершены."})


@route(
    "POST",
    "/profile/email",
    summary="Сменить адрес электронной почты (подтверждается письмом на новый адрес)",
    body={"$ref": "#/components/schemas/EmailOnly"},
    responses={
        202: {"$ref": "#/components/schemas/EmailChange"},
        401: None,
        409: None,
        422: None,
        429: None,
    },
)
def change_email(app: CabinetApp, req: Request) -> Response:
    email = _valid_email(req.json())
    consumer = req.consumer
    if _email_key(email) == consumer["email_key"]:
        raise validation_failed({"email": "Это ваш текущий адрес"})
    if app.db.query_one("SELECT 1 FROM consumers WHERE email_key = ?", (_email_key(email),)):
        raise HttpError(
            409,
            "email_taken",
            "Этот адрес электронной почты уже используется",
            {"email": "Этот адрес электронной почты уже используется"},
        )
    if not _mail_allowed(app, consumer["id"], "email_change"):
        raise HttpError(
            429,
            "too_many_attempts",
            "Слишком много писем за короткое время. Повторите через 15 минут.",
            headers={"Retry-After": str(int(MAIL_WINDOW.total_seconds()))},
        )
    with app.db.write() as conn:
        token = _issue_token(app, conn, consumer["id"], "email_change", email)
        conn.execute("UPDATE consumers SET pending_email = ? WHERE id = ?", (email, consumer["id"]))
    now = app.clock.now()
    app.mailer.send(
        email,
        "Подтверждение адреса электронной почты — АО «ВОЭК»",
        "Здравствуйте!\n\nЧтобы этот адрес стал адресом вашего личного кабинета АО «ВОЭК»,"
        " перейдите по ссылке:\n\n"
        f"{_link(app, 'confirm-email', token)}\n\n"
        f"или вставьте в приложении «ВОЭК» код:\n\n{token}\n\n"
        "Ссылка действует 24 часа.\n\nАО «ВОЭК»",
        now,
    )
    app.mailer.send(
        consumer["email"],
        "Смена адреса электронной почты — АО «ВОЭК»",
        "Здравствуйте!\n\nВ вашем личном кабинете АО «ВОЭК» запрошена смена адреса"
        " электронной почты. Адрес изменится, когда его подтвердят по ссылке из письма на новый"
        " адрес. Если это были не вы, смените пароль.\n\nАО «ВОЭК»",
        now,
    )
    row = app.db.query_one("SELECT * FROM consumers WHERE id = ?", (consumer["id"],))
    return Response.json(
        {
            "message": f"Мы отправили письмо на {email}. Адрес изменится, когда вы перейдёте"
            " по ссылке из письма.",
            "profile": profile_json(row),
        },
        202,
    )


def _confirm_email(app: CabinetApp, token: str) -> None:
    row = _use_token(app, token, "email_change")
    email = row["payload"]
    now = app.clock.now()
    with app.db.write() as conn:
        other = conn.execute(
            "SELECT 1 FROM consumers WHERE email_key = ? AND id != ?",
            (_email_key(email), row["consumer_id"]),
        ).fetchone()
        if other:
            raise HttpError(
                409,
                "email_taken",
                "Этот адрес электронной почты уже используется",
                {"email": "Этот адрес электронной почты уже используется"},
            )
        _consume(conn, row, now)
        conn.execute(
            "UPDATE consumers SET email = ?, email_key = ?, pending_email = NULL WHERE id = ?",
            (email, _email_key(email), row["consumer_id"]),
        )


@route(
    "POST",
    "/email-confirmations",
    auth=False,
    summary="Подтвердить новый адрес электронной почты кодом из письма",
    body={"$ref": "#/components/schemas/Token"},
    responses={200: {"$ref": "#/components/schemas/Message"}, 409: None, 422: None},
)
def confirm_email(app: CabinetApp, req: Request) -> Response:
    token = text_field(req.json(), "token")
    if not token.strip():
        raise validation_failed({"token": "Вставьте ссылку или код из письма"})
    _confirm_email(app, token)
    return Response.json({"message": "Адрес электронной почты подтверждён и изменён."})


@route(
    "GET",
    "/confirm-email",
    auth=False,
    summary="Страница подтверждения адреса для ссылки из письма (HTML)",
    parameters=[{"name": "token", "in": "query", "required": True, "schema": {"type": "string"}}],
    responses={200: "html", 400: "html"},
)
def confirm_email_page(app: CabinetApp, req: Request) -> Response:
    try:
        _confirm_email(app, req.query.get("token", ""))
    except HttpError as exc:
        return _page("Ссылка не сработала", exc.message, 400)
    return _page("Адрес подтверждён", "Новый адрес электронной почты сохранён в личном кабинете.")
