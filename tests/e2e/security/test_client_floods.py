"""Issue 11, item 14: a malicious server can neither hang the app nor flood its disk or memory.

On the old client a 503 with ``Retry-After: 3600`` put the API worker to sleep for an hour; a
download dribbling a byte every 25 s ignored «Отмена»; an endless body was written until the
server stopped; a 400 MB "JSON" answer was read whole; a 13,300 × 13,300 PNG of under a
megabyte was decoded (1.75 GB) to be merged into one PDF."""

from __future__ import annotations

import struct
import threading
import time
import tracemalloc
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.security import hostile_server
from tests.e2e.security.hostile_server import (
    dribble,
    endless,
    huge_json,
    json_answer,
    logged_in_context,
    overloaded,
)
from tests.files import PNG
from voek_desktop.api import download as download_module
from voek_desktop.api.client import CabinetClient
from voek_desktop.api.errors import ApiError, NetworkError, TransferCancelled

hostile, app_dirs = hostile_server.hostile, hostile_server.app_dirs  # fixtures

DOCUMENT = "/api/v1/connection-contracts/3/document"


def _in_thread(work: Callable[[], Any], timeout: float) -> tuple[Any, float]:
    """``work()``'s result or exception and how long it took; an old client that hangs fails
    the test after ``timeout`` instead of hanging it."""
    outcome: list[Any] = []

    def run() -> None:
        try:
            outcome.append(work())
        except BaseException as exc:
            outcome.append(exc)

    started = time.monotonic()
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout)
    assert outcome, f"still waiting after {timeout} s"
    return outcome[0], time.monotonic() - started


def test_retry_after_an_hour_is_not_waited_for(hostile) -> None:
    from voek_desktop.ui.kit.messages import describe

    hostile.on("GET", "/api/v1/profile", overloaded("3600"))
    client = CabinetClient(hostile.url, "token")  # the app's retries
    try:
        error, took = _in_thread(client.profile, timeout=10)
    finally:
        client.close()
    assert took < 2
    assert isinstance(error, ApiError)
    assert describe(error) == "Сервер перегружен, повторите через 1 ч."
    assert len(hostile.seen("GET", "/api/v1/profile")) == 1


def test_a_short_retry_after_is_still_honoured(hostile) -> None:
    answers = [overloaded("1"), json_answer(hostile_server.PROFILE)]
    hostile.on("GET", "/api/v1/profile", lambda request, server: answers.pop(0)(request, server))
    client = CabinetClient(hostile.url, "token")
    try:
        profile, took = _in_thread(client.profile, timeout=10)
    finally:
        client.close()
    assert profile.id == 7
    assert 0.9 < took < 3


def test_cancel_stops_a_dribbling_download_within_a_second(hostile, app_dirs: Path) -> None:
    hostile.on("GET", DOCUMENT, dribble(1000, every=25.0))
    cancel = threading.Event()
    client = CabinetClient(hostile.url, "token", retries=0)
    dest = app_dirs / "contract.pdf"
    threading.Timer(0.5, cancel.set).start()
    try:
        error, took = _in_thread(
            lambda: client.download_contract(3, dest, cancelled=cancel.is_set), timeout=10
        )
    finally:
        client.close()
    assert isinstance(error, TransferCancelled)
    assert took < 1.5
    assert not dest.exists()


def test_a_silent_server_is_given_up_after_the_stall_timeout(
    hostile, app_dirs: Path, monkeypatch
) -> None:
    monkeypatch.setattr(download_module, "STALL_SECONDS", 1.0, raising=False)
    hostile.on("GET", DOCUMENT, dribble(1000, every=25.0))
    client = CabinetClient(hostile.url, "token", retries=0)
    dest = app_dirs / "contract.pdf"
    try:
        error, took = _in_thread(
            lambda: download_module.download(client, DOCUMENT[len("/api/v1") :], dest),
            timeout=10,
        )
    finally:
        client.close()
    assert isinstance(error, NetworkError)
    assert "ничего не присылает" in error.message
    assert took < 2.5
    assert download_module.part_path(dest).read_bytes() == b"%"  # resumable from there


def test_an_endless_body_stops_at_the_cap_and_leaves_no_file(
    hostile, app_dirs: Path, monkeypatch
) -> None:
    cap = 4 * 1024 * 1024
    monkeypatch.setattr(download_module, "MAX_DOWNLOAD_BYTES", cap, raising=False)
    hostile.on("GET", DOCUMENT, endless(give_up_after_bytes=40 * 1024 * 1024))
    client = CabinetClient(hostile.url, "token", retries=0)
    dest = app_dirs / "contract.pdf"
    try:
        error, _took = _in_thread(lambda: client.download_contract(3, dest), timeout=30)
    finally:
        client.close()
    assert isinstance(error, ApiError)
    assert "слишком большой" in error.message
    assert not dest.exists()
    assert not download_module.part_path(dest).exists()
    assert hostile.sent < 40 * 1024 * 1024  # the client hung up


def test_an_announced_size_over_the_cap_is_refused_before_writing(hostile, app_dirs: Path) -> None:
    def huge(request, _server) -> None:
        request.send_response(200)
        request.send_header("Content-Length", str(10 * 1024**3))
        request.end_headers()
        request.wfile.write(b"%PDF-1.4\n")

    hostile.on("GET", DOCUMENT, huge)
    client = CabinetClient(hostile.url, "token", retries=0)
    dest = app_dirs / "contract.pdf"
    try:
        error, took = _in_thread(lambda: client.download_contract(3, dest), timeout=10)
    finally:
        client.close()
    assert isinstance(error, ApiError)
    assert error.message == "Файл на сервере слишком большой: загрузка не начата."
    assert not download_module.part_path(dest).exists()
    assert took < 2


@pytest.mark.parametrize("announce", [True, False])
def test_a_huge_json_answer_is_refused_without_reading_it_all(hostile, announce: bool) -> None:
    hostile.on(
        "GET", "/api/v1/connection-contracts", huge_json(40 * 1024 * 1024, announce=announce)
    )
    client = CabinetClient(hostile.url, "token", retries=0)
    tracemalloc.start()
    try:
        error, _took = _in_thread(client.connection_contracts, timeout=30)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        client.close()
    assert isinstance(error, ApiError)
    assert error.message == "Ответ сервера слишком большой."
    assert peak < 24 * 1024 * 1024  # the 16 MB cap and a chunk, not the 40 MB answer


def _png_header_claims(width: int, height: int) -> bytes:
    """A real grey PNG of ``width`` × ``height``: all zeros, so it compresses to under 1 MB."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    packer = zlib.compressobj(1)
    row = b"\0" * (width + 1)
    pixels = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


class _WorkerFirst(ThreadPoolExecutor):
    """A pool whose job has ended by the time ``submit`` returns: what a loaded machine does
    when it runs the worker before the GUI thread gets back from ``submit``."""

    def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def]
        future = super().submit(fn, *args, **kwargs)
        wait([future])
        return future


@pytest.mark.parametrize("worker_first", [False, True])
def test_an_image_of_too_many_pixels_is_refused_before_decoding(
    hostile, app_dirs: Path, qtbot, worker_first: bool
) -> None:
    from voek_desktop.api.applications import Application
    from voek_desktop.ui.applications.attachments import AttachmentsChecklist

    hostile.on(
        "POST",
        "/api/v1/applications/5/documents",
        json_answer(
            {
                "id": 1,
                "kind": "identity_document",
                "filename": "x.pdf",
                "size": 1,
                "content_type": "application/pdf",
            },
            status=201,
        ),
    )
    small, bomb = app_dirs / "страница 1.png", app_dirs / "страница 2.png"
    app_dirs.mkdir(parents=True, exist_ok=True)
    small.write_bytes(PNG)
    bomb.write_bytes(_png_header_claims(13_300, 13_300))
    assert bomb.stat().st_size < 1024 * 1024
    ctx = logged_in_context(hostile.url)
    if worker_first:
        # The refusal is quick; on a loaded machine it came before run_long had returned, the
        # result was handed over inside run_long and the row stayed busy for good.
        ctx.tasks._long_pool = _WorkerFirst(max_workers=1)
    try:
        checklist = AttachmentsChecklist(ctx)
        qtbot.addWidget(checklist)
        checklist.set_kinds(["identity_document"])
        checklist.show_application(
            Application.from_json({"id": 5, "category": "p14", "status": "draft"})
        )
        row = checklist.rows["identity_document"]
        checklist.attach("identity_document", [small, bomb])
        qtbot.waitUntil(lambda: not checklist.busy(), timeout=60_000)
        # uploads.check_structure reads the size from the header before anything is decoded
        # (join_images has the same bound for a merge started another way).
        assert "«страница 2.png»: Изображение больше 40 мегапикселей" in row.error.text()
        assert row.error.isVisibleTo(checklist)
        assert hostile.seen("POST", "/api/v1/applications/5/documents") == []
    finally:
        ctx.tasks.shutdown()
