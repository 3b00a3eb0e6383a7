"""The cabinet after login: a header with who is logged in and «Выход», sections at the left."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from voek_desktop.api.models import Profile
from voek_desktop.domain.consumers import CONSUMER_TYPES
from voek_desktop.ui.context import Context
from voek_desktop.ui.profile import ProfilePage


def who(profile: Profile) -> str:
    ctype = CONSUMER_TYPES[profile.consumer_type]
    return f"{ctype.label} · {ctype.login.label} {ctype.login.display(profile.login)}"


class CabinetView(QWidget):
    logout_requested = Signal()

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)

        header = QFrame(self)
        header.setObjectName("header")
        h = QHBoxLayout(header)
        h.setContentsMargins(18, 10, 18, 10)
        brand = QLabel("<b>АО «ВОЭК»</b> · Личный кабинет", header)
        h.addWidget(brand)
        h.addStretch(1)
        self.who_label = QLabel(header)
        self.who_label.setObjectName("who")
        h.addWidget(self.who_label)
        self.logout_button = QPushButton("Выход", header)
        self.logout_button.setObjectName("logout")
        self.logout_button.clicked.connect(self.logout_requested)
        h.addWidget(self.logout_button)
        layout.addWidget(header)

        body = QHBoxLayout()
        body.setSpacing(0)
        self.nav = QListWidget(self)
        self.nav.setObjectName("nav")
        self.nav.setFixedWidth(220)
        body.addWidget(self.nav)
        self.pages = QStackedWidget(self)
        body.addWidget(self.pages, 1)
        layout.addLayout(body, 1)
        self.nav.currentRowChanged.connect(self.pages.setCurrentIndex)

        # Only sections that work are listed; the others arrive with their features.
        self.profile_page = ProfilePage(ctx, self)
        self.profile_page.profile_changed.connect(self.show_profile)
        self.add_section("Профиль", self.profile_page)
        self.nav.setCurrentRow(0)

    def add_section(self, title: str, page: QWidget) -> None:
        self.nav.addItem(title)
        self.pages.addWidget(page)

    def show_profile(self, profile: Profile) -> None:
        self.who_label.setText(who(profile))
        self.profile_page.show_profile(profile)
