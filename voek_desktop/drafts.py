"""Local drafts of application forms, saved as the user types so a crash loses seconds, not a form.

Each draft is one JSON file in the logged-in consumer's cache folder
(``ctx.session.cache().root / "drafts"``), written atomically; logging out deletes that folder
(docs/design.md "Identity"), so nothing of a visitor outlives «Выход». Without a folder (clerk
mode, docs/design.md "Clerk mode") drafts live in memory only. Qt-free.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from voek_desktop.settings import write_atomically

_KEY = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


@dataclass(frozen=True)
class Draft:
    key: str
    category: str
    consumer_type: str
    form: dict[str, Any]
    saved_at: str  # ISO 8601, UTC
    application_id: int | None = None  # the server-side draft, once created
    # True when the server holds exactly this form: nothing here is newer than the server copy.
    synced: bool = False

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Draft:
        return cls(
            key=str(data["key"]),
            category=str(data["category"]),
            consumer_type=str(data.get("consumer_type") or ""),
            form=dict(data.get("form") or {}),
            saved_at=str(data["saved_at"]),
            application_id=data.get("application_id"),
            synced=data.get("synced") is True,
        )

    def saved(self) -> datetime:
        return datetime.fromisoformat(self.saved_at)


def new_key() -> str:
    return uuid.uuid4().hex


class DraftStore:
    def __init__(self, root: Path | None) -> None:
        """``root`` is the drafts folder, or None to keep drafts in memory only."""
        self.root = root
        self._memory: dict[str, Draft] = {}

    def _path(self, key: str) -> Path:
        if not _KEY.match(key):
            raise ValueError(f"bad draft key {key!r}")
        assert self.root is not None
        return self.root / f"{key}.json"

    def save(
        self,
        key: str,
        category: str,
        consumer_type: str,
        form: dict[str, Any],
        application_id: int | None = None,
        *,
        synced: bool = False,
        now: datetime | None = None,
    ) -> Draft:
        draft = Draft(
            key=key,
            category=category,
            consumer_type=consumer_type,
            form=dict(form),
            saved_at=(now or datetime.now(UTC)).isoformat(timespec="seconds"),
            application_id=application_id,
            synced=synced,
        )
        if self.root is None:
            self._memory[key] = draft
        else:
            data = json.dumps(asdict(draft), ensure_ascii=False, indent=1).encode()
            write_atomically(self._path(key), data)
        return draft

    def load(self, key: str) -> Draft | None:
        if self.root is None:
            return self._memory.get(key)
        try:
            return Draft.from_json(json.loads(self._path(key).read_text("utf-8")))
        except (OSError, ValueError, KeyError, TypeError):
            return None  # a missing or unreadable draft is no draft

    def list(self) -> list[Draft]:
        """Every readable draft, newest first."""
        if self.root is None:
            drafts = list(self._memory.values())
        else:
            drafts = []
            for path in self.root.glob("*.json") if self.root.is_dir() else ():
                draft = self.load(path.stem) if _KEY.match(path.stem) else None
                if draft is not None:
                    drafts.append(draft)
        return sorted(drafts, key=lambda d: d.saved_at, reverse=True)

    def for_application(self, application_id: int) -> Draft | None:
        return next((d for d in self.list() if d.application_id == application_id), None)

    def delete(self, key: str) -> None:
        if self.root is None:
            self._memory.pop(key, None)
        else:
            self._path(key).unlink(missing_ok=True)
