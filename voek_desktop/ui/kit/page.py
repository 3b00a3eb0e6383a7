"""The page of a cabinet section: a title with an actions row beside it, an error line under
them, and content loaded the first time the page is shown and again by :meth:`refresh`."""

from __future__ import annotations

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from voek_desktop.ui.context import Context
from voek_desktop.ui.kit.flow import FlowLayout
from voek_desktop.ui.kit.forms import ErrorLabel
from voek_desktop.ui.kit.widgets import section_title


class SectionPage(QWidget):
    """Subclasses add their content to :attr:`body` and load it in :meth:`refresh`.

    Without a ``title`` the page has no header and no error line: it lays out views of its own
    (each with a :func:`section_title`) and still loads on first show.
    """

    def __init__(
        self,
        ctx: Context,
        title: str | None = None,
        parent: QWidget | None = None,
        *,
        margins: tuple[int, int, int, int] = (24, 18, 24, 18),
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.loaded = False  # the first load has been started (set early to skip it)
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(*margins)
        self.header_row = QHBoxLayout()
        # The buttons beside the title wrap under each other when the window is narrow, so
        # the header never asks for the sum of their widths (issue 12 "Fit").
        self.actions_row = FlowLayout()
        if title is None:
            self.title = None
            self.error = None
            return
        self.title = section_title(title, self)
        self.header_row.addWidget(self.title, 1)
        self.header_row.addLayout(self.actions_row)
        self.body.addLayout(self.header_row)
        self.error = ErrorLabel(self)
        self.error.setObjectName("formError")
        self.body.addWidget(self.error)

    def add_action(self, widget: QWidget) -> QWidget:
        """A button (or any widget) at the right of the title."""
        self.actions_row.addWidget(widget)
        return widget

    def add_above_error(self, widget: QWidget) -> None:
        """A banner between the header and the error line."""
        self.body.insertWidget(self.body.indexOf(self.error_line), widget)

    @property
    def error_line(self) -> ErrorLabel:
        """:attr:`error` of a page with a title (one without has none)."""
        assert self.error is not None, "a page without a title has no error line"
        return self.error

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self.loaded:
            self.loaded = True
            self.refresh()

    def refresh(self) -> None:
        """(Re)load what the page shows; called on first show."""
