"""The app's side of identity: log in and out, the remembered session, the consumer's cache.

Blocking calls, Qt-free: the UI runs them on its worker thread.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from voek_desktop.api.errors import ApiError, NetworkError
from voek_desktop.cache import ConsumerCache
from voek_desktop.credentials import KeyringUnavailable, TokenStore

if TYPE_CHECKING:
    from voek_desktop.api.client import CabinetClient
    from voek_desktop.api.models import Profile


class LoginResult(NamedTuple):
    profile: Profile
    warning: str | None = None  # e.g. the token could not be remembered


class Account:
    def __init__(self, server_url: str, keyring_account: str | None = None) -> None:
        self.server_url = server_url.rstrip("/")
        self.tokens = TokenStore(keyring_account or self.server_url)
        self.profile: Profile | None = None
        self._client: CabinetClient | None = None

    @property
    def client(self) -> CabinetClient:
        if self._client is None:
            # requests is heavy to import: not before the first call, and never on start-up.
            from voek_desktop.api.client import CabinetClient

            self._client = CabinetClient(self.server_url)
        return self._client

    def cache(self) -> ConsumerCache | None:
        return None if self.profile is None else ConsumerCache(self.server_url, self.profile.id)

    def resume(self) -> Profile | None:
        """Log in with the token remembered by «Запомнить меня», if there is a live one."""
        token = self.tokens.load()
        if not token:
            return None
        self.client.token = token
        try:
            profile = self.client.profile()
        except ApiError as exc:
            self.client.token = None
            if exc.status == 401:
                self.tokens.delete()
                return None
            raise
        self._logged_in(profile)
        return profile

    def log_in(self, consumer_type: str, login: str, password: str, remember: bool) -> LoginResult:
        session = self.client.log_in(consumer_type, login, password, remember)
        self._logged_in(session.consumer)
        warning = None
        if remember:
            try:
                self.tokens.save(session.token)
            except KeyringUnavailable as exc:
                warning = str(exc)
        else:
            self.tokens.delete()  # an older «Запомнить меня» must not outlive this choice
        return LoginResult(session.consumer, warning)

    def refresh_profile(self) -> Profile:
        profile = self.client.profile()
        self._logged_in(profile)
        return profile

    def remember_profile(self, profile: Profile) -> None:
        self._logged_in(profile)

    def _logged_in(self, profile: Profile) -> None:
        from dataclasses import asdict

        self.profile = profile
        cache = self.cache()
        assert cache is not None
        cache.put("profile", asdict(profile))

    def log_out(self) -> str | None:
        """End the session everywhere. Local traces go even when the server is unreachable;
        the returned text says so in that case."""
        warning = None
        try:
            self.client.log_out()
        except NetworkError:
            warning = (
                "Сервер недоступен: сеанс на сервере завершится сам, а на этом компьютере"
                " данные уже удалены."
            )
        except ApiError:
            pass
        finally:
            self.client.token = None
            self.tokens.delete()
            cache = self.cache()
            if cache is not None:
                cache.wipe()
            self.profile = None
        return warning
