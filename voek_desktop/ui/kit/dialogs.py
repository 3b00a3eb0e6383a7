"""Keyboard in dialogs (docs/design.md "Conventions"): Enter runs the button of the part of the
dialog the user is typing in, and a result is shown inside the dialog, where the user looks."""

from __future__ import annotations

from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QBoxLayout, QLabel, QPushButton, QWidget

if TYPE_CHECKING:
    # Its Python type is built where a dialog is first made (start-up time, docs/design.md
    # "Targets"): tr() is all the login window takes from here.
    from PySide6.QtWidgets import QDialog


def tr(text: str) -> str:
    """A user-facing string of the kit, through Qt's translation (context «kit»)."""
    return QCoreApplication.translate("kit", text)


class EnterRuns(QObject):
    """Enter in a part of ``dialog`` clicks that part's button, and the button is drawn as the
    default while the focus is in its part: ``EnterRuns(dialog).add(form, save_button)``."""

    def __init__(self, dialog: QDialog) -> None:
        super().__init__(dialog)
        self.dialog = dialog
        self._parts: list[tuple[QWidget, QPushButton]] = []
        dialog.installEventFilter(self)
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        app.focusChanged.connect(self._focus_changed)

    def add(self, part: QWidget, button: QPushButton) -> EnterRuns:
        self._parts.append((part, button))
        return self

    def button_for(self, widget: QWidget | None) -> QPushButton | None:
        for part, button in self._parts:
            inside = widget is not None and (part is widget or part.isAncestorOf(widget))
            if inside and button.isVisibleTo(self.dialog):
                return button
        return None

    def _focus_changed(self, _old: QWidget | None, now: QWidget | None) -> None:
        if not shiboken6.isValid(self) or getattr(self, "dialog", None) is None:
            return  # the application outlives the dialog this filter served
        button = self.button_for(now)
        if button is not None and not isinstance(now, QPushButton):
            button.setDefault(True)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # A key the focused field did not take comes up to the dialog (QLineEdit passes Enter on).
        # While the dialog is being torn down the wrapper may have lost its attributes already.
        dialog = getattr(self, "dialog", None)
        if dialog is not None and watched is dialog and isinstance(event, QKeyEvent):
            from PySide6.QtCore import Qt

            enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            if event.type() == QEvent.Type.KeyPress and enter:
                focused = self.dialog.focusWidget()
                if isinstance(focused, QPushButton):
                    return False  # a focused button is what Enter presses
                button = self.button_for(focused)
                if button is not None:
                    button.setDefault(True)
                    if button.isEnabled():
                        button.click()
                    return True
        return False


def show_result(near: QWidget, text: str) -> QLabel | None:
    """Show ``text`` in the dialog that holds ``near`` (a line just above its buttons), so the
    result of an action is not only in the main window's status bar behind it. None when
    ``near`` is in no dialog."""
    from PySide6.QtWidgets import QDialog

    window = near.window()
    if not isinstance(window, QDialog):
        return None
    label = window.findChild(QLabel, "dialogResult")
    if label is None:
        label = QLabel(window)
        label.setObjectName("dialogResult")
        label.setWordWrap(True)
        layout = window.layout()
        if isinstance(layout, QBoxLayout):
            layout.insertWidget(max(0, layout.count() - 1), label)
        elif layout is not None:
            layout.addWidget(label)
    label.setText(text)
    label.show()
    return label
