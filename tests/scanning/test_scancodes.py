"""The service code's payload: written and read back, and nothing else read as ours."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from voek_desktop.domain import scancodes
from voek_desktop.domain.scancodes import PageCode, SeparatorCode


def test_a_page_code_round_trips_and_stays_short() -> None:
    payload = scancodes.encode_page("ТП-2026-000123", "signed_application", 2, 3, "0A1B2C3D")
    assert payload == "VOEK1:P:2026-000123:SA:2:3:0A1B2C3D"
    assert scancodes.parse(payload) == PageCode(
        "ТП-2026-000123", "signed_application", 2, 3, digest="0A1B2C3D"
    )


def test_blank_forms_carry_their_category_and_separators_their_kind() -> None:
    blank = scancodes.parse(scancodes.encode_blank("p12_1", 1, 2))
    assert isinstance(blank, PageCode) and blank.blank and blank.category == "p12_1"
    assert scancodes.parse(scancodes.encode_separator("site_plan", "ТП-2026-000007")) == (
        SeparatorCode("site_plan", "ТП-2026-000007")
    )
    assert scancodes.parse(scancodes.encode_separator("title_document")) == SeparatorCode(
        "title_document", ""
    )


def test_a_number_of_another_form_survives() -> None:
    payload = scancodes.encode_page("Заявка 7/2026", "signed_application", 1, 1, "00000000")
    code = scancodes.parse(payload)
    assert isinstance(code, PageCode) and code.number == "Заявка 7/2026"


@pytest.mark.parametrize(
    "payload",
    [
        None,
        b"VOEK1:S:SP:",
        "",
        "https://example.com",
        "VOEK2:P:2026-000123:SA:1:2:0A1B2C3D",  # a later version: not guessed at
        "VOEK1:P:2026-000123:XX:1:2:0A1B2C3D",  # unknown kind
        "VOEK1:P:2026-000123:SA:3:2:0A1B2C3D",  # page 3 of 2
        "VOEK1:P:2026-000123:SA:0:2:0A1B2C3D",
        "VOEK1:P:2026-000123:SA:1:2:0a1b2c3d",  # not ours: ours are upper-case
        "VOEK1:P:2026-000123:SA:1:2:0A1B2C3D:extra",
        "VOEK1:P:2026-000123:SA:1:2",
        "VOEK1:B:P99:1:1",
        "VOEK1:S:SP:%FF%FE",  # not UTF-8
        "VOEK1:S:SP:" + "1" * 200,
        "VOEK1:P:<script>:SA:1:1:0A1B2C3D",
    ],
)
def test_anything_else_is_not_ours(payload) -> None:
    assert scancodes.parse(payload) is None


@given(st.text(max_size=120))
def test_parse_never_raises(text: str) -> None:
    code = scancodes.parse(text)
    assert code is None or isinstance(code, PageCode | SeparatorCode)


def test_the_digest_ignores_empty_values_and_key_order() -> None:
    a = scancodes.form_digest({"applicant_name": "Иванов", "power_new_kw": 15, "email": ""})
    b = scancodes.form_digest({"power_new_kw": 15, "applicant_name": "Иванов"})
    assert a == b and len(a) == 8
    assert scancodes.form_digest({"power_new_kw": 14, "applicant_name": "Иванов"}) != a
