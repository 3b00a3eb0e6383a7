"""Logging in with lockout after repeated failures, logging out, and password reset by e-mail
(docs/design.md "Identity")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from voek_desktop.api.server.core import security, sessions
from voek_desktop.api.server.core.clock import iso
from voek_desktop.api.server.core.security import (
    burn_password_time,
    hash_password,
)
from voek_desktop.api.server.features.identity.common import (
    attempt_released,
    clear_failures,
    consume_token,
    consumer_login_key,
    email_key,
    guarded_check,
    invalid_credentials,
    issue_token,
    login_key,
    mail_allowed,
    notify_password_changed,
    profile_json,
    retire_codes,
    send_reset_code,
    use_token,
    valid_email,
)
from voek_desktop.api.server.http.web import (
    HttpError,
    Request,
    Response,
    RouteTable,
    text_field,
    validation_failed,
)
from voek_desktop.api.server.storage.db import Row
from voek_desktop.domain import InvalidValue
from voek_desktop.domain.consumers import consumer_type
from voek_desktop.domain.contacts import (
    PASSWORD_MAX,
    check_password_pair,
)

if TYPE_CHECKING:
    from voek_desktop.api.server.app import CabinetApp

route = RouteTable()

# --- sessions ----------------------------------------------------------------------------


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
    key = login_key(ctype.key, login)
    found: list[Row] = []

    def check() -> bool:
        row = app.db.query_one(
            f"SELECT * FROM consumers WHERE consumer_type = ? AND {ctype.login.key} = ?",
            (ctype.key, login),
        )
        if row is None or len(password) > PASSWORD_MAX * 8:
            burn_password_time(password[: PASSWORD_MAX * 8])
            return False
        found.append(row)
        return security.verify_password(password, row["password_hash"])

    attempt = guarded_check(app, key, check)
    if attempt is None:
        raise invalid_credentials()
    row = found[0]
    if row["activated_at"] is None:
        attempt_released(app, attempt)
        raise HttpError(
            403,
            "account_not_activated",
            "Учётная запись не активирована. Перейдите по ссылке из письма"
            " или запросите письмо ещё раз.",
        )
    now = app.clock.now()
    with app.db.write() as conn:
        clear_failures(conn, key, attempt)
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
        if req.session_id is not None:  # always set: the route needs a login
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
    email = valid_email(req.json())
    row = app.db.query_one("SELECT * FROM consumers WHERE email_key = ?", (email_key(email),))
    if row is not None and mail_allowed(app, row["id"], "password_reset"):
        with app.db.write() as conn:
            token = issue_token(app, conn, row["id"], "password_reset", None)
        send_reset_code(app, row["email"], token)
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
    row = use_token(app, token, "password_reset")
    password_hash = hash_password(text_field(body, "password"))
    now = app.clock.now()
    with app.db.write(consumer=row["consumer_id"]) as conn:
        consume_token(conn, row, now)
        consumer = conn.execute(
            "SELECT * FROM consumers WHERE id = ?", (row["consumer_id"],)
        ).fetchone()
        conn.execute(
            "UPDATE consumers SET password_hash = ?, password_changed_at = ?,"
            " activated_at = coalesce(activated_at, ?) WHERE id = ?",
            (password_hash, iso(now), iso(now), consumer["id"]),
        )
        sessions.end_all(conn, consumer["id"])
        retire_codes(conn, consumer["id"], now)
        # A reset proves the owner: the lockout must not keep them out after it.
        clear_failures(conn, consumer_login_key(consumer))
    notify_password_changed(app, consumer["email"])
    return Response.json({"message": "Пароль изменён. Войдите с новым паролем."})
