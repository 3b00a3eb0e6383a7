"""The one place that tells the user something: errors, notices, confirmations, crashes.

Message boxes are imported when first shown: the login window must paint fast (docs/design.md
"Targets").
"""

from __future__ import annotations

import sys
import threading
import traceback
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QWidget

from voek_desktop.api.errors import ApiError, TransferCancelled
from voek_desktop.credentials import KeyringUnavailable
from voek_desktop.ui.kit.dialogs import tr

if TYPE_CHECKING:
    from PySide6.QtWidgets import QDialog


def _log():
    import logging

    return logging.getLogger("voek.ui")


class _Bus(QObject):
    notice = Signal(str)
    # What the consumer's data a finished action changed: "applications", "contracts",
    # "survey", "feedback", "accounts". Sections showing it reload (kit/page.py).
    changed = Signal(str)


bus = _Bus()


def is_expected(exc: BaseException) -> bool:
    """Errors that are part of life (the server said no, the network is down)."""
    return isinstance(exc, ApiError | KeyringUnavailable | OSError | TransferCancelled)


def describe(exc: BaseException) -> str:
    if isinstance(exc, ApiError):
        text = exc.message
        if exc.retry_after and "повторите через" not in text.lower():
            minutes = max(1, -(-exc.retry_after // 60))
            text += f" Повторите через {minutes} мин."
        return text
    if isinstance(exc, KeyringUnavailable):
        return str(exc)
    if isinstance(exc, TransferCancelled):
        return "Отменено."
    if isinstance(exc, OSError):
        return f"Ошибка работы с файлом: {exc.strerror or exc}"
    return "Непредвиденная ошибка."


def notice(text: str, near: QWidget | None = None) -> None:
    """A short message in the window's status line; nothing to click. With ``near`` (a widget
    of an open dialog) it is shown inside that dialog too, where the user is looking."""
    if near is not None:
        from voek_desktop.ui.kit.dialogs import show_result

        show_result(near, text)
    bus.notice.emit(text)


def changed(*topics: str) -> None:
    """Say that an action changed these kinds of data, so every open section showing them
    reloads (issue 12 "Stale screens")."""
    for topic in topics:
        bus.changed.emit(topic)


def error(parent: QWidget | QObject | None, what: BaseException | str, title: str = "") -> None:
    from PySide6.QtWidgets import QMessageBox

    text = what if isinstance(what, str) else describe(what)
    box = QMessageBox(parent if isinstance(parent, QWidget) else None)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title or "Ошибка")
    box.setText(text)
    box.exec()


def info(parent: QWidget | None, text: str, title: str = "Готово") -> None:
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Information)
    box.setWindowTitle(title)
    box.setText(text)
    box.exec()


def confirm(
    parent: QWidget | None,
    text: str,
    title: str = "Подтверждение",
    yes: str = "Да",
    *,
    safe_default: bool = False,
) -> bool:
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(title)
    box.setText(text)
    ok = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton("Отмена", QMessageBox.ButtonRole.RejectRole)
    if safe_default:
        box.setDefaultButton(cancel)  # Enter must not do what cannot be undone
    box.exec()
    return box.clickedButton() is ok


def choose(
    parent: QWidget | None,
    text: str,
    title: str,
    buttons: list[str],
    *,
    cancel: str = "Отмена",
) -> str | None:
    """A question with several answers: the text of the button pressed, None for ``cancel``
    (also the default: Enter and Esc must not do what cannot be undone)."""
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(title)
    box.setText(text)
    for label in buttons:
        box.addButton(label, QMessageBox.ButtonRole.AcceptRole)
    no = box.addButton(cancel, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(no)
    box.setEscapeButton(no)
    box.exec()
    clicked = box.clickedButton()
    return None if clicked is no else clicked.text()  # Esc clicks the escape button


def _crash_dialog(details: str, parent: QWidget | None) -> QDialog:
    from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout

    dialog = QDialog(parent)
    dialog.setWindowTitle(tr("Непредвиденная ошибка"))
    layout = QVBoxLayout(dialog)
    label = QLabel(
        tr(
            "В приложении произошла непредвиденная ошибка. Введённые данные сохранены там, где"
            " это возможно. Сообщите о ней в поддержку АО «ВОЭК», приложив подробности."
        )
    )
    label.setWordWrap(True)
    layout.addWidget(label)
    text = QPlainTextEdit(details, dialog)
    text.setObjectName("details")
    text.setReadOnly(True)
    text.setMinimumSize(520, 200)
    layout.addWidget(text)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dialog)
    copy = buttons.addButton("Скопировать подробности", QDialogButtonBox.ButtonRole.ActionRole)
    copy.clicked.connect(lambda: QApplication.clipboard().setText(details))
    buttons.rejected.connect(dialog.reject)
    layout.addWidget(buttons)
    return dialog


_showing = threading.Lock()


def show_crash(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    details = "".join(traceback.format_exception(kind, exc, tb))
    _log().error("unhandled exception\n%s", details)
    app = QApplication.instance()
    if app is None or threading.current_thread() is not threading.main_thread():
        sys.__excepthook__(kind, exc, tb)
        return
    if not _showing.acquire(blocking=False):
        return  # one dialog at a time: an error in a paint handler would repeat forever
    try:
        _crash_dialog(details, QApplication.activeWindow()).exec()
    finally:
        _showing.release()


def install_excepthook() -> None:
    sys.excepthook = show_crash

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            _log().error(
                "unhandled exception in %s",
                args.thread.name if args.thread else "?",
                exc_info=(args.exc_type, args.exc_value, args.exc_traceback),
            )

    threading.excepthook = thread_hook
