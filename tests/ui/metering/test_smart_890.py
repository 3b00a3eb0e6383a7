"""The Decree 890 values on «Информация по прибору учёта» (docs/decree-890.md), in real
widgets against the real bundled server: the maximum power of the month against the permitted
one, the per-phase table of a three-phase meter, and the journal of each event."""

from __future__ import annotations

import pytest
import requests
from PySide6.QtCore import Qt

from tests import demo
from voek_desktop.ui.metering.smart import SmartDataPage

MORNING = "2026-11-27T10:00:00+03:00"  # the last poll: 27.11.2026 01:30 МСК
WAIT = 15_000
THREE_PHASE = 17  # Меркурий 234 ARTM of the demo company
SINGLE_PHASE = 2  # Энергомера CE208 of the demo individual


@pytest.fixture(autouse=True)
def idle_at_the_end(request, qtbot):
    ctx = request.getfixturevalue("ctx") if "ctx" in request.fixturenames else None
    yield
    if ctx is not None:
        qtbot.waitUntil(lambda: not ctx.tasks.is_busy(), timeout=WAIT)


def open_page(qtbot, ctx, server, consumer_type: str, login: str, meter_id: int) -> SmartDataPage:
    requests.post(f"{server.url}/api/v1/dev/clock", json={"now": MORNING}, timeout=30)
    ctx.session.log_in(consumer_type, login, demo.PASSWORD, True)
    client = ctx.session.client
    if consumer_type == "company":
        client.confirm_organization("ЭС-1001")
    page = SmartDataPage(ctx, client.meter(meter_id))
    qtbot.addWidget(page)
    page.resize(1024, 600)
    page.show()
    page.refresh()
    qtbot.waitUntil(lambda: page.registers_model.rowCount() == 4, timeout=WAIT)
    return page


def headers(model) -> list[str]:
    return [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]


def test_three_phase_meter_shows_each_phase_and_the_exceeded_maximum_power(
    qtbot, ctx, server, qtmodeltester
):
    page = open_page(qtbot, ctx, server, "company", demo.OGRN, THREE_PHASE)

    phases = page.phases_model
    assert page.phases_view.isVisible()
    assert headers(phases) == ["Параметр", "Фаза A", "Фаза B", "Фаза C", "Ед. изм."]
    rows = {phases.text(r, 0): r for r in range(phases.rowCount())}
    assert list(rows) == [
        "Напряжение",
        "Ток",
        "Активная мощность",
        "Реактивная мощность",
        "Коэффициент мощности (cos φ)",
    ]
    assert phases.text(rows["Активная мощность"], 4) == "кВт"
    assert all("," in phases.text(rows["Коэффициент мощности (cos φ)"], c) for c in (1, 2, 3))
    # The phase rows have left the overall table; the totals are still there.
    overall = [page.instant_model.text(r, 0) for r in range(page.instant_model.rowCount())]
    assert "Активная мощность" in overall and "Линейное напряжение AB" in overall
    assert not any("фазы" in name for name in overall)
    # The three P add up to the total P, as the meter shows them.
    total = next(v.value for v in page.data.instant if v.quantity == "P")
    shown = [float(phases.text(rows["Активная мощность"], c).replace(",", ".")) for c in (1, 2, 3)]
    assert sum(shown) == pytest.approx(total, abs=0.003)

    power = page.power_model
    assert headers(power) == ["Месяц", "Максимум,\nкВт", "Интервал (МСК)", "Выше\nразрешённой"]
    assert power.rowCount() == 2
    assert power.text(0, 0) == "Октябрь 2026"
    assert power.text(1, 0) == "Ноябрь 2026*"
    assert power.text(1, 3) == "есть"  # a cold November evening above 2,6 kW
    assert power.text(1, 2) == "13.11 19:30–20:00"
    assert "Разрешённая максимальная мощность" in page.permitted.text()
    assert "2,6 кВт" in page.permitted.text()
    assert "Текущий месяц — по 27.11.2026" in page.permitted.text()

    events = page.events_model
    assert headers(events) == ["Время", "Событие", "Журнал"]
    found = {(events.text(r, 1), events.text(r, 2)) for r in range(events.rowCount())}
    assert ("Превышение максимальной мощности — начало", "контроля мощности") in found
    assert ("Провал напряжения — начало", "качества сети") in found
    for model in (phases, power, events):
        qtmodeltester.check(model)


def test_single_phase_meter_has_no_phase_table(qtbot, ctx, server):
    page = open_page(qtbot, ctx, server, "individual", demo.SNILS_TYPED, SINGLE_PHASE)
    assert page.phases_view.isHidden() and page.phases_label.isHidden()
    assert page.phases_model.rowCount() == 0
    overall = [page.instant_model.text(r, 0) for r in range(page.instant_model.rowCount())]
    assert "Напряжение фазы A" in overall
    assert page.power_model.rowCount() == 2
    assert page.power_model.text(1, 3) == "нет"
