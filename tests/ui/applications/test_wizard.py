"""«Новая заявка» walked through in real widgets against the real server: choose п.14, fill the
form (an error for 16 kW, fixed), live PDF preview, attach real files (a renamed .exe refused
before upload), submit; a crash after autosave and the draft offered back."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtPdf import QPdfDocument

from tests import demo, files
from voek_desktop.drafts import DraftStore
from voek_desktop.ui.applications.page import ApplicationsPage
from voek_desktop.ui.applications.wizard import ApplicationWizard

SHOTS = os.environ.get("VOEK_SCREENSHOTS")

TYPED = {
    "applicant_name": "Иванов Иван Иванович",
    "passport_series": "1704",
    "passport_number": "123456",
    "passport_issued_by": "УМВД России по Владимирской области",
    "passport_issued_on": "15.03.2015",
    "registered_address": "600000, г. Владимир, ул. Ленина, д. 1, кв. 1",
    "postal_address": "600000, г. Владимир, ул. Ленина, д. 1, кв. 1",
    "devices_name": "Жилой дом",
    "devices_address": "Владимирская обл., Суздальский р-н, с. Кидекша, ул. Центральная, д. 5",
    "cadastral_number": "33:05:123456:78",
    "power_new_kw": "15",
    "power_previous_kw": "0",
    "supplier_name": "АО «Энергосбыт Плюс»",
}


def shot(widget, name: str) -> None:
    """Screenshots for docs/screenshots when VOEK_SCREENSHOTS names a folder."""
    if SHOTS:
        from PySide6.QtWidgets import QApplication

        from voek_desktop.ui.kit.style import STYLE_SHEET

        QApplication.instance().setStyleSheet(STYLE_SHEET)
        qapp_process()
        widget.grab().save(str(Path(SHOTS) / name))
        QApplication.instance().setStyleSheet("")


def qapp_process() -> None:
    from PySide6.QtTest import QTest

    QTest.qWait(800)  # QPdfView renders its pages on a thread of its own


def write_pdf(path: Path) -> Path:
    from reportlab.pdfgen.canvas import Canvas

    canvas = Canvas(str(path))
    canvas.drawString(72, 720, "scan")
    canvas.save()
    return path


def write_png(path: Path, colour: str = "white") -> Path:
    from PIL import Image

    Image.new("RGB", (400, 560), colour).save(path, "PNG")
    return path


@pytest.fixture
def logged_in(ctx, qtbot):
    demo.log_in(ctx.session)
    yield ctx
    wait_idle(qtbot, ctx)


def wait_idle(qtbot, ctx) -> None:
    """Background work (previews, uploads, the save on close) ends before the Context does:
    a job outliving the Qt objects it reports to is how a test run crashes at exit."""
    qtbot.waitUntil(lambda: not ctx.tasks.is_busy(), timeout=20_000)


@pytest.fixture
def page(qtbot, logged_in) -> ApplicationsPage:
    p = ApplicationsPage(logged_in, logged_in.session.profile)
    qtbot.addWidget(p)
    p.resize(1100, 760)
    p.show()
    qtbot.waitUntil(lambda: p.active_model.rowCount() > 0, timeout=10_000)
    return p


def fill(wizard: ApplicationWizard, values: dict[str, str]) -> None:
    for key, text in values.items():
        field = wizard.form.rows[key]
        field.edit.setText(text)  # keyClicks cannot type Cyrillic
        field.edit.editingFinished.emit()


def wait_preview(qtbot, wizard: ApplicationWizard) -> None:
    preview = wizard.form_step.preview
    qtbot.waitUntil(
        lambda: (
            preview.document.status() == QPdfDocument.Status.Ready
            and preview.document.pageCount() >= 1
        ),
        timeout=15_000,
    )


def open_new(qtbot, page: ApplicationsPage) -> ApplicationWizard:
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    wizard = page.wizard
    assert wizard is not None
    qtbot.waitExposed(wizard)
    return wizard


def test_wizard_from_category_to_submitted(qtbot, page, tmp_path: Path, boxes) -> None:
    wizard = open_new(qtbot, page)
    wizard.resize(1280, 860)
    # Step 1: п.14 is offered to an individual, with the plain-Russian explanation.
    assert set(wizard.category_step.buttons) == {"p14", "p12_1", "p13"}
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    assert wizard.category_step.error.text() == "Выберите один из вариантов."
    wizard.category_step.buttons["p14"].setChecked(True)
    shot(wizard, "wizard-category.png")
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    assert wizard.current_step() == 1

    # Step 2: prefilled from the profile; a field error for 16 kW next to the field.
    form = wizard.form
    assert form.rows["snils"].text() == demo.SNILS_TYPED
    assert form.rows["email"].text() == demo.EMAIL
    fill(wizard, {**TYPED, "power_new_kw": "16"})
    form.rows["reason"].set_value("new")
    power = form.rows["power_new_kw"]
    assert (
        power.error.text()
        == "Не более 15 кВт для заявки по п.14 вместе с ранее присоединённой мощностью"
    )
    assert not power.error.isHidden()
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    assert wizard.current_step() == 1  # not past a wrong field
    assert form.rows["applicant_name"].text() == TYPED["applicant_name"]  # nothing lost
    fill(wizard, {"power_new_kw": "15"})
    assert power.error.isHidden()
    form.rows["stages"].model.set_rows([["01.06.2027", "01.09.2027", "15"]])
    form.rows["stages"].model.changed.emit()
    wait_preview(qtbot, wizard)
    qtbot.wait(900)  # the debounced preview after the last change
    wait_preview(qtbot, wizard)
    shot(wizard, "wizard-form.png")
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.current_step() == 2, timeout=10_000)
    assert wizard.application is not None and wizard.application.status == "draft"

    # Step 3: the checklist; a renamed executable is refused before anything is sent.
    checklist = wizard.checklist
    assert list(checklist.rows) == [
        "signed_application",
        "identity_document",
        "site_plan",
        "title_document",
    ]
    exe = tmp_path / "скан.pdf"
    exe.write_bytes(b"MZ\x90\x00" + b"\x00" * 2000)
    checklist.attach("signed_application", [exe])
    row = checklist.rows["signed_application"]
    assert "не является документом PDF, JPEG, PNG или TIFF" in row.error.text()
    assert row.status.text() == "нет"
    assert not checklist.busy()
    # A real PDF with a script is parsed by the app too (off the GUI thread) and refused with
    # the server's rule before the upload: the «name»: prefix is the app's, not the server's.
    scripted = tmp_path / "скан со сценарием.pdf"
    scripted.write_bytes(files.pdf(catalog_extra=b"/OpenAction << /S /JavaScript /JS (x) >>"))
    checklist.attach("signed_application", [scripted])
    qtbot.waitUntil(lambda: not checklist.busy(), timeout=10_000)
    assert row.error.text().startswith("«скан со сценарием.pdf»: PDF содержит сценарии")
    assert row.status.text() == "нет"

    signed = write_pdf(tmp_path / "заявка подписанная.pdf")
    checklist.attach("signed_application", [signed])
    qtbot.waitUntil(lambda: row.is_attached(), timeout=10_000)
    assert "заявка подписанная.pdf" in row.status.text()
    # Two photos picked together become one PDF.
    pages = [write_png(tmp_path / "паспорт1.png"), write_png(tmp_path / "паспорт2.png", "grey")]
    checklist.attach("identity_document", pages)
    qtbot.waitUntil(lambda: checklist.rows["identity_document"].is_attached(), timeout=15_000)
    doc = checklist.rows["identity_document"].documents[0]
    assert doc.content_type == "application/pdf"
    assert doc.filename.endswith(".pdf")
    checklist.attach("site_plan", [write_png(tmp_path / "план.png")])
    qtbot.waitUntil(lambda: checklist.rows["site_plan"].is_attached(), timeout=10_000)
    checklist.attach("title_document", [exe])
    assert "не является документом" in checklist.rows["title_document"].error.text()
    shot(wizard, "wizard-attachments.png")

    # Step 4: submit is refused while a document is missing, and lists what.
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    submit = wizard.submit_step.submit_button
    assert not submit.isEnabled()
    assert "Правоустанавливающий документ" in wizard.submit_step.missing.text()
    qtbot.mouseClick(wizard.back_button, Qt.MouseButton.LeftButton)
    checklist.attach("title_document", [write_pdf(tmp_path / "выписка ЕГРН.pdf")])
    qtbot.waitUntil(lambda: checklist.rows["title_document"].is_attached(), timeout=10_000)
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(submit.isEnabled, timeout=5_000)
    key = wizard.key
    qtbot.mouseClick(submit, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.submitted is not None, timeout=10_000)
    assert wizard.submitted.status == "registered"
    assert any(kind == "info" and "принята" in text for kind, text in boxes)
    assert page.drafts.load(key) is None  # the local draft is gone after submit
    number = wizard.submitted.number
    qtbot.waitUntil(
        lambda: any(a.number == number for a in page.active_model.records), timeout=10_000
    )


def test_crash_after_autosave_offers_the_draft_back(qtbot, page, logged_in) -> None:
    wizard = open_new(qtbot, page)
    wizard.category_step.buttons["p14"].setChecked(True)
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    fill(wizard, {"applicant_name": "Петров Пётр Петрович", "power_new_kw": "100"})
    qtbot.waitUntil(lambda: not wizard.form.rows["power_new_kw"].error.isHidden())
    wizard.autosave()  # what the 3-second timer does
    key = wizard.key
    # The crash: the window goes without its close path running.
    wizard.autosave_timer.stop()
    wizard.setParent(None)
    import shiboken6

    shiboken6.delete(wizard)

    drafts = DraftStore(logged_in.session.cache().root / "drafts")
    assert drafts.load(key).form["applicant_name"] == "Петров Пётр Петрович"

    # Next time «Заявки» opens, the draft is offered with its time.
    again = ApplicationsPage(logged_in, logged_in.session.profile)
    qtbot.addWidget(again)
    again.show()
    qtbot.waitUntil(lambda: not again.restore_bar.isHidden(), timeout=10_000)
    assert again.restore_label.text().startswith("Восстановить черновик от ")
    qtbot.mouseClick(again.restore_button, Qt.MouseButton.LeftButton)
    restored = again.wizard
    assert restored.current_step() == 1
    assert restored.form.rows["applicant_name"].text() == "Петров Пётр Петрович"
    assert restored.form.rows["power_new_kw"].text() == "100"  # the wrong value is kept too
    assert restored.form.rows["snils"].text() == demo.SNILS_TYPED
    restored.autosave_timer.stop()


def test_closing_normally_saves_to_the_server_and_offers_nothing(qtbot, page, logged_in) -> None:
    before = {a.id for a in page.active_model.records}
    wizard = open_new(qtbot, page)
    wizard.category_step.buttons["p13"].setChecked(True)
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    assert wizard.form.rows["reason"].value() == "temporary"
    fill(wizard, {"applicant_name": "Сидоров Семён Семёнович"})
    key = wizard.key
    wizard.close()
    drafts = page.drafts
    qtbot.waitUntil(lambda: (d := drafts.load(key)) is not None and d.synced, timeout=10_000)
    draft = drafts.load(key)
    client = logged_in.session.client
    server_copy = client.application(draft.application_id)
    assert draft.application_id not in before
    assert server_copy.status == "draft" and server_copy.category == "p13"
    assert server_copy.form["applicant_name"] == "Сидоров Семён Семёнович"
    page.refresh()
    qtbot.waitUntil(lambda: any(a.id == server_copy.id for a in page.active_model.records))
    assert page.restore_bar.isHidden()


def test_drop_files_on_a_row_and_cancel(qtbot, page, tmp_path: Path) -> None:
    from PySide6.QtCore import QMimeData, QPointF, QUrl
    from PySide6.QtGui import QDropEvent

    draft = next(a for a in page.active_model.records if a.status == "draft")
    page.open_wizard(draft)
    wizard = page.wizard
    wizard.go(2)
    checklist = wizard.checklist
    row = checklist.rows["site_plan"]
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(write_png(tmp_path / "план участка.png")))])
    event = QDropEvent(
        QPointF(5, 5),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    row.dropEvent(event)
    qtbot.waitUntil(row.is_attached, timeout=10_000)
    assert "план участка.png" in row.status.text()
    # A cancelled upload leaves nothing on the server and says so.
    big = tmp_path / "большой.pdf"
    big.write_bytes(files.pdf(15 * 1024 * 1024))
    title = checklist.rows["title_document"]
    checklist.attach("title_document", [big])
    checklist.cancel("title_document")
    qtbot.waitUntil(lambda: not checklist.busy(), timeout=10_000)
    assert title.error.text() == "Загрузка отменена."
    assert not title.is_attached()
    wizard.autosave_timer.stop()


def test_printing_renders_every_page(qtbot, tmp_path: Path) -> None:
    from PySide6.QtPrintSupport import QPrinter

    from voek_desktop.ui.applications.blank_forms import render_blank
    from voek_desktop.ui.applications.preview import (
        PdfPreview,
        page_range,
        paint_images,
        render_pages,
    )

    preview = PdfPreview()
    qtbot.addWidget(preview)
    preview.show_pdf(render_blank("p12_1", "company"))
    qtbot.waitUntil(preview.is_ready, timeout=10_000)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(out))
    # Pages are rendered on a worker thread (each with a document of its own), as the app does.
    from concurrent.futures import ThreadPoolExecutor

    first, last = page_range(printer, preview.page_count())
    with ThreadPoolExecutor(1) as pool:
        images = pool.submit(render_pages, preview.data, first, last, 150).result(timeout=60)
    assert len(images) == preview.page_count()
    paint_images(images, printer)
    from pypdf import PdfReader

    assert len(PdfReader(out).pages) == preview.page_count() >= 2


def test_opening_and_closing_untouched_leaves_no_draft(qtbot, page) -> None:
    before = [a.id for a in page.active_model.records]
    wizard = open_new(qtbot, page)
    wizard.category_step.buttons["p12_1"].setChecked(True)
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    assert wizard.form.rows["email"].text() == demo.EMAIL  # prefill is not typing
    wizard.autosave()
    wizard.close()
    qtbot.waitUntil(lambda: not page.ctx.tasks.is_busy(), timeout=10_000)
    assert page.drafts.list() == []
    assert [a.id for a in page.active_model.records] == before
    assert page.restore_bar.isHidden()


def test_server_gone_at_submit_keeps_the_form_and_says_so(qtbot, page, server) -> None:
    draft = next(a for a in page.active_model.records if a.status == "need_info")
    page.open_wizard(draft)
    wizard = page.wizard
    values_before = dict(wizard.form.values())
    assert values_before.get("applicant_name")
    wizard.go(3)
    server.stop()
    wizard.submit()
    qtbot.waitUntil(
        lambda: wizard.submit_step.missing.text().startswith("Нет связи с сервером"),
        timeout=30_000,
    )
    assert wizard.isVisible(), "the wizard stays open with everything typed"
    assert wizard.form.values() == values_before
    assert wizard.submit_step.submit_button.isEnabled(), "the user can try again"
    wizard.autosave_timer.stop()


def test_fix_the_fields_scrolls_to_the_first_wrong_one(qtbot, page) -> None:
    wizard = open_new(qtbot, page)
    wizard.resize(1000, 520)
    wizard.category_step.buttons["p14"].setChecked(True)
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    fill(wizard, {k: v for k, v in TYPED.items() if k != "supplier_name"})
    wizard.form.rows["reason"].set_value("new")
    wizard.form.rows["stages"].model.set_rows([["01.06.2027", "01.09.2027", "15"]])
    bar = wizard.form_step.scroll_area.verticalScrollBar()
    bar.setValue(0)
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    assert wizard.current_step() == 1
    field = wizard.form.rows["supplier_name"]
    assert wizard.form.focusWidget() is field.edit
    assert bar.value() > 0, "scrolled to the wrong field"
    wizard.close()
    wait_idle(qtbot, page.ctx)
