"""Archive requests: the period rules, editing until the deadline, the background job that
produces the .xlsx (features/metering/xlsx.py) and its download with ranges (docs/design.md
"Archives")."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from voek_desktop.api.server.core import jobs, pacing
from voek_desktop.api.server.core.clock import iso, parse_iso
from voek_desktop.api.server.core.files import remove_part
from voek_desktop.api.server.core.schemas import (
    DATE,
    DATE_TIME,
    INTEGER,
    NULLABLE_STR,
    STR,
    list_of,
    obj,
)
from voek_desktop.api.server.features import notifications
from voek_desktop.api.server.features.metering import registers, simulator, xlsx
from voek_desktop.api.server.features.metering.common import (
    METER_SELECT,
    ddmmyyyy,
    int_id,
    meter_model,
    parse_date,
    require_smart,
    visible_meter,
)
from voek_desktop.api.server.http.web import (
    HttpError,
    Request,
    Response,
    RouteTable,
    not_found,
    validation_failed,
)
from voek_desktop.api.server.storage.db import Connection, Row, inserted_id
from voek_desktop.domain.time import (
    MSK,
    archive_editable_until,
    archive_first_day,
    archive_last_day,
    archive_produce_after,
)

if TYPE_CHECKING:
    from voek_desktop.api.server.app import CabinetApp

route = RouteTable()
dev_route = RouteTable()

# Open requests (not yet ready or failed) a consumer may have: each one is a job that writes up
# to three years of half-hourly data, so one account must not queue hundreds
# (docs/design.md "Archives").
OPEN_PER_METER = 5
OPEN_PER_CONSUMER = 20
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STATUS_LABELS = {
    "accepted": "Принят",
    "locked": "Зафиксирован",
    "ready": "Готов",
    "failed": "Ошибка",
}


ARCHIVES = "archives"  # the store's folder (core/filestore.py)


def _archive_dir(app: CabinetApp) -> Path:
    """Where workbooks are written before they are stored."""
    return app.files.spool(ARCHIVES)


def _status(row: Row, now: datetime) -> str:
    if row["status"] == "accepted" and now >= parse_iso(row["editable_until"]):
        return "locked"
    return row["status"]


def _archive_json(row: Row, now: datetime) -> dict[str, Any]:
    status = _status(row, now)
    return {
        "id": row["id"],
        "meter_id": row["meter_id"],
        "period_start": row["period_start"],
        "period_end": row["period_end"],
        "status": status,
        "status_label": STATUS_LABELS[status],
        "editable": status == "accepted",
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "editable_until": row["editable_until"],
        "produce_after": row["produce_after"],
        "ready_at": row["ready_at"],
        "file_name": row["file_name"] if status == "ready" else None,
        "file_size": row["file_size"] if status == "ready" else None,
        "error": "Не удалось сформировать архив. Создайте новый запрос"
        if status == "failed"
        else None,
    }


def _moment(moment: datetime) -> str:
    return moment.astimezone(MSK).strftime("%d.%m.%Y %H:%M") + " МСК"


def _check_period(app: CabinetApp, meter: Row, start: Any, end: Any) -> tuple[date, date]:
    """The period rules of an archive request (SPEC §6.5, docs/design.md "Archives"), in Moscow
    dates: start ≥ today − 3 years, end ≤ the last day complete when the file is produced
    (domain/time.py ``archive_last_day``), start ≤ end; and no earlier than the meter's data."""
    now = app.clock.now()
    first, last = parse_date(start), parse_date(end)
    errors: dict[str, str] = {}
    if first is None:
        errors["period_start"] = "Укажите дату начала в формате ГГГГ-ММ-ДД"
    if last is None:
        errors["period_end"] = "Укажите дату окончания в формате ГГГГ-ММ-ДД"
    earliest = archive_first_day(now)
    latest = archive_last_day(now)
    data_from = date.fromisoformat(meter["profile_start"])
    if first is not None:
        if first < earliest:
            errors["period_start"] = (
                f"Начало периода — не раньше {ddmmyyyy(earliest)} (не более 3 лет назад)"
            )
        elif first < data_from:
            errors["period_start"] = f"Данные прибора учёта есть с {ddmmyyyy(data_from)}"
    if last is not None and last > latest:
        errors["period_end"] = (
            f"Окончание периода — не позже {ddmmyyyy(latest)}: это последние полные сутки"
            " (все 48 получасовых интервалов), которые будут опрошены к формированию архива"
            f" {_moment(archive_produce_after(now))}"
        )
    if first is not None and last is not None and first > last and "period_end" not in errors:
        errors["period_end"] = "Окончание периода раньше начала"
    if errors:
        raise validation_failed(errors)
    assert first is not None and last is not None
    return first, last


def _visible_request(app: CabinetApp, req: Request, id: str) -> Row:
    row = app.db.query_one(
        "SELECT * FROM archive_requests WHERE id = ? AND consumer_id = ?",
        (int_id(id), req.consumer["id"]),
    )
    if row is None:
        raise not_found()
    return row


def _check_open_requests(conn: Connection, consumer_id: int, meter_id: int) -> None:
    counts = conn.execute(
        "SELECT count(CASE WHEN meter_id = ? THEN 1 END) AS per_meter, count(*) AS total"
        " FROM archive_requests WHERE consumer_id = ? AND status = 'accepted'",
        (meter_id, consumer_id),
    ).fetchone()
    per_meter, total = counts["per_meter"], counts["total"]
    if total >= OPEN_PER_CONSUMER:
        raise HttpError(
            409,
            "too_many_open_archive_requests",
            f"У вас уже {total} незавершенных запросов архива — это предел"
            f" ({OPEN_PER_CONSUMER}). Дождитесь готовности части из них или измените"
            " период в уже созданных запросах.",
        )
    if per_meter >= OPEN_PER_METER:
        raise HttpError(
            409,
            "too_many_open_archive_requests",
            f"По этому прибору учёта уже {per_meter} незавершенных запросов архива — это"
            f" предел ({OPEN_PER_METER}). Дождитесь готовности одного из них или измените"
            " период в уже созданном запросе.",
        )


@route(
    "POST",
    "/meters/{id}/archive-requests",
    summary="Заказать архив данных прибора учёта за период (до 3 лет)",
    body={"$ref": "#/components/schemas/ArchiveRequestNew"},
    responses={
        201: {"$ref": "#/components/schemas/ArchiveRequest"},
        404: None,
        409: None,
        422: None,
    },
)
def create_archive_request(app: CabinetApp, req: Request, id: str) -> Response:
    meter = visible_meter(app, req, id)
    body = req.json()
    require_smart(meter)
    first, last = _check_period(app, meter, body.get("period_start"), body.get("period_end"))
    now = app.clock.now()
    # SPEC §6.5: after 21:00 МСК a request belongs to the next day, so its deadline is ahead.
    editable_until = archive_editable_until(now)
    produce_after = archive_produce_after(now)
    with app.db.write(consumer=req.consumer["id"]) as conn:
        # Counted in the write transaction, so parallel requests cannot pass the cap together.
        _check_open_requests(conn, req.consumer["id"], meter["id"])
        cur = conn.execute(
            "INSERT INTO archive_requests (consumer_id, meter_id, period_start, period_end,"
            " status, created_at, updated_at, editable_until, produce_after)"
            " VALUES (?, ?, ?, ?, 'accepted', ?, ?, ?, ?) RETURNING id",
            (
                req.consumer["id"],
                meter["id"],
                first.isoformat(),
                last.isoformat(),
                iso(now),
                iso(now),
                iso(editable_until),
                iso(produce_after),
            ),
        )
        request_id = inserted_id(cur)
        jobs.enqueue(conn, "archive", request_id, produce_after, now)
    row = app.db.query_row("SELECT * FROM archive_requests WHERE id = ?", (request_id,))
    return Response.json(_archive_json(row, now), 201)


@route(
    "GET",
    "/meters/{id}/archive-terms",
    summary="Условия запроса архива, созданного сейчас: допустимые даты и сроки (SPEC §6.5)",
    responses={200: {"$ref": "#/components/schemas/ArchiveTerms"}, 404: None, 409: None},
)
def archive_terms(app: CabinetApp, req: Request, id: str) -> Response:
    """What the app needs to offer only dates the server accepts and to name deadlines that are
    ahead by the server's clock, not the PC's."""
    require_smart(visible_meter(app, req, id))
    now = app.clock.now()
    return Response.json(
        {
            "now": iso(now),
            "period_start_min": archive_first_day(now).isoformat(),
            "period_end_max": archive_last_day(now).isoformat(),
            "editable_until": iso(archive_editable_until(now)),
            "produce_after": iso(archive_produce_after(now)),
        }
    )


@route(
    "GET",
    "/archive-requests",
    summary="Запросы архива потребителя (по прибору учёта, если указан meter_id)",
    parameters=[
        {"name": "meter_id", "in": "query", "required": False, "schema": {"type": "string"}}
    ],
    responses={200: {"$ref": "#/components/schemas/ArchiveRequestList"}, 404: None},
)
def list_archive_requests(app: CabinetApp, req: Request) -> Response:
    meter_id = req.query.get("meter_id")
    now = app.clock.now()
    if meter_id is not None and meter_id != "":
        meter = visible_meter(app, req, meter_id)
        rows = app.db.query(
            "SELECT * FROM archive_requests WHERE consumer_id = ? AND meter_id = ?"
            " ORDER BY created_at DESC, id DESC",
            (req.consumer["id"], meter["id"]),
        )
    else:
        rows = app.db.query(
            "SELECT * FROM archive_requests WHERE consumer_id = ?"
            " ORDER BY created_at DESC, id DESC",
            (req.consumer["id"],),
        )
    return Response.json({"items": [_archive_json(r, now) for r in rows]})


@route(
    "GET",
    "/archive-requests/{id}",
    summary="Запрос архива",
    responses={200: {"$ref": "#/components/schemas/ArchiveRequest"}, 404: None},
)
def get_archive_request(app: CabinetApp, req: Request, id: str) -> Response:
    return Response.json(_archive_json(_visible_request(app, req, id), app.clock.now()))


@route(
    "PATCH",
    "/archive-requests/{id}",
    summary="Изменить период запроса архива (до editable_until: 21:00 МСК его суток)",
    body={"$ref": "#/components/schemas/ArchiveRequestPatch"},
    responses={
        200: {"$ref": "#/components/schemas/ArchiveRequest"},
        404: None,
        409: None,
        422: None,
    },
)
def patch_archive_request(app: CabinetApp, req: Request, id: str) -> Response:
    row = _visible_request(app, req, id)
    body = req.json()
    now = app.clock.now()
    if _status(row, now) != "accepted":
        raise _locked(row, now)
    meter = app.db.query_row(f"{METER_SELECT} WHERE m.id = ?", (row["meter_id"],))
    first, last = _check_period(
        app,
        meter,
        body.get("period_start", row["period_start"]),
        body.get("period_end", row["period_end"]),
    )
    with app.db.write(consumer=req.consumer["id"]) as conn:
        cur = conn.execute(
            "UPDATE archive_requests SET period_start = ?, period_end = ?, updated_at = ?"
            " WHERE id = ? AND status = 'accepted' AND editable_until > ?",
            (first.isoformat(), last.isoformat(), iso(now), row["id"], iso(now)),
        )
        if cur.rowcount == 0:
            raise _locked(row, now)
    row = app.db.query_row("SELECT * FROM archive_requests WHERE id = ?", (row["id"],))
    return Response.json(_archive_json(row, now))


def _locked(row: Row, now: datetime) -> HttpError:
    # Names only what is still ahead: the file's time, not the deadline that has passed.
    return HttpError(
        409,
        "archive_request_locked",
        "Запрос зафиксирован, его даты больше не изменить. "
        + _when_ready(row, now)
        + " Для другого периода создайте новый запрос.",
    )


def _when_ready(row: Row, now: datetime) -> str:
    if row["status"] == "ready":
        return "Архив по нему уже сформирован."
    if row["status"] == "failed":
        return "Архив по нему сформировать не удалось."
    produce_after = parse_iso(row["produce_after"])
    if produce_after > now:
        return f"Архив будет сформирован после {_moment(produce_after)}."
    return "Архив формируется, он будет готов в ближайшее время."


def _content_disposition(name: str) -> str:
    ascii_name = re.sub(r"[^A-Za-z0-9._-]+", "_", name.encode("ascii", "ignore").decode()).strip(
        "_"
    )
    if not ascii_name.lower().endswith(".xlsx") or ascii_name.startswith("."):
        ascii_name = "archive.xlsx"
    encoded = quote(name, safe="!#$&+-.^_`|~")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{encoded}"


# "bytes=first-last" of any file we serve fits easily in this.
_RANGE_CHARS = 100


def _parse_range(value: str, size: int) -> tuple[int, int] | str | None:
    """A single ``bytes=`` range → (first, last); None to ignore the header (malformed or
    several ranges: the whole file is sent); "unsatisfiable" for 416."""
    if len(value) > _RANGE_CHARS:
        # Longer than any range of a file we serve; ignoring it is allowed (RFC 9110 §14.2),
        # and int() of thousands of digits would raise.
        return None
    m = re.fullmatch(r"\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*", value)
    if m is None:
        return None
    first_text, last_text = m.groups()
    if first_text == "":
        if last_text == "":
            return None
        suffix = int(last_text)
        if suffix == 0:
            return "unsatisfiable"
        return max(0, size - suffix), size - 1
    first = int(first_text)
    last = int(last_text) if last_text else size - 1
    if last_text and last < first:
        return None
    if first >= size:
        return "unsatisfiable"
    return first, min(last, size - 1)


_XLSX_CONTENT = {
    "content": {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
            "schema": {"type": "string", "format": "binary"}
        }
    }
}


@route(
    "GET",
    "/archive-requests/{id}/file",
    summary="Скачать готовый архив (.xlsx); поддерживает Range, If-Range, ETag",
    parameters=[
        {"name": "Range", "in": "header", "required": False, "schema": {"type": "string"}},
        {"name": "If-Range", "in": "header", "required": False, "schema": {"type": "string"}},
    ],
    responses={
        200: _XLSX_CONTENT,
        206: _XLSX_CONTENT,
        404: None,
        409: None,
        416: None,
    },
)
def download_archive(app: CabinetApp, req: Request, id: str) -> Response:
    row = _visible_request(app, req, id)
    if row["status"] != "ready" or not row["file_path"]:
        if row["status"] == "failed":
            raise HttpError(
                409,
                "archive_not_ready",
                "Архив по этому запросу сформировать не удалось. Создайте новый запрос",
            )
        when = _when_ready(row, app.clock.now())
        raise HttpError(409, "archive_not_ready", "Архив еще не сформирован. " + when)
    try:
        stored = app.files.open(ARCHIVES, row["file_path"])
    except FileNotFoundError:
        raise HttpError(
            409, "archive_not_ready", "Файл архива недоступен. Создайте новый запрос"
        ) from None
    size = stored.size
    headers = {
        "ETag": row["etag"],
        "Accept-Ranges": "bytes",
        "Content-Disposition": _content_disposition(row["file_name"]),
        "Last-Modified": parse_iso(row["ready_at"]).strftime("%a, %d %b %Y %H:%M:%S GMT"),
    }
    range_header = req.header("Range")
    if_range = req.header("If-Range")
    if range_header and (not if_range or if_range.strip() == row["etag"]):
        parsed = _parse_range(range_header, size)
        if parsed == "unsatisfiable":
            raise HttpError(
                416,
                "range_not_satisfiable",
                "Запрошенный фрагмент файла за пределами его размера",
                headers={"Content-Range": f"bytes */{size}", **headers},
            )
        if isinstance(parsed, tuple):
            first, last = parsed
            headers["Content-Range"] = f"bytes {first}-{last}/{size}"
            return Response.stored_part(stored, XLSX_TYPE, first, last, 206, headers)
    return Response.stored_part(stored, XLSX_TYPE, 0, None, 200, headers)


def _archive_file_name(meter: Row, first: date, last: date) -> str:
    serial = re.sub(r"[^0-9A-Za-z]", "", meter["serial_number"])
    return f"Архив ПУ {serial} {ddmmyyyy(first)}–{ddmmyyyy(last)}.xlsx"


def produce_archive(app: CabinetApp, request_id: int, pace: Callable[[], None]) -> None:
    """The job: write the workbook for an archive request and mark it ready (or failed)."""
    row = app.db.query_one("SELECT * FROM archive_requests WHERE id = ?", (request_id,))
    if row is None or row["status"] != "accepted":
        return
    first, last = date.fromisoformat(row["period_start"]), date.fromisoformat(row["period_end"])
    now = app.clock.now()
    # The job holds its lease (core/jobs.py), so a file of this request that is being written
    # is an earlier attempt's whose worker died: not a sibling's.
    for leftover in _archive_dir(app).glob(f".w*-archive-{request_id}-*.part"):
        remove_part(leftover)
    try:
        # In the try: a meter gone since the request fails the request like any other error.
        meter = app.db.query_row(f"{METER_SELECT} WHERE m.id = ?", (row["meter_id"],))
        info = xlsx.ArchiveInfo(
            meter=f"{meter['brand']} {meter['model']}",
            serial_number=meter["serial_number"],
            address=meter["point_address"],
            period_start=first,
            period_end=last,
            generated_at=now,
        )
        model = meter_model(meter)
        start = registers.at_midnight(app.db, meter["id"], model, xlsx.first_day(model, info))
        path, size, etag = xlsx.produce(
            _archive_dir(app), model, info, simulator.last_poll(now), start, pace, str(request_id)
        )
        # Stored under the final's own name, ``<request id>-<random>.xlsx``: what an earlier
        # attempt stored is found by it below.
        stored = app.files.put(ARCHIVES, path, path.name)
    except Exception as exc:
        with app.db.write() as conn:
            conn.execute(
                "UPDATE archive_requests SET status = 'failed', error = ?, updated_at = ?"
                " WHERE id = ?",
                (f"{type(exc).__name__}: {exc}", iso(now), request_id),
            )
        raise
    with app.db.write() as conn:
        conn.execute(
            "UPDATE archive_requests SET status = 'ready', ready_at = ?, updated_at = ?,"
            " file_name = ?, file_path = ?, file_size = ?, etag = ? WHERE id = ?",
            (
                iso(now),
                iso(now),
                _archive_file_name(meter, first, last),
                stored,
                size,
                etag,
                request_id,
            ),
        )
        notifications.add(
            conn,
            row["consumer_id"],
            "archive_ready",
            f"Архив данных прибора учёта {meter['serial_number']} за {first:%d.%m.%Y}–"
            f"{last:%d.%m.%Y} сформирован, его можно скачать.",
            "archive",
            request_id,
            iso(now),
        )
    # An earlier attempt may have finished its file (written here, or stored) and died before
    # recording it: one file per request.
    for orphan in _archive_dir(app).glob(f"{request_id}-*.xlsx"):
        if orphan.name != stored:
            orphan.unlink(missing_ok=True)
    for name in app.files.names(ARCHIVES, f"{request_id}-"):
        if name != stored:
            app.files.delete(ARCHIVES, name)


jobs.HANDLERS["archive"] = produce_archive


@dev_route(
    "POST",
    "/dev/jobs/run",
    auth=False,
    summary="Выполнить наступившие фоновые задания сейчас (только --dev)",
    responses={200: {"$ref": "#/components/schemas/JobsRun"}},
)
def run_jobs(app: CabinetApp, req: Request) -> Response:
    # The jobs take turns with the requests in the slot this request holds (core/pacing.py).
    with pacing.outside(app.slot):
        items = jobs.runner(app).run_due()
    return Response.json({"items": items})


# --- life cycle ---------------------------------------------------------------------------


def start(app: CabinetApp) -> None:
    jobs.start(app)


def stop(app: CabinetApp) -> None:
    jobs.stop(app)


# --- OpenAPI ----------------------------------------------------------------------------------

route.schemas.update(
    {
        "ArchiveRequest": obj(
            [
                "id",
                "meter_id",
                "period_start",
                "period_end",
                "status",
                "created_at",
                "editable_until",
                "ready_at",
                "file_name",
                "file_size",
            ],
            id=INTEGER,
            meter_id=INTEGER,
            period_start=DATE,
            period_end=DATE,
            status={"type": "string", "enum": list(STATUS_LABELS)},
            status_label=STR,
            editable={"type": "boolean"},
            created_at=DATE_TIME,
            updated_at=DATE_TIME,
            editable_until=DATE_TIME,
            produce_after=DATE_TIME,
            ready_at={"type": ["string", "null"], "format": "date-time"},
            file_name=NULLABLE_STR,
            file_size={"type": ["integer", "null"]},
            error=NULLABLE_STR,
        ),
        "ArchiveRequestList": list_of("ArchiveRequest"),
        "ArchiveTerms": obj(
            ["now", "period_start_min", "period_end_max", "editable_until", "produce_after"],
            now=DATE_TIME,
            period_start_min={**DATE, "description": "Самая ранняя дата начала: 3 года назад"},
            period_end_max={
                **DATE,
                "description": "Последние полные сутки (48 интервалов) к формированию архива",
            },
            editable_until=DATE_TIME,
            produce_after=DATE_TIME,
        ),
        "ArchiveRequestNew": obj(
            ["period_start", "period_end"],
            period_start={**DATE, "description": "Первые сутки периода (МСК)"},
            period_end={**DATE, "description": "Последние сутки периода (МСК)"},
        ),
        "ArchiveRequestPatch": obj([], period_start=DATE, period_end=DATE),
    }
)
dev_route.schemas["JobsRun"] = obj(
    ["items"],
    items={
        "type": "array",
        "items": obj(
            ["id", "kind", "ref_id", "state"], id=INTEGER, kind=STR, ref_id=INTEGER, state=STR
        ),
    },
)
