"""Decode cost of a 2,000-agent `/agents` payload: bare `json.loads` vs the full
decode + validate + sanitise + map into frozen domain snapshots (`wire.decode_agents`).

    python benchmarks/bench_decode.py [--agents 2000] [--runs 41]

Prints the median time of each and the ratio (target: <= 3). It times the usual clean
payload, one with a few hostile names (which takes the sanitising path), and the
simulator's own compact `/agents` body.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

from rtm_tui.sources.wire import decode_agents

WIB = timezone(timedelta(hours=7))
FIRST = ["Siti", "Budi", "Dewi", "Agus", "Rina", "Andi", "Putri", "Joko", "Ayu", "Rizky", "Nur"]
LAST = ["Rahmawati", "Santoso", "Lestari", "Wijaya", "Pratama", "Hidayat", "Saputra", "Kusuma"]
CODES = ["ISTIRAHAT", "TOILET", "SHOLAT", "BRIEFING", "COACHING", "TRAINING", "SYSTEM"]
STATES = ["available", "on_contact", "on_contact", "on_contact", "acw", "aux", "logged_out"]


def agents_payload(n: int = 2000, seed: int = 7, hostile: bool = False) -> bytes:
    """A realistic `/agents` body: every field of the contract, `today` on each agent."""
    rng = random.Random(seed)
    as_of = datetime(2026, 11, 24, 10, 15, 3, tzinfo=WIB)
    agents: list[dict[str, Any]] = []
    for i in range(n):
        state = rng.choice(STATES)
        login = as_of - timedelta(seconds=rng.randint(600, 4 * 3600))
        aux_used = rng.sample(CODES, rng.randint(0, 3))
        agents.append(
            {
                "agent_id": f"A{i:05d}",
                "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                "team": f"Inbound {i % 12 + 1}",
                "channels": ["voice"] if i % 4 else ["chat", "email", "whatsapp"],
                "state": state,
                "aux_code": rng.choice(CODES) if state == "aux" else None,
                "state_since": (as_of - timedelta(seconds=rng.randint(1, 900))).isoformat(),
                "login_at": None if state == "logged_out" else login.isoformat(),
                "logout_at": as_of.isoformat() if state == "logged_out" else None,
                "today": {
                    "first_login_at": login.isoformat(),
                    "last_logout_at": None,
                    "aux_seconds": {c: rng.randint(0, 1800) for c in aux_used},
                    "aux_count": {c: rng.randint(1, 3) for c in aux_used},
                    "handled": rng.randint(0, 80),
                },
            }
        )
    if hostile:
        agents[3]["name"] = "Ann [/] \x1b]0;pwned\x07"
        agents[4]["team"] = "Tim \u202eA"
    return json.dumps({"as_of": as_of.isoformat(), "agents": agents}).encode()


def simulator_payload(n: int) -> bytes:
    from zoneinfo import ZoneInfo

    from rtm_tui.clock import FrozenClock
    from rtm_tui.simulator import Simulator
    from rtm_tui.simulator.payloads import agents_json

    start = datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
    return agents_json(Simulator(agents=n, seed=7, clock=FrozenClock(start), warmup=3600))


def median_ms(fn: Callable[[bytes], Any], data: bytes, runs: int) -> float:
    fn(data)  # warm up
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn(data)
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=41)
    args = parser.parse_args()
    worst = 0.0
    payloads = {
        "clean": lambda: agents_payload(args.agents),
        "hostile names": lambda: agents_payload(args.agents, hostile=True),
        "simulator": lambda: simulator_payload(args.agents),
    }
    for label, build in payloads.items():
        data = build()
        assert len(decode_agents(data).agents) == args.agents
        base = median_ms(json.loads, data, args.runs)
        full = median_ms(decode_agents, data, args.runs)
        ratio = full / base
        worst = max(worst, ratio)
        print(
            f"{label:>14}: {args.agents} agents, {len(data) / 1024:.0f} KiB | "
            f"json.loads {base:.2f} ms | decode+validate+map {full:.2f} ms | ratio {ratio:.2f}"
        )
    print(f"worst ratio {worst:.2f} (target <= 3): {'OK' if worst <= 3 else 'TOO SLOW'}")
    return 0 if worst <= 3 else 1


if __name__ == "__main__":
    raise SystemExit(main())
