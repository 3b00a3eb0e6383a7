"""The cabinet after login: a header with who is logged in and «Выход», sections at the left."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
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
from voek_desktop.ui.kit.page import SectionPage
from voek_desktop.ui.kit.widgets import CurrentPageStack, scrolling
from voek_desktop.ui.sections import PROFILE

if TYPE_CHECKING:
    from voek_desktop.api.notifications import Notification
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
        # The feed of what the grid company did (issue 16, item 6): the bell shows how much is
        # unread and opens the list; the centre polls while this cabinet exists.
        from voek_desktop.ui.notifications import Bell, NotificationCenter, NotificationsPage

        self.notifications = NotificationCenter(ctx, lambda: self, self)
        self.notifications.open_requested.connect(self.open_object)
        self.bell = Bell(self.notifications, header)
        self.bell.clicked.connect(lambda: self.open_section(tr("Уведомления")))
        h.addWidget(self.bell)
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
        self.notifications_page = NotificationsPage(ctx, self.notifications, self)
        self.add_section(tr("Уведомления"), self.notifications_page)
        # identity_ui.sections offers the PROFILE section as a ProfilePage.
        self.profile_page = cast(
            "ProfilePage", next(s.page for s in sections if s.order == PROFILE)
        )
        self.profile_page.profile_changed.connect(self.show_profile)
        self.nav.setCurrentRow(0)
        self.show_profile(profile)
        # What the grid company changes (a contract offered, a status moved) shows up on the
        # open section without a click; a 304 makes an unchanged answer cheap.
        self.poll = QTimer(self)
        self.poll.setInterval(max(1, round(ctx.refresh_seconds * 1000)))
        self.poll.timeout.connect(self.poll_open_section)
        self.poll.start()
        self.notifications.start()

    def poll_open_section(self) -> None:
        """Reload the open section, unless nobody can see it (minimised, locked, logged out)
        or it holds unsaved work."""
        page = self.pages.currentWidget()
        if (
            not isinstance(page, SectionPage)
            or not page.isVisible()
            or self.window().isMinimized()
            or self.ctx.session.profile is None
            or page.has_unsaved_edits()
        ):
            return
        page.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.notifications.resume()  # back from the lock or a new login after a 401

    def leave(self) -> None:
        """The consumer is gone (logout, the visit ended): nothing more is polled or told."""
        self.notifications.stop()
        self.poll.stop()

    def open_object(self, notification: Notification) -> None:
        """Open what a notification is about: its section, with that object chosen."""
        from voek_desktop.ui.applications.contracts import ContractsPage
        from voek_desktop.ui.applications.feedback import FeedbackPage
        from voek_desktop.ui.applications.page import ApplicationsPage

        kinds: dict[str, type] = {
            "application": ApplicationsPage,
            "contract": ContractsPage,
            "feedback": FeedbackPage,
        }
        if notification.object_type == "archive":
            self._open_archive(notification.object_id)
            return
        kind = kinds.get(notification.object_type)
        for i in range(self.pages.count()):
            page = self.pages.widget(i)
            if kind is not None and isinstance(page, kind):
                self.nav.setCurrentRow(i)
                cast(Any, page).reveal(notification.object_id)  # each of kinds has reveal()
                return

    def _open_archive(self, request_id: int) -> None:
        """The archive dialog of the request's meter, with the request in its list."""
        client = self.ctx.session.client

        def fetch() -> Any:
            return client.meter(client.archive_request(request_id).meter_id)

        def show(meter: Any) -> None:
            from voek_desktop.domain.formats import parse_datetime
            from voek_desktop.domain.time import moscow_date
            from voek_desktop.ui.metering.archive_requests import ArchiveDialog

            polled = parse_datetime(meter.last_poll_at)
            ArchiveDialog(self.ctx, meter, moscow_date(polled) if polled else None, self).open()

        self.ctx.tasks.run(fetch, show, self._open_failed, owner=self, label="Открытие архива…")

    def _open_failed(self, exc: BaseException) -> None:
        from voek_desktop.ui.kit import messages

        messages.notice(tr("Не удалось открыть: ") + messages.describe(exc))

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
