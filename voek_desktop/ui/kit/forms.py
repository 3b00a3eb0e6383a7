"""Form building blocks: a field with its error shown right under it, and a form of them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Protocol

import shiboken6
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from voek_desktop.domain import InvalidValue

if TYPE_CHECKING:
    from PySide6.QtGui import QAction
from voek_desktop.ui.kit.dialogs import tr

Check = Callable[[str], str | None]

# Fields built before the first window is painted get their icon afterwards: QtGui's icon
# machinery costs milliseconds the start-up target (docs/design.md "Targets") does not have. None =
# painted.
_waiting_for_paint: list[Field] | None = []


def first_paint_done() -> None:
    global _waiting_for_paint
    waiting, _waiting_for_paint = _waiting_for_paint or [], None
    for field in waiting:
        if shiboken6.isValid(field):
            field.add_reveal_action()


def checker(normalize: Callable[[str], object]) -> Check:
    """Turn a domain ``normalize_*`` (raises InvalidValue) into a check returning the message."""

    def check(text: str) -> str | None:
        try:
            normalize(text)
        except InvalidValue as exc:
            return exc.message
        return None

    return check


class ErrorLabel(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("fieldError")
        self.setWordWrap(True)
        self.hide()

    def show_message(self, message: str | None) -> None:
        self.setText(message or "")
        self.setVisible(bool(message))


class Field(QWidget):
    """A line edit with its own error label. Checks as the user types once they have left it
    (no red text while typing the first characters), and at once when an error is shown."""

    changed = Signal()

    def __init__(
        self,
        key: str,
        label: str,
        *,
        check: Check | None = None,
        placeholder: str = "",
        password: bool = False,
        hint: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.key = key
        self.label_text = label
        self.check = check
        self._touched = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.edit = QLineEdit(self)
        self.edit.setObjectName(f"field_{key}")
        self.edit.setPlaceholderText(placeholder)
        self.edit.setAccessibleName(label)
        self.reveal: QAction | None = None
        if password:
            self.edit.setEchoMode(QLineEdit.EchoMode.Password)
            if _waiting_for_paint is None:
                self.add_reveal_action()
            else:
                _waiting_for_paint.append(self)
        layout.addWidget(self.edit)
        if hint:
            hint_label = QLabel(hint, self)
            hint_label.setObjectName("fieldHint")
            hint_label.setWordWrap(True)
            layout.addWidget(hint_label)
        self.error = ErrorLabel(self)
        layout.addWidget(self.error)
        self.edit.textEdited.connect(self._edited)
        self.edit.editingFinished.connect(self._left)

    def add_reveal_action(self) -> None:
        """The eye button that shows the password as typed."""
        from PySide6.QtGui import QAction, QIcon

        from voek_desktop.resources import resource_path

        toggle = QAction(
            QIcon(str(resource_path("icons/eye.svg"))), tr("Показать пароль"), self.edit
        )
        toggle.setCheckable(True)
        toggle.toggled.connect(
            lambda on: self.edit.setEchoMode(
                QLineEdit.EchoMode.Normal if on else QLineEdit.EchoMode.Password
            )
        )
        self.edit.addAction(toggle, QLineEdit.ActionPosition.TrailingPosition)
        self.reveal = toggle

    def text(self) -> str:
        return self.edit.text()

    def set_text(self, text: str) -> None:
        self.edit.setText(text)

    def set_error(self, message: str | None) -> None:
        self.error.show_message(message)
        self.edit.setProperty("invalid", bool(message))
        self.edit.style().unpolish(self.edit)
        self.edit.style().polish(self.edit)

    def has_error(self) -> bool:
        return self.error.isVisible() or bool(self.error.text())

    def validate(self) -> bool:
        self._touched = True
        message = self.check(self.text()) if self.check else None
        self.set_error(message)
        return message is None

    def _edited(self) -> None:
        if self._touched or self.has_error():
            self.validate()
        self.changed.emit()

    def _left(self) -> None:
        if self.text():
            self.validate()


class Form(QWidget):
    """Fields in a form layout; maps the server's ``fields`` errors back onto them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fields: dict[str, Field] = {}
        self.layout_ = QFormLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        self.layout_.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.layout_.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)

    def add(self, field: Field) -> Field:
        label = QLabel(field.label_text + ":")
        label.setBuddy(field.edit)
        label.setObjectName(f"label_{field.key}")
        self.layout_.addRow(label, field)
        self.fields[field.key] = field
        return field

    def set_visible_fields(self, keys: Iterable[str]) -> None:
        wanted = set(keys)
        for key, field in self.fields.items():
            self.layout_.setRowVisible(field, key in wanted)

    def visible_fields(self) -> list[Field]:
        return [f for f in self.fields.values() if not f.isHidden()]

    def validate(self) -> bool:
        results = [f.validate() for f in self.visible_fields()]
        if not all(results):
            next(
                f for f, ok in zip(self.visible_fields(), results, strict=True) if not ok
            ).edit.setFocus()
        return all(results)

    def apply_errors(self, errors: dict[str, str]) -> dict[str, str]:
        """Show each error next to its field; return the ones no visible field took."""
        rest = {}
        first = None
        for key, message in errors.items():
            field = self.fields.get(key)
            if field is None or field.isHidden():
                rest[key] = message
                continue
            field.set_error(message)
            first = first or field
        if first is not None:
            first.edit.setFocus()
        return rest

    def clear_errors(self) -> None:
        for field in self.fields.values():
            field.set_error(None)


class TakesFieldErrors(Protocol):
    def apply_errors(self, errors: dict[str, str]) -> dict[str, str]: ...


def show_api_error(
    exc: BaseException,
    form: TakesFieldErrors,
    line: ErrorLabel,
    *,
    fallback: str | None = None,
    elsewhere: dict[str, ErrorLabel] | None = None,
) -> bool:
    """Route a failure: an ApiError's per-field errors go next to their fields in ``form`` (or
    to the label ``elsewhere`` names for a key), the rest into ``line`` (``fallback`` when none
    is left); any other failure is described in ``line``. True when there were field errors."""
    from voek_desktop.api.errors import ApiError
    from voek_desktop.ui.kit import messages

    if not (isinstance(exc, ApiError) and exc.fields):
        line.show_message(messages.describe(exc))
        return False
    errors = dict(exc.fields)
    for key, label in (elsewhere or {}).items():
        if key in errors:
            label.show_message(errors.pop(key))
    rest = form.apply_errors(errors)
    line.show_message(" ".join(rest.values()) or fallback)
    return True
