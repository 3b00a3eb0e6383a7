"""Where «Отчёт о показаниях» gets its data (docs/design.md "Readings report"): the server's
``GET /meters/{id}/report``, kept in the consumer's cache, and that copy when the server cannot
be reached — so a report of a period fetched before builds offline, a shorter period of it too
(:meth:`MeterPeriod.sliced`).

Blocking calls, Qt-free: the UI runs each on its API worker, one meter per call, so that a
contract's report shows its progress and never holds the worker for long.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from voek_desktop.api.errors import NetworkError
from voek_desktop.api.metering import Meter, report_period
from voek_desktop.domain.formats import parse_date, parse_datetime
from voek_desktop.domain.readings_report import (
    ContractReport,
    MeterInfo,
    MeterReport,
    Missing,
)
from voek_desktop.domain.time import last_complete_day

if TYPE_CHECKING:
    from voek_desktop.api.metering import SupplyContract
    from voek_desktop.cache import ConsumerCache
    from voek_desktop.session import Session

KEPT_PERIODS = 6  # per meter: the last few periods asked for, enough for the usual months


def meter_info(meter: Meter) -> MeterInfo:
    return MeterInfo(
        id=meter.id,
        title=meter.title,
        serial_number=meter.serial_number,
        address=meter.address,
        tariff_zones=meter.tariff_zones,
        phases=meter.phases,
        metering_point=meter.metering_point,
        personal_account=meter.personal_account_number,
        supply_contract=meter.supply_contract_number,
    )


def available_days(meter: Meter) -> tuple[date | None, date | None]:
    """(the first day with data, the last complete day) as the meter card says: commissioning,
    and the day before its last poll's day. (None, None) for a meter without smart data."""
    if not meter.is_smart:
        return None, None
    polled = parse_datetime(meter.last_poll_at)
    latest = last_complete_day(polled) if polled is not None else None
    return parse_date(meter.commissioned_at), latest


def clamped(meter: Meter, first: date, last: date) -> tuple[date, date] | None:
    """The part of ``first``..``last`` this meter has data for (a contract's meters were
    commissioned on different days), or None."""
    earliest, latest = available_days(meter)
    if latest is None:
        return None
    start = max(first, earliest) if earliest is not None else first
    end = min(last, latest)
    return (start, end) if start <= end else None


class ReportSource:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _cache(self) -> ConsumerCache | None:
        # Clerk mode keeps nothing of a visitor for later (docs/design.md "Clerk mode").
        return None if self.session.clerk else self.session.cache()

    def meter_report(self, meter: Meter, first: date, last: date) -> MeterReport:
        """The report of ``meter`` for ``first``..``last``: fetched, or offline from a kept
        period that covers it (``fetched_at`` then says when it was fetched)."""
        key = f"report-{int(meter.id)}"
        cache = self._cache()
        try:
            data = self.session.client.meter_report(meter.id, first, last)
        except NetworkError:
            kept = _kept(cache, key)
            for entry in kept:
                period = report_period(entry["data"])
                if period.covers(first, last):
                    return MeterReport(
                        meter_info(meter), period.sliced(first, last), str(entry["fetched_at"])
                    )
            if not kept:
                raise
            periods = ", ".join(
                f"{p.first:%d.%m.%Y}–{p.last:%d.%m.%Y}"
                for p in (report_period(e["data"]) for e in kept)
            )
            raise NetworkError(
                "Нет связи с сервером. Без связи отчёт строится из данных, полученных ранее,"
                f" — для этого прибора учёта сохранены периоды: {periods}."
            ) from None
        period = report_period(data)
        if cache is not None:
            fetched_at = datetime.now(UTC).isoformat(timespec="seconds")
            kept = [
                e
                for e in _kept(cache, key)
                if not period.covers(*_bounds(e))  # the new one says all that one did
            ]
            cache.put(
                key, {"items": [{"fetched_at": fetched_at, "data": data}, *kept][:KEPT_PERIODS]}
            )
        return MeterReport(meter_info(meter), period)

    def contract_meters(self, number: str) -> list[Meter]:
        """The meters of a supply contract, kept like the other lists for offline use."""
        client = self.session.client
        return self.session.remembered(
            f"contract-meters-{number}",
            lambda: client.supply_contract_meters(number),
            Meter.from_json,
        )


def contract_report(
    contract: SupplyContract | str,
    first: date,
    last: date,
    reports: Sequence[MeterReport],
    missing: Sequence[Missing],
    organization: str | None = None,
) -> ContractReport:
    number = contract if isinstance(contract, str) else contract.number
    signed_on = None if isinstance(contract, str) else contract.signed_on
    offline = [r.fetched_at for r in reports if r.fetched_at]
    return ContractReport(
        number=number,
        first=first,
        last=last,
        reports=tuple(reports),
        missing=tuple(missing),
        signed_on=signed_on,
        organization=organization,
        fetched_at=min(offline) if offline else None,
    )


def _kept(cache: ConsumerCache | None, key: str) -> list[dict[str, Any]]:
    saved = cache.get(key) if cache is not None else None
    items = saved.get("items") if isinstance(saved, dict) else None
    return [e for e in items or () if isinstance(e, dict) and isinstance(e.get("data"), dict)]


def _bounds(entry: dict[str, Any]) -> tuple[date, date]:
    data = entry["data"]
    try:
        return date.fromisoformat(data["period_start"]), date.fromisoformat(data["period_end"])
    except (KeyError, TypeError, ValueError):
        return date.max, date.max - timedelta(days=1)  # covered by nothing: dropped last
