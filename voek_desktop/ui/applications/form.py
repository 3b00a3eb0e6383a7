"""The application template as a form: one row per domain field, errors next to each field.

Built from :func:`voek_desktop.domain.applications.fields_for`; values are checked with the
domain's ``validate_form`` over the whole form, so rules across fields (total power, stages,
temporary term) show next to the field they are about. A wrong value stays in its field: the
rest of the form is never lost.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from voek_desktop.api.models import Profile
from voek_desktop.domain import applications as domain
from voek_desktop.domain.formats import format_phone, format_snils
from voek_desktop.domain.time import MSK
from voek_desktop.ui.kit.dialogs import tr
from voek_desktop.ui.kit.forms import ErrorLabel, Field

GROUP_TITLE_STYLE = "font-size: 12pt; font-weight: 600; color: #0b4f8a; margin-top: 10px;"


def today() -> date:
    """Rules about dates use the Moscow calendar day (docs/design.md "Conventions")."""
    return datetime.now(MSK).date()


def display(spec: domain.FieldSpec, value: Any) -> str:
    """A stored value (canonical or as typed) back into a line edit."""
    if value is None:
        return ""
    if isinstance(value, str) and spec.kind == "date":
        try:
            return f"{date.fromisoformat(value):%d.%m.%Y}"
        except ValueError:
            return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value).replace(".", ",")
    if isinstance(value, str) and spec.key in _SHOWN:
        return _SHOWN[spec.key](value)
    return str(value)


# Stored canonical (``11223344595``, ``+79201234567``), typed and read the way people write them.
_SHOWN = {"snils": format_snils, "phone": format_phone}


class ChoiceRow(QWidget):
    changed = Signal()

    def __init__(
        self,
        spec: domain.FieldSpec,
        choices: tuple[domain.Choice, ...],
        parent: QWidget | None = None,
        hint: str = "",
    ) -> None:
        super().__init__(parent)
        self.key = spec.key
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.combo = QComboBox(self)
        self.combo.setObjectName(f"field_{spec.key}")
        self.combo.setAccessibleName(spec.label)
        # As wide as the form gives it, not as its longest choice (issue 12 "Fit").
        self.combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.combo.setMinimumContentsLength(16)
        self.combo.addItem("— выберите —", None)
        for choice in choices:
            self.combo.addItem(choice.label, choice.value)
            self.combo.setItemData(
                self.combo.count() - 1, choice.label, Qt.ItemDataRole.ToolTipRole
            )
        layout.addWidget(self.combo)
        # A choice longer than the box (the payment plans, the groups of п.17) is shown in full
        # below it, wrapped: the applicant reads the very words the printed form will carry.
        self.detail: QLabel | None = None
        if any(len(c.label) > 60 for c in choices):
            self.detail = QLabel(self)
            self.detail.setObjectName(f"choice_detail_{spec.key}")
            self.detail.setWordWrap(True)
            layout.addWidget(self.detail)
            self.combo.currentIndexChanged.connect(self._show_detail)
        if hint:
            hint_label = QLabel(hint, self)
            hint_label.setObjectName("fieldHint")
            hint_label.setWordWrap(True)
            layout.addWidget(hint_label)
        self.error = ErrorLabel(self)
        layout.addWidget(self.error)
        self.combo.currentIndexChanged.connect(self.changed)
        self.focus_widget = self.combo

    def _show_detail(self) -> None:
        assert self.detail is not None
        self.detail.setText(self.combo.currentText() if self.combo.currentData() else "")

    def value(self) -> Any:
        return self.combo.currentData()

    def set_value(self, value: Any) -> None:
        for i in range(self.combo.count()):
            data = self.combo.itemData(i)
            if data == value or (data is not None and str(data) == str(value)):
                self.combo.setCurrentIndex(i)
                return
        self.combo.setCurrentIndex(0)

    def set_error(self, message: str | None) -> None:
        self.error.show_message(message)


class BoolRow(QWidget):
    changed = Signal()

    def __init__(self, spec: domain.FieldSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = spec.key
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.box = QCheckBox(spec.label, self)
        self.box.setObjectName(f"field_{spec.key}")
        layout.addWidget(self.box)
        if spec.hint:
            hint = QLabel(spec.hint, self)
            hint.setObjectName("fieldHint")
            hint.setWordWrap(True)
            layout.addWidget(hint)
        self.error = ErrorLabel(self)
        layout.addWidget(self.error)
        self.box.toggled.connect(self.changed)
        self.focus_widget = self.box

    def value(self) -> bool:
        return self.box.isChecked()

    def set_value(self, value: Any) -> None:
        self.box.setChecked(value is True)

    def set_error(self, message: str | None) -> None:
        self.error.show_message(message)


class StagesModel(QAbstractTableModel):
    """Editable rows of (design until, commissioning until, power) as typed."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[list[str]] = []

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(domain.STAGE_KEYS)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if index.isValid() and role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self.rows[index.row()][index.column()]
        return None

    def setData(
        self, index: QModelIndex | QPersistentModelIndex, value: Any, role: int = 2
    ) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        self.rows[index.row()][index.column()] = str(value or "").strip()
        self.dataChanged.emit(index, index)
        self.changed.emit()
        return True

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        return super().flags(index) | Qt.ItemFlag.ItemIsEditable

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return domain.STAGE_LABELS[domain.STAGE_KEYS[section]]
        return str(section + 1)

    def set_rows(self, rows: list[list[str]]) -> None:
        self.beginResetModel()
        self.rows = [list(r) for r in rows]
        self.endResetModel()

    def add_row(self) -> None:
        if len(self.rows) >= domain.MAX_STAGES:
            return
        self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows))
        self.rows.append(["", "", ""])
        self.endInsertRows()
        self.changed.emit()

    def remove_row(self, row: int) -> None:
        if 0 <= row < len(self.rows):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self.rows[row]
            self.endRemoveRows()
            self.changed.emit()


class StagesRow(QWidget):
    changed = Signal()

    def __init__(self, spec: domain.FieldSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = spec.key
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.model = StagesModel(self)
        self.view = QTableView(self)
        self.view.setObjectName("field_stages")
        self.view.setModel(self.model)
        self.view.setAccessibleName(spec.label)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        # Long titles («Срок ввода в эксплуатацию») wrap onto two lines in a narrow form
        # instead of being cut at both ends (issue 12 "Fit").
        header.setDefaultAlignment(
            Qt.AlignmentFlag(int(Qt.AlignmentFlag.AlignCenter) | int(Qt.TextFlag.TextWordWrap))
        )
        header.setMinimumHeight(2 * header.fontMetrics().lineSpacing() + 8)
        self.view.verticalHeader().setDefaultSectionSize(26)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.AllEditTriggers
            & ~QAbstractItemView.EditTrigger.CurrentChanged
        )
        self.view.setMinimumHeight(110)
        self.view.setMaximumHeight(150)
        layout.addWidget(self.view)
        buttons = QHBoxLayout()
        add = QPushButton(tr("Добавить этап"), self)
        add.setAutoDefault(False)
        remove = QPushButton(tr("Удалить этап"), self)
        remove.setAutoDefault(False)
        add.clicked.connect(self.model.add_row)
        remove.clicked.connect(lambda: self.model.remove_row(self.view.currentIndex().row()))
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        hint = QLabel(
            tr("Даты — ДД.ММ.ГГГГ. ") + spec.hint if spec.hint else tr("Даты — ДД.ММ.ГГГГ"), self
        )
        hint.setObjectName("fieldHint")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.error = ErrorLabel(self)
        layout.addWidget(self.error)
        self.model.changed.connect(self.changed)
        self.focus_widget = self.view

    def value(self) -> list[dict[str, str]]:
        return [
            dict(zip(domain.STAGE_KEYS, row, strict=True)) for row in self.model.rows if any(row)
        ]

    def set_value(self, value: Any) -> None:
        date_spec = domain.FIELDS_BY_KEY["temporary_until"]
        power_spec = domain.FIELDS_BY_KEY["power_new_kw"]
        rows = [
            [
                display(power_spec if k == "power_kw" else date_spec, item.get(k))
                for k in domain.STAGE_KEYS
            ]
            for item in (value if isinstance(value, list) else [])
            if isinstance(item, dict)
        ]
        self.model.set_rows(rows or [["", "", ""]])

    def set_error(self, message: str | None) -> None:
        self.error.show_message(message)


class ApplicationForm(QWidget):
    """The template of one category for one consumer type."""

    changed = Signal()

    def __init__(self, category: str, consumer_type: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.category = category
        self.consumer_type = consumer_type
        self.specs = domain.fields_for(category, consumer_type)
        self.rows: dict[str, Any] = {}
        self._touched: set[str] = set()
        self._loading = False
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 8, 0)
        group = None
        layout: QFormLayout | None = None
        for spec in self.specs:
            if spec.group != group:
                group = spec.group
                title = QLabel(domain.GROUPS[group], self)
                title.setObjectName("groupTitle")
                title.setWordWrap(True)  # long titles and labels wrap in a narrow window
                title.setStyleSheet(GROUP_TITLE_STYLE)
                outer.addWidget(title)
                layout = QFormLayout()
                # Labels above fields: long Russian labels would wrap and clip beside them.
                layout.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
                layout.setVerticalSpacing(4)
                layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
                outer.addLayout(layout)
            assert layout is not None
            row = self._make_row(spec)
            self.rows[spec.key] = row
            if spec.kind == "bool":
                layout.addRow(row)
            else:
                optional = not spec.required and spec.key not in domain.REQUIRED_UNLESS
                label = QLabel(spec.label + (tr(" (необязательно)") if optional else "") + ":")
                label.setObjectName(f"label_{spec.key}")
                label.setWordWrap(True)
                label.setBuddy(row.focus_widget if not isinstance(row, Field) else row.edit)
                # A row of its own: the full width to wrap in, only when the form is narrow.
                layout.addRow(label)
                layout.addRow(row)
        outer.addStretch(1)
        self.set_values({})

    def _make_row(self, spec: domain.FieldSpec) -> Any:
        key = spec.key
        row: ChoiceRow | BoolRow | StagesRow
        if spec.kind == "choice":
            row = ChoiceRow(
                spec,
                domain.choices_for(spec, self.category),
                self,
                hint=domain.hint_for(spec, self.category),
            )
            row.changed.connect(lambda: self._changed(key, touch=True))
            return row
        if spec.kind == "bool":
            row = BoolRow(spec, self)
            row.changed.connect(lambda: self._changed(key, touch=True))
            return row
        if spec.kind == "stages":
            row = StagesRow(spec, self)
            row.changed.connect(lambda: self._changed(key, touch=True))
            return row

        def check(_text: str) -> str | None:
            return self.errors().get(key)

        field = Field(
            spec.key,
            spec.label,
            check=check,
            placeholder=domain.placeholder_for(spec, self.consumer_type),
            hint=domain.hint_for(spec, self.category),
            parent=self,
        )
        if spec.kind == "text":
            field.edit.setMaxLength(spec.max_length)
        field.edit.textChanged.connect(lambda _t, k=spec.key: self._changed(k))
        field.edit.editingFinished.connect(lambda k=spec.key: self._left(k))
        return field

    # --- values ---------------------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        """The form as typed: what a draft keeps."""
        out: dict[str, Any] = {}
        for key, row in self.rows.items():
            out[key] = row.text() if isinstance(row, Field) else row.value()
        return out

    def set_values(self, values: dict[str, Any]) -> None:
        self._loading = True
        try:
            for spec in self.specs:
                row = self.rows[spec.key]
                value = values.get(spec.key, spec.default)
                if isinstance(row, Field):
                    row.set_text(display(spec, value))
                else:
                    row.set_value(value)
        finally:
            self._loading = False
        self._touched = {k for k, v in values.items() if v not in (None, "", [])}
        self.refresh_errors()

    def prefill(self, profile: Profile) -> None:
        """What the cabinet already knows goes into empty fields: identifiers, contacts, the
        registry's name of an organisation; an individual's home is the address of the
        personal account on the bill. Every known address is offered while typing one."""
        from PySide6.QtWidgets import QCompleter

        from voek_desktop.domain.consumers import CONSUMER_TYPES

        individual = self.consumer_type == domain.INDIVIDUAL
        known = {
            "applicant_name": profile.name
            and domain.applicant_name_from_registry(profile.name, self.consumer_type),
            "postal_address": profile.addresses[0] if individual and profile.addresses else None,
            "snils": profile.snils,
            "inn": profile.inn,
            "ogrn": profile.ogrn,
            "ogrnip": profile.ogrnip,
            "phone": profile.phone,
            "email": profile.email,
        }
        if profile.snils:
            known["snils"] = CONSUMER_TYPES["individual"].login.display(profile.snils)
        current = self.values()
        self.set_values(
            {
                **current,
                **{k: v for k, v in known.items() if v and k in self.rows and not current.get(k)},
            }
        )
        for key in ("registered_address", "postal_address", "devices_address"):
            row = self.rows.get(key)
            if isinstance(row, Field) and profile.addresses:
                completer = QCompleter(list(profile.addresses), row.edit)
                completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
                completer.setFilterMode(Qt.MatchFlag.MatchContains)
                row.edit.setCompleter(completer)

    # --- validation -----------------------------------------------------------------------

    def check(self, *, partial: bool = True) -> tuple[dict[str, Any], dict[str, str]]:
        return domain.validate_form(
            self.category, self.consumer_type, self.values(), today(), partial=partial
        )

    def errors(self) -> dict[str, str]:
        return self.check()[1]

    def validate(self) -> bool:
        """Full check before moving on: every error shown, focus on the first."""
        _clean, errors = self.check(partial=False)
        self._touched = set(self.rows)
        self._show(errors)
        if errors:
            first = next(k for k in self.rows if k in errors)
            row = self.rows[first]
            (row.edit if isinstance(row, Field) else row.focus_widget).setFocus()
        return not errors

    def apply_errors(self, errors: dict[str, str]) -> dict[str, str]:
        """The server's field errors next to their fields; the rest is returned."""
        for key, message in errors.items():
            if key in self.rows:
                self.rows[key].set_error(message)
        return {k: v for k, v in errors.items() if k not in self.rows}

    def refresh_errors(self) -> None:
        self._show(self.errors())

    def _show(self, errors: dict[str, str]) -> None:
        for key, row in self.rows.items():
            row.set_error(errors.get(key) if key in self._touched else None)

    def _changed(self, key: str, touch: bool = False) -> None:
        if self._loading:
            return
        if touch:
            self._touched.add(key)
        # Rules across fields: a change here may fix or break another field's message.
        if self._touched:
            self._show(self.errors())
        self.changed.emit()

    def _left(self, key: str) -> None:
        row = self.rows[key]
        if row.text():
            self._touched.add(key)
        self._show(self.errors())
