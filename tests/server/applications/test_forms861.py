"""The Decree 861 form rules of issue 13 (items 3–7, docs/forms-861.md) at their boundaries: the
domain module the app checks offline, and the same rule answered 422 by the server over HTTP."""

from __future__ import annotations

from datetime import date

import pytest

from voek_desktop.domain import applications as domain

TODAY = date(2026, 11, 27)

# --- item 3: voltage classes --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("voltage", "stored"),
    [
        (0.23, 0.23),
        ("0,23", 0.23),
        (0.4, 0.4),
        (6, 6),
        (10, 10),
        (0.22, None),  # the old nominal: not a class of the form
        (0.38, None),
        (20, None),
    ],
)
def test_a_household_connects_at_0_23_kv_and_the_classes_end_at_10(shared_cab, voltage, stored):
    resp = shared_cab.post(
        "/applications", json={"category": "p14", "form": {"voltage_kv": voltage}}
    )
    if stored is None:
        error = shared_cab.error(resp, 422, "validation_failed", {"voltage_kv"})
        assert error["fields"]["voltage_kv"] == "Класс напряжения: 0,23, 0,4, 6 или 10 кВ"
    else:
        assert resp.status_code == 201, resp.text
        assert resp.json()["form"]["voltage_kv"] == stored


def test_p14_is_not_bounded_by_voltage_in_the_rules():
    # п.14 of the Rules bounds power, use and source; a 10 kV household input is rare but
    # lawful (docs/forms-861.md item 3), so it is not refused.
    for voltage in (0.23, 0.4, 6, 10):
        clean, errors = domain.validate_partial(
            "p14", "individual", {"voltage_kv": voltage, "power_new_kw": 15}, TODAY
        )
        assert errors == {}, errors
        assert clean["voltage_kv"] == voltage


# --- item 4: п.13 needs the permanent contract unless the devices are mobile -------------------


def _p13(**overrides):
    form = {
        "applicant_name": "ООО «Стройка»",
        "reason": "temporary",
        "temporary_until": "2027-02-01",
        "mobile_devices": False,
    }
    form.update(overrides)
    return form


@pytest.mark.parametrize(
    ("mobile", "ref", "refused"),
    [
        (False, "", True),
        (False, "   ", True),
        (None, None, True),  # not ticked is not mobile
        (False, "№ ТП-12 от 01.02.2026", False),
        (True, "", False),
        (True, "№ ТП-12 от 01.02.2026", False),
    ],
)
def test_p13_asks_for_the_permanent_contract_unless_mobile(mobile, ref, refused):
    form = _p13(mobile_devices=mobile, permanent_contract_ref=ref)
    _, errors = domain.validate_form("p13", "company", form, TODAY)
    assert ("permanent_contract_ref" in errors) is refused, errors
    if refused:
        assert errors["permanent_contract_ref"].startswith(
            "Укажите номер и дату договора на постоянное присоединение"
        )


def test_a_p13_draft_may_lack_the_contract_but_submit_is_refused(shared_cab, forms):
    # The draft (partial) keeps what was typed; the rule is a submit-time one, answered 422
    # with the field named, never a 500.
    today = shared_cab.today()
    until = date(today.year + (today.month > 9), (today.month + 2) % 12 + 1, 1).isoformat()
    form = forms.company(today) | _p13(temporary_until=until)
    app = shared_cab.create("p13", form, "company")
    resp = shared_cab.post(f"/applications/{app['id']}/submit", "company")
    error = shared_cab.error(resp, 422, "validation_failed", {"permanent_contract_ref"})
    assert "передвижных" in error["fields"]["permanent_contract_ref"]


# --- item 5: the identity document of a sole proprietor -----------------------------------------


def test_identity_document_is_asked_of_individuals_and_sole_proprietors_not_companies():
    for ctype, asked in (("individual", True), ("entrepreneur", True), ("company", False)):
        for category in ("p12_1", "p13"):
            kinds = domain.required_documents(category, ctype, {})
            assert ("identity_document" in kinds) is asked, (ctype, category)


def test_the_server_counts_a_sole_proprietors_missing_identity_document(shared_cab):
    app = shared_cab.create("p12_1", {"applicant_name": "Петров Сергей Николаевич"}, "entrepreneur")
    assert "identity_document" in app["missing_documents"]


# --- item 6: the beneficiary declaration for ≤ 15 kW --------------------------------------------


def test_a_beneficiary_declares_a_group_and_is_asked_for_the_proof():
    keys = [c.value for c in domain.BENEFICIARY_CATEGORIES]
    assert "combat_veteran" in keys and "large_family" in keys and len(keys) == 10
    assert "benefit_proof" not in domain.required_documents("p14", "individual", {})
    form = {"beneficiary_category": "large_family"}
    assert "benefit_proof" in domain.required_documents("p14", "individual", form)
    clean, errors = domain.validate_partial("p14", "individual", form, TODAY)
    assert errors == {} and clean["beneficiary_category"] == "large_family"
    # Not a п.12(1) or п.13 field: the reduced rate is for the ≤ 15 kW households of п.14.
    clean, _ = domain.validate_partial("p12_1", "individual", form, TODAY)
    assert "beneficiary_category" not in clean


def test_the_server_refuses_an_unknown_group_and_wants_the_proof(shared_cab):
    bad = shared_cab.post(
        "/applications", json={"category": "p14", "form": {"beneficiary_category": "vip"}}
    )
    shared_cab.error(bad, 422, "validation_failed", {"beneficiary_category"})
    app = shared_cab.create("p14", {"beneficiary_category": "disabled"})
    assert "benefit_proof" in app["missing_documents"]
    none = shared_cab.create("p14", {"beneficiary_category": ""})
    assert "benefit_proof" not in none["missing_documents"]
    body = shared_cab.get("/application-templates", None).json()
    assert body["conditional_documents"]["benefit_proof"] == "beneficiary_category"
    assert "benefit_proof" in [d["key"] for d in body["document_kinds"]]


# --- item 7: instalments as п.104 has them ------------------------------------------------------


def test_the_instalment_choice_says_10_and_90_percent_over_3_years():
    label = dict((c.value, c.label) for c in domain.PAYMENT_PLANS)["instalments"]
    assert "10 % платы" in label and "90 %" in label and "3 лет" in label
    assert "5 %" not in label and "95 %" not in label
