"""«Обратная связь»: a consumer's threads with the grid company and its replies
(docs/design.md "Cabinet sections", "API")."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

from voek_desktop.api.server.core.clock import iso
from voek_desktop.api.server.core.schemas import (
    BOOLEAN,
    DATE_TIME,
    INTEGER,
    STR,
)
from voek_desktop.api.server.features import notifications
from voek_desktop.api.server.features.applications.records import parse_id
from voek_desktop.api.server.http.web import (
    HttpError,
    Request,
    Response,
    RouteTable,
    not_found,
    validation_failed,
)
from voek_desktop.api.server.storage.db import Row, inserted_id

if TYPE_CHECKING:
    from voek_desktop.api.server.app import CabinetApp

route = RouteTable()
dev_route = RouteTable()

SUBJECT_MAX = 200
MESSAGE_MAX = 5000
MAX_THREADS = 500  # per consumer
MAX_MESSAGES = 200  # per thread


def _text(body: dict[str, Any], key: str, limit: int, empty: str) -> tuple[str, str | None]:
    value = body.get(key)
    if not isinstance(value, str) or not value.strip():
        return "", empty
    text = value.strip().replace("\r\n", "\n")
    if any(ord(ch) < 32 and ch not in "\n\t" for ch in text):
        return "", "Текст содержит недопустимые символы"
    if len(text) > limit:
        return "", f"Не более {limit} символов (сейчас {len(text)})"
    return text, None


def thread_json(app: CabinetApp, row: Row) -> dict[str, Any]:
    messages = app.db.query(
        "SELECT * FROM feedback_messages WHERE thread_id = ? ORDER BY id", (row["id"],)
    )
    items = [
        {"id": m["id"], "author": m["author"], "text": m["text"], "at": m["at"]} for m in messages
    ]
    return {
        "id": row["id"],
        "subject": row["subject"],
        "messages": items,
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "has_reply": any(m["author"] == "operator" for m in items),
        "status": "answered" if items and items[-1]["author"] == "operator" else "waiting",
    }


def _own_thread(app: CabinetApp, req: Request, id: str) -> Row:
    row = app.db.query_one(
        "SELECT * FROM feedback_threads WHERE id = ? AND consumer_id = ?",
        (parse_id(id), req.consumer["id"]),
    )
    if row is None:
        raise not_found()
    return row


def add_message(
    app: CabinetApp, thread_id: int, author: str, text: str, notify: Row | None = None
) -> None:
    """``notify``: the thread, whose consumer is told of the reply in the same transaction."""
    now = iso(app.clock.now())
    with app.db.write(lock=f"feedback-thread:{thread_id}") as conn:
        (count,) = conn.execute(
            "SELECT count(*) FROM feedback_messages WHERE thread_id = ?", (thread_id,)
        ).fetchone()
        if count >= MAX_MESSAGES:
            raise HttpError(
                409,
                "thread_too_long",
                "В этой переписке слишком много сообщений, начните новое обращение",
            )
        conn.execute(
            "INSERT INTO feedback_messages (thread_id, author, text, at) VALUES (?, ?, ?, ?)",
            (thread_id, author, text, now),
        )
        conn.execute("UPDATE feedback_threads SET updated_at = ? WHERE id = ?", (now, thread_id))
        if notify is not None:
            notifications.add(
                conn,
                notify["consumer_id"],
                "feedback_reply",
                f"АО «ВОЭК» ответило на обращение «{notify['subject'][:60]}».",
                "feedback",
                thread_id,
                now,
            )


_THREAD = {"$ref": "#/components/schemas/FeedbackThread"}


@route(
    "GET",
    "/feedback",
    summary="Обращения в сетевую организацию и ответы",
    responses={200: {"$ref": "#/components/schemas/FeedbackThreadList"}},
)
def list_feedback(app: CabinetApp, req: Request) -> Response:
    rows = app.db.query(
        "SELECT * FROM feedback_threads WHERE consumer_id = ? ORDER BY updated_at DESC, id DESC",
        (req.consumer["id"],),
    )
    return Response.json({"items": [thread_json(app, r) for r in rows]})


@route(
    "POST",
    "/feedback",
    summary="Новое обращение",
    body={"$ref": "#/components/schemas/FeedbackCreate"},
    responses={201: _THREAD, 409: None, 422: None},
)
def create_feedback(app: CabinetApp, req: Request) -> Response:
    body = req.json()
    subject, subject_error = _text(body, "subject", SUBJECT_MAX, "Укажите тему обращения")
    message, message_error = _text(body, "message", MESSAGE_MAX, "Напишите текст обращения")
    errors = {k: v for k, v in (("subject", subject_error), ("message", message_error)) if v}
    if errors:
        raise validation_failed(errors)
    subject = " ".join(subject.split())
    now = iso(app.clock.now())
    with app.db.write(consumer=req.consumer["id"]) as conn:
        (count,) = conn.execute(
            "SELECT count(*) FROM feedback_threads WHERE consumer_id = ?", (req.consumer["id"],)
        ).fetchone()
        if count >= MAX_THREADS:
            raise HttpError(409, "too_many_threads", "Слишком много обращений")
        cur = conn.execute(
            "INSERT INTO feedback_threads (consumer_id, subject, created_at, updated_at)"
            " VALUES (?, ?, ?, ?) RETURNING id",
            (req.consumer["id"], subject, now, now),
        )
        thread_id = inserted_id(cur)
        conn.execute(
            "INSERT INTO feedback_messages (thread_id, author, text, at)"
            " VALUES (?, 'consumer', ?, ?)",
            (thread_id, message, now),
        )
    row = app.db.query_row("SELECT * FROM feedback_threads WHERE id = ?", (thread_id,))
    return Response.json(thread_json(app, row), 201)


@route(
    "GET",
    "/feedback/{id}",
    summary="Переписка по обращению",
    responses={200: _THREAD, 404: None},
)
def get_feedback(app: CabinetApp, req: Request, id: str) -> Response:
    return Response.json(thread_json(app, _own_thread(app, req, id)))


@route(
    "POST",
    "/feedback/{id}/messages",
    summary="Написать в переписку по обращению",
    body={"$ref": "#/components/schemas/FeedbackMessageCreate"},
    responses={201: _THREAD, 404: None, 409: None, 422: None},
)
def post_feedback_message(app: CabinetApp, req: Request, id: str) -> Response:
    row = _own_thread(app, req, id)
    message, error = _text(req.json(), "message", MESSAGE_MAX, "Напишите текст сообщения")
    if error:
        raise validation_failed({"message": error})
    add_message(app, row["id"], "consumer", message)
    return Response.json(thread_json(app, _own_thread(app, req, id)), 201)


@dev_route(
    "POST",
    "/dev/feedback/{id}/reply",
    auth=False,
    summary="Ответ сетевой организации на обращение (только --dev)",
    body={"$ref": "#/components/schemas/FeedbackMessageCreate"},
    responses={201: _THREAD, 404: None, 409: None, 422: None},
)
def reply_feedback(app: CabinetApp, req: Request, id: str) -> Response:
    row = app.db.query_one("SELECT * FROM feedback_threads WHERE id = ?", (parse_id(id),))
    if row is None:
        raise not_found()
    message, error = _text(req.json(), "message", MESSAGE_MAX, "Напишите текст ответа")
    if error:
        raise validation_failed({"message": error})
    add_message(app, row["id"], "operator", message, notify=row)
    consumer = app.db.query_one("SELECT email FROM consumers WHERE id = ?", (row["consumer_id"],))
    if consumer is not None and notifications.email_wanted(
        app, row["consumer_id"], "feedback_reply"
    ):
        with contextlib.suppress(Exception):  # the reply is saved; a mail failure is not fatal
            app.mailer.send(
                consumer["email"],
                f"Ответ на обращение «{row['subject'][:60]}»",
                "АО «ВОЭК» ответило на ваше обращение. Ответ — в личном кабинете, раздел "
                "«Обратная связь».\n",
                app.clock.now(),
            )
    row = app.db.query_row("SELECT * FROM feedback_threads WHERE id = ?", (row["id"],))
    return Response.json(thread_json(app, row), 201)


_MESSAGE = {
    "type": "object",
    "required": ["id", "author", "text", "at"],
    "properties": {
        "id": INTEGER,
        "author": {"type": "string", "enum": ["consumer", "operator"]},
        "text": STR,
        "at": DATE_TIME,
    },
}

route.schemas.update(
    {
        "FeedbackThread": {
            "type": "object",
            "required": ["id", "subject", "messages", "created_at"],
            "properties": {
                "id": INTEGER,
                "subject": STR,
                "messages": {"type": "array", "items": _MESSAGE},
                "created_at": DATE_TIME,
                "updated_at": DATE_TIME,
                "has_reply": BOOLEAN,
                "status": {"type": "string", "enum": ["waiting", "answered"]},
            },
        },
        "FeedbackThreadList": {
            "type": "object",
            "required": ["items"],
            "properties": {"items": {"type": "array", "items": _THREAD}},
        },
        "FeedbackCreate": {
            "type": "object",
            "required": ["subject", "message"],
            "properties": {
                "subject": {"type": "string", "minLength": 1, "maxLength": SUBJECT_MAX},
                "message": {"type": "string", "minLength": 1, "maxLength": MESSAGE_MAX},
            },
        },
        "FeedbackMessageCreate": {
            "type": "object",
            "required": ["message"],
            "properties": {"message": {"type": "string", "minLength": 1, "maxLength": MESSAGE_MAX}},
        },
    }
)
