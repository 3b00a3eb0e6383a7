"""Phone, e-mail and password rules (docs/design.md "Identity")."""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files

from voek_desktop.domain.errors import InvalidValue
from voek_desktop.domain.formats import format_phone as format_phone  # shown as users see it

PASSWORD_MIN = 8
PASSWORD_MAX = 128
EMAIL_MAX = 254

# Patterns are compiled on first use (re caches them), not at import: start-up is timed.
_PHONE_JUNK = r"[\s()\-.\u00a0]"
# Two parts, a dot in the domain, no spaces; ownership is proven by the link, not by a regex.
_LABEL = r"[A-Za-z0-9\u0400-\u04ff](?:[A-Za-z0-9\u0400-\u04ff-]*[A-Za-z0-9\u0400-\u04ff])?"
# Domain labels start and end with a letter or digit; the last one has a letter.
_EMAIL = rf"^[^@\s]{{1,64}}@(?:{_LABEL}\.)+(?=[^.]*[A-Za-z\u0400-\u04ff]){_LABEL}$"


def normalize_phone(value: str) -> str:
    """A Russian number in any common form → ``+7XXXXXXXXXX``."""
    text = re.sub(_PHONE_JUNK, "", (value or "").strip())
    if not text:
        raise InvalidValue("Укажите контактный телефон")
    if text.startswith("+"):
        if not text.startswith("+7"):
            raise InvalidValue("Укажите российский номер телефона: +7 и 10 цифр")
        text = text[2:]
    elif len(text) == 11 and text[0] in "78":
        text = text[1:]
    if not (text.isascii() and text.isdigit()):
        raise InvalidValue("Номер телефона может содержать только цифры, пробелы, скобки и дефисы")
    if len(text) != 10:
        raise InvalidValue("Номер телефона должен содержать 10 цифр после +7")
    if text[0] not in "3489":
        raise InvalidValue("Такого кода в российских номерах нет: номер начинается с 3, 4, 8 или 9")
    return "+7" + text


def normalize_email(value: str) -> str:
    text = (value or "").strip()
    if not text:
        raise InvalidValue("Укажите адрес электронной почты")
    if len(text) > EMAIL_MAX or not re.match(_EMAIL, text):
        raise InvalidValue("Адрес электронной почты указан неверно, пример: ivanov@mail.ru")
    local, domain = text.rsplit("@", 1)
    # The domain part is case-insensitive; the local part is kept as typed.
    return f"{local}@{domain.lower()}"


@cache
def _common_passwords() -> frozenset[str]:
    # Package data like the fonts: from a wheel, a zip or a PyInstaller bundle alike.
    text = files(__package__ or __name__).joinpath("common_passwords.txt").read_text("utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip())


def check_password(password: str) -> None:
    if not password:
        raise InvalidValue("Укажите пароль")
    if len(password) < PASSWORD_MIN:
        raise InvalidValue(f"Пароль должен содержать не менее {PASSWORD_MIN} символов")
    if len(password) > PASSWORD_MAX:
        raise InvalidValue(f"Пароль должен содержать не более {PASSWORD_MAX} символов")
    if password.lower() in _common_passwords():
        raise InvalidValue("Этот пароль слишком распространён, придумайте другой")


def check_password_pair(password: str, confirmation: str) -> dict[str, str]:
    """Errors by field for a new password and its confirmation."""
    errors: dict[str, str] = {}
    try:
        check_password(password)
    except InvalidValue as exc:
        errors["password"] = exc.message
    if password != confirmation:
        errors["password_confirmation"] = "Пароли не совпадают"
    return errors
