"""Client side of metering (docs/design.md "Metering", "API"): typed shapes and the methods
CabinetClient gets.

The shapes keep the fields the API promises (docs/design.md "API") and ignore the rest, so a
server that adds fields does not break an older app.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Self, cast
from urllib.parse import quote

from voek_desktop.api.errors import BadResponse
from voek_desktop.api.models import checked_id, known_fields

if TYPE_CHECKING:
    from voek_desktop.api.client import CabinetClient
    from voek_desktop.domain.readings_report import MeterPeriod

ARCHIVE_STATUS_LABELS = {
    "accepted": "Принят",
    "locked": "Зафиксирован",
    "ready": "Готов",
    "failed": "Ошибка",
}


_known = known_fields


def _segment(value: str | int) -> str:
    # Contract numbers are Cyrillic (ЭС-1001): quote every path segment, slashes included.
    return quote(str(value), safe="")


@dataclass(frozen=True)
class Reading:
    zone: str  # T1..T4
    name: str  # the zone's Russian name
    value: float  # kWh

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Self:
        return cls(str(data.get("zone", "")), str(data.get("name", "")), float(data["value"]))


@dataclass(frozen=True)
class Meter:
    id: int
    brand: str
    model: str
    serial_number: str
    address: str
    phases: int = 1
    tariff_zones: int = 1
    readings_date: str | None = None
    readings: tuple[Reading, ...] = ()
    is_smart: bool = False
    commissioned_at: str | None = None
    readings_total: float | None = None
    last_poll_at: str | None = None  # smart meters: the last daily poll
    metering_point: str | None = None  # its name
    personal_account_number: str | None = None
    supply_contract_number: str | None = None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Self:
        known = _known(cls, data)
        known["readings"] = tuple(Reading.from_json(r) for r in data.get("readings") or ())
        point = known.get("metering_point")
        if isinstance(point, dict):  # {id, name}: the name is what the user recognises
            known["metering_point"] = str(point.get("name") or point.get("id") or "")
        return cls(**known)

    @property
    def title(self) -> str:
        return f"{self.brand} {self.model}".strip()


@dataclass(frozen=True)
class PersonalAccount:
    number: str
    address: str | None = None
    added_at: str | None = None
    meters_count: int | None = None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Self:
        return cls(**_known(cls, data))


@dataclass(frozen=True)
class AddedAccount:
    personal_account: PersonalAccount
    message: str  # «Номер лицевого счета успешно добавлен»


@dataclass(frozen=True)
class Organization:
    in_registry: bool
    confirmed: bool
    support: dict[str, str] = field(default_factory=dict)  # phone, email, …
    name: str | None = None
    registry_number: str | None = None
    confirmed_at: str | None = None
    message: str | None = None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Self:
        known = _known(cls, data)
        support = known.get("support") or {}
        known["support"] = (
            {str(k): str(v) for k, v in support.items()}
            if isinstance(support, dict)
            else {"text": str(support)}
        )
        return cls(**known)


@dataclass(frozen=True)
class MeteringPoint:
    id: int
    name: str
    address: str
    meter_id: int | None = None
    meter_title: str = ""
    serial_number: str = ""
    is_smart: bool = False

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Self:
        meter = data.get("meter") or {}
        return cls(
            checked_id(data["id"]),
            str(data.get("name") or ""),
            str(data.get("address") or ""),
            None if meter.get("id") is None else checked_id(meter["id"]),
            f"{meter.get('brand', '')} {meter.get('model', '')}".strip(),
            str(meter.get("serial_number") or ""),
            bool(meter.get("is_smart")),
        )


@dataclass(frozen=True)
class SupplyContract:
    number: str
    signed_on: str | None = None
    metering_points: tuple[MeteringPoint, ...] = ()

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Self:
        known = _known(cls, data)
        known["metering_points"] = tuple(
            MeteringPoint.from_json(p) for p in data.get("metering_points") or ()
        )
        return cls(**known)


@dataclass(frozen=True)
class Register:
    quantity: str  # A+, A-, R+, R-
    zone: str  # total, T1..T4
    value: float
    unit: str

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Self:
        return cls(
            str(data["quantity"]), str(data["zone"]), float(data["value"]), str(data["unit"])
        )


@dataclass(frozen=True)
class InstantValue:
    quantity: str  # U_A, I_A, P, cos_phi, f …
    name: str
    value: float | None
    unit: str

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Self:
        value = data.get("value")
        return cls(
            str(data["quantity"]),
            str(data.get("name") or data["quantity"]),
            None if value is None else float(value),
            str(data.get("unit") or ""),
        )


@dataclass(frozen=True)
class MeterEvent:
    at: str
    code: str
    name: str
    journal: str = ""  # the meter's journal it comes from («Журнал качества сети», …)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Self:
        return cls(
            str(data["at"]),
            str(data["code"]),
            str(data.get("name") or data["code"]),
            str(data.get("journal") or ""),
        )


@dataclass(frozen=True)
class MaxPower:
    """The largest 30-minute average power of a period (Decree 890, docs/decree-890.md)."""

    period_start: str  # Moscow dates, both inclusive
    period_end: str
    value: float  # kW
    interval_start: str | None = None
    interval_end: str | None = None
    exceeds_permitted: bool = False
    unit: str = "кВт"

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Self:
        known = _known(cls, data)
        known["value"] = float(data["value"])
        known["exceeds_permitted"] = bool(data.get("exceeds_permitted"))
        return cls(**known)


@dataclass(frozen=True)
class SmartData:
    polled_at: str
    registers: tuple[Register, ...]
    instant: tuple[InstantValue, ...]
    relay: str
    events: tuple[MeterEvent, ...]
    relay_name: str | None = None  # Russian
    max_power: tuple[MaxPower, ...] = ()  # the month before the poll's, then the poll's
    permitted_power: float | None = None  # kW, the maximum power the connection allows

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Self:
        relay = data.get("relay")
        relay_name = data.get("relay_name")
        permitted = data.get("permitted_power")
        if isinstance(permitted, dict):
            permitted = permitted.get("value")
        return cls(
            str(data["polled_at"]),
            tuple(Register.from_json(r) for r in data.get("registers") or ()),
            tuple(InstantValue.from_json(v) for v in data.get("instant") or ()),
            str(relay or ""),
            tuple(MeterEvent.from_json(e) for e in data.get("events") or ()),
            relay_name,
            tuple(MaxPower.from_json(m) for m in data.get("max_power") or ()),
            None if permitted is None else float(permitted),
        )


@dataclass(frozen=True)
class Interval:
    start: str
    end: str
    a_plus: float
    a_minus: float
    r_plus: float
    r_minus: float

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Self:
        return cls(
            str(data["start"]),
            str(data["end"]),
            float(data["a_plus"]),
            float(data["a_minus"]),
            float(data["r_plus"]),
            float(data["r_minus"]),
        )


@dataclass(frozen=True)
class Intervals:
    step: str
    items: tuple[Interval, ...]


@dataclass(frozen=True)
class ArchiveRequest:
    id: int
    meter_id: int
    period_start: str
    period_end: str
    status: str  # accepted, locked, ready, failed
    created_at: str
    editable_until: str | None = None
    produce_after: str | None = None  # the file is made on the first job run after this
    ready_at: str | None = None
    file_name: str | None = None
    file_size: int | None = None
    editable: bool | None = None
    updated_at: str | None = None
    error: str | None = None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Self:
        known = _known(cls, data)
        if isinstance(known.get("error"), dict):
            known["error"] = known["error"].get("message")
        return cls(**known)

    @property
    def status_label(self) -> str:
        # Our own words (docs/design.md "Archives"), the same whatever the server calls them.
        return ARCHIVE_STATUS_LABELS.get(self.status, self.status)

    @property
    def is_ready(self) -> bool:
        return self.status == "ready"

    @property
    def is_editable(self) -> bool:
        return self.status == "accepted" and self.editable is not False


@dataclass(frozen=True)
class ArchiveTerms:
    """What a request made now gets, by the server's clock (SPEC §6.5): the dates it accepts and
    the deadlines, all still ahead."""

    period_start_min: str
    period_end_max: str  # the last complete day when the file is produced
    editable_until: str
    produce_after: str
    now: str | None = None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Self:
        return cls(**_known(cls, data))


def _iso(value: date | str) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


class MeteringApi:
    """Mixed into :class:`~voek_desktop.api.client.CabinetClient`; uses its ``request``/``send``."""

    def _client(self) -> CabinetClient:
        return cast("CabinetClient", self)  # only ever mixed into CabinetClient

    # --- personal accounts -----------------------------------------------------------------

    def personal_accounts(self) -> list[PersonalAccount]:
        data = self._client().request("GET", "/personal-accounts")
        return [PersonalAccount.from_json(item) for item in data["items"]]

    def add_personal_account(self, number: str, meter_serial_number: str) -> AddedAccount:
        """Both come from the bill: the number alone is no proof of the household."""
        data = self._client().request(
            "POST",
            "/personal-accounts",
            json={"number": number, "meter_serial_number": meter_serial_number},
        )
        return AddedAccount(PersonalAccount.from_json(data["personal_account"]), data["message"])

    def remove_personal_account(self, number: str) -> None:
        self._client().request("DELETE", f"/personal-accounts/{_segment(number)}")

    def personal_account_meters(self, number: str) -> list[Meter]:
        data = self._client().request("GET", f"/personal-accounts/{_segment(number)}/meters")
        return [Meter.from_json(item) for item in data["items"]]

    # --- organisations and supply contracts -----------------------------------------------

    def organization(self) -> Organization:
        return Organization.from_json(self._client().request("GET", "/organization"))

    def confirm_organization(self, supply_contract_number: str) -> Organization:
        data = self._client().request(
            "POST",
            "/organization/confirmation",
            json={"supply_contract_number": supply_contract_number},
        )
        if isinstance(data, dict) and "in_registry" in data:
            return Organization.from_json(data)
        if isinstance(data, dict) and isinstance(data.get("organization"), dict):
            return Organization.from_json(data["organization"])
        return self.organization()

    def supply_contracts(self) -> list[SupplyContract]:
        data = self._client().request("GET", "/supply-contracts")
        return [SupplyContract.from_json(item) for item in data["items"]]

    def supply_contract_meters(self, number: str) -> list[Meter]:
        data = self._client().request("GET", f"/supply-contracts/{_segment(number)}/meters")
        return [Meter.from_json(item) for item in data["items"]]

    # --- meters ---------------------------------------------------------------------------

    def meter(self, meter_id: int) -> Meter:
        return Meter.from_json(self._client().request("GET", f"/meters/{int(meter_id)}"))

    def smart_data(self, meter_id: int) -> SmartData:
        data = self._client().request("GET", f"/meters/{int(meter_id)}/smart-data")
        return SmartData.from_json(data)

    def intervals(
        self, meter_id: int, start: date | str, end: date | str, step: str = "30min"
    ) -> Intervals:
        """Profile intervals from ``start`` to ``end`` (≤ 93 days a call, docs/design.md "API")."""
        data = self._client().request(
            "GET",
            f"/meters/{int(meter_id)}/intervals",
            params={"from": _iso(start), "to": _iso(end), "step": step},
        )
        return Intervals(
            str(data.get("step", step)), tuple(Interval.from_json(i) for i in data["items"])
        )

    def meter_report(self, meter_id: int, start: date | str, end: date | str) -> dict[str, Any]:
        """The data of «Отчёт о показаниях» for the Moscow days ``start``..``end`` (≤ 366), as the
        server sent it: the app keeps it for offline reports; :func:`report_period` reads it."""
        data = self._client().request(
            "GET",
            f"/meters/{int(meter_id)}/report",
            params={"from": _iso(start), "to": _iso(end)},
        )
        report_period(data)  # refused here, before anything is kept, if it is not one
        return cast("dict[str, Any]", data)

    # --- archive requests ------------------------------------------------------------------

    def create_archive_request(
        self, meter_id: int, period_start: date | str, period_end: date | str
    ) -> ArchiveRequest:
        data = self._client().request(
            "POST",
            f"/meters/{int(meter_id)}/archive-requests",
            json={"period_start": _iso(period_start), "period_end": _iso(period_end)},
        )
        return ArchiveRequest.from_json(_unwrap(data, "archive_request"))

    def archive_terms(self, meter_id: int) -> ArchiveTerms:
        data = self._client().request("GET", f"/meters/{int(meter_id)}/archive-terms")
        return ArchiveTerms.from_json(data)

    def archive_requests(self, meter_id: int | None = None) -> list[ArchiveRequest]:
        params = None if meter_id is None else {"meter_id": int(meter_id)}
        data = self._client().request("GET", "/archive-requests", params=params)
        return [ArchiveRequest.from_json(item) for item in data["items"]]

    def archive_request(self, request_id: int) -> ArchiveRequest:
        data = self._client().request("GET", f"/archive-requests/{int(request_id)}")
        return ArchiveRequest.from_json(_unwrap(data, "archive_request"))

    def update_archive_request(
        self, request_id: int, period_start: date | str, period_end: date | str
    ) -> ArchiveRequest:
        data = self._client().request(
            "PATCH",
            f"/archive-requests/{int(request_id)}",
            json={"period_start": _iso(period_start), "period_end": _iso(period_end)},
        )
        return ArchiveRequest.from_json(_unwrap(data, "archive_request"))

    def archive_file_path(self, request_id: int) -> str:
        """The path to hand to :func:`voek_desktop.api.download.download`."""
        return f"/archive-requests/{int(request_id)}/file"


def _unwrap(data: dict[str, Any], key: str) -> dict[str, Any]:
    # The API (docs/design.md "API") answers the object itself; tolerate ``{key: {...}, message}``
    # as well.
    if key in data and isinstance(data[key], dict):
        inner = dict(data[key])
        if "message" in data and "message" not in inner:
            inner["message"] = data["message"]
        return inner
    return data


def report_period(data: dict[str, Any]) -> MeterPeriod:
    """The answer of ``GET /meters/{id}/report`` as the domain's period; a BadResponse (the
    client's "Сервер прислал непонятный ответ.") when it does not add up."""
    try:
        return _report_period(data)
    except BadResponse:
        raise
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise BadResponse() from exc


def _report_period(data: dict[str, Any]) -> MeterPeriod:
    from voek_desktop.domain.readings_report import DayUsage, MeterPeriod, ZoneName, to_wh
    from voek_desktop.domain.time import MSK

    try:
        zones = tuple(
            ZoneName(str(z["zone"]), str(z.get("name") or z["zone"])) for z in data["zones"]
        )
        codes = [z.code for z in zones]

        def by_zone(items: list[dict[str, Any]]) -> tuple[int, ...]:
            values = {str(i["zone"]): to_wh(i["value"]) for i in items}
            return tuple(values[c] for c in codes)

        days = []
        for item in data["days"]:
            peak = item["max_interval"]
            start = datetime.fromisoformat(str(peak["start"]))
            if start.tzinfo is None:
                raise ValueError("a moment without its offset")
            days.append(
                DayUsage(
                    date.fromisoformat(str(item["day"])),
                    by_zone(item["zones"]),
                    to_wh(peak["a_plus"]),
                    start.astimezone(MSK),
                )
            )
        period = MeterPeriod(
            checked_id(data["meter_id"]),
            date.fromisoformat(str(data["period_start"])),
            date.fromisoformat(str(data["period_end"])),
            zones,
            by_zone(data["start"]["registers"]),
            tuple(days),
            str(data.get("quantity") or "A+"),
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"not a meter report: {exc}") from exc
    expected = [
        period.first + timedelta(days=i) for i in range((period.last - period.first).days + 1)
    ]
    if [d.day for d in period.days] != expected:
        raise ValueError("the report's days do not match its period")
    if "end" in data and by_zone(data["end"]["registers"]) != period.end:
        raise ValueError("the report's end readings are not its start plus its days")
    return period
