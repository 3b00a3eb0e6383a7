"""«Лицевые счета» of an individual (docs/design.md "Metering"): the list at the left
with
«+ Добавить лицевой счет» and «×» (remove), the meters of the chosen account at the right."""

from __future__ import annotations

import re
from typing import cast

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from voek_desktop.api.errors import ApiError
from voek_desktop.api.metering import AddedAccount, Meter, PersonalAccount
from voek_desktop.ui.context import Context
from voek_desktop.ui.kit import messages
from voek_desktop.ui.kit.dialogs import tr
from voek_desktop.ui.kit.flow import FlowLayout
from voek_desktop.ui.kit.forms import Field
from voek_desktop.ui.kit.page import SectionPage
from voek_desktop.ui.kit.widgets import link_button, primary_button, section_title
from voek_desktop.ui.metering.labels import offline_note
from voek_desktop.ui.metering.meters import MetersPanel, fit_beside

# The list column is sized from the font (issue 12 "Fit"): at least an account's number with
# «×», the «+ Добавить лицевой счет» link and the add form; at most about this many characters,
# where an address takes two lines. Between the two it leaves the meters' table beside it its
# columns whole: a fixed 240 px made the table scroll sideways at 1024×600 and at 200 %.
WIDEST_CHARS = 40
# AccountRow: its margins and «×», and the list's room for its scroll bar beside the rows.
ROW_MARGINS = (8, 4, 4, 4)
ROW_SPACING = 6
REMOVE_WIDTH = 30
ROW_SLACK = 18


def check_account_number(text: str) -> str | None:
    digits = re.sub(r"[\s-]", "", text)
    if not digits:
        return "Введите номер лицевого счета"
    if not digits.isdigit():
        return "Номер лицевого счета состоит только из цифр"
    if len(digits) != 10:
        return "Номер лицевого счета должен содержать 10 цифр"
    return None


def check_meter_serial(text: str) -> str | None:
    serial = re.sub(r"[\s-]", "", text)
    if not serial:
        return "Введите заводской номер прибора учёта"
    if len(serial) > 50:
        return "Заводской номер слишком длинный"
    return None


class AccountRow(QWidget):
    """One account in the list: its number and «×» (remove)."""

    def __init__(self, page: AccountsPage, account: PersonalAccount) -> None:
        super().__init__()
        self.account = account
        layout = QHBoxLayout(self)
        layout.setContentsMargins(*ROW_MARGINS)
        layout.setSpacing(ROW_SPACING)
        text = f"№ {account.number}"
        if account.address:
            text += f"\n{account.address}"
        label = QLabel(text, self)
        label.setWordWrap(True)
        layout.addWidget(label, 1)
        # The multiplication sign, not a Latin «X»; what it does is in the tooltip and, with
        # the account's number, in the name a screen reader says.
        self.remove = QPushButton("×", self)
        self.remove.setObjectName("removeAccount")
        self.remove.setFixedWidth(REMOVE_WIDTH)
        self.remove.setToolTip(tr("Удалить лицевой счёт"))
        self.remove.setAccessibleName(tr("Удалить лицевой счёт {}").format(account.number))
        self.remove.setAutoDefault(False)
        self.remove.clicked.connect(lambda: page.remove_account(account.number))
        layout.addWidget(self.remove, 0, Qt.AlignmentFlag.AlignTop)


class AccountsPage(SectionPage):
    topics = frozenset({"accounts"})

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(ctx, None, parent, margins=(18, 14, 18, 14))
        self.accounts: list[PersonalAccount] = []
        root = QHBoxLayout()
        root.setContentsMargins(0, 0, 0, 0)
        root.setSpacing(18)
        self.body.addLayout(root)
        self.root = root

        left = QVBoxLayout()
        self.list_title = section_title(tr("Лицевые счета"), self)
        left.addWidget(self.list_title)
        self.list = QListWidget(self)
        self.list.setObjectName("accounts")
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setVerticalScrollMode(QListWidget.ScrollMode.ScrollPerPixel)
        self.list.currentRowChanged.connect(self._chosen)
        left.addWidget(self.list, 1)
        self.list_status = QLabel(self)
        self.list_status.setObjectName("fieldHint")
        self.list_status.setWordWrap(True)
        left.addWidget(self.list_status)

        self.add_button = link_button(tr("+ Добавить лицевой счет"), self)
        self.add_button.clicked.connect(self.show_add_form)
        left.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.add_box = QFrame(self)
        self.add_box.setObjectName("card")
        box = QVBoxLayout(self.add_box)
        box.setContentsMargins(10, 8, 10, 8)
        hint = QLabel(
            tr(
                "Номер лицевого счета указан сбытовой организацией в квитанции на оплату"
                " электрической энергии."
            ),
            self.add_box,
        )
        hint.setObjectName("fieldHint")
        hint.setWordWrap(True)
        box.addWidget(hint)
        self.number = Field(
            "number", "Номер лицевого счета", check=check_account_number, placeholder="10 цифр"
        )
        self.number.edit.setMaxLength(20)
        self.number.edit.returnPressed.connect(self.add_account)
        box.addWidget(self.number)
        # The number alone is no proof of the household: the server asks a meter's serial too.
        self.serial = Field(
            "meter_serial_number",
            "Заводской номер прибора учёта",
            check=check_meter_serial,
            hint="Указан в квитанции и на самом приборе",
        )
        self.serial.edit.setMaxLength(60)
        self.serial.edit.returnPressed.connect(self.add_account)
        box.addWidget(self.serial)
        row = FlowLayout()  # side by side, or under each other in a narrow column
        self.submit = primary_button(tr("Добавить"), self.add_box)
        self.submit.clicked.connect(self.add_account)
        self.cancel_add = QPushButton(tr("Отмена"), self.add_box)
        self.cancel_add.setAutoDefault(False)
        self.cancel_add.clicked.connect(self.hide_add_form)
        row.addWidget(self.submit)
        row.addWidget(self.cancel_add)
        box.addLayout(row)
        self.add_box.hide()
        left.addWidget(self.add_box)
        self.message = QLabel(self)
        self.message.setObjectName("addMessage")
        self.message.setWordWrap(True)
        self.message.hide()
        left.addWidget(self.message)
        root.addLayout(left)

        self.meters = MetersPanel(ctx, self)
        root.addWidget(self.meters, 1)
        self.meters.clear("Выберите лицевой счет слева, чтобы увидеть приборы учёта.")
        self.meters.model.modelReset.connect(self.fit_list)
        self.set_list_width(self.list_widths()[1])

    # --- the list column's width ----------------------------------------------------------

    def list_widths(self) -> tuple[int, int]:
        """The least and the most the list column takes, from the font and what it holds."""
        metrics = self.list.fontMetrics()
        left, _top, right, _bottom = ROW_MARGINS
        number = metrics.horizontalAdvance("№ 0000000000")
        row = number + left + right + ROW_SPACING + REMOVE_WIDTH + ROW_SLACK
        row += 2 * self.list.frameWidth()
        title = self.list_title.fontMetrics().horizontalAdvance(
            self.list_title.text()
        )  # on one line
        least = max(
            row,
            title,
            self.add_button.sizeHint().width(),
            self.add_box.minimumSizeHint().width(),
        )
        return least, max(least, metrics.averageCharWidth() * WIDEST_CHARS)

    def fit_list(self) -> None:
        """The widest list column, up to list_widths' most, that leaves the meters' table
        its columns whole; never narrower than the least."""
        least, most = self.list_widths()
        margins = self.body.contentsMargins()
        both = self.width() - margins.left() - margins.right() - self.root.spacing()
        width = fit_beside(self.meters, both, least, most)
        if width != self.list.width():
            self.set_list_width(width)

    def set_list_width(self, width: int) -> None:
        for widget in (self.list, self.list_status, self.add_box, self.message):
            widget.setFixedWidth(width)
        self._size_rows()

    def _size_rows(self) -> None:
        """Each row as wide as the list (the address wraps), never wider: «×» stays in sight."""
        width = self.list.width() - 2 * self.list.frameWidth() - ROW_SLACK
        for index in range(self.list.count()):
            item = self.list.item(index)
            row = self.list.itemWidget(item)
            if row is None:
                continue
            row.setFixedWidth(width)
            height = row.heightForWidth(width) if row.hasHeightForWidth() else -1
            item.setSizeHint(QSize(width, max(height, row.sizeHint().height())))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_list()

    # --- list -----------------------------------------------------------------------------

    def refresh(self, select: str | None = None) -> None:
        if not self.accounts:
            self.list_status.setText(tr("Загрузка лицевых счетов…"))
        session = self.ctx.session
        client = session.client
        self.load(
            lambda: session.remembered(
                "personal_accounts", client.personal_accounts, PersonalAccount.from_json
            ),
            lambda items: self.show_accounts(items, select),
            lambda exc: self.list_status.setText(messages.describe(exc)),
            label="Загрузка лицевых счетов…",
        )

    def show_accounts(self, accounts: list[PersonalAccount], select: str | None = None) -> None:
        current = select or self.current_number()
        if self.accounts and list(accounts) == self.accounts and current == self.current_number():
            # The same accounts: the list, the chosen one and the add form stay as they are.
            self.list_status.setText(offline_note(accounts))
            self.meters.reload()
            return
        self.accounts = list(accounts)
        self.list.blockSignals(True)
        self.list.clear()
        for account in self.accounts:
            item = QListWidgetItem(self.list)
            item.setData(Qt.ItemDataRole.UserRole, account.number)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, f"Лицевой счет {account.number}")
            self.list.setItemWidget(item, AccountRow(self, account))
        self._size_rows()
        self.list.blockSignals(False)
        if not self.accounts:
            self.list_status.setText(
                tr("Лицевые счета не добавлены. Нажмите «+ Добавить лицевой счет».")
            )
            self.meters.clear("Добавьте лицевой счет, чтобы увидеть приборы учёта.")
            self.show_add_form()
            return
        self.list_status.setText(offline_note(accounts))
        numbers = [a.number for a in self.accounts]
        index = numbers.index(current) if current in numbers else 0
        self.list.setCurrentRow(index)
        self._chosen(index)

    def current_number(self) -> str | None:
        # None while the list is empty; the stubs leave that out.
        item = cast("QListWidgetItem | None", self.list.currentItem())
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def row_widget(self, number: str) -> AccountRow | None:
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == number:
                # show_accounts sets an AccountRow on each item; the stubs say QWidget.
                return cast(AccountRow, self.list.itemWidget(item))
        return None

    def _chosen(self, row: int) -> None:
        if not 0 <= row < len(self.accounts):
            return
        number = self.accounts[row].number
        session = self.ctx.session
        client = session.client
        self.meters.load(
            f"Приборы учёта по лицевому счету № {number}",
            lambda: session.remembered(
                f"meters-{number}", lambda: client.personal_account_meters(number), Meter.from_json
            ),
        )

    # --- add / remove ---------------------------------------------------------------------

    def show_add_form(self) -> None:
        self.add_box.show()
        self.number.edit.setFocus()

    def hide_add_form(self) -> None:
        self.add_box.hide()
        for field in (self.number, self.serial):
            field.set_text("")
            field.set_error(None)

    def _say(self, text: str, ok: bool) -> None:
        self.message.setText(text)
        self.message.setObjectName("addMessage" if ok else "formError")
        self.message.setStyleSheet("color: #1e7b34;" if ok else "")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.show()

    def add_account(self) -> None:
        number_ok = self.number.validate()
        if not (self.serial.validate() and number_ok):
            return
        number = re.sub(r"[\s-]", "", self.number.text())
        serial = re.sub(r"[\s-]", "", self.serial.text())
        self.submit.setEnabled(False)
        self.message.hide()
        client = self.ctx.session.client
        self.ctx.tasks.run(
            lambda: client.add_personal_account(number, serial),
            self._added,
            self._add_failed,
            owner=self,
            label="Добавление лицевого счета…",
        )

    def _added(self, result: AddedAccount) -> None:
        self.submit.setEnabled(True)
        self.hide_add_form()
        self._say(result.message, ok=True)
        messages.notice(result.message)
        self.refresh(select=result.personal_account.number)

    def _add_failed(self, exc: BaseException) -> None:
        self.submit.setEnabled(True)
        if isinstance(exc, ApiError) and exc.status in (404, 409):
            # Unknown pair or already added: the server's own words, next to the number (the
            # server does not say which half of a pair was wrong).
            self.number.set_error(exc.message)
        elif isinstance(exc, ApiError) and exc.status == 422:
            if "meter_serial_number" in exc.fields:
                self.serial.set_error(exc.fields["meter_serial_number"])
            if "number" in exc.fields or "meter_serial_number" not in exc.fields:
                self.number.set_error(exc.fields.get("number") or exc.message)
        else:
            self._say(messages.describe(exc), ok=False)

    def remove_account(self, number: str) -> None:
        if not messages.confirm(
            self,
            tr(
                "Удалить лицевой счет № {} из личного кабинета? Его можно будет "
                "добавить снова по номеру из квитанции."
            ).format(number),
            yes=tr("Удалить"),
        ):
            return
        widget = self.row_widget(number)
        if widget is not None:
            widget.remove.setEnabled(False)
        client = self.ctx.session.client
        self.ctx.tasks.run(
            lambda: client.remove_personal_account(number),
            lambda _r: self._removed(number),
            lambda exc: self._remove_failed(number, exc),
            owner=self,
            label="Удаление лицевого счета…",
        )

    def _removed(self, number: str) -> None:
        text = f"Лицевой счет № {number} удален."
        self._say(text, ok=True)
        messages.notice(text)
        if self.current_number() == number:
            self.meters.clear()
        self.show_accounts([a for a in self.accounts if a.number != number])
        self.refresh()

    def _remove_failed(self, number: str, exc: BaseException) -> None:
        widget = self.row_widget(number)
        if widget is not None:
            widget.remove.setEnabled(True)
        messages.error(self, exc)
