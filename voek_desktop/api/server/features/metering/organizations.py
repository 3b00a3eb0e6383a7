"""Organisations and their supply contracts: a company or sole proprietor confirms its
organisation with the number of any of its supply contracts, then sees the contracts' meters
(docs/design.md "Metering")."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from voek_desktop.api.server.core import limits
from voek_desktop.api.server.core.clock import iso
from voek_desktop.api.server.core.schemas import (
    DATE,
    INTEGER,
    NULLABLE_STR,
    STR,
    list_of,
    obj,
)
from voek_desktop.api.server.features.metering.common import (
    METER_SELECT,
    confirmed_organization,
    consumer_registry_number,
    find_organization,
    meter_json,
    path_text,
    require_organization_consumer,
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

# A supply-contract number is short and guessable; wrong ones are limited per organisation and
# consumer (docs/design.md "Metering").
CONFIRMATION_GUESSES = limits.Limit(
    "organization_confirmation",
    10,
    timedelta(hours=1),
    "Слишком много неудачных попыток подтвердить организацию.",
)
SUPPORT = {"phone": "8 (4922) 77-00-00", "email": "lk-support@voek.example"}


def _organization_json(app: CabinetApp, req: Request) -> dict[str, Any]:
    org = find_organization(app, req.consumer)
    data: dict[str, Any] = {
        "in_registry": org is not None,
        "confirmed": False,
        "support": dict(SUPPORT),
        "registry_number": consumer_registry_number(req.consumer),
    }
    if org is not None:
        confirmation = app.db.query_one(
            "SELECT * FROM organization_confirmations WHERE consumer_id = ?"
            " AND organization_id = ?",
            (req.consumer["id"], org["id"]),
        )
        data["name"] = org["name"]
        data["confirmed"] = confirmation is not None
        data["confirmed_at"] = confirmation["confirmed_at"] if confirmation else None
    return data


@route(
    "GET",
    "/organization",
    summary="Есть ли организация в реестре сетевой организации и подтверждена ли она"
    " (физическим лицам — 403 organizations_only)",
    responses={200: {"$ref": "#/components/schemas/Organization"}, 403: None},
)
def get_organization(app: CabinetApp, req: Request) -> Response:
    require_organization_consumer(req)
    return Response.json(_organization_json(app, req))


def _normalize_contract(value: str) -> str:
    text = value.strip().upper().replace("\u00a0", " ")
    m = re.fullmatch(r"(ЭС)\s*[-–—\s]?\s*(\d+)", text)
    return f"{m.group(1)}-{m.group(2)}" if m else text


@route(
    "POST",
    "/organization/confirmation",
    summary="Подтвердить организацию номером любого ее договора энергоснабжения;"
    " 10 неудачных попыток в час — 429",
    body={"$ref": "#/components/schemas/OrganizationConfirmation"},
    responses={
        200: {"$ref": "#/components/schemas/Organization"},
        403: None,
        422: None,
        429: None,
    },
)
def confirm_organization(app: CabinetApp, req: Request) -> Response:
    require_organization_consumer(req)
    number = _normalize_contract(text_field(req.json(), "supply_contract_number"))
    org = find_organization(app, req.consumer)
    if org is None:
        raise HttpError(
            403,
            "organization_not_in_registry",
            "Организации нет в реестре сетевой организации. Обратитесь в поддержку: "
            f"{SUPPORT['phone']}, {SUPPORT['email']}",
        )
    if not number:
        raise validation_failed({"supply_contract_number": "Укажите номер договора"})
    # Reserved before the check, so parallel guesses never check more than the limit.
    attempt = limits.reserve(app, CONFIRMATION_GUESSES, f"{org['id']}:{req.consumer['id']}")
    if len(number) > 50 or not app.db.query_one(
        "SELECT 1 FROM supply_contracts WHERE number = ? AND organization_id = ?",
        (number, org["id"]),
    ):
        raise validation_failed(
            {
                "supply_contract_number": "Договор энергоснабжения с таким номером не найден"
                " у вашей организации"
            }
        )
    limits.release(app, attempt)
    with app.db.write() as conn:
        conn.execute(
            "INSERT INTO organization_confirmations (consumer_id, organization_id,"
            " supply_contract_number, confirmed_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (req.consumer["id"], org["id"], number, iso(app.clock.now())),
        )
    return Response.json({**_organization_json(app, req), "message": "Организация подтверждена"})


def _contract_json(app: CabinetApp, row: Row) -> dict[str, Any]:
    points = app.db.query(
        "SELECT p.id, p.name, p.address, m.id AS meter_id, m.brand, m.model, m.serial_number,"
        " m.is_smart FROM metering_points p JOIN meters m ON m.metering_point_id = p.id"
        " WHERE p.supply_contract_number = ? ORDER BY p.id",
        (row["number"],),
    )
    return {
        "number": row["number"],
        "signed_on": row["signed_on"],
        "metering_points": [
            {
                "id": p["id"],
                "name": p["name"],
                "address": p["address"],
                "meter": {
                    "id": p["meter_id"],
                    "brand": p["brand"],
                    "model": p["model"],
                    "serial_number": p["serial_number"],
                    "is_smart": bool(p["is_smart"]),
                },
            }
            for p in points
        ],
    }


@route(
    "GET",
    "/supply-contracts",
    summary="Договоры энергоснабжения организации с точками учёта",
    responses={200: {"$ref": "#/components/schemas/SupplyContractList"}, 403: None},
)
def list_supply_contracts(app: CabinetApp, req: Request) -> Response:
    org = confirmed_organization(app, req)
    rows = app.db.query(
        "SELECT * FROM supply_contracts WHERE organization_id = ? ORDER BY number", (org["id"],)
    )
    return Response.json({"items": [_contract_json(app, r) for r in rows]})


@route(
    "GET",
    "/supply-contracts/{number}/meters",
    summary="Приборы учёта точек учёта договора энергоснабжения",
    responses={200: {"$ref": "#/components/schemas/MeterList"}, 403: None, 404: None},
)
def supply_contract_meters(app: CabinetApp, req: Request, number: str) -> Response:
    org = confirmed_organization(app, req)
    number = path_text(number)
    if not app.db.query_one(
        "SELECT 1 FROM supply_contracts WHERE number = ? AND organization_id = ?",
        (number, org["id"]),
    ):
        raise not_found()
    rows = app.db.query(
        f"{METER_SELECT} WHERE p.supply_contract_number = ? ORDER BY m.id", (number,)
    )
    return Response.json({"items": [meter_json(app, r) for r in rows]})


# --- OpenAPI ----------------------------------------------------------------------------------

route.schemas.update(
    {
        "Organization": obj(
            ["in_registry", "confirmed", "support"],
            in_registry={"type": "boolean"},
            confirmed={"type": "boolean"},
            support=obj(["phone", "email"], phone=STR, email=STR),
            registry_number=NULLABLE_STR,
            name=STR,
            confirmed_at=NULLABLE_STR,
            message=STR,
        ),
        "OrganizationConfirmation": obj(
            ["supply_contract_number"],
            supply_contract_number={**STR, "description": "Например, ЭС-1001"},
        ),
        "SupplyContract": obj(
            ["number", "signed_on", "metering_points"],
            number=STR,
            signed_on=DATE,
            metering_points={
                "type": "array",
                "items": obj(
                    ["id", "name", "address", "meter"],
                    id=INTEGER,
                    name=STR,
                    address=STR,
                    meter=obj(
                        ["id", "brand", "model", "serial_number", "is_smart"],
                        id=INTEGER,
                        brand=STR,
                        model=STR,
                        serial_number=STR,
                        is_smart={"type": "boolean"},
                    ),
                ),
            },
        ),
        "SupplyContractList": list_of("SupplyContract"),
    }
)
