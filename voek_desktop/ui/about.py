"""«Справка»: «О программе» (what runs, against which server) and «Горячие клавиши»."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QMenuBar, QVBoxLayout, QWidget

from voek_desktop import __version__
from voek_desktop.ui.context import Context
from voek_desktop.ui.kit.dialogs import tr

APP_NAME = "Личный кабинет потребителя АО «ВОЭК»"
COMPANY = "АО «ВОЭК» — Владимирская областная электросетевая компания"
COMPANY_URL = "https://voek33.ru"
# Keys every screen answers to (docs/design.md "Conventions": keyboard reachable).
KEYS = (
    ("Tab / Shift+Tab", "следующее / предыдущее поле"),
    ("Enter", "кнопка той части окна, где вы печатаете (выделена)"),
    ("Пробел", "нажать кнопку, отметить флажок"),
    ("Esc", "закрыть окно без сохранения"),
    ("Alt + подчёркнутая буква", "пункт меню"),
    ("F1", "эта справка"),
)


def app_version() -> str:
    """The installed package's version; the source tree's when run from a checkout."""
    # importlib.metadata brings the email package: ~20 ms the help menu need not pay after the
    # first paint (docs/design.md "Targets").
    from importlib import metadata

    try:
        return metadata.version("voek-desktop")
    except metadata.PackageNotFoundError:
        return __version__


class _HelpDialog(QDialog):
    def __init__(self, parent: QWidget | None, title: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        self.text = QLabel(self)
        self.text.setObjectName("aboutText")
        self.text.setWordWrap(True)
        self.text.setOpenExternalLinks(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        layout.addWidget(self.text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


class AboutDialog(_HelpDialog):
    """«О программе»: the app and its version, the server it talks to and the server's version
    (asked in the background; «—» while unknown), the licence and the company."""

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent, tr("О программе"))
        self.ctx = ctx
        self.server_version = ""
        self.setMinimumWidth(460)
        self.text.setText(self._html())
        ctx.when_server_ready(
            lambda: ctx.tasks.run(
                ctx.session.client.health,
                self._answered,
                lambda _exc: None,  # offline: the version stays «—»
                owner=self,
                label=tr("Версия сервера…"),
            ),
            lambda _why: None,  # the demo server did not start: «—» too
            owner=self,
        )

    def _answered(self, health: dict) -> None:
        self.server_version = str(health.get("version") or "")
        self.text.setText(self._html())

    def _html(self) -> str:
        from html import escape

        server = escape(self.ctx.session.server_url)
        rows = [
            (tr("Версия"), escape(app_version())),
            (tr("Сервер"), server + (" " + tr("(демо)") if self.ctx.demo else "")),
            (tr("Версия сервера"), escape(self.server_version) or "—"),
            (tr("Лицензия"), "MIT"),
        ]
        table = "".join(f"<tr><td>{k}:&nbsp;</td><td>{v}</td></tr>" for k, v in rows)
        return (
            f"<h3>{tr(APP_NAME)}</h3><table>{table}</table>"
            f'<p>{tr(COMPANY)}<br><a href="{COMPANY_URL}">{COMPANY_URL}</a></p>'
        )


class KeysDialog(_HelpDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, tr("Горячие клавиши"))
        rows = "".join(
            f"<tr><td><b>{tr(k)}</b>&nbsp;&nbsp;</td><td>{tr(v)}</td></tr>" for k, v in KEYS
        )
        self.text.setText(f"<table>{rows}</table>")


def add_help_menu(bar: QMenuBar, ctx: Context, window: QWidget) -> None:
    """«Справка» at the end of the menu bar."""
    menu = bar.addMenu(tr("&Справка"))
    keys = menu.addAction(tr("Горячие клавиши"))
    keys.setShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents))
    keys.triggered.connect(lambda: KeysDialog(window).open())
    about = menu.addAction(tr("О программе"))
    about.triggered.connect(lambda: AboutDialog(ctx, window).open())
