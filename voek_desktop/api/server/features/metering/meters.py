"""Meters, smart-meter data and the 30-minute profile (docs/design.md "Metering",
"Smart-meter data", "Tariff zones")."""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from voek_desktop.api.server.core import pacing
from voek_desktop.api.server.core.clock import iso
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
from voek_desktop.api.server.features.metering import registers, simulator
from voek_desktop.api.server.features.metering.common import (
    kwh,
    meter_json,
    meter_model,
    parse_date,
    require_smart,
    visible_meter,
)
from voek_desktop.api.server.http.web import (
    HttpError,
    Request,
    Response,
    RouteTable,
    json_bytes,
    validation_failed,
)
from voek_desktop.api.server.storage.db import Unavailable
from voek_desktop.domain.tariffs import schedule
from voek_desktop.domain.time import MSK, moscow_midnight

if TYPE_CHECKING:
    from voek_desktop.api.server.app import CabinetApp

route = RouteTable()

INTERVALS_MAX_DAYS = 93
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
    # Three-phase meters: per phase (Decree 890, docs/decree-890.md).
    "P_A": ("Активная мощность фазы A", "кВт"),
    "P_B": ("Активная мощность фазы B", "кВт"),
    "P_C": ("Активная мощность фазы C", "кВт"),
    "Q_A": ("Реактивная мощность фазы A", "квар"),
    "Q_B": ("Реактивная мощность фазы B", "квар"),
    "Q_C": ("Реактивная мощность фазы C", "квар"),
    "cos_phi_A": ("Коэффициент мощности фазы A (cos φ)", ""),
    "cos_phi_B": ("Коэффициент мощности фазы B (cos φ)", ""),
    "cos_phi_C": ("Коэффициент мощности фазы C (cos φ)", ""),
}


@route(
    "GET",
    "/meters/{id}",
    summary="Прибор учёта: модель, номер, адрес, показания по зонам",
    responses={200: {"$ref": "#/components/schemas/Meter"}, 404: None},
)
def get_meter(app: CabinetApp, req: Request, id: str) -> Response:
    row = visible_meter(app, req, id)
    poll = simulator.last_poll(app.clock.now())
    # The answer follows from the meter's row and the poll alone (its readings are the stored
    # registers of a day the row's model and the poll fix): kept as the JSON text it was sent
    # as, which spares the register lookup and ~60 µs of building and encoding per request.
    key = (poll, *cast(Iterable[Any], row))  # every column: a row of either engine is a tuple
    with _METER_LOCK:
        answer = _METER_CACHE.get(key)
        if answer is not None:
            _METER_CACHE.move_to_end(key)
            return Response.encoded(answer)
    answer = json_bytes(meter_json(app, row, poll))
    with _METER_LOCK:
        _METER_CACHE[key] = answer
        while len(_METER_CACHE) > _METER_CACHE_SIZE:
            _METER_CACHE.popitem(last=False)
    return Response.encoded(answer)


# Bounded like the smart-data answers below; a changed row (another address, a replaced meter)
# is another key, and the answers of a past poll age out.
_METER_CACHE: OrderedDict[tuple[Any, ...], bytes] = OrderedDict()
_METER_CACHE_SIZE = 4096
_METER_LOCK = threading.Lock()


@route(
    "GET",
    "/meters/{id}/smart-data",
    summary="Данные последнего ежесуточного опроса интеллектуального прибора учёта"
    " (не подключенный к системе учёта — 409 meter_not_smart)",
    responses={200: {"$ref": "#/components/schemas/SmartData"}, 404: None, 409: None},
)
def smart_data(app: CabinetApp, req: Request, id: str) -> Response:
    row = visible_meter(app, req, id)
    require_smart(row)
    model = meter_model(row)
    poll = simulator.last_poll(app.clock.now())
    if poll.date() < model.start:
        raise HttpError(
            409, "no_data_yet", "Прибор учёта еще не опрашивался: данные появятся после опроса"
        )
    return Response.encoded(_smart_answer(app, row["id"], model, poll))


# The answer of one poll never changes: serve repeats (every client asks after each poll) from
# memory instead of re-running the simulator, and as the JSON text it was sent as: encoding its
# ~7 KB again was ~90 µs, more than the rest of the request. Bounded; the key holds no consumer
# data.
_SMART_CACHE: OrderedDict[tuple[int, simulator.MeterModel, datetime], bytes] = OrderedDict()
_SMART_CACHE_SIZE = 1024
_SMART_LOCK = threading.Lock()


def _smart_answer(
    app: CabinetApp, meter_id: int, model: simulator.MeterModel, poll: datetime
) -> bytes:
    key = (meter_id, model, poll)
    with _SMART_LOCK:
        if key in _SMART_CACHE:
            _SMART_CACHE.move_to_end(key)
            return _SMART_CACHE[key]
    answer = json_bytes(_compute_smart_values(app, meter_id, model, poll))
    with _SMART_LOCK:
        _SMART_CACHE[key] = answer
        while len(_SMART_CACHE) > _SMART_CACHE_SIZE:
            _SMART_CACHE.popitem(last=False)
    return answer


def _compute_smart_values(
    app: CabinetApp, meter_id: int, model: simulator.MeterModel, poll: datetime
) -> dict:
    regs = registers.at(app.db, meter_id, model, poll, pacing.inside(app.slot))
    zones = schedule(model.zones)
    register_items = []
    for quantity, values in zip(simulator.QUANTITIES, regs, strict=True):
        name, unit = QUANTITY_NAMES[quantity]
        register_items.append(
            {
                "quantity": quantity,
                "zone": "total",
                "name": name,
                "value": kwh(sum(values)),
                "unit": unit,
            }
        )
        for z, v in zip(zones, values, strict=True):
            register_items.append(
                {
                    "quantity": quantity,
                    "zone": z.code,
                    "name": name,
                    "value": kwh(v),
                    "unit": unit,
                }
            )
    instant = []
    for quantity, value in simulator.instant_values(model, poll).items():
        name, unit = INSTANT_NAMES[quantity]
        instant.append({"quantity": quantity, "name": name, "value": value, "unit": unit})
    memo = simulator.DayMemo()  # the events and the maximum power share their days
    found = simulator.events(model, poll, memo=memo)
    relay = simulator.relay_state(model, poll, found)
    events = [
        {
            "at": iso(at),
            "code": code,
            "name": simulator.EVENT_KINDS[code].name,
            "journal": simulator.EVENT_KINDS[code].journal,
        }
        for at, code in found
    ]
    return {
        "meter_id": meter_id,
        "polled_at": iso(poll),
        "max_power": _max_power(model, poll, memo),
        "permitted_power": {"value": simulator.permitted_kw(model), "unit": "кВт"},
        "registers": register_items,
        "instant": instant,
        "relay": relay,
        "relay_name": simulator.RELAY_STATES[relay],
        "events": events,
        "zones": [{"zone": z.code, "name": z.name, "hours": z.hours} for z in zones],
    }


def _max_power(
    model: simulator.MeterModel, poll: datetime, memo: simulator.Days = simulator.PLAIN_DAYS
) -> list[dict[str, Any]]:
    """The maximum 30-minute average power of the month of the poll (from 00:00 of the 1st,
    the billing period of the readings) and of the month before it: Decree 890's «максимальная
    мощность за период» (docs/decree-890.md). A month the meter has no interval of is left out."""
    poll_day = poll.astimezone(MSK).date()
    this_month = poll_day.replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    items = []
    for first, until in (
        (last_month, moscow_midnight(this_month)),
        (this_month, poll),
    ):
        found = simulator.max_power(model, first, until, memo)
        if found is None:
            continue
        value, start = found
        items.append(
            {
                "period_start": first.isoformat(),
                "period_end": (until.astimezone(MSK) - timedelta(microseconds=1))
                .date()
                .isoformat(),
                "value": round(value, 3),
                "unit": "кВт",
                "interval_start": iso(start),
                "interval_end": iso(start + timedelta(minutes=30)),
                "exceeds_permitted": value > simulator.permitted_kw(model),
            }
        )
    return items


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
    row = visible_meter(app, req, id)
    first = parse_date(req.query.get("from"))
    last = parse_date(req.query.get("to"))
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
    require_smart(row)
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
                    "a_plus": kwh(ap),
                    "a_minus": kwh(am),
                    "r_plus": kwh(rp),
                    "r_minus": kwh(rm),
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
        "a_plus": kwh(sums[0]),
        "a_minus": kwh(sums[1]),
        "r_plus": kwh(sums[2]),
        "r_minus": kwh(sums[3]),
    }


# --- life cycle ---------------------------------------------------------------------------


def start(app: CabinetApp) -> None:
    load_answers(app)
    registers.start(app)


def stop(app: CabinetApp) -> None:
    registers.stop(app)
    save_answers(app)


# --- the answers of the poll across a restart -------------------------------------------------
#
# Every smart-data answer of a poll is computed once (≈ 1 ms of the application slot each under
# load): after a restart all of them at once, and in bench/rollover.py that was the first
# second's lost third (issue 14 (a): 263 answers computed in it, the slot ~90 % busy). A server
# that stops in order leaves the current poll's answers in a file beside its files; the next
# start takes them back before it listens, if they are of the same poll and of the same code.

ANSWERS_FILE = "smart-answers.json"
log = logging.getLogger("voek.metering")


def _code_version() -> str:
    """The metering feature's source: a changed simulator (an update) computes anew."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:32]


def _answers_path(app: CabinetApp) -> Path:
    return app.config.files_root / ANSWERS_FILE


def save_answers(app: CabinetApp) -> int:
    """The current poll's answers in memory to the file; how many (never fails a stop)."""
    try:
        # The dev clock's offset is in the database, which may be gone by the stop.
        poll = simulator.last_poll(app.clock.now())
    except Unavailable as exc:
        log.warning("smart-data answers not kept for the next start: %s", exc)
        return 0
    with _SMART_LOCK:
        kept = [(key, value) for key, value in _SMART_CACHE.items() if key[2] == poll]
    entries = [
        [meter_id, [m.seed, m.phases, m.zones, m.start.isoformat(), m.initial_wh], value.decode()]
        for (meter_id, m, _), value in kept
    ]
    path = _answers_path(app)
    data = json.dumps(
        {"version": _code_version(), "poll": iso(poll), "answers": entries}, ensure_ascii=False
    ).encode()
    part = path.with_name(f"{path.name}.{os.getpid()}.part")
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        # The values are a household's consumption: 0600 like the database.
        fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(part, path)
    except OSError as exc:
        log.warning("smart-data answers not kept for the next start: %s", exc)
        with contextlib.suppress(OSError):
            part.unlink()
        return 0
    return len(entries)


def load_answers(app: CabinetApp) -> int:
    """The answers a stopped server left, if of this poll and this code; how many. Anything
    else in the file (another poll, an update, a damaged file) is passed over: computed anew."""
    path = _answers_path(app)
    try:
        data = json.loads(path.read_bytes())
        if data["version"] != _code_version() or data["poll"] != iso(
            simulator.last_poll(app.clock.now())
        ):
            return 0
        poll = datetime.fromisoformat(data["poll"])
        loaded = []
        for meter_id, (seed, phases, zones, start, initial_wh), value in data["answers"]:
            model = simulator.MeterModel(seed, phases, zones, date.fromisoformat(start), initial_wh)
            # The answer's JSON text, sent as it is: it must be an object of JSON.
            if not isinstance(meter_id, int) or not isinstance(value, str):
                raise ValueError("not an answer")
            if not isinstance(json.loads(value), dict):
                raise ValueError("not an answer")
            loaded.append(((meter_id, model, poll), value.encode()))
    except FileNotFoundError:
        return 0
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("smart-data answers of the last run passed over: %s", exc)
        return 0
    with _SMART_LOCK:
        for key, value in loaded[-_SMART_CACHE_SIZE:]:
            _SMART_CACHE.setdefault(key, value)
    return len(loaded)


# --- OpenAPI ----------------------------------------------------------------------------------

_ZONE = {
    "type": "object",
    "required": ["zone", "name", "hours"],
    "properties": {"zone": STR, "name": STR, "hours": STR},
}


route.schemas.update(
    {
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
            max_power={
                "type": "array",
                "description": "Максимальная 30-минутная мощность: прошлый и текущий месяц",
                "items": obj(
                    ["period_start", "period_end", "value", "unit", "interval_start"],
                    period_start=DATE,
                    period_end=DATE,
                    value=NUMBER,
                    unit=STR,
                    interval_start=DATE_TIME,
                    interval_end=DATE_TIME,
                    exceeds_permitted={"type": "boolean"},
                ),
            },
            permitted_power=obj(["value", "unit"], value=NUMBER, unit=STR),
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
    }
)
