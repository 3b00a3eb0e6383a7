"""«Настройки»: what the dialog saves is what the next start reads."""

from __future__ import annotations

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
    assert any("следующем запуске" in text for _, text in boxes)
