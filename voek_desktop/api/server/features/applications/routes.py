"""Grid-connection applications: templates, drafts, submission and withdrawal (docs/design.md
"Applications"). Documents, connection contracts, feedback and the survey are features of their
own, each listed in app.py.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from voek_desktop.api.server.core.clock import iso
from voek_desktop.api.server.features.applications.records import (
    SCHEMAS,
    add_history,
    application_json,
    moscow_today,
    own_application,
)
from voek_desktop.api.server.http.web import (
    HttpError,
    Request,
    Response,
    RouteTable,
    validation_failed,
)
from voek_desktop.api.server.storage.db import inserted_id
from voek_desktop.domain import applications as domain

if TYPE_CHECKING:
    from voek_desktop.api.server.app import CabinetApp

route = RouteTable()
route.schemas.update(SCHEMAS)

# A consumer keeps at most this many drafts (each a row and a form of up to 100 KB), and at
# most this many applications in all, so a script cannot fill the disk through one account.
MAX_DRAFTS = 50
MAX_APPLICATIONS = 500
_APP = {"$ref": "#/components/schemas/Application"}
_STATE_PARAM = {
    "name": "state",
    "in": "query",
    "required": False,
    "schema": {"type": "string", "enum": ["active", "done"]},
    "description": "active — исполняемые, done — выполненные; без параметра — все",
}


def state_filter(req: Request) -> str | None:
    state = req.query.get("state")
    if state in (None, ""):
        return None
    if state not in ("active", "done"):
        raise validation_failed({"state": "Допустимые значения: active или done"})
    return state


def not_editable() -> HttpError:
    return HttpError(
        409,
        "application_not_editable",
        "Заявку можно изменить только в статусах «Черновик» и «Требуются документы»",
    )


def _form_body(body: dict[str, Any], *, required: bool) -> dict[str, Any]:
    form = body.get("form")
    if form is None and not required:
        return {}
    if not isinstance(form, dict):
        raise validation_failed({"form": "Передайте поля заявки объектом"})
    if len(json.dumps(form, ensure_ascii=False)) > 100_000:
        raise validation_failed({"form": "Слишком много данных в заявке"})
    return form


def _prefill(consumer: Any, category: str) -> dict[str, Any]:
    """The applicant's identifiers and contacts the cabinet already knows."""
    keys = {f.key for f in domain.fields_for(category, consumer["consumer_type"])}
    known = {k: consumer[k] for k in ("snils", "inn", "ogrn", "ogrnip", "phone", "email")}
    return {k: v for k, v in known.items() if k in keys and v}


@route(
    "GET",
    "/application-templates",
    auth=False,
    summary="Виды заявок, их поля и обязательные документы (ПП РФ № 861)",
    responses={200: {"$ref": "#/components/schemas/ApplicationTemplates"}},
)
def get_application_templates(app: CabinetApp, req: Request) -> Response:
    return Response.json(domain.templates())


@route(
    "GET",
    "/applications",
    summary="Заявки потребителя: исполняемые или выполненные",
    parameters=[_STATE_PARAM],
    responses={200: {"$ref": "#/components/schemas/ApplicationList"}, 422: None},
)
def list_applications(app: CabinetApp, req: Request) -> Response:
    state = state_filter(req)
    rows = app.db.query(
        "SELECT * FROM applications WHERE consumer_id = ? ORDER BY id DESC",
        (req.consumer["id"],),
    )
    ctype = req.consumer["consumer_type"]
    items = [
        application_json(app, r, ctype)
        for r in rows
        if state is None or (r["status"] in domain.ACTIVE) == (state == "active")
    ]
    return Response.json({"items": items})


@route(
    "POST",
    "/applications",
    summary="Новая заявка (черновик)",
    body={"$ref": "#/components/schemas/ApplicationCreate"},
    responses={201: _APP, 409: None, 422: None},
)
def create_application(app: CabinetApp, req: Request) -> Response:
    body = req.json()
    consumer = req.consumer
    given = body.get("category")
    category = given if isinstance(given, str) else ""  # "" is no category: refused below
    problem = domain.category_error(category, consumer["consumer_type"])
    if problem:
        raise validation_failed({"category": problem})
    form = {**_prefill(consumer, category), **_form_body(body, required=False)}
    clean, errors = domain.validate_partial(
        category, consumer["consumer_type"], form, moscow_today(app)
    )
    if errors:
        raise validation_failed(errors)
    now = app.clock.now()
    with app.db.write(consumer=consumer["id"]) as conn:
        (drafts,) = conn.execute(
            "SELECT count(*) FROM applications WHERE consumer_id = ? AND status = 'draft'",
            (consumer["id"],),
        ).fetchone()
        (total,) = conn.execute(
            "SELECT count(*) FROM applications WHERE consumer_id = ?", (consumer["id"],)
        ).fetchone()
        if total >= MAX_APPLICATIONS:
            raise HttpError(
                409, "too_many_applications", "Слишком много заявок в одном личном кабинете"
            )
        if drafts >= MAX_DRAFTS:
            raise HttpError(
                409,
                "too_many_drafts",
                f"У вас уже {MAX_DRAFTS} черновиков: отправьте или отзовите ненужные",
            )
        cur = conn.execute(
            "INSERT INTO applications (consumer_id, number, category, status, form, created_at,"
            " updated_at) VALUES (?, '', ?, 'draft', ?, ?, ?) RETURNING id",
            (consumer["id"], category, json.dumps(clean, ensure_ascii=False), iso(now), iso(now)),
        )
        app_id = inserted_id(cur)
        conn.execute(
            "UPDATE applications SET number = ? WHERE id = ?",
            (f"ТП-{now.year}-{app_id:06d}", app_id),
        )
        add_history(conn, app_id, "draft", iso(now), "Черновик заявки создан", "consumer")
    row = app.db.query_row("SELECT * FROM applications WHERE id = ?", (app_id,))
    return Response.json(application_json(app, row, consumer["consumer_type"]), 201)


@route(
    "GET",
    "/applications/{id}",
    summary="Заявка с документами и историей статусов",
    responses={200: _APP, 404: None},
)
def get_application(app: CabinetApp, req: Request, id: str) -> Response:
    row = own_application(app, req, id)
    return Response.json(application_json(app, row, req.consumer["consumer_type"]))


@route(
    "PATCH",
    "/applications/{id}",
    summary="Изменить поля заявки (только «Черновик» и «Требуются документы»)",
    body={"$ref": "#/components/schemas/ApplicationPatch"},
    responses={200: _APP, 404: None, 409: None, 422: None},
)
def patch_application(app: CabinetApp, req: Request, id: str) -> Response:
    row = own_application(app, req, id)
    patch = _form_body(req.json(), required=True)
    if row["status"] not in domain.EDITABLE:
        raise not_editable()
    ctype = req.consumer["consumer_type"]
    form = json.loads(row["form"])
    for key, value in patch.items():
        if value is None or value == "":
            form.pop(key, None)
        else:
            form[key] = value
    clean, errors = domain.validate_partial(row["category"], ctype, form, moscow_today(app))
    if errors:
        raise validation_failed(errors)
    now = iso(app.clock.now())
    with app.db.write(consumer=req.consumer["id"]) as conn:
        # The status may have moved since we read it (an operator, another window).
        cur = conn.execute(
            "UPDATE applications SET form = ?, updated_at = ? WHERE id = ? AND status IN"
            " ('draft', 'need_info')",
            (json.dumps(clean, ensure_ascii=False), now, row["id"]),
        )
        if cur.rowcount == 0:
            raise not_editable()
    row = app.db.query_row("SELECT * FROM applications WHERE id = ?", (row["id"],))
    return Response.json(application_json(app, row, ctype))


@route(
    "POST",
    "/applications/{id}/submit",
    summary="Отправить заявку (из черновика) или дополненную заявку (из «Требуются документы»)",
    responses={200: _APP, 404: None, 409: None, 422: None},
)
def submit_application(app: CabinetApp, req: Request, id: str) -> Response:
    row = own_application(app, req, id)
    ctype = req.consumer["consumer_type"]
    new_status = domain.SUBMIT_TRANSITIONS.get(row["status"])
    if new_status is None:
        raise HttpError(
            409,
            "application_not_submittable",
            f"Заявка в статусе «{domain.status_label(row['status'])}» уже отправлена",
        )
    clean, errors = domain.validate_form(
        row["category"], ctype, json.loads(row["form"]), moscow_today(app)
    )
    if errors:
        raise validation_failed(errors)
    current = application_json(app, row, ctype)
    missing = domain.required_documents(row["category"], ctype, clean)
    present = {d["kind"] for d in current["documents"]}
    missing = [k for k in missing if k not in present]
    if missing:
        titles = ", ".join(f"«{domain.DOCUMENT_KINDS[k].title}»" for k in missing)
        raise HttpError(
            422,
            "missing_documents",
            f"Не приложены документы: {titles}",
            {k: f"Приложите: {domain.DOCUMENT_KINDS[k].title}" for k in missing},
        )
    now = iso(app.clock.now())
    if new_status == "registered":
        comment = f"Заявка зарегистрирована, номер {row['number']}"
    else:
        comment = "Заявка дополнена и снова передана на рассмотрение"
    with app.db.write(consumer=req.consumer["id"]) as conn:
        cur = conn.execute(
            "UPDATE applications SET status = ?, form = ?, updated_at = ?,"
            " submitted_at = coalesce(submitted_at, ?) WHERE id = ? AND status = ?",
            (new_status, json.dumps(clean, ensure_ascii=False), now, now, row["id"], row["status"]),
        )
        if cur.rowcount == 0:
            raise HttpError(409, "application_changed", "Статус заявки изменился, обновите её")
        add_history(conn, row["id"], new_status, now, comment, "consumer")
    row = app.db.query_row("SELECT * FROM applications WHERE id = ?", (row["id"],))
    return Response.json(application_json(app, row, ctype))


@route(
    "POST",
    "/applications/{id}/withdraw",
    summary="Отозвать заявку (до направления договора)",
    responses={200: _APP, 404: None, 409: None},
)
def withdraw_application(app: CabinetApp, req: Request, id: str) -> Response:
    row = own_application(app, req, id)
    if row["status"] not in domain.WITHDRAWABLE:
        raise HttpError(
            409,
            "application_not_withdrawable",
            "Отозвать можно только заявку, по которой ещё не направлен договор",
        )
    now = iso(app.clock.now())
    with app.db.write(consumer=req.consumer["id"]) as conn:
        cur = conn.execute(
            "UPDATE applications SET status = 'withdrawn', updated_at = ? WHERE id = ?"
            " AND status IN ('draft', 'registered', 'review', 'need_info')",
            (now, row["id"]),
        )
        if cur.rowcount == 0:
            raise HttpError(409, "application_changed", "Статус заявки изменился, обновите её")
        add_history(conn, row["id"], "withdrawn", now, "Заявка отозвана заявителем", "consumer")
    row = app.db.query_row("SELECT * FROM applications WHERE id = ?", (row["id"],))
    return Response.json(application_json(app, row, req.consumer["consumer_type"]))
