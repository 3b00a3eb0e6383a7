"""What the application routes share: loading a consumer's own records, the JSON shapes of
the API (docs/design.md "API"), history entries, the files folder and checked raw-body uploads."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import threading
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from voek_desktop.api.server.core.schemas import (
    DATE_TIME,
    INTEGER,
    NULLABLE_STR,
    STR,
    media,
)
from voek_desktop.api.server.http.web import HttpError, Request, not_found
from voek_desktop.api.server.storage.db import Connection, Row
from voek_desktop.domain import applications as domain
from voek_desktop.domain import deadlines
from voek_desktop.domain.time import moscow_date
from voek_desktop.domain.uploads import (
    ACCEPTED_LABEL,
    FILE_TYPES,
    MAX_FILE_BYTES,
    SNIFF_BYTES,
    FileProblem,
    base_content_type,
    check_content,
    check_structure,
)

if TYPE_CHECKING:
    from voek_desktop.api.server.app import CabinetApp

API_PREFIX = "/api/v1"


def parse_id(text: str) -> int:
    """A path id; anything but a plain positive number is simply not found."""
    if not (text.isascii() and text.isdigit()) or len(text) > 15 or int(text) == 0:
        raise not_found()
    return int(text)


def moscow_today(app: CabinetApp) -> date:
    # Terms in Decree 861 are counted in the applicant's (Moscow) calendar, not UTC's.
    return moscow_date(app.clock.now())


def files_dir(app: CabinetApp, name: str) -> Path:
    """The local folder for temporary files on their way into the store's ``name`` folder
    (beside the database, never under a served path); core/filestore.py."""
    return app.files.spool(name)


def remove_quietly(path: str | os.PathLike[str]) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


# --- records of the logged-in consumer ------------------------------------------------------


def own_application(app: CabinetApp, req: Request, id: str) -> Row:
    row = app.db.query_one(
        "SELECT * FROM applications WHERE id = ? AND consumer_id = ?",
        (parse_id(id), req.consumer["id"]),
    )
    if row is None:
        raise not_found()
    return row


def consumer_type_of(app: CabinetApp, consumer_id: int) -> str:
    row = app.db.query_one("SELECT consumer_type FROM consumers WHERE id = ?", (consumer_id,))
    return row["consumer_type"] if row else domain.INDIVIDUAL


def add_history(
    conn: Connection,
    application_id: int,
    status: str,
    at: str,
    comment: str,
    actor: str,
) -> None:
    conn.execute(
        "INSERT INTO application_history (application_id, status, at, comment, actor)"
        " VALUES (?, ?, ?, ?, ?)",
        (application_id, status, at, comment, actor),
    )


# --- JSON shapes ----------------------------------------------------------------------------


def document_json(row: Row) -> dict[str, Any]:
    kind = domain.DOCUMENT_KINDS.get(row["kind"])
    return {
        "id": row["id"],
        "kind": row["kind"],
        "kind_title": kind.title if kind else row["kind"],
        "filename": row["filename"],
        "size": row["size"],
        "content_type": row["content_type"],
        "uploaded_at": row["uploaded_at"],
        "url": f"{API_PREFIX}/applications/{row['application_id']}/documents/{row['id']}",
    }


def application_json(app: CabinetApp, row: Row, consumer_type: str) -> dict[str, Any]:
    form = json.loads(row["form"])
    documents = app.db.query(
        "SELECT * FROM application_documents WHERE application_id = ? ORDER BY id", (row["id"],)
    )
    history = app.db.query(
        "SELECT * FROM application_history WHERE application_id = ? ORDER BY id", (row["id"],)
    )
    contract = app.db.query_one(
        "SELECT id FROM connection_contracts WHERE application_id = ?", (row["id"],)
    )
    required = domain.required_documents(row["category"], consumer_type, form)
    present = {d["kind"] for d in documents}
    category = domain.CATEGORIES[row["category"]]
    entries = [{"status": h["status"], "at": h["at"], "actor": h["actor"]} for h in history]
    today = moscow_today(app)
    running = deadlines.deadline(
        {"category": row["category"], "status": row["status"], "form": form},
        entries,
        today,
    )
    return {
        "id": row["id"],
        "number": row["number"],
        "category": row["category"],
        "category_title": category.title,
        "consumer_type": consumer_type,
        "status": row["status"],
        "status_label": domain.status_label(row["status"]),
        "active": row["status"] in domain.ACTIVE,
        "editable": row["status"] in domain.EDITABLE,
        "form": form,
        "documents": [document_json(d) for d in documents],
        "required_documents": required,
        "missing_documents": [k for k in required if k not in present],
        "history": [
            {
                "status": h["status"],
                "status_label": domain.status_label(h["status"]),
                "at": h["at"],
                "comment": h["comment"],
                "actor": h["actor"],
            }
            for h in history
        ],
        "connection_contract_id": contract["id"] if contract else None,
        # The statutory terms running now, by the server's clock (docs/deadlines.md).
        "deadlines": [d.as_json() for d in running],
        # The Moscow day they are counted for: the app dates a претензия by the server's day,
        # not by the PC's clock (which may be wrong, and the demo's clock may be moved).
        "as_of": today.isoformat(),
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "submitted_at": row["submitted_at"],
    }


# --- uploads --------------------------------------------------------------------------------

# Parsing decodes every pixel: a 40-megapixel scan holds 160 MB for half a second, and 8 blank
# ones of 131 KB each uploaded at once took the server to 925 MB (64 workers: 7 GB). Two at a
# time keep it bounded (the same 8: 467 MB); the others wait their turn.
_PARSING = threading.BoundedSemaphore(2)


def receive_file(app: CabinetApp, req: Request, folder: str) -> tuple[str, str, int, str]:
    """Take a raw-body scan: declared type allowed, ≤ 20 MB (413 before reading a larger
    body), content sniffed and agreeing with the declared type (415), then parsed as that type:
    not readable, active PDF content, too many pixels are 422. The file lands under a random
    name in ``folder``; returns (path, content_type, size, sha256). On any failure nothing is
    left behind (an interrupted body is removed by ``save_body``)."""
    declared = base_content_type(req.header("Content-Type"))
    if declared == "image/jpg":
        declared = "image/jpeg"
    if declared not in FILE_TYPES:
        raise HttpError(
            415, "unsupported_file_type", f"Можно загрузить только файлы {ACCEPTED_LABEL}"
        )
    if req.header("Transfer-Encoding"):
        raise HttpError(
            411, "length_required", "Передайте файл целиком с заголовком Content-Length"
        )
    if req.content_length() == 0:
        raise HttpError(422, "empty_file", "Файл пустой", {"file": "Файл пустой"})
    directory = files_dir(app, folder)
    tmp_path, size = req.save_body(MAX_FILE_BYTES, directory)
    try:
        digest = hashlib.sha256()
        with open(tmp_path, "rb") as fh:
            head = fh.read(SNIFF_BYTES)
            digest.update(head)
            for chunk in iter(lambda: fh.read(1024 * 1024), b""):
                digest.update(chunk)
        try:
            content_type = check_content(declared, head)
        except FileProblem as exc:
            raise HttpError(415, exc.code, exc.message) from None
        try:
            # The first bytes only say what the file claims to be; the parser of that type
            # decides. The stored name gets the extension of this type (safe_filename).
            with _PARSING:
                check_structure(tmp_path, content_type)
        except FileProblem as exc:
            raise HttpError(422, exc.code, exc.message, {"file": exc.message}) from None
        stored = app.files.put(folder, Path(tmp_path))
    except BaseException:
        remove_quietly(tmp_path)
        raise
    return stored, content_type, size, digest.hexdigest()


# --- OpenAPI --------------------------------------------------------------------------------

UPLOAD_BODY = media(*FILE_TYPES)
PDF_BODY = media("application/pdf")
FILE_RESPONSE = media(*FILE_TYPES)

_FORM_VALUE = {"type": ["string", "number", "boolean", "array", "null"]}
_STAGE = {
    "type": "object",
    "properties": {
        "design_until": {"type": "string", "description": "ГГГГ-ММ-ДД"},
        "commissioning_until": {"type": "string", "description": "ГГГГ-ММ-ДД"},
        "power_kw": {"type": ["number", "string"]},
    },
}


def _form_schema() -> dict[str, Any]:
    props: dict[str, Any] = {}
    for spec in domain.FIELDS:
        if spec.kind == "stages":
            schema: dict[str, Any] = {"type": ["array", "null"], "items": _STAGE}
        elif spec.kind == "bool":
            schema = {"type": ["boolean", "null"]}
        elif spec.kind == "number" or spec.key == "voltage_kv":
            schema = {"type": ["number", "string", "null"]}
        else:
            schema = {"type": ["string", "null"]}
        schema["description"] = spec.label
        props[spec.key] = schema
    return {
        "type": "object",
        "description": "Поля заявки по Правилам технологического присоединения (ПП РФ № 861); "
        "ключи других категорий и типов игнорируются",
        "properties": props,
        "additionalProperties": _FORM_VALUE,
    }


DOCUMENT_KIND_ENUM = {"type": "string", "enum": list(domain.DOCUMENT_KINDS)}

SCHEMAS: dict[str, Any] = {
    "ApplicationForm": _form_schema(),
    "ApplicationCreate": {
        "type": "object",
        "required": ["category"],
        "properties": {
            "category": {"type": "string", "enum": list(domain.CATEGORIES)},
            "form": {"$ref": "#/components/schemas/ApplicationForm"},
        },
    },
    "ApplicationPatch": {
        "type": "object",
        "required": ["form"],
        "properties": {
            "form": {
                "$ref": "#/components/schemas/ApplicationForm",
                "description": "Изменённые поля; null или пустая строка удаляют значение",
            }
        },
    },
    "ApplicationDocument": {
        "type": "object",
        "required": ["id", "kind", "filename", "size", "content_type"],
        "properties": {
            "id": INTEGER,
            "kind": DOCUMENT_KIND_ENUM,
            "kind_title": STR,
            "filename": STR,
            "size": INTEGER,
            "content_type": STR,
            "uploaded_at": DATE_TIME,
            "url": STR,
        },
    },
    "HistoryEntry": {
        "type": "object",
        "required": ["status", "at", "comment"],
        "properties": {
            "status": STR,
            "status_label": STR,
            "at": DATE_TIME,
            "comment": STR,
            "actor": {"type": "string", "enum": ["consumer", "operator", "system"]},
        },
    },
    "Application": {
        "type": "object",
        "required": [
            "id",
            "number",
            "category",
            "status",
            "status_label",
            "form",
            "documents",
            "missing_documents",
            "history",
            "created_at",
        ],
        "properties": {
            "id": INTEGER,
            "number": {**STR, "description": "ТП-ГГГГ-NNNNNN"},
            "category": {"type": "string", "enum": list(domain.CATEGORIES)},
            "category_title": STR,
            "consumer_type": {"$ref": "#/components/schemas/ConsumerType"},
            "status": {"type": "string", "enum": list(domain.STATUSES)},
            "status_label": STR,
            "active": {"type": "boolean"},
            "editable": {"type": "boolean"},
            "form": {"type": "object"},
            "documents": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/ApplicationDocument"},
            },
            "required_documents": {"type": "array", "items": DOCUMENT_KIND_ENUM},
            "missing_documents": {"type": "array", "items": DOCUMENT_KIND_ENUM},
            "history": {"type": "array", "items": {"$ref": "#/components/schemas/HistoryEntry"}},
            "connection_contract_id": {"type": ["integer", "null"]},
            "deadlines": {"type": "array", "items": {"$ref": "#/components/schemas/Deadline"}},
            "as_of": {
                "type": "string",
                "format": "date",
                "description": "Московская дата по часам сервера, на которую посчитаны сроки",
            },
            "created_at": DATE_TIME,
            "updated_at": DATE_TIME,
            "submitted_at": NULLABLE_STR,
        },
    },
    "Deadline": {
        "type": "object",
        "description": "Срок по Правилам технологического присоединения (ПП РФ № 861)",
        "required": ["step", "party", "what", "started", "due", "days_left", "overdue", "rule"],
        "properties": {
            "step": {
                "type": "string",
                "enum": sorted({t.key for t in deadlines.TERMS}),
            },
            "party": {"type": "string", "enum": [deadlines.GRID, deadlines.APPLICANT]},
            "what": STR,
            "started": {"type": "string", "format": "date"},
            "due": {"type": "string", "format": "date"},
            "days_left": {**INTEGER, "description": "в единицах срока; < 0 — просрочен"},
            "working_days_left": INTEGER,
            "unit": {"type": "string", "enum": [deadlines.WORKING_DAYS, deadlines.MONTHS]},
            "overdue": {"type": "boolean"},
            "rule": {**STR, "description": "пункт Правил"},
            "length": STR,
            "consequence": STR,
            "text": STR,
        },
    },
    "ApplicationList": {
        "type": "object",
        "required": ["items"],
        "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/Application"}}
        },
    },
    "ApplicationTemplates": {
        "type": "object",
        "required": ["items", "fields", "document_kinds", "statuses"],
        "properties": {
            "items": {"type": "array", "items": {"type": "object"}},
            "fields": {"type": "array", "items": {"type": "object"}},
            "groups": {"type": "array", "items": {"type": "object"}},
            "document_kinds": {"type": "array", "items": {"type": "object"}},
            "statuses": {"type": "array", "items": {"type": "object"}},
            "stage_keys": {"type": "array", "items": {"type": "object"}},
        },
    },
    "StatusChange": {
        "type": "object",
        "required": ["status"],
        "properties": {
            "status": {"type": "string", "enum": list(domain.STATUSES)},
            "comment": {"type": "string", "maxLength": 2000},
        },
    },
}
