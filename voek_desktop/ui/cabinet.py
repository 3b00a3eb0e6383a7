"""The cabinet after login: a header with who is logged in and «Выход», sections at the left."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from voek_desktop.api.models import Profile
from voek_desktop.domain.consumers import CONSUMER_TYPES
from voek_desktop.ui import applications as applications_ui
from voek_desktop.ui import identity as identity_ui
from voek_desktop.ui import metering as metering_ui
from voek_desktop.ui.context import Context
from voek_desktop.ui.kit.dialogs import tr
from voek_desktop.ui.kit.widgets import CurrentPageStack, scrolling
from voek_desktop.ui.sections import PROFILE

if TYPE_CHECKING:
    from voek_desktop.ui.identity.profile import ProfilePage


def who(profile: Profile) -> str:
    ctype = CONSUMER_TYPES[profile.consumer_type]
    return f"{ctype.label} · {ctype.login.label} {ctype.login.display(profile.login)}"


class CabinetView(QWidget):
    logout_requested = Signal()

    def __init__(self, ctx: Context, profile: Profile, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)

        header = QFrame(self)
        header.setObjectName("header")
        h = QHBoxLayout(header)
        h.setContentsMargins(18, 10, 18, 10)
        brand = QLabel(tr("<b>АО «ВОЭК»</b> · Личный кабинет"), header)
        h.addWidget(brand)
        h.addStretch(1)
        self.who_label = QLabel(header)
        self.who_label.setObjectName("who")
        h.addWidget(self.who_label)
        # At a service-centre desk the same button ends the visit and wipes the visitor's data.
        self.logout_button = QPushButton(
            tr("Завершить приём") if ctx.clerk else tr("Выход"), header
        )
        self.logout_button.setObjectName("logout")
        self.logout_button.clicked.connect(self.logout_requested)
        h.addWidget(self.logout_button)
        layout.addWidget(header)

        body = QHBoxLayout()
        body.setSpacing(0)
        self.nav = QListWidget(self)
        self.nav.setObjectName("nav")
        # Narrow enough to leave the page room on a 1024×600 screen; long titles
        # («Договоры энергоснабжения») wrap (issue 12 "Fit").
        self.nav.setFixedWidth(200)
        self.nav.setWordWrap(True)
        self.nav.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body.addWidget(self.nav)
        self.pages = CurrentPageStack(self)
        # The stack asks for the largest minimum of its pages; on a small screen the page
        # scrolls instead of pushing the window past the screen (issue 12 "Fit").
        body.addWidget(scrolling(self.pages, self), 1)
        layout.addLayout(body, 1)
        self.nav.currentRowChanged.connect(self.pages.setCurrentIndex)

        # Each feature package offers the sections it has for this consumer, with a place in
        # the tab order of docs/design.md "Layers"; only sections that work are listed.
        sections = identity_ui.sections(ctx, profile, self)
        sections += applications_ui.sections(ctx, profile, self)
        sections += metering_ui.sections(ctx, profile, self)
        for section in sorted(sections, key=lambda s: s.order):
            self.add_section(section.title, section.page)
        # identity_ui.sections offers the PROFILE section as a ProfilePage.
        self.profile_page = cast(
            "ProfilePage", next(s.page for s in sections if s.order == PROFILE)
        )
        self.profile_page.profile_changed.connect(self.show_profile)
        self.nav.setCurrentRow(0)
        self.show_profile(profile)

    def add_section(self, title: str, page: QWidget) -> None:
        self.nav.addItem(title)
        self.pages.addWidget(page)

    def open_section(self, title: str) -> None:
        for row in range(self.nav.count()):
            if self.nav.item(row).text() == title:
                self.nav.setCurrentRow(row)

    def show_profile(self, profile: Profile) -> None:
        self.who_label.setText(who(profile))
        self.profile_page.show_profile(profile)
