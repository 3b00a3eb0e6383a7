"""«Send the link again» and password reset by e-mail (docs/design.md "Identity")."""

from __future__ import annotations

from tests import demo

NEW_PASSWORD = "Brand-New-Password-9"


def test_resend_activation_never_reveals_whether_an_email_is_registered(api):
    body = api.registration("individual", 21)
    assert api.register(body).status_code == 201
    pending = body["email"]

    answers = [
        api.post("/activations/resend", json={"email": email})
        for email in (pending, demo.EMAIL, "nobody@example.test", pending.upper())
    ]
    for resp in answers:
        assert resp.status_code == 202
        assert resp.headers["Content-Type"] == "application/json; charset=utf-8"
    assert len({resp.content for resp in answers}) == 1
    assert "message" in answers[0].json()

    # Only the account that still waits for activation got new links (registration + 2).
    assert len(api.outbox(pending)) == 3
    assert api.outbox(demo.EMAIL) == []
    assert api.outbox("nobody@example.test") == []

    # A fourth mail within 15 minutes is not sent, and the answer does not tell.
    again = api.post("/activations/resend", json={"email": pending})
    assert again.status_code == 202
    assert again.content == answers[0].content
    assert len(api.outbox(pending)) == 3
    api.advance(15 * 60 + 1)
    assert api.post("/activations/resend", json={"email": pending}).status_code == 202
    assert len(api.outbox(pending)) == 4

    # Every link sent works until one is used; then the account is active.
    token = api.token_in(api.last_mail(pending))
    assert api.post("/activations", json={"token": token}).status_code == 200


def test_password_reset_request_never_reveals_whether_an_email_is_registered(api):
    answers = [
        api.post("/password-resets", json={"email": email})
        for email in ("IVANOV@example.TEST", "nobody@example.test")
    ]
    for resp in answers:
        assert resp.status_code == 202
    assert answers[0].content == answers[1].content
    mail = api.last_mail(demo.EMAIL)
    assert mail["to"] == demo.EMAIL
    assert len(api.token_in(mail)) >= 32
    assert api.outbox("nobody@example.test") == []


def test_resend_and_reset_check_the_address_format(shared_api):
    for path in ("/activations/resend", "/password-resets"):
        shared_api.error(
            shared_api.post(path, json={"email": "not an address"}),
            422,
            "validation_failed",
            {"email"},
        )
        shared_api.error(shared_api.post(path, json={}), 422, "validation_failed", {"email"})


def test_password_reset_sets_the_password_and_ends_every_session(api):
    sessions = [api.login(), api.login(remember=True)]
    assert api.post("/password-resets", json={"email": demo.EMAIL}).status_code == 202
    token = api.token_in(api.last_mail(demo.EMAIL))

    # A form error does not use the code up.
    api.error(
        api.post(
            "/password-resets/confirm",
            json={"token": token, "password": NEW_PASSWORD, "password_confirmation": "other"},
        ),
        422,
        "validation_failed",
        {"password_confirmation"},
    )
    api.error(
        api.post(
            "/password-resets/confirm",
            json={"token": token, "password": "qwerty123", "password_confirmation": "qwerty123"},
        ),
        422,
        "validation_failed",
        {"password"},
    )

    confirm = {"token": token, "password": NEW_PASSWORD, "password_confirmation": NEW_PASSWORD}
    resp = api.post("/password-resets/confirm", json=confirm)
    assert resp.status_code == 200, resp.text
    assert "Пароль изменён" in resp.json()["message"]

    for token_ in sessions:
        api.error(api.get("/profile", token=token_), 401, "unauthorized")
    notice = api.last_mail(demo.EMAIL)
    assert "изменён" in notice["subject"]

    assert api.login_response(password=NEW_PASSWORD).status_code == 201
    api.error(api.login_response(password=demo.PASSWORD), 401, "invalid_credentials")

    # Single use.
    api.error(api.post("/password-resets/confirm", json=confirm), 422, "token_invalid", {"token"})


def test_password_reset_code_expires_after_24_hours(api):
    assert api.post("/password-resets", json={"email": demo.EMAILS["company"]}).status_code == 202
    token = api.token_in(api.last_mail(demo.EMAILS["company"]))
    api.advance(24 * 3600 + 1)
    confirm = {"token": token, "password": NEW_PASSWORD, "password_confirmation": NEW_PASSWORD}
    api.error(api.post("/password-resets/confirm", json=confirm), 422, "token_invalid", {"token"})


def test_codes_are_not_interchangeable(api):
    """An activation code cannot reset a password, and a reset code cannot activate."""
    body = api.registration("individual", 22)
    assert api.register(body).status_code == 201
    activation = api.token_in(api.last_mail(body["email"]))
    confirm = {"token": activation, "password": NEW_PASSWORD, "password_confirmation": NEW_PASSWORD}
    api.error(api.post("/password-resets/confirm", json=confirm), 422, "token_invalid")

    assert api.post("/password-resets", json={"email": demo.EMAIL}).status_code == 202
    reset = api.token_in(api.last_mail(demo.EMAIL))
    api.error(api.post("/activations", json={"token": reset}), 422, "token_invalid")
    api.error(api.post("/email-confirmations", json={"token": reset}), 422, "token_invalid")
