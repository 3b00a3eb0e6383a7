"""Small widgets several screens share."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QSize, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QWidget,
)

from voek_desktop.domain.consumers import CONSUMER_TYPES

if TYPE_CHECKING:
    # Dates, datetime's and QDate's, are imported where used: the login window shows none.
    from datetime import date

    from PySide6.QtCore import QDate
    from PySide6.QtWidgets import QDateEdit


def push_button(text: str, parent: QWidget | None = None) -> QPushButton:
    """``QPushButton(text, parent)`` without its cost at start-up: PySide resolves that call
    against the ``QPushButton(QIcon, str, parent)`` overload too, which builds QIcon's Python
    type and its ~100-member ``ThemeIcon`` enum (3–6 ms, issue 14); the login window has none."""
    button = QPushButton(parent)
    button.setText(text)
    return button


def link_button(text: str, parent: QWidget | None = None) -> QPushButton:
    button = push_button(text, parent)
    button.setObjectName("link")
    button.setFlat(True)
    return button


def primary_button(text: str, parent: QWidget | None = None) -> QPushButton:
    button = push_button(text, parent)
    button.setObjectName("primary")
    button.setDefault(True)
    button.setAutoDefault(True)
    return button


def point_at_links(root: QWidget) -> None:
    """The hand cursor over link buttons. Called after the first paint: touching Qt's ``Qt``
    namespace builds ~90 Python enums (~40 ms), too dear for start-up (docs/design.md "Targets")."""
    from PySide6.QtCore import Qt

    for button in root.findChildren(QPushButton, "link"):
        button.setCursor(Qt.CursorShape.PointingHandCursor)


class ConsumerTypePicker(QWidget):
    """Физическое лицо | ИП | Юридическое лицо, as one row of toggle buttons."""

    changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.group = QButtonGroup(self)
        self.buttons: dict[str, QPushButton] = {}
        for ctype in CONSUMER_TYPES.values():
            button = push_button(ctype.label, self)
            button.setObjectName("segment")
            button.setCheckable(True)
            button.setAutoDefault(False)
            button.setProperty("consumer_type", ctype.key)
            self.group.addButton(button)
            layout.addWidget(button)
            self.buttons[ctype.key] = button
        self.buttons["individual"].setChecked(True)
        self.group.buttonToggled.connect(self._toggled)

    def _toggled(self, button: QAbstractButton, on: bool) -> None:
        if on:
            self.changed.emit(button.property("consumer_type"))

    def value(self) -> str:
        button = self.group.checkedButton()
        assert button is not None  # an exclusive group, one button checked from the start
        return button.property("consumer_type")

    def set_value(self, key: str) -> None:
        if key in self.buttons:
            self.buttons[key].setChecked(True)


def section_title(text: str, parent: QWidget | None = None) -> QLabel:
    """The big blue title over a section or one of its views."""
    label = QLabel(text, parent)
    label.setObjectName("sectionTitle")
    # A long title wraps rather than widening the window or being cut (issue 12 "Fit").
    label.setWordWrap(True)
    return label


def fit_to_screen(window: QWidget, width: int, height: int) -> None:
    """Resize ``window`` to ``width``×``height``, but never past the available geometry of its
    screen (a 1024×600 netbook, a 1920×1080 screen at 200 % is 960×540)."""
    screen = window.screen()
    if screen is not None:
        area = screen.availableGeometry()
        width = min(width, area.width())
        height = min(height, area.height())
    window.resize(width, height)


def scrolling(content: QWidget, parent: QWidget | None = None) -> QScrollArea:
    """``content`` in a frameless scroll area that gives it all the room there is and scrolls
    only when the window is smaller than the content's minimum: the window then asks for no
    more than its header and a few lines, whatever its screens need (issue 12 "Fit")."""
    area = QScrollArea(parent)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidgetResizable(True)
    area.setWidget(content)
    return area


class _MinimumFollowsWidth(QObject):
    def __init__(self, pane: QWidget) -> None:
        super().__init__(pane)
        self.pane = pane
        pane.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # A new width, or new content (a label's text, a row shown): measured again.
        if watched is self.pane and event.type() in (
            QEvent.Type.Resize,
            QEvent.Type.LayoutRequest,
        ):
            layout = self.pane.layout()
            if layout is not None and layout.hasHeightForWidth():
                need = layout.totalMinimumHeightForWidth(self.pane.width())
                if need != self.pane.minimumHeight():
                    self.pane.setMinimumHeight(need)
        return False


def min_height_follows_width(pane: QWidget) -> QWidget:
    """A splitter's pane with wrapped text: its minimum height is what the text needs at the
    pane's width now. QSplitter knows no height-for-width and squeezed such a pane to the
    height of one line per label, the lines drawn over each other (the running term of the
    Rules under its buttons in «Заявки» at 1024×600)."""
    _MinimumFollowsWidth(pane)
    return pane


class CurrentPageStack(QStackedWidget):
    """A stack that asks for the room of the page it shows, not of its largest one: a chart
    seen once must not make «Профиль» scroll on a small screen (issue 12 "Fit")."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.currentChanged.connect(self._page_changed)

    def _page_changed(self) -> None:
        self.updateGeometry()
        self._tell_area()

    def _tell_area(self) -> None:
        area = self.parentWidget()
        area = area.parentWidget() if area is not None else None
        if isinstance(area, QScrollArea) and area.widget() is self:
            # The area measures its content again only when told (a resize or this).
            QCoreApplication.postEvent(area, QEvent(QEvent.Type.LayoutRequest))

    def minimumSizeHint(self) -> QSize:
        page = self.currentWidget()
        return super().minimumSizeHint() if page is None else page.minimumSizeHint()

    def sizeHint(self) -> QSize:
        page = self.currentWidget()
        return super().sizeHint() if page is None else page.sizeHint()

    def heightForWidth(self, width: int) -> int:
        """The least height the page needs at ``width`` (wrapped text in full, lists at their
        smallest), not the height it would like: a scroll area gives its content at least this
        height, and with the preferred one a page with wrapped labels always scrolled — the
        applications list kept its 3 rows in 300 px and pushed the running term of the Rules
        and its buttons below the window at 1366×768."""
        page = self.currentWidget()
        if page is None:
            return super().heightForWidth(width)
        layout = page.layout()
        if layout is None or not page.hasHeightForWidth():
            return page.heightForWidth(width)
        return max(layout.totalMinimumHeightForWidth(width), page.minimumHeight())


def page_grew(widget: QWidget) -> None:
    """``widget``'s content changed its height (another meter's card): every layout up to the
    page is told at once, and the scroll area around the page measures it again. Without it
    the page kept its old height until the window was resized, the card's rows drawn over
    each other at 1024×600: the layout requests stopped short of the area."""
    current: QWidget | None = widget
    while current is not None:
        current.updateGeometry()
        if isinstance(current, CurrentPageStack):
            current._tell_area()
        current = current.parentWidget()


def date_edit(name: str, parent: QWidget) -> QDateEdit:
    """A period's day (ДД.ММ.ГГГГ, with the calendar). Its range is wide on purpose: a day the
    dialog does not allow gets a message next to the field, not a silent clamp."""
    # Imported here: the login window has no date, and QDateEdit's type and enums cost start-up.
    from PySide6.QtCore import QDate
    from PySide6.QtWidgets import QDateEdit

    edit = QDateEdit(parent)
    edit.setDisplayFormat("dd.MM.yyyy")
    edit.setCalendarPopup(True)
    edit.setAccessibleName(name)
    edit.setMinimumWidth(130)
    edit.setDateRange(QDate(2000, 1, 1), QDate(2100, 12, 31))
    return edit


def qdate(day: date) -> QDate:
    """``QDate(day)``, which PySide6 accepts but its stubs do not list."""
    from PySide6.QtCore import QDate

    return QDate(day.year, day.month, day.day)


def pydate(value: QDate) -> date:
    """``value.toPython()``, typed: for a QDate PySide6 gives a ``datetime.date``."""
    return cast("date", value.toPython())
