"""Simulator benchmark: build time, /agents latency and size, simulation speed.

    python benchmarks/bench_simulator.py              # 60, 2,000 and 5,000 agents
    python benchmarks/bench_simulator.py --quick      # fewer repeats, shorter runs

Figures (wall time and process CPU time; the machine may be shared):
- build: `Simulator(...)` at 16:00 local with the default warm-up (from local midnight,
  so `today` is complete): the whole day's history is simulated before the first answer
- /agents: GET over the in-process ASGI app with httpx (JSON built, encoded, sent),
  median and p95 latency, response bytes; the model advances 2 s of clock between
  requests, as the app polls; "first" is the cold request that encodes every agent
  (later ones re-encode only the agents that changed)
- speed: simulated seconds per wall second over two busy daytime hours (09:00-11:00,
  the mid-morning peak), from an already warm model; 60x is what `--speed 60` needs
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import httpx

from rtm_tui.clock import FrozenClock
from rtm_tui.simulator import Simulator, make_asgi_app

TZ = ZoneInfo("Asia/Jakarta")


def _timed(fn):  # type: ignore[no-untyped-def]
    w0, c0 = time.perf_counter(), time.process_time()
    result = fn()
    return result, time.perf_counter() - w0, time.process_time() - c0


def bench_build(agents: int) -> tuple[Simulator, FrozenClock]:
    clock = FrozenClock(datetime(2026, 11, 24, 16, 0, tzinfo=TZ))
    sim, wall, cpu = _timed(lambda: Simulator(agents=agents, seed=7, clock=clock))
    print(f"  build (warm-up 00:00-16:00): {wall:6.2f} s wall, {cpu:5.2f} s CPU")
    return sim, clock


async def _agents_requests(sim: Simulator, clock: FrozenClock, repeats: int) -> None:
    app = make_asgi_app(sim)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://sim/api/v1"
    ) as client:
        latencies, size = [], 0
        for _ in range(repeats):
            clock.advance(2)
            t0 = time.perf_counter()
            r = await client.get("/agents")
            latencies.append(time.perf_counter() - t0)
            size = len(r.content)
            assert r.status_code == 200
    first = latencies[0]  # every agent's JSON built afresh
    latencies = sorted(latencies[1:])
    p95 = latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))]
    print(
        f"  GET /agents: median {1000 * statistics.median(latencies):6.1f} ms, "
        f"p95 {1000 * p95:6.1f} ms, first {1000 * first:6.1f} ms, "
        f"{size / 1024:7.1f} KiB ({size:,} bytes)"
    )


def bench_speed(agents: int, hours: float) -> None:
    clock = FrozenClock(datetime(2026, 11, 24, 9, 0, tzinfo=TZ))
    sim = Simulator(agents=agents, seed=7, clock=clock, warmup=3600)
    step = 2.0 * 60  # the clock moves as `--speed 60` with a poll every 2 s
    steps = int(hours * 3600 / step)

    def run() -> None:
        for _ in range(steps):
            clock.advance(step)
            sim.sync()

    _, wall, cpu = _timed(run)
    simulated = steps * step
    print(
        f"  speed ({hours:g} h from 09:00): {simulated / wall:7.0f} simulated s per wall s "
        f"({simulated / cpu:8.0f} per CPU s; needs 60 for --speed 60)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, shorter runs")
    opts = parser.parse_args()
    repeats = 10 if opts.quick else 30
    hours = 0.5 if opts.quick else 2.0
    for agents in (60, 2000, 5000):
        print(f"{agents:,} agents")
        sim, clock = bench_build(agents)
        asyncio.run(_agents_requests(sim, clock, repeats))
        if agents >= 2000:
            bench_speed(agents, hours)


if __name__ == "__main__":
    main()
