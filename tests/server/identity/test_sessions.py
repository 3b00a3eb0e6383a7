"""Login, lockout, session lifetimes and logout (docs/design.md "Identity")."""

from __future__ import annotations

import gc
import types
import uuid
from datetime import datetime, timedelta

from tests import demo

MINUTE = 60
HOUR = 3600
DAY = 24 * HOUR


def test_log_in_as_each_demo_consumer(api):
    for consumer_type, login in [
        ("individual", "11223344595"),
        ("entrepreneur", "315-333-367-975-982"),
        ("company", " 1133324980030 "),
    ]:
        resp = api.login_response(consumer_type, login=login)
        assert resp.status_code == 201, resp.text
        assert resp.headers["Content-Type"] == "application/json; charset=utf-8"
        data = resp.json()
        assert data["consumer"]["consumer_type"] == consumer_type
        assert data["consumer"]["login"] == "".join(c for c in login if c.isdigit())
        profile = api.get("/profile", token=data["token"])
        assert profile.status_code == 200
        assert profile.json()["id"] == data["consumer"]["id"]


def test_unknown_login_and_wrong_password_look_the_same(api):
    unknown = api.login_response(login="034-230-302 90")  # valid СНИЛС, nobody has it
    wrong = api.login_response(password="demo-Password-2025")
    api.error(unknown, 401, "invalid_credentials")
    assert unknown.status_code == wrong.status_code
    assert unknown.content == wrong.content
    assert unknown.headers["Content-Type"] == wrong.headers["Content-Type"]


def test_login_form_errors_are_422(shared_api):
    api = shared_api
    api.error(
        api.post("/sessions", json={"consumer_type": "nobody", "login": "1", "password": "x"}),
        422,
        "validation_failed",
        {"consumer_type"},
    )
    api.error(
        api.post(
            "/sessions",
            json={"consumer_type": "individual", "login": "112-233-445 96", "password": ""},
        ),
        422,
        "validation_failed",
        {"login", "password"},
    )
    api.error(
        api.login_response(remember="yes"),  # type: ignore[arg-type]
        422,
        "validation_failed",
        {"remember"},
    )


def test_each_login_gets_a_new_token(api):
    first = api.login_response().json()
    second = api.login_response().json()
    assert first["token"] != second["token"]
    for data in (first, second):
        assert api.get("/profile", token=data["token"]).status_code == 200


def test_five_failures_lock_the_login_for_15_minutes(api):
    for _ in range(5):
        api.error(api.login_response(password="wrong-password"), 401, "invalid_credentials")

    locked = api.login_response()  # the right password now
    error = api.error(locked, 429, "too_many_attempts")
    retry_after = int(locked.headers["Retry-After"])
    assert 14 * MINUTE < retry_after <= 15 * MINUTE
    assert "15 мин" in error["message"]
    # However the login is typed.
    api.error(api.login_response(login="11223344595"), 429, "too_many_attempts")
    # Another consumer is not affected.
    assert api.login_response("company").status_code == 201

    api.advance(14 * MINUTE)
    still = api.login_response()
    api.error(still, 429, "too_many_attempts")
    assert 1 <= int(still.headers["Retry-After"]) <= MINUTE + 1

    api.advance(MINUTE)
    assert api.login_response().status_code == 201


def test_failures_spread_over_more_than_15_minutes_do_not_lock(api):
    for _ in range(4):
        assert api.login_response(password="wrong-password").status_code == 401
    api.advance(15 * MINUTE + 1)
    assert api.login_response(password="wrong-password").status_code == 401
    assert api.login_response().status_code == 201


def test_unknown_logins_are_locked_out_too(api):
    for _ in range(5):
        assert api.login_response(login="034-230-302 90").status_code == 401
    api.error(api.login_response(login="034-230-302 90"), 429, "too_many_attempts")


def test_password_reset_lifts_the_lockout(api):
    for _ in range(5):
        assert api.login_response(password="wrong-password").status_code == 401
    api.error(api.login_response(), 429, "too_many_attempts")

    # The lockout does not block asking for a reset …
    assert api.post("/password-resets", json={"email": demo.EMAIL}).status_code == 202
    token = api.token_in(api.last_mail(demo.EMAIL))
    confirmed = api.post(
        "/password-resets/confirm",
        json={
            "token": token,
            "password": "New-Password-42",
            "password_confirmation": "New-Password-42",
        },
    )
    assert confirmed.status_code == 200, confirmed.text
    # … and the reset ends it at once.
    assert api.login_response(password="New-Password-42").status_code == 201


def test_session_expires_after_30_minutes_idle(api):
    token = api.login()
    api.advance(29 * MINUTE)
    assert api.get("/profile", token=token).status_code == 200  # use slides the deadline
    api.advance(29 * MINUTE)
    assert api.get("/profile", token=token).status_code == 200
    api.advance(30 * MINUTE + 1)
    api.error(api.get("/profile", token=token), 401, "session_expired")
    # An expired token stays dead.
    assert api.get("/profile", token=token).status_code == 401
    api.advance(-2 * HOUR)
    assert api.get("/profile", token=token).status_code == 401


def test_session_ends_after_12_hours_even_when_used(api):
    token = api.login()
    for _ in range(12 * 3 - 1):  # every 20 minutes up to 11 h 40 min
        api.advance(20 * MINUTE)
        resp = api.get("/profile", token=token)
        assert resp.status_code == 200, resp.text
    api.advance(20 * MINUTE)  # 12 h
    api.error(api.get("/profile", token=token), 401, "session_expired")


def test_remember_me_outlives_the_idle_timeout(api):
    now = api.now()
    normal = api.login_response().json()
    remembered = api.login_response(remember=True).json()
    normal_expiry = datetime.fromisoformat(normal["expires_at"]) - now
    remembered_expiry = datetime.fromisoformat(remembered["expires_at"]) - now
    assert timedelta(minutes=29) < normal_expiry <= timedelta(minutes=31)
    assert timedelta(days=13) < remembered_expiry <= timedelta(days=14, minutes=1)

    api.advance(31 * MINUTE)
    api.error(api.get("/profile", token=normal["token"]), 401, "session_expired")
    assert api.get("/profile", token=remembered["token"]).status_code == 200

    api.advance(13 * DAY)
    assert api.get("/profile", token=remembered["token"]).status_code == 200
    api.advance(14 * DAY + 1)
    api.error(api.get("/profile", token=remembered["token"]), 401, "session_expired")


def test_remembered_session_ends_after_30_days(api):
    token = api.login(remember=True)
    for _ in range(2):
        api.advance(13 * DAY)
        assert api.get("/profile", token=token).status_code == 200
    api.advance(4 * DAY + 1)  # 30 days and a second since login, 4 days idle
    api.error(api.get("/profile", token=token), 401, "session_expired")


def test_log_out_ends_only_this_session(api):
    token = api.login()
    other = api.login()
    resp = api.delete("/sessions/current", token=token)
    assert resp.status_code == 204
    assert resp.content == b""
    api.error(api.get("/profile", token=token), 401, "unauthorized")
    api.error(api.delete("/sessions/current", token=token), 401, "unauthorized")
    assert api.get("/profile", token=other).status_code == 200


def test_log_out_needs_a_session(shared_api):
    shared_api.error(shared_api.delete("/sessions/current"), 401, "unauthorized")


def test_failed_login_keeps_no_trace_of_the_typed_password(api):
    wrong = f"Typed-by-mistake-{uuid.uuid4().hex}"
    for _ in range(2):
        assert api.login_response(password=wrong).status_code == 401
    gc.collect()
    kept = [
        frame.f_code.co_name
        for frame in gc.get_objects()
        if isinstance(frame, types.FrameType)
        and "voek_desktop" in frame.f_code.co_filename
        and any(_holds(value, wrong) for value in frame.f_locals.values())
    ]
    assert kept == []


def _holds(value: object, secret: str) -> bool:
    if isinstance(value, str):
        return value == secret
    if isinstance(value, dict):
        return any(isinstance(v, str) and v == secret for v in value.values())
    return False


def test_parallel_guesses_through_two_servers_check_at_most_five_passwords(make_server):
    """Twelve wrong passwords at once through two servers on one database: the count and the
    reservation of an attempt are one transaction locked per login (SQLite's BEGIN IMMEDIATE,
    an advisory lock on PostgreSQL), so five are checked (401) and the rest refused (429)."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    import requests

    servers = [make_server(name="shared", demo=True, dev=True) for _ in range(2)]
    barrier = threading.Barrier(12)

    def guess(n: int) -> int:
        with requests.Session() as http:
            barrier.wait(10)
            return http.post(
                servers[n % 2].url + "/api/v1/sessions",
                json={
                    "consumer_type": "individual",
                    "login": demo.LOGINS["individual"],
                    "password": f"wrong-password-{n}",
                    "remember": False,
                },
                timeout=60,
            ).status_code

    with ThreadPoolExecutor(12) as pool:
        codes = list(pool.map(guess, range(12)))
    assert sorted(codes) == [401] * 5 + [429] * 7, codes
