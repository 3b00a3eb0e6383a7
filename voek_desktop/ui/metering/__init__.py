"""«Лицевые счета» / «Договоры энергоснабжения», meters, smart-meter data and archives."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from voek_desktop.api.models import Profile
from voek_desktop.ui.context import Context
from voek_desktop.ui.sections import Section


def sections(ctx: Context, profile: Profile, parent: QWidget) -> list[Section]:
    return []
