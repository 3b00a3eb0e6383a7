"""Demo applications and a feedback thread for the demo individual (docs/design.md
"Demo data"), so the
«Заявки» and «Обратная связь» pages have something to show. Loading twice changes nothing."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from voek_desktop.api.server.core.clock import iso
from voek_desktop.api.server.features.applications.records import add_history
from voek_desktop.api.server.storage.db import Connection, inserted_id
from voek_desktop.domain.time import moscow_date

if TYPE_CHECKING:
    from voek_desktop.api.server.app import CabinetApp

DEMO_SNILS = "11223344595"


def tiny_pdf(title: str) -> bytes:
    """A valid one-page PDF with an ASCII line; enough for a demo «scan»."""
    text = title.encode("ascii", "replace").replace(b"(", b"[").replace(b")", b"]")
    stream = b"BT /F1 14 Tf 72 760 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources"
        b" << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _form(now: datetime, complete: bool) -> dict[str, Any]:
    day = moscow_date(now)
    form: dict[str, Any] = {
        "applicant_name": "Иванов Иван Иванович",
        "snils": DEMO_SNILS,
        "phone": "+79201234567",
        "email": "ivanov@example.test",
        "reason": "new",
        "devices_name": "Жилой дом",
        "devices_address": "Владимирская обл., Суздальский р-н, с. Кидекша, ул. Центральная, д. 5",
        "power_new_kw": 15,
        "voltage_kv": 0.4,
        "reliability_category": "III",
    }
    if complete:
        form.update(
            passport_series="1704",
            passport_number="123456",
            passport_issued_by="УМВД России по Владимирской области",
            passport_issued_on="2015-03-12",
            registered_address="600000, г. Владимир, ул. Большая Московская, д. 10, кв. 5",
            postal_address="600000, г. Владимир, ул. Большая Московская, д. 10, кв. 5",
            cadastral_number="33:05:123456:78",
            stages=[
                {
                    "design_until": (day + timedelta(days=60)).isoformat(),
                    "commissioning_until": (day + timedelta(days=120)).isoformat(),
                    "power_kw": 15,
                }
            ],
            supplier_name="АО «Энергосбыт Плюс»",
        )
    return form


def _insert(
    conn: Connection,
    consumer_id: int,
    status: str,
    form: dict[str, Any],
    created: datetime,
) -> int:
    cur = conn.execute(
        "INSERT INTO applications (consumer_id, number, category, status, form, created_at,"
        " updated_at) VALUES (?, '', 'p14', ?, ?, ?, ?) RETURNING id",
        (consumer_id, status, json.dumps(form, ensure_ascii=False), iso(created), iso(created)),
    )
    app_id = inserted_id(cur)
    conn.execute(
        "UPDATE applications SET number = ? WHERE id = ?",
        (f"ТП-{created.year}-{app_id:06d}", app_id),
    )
    return app_id


def load(app: CabinetApp) -> None:
    consumer = app.db.query_one("SELECT id FROM consumers WHERE snils = ?", (DEMO_SNILS,))
    if consumer is None:
        return
    cid = consumer["id"]
    if app.db.query_one("SELECT 1 FROM applications WHERE consumer_id = ?", (cid,)):
        return
    now = app.clock.now()
    scans = []
    for kind, filename in (
        ("signed_application", "Заявка подписанная.pdf"),
        ("identity_document", "Паспорт.pdf"),
        ("site_plan", "План участка.pdf"),
    ):
        data = tiny_pdf(f"Demo scan: {kind}")
        name = app.files.put_bytes("applications", data)
        scans.append((kind, filename, name, len(data), hashlib.sha256(data).hexdigest()))
    with app.db.write(lock="demo") as conn:
        if conn.execute("SELECT 1 FROM applications WHERE consumer_id = ?", (cid,)).fetchone():
            return
        created = now - timedelta(days=10)
        app_id = _insert(conn, cid, "need_info", _form(now, complete=True), created)
        number = conn.execute("SELECT number FROM applications WHERE id = ?", (app_id,)).fetchone()
        steps = [
            ("draft", created, "Черновик заявки создан", "consumer"),
            (
                "registered",
                created + timedelta(hours=1),
                f"Заявка зарегистрирована, номер {number[0]}",
                "consumer",
            ),
            ("review", created + timedelta(days=1), "Заявка принята к рассмотрению", "operator"),
            (
                "need_info",
                created + timedelta(days=3),
                "Приложите правоустанавливающий документ на земельный участок "
                "(выписку из ЕГРН или договор аренды)",
                "operator",
            ),
        ]
        for status, at, comment, actor in steps:
            add_history(conn, app_id, status, iso(at), comment, actor)
        conn.execute(
            "UPDATE applications SET submitted_at = ?, updated_at = ? WHERE id = ?",
            (iso(created + timedelta(hours=1)), iso(created + timedelta(days=3)), app_id),
        )
        for kind, filename, name, size, digest in scans:
            conn.execute(
                "INSERT INTO application_documents (application_id, kind, filename,"
                " content_type, size, stored_name, sha256, uploaded_at)"
                " VALUES (?, ?, ?, 'application/pdf', ?, ?, ?, ?)",
                (app_id, kind, filename, size, name, digest, iso(created + timedelta(minutes=30))),
            )
        draft_created = now - timedelta(days=1)
        draft_id = _insert(conn, cid, "draft", _form(now, complete=False), draft_created)
        add_history(
            conn, draft_id, "draft", iso(draft_created), "Черновик заявки создан", "consumer"
        )
        _overdue_application(conn, cid, now)
        asked = now - timedelta(days=5)
        cur = conn.execute(
            "INSERT INTO feedback_threads (consumer_id, subject, created_at, updated_at)"
            " VALUES (?, ?, ?, ?) RETURNING id",
            (cid, "Сроки подключения дома", iso(asked), iso(asked + timedelta(days=1))),
        )
        thread_id = inserted_id(cur)
        for author, text, at in (
            (
                "consumer",
                "Здравствуйте! Подскажите, сколько времени займёт подключение жилого дома "
                "мощностью 15 кВт, если опора в 20 метрах от участка?",
                asked,
            ),
            (
                "operator",
                "Здравствуйте, Иван Иванович! Если сетевое хозяйство находится не дальше 300 м "
                "от границы участка, срок — до 6 месяцев со дня заключения договора. Подайте "
                "заявку по п.14 в разделе «Заявки».",
                asked + timedelta(days=1),
            ),
        ):
            conn.execute(
                "INSERT INTO feedback_messages (thread_id, author, text, at) VALUES (?, ?, ?, ?)",
                (thread_id, author, text, iso(at)),
            )


def _overdue_application(conn: Connection, consumer_id: int, now: datetime) -> None:
    """An application the company has not answered for five weeks: its 10-working-day term
    (п. 105 of the Rules) has passed, so the deadline, the overdue mark and the претензия show
    at once in the demo (docs/deadlines.md). The need_info one has a running term."""
    created = now - timedelta(days=35)
    form = _form(now, complete=True)
    form["devices_name"] = "Садовый дом"
    form["devices_address"] = "Владимирская обл., Суздальский р-н, д. Сельцо, ул. Садовая, д. 2"
    app_id = _insert(conn, consumer_id, "review", form, created)
    (number,) = conn.execute("SELECT number FROM applications WHERE id = ?", (app_id,)).fetchone()
    registered = created + timedelta(hours=1)
    for status, at, comment, actor in (
        ("draft", created, "Черновик заявки создан", "consumer"),
        ("registered", registered, f"Заявка зарегистрирована, номер {number}", "consumer"),
        ("review", created + timedelta(days=1), "Заявка принята к рассмотрению", "operator"),
    ):
        add_history(conn, app_id, status, iso(at), comment, actor)
    conn.execute(
        "UPDATE applications SET submitted_at = ?, updated_at = ? WHERE id = ?",
        (iso(registered), iso(created + timedelta(days=1)), app_id),
    )
