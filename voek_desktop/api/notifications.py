"""Client side of the notification feed and the e-mail switches (issue 16, items 5 and 7;
docs/design.md "Notifications")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from voek_desktop.api.errors import BadResponse
from voek_desktop.api.models import checked_id

if TYPE_CHECKING:
    from voek_desktop.api.client import CabinetClient

# What a click opens; the server may invent others, which the app lists but cannot open.
OBJECT_TYPES = frozenset({"application", "contract", "feedback", "archive"})
TEXT_MAX = 4000  # a notification is a sentence or two; anything longer is cut, not shown whole


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise BadResponse()
    return value[:TEXT_MAX]


@dataclass(frozen=True)
class Notification:
    id: int
    at: str
    kind: str
    title: str
    text: str
    object_type: str
    object_id: int
    read: bool = False

    @classmethod
    def from_json(cls, data: Any) -> Notification:
        if not isinstance(data, dict) or not isinstance(data.get("object"), dict):
            raise BadResponse()
        obj = data["object"]
        return cls(
            id=checked_id(data.get("id")),
            at=_text(data.get("at", "")),
            kind=_text(data.get("kind", "")),
            title=_text(data.get("title", "")),
            text=_text(data.get("text", "")),
            object_type=_text(obj.get("type", "")),
            object_id=checked_id(obj.get("id")),
            read=data.get("read") is True,
        )

    def as_json(self) -> dict[str, Any]:
        """The server's shape, for the offline copy (read back by :meth:`from_json`)."""
        return {
            "id": self.id,
            "at": self.at,
            "kind": self.kind,
            "title": self.title,
            "text": self.text,
            "object": {"type": self.object_type, "id": self.object_id},
            "read": self.read,
        }


@dataclass(frozen=True)
class NotificationPage:
    items: tuple[Notification, ...]
    last_id: int
    unread: int

    @classmethod
    def from_json(cls, data: Any) -> NotificationPage:
        if not isinstance(data, dict) or not isinstance(data.get("items"), list):
            raise BadResponse()
        return cls(
            tuple(Notification.from_json(item) for item in data["items"]),
            checked_id(data.get("last_id")),
            checked_id(data.get("unread", 0)),
        )


@dataclass(frozen=True)
class EmailChoices:
    """Which events are e-mailed (kind → on) and what the profile calls each."""

    email: dict[str, bool]
    labels: dict[str, str]

    @classmethod
    def from_json(cls, data: Any) -> EmailChoices:
        if not isinstance(data, dict) or not isinstance(data.get("email"), dict):
            raise BadResponse()
        given = data.get("labels")
        labels: dict[str, Any] = given if isinstance(given, dict) else {}
        email = {str(k): v is True for k, v in data["email"].items()}
        return cls(email, {k: _text(labels.get(k, k)) for k in email})


class NotificationsApi:
    """Mixed into :class:`CabinetClient`."""

    def _client(self) -> CabinetClient:
        return cast("CabinetClient", self)  # only ever mixed into CabinetClient

    def notifications(self, after: int | None = None) -> NotificationPage:
        """The newest notifications (``after`` None), or those after the id ``after``. A GET
        with the session, so an unchanged feed is a 304 (CabinetClient.request)."""
        params = None if after is None else {"after": str(checked_id(after))}
        return NotificationPage.from_json(
            self._client().request("GET", "/notifications", params=params)
        )

    def mark_notifications_read(
        self, *, up_to: int | None = None, notification_id: int | None = None
    ) -> int:
        """Mark every notification up to ``up_to``, or just ``notification_id``; the unread
        count left."""
        body = {"up_to": up_to} if up_to is not None else {"id": notification_id}
        data = self._client().request("POST", "/notifications/read", json=body)
        if not isinstance(data, dict):
            raise BadResponse()
        return checked_id(data.get("unread"))

    def email_choices(self) -> EmailChoices:
        return EmailChoices.from_json(self._client().request("GET", "/profile/notifications"))

    def update_email_choices(self, email: dict[str, bool]) -> EmailChoices:
        return EmailChoices.from_json(
            self._client().request("PUT", "/profile/notifications", json={"email": email})
        )
