"""The API client: typed methods over ``requests``.

Every call has a timeout; only idempotent calls are retried (with back-off, honouring a short
``Retry-After``); every failure is an :class:`ApiError` carrying the server's code, Russian
message and per-field texts. Not thread-safe: the app calls it from one worker thread.

The server is not trusted (docs/design.md "A malicious server"): plain http:// only to this
computer, no redirect of a request with a body and none to another origin, answers read up to
a size, ids checked before they go into a URL or a file name.
"""

from __future__ import annotations

import json as jsonlib
import time
from collections import OrderedDict
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self, cast
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import requests
import urllib3.exceptions
from requests.adapters import HTTPAdapter
from urllib3.connectionpool import ConnectionPool
from urllib3.response import BaseHTTPResponse
from urllib3.util.retry import Retry

from voek_desktop import __version__
from voek_desktop.api.applications import ApplicationsApi
from voek_desktop.api.errors import ApiError, BadResponse, NetworkError
from voek_desktop.api.metering import MeteringApi
from voek_desktop.api.models import (
    DemoRegistry,
    EmailChange,
    Profile,
    Registration,
    SentMail,
    SessionToken,
)
from voek_desktop.api.notifications import NotificationsApi
from voek_desktop.settings import server_url_problem

if TYPE_CHECKING:
    from voek_desktop.domain.company import Requisites

# (connect, read) seconds.
DEFAULT_TIMEOUT = (3.05, 20.0)
IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
# The bundled server closes a kept-alive connection after 5 s of quiet. A POST sent just as it
# does fails, and is not resent (the server may have had it), so after this long a POST or
# PATCH opens a fresh connection instead. GETs are resent and reuse whatever is there.
REUSE_IDLE_SECONDS = 4.0
# A Retry-After longer than this is not waited for on the worker (every other call would wait
# behind it): the user is told when to try again instead.
MAX_RETRY_WAIT = 5.0
MAX_JSON_BYTES = 16 * 1024 * 1024  # the largest answer (a year of half-hours) is under 1 MB
MAX_ERROR_BYTES = 64 * 1024
FOLLOWS_REDIRECTS = frozenset({"GET", "HEAD"})  # never a request with a body (a password)
# Answers kept for If-None-Match: one per (token, address); the app polls a handful of lists,
# so this bound is only there to stop a long session from growing without end.
REMEMBERED_ANSWERS = 200


class _ShortRetry(Retry):
    """Retry that gives up at once, returning the answer, when the server asks for a long wait."""

    def increment(
        self,
        method: str | None = None,
        url: str | None = None,
        response: BaseHTTPResponse | None = None,
        error: Exception | None = None,
        _pool: ConnectionPool | None = None,
        _stacktrace: TracebackType | None = None,
    ) -> Self:
        if response is not None and _pool is not None:
            wait = self.get_retry_after(response)
            if wait is not None and wait > MAX_RETRY_WAIT:
                # With raise_on_status=False, urllib3 hands the answer back instead.
                raise urllib3.exceptions.MaxRetryError(_pool, url or "", None)
        return super().increment(method, url, response, error, _pool, _stacktrace)


class _SameOriginSession(requests.Session):
    """Follows a redirect only within the scheme, host and port it was sent to: a hijacked or
    malicious server must not bounce the token to another site. (Requests with a body follow
    none at all: :data:`FOLLOWS_REDIRECTS`.)"""

    def get_redirect_target(self, resp: requests.Response) -> str | None:
        target = super().get_redirect_target(resp)
        if target is None or _origin(urljoin(resp.url, target)) != _origin(resp.url):
            return None  # the 3xx itself is the answer: send() turns it into an ApiError
        return target


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    default = {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), parts.port or default


def extract_token(text: str) -> str:
    """The token from a pasted e-mail link (``…?token=X``) or the bare code."""
    text = text.strip()
    if "token=" in text:
        values = parse_qs(urlsplit(text).query).get("token") or parse_qs(text).get("token")
        if values:
            return values[0].strip()
    return text


class CabinetClient(MeteringApi, ApplicationsApi, NotificationsApi):
    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        *,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        retries: int = 3,
    ) -> None:
        self.base_url = base_url.rstrip("/") + "/api/v1"
        # Refused addresses (a hand-edited settings file) fail every call with the reason.
        self.refusal = server_url_problem(base_url)
        self.token = token
        self.timeout = timeout
        self.http = _SameOriginSession()
        self.http.headers["User-Agent"] = f"voek-desktop/{__version__}"
        self.http.headers["Accept"] = "application/json"
        retry = _ShortRetry(
            total=retries,
            connect=retries,
            read=retries,
            status=retries,
            backoff_factor=0.5,
            allowed_methods=IDEMPOTENT,
            status_forcelist=(502, 503, 504),
            respect_retry_after_header=True,
            raise_on_status=False,
        )
        # POST and PATCH are never resent: the first attempt may have reached the server.
        self.http.mount("http://", HTTPAdapter(max_retries=retry))
        self.http.mount("https://", HTTPAdapter(max_retries=retry))
        self._last_used = 0.0
        # (token, path?query) → (ETag, body): in memory only, gone with the session.
        self._answers: OrderedDict[tuple[str, str], tuple[str, bytes]] = OrderedDict()

    # --- plumbing -------------------------------------------------------------------------

    def send(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, Any] | None = None,
        data: Any = None,
        headers: dict[str, str] | None = None,
        stream: bool = False,
        timeout: tuple[float, float] | None = None,
        max_bytes: int | None = None,
    ) -> requests.Response:
        """One HTTP call with the session token; a 3xx/4xx/5xx or no answer raises ApiError.

        For raw bodies (uploads: ``data``) and streamed answers (downloads: ``stream=True``);
        JSON calls use :meth:`request`. Unless streamed, the body is read here, at most
        ``max_bytes`` of it."""
        if self.refusal:
            raise ApiError(0, "insecure_server", self.refusal)
        all_headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        all_headers.update(headers or {})
        if method not in IDEMPOTENT and time.monotonic() - self._last_used > REUSE_IDLE_SECONDS:
            for adapter in self.http.adapters.values():
                # Only HTTPAdapters are mounted (ours and requests' defaults); the stubs type
                # the mapping as BaseAdapter, which has no pool.
                cast(HTTPAdapter, adapter).poolmanager.clear()
        try:
            response = self.http.request(
                method,
                self.base_url + path,
                json=json,
                params=params,
                data=data,
                headers=all_headers,
                timeout=timeout or self.timeout,
                stream=True,  # the body is read below, up to a size
                allow_redirects=method in FOLLOWS_REDIRECTS,
            )
        except requests.RequestException as exc:
            raise _network_error(exc) from None
        finally:
            self._last_used = time.monotonic()
        # A 304 is the answer to our If-None-Match (request() has the body), not a redirect.
        not_modified = response.status_code == 304 and "If-None-Match" in all_headers
        if response.status_code >= 300 and not not_modified:
            try:
                if response.status_code < 400:
                    raise ApiError(
                        response.status_code,
                        "redirect",
                        "Сервер перенаправил запрос на другой адрес; запрос не повторён."
                        " Проверьте адрес сервера в настройках.",
                    )
                raise _error_from(response, _read_body(response, MAX_ERROR_BYTES, tolerant=True))
            finally:
                response.close()
        if not stream:
            try:
                # What requests itself would have set for a non-streamed answer.
                response._content = _read_body(response, max_bytes or MAX_JSON_BYTES)
            finally:
                response.close()
        return response

    def request(
        self, method: str, path: str, json: Any = None, params: dict[str, Any] | None = None
    ) -> Any:
        """A JSON call: the decoded answer, or None for 204.

        A GET with a session revalidates the answer it got last time for the same address
        (``If-None-Match``); on 304 that answer is decoded again, so callers see no difference
        but the server sends no body (issue 12 "Stale screens": sections poll)."""
        key = remembered = None
        if method == "GET" and self.token:
            query = urlencode(sorted((k, v) for k, v in (params or {}).items() if v is not None))
            key = (self.token, f"{path}?{query}")
            remembered = self._answers.get(key)
        headers = {"If-None-Match": remembered[0]} if remembered else None
        response = self.send(method, path, json=json, params=params, headers=headers)
        content = response.content
        if key is not None:
            etag = response.headers.get("ETag", "")
            if response.status_code == 304 and remembered is not None:
                content = remembered[1]
                self._answers.move_to_end(key)
            elif response.status_code == 200 and etag and not etag.startswith("W/"):
                self._answers[key] = (etag, content)
                self._answers.move_to_end(key)
                while len(self._answers) > REMEMBERED_ANSWERS:
                    self._answers.popitem(last=False)
            else:
                self._answers.pop(key, None)
        if response.status_code == 204 or not content:
            return None
        try:
            return jsonlib.loads(content)
        except (ValueError, RecursionError):  # RecursionError: JSON nested thousands deep
            raise ApiError(
                response.status_code, "bad_response", "Сервер прислал непонятный ответ."
            ) from None

    def forget_answers(self) -> None:
        """Drop every answer kept for revalidation (logout: nothing of the consumer stays)."""
        self._answers.clear()

    def close(self) -> None:
        self.forget_answers()
        self.http.close()

    # --- identity -------------------------------------------------------------------------

    def health(self) -> dict[str, Any]:
        return cast("dict[str, Any]", self.request("GET", "/health"))

    def company(self) -> Requisites:
        """The grid company's requisites (``GET /company``, public); a malformed answer is an
        ApiError like any other, so a hostile server cannot put a bad ИНН on a printout."""
        from voek_desktop.domain.company import requisites_from_json
        from voek_desktop.domain.errors import InvalidValue

        data = self.request("GET", "/company")
        try:
            return requisites_from_json(data)
        except InvalidValue as exc:
            raise BadResponse(f"Сервер прислал неверные реквизиты: {exc.message}") from None

    def register(self, form: dict[str, Any]) -> Registration:
        data = self.request("POST", "/registrations", json=form)
        return Registration(data["message"], Profile.from_json(data["consumer"]))

    def activate(self, token_or_link: str) -> str:
        data = self.request("POST", "/activations", json={"token": extract_token(token_or_link)})
        return cast(str, data["message"])

    def resend_activation(self, email: str) -> str:
        return cast(
            str, self.request("POST", "/activations/resend", json={"email": email})["message"]
        )

    def log_in(self, consumer_type: str, login: str, password: str, remember: bool) -> SessionToken:
        data = self.request(
            "POST",
            "/sessions",
            json={
                "consumer_type": consumer_type,
                "login": login,
                "password": password,
                "remember": remember,
            },
        )
        session = SessionToken.from_json(data)
        self.forget_answers()  # kept under the old token: useless now, and another person's
        self.token = session.token
        return session

    def log_out(self) -> None:
        try:
            if self.token:
                self.request("DELETE", "/sessions/current")
        except ApiError as exc:
            if exc.status != 401:  # already over on the server: that is what we wanted
                raise
        finally:
            self.token = None
            self.forget_answers()

    def request_password_reset(self, email: str) -> str:
        return cast(str, self.request("POST", "/password-resets", json={"email": email})["message"])

    def confirm_password_reset(self, token_or_link: str, password: str, confirmation: str) -> str:
        data = self.request(
            "POST",
            "/password-resets/confirm",
            json={
                "token": extract_token(token_or_link),
                "password": password,
                "password_confirmation": confirmation,
            },
        )
        return cast(str, data["message"])

    def profile(self) -> Profile:
        return Profile.from_json(self.request("GET", "/profile"))

    def update_phone(self, phone: str) -> Profile:
        return Profile.from_json(self.request("PATCH", "/profile", json={"phone": phone}))

    def change_password(self, current: str, new: str, confirmation: str) -> str:
        data = self.request(
            "POST",
            "/profile/password",
            json={
                "current_password": current,
                "new_password": new,
                "new_password_confirmation": confirmation,
            },
        )
        return cast(str, data["message"])

    def change_email(self, email: str, current_password: str) -> EmailChange:
        data = self.request(
            "POST",
            "/profile/email",
            json={"email": email, "current_password": current_password},
        )
        return EmailChange(data["message"], Profile.from_json(data["profile"]))

    def confirm_email(self, token_or_link: str) -> str:
        data = self.request(
            "POST", "/email-confirmations", json={"token": extract_token(token_or_link)}
        )
        return cast(str, data["message"])

    def undo_email_change(self, token_or_link: str) -> str:
        """Take a confirmed e-mail change back with the link or code mailed to the old address;
        no session needed. The server ends every session and asks for a new password."""
        data = self.request(
            "POST", "/profile/email/undo", json={"token": extract_token(token_or_link)}
        )
        return cast(str, data["message"])

    # --- /dev (servers started with --dev) ------------------------------------------------

    def dev_outbox(self) -> list[SentMail]:
        return [SentMail.from_json(m) for m in self.request("GET", "/dev/outbox")["items"]]

    def dev_clock(self) -> str:
        return cast(str, self.request("GET", "/dev/clock")["now"])

    def dev_set_clock(self, now: str | None = None, advance_seconds: float | None = None) -> str:
        body: dict[str, Any] = {}
        if now is not None:
            body["now"] = now
        if advance_seconds is not None:
            body["advance_seconds"] = advance_seconds
        return cast(str, self.request("POST", "/dev/clock", json=body)["now"])

    def dev_run_jobs(self) -> list[dict[str, Any]]:
        """Run the background jobs that are due by the server's clock (archives) now."""
        return cast("list[dict[str, Any]]", self.request("POST", "/dev/jobs/run")["items"])

    def dev_registry(self) -> DemoRegistry:
        return DemoRegistry.from_json(self.request("GET", "/dev/registry"))


def _read_body(response: requests.Response, limit: int, *, tolerant: bool = False) -> bytes:
    """The body, read in pieces and refused past ``limit`` bytes (a 400 MB "JSON" answer once
    took the app to 1.2 GB). ``tolerant``: cut at the limit instead (an error's text)."""
    too_big = BadResponse("Ответ сервера слишком большой.")
    length = response.headers.get("Content-Length", "")
    if length.isdigit() and int(length) > limit and not tolerant:
        raise too_big
    body = bytearray()
    try:
        for chunk in response.iter_content(64 * 1024):
            body += chunk
            if len(body) > limit:
                if tolerant:
                    return bytes(body[:limit])
                raise too_big
    except requests.RequestException as exc:
        if tolerant:
            return bytes(body)
        raise _network_error(exc) from None
    return bytes(body)


def _network_error(exc: requests.RequestException) -> NetworkError:
    # With retries urllib3 wraps a timeout into MaxRetryError, which requests reports as a
    # ConnectionError: look at the reason to tell "slow" from "unreachable".
    # (urllib3's NewConnectionError, a refused connection, subclasses its timeout error.)
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    slow = isinstance(reason, urllib3.exceptions.TimeoutError) and not isinstance(
        reason, urllib3.exceptions.NewConnectionError
    )
    if isinstance(exc, requests.Timeout) or slow:
        return NetworkError("Сервер не ответил вовремя. Проверьте подключение и повторите попытку.")
    return NetworkError()


def _error_from(response: requests.Response, body: bytes) -> ApiError:
    import json

    retry_after = response.headers.get("Retry-After")
    wait = int(retry_after) if retry_after and retry_after.isdigit() else None
    if response.status_code == 503 and wait:
        return ApiError(
            503, "overloaded", f"Сервер перегружен, повторите через {_wait(wait)}.", None, wait
        )
    try:
        error = json.loads(body)["error"]
        code, message = str(error["code"]), str(error["message"])
        fields = error.get("fields") or {}
        correlation_id = error.get("correlation_id")
    except (ValueError, KeyError, TypeError, RecursionError):
        code = "http_error"
        message = f"Сервер ответил ошибкой {response.status_code}. Повторите попытку позже."
        fields, correlation_id = {}, None
    return ApiError(
        response.status_code,
        code,
        message,
        fields if isinstance(fields, dict) else {},
        wait,
        correlation_id,
    )


def _wait(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} с"
    if seconds < 3600:
        return f"{-(-seconds // 60)} мин"
    return f"{-(-seconds // 3600)} ч"
