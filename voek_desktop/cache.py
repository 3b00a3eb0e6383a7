"""Files the app keeps about the logged-in consumer, so it can show them without a network.

Everything of one consumer lives in one folder, so logging out deletes it in one go, even
when the server cannot be reached.
"""

from __future__ import annotations

import contextlib
import json
import shutil
from pathlib import Path
from typing import Any

from voek_desktop.settings import config_dir, data_dir, write_atomically


class ConsumerCache:
    """``in_memory``: clerk mode (docs/design.md "Clerk mode") — nothing of a visitor is written to
    disk."""

    def __init__(
        self,
        server: str,
        consumer_id: int,
        root: Path | None = None,
        *,
        in_memory: bool = False,
        formerly: str | None = None,
    ) -> None:
        """``server`` is the server's identity: its ``server_id`` (``GET /health``), or its
        address while that is unknown, so that a demo server restarted on another port finds
        the same folder. ``formerly``: the address a folder of this consumer may be kept under
        from before the id was known; such a folder is taken over."""
        self.root = _folder(root or data_dir() / "cache", server, consumer_id)
        self.in_memory = in_memory
        self._memory: dict[str, str] = {}
        if formerly and formerly != server and not in_memory and not self.root.exists():
            old = _folder(self.root.parent, formerly, consumer_id)
            if old.is_dir():
                with contextlib.suppress(OSError):  # then it starts afresh, as before
                    old.rename(self.root)

    def put(self, name: str, data: Any) -> None:
        text = json.dumps(data, ensure_ascii=False)
        if self.in_memory:
            self._memory[name] = text
        else:
            write_atomically(self.root / f"{name}.json", text.encode())

    def get(self, name: str) -> Any:
        try:
            if self.in_memory:
                return json.loads(self._memory[name])
            return json.loads((self.root / f"{name}.json").read_text("utf-8"))
        except (KeyError, OSError, ValueError):
            return None

    def wipe(self) -> None:
        self._memory.clear()
        shutil.rmtree(self.root, ignore_errors=True)


def _folder(root: Path, server: str, consumer_id: int) -> Path:
    import hashlib  # not needed before the first login; keeps OpenSSL off start-up

    return root / hashlib.sha256(f"{server.rstrip('/')}#{consumer_id}".encode()).hexdigest()[:24]


class KnownServers:
    """Which ``server_id`` answered at which address, so that data kept under the id is found
    while the server cannot be asked. Nothing personal (addresses and random ids), so it lives
    beside the preferences, not with the consumers' data that «Выход» deletes."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or config_dir() / "servers.json"

    def _read(self) -> dict[str, str]:
        try:
            data = json.loads(self.path.read_text("utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict):
            return {}
        return {str(k): str(v) for k, v in data.items() if isinstance(v, str)}

    def get(self, address: str) -> str | None:
        return self._read().get(address.rstrip("/"))

    def put(self, address: str, server_id: str) -> None:
        known = self._read()
        if known.get(address.rstrip("/")) == server_id:
            return
        known[address.rstrip("/")] = server_id
        with contextlib.suppress(OSError):  # a read-only home: the address keys the data then
            write_atomically(self.path, json.dumps(known, indent=1).encode())
