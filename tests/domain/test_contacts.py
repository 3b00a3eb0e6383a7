"""Contacts: phone, e-mail and password rules."""

from __future__ import annotations

import string
from importlib import resources

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from voek_desktop.domain import InvalidValue
from voek_desktop.domain.contacts import (
    check_password,
    check_password_pair,
    format_phone,
    normalize_email,
    normalize_phone,
)

PROPERTY = settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])


# --- phone ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "8 (920) 123-45-67",
        "+7 920 1234567",
        "89201234567",
        "9201234567",
        "+7 (920) 123-45-67",
        "+79201234567",
        "79201234567",
        "8-920-123-45-67",
        " 8\u00a0920\u00a0123\u00a045\u00a067 ",
    ],
)
def test_phone_common_forms(value: str) -> None:
    assert normalize_phone(value) == "+79201234567"


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("+380 44 123 4567", ["российский"]),  # Ukraine
        ("+1 202 555 0100", ["российский"]),  # USA
        ("+44 20 7946 0958", ["российский"]),
        ("8 920 123", ["10 цифр"]),
        ("123-45-67", ["10 цифр"]),
        ("+7 920 123 45", ["10 цифр"]),
        ("8 920 123 45 67 89", ["10 цифр"]),
        ("+7 (920) abc-45-67", ["только цифры"]),
        ("", ["Укажите"]),
        ("   ", ["Укажите"]),
    ],
)
def test_bad_phones_fail_with_russian_messages(value: str, words: list[str]) -> None:
    with pytest.raises(InvalidValue) as exc:
        normalize_phone(value)
    for word in words:
        assert word in exc.value.message


@PROPERTY
@given(
    first=st.sampled_from("3489"),
    rest=st.text(alphabet=string.digits, min_size=9, max_size=9),
    style=st.sampled_from(["+7 {0} {1}", "8 ({0}) {1}", "8{0}{1}", "{0}{1}", "+7({0}){1}"]),
)
def test_phone_property_round_trip(first: str, rest: str, style: str) -> None:
    national = first + rest
    typed = style.format(national[:3], f"{national[3:6]}-{national[6:8]}-{national[8:]}")
    phone = normalize_phone(typed)
    assert phone == "+7" + national
    shown = format_phone(phone)
    if first == "9":
        assert shown == f"+7 ({national[:3]}) {national[3:6]}-{national[6:8]}-{national[8:]}"
    else:
        assert shown.startswith("8 (") and sum(c.isdigit() for c in shown) == 11
    assert normalize_phone(shown) == phone


@PROPERTY
@given(st.text())
@example("+")
@example("+7")
@example("8")
def test_phone_random_text_only_raises_invalid_value(value: str) -> None:
    try:
        phone = normalize_phone(value)
    except InvalidValue as exc:
        assert exc.message and any("а" <= ch.lower() <= "я" for ch in exc.message)
    else:
        assert len(phone) == 12 and phone.startswith("+7") and phone[2:].isdigit()
        assert phone.isascii() and phone[2] in "3489"


@pytest.mark.parametrize(
    ("phone", "shown"),
    [
        ("+79201234567", "+7 (920) 123-45-67"),  # a mobile
        ("+74922123456", "8 (4922) 12-34-56"),  # Vladimir, not «+7 (492) 212-34-56»
        ("+74923212345", "8 (49232) 1-23-45"),  # Kovrov
        ("+74951234567", "8 (495) 123-45-67"),  # Moscow
        ("+78001234567", "8 (800) 123-45-67"),
    ],
)
def test_landlines_are_not_shown_as_mobiles(phone: str, shown: str) -> None:
    assert format_phone(phone) == shown
    assert normalize_phone(shown) == phone


def test_format_phone_leaves_other_text_alone() -> None:
    assert format_phone("+79201234567") == "+7 (920) 123-45-67"
    assert format_phone("12345") == "12345"


# --- e-mail --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Ivanov@Mail.RU", "Ivanov@mail.ru"),  # the local part keeps its case
        ("  ivanov@mail.ru  ", "ivanov@mail.ru"),
        ("I.Ivanov+Cabinet@Example.Test", "I.Ivanov+Cabinet@example.test"),
        ("ИВАНОВ@ПОЧТА.РФ", "ИВАНОВ@почта.рф"),
    ],
)
def test_email_lowercases_the_domain_only(value: str, expected: str) -> None:
    assert normalize_email(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "",
        "ivanov",
        "ivanov@",
        "@mail.ru",
        "ivanov@mail",
        "iva nov@mail.ru",
        "ivanov@mail ru",
        "ivanov@@mail.ru",
        "a@b@mail.ru",
        "ivanov@.mail.ru",
        "ivanov@mail.ru.",
        "ivanov@127.0.0.1",
        "x" * 65 + "@mail.ru",  # local part over 64
        "ivanov@" + "a" * 250 + ".ru",  # over 254 in all
        "ivanov@mail..ru",
        "ivanov@mail-.ru",
    ],
)
def test_bad_emails_fail(value: str) -> None:
    with pytest.raises(InvalidValue) as exc:
        normalize_email(value)
    assert "почт" in exc.value.message


@PROPERTY
@given(st.text())
def test_email_random_text_only_raises_invalid_value(value: str) -> None:
    try:
        email = normalize_email(value)
    except InvalidValue as exc:
        assert exc.message
    else:
        local, _, domain = email.rpartition("@")
        assert local and "." in domain and domain == domain.lower()
        assert not any(ch.isspace() for ch in email)


# --- passwords -----------------------------------------------------------------------------


def test_password_lengths() -> None:
    with pytest.raises(InvalidValue) as exc:
        check_password("x7#kQ2z")  # 7
    assert "не менее 8" in exc.value.message
    assert check_password("x7#kQ2zP") is None  # 8
    assert check_password("ю" * 128) is None
    with pytest.raises(InvalidValue) as exc:
        check_password("ю" * 129)
    assert "не более 128" in exc.value.message
    with pytest.raises(InvalidValue) as exc:
        check_password("")
    assert exc.value.message == "Укажите пароль"


@pytest.mark.parametrize("password", ["password", "12345678", "Qwerty123", "PASSWORD1"])
def test_common_passwords_fail(password: str) -> None:
    with pytest.raises(InvalidValue) as exc:
        check_password(password)
    assert "распространён" in exc.value.message


@pytest.mark.parametrize(
    "password",
    [
        "пароль без правил",
        "🔌⚡💡🔋🔌⚡💡🔋",
        "        ",
        "e\u0301e\u0301e\u0301e\u0301",
        "电网公司的消费者",
    ],
)
def test_any_unicode_passes(password: str) -> None:
    assert check_password(password) is None


COMMON = {
    line.strip().lower()
    for line in resources.files("voek_desktop.domain")
    .joinpath("common_passwords.txt")
    .read_text("utf-8")
    .splitlines()
}


@PROPERTY
@given(st.text(min_size=8, max_size=128))
def test_any_unicode_of_allowed_length_passes(password: str) -> None:
    assume(password.lower() not in COMMON)
    assert check_password(password) is None


def test_password_pair() -> None:
    assert check_password_pair("верный-пароль", "верный-пароль") == {}
    assert check_password_pair("верный-пароль", "верный-пароль2") == {
        "password_confirmation": "Пароли не совпадают"
    }
    errors = check_password_pair("short", "short")
    assert set(errors) == {"password"}
