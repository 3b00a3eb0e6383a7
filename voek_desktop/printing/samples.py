"""Example filled application forms (the form keys of docs/design.md "Applications") for tests,
bench/pdf.py and screenshots."""

from __future__ import annotations

from typing import Any

APPLICANTS: dict[str, dict[str, Any]] = {
    "individual": {
        "applicant_name": "Иванов Иван Иванович",
        "passport_series": "1704",
        "passport_number": "123456",
        "passport_issued_by": "УМВД России по Владимирской области",
        "passport_issued_on": "2015-04-20",
        "snils": "11223344595",
    },
    "entrepreneur": {
        "applicant_name": "Петров Пётр Петрович",
        "ogrnip": "315333367975982",
        "registry_date": "2015-06-01",
        "inn": "332087096400",
    },
    "company": {
        "applicant_name": "ООО «Завод «Пример»",
        "ogrn": "1133324980030",
        "registry_date": "2013-02-11",
        "inn": "3337234788",
        "kpp": "332801001",
        "signatory_position": "Генеральный директор",
        "signatory_name": "Сидоров Сидор Сидорович",
    },
}

COMMON: dict[str, Any] = {
    "registered_address": "600000, г. Владимир, ул. Ленина, д. 1, кв. 1",
    "postal_address": "600001, г. Владимир, ул. Мира, д. 2",
    "phone": "+79201234567",
    "email": "ivanov@example.test",
    "reason": "new",
    "devices_name": "Жилой дом с хозяйственными постройками",
    "devices_address": "Владимирская обл., Суздальский р-н, с. Кидекша, ул. Центральная, д. 5",
    "cadastral_number": "33:05:123456:78",
    "power_new_kw": 7.5,
    "power_previous_kw": 5,
    "voltage_kv": 0.4,
    "reliability_category": "III",
    "stages": [
        {"design_until": "2026-06-30", "commissioning_until": "2026-09-30", "power_kw": 7.5}
    ],
    "supplier_name": "АО «Энергосбыт Плюс»",
}

EXTRA: dict[str, dict[str, Any]] = {
    "p14": {},
    "p12_1": {"load_character": "Розничная торговля", "payment_plan": "instalments"},
    "p13": {
        "reason": "temporary",
        "temporary_until": "2026-08-31",
        "mobile_devices": True,
        "permanent_contract_ref": "№ ТП-123 от 01.02.2026",
    },
}

# Every category with every consumer type it admits.
CASES = [
    ("p14", "individual"),
    ("p12_1", "individual"),
    ("p12_1", "entrepreneur"),
    ("p12_1", "company"),
    ("p13", "individual"),
    ("p13", "entrepreneur"),
    ("p13", "company"),
]


def filled_form(category: str, consumer_type: str) -> dict[str, Any]:
    return {**APPLICANTS[consumer_type], **COMMON, **EXTRA[category]}
