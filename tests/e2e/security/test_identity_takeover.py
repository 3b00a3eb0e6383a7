"""Issue 11, item 1: a stolen session must not become a permanent takeover.

The attack as it was reproduced: with a stolen session the attacker asks to move the e-mail to
his address; the owner notices and changes the password (which ends that session); the
attacker then confirms the still-valid code from his mailbox and resets the password through
it. Each step is tried here over real HTTP against the bundled server (docs/design.md
"Identity")."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import requests

from tests import demo
from tests.server.conftest import Api

MALLORY = "mallory@evil.test"
ATTACKER_PASSWORD = "Mallory-Owns-It-7"
OWNER_PASSWORD = "Owner-Takes-Back-9"
DAY = 86400


@pytest.fixture
def api(server) -> Iterator[Api]:
    a = Api(server.url)
    yield a
    a.close()


def ask_email(api: Api, token: str, email: str, password: str | None) -> requests.Response:
    body = {"email": email}
    if password is not None:
        body["current_password"] = password
    return api.post("/profile/email", token=token, json=body)


def reset(api: Api, code: str, password: str) -> requests.Response:
    return api.post(
        "/password-resets/confirm",
        json={"token": code, "password": password, "password_confirmation": password},
    )


def change_password(api: Api, token: str, current: str, new: str) -> requests.Response:
    return api.post(
        "/profile/password",
        token=token,
        json={"current_password": current, "new_password": new, "new_password_confirmation": new},
    )


def move_email(api: Api, token: str, to: str, password: str = demo.PASSWORD) -> None:
    """Ask for the move and confirm it from the new mailbox."""
    assert ask_email(api, token, to, password).status_code == 202
    done = api.post("/email-confirmations", json={"token": api.token_in(api.last_mail(to))})
    assert done.status_code == 200, done.text


def undo_link(api: Api, old: str) -> str:
    notice = api.last_mail(old)
    assert "изменён" in notice["subject"], notice
    return api.link_in(notice)


def test_a_stolen_session_cannot_move_the_email_without_the_password(api):
    stolen = api.login()
    refused = ask_email(api, stolen, MALLORY, None)
    error = api.error(refused, 422, "validation_failed", {"current_password"})
    assert error["fields"]["current_password"] == "Укажите текущий пароль"
    # Guessing it counts against the login's lockout: 5 per 15 minutes, then 429.
    for n in range(5):
        wrong = ask_email(api, stolen, MALLORY, f"guess-{n}-Password")
        api.error(wrong, 422, "validation_failed", {"current_password"})
    locked = ask_email(api, stolen, MALLORY, demo.PASSWORD)
    api.error(locked, 429, "too_many_attempts")
    assert int(locked.headers["Retry-After"]) > 0
    api.error(api.login_response(), 429, "too_many_attempts")  # one lockout for both doors
    assert api.outbox(MALLORY) == []
    assert api.get("/profile", token=stolen).json()["pending_email"] is None


def test_the_owners_password_change_kills_the_pending_email_move(api):
    owner = api.login()
    stolen = api.login()  # the attacker's copy; say he phished the password too
    assert ask_email(api, stolen, MALLORY, demo.PASSWORD).status_code == 202
    code = api.token_in(api.last_mail(MALLORY))
    link = api.link_in(api.last_mail(MALLORY))
    assert api.get("/profile", token=owner).json()["pending_email"] == MALLORY

    # The owner reads the notice on his address and changes the password.
    assert change_password(api, owner, demo.PASSWORD, OWNER_PASSWORD).status_code == 200
    api.error(api.get("/profile", token=stolen), 401, "unauthorized")

    # The code the attacker holds is dead, by the API and by the link.
    api.error(api.post("/email-confirmations", json={"token": code}), 422, "token_invalid")
    assert requests.get(link, timeout=10).status_code == 400
    assert api.get("/profile", token=owner).json()["pending_email"] is None
    profile = api.get("/profile", token=owner).json()
    assert profile["email"] == demo.EMAIL
    # So no reset can reach his mailbox.
    assert api.post("/password-resets", json={"email": MALLORY}).status_code == 202
    assert len(api.outbox(MALLORY)) == 1  # only the confirmation mail of the move


def test_reset_codes_from_before_a_password_change_fail(api):
    assert api.post("/password-resets", json={"email": demo.EMAIL}).status_code == 202
    early = api.token_in(api.last_mail(demo.EMAIL))
    owner = api.login()
    assert change_password(api, owner, demo.PASSWORD, OWNER_PASSWORD).status_code == 200
    api.error(reset(api, early, ATTACKER_PASSWORD), 422, "token_invalid", {"token"})
    assert api.login_response(password=OWNER_PASSWORD).status_code == 201

    # A reset retires the other codes as well: an e-mail move asked for before it.
    owner = api.login(password=OWNER_PASSWORD)
    assert ask_email(api, owner, MALLORY, OWNER_PASSWORD).status_code == 202
    move = api.token_in(api.last_mail(MALLORY))
    assert api.post("/password-resets", json={"email": demo.EMAIL}).status_code == 202
    assert reset(api, api.token_in(api.last_mail(demo.EMAIL)), demo.PASSWORD).status_code == 200
    api.error(api.post("/email-confirmations", json={"token": move}), 422, "token_invalid")


def test_a_new_code_supersedes_the_older_one_of_its_purpose(api):
    # Password reset.
    for _ in range(2):
        assert api.post("/password-resets", json={"email": demo.EMAIL}).status_code == 202
    newer, older = (api.token_in(m) for m in api.outbox(demo.EMAIL)[:2])
    api.error(reset(api, older, OWNER_PASSWORD), 422, "token_invalid")
    assert reset(api, newer, OWNER_PASSWORD).status_code == 200

    # E-mail change: the first address asked for can no longer be confirmed.
    token = api.login(password=OWNER_PASSWORD)
    assert ask_email(api, token, MALLORY, OWNER_PASSWORD).status_code == 202
    assert ask_email(api, token, "ivan.second@example.test", OWNER_PASSWORD).status_code == 202
    first = api.token_in(api.last_mail(MALLORY))
    api.error(api.post("/email-confirmations", json={"token": first}), 422, "token_invalid")
    second = api.token_in(api.last_mail("ivan.second@example.test"))
    assert api.post("/email-confirmations", json={"token": second}).status_code == 200

    # Activation: only the latest letter activates.
    body = api.registration("individual", 61)
    assert api.register(body).status_code == 201
    assert api.post("/activations/resend", json={"email": body["email"]}).status_code == 202
    latest, original = (api.token_in(m) for m in api.outbox(body["email"])[:2])
    api.error(api.post("/activations", json={"token": original}), 422, "token_invalid")
    assert api.post("/activations", json={"token": latest}).status_code == 200


def test_the_old_address_can_undo_a_completed_takeover(api):
    """The attacker knows the password and is quicker than the owner: he moves the e-mail,
    confirms it and resets the password. The notice on the old address undoes all of it."""
    stolen = api.login()
    assert api.post("/password-resets", json={"email": demo.EMAIL}).status_code == 202
    owners_reset = api.token_in(api.last_mail(demo.EMAIL))  # in the owner's mailbox
    move_email(api, stolen, MALLORY)

    # The confirmed move retired the codes mailed to the old address.
    api.error(reset(api, owners_reset, OWNER_PASSWORD), 422, "token_invalid")
    notice = api.last_mail(demo.EMAIL)
    assert MALLORY in notice["text"] and "7 дней" in notice["text"]
    link = undo_link(api, demo.EMAIL)
    assert link.startswith(api.base + "/api/v1/undo-email?token=")

    # The attacker resets the password through his mailbox and logs in.
    assert api.post("/password-resets", json={"email": MALLORY}).status_code == 202
    assert reset(api, api.token_in(api.last_mail(MALLORY)), ATTACKER_PASSWORD).status_code == 200
    attacker = api.login(password=ATTACKER_PASSWORD)
    assert api.get("/profile", token=attacker).json()["email"] == MALLORY

    # Opening the link only asks (a mail scanner that follows links changes nothing) …
    page = requests.get(link, timeout=10)
    assert page.status_code == 200, page.text
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"
    assert page.headers["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert "<form" in page.text and "Отменить смену адреса" in page.text
    assert api.get("/profile", token=attacker).json()["email"] == MALLORY
    # … the button (the same link with confirm=1) undoes.
    action = re.search(r"action='([^']+)'", page.text)
    assert action is not None and action.group(1) == "undo-email"
    done = requests.get(link + "&confirm=1", timeout=10)
    assert done.status_code == 200, done.text
    assert "Смена адреса отменена" in done.text

    # Every session ended, the attacker's password is gone, his mailbox gets nothing more.
    api.error(api.get("/profile", token=attacker), 401, "unauthorized")
    api.error(api.login_response(password=ATTACKER_PASSWORD), 401, "invalid_credentials")
    api.error(api.login_response(password=demo.PASSWORD), 401, "invalid_credentials")
    before = len(api.outbox(MALLORY))
    assert api.post("/password-resets", json={"email": MALLORY}).status_code == 202
    assert len(api.outbox(MALLORY)) == before
    # The owner got a reset code on his address and is back in with a new password.
    letter = api.last_mail(demo.EMAIL)
    assert "парол" in letter["subject"]
    assert reset(api, api.token_in(letter), OWNER_PASSWORD).status_code == 200
    owner = api.login(password=OWNER_PASSWORD)
    assert api.get("/profile", token=owner).json()["email"] == demo.EMAIL
    # The link works once.
    assert requests.get(link + "&confirm=1", timeout=10).status_code == 400


def test_the_undo_code_works_through_the_api_for_7_days(api, client):
    token = api.login()
    move_email(api, token, "ivan.work@example.test")
    link = undo_link(api, demo.EMAIL)
    api.advance(7 * DAY - 60)
    message = client.undo_email_change(link)  # the app's method: a link or the bare code
    assert "все сеансы входа завершены" in message
    api.error(api.get("/profile", token=token), 401, "unauthorized")
    api.error(
        api.post("/profile/email/undo", json={"token": link.rsplit("=", 1)[1]}),
        422,
        "token_invalid",
        {"token"},
    )
    api.error(api.post("/profile/email/undo", json={"token": " "}), 422, "validation_failed")


def test_the_undo_link_expires_after_7_days(api):
    token = api.login()
    move_email(api, token, "ivan.work@example.test")
    code = undo_link(api, demo.EMAIL).rsplit("=", 1)[1]
    api.advance(7 * DAY + 1)
    api.error(api.post("/profile/email/undo", json={"token": code}), 422, "token_invalid")
    assert api.get("/profile", token=api.login()).json()["email"] == "ivan.work@example.test"


def test_undoing_an_earlier_move_kills_the_undo_links_of_later_ones(api):
    """owner → m1 → m2: the undo mailed to m1 (the intruder's) must not pull the account back
    to m1 once the owner has undone the first move."""
    token = api.login()
    move_email(api, token, "m1@evil.test")
    first = undo_link(api, demo.EMAIL)
    move_email(api, token, "m2@evil.test")
    second = undo_link(api, "m1@evil.test")
    assert requests.get(first + "&confirm=1", timeout=10).status_code == 200
    refused = api.post("/profile/email/undo", json={"token": second.rsplit("=", 1)[1]})
    api.error(refused, 422, "token_invalid")
    assert api.post("/password-resets", json={"email": demo.EMAIL}).status_code == 202
    assert reset(api, api.token_in(api.last_mail(demo.EMAIL)), OWNER_PASSWORD).status_code == 200
    owner = api.login(password=OWNER_PASSWORD)
    assert api.get("/profile", token=owner).json()["email"] == demo.EMAIL
