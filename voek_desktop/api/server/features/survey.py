"""«Опрос потребителя»: five questions about the connection process, once per application that
reached a contract (docs/design.md "Cabinet sections", "Survey")."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from voek_desktop.api.server.core.clock import iso
from voek_desktop.api.server.core.schemas import (
    DATE_TIME,
    INTEGER,
    STR,
)
from voek_desktop.api.server.http.web import (
    HttpError,
    Request,
    Response,
    RouteTable,
    not_found,
    validation_failed,
)
from voek_desktop.api.server.storage.db import IntegrityError, Row, inserted_id
from voek_desktop.domain import applications as domain

if TYPE_CHECKING:
    from voek_desktop.api.server.app import CabinetApp

route = RouteTable()

QUESTIONS = (
    ("clarity", "Насколько понятной была информация о порядке технологического присоединения?"),
    ("ease", "Насколько удобно было подать заявку и документы?"),
    ("timeliness", "Насколько своевременно сетевая организация ответила на заявку?"),
    ("politeness", "Насколько вежливы и внимательны были сотрудники?"),
    ("overall", "Насколько вы удовлетворены процессом присоединения в целом?"),
)
COMMENT_MAX = 1000
SUGGESTION_MAX = 2000


def response_json(row: Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "application_id": row["application_id"],
        "application_number": row["number"],
        "answers": json.loads(row["answers"]),
        "suggestion": row["suggestion"],
        "created_at": row["created_at"],
    }


_SELECT = (
    "SELECT s.*, a.number FROM survey_responses s JOIN applications a ON a.id = s.application_id"
)


@route(
    "GET",
    "/survey",
    summary="Вопросы опроса о качестве обслуживания",
    responses={200: {"$ref": "#/components/schemas/Survey"}},
)
def get_survey(app: CabinetApp, req: Request) -> Response:
    return Response.json(
        {
            "questions": [{"id": qid, "text": text} for qid, text in QUESTIONS],
            "scale": {"min": 1, "max": 5},
        }
    )


@route(
    "GET",
    "/survey/responses",
    summary="Ответы потребителя на опрос",
    responses={200: {"$ref": "#/components/schemas/SurveyResponseList"}},
)
def list_survey_responses(app: CabinetApp, req: Request) -> Response:
    rows = app.db.query(
        _SELECT + " WHERE s.consumer_id = ? ORDER BY s.id DESC", (req.consumer["id"],)
    )
    return Response.json({"items": [response_json(r) for r in rows]})


def _answers(value: Any, errors: dict[str, str]) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        errors["answers"] = "Ответьте на вопросы опроса"
        return []
    by_id: dict[str, dict[str, Any]] = {}
    known = dict(QUESTIONS)
    for item in value:
        qid = item.get("question_id") if isinstance(item, dict) else None
        if not isinstance(qid, str) or qid not in known:  # an object is unhashable: check first
            errors["answers"] = "Неизвестный вопрос опроса"
            return []
        if qid in by_id:
            errors["answers"] = "На каждый вопрос — один ответ"
            return []
        score = item.get("score")
        if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
            errors[f"answers.{qid}"] = "Оценка — число от 1 до 5"
            continue
        comment = item.get("comment") or ""
        if not isinstance(comment, str) or len(comment) > COMMENT_MAX:
            errors[f"answers.{qid}"] = f"Комментарий — текст не длиннее {COMMENT_MAX} символов"
            continue
        by_id[qid] = {"question_id": qid, "score": score, "comment": comment.strip()}
    missing = [qid for qid, _ in QUESTIONS if qid not in by_id]
    if missing and "answers" not in errors and not any(k.startswith("answers.") for k in errors):
        errors["answers"] = "Оцените все пять вопросов"
    return [by_id[qid] for qid, _ in QUESTIONS if qid in by_id]


@route(
    "POST",
    "/survey/responses",
    summary="Ответить на опрос по заявке (один раз, после направления договора)",
    body={"$ref": "#/components/schemas/SurveyResponseCreate"},
    responses={
        201: {"$ref": "#/components/schemas/SurveyResponse"},
        404: None,
        409: None,
        422: None,
    },
)
def create_survey_response(app: CabinetApp, req: Request) -> Response:
    body = req.json()
    application_id = body.get("application_id")
    if isinstance(application_id, bool) or not isinstance(application_id, int):
        raise validation_failed({"application_id": "Выберите заявку"})
    if not 0 < application_id < 2**53:
        raise not_found()
    row = app.db.query_one(
        "SELECT * FROM applications WHERE id = ? AND consumer_id = ?",
        (application_id, req.consumer["id"]),
    )
    if row is None:
        raise not_found()
    errors: dict[str, str] = {}
    answers = _answers(body.get("answers"), errors)
    suggestion = body.get("suggestion") or ""
    if not isinstance(suggestion, str) or len(suggestion) > SUGGESTION_MAX:
        errors["suggestion"] = f"Предложение — текст не длиннее {SUGGESTION_MAX} символов"
    if errors:
        raise validation_failed(errors)
    reached = app.db.query_one(
        "SELECT 1 FROM application_history WHERE application_id = ? AND status IN"
        " ('contract_offered', 'contract_signed', 'in_progress', 'completed')",
        (row["id"],),
    )
    if reached is None and row["status"] not in domain.SURVEY_OPEN:
        raise HttpError(
            409,
            "survey_not_available",
            "Опрос доступен, когда по заявке направлен договор",
        )
    try:
        with app.db.write() as conn:
            cur = conn.execute(
                "INSERT INTO survey_responses (consumer_id, application_id, answers, suggestion,"
                " created_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
                (
                    req.consumer["id"],
                    row["id"],
                    json.dumps(answers, ensure_ascii=False),
                    suggestion.strip(),
                    iso(app.clock.now()),
                ),
            )
            saved_id = inserted_id(cur)
    except IntegrityError:
        raise HttpError(
            409, "survey_already_answered", "Вы уже ответили на опрос по этой заявке"
        ) from None
    saved = app.db.query_row(_SELECT + " WHERE s.id = ?", (saved_id,))
    return Response.json(response_json(saved), 201)


_ANSWER = {
    "type": "object",
    "required": ["question_id", "score"],
    "properties": {
        "question_id": {"type": "string", "enum": [q for q, _ in QUESTIONS]},
        "score": {"type": "integer", "minimum": 1, "maximum": 5},
        "comment": {"type": "string", "maxLength": COMMENT_MAX},
    },
}

route.schemas.update(
    {
        "Survey": {
            "type": "object",
            "required": ["questions"],
            "properties": {
                "questions": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["id", "text"],
                        "properties": {"id": STR, "text": STR},
                    },
                },
                "scale": {"type": "object"},
            },
        },
        "SurveyResponseCreate": {
            "type": "object",
            "required": ["application_id", "answers"],
            "properties": {
                "application_id": INTEGER,
                "answers": {"type": "array", "items": _ANSWER, "maxItems": 5},
                "suggestion": {"type": "string", "maxLength": SUGGESTION_MAX},
            },
        },
        "SurveyResponse": {
            "type": "object",
            "required": ["id", "application_id", "answers", "created_at"],
            "properties": {
                "id": INTEGER,
                "application_id": INTEGER,
                "application_number": STR,
                "answers": {"type": "array", "items": _ANSWER},
                "suggestion": STR,
                "created_at": DATE_TIME,
            },
        },
        "SurveyResponseList": {
            "type": "object",
            "required": ["items"],
            "properties": {
                "items": {"type": "array", "items": {"$ref": "#/components/schemas/SurveyResponse"}}
            },
        },
    }
)
