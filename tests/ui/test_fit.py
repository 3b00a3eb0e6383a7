"""Every screen fits a 1024×600 screen at 100 % (issue 12 "Fit"), the meters table gives its spare
width to the address, and the charts' axes show readable, distinct labels (issue 12 "Charts")."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QHeaderView, QWidget

from tests import demo
from voek_desktop.ui.kit.style import STYLE_SHEET

WAIT = 15_000
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


def assert_fits(widget: QWidget, what: str) -> None:
    hint = _needs(widget)
    assert hint.width() <= SCREEN.width() and hint.height() <= SCREEN.height(), (
        f"{what}: needs at least {hint.width()}×{hint.height()}\n" + "\n".join(_culprits(widget))
    )


def settle(qtbot) -> None:
    qtbot.wait(50)


@pytest.mark.parametrize("consumer_type", ["individual", "entrepreneur", "company"])
def test_every_cabinet_section_fits_a_small_screen(qtbot, ctx, server, consumer_type) -> None:
    import requests

    from voek_desktop.ui.main_window import MainWindow

    requests.post(
        f"{server.url}/api/v1/dev/clock", json={"now": "2026-11-27T10:00:00+03:00"}, timeout=30
    ).raise_for_status()
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    assert_fits(window, "login")
    profile = demo.log_in(ctx.session, consumer_type).profile
    if consumer_type == "company":
        ctx.session.client.confirm_organization("ЭС-1001")
    window.show_cabinet(profile)
    cabinet = window.cabinet
    assert cabinet is not None
    for row in range(cabinet.nav.count()):
        cabinet.nav.setCurrentRow(row)
        settle(qtbot)
        assert_fits(window, cabinet.nav.item(row).text())
    meters = getattr(cabinet.pages.widget(cabinet.nav.count() - 1), "meters", None)
    for row in range(cabinet.nav.count()):
        page = cabinet.pages.widget(row)
        if hasattr(page, "meters"):
            cabinet.nav.setCurrentRow(row)
            meters = page.meters
    if meters is not None and consumer_type == "individual":
        qtbot.waitUntil(lambda: meters.model.rowCount() > 0, timeout=WAIT)
        smart = [m for m in meters.model.meters if m.is_smart]
        meters.select_meter(smart[0].id)
        meters.card.smart_button.click()
        qtbot.waitUntil(lambda: meters.smart_page.data is not None, timeout=WAIT)
        settle(qtbot)
        assert_fits(window, "smart data")


def test_dialogs_fit_a_small_screen(qtbot, ctx, server) -> None:
    from voek_desktop.settings import Settings
    from voek_desktop.ui.applications.wizard import ApplicationWizard
    from voek_desktop.ui.identity.dialogs import (
        ActivationDialog,
        EmailChangeDialog,
        OutboxDialog,
        PasswordChangeDialog,
        PasswordResetDialog,
    )
    from voek_desktop.ui.identity.registration import RegistrationDialog
    from voek_desktop.ui.settings_dialog import SettingsDialog

    for make in (
        RegistrationDialog,
        ActivationDialog,
        PasswordResetDialog,
        PasswordChangeDialog,
        EmailChangeDialog,
        OutboxDialog,
    ):
        dialog = make(ctx)
        qtbot.addWidget(dialog)
        dialog.show()
        assert_fits(dialog, make.__name__)
    settings = SettingsDialog(Settings(clerk_mode=True))
    qtbot.addWidget(settings)
    assert_fits(settings, "SettingsDialog")
    # The dialogs' own requests run on the API worker; the client is not for two threads at once.
    qtbot.waitUntil(lambda: not ctx.tasks.is_busy(), timeout=10_000)
    profile = demo.log_in(ctx.session).profile
    from voek_desktop.ui.applications.page import drafts_for

    wizard = ApplicationWizard(ctx, profile, drafts_for(ctx))
    qtbot.addWidget(wizard)
    wizard.show()
    assert_fits(wizard, "wizard")


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
    address = panel.model.HEADERS.index("Адрес точки учёта")
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
