"""A failed save raises a StoreError a TL can read, changes nothing, and the next save
after the cause is gone works."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from rtm_tui.store import Store, StoreError

READ_ONLY_CHILD = """
import json, os, sys
sys.path.insert(0, {tests!r})
from conftest import sample_plan
from rtm_tui.store import Store, StoreError
if os.geteuid() == 0:  # root writes anywhere: drop to nobody to feel the permissions
    os.setgid(65534)
    os.setuid(65534)
store = Store.open({db!r})
result = {{"before": len(store.list_plans())}}
try:
    store.save_plan(sample_plan(note="refused"), "Rina")
except StoreError as exc:
    result["kind"], result["message"] = exc.kind, str(exc)
result["after"] = len(store.list_plans())
print(json.dumps(result))
"""


def test_a_read_only_database_refuses_the_save_clearly_and_keeps_the_data(make_plan):
    # not tmp_path: its parents are private to the user running pytest
    folder = Path(tempfile.mkdtemp(prefix="rtm-ro-"))
    try:
        folder.chmod(0o777)
        db = folder / "rtm.sqlite3"
        with Store.open(db) as store:
            kept = store.save_plan(make_plan(), "Rina")
        db.chmod(0o444)
        child = READ_ONLY_CHILD.format(tests=str(Path(__file__).parent), db=str(db))
        out = subprocess.run(
            [sys.executable, "-c", child], capture_output=True, text=True, timeout=60
        )
        assert out.returncode == 0, out.stderr
        result = json.loads(out.stdout)
        assert result["kind"] == "read_only"
        assert "read-only" in result["message"] and str(db) in result["message"]
        assert result["before"] == result["after"] == 1
        db.chmod(0o644)
        with Store.open(db) as store:
            again = store.save_plan(make_plan(note="after chmod"), "Rina")
            assert [p.id for p in store.list_plans()] == [kept.id, again.id]
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def tiny_disk(tmp_path):
    """A real 384 KiB filesystem (tmpfs); needs the right to mount."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=384k", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small filesystem here: {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(folder: Path) -> Path:
    filler = folder / "filler"
    with filler.open("wb", buffering=0) as f:
        try:
            while True:
                f.write(b"\0" * 4096)
                os.fsync(f.fileno())
        except OSError:
            pass
    return filler


def test_a_full_disk_refuses_the_save_clearly_and_keeps_the_data(tiny_disk, make_plan):
    db = tiny_disk / "rtm.sqlite3"
    store = Store.open(db)
    kept = store.save_plan(make_plan(), "Rina")
    filler = _fill(tiny_disk)
    # 60 kB within the field limits: 300 actions of 200 characters
    first = make_plan().actions[0]
    actions = tuple(dataclasses.replace(first, what=f"{i:03} " + "x" * 196) for i in range(300))
    big = make_plan(actions=actions)
    with pytest.raises(StoreError, match="disk is full") as info:
        store.save_plan(big, "Rina")
    assert info.value.kind == "disk_full"
    assert [p.id for p in store.list_plans()] == [kept.id]
    filler.unlink()
    saved = store.save_plan(big, "Rina")  # same store, once there is room again
    store.close()
    with Store.open(db) as again:
        assert [p.id for p in again.list_plans()] == [kept.id, saved.id]
        assert again.get_plan(saved.id).actions == actions


def test_a_folder_that_cannot_be_created_is_reported(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StoreError, match="cannot create the data folder") as info:
        Store.open(blocker / "rtm.sqlite3")
    assert info.value.kind == "io"
