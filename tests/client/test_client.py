"""CabinetClient against the real bundled server, and against tiny raw-socket servers that
misbehave on purpose (no answer, 503 to everything) to pin down timeouts and retries."""

from __future__ import annotations

import contextlib
import json
import random
import re
import socket
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests import demo
from voek_desktop.api.client import DEFAULT_TIMEOUT, CabinetClient, extract_token
from voek_desktop.api.errors import ApiError, NetworkError

NEW_PASSWORD = "новый пароль для входа"
OLD_PASSWORD = "первый пароль для входа"


def fresh_snils(rng: random.Random) -> str:
    """A valid СНИЛС with a checked body (docs/design.md "Identifiers"), not the demo one."""
    while True:
        body = f"{rng.randrange(1_001_999, 1_000_000_000):09d}"
        s = sum(int(d) * w for d, w in zip(body, range(9, 0, -1), strict=True))
        digits = body + f"{s % 101 % 100:02d}"
        if digits != demo.SNILS:
            return f"{digits[:3]}-{digits[3:6]}-{digits[6:9]} {digits[9:]}"


def registration_form(snils: str, email: str, password: str = OLD_PASSWORD) -> dict:
    return {
        "consumer_type": "individual",
        "snils": snils,
        "email": email,
        "phone": "+7 920 555-44-33",
        "password": password,
        "password_confirmation": password,
        "personal_data_consent": True,
    }


def parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


# --- the identity flow -------------------------------------------------------------------


def test_full_identity_flow(server, client: CabinetClient) -> None:
    snils = fresh_snils(random.Random(2026))
    digits = snils.replace("-", "").replace(" ", "")
    email = "Sidorov@Example.TEST"

    registration = client.register(registration_form(snils, email))
    assert "Sidorov@example.test" in registration.message
    assert registration.consumer.consumer_type == "individual"
    assert registration.consumer.snils == digits
    assert registration.consumer.login == digits
    assert registration.consumer.phone == "+79205554433"
    assert registration.consumer.activated_at is None

    # not activated yet: refused with its own code
    with pytest.raises(ApiError) as exc:
        client.log_in("individual", snils, OLD_PASSWORD, remember=False)
    assert (exc.value.status, exc.value.code) == (403, "account_not_activated")
    assert client.token is None

    mails = [m for m in client.dev_outbox() if m.to == "Sidorov@example.test"]
    assert len(mails) == 1 and "Активация" in mails[0].subject
    links = re.findall(r"https?://\S+/activate\?token=\S+", mails[0].text)
    assert len(links) == 1
    link = links[0]
    assert link.startswith(server.url + "/api/v1/activate?token=")
    token = extract_token(link)
    assert len(token) >= 32 and token in mails[0].text.replace(link, "")  # the bare code too

    assert "активирована" in client.activate(f"  {link}\n")
    with pytest.raises(ApiError) as exc:  # single use
        client.activate(link)
    assert (exc.value.status, exc.value.code) == (422, "token_invalid")
    assert "token" in exc.value.fields

    session = client.log_in("individual", snils, OLD_PASSWORD, remember=True)
    assert client.token == session.token and len(session.token) >= 22  # ≥ 128 bits, base64
    assert session.consumer.login == digits
    lifetime = parse_time(session.expires_at) - parse_time(client.dev_clock())
    assert timedelta(days=13) < lifetime <= timedelta(days=14)  # remembered: 14 days idle

    profile = client.profile()
    assert (profile.login, profile.snils, profile.email) == (digits, digits, "Sidorov@example.test")
    assert profile.activated_at is not None

    updated = client.update_phone("8 (910) 765-43-21")
    assert updated.phone == "+79107654321"
    assert client.profile().phone == "+79107654321"
    with pytest.raises(ApiError) as exc:
        client.update_phone("+1 202 555 0100")
    assert exc.value.status == 422 and set(exc.value.fields) == {"phone"}

    assert "Пароль изменён" in client.change_password(OLD_PASSWORD, NEW_PASSWORD, NEW_PASSWORD)
    assert client.profile().login == digits  # the current session survives the change
    assert any(
        m.to == "Sidorov@example.test" and "изменён" in m.subject for m in client.dev_outbox()
    )

    old_token = client.token
    client.log_out()
    assert client.token is None
    with pytest.raises(ApiError) as exc:
        client.profile()
    assert exc.value.status == 401 and exc.value.needs_login
    # the session ended on the server too, not just in the client
    stale = CabinetClient(server.url, old_token, retries=0)
    try:
        with pytest.raises(ApiError) as exc:
            stale.profile()
        assert exc.value.status == 401
    finally:
        stale.close()

    # the new password works, the old one no longer does
    client.log_in("individual", digits, NEW_PASSWORD, remember=False)
    assert client.profile().login == digits
    client.log_out()
    with pytest.raises(ApiError) as exc:
        client.log_in("individual", digits, OLD_PASSWORD, remember=False)
    assert (exc.value.status, exc.value.code) == (401, "invalid_credentials")
    assert client.token is None


def test_log_out_without_a_live_session_only_forgets_the_token(server) -> None:
    c = CabinetClient(server.url, "a-token-the-server-never-issued", retries=0)
    try:
        c.log_out()  # the server answers 401: that is what we wanted anyway
        assert c.token is None
        c.log_out()  # nothing to do
        assert c.token is None
    finally:
        c.close()


# --- errors carry the server's code, message and fields ----------------------------------


def test_validation_error_carries_status_code_message_fields(client: CabinetClient) -> None:
    form = registration_form("112-233-445 96", "new@example.test")
    form["phone"] = "12345"
    with pytest.raises(ApiError) as exc:
        client.register(form)
    error = exc.value
    assert not isinstance(error, NetworkError)
    assert (error.status, error.code) == (422, "validation_failed")
    assert error.message == "Проверьте правильность заполнения полей"
    assert error.fields["snils"] == "Неверное контрольное число СНИЛС"
    assert set(error.fields) == {"snils", "phone"}
    assert error.retry_after is None and not error.needs_login
    assert "422" in str(error) and "validation_failed" in str(error)


def test_duplicate_registration_is_a_clear_409(client: CabinetClient) -> None:
    with pytest.raises(ApiError) as exc:
        client.register(registration_form(demo.SNILS_TYPED, demo.EMAIL))
    assert (exc.value.status, exc.value.code) == (409, "already_registered")
    assert set(exc.value.fields) == {"snils", "email"}


def test_unknown_login_and_wrong_password_look_the_same(client: CabinetClient) -> None:
    with pytest.raises(ApiError) as wrong:
        client.log_in("individual", demo.SNILS_TYPED, "not the password", remember=False)
    with pytest.raises(ApiError) as unknown:
        client.log_in("individual", "034-230-302 90", "not the password", remember=False)
    for exc in (wrong, unknown):
        assert (exc.value.status, exc.value.code) == (401, "invalid_credentials")
    assert wrong.value.message == unknown.value.message == "Неверный логин или пароль"
    assert wrong.value.fields == unknown.value.fields == {}


def test_lockout_answers_429_with_retry_after(client: CabinetClient) -> None:
    for _ in range(5):
        with pytest.raises(ApiError) as exc:
            client.log_in("individual", demo.SNILS_TYPED, "wrong password", remember=False)
        assert exc.value.status == 401
    for password in ("wrong password", demo.PASSWORD):  # even the right one is refused now
        with pytest.raises(ApiError) as exc:
            client.log_in("individual", demo.SNILS_TYPED, password, remember=False)
        error = exc.value
        assert (error.status, error.code) == (429, "too_many_attempts")
        assert isinstance(error.retry_after, int) and 800 < error.retry_after <= 15 * 60
        assert "Повторите через 15 мин" in error.message
    assert client.token is None


# --- network failures ----------------------------------------------------------------------


def test_network_error_when_the_server_is_stopped(server, client: CabinetClient) -> None:
    assert client.health()["status"] == "ok"
    server.stop()
    with pytest.raises(NetworkError) as exc:
        client.health()
    error = exc.value
    assert isinstance(error, ApiError)  # one except clause in the UI catches both
    assert (error.status, error.code) == (0, "network_error")
    assert error.message.startswith("Нет связи с сервером")


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_network_error_for_a_closed_port(method: str) -> None:
    c = CabinetClient(f"http://127.0.0.1:{closed_port()}", retries=0)
    try:
        with pytest.raises(NetworkError) as exc:
            c.request(method, "/health", json={} if method == "POST" else None)
        assert exc.value.code == "network_error"
        assert "Проверьте подключение" in exc.value.message
    finally:
        c.close()


class RawServer:
    """A loopback TCP server that records request lines and answers with ``reply`` (raw bytes),
    or accepts and never answers when ``reply`` is None."""

    def __init__(self, reply: bytes | None) -> None:
        self.reply = reply
        self.requests: list[str] = []
        self.connections = 0
        self._sock = socket.create_server(("127.0.0.1", 0))
        self._sock.settimeout(0.05)
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"
        self._held: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            if self.reply is None:
                self._held.append(conn)
                continue
            with conn, contextlib.suppress(OSError):
                self._answer(conn)

    def _answer(self, conn: socket.socket) -> None:
        conn.settimeout(2)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                return
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        length = 0
        for line in lines[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        while len(body) < length:
            chunk = conn.recv(65536)
            if not chunk:
                break
            body += chunk
        self.requests.append(lines[0])
        assert self.reply is not None
        conn.sendall(self.reply)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._sock.close()
        for conn in self._held:
            conn.close()


def http_reply(status: str, body: bytes, content_type: str = "application/json") -> bytes:
    head = (
        f"HTTP/1.1 {status}\r\nContent-Type: {content_type}; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode() + body


BUSY = json.dumps(
    {"error": {"code": "busy", "message": "Сервер перегружен"}}, ensure_ascii=False
).encode()


@pytest.fixture
def silent_server() -> Iterator[RawServer]:
    srv = RawServer(None)
    yield srv
    srv.close()


@pytest.fixture
def busy_server() -> Iterator[RawServer]:
    srv = RawServer(http_reply("503 Service Unavailable", BUSY))
    yield srv
    srv.close()


@pytest.mark.parametrize(("method", "retries"), [("GET", 0), ("POST", 0), ("GET", 1)])
def test_a_server_that_never_answers_times_out(
    silent_server: RawServer, method: str, retries: int
) -> None:
    c = CabinetClient(silent_server.url, timeout=(0.5, 0.5), retries=retries)
    started = time.monotonic()
    try:
        with pytest.raises(NetworkError) as exc:
            c.request(method, "/health", json={} if method == "POST" else None)
    finally:
        c.close()
    elapsed = time.monotonic() - started
    assert 0.5 * (retries + 1) - 0.1 <= elapsed < 3  # the read timeout, once per attempt
    assert (exc.value.status, exc.value.code) == (0, "network_error")
    assert silent_server.connections == retries + 1


@pytest.mark.parametrize(
    "method",
    [
        "GET",
        "POST",
    ],
)
def test_a_timeout_says_the_server_did_not_answer(silent_server: RawServer, method: str) -> None:
    c = CabinetClient(silent_server.url, timeout=(0.5, 0.5), retries=0)
    try:
        with pytest.raises(NetworkError) as exc:
            c.request(method, "/health", json={} if method == "POST" else None)
    finally:
        c.close()
    assert "не ответил вовремя" in exc.value.message


def test_every_call_passes_a_timeout(server, client: CabinetClient, monkeypatch) -> None:
    seen: list[tuple[str, object]] = []
    real = client.http.request

    def spy(method: str, url: str, **kwargs: object):
        seen.append((method, kwargs.get("timeout")))
        return real(method, url, **kwargs)

    monkeypatch.setattr(client.http, "request", spy)
    client.health()
    client.dev_clock()
    client.resend_activation("nobody@example.test")
    client.request_password_reset("nobody@example.test")
    demo.log_in(client)
    client.profile()
    client.log_out()
    assert [m for m, _ in seen] == ["GET", "GET", "POST", "POST", "POST", "GET", "DELETE"]
    assert all(timeout == client.timeout for _, timeout in seen)
    assert client.timeout == DEFAULT_TIMEOUT
    connect, read = DEFAULT_TIMEOUT
    assert 0 < connect <= 10 and 0 < read <= 60


def test_idempotent_calls_are_retried(busy_server: RawServer) -> None:
    c = CabinetClient(busy_server.url, retries=2)
    try:
        with pytest.raises(ApiError) as exc:
            c.health()
    finally:
        c.close()
    assert len(busy_server.requests) == 3
    assert all(line.startswith("GET /api/v1/health ") for line in busy_server.requests)
    assert (exc.value.status, exc.value.code, exc.value.message) == (
        503,
        "busy",
        "Сервер перегружен",
    )


@pytest.mark.parametrize(
    ("call", "request_line"),
    [
        (
            lambda c: c.request_password_reset(demo.EMAIL),
            "POST /api/v1/password-resets ",
        ),
        (lambda c: c.log_in("individual", demo.SNILS_TYPED, "x", False), "POST /api/v1/sessions "),
        (lambda c: c.update_phone("+79201234567"), "PATCH /api/v1/profile "),
    ],
    ids=["post", "post-login", "patch"],
)
def test_non_idempotent_calls_are_never_retried(busy_server: RawServer, call, request_line) -> None:
    c = CabinetClient(busy_server.url, "some-token", retries=2)
    try:
        with pytest.raises(ApiError) as exc:
            call(c)
    finally:
        c.close()
    assert exc.value.status == 503
    assert len(busy_server.requests) == 1
    assert busy_server.requests[0].startswith(request_line)


def test_a_non_json_error_still_becomes_an_api_error() -> None:
    srv = RawServer(http_reply("502 Bad Gateway", b"<h1>nginx</h1>", "text/html"))
    c = CabinetClient(srv.url, retries=0)
    try:
        with pytest.raises(ApiError) as exc:
            c.health()
    finally:
        c.close()
        srv.close()
    assert (exc.value.status, exc.value.code) == (502, "http_error")
    assert "502" in exc.value.message and "Повторите" in exc.value.message


def test_a_non_json_success_is_a_bad_response() -> None:
    srv = RawServer(http_reply("200 OK", b"<html>captive portal</html>", "text/html"))
    c = CabinetClient(srv.url, retries=0)
    try:
        with pytest.raises(ApiError) as exc:
            c.health()
    finally:
        c.close()
        srv.close()
    assert (exc.value.status, exc.value.code) == (200, "bad_response")


# --- extract_token -------------------------------------------------------------------------

TOKEN = "Xy3_-abcDEF0123456789ghijKLMNOPqrstuvWXyz_-9"


@pytest.mark.parametrize(
    "text",
    [
        TOKEN,
        f"   {TOKEN}\n",
        f"http://127.0.0.1:8080/api/v1/activate?token={TOKEN}",
        f"  https://lk.voek33.example/api/v1/activate?token={TOKEN}  \n",
        f"https://lk.voek33.example/api/v1/activate?lang=ru&token={TOKEN}&utm_source=mail",
        f"https://lk.voek33.example/api/v1/activate?token={TOKEN}&lang=ru",
        f"token={TOKEN}",
    ],
)
def test_extract_token(text: str) -> None:
    assert extract_token(text) == TOKEN


@given(
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", min_size=1)
)
def test_extract_token_property(token: str) -> None:
    assert extract_token(f" {token} ") == token
    assert extract_token(f"http://h/api/v1/activate?token={token}") == token
    assert extract_token(f"http://h/api/v1/confirm-email?a=1&token={token}&b=2") == token


def test_a_post_after_a_quiet_spell_does_not_ride_a_closing_connection(
    server, client: CabinetClient, monkeypatch
) -> None:
    """The server lets a kept-alive connection go after 5 s of quiet; a POST sent at that
    moment would be lost without a retry. So calls share a connection while they come quickly,
    and a POST after a quiet spell opens a fresh one."""
    from voek_desktop.api import client as client_module

    accepted: list[object] = []
    accept = server.httpd.process_request
    monkeypatch.setattr(
        server.httpd, "process_request", lambda r, a: (accepted.append(a), accept(r, a))[1]
    )
    monkeypatch.setattr(client_module, "REUSE_IDLE_SECONDS", 0.3)
    client.health()
    client.health()
    with contextlib.suppress(ApiError):
        client.request("POST", "/password-resets", json={"email": "nobody@example.test"})
    assert len(accepted) == 1  # one connection for calls in quick succession
    time.sleep(0.5)
    client.health()
    assert len(accepted) == 1  # a GET reuses it (and would be resent if it failed)
    time.sleep(0.5)
    with contextlib.suppress(ApiError):
        client.request("POST", "/password-resets", json={"email": "nobody@example.test"})
    assert len(accepted) == 2
