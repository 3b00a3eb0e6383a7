"""A flood of wrong logins cannot make a real one wait (docs/design.md "Identity"): the queue in
front of scrypt is bounded and past it the answer is a prompt 503 with Retry-After.

What is asserted is counted, not timed (timing targets live in bench/): how many hashes the
flood's requests cost, and how many hashes ran ahead of the real login once it was sent. On the
old, unbounded queue every flooder's hash ran (no 503 at all) and the real login waited behind
about all 60 of them (11.5 s in the attack)."""

from __future__ import annotations

import hashlib
import threading
import time

import pytest
import requests

from tests import demo
from tests.cabinet_http import CYRILLIC
from voek_desktop.api.server.core import security

GATE = security.kdf_gate
SEATS = GATE.slots + GATE.queue  # hashing or waiting at once
FLOODERS = max(60, 10 * SEATS)  # far more than the seats: each flooder is answered and retries
WRONG = "x" * 9


@pytest.mark.slow  # the real login races 60 flooders for a seat: 8–95 s
def test_a_wrong_login_flood_gets_prompt_503s_and_a_real_login_is_not_queued_behind_it(
    server, monkeypatch: pytest.MonkeyPatch
):
    url = server.url + "/api/v1/sessions"
    lock = threading.Lock()
    hashes = {"flood": 0, "all": 0}
    ahead: list[int] = []  # hashes started after the real login was sent and before its own
    sent_at: list[int] = []
    real = demo.PASSWORD.encode()
    scrypt = hashlib.scrypt

    def counted(password: bytes, **kwargs):  # type: ignore[no-untyped-def]
        with lock:
            if password == WRONG.encode():
                hashes["flood"] += 1
            elif password == real and sent_at:
                ahead.append(hashes["all"] - sent_at[-1])
            hashes["all"] += 1
        return scrypt(password, **kwargs)

    monkeypatch.setattr(hashlib, "scrypt", counted)
    stop = threading.Event()
    statuses: list[int] = []

    def flood(n: int) -> None:
        with requests.Session() as http:
            while not stop.is_set():
                resp = http.post(
                    url,
                    json={"consumer_type": "individual", "login": f"{n:011d}", "password": WRONG},
                    timeout=120,
                )
                statuses.append(resp.status_code)

    threads = [threading.Thread(target=flood, args=(n,), daemon=True) for n in range(FLOODERS)]
    for t in threads:
        t.start()
    try:
        while len(statuses) < FLOODERS:  # the flood is in full swing
            time.sleep(0.1)
        logged_in = attempts = 0
        # A seat frees every hash time and 60 flooders race for it, so the real user, who
        # tries again when told to (here at once), gets in after tens of 503s.
        while attempts < 400:
            attempts += 1
            with lock:
                sent_at.append(hashes["all"])
            resp = requests.post(url, json=demo.session_body("individual"), timeout=120)
            if resp.status_code == 201:
                logged_in += 1
                break
            assert resp.status_code == 503, resp.text
            assert resp.headers["Retry-After"].isdigit()
            error = resp.json()["error"]
            assert error["code"] == "busy" and CYRILLIC.search(error["message"])
        assert logged_in == 1, "a real login gets through while the flood runs"
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=120)
    # Once admitted, a login has at most the other admitted ones ahead of it (and a newcomer
    # now and then that slips in as a slot frees); the old queue put the whole flood there.
    assert ahead[-1] <= 3 * SEATS, ahead
    assert set(statuses) <= {401, 429, 503}, set(statuses)
    # Most of the flood is refused before hashing: all but SEATS at once cannot be admitted.
    assert statuses.count(503) > len(statuses) // 2, (statuses.count(503), len(statuses))
    assert hashes["flood"] <= len(statuses) - statuses.count(503)
    ok = requests.post(url, json=demo.session_body("individual"), timeout=60)
    assert ok.status_code == 201, ok.text
