"""The server's settings from the environment, for processes started by another program:
``gunicorn voek_desktop.api.server.wsgi:app``, ``waitress-serve``, ``voek-worker``
(docs/deploy.md "Settings"). ``voek-server`` takes the same settings as options.

====================  ==================================================================
VOEK_DATABASE         a SQLite file (default ``voek-cabinet.sqlite3``) or a server's URL
VOEK_FILES            folder of uploads, contracts and archives (default: beside the file), or
                      ``db``: kept in the database itself (core/filestore.py)
VOEK_PUBLIC_URL       the address users reach, for links in mails
VOEK_DEMO=1           load the demo data; VOEK_DEV=1 mounts /api/v1/dev/*
VOEK_OUTBOX           folder of .eml files (default ``outbox``); VOEK_SMTP=HOST:PORT sends
VOEK_COMPANY          JSON file: the grid company's requisites (``voek-server --company``)
VOEK_SIGNATORY        JSON file: who signs connection contracts (``voek-server --signatory``)
VOEK_JOBS=0           run no background work here: the web processes of a deployment with a
                      ``voek-worker``
VOEK_JOB_LEASE        seconds before a dead worker's job is taken again (default 30)
VOEK_TRUSTED_PROXIES  addresses/networks of the reverse proxies in front (``127.0.0.1``,
                      ``10.0.0.0/8``, comma-separated) whose X-Forwarded-For names the client
                      (http/clients.py); none by default: the header is ignored
VOEK_LOG_LEVEL        the WSGI entry point's log level (default INFO: a line per request)
====================  ==================================================================
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path

from voek_desktop.api.server.app import ServerConfig
from voek_desktop.api.server.core.filestore import files_setting
from voek_desktop.api.server.http.clients import Network, trusted_networks
from voek_desktop.domain.company import SIGNATORY_KEYS, Requisites


class SettingError(ValueError):
    """A setting that cannot be used; the message names it, in Russian, for the log."""


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    value = env.get(name, "").strip().lower()
    if not value:
        return default
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise SettingError(f"{name}: ожидается 1 или 0, получено {value!r}")


def _seconds(env: Mapping[str, str], name: str, default: float) -> float:
    value = env.get(name, "").strip()
    if not value:
        return default
    try:
        seconds = float(value)
    except ValueError:
        seconds = 0.0
    if not 1 <= seconds <= 3600:
        raise SettingError(f"{name}: ожидается число секунд от 1 до 3600, получено {value!r}")
    return seconds


def smtp_address(value: str) -> tuple[str, int]:
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit():
        raise SettingError("ожидается HOST:PORT")
    return host, int(port)


def signatory(path: str) -> dict[str, str]:
    """Who signs connection contracts for АО «ВОЭК», as JSON with the keys of SIGNATORY_KEYS."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SettingError(f"не удалось прочитать {path}: {exc}") from None
    if not isinstance(data, dict) or not all(
        isinstance(data.get(k), str) and data[k].strip() for k in SIGNATORY_KEYS
    ):
        raise SettingError("нужен объект JSON с ключами " + ", ".join(SIGNATORY_KEYS))
    return {k: data[k].strip() for k in SIGNATORY_KEYS}


def company(env: Mapping[str, str]) -> Requisites | None:
    """VOEK_COMPANY with VOEK_SIGNATORY folded in, as ``voek-server --company/--signatory``."""
    from voek_desktop.domain.company import UNKNOWN, requisites_from_json
    from voek_desktop.domain.errors import InvalidValue

    signed = signatory(env["VOEK_SIGNATORY"]) if env.get("VOEK_SIGNATORY") else None
    if not env.get("VOEK_COMPANY"):
        return UNKNOWN._replace(signatory=signed) if signed else None
    path = env["VOEK_COMPANY"]
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SettingError(f"VOEK_COMPANY: не удалось прочитать {path}: {exc}") from None
    if not isinstance(data, dict):
        raise SettingError("VOEK_COMPANY: нужен объект JSON")
    if signed:
        data["signatory"] = signed
    try:
        return requisites_from_json(data, full_signatory=True)
    except InvalidValue as exc:
        raise SettingError(f"VOEK_COMPANY: {exc.message}") from None


def trusted_proxies(env: Mapping[str, str]) -> tuple[Network, ...]:
    try:
        return trusted_networks([env.get("VOEK_TRUSTED_PROXIES", "")])
    except ValueError as exc:
        raise SettingError(f"VOEK_TRUSTED_PROXIES: {exc}") from None


def config_from_env(env: Mapping[str, str] | None = None) -> ServerConfig:
    env = os.environ if env is None else env
    smtp = None
    if env.get("VOEK_SMTP"):
        try:
            smtp = smtp_address(env["VOEK_SMTP"])
        except SettingError as exc:
            raise SettingError(f"VOEK_SMTP: {exc}") from None
    return ServerConfig(
        db_path=env.get("VOEK_DATABASE") or "voek-cabinet.sqlite3",
        public_url=env.get("VOEK_PUBLIC_URL") or "http://127.0.0.1:8080",
        dev=_flag(env, "VOEK_DEV", False),
        demo=_flag(env, "VOEK_DEMO", False),
        outbox_dir=None if smtp else Path(env.get("VOEK_OUTBOX") or "outbox"),
        smtp=smtp,
        company=company(env),
        **files_setting(env.get("VOEK_FILES")),
        jobs=_flag(env, "VOEK_JOBS", True),
        job_lease=_seconds(env, "VOEK_JOB_LEASE", 30.0),
        trusted_proxies=trusted_proxies(env),
    )
