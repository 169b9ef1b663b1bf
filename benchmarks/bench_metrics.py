"""Metrics endpoint cost: one Prometheus scrape of rtm at 2,000 agents.

    python benchmarks/bench_metrics.py [--agents 2000] [--scrapes 200]

The view is the real one: the in-process simulator on a FrozenClock, decoded by the real
client and folded by ShiftMonitor over a few polls, then published to the MetricsHub as
the app does on each MonitorUpdated. Figures:
- publish: the app's side, on the event loop (one reference swap), median
- collect + encode: `generate_latest` on the endpoint's registry (what a scrape's thread
  does), median and p95, for the default series and with `per_agent = true`
- HTTP scrape: GET /metrics over loopback from prometheus_client's own server thread,
  median (the encode plus the HTTP round trip)
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
import urllib.request
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from prometheus_client import generate_latest

from rtm_tui.app.metrics import MetricsHub, MetricsServer
from rtm_tui.clock import FrozenClock
from rtm_tui.config import Settings
from rtm_tui.domain.types import MonitorView
from rtm_tui.simulator import Simulator
from rtm_tui.sources.pollers import Freshness
from rtm_tui.ui.launch import make_monitor, simulator_client


async def live_view(
    agents: int, polls: int = 5
) -> tuple[Settings, FrozenClock, MonitorView, dict[str, Freshness]]:
    settings = Settings()
    tz = ZoneInfo(settings.site.timezone)
    clock = FrozenClock(datetime(2026, 11, 24, 10, 0, tzinfo=tz))
    client = simulator_client(Simulator(agents=agents, seed=7, clock=clock, tz=settings.site.timezone))
    monitor = make_monitor(settings)
    roster = await client.fetch_roster(clock.now().date(), tz)
    view = monitor.apply(clock.now(), roster=roster)
    for _ in range(polls):
        clock.advance(2)
        snap, voice, nonvoice = await asyncio.gather(
            client.fetch_agents(), client.fetch_voice(), client.fetch_nonvoice()
        )
        view = monitor.apply(clock.now(), agents=snap, voice=voice, nonvoice=nonvoice)
    await client.aclose()
    fresh = {s: Freshness(last_success=clock.now(), interval=2.0) for s in ("agents", "voice", "nonvoice", "roster")}
    return settings, clock, view, fresh


def timed(fn: Callable[[], object], n: int) -> list[float]:
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return sorted(out)


def p95(ms: list[float]) -> float:
    return ms[int(0.95 * (len(ms) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--agents", type=int, default=2000)
    parser.add_argument("--scrapes", type=int, default=200)
    args = parser.parse_args()
    settings, clock, view, fresh = asyncio.run(live_view(args.agents))
    print(f"{len(view.rows)} agent rows, {len(view.kpis)} KPI values, {len(view.open_alerts)} open alerts")
    hub = MetricsHub()
    pub = timed(lambda: hub.publish(view, fresh), 1000)
    print(f"| publish (event loop) | median {statistics.median(pub) * 1000:.1f} µs |")
    for per_agent in (False, True):
        server = MetricsServer(hub, "127.0.0.1", 0, site=settings.site.name, clock=clock, per_agent=per_agent)
        body = generate_latest(server.registry)
        series = sum(1 for line in body.splitlines() if line and not line.startswith(b"#"))
        registry = server.registry
        enc = timed(lambda: generate_latest(registry), args.scrapes)  # noqa: B023 - used at once
        server.start()
        try:
            url = server.url

            def get(url: str = url) -> None:
                with urllib.request.urlopen(url) as r:
                    r.read()

            get()
            http = timed(get, args.scrapes)
        finally:
            server.stop()
        label = "per_agent = true" if per_agent else "default"
        print(
            f"| scrape, {args.agents} agents, {label} | {series} series, {len(body) / 1024:.0f} KiB "
            f"| collect+encode median {statistics.median(enc):.2f} ms, p95 {p95(enc):.2f} ms "
            f"| HTTP GET median {statistics.median(http):.2f} ms, p95 {p95(http):.2f} ms |"
        )


if __name__ == "__main__":
    main()
