"""«Отчёт о показаниях» (issue 13 item 11, docs/design.md "Readings report"): a period picker,
the report in the one PDF preview (ui/applications/preview.py), print, save as PDF or .xlsx.

For a meter, or for a supply contract over all its meters (one call per meter on the API worker,
with progress). The data come from reports.py, which falls back on the copies kept in the
consumer's cache when the server cannot be reached; the PDF and the workbook are made on the
long-task pool, never on the GUI thread.
"""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from voek_desktop.api.errors import ApiError
from voek_desktop.api.metering import Meter, SupplyContract
from voek_desktop.domain.formats import file_name, format_date, parse_datetime
from voek_desktop.domain.readings_report import (
    ContractReport,
    MeterReport,
    Missing,
    period_problem,
)
from voek_desktop.domain.time import MSK
from voek_desktop.reports import (
    ReportSource,
    available_days,
    clamped,
    contract_report,
    meter_info,
)
from voek_desktop.ui.applications.preview import PdfPreview, print_pdf, save_pdf
from voek_desktop.ui.context import Context
from voek_desktop.ui.kit import messages
from voek_desktop.ui.kit.dialogs import EnterRuns, tr
from voek_desktop.ui.kit.forms import ErrorLabel
from voek_desktop.ui.kit.widgets import date_edit, fit_to_screen, primary_button, pydate, qdate
from voek_desktop.ui.metering.labels import offline_note

NOT_SMART = "прибор учёта не подключен к интеллектуальной системе учёта"


def default_period(earliest: date | None, latest: date) -> tuple[date, date]:
    """The last whole calendar month with data (what a report is usually for), else what
    there is: a meter commissioned this month gets its days so far."""
    end = latest if (latest + timedelta(days=1)).day == 1 else latest.replace(day=1) - timedelta(1)
    start = end.replace(day=1)
    if earliest is not None and end < earliest:
        return earliest, latest
    return (max(start, earliest) if earliest else start), end


def render_pdf(report: MeterReport | ContractReport) -> bytes:
    from voek_desktop.printing.readings_report import render_contract_report, render_meter_report

    out = io.BytesIO()
    if isinstance(report, ContractReport):
        render_contract_report(report, out)
    else:
        render_meter_report(report, out)
    return out.getvalue()


def write_workbook(report: MeterReport | ContractReport, target: Path) -> Path:
    from voek_desktop.printing.readings_xlsx import workbook_bytes
    from voek_desktop.settings import write_atomically

    if isinstance(report, ContractReport):
        data = workbook_bytes(report.reports, contract=report)
    else:
        data = workbook_bytes([report])
    write_atomically(target, data)  # a temporary file renamed into place, 0600
    return target


class ReadingsReportDialog(QDialog):
    """``meter``: the report of one meter; ``contract``: of every meter of a supply contract."""

    def __init__(
        self,
        ctx: Context,
        *,
        meter: Meter | None = None,
        contract: SupplyContract | None = None,
        organization: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        if (meter is None) == (contract is None):
            raise ValueError("a meter or a contract")
        self.ctx = ctx
        self.source = ReportSource(ctx.session)
        self.meter = meter
        self.contract = contract
        self.organization = organization
        self.meters: list[Meter] = [meter] if meter is not None else []
        self.report: MeterReport | ContractReport | None = None
        self.earliest: date | None = None
        self.latest: date | None = None
        self._seq = 0
        self.setObjectName("readingsReport")
        self.setWindowTitle(tr("Отчёт о показаниях"))
        fit_to_screen(self, 980, 760)
        layout = QVBoxLayout(self)
        if meter is not None:
            heading = tr("Отчёт о показаниях прибора учёта {}, № {}").format(
                meter.title, meter.serial_number
            )
        else:
            assert contract is not None
            heading = tr("Отчёт о показаниях по договору энергоснабжения № {}").format(
                contract.number
            )
        self.heading = QLabel(heading, self)
        self.heading.setWordWrap(True)
        self.heading.setStyleSheet("font-size: 12pt; font-weight: 600;")
        layout.addWidget(self.heading)

        pick = QFrame(self)
        pick.setObjectName("card")
        grid = QGridLayout(pick)
        grid.setContentsMargins(14, 8, 14, 8)
        grid.setHorizontalSpacing(14)
        self.start = date_edit(tr("Начало периода"), self)
        self.end = date_edit(tr("Конец периода"), self)
        start_label = QLabel(tr("Начало периода:"), pick)
        start_label.setBuddy(self.start)
        end_label = QLabel(tr("Конец периода:"), pick)
        end_label.setBuddy(self.end)
        grid.addWidget(start_label, 0, 0)
        grid.addWidget(self.start, 1, 0)
        grid.addWidget(end_label, 0, 1)
        grid.addWidget(self.end, 1, 1)
        self.build_button = primary_button(tr("Сформировать"), pick)
        self.build_button.setObjectName("buildReport")
        self.build_button.clicked.connect(self.build)
        grid.addWidget(self.build_button, 1, 2)
        grid.setColumnStretch(3, 1)
        self.start_error = ErrorLabel(pick)
        self.end_error = ErrorLabel(pick)
        grid.addWidget(self.start_error, 2, 0)
        grid.addWidget(self.end_error, 2, 1, 1, 3)
        self.limits = QLabel(pick)
        self.limits.setObjectName("fieldHint")
        self.limits.setWordWrap(True)
        grid.addWidget(self.limits, 3, 0, 1, 4)
        layout.addWidget(pick)

        status_row = QHBoxLayout()
        self.status = QLabel(self)
        self.status.setObjectName("reportStatus")
        self.status.setWordWrap(True)
        status_row.addWidget(self.status, 1)
        self.progress = QProgressBar(self)
        self.progress.setMaximumWidth(220)
        self.progress.hide()
        status_row.addWidget(self.progress)
        layout.addLayout(status_row)

        self.preview = PdfPreview(self)
        self.preview.set_message(tr("Выберите период и нажмите «Сформировать»."))
        layout.addWidget(self.preview, 1)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.save_button = QPushButton(tr("Сохранить PDF…"), self)
        self.xlsx_button = QPushButton(tr("Сохранить .xlsx…"), self)
        self.print_button = QPushButton(tr("Печать…"), self)
        close = QPushButton(tr("Закрыть"), self)
        for b in (self.save_button, self.xlsx_button, self.print_button, close):
            b.setAutoDefault(False)
            buttons.addWidget(b)
        layout.addLayout(buttons)
        self.save_button.clicked.connect(
            lambda: save_pdf(self, ctx, self.preview.data, self._file_name(".pdf"))
        )
        self.xlsx_button.clicked.connect(self.save_workbook)
        self.print_button.clicked.connect(
            lambda: print_pdf(self, ctx, self.preview, tr("Печать отчёта о показаниях"))
        )
        close.clicked.connect(self.reject)
        EnterRuns(self).add(pick, self.build_button)
        self.start.dateChanged.connect(lambda _d: self._clear_errors())
        self.end.dateChanged.connect(lambda _d: self._clear_errors())
        self._set_ready(False)
        if meter is not None:
            self._set_limits()
        else:
            self._load_contract_meters()

    # --- the period -----------------------------------------------------------------------

    def _set_limits(self) -> None:
        smart = [m for m in self.meters if m.is_smart]
        bounds = [available_days(m) for m in smart]
        starts = [b[0] for b in bounds if b[0] is not None]
        ends = [b[1] for b in bounds if b[1] is not None]
        self.earliest = min(starts) if starts else None
        self.latest = max(ends) if ends else None
        if not smart:
            self.limits.setText(
                tr("Отчёт строится по данным интеллектуальной системы учёта: {}.").format(
                    NOT_SMART if self.meter is not None else "в договоре нет таких приборов учёта"
                )
            )
            self.build_button.setEnabled(False)
            return
        if self.latest is None:
            self.limits.setText(tr("Данных прибора учёта ещё нет: они появятся после опроса."))
            self.build_button.setEnabled(False)
            return
        self.limits.setText(
            tr("Данные есть с {} по {} — последние полные сутки (время московское).").format(
                format_date(self.earliest) or "…", format_date(self.latest)
            )
        )
        first, last = default_period(self.earliest, self.latest)
        self.start.setDate(qdate(first))
        self.end.setDate(qdate(last))
        self.build_button.setEnabled(True)

    def period(self) -> tuple[date, date]:
        return pydate(self.start.date()), pydate(self.end.date())

    def _clear_errors(self) -> None:
        self.start_error.show_message(None)
        self.end_error.show_message(None)

    def validate(self) -> bool:
        first, last = self.period()
        problem = period_problem(first, last, self.earliest, self.latest)
        self._clear_errors()
        if problem is None:
            return True
        field, message = problem
        (self.start_error if field == "from" else self.end_error).show_message(tr(message))
        (self.start if field == "from" else self.end).setFocus()
        return False

    # --- building ---------------------------------------------------------------------------

    def _set_ready(self, ready: bool) -> None:
        for b in (self.save_button, self.xlsx_button, self.print_button):
            b.setEnabled(ready)

    def _busy(self, text: str, done: int = 0, total: int = 0) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))  # no empty line over the preview
        self.progress.setVisible(total > 1)
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _load_contract_meters(self) -> None:
        assert self.contract is not None
        number = self.contract.number
        self.build_button.setEnabled(False)
        self._busy(tr("Загрузка приборов учёта договора…"))
        self.ctx.tasks.run(
            lambda: self.source.contract_meters(number),
            self._contract_meters,
            self._failed,
            owner=self,
            label="Загрузка приборов учёта договора…",
        )

    def _contract_meters(self, meters: list[Meter]) -> None:
        self.meters = list(meters)
        self._busy(offline_note(meters))
        self._set_limits()

    def build(self) -> None:
        if not self.validate():
            return
        first, last = self.period()
        self._seq += 1
        seq = self._seq
        self.report = None
        self._set_ready(False)
        self.build_button.setEnabled(False)
        self.preview.set_message(tr("Подготовка отчёта…"))
        if self.meter is not None:
            meter = self.meter
            self._busy(tr("Получение данных прибора учёта…"))
            self.ctx.tasks.run(
                lambda: self.source.meter_report(meter, first, last),
                lambda report: self._render(seq, report),
                lambda exc: self._failed(exc, seq),
                owner=self,
                label="Получение данных для отчёта…",
            )
            return
        todo = []
        missing = []
        for m in self.meters:
            part = clamped(m, first, last) if m.is_smart else None
            if part is not None:
                todo.append((m, part))
            else:
                reason = NOT_SMART if not m.is_smart else "нет данных за выбранный период"
                missing.append(Missing(meter_info(m), reason))
        self._next_meter(seq, first, last, todo, [], missing)

    def _next_meter(
        self,
        seq: int,
        first: date,
        last: date,
        todo: list[tuple[Meter, tuple[date, date]]],
        done: list[MeterReport],
        missing: list[Missing],
    ) -> None:
        if seq != self._seq:
            return
        total = len(todo) + len(done)
        if not todo:
            assert self.contract is not None
            if not done:
                self._failed(ValueError(tr("За выбранный период нет данных ни по одному прибору.")))
                return
            report = contract_report(self.contract, first, last, done, missing, self.organization)
            self._render(seq, report)
            return
        meter, (start, end) = todo[0]
        self._busy(
            tr("Получение данных: прибор учёта {} из {} (№ {})…").format(
                len(done) + 1, total, meter.serial_number
            ),
            len(done),
            total,
        )
        self.ctx.tasks.run(
            lambda: self.source.meter_report(meter, start, end),
            lambda r: self._next_meter(seq, first, last, todo[1:], [*done, r], missing),
            lambda exc: self._failed(exc, seq),
            owner=self,
            label="Получение данных для отчёта…",
        )

    def _render(self, seq: int, report: MeterReport | ContractReport) -> None:
        if seq != self._seq:
            return
        self._busy(tr("Подготовка PDF…"))
        self.ctx.tasks.run_long(
            lambda _t: render_pdf(report),
            lambda data: self._rendered(seq, report, data),
            lambda exc: self._failed(exc, seq),
            owner=self,
            label="Подготовка отчёта…",
        )

    def _rendered(self, seq: int, report: MeterReport | ContractReport, data: bytes) -> None:
        if seq != self._seq:
            return
        self.report = report
        self.preview.show_pdf(data)
        self.build_button.setEnabled(True)
        self._set_ready(True)
        self._busy(self._offline_text(report))

    def _offline_text(self, report: MeterReport | ContractReport) -> str:
        moment = parse_datetime(report.fetched_at) if report.fetched_at else None
        if moment is None:
            return ""
        return tr("Нет связи с сервером: отчёт построен из данных, полученных {} МСК.").format(
            f"{moment.astimezone(MSK):%d.%m.%Y в %H:%M}"
        )

    def _failed(self, exc: BaseException, seq: int | None = None) -> None:
        if seq is not None and seq != self._seq:
            return
        self.build_button.setEnabled(self.latest is not None)
        self.progress.hide()
        if isinstance(exc, ApiError) and exc.status == 422 and exc.fields:
            self.start_error.show_message(exc.fields.get("from"))
            self.end_error.show_message(exc.fields.get("to"))
            self._busy("")
        else:
            self._busy(messages.describe(exc) if isinstance(exc, ApiError) else str(exc))
        self.preview.set_message(tr("Отчёт не сформирован."))

    # --- saving -------------------------------------------------------------------------------

    def _file_name(self, suffix: str) -> str:
        first, last = self.period()
        if self.report is not None:
            first, last = self.report.first, self.report.last
        what = (
            f"№ {self.meter.serial_number}"
            if self.meter is not None
            else f"по договору {self.contract.number if self.contract else ''}"
        )
        return file_name(f"Отчёт о показаниях {what} {first:%d.%m.%Y}-{last:%d.%m.%Y}", suffix)

    def save_workbook(self) -> None:
        report = self.report
        if report is None:
            messages.error(self, tr("Отчёт ещё не сформирован."))
            return
        path, _ = QFileDialog.getSaveFileName(
            self,
            tr("Сохранить .xlsx"),
            str(Path.home() / self._file_name(".xlsx")),
            tr("Книга Excel (*.xlsx)"),
        )
        if not path:
            return
        target = Path(path if path.lower().endswith(".xlsx") else path + ".xlsx")
        self.save_xlsx_to(report, target)

    def save_xlsx_to(self, report: MeterReport | ContractReport, target: Path) -> None:
        self.ctx.tasks.run_long(
            lambda _t: write_workbook(report, target),
            lambda saved: messages.notice(tr("Сохранено: {}").format(saved), near=self.status),
            lambda exc: messages.error(self, exc),
            owner=self,
            label="Сохранение .xlsx…",
        )
