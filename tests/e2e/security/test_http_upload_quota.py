"""The scan quota (docs/design.md "Applications") holds under parallel uploads, and a body over
the per-file limit is 413 before the quota is looked at."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests import files
from tests.cabinet_http import DemoCabinet
from voek_desktop.api.server import EmbeddedServer
from voek_desktop.api.server.features.applications import documents

MB = 1024 * 1024


@pytest.fixture
def cab(server: EmbeddedServer) -> Iterator[DemoCabinet]:
    c = DemoCabinet(server)
    yield c
    c.close()


def _draft(cab: DemoCabinet) -> int:
    resp = cab.post("/applications", json={"category": "p14", "form": {}})
    assert resp.status_code == 201, resp.text
    return resp.json()["id"]


def _used(cab: DemoCabinet) -> int:
    items = cab.get("/applications").json()["items"]
    return sum(d["size"] for a in items for d in a["documents"])


def test_parallel_uploads_cannot_overrun_the_quota(cab):
    draft = _draft(cab)
    scan = files.pdf(19 * MB)
    # Fill the quota up to room for two more scans with one big earlier upload (a row of its
    # own; its file is irrelevant to the sum the quota counts).
    room = 2 * len(scan) + MB
    with cab.server.app.db.write() as conn:
        conn.execute(
            "INSERT INTO application_documents (application_id, kind, filename, content_type,"
            " size, stored_name, sha256, uploaded_at) VALUES (?, 'site_plan', 'old.pdf',"
            " 'application/pdf', ?, 'gone', '', '2026-01-01T00:00:00+00:00')",
            (draft, documents.CONSUMER_QUOTA_BYTES - _used(cab) - room),
        )
    token = cab.token("individual")

    def upload(_: int) -> int:
        return requests.post(
            f"{cab.root}/applications/{draft}/documents",
            params={"kind": "site_plan", "filename": "скан.pdf"},
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/pdf"},
            data=scan,
            timeout=120,
        ).status_code

    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(upload, range(8)))
    assert statuses.count(201) == 2, statuses
    assert set(statuses) == {201, 409}, statuses
    assert _used(cab) <= documents.CONSUMER_QUOTA_BYTES


@pytest.mark.parametrize("length", [21 * MB, 10 * 1024 * MB])
def test_a_body_over_the_file_limit_is_413_not_quota_exceeded(cab, length):
    draft = _draft(cab)
    head = (
        f"POST /api/v1/applications/{draft}/documents?kind=site_plan HTTP/1.1\r\n"
        f"Host: 127.0.0.1\r\nAuthorization: Bearer {cab.token('individual')}\r\n"
        f"Content-Type: application/pdf\r\nContent-Length: {length}\r\n\r\n"
    ).encode()
    port = int(cab.server.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head + b"%PDF-1.4\n")
        answer = b""
        while b"}}" not in answer:
            part = sock.recv(65536)
            if not part:
                break
            answer += part
    assert answer.split(b" ")[1] == b"413", answer[:300]
    assert b"payload_too_large" in answer
    assert "20 МБ".encode() in answer
