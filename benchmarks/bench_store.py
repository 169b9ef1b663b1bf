"""Store latency on both engines: what a TL waits for when saving a plan and opening the
plans screen, on SQLite (a file, WAL, synchronous=FULL) and on PostgreSQL (a real server
on loopback, fsync on, started here from the Debian binaries like the tests do).

    python benchmarks/bench_store.py [--plans 7300] [--runs 200]
        [--url postgresql://user@host/db --password-env NAME]   # an existing server instead

The store is filled first with `--plans` plans (7,300: ten a day for two years, the record
a site keeps), each with two actions and its history, those older than a week verified;
then copied into PostgreSQL as `rtm db copy` does (timed). Figures, median and p95 over `--runs`:
- plan save: a new plan (insert + actions + history, one transaction)
- plan edit: save_plan of a changed plan (the revision check, the diff, history rows)
- status move: set_status
- plans list, 30 days: what the plans screen reads (its default window)
- overdue plans: the header's count, every 30 s
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from rtm_tui.domain.plans import (
    PlanAction,
    PlanStatus,
    RecoveryPlan,
    RootCause,
    Verdict,
    Verification,
)
from rtm_tui.store import Store
from rtm_tui.store.copy import copy_sqlite

JKT = ZoneInfo("Asia/Jakarta")
NOW = datetime(2026, 12, 3, 10, 0, tzinfo=JKT)


def plan(i: int, at: datetime) -> RecoveryPlan:
    return RecoveryPlan(
        created_at=at,
        date=at.date(),
        tl_shift="pagi" if at.hour < 15 else "siang",
        interval_start=at,
        kpi=("service_level", "abandon", "aht")[i % 3],
        scope="all",
        sla=80.0,
        slg=70.0,
        actual=62.5,
        counts={"offered": 120, "answered_within_sl": 75},
        root_cause=RootCause.VOLUME_SPIKE,
        analysis=f"plan {i}: promo SMS blast doubled the calls",
        actions=(
            PlanAction("Pull 2 agents from email to voice", "Rina", at + timedelta(minutes=30)),
            PlanAction("Delay coaching session", "Budi", at + timedelta(minutes=60)),
        ),
        tl_name="Rina",
    )


def fill(path: Path, count: int) -> None:
    """`count` plans over two years into the SQLite file, without an fsync per plan (the
    filling is not what is measured; the file is back to synchronous=FULL after)."""
    start = NOW - timedelta(days=730)
    step = timedelta(days=730) / max(count, 1)
    with Store.open(path) as store:
        assert store._conn is not None
        store._conn.execute("PRAGMA synchronous = OFF")
        for i in range(count):
            at = start + step * i
            p = store.save_plan(plan(i, at), "Rina")
            if at < NOW - timedelta(days=7):  # older plans were followed up and verified
                assert p.id is not None
                store.set_status(p.id, PlanStatus.DONE, "Rina", at + timedelta(hours=1))
                store.verify(p.id, Verification(value=64.0, period="interval",
                             read_at=at + timedelta(hours=2), verdict=Verdict.NOT_ACHIEVED,
                             by="Sari", note="checked on the wallboard"), at + timedelta(hours=2))


def timed(runs: int, fn: Callable[[int], Any]) -> tuple[float, float]:
    samples = []
    for i in range(runs):
        t0 = time.perf_counter()
        fn(i)
        samples.append((time.perf_counter() - t0) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def measure(store: Store, runs: int) -> dict[str, tuple[float, float]]:
    out: dict[str, tuple[float, float]] = {}
    saved: list[RecoveryPlan] = []
    out["plan save (new)"] = timed(
        runs, lambda i: saved.append(store.save_plan(plan(i, NOW - timedelta(minutes=i)), "Rina"))
    )
    current = {p.id: p for p in saved}

    def edit(i: int) -> None:
        p = current[saved[i].id]
        current[p.id] = store.save_plan(dataclasses.replace(p, note=f"edit {i}"), "Budi")

    out["plan edit"] = timed(runs, edit)
    out["status move"] = timed(
        runs, lambda i: store.set_status(saved[i].id, PlanStatus.IN_PROGRESS, "Rina", NOW)
    )
    since = (NOW - timedelta(days=30)).date()
    out["plans list, 30 days"] = timed(runs, lambda i: store.list_plans(since=since))
    out["overdue plans"] = timed(runs, lambda i: store.overdue_plans(NOW))
    out["_listed"] = (float(len(store.list_plans(since=since))), 0.0)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--plans", type=int, default=7300)
    ap.add_argument("--runs", type=int, default=100)
    ap.add_argument("--url", help="an existing PostgreSQL database (emptied tables expected)")
    ap.add_argument("--password-env", default="")
    args = ap.parse_args()
    results: dict[str, dict[str, tuple[float, float]]] = {}

    tmp = tempfile.TemporaryDirectory()
    path = Path(tmp.name) / "bench.sqlite3"
    fill(path, args.plans)

    server = None
    if args.url:
        url, password = args.url, os.environ.get(args.password_env) if args.password_env else None
    else:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
        from pg_server import PgServer, find_bindir

        bindir = find_bindir()
        if bindir is None:
            raise SystemExit("no PostgreSQL server binaries (initdb, pg_ctl); give --url")
        server = PgServer(bindir)
        server.start(durable=True)
        url, password = server.url(server.new_database()), server.password
    try:
        with Store.open_url(url, password=password) as store:
            t0 = time.perf_counter()
            report = copy_sqlite(path, store)  # what `rtm db copy` does
            copy_seconds = time.perf_counter() - t0
            assert report.ok, report.mismatches
            results["PostgreSQL"] = measure(store, args.runs)
        with Store.open(path) as store:
            results["SQLite"] = measure(store, args.runs)
    finally:
        if server is not None:
            server.stop()
            server.remove()
        tmp.cleanup()
    print(
        f"rtm db copy of {args.plans} plans into PostgreSQL: {copy_seconds:.1f} s "
        f"(checked: {report.plans_checked} plans read back)"
    )

    listed = int(results["SQLite"].pop("_listed")[0])
    results["PostgreSQL"].pop("_listed")
    print(f"{args.plans} plans kept, {args.runs} runs each; the 30-day list holds {listed} plans")
    print("| median / p95 | SQLite | PostgreSQL (loopback) |")
    print("|---|---|---|")
    for name in results["SQLite"]:
        cells = [
            f"{results[e][name][0]:.2f} / {results[e][name][1]:.2f} ms"
            for e in ("SQLite", "PostgreSQL")
        ]
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
