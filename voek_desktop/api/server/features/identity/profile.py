"""The profile: contact data, phone, password change, and e-mail change confirmed by a link
to the new address and undoable from the old one (docs/design.md "Identity", "Cabinet
sections")."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from voek_desktop.api.server.core import sessions
from voek_desktop.api.server.core.clock import iso
from voek_desktop.api.server.core.security import (
    hash_password,
    new_token,
    token_hash,
)
from voek_desktop.api.server.features.identity.common import (
    MAIL_WINDOW,
    check_password,
    consume_token,
    email_key,
    html_confirm_page,
    html_page,
    issue_token,
    mail_allowed,
    notify_password_changed,
    page_link,
    profile_json,
    retire_codes,
    send_reset_code,
    use_token,
    valid_email,
)
from voek_desktop.api.server.features.metering.common import registry_details
from voek_desktop.api.server.http.web import (
    HttpError,
    Request,
    Response,
    RouteTable,
    text_field,
    validation_failed,
)
from voek_desktop.domain import InvalidValue
from voek_desktop.domain.contacts import (
    check_password_pair,
    normalize_phone,
)

if TYPE_CHECKING:
    from voek_desktop.api.server.app import CabinetApp

route = RouteTable()

# How long the old address can take a confirmed e-mail change back.
UNDO_LIFETIME = timedelta(days=7)
# The pages the links in mails open: the token is in them, nobody may frame them.
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline';"
    " form-action 'self'; frame-ancestors 'none'",
}

# --- profile -----------------------------------------------------------------------------


@route(
    "GET",
    "/profile",
    summary="Контактные данные потребителя",
    responses={200: {"$ref": "#/components/schemas/Profile"}, 401: None},
)
def get_profile(app: CabinetApp, req: Request) -> Response:
    return Response.json({**profile_json(req.consumer), **registry_details(app, req.consumer)})


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
    if not check_password(app, consumer, current):
        raise validation_failed({"current_password": "Текущий пароль указан неверно"})
    password_hash = hash_password(text_field(body, "new_password"))
    now = app.clock.now()
    with app.db.write() as conn:
        conn.execute(
            "UPDATE consumers SET password_hash = ?, password_changed_at = ? WHERE id = ?",
            (password_hash, iso(now), consumer["id"]),
        )
        sessions.end_all(conn, consumer["id"], keep=req.session_id)
        retire_codes(conn, consumer["id"], now)
    notify_password_changed(app, consumer["email"])
    return Response.json({"message": "Пароль изменён. Другие сеансы завершены."})


@route(
    "POST",
    "/profile/email",
    summary="Сменить адрес электронной почты (подтверждается письмом на новый адрес)",
    body={"$ref": "#/components/schemas/EmailChangeRequest"},
    responses={
        202: {"$ref": "#/components/schemas/EmailChange"},
        401: None,
        409: None,
        422: None,
        429: None,
    },
)
def change_email(app: CabinetApp, req: Request) -> Response:
    body = req.json()
    consumer = req.consumer
    errors: dict[str, str] = {}
    email = ""
    try:
        email = valid_email(body)
    except HttpError as exc:
        errors.update(exc.fields)
    # A session alone is not enough to move the account's mail (and with it the password
    # reset) elsewhere: the password is asked again (docs/design.md "Identity").
    current = text_field(body, "current_password")
    if not current:
        errors["current_password"] = "Укажите текущий пароль"
    if email and email_key(email) == consumer["email_key"]:
        errors["email"] = "Это ваш текущий адрес"
    if errors:
        raise validation_failed(errors)
    if not check_password(app, consumer, current):
        raise validation_failed({"current_password": "Текущий пароль указан неверно"})
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
        " адрес. Если это были не вы, сразу смените пароль: запрос перестанет действовать.\n\n"
        "АО «ВОЭК»",
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
    undo, undo_hash = new_token()
    with app.db.write(consumer=row["consumer_id"]) as conn:
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
        old = conn.execute(
            "SELECT email FROM consumers WHERE id = ?", (row["consumer_id"],)
        ).fetchone()["email"]
        conn.execute(
            "UPDATE consumers SET email = ?, email_key = ?, pending_email = NULL WHERE id = ?",
            (email, email_key(email), row["consumer_id"]),
        )
        # Codes mailed to the old address (a reset asked for a minute ago) must not work now.
        retire_codes(conn, row["consumer_id"], now)
        conn.execute(
            "INSERT INTO email_change_undos (token_hash, consumer_id, old_email, new_email,"
            " created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
            (undo_hash, row["consumer_id"], old, email, iso(now), iso(now + UNDO_LIFETIME)),
        )
    app.mailer.send(
        old,
        "Адрес электронной почты личного кабинета изменён — АО «ВОЭК»",
        "Здравствуйте!\n\n"
        f"Адрес электронной почты вашего личного кабинета АО «ВОЭК» изменён на {email}."
        " Письма кабинета, в том числе для смены пароля, теперь приходят туда.\n\n"
        "Если это сделали вы, ничего делать не нужно.\n\n"
        "Если это были не вы, отмените смену в течение 7 дней по ссылке:\n\n"
        f"{page_link(app, 'undo-email', undo)}\n\n"
        "После отмены адресом кабинета снова станет этот, все сеансы входа будут завершены,"
        " а прежний пароль перестанет действовать: его мог узнать тот, кто сменил адрес."
        " Мы сразу пришлём сюда код для нового пароля.\n\nАО «ВОЭК»",
        now,
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


# --- undoing an e-mail change from the old address ------------------------------------------


def _undo_row(app: CabinetApp, token: str) -> Any:
    row = app.db.query_one(
        "SELECT rowid, * FROM email_change_undos WHERE token_hash = ?",
        (token_hash(token.strip()),),
    )
    if row is None or row["used_at"] is not None or iso(app.clock.now()) >= row["expires_at"]:
        raise HttpError(
            422,
            "token_invalid",
            "Ссылка недействительна или устарела. Если адрес сменили не вы, позвоните нам.",
            {"token": "Ссылка недействительна или устарела"},
        )
    return row


def _undo_email_change(app: CabinetApp, token: str) -> str:
    """Give the account its old address back: every session ends, every code dies and the
    password is replaced by an unknown one, since whoever moved the address knew it; a reset
    code goes to the old address at once (docs/design.md "Identity"). Returns the address."""
    row = _undo_row(app, token)
    consumer_id, old = row["consumer_id"], row["old_email"]
    unusable = hash_password(new_token()[0])  # slow: outside the transaction
    now = app.clock.now()
    with app.db.write(consumer=consumer_id) as conn:
        if conn.execute(
            "SELECT 1 FROM consumers WHERE email_key = ? AND id != ?", (email_key(old), consumer_id)
        ).fetchone():
            raise HttpError(
                409,
                "email_taken",
                "Прежний адрес уже занят другой учётной записью. Позвоните нам: мы поможем"
                " вернуть доступ.",
                {"token": "Прежний адрес уже занят"},
            )
        used = conn.execute(
            "UPDATE email_change_undos SET used_at = ? WHERE rowid = ? AND used_at IS NULL",
            (iso(now), row["rowid"]),
        )
        if used.rowcount != 1:  # another request used it in between
            raise HttpError(
                422,
                "token_invalid",
                "Ссылка уже использована",
                {"token": "Ссылка уже использована"},
            )
        # Changes made after this one are undone with it: their undo links (mailed to the
        # intruder's addresses) must not move the address back to them.
        conn.execute(
            "UPDATE email_change_undos SET used_at = ? WHERE consumer_id = ? AND rowid > ?"
            " AND used_at IS NULL",
            (iso(now), consumer_id, row["rowid"]),
        )
        conn.execute(
            "UPDATE consumers SET email = ?, email_key = ?, password_hash = ?,"
            " password_changed_at = ? WHERE id = ?",
            (old, email_key(old), unusable, iso(now), consumer_id),
        )
        retire_codes(conn, consumer_id, now)
        sessions.end_all(conn, consumer_id)
        reset = issue_token(app, conn, consumer_id, "password_reset", None)
    send_reset_code(app, old, reset, after_undo=True)
    return str(old)


UNDONE = (
    "Адрес {email} снова стал адресом вашего личного кабинета, все сеансы входа завершены,"
    " а прежний пароль больше не действует. Мы отправили на этот адрес письмо с кодом:"
    " вставьте его в приложении «ВОЭК» («Забыли пароль?») и задайте новый пароль."
)


@route(
    "POST",
    "/profile/email/undo",
    auth=False,
    summary="Отменить смену адреса электронной почты кодом из письма на прежний адрес",
    body={"$ref": "#/components/schemas/Token"},
    responses={200: {"$ref": "#/components/schemas/Message"}, 409: None, 422: None},
)
def undo_email_change(app: CabinetApp, req: Request) -> Response:
    token = text_field(req.json(), "token")
    if not token.strip():
        raise validation_failed({"token": "Вставьте ссылку или код из письма"})
    email = _undo_email_change(app, token)
    return Response.json({"message": UNDONE.format(email=email)})


@route(
    "GET",
    "/undo-email",
    auth=False,
    summary="Страница отмены смены адреса для ссылки из письма (HTML)",
    parameters=[
        {"name": "token", "in": "query", "required": True, "schema": {"type": "string"}},
        {
            "name": "confirm",
            "in": "query",
            "required": False,
            "description": "1 — отменить; без него страница только спрашивает",
            "schema": {"type": "string"},
        },
    ],
    responses={200: "html", 400: "html"},
)
def undo_email_page(app: CabinetApp, req: Request) -> Response:
    token = req.query.get("token", "")
    try:
        if req.query.get("confirm") != "1":
            # Mail scanners open links: the link itself only asks, the button undoes.
            _undo_row(app, token)
            page = html_confirm_page(
                "Отменить смену адреса?",
                "Адрес электронной почты личного кабинета АО «ВОЭК» снова станет этим, все"
                " сеансы входа будут завершены, прежний пароль перестанет действовать, и мы"
                " пришлём сюда код для нового пароля.",
                action="undo-email",
                fields={"token": token.strip(), "confirm": "1"},
                button="Отменить смену адреса",
            )
        else:
            email = _undo_email_change(app, token)
            page = html_page("Смена адреса отменена", UNDONE.format(email=email))
    except HttpError as exc:
        page = html_page("Ссылка не сработала", exc.message, 400)
    page.headers.update(PAGE_HEADERS)
    return page
