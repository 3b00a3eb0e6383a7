"""Guessing and flooding of metering and registration, over real HTTP (issue 11, items 2, 3a,
5c and 6; docs/design.md "Metering", "Archives", "Identity")."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import requests

from tests import demo


def _snils(body: str) -> str:
    total = sum(int(d) * w for d, w in zip(body, range(9, 0, -1), strict=True))
    return body + f"{total % 101 % 100:02d}"


def _individual(n: int, email: str | None = None) -> dict:
    return {
        "consumer_type": "individual",
        "snils": _snils(f"{300000000 + n * 7919:09d}"),
        "email": email or f"sec-household{n}@example.test",
        "password": "Correct-Horse-7",
        "password_confirmation": "Correct-Horse-7",
        "phone": "+7 920 1234567",
        "personal_data_consent": True,
    }


def test_number_alone_no_longer_adds_registry_accounts(mapi):
    other = mapi.register("sec-fresh", _individual(1))
    for n in range(3, 13):
        resp = mapi.post("/personal-accounts", who=other, json={"number": f"33000000{n:02d}"})
        assert resp.status_code == 422, resp.text
    assert mapi.get("/personal-accounts", who=other).json()["items"] == []


def test_wrong_pairs_are_limited_and_the_pair_adds(mapi):
    who = mapi.register("sec-guess", _individual(2))
    registry = mapi.get("/dev/registry").json()
    serial = {a["number"]: a["meter_serial_numbers"][0] for a in registry["personal_accounts"]}
    # A real pair works and does not count.
    ok = mapi.post(
        "/personal-accounts",
        who=who,
        json={"number": "3300000004", "meter_serial_number": serial["3300000004"]},
    )
    assert ok.status_code == 201 and ok.json()["message"] == "Номер лицевого счета успешно добавлен"
    for i in range(10):
        # A real number with another account's serial answers as an unknown number.
        mapi.error(
            mapi.post(
                "/personal-accounts",
                who=who,
                json={"number": f"33000000{i + 3:02d}", "meter_serial_number": "41070012"},
            ),
            404,
            "personal_account_not_found",
        )
    resp = mapi.post(
        "/personal-accounts",
        who=who,
        json={"number": "3300000005", "meter_serial_number": serial["3300000005"]},
    )
    assert resp.status_code == 429, resp.text
    assert 0 < int(resp.headers["Retry-After"]) <= 3600
    assert "Повторите через" in resp.json()["error"]["message"]


def test_wrong_confirmation_numbers_are_limited(mapi):
    for i in range(10):
        resp = mapi.post(
            "/organization/confirmation",
            who="entrepreneur",
            json={"supply_contract_number": f"ЭС-{9000 + i}"},
        )
        assert resp.status_code == 422, resp.text
    resp = mapi.post(
        "/organization/confirmation", who="entrepreneur", json={"supply_contract_number": "ЭС-2001"}
    )
    assert resp.status_code == 429, resp.text
    assert int(resp.headers["Retry-After"]) > 0


def test_open_archive_requests_are_capped(mapi):
    body = {"period_start": "2026-10-01", "period_end": "2026-10-02"}
    for _ in range(5):
        resp = mapi.post("/meters/1/archive-requests", json=body)
        assert resp.status_code == 201, resp.text
    resp = mapi.post("/meters/1/archive-requests", json=body)
    mapi.error(resp, 409, "too_many_open_archive_requests")
    assert "(5)" in resp.json()["error"]["message"]


def test_parallel_archive_requests_cannot_pass_the_cap_together(make_server):
    """Twelve requests at once through two servers on one database (two processes' worth: one
    server runs one request at a time in its application slot): each counts the open ones and
    inserts in one transaction, which runs alone per consumer on either engine (BEGIN
    IMMEDIATE; the consumer's row FOR UPDATE on PostgreSQL), so exactly five are accepted."""
    servers = [make_server(name="shared", demo=True, dev=True) for _ in range(2)]
    login = requests.post(
        servers[0].url + "/api/v1/sessions",
        json={
            "consumer_type": "individual",
            "login": demo.LOGINS["individual"],
            "password": demo.PASSWORD,
            "remember": False,
        },
        timeout=30,
    )
    assert login.status_code == 201, login.text
    token = login.json()["token"]
    body = {"period_start": "2026-10-01", "period_end": "2026-10-02"}
    barrier = threading.Barrier(12)

    def one(n: int) -> int:
        with requests.Session() as http:
            barrier.wait(10)
            return http.post(
                servers[n % 2].url + "/api/v1/meters/1/archive-requests",
                json=body,
                headers={"Authorization": f"Bearer {token}"},
                timeout=30,
            ).status_code

    with ThreadPoolExecutor(12) as pool:
        codes = list(pool.map(one, range(12)))
    assert sorted(codes) == [201] * 5 + [409] * 7, codes


def test_taken_identifier_answers_are_limited_by_address(mapi):
    taken = _individual(3)
    mapi.register("sec-taken", taken)
    for _ in range(10):
        resp = mapi.post("/registrations", who=None, json=taken)
        assert resp.status_code == 409, resp.text
    resp = mapi.post("/registrations", who=None, json=taken)
    assert resp.status_code == 429, resp.text
    assert int(resp.headers["Retry-After"]) > 0
    # A new visitor from the same address still registers.
    fresh = mapi.post("/registrations", who=None, json=_individual(4))
    assert fresh.status_code == 201, fresh.text


def test_archive_requests_are_capped_per_consumer(mapi):
    body = {"period_start": "2026-10-01", "period_end": "2026-10-02"}
    for number, serial in (("3300000004", "42219087"), ("3300000005", "2211004573")):
        pair = {"number": number, "meter_serial_number": serial}
        assert mapi.post("/personal-accounts", json=pair).status_code == 201
    smart = [
        m["id"]
        for n in ("3300000001", "3300000002", "3300000004", "3300000005")
        for m in mapi.get(f"/personal-accounts/{n}/meters").json()["items"]
        if m["is_smart"]
    ]
    assert len(smart) >= 4
    for meter in smart[:4]:
        for _ in range(5):
            resp = mapi.post(f"/meters/{meter}/archive-requests", json=body)
            assert resp.status_code == 201, resp.text
    resp = mapi.post(
        f"/meters/{smart[-1] if len(smart) > 4 else smart[0]}/archive-requests", json=body
    )
    mapi.error(resp, 409, "too_many_open_archive_requests")
    assert "(20)" in resp.json()["error"]["message"]


def test_dev_registry_only_with_dev(tmp_path, mapi):
    from voek_desktop.api.server import start_embedded

    listed = mapi.get("/dev/registry", who=None).json()
    accounts = {a["number"]: a for a in listed["personal_accounts"]}
    # The demo individual's account is taken; a spare one is marked free to add.
    assert accounts["3300000001"] == {
        "number": "3300000001",
        "meter_serial_numbers": ["41070012"],
        "added": True,
    }
    assert accounts["3300000003"]["added"] is False
    assert any("ЭС-1001" in o["supply_contracts"] for o in listed["organizations"])
    srv = start_embedded(tmp_path / "nodev", demo=True, dev=False)
    try:
        import requests

        assert requests.get(srv.url + "/dev/registry", timeout=10).status_code == 404
    finally:
        srv.stop()
