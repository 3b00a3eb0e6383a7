"""Identifiers (docs/design.md "Identifiers"): СНИЛС, ИНН, ОГРН, ОГРНИП.

The property tests build valid numbers with the small generators below, written from the
algorithm text and deliberately not from the code's helpers, so the code is checked against an
independent oracle.
"""

from __future__ import annotations

import string

import pytest
from hypothesis import HealthCheck, assume, example, given, note, settings
from hypothesis import strategies as st

from voek_desktop.domain import InvalidValue
from voek_desktop.domain.identifiers import (
    check,
    format_snils,
    normalize_inn10,
    normalize_inn12,
    normalize_ogrn,
    normalize_ogrnip,
    normalize_snils,
)

PROPERTY = settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])

# --- an independent oracle, written from the algorithm text ---------------------------------

SNILS_UNCHECKED_MAX = 1_001_998  # body 001-001-998


def oracle_snils_cc(body: str) -> str:
    """The СНИЛС rule of docs/design.md "Identifiers", step by step (not the compact formula)."""
    s = sum(int(d) * w for d, w in zip(body, [9, 8, 7, 6, 5, 4, 3, 2, 1], strict=True))
    if s < 100:
        cc = s
    elif s in (100, 101):
        cc = 0
    else:
        r = s % 101
        cc = r if r < 100 else 0
    return f"{cc:02d}"


def _mod11_digit(digits: str, weights: list[int]) -> str:
    r = sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11
    return "0" if r == 10 else str(r)


def oracle_inn10_check(body9: str) -> str:
    return _mod11_digit(body9, [2, 4, 10, 3, 5, 9, 4, 6, 8])


def oracle_inn12_check(body10: str) -> str:
    d11 = _mod11_digit(body10, [7, 2, 4, 10, 3, 5, 9, 4, 6, 8])
    d12 = _mod11_digit(body10 + d11, [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8])
    return d11 + d12


def oracle_ogrn_check(body12: str) -> str:
    return str(int(body12) % 11)[-1]  # "the lowest digit of the remainder"


def oracle_ogrnip_check(body14: str) -> str:
    return str(int(body14) % 13)[-1]


def oracle_verdict(kind: str, digits: str) -> str | None:
    """``None`` when valid, else ``"length"``, ``"first_digit"`` or ``"check"``."""
    length = {"snils": 11, "inn10": 10, "inn12": 12, "ogrn": 13, "ogrnip": 15}[kind]
    if len(digits) != length:
        return "length"
    if kind == "snils":
        if int(digits[:9]) <= SNILS_UNCHECKED_MAX:
            return None
        return None if oracle_snils_cc(digits[:9]) == digits[9:] else "check"
    if kind == "inn10":
        return None if oracle_inn10_check(digits[:9]) == digits[9] else "check"
    if kind == "inn12":
        return None if oracle_inn12_check(digits[:10]) == digits[10:] else "check"
    if kind == "ogrn":
        if digits[0] not in "15":
            return "first_digit"
        return None if oracle_ogrn_check(digits[:12]) == digits[12] else "check"
    if digits[0] != "3":
        return "first_digit"
    return None if oracle_ogrnip_check(digits[:14]) == digits[14] else "check"


NORMALIZERS = {
    "snils": normalize_snils,
    "inn10": normalize_inn10,
    "inn12": normalize_inn12,
    "ogrn": normalize_ogrn,
    "ogrnip": normalize_ogrnip,
}
NAMES = {"snils": "СНИЛС", "inn10": "ИНН", "inn12": "ИНН", "ogrn": "ОГРН", "ogrnip": "ОГРНИП"}


def assert_verdict(kind: str, value: str, verdict: str | None) -> None:
    """The code's answer for ``value`` matches the oracle's ``verdict``."""
    message = check(NORMALIZERS[kind], value)
    name = NAMES[kind]
    if verdict is None:
        assert message is None, f"{value!r} is valid, got {message!r}"
    elif verdict == "check":
        assert message == f"Неверное контрольное число {name}"
    elif verdict == "first_digit":
        assert message is not None and "начинается с цифры" in message and name in message
    else:
        assert message is not None and name in message and "цифр" in message


digit_strings = st.text(alphabet=string.digits, min_size=1)


@st.composite
def valid_snils(draw: st.DrawFn, checked: bool = True) -> str:
    low = SNILS_UNCHECKED_MAX + 1 if checked else 0
    body = f"{draw(st.integers(low, 999_999_999)):09d}"
    return body + oracle_snils_cc(body)


@st.composite
def valid_inn10(draw: st.DrawFn) -> str:
    body = draw(st.text(alphabet=string.digits, min_size=9, max_size=9))
    return body + oracle_inn10_check(body)


@st.composite
def valid_inn12(draw: st.DrawFn) -> str:
    body = draw(st.text(alphabet=string.digits, min_size=10, max_size=10))
    return body + oracle_inn12_check(body)


@st.composite
def valid_ogrn(draw: st.DrawFn) -> str:
    body = draw(st.sampled_from("15")) + draw(
        st.text(alphabet=string.digits, min_size=11, max_size=11)
    )
    return body + oracle_ogrn_check(body)


@st.composite
def valid_ogrnip(draw: st.DrawFn) -> str:
    body = "3" + draw(st.text(alphabet=string.digits, min_size=13, max_size=13))
    return body + oracle_ogrnip_check(body)


VALID = {
    "snils": valid_snils(),
    "inn10": valid_inn10(),
    "inn12": valid_inn12(),
    "ogrn": valid_ogrn(),
    "ogrnip": valid_ogrnip(),
}


# --- the oracle agrees with the published vectors (so it is worth trusting) --------------


def test_oracle_reproduces_the_worked_examples() -> None:
    assert oracle_snils_cc("112233445") == "95"
    assert oracle_snils_cc("027004318") == "00"  # S = 100
    assert oracle_snils_cc("332030360") == "00"  # S = 101
    assert oracle_snils_cc("371661881") == "00"  # S = 201, remainder 100
    assert oracle_inn10_check("333723478") == "8"
    assert oracle_inn12_check("3320870964") == "00"
    assert oracle_ogrn_check("113332498003") == "0"  # remainder 10
    assert oracle_ogrnip_check("31533336797598") == "2"  # remainder 12


# --- SNILS ---------------------------------------------------------------------------------

SNILS_VALID = [
    "112-233-445 95",
    "034-230-302 90",
    "027-004-318 00",
    "613-166-273 65",
    "708-675-064 24",
    "332-030-360 00",
    "371-661-881 00",
    "001-001-998 00",
]
SNILS_BAD_CHECK = [
    "112-233-445 96",
    "001-001-999 00",
    "034-230-302 91",
    "613-166-273 66",
    "708-675-064 25",
]


@pytest.mark.parametrize("value", SNILS_VALID)
def test_snils_valid_vectors(value: str) -> None:
    digits = value.replace("-", "").replace(" ", "")
    assert normalize_snils(value) == digits
    assert check(normalize_snils, value) is None


@pytest.mark.parametrize("value", SNILS_BAD_CHECK)
def test_snils_invalid_check_number(value: str) -> None:
    with pytest.raises(InvalidValue) as exc:
        normalize_snils(value)
    assert exc.value.message == "Неверное контрольное число СНИЛС"
    assert check(normalize_snils, value) == "Неверное контрольное число СНИЛС"


@pytest.mark.parametrize(
    "value",
    [
        "11223344595",
        "112 233 445 95",
        "112-233-445-95",
        "112-233-44595",
        "  112-233-445 95\t",
        "112\u00a0233\u00a0445\u00a095",
        "1-1-2-2-3-3-4-4-5-9-5",
    ],
)
def test_snils_separators_and_spaces_are_accepted(value: str) -> None:
    assert normalize_snils(value) == "11223344595"


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("1122334459", ["СНИЛС", "11 цифр"]),  # 10 digits
        ("112233445950", ["СНИЛС", "11 цифр"]),  # 12 digits
        ("112-233-445 9O", ["СНИЛС", "только цифры"]),  # Latin O
        ("112_233_445 95", ["СНИЛС", "только цифры"]),
        ("١١٢٢٣٣٤٤٥٩٥", ["СНИЛС", "только цифры"]),  # Arabic-Indic digits
        ("", ["Укажите СНИЛС"]),
        ("  - ", ["Укажите СНИЛС"]),
    ],
)
def test_snils_format_errors_name_the_problem(value: str, words: list[str]) -> None:
    message = check(normalize_snils, value)
    assert message is not None
    for word in words:
        assert word in message


def test_snils_bodies_up_to_001_001_998_carry_no_check() -> None:
    for cc in ("00", "01", "42", "99"):
        assert check(normalize_snils, f"001-001-998 {cc}") is None
        assert check(normalize_snils, f"000-000-001 {cc}") is None
    # the first checked body: only its own check number passes
    assert check(normalize_snils, "001-001-999 65") is None
    assert check(normalize_snils, "001-001-999 00") == "Неверное контрольное число СНИЛС"


@PROPERTY
@given(body=st.integers(0, SNILS_UNCHECKED_MAX), cc=st.integers(0, 99))
def test_snils_unchecked_range_accepts_any_check_number(body: int, cc: int) -> None:
    value = f"{body:09d}{cc:02d}"
    assert normalize_snils(value) == value


def test_format_snils() -> None:
    assert format_snils("11223344595") == "112-233-445 95"
    assert format_snils("1122334459") == "1122334459"  # not 11 digits: unchanged
    assert format_snils("112233445ab") == "112233445ab"


@PROPERTY
@given(valid_snils())
def test_format_snils_round_trips(digits: str) -> None:
    shown = format_snils(digits)
    assert len(shown) == 14 and shown[3] == shown[7] == "-" and shown[11] == " "
    assert normalize_snils(shown) == digits


# --- INN, OGRN, OGRNIP vectors -------------------------------------------------------------

VALID_VECTORS = [
    ("inn10", "7707083893"),
    ("inn10", "3337234788"),
    ("inn10", "3334298582"),
    ("inn10", "3331741460"),
    ("inn12", "332087096400"),
    ("inn12", "332183105418"),
    ("inn12", "331415153814"),
    ("ogrn", "1027700132195"),
    ("ogrn", "1133324980030"),  # remainder 10 → 0
    ("ogrn", "5133301584862"),
    ("ogrn", "5083308058114"),
    ("ogrn", "1053308500640"),
    ("ogrn", "1026605606620"),
    ("ogrn", "5077746725964"),
    ("ogrn", "1022200525819"),
    ("ogrnip", "315333367975982"),  # remainder 12 → 2
    ("ogrnip", "309336919733641"),  # remainder 11 → 1
    ("ogrnip", "318334710766510"),  # remainder 10 → 0
    ("ogrnip", "311330875279702"),
    ("ogrnip", "305333496855132"),
    ("ogrnip", "309565808600188"),
    ("ogrnip", "385768585948949"),
]


@pytest.mark.parametrize(("kind", "value"), VALID_VECTORS)
def test_valid_vectors(kind: str, value: str) -> None:
    assert NORMALIZERS[kind](value) == value
    assert check(NORMALIZERS[kind], value) is None
    assert oracle_verdict(kind, value) is None


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("inn10", "7707083894"),
        ("inn10", "3337234789"),
        ("inn10", "3334298583"),
        ("inn12", "332087096401"),  # d12 wrong
        ("inn12", "332183105428"),  # d11 wrong
        ("inn12", "331415153815"),
        ("ogrn", "1133324980031"),  # naive "remainder 10 → 1"
        ("ogrn", "5133301584863"),
        ("ogrnip", "315333367975983"),
        ("ogrnip", "318334710766511"),
    ],
)
def test_invalid_check_digit_vectors(kind: str, value: str) -> None:
    with pytest.raises(InvalidValue) as exc:
        NORMALIZERS[kind](value)
    assert exc.value.message == f"Неверное контрольное число {NAMES[kind]}"


@pytest.mark.parametrize(
    ("kind", "value", "message"),
    [
        ("inn12", "3337234788", "ИНН должен содержать 12 цифр"),  # a company ИНН in the ИП form
        ("inn10", "332087096400", "ИНН должен содержать 10 цифр"),
        ("ogrn", "10277001321950", "ОГРН должен содержать 13 цифр"),
        ("ogrnip", "5133301584862", "ОГРНИП должен содержать 15 цифр"),  # an ОГРН
    ],
)
def test_wrong_length_messages(kind: str, value: str, message: str) -> None:
    assert check(NORMALIZERS[kind], value) == message


@pytest.mark.parametrize(
    ("kind", "value"),
    [("inn10", "77O7083893"), ("inn12", "33208709640О"), ("ogrn", "1027700132I95")],
)
def test_letters_are_refused(kind: str, value: str) -> None:
    message = check(NORMALIZERS[kind], value)
    assert message is not None and "только цифры" in message


@pytest.mark.parametrize("kind", list(NORMALIZERS))
def test_empty_value_asks_for_it(kind: str) -> None:
    assert check(NORMALIZERS[kind], "") == f"Укажите {NAMES[kind]}"
    assert check(NORMALIZERS[kind], "   ") == f"Укажите {NAMES[kind]}"


def test_first_digit_rules() -> None:
    # 2027700132195 has a correct check digit for its body but an ОГРН starts with 1 or 5
    body = "202770013219"
    message = check(normalize_ogrn, body + oracle_ogrn_check(body))
    assert message is not None and "начинается с цифры 1 или 5" in message
    body = "41533336797598"
    message = check(normalize_ogrnip, body + oracle_ogrnip_check(body))
    assert message is not None and "начинается с цифры 3" in message


@pytest.mark.parametrize(
    ("kind", "value", "digits"),
    [
        ("inn10", " 7707 083 893 ", "7707083893"),
        ("inn12", "3320-8709-6400", "332087096400"),
        ("ogrn", "1 02 77 00 13219 5", "1027700132195"),
        ("ogrnip", "3 15 33 336797598 2", "315333367975982"),
    ],
)
def test_spaces_and_hyphens_are_stripped_for_every_identifier(
    kind: str, value: str, digits: str
) -> None:
    assert NORMALIZERS[kind](value) == digits


# --- properties ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(NORMALIZERS))
def test_generated_valid_numbers_pass(kind: str) -> None:
    @PROPERTY
    @given(VALID[kind])
    def run(digits: str) -> None:
        assert NORMALIZERS[kind](digits) == digits
        assert check(NORMALIZERS[kind], digits) is None

    run()


@st.composite
def one_digit_changed(draw: st.DrawFn, kind: str) -> tuple[str, str, int]:
    digits = draw(VALID[kind])
    index = draw(st.integers(0, len(digits) - 1))
    new = draw(st.sampled_from([d for d in string.digits if d != digits[index]]))
    return digits, digits[:index] + new + digits[index + 1 :], index


@pytest.mark.parametrize("kind", list(NORMALIZERS))
def test_changing_one_digit_fails(kind: str) -> None:
    """A one-digit change is refused — by the first-digit rule or by the check number.

    The sole exception is built into the algorithms themselves: the check folds two remainders
    onto one digit (СНИЛС 100 and 0 → 00; ИНН/ОГРН 10 and 0 → 0; ОГРНИП 10..12 and 0..2), so a
    change that moves the remainder between such a pair keeps the number valid. The oracle
    recognises those; for them the code must agree that the number is valid.
    """

    @PROPERTY
    @given(one_digit_changed(kind))
    def run(case: tuple[str, str, int]) -> None:
        original, changed, index = case
        if kind == "snils":
            # a body in the unchecked range carries no check at all
            assume(int(changed[:9]) > SNILS_UNCHECKED_MAX)
        verdict = oracle_verdict(kind, changed)
        if index == 0 and kind == "ogrnip":
            assert verdict == "first_digit"
        if index == 0 and kind == "ogrn" and changed[0] not in "15":
            assert verdict == "first_digit"
        if verdict is None:
            note(f"{original} → {changed}: the remainder moved within a folded pair")
            check_len = {"snils": 2, "inn12": 2}.get(kind, 1)
            assert index < len(changed) - check_len, "a changed check digit cannot stay valid"
        assert_verdict(kind, changed, verdict)

    run()


@pytest.mark.parametrize(
    ("kind", "original", "changed"),
    [
        # S = 100 → S = 101: both give 00
        ("snils", "02700431800", "02700431900"),
    ],
)
def test_folded_remainders_are_the_only_escape(kind: str, original: str, changed: str) -> None:
    """Documents why the property above allows valid one-digit changes at all."""
    assert oracle_verdict(kind, original) is None
    assert oracle_verdict(kind, changed) is None
    assert check(NORMALIZERS[kind], changed) is None


@pytest.mark.parametrize("kind", list(NORMALIZERS))
def test_any_digit_string_matches_the_oracle(kind: str) -> None:
    """Differential test over digits with separators: the code and the oracle agree."""

    @PROPERTY
    @given(st.text(alphabet=string.digits + " -", max_size=20))
    @example("001-001-998 00")
    @example("001-001-999 00")
    def run(value: str) -> None:
        digits = value.replace(" ", "").replace("-", "")
        if not digits:
            assert check(NORMALIZERS[kind], value) == f"Укажите {NAMES[kind]}"
            return
        assert_verdict(kind, value, oracle_verdict(kind, digits))

    run()


@pytest.mark.parametrize("kind", list(NORMALIZERS))
def test_random_text_only_raises_invalid_value(kind: str) -> None:
    normalize = NORMALIZERS[kind]

    @PROPERTY
    @given(st.text())
    def run(value: str) -> None:
        try:
            result = normalize(value)
        except InvalidValue as exc:
            assert exc.message and any("а" <= ch.lower() <= "я" for ch in exc.message)
            assert check(normalize, value) == exc.message
        else:
            assert result.isascii() and result.isdigit()
            assert oracle_verdict(kind, result) is None
            assert check(normalize, value) is None

    run()
