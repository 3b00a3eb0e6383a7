"""The remembered session token, kept in the OS keyring and nowhere else.

Only the opaque session token is stored, never the password. Without a keyring backend
(a headless Linux box, say) :class:`KeyringUnavailable` says so, and the app keeps the
session in memory only.
"""

from __future__ import annotations

SERVICE = "voek_desktop"


class KeyringUnavailable(Exception):
    MESSAGE = (
        "Не удалось запомнить вход: в системе нет доступного хранилища паролей"
        " (например, «Связки ключей» GNOME или KWallet). Вход будет действовать, пока открыто"
        " приложение."
    )

    def __init__(self) -> None:
        super().__init__(self.MESSAGE)


def _keyring():
    import keyring
    import keyring.errors

    return keyring, keyring.errors


def _usable(backend: object) -> bool:
    module = type(backend).__module__
    # The fail backend raises on use; the null one drops writes; plaintext files are no vault.
    return not (
        module.startswith("keyring.backends.fail")
        or ".null" in module
        or module.startswith("keyrings.alt")
    )


class TokenStore:
    """One remembered token per server, stored under the keyring user ``user``: the server
    address, or a fixed name."""

    def __init__(self, user: str) -> None:
        self.user = user.rstrip("/")

    def save(self, token: str) -> None:
        keyring, errors = _keyring()
        if not _usable(keyring.get_keyring()):
            raise KeyringUnavailable
        try:
            keyring.set_password(SERVICE, self.user, token)
        except errors.KeyringError:
            raise KeyringUnavailable from None

    def load(self) -> str | None:
        keyring, errors = _keyring()
        try:
            return keyring.get_password(SERVICE, self.user)
        except errors.KeyringError:
            return None

    def delete(self) -> None:
        keyring, errors = _keyring()
        try:
            keyring.delete_password(SERVICE, self.user)
        except errors.PasswordDeleteError:
            pass  # nothing was remembered
        except errors.KeyringError:
            pass  # no backend: nothing can have been stored
