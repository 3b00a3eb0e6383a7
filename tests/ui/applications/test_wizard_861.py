"""The wizard's Decree 861 rules of issue 13 (docs/forms-861.md) in real widgets against the real
demo server: a п.13 form without the permanent contract gets the Russian error next to that
field (and not once the devices are mobile), a household may choose 0,23 kV, the payment plan
shows the very words of the PDF, and the preview is addressed with the server's requisites."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt

from tests import demo
from tests.ui.applications.test_wizard import fill, open_new, wait_idle, wait_preview
from voek_desktop.domain import applications as domain
from voek_desktop.ui.applications.page import ApplicationsPage


@pytest.fixture
def page_of(qtbot, ctx):
    def make(consumer_type: str) -> ApplicationsPage:
        demo.log_in(ctx.session, consumer_type)
        p = ApplicationsPage(ctx, ctx.session.profile)
        qtbot.addWidget(p)
        p.resize(1100, 760)
        p.show()
        return p

    yield make
    wait_idle(qtbot, ctx)


def choose(qtbot, page: ApplicationsPage, category: str):
    wizard = open_new(qtbot, page)
    wizard.resize(1280, 860)
    wizard.category_step.buttons[category].setChecked(True)
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    assert wizard.current_step() == 1
    return wizard


def test_p13_without_the_permanent_contract_shows_the_error_next_to_the_field(
    qtbot, page_of
) -> None:
    wizard = choose(qtbot, page_of("individual"), "p13")
    form = wizard.form
    fill(wizard, {"temporary_until": "", "permanent_contract_ref": ""})
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    assert wizard.current_step() == 1  # not past the missing contract
    row = form.rows["permanent_contract_ref"]
    assert row.error.text() == domain.PERMANENT_CONTRACT_MISSING
    assert row.error.text().startswith("Укажите номер и дату договора на постоянное присоединение")
    assert not row.error.isHidden()
    # Mobile devices need no permanent contract: the message goes as the box is ticked.
    form.rows["mobile_devices"].box.setChecked(True)
    assert row.error.isHidden()
    form.rows["mobile_devices"].box.setChecked(False)
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)  # a draft may lack it
    assert wizard.current_step() == 1 and not row.error.isHidden()  # moving on may not
    fill(wizard, {"permanent_contract_ref": "№ ТП-12 от 01.02.2026"})
    assert row.error.isHidden()


def test_a_household_chooses_0_23_kv_and_may_declare_a_benefit(qtbot, page_of) -> None:
    wizard = choose(qtbot, page_of("individual"), "p14")
    form = wizard.form
    voltage = form.rows["voltage_kv"]
    labels = [voltage.combo.itemText(i) for i in range(voltage.combo.count())]
    assert labels[1:] == ["0,23 кВ (однофазный ввод)", "0,4 кВ", "6 кВ", "10 кВ"]
    voltage.set_value(0.23)
    assert form.values()["voltage_kv"] == 0.23
    assert voltage.error.isHidden()
    benefit = form.rows["beneficiary_category"]
    benefit.set_value("combat_veteran")
    assert benefit.detail is not None
    assert benefit.detail.text() == "Ветеран боевых действий (ст. 16 ФЗ «О ветеранах»)"
    # The preview is addressed to the demo server's requisites, marked as a sample.
    fill(wizard, {"applicant_name": "Иванов Иван Иванович", "power_new_kw": "15"})
    wait_preview(qtbot, wizard)
    qtbot.waitUntil(lambda: b"%PDF" in (wizard.form_step.preview.data or b""), timeout=15_000)
    qtbot.waitUntil(lambda: "(образец)" in _text(wizard.form_step.preview.data), timeout=15_000)
    assert "ул. Примерная, д. 1 (образец)" in _text(wizard.form_step.preview.data)


def test_the_payment_plan_says_what_the_pdf_says(qtbot, page_of) -> None:
    wizard = choose(qtbot, page_of("company"), "p12_1")
    plan = wizard.form.rows["payment_plan"]
    plan.set_value("instalments")
    assert plan.detail is not None
    shown = plan.detail.text()
    assert shown == dict((c.value, c.label) for c in domain.PAYMENT_PLANS)["instalments"]
    assert shown.startswith("Прошу предоставить рассрочку: 10 % платы")


def _text(data: bytes | None) -> str:
    if not data:
        return ""
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(p.extract_text() for p in reader.pages).split())


def test_a_blank_form_is_addressed_with_the_requisites_kept_from_the_server(qtbot, ctx) -> None:
    # No login: the blank forms of the login screen ask GET /company themselves and keep it.
    from voek_desktop.ui.applications.blank_forms import BlankFormsDialog

    dialog = BlankFormsDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: "(образец)" in _text(dialog.preview.data), timeout=15_000)
    assert "ул. Примерная, д. 1 (образец)" in _text(dialog.preview.data)
    wait_idle(qtbot, ctx)
    assert ctx.session.requisites().sample is True
