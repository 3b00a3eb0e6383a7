"""The reference server of the consumer-cabinet API: WSGI on the standard library, SQLite.

Never imports Qt. ``start_embedded`` runs it in-process on a free loopback port.

The names below are imported when first used, not with the package: ``python -m
voek_desktop.api.server`` runs this file first, and ``__main__`` catches SIGTERM before the
app's imports (a fifth of a second, seconds on a loaded machine) or the signal kills the
process (exit -15) instead of stopping it in order.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from voek_desktop.api.server.app import CabinetApp, ServerConfig, create_app
    from voek_desktop.api.server.http.httpd import CabinetHTTPServer, EmbeddedServer

_HOMES = {
    "CabinetApp": "voek_desktop.api.server.app",
    "ServerConfig": "voek_desktop.api.server.app",
    "create_app": "voek_desktop.api.server.app",
    "CabinetHTTPServer": "voek_desktop.api.server.http.httpd",
    "EmbeddedServer": "voek_desktop.api.server.http.httpd",
}

__all__ = [
    "CabinetApp",
    "CabinetHTTPServer",
    "EmbeddedServer",
    "ServerConfig",
    "create_app",
    "start_embedded",
]


def start_embedded(
    data_dir: Path, *, demo: bool = True, dev: bool = True, port: int = 0
) -> EmbeddedServer:
    """Start a server on 127.0.0.1 with its database and outbox in ``data_dir``."""
    import socket

    from voek_desktop.api.server.app import ServerConfig, create_app
    from voek_desktop.api.server.http.httpd import EmbeddedServer

    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    data_dir.chmod(0o700)  # the database and scans hold personal data
    if port == 0:
        # Links in e-mails need the port before the app exists, so pick it first.
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
    config = ServerConfig(
        db_path=data_dir / "cabinet.sqlite3",
        public_url=f"http://127.0.0.1:{port}",
        dev=dev,
        demo=demo,
        outbox_dir=data_dir / "outbox",
        # The /dev clock is kept in the database for servers of several processes; this one is
        # alone on its folder and starts on the real time, as it always has.
        fresh_clock=True,
    )
    return EmbeddedServer(create_app(config), port=port).start()


def __getattr__(name: str) -> object:
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
