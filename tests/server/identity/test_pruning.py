"""Expired rows go, live ones stay (core/housekeeping.py): the limiter's attempts and keys,
sessions, e-mail codes — what anonymous traffic would otherwise pile up for ever. On SQLite
and on PostgreSQL (the engine pass of tests/server)."""

from __future__ import annotations

import threading
import time

from tests import demo
from tests.server.conftest import Api, Ids
from voek_desktop.api.server.core import housekeeping


def _count(app, sql: str, *params: object) -> int:  # type: ignore[no-untyped-def]
    return int(app.db.query_row(f"SELECT count(*) AS n FROM {sql}", params)["n"])


def _keys(app) -> set[str]:  # type: ignore[no-untyped-def]
    return {row["key"] for row in app.db.query("SELECT key FROM attempt_keys")}


def test_expired_attempts_and_their_keys_go_a_live_lockout_stays(make_server, ids: Ids) -> None:  # type: ignore[no-untyped-def]
    # No job runner (VOEK_JOBS=0): the test runs the passes itself.
    srv = make_server(name="prune", dev=True, demo=True, jobs=False)
    api = Api(srv.url)
    # A stranger tries made-up logins: a key per name, never tried again.
    strangers = [ids.snils(9000 + n) for n in range(3)]
    for login in strangers:
        api.error(api.login_response(login=login, password="Не-тот-1"), 401, "invalid_credentials")
    body = api.registration("individual", 1)
    assert api.register(body).status_code == 201
    assert api.register(body).status_code == 409  # one taken-identifier lookup, by address
    assert _count(srv.app, "limited_attempts") == 4
    expired = _keys(srv.app)
    assert len(expired) == 4  # the three logins and the client address

    api.advance(3 * 3600)  # past every window (15 min, 1 h) and the margin of an hour
    # The demo consumer is locked out now: five failures within the window.
    for _ in range(5):
        api.error(api.login_response(password="Не-тот-1"), 401, "invalid_credentials")
    (live,) = _keys(srv.app) - expired

    pruned = housekeeping.run(srv.app)
    # The four old attempts, then the three strangers' keys and the address's.
    assert pruned["limited attempts"] == 4 + 4
    assert _keys(srv.app) == {live}
    assert _count(srv.app, "limited_attempts WHERE key = ?", live) == 5
    # What a user notices: the lockout still holds, the strangers' logins are free again.
    api.error(api.login_response(), 429, "too_many_attempts")
    api.error(api.login_response(login=strangers[0], password="x"), 401, "invalid_credentials")
    # A second pass finds nothing more (several runners may prune at once).
    assert housekeeping.run(srv.app)["limited attempts"] == 0
    api.close()


def test_sessions_and_codes_expired_a_day_ago_go_live_ones_stay(make_server, ids: Ids) -> None:  # type: ignore[no-untyped-def]
    # No job runner (VOEK_JOBS=0): the test runs the passes itself.
    srv = make_server(name="prune", dev=True, demo=True, jobs=False)
    api = Api(srv.url)
    old_token = api.login()
    assert api.post("/password-resets", json={"email": demo.EMAIL}).status_code == 202
    body = api.registration("individual", 2)
    assert api.register(body).status_code == 201  # an activation code, never used
    sessions, codes = _count(srv.app, "sessions"), _count(srv.app, "email_tokens")

    api.advance(2 * 86400)  # the session (30 min idle) and the codes (24 h) expired a day ago
    token = api.login()
    assert api.post("/password-resets", json={"email": demo.EMAIL}).status_code == 202
    reset = api.token_in(api.last_mail(demo.EMAIL))

    pruned = housekeeping.run(srv.app)
    assert pruned["sessions"] == sessions and pruned["e-mail codes"] == codes
    assert _count(srv.app, "sessions") == 1 and _count(srv.app, "email_tokens") == 1
    # The live session works; the old token is just unknown; the live reset code works.
    me = api.get("/profile", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200, me.text
    gone = api.get("/profile", headers={"Authorization": f"Bearer {old_token}"})
    assert gone.status_code == 401
    done = api.post(
        "/password-resets/confirm",
        json={
            "token": reset,
            "password": "Новый-пароль-9",
            "password_confirmation": "Новый-пароль-9",
        },
    )
    assert done.status_code == 200, done.text
    # The consumer who registered and never activated is not touched: only the code went.
    assert _count(srv.app, "consumers WHERE email = ?", body["email"]) == 1
    api.close()


def test_the_job_runner_prunes_soon_after_it_starts(make_server, ids: Ids) -> None:  # type: ignore[no-untyped-def]
    first = make_server(name="restart", dev=True, demo=True)
    api = Api(first.url)
    api.error(api.login_response(login=ids.snils(9100), password="x"), 401, "invalid_credentials")
    api.advance(3 * 3600)
    api.close()
    first.stop()
    # The same database (and its /dev clock) under a new server: its runner's first pass.
    again = make_server(name="restart", dev=True)
    deadline = time.monotonic() + 30
    while _count(again.app, "attempt_keys"):
        assert time.monotonic() < deadline, "the runner did not prune"
        time.sleep(0.1)
    assert _count(again.app, "limited_attempts") == 0


def test_pruning_while_guesses_run_in_parallel_keeps_the_lockout(make_server) -> None:  # type: ignore[no-untyped-def]
    """The prune deletes in the same tables the lockout counts in, while 40 guesses of one
    login run at once: still at most five passwords checked, no error but the documented."""
    srv = make_server(name="prune", dev=True, demo=True, jobs=False)
    api = Api(srv.url)
    # A backlog for the prune: expired attempts of 3000 made-up keys.
    old = "2000-01-01T00:00:00+00:00"
    with srv.app.db.write() as conn:
        for n in range(3000):
            conn.execute(
                "INSERT INTO attempt_keys (purpose, key, reservations) VALUES ('login', ?, 1)",
                (f"individual:x{n}",),
            )
            conn.execute(
                "INSERT INTO limited_attempts (purpose, key, at) VALUES ('login', ?, ?)",
                (f"individual:x{n}", old),
            )
    stop = threading.Event()
    passes: list[dict[str, int]] = []

    def prune() -> None:
        while not stop.is_set():
            passes.append(housekeeping.run(srv.app))

    pruner = threading.Thread(target=prune)
    pruner.start()
    statuses: list[int] = []

    def guess() -> None:
        statuses.append(api.login_response(password="Не-тот-1").status_code)

    guesses = [threading.Thread(target=guess) for _ in range(40)]
    for t in guesses:
        t.start()
    for t in guesses:
        t.join()
    stop.set()
    pruner.join()
    assert 1 <= statuses.count(401) <= 5, statuses
    assert set(statuses) <= {401, 429, 503}, statuses
    api.error(api.login_response(), 429, "too_many_attempts")
    assert sum(p["limited attempts"] for p in passes) >= 6000, passes[:3]
    assert _count(srv.app, "attempt_keys") == 1
    api.close()


def test_an_account_never_activated_frees_its_identifiers_after_a_week(make_server) -> None:  # type: ignore[no-untyped-def]
    # Someone registers another person's СНИЛС with an address of their own and never
    # activates: the owner must be able to register after a while, not never.
    srv = make_server(name="prune", dev=True, demo=True, jobs=False)
    api = Api(srv.url)
    squatter = api.registration("individual", 4)
    assert api.register(squatter).status_code == 201
    kept = api.registration("individual", 5)
    assert api.register(kept).status_code == 201
    consumers = _count(srv.app, "consumers")

    api.advance(6 * 86400 + 12 * 3600)
    # The second one asked for a new link at 6½ days: a live code (24 h), it stays.
    resent = api.post("/activations/resend", json={"email": kept["email"]})
    assert resent.status_code in (200, 202), resent.text
    assert housekeeping.run(srv.app)["unactivated accounts"] == 0  # a week has not passed

    api.advance(12 * 3600 + 3600)  # a week and an hour after both registrations
    assert housekeeping.run(srv.app)["unactivated accounts"] == 1
    assert _count(srv.app, "consumers") == consumers - 1
    # The owner registers with the same СНИЛС and their own address.
    owner = dict(squatter, email="owner@example.ru")
    assert api.register(owner).status_code == 201, api.register(owner).text
    # The demo consumers (activated) and the one with a live code are untouched.
    assert api.register(kept).status_code == 409
    api.login()
    api.close()
