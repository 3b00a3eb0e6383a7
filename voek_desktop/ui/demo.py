"""Demo mode: the bundled server in this process. The only UI module that touches the server."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from voek_desktop.ui.context import DemoLogin

KEYRING_USER = "demo-server"
PREFERRED_PORT = 8765


def _last_port_file() -> Path:
    from voek_desktop.settings import config_dir

    return config_dir() / "demo-port"


def pick_port() -> int:
    """The port of the last run if free, else the usual demo port, else any; remembered for
    the next run. The same address keeps the links in old demo letters working (local data is
    keyed by the server's id, so it is found on any port, docs/design.md "Identity")."""
    path = _last_port_file()
    try:
        last = int(path.read_text("ascii").strip())
    except (OSError, ValueError):
        last = PREFERRED_PORT
    # The socket module's C core: the module itself (its enums, selectors) is ~3 ms before the
    # login window's first paint (issue 14), and a bind is all that is asked of it here.
    import _socket

    for port in dict.fromkeys((last, PREFERRED_PORT, 0)):
        s = _socket.socket(_socket.AF_INET, _socket.SOCK_STREAM)
        try:
            s.bind(("127.0.0.1", port))
            chosen: int = s.getsockname()[1]
        except (OSError, OverflowError):  # busy, or a hand-edited file's nonsense
            continue
        finally:
            s.close()
        if chosen != last:
            with contextlib.suppress(OSError):  # a read-only home: just not remembered
                from voek_desktop.settings import write_atomically

                write_atomically(path, str(chosen).encode())
        return chosen
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
