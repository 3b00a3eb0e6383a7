"""Every screen fits a 1024×600 screen at 100 % (issue 12 "Fit"), the meters table gives its spare
width to the address, and the charts' axes show readable, distinct labels (issue 12 "Charts")."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests
from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QApplication, QHeaderView, QMainWindow, QScrollArea, QWidget

from tests import demo
from voek_desktop.ui.kit.style import STYLE_SHEET

WAIT = 15_000
ROOT = Path(__file__).resolve().parents[2]
# A supply contract of each demo organisation (the demo server's data), to confirm it with.
SUPPLY_CONTRACTS = {"company": "ЭС-1001", "entrepreneur": "ЭС-2001"}
SCREEN = QSize(1024, 600)


@pytest.fixture(autouse=True)
def styled(qapp):
    qapp.setStyleSheet(STYLE_SHEET)
    yield
    qapp.setStyleSheet("")


@pytest.fixture(autouse=True)
def idle_at_the_end(request, qtbot):
    ctx = request.getfixturevalue("ctx") if "ctx" in request.fixturenames else None
    yield
    if ctx is not None:
        qtbot.waitUntil(lambda: not ctx.tasks.is_busy(), timeout=WAIT)


def _needs(widget: QWidget) -> QSize:
    return widget.minimumSizeHint().expandedTo(widget.minimumSize())


def _culprits(widget: QWidget, depth: int = 0) -> list[str]:
    """The chain of visible children that ask for most of the screen, for the message."""
    out = []
    for child in widget.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly):
        size = _needs(child)
        if child.isVisibleTo(widget) and (size.width() > 600 or size.height() > 500):
            name = f"{type(child).__name__}#{child.objectName()} {size.width()}×{size.height()}"
            out += ["  " * depth + name, *_culprits(child, depth + 1)]
    return out


def _sideways(widget: QWidget) -> list[str]:
    """Scroll areas whose content is wider than they are: a screen that scrolls sideways, or
    is cut, however small the window's own minimum is (the cabinet's pages and the login card
    scroll, so their minimum no longer shows in the window's)."""
    out = []
    for area in widget.findChildren(QScrollArea):
        content = area.widget()
        if content is None or not area.isVisible():
            continue
        need = _needs(content).width()
        if need > area.viewport().width():
            out.append(f"{type(content).__name__}#{content.objectName()} needs {need} px")
            out += ["  " + line for line in _culprits(content)]
    return out


def assert_fits(widget: QWidget, what: str) -> None:
    """Its minimum fits the screen, and at the screen's size (the main window; a dialog at the
    size it opens with) nothing scrolls sideways."""
    hint = _needs(widget)
    assert hint.width() <= SCREEN.width() and hint.height() <= SCREEN.height(), (
        f"{what}: needs at least {hint.width()}×{hint.height()}\n" + "\n".join(_culprits(widget))
    )
    if isinstance(widget, QMainWindow):
        widget.resize(SCREEN)
        pump()
    wide = _sideways(widget)
    assert not wide, f"{what} at {widget.width()}×{widget.height()} scrolls sideways:\n" + (
        "\n".join(wide)
    )


def settle(qtbot) -> None:
    qtbot.wait(50)


def _window_on_the_demo_day(qtbot, ctx, server) -> QMainWindow:
    """The main window, not yet shown, with the server's clock on the demo's day (27.11.2026),
    so every screen shows the same data."""
    from voek_desktop.ui.main_window import MainWindow

    requests.post(
        f"{server.url}/api/v1/dev/clock", json={"now": "2026-11-27T10:00:00+03:00"}, timeout=30
    ).raise_for_status()
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    return window


@pytest.mark.parametrize("consumer_type", ["individual", "entrepreneur", "company"])
def test_every_cabinet_section_fits_a_small_screen(qtbot, ctx, server, consumer_type) -> None:

    window = _window_on_the_demo_day(qtbot, ctx, server)
    show_painted(window)
    assert_fits(window, "login")
    profile = demo.log_in(ctx.session, consumer_type).profile
    if consumer_type in SUPPLY_CONTRACTS:
        ctx.session.client.confirm_organization(SUPPLY_CONTRACTS[consumer_type])
    window.show_cabinet(profile)
    cabinet = window.cabinet
    assert cabinet is not None
    for row in range(cabinet.nav.count()):
        cabinet.nav.setCurrentRow(row)
        settle(qtbot)
        assert_fits(window, cabinet.nav.item(row).text())
        meters = getattr(cabinet.pages.widget(row), "meters", None)
        if meters is not None:
            for tab, _page in smart_pages(meters):
                assert_fits(window, f"smart data: {tab}")


def show_painted(window) -> None:
    """Shown and painted once: the «Бланки» menu bar comes after the first paint."""
    window.show()
    pump(lambda: window.menuBar().actions())


def pump(condition: Callable[[], object] = lambda: True, seconds: float = 15) -> None:
    """Let Qt run until ``condition`` holds: qtbot's waitUntil, also for the child process of
    the 200 % test, which has no qtbot."""
    app = QApplication.instance()
    deadline = time.monotonic() + seconds
    while True:
        app.processEvents()
        if condition():
            return
        if time.monotonic() > deadline:
            raise TimeoutError("the screen did not get ready")
        time.sleep(0.01)


def dialogs(ctx) -> Iterator[tuple[str, QWidget]]:
    """Every dialog of the app, each yielded while it is shown at the size it opens with;
    the cabinet's ones after logging the demo individual in."""
    from voek_desktop.settings import Settings
    from voek_desktop.ui.applications.blank_forms import BlankFormsDialog
    from voek_desktop.ui.applications.page import drafts_for
    from voek_desktop.ui.applications.wizard import ApplicationWizard
    from voek_desktop.ui.identity.dialogs import (
        ActivationDialog,
        EmailChangeDialog,
        OutboxDialog,
        PasswordChangeDialog,
        PasswordResetDialog,
    )
    from voek_desktop.ui.identity.registration import RegistrationDialog
    from voek_desktop.ui.metering.archive_requests import ArchiveDialog
    from voek_desktop.ui.settings_dialog import SettingsDialog

    def shown(name: str, dialog: QWidget) -> Iterator[tuple[str, QWidget]]:
        dialog.show()
        pump()
        yield name, dialog
        # The dialogs' own requests run on the API worker; the client is not for two threads.
        pump(lambda: not ctx.tasks.is_busy())
        dialog.hide()
        dialog.deleteLater()

    for make in (RegistrationDialog, ActivationDialog, PasswordResetDialog, OutboxDialog):
        yield from shown(make.__name__, make(ctx))
    yield from shown("SettingsDialog", SettingsDialog(Settings(clerk_mode=True)))
    yield from shown("BlankFormsDialog", BlankFormsDialog(ctx))
    profile = demo.log_in(ctx.session).profile
    for make in (PasswordChangeDialog, EmailChangeDialog):
        yield from shown(make.__name__, make(ctx))
    client = ctx.session.client
    meter = next(
        m
        for account in client.personal_accounts()
        for m in client.personal_account_meters(account.number)
        if m.is_smart
    )
    yield from shown("ArchiveDialog", ArchiveDialog(ctx, meter, None))
    from voek_desktop.ui.metering.report import ReadingsReportDialog

    yield from shown("ReadingsReportDialog", ReadingsReportDialog(ctx, meter=meter))
    from voek_desktop.ui.demo_panel import DemoActionsDialog, DemoDataDialog

    for make in (DemoActionsDialog, DemoDataDialog):
        yield from shown(make.__name__, make(ctx))
    from voek_desktop.ui.metering.archive_table import WorkbookDialog

    damaged = Path(tempfile.mkdtemp(prefix="voek-fit-")) / "Архив.xlsx"
    damaged.write_bytes(b"not a workbook")  # the window's size does not depend on its rows
    book = WorkbookDialog(ctx, damaged)
    book.load()
    yield from shown("WorkbookDialog", book)
    wizard = ApplicationWizard(ctx, profile, drafts_for(ctx))
    wizard.show()
    for step in range(4):
        if step == 1:
            wizard.category_step.buttons["p14"].setChecked(True)
        wizard.go(step) if step != 1 else wizard.next()
        pump()
        yield f"wizard step {step + 1}", wizard
    pump(lambda: not ctx.tasks.is_busy())
    wizard.hide()
    wizard.deleteLater()


def assert_opens_on_screen(widget: QWidget, what: str) -> None:
    """The size it opens with, which Qt keeps even when the screen is smaller."""
    area = widget.screen().availableGeometry()
    size = widget.size()
    assert size.width() <= area.width() and size.height() <= area.height(), (
        f"{what} opens at {size.width()}×{size.height()}"
        f" on a {area.width()}×{area.height()} screen\n" + "\n".join(_culprits(widget))
    )


def test_dialogs_fit_a_small_screen(qtbot, ctx, server) -> None:
    seen = []
    for name, dialog in dialogs(ctx):
        assert_fits(dialog, name)
        assert_opens_on_screen(dialog, name)
        seen.append(name)
    assert len(seen) == 17


@pytest.mark.parametrize("clerk", [False, True])
def test_the_demo_login_and_the_lock_screen_fit_a_small_screen(qtbot, server, clerk) -> None:
    """The demo box makes the login card taller than 600 px: the card scrolls instead."""
    from voek_desktop.session import Session
    from voek_desktop.ui.context import Context
    from voek_desktop.ui.demo import logins
    from voek_desktop.ui.kit.tasks import Tasks
    from voek_desktop.ui.main_window import MainWindow

    session = Session(server.url, clerk=clerk)
    ctx = Context(session, Tasks(), demo=True, demo_logins=logins(), clerk=clerk)
    try:
        window = MainWindow(ctx)
        qtbot.addWidget(window)
        show_painted(window)
        assert_fits(window, "demo login")
        if clerk:
            window.show_cabinet(demo.log_in(ctx.session).profile)
            window.lock()
            assert window.is_locked()
            assert_fits(window, "lock screen")
    finally:
        qtbot.waitUntil(lambda: not ctx.tasks.is_busy(), timeout=WAIT)
        ctx.tasks.shutdown()


def smart_pages(meters) -> Iterator[tuple[str, QWidget]]:
    """The data of the first smart meter in ``meters`` (once its list has loaded), and then
    each of its tabs."""
    pump(lambda: meters.model.rowCount() > 0)
    smart = [m for m in meters.model.meters if m.is_smart]
    meters.select_meter(smart[0].id)
    meters.card.smart_button.click()
    page = meters.smart_page
    pump(lambda: page.data is not None)
    for index in range(page.tabs.count()):
        page.tabs.setCurrentIndex(index)
        chart = page.tabs.currentWidget()
        pump(lambda c=chart: getattr(c, "chart_view", True) is not None)
        pump(lambda: not meters.ctx.tasks.is_busy())
        yield page.tabs.tabText(index), page
    page.back_requested.emit()


def check_at_double_scale(url: str) -> int:
    """Run in a child process with QT_SCALE_FACTOR=2 on a 1920×1080 screen: the main window
    with every section of every consumer type, and every dialog, fit the 960×540 logical
    screen. Prints what does not; the exit status is the number of misfits."""
    import keyring
    from keyring.backends import null

    from voek_desktop.session import Session
    from voek_desktop.ui.context import Context
    from voek_desktop.ui.demo import logins
    from voek_desktop.ui.kit.tasks import Tasks
    from voek_desktop.ui.main_window import MainWindow

    keyring.set_keyring(null.Keyring())
    app = QApplication([])
    app.setStyleSheet(STYLE_SHEET)
    area = app.primaryScreen().availableGeometry().size()
    assert (area.width(), area.height()) == (960, 540), area
    misfits = []
    checked = []

    def check(widget: QWidget, what: str) -> None:
        checked.append(what)
        need = _needs(widget).expandedTo(widget.size())
        wide = _sideways(widget)
        if wide:
            misfits.append(f"{what} scrolls sideways:\n" + "\n".join(wide))
        if need.width() > area.width() or need.height() > area.height():
            misfits.append(
                f"{what}: {need.width()}×{need.height()}\n" + "\n".join(_culprits(widget))
            )

    ctx = Context(Session(url), Tasks(), demo=True, demo_logins=logins())
    window = MainWindow(ctx)
    show_painted(window)
    pump()
    check(window, "login")
    for kind in ("individual", "entrepreneur", "company"):
        profile = demo.log_in(ctx.session, kind).profile
        if kind in SUPPLY_CONTRACTS:
            ctx.session.client.confirm_organization(SUPPLY_CONTRACTS[kind])
        window.show_cabinet(profile)
        cabinet = window.cabinet
        for row in range(cabinet.nav.count()):
            cabinet.nav.setCurrentRow(row)
            pump(lambda: not ctx.tasks.is_busy())
            check(window, f"{kind}: {cabinet.nav.item(row).text()}")
            meters = getattr(cabinet.pages.widget(row), "meters", None)
            if meters is not None:
                for what, _page in smart_pages(meters):
                    check(window, f"{kind}: {what}")
        window._drop_cabinet()
        pump(lambda: not ctx.tasks.is_busy())
        ctx.session.log_out()
    for name, dialog in dialogs(ctx):
        check(dialog, name)
    pump(lambda: not ctx.tasks.is_busy())
    ctx.tasks.shutdown()
    print("\n".join(misfits))
    print(f"checked {len(checked)} screens")
    return len(misfits)


@pytest.mark.slow
def test_everything_fits_960x540_at_200_percent(server, tmp_path: Path) -> None:
    """A 1920×1080 screen at 200 % (issue 12 "Fit"); the scale is read once, when the
    QApplication is made, hence a process of its own."""
    config = tmp_path / "screen.json"
    screen = {"name": "s", "x": 0, "y": 0, "width": 1920, "height": 1080}
    config.write_text(json.dumps({"screens": [{**screen, "logicalDpi": 96, "dpr": 1}]}))
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": f"offscreen:configfile={config}",
        "QT_SCALE_FACTOR": "2",
        "VOEK_DATA_DIR": str(tmp_path / "data"),
        "VOEK_CONFIG_DIR": str(tmp_path / "config"),
    }
    env.pop("QT_SCREEN_SCALE_FACTORS", None)
    script = "import sys; from tests.ui.test_fit import check_at_double_scale as c;"
    script += " sys.exit(c(sys.argv[1]))"
    done = subprocess.run(
        [sys.executable, "-c", script, server.url],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    # login, 7 + 7 + 7 sections (the company's and the entrepreneur's include the
    # organisation; each has «Уведомления»), each with the three tabs of a smart meter, 17
    # dialogs and wizard steps
    assert "checked 48 screens" in done.stdout, done.stdout


def test_the_main_window_is_never_larger_than_the_screen(qtbot, ctx) -> None:
    from voek_desktop.ui.main_window import MainWindow

    window = MainWindow(ctx)
    qtbot.addWidget(window)
    available = window.screen().availableGeometry()
    assert window.width() <= available.width() and window.height() <= available.height()


def test_the_meters_table_stretches_the_address(qtbot, ctx) -> None:
    from voek_desktop.ui.metering.meters import MetersPanel

    panel = MetersPanel(ctx)
    qtbot.addWidget(panel)
    header = panel.table.horizontalHeader()
    address = panel.model.HEADERS.index("Адрес\nточки учёта")
    modes = [header.sectionResizeMode(c) for c in range(panel.model.columnCount())]
    assert modes[address] == QHeaderView.ResizeMode.Stretch
    others = [m for i, m in enumerate(modes) if i != address]
    assert all(m == QHeaderView.ResizeMode.ResizeToContents for m in others)
    # One line per address, elided at the right with the full text in the tooltip.
    assert not panel.table.wordWrap()
    assert panel.table.textElideMode() == Qt.TextElideMode.ElideRight


def _labels(axis) -> list[str]:
    """What a QValueAxis draws at its ticks, formatted as the chart formats them."""
    from voek_desktop.ui.metering.smart import axis_labels

    return axis_labels(axis)


@pytest.mark.parametrize("kind", ["primary", "segment", "link", "header"])
def test_a_focused_button_keeps_its_size(qtbot, kind) -> None:
    """The focus ring must not take its width from the text: «Зарегистрироваться» was cut
    at the bottom while it had the focus."""
    from PySide6.QtWidgets import QFrame, QLineEdit, QPushButton, QVBoxLayout

    from voek_desktop.ui.kit.widgets import link_button, primary_button

    holder = QFrame()
    holder.setObjectName("header" if kind == "header" else "")
    qtbot.addWidget(holder)
    layout = QVBoxLayout(holder)
    other = QLineEdit(holder)
    if kind == "primary":
        button = primary_button("Зарегистрироваться", holder)
    elif kind == "link":
        button = link_button("Забыли пароль?", holder)
    else:
        button = QPushButton("Индивидуальный предприниматель", holder)
        button.setObjectName("segment" if kind == "segment" else "logout")
    layout.addWidget(other)
    layout.addWidget(button)
    holder.show()
    qtbot.waitExposed(holder)

    def room() -> tuple[int, int]:
        """Where the text goes, as the style lays it out in the button's present state."""
        from PySide6.QtWidgets import QStyle, QStyleOptionButton

        option = QStyleOptionButton()
        button.initStyleOption(option)
        rect = button.style().subElementRect(
            QStyle.SubElement.SE_PushButtonContents, option, button
        )
        return rect.width(), rect.height()

    other.setFocus()
    qtbot.waitUntil(other.hasFocus)
    before = room()
    button.setFocus()
    qtbot.waitUntil(button.hasFocus)
    assert room() == before


def test_a_page_scrolls_only_for_its_own_content(qtbot, ctx, server) -> None:
    """After the charts were seen, «Профиль» (a short page) still fits 1024×600 without
    scrolling: the cabinet asks for the room of the page it shows, not of its largest."""
    from voek_desktop.ui.main_window import MainWindow

    window = MainWindow(ctx)
    qtbot.addWidget(window)
    show_painted(window)
    window.show_cabinet(demo.log_in(ctx.session).profile)
    cabinet = window.cabinet
    cabinet.open_section("Лицевые счета")
    for _tab, _page in smart_pages(cabinet.pages.currentWidget().meters):
        pass
    cabinet.open_section("Профиль")
    window.resize(SCREEN)
    qtbot.wait(200)
    [area] = [a for a in cabinet.findChildren(QScrollArea) if a.widget() is cabinet.pages]
    assert _needs(cabinet.pages).height() <= area.viewport().height()
    assert not area.verticalScrollBar().isVisible()


@pytest.mark.parametrize("size", [QSize(1024, 600), QSize(1366, 768)], ids=["1024", "1366"])
def test_the_running_term_and_its_buttons_are_on_screen_in_full(qtbot, ctx, server, size) -> None:
    """«Заявки» with the demo's overdue application chosen: the page fits the window without
    scrolling (it always scrolled: the scroll area took the page's preferred height, not its
    least), and the term's two lines are not squeezed under its buttons (a splitter's pane)."""

    from voek_desktop.ui.applications.page import ApplicationsPage

    window = _window_on_the_demo_day(qtbot, ctx, server)
    window.resize(size)
    show_painted(window)
    window.show_cabinet(demo.log_in(ctx.session).profile)
    cabinet = window.cabinet
    assert cabinet is not None
    page = next(p for p in cabinet.findChildren(ApplicationsPage))
    cabinet.open_section("Заявки")
    pump(lambda: page.active_model.rowCount() > 0)
    row = next(
        i for i, a in enumerate(page.active_model.records) if any(d.overdue for d in a.deadlines)
    )
    page.active_view.selectRow(row)
    box = page.deadline_box
    pump(lambda: box.isVisible() and box.claim_button.isVisible())
    settle(qtbot)
    area = cabinet.pages.parentWidget().parentWidget()
    assert area.verticalScrollBar().maximum() == 0, "the page fits: nothing below the window"
    label = box.label
    assert label.height() >= label.heightForWidth(label.width()), "the term's text in full"
    bottom = label.mapTo(window, label.rect().bottomLeft()).y()
    assert bottom <= box.claim_button.mapTo(window, box.claim_button.rect().topLeft()).y()
    assert box.claim_button.mapTo(window, box.claim_button.rect().bottomLeft()).y() < size.height()


def test_the_contracts_list_shows_every_column_on_a_narrow_window(
    qtbot, ctx, server, tmp_path
) -> None:
    """960 px wide (1920×1080 at 200 %): the list's pane is as wide as its four columns and
    the preview beside it gives way; «Дата» was cut behind a sideways scroll bar."""
    from tests.ui.applications.test_fresh import open_cabinet, page_of
    from tests.ui.applications.test_sections import offered_contract
    from voek_desktop.api.client import CabinetClient
    from voek_desktop.ui.applications.contracts import ContractsPage

    api = CabinetClient(server.url, retries=0)
    demo.log_in(api)
    offered_contract(server, api, tmp_path)
    api.close()
    cabinet = open_cabinet(qtbot, ctx)
    cabinet.resize(960, 540)
    page = page_of(cabinet, ContractsPage)
    cabinet.open_section("Договоры")
    pump(lambda: page.active_model.rowCount() > 0)
    settle(qtbot)
    view = page.active_view
    assert view.horizontalScrollBar().maximum() == 0, "every column in view"
    header = view.horizontalHeader()
    for column in range(header.count()):
        assert header.sectionSize(column) >= header.sectionSizeHint(column) - 1


def _clipped_headers(table) -> list[str]:
    """The column titles of ``table`` whose text is wider than the section that shows it."""
    header = table.horizontalHeader()
    model = table.model()
    metrics = header.fontMetrics()
    clipped = []
    for column in range(model.columnCount()):
        text = str(model.headerData(column, Qt.Orientation.Horizontal))
        width = max(metrics.horizontalAdvance(line) for line in text.splitlines())
        if width > header.sectionSize(column):
            clipped.append(f"{text!r}: {width} > {header.sectionSize(column)}")
    return clipped


def test_the_meters_table_titles_fit_their_columns_on_a_small_screen(qtbot, ctx, server) -> None:
    """At 1024×600 every title of the meters table (e.g. «Дата показаний») is whole."""
    _, page = _accounts_page(qtbot, ctx, server, SCREEN)
    meters = page.meters
    assert not _clipped_headers(meters.table), _clipped_headers(meters.table)
    # ... and «Дата показаний» in sight, not cut by the table's right edge.
    header = meters.table.horizontalHeader()
    column = meters.model.HEADERS.index("Дата\nпоказаний")
    right = header.sectionViewportPosition(column) + header.sectionSize(column)
    assert right <= meters.table.viewport().width(), (right, meters.table.viewport().width())


def _accounts_page(qtbot, ctx, server, size: QSize):
    """«Лицевые счета» of the demo individual in a window of ``size``, with the account of the
    three-zone smart meter chosen (the widest table: its serial number and three readings)."""
    from voek_desktop.ui.metering.accounts import AccountsPage

    window = _window_on_the_demo_day(qtbot, ctx, server)
    show_painted(window)
    window.show_cabinet(demo.log_in(ctx.session, "individual").profile)
    window.resize(size)
    cabinet = window.cabinet
    cabinet.open_section("Лицевые счета")
    page = cabinet.pages.currentWidget()
    assert isinstance(page, AccountsPage)
    meters = page.meters
    pump(lambda: meters.model.rowCount() > 0 and not ctx.tasks.is_busy())
    page.list.setCurrentRow(1)
    pump(lambda: "3300000002" in meters.heading.text() and meters.model.rowCount() > 0)
    pump(lambda: not ctx.tasks.is_busy())
    settle(qtbot)
    return window, page


# 1024×600 at 100 %, 1366×768, and 1920×1080 at 200 % (the same 960×540 in the window's
# pixels, the fonts at the same size in them).
SIZES = [QSize(1024, 600), QSize(1366, 768), QSize(960, 540)]


@pytest.mark.parametrize("size", SIZES, ids=["1024", "1366", "1920x2"])
def test_the_meters_table_and_the_accounts_list_fit_side_by_side(qtbot, ctx, server, size):
    """No sideways scroll bar under the meters table and every column whole; the accounts list
    takes what is left, between its least (the number and «×») and its most (240 px at this
    font), and each account's number and address are shown in full."""
    _window, page = _accounts_page(qtbot, ctx, server, size)
    table = page.meters.table
    assert table.horizontalScrollBar().maximum() == 0, "the meters table scrolls sideways"
    header = table.horizontalHeader()
    for column in range(header.count()):
        if column != page.meters.model.ADDRESS:
            assert header.sectionSize(column) >= table.sizeHintForColumn(column), column
    assert not _clipped_headers(table), _clipped_headers(table)
    least, most = page.list_widths()
    assert least <= page.list.width() <= most
    if size.width() >= 1366:
        assert page.list.width() == most, "room enough: the list at its widest"
    for row in range(page.list.count()):
        widget = page.list.itemWidget(page.list.item(row))
        assert widget.remove.isVisible()
        right = widget.remove.mapTo(page.list.viewport(), widget.remove.rect().topRight()).x()
        assert right < page.list.viewport().width(), "«×» in sight"
        [label] = [w for w in widget.children() if type(w).__name__ == "QLabel"]
        assert label.height() >= label.heightForWidth(label.width()), label.text()


@pytest.mark.parametrize("switches", [1, 2])
def test_a_taller_meter_card_is_not_squeezed(qtbot, ctx, server, switches):
    """Choosing the account whose meter has three readings: the card grows and the page
    scrolls; the page kept its old height, the card's rows drawn over each other, until the
    window was resized."""
    window, page = _accounts_page(qtbot, ctx, server, SCREEN)
    cabinet = window.cabinet
    meters = page.meters
    for row in [0, 1] * switches:  # the short card, then the tall one
        page.list.setCurrentRow(row)
        pump(lambda: meters.model.rowCount() > 0 and not ctx.tasks.is_busy())
        settle(qtbot)
    assert "3300000002" in meters.heading.text()
    assert page.height() >= cabinet.pages.heightForWidth(page.width()), "the page in full"
    card = meters.card
    assert card.height() >= card.layout().totalMinimumHeightForWidth(card.width())
    for i in range(card.grid.count()):
        label = card.grid.itemAt(i).widget()
        assert label.height() >= label.fontMetrics().height(), label.text()


@pytest.mark.parametrize("size", SIZES, ids=["1024", "1366", "1920x2"])
def test_a_meters_data_shows_all_its_tabs(qtbot, ctx, server, size):
    """«Получить данные»: the list beside gives way, so that the three tabs are in sight
    without the tab bar's scroll arrows (at 200 % «Нагрузка за сутки» was cut)."""
    _window, page = _accounts_page(qtbot, ctx, server, size)
    meters = page.meters
    qtbot.mouseClick(meters.card.smart_button, Qt.MouseButton.LeftButton)
    smart = meters.smart_page
    assert smart is not None
    pump(lambda: not ctx.tasks.is_busy())
    settle(qtbot)
    bar = smart.tabs.tabBar()
    whole = sum(bar.tabSizeHint(i).width() for i in range(bar.count()))
    assert bar.width() >= whole, (bar.width(), whole)
    back = meters.list_page
    meters.setCurrentWidget(back)
    settle(qtbot)
    assert meters.table.horizontalScrollBar().maximum() == 0


@pytest.mark.parametrize("size", SIZES, ids=["1024", "1366", "1920x2"])
def test_the_companys_meters_table_fits_beside_its_contracts(qtbot, ctx, server, size):
    """«Договоры энергоснабжения» of the demo company: the contracts' column narrows (down to
    its report button) so that the meters table shows every column without a sideways scroll
    bar (beside a 280 px tree it scrolled at 1024×600)."""
    from voek_desktop.ui.metering.organization import OrganizationPage

    window = _window_on_the_demo_day(qtbot, ctx, server)
    show_painted(window)
    profile = demo.log_in(ctx.session, "company").profile
    ctx.session.client.confirm_organization(SUPPLY_CONTRACTS["company"])
    window.show_cabinet(profile)
    window.resize(size)
    cabinet = window.cabinet
    cabinet.open_section("Договоры энергоснабжения")
    page = cabinet.pages.currentWidget()
    assert isinstance(page, OrganizationPage)
    pump(lambda: page.meters.model.rowCount() > 0 and not ctx.tasks.is_busy())
    settle(qtbot)
    table = page.meters.table
    if size.width() >= 1024:  # at 960 px the table still scrolls: both do not fit
        assert table.horizontalScrollBar().maximum() == 0, "the meters table scrolls sideways"
    assert page.tree.width() >= page.report_button.sizeHint().width()
    assert page.report_button.width() >= page.report_button.sizeHint().width(), "whole"
    tree, model = page.tree, page.tree_model
    shown = [model.index(r, 0) for r in range(model.rowCount())]
    shown += [
        model.index(c, 0, parent) for parent in list(shown) for c in range(model.rowCount(parent))
    ]
    for index in shown:  # no contract or point cut to «…»
        assert tree.visualRect(index).width() >= tree.sizeHintForIndex(index).width(), index.data()


def _lines(label) -> list[str]:
    """The lines ``label`` wraps its text into at its width, as Qt lays them out."""
    from PySide6.QtGui import QTextLayout, QTextOption

    text = label.text()
    layout = QTextLayout(text, label.font())
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WordWrap)
    layout.setTextOption(option)
    layout.beginLayout()
    lines = []
    while True:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(label.contentsRect().width())
        lines.append(text[line.textStart() : line.textStart() + line.textLength()])
    layout.endLayout()
    return lines


@pytest.mark.parametrize("size", SIZES, ids=["1024", "1366", "1920x2"])
def test_a_number_sign_stays_with_its_number(qtbot, ctx, server, size):
    """«Приборы учёта по лицевому счету №» / «3300000002» and «Прибор учёта …, №» /
    «011552190004318»: where a heading or the card wraps, «№» goes with its number."""
    _window, page = _accounts_page(qtbot, ctx, server, size)
    card = page.meters.card
    labels = [page.meters.heading, card.title]
    labels += [card.grid.itemAt(i).widget() for i in range(card.grid.count())]
    for label in labels:
        lines = _lines(label)
        assert not any(line.rstrip().endswith("№") for line in lines), lines
