"""Per-address limits behind a reverse proxy (docs/deploy.md "nginx in front"): the client is
the right-most address of X-Forwarded-For that is not a trusted proxy, and X-Forwarded-For is
ignored unless its sender is trusted (http/clients.py). The limit used is registration's: 10
answers naming a taken identifier per client address per hour."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from tests.server.conftest import Api
from voek_desktop.api.server.environment import SettingError, config_from_env
from voek_desktop.api.server.http.clients import client_address, trusted_networks

TAKEN_LOOKUPS = 10  # features/identity/registration.py


def _taken(api: Api, body: dict[str, object], forwarded: str) -> int:
    return api.register(body, headers={"X-Forwarded-For": forwarded}).status_code


@pytest.fixture
def proxied(make_server) -> Api:  # type: ignore[no-untyped-def]
    """A server behind a proxy on 127.0.0.1 (the test client plays nginx)."""
    srv = make_server(name="proxied", dev=True, trusted_proxies=trusted_networks(["127.0.0.1"]))
    api = Api(srv.url)
    yield api  # type: ignore[misc]
    api.close()


def test_behind_a_trusted_proxy_one_client_cannot_use_up_the_others_limit(proxied: Api) -> None:
    body = proxied.registration("individual", 1)
    assert proxied.register(body).status_code == 201
    attacker = "203.0.113.5"
    # nginx's $proxy_add_x_forwarded_for appends the peer to what the client sent: a forged
    # left part changes nothing, the client stays the address nginx saw.
    for n in range(TAKEN_LOOKUPS):
        assert _taken(proxied, body, f"10.9.9.{n}, {attacker}") == 409
    refused = proxied.register(body, headers={"X-Forwarded-For": attacker})
    proxied.error(refused, 429, "too_many_attempts")
    # Another client behind the same proxy still gets its own answers.
    assert _taken(proxied, body, "198.51.100.7") == 409


def test_without_trusted_proxies_x_forwarded_for_is_ignored(api: Api) -> None:
    body = api.registration("individual", 2)
    assert api.register(body).status_code == 201
    # A client rotating the header would otherwise get a fresh limit with each request.
    for n in range(TAKEN_LOOKUPS):
        assert _taken(api, body, f"198.51.100.{n}") == 409
    api.error(
        api.register(body, headers={"X-Forwarded-For": "192.0.2.1"}), 429, "too_many_attempts"
    )


def test_an_ipv6_client_cannot_rotate_addresses_within_its_64(proxied: Api) -> None:
    body = proxied.registration("individual", 3)
    assert proxied.register(body).status_code == 201
    # A home line gets a whole /64: a fresh address per request must not be a fresh limit.
    for n in range(TAKEN_LOOKUPS):
        assert _taken(proxied, body, f"2001:db8:1:2::{n + 1:x}") == 409
    proxied.error(
        proxied.register(body, headers={"X-Forwarded-For": "2001:db8:1:2:ffff::9"}),
        429,
        "too_many_attempts",
    )
    # The neighbouring /64 is another subscriber.
    assert _taken(proxied, body, "2001:db8:1:3::1") == 409


def test_the_log_line_names_the_client(proxied: Api, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="voek.server")
    proxied.get("/health", headers={"X-Forwarded-For": "203.0.113.9"})
    lines = [r.getMessage() for r in caplog.records if r.name == "voek.server"]
    assert any(line.startswith("203.0.113.9 GET /api/v1/health 200") for line in lines), lines


TRUSTED = trusted_networks(["127.0.0.1, 10.0.0.0/8", "fd00::/8"])


@pytest.mark.parametrize(
    ("remote", "forwarded", "client"),
    [
        ("127.0.0.1", "", "127.0.0.1"),  # no header: the proxy itself (a health check)
        ("127.0.0.1", "203.0.113.5", "203.0.113.5"),
        ("127.0.0.1", "1.1.1.1, 203.0.113.5", "203.0.113.5"),  # the left part is the client's
        ("127.0.0.1", "203.0.113.5, 10.0.0.7", "203.0.113.5"),  # through two trusted proxies
        ("127.0.0.1", "203.0.113.5:4711", "203.0.113.5"),  # with a port
        ("127.0.0.1", "[2001:db8::1]:443", "2001:db8::1"),
        ("127.0.0.1", "::ffff:203.0.113.5", "203.0.113.5"),
        ("::ffff:127.0.0.1", "203.0.113.5", "203.0.113.5"),
        ("127.0.0.1", "garbage, 10.0.0.7", "10.0.0.7"),  # nothing left of garbage is believed
        ("127.0.0.1", "10.0.0.8, 10.0.0.7", "10.0.0.8"),  # all trusted: the furthest one
        ("fd00::2", "203.0.113.5", "203.0.113.5"),
        ("198.51.100.1", "203.0.113.5", "198.51.100.1"),  # not from a proxy: the header lies
    ],
)
def test_the_client_is_the_right_most_untrusted_address(
    remote: str, forwarded: str, client: str
) -> None:
    environ = {"REMOTE_ADDR": remote, "HTTP_X_FORWARDED_FOR": forwarded}
    assert client_address(environ, TRUSTED) == client
    assert client_address(environ) == remote.removeprefix("::ffff:")  # nothing trusted


def test_trusted_proxies_from_the_environment(tmp_path: Path) -> None:
    config = config_from_env(
        {"VOEK_DATABASE": str(tmp_path / "c.sqlite3"), "VOEK_TRUSTED_PROXIES": "127.0.0.1, ::1"}
    )
    assert [str(n) for n in config.trusted_proxies] == ["127.0.0.1/32", "::1/128"]
    assert config_from_env({}).trusted_proxies == ()
    with pytest.raises(SettingError, match=r"VOEK_TRUSTED_PROXIES.*'nginx'"):
        config_from_env({"VOEK_TRUSTED_PROXIES": "127.0.0.1,nginx"})


def test_only_the_client_address_helper_reads_remote_addr() -> None:
    """Every per-address key goes through http/clients.py: a feature reading REMOTE_ADDR
    itself would key its limit by the proxy's address again."""
    root = Path(__file__).parents[3] / "voek_desktop" / "api" / "server"
    readers = sorted(
        str(p.relative_to(root))
        for p in root.rglob("*.py")
        if "REMOTE_ADDR" in p.read_text(encoding="utf-8")
    )
    assert readers == ["http/clients.py"], readers


def test_voek_server_takes_trusted_proxies_as_options(capsys: pytest.CaptureFixture[str]) -> None:
    from voek_desktop.api.server.__main__ import parse_args

    args = parse_args(["--trusted-proxy", "127.0.0.1,::1", "--trusted-proxy", "10.0.0.0/8"])
    assert [str(n) for nets in args.trusted_proxies for n in nets] == [
        "127.0.0.1/32",
        "::1/128",
        "10.0.0.0/8",
    ]
    assert parse_args([]).trusted_proxies == []
    with pytest.raises(SystemExit):
        parse_args(["--trusted-proxy", "localhost"])
    assert "'localhost' — не IP-адрес" in capsys.readouterr().err
