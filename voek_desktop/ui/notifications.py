"""Notifications in the app (issue 16, item 6; docs/design.md "Notifications"): the feed polled
while the cabinet is open, the bell with the unread count in the header, the «Уведомления»
list, a tray message when the window is not in front, and the section a notification is about
reloaded.

One :class:`NotificationCenter` per cabinet: it is made with the cabinet after login and stopped
with it (logout, the end of a visit), so nothing polls or pops up for someone who is gone.
Polling goes through the task runner like every call (``coalesce``: a poll asked for while one
runs costs one more round trip at most); the next poll is a single-shot timer set after each
answer, so a slow server can never make polls pile up, and after an error the wait doubles (up
to half an hour) and is never shorter than the server's ``Retry-After``.

What was fetched is kept in the consumer's cache (``ConsumerCache.put``: 0600, written
atomically) so the list shows it offline, marked with the time it was fetched; in clerk mode
nothing is written anywhere, the list lives in memory and goes with the visit.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFont, QIcon
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QListView,
    QPushButton,
    QSystemTrayIcon,
    QWidget,
)

from voek_desktop.api.errors import ApiError, NetworkError
from voek_desktop.api.notifications import Notification, NotificationPage
from voek_desktop.domain.formats import format_datetime
from voek_desktop.resources import resource_path
from voek_desktop.ui.context import Context
from voek_desktop.ui.kit import messages
from voek_desktop.ui.kit.dialogs import tr
from voek_desktop.ui.kit.page import SectionPage

if TYPE_CHECKING:
    from collections.abc import Callable

Index = QModelIndex | QPersistentModelIndex

CACHE_NAME = "notifications"
KEEP = 200  # notifications held (and cached); the server keeps them all
MAX_PAGES = 5  # per poll: 500 new ones at most, the rest come with the next poll
MAX_BACKOFF_SECONDS = 30 * 60
TRAY_MILLISECONDS = 10_000
# What each kind of object changes, as messages.changed topics (ui/kit/messages.py): the open
# section showing it reloads without a click.
TOPICS: dict[str, tuple[str, ...]] = {
    "application": ("applications", "contracts", "survey"),
    "contract": ("contracts", "applications"),
    "feedback": ("feedback",),
    "archive": ("archives",),  # the archive dialog of a meter, when open
}


def next_delay(interval: float, failures: int, retry_after: int | None) -> float:
    """Seconds until the next poll: the interval while all is well; after ``failures`` errors in
    a row twice as long each time, at most half an hour; never less than ``Retry-After``."""
    delay = interval if failures == 0 else min(interval * 2**failures, MAX_BACKOFF_SECONDS)
    if retry_after:
        delay = max(delay, float(retry_after))
    return max(delay, interval)


class NotificationCenter(QObject):
    """The consumer's feed as the app holds it; ``changed`` whenever the list or count moves."""

    changed = Signal()
    open_requested = Signal(object)  # the Notification whose object the user asked for

    def __init__(self, ctx: Context, window_of: Callable[[], QWidget], parent: QObject) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._window_of = window_of  # the widget whose window says "in front" or not
        self.items: list[Notification] = []  # newest first
        self.unread = 0
        self.last_id: int | None = None  # None: nothing fetched in this session yet
        self.fetched_at: str | None = None  # when the list was last fetched (UTC, ISO)
        self.offline = False  # the last poll found no server; the list is what was fetched
        self.failures = 0
        self.stopped = False
        self.paused = False  # after a 401, until the cabinet is shown again
        self.interval = max(0.05, float(ctx.notify_seconds))
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.poll)
        self.tray: QSystemTrayIcon | None = None
        self._tray_target: Notification | None = None
        self._load_cached()

    # --- keeping -------------------------------------------------------------------------------

    def _stores(self) -> bool:
        """Whether the list may be written to disk: never at a service-centre desk."""
        return not self.ctx.clerk and not self.ctx.session.clerk

    def _load_cached(self) -> None:
        cache = self.ctx.session.cache() if self._stores() else None
        saved = cache.get(CACHE_NAME) if cache is not None else None
        if not isinstance(saved, dict):
            return
        try:
            page = NotificationPage.from_json(saved)
        except ApiError:
            return  # an older or damaged copy: the first poll brings the list
        self.items = sorted(page.items, key=lambda n: n.id, reverse=True)[:KEEP]
        self.unread = page.unread
        self.fetched_at = (
            saved.get("fetched_at") if isinstance(saved.get("fetched_at"), str) else None
        )

    def _save(self) -> None:
        cache = self.ctx.session.cache() if self._stores() else None
        if cache is None:
            return
        cache.put(
            CACHE_NAME,
            {
                "fetched_at": self.fetched_at,
                "last_id": self.last_id or 0,
                "unread": self.unread,
                "items": [n.as_json() for n in self.items],
            },
        )

    # --- polling -------------------------------------------------------------------------------

    def start(self) -> None:
        """The first poll now; each answer sets the next."""
        self.stopped = False
        self.paused = False
        self.timer.start(0)

    def stop(self) -> None:
        """The cabinet is going (logout, the visit ended): no more polls, no more tray."""
        self.stopped = True
        self.timer.stop()
        if self.tray is not None:
            self.tray.hide()
            self.tray.deleteLater()
            self.tray = None

    def resume(self) -> None:
        """The cabinet is shown again (unlocked, logged in again after a 401)."""
        if self.paused and not self.stopped:
            self.paused = False
            self.timer.start(0)

    def _schedule(self, retry_after: int | None = None) -> None:
        if not self.stopped and not self.paused:
            delay = next_delay(self.interval, self.failures, retry_after)
            self.timer.start(max(1, round(delay * 1000)))

    def poll(self) -> None:
        """Ask for what came since the last answer (now: the bell, the page, the timer)."""
        if self.stopped or self.paused:
            return
        window = self._window_of()
        if self.ctx.session.profile is None or not window.isVisible():
            # Locked or behind the login: nobody may see it now; ask again later.
            self._schedule()
            return
        self.timer.stop()  # this poll's answer sets the next one
        client = self.ctx.session.client
        after = self.last_id

        def fetch() -> tuple[list[Notification], int, int]:
            found: list[Notification] = []
            page = client.notifications(after)
            found += page.items
            for _ in range(MAX_PAGES - 1):
                if not page.items or page.items[-1].id >= page.last_id or after is None:
                    break
                page = client.notifications(page.items[-1].id)
                found += page.items
            return found, page.last_id, page.unread

        self.ctx.tasks.run(
            fetch, self._fetched, self._failed, owner=self, coalesce=("notifications", id(self))
        )

    def _fetched(self, result: tuple[list[Notification], int, int]) -> None:
        if self.stopped:
            return
        found, last_id, unread = result
        first = self.last_id is None
        known = {n.id for n in self.items}
        new = [n for n in found if n.id not in known]
        by_id = {n.id: n for n in self.items}
        by_id.update({n.id: n for n in found})
        self.items = sorted(by_id.values(), key=lambda n: n.id, reverse=True)[:KEEP]
        self.last_id = max([last_id, *(n.id for n in found)])
        self.unread = unread
        self.fetched_at = datetime.now(UTC).isoformat(timespec="seconds")
        self.offline = False
        self.failures = 0
        self._save()
        self.changed.emit()
        fresh = [n for n in new if not n.read]
        if fresh and not first:
            self._tell(fresh)
        self._schedule()

    def _failed(self, exc: BaseException) -> None:
        if self.stopped:
            return
        self.failures += 1
        retry_after = exc.retry_after if isinstance(exc, ApiError) else None
        if isinstance(exc, ApiError) and exc.needs_login:
            self.paused = True  # the login screen is up; resume() when the cabinet is back
        if isinstance(exc, NetworkError) and not self.offline:
            self.offline = True
            self.changed.emit()
        self._schedule(retry_after)

    # --- telling -------------------------------------------------------------------------------

    def _tell(self, fresh: list[Notification]) -> None:
        """New notifications: their sections reload, the status line says so, and the tray
        too when the window is not in front (where the bell cannot be seen)."""
        topics: set[str] = set()
        for n in fresh:
            topics.update(TOPICS.get(n.object_type, ()))
        messages.changed(*sorted(topics))
        newest = fresh[-1] if fresh[-1].id > fresh[0].id else fresh[0]
        text = (
            newest.text
            if len(fresh) == 1
            else tr("Новых уведомлений: {}. {}").format(len(fresh), newest.text)
        )
        messages.notice(tr("Уведомление: {}").format(newest.title))
        window = self._window_of().window()
        if window.isActiveWindow() or not QSystemTrayIcon.isSystemTrayAvailable():
            return
        if self.tray is None:
            self.tray = QSystemTrayIcon(QIcon(str(resource_path("icons/voek.svg"))), self)
            self.tray.setToolTip(tr("Личный кабинет АО «ВОЭК»"))
            self.tray.messageClicked.connect(self._tray_clicked)
        self.tray.show()
        self._tray_target = newest
        self.tray.showMessage(
            newest.title, text, QSystemTrayIcon.MessageIcon.Information, TRAY_MILLISECONDS
        )

    def _tray_clicked(self) -> None:
        window = self._window_of().window()
        window.showNormal()
        window.raise_()
        window.activateWindow()
        if self._tray_target is not None:
            self.open(self._tray_target)

    # --- reading -------------------------------------------------------------------------------

    def open(self, notification: Notification) -> None:
        """A click: mark it read and open what it is about."""
        self.mark_read(notification)
        self.open_requested.emit(notification)

    def mark_read(self, notification: Notification) -> None:
        if notification.read:
            return
        self._set_read(lambda n: n.id == notification.id)
        client = self.ctx.session.client
        self.ctx.tasks.run(
            lambda: client.mark_notifications_read(notification_id=notification.id),
            self._count,
            self._mark_failed,
            owner=self,
        )

    def mark_all_read(self) -> None:
        if not self.items:
            return
        up_to = max(n.id for n in self.items)
        self._set_read(lambda n: n.id <= up_to)
        client = self.ctx.session.client
        self.ctx.tasks.run(
            lambda: client.mark_notifications_read(up_to=up_to),
            self._count,
            self._mark_failed,
            owner=self,
            label=tr("Отметка уведомлений…"),
        )

    def _set_read(self, which: Callable[[Notification], bool]) -> None:
        marked = 0
        items = []
        for n in self.items:
            if not n.read and which(n):
                n = dataclasses.replace(n, read=True)
                marked += 1
            items.append(n)
        self.items = items
        self.unread = max(0, self.unread - marked)
        self._save()
        self.changed.emit()

    def _count(self, unread: int) -> None:
        if not self.stopped:
            self.unread = unread
            self._save()
            self.changed.emit()

    def _mark_failed(self, exc: BaseException) -> None:
        # Read here, still unread on the server: the next mark (or the next session) tells it.
        messages.notice(tr("Не удалось отметить уведомление: ") + messages.describe(exc))


# --- the bell ------------------------------------------------------------------------------------


class Bell(QPushButton):
    """The header's bell: the unread count beside it; a click opens «Уведомления»."""

    def __init__(self, center: NotificationCenter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bell")
        self.setIcon(QIcon(str(resource_path("icons/bell.svg"))))
        self.setIconSize(QSize(18, 18))
        self.center = center
        center.changed.connect(self.show_count)
        self.show_count()

    def show_count(self) -> None:
        count = self.center.unread
        self.setText(f" {count}" if count else "")
        self.setToolTip(
            tr("Уведомления: непрочитанных {}").format(count) if count else tr("Уведомления")
        )
        self.setAccessibleName(self.toolTip())


# --- the list ------------------------------------------------------------------------------------


class NotificationsModel(QAbstractListModel):
    """One row per notification, newest first; unread ones in bold."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.records: list[Notification] = []

    def set_records(self, records: list[Notification]) -> None:
        if records == self.records:
            return  # an unchanged list keeps the view's selection and scroll position
        self.beginResetModel()
        self.records = list(records)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.records)

    def record(self, row: int) -> Notification:
        return self.records[row]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.records):
            return None
        n = self.records[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            mark = "● " if not n.read else ""
            return f"{mark}{n.title} · {format_datetime(n.at)}\n{n.text}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return n.text
        if role == Qt.ItemDataRole.FontRole and not n.read:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.AccessibleTextRole:
            state = tr("не прочитано") if not n.read else tr("прочитано")
            return f"{n.title}, {format_datetime(n.at)}, {state}. {n.text}"
        return None


class NotificationsPage(SectionPage):
    """«Уведомления»: what the grid company did, newest first; a click opens it."""

    topics = frozenset({"notifications"})

    def __init__(self, ctx: Context, center: NotificationCenter, parent: QWidget | None = None):
        super().__init__(ctx, tr("Уведомления"), parent)
        self.center = center
        self.status = QLabel(self)
        self.status.setObjectName("fieldHint")
        self.status.setWordWrap(True)
        self.body.addWidget(self.status)
        self.model = NotificationsModel(self)
        self.view = QListView(self)
        self.view.setObjectName("notifications")
        self.view.setModel(self.model)
        self.view.setWordWrap(True)
        self.view.setUniformItemSizes(False)
        self.view.setSpacing(4)
        self.view.setAlternatingRowColors(True)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.clicked.connect(self._clicked)
        self.view.activated.connect(self._clicked)  # Enter on a row opens it too
        self.body.addWidget(self.view, 1)
        self.empty = QLabel(
            tr(
                "Уведомлений пока нет. Здесь появится всё, что сделает АО «ВОЭК»"
                " по вашим заявкам, договорам, обращениям и архивам."
            ),
            self,
        )
        self.empty.setWordWrap(True)
        self.empty.setObjectName("fieldHint")
        self.body.addWidget(self.empty)
        self.read_all = QPushButton(tr("Отметить все прочитанными"), self)
        self.read_all.clicked.connect(center.mark_all_read)
        self.add_action(self.read_all)
        self.refresh_button = QPushButton(tr("Обновить"), self)
        self.refresh_button.clicked.connect(self.refresh)
        self.add_action(self.refresh_button)
        center.changed.connect(self.show_items)
        self.show_items()

    def refresh(self) -> None:
        self.center.poll()

    def show_items(self) -> None:
        self.model.set_records(self.center.items)
        self.empty.setVisible(not self.center.items)
        self.view.setVisible(bool(self.center.items))
        self.read_all.setEnabled(self.center.unread > 0)
        when = format_datetime(self.center.fetched_at) if self.center.fetched_at else ""
        if self.center.offline:
            self.status.setText(
                tr("Нет связи с сервером. Показаны уведомления, полученные {}.").format(when)
                if when
                else tr("Нет связи с сервером.")
            )
        elif self.center.last_id is None and when:
            self.status.setText(tr("Сохранённый список от {}; обновляется…").format(when))
        else:
            self.status.setText(tr("Обновлено {}").format(when) if when else "")
        self.status.setVisible(bool(self.status.text()))

    def _clicked(self, index: QModelIndex) -> None:
        if index.isValid() and shiboken6.isValid(self):
            self.center.open(self.model.record(index.row()))
