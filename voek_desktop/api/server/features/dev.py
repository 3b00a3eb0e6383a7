"""``/dev/*`` routes for local testing and demos; mounted only with ``--dev``."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from voek_desktop.api.server.core.clock import iso
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
