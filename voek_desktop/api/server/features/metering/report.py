"""``GET /meters/{id}/report``: the data of «Отчёт о показаниях» (SPEC §2 item 4, issue 13
item 11; docs/design.md "Readings report").

One answer instead of the profile itself: the app would otherwise fetch up to 17,568 intervals
in four calls (≤ 93 days each) for a year's report. The registers at both ends are the stored
daily snapshots (features/metering/registers.py), so they are the very readings the meter card
and the archive show; each day brings its zone sums and its largest 30-minute interval, which is
all the report needs and lets the app cut any shorter period out of a kept answer offline.

Only A+ has zones today (``quantity``); A−, R+ and R− per zone (issue 13 item 10) can come as
further entries of ``registers`` and of a day's ``quantities`` without changing these fields.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from voek_desktop.api.server.core.clock import iso
from voek_desktop.api.server.core.schemas import DATE, DATE_TIME, INTEGER, NUMBER, STR, obj
from voek_desktop.api.server.features.metering import registers, simulator
from voek_desktop.api.server.features.metering.common import (
    kwh,
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
    validation_failed,
)
from voek_desktop.domain.readings_report import period_problem
from voek_desktop.domain.tariffs import SLOT, SLOT_ZONES, schedule
from voek_desktop.domain.time import last_complete_day, moscow_midnight

if TYPE_CHECKING:
    from voek_desktop.api.server.app import CabinetApp

route = RouteTable()


def _registers(zones: list[Any], values: list[int]) -> list[dict[str, Any]]:
    return [
        {"quantity": "A+", "zone": z.code, "value": kwh(v), "unit": "кВт·ч"}
        for z, v in zip(zones, values, strict=True)
    ]


@route(
    "GET",
    "/meters/{id}/report",
    summary="Отчёт о показаниях: показания по зонам на начало и конец периода, расход по"
    " суткам и максимальная получасовая мощность (не более 366 дней)",
    parameters=[
        {
            "name": "from",
            "in": "query",
            "required": True,
            "schema": {"type": "string", "format": "date"},
            "description": "Первые сутки (МСК), ГГГГ-ММ-ДД; не раньше начала данных прибора",
        },
        {
            "name": "to",
            "in": "query",
            "required": True,
            "schema": {"type": "string", "format": "date"},
            "description": "Последние сутки (МСК) включительно; не позже последних полных суток",
        },
    ],
    responses={
        200: {"$ref": "#/components/schemas/MeterReport"},
        404: None,
        409: None,
        422: None,
    },
)
def meter_report(app: CabinetApp, req: Request, id: str) -> Response:
    row = visible_meter(app, req, id)
    raw_first, raw_last = req.query.get("from"), req.query.get("to")
    first, last = parse_date(raw_first), parse_date(raw_last)
    errors = {}
    if first is None:
        errors["from"] = "Укажите дату в формате ГГГГ-ММ-ДД"
    if last is None:
        errors["to"] = "Укажите дату в формате ГГГГ-ММ-ДД"
    if errors:
        raise validation_failed(errors)
    require_smart(row)
    assert first is not None and last is not None
    model = meter_model(row)
    poll = simulator.last_poll(app.clock.now())
    # The last day whose 48 half-hours the poll has brought: the end reading is that day's 24:00.
    latest = last_complete_day(app.clock.now())
    if latest < model.start:
        raise HttpError(
            409,
            "no_data_yet",
            "Данных прибора учёта за полные сутки ещё нет: они появятся после опроса",
        )
    problem = period_problem(first, last, model.start, latest)
    if problem is not None:
        raise validation_failed({problem[0]: problem[1]})
    zones = list(schedule(model.zones))
    slot_zones = SLOT_ZONES[model.zones]
    start = registers.at_midnight(app.db, row["id"], model, first)[0]
    end = registers.at_midnight(app.db, row["id"], model, last + timedelta(days=1))[0]
    days = []
    best: tuple[int, Any] | None = None
    day = first
    while day <= last:
        a_plus = simulator.day_profile(model, day)[0]
        sums = [0] * len(zones)
        for slot, wh in enumerate(a_plus):
            sums[slot_zones[slot]] += wh
        peak_slot = max(range(len(a_plus)), key=lambda s: a_plus[s])  # the first of equals
        peak_at = moscow_midnight(day) + SLOT * peak_slot
        if best is None or a_plus[peak_slot] > best[0]:
            best = (a_plus[peak_slot], peak_at)
        days.append(
            {
                "day": day.isoformat(),
                "zones": [
                    {"zone": z.code, "value": kwh(v)} for z, v in zip(zones, sums, strict=True)
                ],
                "total": kwh(sum(sums)),
                "max_interval": {
                    "start": iso(peak_at),
                    "end": iso(peak_at + SLOT),
                    "a_plus": kwh(a_plus[peak_slot]),
                    "power": kwh(a_plus[peak_slot] * 2),
                },
            }
        )
        day += timedelta(days=1)
    assert best is not None  # first ≤ last: at least one day
    return Response.json(
        {
            "meter_id": row["id"],
            "quantity": "A+",
            "unit": "кВт·ч",
            "period_start": first.isoformat(),
            "period_end": last.isoformat(),
            "data_start": model.start.isoformat(),
            "data_end": latest.isoformat(),
            "polled_at": iso(poll),
            "zones": [{"zone": z.code, "name": z.name, "hours": z.hours} for z in zones],
            "start": {"at": iso(moscow_midnight(first)), "registers": _registers(zones, start)},
            "end": {
                "at": iso(moscow_midnight(last + timedelta(days=1))),
                "registers": _registers(zones, end),
            },
            "consumption": _registers(zones, [e - s for s, e in zip(start, end, strict=True)]),
            "days": days,
            "max_power": {
                "start": iso(best[1]),
                "end": iso(best[1] + SLOT),
                "value": kwh(best[0] * 2),
                "unit": "кВт",
            },
        }
    )


# --- OpenAPI ----------------------------------------------------------------------------------

_REGISTER = obj(
    ["quantity", "zone", "value", "unit"],
    quantity={"type": "string", "enum": ["A+", "A-", "R+", "R-"]},
    zone={**STR, "description": "T1..T4"},
    value=NUMBER,
    unit=STR,
)
_READING = obj(["at", "registers"], at=DATE_TIME, registers={"type": "array", "items": _REGISTER})
_INTERVAL = obj(
    ["start", "end", "a_plus", "power"], start=DATE_TIME, end=DATE_TIME, a_plus=NUMBER, power=NUMBER
)

route.schemas.update(
    {
        "MeterReport": obj(
            [
                "meter_id",
                "quantity",
                "unit",
                "period_start",
                "period_end",
                "data_start",
                "data_end",
                "zones",
                "start",
                "end",
                "consumption",
                "days",
                "max_power",
            ],
            meter_id=INTEGER,
            quantity={"type": "string", "enum": ["A+"]},
            unit=STR,
            period_start=DATE,
            period_end=DATE,
            data_start={**DATE, "description": "Первые сутки с данными прибора"},
            data_end={**DATE, "description": "Последние полные сутки (до опроса 01:30 МСК)"},
            polled_at=DATE_TIME,
            zones={
                "type": "array",
                "items": obj(["zone", "name", "hours"], zone=STR, name=STR, hours=STR),
            },
            start={**_READING, "description": "Показания на 00:00 МСК первых суток"},
            end={**_READING, "description": "Показания на 24:00 МСК последних суток"},
            consumption={"type": "array", "items": _REGISTER},
            days={
                "type": "array",
                "items": obj(
                    ["day", "zones", "total", "max_interval"],
                    day=DATE,
                    zones={
                        "type": "array",
                        "items": obj(["zone", "value"], zone=STR, value=NUMBER),
                    },
                    total=NUMBER,
                    max_interval=_INTERVAL,
                ),
            },
            max_power=obj(
                ["start", "end", "value", "unit"],
                start=DATE_TIME,
                end=DATE_TIME,
                value=NUMBER,
                unit=STR,
            ),
        ),
    }
)
