"""The server's log says what happened, never who: no password, token, full СНИЛС/ИНН/ОГРН or
phone, whatever route a person uses."""

from __future__ import annotations

import logging

import requests

from tests import demo

SNILS = "61316627365"
PASSWORD = "Секретная фраза 2026"
PHONE = "+79205550011"


def test_a_whole_identity_flow_leaves_no_personal_data_in_the_log(server, caplog) -> None:
    api = server.url + "/api/v1"
    caplog.set_level(logging.DEBUG)
    requests.post(
        api + "/registrations",
        json={
            "consumer_type": "individual",
            "snils": "613-166-273 65",
            "email": "logs@example.test",
            "password": PASSWORD,
            "password_confirmation": PASSWORD,
            "phone": "8 (920) 555-00-11",
            "personal_data_consent": True,
        },
        timeout=30,
    ).raise_for_status()
    mail = next(
        m
        for m in requests.get(api + "/dev/outbox", timeout=10).json()["items"]
        if m["to"] == "logs@example.test"
    )
    token = mail["text"].split("token=")[1].split()[0]
    requests.get(api + "/activate", params={"token": token}, timeout=30).raise_for_status()
    wrong = requests.post(
        api + "/sessions",
        json={"consumer_type": "individual", "login": SNILS, "password": PASSWORD + "x"},
        timeout=30,
    )
    assert wrong.status_code == 401
    session = requests.post(
        api + "/sessions",
        json={"consumer_type": "individual", "login": SNILS, "password": PASSWORD},
        timeout=30,
    ).json()["token"]
    auth = {"Authorization": f"Bearer {session}"}
    requests.patch(
        api + "/profile", json={"phone": PHONE}, headers=auth, timeout=30
    ).raise_for_status()
    requests.get(api + "/profile", headers=auth, timeout=30).raise_for_status()
    requests.post(api + "/password-resets", json={"email": "logs@example.test"}, timeout=30)
    company = requests.post(
        api + "/sessions",
        json=demo.session_body("company"),
        timeout=30,
    )
    assert company.status_code == 201

    # The server's loggers only: urllib3 in this test process logs the URLs it requests.
    log = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("voek"))
    assert "/api/v1/sessions" in log, "the requests were logged at all"
    for secret in (
        SNILS,
        "613-166-273 65",
        PASSWORD,
        token,
        session,
        PHONE,
        "9205550011",
        demo.OGRN,
        demo.INN_COMPANY,
        company.json()["token"],
    ):
        assert secret not in log, f"{secret!r} leaked into the log"
