"""DraftStore: atomic JSON drafts in the consumer's cache folder, gone after submit and logout."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests import demo
from voek_desktop.cache import ConsumerCache
from voek_desktop.drafts import DraftStore, new_key
from voek_desktop.session import Session

FORM = {"applicant_name": "Иванов Иван Иванович", "power_new_kw": "12", "stages": []}


def test_a_second_store_reads_what_the_first_wrote(tmp_path: Path) -> None:
    # A crash is a process that ends after save(); the next start opens a new store.
    key = new_key()
    DraftStore(tmp_path / "drafts").save(key, "p14", "individual", FORM, application_id=7)
    draft = DraftStore(tmp_path / "drafts").load(key)
    assert draft is not None
    assert draft.form == FORM
    assert (draft.category, draft.consumer_type, draft.application_id) == ("p14", "individual", 7)
    assert datetime.fromisoformat(draft.saved_at).tzinfo is not None


def test_save_is_atomic_and_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = DraftStore(tmp_path / "drafts")
    key = new_key()
    store.save(key, "p14", "individual", FORM)

    # A failure half-way through writing the next version leaves the previous one whole.
    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        store.save(key, "p14", "individual", {**FORM, "applicant_name": "Петров"})
    monkeypatch.undo()
    assert store.load(key).form["applicant_name"] == "Иванов Иван Иванович"
    assert [p.name for p in (tmp_path / "drafts").iterdir()] == [f"{key}.json"]
    if os.name == "posix":
        assert (tmp_path / "drafts" / f"{key}.json").stat().st_mode & 0o077 == 0


def test_list_newest_first_skips_broken_files(tmp_path: Path) -> None:
    store = DraftStore(tmp_path / "drafts")
    now = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
    old, new = new_key(), new_key()
    store.save(old, "p13", "company", FORM, now=now - timedelta(hours=1))
    store.save(new, "p12_1", "company", FORM, now=now)
    (tmp_path / "drafts" / "broken.json").write_text("{not json", "utf-8")
    assert [d.key for d in store.list()] == [new, old]
    assert store.for_application(5) is None


def test_deleted_after_submit(tmp_path: Path) -> None:
    store = DraftStore(tmp_path / "drafts")
    key = new_key()
    store.save(key, "p14", "individual", FORM, application_id=3)
    assert store.for_application(3).key == key
    store.delete(key)
    assert store.load(key) is None
    assert store.list() == []
    store.delete(key)  # twice is fine


def test_bad_keys_never_leave_the_folder(tmp_path: Path) -> None:
    store = DraftStore(tmp_path / "drafts")
    with pytest.raises(ValueError):
        store.save("../escape", "p14", "individual", FORM)
    assert not (tmp_path / "escape.json").exists()


def test_memory_store_writes_nothing(tmp_path: Path) -> None:
    store = DraftStore(None)
    key = new_key()
    store.save(key, "p14", "individual", FORM)
    assert store.load(key).form == FORM
    assert [d.key for d in store.list()] == [key]


def test_logout_wipes_drafts(server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import keyring

    from tests.keyrings import MemoryKeyring

    monkeypatch.setenv("VOEK_DATA_DIR", str(tmp_path / "data"))
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    try:
        session = Session(server.url)
        demo.log_in(session)
        cache = session.cache()
        assert isinstance(cache, ConsumerCache)
        store = DraftStore(cache.root / "drafts")
        key = new_key()
        store.save(key, "p14", "individual", FORM)
        path = cache.root / "drafts" / f"{key}.json"
        assert json.loads(path.read_text("utf-8"))["form"] == FORM
        session.log_out()
        assert not path.exists()
        assert DraftStore(cache.root / "drafts").list() == []
    finally:
        keyring.set_keyring(previous)


def test_drafts_kept_under_the_address_before_are_found_under_the_servers_id(
    server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An update keys the folder by the server's id: a draft saved by the older app, under the
    address, is taken over at the first login; and the id is remembered for that address, so a
    start that cannot ask the server keys by it too (issue 12, item 5)."""
    import keyring

    from tests.keyrings import MemoryKeyring

    monkeypatch.setenv("VOEK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("VOEK_CONFIG_DIR", str(tmp_path / "config"))
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    try:
        from voek_desktop.api.client import CabinetClient

        profile = demo.log_in(CabinetClient(server.url, retries=0)).consumer
        old = ConsumerCache(server.url, profile.id)  # where the older app kept it
        key = new_key()
        DraftStore(old.root / "drafts").save(key, "p14", "individual", FORM)

        session = Session(server.url)
        demo.log_in(session)
        cache = session.cache()
        assert cache is not None and cache.root != old.root
        draft = DraftStore(cache.root / "drafts").load(key)
        assert draft is not None and draft.form == FORM
        assert not old.root.exists()

        offline = Session(server.url)  # asks nothing of the server
        assert offline.server_key() == session.server_id != server.url
    finally:
        keyring.set_keyring(previous)
