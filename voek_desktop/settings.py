"""Where the app keeps its files, and the preferences file (JSON, written atomically).

Preferences hold nothing personal: no identifiers, no tokens (those go to the OS keyring).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

APP_DIR_NAME = "voek_desktop"


def _base(env: str, windows_env: str, xdg_env: str, xdg_default: str) -> Path:
    override = os.environ.get(env)
    if override:
        return Path(override)
    if sys.platform == "win32":
        return Path(os.environ.get(windows_env) or Path.home() / "AppData" / "Roaming") / (
            APP_DIR_NAME
        )
    return Path(os.environ.get(xdg_env) or Path.home() / xdg_default) / APP_DIR_NAME


LOOPBACK_NAMES = frozenset({"localhost", "localhost."})


def server_url_problem(url: str) -> str | None:
    """Why the app refuses this server address (Russian), or None.

    The password and the session token travel in every login and call: plain http:// would
    show them to anyone on the network, so it is allowed only to this computer (the demo
    server, a developer's own)."""
    import ipaddress
    from urllib.parse import urlsplit

    text = url.strip()
    try:
        parts = urlsplit(text)
        host = parts.hostname or ""
        _ = parts.port  # a port that is not a number raises here
    except ValueError:
        return "Неверный адрес сервера. Пример: https://lk.voek33.ru"
    if parts.scheme not in ("http", "https") or not host:
        return "Адрес начинается с https:// — например, https://lk.voek33.ru"
    if parts.scheme == "http":
        try:
            loopback = ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = host.lower() in LOOPBACK_NAMES
        if not loopback:
            return (
                "По http:// пароль передаётся открытым текстом: используйте https://."
                " Адрес http:// допустим только для сервера на этом компьютере"
                " (127.0.0.1, localhost)."
            )
    return None


def config_dir() -> Path:
    return _base("VOEK_CONFIG_DIR", "APPDATA", "XDG_CONFIG_HOME", ".config")


def data_dir() -> Path:
    return _base("VOEK_DATA_DIR", "LOCALAPPDATA", "XDG_DATA_HOME", ".local/share")


PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


def make_private_dirs(folder: Path) -> Path:
    """``mkdir -p`` whose new folders are 0700 whatever the umask: what the app keeps (tokens
    aside) holds personal data — passports, СНИЛС, meter readings — and a shared PC has other
    users. Folders that already exist are left as they are (the user's own Downloads, say)."""
    missing = []
    probe = folder
    while not probe.exists() and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    for new in reversed(missing):
        try:
            os.mkdir(new, PRIVATE_DIR)
        except FileExistsError:
            continue  # made by another thread meanwhile
        os.chmod(new, PRIVATE_DIR)  # mkdir's mode is masked by the umask
    return folder


def write_atomically(path: Path, data: bytes, mode: int = PRIVATE_FILE) -> None:
    """Write to a temporary file beside ``path`` and rename it over: never a half file."""
    import tempfile  # pulls in random and OpenSSL: not on the start-up path

    make_private_dirs(path.parent)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(tmp, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


DESK_TEXT_MAX = 100


def desk_text_problem(text: str, person: bool = False) -> str | None:
    """Why a desk setting (centre, desk, clerk's name) cannot go on a receipt (Russian), or None.

    They are printed on a paper the visitor signs: one line of ordinary text, and a name of
    letters (a hyphen, an apostrophe, a dot for initials)."""
    value = text.strip()
    if not value:
        return None  # optional: the receipt then has a blank line to fill in by hand
    if len(value) > DESK_TEXT_MAX:
        return f"Не длиннее {DESK_TEXT_MAX} символов"
    if any(not ch.isprintable() for ch in value):
        return "Только одна строка обычного текста"
    if person and not all(ch.isalpha() or ch in " -.'’" for ch in value):
        return "Только буквы, пробел, дефис и точка — например, Петрова М. С."
    return None


class Settings:
    """Preferences; unknown or mistyped keys in the file are ignored, not fatal."""

    def __init__(
        self,
        server_url: str = "",
        consumer_type: str = "individual",
        clerk_mode: bool = False,
        lock_after_seconds: int = 300,
        scanner_folder: str = "",
        refresh_seconds: int = 180,
        service_centre: str = "",
        desk_name: str = "",
        clerk_name: str = "",
    ) -> None:
        self.server_url = server_url
        self.consumer_type = consumer_type  # the tab the login screen opens on
        # «Режим центра обслуживания» (docs/design.md "Clerk mode"): a shared PC at a
        # service-centre desk.
        self.clerk_mode = clerk_mode
        self.lock_after_seconds = lock_after_seconds  # clerk mode: lock after this idle time
        self.scanner_folder = scanner_folder  # clerk mode: where the desk scanner saves files
        self.refresh_seconds = refresh_seconds  # the open section reloads this often
        # Clerk mode: printed on «Расписка в получении документов» (issue 17, item 6). The
        # desk's and its clerk's names, not a visitor's: nothing personal of a visitor here.
        self.service_centre = service_centre  # «Центр обслуживания»
        self.desk_name = desk_name  # «Рабочее место»
        self.clerk_name = clerk_name  # «Сотрудник»

    def as_json(self) -> dict[str, Any]:
        return {
            "server_url": self.server_url,
            "consumer_type": self.consumer_type,
            "clerk_mode": self.clerk_mode,
            "lock_after_seconds": self.lock_after_seconds,
            "scanner_folder": self.scanner_folder,
            "refresh_seconds": self.refresh_seconds,
            "service_centre": self.service_centre,
            "desk_name": self.desk_name,
            "clerk_name": self.clerk_name,
        }

    @classmethod
    def path(cls) -> Path:
        return config_dir() / "settings.json"

    @classmethod
    def load(cls) -> Settings:
        try:
            raw: Any = json.loads(cls.path().read_text("utf-8"))
        except (OSError, ValueError):
            return cls()
        if not isinstance(raw, dict):
            return cls()
        defaults = cls().as_json()
        # A value of the wrong type (a hand-edited file) keeps its default.
        return cls(
            **{k: v for k, v in raw.items() if k in defaults and type(v) is type(defaults[k])}
        )

    def save(self) -> None:
        text = json.dumps(self.as_json(), ensure_ascii=False, indent=2)
        write_atomically(self.path(), text.encode())
