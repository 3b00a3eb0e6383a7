"""The metering methods of CabinetClient against the real bundled server (docs/design.md
"Metering", "API")."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from tests import demo
from voek_desktop.api.client import CabinetClient
from voek_desktop.api.download import download, part_path
from voek_desktop.api.errors import ApiError
from voek_desktop.api.metering import ArchiveRequest, Meter, SmartData

# A fixed moment: 10:00 МСК, so "today", the last poll and 21:00 are known.
MORNING = "2026-11-27T10:00:00+03:00"


@pytest.fixture
def individual(client: CabinetClient) -> CabinetClient:
    client.dev_set_clock(now=MORNING)
    demo.log_in(client, remember=True)  # «Запомнить меня»: survives the clock jumps
    return client


@pytest.fixture
def company(server) -> CabinetClient:
    c = CabinetClient(server.url, retries=0)
    c.dev_set_clock(now=MORNING)
    demo.log_in(c, "company", remember=True)  # «Запомнить меня»: survives the clock jumps
    yield c
    c.close()


def smart_meter(c: CabinetClient) -> Meter:
    return next(m for m in c.personal_account_meters("3300000001") if m.is_smart)


def test_personal_accounts_add_list_remove(individual: CabinetClient) -> None:
    numbers = [a.number for a in individual.personal_accounts()]
    assert numbers == ["3300000001", "3300000002"]  # demo data: the demo individual starts with two

    added = individual.add_personal_account("3300000005", "2211004573")
    assert added.message == "Номер лицевого счета успешно добавлен"
    assert added.personal_account.number == "3300000005"
    assert added.personal_account.address
    assert "3300000005" in [a.number for a in individual.personal_accounts()]

    with pytest.raises(ApiError) as dup:
        individual.add_personal_account("3300000005", "2211004573")
    assert (dup.value.status, dup.value.code) == (409, "personal_account_already_added")
    assert "уже добавлен" in dup.value.message

    with pytest.raises(ApiError) as unknown:
        individual.add_personal_account("3399999999", "2211004573")
    assert (unknown.value.status, unknown.value.code) == (404, "personal_account_not_found")
    assert "не найден" in unknown.value.message

    with pytest.raises(ApiError) as bad:
        individual.add_personal_account("12345", "2211004573")
    assert (bad.value.status, bad.value.code) == (422, "validation_failed")
    assert "number" in bad.value.fields

    individual.remove_personal_account("3300000005")
    assert "3300000005" not in [a.number for a in individual.personal_accounts()]
    with pytest.raises(ApiError) as gone:
        individual.remove_personal_account("3300000005")
    assert gone.value.status == 404


def test_meters_of_an_account_carry_readings_per_zone(individual: CabinetClient) -> None:
    meters = individual.personal_account_meters("3300000002")
    assert len(meters) == 2
    for meter in meters:
        assert meter.brand and meter.model and meter.serial_number and meter.address
        assert meter.readings_date and date.fromisoformat(meter.readings_date)
        assert [r.zone for r in meter.readings] == [f"T{i + 1}" for i in range(meter.tariff_zones)]
        assert all(r.name and r.value >= 0 for r in meter.readings)
    assert individual.meter(meters[0].id) == meters[0]
    with pytest.raises(ApiError) as other:
        individual.personal_account_meters("3300000007")  # exists, but not added by this user
    assert other.value.status == 404


def test_smart_data_and_intervals(individual: CabinetClient) -> None:
    meter = smart_meter(individual)
    data = individual.smart_data(meter.id)
    assert isinstance(data, SmartData)
    assert data.polled_at.startswith("2026-11-26T22:30")  # 01:30 МСК today
    total = {r.quantity: r.value for r in data.registers if r.zone == "total"}
    for quantity in ("A+", "A-", "R+", "R-"):
        zones = [r.value for r in data.registers if r.quantity == quantity and r.zone != "total"]
        assert sum(zones) == pytest.approx(total[quantity], abs=0.002)
    assert {"U_A", "I_A", "P", "f"} <= {v.quantity for v in data.instant}
    assert data.relay and data.relay_name
    assert all(e.at and e.name for e in data.events)
    assert all(e.journal.startswith("Журнал") for e in data.events)
    # Decree 890 (docs/decree-890.md): the maximum power of last month and of this one so far.
    assert data.permitted_power is not None and data.permitted_power > 0
    assert [(m.period_start, m.period_end) for m in data.max_power] == [
        ("2026-10-01", "2026-10-31"),
        ("2026-11-01", "2026-11-27"),
    ]
    for peak in data.max_power:
        assert peak.value > 0 and peak.unit == "кВт" and peak.interval_start
        assert peak.exceeds_permitted == (peak.value > data.permitted_power)

    day = individual.intervals(meter.id, date(2026, 11, 20), date(2026, 11, 20))
    assert day.step == "30min" and len(day.items) == 48
    daily = individual.intervals(meter.id, "2026-11-01", "2026-11-20", step="day")
    assert len(daily.items) == 20
    assert daily.items[19].a_plus == pytest.approx(sum(i.a_plus for i in day.items), abs=0.002)

    with pytest.raises(ApiError) as too_long:
        individual.intervals(meter.id, date(2026, 1, 1), date(2026, 6, 1))
    assert too_long.value.status == 422 and "to" in too_long.value.fields

    plain = next(m for m in individual.personal_account_meters("3300000002") if not m.is_smart)
    with pytest.raises(ApiError) as not_smart:
        individual.smart_data(plain.id)
    assert (not_smart.value.status, not_smart.value.code) == (409, "meter_not_smart")


def test_organization_confirmation_and_contracts(company: CabinetClient) -> None:
    org = company.organization()
    assert org.in_registry and not org.confirmed
    assert org.support.get("phone") and org.support.get("email")
    with pytest.raises(ApiError) as early:
        company.supply_contracts()
    assert (early.value.status, early.value.code) == (403, "organization_not_confirmed")

    with pytest.raises(ApiError) as wrong:
        company.confirm_organization("ЭС-2001")  # the entrepreneur's contract
    assert wrong.value.status == 422
    assert "supply_contract_number" in wrong.value.fields

    confirmed = company.confirm_organization("ЭС-1001")
    assert confirmed.confirmed
    contracts = company.supply_contracts()
    assert [c.number for c in contracts] == ["ЭС-1001", "ЭС-1002"]
    assert [len(c.metering_points) for c in contracts] == [3, 2]
    meters = company.supply_contract_meters("ЭС-1002")
    assert len(meters) == 2 and all(m.supply_contract_number == "ЭС-1002" for m in meters)
    with pytest.raises(ApiError) as foreign:
        company.supply_contract_meters("ЭС-2001")
    assert foreign.value.status == 404


def test_organization_not_in_registry_is_said_so(server) -> None:
    # An individual may not ask; the registry check itself is covered by the server's tests.
    c = CabinetClient(server.url, retries=0)
    demo.log_in(c, remember=True)  # «Запомнить меня»: survives the clock jumps
    with pytest.raises(ApiError) as caught:
        c.organization()
    assert caught.value.status == 403
    c.close()


def test_archive_request_life_and_download(individual: CabinetClient, tmp_path) -> None:
    meter = smart_meter(individual)
    last_poll = date(2026, 11, 27)  # 01:30 МСК today

    with pytest.raises(ApiError) as late:
        individual.create_archive_request(meter.id, last_poll, last_poll + timedelta(days=1))
    assert late.value.status == 422 and "period_end" in late.value.fields
    with pytest.raises(ApiError) as early:
        individual.create_archive_request(meter.id, date(2023, 11, 26), last_poll)
    assert early.value.status == 422 and "period_start" in early.value.fields

    request = individual.create_archive_request(meter.id, date(2026, 11, 1), date(2026, 11, 7))
    assert isinstance(request, ArchiveRequest)
    assert (request.status, request.status_label, request.is_editable) == (
        "accepted",
        "Принят",
        True,
    )
    assert request.editable_until and request.editable_until.startswith("2026-11-27T18:00")
    assert [r.id for r in individual.archive_requests(meter.id)] == [request.id]
    # What a request made now gets, by the server's clock (10:00 МСК): whole days up to
    # yesterday, changes until 21:00 today, the file at 00:00 (SPEC §6.5).
    terms = individual.archive_terms(meter.id)
    assert (terms.period_start_min, terms.period_end_max) == ("2023-11-27", "2026-11-26")
    assert terms.editable_until.startswith("2026-11-27T18:00")
    assert terms.produce_after.startswith("2026-11-27T21:00")
    assert individual.archive_request(request.id) == request

    changed = individual.update_archive_request(request.id, date(2026, 11, 10), date(2026, 11, 16))
    assert (changed.period_start, changed.period_end) == ("2026-11-10", "2026-11-16")

    with pytest.raises(ApiError) as not_ready:
        download(individual, individual.archive_file_path(request.id), tmp_path / "a.xlsx")
    assert (not_ready.value.status, not_ready.value.code) == (409, "archive_not_ready")
    assert not part_path(tmp_path / "a.xlsx").exists()

    # A few seconds past 21:00: the dev clock reads a second early right after a set.
    individual.dev_set_clock(now="2026-11-27T21:00:05+03:00")
    locked = individual.archive_request(request.id)
    assert (locked.status, locked.status_label, locked.is_editable) == (
        "locked",
        "Зафиксирован",
        False,
    )
    with pytest.raises(ApiError) as too_late:
        individual.update_archive_request(request.id, date(2026, 11, 1), date(2026, 11, 2))
    assert (too_late.value.status, too_late.value.code) == (409, "archive_request_locked")

    individual.dev_set_clock(advance_seconds=4 * 3600)  # 01:00 МСК the next day
    individual.request("POST", "/dev/jobs/run")
    ready = individual.archive_request(request.id)
    assert (ready.status, ready.status_label) == ("ready", "Готов")
    assert ready.file_name and ready.file_name.endswith(".xlsx") and ready.file_size

    dest = tmp_path / ready.file_name
    seen = []
    download(
        individual,
        individual.archive_file_path(request.id),
        dest,
        progress=lambda d, t: seen.append((d, t)),
    )
    assert dest.stat().st_size == ready.file_size
    assert seen[-1] == (ready.file_size, ready.file_size)
    digest = hashlib.sha256(dest.read_bytes()).hexdigest()
    # A second download over a complete file gives the same bytes.
    download(individual, individual.archive_file_path(request.id), dest)
    assert hashlib.sha256(dest.read_bytes()).hexdigest() == digest
    workbook = load_workbook(dest, read_only=True)
    assert workbook.sheetnames == ["Сведения", "Профиль 30 мин", "Показания"]
    rows = list(workbook["Профиль 30 мин"].iter_rows(values_only=True))
    workbook.close()
    assert len(rows) == 1 + 7 * 48
    assert all(isinstance(v, float | int) for v in rows[1][2:])


def test_another_consumers_objects_are_404(server, individual: CabinetClient) -> None:
    meter = smart_meter(individual)
    request = individual.create_archive_request(meter.id, date(2026, 11, 1), date(2026, 11, 2))
    other = CabinetClient(server.url, retries=0)
    demo.log_in(other, "company", remember=True)  # «Запомнить меня»: survives the clock jumps
    for call in (
        lambda: other.meter(meter.id),
        lambda: other.smart_data(meter.id),
        lambda: other.intervals(meter.id, "2026-11-01", "2026-11-01"),
        lambda: other.archive_request(request.id),
        lambda: other.update_archive_request(request.id, "2026-11-01", "2026-11-01"),
        lambda: other.create_archive_request(meter.id, "2026-11-01", "2026-11-01"),
        lambda: other.archive_requests(meter.id),
    ):
        with pytest.raises(ApiError) as caught:
            call()
        assert caught.value.status == 404, caught.value
    other.close()


def test_without_a_session_every_call_is_401(client: CabinetClient) -> None:
    with pytest.raises(ApiError) as caught:
        client.personal_accounts()
    assert caught.value.status == 401 and caught.value.needs_login
