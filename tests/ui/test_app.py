"""Start-up, settings, translations and the crash dialog."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

from PySide6.QtWidgets import QApplication, QDialogButtonBox, QPlainTextEdit, QPushButton

from voek_desktop.settings import Settings
from voek_desktop.ui.app import DEFAULT_SERVER, build_context, make_application
from voek_desktop.ui.kit import messages


def test_exit_when_ready_paints_a_window_and_exits_cleanly(app_dirs) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "-m", "voek_desktop", "--exit-when-ready"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ready"


def test_server_address_comes_from_the_flag_then_the_settings_file(qapp) -> None:
    Settings(server_url="https://lk.voek33.example").save()
    loaded = Settings.load()
    ctx, start = build_context(argparse.Namespace(demo=False, server=None), loaded)
    assert ctx.session.server_url == "https://lk.voek33.example"
    assert start is None
    ctx.tasks.shutdown()
    ctx, _ = build_context(argparse.Namespace(demo=False, server="https://10.0.0.5:9000/"), loaded)
    assert ctx.session.server_url == "https://10.0.0.5:9000"
    ctx.tasks.shutdown()
    ctx, _ = build_context(argparse.Namespace(demo=False, server=None), Settings())
    assert ctx.session.server_url == DEFAULT_SERVER
    ctx.tasks.shutdown()


def test_a_broken_settings_file_gives_defaults_not_a_crash(app_dirs) -> None:
    Settings.path().parent.mkdir(parents=True, exist_ok=True)
    Settings.path().write_text("{not json", "utf-8")
    assert Settings.load().server_url == ""
    Settings.path().write_text('["a list"]', "utf-8")
    assert Settings.load().consumer_type == "individual"


def test_qt_own_buttons_are_russian(qtbot) -> None:
    make_application(sys.argv[:1])
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "Отмена"


def test_crash_dialog_shows_details_and_copies_them(qtbot) -> None:
    try:
        raise RuntimeError("boom in a slot")
    except RuntimeError as exc:
        import traceback

        details = "".join(traceback.format_exception(exc))
    dialog = messages._crash_dialog(details, None)
    qtbot.addWidget(dialog)
    text = dialog.findChild(QPlainTextEdit, "details").toPlainText()
    assert "boom in a slot" in text
    copy = next(
        b for b in dialog.findChildren(QPushButton) if b.text() == "Скопировать подробности"
    )
    copy.click()
    assert "boom in a slot" in QApplication.clipboard().text()
