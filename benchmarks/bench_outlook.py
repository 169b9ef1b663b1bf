"""Outlook benchmark: recomputing today's outlook (rtm_tui.domain.outlook.build_outlook)
for a 2,000-agent site with 48 half-hour intervals.

    python benchmarks/bench_outlook.py                  # 2,000 agents, 48 intervals
    python benchmarks/bench_outlook.py --agents 5000 --repeat 50

The forecast puts ~1,800 E on the phones at the peak (2,000 agents' worth). Figures:
- cold: the first computation at 00:10 (all 48 intervals still to come), with the
  caches emptied first: Erlang C's and Erlang A's agents and the projection of every
  interval (also the Erlang B tables and the staffing searches' starting points)
- poll: what every poll costs: the same interval, new counts (the running interval's
  calls move, so the recovery, projections and what-if are recomputed; the staffing of
  the intervals, which changes only when an interval closes, comes from the cache)
- new interval: the first poll after an interval closed (new ratios: every remaining
  interval's staffing is recomputed; the searches start from the last answers' shape)
- what-if: a poll with "+5 agents from now" (the projections recomputed at new staffing)
Target: a poll under 20 ms, so the outlook can follow every poll.
"""

from __future__ import annotations

import argparse
import gc
import math
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rtm_tui.domain import erlang_a  # noqa: E402
from rtm_tui.domain import outlook as outlook_module  # noqa: E402
from rtm_tui.domain.coverage import IntervalForecast  # noqa: E402
from rtm_tui.domain.erlang_a import staffing_c_and_a  # noqa: E402
from rtm_tui.domain.outlook import (  # noqa: E402
    ChannelNow,
    OutlookRules,
    Period,
    WhatIf,
    build_outlook,
)
from rtm_tui.domain.types import Direction, KpiOptions, KpiTarget, StaffingRules, VoiceCounts  # noqa: E402

TZ = ZoneInfo("Asia/Jakarta")
DAY0 = datetime(2026, 11, 24, tzinfo=TZ)
STEP = timedelta(minutes=30)
AHT = 280.0


def forecast(agents: int) -> list[IntervalForecast]:
    """A day shape peaking at `agents × 0.9` Erlangs."""
    out = []
    for i in range(48):
        shape = 0.15 + 0.85 * math.exp(-(((i - 22) / 9.0) ** 2))
        erlangs = agents * 0.9 * shape
        out.append(IntervalForecast(DAY0 + i * STEP, erlangs * 1800 / AHT, AHT))
    return out


def run(agents: int, repeat: int) -> dict[str, float]:
    rules = OutlookRules(
        {
            "service_level": KpiTarget("service_level", Direction.HIGHER, 80, 70),
            "scr": KpiTarget("scr", Direction.HIGHER, 95, 90),
            "abandon": KpiTarget("abandon", Direction.LOWER, 5, 10),
        },
        KpiOptions(),
        StaffingRules(),
    )
    fc = forecast(agents)
    scheduled = {f.start: f.calls * AHT / 1800 * 1.1 for f in fc}
    channels = [ChannelNow(c, 40, 30, 400, 50, 60) for c in ("chat", "email", "whatsapp")]

    def at(minutes: int, offered_now: int, what_if: WhatIf | None = None) -> float:
        now = DAY0 + timedelta(minutes=minutes)
        running_start = DAY0 + (minutes // 30) * STEP
        done_calls = int(sum(f.calls for f in fc if f.start < running_start) * 1.05)
        running = VoiceCounts(
            offered=offered_now, answered=offered_now - 5, abandoned=5,
            answered_within_sl=int(offered_now * 0.8), handle_seconds=(offered_now - 5) * AHT,
            answer_wait_seconds=(offered_now - 5) * 12.0,
        )  # fmt: skip
        done = done_calls
        today = VoiceCounts(
            offered=done + offered_now, answered=int(done * 0.95) + offered_now - 5,
            abandoned=int(done * 0.05) + 5, answered_within_sl=int(done * 0.78),
            handle_seconds=(int(done * 0.95) + offered_now - 5) * AHT * 1.02,
            answer_wait_seconds=done * 14.0,
        )  # fmt: skip
        t0 = time.perf_counter()
        build_outlook(
            now=now, rules=rules,
            periods=(Period("shift", DAY0.replace(hour=7), DAY0.replace(hour=15)),
                     Period("day", DAY0, DAY0 + timedelta(days=1))),
            today=today, shift_so_far=today, running=running, running_start=running_start,
            forecast=fc, scheduled=scheduled, logged_in=agents, channels=channels,
            what_if=what_if,
        )  # fmt: skip
        return (time.perf_counter() - t0) * 1000

    staffing_c_and_a.cache_clear()
    outlook_module._erlang_a.cache_clear()
    for kept in (erlang_a._B_TABLES, erlang_a._C_HINTS, erlang_a._A_HINTS):
        kept.clear()  # the Erlang B tables and the searches' starting points too
    gc.collect()
    cold = at(10, 50)
    polls = [at(11 + (i % 15), 50 + i) for i in range(repeat)]
    new_interval = []
    for i in range(min(repeat, 40)):
        staffing_c_and_a.cache_clear()  # as if the ratios moved when the interval closed
        outlook_module._erlang_a.cache_clear()
        erlang_a._B_TABLES.clear()  # new traffic: no Erlang B table to carry on
        new_interval.append(at(40 + 30 * (i % 40), 30))
    what_if = [at(12, 60 + i, WhatIf(more_agents=5)) for i in range(repeat)]
    return {
        "cold_ms": cold,
        "poll_p50_ms": statistics.median(polls),
        "poll_max_ms": max(polls),
        "new_interval_p50_ms": statistics.median(new_interval),
        "new_interval_max_ms": max(new_interval),
        "what_if_p50_ms": statistics.median(what_if),
        "what_if_max_ms": max(what_if),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    figures = run(args.agents, args.repeat)
    print(f"outlook, {args.agents} agents, 48 intervals of 30 min")
    for name, value in figures.items():
        print(f"  {name:<22}{value:8.2f}")
    print("  target: a poll under 20 ms:", "met" if figures["poll_p50_ms"] < 20 else "MISSED")


if __name__ == "__main__":
    main()
