"""Decree 861 rules per category at their boundaries (docs/design.md "Applications"),
through the server and the
domain module the app uses offline."""

from __future__ import annotations

from datetime import date

import pytest

from tests import demo
from voek_desktop.domain import applications as domain

# --- through the server: a draft accepts what is valid and refuses what is not ------------------


@pytest.mark.parametrize(
    ("new", "previous", "ok"),
    [
        (15, 0, True),
        (15.001, 0, False),
        ("14,5", "0,5", True),
        (14, 1.001, False),
        (0.001, 0, True),
        (0, 0, False),
    ],
)
def test_p14_total_power_is_at_most_15_kw(shared_cab, new, previous, ok):
    resp = shared_cab.post(
        "/applications",
        json={"category": "p14", "form": {"power_new_kw": new, "power_previous_kw": previous}},
    )
    if ok:
        assert resp.status_code == 201, resp.text
    else:
        error = shared_cab.error(resp, 422, "validation_failed", {"power_new_kw"})
        if new:
            assert error["fields"]["power_new_kw"] == (
                "Не более 15 кВт для заявки по п.14 вместе с ранее присоединённой мощностью"
            )


@pytest.mark.parametrize(("power", "ok"), [(150, True), (150.001, False), ("149,999", True)])
def test_p12_1_total_power_is_at_most_150_kw(shared_cab, power, ok):
    resp = shared_cab.post(
        "/applications", "company", json={"category": "p12_1", "form": {"power_new_kw": power}}
    )
    if ok:
        assert resp.status_code == 201, resp.text
    else:
        error = shared_cab.error(resp, 422, "validation_failed", {"power_new_kw"})
        assert "150 кВт" in error["fields"]["power_new_kw"]


@pytest.mark.parametrize(
    ("voltage", "stored"),
    [(0.4, 0.4), ("0,4", 0.4), (6, 6), (10, 10), ("10", 10), (0.22, None), (35, None)],
)
def test_voltage_class_is_0_4_6_or_10_kv(shared_cab, voltage, stored):
    resp = shared_cab.post(
        "/applications", json={"category": "p14", "form": {"voltage_kv": voltage}}
    )
    if stored is None:
        shared_cab.error(resp, 422, "validation_failed", {"voltage_kv"})
    else:
        assert resp.status_code == 201, resp.text
        assert resp.json()["form"]["voltage_kv"] == stored


def test_p14_is_refused_for_a_company_and_an_entrepreneur(shared_cab):
    for who in ("company", "entrepreneur"):
        resp = shared_cab.post("/applications", who, json={"category": "p14", "form": {}})
        error = shared_cab.error(resp, 422, "validation_failed", {"category"})
        assert error["fields"]["category"] == "Заявку по п.14 может подать только физическое лицо"


def test_unknown_category_is_refused(shared_cab):
    resp = shared_cab.post("/applications", json={"category": "p99", "form": {}})
    shared_cab.error(resp, 422, "validation_failed", {"category"})


@pytest.mark.parametrize(
    ("until", "mobile", "ok"),
    [
        ("2027-02-28", False, True),  # 31 August + 6 months: the last day of February
        ("2027-03-01", False, False),
        ("2027-08-31", True, True),  # mobile devices: 12 months
        ("2027-09-01", True, False),
        ("2027-08-31", False, False),
        ("2026-08-31", False, False),  # today is not a term
    ],
)
def test_p13_term_is_6_months_or_12_with_mobile_devices(cab, until, mobile, ok):
    cab.set_clock("2026-08-31T12:00:00+03:00")
    form = {"reason": "temporary", "temporary_until": until, "mobile_devices": mobile}
    resp = cab.post("/applications", "company", json={"category": "p13", "form": form})
    if ok:
        assert resp.status_code == 201, resp.text
        assert resp.json()["form"]["temporary_until"] == until
    else:
        cab.error(resp, 422, "validation_failed", {"temporary_until"})


def test_p13_term_on_an_ordinary_day(cab):
    cab.set_clock("2026-03-15T10:00:00+03:00")
    ok = cab.post(
        "/applications", json={"category": "p13", "form": {"temporary_until": "15.09.2026"}}
    )
    assert ok.status_code == 201, ok.text
    late = cab.post(
        "/applications", json={"category": "p13", "form": {"temporary_until": "2026-09-16"}}
    )
    error = cab.error(late, 422, "validation_failed", {"temporary_until"})
    assert "15.09.2026" in error["fields"]["temporary_until"]


def test_stages_must_sum_to_the_new_power_and_keep_their_order(shared_cab, forms):
    today = shared_cab.today()
    form = forms.individual(today, power_new_kw=10)
    resp = shared_cab.post("/applications", json={"category": "p14", "form": form})
    error = shared_cab.error(resp, 422, "validation_failed", {"stages"})
    assert "10 кВт" in error["fields"]["stages"]
    stages = [
        {"design_until": "2027-05-01", "commissioning_until": "2027-04-01", "power_kw": 10},
    ]
    resp = shared_cab.post(
        "/applications",
        json={"category": "p14", "form": forms.individual(today, power_new_kw=10, stages=stages)},
    )
    error = shared_cab.error(resp, 422, "validation_failed", {"stages"})
    assert "Этап 1" in error["fields"]["stages"]


def test_a_draft_keeps_valid_fields_and_names_each_wrong_one(shared_cab):
    form = {
        "applicant_name": "Иванов Иван",
        "snils": "112-233-445 96",
        "passport_series": "17a4",
        "email": "не почта",
        "cadastral_number": "33-05-1",
    }
    resp = shared_cab.post("/applications", json={"category": "p14", "form": form})
    shared_cab.error(
        resp, 422, "validation_failed", {"snils", "passport_series", "email", "cadastral_number"}
    )


def test_patch_merges_normalises_and_clears(shared_cab):
    app = shared_cab.create("p14", {"applicant_name": "Иванов Иван"})
    resp = shared_cab.patch(
        f"/applications/{app['id']}",
        json={"form": {"snils": "112 233 445 95", "power_new_kw": "7,5", "applicant_name": None}},
    )
    assert resp.status_code == 200, resp.text
    form = resp.json()["form"]
    assert form["snils"] == demo.SNILS
    assert form["power_new_kw"] == 7.5
    assert "applicant_name" not in form
    bad = shared_cab.patch(f"/applications/{app['id']}", json={"form": {"power_new_kw": 16}})
    shared_cab.error(bad, 422, "validation_failed", {"power_new_kw"})
    again = shared_cab.get(f"/applications/{app['id']}").json()
    assert again["form"]["power_new_kw"] == 7.5  # a refused change keeps what was there


def test_full_company_form_passes_and_kpp_allows_latin_letters(shared_cab, forms):
    today = shared_cab.today()
    clean, errors = domain.validate_form("p12_1", "company", forms.company(today), today)
    assert errors == {}
    assert clean["kpp"] == "332801001"
    _, errors = domain.validate_form(
        "p12_1", "company", forms.company(today, kpp="3328ab001"), today
    )
    assert errors == {}


# --- the domain module alone: what the app checks offline ---------------------------------------

TODAY = date(2026, 11, 27)


@pytest.mark.parametrize(
    ("kpp", "ok"),
    [
        ("332801001", True),
        ("3328AB001", True),
        ("33280100", False),
        ("33A801001", False),
        ("332800001", False),
    ],
)
def test_kpp_format(kpp, ok):
    _, errors = domain.validate_partial("p12_1", "company", {"kpp": kpp}, TODAY)
    assert ("kpp" not in errors) is ok, errors


@pytest.mark.parametrize(
    ("value", "ok"),
    [("33:05:123456:78", True), ("33:05:1234567:1", True), ("33:05:12:78", False), ("a", False)],
)
def test_cadastral_number_format(value, ok):
    _, errors = domain.validate_partial("p14", "individual", {"cadastral_number": value}, TODAY)
    assert ("cadastral_number" not in errors) is ok, errors


def test_full_validation_lists_every_missing_required_field():
    _, errors = domain.validate_form("p12_1", "company", {}, TODAY)
    required = {f.key for f in domain.fields_for("p12_1", "company") if f.required}
    assert set(errors) == required
    assert {"ogrn", "kpp", "signatory_name", "load_character", "payment_plan"} <= required
    assert "snils" not in required


def test_required_documents_per_category_and_applicant():
    assert domain.required_documents("p14", "individual", {}) == [
        "signed_application",
        "identity_document",
        "site_plan",
        "title_document",
    ]
    assert "device_list" in domain.required_documents("p12_1", "company", {})
    assert "identity_document" not in domain.required_documents("p12_1", "company", {})
    assert "power_of_attorney" in domain.required_documents(
        "p13", "entrepreneur", {"representative": True}
    )


def test_fields_come_in_group_order_and_statuses_have_russian_labels():
    groups = [f.group for f in domain.fields_for("p13", "entrepreneur")]
    order = list(domain.GROUPS)
    assert groups == sorted(groups, key=order.index)
    assert domain.status_label("need_info") == "Требуются документы"
    assert set(domain.STATUSES) == domain.ACTIVE | domain.DONE
    assert {"completed", "annulled", "withdrawn"} == domain.DONE


def test_templates_come_from_the_server_without_login(shared_cab):
    resp = shared_cab.get("/application-templates", None)
    assert resp.status_code == 200
    body = resp.json()
    assert [c["key"] for c in body["items"]] == ["p14", "p12_1", "p13"]
    p14 = body["items"][0]
    assert p14["consumer_types"] == ["individual"]
    assert p14["max_power_kw"] == 15
    assert "бытовых" in p14["explanation"]
    assert body == domain.templates()
