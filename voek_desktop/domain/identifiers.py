"""Russian identifiers: СНИЛС, ИНН, ОГРН, ОГРНИП (docs/design.md "Identifiers").

Every ``normalize_*`` returns the canonical digits-only form or raises :class:`InvalidValue`
with a message that names the problem. ``check_*`` returns that message or ``None``.
"""

from __future__ import annotations

from collections.abc import Callable

from voek_desktop.domain.errors import InvalidValue

_SEPARATORS = str.maketrans("", "", " -\u00a0\t")

# Bodies up to this one were issued before check numbers existed.
_SNILS_UNCHECKED_MAX = 1001998


def format_snils(digits: str) -> str:
    """``11223344595`` → ``112-233-445 95``; anything else is returned as it was (shown as users
    see it; :mod:`.formats` has it with the other formats)."""
    if len(digits) != 11 or not digits.isdigit():
        return digits
    return f"{digits[0:3]}-{digits[3:6]}-{digits[6:9]} {digits[9:]}"


def _digits(value: str, name: str, length: int) -> str:
    text = (value or "").strip().translate(_SEPARATORS)
    if not text:
        raise InvalidValue(f"Укажите {name}")
    if not (text.isascii() and text.isdigit()):
        raise InvalidValue(f"{name} может содержать только цифры")
    if len(text) != length:
        raise InvalidValue(f"{name} должен содержать {length} {_digit_word(length)}")
    return text


def _digit_word(n: int) -> str:
    if n % 10 == 1 and n % 100 != 11:
        return "цифру"
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return "цифры"
    return "цифр"


def snils_check_number(body: str) -> int:
    """Check number of a 9-digit СНИЛС body: weights 9..1, (S mod 101) mod 100."""
    total = sum(int(d) * w for d, w in zip(body, range(9, 0, -1), strict=True))
    return total % 101 % 100


def normalize_snils(value: str) -> str:
    digits = _digits(value, "СНИЛС", 11)
    body = digits[:9]
    if int(body) > _SNILS_UNCHECKED_MAX and snils_check_number(body) != int(digits[9:]):
        raise InvalidValue("Неверное контрольное число СНИЛС")
    return digits


_INN10_WEIGHTS = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN11_WEIGHTS = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_WEIGHTS = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


def _weighted(digits: str, weights: tuple[int, ...]) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11 % 10


def inn_check_digits(body: str) -> str:
    """The check digit(s) for a 9-digit (company) or 10-digit (person) ИНН body."""
    if len(body) == 9:
        return str(_weighted(body, _INN10_WEIGHTS))
    d11 = _weighted(body, _INN11_WEIGHTS)
    d12 = _weighted(body + str(d11), _INN12_WEIGHTS)
    return f"{d11}{d12}"


def normalize_inn(value: str, length: int) -> str:
    """ИНН of a company (``length=10``) or of a person / sole proprietor (``length=12``)."""
    if length not in (10, 12):
        raise ValueError("ИНН has 10 or 12 digits")
    digits = _digits(value, "ИНН", length)
    body = digits[: length - (1 if length == 10 else 2)]
    if digits[len(body) :] != inn_check_digits(body):
        raise InvalidValue("Неверное контрольное число ИНН")
    return digits


def ogrn_check_digit(body: str) -> int:
    """ОГРН (12-digit body, mod 11) or ОГРНИП (14-digit body, mod 13): the remainder's units."""
    return int(body) % (11 if len(body) == 12 else 13) % 10


def normalize_ogrn(value: str) -> str:
    digits = _digits(value, "ОГРН", 13)
    if digits[0] not in "15":
        raise InvalidValue("ОГРН юридического лица начинается с цифры 1 или 5")
    if ogrn_check_digit(digits[:12]) != int(digits[12]):
        raise InvalidValue("Неверное контрольное число ОГРН")
    return digits


def normalize_ogrnip(value: str) -> str:
    digits = _digits(value, "ОГРНИП", 15)
    if digits[0] != "3":
        raise InvalidValue("ОГРНИП начинается с цифры 3")
    if ogrn_check_digit(digits[:14]) != int(digits[14]):
        raise InvalidValue("Неверное контрольное число ОГРНИП")
    return digits


def normalize_inn10(value: str) -> str:
    return normalize_inn(value, 10)


def normalize_inn12(value: str) -> str:
    return normalize_inn(value, 12)


def check(normalizer: Callable[[str], str], value: str) -> str | None:
    """The Russian error message for ``value``, or ``None`` when it is valid."""
    try:
        normalizer(value)
    except InvalidValue as exc:
        return exc.message
    return None
