"""Files the app keeps about the logged-in consumer, so it can show them without a network.

Everything of one consumer lives in one folder, so logging out deletes it in one go, even
when the server cannot be reached.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from pathlib import Path
from typing import Any

from voek_desktop.settings import config_dir, data_dir, make_private_dirs, write_atomically


class UnsafePath(ValueError):
    """A path built from what the server sent would leave its folder."""


def confined(base: Path, *parts: str | int) -> Path:
    """``base / part / …``, refused unless it stays inside ``base``.

    Every path that has something from the server in it (an id, a file name) is built here, so a
    ``1/../../../.bashrc`` from a malicious server cannot reach outside the app's folders."""
    root = Path(os.path.abspath(base))
    joined = root.joinpath(*(str(p) for p in parts))
    resolved = Path(os.path.realpath(joined))
    real_root = Path(os.path.realpath(root))
    if resolved == real_root or not resolved.is_relative_to(real_root):
        raise UnsafePath(f"{joined} is outside {root}")
    if any(p in ("", ".", "..") for p in Path(*map(str, parts)).parts):
        raise UnsafePath(f"{joined} has an empty or relative part")
    return joined


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
        self._tightened = False

    def put(self, name: str, data: Any) -> None:
        text = json.dumps(data, ensure_ascii=False)
        if self.in_memory:
            self._memory[name] = text
        else:
            write_atomically(confined(self.root, f"{name}.json"), text.encode())
            if not self._tightened:
                self._tightened = True
                _tighten(self.root.parent)

    def get(self, name: str) -> Any:
        try:
            if self.in_memory:
                return json.loads(self._memory[name])
            return json.loads(confined(self.root, f"{name}.json").read_text("utf-8"))
        except (KeyError, OSError, ValueError):  # UnsafePath is a ValueError
            return None

    def folder(self, *parts: str | int) -> Path:
        """A private (0700) folder inside this consumer's cache, e.g. ``folder("contracts")``."""
        return make_private_dirs(confined(self.root, *parts))

    def file(self, folder: str, name: str) -> Path:
        """A path for a file inside ``folder`` of the cache; ``name`` may come from the server."""
        return confined(self.folder(folder), name)

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


class CompanyRequisites:
    """The last ``GET /company`` of each server, so blank forms print the grid company's
    address and requisites offline (docs/forms-861.md "Requisites"). Public data, nothing of
    a consumer: it lives beside the preferences and survives «Выход» and clerk mode's wipe."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or config_dir() / "company.json"

    def _read(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text("utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def get(self, server: str) -> Any:
        """What was kept for ``server`` (its id or address), unchecked: the caller checks it."""
        return self._read().get(server.rstrip("/"))

    def put(self, server: str, requisites: dict[str, Any]) -> None:
        kept = self._read()
        if kept.get(server.rstrip("/")) == requisites:
            return
        kept[server.rstrip("/")] = requisites
        with contextlib.suppress(OSError):  # a read-only home: printed from memory then
            write_atomically(self.path, json.dumps(kept, ensure_ascii=False, indent=1).encode())


def _tighten(folder: Path) -> None:
    """0700/0600 for what an older version left 0755/0644 (the cache of every consumer)."""
    for current, _dirs, files in os.walk(folder):
        os.chmod(current, 0o700)
        for name in files:
            path = os.path.join(current, name)
            if not os.path.islink(path):  # a planted link must not widen the change
                with contextlib.suppress(OSError):
                    os.chmod(path, 0o600)
