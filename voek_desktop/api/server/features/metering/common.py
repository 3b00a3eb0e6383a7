"""What the metering features share: access rules, the registry queries and the meter model.

Access: an individual sees the meters of the personal accounts it added; a company or sole
proprietor sees the meters of its organisation's supply contracts once it has confirmed the
organisation. Anything else is answered 404, as if it did not exist. The personal-account routes
are for individuals only and the organisation routes for organisations only: the other kind of
consumer gets 403 ``individuals_only`` / ``organizations_only``.

Moments in answers are UTC ISO 8601 like the rest of the API; calendar dates (periods, reading
dates) are Moscow dates, since every metering rule counts in Moscow time (docs/design.md
"Metering", "Tariff zones").
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from voek_desktop.api.server.core import pacing
from voek_desktop.api.server.core.clock import iso
from voek_desktop.api.server.features.metering import registers, simulator
from voek_desktop.api.server.http.web import (
    HttpError,
    Request,
    not_found,
)
from voek_desktop.api.server.storage.db import Row
from voek_desktop.domain.tariffs import schedule

if TYPE_CHECKING:
    from voek_desktop.api.server.app import CabinetApp

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def ddmmyyyy(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def path_text(value: str) -> str:
    """A path parameter as text: WSGI hands the URL's bytes over as Latin-1."""
    try:
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value


def int_id(value: str) -> int:
    if not (value.isascii() and value.isdigit()) or len(value) > 12:
        raise not_found()
    return int(value)


def parse_date(value: Any) -> date | None:
    if not isinstance(value, str) or not _DATE.match(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def require_individual(req: Request) -> None:
    if req.consumer["consumer_type"] != "individual":
        raise HttpError(
            403,
            "individuals_only",
            "Лицевые счета доступны физическим лицам. Организации видят приборы учёта"
            " в разделе «Договоры энергоснабжения»",
        )


def require_organization_consumer(req: Request) -> None:
    if req.consumer["consumer_type"] == "individual":
        raise HttpError(
            403,
            "organizations_only",
            "Раздел доступен юридическим лицам и индивидуальным предпринимателям",
        )


def consumer_registry_number(consumer: Row) -> str | None:
    return consumer["ogrn"] if consumer["consumer_type"] == "company" else consumer["ogrnip"]


def find_organization(app: CabinetApp, consumer: Row) -> Row | None:
    number = consumer_registry_number(consumer)
    if not number:
        return None
    return app.db.query_one("SELECT * FROM organizations WHERE registry_number = ?", (number,))


def registry_details(app: CabinetApp, consumer: Row) -> dict[str, Any]:
    """What the registry knows of this consumer, for forms to start from: the organisation's
    registered name, and the addresses of the metering points the consumer has access to
    (an individual's personal accounts, a confirmed organisation's supply contracts)."""
    org = find_organization(app, consumer)
    if consumer["consumer_type"] == "individual":
        rows = app.db.query(
            "SELECT p.address FROM consumer_personal_accounts cpa JOIN metering_points p"
            " ON p.personal_account_number = cpa.number WHERE cpa.consumer_id = ?"
            " ORDER BY cpa.added_at, cpa.number, p.id",
            (consumer["id"],),
        )
    elif org is not None:
        rows = app.db.query(
            "SELECT p.address FROM organization_confirmations oc"
            " JOIN supply_contracts c ON c.organization_id = oc.organization_id"
            " JOIN metering_points p ON p.supply_contract_number = c.number"
            " WHERE oc.consumer_id = ? AND oc.organization_id = ? ORDER BY c.number, p.id",
            (consumer["id"], org["id"]),
        )
    else:
        rows = []
    addresses = list(dict.fromkeys(r["address"] for r in rows))
    return {"name": org["name"] if org is not None else None, "addresses": addresses}


def confirmed_organization(app: CabinetApp, req: Request) -> Row:
    require_organization_consumer(req)
    org = find_organization(app, req.consumer)
    if org is None or not app.db.query_one(
        "SELECT 1 FROM organization_confirmations WHERE consumer_id = ? AND organization_id = ?",
        (req.consumer["id"], org["id"]),
    ):
        raise HttpError(
            403,
            "organization_not_confirmed",
            "Сначала подтвердите организацию номером любого из ее договоров энергоснабжения",
        )
    return org


METER_SELECT = (
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


def visible_meter(app: CabinetApp, req: Request, meter_id: str | int) -> Row:
    mid = meter_id if isinstance(meter_id, int) else int_id(meter_id)
    row = app.db.query_one(
        f"{METER_SELECT} WHERE m.id = :id AND {_VISIBLE}",
        {"id": mid, "consumer": req.consumer["id"]},
    )
    if row is None:
        raise not_found()
    return row


def meter_model(row: Row) -> simulator.MeterModel:
    return registers.model_of(row)


def kwh(wh: int) -> float:
    return wh / 1000


def _readings_date(row: Row, poll_day: date) -> date:
    """Readings used in billing: smart meters — 00:00 on the 1st of the month of the last poll;
    others — what the consumer handed in by the 25th of the previous month."""
    first = poll_day.replace(day=1)
    if row["is_smart"]:
        return first
    return (first - timedelta(days=1)).replace(day=25)


def meter_json(app: CabinetApp, row: Row, poll: datetime | None = None) -> dict[str, Any]:
    """The meter's answer at ``poll`` (the last poll of the app's clock when not given)."""
    model = meter_model(row)
    if poll is None:
        poll = simulator.last_poll(app.clock.now())
    readings_day: date | None = _readings_date(row, poll.date())
    commissioned = date.fromisoformat(row["commissioned_at"])
    readings: list[dict[str, Any]] = []
    if readings_day is not None and readings_day >= commissioned:
        pace = pacing.inside(app.slot)
        regs = registers.at_midnight(app.db, row["id"], model, readings_day, pace)[0]
        readings = [
            {"zone": z.code, "name": z.name, "value": kwh(v)}
            for z, v in zip(schedule(model.zones), regs, strict=True)
        ]
        total = kwh(sum(regs))
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


def require_smart(row: Row) -> None:
    if not row["is_smart"]:
        raise HttpError(
            409,
            "meter_not_smart",
            "Прибор учёта не подключен к интеллектуальной системе учёта: данные с прибора"
            " недоступны",
        )
