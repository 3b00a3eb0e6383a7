"""«Лицевые счета» / «Договоры энергоснабжения», meters, smart-meter data and archives.

Only the page classes are imported here; charts (QtCharts) and the archive dialog are
imported when the user opens them (python-calamine too, when a workbook is read).
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from voek_desktop.api.models import Profile
from voek_desktop.ui.context import Context
from voek_desktop.ui.sections import ACCOUNTS, Section


def sections(ctx: Context, profile: Profile, parent: QWidget) -> list[Section]:
    if profile.consumer_type == "individual":
        from voek_desktop.ui.metering.accounts import AccountsPage

        return [Section(ACCOUNTS, "Лицевые счета", AccountsPage(ctx, parent))]
    from voek_desktop.ui.metering.organization import OrganizationPage

    return [Section(ACCOUNTS, "Договоры энергоснабжения", OrganizationPage(ctx, parent))]
