"""«Договоры энергоснабжения» of a company or sole proprietor (docs/design.md "Metering"):
the
registry check, the one-time confirmation by a supply contract number, then the contracts and
the meters of each."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from voek_desktop.api.errors import ApiError
from voek_desktop.api.metering import Organization, SupplyContract
from voek_desktop.domain.formats import (
    format_date,
)
from voek_desktop.ui.context import Context
from voek_desktop.ui.kit import messages
from voek_desktop.ui.kit.dialogs import tr
from voek_desktop.ui.kit.forms import Field
from voek_desktop.ui.kit.page import SectionPage
from voek_desktop.ui.kit.widgets import primary_button, section_title
from voek_desktop.ui.metering.meters import MetersPanel, fit_beside

# The contracts' column at its widest (fit_tree narrows it for the meters' table).
TREE_MOST = 360
DEFAULT_SUPPORT = {"phone": "8 (4922) 00-00-00", "email": "support@voek33.ru"}


def check_contract_number(text: str) -> str | None:
    if not text.strip():
        return "Введите номер договора энергоснабжения"
    if len(text.strip()) > 50:
        return "Слишком длинный номер договора"
    return None


class OrganizationPage(SectionPage):
    topics = frozenset({"accounts"})

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(ctx, None, parent, margins=(18, 14, 18, 14))
        self.organization: Organization | None = None
        self.contracts: list[SupplyContract] = []
        self.loaded_contract: str | None = None
        root = self.body
        self.stack = QStackedWidget(self)
        root.addWidget(self.stack)

        # 0: checking
        self.checking = QLabel(tr("Проверка сведений об организации…"), self)
        self.checking.setObjectName("fieldHint")
        self.checking.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack.addWidget(self.checking)

        # 1: not in the registry, or the check failed
        self.problem = QWidget(self)
        p = QVBoxLayout(self.problem)
        heading = section_title(tr("Информация по приборам учёта"), self.problem)
        p.addWidget(heading)
        self.problem_text = QLabel(self.problem)
        self.problem_text.setObjectName("notInRegistry")
        self.problem_text.setWordWrap(True)
        self.problem_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.problem_text.setOpenExternalLinks(True)
        p.addWidget(self.problem_text)
        self.retry = QPushButton(tr("Проверить снова"), self.problem)
        self.retry.clicked.connect(self.refresh)
        p.addWidget(self.retry, 0, Qt.AlignmentFlag.AlignLeft)
        p.addStretch(1)
        self.stack.addWidget(self.problem)

        # 2: confirmation form
        self.confirm_page = QWidget(self)
        c = QVBoxLayout(self.confirm_page)
        heading = section_title(tr("Подтверждение данных организации"), self.confirm_page)
        c.addWidget(heading)
        card = QFrame(self.confirm_page)
        card.setObjectName("card")
        card.setMaximumWidth(560)
        form = QVBoxLayout(card)
        form.setContentsMargins(16, 12, 16, 12)
        text = QLabel(
            tr(
                "Для подтверждения данных организации введите номер любого имеющегося договора"
                " энергоснабжения (купли-продажи электрической энергии) со сбытовой организацией."
                " Подтверждение выполняется один раз."
            ),
            card,
        )
        text.setWordWrap(True)
        form.addWidget(text)
        self.contract_field = Field(
            "supply_contract_number",
            "Номер договора энергоснабжения",
            check=check_contract_number,
            placeholder="например, ЭС-1001",
        )
        self.contract_field.edit.returnPressed.connect(self.confirm)
        label = QLabel(tr("Номер договора энергоснабжения:"), card)
        label.setBuddy(self.contract_field.edit)
        form.addWidget(label)
        form.addWidget(self.contract_field)
        row = QHBoxLayout()
        self.confirm_button = primary_button(tr("Подтвердить"), card)
        self.confirm_button.clicked.connect(self.confirm)
        row.addWidget(self.confirm_button)
        row.addStretch(1)
        form.addLayout(row)
        self.confirm_status = QLabel(card)
        self.confirm_status.setObjectName("fieldHint")
        form.addWidget(self.confirm_status)
        c.addWidget(card)
        c.addStretch(1)
        self.stack.addWidget(self.confirm_page)

        # 3: contracts and meters
        self.contracts_page = QWidget(self)
        body = QHBoxLayout(self.contracts_page)
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(18)
        left = QVBoxLayout()
        heading = section_title(tr("Договоры энергоснабжения"), self.contracts_page)
        left.addWidget(heading)
        # Contracts → their metering points; the meters of the chosen one at the right.
        self.tree_model = QStandardItemModel(self)
        self.tree_model.setHorizontalHeaderLabels(["Договор / точка учёта"])
        self.tree = QTreeView(self.contracts_page)
        self.tree.setObjectName("contracts")
        self.tree.setModel(self.tree_model)
        self.tree.setHeaderHidden(True)
        self.tree.setEditTriggers(QTreeView.EditTrigger.NoEditTriggers)
        self.tree.setWordWrap(True)
        self.tree.setStyleSheet("QTreeView::item { padding: 3px 2px; }")
        # Sized by fit_tree: the meters' table beside it keeps its columns whole.
        self.tree.setFixedWidth(TREE_MOST)
        self.tree.selectionModel().currentChanged.connect(lambda cur, _prev: self._chosen(cur))
        # One report per supply contract over all its meters (issue 13 item 11); above the
        # tree, where a 600 px high window still shows it.
        self.report_button = QPushButton(tr("Отчёт о показаниях по договору…"), self.contracts_page)
        self.report_button.setObjectName("contractReport")
        self.report_button.setEnabled(False)
        self.report_button.clicked.connect(self.open_report)
        left.addWidget(self.report_button)
        left.addWidget(self.tree, 1)
        self.contracts_status = QLabel(self.contracts_page)
        self.contracts_status.setObjectName("fieldHint")
        self.contracts_status.setWordWrap(True)
        self.contracts_status.setMaximumWidth(320)
        left.addWidget(self.contracts_status)
        body.addLayout(left)
        self.meters = MetersPanel(ctx, self.contracts_page)
        body.addWidget(self.meters, 1)
        self.stack.addWidget(self.contracts_page)
        self.body_row = body
        self.meters.model.modelReset.connect(self.fit_tree)
        self.contracts_page.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.contracts_page and event.type() == QEvent.Type.Resize:
            self.fit_tree()
        return super().eventFilter(watched, event)

    def fit_tree(self) -> None:
        """The contracts' column: down to its button's and its items' width (none cut to
        «…»), so that the meters' table keeps its columns whole (it scrolled sideways at
        1024×600 beside a 280 px tree)."""
        tree = self.tree
        bar = tree.verticalScrollBar()
        items = tree.sizeHintForColumn(0) + 2 * tree.frameWidth()
        items += bar.sizeHint().width() if bar.isVisible() else 0
        least = max(self.report_button.sizeHint().width(), items)
        both = self.contracts_page.width() - self.body_row.spacing()
        width = fit_beside(self.meters, both, least, max(least, TREE_MOST))
        if width != self.tree.width():
            self.tree.setFixedWidth(width)

    # --- registry check -------------------------------------------------------------------

    def refresh(self) -> None:
        """GET /organization: in the registry? confirmed?"""
        if self.organization is None:
            self.stack.setCurrentWidget(self.checking)
        client = self.ctx.session.client
        self.load(
            client.organization,
            self.show_organization,
            self._check_failed,
            label="Проверка сведений об организации…",
        )

    def has_unsaved_edits(self) -> bool:
        # A reload would put the cursor back into a number being typed on the confirmation.
        return self.stack.currentWidget() is self.confirm_page and bool(self.contract_field.text())

    def _check_failed(self, exc: BaseException) -> None:
        self.problem_text.setText(messages.describe(exc))
        self.retry.show()
        self.stack.setCurrentWidget(self.problem)

    def show_organization(self, organization: Organization) -> None:
        self.organization = organization
        if not organization.in_registry:
            support = {**DEFAULT_SUPPORT, **organization.support}
            phone, email = support.get("phone", ""), support.get("email", "")
            text = organization.message or (
                "Сведения о вашей организации (ОГРН / ОГРНИП) отсутствуют в базе данных"
                " сетевой организации."
            )
            self.problem_text.setText(
                tr(
                    "{}<br><br>Для решения вопроса обратитесь в техническую поддержку АО "
                    "«ВОЭК»:<br>телефон <b>{}</b>, e-mail <a href='mailto:{}'>{}</a>."
                ).format(text, phone, email, email)
            )
            self.retry.hide()
            self.stack.setCurrentWidget(self.problem)
        elif not organization.confirmed:
            if self.stack.currentWidget() is not self.confirm_page:
                self.stack.setCurrentWidget(self.confirm_page)
                self.contract_field.edit.setFocus()
        else:
            self.load_contracts()

    # --- confirmation ---------------------------------------------------------------------

    def confirm(self) -> None:
        if not self.contract_field.validate():
            return
        number = self.contract_field.text().strip()
        self.confirm_button.setEnabled(False)
        self.confirm_status.setText(tr("Проверка номера договора…"))
        client = self.ctx.session.client
        self.ctx.tasks.run(
            lambda: client.confirm_organization(number),
            self._confirmed,
            self._confirm_failed,
            owner=self,
            label="Подтверждение организации…",
        )

    def _confirmed(self, organization: Organization) -> None:
        self.confirm_button.setEnabled(True)
        self.confirm_status.setText("")
        messages.notice(tr("Данные организации подтверждены."))
        self.show_organization(organization)

    def _confirm_failed(self, exc: BaseException) -> None:
        self.confirm_button.setEnabled(True)
        self.confirm_status.setText("")
        if isinstance(exc, ApiError) and exc.status in (404, 409, 422):
            message = exc.fields.get("supply_contract_number") or exc.message
            self.contract_field.set_error(message)
            self.contract_field.edit.setFocus()
        else:
            messages.error(self, exc)

    # --- contracts ------------------------------------------------------------------------

    def load_contracts(self) -> None:
        if self.stack.currentWidget() is not self.contracts_page:
            self.stack.setCurrentWidget(self.contracts_page)
            self.contracts_status.setText(tr("Загрузка договоров…"))
        client = self.ctx.session.client
        self.ctx.tasks.run(
            client.supply_contracts,
            self.show_contracts,
            self._contracts_failed,
            owner=self,
            label="Загрузка договоров энергоснабжения…",
            coalesce=(self, "contracts"),
        )

    def _contracts_failed(self, exc: BaseException) -> None:
        if isinstance(exc, ApiError) and exc.code == "organization_not_confirmed":
            self.stack.setCurrentWidget(self.confirm_page)
            return
        self.contracts_status.setText(messages.describe(exc))

    def show_contracts(self, contracts: list[SupplyContract]) -> None:
        if self.contracts and list(contracts) == self.contracts:
            self.meters.reload()  # the same contracts: the chosen point stays chosen
            return
        self.contracts = list(contracts)
        self.loaded_contract = None
        self.tree_model.removeRows(0, self.tree_model.rowCount())
        for contract in self.contracts:
            # The date on a line of its own: on one line the bold title was cut to «…» in the
            # column fit_tree leaves it at 1024×600.
            text = f"Договор №\u00a0{contract.number}"
            if contract.signed_on:
                text += f"\nот {format_date(contract.signed_on)}"
            item = QStandardItem(text)
            item.setData((contract.number, None), Qt.ItemDataRole.UserRole)
            font = item.font()
            font.setBold(True)
            item.setFont(font)
            for point in contract.metering_points:
                child = QStandardItem(f"{point.name}\n{point.meter_title} № {point.serial_number}")
                child.setData((contract.number, point.meter_id), Qt.ItemDataRole.UserRole)
                child.setToolTip(point.address)
                item.appendRow(child)
            self.tree_model.appendRow(item)
        self.tree.expandAll()
        self.fit_tree()  # the items' width is known now
        if not self.contracts:
            self.contracts_status.setText(tr("Договоры энергоснабжения не найдены."))
            self.meters.clear()
            return
        points = sum(len(c.metering_points) for c in self.contracts)
        self.contracts_status.setText(
            tr("Договоров: {}, точек учёта: {}").format(len(self.contracts), points)
        )
        self.tree.setCurrentIndex(self.tree_model.index(0, 0))

    def _chosen(self, index: QModelIndex) -> None:
        value = index.data(Qt.ItemDataRole.UserRole) if index.isValid() else None
        if not value:
            return
        number, meter_id = value
        self.report_button.setEnabled(True)
        if number != self.loaded_contract:
            self.loaded_contract = number
            client = self.ctx.session.client
            self.meters.load(
                f"Точки учёта по договору № {number}",
                lambda: client.supply_contract_meters(number),
                select=meter_id,
            )
        elif meter_id is not None:
            self.meters.select_meter(meter_id)

    def chosen_contract(self) -> SupplyContract | None:
        index = self.tree.currentIndex()
        value = index.data(Qt.ItemDataRole.UserRole) if index.isValid() else None
        number = value[0] if value else self.loaded_contract
        return next((c for c in self.contracts if c.number == number), None)

    def open_report(self) -> None:
        """«Отчёт о показаниях» over every meter of the chosen contract (ui/metering/report.py)."""
        from voek_desktop.ui.metering.report import ReadingsReportDialog

        contract = self.chosen_contract()
        if contract is None:
            return
        name = self.organization.name if self.organization is not None else None
        dialog = ReadingsReportDialog(self.ctx, contract=contract, organization=name, parent=self)
        dialog.open()
