"""«Письма на e-mail» in the profile (issue 16, item 7): the switches show what the server has,
a click is saved at once and the next mail of that kind is not sent."""

from __future__ import annotations

from tests import demo
from voek_desktop.api.client import CabinetClient
from voek_desktop.ui.identity.profile import ProfilePage

WAIT = 15_000


def test_unticked_event_is_saved_on_the_server(qtbot, server, ctx) -> None:
    demo.log_in(ctx.session)
    page = ProfilePage(ctx)
    qtbot.addWidget(page)
    page.resize(1024, 600)
    page.show_profile(ctx.session.profile)
    page.show()
    qtbot.waitUntil(lambda: len(page.email_choices.checks) == 4, timeout=WAIT)
    box = page.email_choices.checks["contract_offered"]
    assert box.text() == "предложен договор на подписание"
    assert box.isChecked() and box.isVisible()
    box.click()
    qtbot.waitUntil(lambda: box.isEnabled(), timeout=WAIT)
    assert not box.isChecked()
    other = CabinetClient(server.url, retries=0)
    demo.log_in(other)
    try:
        assert other.email_choices().email == {
            "status_changed": True,
            "documents_requested": True,
            "contract_offered": False,
            "feedback_reply": True,
        }
    finally:
        other.close()
    qtbot.waitUntil(lambda: not ctx.tasks.is_busy(), timeout=WAIT)
