"""Contact data: profile, phone, password change, e-mail change (docs/design.md "Identity",
"Cabinet sections", "API")."""

from __future__ import annotations

import pytest
import requests

from tests import demo

NEW_PASSWORD = "Brand-New-Password-9"


def ask_email(api, token: str, email: object, password: str = demo.PASSWORD) -> requests.Response:
    """``POST /profile/email`` as the app sends it: the new address and the current password."""
    return api.post(
        "/profile/email", token=token, json={"email": email, "current_password": password}
    )


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Bearer ", "Bearer not-a-token", "Basic aXZhbm92OnB3ZA==", "not-a-token"],
)
def test_profile_needs_a_session(shared_api, authorization):
    headers = {} if authorization is None else {"Authorization": authorization}
    shared_api.error(shared_api.get("/profile", headers=headers), 401, "unauthorized")


def test_profile_shows_the_consumer_and_is_never_shared_or_used_unchecked(api):
    token = api.login()
    resp = api.get("/profile", token=token)
    assert resp.status_code == 200
    # Only the app that asked may keep it, and it asks again before each use (a 304 then);
    # no shared cache may store it (tests/server/http/test_conditional.py).
    assert resp.headers["Cache-Control"] == "private, no-cache"
    assert resp.headers["ETag"]
    assert resp.headers["Content-Type"] == "application/json; charset=utf-8"
    profile = resp.json()
    assert profile["consumer_type"] == "individual"
    assert profile["snils"] == demo.SNILS
    assert profile["login"] == demo.SNILS
    assert profile["email"] == demo.EMAIL
    assert profile["phone"] == "+79201234567"
    assert profile["pending_email"] is None
    assert "password" not in resp.text and "hash" not in resp.text


def test_profile_of_a_company_shows_its_identifiers(api):
    profile = api.get("/profile", token=api.login("company")).json()
    assert profile["consumer_type"] == "company"
    assert (profile["inn"], profile["ogrn"]) == ("3337234788", demo.OGRN)
    assert profile["login"] == demo.OGRN


def test_phone_change_is_normalised(api):
    token = api.login("company")
    for typed, stored in [
        ("8 (920) 123-45-67", "+79201234567"),
        ("+7 910 7654321", "+79107654321"),
        ("84922123456", "+74922123456"),
    ]:
        resp = api.patch("/profile", token=token, json={"phone": typed})
        assert resp.status_code == 200, resp.text
        assert resp.headers["Cache-Control"] == "no-store"
        assert resp.json()["phone"] == stored
        assert api.get("/profile", token=token).json()["phone"] == stored


def test_bad_phone_is_422_and_changes_nothing(api):
    token = api.login("company")
    for phone in ["12345", "+1 202 555 0143", "", "8 (120) 123-45-67", None]:
        api.error(
            api.patch("/profile", token=token, json={"phone": phone}),
            422,
            "validation_failed",
            {"phone"},
        )
    api.error(api.patch("/profile", token=token, json={}), 422, "validation_failed", {"phone"})
    assert api.get("/profile", token=token).json()["phone"] == "+74922123456"


def test_profile_change_needs_a_session(shared_api):
    shared_api.error(
        shared_api.patch("/profile", json={"phone": "+79201234567"}), 401, "unauthorized"
    )
    shared_api.error(
        shared_api.post(
            "/profile/password",
            json={
                "current_password": demo.PASSWORD,
                "new_password": NEW_PASSWORD,
                "new_password_confirmation": NEW_PASSWORD,
            },
        ),
        401,
        "unauthorized",
    )
    shared_api.error(
        shared_api.post("/profile/email", json={"email": "a@example.test"}), 401, "unauthorized"
    )


def test_password_change(api):
    here = api.login()
    elsewhere = api.login(remember=True)

    def change(current: str, new: str, confirmation: str | None = None) -> requests.Response:
        return api.post(
            "/profile/password",
            token=here,
            json={
                "current_password": current,
                "new_password": new,
                "new_password_confirmation": new if confirmation is None else confirmation,
            },
        )

    api.error(
        change("not-my-password", NEW_PASSWORD), 422, "validation_failed", {"current_password"}
    )
    api.error(change(demo.PASSWORD, "short"), 422, "validation_failed", {"new_password"})
    api.error(
        change(demo.PASSWORD, NEW_PASSWORD, "other"),
        422,
        "validation_failed",
        {"new_password_confirmation"},
    )
    # Nothing changed so far.
    assert api.get("/profile", token=elsewhere).status_code == 200

    resp = change(demo.PASSWORD, NEW_PASSWORD)
    assert resp.status_code == 200, resp.text
    assert "Пароль изменён" in resp.json()["message"]
    assert api.get("/profile", token=here).status_code == 200  # this session survives
    api.error(api.get("/profile", token=elsewhere), 401, "unauthorized")  # others end
    assert "изменён" in api.last_mail(demo.EMAIL)["subject"]

    assert api.login_response(password=NEW_PASSWORD).status_code == 201
    api.error(api.login_response(password=demo.PASSWORD), 401, "invalid_credentials")


def test_email_change_is_confirmed_from_the_new_address(api):
    token = api.login()
    new = "Ivan.New@Example.TEST"
    resp = ask_email(api, token, new)
    assert resp.status_code == 202, resp.text
    assert "Ivan.New@example.test" in resp.json()["message"]
    profile = resp.json()["profile"]
    assert profile["email"] == demo.EMAIL  # not yet
    assert profile["pending_email"] == "Ivan.New@example.test"
    assert api.get("/profile", token=token).json()["pending_email"] == "Ivan.New@example.test"

    confirmation = api.last_mail("Ivan.New@example.test")
    link = api.link_in(confirmation)
    assert link.startswith(api.base + "/api/v1/confirm-email?token=")
    code = api.token_in(confirmation)
    assert link.endswith("token=" + code)
    # The old address is told, without the code.
    notice = api.last_mail(demo.EMAIL)
    assert code not in notice["text"]

    done = api.post("/email-confirmations", json={"token": code})
    assert done.status_code == 200, done.text
    profile = api.get("/profile", token=token).json()
    assert profile["email"] == "Ivan.New@example.test"
    assert profile["pending_email"] is None
    api.error(api.post("/email-confirmations", json={"token": code}), 422, "token_invalid")

    # Mail now goes to the new address; the old one is free and unknown.
    before = len(api.outbox(demo.EMAIL))
    assert api.post("/password-resets", json={"email": demo.EMAIL}).status_code == 202
    assert len(api.outbox(demo.EMAIL)) == before
    assert api.post("/password-resets", json={"email": "ivan.new@example.test"}).status_code == 202
    assert "парол" in api.last_mail("Ivan.New@example.test")["subject"]


def test_email_change_link_page_works_once(api):
    token = api.login()
    assert ask_email(api, token, "page@example.test").ok
    link = api.link_in(api.last_mail("page@example.test"))
    first = requests.get(link, timeout=10)
    assert first.status_code == 200
    assert first.headers["Content-Type"] == "text/html; charset=utf-8"
    assert api.get("/profile", token=token).json()["email"] == "page@example.test"
    again = requests.get(link, timeout=10)
    assert again.status_code == 400
    assert "Ссылка не сработала" in again.text


def test_another_consumers_email_is_refused(api):
    token = api.login()
    for email in (demo.EMAILS["company"], "OFFICE@Zavod-Example.test"):
        api.error(
            ask_email(api, token, email),
            409,
            "email_taken",
            {"email"},
        )
    api.error(
        ask_email(api, token, "IVANOV@example.test"),
        422,
        "validation_failed",
        {"email"},
    )
    api.error(
        ask_email(api, token, "ivanov"),
        422,
        "validation_failed",
        {"email"},
    )
    assert api.get("/profile", token=token).json()["pending_email"] is None


def test_address_taken_while_waiting_for_confirmation_is_409(api):
    ivanov, company = api.login(), api.login("company")
    for token in (ivanov, company):
        resp = ask_email(api, token, "shared@example.test")
        assert resp.status_code == 202
    codes = [api.token_in(m) for m in api.outbox("shared@example.test")]  # newest first
    company_code, ivanov_code = codes
    assert api.post("/email-confirmations", json={"token": ivanov_code}).status_code == 200
    api.error(api.post("/email-confirmations", json={"token": company_code}), 409, "email_taken")
    assert api.get("/profile", token=company).json()["email"] == demo.EMAILS["company"]


def test_email_change_mails_are_limited(api):
    token = api.login()
    for n in range(3):
        resp = ask_email(api, token, f"n{n}@example.test")
        assert resp.status_code == 202
    flood = ask_email(api, token, "n3@example.test")
    api.error(flood, 429, "too_many_attempts")
    assert int(flood.headers["Retry-After"]) > 0
    assert api.outbox("n3@example.test") == []
