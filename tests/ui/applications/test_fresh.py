"""No stale screens (issue 12 item 3): a section shows what the server has now when it is
switched to, and the open one catches up by itself every few minutes with conditional
requests — in the real cabinet window, against the real server, the grid company's side
through its /dev routes."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from tests import demo
from tests.ui.applications.test_sections import (
    offered_contract,
    operator,
    submitted_application,
)
from tests.ui.applications.test_wizard import wait_idle, write_pdf
from voek_desktop.api.client import CabinetClient
from voek_desktop.ui.applications.page import ApplicationsPage
from voek_desktop.ui.applications.survey import SurveyPage
from voek_desktop.ui.cabinet import CabinetView
from voek_desktop.ui.context import Context

WAIT = 15_000


@pytest.fixture
def api(server):
    c = CabinetClient(server.url, retries=0)
    demo.log_in(c)
    yield c
    c.close()


def open_cabinet(qtbot, ctx: Context) -> CabinetView:
    profile = demo.log_in(ctx.session).profile
    cabinet = CabinetView(ctx, profile)
    qtbot.addWidget(cabinet)
    cabinet.resize(1366, 768)
    cabinet.show()
    qtbot.waitExposed(cabinet)
    return cabinet


def page_of(cabinet: CabinetView, kind: type):
    return next(
        cabinet.pages.widget(i)
        for i in range(cabinet.pages.count())
        if isinstance(cabinet.pages.widget(i), kind)
    )


def choose(qtbot, page: ApplicationsPage, app_id: int) -> None:
    qtbot.waitUntil(lambda: app_id in [a.id for a in page.active_model.records], timeout=WAIT)
    page._select(app_id)
    assert page.current is not None and page.current.id == app_id


def test_applications_show_the_signed_contract_after_switching_back(
    qtbot, server, api, ctx, tmp_path: Path
) -> None:
    app_id = submitted_application(api, tmp_path)
    cabinet = open_cabinet(qtbot, ctx)
    page = page_of(cabinet, ApplicationsPage)
    cabinet.open_section("Заявки")
    choose(qtbot, page, app_id)
    assert page.current.status_label == "Зарегистрирована"
    assert page.withdraw_button.isVisible()

    # Meanwhile the grid company sends a contract and the consumer returns it signed.
    operator(server, app_id, "review", "Заявка принята к рассмотрению")
    operator(server, app_id, "contract_offered", "Направлен договор")
    [contract] = [c for c in api.connection_contracts("active") if c.application_id == app_id]
    api.upload_signed_copy(contract.id, write_pdf(tmp_path / "подписанный.pdf"))

    cabinet.open_section("Договоры")
    cabinet.open_section("Заявки")
    qtbot.waitUntil(
        lambda: page.current is not None and page.current.status == "contract_signed",
        timeout=WAIT,
    )
    assert page.current.id == app_id  # the same application stays chosen
    assert "Договор подписан" in page.details_title.text()
    assert not page.withdraw_button.isVisible()
    wait_idle(qtbot, ctx)


def test_survey_opens_once_a_contract_was_sent_without_a_restart(
    qtbot, server, api, ctx, tmp_path: Path
) -> None:
    cabinet = open_cabinet(qtbot, ctx)
    survey = page_of(cabinet, SurveyPage)
    cabinet.open_section("Опрос")
    wait_idle(qtbot, ctx)
    before = set(survey.cards)

    app_id = offered_contract(server, api, tmp_path)
    assert app_id not in before
    cabinet.open_section("Заявки")
    cabinet.open_section("Опрос")
    qtbot.waitUntil(lambda: app_id in survey.cards, timeout=WAIT)
    # A widget put into a shown layout is shown by a queued call.
    qtbot.waitUntil(survey.cards[app_id].isVisible, timeout=WAIT)
    assert survey.cards[app_id].send_button.isVisible()
    assert survey.empty.isHidden()
    wait_idle(qtbot, ctx)


def test_the_open_section_catches_up_by_itself_and_costs_a_304_when_unchanged(
    qtbot, server, api, ctx, tmp_path: Path, caplog
) -> None:
    app_id = submitted_application(api, tmp_path)
    ctx = ctx._replace(refresh_seconds=0.3)
    caplog.set_level(logging.INFO, logger="voek.server")
    cabinet = open_cabinet(qtbot, ctx)
    page = page_of(cabinet, ApplicationsPage)
    choose(qtbot, page, app_id)
    page.history_view.setFocus()

    # Nothing changed: the poll asks, the server answers 304 without a body.
    def unchanged_polls() -> list[str]:
        return [
            r.getMessage()
            for r in caplog.records
            if " GET /api/v1/applications 304" in r.getMessage()
        ]

    qtbot.waitUntil(lambda: len(unchanged_polls()) >= 2, timeout=WAIT)
    assert page.current.id == app_id and page.current.status == "registered"

    # The grid company moves it on: the open section shows it without a click.
    operator(server, app_id, "review", "Заявка принята к рассмотрению")
    qtbot.waitUntil(lambda: page.current.status == "review", timeout=WAIT)
    assert page.current.id == app_id
    assert "Заявка принята к рассмотрению" in [
        page.history_model.index(r, 2).data() for r in range(page.history_model.rowCount())
    ]
    assert cabinet.focusWidget() is page.history_view  # the reload took nothing from the user

    # Hidden (minimised, locked): no polling at all.
    cabinet.hide()
    wait_idle(qtbot, ctx)
    seen = len(caplog.records)
    qtbot.wait(1000)
    assert [r for r in caplog.records[seen:] if "/applications" in r.getMessage()] == []


def test_a_reload_keeps_the_answers_being_given(qtbot, server, api, ctx, tmp_path: Path) -> None:
    app_id = offered_contract(server, api, tmp_path)
    cabinet = open_cabinet(qtbot, ctx)
    survey = page_of(cabinet, SurveyPage)
    cabinet.open_section("Опрос")
    qtbot.waitUntil(lambda: app_id in survey.cards, timeout=WAIT)
    card = survey.cards[app_id]
    first = card.questions[0].id
    card.groups[first].button(4).setChecked(True)
    card.comments[first].setText("Быстро ответили")
    card.comments[first].setFocus()

    operator(server, app_id, "contract_signed", "Договор подписан")
    cabinet.poll_open_section()
    qtbot.waitUntil(lambda: "Договор подписан" in survey.cards[app_id].title.text(), timeout=WAIT)
    assert survey.cards[app_id] is card
    assert card.groups[first].checkedId() == 4
    assert card.comments[first].text() == "Быстро ответили"
    assert cabinet.focusWidget() is card.comments[first]
    wait_idle(qtbot, ctx)
