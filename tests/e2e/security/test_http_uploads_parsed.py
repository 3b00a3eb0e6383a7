"""Uploads are parsed as what their first bytes claim, over real HTTP against the real server
(docs/design.md "Applications"): a PDF signature in front of an executable, a PNG signature in
front of HTML, PDFs with scripts, launch actions or embedded files, and an image whose header
claims 400 megapixels are 422 in the error format; the stored name carries the extension of
the type found. Real scans, and the PDFs the app and the server make themselves, still pass."""

from __future__ import annotations

import io
import logging
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

import pytest
import requests

from tests import files
from tests.cabinet_http import CYRILLIC, JSON_TYPE, DemoCabinet
from voek_desktop.api.server import start_embedded

PE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 50 + b"This program cannot be run in DOS"
HTML = b"<!doctype html><html><script>fetch('/api/v1/profile')</script></html>"
JS = b"app.alert('x')"


@pytest.fixture(scope="module")
def cab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoCabinet]:
    server = start_embedded(tmp_path_factory.mktemp("server"), demo=True, dev=True)
    c = DemoCabinet(server)
    yield c
    c.close()
    server.stop()


@pytest.fixture
def draft(cab: DemoCabinet) -> int:
    resp = cab.post("/applications", json={"category": "p14", "form": {}})
    assert resp.status_code == 201, resp.text
    return resp.json()["id"]


def _upload(cab: DemoCabinet, draft: int, data: bytes, content_type: str, filename: str):
    return cab.post(
        f"/applications/{draft}/documents",
        params={"kind": "site_plan", "filename": filename},
        headers={"Content-Type": content_type},
        data=data,
    )


def _stored(cab: DemoCabinet) -> set[Path]:
    folder = Path(cab.server.app.config.db_path).parent / "files" / "applications"
    return set(folder.iterdir())


def _refused(cab: DemoCabinet, draft: int, resp: requests.Response, code: str) -> str:
    assert resp.status_code == 422, resp.text[:300]
    assert resp.headers["Content-Type"] == JSON_TYPE
    error = resp.json()["error"]
    assert error["code"] == code, error
    assert CYRILLIC.search(error["message"]) and error["fields"]["file"] == error["message"]
    assert cab.get(f"/applications/{draft}").json()["documents"] == []
    return error["message"]


def test_an_executable_after_a_pdf_signature_is_refused(cab, draft):
    before = _stored(cab)
    resp = _upload(cab, draft, b"%PDF-1.4\n" + PE, "application/pdf", "договор.pdf")
    message = _refused(cab, draft, resp, "invalid_file")
    assert "не читается как PDF" in message
    assert _stored(cab) == before  # nothing left on disk either


def test_html_after_a_png_signature_is_refused(cab, draft):
    resp = _upload(cab, draft, b"\x89PNG\r\n\x1a\n" + HTML, "image/png", "фото.png")
    assert "не читается как PNG" in _refused(cab, draft, resp, "invalid_file")


def test_a_jpeg_cut_in_the_middle_is_refused(cab, draft):
    resp = _upload(cab, draft, files.JPEG[: len(files.JPEG) // 2], "image/jpeg", "фото.jpg")
    _refused(cab, draft, resp, "invalid_file")


@pytest.mark.parametrize(
    "active",
    [
        files.pdf(catalog_extra=b"/OpenAction << /S /JavaScript /JS (" + JS + b") >>"),
        # The names spelled with #xx escapes, which no byte search finds; the parser does.
        files.pdf(catalog_extra=b"/OpenAction << /S /J#61vaScript /J#53 (" + JS + b") >>"),
        files.pdf(
            catalog_extra=b"/Names << /JavaScript << /Names [(a) 5 0 R] >> >>",
            objects=(b"<< /S /JavaScript /JS (" + JS + b") >>",),
        ),
        files.pdf(page_extra=b"/AA << /O << /S /J#61vaScript /J#53 (" + JS + b") >> >>"),
        files.pdf(
            catalog_extra=b"/Names << /EmbeddedFiles << /Names [(a.exe) 5 0 R] >> >>",
            objects=(
                b"<< /Type /Filespec /F (a.exe) /EF << /F 6 0 R >> >>",
                b"<< /Type /EmbeddedFile /Length 4 >>\nstream\nMZ\x90\x00\nendstream",
            ),
        ),
        files.pdf(
            catalog_extra=b"/OpenAction 5 0 R",
            objects=(b"<< /S /Launch /F (cmd.exe) /Win << /F (cmd.exe) >> >>",),
        ),
        files.pdf(catalog_extra=b"/OpenAction << /S /URI /URI (http://evil.example/) >>"),
    ],
    ids=["js", "js-escaped", "js-names", "page-aa", "embedded-file", "launch", "open-uri"],
)
def test_a_pdf_with_active_content_is_refused(cab, draft, active):
    resp = _upload(cab, draft, active, "application/pdf", "скан.pdf")
    assert "сценарии" in _refused(cab, draft, resp, "active_content")


def test_a_password_protected_pdf_is_refused(cab, draft):
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(files.PDF)))
    writer.encrypt(user_password="секрет", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    resp = _upload(cab, draft, out.getvalue(), "application/pdf", "скан.pdf")
    assert "паролем" in _refused(cab, draft, resp, "encrypted_file")


# Pillow warns on opening an image past its MAX_IMAGE_PIXELS (ours); refusing it is our part.
@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_an_image_claiming_huge_dimensions_is_refused_before_decoding(cab, draft):
    bomb = files.png_claiming(20_000, 20_000)  # 69 bytes saying 400 megapixels (1.2 GB)
    assert len(bomb) < 100
    started = time.monotonic()
    resp = _upload(cab, draft, bomb, "image/png", "план.png")
    assert time.monotonic() - started < 2
    assert "мегапикселей" in _refused(cab, draft, resp, "image_too_large")
    # Just over the bound, under Pillow's own hard limit (twice it): our bound decides.
    resp = _upload(cab, draft, files.png_claiming(8_000, 6_000), "image/png", "план.png")
    _refused(cab, draft, resp, "image_too_large")


def test_the_stored_name_has_the_extension_of_the_type_found(cab, draft):
    resp = _upload(cab, draft, files.PNG, "image/png", "x.html")
    assert resp.status_code == 201, resp.text
    doc = resp.json()
    assert doc["filename"] == "x.png"
    listed = cab.get(f"/applications/{draft}").json()["documents"]
    assert [d["filename"] for d in listed] == ["x.png"]
    got = cab.get(f"/applications/{draft}/documents/{doc['id']}")
    assert got.headers["Content-Type"] == "image/png"
    disposition = got.headers["Content-Disposition"]
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == "x.png"
    # An extension of the type itself stays as the user wrote it; a missing one is added.
    for name, stored in [("Паспорт.JPEG", "Паспорт.JPEG"), ("паспорт", "паспорт.jpg")]:
        resp = _upload(cab, draft, files.JPEG, "image/jpeg", name)
        assert resp.json()["filename"] == stored


def _joined_photos(tmp_path: Path) -> bytes:
    """The PDF the app makes of several photos picked at once."""
    from voek_desktop.ui.applications.attachments import join_images

    photos = []
    for n, fmt in enumerate(["PNG", "JPEG"]):
        photo = tmp_path / f"фото{n}.{fmt.lower()}"
        photo.write_bytes(files.image(fmt, 1200, 1600))
        photos.append(photo)
    return join_images(photos, tmp_path / "joined.pdf", lambda: False).read_bytes()


def _printed_application() -> bytes:
    """The application form the app prints (blank) for the applicant to sign and scan."""
    from voek_desktop.printing.application import render_application

    out = io.BytesIO()
    render_application("p14", "individual", None, out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("make", "content_type"),
    [
        (lambda _: files.PDF, "application/pdf"),
        (lambda _: files.pdf(3_000_000), "application/pdf"),
        # A page to open at is no action: scanners write it.
        (lambda _: files.pdf(catalog_extra=b"/OpenAction [3 0 R /Fit]"), "application/pdf"),
        # One damaged object nothing refers to: viewers skip it, so do we.
        (lambda _: files.pdf(objects=(b"<< /A [[[[ >>",)), "application/pdf"),
        (_joined_photos, "application/pdf"),
        (lambda _: _printed_application(), "application/pdf"),
        (lambda _: files.image("JPEG", 2480, 3508), "image/jpeg"),  # A4 at 300 dpi
        (lambda _: files.PNG, "image/png"),
        (lambda _: files.TIFF, "image/tiff"),
        (lambda _: files.tiff_big_endian(), "image/tiff"),
    ],
    ids=["pdf", "pdf-3mb", "open-at-page", "damaged-spare", "joined-photos", "printed-form",
         "jpeg-a4", "png", "tiff", "tiff-mm"],
)  # fmt: skip
def test_real_scans_and_our_own_pdfs_are_accepted(cab, draft, tmp_path, make, content_type):
    data = make(tmp_path)
    resp = _upload(cab, draft, data, content_type, "скан")
    assert resp.status_code == 201, resp.text
    doc = resp.json()
    assert doc["content_type"] == content_type and doc["size"] == len(data)
    assert cab.get(f"/applications/{draft}/documents/{doc['id']}").content == data


def test_what_the_pdf_parser_finds_in_a_file_cannot_forge_a_log_line(cab, draft, caplog):
    # A name repeated in a dictionary makes pypdf warn, quoting the name: #0A is a line break.
    forged = b"/X#0A2026-12-01#20ERROR#20voek.server#20forged"
    data = files.pdf(catalog_extra=forged + b" 1 " + forged + b" 2")
    with caplog.at_level(logging.DEBUG):
        resp = _upload(cab, draft, data, "application/pdf", "скан.pdf")
    assert resp.status_code == 201, resp.text  # harmless, only odd
    assert not [r for r in caplog.records if "forged" in r.getMessage()]


@pytest.mark.slow
def test_parallel_big_images_do_not_multiply_the_servers_memory(tmp_path):
    """8 blank 39-megapixel PNGs of 131 KB each at once: each is decoded to check it (160 MB
    for half a second), so without a bound on parallel decoding the server (its own process,
    to measure its peak) reached 925 MB, and 64 workers would reach 7 GB."""
    from concurrent.futures import ThreadPoolExecutor

    from PIL import Image

    from tests.e2e.faults.test_kill9 import Server

    buf = io.BytesIO()
    Image.new("RGB", (5000, 7800), "white").save(buf, "PNG")
    png = buf.getvalue()
    server = Server(tmp_path)
    try:
        auth = server.log_in()
        drafts = [
            requests.post(
                server.url + "/applications",
                json={"category": "p14", "form": {}},
                headers=auth,
                timeout=30,
            ).json()["id"]
            for _ in range(8)
        ]

        def upload(draft: int) -> int:
            return requests.post(
                f"{server.url}/applications/{draft}/documents",
                params={"kind": "site_plan", "filename": "план.png"},
                headers={**auth, "Content-Type": "image/png"},
                data=png,
                timeout=120,
            ).status_code

        with ThreadPoolExecutor(8) as pool:
            assert list(pool.map(upload, drafts)) == [201] * 8
        status = Path(f"/proc/{server.proc.pid}/status").read_text()
        peak_mb = (
            int(next(x for x in status.splitlines() if x.startswith("VmHWM")).split()[1]) // 1024
        )
        assert peak_mb < 650, f"peak {peak_mb} MB"
    finally:
        server.stop()
