from __future__ import annotations

import dataclasses
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from rtm_tui.domain.plans import PlanStatus, Verdict, Verification
from rtm_tui.store import Store, StoreError

JKT = ZoneInfo("Asia/Jakarta")
T0 = datetime(2025, 3, 10, 9, 30, tzinfo=JKT)
WRITER = Path(__file__).with_name("plan_writer.py")
# the writer imports the rtm_tui under test (this checkout), not one installed elsewhere
SOURCE_ROOT = Path(__file__).resolve().parents[2]


def _writer(db: tuple[str, str | None], label: str, count: int) -> subprocess.Popen[str]:
    """A writer process on the database `db` (url, password), a file or PostgreSQL."""
    path = os.pathsep.join(p for p in (str(SOURCE_ROOT), os.environ.get("PYTHONPATH")) if p)
    env = {**os.environ, "PYTHONPATH": path}
    if db[1] is not None:
        env["RTM_TEST_PGPASSWORD"] = db[1]
    return subprocess.Popen(
        [sys.executable, str(WRITER), db[0], label, str(count)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def test_two_processes_writing_at_once_lose_nothing_and_never_see_a_lock(store_url, open_store):
    open_store().close()
    procs = [_writer(store_url, label, 40) for label in ("A", "B")]
    outputs = [p.communicate(timeout=120) for p in procs]
    for p, (_out, err) in zip(procs, outputs, strict=True):
        assert p.returncode == 0, err
        assert "locked" not in err and "busy" not in err
    reported = [line.split() for out, _ in outputs for line in out.splitlines()]
    assert len(reported) == 80
    with open_store() as store:
        plans = {p.id: p for p in store.list_plans()}
        assert len(plans) == 80
        for _, plan_id, note in reported:
            assert plans[int(plan_id)].note == note
            assert plans[int(plan_id)].status is PlanStatus.IN_PROGRESS
        assert len(store.agent_events()) == 80


def test_two_store_instances_in_threads_lose_nothing(open_store, make_plan):
    stores = [open_store(), open_store()]
    errors: list[BaseException] = []

    def work(store: Store, who: str) -> None:
        try:
            for i in range(25):
                p = store.save_plan(make_plan(note=f"{who}-{i}"), who)
                store.set_status(p.id, PlanStatus.DONE, who, T0)
                store.verify(
                    p.id,
                    Verification(
                        value=81.0,
                        period="interval",
                        read_at=T0 + timedelta(hours=1),
                        verdict=Verdict.ACHIEVED,
                        by=who,
                        note="checked on the wallboard",
                    ),
                    T0 + timedelta(hours=1),
                )
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [
        threading.Thread(target=work, args=(s, w)) for s, w in zip(stores, "AB", strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    plans = stores[0].list_plans(status="verified")
    assert len(plans) == 50
    assert Counter(p.note.split("-")[0] for p in plans) == {"A": 25, "B": 25}
    assert all(len(stores[1].plan_history(p.id)) == 8 for p in plans)
    for s in stores:
        s.close()


def _hold_write_lock(db_path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
    conn.execute("BEGIN EXCLUSIVE")
    return conn


def test_a_locked_database_raises_a_clear_error_then_saves_after_release(db_path, make_plan):
    with Store.open(db_path) as s:
        first = s.save_plan(make_plan(), "Rina")
    holder = _hold_write_lock(db_path)
    store = Store.open(db_path, busy_timeout=0.2)
    started = time.monotonic()
    with pytest.raises(StoreError, match="busy") as info:
        store.save_plan(make_plan(note="second"), "Rina")
    assert info.value.kind == "busy"
    assert time.monotonic() - started >= 0.15  # it waited for the busy timeout first
    holder.execute("ROLLBACK")
    holder.close()
    second = store.save_plan(make_plan(note="second"), "Rina")
    assert [p.id for p in store.list_plans()] == [first.id, second.id]
    store.close()


def test_the_default_busy_timeout_waits_out_a_short_lock(db_path, make_plan):
    store = Store.open(db_path)
    holder = _hold_write_lock(db_path)
    release = threading.Timer(0.8, lambda: (holder.execute("COMMIT"), holder.close()))
    release.start()
    saved = store.save_plan(make_plan(), "Rina")  # waits instead of failing
    release.join()
    assert store.get_plan(saved.id) is not None
    store.close()


def test_kill_9_while_writing_loses_no_reported_plan(store_url, open_store, engine):
    open_store().close()
    proc = _writer(store_url, "K", 0)
    reported: list[list[str]] = []
    assert proc.stdout is not None
    while len(reported) < 30:
        line = proc.stdout.readline()
        assert line, proc.stderr.read() if proc.stderr else "writer died"
        reported.append(line.split())
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    # read what is left through the same buffered reader: communicate() reads the raw
    # pipe and would drop lines readline() had already buffered
    rest = proc.stdout.read()
    reported += [line.split() for line in rest.splitlines() if line.count(" ") == 2]
    assert proc.returncode == -signal.SIGKILL
    with open_store() as store:
        plans = {p.id: p for p in store.list_plans()}
        for _, plan_id, note in reported:
            assert plans[int(plan_id)].note == note
            assert plans[int(plan_id)].status is PlanStatus.IN_PROGRESS
        # at most the one in flight was committed without being reported, and whole
        assert len(plans) - len(reported) in (0, 1)
        for plan in plans.values():
            assert len(plan.actions) == 1 and store.plan_history(plan.id)[0].field == "created"
        # the dead writer's lock went with its session: the next save does not wait
        store.save_plan(dataclasses.replace(next(iter(plans.values())), note="after"), "Z")
    if engine == "sqlite":
        conn = sqlite3.connect(store_url[0].removeprefix("sqlite:"))
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.close()
