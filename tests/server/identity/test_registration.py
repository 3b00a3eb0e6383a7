"""Registration, activation and the registration rules (docs/design.md
"Identity", "API", "Identifiers")."""

from __future__ import annotations

import threading
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

PASSWORD = "Correct-Horse-7"
TOKEN_LIFETIME = 24 * 3600

# (consumer_type, the login field, how the identifiers are typed in the form)
TYPES = [
    ("individual", "snils"),
    ("entrepreneur", "ogrnip"),
    ("company", "ogrn"),
]


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


@pytest.mark.parametrize(("consumer_type", "login_field"), TYPES)
def test_register_activate_and_log_in(api, consumer_type, login_field):
    body = api.registration(consumer_type, 1, phone="8 (920) 123-45-67")
    if consumer_type == "individual":
        # A password may hold any Unicode and has no composition rules, only a length.
        body.update(password="пароль ёжика 🦔", password_confirmation="пароль ёжика 🦔")
    forged = {"Host": "evil.example", "X-Forwarded-Host": "evil.example"}
    resp = api.register(body, headers=forged)

    assert resp.status_code == 201, resp.text
    assert resp.headers["Content-Type"] == "application/json; charset=utf-8"
    created = resp.json()
    consumer = created["consumer"]
    assert consumer["consumer_type"] == consumer_type
    assert consumer["activated_at"] is None
    assert consumer["phone"] == "+79201234567"
    assert consumer["email"] == body["email"]
    # Stored in the canonical digits-only form.
    for key in ("snils", "inn", "ogrn", "ogrnip"):
        if key in body:
            assert consumer[key] == _digits(body[key])
    assert consumer["login"] == _digits(body[login_field])
    assert body["email"] in created["message"]
    assert "password" not in resp.text and body["password"] not in resp.text

    # The activation mail: a link built from the server's public URL, never from Host.
    mail = api.last_mail(body["email"])
    assert "evil.example" not in mail["text"]
    link = api.link_in(mail)
    assert link.startswith(api.base + "/api/v1/activate?token=")
    token = api.token_in(mail)
    assert len(token) >= 32
    assert parse_qs(urlsplit(link).query)["token"] == [token]

    # Not activated yet: the right password gets 403, not a session.
    before = api.login_response(consumer_type, login=body[login_field], password=body["password"])
    api.error(before, 403, "account_not_activated")

    activated = api.post("/activations", json={"token": token})
    assert activated.status_code == 200, activated.text
    assert "актив" in activated.json()["message"]

    session = api.login_response(consumer_type, login=body[login_field], password=body["password"])
    assert session.status_code == 201, session.text
    data = session.json()
    assert len(data["token"]) >= 22  # ≥ 128 bits
    assert data["consumer"]["activated_at"] is not None
    assert data["consumer"]["login"] == consumer["login"]


def test_activation_page_works_once(api):
    body = api.registration("individual", 2)
    assert api.register(body).status_code == 201
    link = api.link_in(api.last_mail(body["email"]))

    first = requests.get(link, timeout=10)
    assert first.status_code == 200
    assert first.headers["Content-Type"] == "text/html; charset=utf-8"
    assert first.headers["Referrer-Policy"] == "no-referrer"  # the token stays in the URL bar
    assert "активирована" in first.text

    again = requests.get(link, timeout=10)
    assert again.status_code == 400
    assert again.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "Ссылка не сработала" in again.text

    token = parse_qs(urlsplit(link).query)["token"][0]
    api.error(api.post("/activations", json={"token": token}), 422, "token_invalid", {"token"})

    assert api.login_response(login=body["snils"], password=PASSWORD).status_code == 201


def test_activation_page_without_a_valid_token_says_so(shared_api):
    api = shared_api
    for query in ("", "?token=", "?token=not-a-real-token-not-a-real-token-0123"):
        resp = requests.get(api.root + "/activate" + query, timeout=10)
        assert resp.status_code == 400
        assert resp.headers["Content-Type"] == "text/html; charset=utf-8"
        assert "Ссылка не сработала" in resp.text


def test_activation_rejects_empty_and_unknown_tokens(shared_api):
    api = shared_api
    api.error(api.post("/activations", json={}), 422, "validation_failed", {"token"})
    api.error(api.post("/activations", json={"token": 12345}), 422, "validation_failed", {"token"})
    api.error(api.post("/activations", json={"token": "x" * 43}), 422, "token_invalid", {"token"})


def test_activation_token_expires_after_24_hours(api):
    body = api.registration("individual", 3)
    assert api.register(body).status_code == 201
    token = api.token_in(api.last_mail(body["email"]))

    api.advance(TOKEN_LIFETIME + 1)
    api.error(api.post("/activations", json={"token": token}), 422, "token_invalid", {"token"})
    page = requests.get(f"{api.root}/activate?token={token}", timeout=10)
    assert page.status_code == 400

    # «Send the link again» gives a fresh 24 hours.
    assert api.post("/activations/resend", json={"email": body["email"]}).status_code == 202
    fresh = api.token_in(api.last_mail(body["email"]))
    assert fresh != token
    api.advance(TOKEN_LIFETIME - 60)
    assert api.post("/activations", json={"token": fresh}).status_code == 200


def test_links_use_the_configured_public_url(make_server, api_for):
    srv = make_server(public_url="https://lk.voek33.example/", dev=True)
    api = api_for(srv)
    body = api.registration("individual", 11)
    assert api.register(body, headers={"Host": "evil.example"}).status_code == 201
    link = api.link_in(api.last_mail(body["email"]))
    assert link.startswith("https://lk.voek33.example/api/v1/activate?token=")


VALIDATION_CASES: list[tuple[str, dict[str, Any], str, str]] = [
    # (consumer_type, overrides, field, a word of the Russian message)
    ("individual", {"snils": "112-233-445 96"}, "snils", "контрольное число"),
    ("individual", {"snils": "001-001-999 00"}, "snils", "контрольное число"),
    ("individual", {"snils": "112-233-445"}, "snils", "11 цифр"),
    ("individual", {"snils": "112-233-44A 95"}, "snils", "только цифры"),
    ("entrepreneur", {"inn": "3337234788"}, "inn", "12 цифр"),
    ("entrepreneur", {"inn": "332087096401"}, "inn", "контрольное число"),
    ("entrepreneur", {"ogrnip": "315333367975983"}, "ogrnip", "контрольное число"),
    ("company", {"inn": "332087096400"}, "inn", "10 цифр"),
    ("company", {"inn": "7707083894"}, "inn", "контрольное число"),
    ("company", {"ogrn": "1133324980031"}, "ogrn", "контрольное число"),
    ("company", {"ogrn": "315333367975982"}, "ogrn", "13 цифр"),
    ("individual", {"password_confirmation": "Correct-Horse-8"}, "password_confirmation", ""),
    ("individual", {"password": "Ab1!xyz", "password_confirmation": "Ab1!xyz"}, "password", "8"),
    (
        "individual",
        {"password": "я" * 129, "password_confirmation": "я" * 129},
        "password",
        "128",
    ),
    (
        "individual",
        {"password": "password1", "password_confirmation": "password1"},
        "password",
        "распростран",
    ),
    (
        "individual",
        {"password": "PASSWORD1", "password_confirmation": "PASSWORD1"},
        "password",
        "распростран",
    ),
    ("individual", {"phone": "12345"}, "phone", ""),
    ("individual", {"phone": "+1 202 555 0143"}, "phone", "российский"),
    ("individual", {"phone": ""}, "phone", ""),
    ("individual", {"email": "ivanov@"}, "email", ""),
    ("individual", {"email": "ivanov example.test"}, "email", ""),
    ("individual", {"email": ""}, "email", ""),
    ("individual", {"personal_data_consent": False}, "personal_data_consent", "согласие"),
    ("individual", {"personal_data_consent": "true"}, "personal_data_consent", "согласие"),
    ("individual", {"personal_data_consent": None}, "personal_data_consent", "согласие"),
    ("individual", {"consumer_type": "person"}, "consumer_type", ""),
    ("individual", {"consumer_type": None}, "consumer_type", ""),
]


@pytest.mark.parametrize(
    ("consumer_type", "overrides", "field", "word"),
    VALIDATION_CASES,
    ids=[f"{c[2]}-{i}" for i, c in enumerate(VALIDATION_CASES)],
)
def test_invalid_registration_is_422_naming_the_field(
    shared_api, consumer_type, overrides, field, word
):
    api = shared_api
    body = api.registration(consumer_type, 4, **overrides)
    resp = api.register(body)
    error = api.error(resp, 422, "validation_failed", {field})
    assert word in error["fields"][field]
    # Nothing was created: no mail went out.
    assert api.outbox(body["email"] or "nobody@example.test") == []


def test_missing_consent_field_is_422(shared_api):
    api = shared_api
    body = api.registration("individual", 5)
    del body["personal_data_consent"]
    api.error(api.register(body), 422, "validation_failed", {"personal_data_consent"})


def test_every_wrong_field_is_reported_at_once(shared_api):
    api = shared_api
    body = api.registration(
        "entrepreneur",
        6,
        inn="123",
        ogrnip="315333367975983",
        email="x",
        phone="0",
        password="short",
        password_confirmation="other",
        personal_data_consent=False,
    )
    api.error(
        api.register(body),
        422,
        "validation_failed",
        {
            "inn",
            "ogrnip",
            "email",
            "phone",
            "password",
            "password_confirmation",
            "personal_data_consent",
        },
    )


@pytest.mark.parametrize(
    ("consumer_type", "overrides", "fields"),
    [
        ("individual", {"snils": "11223344595"}, {"snils"}),
        ("individual", {"email": "IVANOV@Example.TEST"}, {"email"}),
        ("entrepreneur", {"inn": "332087096400"}, {"inn"}),
        # A registry ОГРНИП registers only with its ИНН, so the pair is taken as a whole.
        (
            "entrepreneur",
            {"ogrnip": "315-333-367-975-982", "inn": "332087096400"},
            {"ogrnip", "inn"},
        ),
        ("company", {"ogrn": "1133324980030", "inn": "3337234788"}, {"ogrn", "inn"}),
        ("company", {"email": "Office@ZAVOD-example.test"}, {"email"}),
    ],
)
def test_duplicate_registration_is_409(shared_api, consumer_type, overrides, fields):
    api = shared_api
    body = api.registration(consumer_type, 7, **overrides)
    api.error(api.register(body), 409, "already_registered", fields)


def test_duplicate_of_a_not_yet_activated_account_is_409(api):
    body = api.registration("company", 8)
    assert api.register(body).status_code == 201
    again = dict(body, email="another@example.test")
    api.error(api.register(again), 409, "already_registered", {"inn", "ogrn"})
    other = api.registration("company", 9, email=body["email"].upper())
    api.error(api.register(other), 409, "already_registered", {"email"})


def test_two_simultaneous_registrations_of_one_snils_give_one_account(api):
    bodies = [
        api.registration("individual", 10, email="first@example.test"),
        api.registration("individual", 10, email="second@example.test"),
    ]
    results: list[requests.Response] = []
    barrier = threading.Barrier(2)

    def go(body: dict[str, Any]) -> None:
        barrier.wait()
        results.append(requests.post(api.root + "/registrations", json=body, timeout=30))

    threads = [threading.Thread(target=go, args=(b,)) for b in bodies]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(r.status_code for r in results) == [201, 409]
    api.error(next(r for r in results if r.status_code == 409), 409, "already_registered")


def test_an_ogrn_in_the_registry_registers_only_with_the_registrys_inn(make_server, api_for, ids):
    """Anyone could otherwise register a company the grid company knows under its ОГРН with
    any valid ИНН (docs/design.md "Identity", "Metering")."""

    def registry(app) -> None:
        with app.db.write() as conn:
            conn.execute(
                "INSERT INTO organizations (kind, registry_number, inn, name) VALUES"
                " ('company', ?, ?, 'ООО «Реестр»'), ('entrepreneur', ?, ?, 'ИП Реестров')",
                (ids.ogrn(501), ids.inn10(501), ids.ogrnip(502), ids.inn12(502)),
            )

    api = api_for(make_server(prepare=registry, dev=True))
    cases = [
        ("company", 501, {"ogrn": ids.ogrn(501)}, ids.inn10(503), ids.inn10(501)),
        ("entrepreneur", 502, {"ogrnip": ids.ogrnip(502)}, ids.inn12(504), ids.inn12(502)),
    ]
    for kind, n, number, wrong_inn, registry_inn in cases:
        refused = api.register(api.registration(kind, n, **number, inn=wrong_inn))
        error = api.error(refused, 422, "validation_failed", {"inn"})
        assert "реестр" in error["fields"]["inn"]
        done = api.register(api.registration(kind, n, **number, inn=registry_inn))
        assert done.status_code == 201, done.text
    # The demo company of the registry too: a wrong ИНН is 422 before "already registered".
    demo_company = api_for(make_server(name="demo", demo=True, dev=True))
    body = demo_company.registration("company", 505, ogrn="1133324980030")
    demo_company.error(demo_company.register(body), 422, "validation_failed", {"inn"})
    # An ОГРН outside the registry registers with any valid ИНН, as before.
    assert api.register(api.registration("company", 506)).status_code == 201
