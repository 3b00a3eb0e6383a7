"""Scans are checked by content, limited in size and number, stored under random names outside
anything served, and an interrupted upload leaves nothing
(docs/design.md "Applications", "API")."""

from __future__ import annotations

import socket
import time
from pathlib import Path
from urllib.parse import unquote

import pytest

from tests import files
from voek_desktop.domain.uploads import check_content, safe_filename, sniff

ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56
PE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 56
HTML = b"<!doctype html><html><script>alert(1)</script></html>"


def _files(cab) -> Path:
    return Path(cab.server.app.config.db_path).parent / "files" / "applications"


def _stored(cab) -> list[Path]:
    folder = _files(cab)
    return sorted(folder.iterdir()) if folder.is_dir() else []


def _documents(cab, app_id: int) -> list[dict]:
    return cab.get(f"/applications/{app_id}").json()["documents"]


@pytest.fixture
def draft(shared_cab) -> dict:
    return shared_cab.create("p14", {"applicant_name": "Иванов Иван"})


@pytest.mark.parametrize(
    ("data", "content_type", "filename", "code"),
    [
        (ELF, "application/pdf", "договор.pdf", "unsupported_file_type"),
        (PE, "application/pdf", "setup.pdf", "unsupported_file_type"),
        (HTML, "image/png", "фото.png", "unsupported_file_type"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "application/pdf", "скан.pdf", "file_type_mismatch"),
        (b"%PDF-1.7\n%%EOF\n", "image/jpeg", "скан.jpg", "file_type_mismatch"),
        (b"%PDF-1.7\n%%EOF\n", "text/html", "скан.pdf", "unsupported_file_type"),
        (b"%PDF-1.7\n%%EOF\n", "application/octet-stream", "скан.pdf", "unsupported_file_type"),
    ],
    ids=["elf-as-pdf", "pe-as-pdf", "html-as-png", "png-as-pdf", "pdf-as-jpeg", "html", "octet"],
)
def test_hostile_files_are_refused_and_leave_nothing(
    shared_cab, draft, data, content_type, filename, code
):
    before = _stored(shared_cab)
    resp = shared_cab.upload(draft["id"], "site_plan", data, content_type, filename)
    error = shared_cab.error(resp, 415, code)
    assert "PDF" in error["message"] or "JPEG" in error["message"]
    assert _documents(shared_cab, draft["id"]) == []
    assert _stored(shared_cab) == before


@pytest.mark.parametrize(
    ("data", "content_type", "extension"),
    [
        (files.PDF, "application/pdf", ".pdf"),
        (files.JPEG, "image/jpeg", ".jpg"),
        (files.PNG, "image/png; charset=binary", ".png"),
        (files.TIFF, "image/tiff", ".tif"),
        (files.tiff_big_endian(), "image/tiff", ".tif"),
    ],
    ids=["pdf", "jpeg", "png", "tiff-ii", "tiff-mm"],
)
def test_each_scan_type_is_accepted(shared_cab, draft, data, content_type, extension):
    resp = shared_cab.upload(draft["id"], "site_plan", data, content_type, "план.bin")
    assert resp.status_code == 201, resp.text
    doc = resp.json()
    assert doc["content_type"] == content_type.split(";")[0]
    assert doc["filename"] == "план" + extension  # the type found, not the name's
    assert doc["size"] == len(data)
    got = shared_cab.get(f"/applications/{draft['id']}/documents/{doc['id']}")
    assert got.status_code == 200
    assert got.content == data
    assert got.headers["Content-Type"] == doc["content_type"]


def test_a_path_in_the_name_is_cut_and_the_file_gets_a_random_name(shared_cab, draft, forms):
    resp = shared_cab.upload(draft["id"], "title_document", forms.PDF, filename="../../etc/passwd")
    assert resp.status_code == 201, resp.text
    assert resp.json()["filename"] == "passwd.pdf"
    resp = shared_cab.upload(
        draft["id"], "title_document", forms.PDF, filename="..\\..\\Выписка\x00 ЕГРН\x1b.pdf"
    )
    assert resp.json()["filename"] == "Выписка ЕГРН.pdf"
    doc_id = resp.json()["id"]
    stored = _stored(shared_cab)
    assert stored and all(len(p.name) == 32 and p.name.isalnum() for p in stored)
    data_dir = Path(shared_cab.server.app.config.db_path).parent
    assert not (data_dir / "etc").exists()
    got = shared_cab.get(f"/applications/{draft['id']}/documents/{doc_id}")
    disposition = got.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == "Выписка ЕГРН.pdf"


def test_a_long_name_is_shortened_keeping_its_extension():
    name = safe_filename("Я" * 300 + ".pdf")
    assert len(name) == 120 and name.endswith(".pdf")
    assert safe_filename("", "image/png") == "документ.png"
    assert safe_filename("..") == "документ"


def test_oversize_body_is_refused_before_it_is_sent(shared_cab, draft):
    """Headers announce 21 MB, no body follows: the answer must come without the body."""
    port = int(shared_cab.server.url.rsplit(":", 1)[1])
    token = shared_cab.token("individual")
    head = (
        f"POST /api/v1/applications/{draft['id']}/documents?kind=site_plan&filename=a.pdf "
        "HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: Bearer {token}\r\nContent-Type: application/pdf\r\n"
        f"Content-Length: {21 * 1024 * 1024}\r\n\r\n"
    ).encode()
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head + b"%PDF-1.4\n")
        answer = b""
        while b"}}" not in answer:  # the whole JSON error; the server may linger to drain
            part = sock.recv(65536)
            if not part:
                break
            answer += part
    assert answer.split(b" ")[1] == b"413", answer[:200]
    assert b"payload_too_large" in answer and "20 МБ".encode() in answer
    assert time.monotonic() - started < 5
    assert _documents(shared_cab, draft["id"]) == []


def test_just_over_20_mb_is_413_and_exactly_20_mb_is_accepted(shared_cab, draft):
    limit = 20 * 1024 * 1024
    body = files.pdf(limit)
    assert len(body) == limit
    ok = shared_cab.upload(draft["id"], "site_plan", body)
    assert ok.status_code == 201, ok.text[:300]
    too_big = shared_cab.upload(draft["id"], "site_plan", body + b"\n")
    error = shared_cab.error(too_big, 413, "payload_too_large")
    assert "20 МБ" in error["message"]


def test_an_interrupted_upload_leaves_no_record_and_no_file(shared_cab, draft):
    port = int(shared_cab.server.url.rsplit(":", 1)[1])
    token = shared_cab.token("individual")
    before = _stored(shared_cab)
    head = (
        f"POST /api/v1/applications/{draft['id']}/documents?kind=site_plan&filename=a.pdf "
        "HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: Bearer {token}\r\nContent-Type: application/pdf\r\n"
        "Content-Length: 1000000\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head + b"%PDF-1.4\n" + b"0" * 300_000)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        leftovers = [p for p in _stored(shared_cab) if p not in before]
        if not leftovers:
            break
        time.sleep(0.1)
    assert [p for p in _stored(shared_cab) if p not in before] == []
    assert _documents(shared_cab, draft["id"]) == []


def test_no_more_than_30_files_per_application(shared_cab, draft, forms):
    for n in range(30):
        resp = shared_cab.upload(draft["id"], "site_plan", forms.PDF, filename=f"лист {n}.pdf")
        assert resp.status_code == 201, resp.text
    before = _stored(shared_cab)
    resp = shared_cab.upload(draft["id"], "site_plan", forms.PDF)
    error = shared_cab.error(resp, 409, "too_many_files")
    assert "30" in error["message"]
    assert _stored(shared_cab) == before
    first = _documents(shared_cab, draft["id"])[0]
    assert (
        shared_cab.delete(f"/applications/{draft['id']}/documents/{first['id']}").status_code == 204
    )
    assert shared_cab.upload(draft["id"], "site_plan", forms.PDF).status_code == 201


def test_unknown_kind_and_empty_file_are_refused(shared_cab, draft, forms):
    resp = shared_cab.upload(draft["id"], "selfie", forms.PDF)
    shared_cab.error(resp, 422, "validation_failed", {"kind"})
    resp = shared_cab.upload(draft["id"], "site_plan", b"")
    shared_cab.error(resp, 422, "empty_file")


def test_deleting_removes_the_stored_file(shared_cab, draft, forms):
    before = set(_stored(shared_cab))
    doc = shared_cab.upload(draft["id"], "site_plan", forms.PNG, "image/png", "план.png").json()
    added = set(_stored(shared_cab)) - before
    assert len(added) == 1
    resp = shared_cab.delete(f"/applications/{draft['id']}/documents/{doc['id']}")
    assert resp.status_code == 204
    assert not added.pop().exists()
    gone = shared_cab.get(f"/applications/{draft['id']}/documents/{doc['id']}")
    shared_cab.error(gone, 404, "not_found")


def test_sniffing_rules():
    assert sniff(b"%PDF-1.7") == "application/pdf"
    assert sniff(b"%PD") is None
    assert check_content("Image/JPG", b"\xff\xd8\xff\xdb") == "image/jpeg"


def test_a_chunked_upload_without_length_is_refused(shared_cab, draft, forms):
    def body():
        yield forms.PDF

    resp = shared_cab.post(
        f"/applications/{draft['id']}/documents",
        params={"kind": "site_plan"},
        headers={"Content-Type": "application/pdf"},
        data=body(),
    )
    shared_cab.error(resp, 411, "length_required")
    assert _documents(shared_cab, draft["id"]) == []


def test_a_consumer_has_a_storage_quota(shared_cab, draft, forms, monkeypatch):
    from voek_desktop.api.server.features.applications import documents

    used = sum(
        d["size"] for a in shared_cab.get("/applications").json()["items"] for d in a["documents"]
    )
    monkeypatch.setattr(documents, "CONSUMER_QUOTA_BYTES", used + len(forms.PDF))
    assert shared_cab.upload(draft["id"], "site_plan", forms.PDF).status_code == 201
    resp = shared_cab.upload(draft["id"], "site_plan", forms.PDF)
    shared_cab.error(resp, 409, "storage_quota_exceeded")


def test_with_files_in_the_database_a_scan_is_kept_there_and_read_back(make_server, forms):
    """``--files db``: the scan is a row of the database, none in files/ (several hosts need
    nothing but the database); the download gives the same bytes, deleting removes it."""
    from tests.server.applications.conftest import Cabinet

    srv = make_server(name="dbfiles", demo=True, dev=True, files="db")
    cab = Cabinet(srv)
    try:
        draft = cab.create("p14", {"applicant_name": "Иванов Иван"})
        resp = cab.upload(draft["id"], "site_plan", forms.PNG, "image/png", "план.png")
        assert resp.status_code == 201, resp.text
        doc = resp.json()
        assert _stored(cab) == []
        got = cab.get(f"/applications/{draft['id']}/documents/{doc['id']}")
        assert got.status_code == 200 and got.content == forms.PNG
        assert got.headers["Content-Length"] == str(len(forms.PNG))
        db = srv.app.db
        assert db.query_row("SELECT count(*) AS n FROM stored_files")["n"] >= 1
        cab.delete(f"/applications/{draft['id']}/documents/{doc['id']}")
        gone = cab.get(f"/applications/{draft['id']}/documents/{doc['id']}")
        cab.error(gone, 404, "not_found")
        name = doc.get("stored_name")
        assert name is None  # the stored name never leaves the server
    finally:
        cab.close()
