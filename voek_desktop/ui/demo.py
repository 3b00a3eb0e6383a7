"""Demo mode: the bundled server in this process. The only UI module that touches the server."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

from voek_desktop.ui.context import DemoLogin

KEYRING_USER = "demo-server"
PREFERRED_PORT = 8765


def pick_port() -> int:
    """The usual demo port if free (so links in old demo letters keep working), else any."""
    for port in (PREFERRED_PORT, 0):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return s.getsockname()[1]
    raise OSError("no free port")


def start(data_dir: Path, port: int) -> Any:
    from voek_desktop.api.server import start_embedded

    return start_embedded(data_dir, demo=True, dev=True, port=port)


def logins() -> tuple[DemoLogin, ...]:
    from voek_desktop.demo_data import DEMO_CONSUMERS, DEMO_PASSWORD
    from voek_desktop.domain.consumers import CONSUMER_TYPES

    result = []
    for c in DEMO_CONSUMERS:
        ctype = CONSUMER_TYPES[c["consumer_type"]]
        login = ctype.login.display(c[ctype.login.key])
        result.append(DemoLogin(ctype.key, login, DEMO_PASSWORD, c["email"]))
    return tuple(result)
