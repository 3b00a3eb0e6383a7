"""«Отчёт о показаниях» in real widgets against the real bundled server (issue 13 item 11): opened
from the meter page it shows the report in the PDF preview; a wrong period is said next to its
field; a company's contract gets one report over its meters and a workbook with a sheet per
meter; and with the server stopped, the same period builds again from the cache."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
import requests
from openpyxl import load_workbook
from pypdf import PdfReader

from tests import demo
from voek_desktop.domain.formats import format_decimal
from voek_desktop.domain.readings_report import kwh
from voek_desktop.printing.readings_xlsx import SHEET_SUMMARY
from voek_desktop.ui.kit.widgets import qdate
from voek_desktop.ui.metering import sections
from voek_desktop.ui.metering.organization import OrganizationPage
from voek_desktop.ui.metering.report import ReadingsReportDialog, default_period

MORNING = "2026-11-27T10:00:00+03:00"  # the last poll 01:30 today: data up to 26.11.2026
WAIT = 20_000


@pytest.fixture(autouse=True)
def idle_at_the_end(request, qtbot):
    ctx = request.getfixturevalue("ctx") if "ctx" in request.fixturenames else None
    yield
    if ctx is not None:
        qtbot.waitUntil(lambda: not ctx.tasks.is_busy(), timeout=WAIT)


def log_in(ctx, server, consumer_type: str):
    resp = requests.post(f"{server.url}/api/v1/dev/clock", json={"now": MORNING}, timeout=30)
    resp.raise_for_status()
    return ctx.session.log_in(
        consumer_type, demo.LOGINS[consumer_type], demo.PASSWORD, True
    ).profile


def _dialog(page) -> ReadingsReportDialog:
    found = [d for d in page.findChildren(ReadingsReportDialog) if d.isVisible()]
    assert len(found) == 1
    return found[0]


def _wait_report(qtbot, dialog: ReadingsReportDialog) -> str:
    qtbot.waitUntil(lambda: dialog.report is not None and dialog.preview.is_ready(), timeout=WAIT)
    assert dialog.preview.page_count() >= 1
    reader = PdfReader(io.BytesIO(dialog.preview.data))
    return " ".join(
        "\n".join(p.extract_text() for p in reader.pages).replace("\u00a0", " ").split()
    )


def test_default_period_is_the_last_whole_month():
    assert default_period(date(2022, 3, 14), date(2026, 11, 26)) == (
        date(2026, 10, 1),
        date(2026, 10, 31),
    )
    assert default_period(None, date(2026, 10, 31)) == (date(2026, 10, 1), date(2026, 10, 31))
    # Commissioned this month: what there is.
    assert default_period(date(2026, 11, 20), date(2026, 11, 26)) == (
        date(2026, 11, 20),
        date(2026, 11, 26),
    )


def test_report_from_the_meter_page_then_offline(qtbot, ctx, server):
    profile = log_in(ctx, server, "individual")
    [section] = sections(ctx, profile, None)
    page = section.page
    qtbot.addWidget(page)
    page.resize(1200, 760)
    page.show()
    qtbot.waitUntil(lambda: page.meters.model.rowCount() > 0, timeout=WAIT)
    card = page.meters.card
    assert card.report_button.isVisible() and card.report_button.text() == "Отчёт о показаниях"
    card.report_button.click()
    dialog = _dialog(page.meters)
    assert dialog.start.date() == qdate(date(2026, 10, 1))
    assert dialog.end.date() == qdate(date(2026, 10, 31))
    assert "по 26.11.2026" in dialog.limits.text()

    # A wrong period is said next to its field, and nothing is asked of the server.
    dialog.start.setDate(qdate(date(2026, 11, 10)))
    dialog.end.setDate(qdate(date(2026, 11, 1)))
    dialog.build_button.click()
    assert dialog.end_error.text() == "Дата окончания раньше даты начала"
    assert not dialog.end_error.isHidden() and dialog.report is None
    dialog.end.setDate(qdate(date(2026, 11, 27)))  # today: not a complete day yet
    dialog.build_button.click()
    assert "по 26.11.2026" in dialog.end_error.text()

    dialog.start.setDate(qdate(date(2026, 10, 1)))
    dialog.end.setDate(qdate(date(2026, 10, 31)))
    assert dialog.end_error.isHidden()
    dialog.build_button.click()
    text = _wait_report(qtbot, dialog)
    report = dialog.report
    assert report is not None and report.fetched_at is None
    assert "Отчёт о показаниях прибора учёта электрической энергии" in text
    assert "с 01.10.2026 по 31.10.2026" in text
    total = format_decimal(kwh(report.period.total), 3).replace("\u00a0", " ")
    assert f"Расход за период: {total} кВт·ч за 31 сут." in text
    assert dialog.save_button.isEnabled() and dialog.print_button.isEnabled()
    assert dialog.status.text() == ""

    # No server: the same period, and a shorter one within it, come from the cache.
    server.stop()
    dialog.start.setDate(qdate(date(2026, 10, 5)))
    dialog.end.setDate(qdate(date(2026, 10, 11)))
    dialog.build_button.click()
    text = _wait_report(qtbot, dialog)
    offline = dialog.report
    assert offline is not None and offline.fetched_at is not None
    assert "Нет связи с сервером: отчёт построен из данных, полученных" in dialog.status.text()
    assert "Отчёт составлен без связи с сервером" in text and "с 05.10.2026 по 11.10.2026" in text
    days = {d.day: d for d in report.period.days}
    assert [d.day for d in offline.period.days] == [
        date(2026, 10, 5) + timedelta(days=i) for i in range(7)
    ]
    assert offline.period.total == sum(days[d.day].total for d in offline.period.days)
    # A period never fetched: the message says which ones can be built without the network.
    dialog.start.setDate(qdate(date(2026, 9, 1)))
    dialog.end.setDate(qdate(date(2026, 9, 30)))
    dialog.build_button.click()
    qtbot.waitUntil(lambda: "01.10.2026–31.10.2026" in dialog.status.text(), timeout=WAIT)
    dialog.close()


def test_contract_report_and_workbook(qtbot, ctx, server, tmp_path):
    profile = log_in(ctx, server, "company")
    ctx.session.client.confirm_organization("ЭС-1001")
    [section] = sections(ctx, profile, None)
    page = section.page
    assert isinstance(page, OrganizationPage)
    qtbot.addWidget(page)
    page.resize(1200, 760)
    page.show()
    qtbot.waitUntil(lambda: page.tree_model.rowCount() == 2, timeout=WAIT)
    qtbot.waitUntil(lambda: page.report_button.isEnabled(), timeout=WAIT)
    page.report_button.click()
    dialog = _dialog(page)
    qtbot.waitUntil(lambda: dialog.build_button.isEnabled(), timeout=WAIT)
    assert "ЭС-1001" in dialog.heading.text()
    dialog.build_button.click()
    text = _wait_report(qtbot, dialog)
    report = dialog.report
    smart = [m for m in dialog.meters if m.is_smart]
    assert report is not None and len(report.reports) == len(smart) == 3
    assert "Отчёт о показаниях по договору энергоснабжения № ЭС-1001" in text
    assert "Итого по договору" in text
    assert format_decimal(kwh(report.total), 3).replace("\u00a0", " ") in text

    target = tmp_path / "отчёт.xlsx"
    dialog.save_xlsx_to(report, target)
    qtbot.waitUntil(target.exists, timeout=WAIT)
    qtbot.waitUntil(lambda: not ctx.tasks.is_busy(), timeout=WAIT)
    book = load_workbook(target)
    assert book.sheetnames[0] == SHEET_SUMMARY
    assert sorted(book.sheetnames[1:]) == sorted(f"№ {m.serial_number}" for m in smart)
    assert not list(tmp_path.glob("*.part"))  # written atomically
    dialog.close()

    # The network gone: the contract's meters and their periods come from the cache.
    server.stop()
    page.report_button.click()
    again = _dialog(page)
    qtbot.waitUntil(lambda: again.build_button.isEnabled(), timeout=WAIT)
    assert "Нет связи с сервером" in again.status.text()  # the meters are the kept list
    again.build_button.click()
    text = _wait_report(qtbot, again)
    offline = again.report
    assert offline is not None and offline.fetched_at is not None
    assert offline.total == report.total
    assert "Отчёт составлен без связи с сервером" in text
    again.close()
