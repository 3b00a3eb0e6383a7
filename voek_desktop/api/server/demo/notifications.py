"""The demo's notification feed (issue 16, item 5): what the grid company did in the demo
applications and feedback (demo/applications.py) told as the live routes would have told it,
so «Уведомления» is not empty at the first login. The older ones are read. Loading twice
changes nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from voek_desktop.api.server.features import notifications
from voek_desktop.domain import applications as domain

if TYPE_CHECKING:
    from voek_desktop.api.server.app import CabinetApp


def load(app: CabinetApp) -> None:
    with app.db.write() as conn:
        if conn.execute("SELECT 1 FROM notifications LIMIT 1").fetchone():
            return
        events: list[tuple[str, int, str, str, str, int]] = []  # at, consumer, kind, text, …
        for h in conn.execute(
            "SELECT h.status, h.at, h.comment, a.id, a.number, a.consumer_id"
            " FROM application_history h JOIN applications a ON a.id = h.application_id"
            " WHERE h.actor = 'operator'"
        ):
            text = f"Заявка № {h['number']}: «{domain.status_label(h['status'])}»."
            if h["comment"]:
                text += f" {h['comment']}"
            kind = notifications.status_kind(h["status"])
            events.append((h["at"], h["consumer_id"], kind, text, "application", h["id"]))
        for m in conn.execute(
            "SELECT m.at, t.id, t.subject, t.consumer_id FROM feedback_messages m"
            " JOIN feedback_threads t ON t.id = m.thread_id WHERE m.author = 'operator'"
        ):
            text = f"АО «ВОЭК» ответило на обращение «{m['subject'][:60]}»."
            events.append((m["at"], m["consumer_id"], "feedback_reply", text, "feedback", m["id"]))
        events.sort()
        for at, consumer_id, kind, text, object_type, object_id in events:
            notifications.add(conn, consumer_id, kind, text, object_type, object_id, at)
        # What the demo consumer must act on stays unread: the latest event of each consumer
        # and a request for documents still open; the rest is history, read long ago.
        conn.execute(
            "UPDATE notifications SET is_read = 1 WHERE id NOT IN"
            " (SELECT max(id) FROM notifications GROUP BY consumer_id)"
            " AND NOT (kind = 'documents_requested' AND object_id IN"
            " (SELECT id FROM applications WHERE status = 'need_info'))"
        )
