"""Demo mode shows the whole story without curl (issue 12 item 13): the «Демо: действия сетевой
организации» panel offers a contract and the open «Договоры» section shows it, answers a
«Обратная связь» thread, moves the server's clock a day on; the login screen's demo hint and
«Демо-данные…» list the registry's numbers. Real widgets, the real demo server over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from tests import demo
from voek_desktop.api.client import CabinetClient
from voek_desktop.domain.formats import format_datetime
from voek_desktop.session import Session
from voek_desktop.ui import demo as demo_ui
from voek_desktop.ui.applications.contracts import ContractsPage
from voek_desktop.ui.applications.feedback import FeedbackPage
from voek_desktop.ui.context import Context
from voek_desktop.ui.demo_panel import DemoActionsDialog, DemoDataDialog, path_to
from voek_desktop.ui.kit.tasks import Tasks
from voek_desktop.ui.main_window import MainWindow


@pytest.fixture
def demo_ctx(server, qtbot) -> Iterator[Context]:
    tasks = Tasks()
    context = Context(Session(server.url), tasks, demo=True, demo_logins=demo_ui.logins())
    yield context
    qtbot.waitUntil(lambda: not tasks.is_busy(), timeout=20_000)
    tasks.shutdown()


@pytest.fixture
def window(qtbot, demo_ctx) -> MainWindow:
    w = MainWindow(demo_ctx)
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    qtbot.waitExposed(w)
    return w


def in_cabinet(qtbot, window: MainWindow, ctx: Context) -> None:
    demo.log_in(ctx.session)
    window.show_cabinet(ctx.session.profile)


def section(window: MainWindow, title: str):
    cabinet = window.cabinet
    assert cabinet is not None
    cabinet.open_section(title)
    return cabinet.pages.currentWidget()


def panel(qtbot, window: MainWindow) -> DemoActionsDialog:
    menu = next(a for a in window.menuBar().actions() if a.text() == "Демо").menu()
    action = next(a for a in menu.actions() if a.text().startswith("Демо: действия"))
    action.trigger()
    dialogs = window.findChildren(DemoActionsDialog)
    assert len(dialogs) == 1
    dialog = dialogs[0]
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def test_operator_steps_towards_a_contract() -> None:
    assert path_to("registered", "contract_offered") == ["review", "contract_offered"]
    assert path_to("need_info", "contract_offered") == ["review", "contract_offered"]
    assert path_to("completed", "contract_offered") == []


def test_the_panel_offers_a_contract_and_the_contracts_section_shows_it(
    qtbot, window, demo_ctx
) -> None:
    qtbot.waitUntil(lambda: window.menuBar().actions() != [], timeout=5_000)
    in_cabinet(qtbot, window, demo_ctx)
    contracts = section(window, "Договоры")
    assert isinstance(contracts, ContractsPage)
    qtbot.waitUntil(lambda: contracts.tabs.tabText(0) == "Исполняемые (0)", timeout=10_000)

    dialog = panel(qtbot, window)
    qtbot.waitUntil(lambda: dialog.application.count() > 0, timeout=10_000)
    need_info = next(a for a in dialog.applications if a.status == "need_info")
    dialog.application.setCurrentIndex(dialog.application.findData(need_info.id))
    assert dialog.offer_button.isEnabled()
    qtbot.mouseClick(dialog.offer_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: contracts.active_model.rowCount() == 1, timeout=15_000)
    offered = contracts.active_model.records[0]
    assert offered.application_number == need_info.number
    assert contracts.tabs.tabText(0) == "Исполняемые (1)"
    result = dialog.findChild(QLabel, "dialogResult")
    assert result is not None and "Направлен договор" in result.text()
    # The application moved on in the panel too: no second offer.
    qtbot.waitUntil(lambda: not dialog.offer_button.isEnabled(), timeout=10_000)
    # Logged out: the panel no longer lists that consumer's applications, and is the only one.
    window.log_out()
    qtbot.waitUntil(lambda: dialog.application.count() == 0, timeout=10_000)
    assert "Войдите" in dialog.applications_hint.text()
    assert panel(qtbot, window) is dialog


def test_the_panel_answers_feedback_and_moves_the_clock(qtbot, server, window, demo_ctx) -> None:
    qtbot.waitUntil(lambda: window.menuBar().actions() != [], timeout=5_000)
    in_cabinet(qtbot, window, demo_ctx)
    feedback = section(window, "Обратная связь")
    assert isinstance(feedback, FeedbackPage)
    dialog = panel(qtbot, window)
    qtbot.waitUntil(lambda: dialog.thread_box.count() > 0, timeout=10_000)
    dialog.reply.setPlainText("Ответ из демо-панели")
    qtbot.mouseClick(dialog.reply_button, Qt.MouseButton.LeftButton)
    thread_id = dialog.thread_box.currentData()

    def result_text() -> str:
        label = dialog.findChild(QLabel, "dialogResult")
        return label.text() if label is not None else ""

    qtbot.waitUntil(lambda: result_text() == "Ответ отправлен.", timeout=10_000)
    assert "есть ответ" in dialog.thread_box.currentText()
    # The test's own client: the session's belongs to the app's worker thread.
    client = CabinetClient(server.url, retries=0)
    demo.log_in(client)
    texts = [m.text for m in client.feedback_thread(thread_id).messages]
    assert texts[-1] == "Ответ из демо-панели"

    qtbot.waitUntil(lambda: dialog.clock.text() != "", timeout=10_000)
    before = datetime.fromisoformat(client.dev_clock())
    qtbot.mouseClick(dialog.next_day_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "задани" in result_text().lower(), timeout=10_000)
    after = datetime.fromisoformat(client.dev_clock())
    assert (after - before).total_seconds() >= 86_400
    assert format_datetime(after)[:10] in dialog.clock.text()
    client.close()


def test_the_login_hint_and_the_demo_data_list_the_numbers(qtbot, window, demo_ctx) -> None:
    hint = window.login_view.demo_numbers
    # «Загрузка демо-данных…» first, then the numbers (test_demo_start.py: the server's start).
    qtbot.waitUntil(lambda: hint.isVisible() and "3300" in hint.text(), timeout=10_000)
    text = hint.text()
    # A spare personal account with its meter, the supply contracts by whose they are (their
    # ОГРН are in the logins above; «Демо-данные…» has ОГРН and ИНН beside them).
    assert "лицевой счёт 3300000003 (ПУ 31804522)" in text
    assert "ЭС-1001, ЭС-1002 (юр. лицо)" in text
    assert "ЭС-2001 (ИП)" in text
    assert "3300000001" not in text  # already in the demo individual's cabinet

    assert "Демо-данные…" in text
    hint.linkActivated.emit("#demo-data")
    dialog = window.login_view.findChild(DemoDataDialog)
    assert dialog is not None
    qtbot.waitUntil(lambda: "3300000012" in dialog.text.toPlainText(), timeout=10_000)
    listed = dialog.text.toPlainText()
    for number in ("3300000001", "41070012", "011552190007725", "3337234788", "332087096400"):
        assert number in listed
    assert "ООО «Клязьма-Приборсервис»" in listed


def test_the_readme_lists_every_demo_number(client) -> None:
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    registry = client.dev_registry()
    assert len(registry.personal_accounts) == 12
    for account in registry.personal_accounts:
        assert account.number in readme
        for serial in account.meter_serial_numbers:
            assert serial in readme
    for org in registry.organizations:
        for number in (org.ogrn, org.inn, *org.supply_contracts):
            assert number in readme
