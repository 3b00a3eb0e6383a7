"""Issue 11, item 13: what the app keeps is readable by its user only, and clerk mode keeps the
contract in memory.

The old client cached the contract PDF (passport, СНИЛС) 0644 in 0755 folders — also in clerk
mode, where nothing of a visitor may touch the disk."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from tests.e2e.security import hostile_server
from tests.e2e.security.hostile_server import (
    contract,
    file_answer,
    logged_in_context,
    serve_contracts,
)
from tests.files import pdf
from voek_desktop.api.client import CabinetClient

hostile, app_dirs = hostile_server.hostile, hostile_server.app_dirs  # fixtures

CONTRACT_PDF = pdf(3000)


def _open_to_others(root: Path) -> dict[str, str]:
    """Every folder under ``root`` that is not 0700 and every file that is not 0600."""
    wrong = {}
    for current, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(current) / name
            mode = stat.S_IMODE(path.stat().st_mode)
            if mode != (0o700 if path.is_dir() else 0o600):
                wrong[str(path.relative_to(root))] = oct(mode)
    return wrong


def _files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def _open_contract(qtbot, ctx):
    from voek_desktop.ui.applications.contracts import ContractsPage

    assert ctx.session.profile is not None
    page = ContractsPage(ctx, ctx.session.profile)
    qtbot.addWidget(page)
    page.refresh()
    qtbot.waitUntil(lambda: page.current is not None, timeout=5000)
    page.open_document()
    qtbot.waitUntil(lambda: page.preview is not None and page.preview.is_ready(), timeout=5000)
    return page


def _serve_contract(server) -> None:
    serve_contracts(server, [contract(3)])
    server.on("GET", "/api/v1/connection-contracts/3/document", file_answer(CONTRACT_PDF))


def test_cached_contract_is_0600_in_0700_folders(hostile, app_dirs, qtbot) -> None:
    _serve_contract(hostile)
    ctx = logged_in_context(hostile.url)
    try:
        page = _open_contract(qtbot, ctx)
        assert page.preview is not None and page.preview.page_count() == 1
        cached = [p for p in _files(app_dirs) if p.endswith(".pdf")]
        assert len(cached) == 1, cached
        assert _open_to_others(app_dirs / "data") == {}
        assert stat.S_IMODE((app_dirs / "data").stat().st_mode) == 0o700
    finally:
        ctx.tasks.shutdown()


def test_clerk_mode_shows_the_contract_without_writing_it(hostile, app_dirs, qtbot) -> None:
    _serve_contract(hostile)
    ctx = logged_in_context(hostile.url, clerk=True)
    try:
        page = _open_contract(qtbot, ctx)
        assert page.preview is not None and page.preview.page_count() == 1
        assert page.preview.data == CONTRACT_PDF  # kept for «Печать…» and «Сохранить PDF…»
        assert _files(app_dirs) == []
    finally:
        ctx.tasks.shutdown()


def test_settings_drafts_and_cache_are_private(app_dirs) -> None:
    from voek_desktop.cache import ConsumerCache
    from voek_desktop.drafts import DraftStore
    from voek_desktop.settings import Settings

    Settings(server_url="https://lk.voek33.ru").save()
    cache = ConsumerCache("https://lk.voek33.ru", 7)
    cache.put("profile", {"snils": "112-233-445 95"})
    DraftStore(cache.root / "drafts").save("k1", "p14", "individual", {"passport": "1704 123456"})
    assert _open_to_others(app_dirs) == {}
    assert sorted(Path(p).name for p in _files(app_dirs)) == [
        "k1.json",
        "profile.json",
        "settings.json",
    ]


def test_downloads_into_new_folders_are_private_and_leave_existing_ones_alone(
    hostile, app_dirs
) -> None:
    hostile.on("GET", "/api/v1/applications/5/documents/9", file_answer(CONTRACT_PDF))
    mine = app_dirs / "Загрузки"
    mine.mkdir(parents=True)
    os.chmod(mine, 0o755)  # the user's own folder: not ours to change
    dest = mine / "voek" / "заявка 5" / "паспорт.pdf"
    client = CabinetClient(hostile.url, "token", retries=0)
    try:
        client.download_document(5, 9, dest)
    finally:
        client.close()
    assert dest.read_bytes() == CONTRACT_PDF
    assert _open_to_others(mine / "voek") == {}
    assert stat.S_IMODE((mine / "voek").stat().st_mode) == 0o700
    assert stat.S_IMODE(mine.stat().st_mode) == 0o755


def test_what_an_older_version_cached_is_made_private_at_the_next_login(
    hostile, app_dirs, qtbot
) -> None:
    from voek_desktop.cache import ConsumerCache

    old = ConsumerCache(hostile.url, 7)
    (old.root / "contracts").mkdir(parents=True, mode=0o755)
    (old.root / "contracts" / "contract-3.pdf").write_bytes(CONTRACT_PDF)
    os.chmod(old.root / "contracts" / "contract-3.pdf", 0o644)
    ctx = logged_in_context(hostile.url)  # the login writes the profile into the cache
    ctx.tasks.shutdown()
    assert _open_to_others(app_dirs / "data" / "cache") == {}
