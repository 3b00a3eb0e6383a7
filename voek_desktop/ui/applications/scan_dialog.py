"""«Сканировать…»: the desk scanner from the app, for one document or a whole stack.

The device list, the scan and the PDF are made on a worker (``Tasks.run_long``, never on the GUI
thread: a 300 dpi page takes seconds); the dialog shows the pages as they arrive and «Отмена»
stops the device. Where no scanner interface works, it says why and points to the watched
scanner folder (voek_desktop/scanning/device.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from voek_desktop.scanning import device as scanning
from voek_desktop.ui.context import Context
from voek_desktop.ui.kit.dialogs import tr
from voek_desktop.ui.kit.forms import ErrorLabel
from voek_desktop.ui.kit.tasks import Transfer
from voek_desktop.ui.kit.widgets import fit_to_screen


class ScanDialog(QDialog):
    """Emits ``scanned(images, dpi)`` and closes when a scan is done: the pages as Pillow
    images, to be read for their codes and filed like any other scan."""

    scanned = Signal(list, int)

    def __init__(
        self,
        ctx: Context,
        title: str,
        parent: QWidget | None = None,
        backend: Callable[[], scanning.Backend] | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(tr("Сканировать: {}").format(title))
        self._backend_factory = backend or (lambda: scanning.backend())
        self._backend: scanning.Backend | None = None
        self._devices: list[scanning.Device] = []
        self._transfer: Transfer | None = None
        self._caps = scanning.Capabilities(colour=False, feeder=False)

        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.device = QComboBox(self)
        self.device.setMinimumContentsLength(24)
        self.reload_button = QPushButton(tr("Обновить"), self)
        self.reload_button.setAutoDefault(False)
        devices_row = QHBoxLayout()
        devices_row.addWidget(self.device, 1)
        devices_row.addWidget(self.reload_button)
        form.addRow(tr("Сканер:"), devices_row)
        self.resolution = QComboBox(self)
        form.addRow(tr("Разрешение:"), self.resolution)
        self.colour = QCheckBox(tr("Цветной (иначе — оттенки серого, файл меньше)"), self)
        form.addRow("", self.colour)
        self.feeder = QCheckBox(tr("Все листы из автоподатчика"), self)
        form.addRow("", self.feeder)
        layout.addLayout(form)

        self.status = QLabel(self)
        self.status.setObjectName("fieldHint")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.error = ErrorLabel(self)
        self.error.setObjectName("fieldError")
        layout.addWidget(self.error)
        # The status under the options it is about, the spare height below it (it sat alone
        # in the middle of the dialog).
        layout.addStretch(1)

        buttons = QDialogButtonBox(self)
        self.scan_button = buttons.addButton(
            tr("Сканировать"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.stop_button = buttons.addButton(
            tr("Остановить"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.close_button = buttons.addButton(tr("Закрыть"), QDialogButtonBox.ButtonRole.RejectRole)
        self.stop_button.hide()
        layout.addWidget(buttons)
        self.scan_button.clicked.disconnect()  # the role would close the dialog at once
        self.scan_button.clicked.connect(self.start_scan)
        self.stop_button.clicked.connect(self.stop)
        self.close_button.clicked.connect(self.reject)
        self.reload_button.clicked.connect(self.load_devices)
        self.device.currentIndexChanged.connect(self._device_chosen)
        fit_to_screen(self, 560, 320)
        self._set_idle(False)
        self.load_devices()

    # --- devices ---------------------------------------------------------------------------

    def load_devices(self) -> None:
        self.error.show_message(None)
        self.status.setText(tr("Поиск сканеров…"))
        self._set_idle(False)
        self.reload_button.setEnabled(False)

        def work(_transfer: Transfer) -> tuple[scanning.Backend, list[scanning.Device]]:
            backend = self._backend_factory()
            return backend, backend.devices()

        self.ctx.tasks.run_long(
            work, self._devices_found, self._failed, owner=self, label=tr("Поиск сканеров…")
        )

    def _devices_found(self, found: tuple[scanning.Backend, list[scanning.Device]]) -> None:
        self._backend, self._devices = found
        self.reload_button.setEnabled(True)
        self.device.blockSignals(True)
        self.device.clear()
        for d in self._devices:
            self.device.addItem(d.label, d.name)
        self.device.blockSignals(False)
        if not self._devices:
            self.status.setText(
                tr(
                    "Сканеры не найдены. Проверьте, что сканер включён и подключён, и нажмите"
                    " «Обновить» — или сохраните скан в папку сканера и прикрепите файл."
                )
            )
            return
        self._device_chosen(0)

    def _device_chosen(self, index: int) -> None:
        if self._backend is None or not 0 <= index < len(self._devices):
            return
        device, backend = self._devices[index], self._backend
        self.status.setText(tr("Сканер: {} ({})").format(device.label, backend.name))
        self._set_idle(False)
        self.ctx.tasks.run_long(
            lambda _t: backend.capabilities(device),
            self._capabilities,
            self._failed,
            owner=self,
            label=tr("Параметры сканера…"),
        )

    def _capabilities(self, caps: scanning.Capabilities) -> None:
        self._caps = caps
        wanted = self.resolution.currentData() or scanning.DEFAULT_RESOLUTION
        self.resolution.clear()
        for dpi in caps.resolutions:
            self.resolution.addItem(tr("{} точек на дюйм").format(dpi), dpi)
        index = self.resolution.findData(wanted)
        self.resolution.setCurrentIndex(index if index >= 0 else self.resolution.count() // 2)
        if not caps.colour:
            self.colour.setChecked(False)
        self.feeder.setVisible(caps.feeder)
        if not caps.feeder:
            self.feeder.setChecked(False)
        self._set_idle(True)

    # --- scanning --------------------------------------------------------------------------

    def settings(self) -> scanning.ScanSettings:
        return scanning.ScanSettings(
            resolution=int(self.resolution.currentData() or scanning.DEFAULT_RESOLUTION),
            colour=self.colour.isChecked(),
            feeder=self.feeder.isChecked(),
        )

    def start_scan(self) -> None:
        if self._backend is None or not self._devices:
            return
        backend, device = self._backend, self._devices[self.device.currentIndex()]
        settings = self.settings()
        self.error.show_message(None)
        self.status.setText(tr("Сканирование…"))
        self._set_idle(False, scanning_now=True)

        def work(transfer: Transfer) -> list[Any]:
            progress = scanning.Progress(
                page=lambda n: transfer.report(n, None), cancelled=transfer.is_cancelled
            )
            return backend.scan(device, settings, progress)

        self._transfer = self.ctx.tasks.run_long(
            work,
            self._done,
            self._failed,
            on_progress=lambda n, _total: self.status.setText(
                tr("Сканирование… отсканировано страниц: {}").format(n)
            ),
            owner=self,
            label=tr("Сканирование…"),
        )

    def stop(self) -> None:
        if self._transfer is not None:
            self._transfer.cancel()
            self.status.setText(tr("Останавливаю сканер…"))

    def _done(self, images: list[Any]) -> None:
        self._transfer = None
        self.status.setText(tr("Готово: страниц — {}.").format(len(images)))
        self._set_idle(True)
        self.scanned.emit(images, self.settings().resolution)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._transfer = None
        self.reload_button.setEnabled(True)
        if isinstance(exc, scanning.ScanCancelled):
            self.status.setText(tr("Сканирование остановлено."))
            self._set_idle(True)
            return
        if isinstance(exc, scanning.ScannerError):
            self.error.show_message(exc.message)
        else:
            from voek_desktop.ui.kit import messages

            self.error.show_message(messages.describe(exc))
        self.status.setText("")
        self._set_idle(self._backend is not None and bool(self._devices))

    def _set_idle(self, ready: bool, scanning_now: bool = False) -> None:
        self.scan_button.setEnabled(ready and not scanning_now)
        self.stop_button.setVisible(scanning_now)
        free = not scanning_now
        self.device.setEnabled(free)
        self.resolution.setEnabled(free and ready)
        self.colour.setEnabled(free and ready and self._caps.colour)
        self.feeder.setEnabled(free and ready and self._caps.feeder)

    def reject(self) -> None:
        self.stop()
        super().reject()
