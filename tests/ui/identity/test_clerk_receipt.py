"""«Расписка в получении документов» at «Завершить приём» (issue 17, item 6; docs/design.md
"Clerk mode"): offered before the wipe, counted from the server's files in memory, shown in the
PDF preview, and after it the visit is wiped with nothing of the visitor left on disk."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import pytest
import shiboken6
from pypdf import PdfReader
from PySide6.QtCore import Qt

from tests import demo
from tests.ui.applications.test_sections import FULL_FORM
from tests.ui.applications.test_wizard import shot, write_png
from tests.ui.identity.test_clerk import files_under, serve
from voek_desktop.api.client import CabinetClient
from voek_desktop.session import Session
from voek_desktop.settings import Settings
from voek_desktop.ui.applications.page import ApplicationsPage
from voek_desktop.ui.applications.receipt import ReceiptDialog
from voek_desktop.ui.context import Context
from voek_desktop.ui.kit import messages
from voek_desktop.ui.kit.tasks import Tasks
from voek_desktop.ui.main_window import MainWindow


def write_pages(path: Path, pages: int) -> Path:
    from reportlab.pdfgen.canvas import Canvas

    canvas = Canvas(str(path))
    for n in range(pages):
        canvas.drawString(72, 720, f"page {n + 1}")
        canvas.showPage()
    canvas.save()
    return path


@pytest.fixture
def scratch(tmp_path, monkeypatch) -> Path:
    """The temp folder of the app (Python's and Qt's) during the test, to see what stays."""
    folder = tmp_path / "scratch"
    folder.mkdir()
    monkeypatch.setenv("TMPDIR", str(folder))
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


@pytest.fixture
def visit(server, tmp_path):
    """The visitor's application as the desk made it: four documents (a two-page signed
    form, a photo of the passport, two one-page scans), submitted."""
    files = tmp_path / "scans"  # the scanner's folder, not the app's
    files.mkdir()
    api = CabinetClient(server.url, retries=0)
    demo.log_in(api)
    app = api.create_application("p14", FULL_FORM)
    api.upload_document(
        app.id, "signed_application", write_pages(files / "заявка подписанная.pdf", 2)
    )
    api.upload_document(app.id, "identity_document", write_png(files / "паспорт.png"))
    api.upload_document(app.id, "site_plan", write_pages(files / "план.pdf", 1))
    api.upload_document(app.id, "title_document", write_pages(files / "выписка ЕГРН.pdf", 1))
    submitted = api.submit_application(app.id)
    api.close()
    return submitted


def test_end_of_visit_prints_a_receipt_then_leaves_nothing_behind(
    qtbot, server, app_dirs, scratch, visit, monkeypatch
):
    Settings(
        clerk_mode=True,
        service_centre="Центр обслуживания на ул. Мира",
        desk_name="Окно 3",
        clerk_name="Петрова Мария Сергеевна",
    ).save()
    settings_files = files_under(app_dirs / "config")
    asked: list[tuple[str, list[str]]] = []

    def choose(parent, text, title, buttons, *, cancel="Отмена"):
        asked.append((text, [*buttons, cancel]))
        return "Распечатать расписку"

    monkeypatch.setattr(messages, "choose", choose)
    tasks = Tasks()
    ctx = Context(Session(server.url, clerk=True), tasks, clerk=True)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    try:
        serve(qtbot, window, "individual", demo.SNILS_TYPED)
        [page] = window.cabinet.findChildren(ApplicationsPage)
        qtbot.waitUntil(
            lambda: any(a.id == visit.id for a in page.active_model.records), timeout=10_000
        )

        qtbot.mouseClick(window.cabinet.logout_button, Qt.MouseButton.LeftButton)
        [(question, buttons)] = asked
        assert visit.number in question
        assert buttons == ["Распечатать расписку", "Без расписки", "Отмена"]
        dialog = window.findChild(ReceiptDialog)
        assert dialog is not None and dialog.isVisible()
        assert window.cabinet is not None, "the visit is not wiped while the receipt is open"
        qtbot.waitUntil(lambda: dialog.preview.is_ready(), timeout=20_000)
        assert dialog.preview.page_count() == 1
        assert dialog.print_button.isEnabled()
        assert dialog.save_button.isHidden(), "no «Сохранить PDF» on a shared desk PC"
        dialog.resize(1024, 600)
        shot(dialog, "clerk-receipt.png")

        reader = PdfReader(io.BytesIO(dialog.preview.data))
        shown = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
        assert "Расписка в получении документов" in shown
        assert visit.number in shown
        assert "заявка подписанная.pdf 2 л." in shown
        assert "паспорт.png 1 л." in shown
        assert "план.pdf 1 л." in shown and "выписка ЕГРН.pdf 1 л." in shown
        assert "Всего документов: 4 5 л." in shown
        [term] = visit.deadlines
        assert f"до {term.due:%d.%m.%Y}" in shown
        assert "Окно 3" in shown and "Петрова М. С." in shown
        assert "(МСК)" in shown

        with qtbot.waitSignal(window.logged_out, timeout=10_000):
            qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
        assert window.cabinet is None and ctx.session.profile is None
        # The receipt's window and its PDF bytes go with the visit.
        qtbot.waitUntil(lambda: not shiboken6.isValid(dialog), timeout=5_000)
        assert files_under(app_dirs / "data") == [], "no downloaded file, no receipt"
        assert files_under(app_dirs / "config") == settings_files
        assert visit.number not in (app_dirs / "config" / "settings.json").read_text("utf-8")
        assert files_under(scratch) == [], "nothing in the temp folder either"
    finally:
        tasks.shutdown()


def test_the_receipt_on_demand_at_home_is_a_summary(qtbot, ctx, visit):
    demo.log_in(ctx.session)
    page = ApplicationsPage(ctx, ctx.session.profile)
    qtbot.addWidget(page)
    page.show()
    page.refresh()
    qtbot.waitUntil(lambda: page.current is not None, timeout=10_000)
    page._select(visit.id)
    assert page.receipt_button.text() == "Сводка поданных документов…"
    assert page.receipt_button.isVisible()
    qtbot.mouseClick(page.receipt_button, Qt.MouseButton.LeftButton)
    dialog = page.receipt_dialog
    assert isinstance(dialog, ReceiptDialog)
    qtbot.waitUntil(lambda: dialog.preview.is_ready(), timeout=20_000)
    reader = PdfReader(io.BytesIO(dialog.preview.data))
    shown = " ".join(reader.pages[0].extract_text().split())
    assert "Сводка поданных документов" in shown and "подпись" not in shown
    assert "заявка подписанная.pdf 2 л." in shown
    assert dialog.save_button.isVisible()
    dialog.close()


@pytest.fixture
def desk(qtbot, server, visit, monkeypatch):
    """The visitor logged in at a desk with their applications listed; ``answers`` is what
    the «Завершить приём» question gets next."""
    answers: list[str | None] = []
    monkeypatch.setattr(messages, "choose", lambda *a, **k: answers.pop(0))
    monkeypatch.setattr(messages, "confirm", lambda *a, **k: True)
    tasks = Tasks()
    window = MainWindow(Context(Session(server.url, clerk=True), tasks, clerk=True))
    qtbot.addWidget(window)
    window.show()
    serve(qtbot, window, "individual", demo.SNILS_TYPED)
    [page] = window.cabinet.findChildren(ApplicationsPage)
    qtbot.waitUntil(
        lambda: any(a.id == visit.id for a in page.active_model.records), timeout=10_000
    )
    window.answers = answers
    yield window
    tasks.shutdown()


def test_cancel_keeps_the_visit_and_no_receipt_wipes_at_once(qtbot, desk):
    desk.answers.append(None)  # «Отмена»
    qtbot.mouseClick(desk.cabinet.logout_button, Qt.MouseButton.LeftButton)
    assert desk.cabinet is not None and desk.findChild(ReceiptDialog) is None

    desk.answers.append("Без расписки")
    with qtbot.waitSignal(desk.logged_out, timeout=10_000):
        qtbot.mouseClick(desk.cabinet.logout_button, Qt.MouseButton.LeftButton)
    assert desk.cabinet is None and desk.findChild(ReceiptDialog) is None


def test_a_lock_hides_the_receipt_and_ending_from_the_lock_wipes_it(qtbot, desk, app_dirs):
    desk.answers.append("Распечатать расписку")
    qtbot.mouseClick(desk.cabinet.logout_button, Qt.MouseButton.LeftButton)
    dialog = desk.findChild(ReceiptDialog)
    qtbot.waitUntil(lambda: dialog.preview.is_ready(), timeout=20_000)

    desk.lock()
    assert not dialog.isVisible(), "the visitor's name on the receipt is hidden by the lock"
    with qtbot.waitSignal(desk.logged_out, timeout=10_000):
        qtbot.mouseClick(desk.lock_view.end_button, Qt.MouseButton.LeftButton)
    assert desk.cabinet is None and desk.ctx.session.profile is None
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog), timeout=5_000)
    assert files_under(app_dirs / "data") == []


def test_a_file_that_cannot_be_read_counts_as_unknown_not_as_a_number():
    from voek_desktop.ui.applications.receipt import page_count

    assert page_count(b"%PDF-1.4 broken", "application/pdf") is None
    assert page_count(b"\x89PNG...", "image/png") == 1
    assert page_count(b"GIF89a", "image/gif") is None


def test_a_receipt_left_behind_an_expired_session_goes_with_the_next_visitor(qtbot, desk):
    desk.answers.append("Распечатать расписку")
    qtbot.mouseClick(desk.cabinet.logout_button, Qt.MouseButton.LeftButton)
    dialog = desk.findChild(ReceiptDialog)
    desk.session_expired()  # a 401: the receipt waits behind the login, hidden
    assert not dialog.isVisible()
    serve(qtbot, desk, "company", demo.OGRN)  # someone else: the first visitor's receipt goes
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog), timeout=5_000)
    desk.answers.append("Без расписки")  # if the company's applications are listed by now
    with qtbot.waitSignal(desk.logged_out, timeout=10_000):
        qtbot.mouseClick(desk.cabinet.logout_button, Qt.MouseButton.LeftButton)
    assert desk.cabinet is None
