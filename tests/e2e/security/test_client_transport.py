"""Issue 11, item 12: the password and the token never travel in plain text or to another origin.

The old client accepted http:// for any host in the settings and in ``--server``, and followed
a 307 on login, sending the password again to whatever origin the server named."""

from __future__ import annotations

import json

import pytest

from tests.e2e.security import hostile_server
from tests.e2e.security.hostile_server import PROFILE, json_answer, redirect
from voek_desktop.api.client import CabinetClient
from voek_desktop.api.errors import ApiError

hostile, other_origin, app_dirs = (
    hostile_server.hostile,
    hostile_server.other_origin,
    hostile_server.app_dirs,
)  # fixtures

SESSION = {"token": "t0k3n", "expires_at": "2026-12-31T00:00:00+00:00", "consumer": PROFILE}
PASSWORD = "demo-Password-2026"


def test_login_redirected_to_another_origin_does_not_resend_the_password(
    hostile, other_origin
) -> None:
    hostile.on("POST", "/api/v1/sessions", redirect(other_origin.url + "/api/v1/sessions"))
    other_origin.on("POST", "/api/v1/sessions", json_answer(SESSION))
    client = CabinetClient(hostile.url, retries=0)
    try:
        with pytest.raises(ApiError) as caught:
            client.log_in("individual", "112-233-445 95", PASSWORD, False)
    finally:
        client.close()
    assert other_origin.requests == []
    assert caught.value.status == 307
    assert "перенаправил" in caught.value.message
    assert client.token is None
    # The one place the password went is the address the user chose.
    assert json.loads(hostile.seen("POST", "/api/v1/sessions")[0].body)["password"] == PASSWORD


def test_a_body_is_not_resent_even_within_the_same_origin(hostile) -> None:
    hostile.on("POST", "/api/v1/profile/password", redirect("/api/v1/elsewhere", 308))
    hostile.on("POST", "/api/v1/elsewhere", json_answer({"message": "ok"}))
    client = CabinetClient(hostile.url, "token", retries=0)
    try:
        with pytest.raises(ApiError):
            client.change_password(PASSWORD, "new-Password-2027", "new-Password-2027")
    finally:
        client.close()
    assert hostile.seen("POST", "/api/v1/elsewhere") == []


def test_get_redirects_stay_on_the_origin(hostile, other_origin) -> None:
    hostile.on("GET", "/api/v1/profile", redirect(other_origin.url + "/api/v1/profile", 302))
    other_origin.on("GET", "/api/v1/profile", json_answer(PROFILE))
    hostile.on("GET", "/api/v1/health", redirect("/api/v1/health-moved", 302))
    hostile.on("GET", "/api/v1/health-moved", json_answer({"status": "ok"}))
    client = CabinetClient(hostile.url, "token", retries=0)
    try:
        with pytest.raises(ApiError) as caught:
            client.profile()
        assert caught.value.status == 302
        assert client.health() == {"status": "ok"}  # the same origin: followed
    finally:
        client.close()
    assert other_origin.requests == []


@pytest.mark.parametrize(
    "url", ["http://10.0.0.5:9000", "http://lk.voek33.ru", "http://127.0.0.1.evil.example"]
)
def test_plain_http_to_another_computer_is_refused_before_sending(url: str) -> None:
    client = CabinetClient(url, retries=0)
    try:
        with pytest.raises(ApiError) as caught:
            client.log_in("individual", "112-233-445 95", PASSWORD, False)
    finally:
        client.close()
    assert caught.value.code == "insecure_server"
    assert "https://" in caught.value.message


@pytest.mark.parametrize(
    "url",
    [
        "https://lk.voek33.ru",
        "https://10.0.0.5:9000",
        "http://127.0.0.1:8080",
        "http://127.5.6.7",
        "http://localhost:8080",
        "http://[::1]:8080",
    ],
)
def test_https_anywhere_and_http_to_this_computer_are_accepted(url: str) -> None:
    from voek_desktop.__main__ import parse_args

    assert parse_args(["--server", url]).server == url


def test_cli_refuses_plain_http_to_another_computer(capsys) -> None:
    from voek_desktop.__main__ import parse_args

    with pytest.raises(SystemExit) as caught:
        parse_args(["--server", "http://10.0.0.5:9000"])
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert "--server http://10.0.0.5:9000" in err
    assert "пароль передаётся открытым текстом" in err


def test_settings_dialog_refuses_plain_http_to_another_computer(
    app_dirs, qtbot, monkeypatch
) -> None:
    from voek_desktop.settings import Settings
    from voek_desktop.ui.kit import messages
    from voek_desktop.ui.settings_dialog import SettingsDialog

    monkeypatch.setattr(messages, "info", lambda *args, **kwargs: None)  # a modal box

    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    dialog.server.set_text("http://192.168.1.10:8080")
    dialog._save()
    assert "пароль передаётся открытым текстом" in dialog.server.error.text()
    assert dialog.server.error.isVisibleTo(dialog)
    assert not Settings.path().exists()


def test_the_default_server_is_https() -> None:
    from voek_desktop.ui.app import DEFAULT_SERVER

    assert DEFAULT_SERVER.startswith("https://")
