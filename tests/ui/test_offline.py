"""Working through network trouble: typed data stays, the last fetched meters show
read-only with their date, and logout still leaves nothing behind."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from tests import demo
from voek_desktop.ui.main_window import MainWindow
from voek_desktop.ui.metering import sections
from voek_desktop.ui.metering.accounts import AccountsPage

WAIT = 15_000


@pytest.mark.slow
def test_login_without_a_server_says_so_and_keeps_the_form(qtbot, ctx, server):
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    server.stop()
    lv = window.login_view
    lv.login.set_text(demo.SNILS_TYPED)
    lv.password.set_text(demo.PASSWORD)
    qtbot.mouseClick(lv.submit, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not lv.form_error.isHidden(), timeout=30_000)
    assert lv.form_error.text().startswith("Нет связи с сервером")
    assert lv.login.text() == demo.SNILS_TYPED
    assert lv.password.text() == demo.PASSWORD
    assert lv.submit.isEnabled()


@pytest.mark.slow
def test_meters_stay_readable_offline_with_their_date(qtbot, ctx, server, app_dirs):
    profile = demo.log_in(ctx.session).profile
    [section] = sections(ctx, profile, None)
    page = section.page
    assert isinstance(page, AccountsPage)
    qtbot.addWidget(page)
    page.resize(1200, 760)
    page.show()
    qtbot.waitUntil(lambda: page.list.count() == 2, timeout=WAIT)
    qtbot.waitUntil(lambda: page.meters.model.rowCount() > 0, timeout=WAIT)
    online_rows = page.meters.model.rowCount()
    assert page.list_status.text() == ""

    server.stop()
    page.refresh()
    qtbot.waitUntil(lambda: "Нет связи с сервером" in page.list_status.text(), timeout=30_000)
    assert "только просмотр" in page.list_status.text()
    assert page.list.count() == 2
    # The rows stay in sight while the meters are asked for again, then say how old they are.
    qtbot.waitUntil(
        lambda: "Показаны данные, полученные" in page.meters.status.text(), timeout=30_000
    )
    assert page.meters.model.rowCount() == online_rows

    # «Выход» without a server: the offline copy goes too (docs/design.md "Identity").
    assert any((app_dirs / "data").rglob("offline-*.json"))
    ctx.session.log_out()
    assert not any((app_dirs / "data").rglob("*.json"))


def test_clerk_mode_keeps_no_offline_copy(qtbot, server):
    from voek_desktop.session import Session

    session = Session(server.url, clerk=True)
    demo.log_in(session)
    items = session.remembered("personal_accounts", session.client.personal_accounts, dict)
    assert len(items) == 2
    assert session.cache().get("offline-personal_accounts") is None
    session.log_out()
