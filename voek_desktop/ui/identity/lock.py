"""Clerk mode (docs/design.md "Clerk mode"): the inactivity lock of a shared service-centre PC."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from voek_desktop.api.errors import ApiError
from voek_desktop.api.models import Profile
from voek_desktop.ui.context import Context
from voek_desktop.ui.kit import messages
from voek_desktop.ui.kit.dialogs import tr
from voek_desktop.ui.kit.forms import ErrorLabel, Field, Form
from voek_desktop.ui.kit.widgets import primary_button, scrolling

# What a person at the desk does. Timers (the notification poll, the section refresh, the
# wizard's autosave) and what they repaint send none of these: tests/ui/identity/
# test_idle_lock.py lets them run under a resting pointer and the lock still comes. Qt itself
# drops a pointer reported again at the same place (Windows does that after a repaint).
_ACTIVITY = (
    QEvent.Type.KeyPress,
    QEvent.Type.InputMethod,  # text committed by an input method (ibus, fcitx, dead keys)
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
    QEvent.Type.TouchUpdate,  # a finger dragging a list on a touch screen
)


class IdleWatcher(QObject):
    """Emits ``idle`` after ``seconds`` without a key, click, wheel or mouse move anywhere
    in the application."""

    idle = Signal()

    def __init__(self, seconds: float, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(int(seconds * 1000))
        self.timer.timeout.connect(self.idle)
        app = QApplication.instance()
        assert app is not None  # watchers are made by a running application
        app.installEventFilter(self)

    def set_interval_ms(self, ms: int) -> None:
        self.timer.setInterval(ms)
        if self.timer.isActive():
            self.timer.start()

    def start(self) -> None:
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self.timer.isActive() and event.type() in _ACTIVITY:
            self.timer.start()  # restart the countdown
        return False


class LockView(QWidget):
    """Shown instead of the cabinet: no personal data, the visitor's password to go on."""

    unlocked = Signal(object)  # Profile
    end_visit = Signal()

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        # The card scrolls on a screen lower than it (1024×600 with the demo box, 200 %).
        content = QWidget(self)
        screen = QVBoxLayout(self)
        screen.setContentsMargins(0, 0, 0, 0)
        screen.addWidget(scrolling(content, self))
        outer = QVBoxLayout(content)
        outer.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        card = QFrame(content)
        card.setObjectName("card")
        card.setMinimumWidth(480)
        row.addWidget(card)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)
        layout = QVBoxLayout(card)
        layout.setContentsMargins(28, 24, 28, 24)
        title = QLabel(tr("Экран заблокирован"), card)
        title.setObjectName("title")
        layout.addWidget(title)
        text = QLabel(
            tr(
                "Долго не было действий, поэтому данные посетителя скрыты. Чтобы продолжить,"
                " посетитель вводит свой пароль. Если приём окончен — завершите его: всё, что"
                " относится к посетителю, будет удалено с этого компьютера."
            ),
            card,
        )
        text.setWordWrap(True)
        layout.addWidget(text)
        self.form = Form(card)
        self.password = self.form.add(
            Field(
                "password",
                "Пароль посетителя",
                password=True,
                check=lambda t: None if t else "Введите пароль",
            )
        )
        layout.addWidget(self.form)
        self.error = ErrorLabel(card)
        layout.addWidget(self.error)
        buttons = QHBoxLayout()
        self.end_button = primary_button(tr("Завершить приём"), card)
        self.end_button.setObjectName("")  # a plain button: unlocking is the main action
        self.end_button.setDefault(False)
        self.end_button.clicked.connect(self.end_visit)
        buttons.addWidget(self.end_button)
        buttons.addStretch(1)
        self.unlock_button = primary_button(tr("Разблокировать"), card)
        self.unlock_button.clicked.connect(self._unlock)
        buttons.addWidget(self.unlock_button)
        layout.addLayout(buttons)
        self.password.edit.returnPressed.connect(self._unlock)

    def reset(self) -> None:
        self.password.set_text("")
        self.password.set_error(None)
        self.error.show_message(None)
        self.unlock_button.setEnabled(True)
        self.password.edit.setFocus()

    def _unlock(self) -> None:
        self.error.show_message(None)
        if not self.form.validate():
            return
        password = self.password.text()
        self.unlock_button.setEnabled(False)
        self.ctx.tasks.run(
            lambda: self.ctx.session.unlock(password),
            self._done,
            self._failed,
            owner=self,
            label="Проверка пароля…",
        )

    def _done(self, profile: Profile) -> None:
        self.password.set_text("")
        self.unlocked.emit(profile)

    def _failed(self, exc: BaseException) -> None:
        self.unlock_button.setEnabled(True)
        self.password.set_text("")
        if isinstance(exc, ApiError) and exc.code == "invalid_credentials":
            self.password.set_error("Пароль не подходит")
        else:
            self.error.show_message(messages.describe(exc))
