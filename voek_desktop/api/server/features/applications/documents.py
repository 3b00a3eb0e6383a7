"""Scans attached to an application: raw-body uploads checked by content, downloads, removal
(docs/design.md "Applications", "API"). A file is written under a temporary name and renamed
when complete, so an interrupted upload leaves nothing behind."""

from __future__ import annotations

from typing import TYPE_CHECKING

from voek_desktop.api.server.core.clock import iso
from voek_desktop.api.server.features.applications.records import (
    FILE_RESPONSE,
    UPLOAD_BODY,
    document_json,
    own_application,
    parse_id,
    receive_file,
)
from voek_desktop.api.server.http.web import (
    HttpError,
    Request,
    Response,
    RouteTable,
    not_found,
    validation_failed,
)
from voek_desktop.api.server.storage.db import inserted_id
from voek_desktop.domain import applications as domain
from voek_desktop.domain.uploads import (
    MAX_FILE_BYTES,
    MAX_FILES_PER_APPLICATION,
    content_disposition,
    safe_filename,
)

if TYPE_CHECKING:
    from voek_desktop.api.server.app import CabinetApp

route = RouteTable()

FOLDER = "applications"
# All scans of one consumer together: a per-user quota (ASVS 5.2.4), checked before reading.
CONSUMER_QUOTA_BYTES = 300 * 1024 * 1024


_USED_SQL = (
    "SELECT coalesce(sum(d.size), 0) AS used FROM application_documents d"
    " JOIN applications a ON a.id = d.application_id WHERE a.consumer_id = ?"
)


def _over_quota() -> HttpError:
    return HttpError(
        409,
        "storage_quota_exceeded",
        "Превышен общий объём ваших файлов (300 МБ). Удалите ненужные сканы "
        "или уменьшите разрешение сканирования",
    )


def _not_editable() -> HttpError:
    return HttpError(
        409,
        "application_not_editable",
        "Документы можно менять только в статусах «Черновик» и «Требуются документы»",
    )


def _too_many() -> HttpError:
    return HttpError(
        409,
        "too_many_files",
        f"К заявке можно приложить не более {MAX_FILES_PER_APPLICATION} файлов. "
        "Удалите лишние или объедините сканы в один PDF",
    )


@route(
    "POST",
    "/applications/{id}/documents",
    summary="Приложить скан документа (тело запроса — файл PDF, JPEG, PNG или TIFF до 20 МБ)",
    parameters=[
        {
            "name": "kind",
            "in": "query",
            "required": True,
            "schema": {"type": "string", "enum": list(domain.DOCUMENT_KINDS)},
        },
        {
            "name": "filename",
            "in": "query",
            "required": False,
            "schema": {"type": "string", "maxLength": 255},
            "description": "Имя файла у пользователя (сохраняется очищенным)",
        },
    ],
    body=UPLOAD_BODY,
    responses={
        201: {"$ref": "#/components/schemas/ApplicationDocument"},
        404: None,
        409: None,
        411: None,
        413: None,
        415: None,
        422: None,
    },
)
def upload_document(app: CabinetApp, req: Request, id: str) -> Response:
    row = own_application(app, req, id)
    kind = req.query.get("kind", "")
    if kind not in domain.DOCUMENT_KINDS:
        raise validation_failed({"kind": "Неизвестный вид документа"})
    if row["status"] not in domain.EDITABLE:
        raise _not_editable()
    # Too big for any scan is 413 whatever the quota: "delete scans" would mislead the user.
    req.declared_length(MAX_FILE_BYTES, "Файл слишком большой")
    (count,) = app.db.query_row(
        "SELECT count(*) FROM application_documents WHERE application_id = ?", (row["id"],)
    )
    if count >= MAX_FILES_PER_APPLICATION:
        raise _too_many()
    (used,) = app.db.query_row(_USED_SQL, (req.consumer["id"],))
    if used + req.content_length() > CONSUMER_QUOTA_BYTES:
        raise _over_quota()  # early, so a body that cannot fit is not even read
    stored, content_type, size, sha256 = receive_file(app, req, FOLDER)
    filename = safe_filename(req.query.get("filename"), content_type)
    try:
        with app.db.write(consumer=req.consumer["id"]) as conn:
            current = conn.execute(
                "SELECT status, (SELECT count(*) FROM application_documents"
                " WHERE application_id = applications.id) AS files"
                " FROM applications WHERE id = ?",
                (row["id"],),
            ).fetchone()
            if current["status"] not in domain.EDITABLE:
                raise _not_editable()
            if current["files"] >= MAX_FILES_PER_APPLICATION:
                raise _too_many()
            # Again inside the write transaction (SQLite's BEGIN IMMEDIATE, PostgreSQL's lock on
            # the consumer's row serialise them): parallel uploads all passed the early check
            # against the same old total.
            used = conn.execute(_USED_SQL, (req.consumer["id"],)).fetchone()["used"]
            if used + size > CONSUMER_QUOTA_BYTES:
                raise _over_quota()
            cur = conn.execute(
                "INSERT INTO application_documents (application_id, kind, filename,"
                " content_type, size, stored_name, sha256, uploaded_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (
                    row["id"],
                    kind,
                    filename,
                    content_type,
                    size,
                    stored,
                    sha256,
                    iso(app.clock.now()),
                ),
            )
            doc_id = inserted_id(cur)
            conn.execute(
                "UPDATE applications SET updated_at = ? WHERE id = ?",
                (iso(app.clock.now()), row["id"]),
            )
    except BaseException:
        app.files.delete(FOLDER, stored)
        raise
    doc = app.db.query_row("SELECT * FROM application_documents WHERE id = ?", (doc_id,))
    return Response.json(document_json(doc), 201)


def _own_document(app: CabinetApp, req: Request, id: str, doc_id: str):
    row = own_application(app, req, id)
    doc = app.db.query_one(
        "SELECT * FROM application_documents WHERE id = ? AND application_id = ?",
        (parse_id(doc_id), row["id"]),
    )
    if doc is None:
        raise not_found()
    return row, doc


@route(
    "GET",
    "/applications/{id}/documents/{doc_id}",
    summary="Скачать приложенный файл",
    responses={200: FILE_RESPONSE, 404: None},
)
def download_document(app: CabinetApp, req: Request, id: str, doc_id: str) -> Response:
    _, doc = _own_document(app, req, id, doc_id)
    try:
        stored = app.files.open(FOLDER, doc["stored_name"])
    except FileNotFoundError:
        raise not_found() from None
    return Response.stored_part(
        stored,
        doc["content_type"],
        headers={"Content-Disposition": content_disposition(doc["filename"])},
    )


@route(
    "DELETE",
    "/applications/{id}/documents/{doc_id}",
    summary="Удалить приложенный файл (только «Черновик» и «Требуются документы»)",
    responses={204: None, 404: None, 409: None},
)
def delete_document(app: CabinetApp, req: Request, id: str, doc_id: str) -> Response:
    row, doc = _own_document(app, req, id, doc_id)
    if row["status"] not in domain.EDITABLE:
        raise _not_editable()
    with app.db.write(consumer=req.consumer["id"]) as conn:
        status = conn.execute(
            "SELECT status FROM applications WHERE id = ?", (row["id"],)
        ).fetchone()["status"]
        if status not in domain.EDITABLE:
            raise _not_editable()
        conn.execute("DELETE FROM application_documents WHERE id = ?", (doc["id"],))
        conn.execute(
            "UPDATE applications SET updated_at = ? WHERE id = ?",
            (iso(app.clock.now()), row["id"]),
        )
    app.files.delete(FOLDER, doc["stored_name"])
    return Response.empty()
