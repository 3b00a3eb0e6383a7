"""The one window: the login screen or the cabinet, and a status line for every network action."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel, QMainWindow, QStackedWidget

from voek_desktop.ui.context import Context
from voek_desktop.ui.identity.login import LoginView
from voek_desktop.ui.kit import messages
from voek_desktop.ui.kit.dialogs import tr
from voek_desktop.ui.kit.widgets import fit_to_screen

if TYPE_CHECKING:
    from PySide6.QtGui import QCloseEvent
    from PySide6.QtWidgets import QDialog, QProgressBar

    from voek_desktop.api.applications import Application
    from voek_desktop.api.models import Profile
    from voek_desktop.settings import Settings
    from voek_desktop.ui.cabinet import CabinetView
    from voek_desktop.ui.identity.lock import IdleWatcher, LockView

# The cabinet and the dialogs are imported when first opened: the login window must paint
# as fast as a bare Qt window (docs/design.md "Targets"), and every module costs start-up time.


class MainWindow(QMainWindow):
    first_painted = Signal()  # the login window is on screen
    settled = Signal()  # …and the work put off until then (menus, icon) is done
    logged_out = Signal()

    def __init__(self, ctx: Context) -> None:
        super().__init__()
        self.ctx = ctx
        # Qt adds the application's display name («Личный кабинет АО «ВОЭК»») to the title.
        self.setWindowTitle(self.tr("Вход"))
        fit_to_screen(self, 1100, 760)
        self.stack = QStackedWidget(self)
        self.setCentralWidget(self.stack)
        self.stack.currentChanged.connect(self._title_for_screen)
        self.login_view = LoginView(ctx, self)
        self.stack.addWidget(self.login_view)
        self.cabinet: CabinetView | None = None

        self.busy_label = QLabel(self)
        # Made at the first network action: hidden until then, and QProgressBar's Python type
        # costs the first paint (docs/design.md "Targets").
        self.busy_bar: QProgressBar | None = None
        self.statusBar().addPermanentWidget(self.busy_label)
        ctx.tasks.busy_changed.connect(self._busy)
        ctx.tasks.session_ended.connect(self.session_expired)
        # A bound method, not a lambda: Qt drops the connection when this window is deleted.
        messages.bus.notice.connect(self.show_notice)

        lv = self.login_view
        lv.logged_in.connect(self.show_cabinet)
        lv.register_button.clicked.connect(self.open_registration)
        lv.forgot_button.clicked.connect(self.open_password_reset)
        lv.settings_button.clicked.connect(self.open_settings)
        lv.activate_button.clicked.connect(self.open_activation)
        if ctx.demo:
            lv.mail_button.clicked.connect(self.open_outbox)
        self._painted = False
        self.installEventFilter(self)
        self.lock_view: LockView | None = None
        self._behind_lock: list[QDialog] = []
        # Who was logged in when the server answered 401; their cabinet waits behind the login.
        self._expired: Profile | None = None
        self.idle: IdleWatcher | None = None
        self._receipt: QDialog | None = None  # «Расписка …» open at «Завершить приём»
        if ctx.clerk:
            self._set_up_clerk_mode()

    # --- clerk mode (docs/design.md "Clerk mode") -------------------------------------------------

    def _set_up_clerk_mode(self) -> None:
        from voek_desktop.ui.identity.lock import IdleWatcher, LockView

        self.login_view.remember.setChecked(False)
        self.login_view.remember.hide()
        self.desk_label = QLabel(tr("Режим центра обслуживания"), self)
        self.desk_label.setObjectName("fieldHint")
        self.statusBar().addWidget(self.desk_label)
        self.lock_view = LockView(self.ctx, self)
        self.lock_view.unlocked.connect(self._unlocked)
        self.lock_view.end_visit.connect(self.end_visit)
        self.stack.addWidget(self.lock_view)
        self.idle = IdleWatcher(self.ctx.lock_after_seconds, self)
        self.idle.idle.connect(self.lock)

    def lock(self) -> None:
        """Hide the visitor's data until their password is given again."""
        if self.cabinet is None or self.lock_view is None or self._expired is not None:
            return
        self._hide_cabinet()
        self.lock_view.reset()
        self.stack.setCurrentWidget(self.lock_view)

    def _hide_cabinet(self) -> None:
        """Dialogs of the cabinet (a password change, a wizard) may show personal data too: they
        are hidden with what was typed in them, and come back with the cabinet."""
        from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QDialog) and widget.isVisible():
                if isinstance(widget, QMessageBox):
                    widget.reject()  # a question or a notice: asked again when needed
                else:
                    self._behind_lock.append(widget)
                    widget.hide()
        if self.cabinet is not None:
            self.cabinet.hide()

    def _take_behind_lock(self) -> list[QDialog]:
        import shiboken6

        dialogs, self._behind_lock = self._behind_lock, []
        return [d for d in dialogs if shiboken6.isValid(d)]

    def end_visit(self) -> None:
        """«Завершить приём»: asked first (Enter answers «Отмена»), then every trace wiped.

        When the visit was about an application, the question offers «Расписка в получении
        документов» first (issue 17, item 6); the visit is wiped once its window is closed."""
        app = self._receipt_application()
        if app is not None:
            print_it, without = tr("Распечатать расписку"), tr("Без расписки")
            answer = messages.choose(
                self,
                tr(
                    "Завершить приём? Распечатать заявителю расписку в получении документов"
                    " по заявке № {}? После этого всё, что относится к посетителю, будет"
                    " удалено с этого компьютера, а несохранённые данные — потеряны."
                ).format(app.number or "—"),
                tr("Завершить приём"),
                [print_it, without],
            )
            if answer == print_it:
                self._print_receipt(app)
            elif answer == without:
                self._wipe_visit()
            return
        if not messages.confirm(
            self,
            tr(
                "Завершить приём? Всё, что относится к посетителю, будет удалено с этого"
                " компьютера, а несохранённые данные — потеряны."
            ),
            tr("Завершить приём"),
            yes=tr("Завершить приём"),
            safe_default=True,
        ):
            return
        self._wipe_visit()

    def _receipt_application(self) -> Application | None:
        """The application a receipt would be about, or None: nobody in, the visitor's data
        hidden (a lock or an expired session: the receipt would show it to whoever stands
        there), or no application with a number or documents loaded."""
        if self.cabinet is None or self.is_locked() or self._expired is not None:
            return None
        from voek_desktop.ui.applications.page import ApplicationsPage
        from voek_desktop.ui.applications.receipt import newest_application

        apps: list[Application] = []
        for page in self.cabinet.findChildren(ApplicationsPage):
            apps += page.active_model.records + page.done_model.records
        return newest_application(apps)

    def _print_receipt(self, app: Application) -> None:
        from voek_desktop.ui.applications.receipt import ReceiptDialog

        dialog = ReceiptDialog(self.ctx, app, self, ending_visit=True)
        self._receipt = dialog
        # However it closes (its button, Esc, the window's cross), the visit ends.
        dialog.finished.connect(lambda _result: self._receipt_closed(dialog))
        dialog.open()

    def _receipt_closed(self, dialog: QDialog) -> None:
        if self._receipt is dialog:  # not a receipt already left behind by a wipe
            self._receipt = None
            dialog.deleteLater()  # its PDF bytes go with it
            self._wipe_visit()

    def _wipe_visit(self) -> None:
        import shiboken6

        receipt, self._receipt = self._receipt, None
        # Gone already if another visitor logged in behind an expired session meanwhile.
        if receipt is not None and shiboken6.isValid(receipt):
            receipt.deleteLater()
        for dialog in self._take_behind_lock():
            dialog.close()
        self.log_out()
        self.login_view.reset(forget_visitor=True)

    def is_locked(self) -> bool:
        return self.lock_view is not None and self.stack.currentWidget() is self.lock_view

    def _unlocked(self, profile: Profile) -> None:
        if self.cabinet is not None:
            self.cabinet.show_profile(profile)
            self.cabinet.show()
            self.stack.setCurrentWidget(self.cabinet)
        for dialog in self._take_behind_lock():
            dialog.open()
        if self.idle is not None:
            self.idle.start()

    # --- navigation --------------------------------------------------------------------------

    def session_expired(self) -> None:
        """A 401 from any call: the login screen, with the cabinet, its dialogs and all that
        was typed kept behind it (docs/design.md "Identity")."""
        if self.cabinet is None or self._expired is not None or self.is_locked():
            return  # nobody in, already asked, or the unlock logs in afresh anyway
        self._expired = self.ctx.session.profile
        if self.idle is not None:
            self.idle.stop()
        self._hide_cabinet()
        self.ctx.tasks.run(self.ctx.session.expired, label="")
        self.login_view.show_expired(self._expired)
        self.stack.setCurrentWidget(self.login_view)

    def show_cabinet(self, profile: Profile) -> None:
        from voek_desktop.ui.cabinet import CabinetView

        expired, self._expired = self._expired, None
        if expired is not None and expired.id == profile.id and self.cabinet is not None:
            self._unlocked(profile)  # the same place: section, dialogs, typed text
            messages.notice(tr("Вы снова вошли. Повторите действие, которое не выполнилось."))
            return
        for dialog in self._take_behind_lock():
            # Someone else: the previous consumer's dialogs go without their close path,
            # which would save their drafts into this consumer's account.
            dialog.deleteLater()
        self._drop_cabinet()
        self.cabinet = CabinetView(self.ctx, profile, self)
        self.cabinet.logout_requested.connect(self.end_visit if self.ctx.clerk else self.log_out)
        self.stack.addWidget(self.cabinet)
        self.stack.setCurrentWidget(self.cabinet)
        if self.idle is not None:
            self.idle.start()

    def log_out(self) -> None:
        # Personal data leaves the screen at once; the server call and the wipe follow.
        if self.idle is not None:
            self.idle.stop()
        self._expired = None
        for dialog in self._take_behind_lock():
            dialog.deleteLater()  # a visit ended from behind the login: nothing more is sent
        self._drop_cabinet()
        self.login_view.reset()
        self.stack.setCurrentWidget(self.login_view)
        self.ctx.tasks.run(
            self.ctx.session.log_out, self._logged_out, self._logged_out, label="Выход…"
        )

    def _logged_out(self, warning: object) -> None:
        messages.notice(warning if isinstance(warning, str) else tr("Вы вышли из личного кабинета"))
        self.logged_out.emit()

    def _drop_cabinet(self) -> None:
        if self.cabinet is not None:
            self.cabinet.leave()  # at once: deleteLater may come after a poll's answer
            self.stack.removeWidget(self.cabinet)
            self.cabinet.deleteLater()
            self.cabinet = None

    def open_registration(self) -> None:
        from voek_desktop.ui.identity.registration import RegistrationDialog

        dialog = RegistrationDialog(self.ctx, self)
        dialog.set_consumer_type(self.login_view.picker.value())
        dialog.exec()

    def open_outbox(self) -> None:
        from voek_desktop.ui.identity.dialogs import OutboxDialog

        OutboxDialog(self.ctx, self).show()

    def open_settings(self) -> None:
        from voek_desktop.settings import Settings
        from voek_desktop.ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(Settings.load(), self)
        if dialog.exec() == SettingsDialog.DialogCode.Accepted:
            self.apply_settings(dialog.settings)

    def apply_settings(self, settings: Settings) -> None:
        """«Настройки» in force at once, without a restart: the server (not in the demo, which
        runs its own), the desk mode, its lock and its scanner folder."""
        from voek_desktop.ui.app import DEFAULT_SERVER

        if self.cabinet is not None:
            if not messages.confirm(self, tr("Новые настройки действуют после выхода. Выйти?")):
                return
            self.log_out()
        ctx = self.ctx
        clerk = settings.clerk_mode
        url = ctx.session.server_url if ctx.demo else settings.server_url or DEFAULT_SERVER
        folder = settings.scanner_folder
        session = ctx.session
        # On the worker, queued after a log-out that still talks to the old server.
        ctx.tasks.run(lambda: session.configure(url, clerk=clerk, scanner_folder=folder))
        self.ctx = ctx._replace(
            clerk=clerk,
            lock_after_seconds=max(10, settings.lock_after_seconds),
            scanner_folder=folder,
        )
        self.login_view.server_label.setText(tr("Сервер: {}").format(url))
        if self.lock_view is not None:  # the desk as it was goes, the new one comes
            assert self.idle is not None
            self.idle.stop()
            for gone in (self.lock_view, self.idle, self.desk_label):
                gone.deleteLater()
            self.stack.removeWidget(self.lock_view)
            self.statusBar().removeWidget(self.desk_label)
            self.lock_view = self.idle = None
            self.login_view.remember.show()
        if clerk:
            self._set_up_clerk_mode()

    def open_password_reset(self) -> None:
        from voek_desktop.ui.identity.dialogs import PasswordResetDialog

        PasswordResetDialog(self.ctx, self).exec()

    def open_activation(self) -> None:
        from voek_desktop.ui.identity.dialogs import ActivationDialog

        ActivationDialog(self.ctx, self).exec()

    def try_resume(self) -> None:
        """«Запомнить меня» from an earlier run: go straight to the cabinet if still valid
        (in demo mode once its server listens; the login's demo box says if it did not)."""

        def resume() -> None:
            if self.cabinet is not None:
                return  # logged in by hand while the demo server was starting
            self.ctx.tasks.run(
                self.ctx.session.resume,
                lambda profile: None if profile is None else self.show_cabinet(profile),
                self._resume_failed,
                owner=self,
                label="Проверка сохранённого входа…",
            )

        # No on_failed: after a failed start it waits for the start «Повторить» makes.
        self.ctx.when_server_ready(resume, owner=self)

    def _resume_failed(self, exc: BaseException) -> None:
        from voek_desktop.api.errors import ApiError

        if isinstance(exc, ApiError) and exc.needs_login:
            self.login_view.show_expired(None)
        else:
            messages.notice(
                tr("Не удалось восстановить сохранённый вход: ") + messages.describe(exc)
            )

    def _title_for_screen(self) -> None:
        screen = self.stack.currentWidget()
        if screen is self.login_view:
            self.setWindowTitle(self.tr("Вход"))
        elif screen is not None and screen is self.lock_view:
            self.setWindowTitle(self.tr("Экран заблокирован"))
        else:
            self.setWindowTitle(self.tr("Кабинет"))

    # --- status ------------------------------------------------------------------------------

    def _first_paint(self) -> None:
        self.first_painted.emit()
        # A turn of the event loop of its own: what arrived meanwhile (a key, a click, the
        # window manager's expose) is handled before the menus are built.
        QTimer.singleShot(0, self._after_first_paint)

    def _after_first_paint(self) -> None:
        """What the first paint does not need, done right after it (the start-up target of
        docs/design.md "Targets")."""
        from PySide6.QtGui import QIcon

        from voek_desktop.resources import resource_path
        from voek_desktop.ui.kit import forms
        from voek_desktop.ui.kit.widgets import point_at_links

        self.setWindowIcon(QIcon(str(resource_path("icons/voek.svg"))))
        point_at_links(self)
        forms.first_paint_done()
        self._add_blank_forms_menu()
        if self.ctx.demo:
            self._add_demo_menu()
            self.login_view.load_demo_numbers()
        from voek_desktop.ui.about import add_help_menu

        add_help_menu(self.menuBar(), self.ctx, self)
        self.settled.emit()

    def _add_blank_forms_menu(self) -> None:
        """«Бланки»: print a blank template at any time, with or without a visitor."""
        from voek_desktop.domain.applications import CATEGORIES

        menu = self.menuBar().addMenu(tr("Бланки"))
        for key, category in CATEGORIES.items():
            action = menu.addAction(tr("Бланк заявки по {}…").format(category.short_title))
            action.triggered.connect(lambda _=False, k=key: self.open_blank_forms(k))

    def _add_demo_menu(self) -> None:
        """«Демо»: the grid company's side of the story and the registry's numbers."""
        menu = self.menuBar().addMenu(tr("Демо"))
        menu.addAction(tr("Демо: действия сетевой организации…")).triggered.connect(
            self.open_demo_panel
        )
        menu.addAction(tr("Демо-данные…")).triggered.connect(self.login_view.show_demo_data)
        menu.addAction(tr("Почта (демо)…")).triggered.connect(self.open_outbox)

    def open_demo_panel(self) -> QDialog:
        """One panel, kept beside the cabinet; it follows whoever logs in or out."""
        import shiboken6

        from voek_desktop.ui.demo_panel import DemoActionsDialog

        dialog = self.findChild(DemoActionsDialog)
        if dialog is None or not shiboken6.isValid(dialog):
            dialog = DemoActionsDialog(self.ctx, self)
            self.login_view.logged_in.connect(dialog.consumer_changed)
            self.logged_out.connect(dialog.consumer_changed)
        else:
            dialog.refresh()
        dialog.show()
        dialog.activateWindow()
        return dialog

    def open_blank_forms(self, category: str | None = None) -> None:
        from voek_desktop.ui.applications.blank_forms import BlankFormsDialog

        dialog = BlankFormsDialog(self.ctx, self)
        if category is not None:
            index = dialog.category.findData(category)
            if index >= 0:
                dialog.category.setCurrentIndex(index)
        dialog.open()

    def show_notice(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    def _busy(self, label: str) -> None:
        self.busy_label.setText(label)
        if self.busy_bar is None and label:
            from PySide6.QtWidgets import QProgressBar

            self.busy_bar = QProgressBar(self)
            self.busy_bar.setRange(0, 0)
            self.busy_bar.setMaximumWidth(120)
            self.statusBar().addPermanentWidget(self.busy_bar)
        if self.busy_bar is not None:
            self.busy_bar.setVisible(bool(label))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self._painted and watched is self and event.type() == QEvent.Type.Paint:
            self._painted = True
            QTimer.singleShot(0, self._first_paint)
        return super().eventFilter(watched, event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.ctx.tasks.shutdown()
        super().closeEvent(event)
