"""Walks through the metering screens in real widgets against the real bundled server:
personal accounts, the organisation check, smart-meter data and charts, the archive."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import requests
from PySide6.QtCore import QDate, Qt

from tests import demo
from voek_desktop.api.metering import Organization
from voek_desktop.archive_reader import read_workbook
from voek_desktop.ui.kit import messages
from voek_desktop.ui.kit.models import RowsModel
from voek_desktop.ui.metering import archive_requests as archive_ui
from voek_desktop.ui.metering import sections
from voek_desktop.ui.metering.accounts import AccountsPage
from voek_desktop.ui.metering.organization import OrganizationPage
from voek_desktop.ui.metering.smart import SmartDataPage

MORNING = "2026-11-27T10:00:00+03:00"  # 10:00 МСК: the last poll was at 01:30 today
WAIT = 15_000


@pytest.fixture(autouse=True)
def idle_at_the_end(request, qtbot):
    """Let answers still on their way arrive before the widgets and the server go away."""
    # Asked for here, so that ctx is torn down after this waits.
    ctx = request.getfixturevalue("ctx") if "ctx" in request.fixturenames else None
    yield
    if ctx is not None:
        qtbot.waitUntil(lambda: not ctx.tasks.is_busy(), timeout=WAIT)


def dev(server, path: str, **body) -> dict:
    response = requests.post(f"{server.url}/api/v1{path}", json=body, timeout=30)
    response.raise_for_status()
    return response.json()


def log_in(ctx, server, consumer_type: str, login: str):
    dev(server, "/dev/clock", now=MORNING)
    # «Запомнить меня»: the session outlives the clock jumps to the next day.
    return ctx.session.log_in(consumer_type, login, demo.PASSWORD, True).profile


def click(qtbot, button) -> None:
    assert button.isEnabled() and button.isVisible(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


@pytest.fixture
def individual_page(qtbot, ctx, server) -> AccountsPage:
    profile = log_in(ctx, server, "individual", demo.SNILS_TYPED)
    [section] = sections(ctx, profile, None)
    assert section.title == "Лицевые счета"
    page = section.page
    assert isinstance(page, AccountsPage)
    qtbot.addWidget(page)
    page.resize(1200, 760)
    page.show()
    qtbot.waitUntil(lambda: page.list.count() == 2, timeout=WAIT)
    qtbot.waitUntil(lambda: page.meters.model.rowCount() > 0, timeout=WAIT)
    return page


def test_add_and_remove_personal_accounts(qtbot, individual_page, monkeypatch, qtmodeltester):
    page = individual_page
    assert page.current_number() == "3300000001"
    table = page.meters.model
    assert table.text(0, table.DEVICE).splitlines()[1] == "№ 41070012"  # under the make
    assert table.text(0, table.READINGS_DATE) == "01.11.2026"  # ДД.ММ.ГГГГ
    readings = table.text(0, table.READINGS)
    assert "Дневная: " in readings and "," in readings  # decimal comma
    assert page.meters.card.isVisible() and page.meters.card.smart_button.isVisible()
    qtmodeltester.check(table)

    click(qtbot, page.add_button)
    assert page.add_box.isVisible()
    # Wrong length: the message is next to the field and nothing is sent.
    page.number.set_text("12345")
    click(qtbot, page.submit)
    assert page.number.error.text() == "Номер лицевого счета должен содержать 10 цифр"
    # The serial is asked too, with its own error next to it.
    assert page.serial.error.text() == "Введите заводской номер прибора учёта"
    assert page.list.count() == 2

    page.number.set_text("3399999999")
    page.serial.set_text("41070012")
    click(qtbot, page.submit)
    qtbot.waitUntil(lambda: "не найден" in page.number.error.text(), timeout=WAIT)
    assert not page.number.error.isHidden()

    page.number.set_text("3300000001")
    click(qtbot, page.submit)
    qtbot.waitUntil(lambda: "уже добавлен" in page.number.error.text(), timeout=WAIT)

    page.number.set_text("3300 000 005")
    page.serial.set_text("2211004573")
    click(qtbot, page.submit)
    qtbot.waitUntil(lambda: page.list.count() == 3, timeout=WAIT)
    assert page.message.text() == "Номер лицевого счета успешно добавлен"
    assert page.current_number() == "3300000005"
    assert not page.add_box.isVisible()
    qtbot.waitUntil(
        lambda: "3300000005" in page.meters.heading.text() and table.rowCount() == 1,
        timeout=WAIT,
    )

    # The remove button is «×» (not a Latin X), says what it does and, to a screen reader,
    # which account it removes.
    remove = page.row_widget("3300000005").remove
    assert remove.text() == "×"
    assert remove.toolTip() == "Удалить лицевой счёт"
    assert remove.accessibleName() == "Удалить лицевой счёт 3300000005"
    # «×» asks first; «Отмена» keeps the account.
    answers = iter([False, True])
    asked: list[str] = []
    monkeypatch.setattr(
        messages, "confirm", lambda parent, text, **kw: asked.append(text) or next(answers)
    )
    click(qtbot, page.row_widget("3300000005").remove)
    assert asked and "3300000005" in asked[0]
    assert page.list.count() == 3
    click(qtbot, page.row_widget("3300000005").remove)
    qtbot.waitUntil(lambda: page.list.count() == 2, timeout=WAIT)
    assert page.row_widget("3300000005") is None
    assert "удален" in page.message.text()


def test_company_confirms_the_organisation_and_sees_contracts(qtbot, ctx, server):
    profile = log_in(ctx, server, "company", demo.OGRN)
    [section] = sections(ctx, profile, None)
    assert section.title == "Договоры энергоснабжения"
    page = section.page
    assert isinstance(page, OrganizationPage)
    qtbot.addWidget(page)
    page.resize(1200, 760)
    page.show()
    qtbot.waitUntil(lambda: page.stack.currentWidget() is page.confirm_page, timeout=WAIT)

    click(qtbot, page.confirm_button)  # empty: said next to the field, nothing sent
    assert page.contract_field.error.text() == "Введите номер договора энергоснабжения"

    page.contract_field.set_text("ЭС-2001")  # the entrepreneur's, not this company's
    click(qtbot, page.confirm_button)
    qtbot.waitUntil(lambda: "не найден" in page.contract_field.error.text(), timeout=WAIT)
    assert page.stack.currentWidget() is page.confirm_page

    page.contract_field.set_text("ЭС-1001")
    click(qtbot, page.confirm_button)
    qtbot.waitUntil(lambda: page.stack.currentWidget() is page.contracts_page, timeout=WAIT)
    qtbot.waitUntil(lambda: page.tree_model.rowCount() == 2, timeout=WAIT)
    first = page.tree_model.item(0)
    assert first.text().startswith("Договор №\u00a0ЭС-1001\nот ")  # the date under it
    assert first.rowCount() == 3 and page.tree_model.item(1).rowCount() == 2
    qtbot.waitUntil(lambda: page.meters.model.rowCount() == 3, timeout=WAIT)

    # A metering point of the second contract: its meters, that one chosen.
    point = page.tree_model.item(1).child(1)
    page.tree.setCurrentIndex(point.index())
    qtbot.waitUntil(
        lambda: "ЭС-1002" in page.meters.heading.text() and page.meters.model.rowCount() == 2,
        timeout=WAIT,
    )
    wanted = point.data(Qt.ItemDataRole.UserRole)[1]
    qtbot.waitUntil(
        lambda: page.meters.card.meter is not None and page.meters.card.meter.id == wanted,
        timeout=WAIT,
    )

    # The next time the section opens, it goes straight to the contracts.
    again = OrganizationPage(ctx)
    qtbot.addWidget(again)
    again.show()
    qtbot.waitUntil(lambda: again.stack.currentWidget() is again.contracts_page, timeout=WAIT)


def test_not_in_registry_shows_support_contacts(qtbot, ctx):
    page = OrganizationPage(ctx)
    qtbot.addWidget(page)
    page.show()
    # The demo company is in the registry; its answer must be in before the one given below.
    qtbot.waitUntil(lambda: not ctx.tasks.is_busy(), timeout=WAIT)
    page.show_organization(
        Organization(False, False, {"phone": "8 (4922) 77-00-00", "email": "lk@voek.example"})
    )
    assert page.stack.currentWidget() is page.problem
    text = page.problem_text.text()
    assert "отсутствуют" in text and "8 (4922) 77-00-00" in text and "lk@voek.example" in text


def open_smart_page(qtbot, page: AccountsPage) -> SmartDataPage:
    meters = page.meters
    click(qtbot, meters.card.smart_button)
    smart = meters.smart_page
    assert isinstance(smart, SmartDataPage) and meters.currentWidget() is smart
    qtbot.waitUntil(lambda: smart.registers_model.rowCount() == 4, timeout=WAIT)
    return smart


def test_smart_data_table_and_charts(qtbot, individual_page, qtmodeltester):
    smart = open_smart_page(qtbot, individual_page)
    model = smart.registers_model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == ["Величина", "Дневная", "Ночная", "Сумма", "Ед. изм."]
    assert model.text(0, 0).startswith("Активная энергия (приём)")
    assert model.text(0, 4) == "кВт·ч" and model.text(2, 4) == "квар·ч"
    assert "," in model.text(0, 3)
    assert "27.11.2026 01:30 МСК" in smart.polled.text()
    assert smart.instant_model.rowCount() >= 5
    assert "Включено" in smart.relay.text()
    assert smart.events_model.rowCount() > 0
    for m in (model, smart.instant_model, smart.events_model):
        qtmodeltester.check(m)

    smart.tabs.setCurrentWidget(smart.daily)
    qtbot.waitUntil(lambda: smart.daily.chart_view is not None, timeout=WAIT)
    chart = smart.daily.chart_view.chart()
    [series] = chart.series()
    assert [s.label() for s in series.barSets()] == ["Дневная", "Ночная"]
    assert series.barSets()[0].count() == 30  # November
    assert "кВт·ч" in smart.daily.status.text()

    smart.tabs.setCurrentWidget(smart.halfhour)
    qtbot.waitUntil(lambda: smart.halfhour.chart_view is not None, timeout=WAIT)
    assert smart.halfhour.selected() == date(2026, 11, 27)
    smart.halfhour.picker.setDate(QDate(2026, 11, 20))
    qtbot.waitUntil(lambda: "20.11.2026" in smart.halfhour.chart_view.chart().title(), timeout=WAIT)
    assert len(smart.halfhour._keep[0].points()) == 96  # 48 intervals as steps

    click(qtbot, smart.back)
    assert individual_page.meters.currentWidget() is individual_page.meters.list_page


def test_order_an_archive_download_and_open_it(
    qtbot, individual_page, server, tmp_path: Path, monkeypatch, qtmodeltester
):
    smart = open_smart_page(qtbot, individual_page)
    click(qtbot, smart.archive_button)
    dialog = smart.findChild(archive_ui.ArchiveDialog)
    assert dialog is not None
    qtbot.addWidget(dialog)
    # 10:00 МСК, before the cut-off: the site's own words, once the server's terms are in.
    qtbot.waitUntil(lambda: archive_ui.NOTICE in dialog.notice.text(), timeout=WAIT)
    assert dialog.last_poll == date(2026, 11, 27)

    # The rules are checked before anything is sent, with the message next to the field.
    dialog.start.setDate(QDate(2020, 1, 1))
    assert "3 года" in dialog.start_error.text() and dialog.start_error.isVisible()
    dialog.start.setDate(QDate(2026, 11, 10))
    # Today's poll brought 3 of today's 48 half-hours: the last day offered is yesterday.
    dialog.end.setDate(QDate(2026, 11, 28))
    assert dialog.end.date() == dialog.end.maximumDate() == QDate(2026, 11, 26)
    assert "по 26.11.2026 — последние полные сутки" in dialog.limits.text()
    dialog.end.setDate(QDate(2026, 11, 5))
    assert "позже даты окончания" in dialog.start_error.text()
    click(qtbot, dialog.submit)
    qtbot.wait(200)
    assert dialog.model.rowCount() == 0

    dialog.start.setDate(QDate(2026, 11, 1))
    dialog.end.setDate(QDate(2026, 11, 7))
    assert dialog.start_error.isHidden() and dialog.end_error.isHidden()
    click(qtbot, dialog.submit)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1, timeout=WAIT)
    assert dialog.model.text(0, 3) == "Принят"
    assert dialog.model.text(0, 1) == "01.11.2026 – 07.11.2026"
    assert "принят" in dialog.status.text()
    assert dialog.update_button.isEnabled() and not dialog.download_button.isEnabled()
    qtmodeltester.check(dialog.model)

    # Change the dates while it is still allowed.
    dialog.start.setDate(QDate(2026, 11, 2))
    dialog.end.setDate(QDate(2026, 11, 8))
    click(qtbot, dialog.update_button)
    qtbot.waitUntil(lambda: dialog.model.text(0, 1) == "02.11.2026 – 08.11.2026", timeout=WAIT)

    # The next night the server produces the file.
    dev(server, "/dev/clock", now="2026-11-28T01:00:05+03:00")
    dev(server, "/dev/jobs/run")
    click(qtbot, dialog.refresh_button)
    qtbot.waitUntil(lambda: dialog.model.text(0, 3) == "Готов", timeout=WAIT)
    assert dialog.download_button.isEnabled() and not dialog.update_button.isEnabled()
    assert not dialog.open_file_button.isEnabled()

    offered: list[Path] = []
    dest = tmp_path / "Загрузки" / "архив.xlsx"

    def choose(parent, suggested: Path) -> Path:
        offered.append(suggested)
        return dest

    monkeypatch.setattr(archive_ui, "choose_save_path", choose)
    click(qtbot, dialog.download_button)
    qtbot.waitUntil(lambda: "Файл сохранен" in dialog.status.text(), timeout=WAIT)
    assert offered[0].name == dialog.model.requests[0].file_name
    assert dest.exists() and not Path(str(dest) + ".part").exists()
    assert dest.stat().st_size == dialog.model.requests[0].file_size
    assert not dialog.progress.isVisible() and not dialog.cancel_button.isVisible()

    opened: list[str] = []
    monkeypatch.setattr(
        archive_ui, "open_url", lambda url: opened.append(url.toLocalFile()) or True
    )
    click(qtbot, dialog.open_file_button)
    click(qtbot, dialog.open_folder_button)
    assert opened == [str(dest), str(dest.parent)]

    click(qtbot, dialog.open_app_button)
    book = dialog.workbook_dialog
    qtbot.addWidget(book)
    qtbot.waitUntil(lambda: book.complete, timeout=WAIT)
    assert book.sheet_box.currentText() == "Профиль 30 мин"
    assert book.model.rowCount() == 7 * 48
    assert book.model.headerData(2, Qt.Orientation.Horizontal) == "A+, кВт·ч"
    assert book.model.text(0, 0) == "02.11.2026 00:00"
    assert "," in book.model.text(0, 2)
    qtmodeltester.check(book.model)
    book.sheet_box.setCurrentText("Сведения")
    assert book.model.text(0, 0) == "Прибор учёта"

    # «Получить последние данные с прибора учёта» goes back to the live view.
    click(qtbot, dialog.live_button)
    assert not dialog.isVisible()
    qtbot.waitUntil(lambda: smart.refresh_button.isEnabled(), timeout=WAIT)
    assert smart.tabs.currentWidget() is smart.values_tab


def test_cancelled_download_keeps_the_part_and_resumes(qtbot, ctx, server, tmp_path, monkeypatch):
    """«Отмена» mid-file: nothing at the final path, the .part is kept, and the next
    «Скачать» continues it with a Range request, into the same file, without asking again."""
    import threading

    from voek_desktop.api import download as download_module

    log_in(ctx, server, "individual", demo.SNILS_TYPED)
    client = ctx.session.client
    meter = next(m for m in client.personal_account_meters("3300000001") if m.is_smart)
    client.create_archive_request(meter.id, "2026-10-01", "2026-11-26")
    dev(server, "/dev/clock", now="2026-11-28T01:00:05+03:00")
    dev(server, "/dev/jobs/run")

    # Small chunks, and the first download holds after its first chunk until the user has
    # pressed «Отмена»: the file is far too small to cancel in time otherwise.
    monkeypatch.setattr(download_module, "CHUNK", 4096)
    real_download = download_module.download
    cancelled_pressed, holding = threading.Event(), threading.Event()
    calls: list[int] = []

    def gated(client_, path, dest_, progress=None, cancelled=None, **kw):
        calls.append(1)
        if len(calls) > 1:
            return real_download(client_, path, dest_, progress, cancelled, **kw)

        def hold(done, total):
            if done > 0:
                holding.set()
                cancelled_pressed.wait(10)
            if progress is not None:
                progress(done, total)

        return real_download(client_, path, dest_, hold, cancelled, **kw)

    monkeypatch.setattr(download_module, "download", gated)

    dialog = archive_ui.ArchiveDialog(ctx, meter, date(2026, 11, 27))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(
        lambda: dialog.model.rowCount() == 1 and dialog.model.requests[0].is_ready, timeout=WAIT
    )
    dest = tmp_path / "a.xlsx"
    part = Path(str(dest) + ".part")
    asked: list[Path] = []
    monkeypatch.setattr(
        archive_ui, "choose_save_path", lambda parent, suggested: asked.append(suggested) or dest
    )
    click(qtbot, dialog.download_button)
    assert dialog.cancel_button.isVisible() and dialog.progress.isVisible()
    qtbot.waitUntil(holding.is_set, timeout=WAIT)
    click(qtbot, dialog.cancel_button)
    cancelled_pressed.set()
    qtbot.waitUntil(lambda: dialog.transfer is None, timeout=WAIT)
    assert "Загрузка отменена" in dialog.status.text()
    assert not dest.exists()
    kept = part.stat().st_size
    assert 0 < kept < dialog.model.requests[0].file_size
    assert dialog.download_button.isEnabled() and not dialog.cancel_button.isVisible()

    click(qtbot, dialog.download_button)
    qtbot.waitUntil(lambda: "Файл сохранен" in dialog.status.text(), timeout=WAIT)
    assert len(asked) == 1  # the kept .part decided where
    assert not part.exists()
    assert dest.stat().st_size == dialog.model.requests[0].file_size
    profile_rows = next(s for s in read_workbook(dest) if s.name == "Профиль 30 мин").rows
    assert len(profile_rows) == 57 * 48


def test_rows_model_shows_rows_as_they_arrive(qtmodeltester):
    model = RowsModel(["a", "b"])
    rows: list[list] = [[1, 2.5], ["x", None]]
    model.set_rows(rows)
    qtmodeltester.check(model)
    rows.append([3, 4.25])
    assert model.rowCount() == 2  # not told yet
    model.grow_to(3)
    assert model.rowCount() == 3
    assert model.text(2, 1) == "4,250"
    qtmodeltester.check(model)


def test_the_cabinet_lists_the_section_and_it_loads_when_opened(qtbot, ctx, server):
    from voek_desktop.ui.main_window import MainWindow

    dev(server, "/dev/clock", now=MORNING)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    lv = window.login_view
    lv.login.set_text(demo.SNILS_TYPED)
    lv.password.set_text(demo.PASSWORD)
    click(qtbot, lv.submit)
    qtbot.waitUntil(lambda: window.cabinet is not None, timeout=WAIT)
    cabinet = window.cabinet
    titles = [cabinet.nav.item(r).text() for r in range(cabinet.nav.count())]
    assert "Лицевые счета" in titles and "Договоры энергоснабжения" not in titles
    cabinet.open_section("Лицевые счета")
    page = cabinet.pages.currentWidget()
    assert isinstance(page, AccountsPage)
    qtbot.waitUntil(lambda: page.list.count() == 2, timeout=WAIT)
    qtbot.waitUntil(lambda: page.meters.model.rowCount() == 1, timeout=WAIT)


def test_a_damaged_workbook_says_so_in_the_table_window(qtbot, ctx, tmp_path):
    from voek_desktop.ui.metering.archive_table import WorkbookDialog

    damaged = tmp_path / "Архив.xlsx"
    damaged.write_bytes(b"PK\x03\x04 the download was cut and then renamed by hand")
    book = WorkbookDialog(ctx, damaged)
    qtbot.addWidget(book)
    book.show()
    book.load()
    qtbot.waitUntil(lambda: not book.cancel_button.isVisible(), timeout=WAIT)
    assert book.status.text() == (
        "Не удалось прочитать файл: файл повреждён или не является книгой Excel (.xlsx)."
    )
    assert book.model.rowCount() == 0
