"""Personal accounts, organisations, supply contracts, meters, smart-meter data and archive
requests (SPEC §6, §7).

Access: an individual sees the meters of the personal accounts it added; a company or sole
proprietor sees the meters of its organisation's supply contracts once it has confirmed the
organisation. Anything else is answered 404, as if it did not exist. The personal-account routes
are for individuals only and the organisation routes for organisations only: the other kind of
consumer gets 403 ``individuals_only`` / ``organizations_only``.

Moments in answers are UTC ISO 8601 like the rest of the API; calendar dates (periods, reading
dates) are Moscow dates, since every metering rule counts in Moscow time (SPEC §6.5, §8.4).
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections import OrderedDict
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from voek_desktop.api.server.core import jobs
from voek_desktop.api.server.core.clock import iso, parse_iso
from voek_desktop.api.server.core.schemas import (
    DATE,
    DATE_TIME,
    INTEGER,
    NULLABLE_STR,
    NUMBER,
    STR,
    list_of,
    obj,
)
from voek_desktop.api.server.features.metering import simulator, xlsx
from voek_desktop.api.server.http.web import (
    HttpError,
    Request,
    Response,
    RouteTable,
    not_found,
    text_field,
    validation_failed,
)
from voek_desktop.domain.tariffs import schedule
from voek_desktop.domain.time import MSK, moscow_date, moscow_midnight, years_before

if TYPE_CHECKING:
    from voek_desktop.api.server.app import CabinetApp

route = RouteTable()
dev_route = RouteTable()

SUPPORT = {"phone": "8 (4922) 77-00-00", "email": "lk-support@voek.example"}
ACCOUNT_ADDED = "Номер лицевого счета успешно добавлен"
INTERVALS_MAX_DAYS = 93
ARCHIVE_YEARS = 3
EDIT_DEADLINE = time(21, 0)  # Moscow time of the creation day
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
QUANTITY_NAMES = {
    "A+": ("Активная энергия, приём", "кВт·ч"),
    "A-": ("Активная энергия, отдача", "кВт·ч"),
    "R+": ("Реактивная энергия, приём", "квар·ч"),
    "R-": ("Реактивная энергия, отдача", "квар·ч"),
}
INSTANT_NAMES = {
    "U_A": ("Напряжение фазы A", "В"),
    "U_B": ("Напряжение фазы B", "В"),
    "U_C": ("Напряжение фазы C", "В"),
    "U_AB": ("Линейное напряжение AB", "В"),
    "U_BC": ("Линейное напряжение BC", "В"),
    "U_CA": ("Линейное напряжение CA", "В"),
    "I_A": ("Ток фазы A", "А"),
    "I_B": ("Ток фазы B", "А"),
    "I_C": ("Ток фазы C", "А"),
    "I_N": ("Ток нулевого провода", "А"),
    "P": ("Активная мощность", "кВт"),
    "Q": ("Реактивная мощность", "квар"),
    "S": ("Полная мощность", "кВА"),
    "cos_phi": ("Коэффициент мощности (cos φ)", ""),
    "f": ("Частота сети", "Гц"),
}
STATUS_LABELS = {
    "accepted": "Принят",
    "locked": "Зафиксирован",
    "ready": "Готов",
    "failed": "Ошибка",
}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ACCOUNT_SEPARATORS = str.maketrans("", "", " -\u00a0\t")

# --- helpers --------------------------------------------------------------------------------


def _ddmmyyyy(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def _path_text(value: str) -> str:
    """A path parameter as text: WSGI hands the URL's bytes over as Latin-1."""
    try:
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value


def _int_id(value: str) -> int:
    if not (value.isascii() and value.isdigit()) or len(value) > 12:
        raise not_found()
    return int(value)


def _parse_date(value: Any) -> date | None:
    if not isinstance(value, str) or not _DATE.match(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _require_individual(req: Request) -> None:
    if req.consumer["consumer_type"] != "individual":
        raise HttpError(
            403,
            "individuals_only",
            "Лицевые счета доступны физическим лицам. Организации видят приборы учета"
            " в разделе «Договоры энергоснабжения»",
        )


def _require_organization_consumer(req: Request) -> None:
    if req.consumer["consumer_type"] == "individual":
        raise HttpError(
            403,
            "organizations_only",
            "Раздел доступен юридическим лицам и индивидуальным предпринимателям",
        )


def _registry_number(consumer: sqlite3.Row) -> str | None:
    return consumer["ogrn"] if consumer["consumer_type"] == "company" else consumer["ogrnip"]


def _organization(app: CabinetApp, consumer: sqlite3.Row) -> sqlite3.Row | None:
    number = _registry_number(consumer)
    if not number:
        return None
    return app.db.query_one("SELECT * FROM organizations WHERE registry_number = ?", (number,))


def _confirmed_organization(app: CabinetApp, req: Request) -> sqlite3.Row:
    _require_organization_consumer(req)
    org = _organization(app, req.consumer)
    confirmed = org is not None and app.db.query_one(
        "SELECT 1 FROM organization_confirmations WHERE consumer_id = ? AND organization_id = ?",
        (req.consumer["id"], org["id"]),
    )
    if not confirmed:
        raise HttpError(
            403,
            "organization_not_confirmed",
            "Сначала подтвердите организацию номером любого из ее договоров энергоснабжения",
        )
    return org


_METER_SELECT = (
    "SELECT m.*, p.name AS point_name, p.address AS point_address,"
    " p.personal_account_number, p.supply_contract_number"
    " FROM meters m JOIN metering_points p ON p.id = m.metering_point_id"
)
_VISIBLE = (
    "(p.personal_account_number IN"
    " (SELECT number FROM consumer_personal_accounts WHERE consumer_id = :consumer)"
    " OR p.supply_contract_number IN (SELECT sc.number FROM supply_contracts sc"
    " JOIN organization_confirmations oc ON oc.organization_id = sc.organization_id"
    " WHERE oc.consumer_id = :consumer))"
)


def _visible_meter(app: CabinetApp, req: Request, meter_id: str | int) -> sqlite3.Row:
    mid = meter_id if isinstance(meter_id, int) else _int_id(meter_id)
    row = app.db.query_one(
        f"{_METER_SELECT} WHERE m.id = :id AND {_VISIBLE}",
        {"id": mid, "consumer": req.consumer["id"]},
    )
    if row is None:
        raise not_found()
    return row


def meter_model(row: sqlite3.Row) -> simulator.MeterModel:
    return simulator.MeterModel(
        seed=row["sim_seed"],
        phases=row["phases"],
        zones=row["tariff_zones"],
        start=date.fromisoformat(row["profile_start"]),
        initial_wh=row["initial_wh"],
    )


def _kwh(wh: int) -> float:
    return wh / 1000


def _readings_date(row: sqlite3.Row, poll_day: date) -> date:
    """Readings used in billing: smart meters — 00:00 on the 1st of the month of the last poll;
    others — what the consumer handed in by the 25th of the previous month."""
    first = poll_day.replace(day=1)
    if row["is_smart"]:
        return first
    return (first - timedelta(days=1)).replace(day=25)


def meter_json(app: CabinetApp, row: sqlite3.Row) -> dict[str, Any]:
    model = meter_model(row)
    poll = simulator.last_poll(app.clock.now())
    readings_day: date | None = _readings_date(row, poll.date())
    commissioned = date.fromisoformat(row["commissioned_at"])
    readings: list[dict[str, Any]] = []
    if readings_day is not None and readings_day >= commissioned:
        regs = simulator.registers_at_midnight(model, readings_day)[0]
        readings = [
            {"zone": z.code, "name": z.name, "value": _kwh(v)}
            for z, v in zip(schedule(model.zones), regs, strict=True)
        ]
        total = _kwh(sum(regs))
    else:
        readings_day, total = None, None
    smart = bool(row["is_smart"])
    return {
        "id": row["id"],
        "brand": row["brand"],
        "model": row["model"],
        "serial_number": row["serial_number"],
        "address": row["point_address"],
        "phases": row["phases"],
        "tariff_zones": row["tariff_zones"],
        "readings_date": readings_day.isoformat() if readings_day else None,
        "readings": readings,
        "readings_total": total,
        "is_smart": smart,
        "commissioned_at": row["commissioned_at"],
        "last_poll_at": iso(poll) if smart and poll.date() >= commissioned else None,
        "metering_point": {"id": row["metering_point_id"], "name": row["point_name"]},
        "personal_account_number": row["personal_account_number"],
        "supply_contract_number": row["supply_contract_number"],
        "zones": [
            {"zone": z.code, "name": z.name, "hours": z.hours} for z in schedule(model.zones)
        ],
    }


# --- personal accounts (§6.1) ------------------------------------------------------------------


def _account_json(app: CabinetApp, row: sqlite3.Row) -> dict[str, Any]:
    count = app.db.query_one(
        "SELECT count(*) FROM meters m JOIN metering_points p ON p.id = m.metering_point_id"
        " WHERE p.personal_account_number = ?",
        (row["number"],),
    )[0]
    return {
        "number": row["number"],
        "address": row["address"],
        "meters_count": count,
        "added_at": row["added_at"],
    }


def _consumer_accounts(app: CabinetApp, consumer_id: int) -> list[sqlite3.Row]:
    return app.db.query(
        "SELECT pa.number, pa.address, cpa.added_at FROM consumer_personal_accounts cpa"
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
    _require_individual(req)
    items = [_account_json(app, r) for r in _consumer_accounts(app, req.consumer["id"])]
    return Response.json({"items": items})


@route(
    "POST",
    "/personal-accounts",
    summary="Добавить лицевой счет по номеру из квитанции",
    body={"$ref": "#/components/schemas/PersonalAccountNew"},
    responses={
        201: {"$ref": "#/components/schemas/PersonalAccountAdded"},
        403: None,
        404: None,
        409: None,
        422: None,
    },
)
def add_personal_account(app: CabinetApp, req: Request) -> Response:
    _require_individual(req)
    raw = text_field(req.json(), "number").strip().translate(_ACCOUNT_SEPARATORS)
    if not raw:
        raise validation_failed({"number": "Укажите номер лицевого счета"})
    if not (raw.isascii() and raw.isdigit()) or len(raw) != 10:
        raise validation_failed({"number": "Номер лицевого счета состоит из 10 цифр"})
    if app.db.query_one("SELECT 1 FROM personal_accounts WHERE number = ?", (raw,)) is None:
        raise HttpError(
            404,
            "personal_account_not_found",
            "Лицевой счет с таким номером не найден в сетевой организации."
            " Проверьте номер в квитанции",
            {"number": "Лицевой счет с таким номером не найден"},
        )
    now = iso(app.clock.now())
    with app.db.write() as conn:
        cur = conn.execute(
            "INSERT OR IGNORE INTO consumer_personal_accounts (consumer_id, number, added_at)"
            " VALUES (?, ?, ?)",
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
    return Response.json(
        {"personal_account": _account_json(app, row), "message": ACCOUNT_ADDED}, 201
    )


@route(
    "DELETE",
    "/personal-accounts/{number}",
    summary="Удалить лицевой счет из списка потребителя",
    responses={204: None, 403: None, 404: None},
)
def remove_personal_account(app: CabinetApp, req: Request, number: str) -> Response:
    _require_individual(req)
    with app.db.write() as conn:
        cur = conn.execute(
            "DELETE FROM consumer_personal_accounts WHERE consumer_id = ? AND number = ?",
            (req.consumer["id"], _path_text(number)),
        )
    if cur.rowcount == 0:
        raise not_found()
    return Response.empty()


@route(
    "GET",
    "/personal-accounts/{number}/meters",
    summary="Приборы учета лицевого счета",
    responses={200: {"$ref": "#/components/schemas/MeterList"}, 403: None, 404: None},
)
def personal_account_meters(app: CabinetApp, req: Request, number: str) -> Response:
    _require_individual(req)
    number = _path_text(number)
    if not app.db.query_one(
        "SELECT 1 FROM consumer_personal_accounts WHERE consumer_id = ? AND number = ?",
        (req.consumer["id"], number),
    ):
        raise not_found()
    rows = app.db.query(
        f"{_METER_SELECT} WHERE p.personal_account_number = ? ORDER BY m.id", (number,)
    )
    return Response.json({"items": [meter_json(app, r) for r in rows]})


# --- organisations and supply contracts (§6.2) -------------------------------------------------


def _organization_json(app: CabinetApp, req: Request) -> dict[str, Any]:
    org = _organization(app, req.consumer)
    data: dict[str, Any] = {
        "in_registry": org is not None,
        "confirmed": False,
        "support": dict(SUPPORT),
        "registry_number": _registry_number(req.consumer),
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
    _require_organization_consumer(req)
    return Response.json(_organization_json(app, req))


def _normalize_contract(value: str) -> str:
    text = value.strip().upper().replace("\u00a0", " ")
    m = re.fullmatch(r"(ЭС)\s*[-–—\s]?\s*(\d+)", text)
    return f"{m.group(1)}-{m.group(2)}" if m else text


@route(
    "POST",
    "/organization/confirmation",
    summary="Подтвердить организацию номером любого ее договора энергоснабжения",
    body={"$ref": "#/components/schemas/OrganizationConfirmation"},
    responses={200: {"$ref": "#/components/schemas/Organization"}, 403: None, 422: None},
)
def confirm_organization(app: CabinetApp, req: Request) -> Response:
    _require_organization_consumer(req)
    number = _normalize_contract(text_field(req.json(), "supply_contract_number"))
    org = _organization(app, req.consumer)
    if org is None:
        raise HttpError(
            403,
            "organization_not_in_registry",
            "Организации нет в реестре сетевой организации. Обратитесь в поддержку: "
            f"{SUPPORT['phone']}, {SUPPORT['email']}",
        )
    if not number:
        raise validation_failed({"supply_contract_number": "Укажите номер договора"})
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
    with app.db.write() as conn:
        conn.execute(
            "INSERT OR IGNORE INTO organization_confirmations (consumer_id, organization_id,"
            " supply_contract_number, confirmed_at) VALUES (?, ?, ?, ?)",
            (req.consumer["id"], org["id"], number, iso(app.clock.now())),
        )
    return Response.json({**_organization_json(app, req), "message": "Организация подтверждена"})


def _contract_json(app: CabinetApp, row: sqlite3.Row) -> dict[str, Any]:
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
    summary="Договоры энергоснабжения организации с точками учета",
    responses={200: {"$ref": "#/components/schemas/SupplyContractList"}, 403: None},
)
def list_supply_contracts(app: CabinetApp, req: Request) -> Response:
    org = _confirmed_organization(app, req)
    rows = app.db.query(
        "SELECT * FROM supply_contracts WHERE organization_id = ? ORDER BY number", (org["id"],)
    )
    return Response.json({"items": [_contract_json(app, r) for r in rows]})


@route(
    "GET",
    "/supply-contracts/{number}/meters",
    summary="Приборы учета точек учета договора энергоснабжения",
    responses={200: {"$ref": "#/components/schemas/MeterList"}, 403: None, 404: None},
)
def supply_contract_meters(app: CabinetApp, req: Request, number: str) -> Response:
    org = _confirmed_organization(app, req)
    number = _path_text(number)
    if not app.db.query_one(
        "SELECT 1 FROM supply_contracts WHERE number = ? AND organization_id = ?",
        (number, org["id"]),
    ):
        raise not_found()
    rows = app.db.query(
        f"{_METER_SELECT} WHERE p.supply_contract_number = ? ORDER BY m.id", (number,)
    )
    return Response.json({"items": [meter_json(app, r) for r in rows]})


# --- meters, smart data, intervals (§6.3, §6.4) -----------------------------------------


@route(
    "GET",
    "/meters/{id}",
    summary="Прибор учета: модель, номер, адрес, показания по зонам",
    responses={200: {"$ref": "#/components/schemas/Meter"}, 404: None},
)
def get_meter(app: CabinetApp, req: Request, id: str) -> Response:
    return Response.json(meter_json(app, _visible_meter(app, req, id)))


def _require_smart(row: sqlite3.Row) -> None:
    if not row["is_smart"]:
        raise HttpError(
            409,
            "meter_not_smart",
            "Прибор учета не подключен к интеллектуальной системе учета: данные с прибора"
            " недоступны",
        )


@route(
    "GET",
    "/meters/{id}/smart-data",
    summary="Данные последнего ежесуточного опроса интеллектуального прибора учета"
    " (не подключенный к системе учета — 409 meter_not_smart)",
    responses={200: {"$ref": "#/components/schemas/SmartData"}, 404: None, 409: None},
)
def smart_data(app: CabinetApp, req: Request, id: str) -> Response:
    row = _visible_meter(app, req, id)
    _require_smart(row)
    model = meter_model(row)
    poll = simulator.last_poll(app.clock.now())
    if poll.date() < model.start:
        raise HttpError(
            409, "no_data_yet", "Прибор учета еще не опрашивался: данные появятся после опроса"
        )
    return Response.json(_smart_values(row["id"], model, poll))


# The values of one poll never change: serve repeats (every client asks after each poll) from
# memory instead of re-running the simulator. Bounded; the key holds no consumer data.
_SMART_CACHE: OrderedDict[tuple[int, simulator.MeterModel, datetime], dict] = OrderedDict()
_SMART_CACHE_SIZE = 1024
_SMART_LOCK = threading.Lock()


def _smart_values(meter_id: int, model: simulator.MeterModel, poll: datetime) -> dict:
    key = (meter_id, model, poll)
    with _SMART_LOCK:
        if key in _SMART_CACHE:
            _SMART_CACHE.move_to_end(key)
            return _SMART_CACHE[key]
    values = _compute_smart_values(meter_id, model, poll)
    with _SMART_LOCK:
        _SMART_CACHE[key] = values
        while len(_SMART_CACHE) > _SMART_CACHE_SIZE:
            _SMART_CACHE.popitem(last=False)
    return values


def _compute_smart_values(meter_id: int, model: simulator.MeterModel, poll: datetime) -> dict:
    regs = simulator.registers_at(model, poll)
    zones = schedule(model.zones)
    registers = []
    for quantity, values in zip(simulator.QUANTITIES, regs, strict=True):
        name, unit = QUANTITY_NAMES[quantity]
        registers.append(
            {
                "quantity": quantity,
                "zone": "total",
                "name": name,
                "value": _kwh(sum(values)),
                "unit": unit,
            }
        )
        for z, v in zip(zones, values, strict=True):
            registers.append(
                {
                    "quantity": quantity,
                    "zone": z.code,
                    "name": name,
                    "value": _kwh(v),
                    "unit": unit,
                }
            )
    instant = []
    for quantity, value in simulator.instant_values(model, poll).items():
        name, unit = INSTANT_NAMES[quantity]
        instant.append({"quantity": quantity, "name": name, "value": value, "unit": unit})
    relay = simulator.relay_state(model, poll)
    events = [
        {
            "at": iso(at),
            "code": code,
            "name": simulator.EVENT_KINDS[code].name,
            "journal": simulator.EVENT_KINDS[code].journal,
        }
        for at, code in simulator.events(model, poll)
    ]
    return {
        "meter_id": meter_id,
        "polled_at": iso(poll),
        "registers": registers,
        "instant": instant,
        "relay": relay,
        "relay_name": simulator.RELAY_STATES[relay],
        "events": events,
        "zones": [{"zone": z.code, "name": z.name, "hours": z.hours} for z in zones],
    }


@route(
    "GET",
    "/meters/{id}/intervals",
    summary="Профиль нагрузки: 30-минутные интервалы или суммы по суткам (не более 93 дней)",
    parameters=[
        {
            "name": "from",
            "in": "query",
            "required": True,
            "schema": {"type": "string", "format": "date"},
            "description": "Первые сутки (МСК), ГГГГ-ММ-ДД",
        },
        {
            "name": "to",
            "in": "query",
            "required": True,
            "schema": {"type": "string", "format": "date"},
            "description": "Последние сутки (МСК) включительно",
        },
        {
            "name": "step",
            "in": "query",
            "required": False,
            "schema": {"type": "string", "enum": ["30min", "day"], "default": "30min"},
        },
    ],
    responses={
        200: {"$ref": "#/components/schemas/Intervals"},
        404: None,
        409: None,
        422: None,
    },
)
def meter_intervals(app: CabinetApp, req: Request, id: str) -> Response:
    row = _visible_meter(app, req, id)
    first = _parse_date(req.query.get("from"))
    last = _parse_date(req.query.get("to"))
    step = req.query.get("step", "30min")
    errors = {}
    if first is None:
        errors["from"] = "Укажите дату в формате ГГГГ-ММ-ДД"
    if last is None:
        errors["to"] = "Укажите дату в формате ГГГГ-ММ-ДД"
    if step not in ("30min", "day"):
        errors["step"] = "Шаг: 30min или day"
    if first is not None and last is not None:
        if last < first:
            errors["to"] = "Дата окончания раньше даты начала"
        elif (last - first).days + 1 > INTERVALS_MAX_DAYS:
            errors["to"] = f"Не более {INTERVALS_MAX_DAYS} дней за один запрос"
    if errors:
        raise validation_failed(errors)
    _require_smart(row)
    assert first is not None and last is not None
    model = meter_model(row)
    poll = simulator.last_poll(app.clock.now())
    items: list[dict[str, Any]] = []
    slot = timedelta(minutes=30)
    if step == "30min":
        for start, (ap, am, rp, rm) in simulator.intervals(model, first, last, poll):
            items.append(
                {
                    "start": iso(start),
                    "end": iso(start + slot),
                    "a_plus": _kwh(ap),
                    "a_minus": _kwh(am),
                    "r_plus": _kwh(rp),
                    "r_minus": _kwh(rm),
                }
            )
    else:
        day_start, sums, end = None, [0, 0, 0, 0], None
        for start, values in simulator.intervals(model, first, last, poll):
            day = start.date()
            if day_start is None or day != day_start.date():
                if day_start is not None:
                    items.append(_day_item(day_start, end, sums))
                day_start, sums = moscow_midnight(day), [0, 0, 0, 0]
            sums = [a + b for a, b in zip(sums, values, strict=True)]
            end = start + slot
        if day_start is not None:
            items.append(_day_item(day_start, end, sums))
    return Response.json({"step": step, "items": items})


def _day_item(start: datetime, end: datetime | None, sums: list[int]) -> dict[str, Any]:
    return {
        "start": iso(start),
        "end": iso(end or start),
        "a_plus": _kwh(sums[0]),
        "a_minus": _kwh(sums[1]),
        "r_plus": _kwh(sums[2]),
        "r_minus": _kwh(sums[3]),
    }


# --- archive requests (§6.5, §8.6) -------------------------------------------------------------


def _archive_dir(app: CabinetApp) -> Path:
    return Path(app.config.db_path).parent / "files" / "archives"


def _status(row: sqlite3.Row, now: datetime) -> str:
    if row["status"] == "accepted" and now >= parse_iso(row["editable_until"]):
        return "locked"
    return row["status"]


def _archive_json(row: sqlite3.Row, now: datetime) -> dict[str, Any]:
    status = _status(row, now)
    return {
        "id": row["id"],
        "meter_id": row["meter_id"],
        "period_start": row["period_start"],
        "period_end": row["period_end"],
        "status": status,
        "status_label": STATUS_LABELS[status],
        "editable": status == "accepted",
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "editable_until": row["editable_until"],
        "ready_at": row["ready_at"],
        "file_name": row["file_name"] if status == "ready" else None,
        "file_size": row["file_size"] if status == "ready" else None,
        "error": "Не удалось сформировать архив. Создайте новый запрос"
        if status == "failed"
        else None,
    }


def _check_period(app: CabinetApp, meter: sqlite3.Row, start: Any, end: Any) -> tuple[date, date]:
    """The rules of SPEC §6.5, in Moscow dates: start ≥ today − 3 years, end ≤ the date of the
    last poll, start ≤ end; and no earlier than the meter's data."""
    now = app.clock.now()
    first, last = _parse_date(start), _parse_date(end)
    errors: dict[str, str] = {}
    if first is None:
        errors["period_start"] = "Укажите дату начала в формате ГГГГ-ММ-ДД"
    if last is None:
        errors["period_end"] = "Укажите дату окончания в формате ГГГГ-ММ-ДД"
    earliest = years_before(moscow_date(now), ARCHIVE_YEARS)
    poll_day = simulator.last_poll(now).date()
    data_from = date.fromisoformat(meter["profile_start"])
    if first is not None:
        if first < earliest:
            errors["period_start"] = (
                f"Начало периода — не раньше {_ddmmyyyy(earliest)} (не более 3 лет назад)"
            )
        elif first < data_from:
            errors["period_start"] = f"Данные прибора учета есть с {_ddmmyyyy(data_from)}"
    if last is not None and last > poll_day:
        errors["period_end"] = (
            f"Окончание периода — не позже {_ddmmyyyy(poll_day)} (дата последнего опроса)"
        )
    if first is not None and last is not None and first > last and "period_end" not in errors:
        errors["period_end"] = "Окончание периода раньше начала"
    if errors:
        raise validation_failed(errors)
    assert first is not None and last is not None
    return first, last


def _visible_request(app: CabinetApp, req: Request, id: str) -> sqlite3.Row:
    row = app.db.query_one(
        "SELECT * FROM archive_requests WHERE id = ? AND consumer_id = ?",
        (_int_id(id), req.consumer["id"]),
    )
    if row is None:
        raise not_found()
    return row


@route(
    "POST",
    "/meters/{id}/archive-requests",
    summary="Заказать архив данных прибора учета за период (до 3 лет)",
    body={"$ref": "#/components/schemas/ArchiveRequestNew"},
    responses={
        201: {"$ref": "#/components/schemas/ArchiveRequest"},
        404: None,
        409: None,
        422: None,
    },
)
def create_archive_request(app: CabinetApp, req: Request, id: str) -> Response:
    meter = _visible_meter(app, req, id)
    body = req.json()
    _require_smart(meter)
    first, last = _check_period(app, meter, body.get("period_start"), body.get("period_end"))
    now = app.clock.now()
    today = moscow_date(now)
    editable_until = datetime.combine(today, EDIT_DEADLINE, MSK)
    produce_after = moscow_midnight(today + timedelta(days=1))
    with app.db.write() as conn:
        cur = conn.execute(
            "INSERT INTO archive_requests (consumer_id, meter_id, period_start, period_end,"
            " status, created_at, updated_at, editable_until, produce_after)"
            " VALUES (?, ?, ?, ?, 'accepted', ?, ?, ?, ?)",
            (
                req.consumer["id"],
                meter["id"],
                first.isoformat(),
                last.isoformat(),
                iso(now),
                iso(now),
                iso(editable_until),
                iso(produce_after),
            ),
        )
        request_id = int(cur.lastrowid or 0)
        jobs.enqueue(conn, "archive", request_id, produce_after, now)
    row = app.db.query_one("SELECT * FROM archive_requests WHERE id = ?", (request_id,))
    return Response.json(_archive_json(row, now), 201)


@route(
    "GET",
    "/archive-requests",
    summary="Запросы архива потребителя (по прибору учета, если указан meter_id)",
    parameters=[
        {"name": "meter_id", "in": "query", "required": False, "schema": {"type": "string"}}
    ],
    responses={200: {"$ref": "#/components/schemas/ArchiveRequestList"}, 404: None},
)
def list_archive_requests(app: CabinetApp, req: Request) -> Response:
    meter_id = req.query.get("meter_id")
    now = app.clock.now()
    if meter_id is not None and meter_id != "":
        meter = _visible_meter(app, req, meter_id)
        rows = app.db.query(
            "SELECT * FROM archive_requests WHERE consumer_id = ? AND meter_id = ?"
            " ORDER BY created_at DESC, id DESC",
            (req.consumer["id"], meter["id"]),
        )
    else:
        rows = app.db.query(
            "SELECT * FROM archive_requests WHERE consumer_id = ?"
            " ORDER BY created_at DESC, id DESC",
            (req.consumer["id"],),
        )
    return Response.json({"items": [_archive_json(r, now) for r in rows]})


@route(
    "GET",
    "/archive-requests/{id}",
    summary="Запрос архива",
    responses={200: {"$ref": "#/components/schemas/ArchiveRequest"}, 404: None},
)
def get_archive_request(app: CabinetApp, req: Request, id: str) -> Response:
    return Response.json(_archive_json(_visible_request(app, req, id), app.clock.now()))


@route(
    "PATCH",
    "/archive-requests/{id}",
    summary="Изменить период запроса архива (до 21:00 МСК дня создания)",
    body={"$ref": "#/components/schemas/ArchiveRequestPatch"},
    responses={
        200: {"$ref": "#/components/schemas/ArchiveRequest"},
        404: None,
        409: None,
        422: None,
    },
)
def patch_archive_request(app: CabinetApp, req: Request, id: str) -> Response:
    row = _visible_request(app, req, id)
    body = req.json()
    now = app.clock.now()
    if _status(row, now) != "accepted":
        raise _locked()
    meter = app.db.query_one(f"{_METER_SELECT} WHERE m.id = ?", (row["meter_id"],))
    first, last = _check_period(
        app,
        meter,
        body.get("period_start", row["period_start"]),
        body.get("period_end", row["period_end"]),
    )
    with app.db.write() as conn:
        cur = conn.execute(
            "UPDATE archive_requests SET period_start = ?, period_end = ?, updated_at = ?"
            " WHERE id = ? AND status = 'accepted' AND editable_until > ?",
            (first.isoformat(), last.isoformat(), iso(now), row["id"], iso(now)),
        )
        if cur.rowcount == 0:
            raise _locked()
    row = app.db.query_one("SELECT * FROM archive_requests WHERE id = ?", (row["id"],))
    return Response.json(_archive_json(row, now))


def _locked() -> HttpError:
    return HttpError(
        409,
        "archive_request_locked",
        "Запрос можно изменить только до 21:00 МСК дня, когда он создан",
    )


def _content_disposition(name: str) -> str:
    ascii_name = re.sub(r"[^A-Za-z0-9._-]+", "_", name.encode("ascii", "ignore").decode()).strip(
        "_"
    )
    if not ascii_name.lower().endswith(".xlsx") or ascii_name.startswith("."):
        ascii_name = "archive.xlsx"
    encoded = quote(name, safe="!#$&+-.^_`|~")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{encoded}"


def _parse_range(value: str, size: int) -> tuple[int, int] | str | None:
    """A single ``bytes=`` range → (first, last); None to ignore the header (malformed or
    several ranges: the whole file is sent); "unsatisfiable" for 416."""
    m = re.fullmatch(r"\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*", value)
    if m is None:
        return None
    first_text, last_text = m.groups()
    if first_text == "":
        if last_text == "":
            return None
        suffix = int(last_text)
        if suffix == 0:
            return "unsatisfiable"
        return max(0, size - suffix), size - 1
    first = int(first_text)
    last = int(last_text) if last_text else size - 1
    if last_text and last < first:
        return None
    if first >= size:
        return "unsatisfiable"
    return first, min(last, size - 1)


_XLSX_CONTENT = {
    "content": {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
            "schema": {"type": "string", "format": "binary"}
        }
    }
}


@route(
    "GET",
    "/archive-requests/{id}/file",
    summary="Скачать готовый архив (.xlsx); поддерживает Range, If-Range, ETag",
    parameters=[
        {"name": "Range", "in": "header", "required": False, "schema": {"type": "string"}},
        {"name": "If-Range", "in": "header", "required": False, "schema": {"type": "string"}},
    ],
    responses={
        200: _XLSX_CONTENT,
        206: _XLSX_CONTENT,
        404: None,
        409: None,
        416: None,
    },
)
def download_archive(app: CabinetApp, req: Request, id: str) -> Response:
    row = _visible_request(app, req, id)
    if row["status"] != "ready" or not row["file_path"]:
        raise HttpError(
            409, "archive_not_ready", "Архив еще не сформирован: он будет готов на следующий день"
        )
    path = _archive_dir(app) / row["file_path"]
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise HttpError(
            409, "archive_not_ready", "Файл архива недоступен. Создайте новый запрос"
        ) from None
    headers = {
        "ETag": row["etag"],
        "Accept-Ranges": "bytes",
        "Content-Disposition": _content_disposition(row["file_name"]),
        "Last-Modified": parse_iso(row["ready_at"]).strftime("%a, %d %b %Y %H:%M:%S GMT"),
    }
    range_header = req.header("Range")
    if_range = req.header("If-Range")
    if range_header and (not if_range or if_range.strip() == row["etag"]):
        parsed = _parse_range(range_header, size)
        if parsed == "unsatisfiable":
            raise HttpError(
                416,
                "range_not_satisfiable",
                "Запрошенный фрагмент файла за пределами его размера",
                headers={"Content-Range": f"bytes */{size}", **headers},
            )
        if isinstance(parsed, tuple):
            first, last = parsed
            headers["Content-Range"] = f"bytes {first}-{last}/{size}"
            return Response.file_part(path, XLSX_TYPE, first, last, 206, headers)
    return Response.file_part(path, XLSX_TYPE, 0, None, 200, headers)


def _archive_file_name(meter: sqlite3.Row, first: date, last: date) -> str:
    serial = re.sub(r"[^0-9A-Za-z]", "", meter["serial_number"])
    return f"Архив ПУ {serial} {_ddmmyyyy(first)}–{_ddmmyyyy(last)}.xlsx"


def produce_archive(app: CabinetApp, request_id: int) -> None:
    """The job: write the workbook for an archive request and mark it ready (or failed)."""
    row = app.db.query_one("SELECT * FROM archive_requests WHERE id = ?", (request_id,))
    if row is None or row["status"] != "accepted":
        return
    meter = app.db.query_one(f"{_METER_SELECT} WHERE m.id = ?", (row["meter_id"],))
    first, last = date.fromisoformat(row["period_start"]), date.fromisoformat(row["period_end"])
    now = app.clock.now()
    try:
        info = xlsx.ArchiveInfo(
            meter=f"{meter['brand']} {meter['model']}",
            serial_number=meter["serial_number"],
            address=meter["point_address"],
            period_start=first,
            period_end=last,
            generated_at=now,
        )
        path, size, etag = xlsx.produce(
            _archive_dir(app), meter_model(meter), info, simulator.last_poll(now)
        )
    except Exception as exc:
        with app.db.write() as conn:
            conn.execute(
                "UPDATE archive_requests SET status = 'failed', error = ?, updated_at = ?"
                " WHERE id = ?",
                (f"{type(exc).__name__}: {exc}", iso(now), request_id),
            )
        raise
    with app.db.write() as conn:
        conn.execute(
            "UPDATE archive_requests SET status = 'ready', ready_at = ?, updated_at = ?,"
            " file_name = ?, file_path = ?, file_size = ?, etag = ? WHERE id = ?",
            (
                iso(now),
                iso(now),
                _archive_file_name(meter, first, last),
                path.name,
                size,
                etag,
                request_id,
            ),
        )


jobs.HANDLERS["archive"] = produce_archive


@dev_route(
    "POST",
    "/dev/jobs/run",
    auth=False,
    summary="Выполнить наступившие фоновые задания сейчас (только --dev)",
    responses={200: {"$ref": "#/components/schemas/JobsRun"}},
)
def run_jobs(app: CabinetApp, req: Request) -> Response:
    return Response.json({"items": jobs.runner(app).run_due()})


# --- life cycle ---------------------------------------------------------------------------


def start(app: CabinetApp) -> None:
    jobs.start(app)
    # The registers are cumulative sums from commissioning, cached per meter for the process:
    # compute them now, off the request path, so the first reader of a meter does not wait.
    models = [meter_model(r) for r in app.db.query("SELECT * FROM meters")]
    poll_day = simulator.last_poll(app.clock.now()).date()
    threading.Thread(
        target=_warm, args=(models, poll_day), name="voek-registers", daemon=True
    ).start()


def _warm(models: list[simulator.MeterModel], day: date) -> None:
    for model in models:
        simulator.registers_at_midnight(model, day)


def stop(app: CabinetApp) -> None:
    jobs.stop(app)


# --- OpenAPI ------------------------------------------------------------------------------------

_ZONE = {
    "type": "object",
    "required": ["zone", "name", "hours"],
    "properties": {"zone": STR, "name": STR, "hours": STR},
}


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
            ["number"], number={**STR, "description": "Номер лицевого счета, 10 цифр"}
        ),
        "PersonalAccountAdded": obj(
            ["personal_account", "message"],
            personal_account={"$ref": "#/components/schemas/PersonalAccount"},
            message=STR,
        ),
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
        "Meter": obj(
            [
                "id",
                "brand",
                "model",
                "serial_number",
                "address",
                "phases",
                "tariff_zones",
                "readings_date",
                "readings",
                "is_smart",
                "commissioned_at",
            ],
            id=INTEGER,
            brand=STR,
            model=STR,
            serial_number=STR,
            address=STR,
            phases={"type": "integer", "enum": [1, 3]},
            tariff_zones={"type": "integer", "enum": [1, 2, 3]},
            readings_date={"type": ["string", "null"], "format": "date"},
            readings={
                "type": "array",
                "items": obj(["zone", "name", "value"], zone=STR, name=STR, value=NUMBER),
            },
            readings_total={"type": ["number", "null"]},
            is_smart={"type": "boolean"},
            commissioned_at=DATE,
            last_poll_at={"type": ["string", "null"], "format": "date-time"},
            metering_point=obj(["id", "name"], id=INTEGER, name=STR),
            personal_account_number=NULLABLE_STR,
            supply_contract_number=NULLABLE_STR,
            zones={"type": "array", "items": _ZONE},
        ),
        "MeterList": list_of("Meter"),
        "SmartData": obj(
            ["polled_at", "registers", "instant", "relay", "events"],
            meter_id=INTEGER,
            polled_at=DATE_TIME,
            registers={
                "type": "array",
                "items": obj(
                    ["quantity", "zone", "value", "unit"],
                    quantity={"type": "string", "enum": ["A+", "A-", "R+", "R-"]},
                    zone={**STR, "description": "total или T1..T4"},
                    name=STR,
                    value=NUMBER,
                    unit=STR,
                ),
            },
            instant={
                "type": "array",
                "items": obj(
                    ["quantity", "name", "value", "unit"],
                    quantity=STR,
                    name=STR,
                    value=NUMBER,
                    unit=STR,
                ),
            },
            relay={"type": "string", "enum": list(simulator.RELAY_STATES)},
            relay_name=STR,
            events={
                "type": "array",
                "items": obj(["at", "code", "name"], at=DATE_TIME, code=STR, name=STR, journal=STR),
            },
            zones={"type": "array", "items": _ZONE},
        ),
        "Intervals": obj(
            ["step", "items"],
            step={"type": "string", "enum": ["30min", "day"]},
            items={
                "type": "array",
                "items": obj(
                    ["start", "end", "a_plus", "a_minus", "r_plus", "r_minus"],
                    start=DATE_TIME,
                    end=DATE_TIME,
                    a_plus=NUMBER,
                    a_minus=NUMBER,
                    r_plus=NUMBER,
                    r_minus=NUMBER,
                ),
            },
        ),
        "ArchiveRequest": obj(
            [
                "id",
                "meter_id",
                "period_start",
                "period_end",
                "status",
                "created_at",
                "editable_until",
                "ready_at",
                "file_name",
                "file_size",
            ],
            id=INTEGER,
            meter_id=INTEGER,
            period_start=DATE,
            period_end=DATE,
            status={"type": "string", "enum": list(STATUS_LABELS)},
            status_label=STR,
            editable={"type": "boolean"},
            created_at=DATE_TIME,
            updated_at=DATE_TIME,
            editable_until=DATE_TIME,
            ready_at={"type": ["string", "null"], "format": "date-time"},
            file_name=NULLABLE_STR,
            file_size={"type": ["integer", "null"]},
            error=NULLABLE_STR,
        ),
        "ArchiveRequestList": list_of("ArchiveRequest"),
        "ArchiveRequestNew": obj(
            ["period_start", "period_end"],
            period_start={**DATE, "description": "Первые сутки периода (МСК)"},
            period_end={**DATE, "description": "Последние сутки периода (МСК)"},
        ),
        "ArchiveRequestPatch": obj([], period_start=DATE, period_end=DATE),
    }
)
dev_route.schemas["JobsRun"] = obj(
    ["items"],
    items={
        "type": "array",
        "items": obj(
            ["id", "kind", "ref_id", "state"], id=INTEGER, kind=STR, ref_id=INTEGER, state=STR
        ),
    },
)
