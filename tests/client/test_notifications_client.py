"""The client's side of the feed (issue 16, item 5): pages by id, a repeated poll is a 304
that still hands back the page, read marks, the e-mail switches, and a server that sends
something other than an id is not believed."""

from __future__ import annotations

import pytest

from tests import demo
from tests.client.test_revalidation import exchanges
from voek_desktop.api.client import CabinetClient
from voek_desktop.api.errors import ApiError, BadResponse
from voek_desktop.api.notifications import Notification, NotificationPage


def test_feed_pages_revalidates_and_marks_read(server, client: CabinetClient) -> None:
    demo.log_in(client)
    newest = client.notifications()
    assert newest.items, "the demo feed tells the demo history"
    assert newest.last_id == newest.items[-1].id
    assert [n.id for n in newest.items] == sorted(n.id for n in newest.items)
    seen = exchanges(client)
    assert client.notifications(newest.last_id).items == ()
    assert client.notifications(newest.last_id).items == ()
    assert [status for _path, _sent, status in seen] == [200, 304]
    assert "after=" in seen[0][0]

    unread = client.mark_notifications_read(notification_id=newest.items[-1].id)
    assert unread == max(0, newest.unread - (0 if newest.items[-1].read else 1))
    assert client.mark_notifications_read(up_to=newest.last_id) == 0
    assert client.notifications().unread == 0

    choices = client.update_email_choices({"feedback_reply": False})
    assert choices.email["feedback_reply"] is False
    assert client.email_choices().email["feedback_reply"] is False
    with pytest.raises(ApiError) as refused:
        client.update_email_choices({"archive_ready": True})
    assert refused.value.status == 422


@pytest.mark.parametrize(
    "item",
    [
        {"id": "1/../x", "object": {"type": "application", "id": 1}},
        {"id": 1, "object": {"type": "application", "id": -5}},
        {"id": 1, "object": "application"},
        {"id": True, "object": {"type": "application", "id": 1}},
        {"id": 1, "title": {"$ne": 1}, "object": {"type": "application", "id": 1}},
    ],
)
def test_a_hostile_notification_is_refused(item) -> None:
    with pytest.raises(BadResponse):
        Notification.from_json({"at": "", "kind": "x", "title": "", "text": "", **item})


def test_a_page_round_trips_through_the_offline_copy() -> None:
    page = NotificationPage.from_json(
        {
            "items": [
                {"id": 3, "at": "2026-12-01T10:00:00+00:00", "kind": "archive_ready",
                 "title": "Архив готов", "text": "…", "object": {"type": "archive", "id": 9},
                 "read": False}
            ],
            "last_id": 3,
            "unread": 1,
        }
    )  # fmt: skip
    again = NotificationPage.from_json(
        {"items": [n.as_json() for n in page.items], "last_id": 3, "unread": 1}
    )
    assert again == page
