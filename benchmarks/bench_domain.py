"""Domain engine speed: ShiftMonitor.apply on live simulator data, and Erlang C at scale.

    python benchmarks/bench_domain.py [--agents 2000] [--polls 60]

The simulator runs on a FrozenClock advanced 2 s per poll (the default agents poll);
each poll's `/agents`, `/queues/voice` and `/queues/nonvoice` are decoded by the real
client, then folded by the monitor. Prints median and p95 of apply() per poll.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from datetime import datetime
from zoneinfo import ZoneInfo

from rtm_tui.clock import FrozenClock
from rtm_tui.config import Settings
from rtm_tui.domain.erlang import agents_needed
from rtm_tui.simulator import Simulator
from rtm_tui.ui.launch import make_monitor, simulator_client


async def bench_monitor(agents: int, polls: int) -> list[float]:
    settings = Settings()
    tz = ZoneInfo(settings.site.timezone)
    clock = FrozenClock(datetime(2026, 11, 24, 10, 0, tzinfo=tz))
    client = simulator_client(
        Simulator(agents=agents, seed=7, clock=clock, tz=settings.site.timezone)
    )
    monitor = make_monitor(settings)
    today = clock.now().date()
    roster = await client.fetch_roster(today, tz)
    monitor.apply(clock.now(), roster=roster)
    times: list[float] = []
    for _ in range(polls):
        clock.advance(2)
        snap, voice, nonvoice = await asyncio.gather(
            client.fetch_agents(), client.fetch_voice(), client.fetch_nonvoice()
        )
        t0 = time.perf_counter()
        monitor.apply(clock.now(), agents=snap, voice=voice, nonvoice=nonvoice)
        times.append(time.perf_counter() - t0)
    await client.aclose()
    return times[1:]  # the first apply builds every row once


def bench_erlang() -> list[tuple[float, int, float]]:
    out = []
    for traffic in (10, 48, 500, 2000, 20_000):
        t0 = time.perf_counter()
        n = agents_needed(traffic, 180, 20, 0.80)
        out.append((traffic, n, time.perf_counter() - t0))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--agents", type=int, default=2000)
    parser.add_argument("--polls", type=int, default=60)
    args = parser.parse_args()
    times = asyncio.run(bench_monitor(args.agents, args.polls))
    ms = sorted(t * 1000 for t in times)
    p95 = ms[int(0.95 * (len(ms) - 1))]
    print(
        f"| ShiftMonitor.apply, {args.agents} agents | median {statistics.median(ms):.1f} ms | p95 {p95:.1f} ms |"
    )
    for traffic, n, secs in bench_erlang():
        print(f"| agents_needed(A={traffic:g} E, AHT 180 s, 80/20) = {n} | {secs * 1000:.2f} ms |")


if __name__ == "__main__":
    main()
