"""«Настройки»: what the dialog saves is what the next start reads, and it is in force at once."""

from __future__ import annotations

from itertools import pairwise

from voek_desktop.settings import Settings
from voek_desktop.ui.settings_dialog import SettingsDialog


def test_settings_dialog_saves_server_and_clerk_mode(qtbot, boxes) -> None:
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    dialog.server.set_text("ftp://wrong")
    dialog._save()
    assert dialog.server.error.text().startswith("Адрес начинается с https://")
    assert not Settings.path().exists()

    dialog.server.set_text("https://lk.voek33.example/")
    dialog.clerk.setChecked(True)
    dialog.lock_minutes.setValue(3)
    dialog.scanner_folder = "/srv/scans"
    dialog._save()
    saved = Settings.load()
    assert saved.server_url == "https://lk.voek33.example"
    assert saved.clerk_mode is True
    assert saved.lock_after_seconds == 180
    assert saved.scanner_folder == "/srv/scans"
    assert not any("следующем запуске" in text for _, text in boxes)


def test_saved_settings_apply_without_a_restart(qtbot, ctx, server) -> None:
    from voek_desktop.ui.main_window import MainWindow

    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    session = ctx.session
    window.apply_settings(
        Settings(server_url="http://127.0.0.1:9/", clerk_mode=True, scanner_folder="/srv/scans")
    )
    qtbot.waitUntil(lambda: session.server_url == "http://127.0.0.1:9", timeout=5_000)
    assert "http://127.0.0.1:9" in window.login_view.server_label.text()
    assert window.ctx.clerk and window.lock_view is not None and window.idle is not None
    assert session.clerk and session.scans is not None
    assert window.login_view.remember.isHidden(), "no «Запомнить меня» at a desk"

    window.apply_settings(Settings(server_url=server.url, clerk_mode=False))
    qtbot.waitUntil(lambda: session.server_url == server.url and not session.clerk, timeout=5_000)
    assert not window.ctx.clerk and window.lock_view is None and window.idle is None
    assert not window.login_view.remember.isHidden()
    # The new server is the one the next login talks to.
    from tests import demo

    demo.log_in(session)
    assert session.profile is not None


def test_the_desk_and_its_clerk_are_saved_for_the_receipt(qtbot, boxes) -> None:
    """Issue 17, item 6: «Расписка в получении документов» prints these."""
    dialog = SettingsDialog(Settings(clerk_mode=True))
    qtbot.addWidget(dialog)
    dialog.clerk_name.set_text("Петрова <b>М.</b> С.")
    dialog.desk.set_text("Окно 3" * 30)
    dialog._save()
    assert dialog.clerk_name.error.text().startswith("Только буквы, пробел, дефис и точка")
    assert dialog.desk.error.text() == "Не длиннее 100 символов"
    assert not Settings.path().exists()

    dialog.clerk_name.set_text("  Петрова   Мария Сергеевна ")
    dialog.desk.set_text("Окно 3")
    dialog.centre.set_text("Центр обслуживания на ул. Мира, 15")
    dialog._save()
    saved = Settings.load()
    assert saved.clerk_name == "Петрова Мария Сергеевна"
    assert saved.desk_name == "Окно 3"
    assert saved.service_centre == "Центр обслуживания на ул. Мира, 15"


def test_every_hint_of_the_dialog_is_shown_in_full(qtbot) -> None:
    """Opened on a low screen the dialog was lower than its wrapped hints need at its width
    (its minimum counted them at a narrower one): the desk's fields were drawn over each other
    and over «Печатаются в расписке…»."""
    from PySide6.QtWidgets import QLabel

    from voek_desktop.ui.kit.style import STYLE_SHEET

    dialog = SettingsDialog(Settings(clerk_mode=True, scanner_folder="/srv/scans"))
    dialog.setStyleSheet(STYLE_SHEET)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    # What Qt opens it at on a 1920×1080 screen at 200 % (960×540): two thirds of its height.
    dialog.resize(560, 360)
    qtbot.wait(50)
    for label in dialog.findChildren(QLabel):
        if label.isVisible() and label.wordWrap() and label.text():
            assert label.height() >= label.heightForWidth(label.width()), label.text()[:40]
    fields = [dialog.centre, dialog.desk, dialog.clerk_name]
    for upper, lower in pairwise(fields):
        assert upper.geometry().bottom() < lower.geometry().top(), "fields do not overlap"
