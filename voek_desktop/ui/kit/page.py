"""The page of a cabinet section: a title with an actions row beside it, an error line under
them, and content loaded by :meth:`refresh` — each time the page is shown, when an action
says its data changed (:func:`messages.changed`), and by the cabinet's poll timer while it is
open (issue 12 "Stale screens")."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from voek_desktop.ui.context import Context
from voek_desktop.ui.kit import messages
from voek_desktop.ui.kit.flow import FlowLayout
from voek_desktop.ui.kit.forms import ErrorLabel
from voek_desktop.ui.kit.widgets import section_title


class SectionPage(QWidget):
    """Subclasses add their content to :attr:`body` and load it in :meth:`refresh`.

    Without a ``title`` the page has no header and no error line: it lays out views of its own
    (each with a :func:`section_title`) and still loads when shown.

    A reload must never take what the user is typing or has chosen: pages keep the chosen row
    by id, leave an unchanged list alone, and say :meth:`has_unsaved_edits` while a reload
    would lose work — then only showing the page or «Обновить» reloads it.
    """

    # The kinds of data (messages.changed topics) this page shows.
    topics: frozenset[str] = frozenset()

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
        self._load_failed = False  # the error line shows why the last reload failed
        # A bound method: Qt drops the connection when the page is deleted.
        messages.bus.changed.connect(self._data_changed)
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
        # Spontaneous: the window came back from minimised; the poll timer covers that.
        if event.spontaneous():
            return
        if not self.loaded:
            self.loaded = True
            self.refresh()
        elif not self.has_unsaved_edits():
            self.refresh()  # the section was switched to: what it showed may be old

    def _data_changed(self, topic: str) -> None:
        if topic in self.topics and self.isVisible() and not self.has_unsaved_edits():
            self.refresh()

    def has_unsaved_edits(self) -> bool:
        """True while a reload would lose what the user is doing (an open wizard, a half-typed
        form the reload rebuilds); the poll and change events skip the page then."""
        return False

    def load(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], object],
        on_error: Callable[[BaseException], object] | None = None,
        *,
        label: str = "",
    ) -> Future:
        """Run a reload of this page on the worker; reloads asked for while one is queued or
        running are coalesced into one (kit/tasks.py)."""

        def done(result: Any) -> None:
            if self._load_failed and self.error is not None:
                self.error.show_message(None)  # the reload worked: the old failure is over
            self._load_failed = False
            on_done(result)

        return self.ctx.tasks.run(
            fn,
            done,
            on_error if on_error is not None else self.show_load_error,
            owner=self,
            label=label,
            coalesce=self,
        )

    def show_load_error(self, exc: BaseException) -> None:
        """A failed reload on the error line; the next successful one takes it away (an
        action's error, shown on the same line, stays)."""
        if self.error is not None:
            self.error.show_message(messages.describe(exc))
            self._load_failed = True

    def refresh(self) -> None:
        """(Re)load what the page shows; called when shown and when its data changed."""
