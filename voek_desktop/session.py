"""The app's side of identity: log in and out, the remembered session, the consumer's cache.

Blocking calls, Qt-free: the UI runs them on its worker thread.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from voek_desktop.api.errors import ApiError, NetworkError
from voek_desktop.cache import CompanyRequisites, ConsumerCache, KnownServers
from voek_desktop.credentials import KeyringUnavailable, TokenStore
from voek_desktop.scans import ScanInbox

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

    from voek_desktop.api.client import CabinetClient
    from voek_desktop.api.models import Profile
    from voek_desktop.domain.company import Requisites

T = TypeVar("T", bound="DataclassInstance")  # remembered() keeps asdict() of each


class OfflineCopy(list):
    """What was fetched last time, shown read-only while the server cannot be reached."""

    def __init__(self, items: list[Any], fetched_at: str) -> None:
        super().__init__(items)
        self.fetched_at = fetched_at  # ISO time of the last successful fetch


class LoginResult(NamedTuple):
    profile: Profile
    warning: str | None = None  # e.g. the token could not be remembered


class Session:
    """The login session as the app holds it: who is logged in, their client, token and cache."""

    def __init__(
        self,
        server_url: str,
        keyring_user: str | None = None,
        *,
        clerk: bool = False,
        scanner_folder: str = "",
    ) -> None:
        self.server_url = server_url.rstrip("/")
        self._keyring_user = keyring_user
        self.tokens = TokenStore(keyring_user or self.server_url)
        # Clerk mode (docs/design.md "Clerk mode"): a shared PC — no keyring, nothing of a visitor
        # on disk.
        self.clerk = clerk
        self.profile: Profile | None = None
        self._client: CabinetClient | None = None
        self._cache: ConsumerCache | None = None
        self._login: tuple[str, str] | None = None  # (consumer_type, login) for unlocking
        # The server's own id keys what is kept locally (docs/design.md "Identity"); known once
        # it answered GET /health, remembered per address for when it cannot be asked.
        self._servers = KnownServers()
        self.server_id: str | None = None
        # The grid company's requisites: this run's answer, and the copy kept per server.
        self._company = CompanyRequisites()
        self._requisites: Requisites | None = None
        # The desk scanner's folder: a visit's scans are offered, then deleted at its end.
        self.scans = ScanInbox(scanner_folder) if clerk and scanner_folder else None

    def configure(self, server_url: str, *, clerk: bool, scanner_folder: str) -> None:
        """New settings, in force from the next login: another server gets a new client and its
        own remembered token. Runs on the worker after whatever still uses the old client."""
        if self.profile is not None:
            raise RuntimeError("log out before changing the server or the desk")
        server_url = server_url.rstrip("/")
        if server_url != self.server_url:
            if self._client is not None:
                self._client.close()
            self._client = None
            self.server_url = server_url
            self.server_id = None  # another server: asked again at the next login
            self._requisites = None
            self.tokens = TokenStore(self._keyring_user or server_url)
        self.clerk = clerk
        self.scans = ScanInbox(scanner_folder) if clerk and scanner_folder else None

    @property
    def client(self) -> CabinetClient:
        if self._client is None:
            # requests is heavy to import: not before the first call, and never on start-up.
            from voek_desktop.api.client import CabinetClient

            self._client = CabinetClient(self.server_url)
        return self._client

    def cache(self) -> ConsumerCache | None:
        return self._cache

    def server_key(self) -> str:
        """What local data of this server is kept under: its id, or its address while unknown."""
        if self.server_id is None and not self.clerk:
            self.server_id = self._servers.get(self.server_url)
        return self.server_id or self.server_url

    def _identify(self) -> None:
        """Ask the server who it is (before the consumer's cache is opened)."""
        try:
            server_id = self.client.health().get("server_id")
        except ApiError:
            return  # an older server, or a hiccup: the remembered id or the address does
        if isinstance(server_id, str) and server_id:
            self.server_id = server_id
            if not self.clerk:  # a shared PC keeps nothing it does not need
                self._servers.put(self.server_url, server_id)

    def fetch_requisites(self) -> Requisites:
        """Ask the server for the grid company's requisites and keep them for offline printing
        (API worker thread). Raises ApiError when it cannot be asked."""
        requisites = self.client.company()
        self._requisites = requisites
        self._identify_once()
        # Under the id and the address: found again by either, whichever is known next time.
        for key in {self.server_url, self.server_key()}:
            self._company.put(key, requisites.as_json())
        return requisites

    def requisites(self) -> Requisites:
        """The requisites to print with: this run's answer, else the kept copy of this server,
        else the name alone (any thread: no network)."""
        from voek_desktop.domain.company import UNKNOWN, requisites_from_json
        from voek_desktop.domain.errors import InvalidValue

        if self._requisites is not None:
            return self._requisites
        for key in (self.server_key(), self.server_url):
            kept = self._company.get(key)
            if kept is not None:
                try:
                    return requisites_from_json(kept)
                except InvalidValue:
                    continue  # an edited or older file: the next copy, or none
        return UNKNOWN

    def _identify_once(self) -> None:
        if self.server_id is None:
            self._identify()

    def resume(self) -> Profile | None:
        """Log in with the token remembered by «Запомнить меня»; None when there is none, an
        ApiError with ``needs_login`` when it has expired."""
        if self.clerk:
            return None
        token = self.tokens.load()
        if not token:
            return None
        self.client.token = token
        try:
            self._identify()
            profile = self.client.profile()
        except ApiError as exc:
            self.client.token = None
            if exc.needs_login:
                self.tokens.delete()  # expired or ended: the caller says so at the login
            raise
        self._logged_in(profile)
        return profile

    def log_in(self, consumer_type: str, login: str, password: str, remember: bool) -> LoginResult:
        remember = remember and not self.clerk
        granted = self.client.log_in(consumer_type, login, password, remember)
        self._identify()
        self._login = (consumer_type, login)
        previous = self.profile  # still set after an expired session (see expired())
        if previous is None or previous.id != granted.consumer.id:
            if previous is not None:
                self._forget_visit()
            if self.scans is not None:
                self.scans.start()  # not again for the same visitor: their scans stay theirs
        self._logged_in(granted.consumer)
        warning = None
        if self.clerk:
            pass  # the keyring of a shared PC is not touched at all
        elif remember:
            try:
                self.tokens.save(granted.token)
            except KeyringUnavailable as exc:
                warning = str(exc)
        else:
            self.tokens.delete()  # an older «Запомнить меня» must not outlive this choice
        return LoginResult(granted.consumer, warning)

    def refresh_profile(self) -> Profile:
        profile = self.client.profile()
        self._logged_in(profile)
        return profile

    def remember_profile(self, profile: Profile) -> None:
        self._logged_in(profile)

    def _logged_in(self, profile: Profile) -> None:
        from dataclasses import asdict

        if self._cache is None or self.profile is None or self.profile.id != profile.id:
            self._cache = ConsumerCache(
                self.server_key(), profile.id, in_memory=self.clerk, formerly=self.server_url
            )
        self.profile = profile
        self._cache.put("profile", asdict(profile))

    def remembered(
        self, key: str, fetch: Callable[[], list[T]], decode: Callable[[dict], T]
    ) -> list[T]:
        """``fetch()``, keeping a copy in the consumer's cache; when the server cannot be
        reached, the last copy as an :class:`OfflineCopy` (docs/design.md "Conventions": work
        offline where it can).
        Not in clerk mode: a shared PC keeps nothing of a visitor for later."""
        from dataclasses import asdict
        from datetime import UTC, datetime

        cache = None if self.clerk else self._cache
        try:
            items = fetch()
        except NetworkError:
            saved = cache.get(f"offline-{key}") if cache is not None else None
            if not saved:
                raise
            return OfflineCopy([decode(item) for item in saved["items"]], saved["fetched_at"])
        if cache is not None:
            cache.put(
                f"offline-{key}",
                {
                    "fetched_at": datetime.now(UTC).isoformat(timespec="seconds"),
                    "items": [asdict(item) for item in items],
                },
            )
        return items

    def unlock(self, password: str) -> Profile:
        """Prove it is still the same person after the screen locked: a fresh login with the
        same identifier; the session from before the lock is ended."""
        if self._login is None:
            raise RuntimeError("nobody is logged in")
        old_token = self.client.token
        granted = self.client.log_in(*self._login, password, False)
        if old_token and old_token != granted.token:
            from voek_desktop.api.client import CabinetClient

            with contextlib.suppress(ApiError):
                CabinetClient(self.server_url, old_token, retries=0).log_out()
        self._logged_in(granted.consumer)
        return granted.consumer

    def expired(self) -> None:
        """The server said the session is over (401). The token is dead, also in the keyring;
        who was logged in and their cache stay, so that logging in again as the same consumer
        carries on where they were. Someone else logging in drops them (log_in)."""
        self.client.token = None
        if not self.clerk:
            self.tokens.delete()

    def _forget_visit(self) -> None:
        """What logging out leaves behind of a consumer whose session expired and who did not
        come back. At a desk (clerk mode) nothing of them stays; on a personal PC their
        drafts and offline copies stay on disk for their next login, as after closing the app."""
        if self.clerk:
            if self._cache is not None:
                self._cache.wipe()
            if self.scans is not None:
                self.scans.wipe()
        self._cache = None
        self.profile = None

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
            if not self.clerk:
                self.tokens.delete()
            if self._cache is not None:
                self._cache.wipe()
            self._cache = None
            if self.scans is not None:
                self.scans.wipe()
            self.profile = None
            self._login = None
        return warning
