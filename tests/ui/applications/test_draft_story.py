"""Drafts kept by the server's id, not its address (issue 12, item 5): a demo server that comes
back on another port after a crash still offers the draft; the demo prefers its last port; and
closing the wizard leaves one draft to continue, not a server draft plus «Восстановить
черновик?». Real widgets, real servers over loopback."""

from __future__ import annotations

import socket
from pathlib import Path

import shiboken6
from PySide6.QtCore import Qt

from tests import demo as demo_logins
from tests.ui.applications.test_wizard import fill, open_new, wait_idle
from voek_desktop.api.server import start_embedded
from voek_desktop.session import Session
from voek_desktop.ui import demo
from voek_desktop.ui.applications.page import ApplicationsPage
from voek_desktop.ui.context import Context
from voek_desktop.ui.kit.tasks import Tasks


def cabinet_page(qtbot, url: str) -> tuple[ApplicationsPage, Context]:
    ctx = Context(Session(url, keyring_user=demo.KEYRING_USER), Tasks(), demo=True)
    demo_logins.log_in(ctx.session)
    page = ApplicationsPage(ctx, ctx.session.profile)
    qtbot.addWidget(page)
    page.resize(1100, 760)
    page.show()
    qtbot.waitUntil(lambda: page.active_model.rowCount() > 0, timeout=10_000)
    return page, ctx


def test_a_draft_survives_the_demo_server_coming_back_on_another_port(
    qtbot, tmp_path: Path
) -> None:
    data = tmp_path / "demo-server"
    first = start_embedded(data)
    try:
        page, ctx = cabinet_page(qtbot, first.url)
        wizard = open_new(qtbot, page)
        wizard.category_step.buttons["p14"].setChecked(True)
        qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
        fill(wizard, {"applicant_name": "Петров Пётр Петрович"})
        wizard.autosave()  # what the 3-second timer does
        # The crash: the window goes without its close path, and the server with it.
        wizard.autosave_timer.stop()
        wizard.setParent(None)
        shiboken6.delete(wizard)
        wait_idle(qtbot, ctx)
        ctx.tasks.shutdown()
    finally:
        first.stop()

    again = start_embedded(data)  # the same database, a port the system picks now
    try:
        assert again.url != first.url
        page, ctx = cabinet_page(qtbot, again.url)
        qtbot.waitUntil(lambda: not page.restore_bar.isHidden(), timeout=10_000)
        assert page.restore_label.text().startswith("Восстановить черновик от ")
        qtbot.mouseClick(page.restore_button, Qt.MouseButton.LeftButton)
        restored = page.wizard
        assert restored.form.rows["applicant_name"].text() == "Петров Пётр Петрович"
        restored.autosave_timer.stop()
        restored.setParent(None)
        shiboken6.delete(restored)
        wait_idle(qtbot, ctx)
        ctx.tasks.shutdown()
    finally:
        again.stop()


def test_the_demo_server_takes_its_last_port_again_when_it_is_free() -> None:
    holder = socket.socket()
    try:
        holder.bind(("127.0.0.1", demo.PREFERRED_PORT))
    except OSError:
        holder.close()  # someone else holds the usual port: the same situation
    first = demo.pick_port()
    holder.close()
    assert first != demo.PREFERRED_PORT
    # Next start: the usual port may be free again, but the last one is taken first, so the
    # address (and the links in the demo letters) stay the same.
    assert demo.pick_port() == first


def test_closing_the_wizard_leaves_one_draft_to_continue(qtbot, ctx) -> None:
    demo_logins.log_in(ctx.session)
    page = ApplicationsPage(ctx, ctx.session.profile)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.active_model.rowCount() > 0, timeout=10_000)
    before = {a.id for a in page.active_model.records}

    wizard = open_new(qtbot, page)
    wizard.category_step.buttons["p14"].setChecked(True)
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    # A wrong value the server would refuse stays only on this computer.
    fill(wizard, {"applicant_name": "Сидоров Семён Семёнович", "passport_series": "17"})
    assert not wizard.form.rows["passport_series"].error.isHidden()
    wizard.close()
    wait_idle(qtbot, ctx)
    qtbot.waitUntil(lambda: len(page.active_model.records) == len(before) + 1, timeout=10_000)
    wait_idle(qtbot, ctx)

    new = [a for a in page.active_model.records if a.id not in before]
    assert [a.status for a in new] == ["draft"]
    assert page.restore_bar.isHidden(), "no second «Восстановить черновик?» for the same form"

    page._select(new[0].id)
    assert page.continue_button.isVisible()
    assert "несохранённые на сервере изменения" in page.documents.text()
    qtbot.mouseClick(page.continue_button, Qt.MouseButton.LeftButton)
    reopened = page.wizard
    assert reopened.application is not None and reopened.application.id == new[0].id
    assert reopened.form.rows["applicant_name"].text() == "Сидоров Семён Семёнович"
    assert reopened.form.rows["passport_series"].text() == "17", "what only this PC had"
    reopened.autosave_timer.stop()
    wait_idle(qtbot, ctx)
