"""The profile: contact data, phone, password change and e-mail change confirmed by a link
(docs/design.md "Identity", "Cabinet sections")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from voek_desktop.api.server.core import sessions
from voek_desktop.api.server.core.clock import iso
from voek_desktop.api.server.core.security import (
    hash_password,
    verify_password,
)
from voek_desktop.api.server.features.identity.common import (
    MAIL_WINDOW,
    check_lockout,
    consume_token,
    email_key,
    html_page,
    issue_token,
    login_key,
    mail_allowed,
    notify_password_changed,
    page_link,
    profile_json,
    record_failure,
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
from voek_desktop.domain import InvalidValue
from voek_desktop.domain.consumers import CONSUMER_TYPES
from voek_desktop.domain.contacts import (
    check_password_pair,
    normalize_phone,
)

if TYPE_CHECKING:
    from voek_desktop.api.server.app import CabinetApp

route = RouteTable()

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
    row = app.db.query_row("SELECT * FROM consumers WHERE id = ?", (req.consumer["id"],))
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
    key = login_key(
        consumer["consumer_type"],
        consumer[CONSUMER_TYPES[consumer["consumer_type"]].login.key],
    )
    check_lockout(app, key)
    if not verify_password(current, consumer["password_hash"]):
        record_failure(app, key)
        raise validation_failed({"current_password": "Текущий пароль указан неверно"})
    password_hash = hash_password(text_field(body, "new_password"))
    with app.db.write() as conn:
        conn.execute(
            "UPDATE consumers SET password_hash = ?, password_changed_at = ? WHERE id = ?",
            (password_hash, iso(app.clock.now()), consumer["id"]),
        )
        sessions.end_all(conn, consumer["id"], keep=req.session_id)
    notify_password_changed(app, consumer["email"])
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
    email = valid_email(req.json())
    consumer = req.consumer
    if email_key(email) == consumer["email_key"]:
        raise validation_failed({"email": "Это ваш текущий адрес"})
    if app.db.query_one("SELECT 1 FROM consumers WHERE email_key = ?", (email_key(email),)):
        raise HttpError(
            409,
            "email_taken",
            "Этот адрес электронной почты уже используется",
            {"email": "Этот адрес электронной почты уже используется"},
        )
    if not mail_allowed(app, consumer["id"], "email_change"):
        raise HttpError(
            429,
            "too_many_attempts",
            "Слишком много писем за короткое время. Повторите через 15 минут.",
            headers={"Retry-After": str(int(MAIL_WINDOW.total_seconds()))},
        )
    with app.db.write() as conn:
        token = issue_token(app, conn, consumer["id"], "email_change", email)
        conn.execute("UPDATE consumers SET pending_email = ? WHERE id = ?", (email, consumer["id"]))
    now = app.clock.now()
    app.mailer.send(
        email,
        "Подтверждение адреса электронной почты — АО «ВОЭК»",
        "Здравствуйте!\n\nЧтобы этот адрес стал адресом вашего личного кабинета АО «ВОЭК»,"
        " перейдите по ссылке:\n\n"
        f"{page_link(app, 'confirm-email', token)}\n\n"
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
    row = app.db.query_row("SELECT * FROM consumers WHERE id = ?", (consumer["id"],))
    return Response.json(
        {
            "message": f"Мы отправили письмо на {email}. Адрес изменится, когда вы перейдёте"
            " по ссылке из письма.",
            "profile": profile_json(row),
        },
        202,
    )


def _confirm_email(app: CabinetApp, token: str) -> None:
    row = use_token(app, token, "email_change")
    email = row["payload"]
    now = app.clock.now()
    with app.db.write() as conn:
        other = conn.execute(
            "SELECT 1 FROM consumers WHERE email_key = ? AND id != ?",
            (email_key(email), row["consumer_id"]),
        ).fetchone()
        if other:
            raise HttpError(
                409,
                "email_taken",
                "Этот адрес электронной почты уже используется",
                {"email": "Этот адрес электронной почты уже используется"},
            )
        consume_token(conn, row, now)
        conn.execute(
            "UPDATE consumers SET email = ?, email_key = ?, pending_email = NULL WHERE id = ?",
            (email, email_key(email), row["consumer_id"]),
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
        return html_page("Ссылка не сработала", exc.message, 400)
    return html_page(
        "Адрес подтверждён", "Новый адрес электронной почты сохранён в личном кабинете."
    )
