"""Health, registration and activation by the e-mail link or code (docs/design.md "Identity")."""

from __future__ import annotations

from datetime import timedelta
from functools import cache
from importlib import metadata
from typing import TYPE_CHECKING, Any

from voek_desktop.api.server.core import limits
from voek_desktop.api.server.core.clock import iso
from voek_desktop.api.server.core.security import (
    hash_password,
)
from voek_desktop.api.server.features.identity.common import (
    consume_token,
    email_key,
    html_page,
    issue_token,
    mail_allowed,
    profile_json,
    send_activation,
    use_token,
    valid_email,
)
from voek_desktop.api.server.http.clients import limit_key
from voek_desktop.api.server.http.web import (
    HttpError,
    Request,
    Response,
    RouteTable,
    text_field,
    validation_failed,
)
from voek_desktop.api.server.storage.db import IntegrityError, inserted_id
from voek_desktop.domain.consumers import CONSUMER_TYPES, validate_registration

if TYPE_CHECKING:
    from voek_desktop.api.server.app import CabinetApp

route = RouteTable()


# A 409 naming a taken СНИЛС/ОГРН/e-mail tells whether someone is a customer; such answers are
# limited per client address. Successful registrations are not: a service centre registers
# many visitors from one address (docs/design.md "Identity").
@cache
def _version() -> str:
    # The package's own metadata: the server may not import the app's modules (import-linter).
    try:
        return metadata.version("voek-desktop")
    except metadata.PackageNotFoundError:
        return ""


TAKEN_LOOKUPS = limits.Limit(
    "registration_taken",
    10,
    timedelta(hours=1),
    "Слишком много попыток регистрации с уже зарегистрированными данными.",
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
    identity = app.db.query_row("SELECT server_id FROM server_identity WHERE id = 1")
    return Response.json(
        {
            "status": "ok",
            "time": iso(app.clock.now()),
            "server_id": identity["server_id"],
            "version": _version(),
        }
    )


# --- registration and activation ---------------------------------------------------------


@route(
    "POST",
    "/registrations",
    auth=False,
    summary="Регистрация потребителя",
    body={"$ref": "#/components/schemas/Registration"},
    responses={
        201: {"$ref": "#/components/schemas/RegistrationResult"},
        409: None,
        422: None,
        429: None,
    },
)
def register(app: CabinetApp, req: Request) -> Response:
    clean, errors = validate_registration(req.json())
    if errors:
        raise validation_failed(errors)
    ctype = CONSUMER_TYPES[clean["consumer_type"]]
    _check_registry_inn(app, clean)
    taken = {}
    for f in ctype.identifiers:
        if app.db.query_one(f"SELECT 1 FROM consumers WHERE {f.key} = ?", (clean[f.key],)):
            taken[f.key] = f"Потребитель с таким {f.label} уже зарегистрирован"
    if app.db.query_one(
        "SELECT 1 FROM consumers WHERE email_key = ?", (email_key(clean["email"]),)
    ):
        taken["email"] = "Этот адрес электронной почты уже используется"
    if taken:
        limits.reserve(app, TAKEN_LOOKUPS, limit_key(req.client))
        raise HttpError(409, "already_registered", "Такой потребитель уже зарегистрирован", taken)
    password_hash = hash_password(clean["password"])  # slow: outside the transaction
    now = iso(app.clock.now())
    try:
        with app.db.write() as conn:
            cur = conn.execute(
                "INSERT INTO consumers (consumer_type, snils, inn, ogrn, ogrnip, email, email_key,"
                " phone, password_hash, personal_data_consent_at, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (
                    ctype.key,
                    clean.get("snils"),
                    clean.get("inn"),
                    clean.get("ogrn"),
                    clean.get("ogrnip"),
                    clean["email"],
                    email_key(clean["email"]),
                    clean["phone"],
                    password_hash,
                    now,
                    now,
                ),
            )
            consumer_id = inserted_id(cur)
            token = issue_token(app, conn, consumer_id, "activation", None)
    except IntegrityError:  # registered by a parallel request a moment ago
        raise HttpError(
            409, "already_registered", "Такой потребитель уже зарегистрирован"
        ) from None
    send_activation(app, clean["email"], token)
    row = app.db.query_row("SELECT * FROM consumers WHERE id = ?", (consumer_id,))
    return Response.json(
        {
            "consumer": profile_json(row),
            "message": f"Учётная запись создана. Мы отправили письмо на {clean['email']}:"
            " перейдите по ссылке из письма, чтобы активировать учётную запись.",
        },
        201,
    )


def _check_registry_inn(app: CabinetApp, clean: dict[str, Any]) -> None:
    """An ОГРН/ОГРНИП the grid company knows registers only with the ИНН it has on record:
    otherwise anyone could register a known company and see its supply contracts
    (docs/design.md "Identity", "Metering"). Checked before the "already registered" answer,
    so a wrong pair reveals nothing. Reads the registry table of features/metering."""
    number = clean.get("ogrn") or clean.get("ogrnip")
    if not number:
        return
    org = app.db.query_one("SELECT inn FROM organizations WHERE registry_number = ?", (number,))
    if org is not None and org["inn"] != clean.get("inn"):
        label = "ОГРН" if clean.get("ogrn") else "ОГРНИП"
        raise validation_failed(
            {"inn": f"ИНН не совпадает с ИНН, указанным в реестре для этого {label}"}
        )


def _activate(app: CabinetApp, token: str) -> None:
    row = use_token(app, token, "activation")
    now = app.clock.now()
    with app.db.write() as conn:
        consume_token(conn, row, now)
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
        return html_page("Ссылка не сработала", exc.message, 400)
    return html_page(
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
    email = valid_email(req.json())
    row = app.db.query_one(
        "SELECT * FROM consumers WHERE email_key = ? AND activated_at IS NULL", (email_key(email),)
    )
    if row is not None and mail_allowed(app, row["id"], "activation"):
        with app.db.write() as conn:
            token = issue_token(app, conn, row["id"], "activation", None)
        send_activation(app, row["email"], token)
    return Response.json(
        {
            "message": "Если этот адрес зарегистрирован и учётная запись ещё не активирована,"
            " мы отправили на него новое письмо."
        },
        202,
    )
