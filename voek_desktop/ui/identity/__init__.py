"""Who the consumer is: logging in, registration, activation, password reset, the profile and
its changes, the clerk desk's lock (docs/design.md "Identity", "Clerk mode").

The login view is imported by the main window on start-up; everything else here loads when it
is first opened, so this package's ``__init__`` imports nothing but what ``sections`` needs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from voek_desktop.api.models import Profile  # dataclasses: dear to build at start-up
    from voek_desktop.ui.context import Context
    from voek_desktop.ui.sections import Section


def sections(ctx: Context, profile: Profile, parent: QWidget) -> list[Section]:
    from voek_desktop.ui.identity.profile import ProfilePage
    from voek_desktop.ui.sections import PROFILE, Section

    return [Section(PROFILE, "Профиль", ProfilePage(ctx, parent))]
