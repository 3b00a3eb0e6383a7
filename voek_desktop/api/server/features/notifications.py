"""The consumer's notification feed and which events are e-mailed (issue 16, items 5 and 7;
docs/design.md "Notifications").

Events write their notification where they happen, in the same transaction as the change
(``add`` from the operator's status route, a feedback reply, a finished archive job), so a
notification is there exactly when its change is. Deadlines are not events: the feed looks at
the consumer's open terms when it is asked (``produce_deadlines``) and writes each near or
passed term once, by its ``dedup_key``. The app polls ``GET /notifications?after=<last id>``;
an unchanged answer is a 304 like every authenticated GET (app.py ``_conditional``).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from voek_desktop.api.server.core.clock import iso
from voek_desktop.api.server.core.schemas import BOOLEAN, DATE_TIME, INTEGER, STR, obj, ref
from voek_desktop.api.server.features.applications.records import moscow_today
from voek_desktop.api.server.http.web import Request, Response, RouteTable, validation_failed
from voek_desktop.api.server.storage.db import Connection, Row
from voek_desktop.domain import applications as domain

if TYPE_CHECKING:
    from voek_desktop.api.server.app import CabinetApp

log = logging.getLogger("voek.server.notifications")

route = RouteTable()

# kind → what the consumer's list calls it (the title of a notification of that kind).
KINDS: dict[str, str] = {
    "status_changed": "Статус заявки изменён",
    "documents_requested": "Запрошены сведения или документы",
    "contract_offered": "Предложен договор",
    "feedback_reply": "Ответ на обращение",
    "archive_ready": "Архив готов",
    "deadline_soon": "Срок истекает",
    "deadline_passed": "Срок прошёл",
}
# The kinds that were e-mailed before the feed existed; only they have an e-mail switch, and
# each is on until the consumer turns it off (no row in notification_email = on).
EMAILED = ("status_changed", "documents_requested", "contract_offered", "feedback_reply")
OBJECT_TYPES = ("application", "contract", "feedback", "archive")

PAGE = 100  # notifications per answer; the app asks again from the last id it got
ID_MAX = 10**15  # ids are never longer than a path id (records.parse_id)
# A term this many days (the deadline module's days_left: working days for a term in working
# days) or fewer ahead is "soon" (issue 16, item 5: "a deadline within 2 working days").
SOON_DAYS = 2


def add(
    conn: Connection,
    consumer_id: int,
    kind: str,
    text: str,
    object_type: str,
    object_id: int,
    at: str,
    *,
    title: str | None = None,
    dedup_key: str | None = None,
) -> None:
    """One notification for ``consumer_id``, in the caller's write transaction."""
    assert kind in KINDS and object_type in OBJECT_TYPES, (kind, object_type)
    conn.execute(
        "INSERT INTO notifications (consumer_id, at, kind, title, text, object_type, object_id,"
        " dedup_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (consumer_id, dedup_key)"
        " DO NOTHING",
        (consumer_id, at, kind, title or KINDS[kind], text, object_type, object_id, dedup_key),
    )


def status_kind(new: str) -> str:
    """The kind of an operator's status change: asking for more and offering a contract are
    the two the consumer must act on, so they are kinds of their own."""
    return {"need_info": "documents_requested", "contract_offered": "contract_offered"}.get(
        new, "status_changed"
    )


def add_status_change(conn: Connection, row: Row, new: str, comment: str, at: str) -> None:
    """The notification of the operator's change of application ``row`` to ``new``; for an
    offered contract it points at the contract (inserted just before in ``conn``)."""
    kind = status_kind(new)
    text = f"Заявка № {row['number']}: «{domain.status_label(new)}»."
    if comment:
        text += f" {comment}"
    object_type, object_id = "application", int(row["id"])
    if kind == "contract_offered":
        contract = conn.execute(
            "SELECT id, number FROM connection_contracts WHERE application_id = ?", (row["id"],)
        ).fetchone()
        if contract is not None:
            object_type, object_id = "contract", int(contract["id"])
            text = (
                f"По заявке № {row['number']} предложен договор {contract['number']}: "
                "подпишите его в разделе «Договоры»."
            )
    add(conn, row["consumer_id"], kind, text, object_type, object_id, at)


def email_wanted(app: CabinetApp, consumer_id: int, kind: str) -> bool:
    """Whether the consumer still wants the e-mail of ``kind`` (the profile's switches)."""
    row = app.db.query_one(
        "SELECT enabled FROM notification_email WHERE consumer_id = ? AND kind = ?",
        (consumer_id, kind),
    )
    return row is None or bool(row["enabled"])


# --- deadlines ----------------------------------------------------------------------------------

# The open terms of one application: a list of ``{step, party, title, due, days_left, overdue,
# rule}``, from ``domain/deadlines.py``'s ``deadline(application, history, today)`` with
# ``days_left`` in working days (the "a deadline within 2 working days"). Tests put their
# own source here.
DeadlineSource = Callable[[dict[str, Any], list[dict[str, Any]], date], list[dict[str, Any]]]
deadline_source: DeadlineSource | None = None


def _domain_deadlines() -> DeadlineSource:
    from voek_desktop.domain import deadlines

    def source(
        application: dict[str, Any], history: list[dict[str, Any]], today: date
    ) -> list[dict[str, Any]]:
        return [
            {
                "step": d.step,
                "party": d.party,
                "title": d.what,
                "due": d.due.isoformat(),
                "days_left": d.working_days_left,
                "overdue": d.overdue,
                # «п. 105 Правил»: a notification is one line or two; the act is on the page.
                "rule": d.rule.replace(deadlines.RULES, "Правил").strip(),
            }
            for d in deadlines.deadline(application, history, today)
        ]

    return source


def deadline_steps(app: CabinetApp, row: Row) -> list[dict[str, Any]]:
    """The terms of application ``row`` by the server's Moscow date; [] without a source."""
    source = deadline_source or _domain_deadlines()
    application = dict(row)
    application["form"] = json.loads(row["form"] or "{}")
    history = [
        dict(h)
        for h in app.db.query(
            "SELECT status, at, comment, actor FROM application_history"
            " WHERE application_id = ? ORDER BY id",
            (row["id"],),
        )
    ]
    try:
        return list(source(application, history, moscow_today(app)))
    except Exception:
        # A wrong term must not take the feed down with it; the application page shows terms too.
        log.exception("deadlines of application %s", row["id"])
        return []


def _deadline_text(row: Row, step: dict[str, Any], due: date) -> tuple[str, str]:
    what = str(step.get("title") or step.get("label") or step.get("step") or "")
    rule = f" ({step['rule']})" if step.get("rule") else ""
    if step.get("overdue"):
        return "deadline_passed", (
            f"Заявка № {row['number']}: срок «{what}» истёк {due:%d.%m.%Y}{rule}."
        )
    left = step.get("days_left")
    tail = f", осталось рабочих дней: {left}" if isinstance(left, int) else ""
    return "deadline_soon", (
        f"Заявка № {row['number']}: срок «{what}» — до {due:%d.%m.%Y}{tail}{rule}."
    )


def produce_deadlines(app: CabinetApp, consumer_id: int) -> None:
    """Write a notification for each of the consumer's terms that is near or has passed, once
    per term (its application, step and due date): asking again writes nothing."""
    rows = app.db.query(
        "SELECT * FROM applications WHERE consumer_id = ? AND status != 'draft'", (consumer_id,)
    )
    found: list[tuple[str, str, str, int]] = []
    for row in rows:
        if row["status"] not in domain.ACTIVE:
            continue
        for step in deadline_steps(app, row):
            try:
                due = date.fromisoformat(str(step["due"]))
            except (KeyError, ValueError):
                continue
            left = step.get("days_left")
            if not step.get("overdue") and not (isinstance(left, int) and left <= SOON_DAYS):
                continue
            kind, text = _deadline_text(row, step, due)
            key = f"{kind}:{row['id']}:{step.get('step')}:{due.isoformat()}"
            found.append((key, kind, text, int(row["id"])))
    if not found:
        return
    known = {
        r["dedup_key"]
        for r in app.db.query(
            "SELECT dedup_key FROM notifications WHERE consumer_id = ? AND dedup_key IS NOT NULL",
            (consumer_id,),
        )
    }
    new = [f for f in found if f[0] not in known]
    if not new:
        return  # the usual case: a poll reads, it does not write
    at = iso(app.clock.now())
    with app.db.write() as conn:
        for key, kind, text, application_id in new:
            add(conn, consumer_id, kind, text, "application", application_id, at, dedup_key=key)


# --- routes -------------------------------------------------------------------------------------


def _item(row: Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "at": row["at"],
        "kind": row["kind"],
        "title": row["title"],
        "text": row["text"],
        "object": {"type": row["object_type"], "id": row["object_id"]},
        "read": bool(row["is_read"]),
    }


def _after(req: Request) -> int | None:
    text = req.query.get("after")
    if text is None or text == "":
        return None
    if not (text.isascii() and text.isdigit()) or len(text) > 15:
        raise validation_failed({"after": "Номер уведомления — целое неотрицательное число"})
    return int(text)


def _counts(app: CabinetApp, consumer_id: int) -> dict[str, int]:
    row = app.db.query_row(
        "SELECT coalesce(max(id), 0) AS last_id,"
        " coalesce(sum(CASE WHEN is_read = 0 THEN 1 ELSE 0 END), 0) AS unread"
        " FROM notifications WHERE consumer_id = ?",
        (consumer_id,),
    )
    return {"last_id": int(row["last_id"]), "unread": int(row["unread"])}


_AFTER_PARAM = {
    "name": "after",
    "in": "query",
    "required": False,
    "schema": {"type": "string", "pattern": "^[0-9]{1,15}$"},
    "description": f"Только уведомления с номером больше этого; без параметра — последние {PAGE}",
}


@route(
    "GET",
    "/notifications",
    summary="Уведомления потребителя: новые после указанного номера",
    parameters=[_AFTER_PARAM],
    responses={200: ref("NotificationFeed"), 422: None},
)
def list_notifications(app: CabinetApp, req: Request) -> Response:
    after = _after(req)
    consumer_id = req.consumer["id"]
    produce_deadlines(app, consumer_id)
    if after is None:
        rows = app.db.query(
            "SELECT * FROM notifications WHERE consumer_id = ? ORDER BY id DESC LIMIT ?",
            (consumer_id, PAGE),
        )[::-1]
    else:
        rows = app.db.query(
            "SELECT * FROM notifications WHERE consumer_id = ? AND id > ? ORDER BY id LIMIT ?",
            (consumer_id, after, PAGE),
        )
    # last_id is the consumer's newest: fewer items than that means "ask again from the last".
    return Response.json({"items": [_item(r) for r in rows], **_counts(app, consumer_id)})


def _read_target(body: dict[str, Any]) -> tuple[str, int]:
    keys = [k for k in ("up_to", "id") if k in body]
    if len(keys) != 1:
        raise validation_failed({"up_to": "Укажите номер уведомления: up_to или id"})
    key = keys[0]
    value = body[key]
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < ID_MAX:
        raise validation_failed({key: "Номер уведомления — целое неотрицательное число"})
    return key, value


@route(
    "POST",
    "/notifications/read",
    summary="Отметить уведомления прочитанными: все до номера up_to или одно (id)",
    body=ref("NotificationsRead"),
    responses={200: ref("NotificationCounts"), 422: None},
)
def mark_read(app: CabinetApp, req: Request) -> Response:
    key, value = _read_target(req.json())
    consumer_id = req.consumer["id"]
    where = "id <= ?" if key == "up_to" else "id = ?"
    with app.db.write() as conn:
        conn.execute(
            f"UPDATE notifications SET is_read = 1 WHERE consumer_id = ? AND {where}"
            " AND is_read = 0",
            (consumer_id, value),
        )
    return Response.json(_counts(app, consumer_id))


def _email_choices(app: CabinetApp, consumer_id: int) -> dict[str, Any]:
    stored = {
        r["kind"]: bool(r["enabled"])
        for r in app.db.query(
            "SELECT kind, enabled FROM notification_email WHERE consumer_id = ?", (consumer_id,)
        )
    }
    return {
        "email": {k: stored.get(k, True) for k in EMAILED},
        "labels": {k: KINDS[k] for k in EMAILED},
    }


@route(
    "GET",
    "/profile/notifications",
    summary="О каких событиях сообщать по электронной почте",
    responses={200: ref("NotificationSettings")},
)
def get_notification_settings(app: CabinetApp, req: Request) -> Response:
    return Response.json(_email_choices(app, req.consumer["id"]))


@route(
    "PUT",
    "/profile/notifications",
    summary="Выбрать, о каких событиях сообщать по электронной почте",
    body=ref("NotificationSettingsUpdate"),
    responses={200: ref("NotificationSettings"), 422: None},
)
def put_notification_settings(app: CabinetApp, req: Request) -> Response:
    email = req.json().get("email")
    if not isinstance(email, dict):
        raise validation_failed({"email": "Укажите, какие письма присылать"})
    errors = {}
    for kind, value in email.items():
        if kind not in EMAILED:
            errors[str(kind)[:60]] = "О таком событии письма не отправляются"
        elif not isinstance(value, bool):
            errors[kind] = "Значение — да или нет"
    if errors:
        raise validation_failed(errors)
    consumer_id = req.consumer["id"]
    with app.db.write() as conn:
        for kind, value in email.items():
            conn.execute(
                "INSERT INTO notification_email (consumer_id, kind, enabled) VALUES (?, ?, ?)"
                " ON CONFLICT (consumer_id, kind) DO UPDATE SET enabled = excluded.enabled",
                (consumer_id, kind, int(value)),
            )
    return Response.json(_email_choices(app, consumer_id))


_NOTIFICATION = obj(
    ["id", "at", "kind", "title", "text", "object", "read"],
    id=INTEGER,
    at=DATE_TIME,
    kind={"type": "string", "enum": list(KINDS)},
    title=STR,
    text=STR,
    object=obj(
        ["type", "id"],
        type={"type": "string", "enum": list(OBJECT_TYPES)},
        id=INTEGER,
    ),
    read=BOOLEAN,
)
_COUNTS = {
    "last_id": {**INTEGER, "description": "Номер последнего уведомления потребителя (0 — нет)"},
    "unread": {**INTEGER, "description": "Сколько уведомлений не прочитано"},
}
_SWITCHES = {
    "type": "object",
    "properties": {k: BOOLEAN for k in EMAILED},
    "additionalProperties": False,
}

route.schemas.update(
    {
        "Notification": _NOTIFICATION,
        "NotificationFeed": obj(
            ["items", "last_id", "unread"],
            items={"type": "array", "items": ref("Notification")},
            **_COUNTS,
        ),
        "NotificationCounts": obj(["last_id", "unread"], **_COUNTS),
        "NotificationsRead": {
            "type": "object",
            "properties": {
                "up_to": {**INTEGER, "minimum": 0, "description": "Все с номером до этого"},
                "id": {**INTEGER, "minimum": 0, "description": "Только это уведомление"},
            },
        },
        "NotificationSettings": obj(
            ["email", "labels"],
            email={**_SWITCHES, "required": list(EMAILED)},
            labels={"type": "object", "properties": {k: STR for k in EMAILED}},
        ),
        "NotificationSettingsUpdate": obj(["email"], email=_SWITCHES),
    }
)
