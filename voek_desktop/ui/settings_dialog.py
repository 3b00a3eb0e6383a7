"""«Настройки»: the server address and the service-centre desk (clerk mode, lock, scanner)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from voek_desktop.settings import Settings, desk_text_problem, server_url_problem
from voek_desktop.ui.kit import messages
from voek_desktop.ui.kit.dialogs import tr
from voek_desktop.ui.kit.forms import Field, Form
from voek_desktop.ui.kit.widgets import min_height_follows_width


def _check_url(text: str) -> str | None:
    if not text.strip():
        return None  # empty: the built-in default
    return server_url_problem(text)


class SettingsDialog(QDialog):
    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.setWindowTitle(tr("Настройки"))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        self.form = Form(self)
        self.server = self.form.add(
            Field(
                "server_url",
                "Адрес сервера",
                placeholder="https://lk.voek33.ru",
                check=_check_url,
                hint="Пусто — сервер по умолчанию. Демо-режим (--demo) использует свой."
                " http:// — только для сервера на этом компьютере.",
            )
        )
        self.server.set_text(settings.server_url)
        layout.addWidget(self.form)

        self.clerk = QCheckBox(tr("Режим центра обслуживания (общий компьютер у стойки)"), self)
        self.clerk.setChecked(settings.clerk_mode)
        layout.addWidget(self.clerk)
        note = QLabel(
            tr(
                "В этом режиме не предлагается «Запомнить меня», ничего о посетителе не"
                " сохраняется на диске, экран блокируется после простоя, а «Завершить приём»"
                " удаляет всё, что относится к посетителю."
            ),
            self,
        )
        note.setObjectName("fieldHint")
        note.setWordWrap(True)
        layout.addWidget(note)
        lock_row = QHBoxLayout()
        lock_row.addWidget(QLabel(tr("Блокировать экран после простоя, мин:"), self))
        self.lock_minutes = QSpinBox(self)
        self.lock_minutes.setRange(1, 60)
        self.lock_minutes.setValue(max(1, round(settings.lock_after_seconds / 60)))
        lock_row.addWidget(self.lock_minutes)
        lock_row.addStretch(1)
        layout.addLayout(lock_row)
        scan_row = QHBoxLayout()
        scan_row.addWidget(QLabel(tr("Папка сканера:"), self))
        self.scanner = QLabel(settings.scanner_folder or tr("не выбрана"), self)
        self.scanner.setWordWrap(True)
        scan_row.addWidget(self.scanner, 1)
        pick = QPushButton(tr("Выбрать…"), self)
        pick.clicked.connect(self._pick_folder)
        scan_row.addWidget(pick)
        layout.addLayout(scan_row)
        # Since «Сканировать…» drives the scanner itself the folder is the way in only for a
        # scanner the app cannot see (a network scanner saving to a share).
        scan_hint = QLabel(
            tr(
                "Папка, куда сетевой сканер сохраняет файлы: его сканы предлагаются на шаге"
                " «Документы». Сканер, подключённый к компьютеру, работает и без неё — кнопка"
                " «Сканировать…»."
            ),
            self,
        )
        scan_hint.setObjectName("fieldHint")
        scan_hint.setWordWrap(True)
        layout.addWidget(scan_hint)
        self.scanner_folder = settings.scanner_folder
        # Printed on «Расписка в получении документов» at «Завершить приём».
        self.desk_form = Form(self)
        self.centre = self.desk_form.add(
            Field(
                "service_centre",
                "Центр обслуживания",
                placeholder="Центр обслуживания на ул. Мира, 15",
                check=desk_text_problem,
            )
        )
        self.desk = self.desk_form.add(
            Field("desk_name", "Рабочее место", placeholder="Окно 3", check=desk_text_problem)
        )
        self.clerk_name = self.desk_form.add(
            Field(
                "clerk_name",
                "Сотрудник",
                placeholder="Петрова Мария Сергеевна",
                check=lambda text: desk_text_problem(text, person=True),
                hint="Печатаются в расписке о приёме документов.",
            )
        )
        self.centre.set_text(settings.service_centre)
        self.desk.set_text(settings.desk_name)
        self.clerk_name.set_text(settings.clerk_name)
        layout.addWidget(self.desk_form)
        for widget in (self.lock_minutes, pick, self.desk_form):
            widget.setEnabled(self.clerk.isChecked())
            self.clerk.toggled.connect(widget.setEnabled)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        # Tall enough for its wrapped hints at the width it has: opened at its size hint, the
        # desk fields were drawn over «Печатаются в расписке…» (1920×1080 at 200 %).
        min_height_follows_width(self)

    def _pick_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Папка, куда сканер сохраняет файлы")
        if folder:
            self.scanner_folder = folder
            self.scanner.setText(folder)

    def _save(self) -> None:
        if not self.form.validate() or not self.desk_form.validate():
            return
        s = self.settings
        s.server_url = self.server.text().strip().rstrip("/")
        s.clerk_mode = self.clerk.isChecked()
        s.lock_after_seconds = self.lock_minutes.value() * 60
        s.scanner_folder = self.scanner_folder
        s.service_centre = self.centre.text().strip()
        s.desk_name = self.desk.text().strip()
        s.clerk_name = " ".join(self.clerk_name.text().split())
        try:
            s.save()
        except OSError as exc:
            messages.error(self, exc)
            return
        messages.notice(tr("Настройки сохранены и уже действуют"))
        self.accept()
