"""What the cabinet already knows is in the new application's form (issue 12 item 10): the
registry's name and identifiers of a sole proprietor, the home address of an individual; a
company's examples are not a person's; п.12(1) does not offer temporary connection; a power
above the case's limit says the limit. Real widgets against the real demo server."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel

from tests import demo
from tests.ui.applications.test_wizard import wait_idle
from voek_desktop.drafts import DraftStore
from voek_desktop.ui.applications.form import ChoiceRow
from voek_desktop.ui.applications.wizard import ApplicationWizard


def open_wizard(qtbot, ctx, consumer_type: str, category: str) -> ApplicationWizard:
    demo.log_in(ctx.session, consumer_type)
    wizard = ApplicationWizard(ctx, ctx.session.profile, DraftStore(None))
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    wizard.category_step.set_value(category)
    wizard.next()
    assert wizard.current_step() == 1
    return wizard


@pytest.fixture
def idle(qtbot, ctx):
    yield
    wait_idle(qtbot, ctx)


def test_sole_proprietor_gets_the_registry_name_and_identifiers(qtbot, ctx, idle) -> None:
    wizard = open_wizard(qtbot, ctx, "entrepreneur", "p12_1")
    rows = wizard.form.rows
    # The registry's «ИП Петров Сергей Николаевич»: the form asks for the person's name.
    qtbot.waitUntil(lambda: rows["applicant_name"].text() == "Петров Сергей Николаевич")
    assert rows["ogrnip"].text() == demo.OGRNIP
    assert rows["inn"].text() == "332087096400"
    assert rows["email"].text() == demo.EMAILS["entrepreneur"]
    # Only what the cabinet filled in: closing now leaves no draft behind.
    assert wizard.form.values() == wizard._pristine


def test_individual_gets_the_home_address_of_the_personal_account(qtbot, ctx, idle) -> None:
    wizard = open_wizard(qtbot, ctx, "individual", "p14")
    rows = wizard.form.rows
    qtbot.waitUntil(
        lambda: rows["postal_address"].text() == "г. Владимир, ул. Большая Московская, д. 12, кв. 5"
    )
    assert rows["snils"].text() == demo.SNILS_TYPED
    # Every known address is offered while typing one, the devices' address too.
    completer = rows["devices_address"].edit.completer()
    assert completer is not None
    offered = completer.model()
    assert "г. Владимир, ГСК «Мотор», бокс 118" in [
        offered.index(r, 0).data() for r in range(offered.rowCount())
    ]


def test_company_examples_are_not_a_persons_name(qtbot, ctx, idle) -> None:
    wizard = open_wizard(qtbot, ctx, "company", "p12_1")
    rows = wizard.form.rows
    qtbot.waitUntil(lambda: rows["applicant_name"].text() == "ООО «Клязьма-Приборсервис»")
    rows["applicant_name"].edit.clear()
    assert "Иванов" not in rows["applicant_name"].edit.placeholderText()
    assert rows["signatory_name"].edit.placeholderText() == "Фамилия Имя Отчество"


def reasons(wizard: ApplicationWizard) -> list[str]:
    row = wizard.form.rows["reason"]
    assert isinstance(row, ChoiceRow)
    return [row.combo.itemText(i) for i in range(1, row.combo.count())]


def test_temporary_connection_is_offered_only_under_p13(qtbot, ctx, idle) -> None:
    wizard = open_wizard(qtbot, ctx, "company", "p12_1")
    assert "Временное присоединение" not in reasons(wizard)
    assert "Новое присоединение" in reasons(wizard)
    wizard.back()
    wizard.category_step.set_value("p13")
    wizard.next()
    assert reasons(wizard) == ["Временное присоединение"]


@pytest.mark.parametrize("typed", ["16", "200000"])
def test_the_power_message_states_the_limit(qtbot, ctx, idle, typed) -> None:
    wizard = open_wizard(qtbot, ctx, "individual", "p14")
    power = wizard.form.rows["power_new_kw"]
    hint = power.findChild(QLabel, "fieldHint")
    assert hint is not None and "Не более 15 кВт для заявки по п.14" in hint.text()
    power.edit.setText(typed)
    power.edit.editingFinished.emit()
    assert power.error.text().startswith("Не более 15 кВт для заявки по п.14")
    assert not power.error.isHidden()
