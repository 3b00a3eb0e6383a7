"""Render every screen of the app to PNG files against a live demo server, to be looked at.

    .venv/bin/python tools/screenshots.py [--size 1366x768] [--scale 1] [--out docs/screenshots]

``--size`` is the screen in physical pixels and ``--scale`` the system scale (1, 1.25, 1.5, 2):
1920x1080 at 2 is a 960×540 logical screen (issue 12 "Fit"). The main window fills the screen,
as a maximised window would; each dialog opens at its own size. Every consumer type
(individual, entrepreneur, company) and clerk mode is shown: login, registration, each cabinet
section, the dialogs and the wizard's steps. The individual's pictures keep the names the
README uses; the others' names end in ``-entrepreneur`` / ``-company``. A screen whose minimum
size does not fit the screen is reported (and the exit status is 1).

Runs offscreen; nothing of the user's (keyring, settings) is touched.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
CLOCK = "2026-11-27T10:00:00+03:00"  # a day with polled smart-meter data in the demo

# A supply contract of each demo organisation, to confirm it with (the demo server's data).
SUPPLY_CONTRACTS = {"company": "ЭС-1001", "entrepreneur": "ЭС-2001"}

# Section titles → the picture names the README uses for the individual.
SECTIONS = {
    "Профиль": "profile",
    "Заявки": "applications-list",
    "Договоры": "contracts",
    "Лицевые счета": "accounts",
    "Договоры энергоснабжения": "company-contracts",
    "Обратная связь": "feedback",
    "Опрос": "survey",
    "Уведомления": "notifications",
}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Снимки всех экранов приложения (offscreen).")
    p.add_argument("--size", default="1366x768", help="экран в физических пикселях, ШxВ")
    p.add_argument("--scale", type=float, default=1.0, help="масштаб системы: 1, 1.25, 1.5, 2")
    p.add_argument("--out", type=Path, default=OUT, help="папка для PNG")
    args = p.parse_args(argv)
    width, _, height = args.size.lower().partition("x")
    args.width, args.height = int(width), int(height)
    return args


def configure_platform(width: int, height: int, scale: float, home: Path) -> None:
    """The offscreen platform with one screen of ``width``×``height`` physical pixels at
    ``scale``: set before QApplication exists, which reads it once."""
    config = home / "offscreen.json"
    screen = {"name": "shots", "x": 0, "y": 0, "width": width, "height": height}
    config.write_text(json.dumps({"screens": [{**screen, "logicalDpi": 96, "dpr": 1}]}))
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"
    os.environ["QT_SCALE_FACTOR"] = f"{scale:g}"
    os.environ.pop("QT_SCREEN_SCALE_FACTORS", None)
    os.environ.pop("QT_ENABLE_HIGHDPI_SCALING", None)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    home = Path(tempfile.mkdtemp(prefix="voek-shots-"))
    os.environ["VOEK_DATA_DIR"] = str(home / "data")
    os.environ["VOEK_CONFIG_DIR"] = str(home / "config")
    configure_platform(args.width, args.height, args.scale, home)
    # The scan dialog's scanner: SANE's own test device, never this machine's real scanners
    # or the network backends' timeouts (as in the tests: tests/sane_device.py).
    (home / "sane").mkdir()
    (home / "sane" / "dll.conf").write_text("test\n", encoding="ascii")
    os.environ["SANE_CONFIG_DIR"] = str(home / "sane")
    sys.path.insert(0, str(ROOT))
    import keyring
    from keyring.backends import null

    keyring.set_keyring(null.Keyring())

    from voek_desktop.settings import Settings
    from voek_desktop.ui.app import build_context, make_application

    app = make_application(sys.argv[:1])
    ctx, start_server = build_context(argparse.Namespace(demo=True, server=None), Settings())
    server = started(ctx, start_server)
    args.out.mkdir(parents=True, exist_ok=True)
    shots = Shots(app, args.out, home)
    try:
        shots.run(ctx, server.url)
    finally:
        ctx.tasks.shutdown()
        server.stop()
    print(f"{len(shots.saved)} снимков в {args.out}", file=sys.stderr)
    for line in shots.problems:
        print(line, file=sys.stderr)
    return 1 if shots.problems else 0


def started(ctx: Any, start_server: Any) -> Any:
    """The demo server, started as the app starts it; waits for its ready (or failed) signal."""
    from PySide6.QtCore import QEventLoop, QTimer

    start = ctx.server_start
    loop = QEventLoop()
    start.ready.connect(loop.quit)
    start.failed.connect(loop.quit)
    QTimer.singleShot(120_000, loop.quit)
    start_server()
    if start.state == "starting":
        loop.exec()
    if not start.is_ready():
        raise SystemExit(start.error or "Демо-сервер не запустился за 2 минуты")
    return start.server


def culprits(widget: Any, area: Any, depth: int = 1) -> list[str]:
    """The chain of visible children that ask for most of the screen: where to look."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QWidget

    out = []
    direct = Qt.FindChildOption.FindDirectChildrenOnly
    for child in widget.findChildren(QWidget, options=direct):
        need = child.minimumSizeHint().expandedTo(child.minimumSize())
        big = need.width() > area.width() * 0.6 or need.height() > area.height() * 0.6
        if child.isVisibleTo(widget) and big and depth < 12:
            name = f"{type(child).__name__}#{child.objectName()} {need.width()}×{need.height()}"
            out += ["  " * depth + name, *culprits(child, area, depth + 1)]
    return out


def sideways(widget: Any) -> list[str]:
    """Scroll areas whose content is wider than they are: cut, or scrolled sideways."""
    from PySide6.QtWidgets import QScrollArea

    out = []
    for area in widget.findChildren(QScrollArea):
        content = area.widget()
        if content is not None and area.isVisible():
            need = content.minimumSizeHint().expandedTo(content.minimumSize()).width()
            if need > area.viewport().width():
                out.append(f"  {type(content).__name__} {need} > {area.viewport().width()}")
    return out


def kind_of(name: Callable[[str], str]) -> str:
    """Which consumer a shot's ``name`` function is for: the individual's names are bare."""
    named = name("x")
    return "individual" if named == "x" else named.rsplit("-", 1)[-1]


class Shots:
    def __init__(self, app: Any, out: Path, home: Path) -> None:
        self.app = app
        self.out = out
        self.home = home
        self.saved: list[str] = []
        self.problems: list[str] = []
        self.screen = app.primaryScreen().availableGeometry()

    # --- helpers ---------------------------------------------------------------------------

    def settle(self, rounds: int = 30) -> None:
        from PySide6.QtCore import QEvent

        for _ in range(rounds):
            self.app.processEvents()
            # What the event loop would delete before painting again (processEvents does not).
            self.app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
            time.sleep(0.005)

    def wait(self, condition: Callable[[], object], seconds: float = 20) -> None:
        deadline = time.monotonic() + seconds
        while not condition():
            if time.monotonic() > deadline:
                raise TimeoutError("screen did not get ready")
            self.app.processEvents()
            time.sleep(0.01)
        self.settle()

    def save(self, widget: Any, name: str) -> None:
        self.settle()
        path = self.out / f"{name}.png"
        widget.grab().save(str(path))
        self.saved.append(name)
        need = widget.minimumSizeHint().expandedTo(widget.minimumSize())
        size, area = widget.size(), self.screen
        line = f"{path}  {size.width()}×{size.height()} (min {need.width()}×{need.height()})"
        if (
            max(need.width(), size.width()) > area.width()
            or max(need.height(), size.height()) > area.height()
        ):
            line += f"  ЭКРАН {area.width()}×{area.height()} МАЛ"
            self.problems.append("\n".join([line, *culprits(widget, area)]))
        wide = sideways(widget)
        if wide:
            line += "  ПРОКРУТКА ВБОК"
            self.problems.append("\n".join([line, *wide]))
        print(line)

    def attempt(self, what: str, step: Callable[[], None]) -> None:
        """One screen: a failure is reported and the others are still shown."""
        try:
            step()
        except Exception:
            self.problems.append(f"{what}: {traceback.format_exc()}")
            print(self.problems[-1], file=sys.stderr)

    def maximise(self, window: Any) -> None:
        window.setGeometry(self.screen)
        window.show()

    def idle(self, ctx: Any) -> None:
        self.wait(lambda: not ctx.tasks.is_busy(), 30)

    # --- the screens ------------------------------------------------------------------------

    def run(self, ctx: Any, url: str) -> None:
        import requests

        self.url = url
        requests.post(f"{url}/api/v1/dev/clock", json={"now": CLOCK}, timeout=30)
        from voek_desktop.ui.main_window import MainWindow

        window = MainWindow(ctx)
        self.maximise(window)
        self.attempt("anonymous", lambda: self.anonymous(ctx, window))
        for demo in ctx.demo_logins:
            self.attempt(demo.consumer_type, lambda d=demo: self.consumer(ctx, window, d))
        window.close()
        self.attempt("clerk", lambda: self.clerk(ctx))

    def anonymous(self, ctx: Any, window: Any) -> None:
        from voek_desktop.settings import Settings
        from voek_desktop.ui.identity.dialogs import (
            ActivationDialog,
            OutboxDialog,
            PasswordResetDialog,
        )
        from voek_desktop.ui.identity.registration import RegistrationDialog
        from voek_desktop.ui.settings_dialog import SettingsDialog

        login = window.login_view
        # Filled once the demo server listens: «Загрузка демо-данных…» first, then the numbers.
        self.wait(lambda: "Демо-данные" in login.demo_numbers.text())
        self.save(window, "login")
        for kind in ("entrepreneur", "company"):
            login.picker.set_value(kind)
            self.save(window, f"login-{kind}")
        login.picker.set_value("individual")

        dialog = RegistrationDialog(ctx, window)
        dialog.show()
        dialog.form.fields["snils"].set_text("112-233-445 96")
        dialog.form.fields["snils"].validate()
        dialog.form.fields["email"].set_text("petrova@example.test")
        dialog.password.set_text("Зимний вечер 2026")
        dialog.confirmation.set_text("Зимний вечер 2025")
        dialog.confirmation.validate()
        dialog.form.fields["phone"].set_text("8 (920) 765-43-21")
        self.save(dialog, "registration-errors")
        for kind in ("entrepreneur", "company"):
            dialog.set_consumer_type(kind)
            self.save(dialog, f"registration-{kind}")
        dialog.set_consumer_type("individual")
        dialog.form.fields["snils"].set_text("034-230-302 90")
        dialog.form.fields["snils"].validate()
        dialog.confirmation.set_text("Зимний вечер 2026")
        dialog.confirmation.validate()
        dialog.consent.setChecked(True)
        dialog.submit.click()
        self.wait(lambda: dialog.pages.currentIndex() == 1)
        self.save(dialog, "registration-check-email")
        dialog.close()

        for make, name in (
            (ActivationDialog, "activation"),
            (PasswordResetDialog, "password-reset"),
        ):
            other = make(ctx, window)
            other.show()
            self.save(other, name)
            other.close()
        self.idle(ctx)

        outbox = OutboxDialog(ctx, window)
        outbox.show()
        self.wait(lambda: outbox.list.count() > 0)
        self.save(outbox, "demo-mailbox")
        outbox.close()

        settings = SettingsDialog(Settings(clerk_mode=True, scanner_folder="/srv/scans"), window)
        settings.show()
        self.save(settings, "settings")
        settings.close()

        login.show_blank_forms()
        blank = login.blank_forms
        blank.select("p13", "company")
        self.wait(lambda: blank.preview.is_ready() and blank.preview.page_count() >= 1)
        self.save(blank, "blank-forms")
        blank.close()

    def consumer(self, ctx: Any, window: Any, demo: Any) -> None:
        kind = demo.consumer_type

        def name(base: str) -> str:
            return base if kind == "individual" or base.startswith(kind) else f"{base}-{kind}"

        self.idle(ctx)
        window.login_view.use_demo(demo)
        window.login_view.submit.click()
        self.wait(lambda: window.cabinet is not None and window.cabinet.profile_page.profile)
        window.statusBar().clearMessage()  # the last visitor's «Вы вышли…»
        try:
            self.cabinet(ctx, window, kind, name)
        finally:
            self.idle(ctx)
            window.log_out()
            self.idle(ctx)

    def cabinet(self, ctx: Any, window: Any, kind: str, name: Callable) -> None:
        if kind == "individual":
            self.offer_contract(ctx)
        cabinet = window.cabinet
        for row in range(cabinet.nav.count()):
            title = cabinet.nav.item(row).text()
            cabinet.nav.setCurrentRow(row)
            page = cabinet.pages.widget(row)
            self.settle()
            self.idle(ctx)
            base = SECTIONS.get(title, f"section-{row}")
            self.attempt(
                f"{kind} {title}", lambda p=page, b=base: self.section(ctx, window, p, b, name)
            )
        window.statusBar().clearMessage()
        self.attempt(f"{kind} dialogs", lambda: self.profile_dialogs(ctx, window, name))
        self.attempt(f"{kind} wizard", lambda: self.wizard(ctx, window, name))
        if kind == "individual":
            self.attempt("demo story", lambda: self.demo_story(ctx, window))
        if kind == "entrepreneur":
            self.attempt("wizard prefilled", lambda: self.wizard_prefilled(ctx, window))

    def demo_story(self, ctx: Any, window: Any) -> None:
        """The demo panel offers a contract; «Договоры» shows it, zoomed in on its last page."""
        from voek_desktop.ui.demo_panel import DemoDataDialog

        data = DemoDataDialog(ctx, window)
        data.show()
        self.wait(lambda: "3300000012" in data.text.toPlainText())
        self.save(data, "demo-data")
        data.close()

        window.cabinet.open_section("Договоры")
        panel = window.open_demo_panel()
        self.wait(lambda: panel.application.count() > 0)
        offerable = [i for i, a in enumerate(panel.applications) if a.status == "need_info"]
        if offerable:
            panel.application.setCurrentIndex(offerable[0])
            panel.offer_button.click()
        contracts = window.cabinet.pages.currentWidget()
        self.wait(lambda: contracts.active_model.rowCount() >= 1)
        self.idle(ctx)
        self.save(panel, "demo-panel")
        panel.close()
        contracts.open_document()
        self.wait(lambda: contracts.preview is not None and contracts.preview.is_ready())
        contracts.preview.go_to_page(contracts.preview.page_count() - 1)
        contracts.preview.zoom_in()
        self.idle(ctx)
        self.settle()
        self.save(window, "contract-zoomed")

    def scan_dialog(self, ctx: Any, wizard: Any) -> None:
        """«Сканировать…» of a document: SANE's own test scanner where python-sane is
        installed (the system's scanners are never asked: see main())."""
        from voek_desktop.ui.applications.scan_dialog import ScanDialog

        dialog = ScanDialog(ctx, "Скан подписанной заявки", wizard)
        dialog.show()
        self.wait(lambda: dialog.status.text() != "" and not ctx.tasks.is_busy(), 60)
        self.settle()
        self.save(dialog, "scan-dialog")
        dialog.reject()

    def deadline_dialogs(self, ctx: Any, window: Any, page: Any) -> None:
        """The overdue term's «Претензия…» and the «Сводка поданных документов…» of the
        application chosen in «Заявки»."""
        from PySide6.QtWidgets import QPushButton

        box = page.deadline_box
        claim = next((b for b in box.findChildren(QPushButton) if "Претензия" in b.text()), None)
        if claim is not None and claim.isVisible():
            before = set(self.app.topLevelWidgets())
            claim.click()
            dialog = self.new_dialog(before)
            self.wait(lambda: not ctx.tasks.is_busy(), 60)
            self.settle(60)
            self.save(dialog, "claim")
            dialog.reject()
        if page.receipt_button.isVisible():
            before = set(self.app.topLevelWidgets())
            page.receipt_button.click()
            dialog = self.new_dialog(before)
            self.wait(lambda: not ctx.tasks.is_busy(), 60)
            self.settle(60)
            self.save(dialog, "receipt-summary")
            dialog.reject()

    def new_dialog(self, before: set) -> Any:
        from PySide6.QtWidgets import QDialog

        found: list = []

        def opened() -> bool:
            found[:] = [
                w
                for w in self.app.topLevelWidgets()
                if w not in before and isinstance(w, QDialog) and w.isVisible()
            ]
            return bool(found)

        self.wait(opened)
        return found[0]

    def wizard_prefilled(self, ctx: Any, window: Any) -> None:
        """A sole proprietor's new application starts from the registry's name and identifiers."""
        from voek_desktop.drafts import DraftStore
        from voek_desktop.ui.applications.wizard import ApplicationWizard

        wizard = ApplicationWizard(ctx, ctx.session.profile, DraftStore(None), window)
        wizard.show()
        wizard.category_step.set_value("p12_1")
        wizard.next()
        self.wait(lambda: wizard.form.rows["applicant_name"].text() != "")
        self.wait(lambda: wizard.form_step.preview.is_ready() and not ctx.tasks.is_busy())
        self.settle()
        self.save(wizard, "wizard-prefilled")
        wizard.autosave_timer.stop()
        wizard.reject()

    def offer_contract(self, ctx: Any) -> None:
        """An application submitted and answered with a contract, through the operator's /dev
        routes, so that «Договоры» and «Опрос» have something to show."""
        import requests
        from reportlab.pdfgen.canvas import Canvas

        from voek_desktop.api.errors import ApiError
        from voek_desktop.printing.samples import filled_form

        client = ctx.session.client
        profile = ctx.session.profile
        snils = profile.login
        form = {
            **filled_form("p14", "individual"),
            "snils": f"{snils[:3]}-{snils[3:6]}-{snils[6:9]} {snils[9:]}",
            "email": profile.email,
            "passport_issued_on": "20.04.2015",
            "power_new_kw": 15,
            "power_previous_kw": 0,
            "stages": [
                {"design_until": "01.06.2027", "commissioning_until": "01.09.2027", "power_kw": 15}
            ],
        }
        try:
            application = client.create_application("p14", form)
        except ApiError as exc:
            raise RuntimeError(f"{exc.message}: {exc.fields}") from exc
        scan = self.home / "скан.pdf"
        canvas = Canvas(str(scan))
        canvas.drawString(72, 720, "scan")
        canvas.save()
        for kind in ("signed_application", "identity_document", "site_plan", "title_document"):
            client.upload_document(application.id, kind, scan)
        client.submit_application(application.id)
        for status in ("review", "contract_offered"):
            requests.post(
                f"{self.url}/api/v1/dev/applications/{application.id}/status",
                json={"status": status, "comment": ""},
                timeout=30,
            ).raise_for_status()

    def section(self, ctx: Any, window: Any, page: Any, base: str, name: Callable) -> None:
        from voek_desktop.ui.applications.contracts import ContractsPage
        from voek_desktop.ui.applications.page import ApplicationsPage
        from voek_desktop.ui.metering.accounts import AccountsPage
        from voek_desktop.ui.metering.organization import OrganizationPage

        if isinstance(page, OrganizationPage):
            self.save(window, name("organization-confirm"))
            ctx.session.client.confirm_organization(
                SUPPLY_CONTRACTS[ctx.session.profile.consumer_type]
            )
            page.refresh()
            self.idle(ctx)
            self.wait(lambda: page.meters.model.rowCount() > 0)
            self.save(window, name(base))
            self.metering(ctx, window, page.meters, name)
            self.contract_report(ctx, page, name)
            return
        if isinstance(page, AccountsPage):
            self.wait(lambda: page.list.count() > 0)
            page.list.setCurrentRow(page.list.count() - 1)
            self.idle(ctx)
            self.wait(lambda: page.meters.model.rowCount() > 0)
            self.save(window, name(base))
            self.metering(ctx, window, page.meters, name)
            return
        self.save(window, name(base))
        if isinstance(page, ApplicationsPage) and kind_of(name) == "individual":
            self.attempt("deadline dialogs", lambda: self.deadline_dialogs(ctx, window, page))
        if isinstance(page, ContractsPage) and page.active_model.rowCount():
            page.open_button.click()
            self.wait(lambda: page.preview is not None and page.preview.is_ready())
            self.settle(60)
            self.save(window, name("contract-preview"))

    def metering(self, ctx: Any, window: Any, meters: Any, name: Callable) -> None:

        smart = [m for m in meters.model.meters if m.is_smart]
        if not smart:
            return
        smart.sort(key=lambda m: m.phases != 3)  # a three-phase one has the per-phase table
        meters.select_meter(smart[0].id)
        meters.card.smart_button.click()
        page = meters.smart_page
        self.wait(lambda: page.data is not None)
        self.save(window, name("smart-data"))
        # Below the registers: the maximum power, the instantaneous and per-phase values.
        from PySide6.QtWidgets import QScrollArea

        scroll = page.values_tab.findChild(QScrollArea)
        if scroll is not None:
            scroll.verticalScrollBar().setValue(page.power_view.y() - 30)
            self.settle(60)
            self.save(window, name("smart-data-power"))
            if page.phases_view.isVisible():
                scroll.verticalScrollBar().setValue(page.phases_view.y() - 30)
                self.settle(60)
                self.save(window, name("smart-data-phases"))
            scroll.verticalScrollBar().setValue(0)
        page.tabs.setCurrentWidget(page.daily)
        self.wait(lambda: page.daily.chart_view is not None)
        self.save(window, name("chart-daily"))
        page.tabs.setCurrentWidget(page.halfhour)
        self.wait(lambda: page.halfhour.chart_view is not None)
        self.save(window, name("chart-halfhour"))
        page.tabs.setCurrentIndex(0)

        self.archive(ctx, window, page, name)
        self.readings_report(ctx, window, page, name)
        page.back_requested.emit()

    def contract_report(self, ctx: Any, page: Any, name: Callable) -> None:
        """«Отчёт о показаниях» over every meter of the chosen supply contract."""
        from voek_desktop.ui.metering.report import ReadingsReportDialog

        page.report_button.click()
        dialog = next(d for d in page.findChildren(ReadingsReportDialog) if d.isVisible())
        self.wait(dialog.build_button.isEnabled)
        dialog.build_button.click()
        self.wait(lambda: dialog.report is not None and dialog.preview.is_ready(), 60)
        self.settle(60)
        self.save(dialog, name("contract-report"))
        dialog.close()

    def readings_report(self, ctx: Any, window: Any, page: Any, name: Callable) -> None:
        """«Отчёт о показаниях» of the meter for the last whole month, in its preview."""
        from voek_desktop.ui.metering.report import ReadingsReportDialog

        dialog = ReadingsReportDialog(ctx, meter=page.meter, parent=window)
        dialog.show()
        dialog.build_button.click()
        self.wait(lambda: dialog.report is not None and dialog.preview.is_ready(), 60)
        self.settle(60)
        self.save(dialog, name("readings-report"))
        dialog.close()

    def archive(self, ctx: Any, window: Any, page: Any, name: Callable) -> None:
        """A request made yesterday and ready now, downloaded and opened in the app."""
        import requests

        from voek_desktop.ui.metering import archive_requests as archive_ui

        def clock(now: str) -> None:
            requests.post(f"{self.url}/api/v1/dev/clock", json={"now": now}, timeout=30)

        meter = page.meter
        clock("2026-11-26T12:00:00+03:00")
        try:
            ctx.session.client.create_archive_request(meter.id, "2026-10-01", "2026-10-31")
        finally:
            clock(CLOCK)
        requests.post(f"{self.url}/api/v1/dev/jobs/run", timeout=60)
        dialog = archive_ui.ArchiveDialog(ctx, meter, page.last_poll_date(), window)
        dialog.show()
        self.wait(lambda: dialog.model.rowCount() > 0)
        ready = [i for i, r in enumerate(dialog.model.requests) if r.is_ready]
        dialog.table.selectRow(ready[0])
        self.save(dialog, name("archive-dialog"))
        dest = self.home / dialog.model.requests[ready[0]].file_name
        archive_ui.choose_save_path = lambda parent, suggested: dest
        dialog.download_button.click()
        self.wait(lambda: "Файл сохранен" in dialog.status.text(), 60)
        book = dialog.open_in_app()
        self.wait(lambda: book.complete, 60)
        self.save(book, name("archive-workbook"))
        book.close()
        dialog.close()

    def profile_dialogs(self, ctx: Any, window: Any, name: Callable) -> None:
        from voek_desktop.ui.identity.dialogs import EmailChangeDialog, PasswordChangeDialog

        window.cabinet.open_section("Профиль")
        change = PasswordChangeDialog(ctx, window)
        change.show()
        change.current.set_text("demo-Password-2026")
        change.new.set_text("short")
        change.new.validate()
        self.save(change, name("password-change"))
        change.close()
        email = EmailChangeDialog(ctx, window)
        email.show()
        self.save(email, name("email-change"))
        email.close()

    def wizard(self, ctx: Any, window: Any, name: Callable) -> None:
        from voek_desktop.ui.applications.page import ApplicationsPage

        cabinet = window.cabinet
        page = next(
            cabinet.pages.widget(r)
            for r in range(cabinet.pages.count())
            if isinstance(cabinet.pages.widget(r), ApplicationsPage)
        )
        cabinet.open_section("Заявки")
        self.idle(ctx)
        page.new_button.click()
        wizard = page.wizard
        self.wait(wizard.isVisible)
        self.save(wizard, name("wizard-category"))
        wizard.category_step.buttons[next(iter(wizard.category_step.buttons))].setChecked(True)
        wizard.next_button.click()
        self.wait(lambda: wizard.current_step() == 1)
        preview = wizard.form_step.preview
        self.wait(lambda: preview.is_ready(), 30)
        self.settle(60)
        self.save(wizard, name("wizard-form"))
        scroll = wizard.form_step.scroll_area.verticalScrollBar()
        scroll.setValue(scroll.maximum())
        self.save(wizard, name("wizard-form-end"))
        wizard.go(2)
        self.idle(ctx)
        self.save(wizard, name("wizard-attachments"))
        if kind_of(name) == "individual":
            self.attempt("scan dialog", lambda: self.scan_dialog(ctx, wizard))
        wizard.go(3)
        self.idle(ctx)
        self.save(wizard, name("wizard-submit"))
        wizard.go(0)
        wizard.hide()
        wizard.deleteLater()
        self.idle(ctx)

    def clerk(self, ctx: Any) -> None:
        from voek_desktop.session import Session
        from voek_desktop.ui.context import Context
        from voek_desktop.ui.kit.tasks import Tasks
        from voek_desktop.ui.main_window import MainWindow

        clerk_ctx = Context(
            Session(ctx.session.server_url, clerk=True),
            Tasks(),
            demo=True,
            demo_logins=ctx.demo_logins,
            clerk=True,
        )
        desk = MainWindow(clerk_ctx)
        self.maximise(desk)
        self.save(desk, "clerk-login")
        desk.login_view.use_demo(ctx.demo_logins[0])
        desk.login_view.submit.click()
        self.wait(lambda: desk.cabinet is not None)
        desk.cabinet.open_section("Профиль")
        self.idle(clerk_ctx)
        self.save(desk, "clerk-cabinet")
        desk.lock()
        self.save(desk, "clerk-lock")
        desk.log_out()
        self.idle(clerk_ctx)
        desk.close()
        clerk_ctx.tasks.shutdown()


if __name__ == "__main__":
    sys.exit(main())
