"""Scans that file themselves (issue 17), at a clerk's desk against the real server: a whole
stack — separator sheets, the coded signed application, uncoded documents, turned, skewed,
with blank backs — scanned into the scanner's folder is split, checked and attached in one go;
an outdated or another application's signed scan is refused with its warning, a missing page
is warned about; and the visit leaves nothing on disk."""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt

from tests import demo
from tests.scanning import stacks
from voek_desktop.domain import scancodes
from voek_desktop.scanning.pages import read_code
from voek_desktop.session import Session
from voek_desktop.ui.applications.page import ApplicationsPage
from voek_desktop.ui.context import Context
from voek_desktop.ui.kit.tasks import Tasks

SHOTS = os.environ.get("VOEK_SCREENSHOTS")
DPI = 200


@pytest.fixture
def desk(qtbot, server, tmp_path: Path):
    folder = tmp_path / "scanner"
    folder.mkdir()
    tasks = Tasks()
    session = Session(server.url, clerk=True, scanner_folder=str(folder))
    ctx = Context(session, tasks, clerk=True, scanner_folder=str(folder))
    demo.log_in(session)
    yield ctx, folder
    qtbot.waitUntil(lambda: not tasks.is_busy(), timeout=30_000)
    tasks.shutdown()


def open_documents_step(qtbot, ctx):
    page = ApplicationsPage(ctx, ctx.session.profile)
    qtbot.addWidget(page)
    page.resize(1100, 760)
    page.show()
    qtbot.waitUntil(lambda: page.active_model.rowCount() > 0, timeout=10_000)
    draft = next(a for a in page.active_model.records if a.status == "draft")
    page.open_wizard(draft)
    wizard = page.wizard
    wizard.autosave_timer.stop()
    wizard.go(2)
    qtbot.waitUntil(lambda: not ctx.tasks.is_busy(), timeout=20_000)
    return page, wizard, wizard.checklist


def printed(application, form=None, number=None) -> list:
    """The application as the app prints it, scanned back at DPI."""
    data = stacks.application_pdf(
        application.category,
        application.consumer_type or "individual",
        application.form if form is None else form,
        application.number if number is None else number,
    )
    return stacks.pdf_pages(data, DPI)


def test_a_scanned_stack_is_split_checked_and_attached(qtbot, desk, app_dirs, tmp_path) -> None:
    ctx, folder = desk
    _page, wizard, checklist = open_documents_step(qtbot, ctx)
    application = checklist.application
    kinds = list(checklist.rows)
    assert kinds[0] == "signed_application" and "site_plan" in kinds
    others = [k for k in kinds if k != "signed_application"]
    seps = stacks.pdf_pages(stacks.separators_pdf(others, application.number), DPI)
    form = printed(application)
    s = stacks.scanned
    images = []
    for i, (kind, sheet) in enumerate(zip(others, seps, strict=True)):
        images.append(s(sheet, turn=180 if i % 2 else 0, skew=2 if i == 1 else 0))
        images.append(s(stacks.document_page(kind, DPI), skew=-2.5 if i == 0 else 0))
        if i == 0:
            images.append(stacks.blank_page(DPI))  # the back of the plan
    # The signed form in the middle, fed upside down, each page followed by its blank back.
    for n, sheet in enumerate(form):
        images.insert(2, s(sheet, turn=180 if n else 90, skew=1.5))
        images.insert(3, stacks.blank_page(DPI))
    # A page before the first separator has no document: left to the clerk, who puts it
    # into the title document in the check dialog.
    images.insert(0, stacks.document_page("стр. 2 выписки", DPI))
    stacks.write_pdf(images, folder / "стопка.pdf", DPI)

    qtbot.waitUntil(lambda: checklist.stack_from_scanner.isEnabled(), timeout=5_000)
    checklist.stack_from_scanner.trigger()
    qtbot.waitUntil(lambda: checklist.check_dialog is not None, timeout=60_000)
    dialog = checklist.check_dialog
    assert dialog.warnings.isHidden(), dialog.warnings.text()
    assert {k: len(v) for k, v in dialog.filing.parts.items()} == {
        "signed_application": len(form),
        **{k: 1 for k in others},
    }
    assert dialog.filing.blanks == len(form) + 1 and len(dialog.filing.unsorted) == 1
    dialog.unsorted_choice.setCurrentIndex(dialog.unsorted_choice.findData("title_document"))
    assert len(dialog.parts()["title_document"]) == 2
    assert dialog.rows["signed_application"].text().startswith(f"{len(form)} стр., ")
    assert "Будет загружено документов: " in dialog.total.text()
    if SHOTS:
        from PySide6.QtWidgets import QApplication

        from voek_desktop.ui.kit.style import STYLE_SHEET

        QApplication.instance().setStyleSheet(STYLE_SHEET)
        dialog.resize(1024, 600)
        qtbot.wait(300)
        dialog.grab().save(str(Path(SHOTS) / "scan-split-check.png"))
        QApplication.instance().setStyleSheet("")
    qtbot.mouseClick(dialog.attach_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: all(r.is_attached() for r in checklist.rows.values()), timeout=60_000)
    qtbot.waitUntil(lambda: not checklist.busy(), timeout=10_000)
    client = ctx.session.client
    stored = client.application(application.id)
    by_kind = {d.kind: d for d in stored.documents}
    assert set(by_kind) == set(kinds)
    signed = by_kind["signed_application"]
    assert signed.filename == "Скан подписанной заявки.pdf"
    assert signed.content_type == "application/pdf"
    out = tmp_path / "signed.pdf"
    client.download_document(application.id, signed.id, out)
    reader = PdfReader(io.BytesIO(out.read_bytes()))
    assert len(reader.pages) == len(form)
    box = reader.pages[0].mediabox
    assert float(box.width) < float(box.height)  # upright again
    assert sum(d.size for d in stored.documents) < 5 * 1024 * 1024
    title = tmp_path / "title.pdf"
    client.download_document(application.id, by_kind["title_document"].id, title)
    assert len(PdfReader(title).pages) == 2

    # Clerk mode: nothing of the visitor was rendered to disk, and the visit's end wipes it.
    wizard.close()
    qtbot.waitUntil(lambda: not ctx.tasks.is_busy(), timeout=20_000)
    leftovers = [p for p in Path(tempfile.gettempdir()).glob("voek-scan-*")]
    assert leftovers == []
    assert [p for p in (app_dirs / "data").rglob("*") if p.is_file()] == []
    ctx.session.log_out()  # «Завершить приём»
    assert list(folder.iterdir()) == []


def test_an_outdated_or_foreign_signed_scan_is_refused_with_its_warning(
    qtbot, desk, tmp_path
) -> None:
    ctx, _folder = desk
    _page, wizard, checklist = open_documents_step(qtbot, ctx)
    row = checklist.rows["signed_application"]
    # What the wizard prints (the form as typed, with the profile's prefill) is, once saved —
    # as «Далее» does on the way to the documents — what the server has: same number, digest.
    qtbot.waitUntil(lambda: bool(wizard.form_step.preview.data), timeout=20_000)
    printed_pdf = wizard.form_step.preview.data
    wizard.save_to_server()
    qtbot.waitUntil(lambda: not ctx.tasks.is_busy() and not wizard._saving, timeout=20_000)
    application = checklist.application
    code, _angle = read_code(stacks.pdf_pages(printed_pdf, 150)[0])
    assert code.number == application.number
    assert code.digest == scancodes.form_digest(application.form)
    changed = {**application.form, "devices_name": "Баня"}
    old = tmp_path / "старая.pdf"
    stacks.write_pdf(printed(application, form=changed), old, DPI)
    checklist.attach("signed_application", [old])
    qtbot.waitUntil(lambda: not checklist.busy(), timeout=30_000)
    assert "скан старой редакции: после печати заявка изменилась" in row.error.text()
    assert not row.is_attached()

    foreign = tmp_path / "чужая.pdf"
    stacks.write_pdf(printed(application, number="ТП-2026-999999"), foreign, DPI)
    checklist.attach("signed_application", [foreign])
    qtbot.waitUntil(lambda: not checklist.busy(), timeout=30_000)
    assert (
        f"это скан заявки № ТП-2026-999999, а не этой заявки № {application.number}"
        in row.error.text()
    )
    assert not row.is_attached()

    # The right form dropped on another row still goes to its own slot, and a missing page
    # is said.
    current = printed(application)
    assert len(current) >= 2
    first = tmp_path / "первая страница.pdf"
    stacks.write_pdf([stacks.scanned(current[0], turn=90)], first, DPI)
    checklist.attach("site_plan", [first])
    qtbot.waitUntil(row.is_attached, timeout=30_000)
    qtbot.waitUntil(lambda: not checklist.busy(), timeout=10_000)
    assert not checklist.rows["site_plan"].is_attached()
    assert f"Скан подписанной заявки: не хватает страницы 2 из {len(current)}" in row.error.text()

    # «Листы-разделители…»: a sheet for each document but the self-coded application.
    qtbot.mouseClick(checklist.separators_button, Qt.MouseButton.LeftButton)
    sheets = checklist.separators_dialog
    qtbot.waitUntil(lambda: bool(sheets.preview.data), timeout=20_000)
    if SHOTS:
        sheets.resize(1024, 600)
        qtbot.wait(800)
        sheets.grab().save(str(Path(SHOTS) / "scan-separators.png"))
    codes = [read_code(p)[0] for p in stacks.pdf_pages(sheets.preview.data, 100)]
    assert [c.kind for c in codes] == [k for k in checklist.rows if k != "signed_application"]
    assert {c.number for c in codes} == {application.number}
    sheets.close()
    wizard.close()
