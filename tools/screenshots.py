"""Render the identity screens to docs/screenshots/*.png against a live demo server.

    .venv/bin/python tools/screenshots.py

Runs offscreen; nothing of the user's (keyring, settings) is touched.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"


def main() -> None:
    home = Path(tempfile.mkdtemp(prefix="voek-shots-"))
    os.environ["VOEK_DATA_DIR"] = str(home / "data")
    os.environ["VOEK_CONFIG_DIR"] = str(home / "config")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import keyring
    from keyring.backends import null

    keyring.set_keyring(null.Keyring())

    from PySide6.QtWidgets import QApplication, QWidget

    from voek_desktop.settings import Settings
    from voek_desktop.ui.app import build_context, make_application
    from voek_desktop.ui.identity.dialogs import OutboxDialog, PasswordChangeDialog
    from voek_desktop.ui.identity.registration import RegistrationDialog
    from voek_desktop.ui.main_window import MainWindow

    app = make_application(sys.argv[:1])
    ctx, start_server = build_context(argparse.Namespace(demo=True, server=None), Settings())
    server_future = start_server()
    server_future.result(timeout=30)
    OUT.mkdir(parents=True, exist_ok=True)

    def settle() -> None:
        for _ in range(30):
            app.processEvents()

    def wait(condition) -> None:
        import time

        deadline = time.monotonic() + 20
        while not condition():
            if time.monotonic() > deadline:
                raise TimeoutError("screen did not get ready")
            app.processEvents()
            time.sleep(0.01)
        settle()

    def save(widget: QWidget, name: str) -> None:
        settle()
        widget.grab().save(str(OUT / f"{name}.png"))
        print(OUT / f"{name}.png")

    window = MainWindow(ctx)
    window.resize(1100, 760)
    window.show()
    wait(lambda: window.login_view.demo_numbers.isVisible())  # after the first paint
    save(window, "login")

    dialog = RegistrationDialog(ctx, window)
    dialog.show()
    dialog.form.fields["snils"].set_text("112-233-445 96")
    dialog.form.fields["snils"].validate()
    dialog.form.fields["email"].set_text("petrova@example.test")
    dialog.password.set_text("Зимний вечер 2026")
    dialog.confirmation.set_text("Зимний вечер 2025")
    dialog.confirmation.validate()
    dialog.form.fields["phone"].set_text("8 (920) 765-43-21")
    save(dialog, "registration-errors")

    dialog.form.fields["snils"].set_text("034-230-302 90")
    dialog.form.fields["snils"].validate()
    dialog.confirmation.set_text("Зимний вечер 2026")
    dialog.confirmation.validate()
    dialog.consent.setChecked(True)
    dialog.submit.click()
    wait(lambda: dialog.pages.currentIndex() == 1)
    save(dialog, "registration-check-email")
    dialog.close()

    outbox = OutboxDialog(ctx, window)
    outbox.show()
    wait(lambda: outbox.list.count() > 0)
    save(outbox, "demo-mailbox")
    outbox.close()

    window.login_view.use_demo(ctx.demo_logins[0])
    window.login_view.submit.click()
    wait(lambda: window.cabinet is not None and window.cabinet.profile_page.profile is not None)
    window.cabinet.open_section("Профиль")
    save(window, "profile")
    demo_story(ctx, window, save, wait)

    change = PasswordChangeDialog(ctx, window)
    change.show()
    change.current.set_text("demo-Password-2026")
    change.new.set_text("short")
    change.new.validate()
    save(change, "password-change")
    change.close()

    from voek_desktop.session import Session
    from voek_desktop.settings import Settings as _Settings
    from voek_desktop.ui.context import Context
    from voek_desktop.ui.settings_dialog import SettingsDialog

    settings_dialog = SettingsDialog(_Settings(clerk_mode=True, scanner_folder="/srv/scans"))
    settings_dialog.show()
    save(settings_dialog, "settings")
    settings_dialog.close()

    # Clerk mode: the same demo server, a shared PC at a service-centre desk.
    from voek_desktop.ui.kit.tasks import Tasks

    clerk_ctx = Context(
        Session(ctx.session.server_url, clerk=True),
        Tasks(),
        demo=True,
        demo_logins=ctx.demo_logins,
        clerk=True,
    )
    desk = MainWindow(clerk_ctx)
    desk.resize(1100, 760)
    desk.show()
    save(desk, "clerk-login")
    desk.login_view.use_demo(ctx.demo_logins[0])
    desk.login_view.submit.click()
    wait(lambda: desk.cabinet is not None)
    desk.cabinet.open_section("Профиль")
    save(desk, "clerk-cabinet")
    desk.lock()
    save(desk, "clerk-lock")
    desk.log_out()
    wait(lambda: not clerk_ctx.tasks.is_busy())
    desk.close()

    entrepreneur = ctx.demo_logins[1]
    window.log_out()
    wait(lambda: not ctx.tasks.is_busy())
    window.login_view.use_demo(entrepreneur)
    window.login_view.submit.click()
    wait(lambda: window.cabinet is not None)
    wizard_prefilled(ctx, window, save, wait)

    company = ctx.demo_logins[2]
    window.log_out()
    wait(lambda: not ctx.tasks.is_busy())
    window.login_view.use_demo(company)
    window.login_view.submit.click()
    wait(lambda: window.cabinet is not None)
    window.cabinet.open_section("Профиль")
    window.statusBar().clearMessage()
    save(window, "profile-company")
    window.log_out()
    wait(lambda: not ctx.tasks.is_busy())
    ctx.tasks.shutdown()
    server_future.result().stop()
    QApplication.quit()


def demo_story(ctx, window, save, wait) -> None:
    """The demo panel offers a contract; «Договоры» shows it, zoomed in on its second page."""
    from voek_desktop.ui.demo_panel import DemoDataDialog

    data = DemoDataDialog(ctx, window)
    data.show()
    wait(lambda: "3300000012" in data.text.toPlainText())
    save(data, "demo-data")
    data.close()

    window.cabinet.open_section("Договоры")
    panel = window.open_demo_panel()
    wait(lambda: panel.application.count() > 0)
    index = next(i for i, a in enumerate(panel.applications) if a.status == "need_info")
    panel.application.setCurrentIndex(index)
    panel.offer_button.click()
    contracts = window.cabinet.pages.currentWidget()
    wait(lambda: contracts.active_model.rowCount() == 1)
    wait(lambda: not ctx.tasks.is_busy())
    save(panel, "demo-panel")
    panel.close()
    contracts.open_document()
    wait(lambda: contracts.preview is not None and contracts.preview.is_ready())
    contracts.preview.go_to_page(contracts.preview.page_count() - 1)
    contracts.preview.zoom_in()
    wait(lambda: not ctx.tasks.is_busy())
    import time

    time.sleep(0.5)  # QPdfView renders its pages on a thread of its own
    save(window, "contract-zoomed")


def wizard_prefilled(ctx, window, save, wait) -> None:
    """A sole proprietor's new application starts from the registry's name and identifiers."""
    from voek_desktop.drafts import DraftStore
    from voek_desktop.ui.applications.wizard import ApplicationWizard

    wizard = ApplicationWizard(ctx, ctx.session.profile, DraftStore(None), window)
    wizard.resize(1180, 760)
    wizard.show()
    wizard.category_step.set_value("p12_1")
    wizard.next()
    wait(lambda: wizard.form.rows["applicant_name"].text() != "")
    wait(lambda: wizard.form_step.preview.is_ready() and not ctx.tasks.is_busy())
    import time

    time.sleep(0.5)
    save(wizard, "wizard-prefilled")
    wizard.autosave_timer.stop()
    wizard.reject()


if __name__ == "__main__":
    main()
