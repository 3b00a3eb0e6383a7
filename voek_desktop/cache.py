"""Files the app keeps about the logged-in consumer, so it can show them without a network.

Everything of one consumer lives in one folder, so logging out deletes it in one go, even
when the server cannot be reached.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from voek_desktop.settings import data_dir, write_atomically


class ConsumerCache:
    """``in_memory``: clerk mode (docs/design.md "Clerk mode") — nothing of a visitor is written to
    disk."""

    def __init__(
        self,
        server_url: str,
        consumer_id: int,
        root: Path | None = None,
        *,
        in_memory: bool = False,
    ) -> None:
        import hashlib  # not needed before the first login; keeps OpenSSL off start-up

        key = hashlib.sha256(f"{server_url.rstrip('/')}#{consumer_id}".encode()).hexdigest()[:24]
        self.root = (root or data_dir() / "cache") / key
        self.in_memory = in_memory
        self._memory: dict[str, str] = {}

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
