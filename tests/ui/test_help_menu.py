"""«Справка → О программе» and «Горячие клавиши» (issue 12, item 12)."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from voek_desktop.ui.about import AboutDialog, KeysDialog
from voek_desktop.ui.main_window import MainWindow


def _help_actions(window: MainWindow) -> dict[str, object]:
    [menu] = [a.menu() for a in window.menuBar().actions() if a.text() == "&Справка"]
    return {a.text(): a for a in menu.actions()}


def test_about_names_the_version_server_and_licence(qtbot, ctx, server) -> None:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.menuBar().actions() != [], timeout=5_000)
    actions = _help_actions(window)
    assert set(actions) == {"Горячие клавиши", "О программе"}
    assert actions["Горячие клавиши"].shortcut().toString() == "F1"
    actions["О программе"].trigger()
    [about] = [w for w in QApplication.topLevelWidgets() if isinstance(w, AboutDialog)]
    text = about.text.text()
    assert "0.1.0" in text and server.url in text and "MIT" in text and "voek33.ru" in text
    # The server's version arrives from /health in the background.
    qtbot.waitUntil(lambda: about.server_version == "0.1.0", timeout=10_000)
    assert "Версия сервера:&nbsp;</td><td>0.1.0" in about.text.text()
    about.close()
    qtbot.waitUntil(lambda: not ctx.tasks.is_busy(), timeout=10_000)


def test_keys_are_listed(qtbot) -> None:
    dialog = KeysDialog()
    qtbot.addWidget(dialog)
    assert "Shift+Tab" in dialog.text.text() and "Esc" in dialog.text.text()


def test_the_window_title_names_the_company_once(qtbot, ctx) -> None:
    from voek_desktop.ui.app import make_application

    app = make_application(["x"])
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    # Qt shows «<title> — <display name>»; the display name already says «АО «ВОЭК»».
    shown = f"{window.windowTitle()} — {app.applicationDisplayName()}"
    assert shown.count("ВОЭК") == 1, shown
