"""Personal accounts of individuals: list, add by the number and a meter's serial number from
the bill, remove, their meters (docs/design.md "Metering")."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from voek_desktop.api.server.core import limits
from voek_desktop.api.server.core.clock import iso
from voek_desktop.api.server.core.schemas import (
    DATE_TIME,
    INTEGER,
    STR,
    list_of,
    obj,
)
from voek_desktop.api.server.features.metering.common import (
    METER_SELECT,
    meter_json,
    path_text,
    require_individual,
)
from voek_desktop.api.server.http.web import (
    HttpError,
    Request,
    Response,
    RouteTable,
    not_found,
    text_field,
    validation_failed,
)
from voek_desktop.api.server.storage.db import Row

if TYPE_CHECKING:
    from voek_desktop.api.server.app import CabinetApp

route = RouteTable()

ACCOUNT_ADDED = "Номер лицевого счета успешно добавлен"
_ACCOUNT_SEPARATORS = str.maketrans("", "", " -\u00a0\t")
# The number alone is no proof: it is short and sequential. A meter's serial number on that
# account (also on the bill) is asked too, and wrong pairs are limited per consumer
# (docs/design.md "Metering").
ACCOUNT_GUESSES = limits.Limit(
    "personal_account",
    10,
    timedelta(hours=1),
    "Слишком много неудачных попыток добавить лицевой счет.",
)


def _account_json(row: Row) -> dict[str, Any]:
    return {
        "number": row["number"],
        "address": row["address"],
        "meters_count": row["meters_count"],
        "added_at": row["added_at"],
    }


def _consumer_accounts(app: CabinetApp, consumer_id: int) -> list[Row]:
    # The meters counted in the same statement, not one more statement per account.
    return app.db.query(
        "SELECT pa.number, pa.address, cpa.added_at,"
        " (SELECT count(*) FROM meters m JOIN metering_points p ON p.id = m.metering_point_id"
        " WHERE p.personal_account_number = pa.number) AS meters_count"
        " FROM consumer_personal_accounts cpa"
        " JOIN personal_accounts pa ON pa.number = cpa.number"
        " WHERE cpa.consumer_id = ? ORDER BY cpa.added_at, pa.number",
        (consumer_id,),
    )


@route(
    "GET",
    "/personal-accounts",
    summary="Лицевые счета потребителя (только физические лица; иначе 403 individuals_only)",
    responses={200: {"$ref": "#/components/schemas/PersonalAccountList"}, 403: None},
)
def list_personal_accounts(app: CabinetApp, req: Request) -> Response:
    require_individual(req)
    items = [_account_json(r) for r in _consumer_accounts(app, req.consumer["id"])]
    return Response.json({"items": items})


@route(
    "POST",
    "/personal-accounts",
    summary="Добавить лицевой счет по номеру и заводскому номеру любого его прибора учёта"
    " (оба указаны в квитанции); 10 неудачных попыток в час — 429",
    body={"$ref": "#/components/schemas/PersonalAccountNew"},
    responses={
        201: {"$ref": "#/components/schemas/PersonalAccountAdded"},
        403: None,
        404: None,
        409: None,
        422: None,
        429: None,
    },
)
def add_personal_account(app: CabinetApp, req: Request) -> Response:
    require_individual(req)
    body = req.json()
    raw = text_field(body, "number").strip().translate(_ACCOUNT_SEPARATORS)
    if not raw:
        raise validation_failed({"number": "Укажите номер лицевого счета"})
    if not (raw.isascii() and raw.isdigit()) or len(raw) != 10:
        raise validation_failed({"number": "Номер лицевого счета состоит из 10 цифр"})
    serial = text_field(body, "meter_serial_number").strip().translate(_ACCOUNT_SEPARATORS)
    if not serial:
        raise validation_failed(
            {"meter_serial_number": "Укажите заводской номер прибора учёта из квитанции"}
        )
    if len(serial) > 50:
        raise validation_failed({"meter_serial_number": "Слишком длинный заводской номер"})
    # Reserved before the check, so parallel guesses never check more than the limit.
    attempt = limits.reserve(app, ACCOUNT_GUESSES, str(req.consumer["id"]))
    if not app.db.query_one(
        "SELECT 1 FROM meters m JOIN metering_points p ON p.id = m.metering_point_id"
        " WHERE p.personal_account_number = ? AND upper(m.serial_number) = upper(?)",
        (raw, serial),
    ):
        # One answer for an unknown number and a wrong serial: which half was wrong stays
        # unknown.
        raise HttpError(
            404,
            "personal_account_not_found",
            "Лицевой счет с таким номером не найден в сетевой организации."
            " Проверьте номер в квитанции",
            {"number": "Лицевой счет с таким номером не найден"},
        )
    limits.release(app, attempt)
    now = iso(app.clock.now())
    with app.db.write(consumer=req.consumer["id"]) as conn:
        cur = conn.execute(
            "INSERT INTO consumer_personal_accounts (consumer_id, number, added_at)"
            " VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            (req.consumer["id"], raw, now),
        )
        if cur.rowcount == 0:
            raise HttpError(
                409,
                "personal_account_already_added",
                "Этот лицевой счет уже добавлен",
                {"number": "Этот лицевой счет уже добавлен"},
            )
    row = next(r for r in _consumer_accounts(app, req.consumer["id"]) if r["number"] == raw)
    return Response.json({"personal_account": _account_json(row), "message": ACCOUNT_ADDED}, 201)


@route(
    "DELETE",
    "/personal-accounts/{number}",
    summary="Удалить лицевой счет из списка потребителя",
    responses={204: None, 403: None, 404: None},
)
def remove_personal_account(app: CabinetApp, req: Request, number: str) -> Response:
    require_individual(req)
    with app.db.write(consumer=req.consumer["id"]) as conn:
        cur = conn.execute(
            "DELETE FROM consumer_personal_accounts WHERE consumer_id = ? AND number = ?",
            (req.consumer["id"], path_text(number)),
        )
    if cur.rowcount == 0:
        raise not_found()
    return Response.empty()


@route(
    "GET",
    "/personal-accounts/{number}/meters",
    summary="Приборы учёта лицевого счета",
    responses={200: {"$ref": "#/components/schemas/MeterList"}, 403: None, 404: None},
)
def personal_account_meters(app: CabinetApp, req: Request, number: str) -> Response:
    require_individual(req)
    number = path_text(number)
    if not app.db.query_one(
        "SELECT 1 FROM consumer_personal_accounts WHERE consumer_id = ? AND number = ?",
        (req.consumer["id"], number),
    ):
        raise not_found()
    rows = app.db.query(
        f"{METER_SELECT} WHERE p.personal_account_number = ? ORDER BY m.id", (number,)
    )
    return Response.json({"items": [meter_json(app, r) for r in rows]})


# --- OpenAPI ----------------------------------------------------------------------------------

route.schemas.update(
    {
        "PersonalAccount": obj(
            ["number", "address", "meters_count", "added_at"],
            number={**STR, "pattern": "^[0-9]{10}$"},
            address=STR,
            meters_count=INTEGER,
            added_at=DATE_TIME,
        ),
        "PersonalAccountList": list_of("PersonalAccount"),
        "PersonalAccountNew": obj(
            ["number", "meter_serial_number"],
            number={**STR, "description": "Номер лицевого счета, 10 цифр"},
            meter_serial_number={
                **STR,
                "maxLength": 50,
                "description": "Заводской номер любого прибора учёта этого лицевого счета"
                " (указан в квитанции и на самом приборе)",
            },
        ),
        "PersonalAccountAdded": obj(
            ["personal_account", "message"],
            personal_account={"$ref": "#/components/schemas/PersonalAccount"},
            message=STR,
        ),
    }
)
