"""Cheap read-only counts for the metrics endpoint, on a connection of their own.

The metrics thread must never wait for the Store's lock (held by the UI's and the
recorder's writes) nor write anything: it opens the file read-only (`mode=ro`) for each
read, counts, and closes. WAL lets it read while a writer writes.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from rtm_tui.domain.plans import PlanStatus
from rtm_tui.store.codec import ts
from rtm_tui.store.errors import StoreError, store_error


@dataclass(frozen=True, slots=True)
class PlanCounts:
    """Plans by status (every status, 0 when none) and how many are overdue."""

    by_status: dict[str, int] = field(default_factory=dict)
    overdue: int = 0


def read_plan_counts(
    path: Path, now: datetime, *, site: str = "", busy_timeout: float = 1.0
) -> PlanCounts:
    """Counts of the site's plans in the database at `path` (not created when missing:
    raises StoreError). Overdue as `Store.overdue_plans`: not verified and past its due
    time."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise StoreError("io", f"no database at {path}")
    try:
        conn = sqlite3.connect(
            path.resolve().as_uri() + "?mode=ro", uri=True, timeout=busy_timeout
        )
    except sqlite3.Error as exc:
        raise store_error(exc, path, "read the plan counts") from exc
    try:
        by_status = {str(s): 0 for s in PlanStatus}
        for status, count in conn.execute(
            "SELECT status, COUNT(*) FROM plans WHERE site = ? GROUP BY status", (site,)
        ):
            by_status[str(status)] = int(count)
        row = conn.execute(
            "SELECT COUNT(*) FROM plans WHERE site = ? AND status != 'verified' AND due_ts < ?",
            (site, ts(now)),
        ).fetchone()
        return PlanCounts(by_status, int(row[0]))
    except sqlite3.Error as exc:
        raise store_error(exc, path, "read the plan counts") from exc
    finally:
        conn.close()
