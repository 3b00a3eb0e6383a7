"""``/dev/*`` routes for local testing and demos; mounted only with ``--dev``."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from voek_desktop.api.server.core.clock import iso
from voek_desktop.api.server.core.schemas import BOOLEAN, STR, obj
from voek_desktop.api.server.http.web import Request, Response, RouteTable, validation_failed

if TYPE_CHECKING:
    from voek_desktop.api.server.app import CabinetApp

dev_route = RouteTable()  # everything here is mounted with --dev only


@dev_route(
    "GET",
    "/dev/clock",
    auth=False,
    summary="Время сервера (только --dev)",
    responses={200: {"$ref": "#/components/schemas/Clock"}},
)
def get_clock(app: CabinetApp, req: Request) -> Response:
    return Response.json({"now": iso(app.clock.now())})


@dev_route(
    "POST",
    "/dev/clock",
    auth=False,
    summary="Переставить время сервера (только --dev)",
    body={"$ref": "#/components/schemas/ClockSet"},
    responses={200: {"$ref": "#/components/schemas/Clock"}, 422: None},
)
def set_clock(app: CabinetApp, req: Request) -> Response:
    body = req.json()
    now, advance = body.get("now"), body.get("advance_seconds")
    if isinstance(now, str):
        try:
            moment = datetime.fromisoformat(now)
        except ValueError:
            raise validation_failed({"now": "Ожидается дата и время ISO 8601"}) from None
        if moment.tzinfo is None:
            raise validation_failed({"now": "Укажите часовой пояс, например +03:00"})
        app.clock.set(moment)
    elif isinstance(advance, int | float) and not isinstance(advance, bool):
        if abs(advance) > 100 * 365 * 86400:
            raise validation_failed({"advance_seconds": "Слишком большой сдвиг"})
        app.clock.advance(advance)
    else:
        raise validation_failed({"now": "Передайте now или advance_seconds"})
    return Response.json({"now": iso(app.clock.now())})


@dev_route(
    "GET",
    "/dev/outbox",
    auth=False,
    summary="Отправленные письма с текстом (только --dev)",
    responses={200: {"$ref": "#/components/schemas/Outbox"}},
)
def outbox(app: CabinetApp, req: Request) -> Response:
    return Response.json({"items": [m.as_json() for m in app.mailer.recent()]})


@dev_route(
    "GET",
    "/dev/registry",
    auth=False,
    summary="Реестр сетевой организации для демонстраций и тестов: лицевые счета с заводскими"
    " номерами приборов учёта, организации с договорами (только --dev)",
    responses={200: {"$ref": "#/components/schemas/Registry"}},
)
def registry(app: CabinetApp, req: Request) -> Response:
    # What a bill would show: with --dev only, since the pair is the proof of a household
    # (docs/design.md "Metering").
    accounts = [
        {
            "number": a["number"],
            "meter_serial_numbers": [
                m["serial_number"]
                for m in app.db.query(
                    "SELECT m.serial_number FROM meters m JOIN metering_points p"
                    " ON p.id = m.metering_point_id WHERE p.personal_account_number = ?"
                    " ORDER BY m.id",
                    (a["number"],),
                )
            ],
            "added": bool(a["added"]),
        }
        for a in app.db.query(
            "SELECT number, EXISTS (SELECT 1 FROM consumer_personal_accounts c"
            " WHERE c.number = personal_accounts.number) AS added"
            " FROM personal_accounts ORDER BY number"
        )
    ]
    organizations = [
        {
            "ogrn": o["registry_number"],
            "inn": o["inn"],
            "kind": o["kind"],
            "name": o["name"],
            "supply_contracts": [
                c["number"]
                for c in app.db.query(
                    "SELECT number FROM supply_contracts WHERE organization_id = ? ORDER BY number",
                    (o["id"],),
                )
            ],
        }
        for o in app.db.query(
            "SELECT id, registry_number, inn, kind, name FROM organizations"
            " ORDER BY registry_number"
        )
    ]
    return Response.json({"personal_accounts": accounts, "organizations": organizations})


dev_route.schemas.update(
    {
        "Registry": obj(
            ["personal_accounts", "organizations"],
            personal_accounts={
                "type": "array",
                "items": obj(
                    ["number", "meter_serial_numbers"],
                    number=STR,
                    meter_serial_numbers={"type": "array", "items": STR},
                    added={**BOOLEAN, "description": "Уже добавлен в чей-то кабинет"},
                ),
            },
            organizations={
                "type": "array",
                "items": obj(
                    ["ogrn", "inn", "supply_contracts"],
                    ogrn={**STR, "description": "ОГРН или ОГРНИП"},
                    inn=STR,
                    kind={"type": "string", "enum": ["company", "entrepreneur"]},
                    name=STR,
                    supply_contracts={"type": "array", "items": STR},
                ),
            },
        )
    }
)
