"""Plan counts for the metrics endpoint: read-only, on a connection of their own."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from rtm_tui.domain.plans import PlanStatus
from rtm_tui.store import StoreError
from rtm_tui.store.counts import read_plan_counts

T0 = datetime(2025, 3, 10, 9, 30, tzinfo=ZoneInfo("Asia/Jakarta"))  # the make_plan default


def test_counts_by_status_and_overdue_as_the_store_sees_them(store, db_path, make_plan) -> None:
    early = store.save_plan(make_plan(), "Rina")
    store.save_plan(make_plan(T0 + timedelta(hours=3)), "Rina")
    third = store.save_plan(make_plan(T0 + timedelta(hours=1)), "Rina")
    store.set_status(third.id, PlanStatus.IN_PROGRESS, "Rina", T0)
    store.set_status(early.id, PlanStatus.IN_PROGRESS, "Rina", T0)
    store.set_status(early.id, PlanStatus.DONE, "Rina", T0)
    now = T0 + timedelta(hours=2, minutes=5)
    counts = read_plan_counts(db_path, now)
    assert counts.by_status == {"open": 1, "in_progress": 1, "done": 1, "verified": 0}
    assert counts.overdue == len(store.overdue_plans(now)) == 2


def test_a_missing_database_is_not_created(tmp_path) -> None:
    path = tmp_path / "nothing.sqlite3"
    with pytest.raises(StoreError):
        read_plan_counts(path, T0)
    assert not path.exists()


def test_reads_while_the_store_holds_a_write_transaction(store, db_path, make_plan) -> None:
    store.save_plan(make_plan(), "Rina")
    with store._write("test: hold the write lock"):
        assert read_plan_counts(db_path, T0).by_status["open"] == 1  # WAL: readers go on
