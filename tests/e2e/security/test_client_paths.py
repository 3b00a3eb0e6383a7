"""Issue 11, item 11: an id or a file name from a malicious server never leaves its folder.

The old client put the contract id into the cache path as it came: ``1/../../../../../pwned``
wrote the contract outside the app's folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.security import hostile_server
from tests.e2e.security.hostile_server import (
    contract,
    file_answer,
    json_answer,
    logged_in_context,
    serve_contracts,
)
from tests.files import pdf
from voek_desktop.api.client import CabinetClient
from voek_desktop.api.errors import ApiError
from voek_desktop.cache import ConsumerCache

hostile, app_dirs = hostile_server.hostile, hostile_server.app_dirs  # fixtures

TRAVERSAL = "1/../../../../../pwned"


def test_contract_id_with_dots_writes_nothing_outside_the_cache(hostile, app_dirs, qtbot) -> None:
    from voek_desktop.ui.applications.contracts import ContractsPage

    serve_contracts(hostile, [contract(TRAVERSAL)])
    hostile.fallback = file_answer(pdf())  # whatever path the id turns into
    ctx = logged_in_context(hostile.url)
    assert ctx.session.profile is not None
    page = ContractsPage(ctx, ctx.session.profile)
    qtbot.addWidget(page)
    try:
        page.refresh()
        qtbot.waitUntil(
            lambda: bool(page.active_model.records or page.error_line.text()), timeout=5000
        )
        if page.active_model.records:  # the old client took the id as it came
            page.open_document()
            qtbot.waitUntil(
                lambda: (
                    page.preview is not None
                    and (page.preview.is_ready() or "Не удалось" in page.preview.message.text())
                ),
                timeout=5000,
            )
        assert [str(p) for p in app_dirs.parent.rglob("pwned*")] == []
        assert page.error_line.text() == "Сервер прислал непонятный ответ."
        assert page.active_model.records == []
    finally:
        ctx.tasks.shutdown()


@pytest.mark.parametrize("bad_id", [TRAVERSAL, "3", 1.5, True, -1, {"$ne": 1}, None])
def test_ids_of_every_other_type_are_refused(hostile, bad_id) -> None:
    serve_contracts(hostile, [contract(bad_id)])
    hostile.on(
        "GET",
        "/api/v1/applications",
        json_answer(
            {
                "items": [
                    {
                        "id": 5,
                        "category": "p14",
                        "status": "draft",
                        "documents": [
                            {
                                "id": bad_id,
                                "kind": "passport",
                                "filename": "x.pdf",
                                "size": 1,
                                "content_type": "application/pdf",
                            }
                        ],
                    }
                ]
            }
        ),
    )
    client = CabinetClient(hostile.url, "token", retries=0)
    try:
        for call in (client.connection_contracts, client.applications):
            with pytest.raises(ApiError) as caught:
                call()
            assert caught.value.code == "bad_response"
            assert caught.value.message == "Сервер прислал непонятный ответ."
    finally:
        client.close()


def test_cache_paths_are_confined_to_the_consumers_folder(app_dirs) -> None:
    from voek_desktop.cache import UnsafePath

    cache = ConsumerCache("https://lk.example", 7)
    inside = cache.file("contracts", "contract-3.pdf")
    assert inside.parent == cache.root / "contracts"
    for name in ("../../../pwned", "/etc/passwd", "..", "a/../../b"):
        with pytest.raises(UnsafePath):
            cache.file("contracts", name)
    # A symlink planted inside does not lead out either.
    outside = app_dirs / "outside"
    outside.mkdir(parents=True)
    (cache.folder("contracts") / "link").symlink_to(outside)
    with pytest.raises(UnsafePath):
        cache.file("contracts", "link/x.pdf")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("archive_3.xlsx", "archive_3.xlsx"),
        ("../../../.bashrc", "-..-..-.bashrc"),
        ("C:\\Windows\\win.ini", "C--Windows-win.ini"),
        ("evil\x00.xlsx", "evil-.xlsx"),
        ("..", "fallback.xlsx"),
        ("CON.xlsx", "fallback.xlsx"),
    ],
)
def test_file_names_from_the_server_lose_their_folders(name: str, expected: str) -> None:
    from voek_desktop.domain.formats import file_name

    cleaned = file_name(name, fallback="fallback.xlsx")
    assert cleaned == expected
    assert Path(cleaned).name == cleaned


def test_archive_file_name_from_the_server_is_only_a_name_in_the_save_dialog(
    hostile, app_dirs, qtbot, monkeypatch
) -> None:
    from datetime import date

    from voek_desktop.api.metering import Meter
    from voek_desktop.ui.metering import archive_requests as archive_ui

    monkeypatch.setenv("HOME", str(app_dirs))
    (app_dirs / "Downloads").mkdir(parents=True)
    archive = {
        "id": 4,
        "meter_id": 2,
        "period_start": "2026-01-01",
        "period_end": "2026-01-31",
        "status": "ready",
        "created_at": "2026-02-01T10:00:00+03:00",
        "file_name": "../../../.bashrc",
        "file_size": 10,
    }
    hostile.on("GET", "/api/v1/archive-requests", json_answer({"items": [archive]}))
    hostile.on("GET", "/api/v1/meters/2/smart-data", json_answer({}))
    suggested: list[Path] = []
    monkeypatch.setattr(
        archive_ui, "choose_save_path", lambda parent, path: suggested.append(path) and None
    )
    ctx = logged_in_context(hostile.url)
    meter = Meter(2, "Меркурий", "230", "41234567", "г. Владимир, ул. Мира, 1", is_smart=True)
    try:
        dialog = archive_ui.ArchiveDialog(ctx, meter, date(2026, 2, 2))
        qtbot.addWidget(dialog)
        qtbot.waitUntil(lambda: dialog.model.rowCount() == 1, timeout=5000)
        dialog.table.selectRow(0)
        dialog.download_selected()
        assert suggested == [app_dirs / "Downloads" / "-..-..-.bashrc"]
    finally:
        ctx.tasks.shutdown()
