"""Connection contracts: generated when the operator offers one, downloaded, returned signed
(docs/design.md "Cabinet sections", "Applications", "API"); and the operator's status route of
``/dev``."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from voek_desktop.api.server.core.clock import iso
from voek_desktop.api.server.core.files import part_prefix
from voek_desktop.api.server.core.schemas import (
    BOOLEAN,
    DATE_TIME,
    INTEGER,
    NULLABLE_STR,
    STR,
)
from voek_desktop.api.server.features import notifications
from voek_desktop.api.server.features.applications.records import (
    API_PREFIX,
    PDF_BODY,
    UPLOAD_BODY,
    add_history,
    application_json,
    consumer_type_of,
    files_dir,
    moscow_today,
    parse_id,
    receive_file,
    remove_quietly,
)
from voek_desktop.api.server.features.identity.common import profile_json
from voek_desktop.api.server.http.web import (
    HttpError,
    Request,
    Response,
    RouteTable,
    not_found,
    validation_failed,
)
from voek_desktop.api.server.storage.db import Connection, Row
from voek_desktop.domain import applications as domain
from voek_desktop.domain.uploads import content_disposition, safe_filename

if TYPE_CHECKING:
    from voek_desktop.api.server.app import CabinetApp
    from voek_desktop.domain.company import Requisites

route = RouteTable()
dev_route = RouteTable()

FOLDER = "contracts"
CONTRACT_STATUSES = {
    "offered": "Ожидает подписания",
    "signed": "Подписан",
    "completed": "Исполнен",
    "annulled": "Аннулирован",
}
ACTIVE_CONTRACTS = ("offered", "signed")
# The comment stored with an operator's change when none is given.
DEFAULT_COMMENTS = {
    "review": "Заявка принята к рассмотрению",
    "need_info": "Требуются дополнительные сведения или документы",
    "contract_offered": "Подготовлен договор об осуществлении технологического присоединения",
    "contract_signed": "Договор подписан",
    "in_progress": "Выполняются мероприятия по технологическому присоединению",
    "completed": "Технологическое присоединение осуществлено",
    "annulled": "Заявка аннулирована",
}


# --- the contract PDF -----------------------------------------------------------------------


def render_contract_pdf(
    contract: dict[str, Any],
    application: dict[str, Any],
    consumer: dict[str, Any],
    out: Path,
    company: Requisites | None = None,
) -> None:
    """Write the contract PDF to ``out`` with the printing module's layout.

    Imported here, not at the top: reportlab costs start-up time and only this route needs it.
    """
    from voek_desktop.printing.contract import render_contract

    render_contract(contract, application, consumer, out, company=company)


# --- shapes ---------------------------------------------------------------------------------


def contract_json(row: Row, application_number: str) -> dict[str, Any]:
    signed_copy = None
    if row["signed_copy_name"]:
        signed_copy = {
            "id": row["id"],
            "kind": "signed_contract",
            "filename": row["signed_copy_filename"],
            "size": row["signed_copy_size"],
            "content_type": row["signed_copy_content_type"],
            "uploaded_at": row["signed_copy_uploaded_at"],
        }
    return {
        "id": row["id"],
        "number": row["number"],
        "application_id": row["application_id"],
        "application_number": application_number,
        "status": row["status"],
        "status_label": CONTRACT_STATUSES[row["status"]],
        "active": row["status"] in ACTIVE_CONTRACTS,
        "created_at": row["created_at"],
        "signed_at": row["signed_at"],
        "document_url": f"{API_PREFIX}/connection-contracts/{row['id']}/document",
        "document_size": row["document_size"],
        "signed_copy": signed_copy,
    }


_CONTRACT_SQL = (
    "SELECT c.*, a.number AS application_number FROM connection_contracts c"
    " JOIN applications a ON a.id = c.application_id"
)


def _own_contract(app: CabinetApp, req: Request, id: str) -> Row:
    row = app.db.query_one(
        _CONTRACT_SQL + " WHERE c.id = ? AND c.consumer_id = ?",
        (parse_id(id), req.consumer["id"]),
    )
    if row is None:
        raise not_found()
    return row


# --- consumer routes ------------------------------------------------------------------------

_CONTRACT = {"$ref": "#/components/schemas/ConnectionContract"}


@route(
    "GET",
    "/connection-contracts",
    summary="Договоры о технологическом присоединении",
    parameters=[
        {
            "name": "state",
            "in": "query",
            "required": False,
            "schema": {"type": "string", "enum": ["active", "done"]},
        }
    ],
    responses={200: {"$ref": "#/components/schemas/ConnectionContractList"}, 422: None},
)
def list_connection_contracts(app: CabinetApp, req: Request) -> Response:
    state = req.query.get("state") or None
    if state not in (None, "active", "done"):
        raise validation_failed({"state": "Допустимые значения: active или done"})
    rows = app.db.query(
        _CONTRACT_SQL + " WHERE c.consumer_id = ? ORDER BY c.id DESC", (req.consumer["id"],)
    )
    items = [
        contract_json(r, r["application_number"])
        for r in rows
        if state is None or (r["status"] in ACTIVE_CONTRACTS) == (state == "active")
    ]
    return Response.json({"items": items})


@route(
    "GET",
    "/connection-contracts/{id}",
    summary="Договор о технологическом присоединении",
    responses={200: _CONTRACT, 404: None},
)
def get_connection_contract(app: CabinetApp, req: Request, id: str) -> Response:
    row = _own_contract(app, req, id)
    return Response.json(contract_json(row, row["application_number"]))


@route(
    "GET",
    "/connection-contracts/{id}/document",
    summary="PDF договора",
    responses={200: PDF_BODY, 404: None},
)
def download_connection_contract(app: CabinetApp, req: Request, id: str) -> Response:
    row = _own_contract(app, req, id)
    try:
        stored = app.files.open(FOLDER, row["document_name"])
    except FileNotFoundError:
        raise not_found() from None
    name = f"Договор {row['number']}.pdf"
    return Response.stored_part(
        stored, "application/pdf", headers={"Content-Disposition": content_disposition(name)}
    )


@route(
    "POST",
    "/connection-contracts/{id}/signed-copy",
    summary="Загрузить скан подписанного договора (тело — файл PDF, JPEG, PNG или TIFF)",
    parameters=[
        {
            "name": "filename",
            "in": "query",
            "required": False,
            "schema": {"type": "string", "maxLength": 255},
        }
    ],
    body=UPLOAD_BODY,
    responses={
        200: _CONTRACT,
        404: None,
        409: None,
        411: None,
        413: None,
        415: None,
        422: None,
    },
)
def upload_signed_copy(app: CabinetApp, req: Request, id: str) -> Response:
    row = _own_contract(app, req, id)
    if row["status"] != "offered":
        raise _not_awaiting()
    stored, content_type, size, _ = receive_file(app, req, FOLDER)
    filename = safe_filename(req.query.get("filename"), content_type)
    now = iso(app.clock.now())
    try:
        with app.db.write(consumer=req.consumer["id"]) as conn:
            cur = conn.execute(
                "UPDATE connection_contracts SET status = 'signed', signed_at = ?,"
                " signed_copy_name = ?, signed_copy_filename = ?, signed_copy_content_type = ?,"
                " signed_copy_size = ?, signed_copy_uploaded_at = ? WHERE id = ?"
                " AND status = 'offered'",
                (now, stored, filename, content_type, size, now, row["id"]),
            )
            if cur.rowcount == 0:
                raise _not_awaiting()
            conn.execute(
                "UPDATE applications SET status = 'contract_signed', updated_at = ?"
                " WHERE id = ? AND status = 'contract_offered'",
                (now, row["application_id"]),
            )
            add_history(
                conn,
                row["application_id"],
                "contract_signed",
                now,
                f"Получена подписанная копия договора № {row['number']}",
                "consumer",
            )
    except BaseException:
        app.files.delete(FOLDER, stored)
        raise
    row = _own_contract(app, req, id)
    return Response.json(contract_json(row, row["application_number"]))


def _not_awaiting() -> HttpError:
    return HttpError(
        409,
        "contract_not_awaiting_signature",
        "Договор уже подписан или аннулирован: загрузить подписанную копию нельзя",
    )


# --- the operator (dev) ---------------------------------------------------------------------


def _consumer_dict(app: CabinetApp, consumer_id: int) -> dict[str, Any]:
    return profile_json(app.db.query_row("SELECT * FROM consumers WHERE id = ?", (consumer_id,)))


def _make_contract_pdf(app: CabinetApp, row: Row, number: str, now: str) -> tuple[str, int]:
    """Render into a temporary file and store it under a random name; (name, size)."""
    ctype = consumer_type_of(app, row["consumer_id"])
    application = application_json(app, row, ctype)
    consumer = _consumer_dict(app, row["consumer_id"])
    contract = {
        "id": None,
        "number": number,
        "application_id": row["id"],
        "application_number": row["number"],
        "status": "offered",
        "created_at": now,
        "date": moscow_today(app).isoformat(),
        **{f"grid_signatory_{k}": v for k, v in (app.config.signatory or {}).items()},
    }
    directory = files_dir(app, FOLDER)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=part_prefix(), suffix=".part")
    os.close(fd)
    try:
        render_contract_pdf(contract, application, consumer, Path(tmp), app.config.company)
        os.chmod(tmp, 0o600)  # reportlab writes a new file with the umask's mode: passport data
        size = os.path.getsize(tmp)
        return app.files.put(FOLDER, Path(tmp)), size
    except BaseException:
        remove_quietly(tmp)
        raise


@dev_route(
    "POST",
    "/dev/applications/{id}/status",
    auth=False,
    summary="Действие сетевой организации: сменить статус заявки (только --dev)",
    body={"$ref": "#/components/schemas/StatusChange"},
    responses={200: {"$ref": "#/components/schemas/Application"}, 404: None, 409: None, 422: None},
)
def set_application_status(app: CabinetApp, req: Request, id: str) -> Response:
    body = req.json()
    row = app.db.query_one("SELECT * FROM applications WHERE id = ?", (parse_id(id),))
    if row is None:
        raise not_found()
    new = body.get("status", "")  # missing: "" is no status either
    comment = body.get("comment", "")
    errors = {}
    if not isinstance(new, str) or new not in domain.STATUSES:
        errors["status"] = "Неизвестный статус заявки"
    if not isinstance(comment, str) or len(comment) > 2000:
        errors["comment"] = "Комментарий — текст до 2000 символов"
    if errors:
        raise validation_failed(errors)
    current = row["status"]
    if not domain.operator_may(current, new):
        raise HttpError(
            409,
            "invalid_transition",
            f"Из статуса «{domain.status_label(current)}» нельзя перейти "
            f"в «{domain.status_label(new)}»",
        )
    comment = comment.strip() or DEFAULT_COMMENTS.get(new, "")
    now = app.clock.now()
    pdf: tuple[str, int] | None = None
    number = f"ДТП-{now.year}-{row['id']:06d}"
    if new == "contract_offered":
        pdf = _make_contract_pdf(app, row, number, iso(now))  # slow work: outside the write
    try:
        with app.db.write(consumer=row["consumer_id"]) as conn:
            cur = conn.execute(
                "UPDATE applications SET status = ?, updated_at = ? WHERE id = ? AND status = ?",
                (new, iso(now), row["id"], current),
            )
            if cur.rowcount == 0:
                raise HttpError(409, "application_changed", "Статус заявки изменился")
            add_history(conn, row["id"], new, iso(now), comment, "operator")
            _contract_follows(conn, row, new, number, pdf, iso(now))
            # In the same transaction: the consumer's feed has the change exactly when it happened.
            notifications.add_status_change(conn, row, new, comment, iso(now))
    except BaseException:
        if pdf is not None:
            app.files.delete(FOLDER, pdf[0])
        raise
    _notify(app, row, new, comment)
    row = app.db.query_row("SELECT * FROM applications WHERE id = ?", (row["id"],))
    return Response.json(application_json(app, row, consumer_type_of(app, row["consumer_id"])))


def _contract_follows(
    conn: Connection, row: Row, new: str, number: str, pdf: tuple[str, int] | None, now: str
) -> None:
    """The contract row mirrors its application's status."""
    if new == "contract_offered" and pdf is not None:
        conn.execute(
            "INSERT INTO connection_contracts (application_id, consumer_id, number, status,"
            " document_name, document_size, created_at) VALUES (?, ?, ?, 'offered', ?, ?, ?)",
            (row["id"], row["consumer_id"], number, pdf[0], pdf[1], now),
        )
    elif new == "contract_signed":
        conn.execute(
            "UPDATE connection_contracts SET status = 'signed', signed_at = coalesce(signed_at, ?)"
            " WHERE application_id = ? AND status = 'offered'",
            (now, row["id"]),
        )
    elif new == "completed":
        conn.execute(
            "UPDATE connection_contracts SET status = 'completed' WHERE application_id = ?",
            (row["id"],),
        )
    elif new == "annulled":
        conn.execute(
            "UPDATE connection_contracts SET status = 'annulled' WHERE application_id = ?"
            " AND status IN ('offered', 'signed')",
            (row["id"],),
        )


def _notify(app: CabinetApp, row: Row, new: str, comment: str) -> None:
    consumer = app.db.query_one("SELECT email FROM consumers WHERE id = ?", (row["consumer_id"],))
    if consumer is None:
        return
    # The profile's switches (issue 16, item 7): the feed has it anyway, the mail only if wanted.
    if not notifications.email_wanted(app, row["consumer_id"], notifications.status_kind(new)):
        return
    text = (
        f"Статус вашей заявки № {row['number']} изменён: «{domain.status_label(new)}».\n"
        f"{comment}\n\nПодробности — в личном кабинете АО «ВОЭК», раздел «Заявки».\n"
    )
    # A mail failure must not undo the operator's change.
    with contextlib.suppress(Exception):
        app.mailer.send(
            consumer["email"],
            f"Заявка {row['number']}: {domain.status_label(new)}",
            text,
            app.clock.now(),
        )


_DOC_SCHEMA = {
    "type": "object",
    "properties": {
        "id": INTEGER,
        "kind": STR,
        "filename": STR,
        "size": INTEGER,
        "content_type": STR,
        "uploaded_at": STR,
    },
}

route.schemas.update(
    {
        "ConnectionContract": {
            "type": "object",
            "required": ["id", "number", "application_id", "status", "created_at", "document_url"],
            "properties": {
                "id": INTEGER,
                "number": STR,
                "application_id": INTEGER,
                "application_number": STR,
                "status": {"type": "string", "enum": list(CONTRACT_STATUSES)},
                "status_label": STR,
                "active": BOOLEAN,
                "created_at": DATE_TIME,
                "signed_at": NULLABLE_STR,
                "document_url": STR,
                "document_size": INTEGER,
                "signed_copy": {"oneOf": [_DOC_SCHEMA, {"type": "null"}]},
            },
        },
        "ConnectionContractList": {
            "type": "object",
            "required": ["items"],
            "properties": {"items": {"type": "array", "items": _CONTRACT}},
        },
    }
)
