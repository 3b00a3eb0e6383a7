"""Registration forms of the three consumer types: every field checked at once."""

from __future__ import annotations

import pytest

from voek_desktop.domain.consumers import CONSUMER_TYPES, validate_registration

# --- registration --------------------------------------------------------------------------

PASSWORD = "надёжный пароль 2026"

FORMS = {
    "individual": (
        {"snils": "112-233-445 95"},
        {"snils": "11223344595"},
    ),
    "entrepreneur": (
        {"inn": "3320 8709 6400", "ogrnip": "315333367975982"},
        {"inn": "332087096400", "ogrnip": "315333367975982"},
    ),
    "company": (
        {"inn": "3337234788", "ogrn": "1 133324980030"},
        {"inn": "3337234788", "ogrn": "1133324980030"},
    ),
}


def form(kind: str, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "consumer_type": kind,
        **FORMS[kind][0],
        "email": "Petrov@Example.TEST",
        "phone": "8 (920) 123-45-67",
        "password": PASSWORD,
        "password_confirmation": PASSWORD,
        "personal_data_consent": True,
    }
    data.update(changes)
    return data


def test_every_consumer_type_is_covered() -> None:
    assert set(CONSUMER_TYPES) == set(FORMS)


@pytest.mark.parametrize("kind", list(FORMS))
def test_valid_registration(kind: str) -> None:
    clean, errors = validate_registration(form(kind))
    assert errors == {}
    assert clean == {
        "consumer_type": kind,
        **FORMS[kind][1],
        "email": "Petrov@example.test",
        "phone": "+79201234567",
        "password": PASSWORD,
    }


@pytest.mark.parametrize("kind", list(FORMS))
@pytest.mark.parametrize("consent", [None, False, "true", 1])
def test_registration_needs_consent(kind: str, consent: object) -> None:
    data = form(kind, personal_data_consent=consent)
    if consent is None:
        del data["personal_data_consent"]
    _, errors = validate_registration(data)
    assert set(errors) == {"personal_data_consent"}
    assert "согласие" in errors["personal_data_consent"]


@pytest.mark.parametrize(
    ("kind", "changes", "expected"),
    [
        ("individual", {"snils": "112-233-445 96"}, {"snils": "Неверное контрольное число СНИЛС"}),
        ("entrepreneur", {"inn": "3337234788"}, {"inn": "ИНН должен содержать 12 цифр"}),
        ("company", {"inn": "332087096400"}, {"inn": "ИНН должен содержать 10 цифр"}),
        ("company", {"ogrn": "1133324980031"}, {"ogrn": "Неверное контрольное число ОГРН"}),
        (
            "entrepreneur",
            {"ogrnip": "315333367975983"},
            {"ogrnip": "Неверное контрольное число ОГРНИП"},
        ),
        ("individual", {"password_confirmation": "другой"}, {"password_confirmation": None}),
    ],
)
def test_registration_field_errors(
    kind: str, changes: dict[str, str], expected: dict[str, str | None]
) -> None:
    _, errors = validate_registration(form(kind, **changes))
    assert set(errors) == set(expected)
    for key, message in expected.items():
        if message is not None:
            assert errors[key] == message


def test_registration_reports_every_bad_field_at_once() -> None:
    _, errors = validate_registration(
        form("individual", snils="", email="nope", phone="+1 202 555 0100", password="short")
    )
    assert set(errors) == {"snils", "email", "phone", "password", "password_confirmation"}


@pytest.mark.parametrize("kind", [None, "", "person", 42])
def test_registration_unknown_consumer_type(kind: object) -> None:
    _, errors = validate_registration({"consumer_type": kind})
    assert errors == {"consumer_type": "Выберите тип потребителя"}


def test_registration_ignores_non_text_values() -> None:
    _, errors = validate_registration(form("individual", snils=11223344595, phone=None))
    assert set(errors) == {"snils", "phone"}
