"""The store recovers from what happens to its file while the app runs: deleted or
replaced (put back at the path, nothing lost), read-only (works again once writable),
not openable at start (opened on a later save). Each time the TL is told (an event)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from rtm_tui.store import Store, StoreError


def kinds(store: Store) -> list[str]:
    return [e.kind for e in store.take_events()]


def ids_at(path: Path) -> list[int]:
    """The plans in the file at `path`, read by plain sqlite3 (not through a Store),
    after checking the file is sound."""
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        return [row[0] for row in conn.execute("SELECT id FROM plans ORDER BY id")]
    finally:
        conn.close()


def notes_at(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [row[0] for row in conn.execute("SELECT note FROM plans ORDER BY id")]
    finally:
        conn.close()


@contextmanager
def unwritable(path: Path) -> Iterator[None]:
    """Make a file or folder unwritable, even for root (who ignores mode bits)."""
    if os.geteuid() == 0:
        if shutil.which("chattr") is None:
            pytest.skip("running as root without chattr: cannot make it unwritable")
        if subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode:
            pytest.skip("chattr +i not supported on this filesystem")
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", str(path)], check=False)
    else:
        mode = path.stat().st_mode & 0o777
        path.chmod(0o555 if path.is_dir() else 0o444)
        try:
            yield
        finally:
            path.chmod(mode)


@pytest.mark.parametrize("also_wal", [False, True], ids=["db file", "db, -wal and -shm"])
def test_a_database_deleted_between_two_saves_keeps_both_plans(db_path, make_plan, also_wal):
    store = Store.open(db_path)
    first = store.save_plan(make_plan(note="before"), "Rina")
    db_path.unlink()
    if also_wal:
        for suffix in ("-wal", "-shm"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    second = store.save_plan(make_plan(note="after"), "Rina")
    assert [p.id for p in store.list_plans()] == [first.id, second.id]
    store.close()
    assert ids_at(db_path) == [first.id, second.id]
    with Store.open(db_path) as again:
        assert [p.note for p in again.list_plans()] == ["before", "after"]
        assert len(again.plan_history(first.id)) == 1
    assert kinds(store) == ["recreated"]  # told once, at the save that found it gone


def test_a_database_replaced_by_another_file_keeps_both_plans_and_the_other_file(
    tmp_path, db_path, make_plan
):
    store = Store.open(db_path)
    first = store.save_plan(make_plan(note="ours"), "Rina")
    other = tmp_path / "other.sqlite3"
    with Store.open(other) as elsewhere:
        elsewhere.save_plan(make_plan(note="theirs"), "Budi")
    os.replace(other, db_path)
    second = store.save_plan(make_plan(note="ours too"), "Rina")
    store.close()
    assert ids_at(db_path) == [first.id, second.id]
    assert notes_at(db_path) == ["ours", "ours too"]
    events = store.take_events()
    assert [e.kind for e in events] == ["replaced"]
    # the file put in its place is kept beside it, untouched, not overwritten
    moved = Path(events[0].detail)
    assert moved.parent == db_path.parent and moved != db_path
    assert not Path(f"{moved}-wal").exists()  # our WAL was not left to replay into it
    assert ids_at(moved) == [1] and notes_at(moved) == ["theirs"]


def test_a_database_deleted_after_the_last_save_is_put_back_on_close(db_path, make_plan):
    store = Store.open(db_path)
    kept = store.save_plan(make_plan(), "Rina")
    db_path.unlink()
    store.close()
    assert ids_at(db_path) == [kept.id]


def test_a_read_only_database_is_reported_at_start_and_works_once_writable(db_path, make_plan):
    with Store.open(db_path) as store:
        kept = store.save_plan(make_plan(note="kept"), "Rina")
    with unwritable(db_path):
        store = Store.open(db_path)
        # said at once, before any save
        assert store.health == "read_only"
        assert kinds(store) == ["read_only"]
        assert [p.id for p in store.list_plans()] == [kept.id]  # reads still work
        with pytest.raises(StoreError, match="read-only") as info:
            store.save_plan(make_plan(note="refused"), "Rina")
        assert info.value.kind == "read_only"
        assert kinds(store) == []  # still read-only: nothing new to say
    # the same Store object, no restart
    again = store.save_plan(make_plan(note="after the fix"), "Rina")
    assert store.health == "ok"
    assert kinds(store) == ["writable"]
    store.close()
    assert ids_at(db_path) == [kept.id, again.id]


@contextmanager
def folder_unwritable(folder: Path) -> Iterator[None]:
    folder.mkdir(parents=True)
    with unwritable(folder):
        yield


@contextmanager
def folder_is_a_file(folder: Path) -> Iterator[None]:
    folder.write_text("not a folder")
    try:
        yield
    finally:
        folder.unlink()


@pytest.mark.parametrize(
    "broken", [folder_unwritable, folder_is_a_file], ids=["unwritable", "not a folder"]
)
def test_a_store_that_cannot_open_at_start_opens_on_a_later_save(db_path, make_plan, broken):
    with broken(db_path.parent):
        store = Store.open_or_retry(db_path)
        assert store.health == "unavailable"
        events = store.take_events()
        assert [e.kind for e in events] == ["open_failed"]
        assert str(db_path.parent) in events[0].detail
        with pytest.raises(StoreError) as info:
            store.save_plan(make_plan(), "Rina")
        assert info.value.kind == "io"
        assert kinds(store) == []  # the same failure is not announced twice
    saved = store.save_plan(make_plan(), "Rina")
    assert store.health == "ok"
    assert kinds(store) == ["opened"]
    store.close()
    assert ids_at(db_path) == [saved.id]


def test_a_closed_store_does_not_reopen(db_path, make_plan):
    store = Store.open(db_path)
    store.close()
    with pytest.raises(StoreError, match="closed"):
        store.save_plan(make_plan(), "Rina")
