"""What issue 13 items 3–9 put on paper (docs/forms-861.md), read back with pypdf: the voltage
classes, the п.13 contract line, the wording of п.10 «в» and «е», the beneficiary item, the
instalment words the wizard also shows, and the grid company's requisites as a parameter."""

from __future__ import annotations

from tests.printing.test_application_pdf import pdf_text, render
from voek_desktop.demo_data import DEMO_COMPANY
from voek_desktop.domain import applications as domain
from voek_desktop.domain.company import requisites_from_json
from voek_desktop.printing.contract import render_contract
from voek_desktop.printing.samples import filled_form

SAMPLE = requisites_from_json(DEMO_COMPANY)


def test_the_voltage_header_offers_0_23_kv_and_a_household_prints_it() -> None:
    form = filled_form("p14", "individual") | {"voltage_kv": 0.23}
    text = pdf_text(render("p14", "individual", form))
    assert "Уровень напряжения, кВ (0,23; 0,4; 6; 10)" in text
    assert "0,23" in text.split("Уровень напряжения")[1]


def test_the_device_list_has_the_current_wording_of_p10_v() -> None:
    text = pdf_text(render("p12_1", "company", None))
    assert "присоединены к устройствам противоаварийной автоматики" in text
    assert "режимной" not in text


def test_a_sole_proprietors_form_lists_the_identity_document() -> None:
    text = pdf_text(render("p12_1", "entrepreneur", None))
    assert "Копия паспорта гражданина Российской Федерации" in text
    company = pdf_text(render("p12_1", "company", None))
    assert "Копия паспорта" not in company


def test_a_beneficiary_is_printed_with_the_proof_in_the_attachments() -> None:
    form = filled_form("p14", "individual") | {"beneficiary_category": "combat_veteran"}
    text = pdf_text(render("p14", "individual", form))
    assert "Льготная категория заявителя (пункт 17 Правил)" in text
    assert "Ветеран боевых действий (ст. 16 ФЗ «О ветеранах»)" in text
    assert "подтверждающего отнесение заявителя к категории, указанной в пункте 17" in text
    plain = pdf_text(render("p14", "individual", filled_form("p14", "individual")))
    assert "не отношусь" in plain
    assert "пункте 17 Правил (льготная ставка платы)" not in plain


def test_the_printed_payment_plans_are_the_wizards_words() -> None:
    text = pdf_text(render("p12_1", "company", None))
    for choice in domain.PAYMENT_PLANS:
        assert " ".join(choice.label.split()) in text


def test_p13_contract_line_says_when_it_is_not_needed() -> None:
    text = pdf_text(render("p13", "company", None))
    assert "(не требуется для передвижных устройств)" in text


def test_the_addressee_is_the_configured_company_and_a_sample_says_so() -> None:
    text = pdf_text(render("p14", "individual", None, company=SAMPLE))
    assert "АО «ВОЭК»" in text
    assert "ул. Примерная, д. 1 (образец)" in text
    real = SAMPLE._replace(sample=False, address="600017, г. Владимир, ул. Настоящая, д. 2")
    text = pdf_text(render("p14", "individual", None, company=real))
    assert "ул. Настоящая, д. 2" in text and "образец" not in text
    # Never reached a server: the name and a line to write the address on.
    unknown = pdf_text(render("p14", "individual", None))
    assert "АО «ВОЭК»" in unknown and "600000, Владимирская область" not in unknown


def test_the_contract_prints_the_configured_requisites() -> None:
    import io

    buf = io.BytesIO()
    render_contract({"number": "ДТП-1"}, {"category": "p14"}, {}, buf, company=SAMPLE)
    text = pdf_text(buf.getvalue())
    assert "электросетевая компания» (АО «ВОЭК»)" in text
    assert "ИНН / КПП: 3300000007 / 330001001 (образец)" in text
    assert "ОГРН: 1033300000007 (образец)" in text
