"""A flood of wrong logins cannot make a real one wait (docs/design.md "Identity"): the queue in
front of scrypt is bounded and past it the answer is a prompt 503 with Retry-After."""

from __future__ import annotations

import threading
import time

import requests

from tests import demo
from tests.cabinet_http import CYRILLIC

FLOODERS = 60


def test_a_wrong_login_flood_gets_prompt_503s_and_a_real_login_stays_fast(server):
    url = server.url + "/api/v1/sessions"
    stop = threading.Event()
    statuses: list[int] = []

    def flood(n: int) -> None:
        with requests.Session() as http:
            while not stop.is_set():
                resp = http.post(
                    url,
                    json={"consumer_type": "individual", "login": f"{n:011d}", "password": "x" * 9},
                    timeout=60,
                )
                statuses.append(resp.status_code)

    threads = [threading.Thread(target=flood, args=(n,), daemon=True) for n in range(FLOODERS)]
    for t in threads:
        t.start()
    try:
        time.sleep(1.5)  # the flood is in full swing
        timings = []
        for _ in range(3):
            started = time.monotonic()
            resp = requests.post(url, json=demo.session_body("individual"), timeout=60)
            timings.append(time.monotonic() - started)
            assert resp.status_code in (201, 503), resp.text
            if resp.status_code == 503:
                assert resp.headers["Retry-After"].isdigit()
                error = resp.json()["error"]
                assert error["code"] == "busy" and CYRILLIC.search(error["message"])
        assert max(timings) < 2.5, timings  # was 11.5 s with 60 flooding threads
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=60)
    assert 503 in statuses, "the flood was answered 503 past the bounded queue"
    assert set(statuses) <= {401, 429, 503}, set(statuses)
    ok = requests.post(url, json=demo.session_body("individual"), timeout=60)
    assert ok.status_code == 201, ok.text
