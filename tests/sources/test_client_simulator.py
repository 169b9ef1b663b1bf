"""OmnichannelClient and pollers against the real simulator: in-process (ASGI transport),
over loopback (uvicorn in a thread), and as the `rtm simulate` command in a subprocess."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
import uvicorn

from rtm_tui.clock import FastClock, FrozenClock
from rtm_tui.domain.types import AgentsSnapshot, AgentState, RosterStatus
from rtm_tui.simulator import FaultSpec, Simulator, make_asgi_app
from rtm_tui.sources.client import OmnichannelClient, SourceError
from rtm_tui.sources.pollers import Poller

JAKARTA = ZoneInfo("Asia/Jakarta")
START = datetime(2026, 11, 24, 10, 0, tzinfo=JAKARTA)
TOKEN = "sim-token-7"
HOSTILE = ["Ann [/]", "[bold red]x", "\x1b]0;title\x07Eve", "Mal \x1b[2J\u202eory"]


def sim_client(
    faults: str | None = None,
    token: str | None = TOKEN,
    timeout: float = 10.0,
    agents: int = 60,
    clock: Any = None,
) -> tuple[OmnichannelClient, Simulator]:
    sim = Simulator(agents=agents, seed=7, clock=clock or FrozenClock(START), names=HOSTILE)
    app = make_asgi_app(sim, token=TOKEN, faults=FaultSpec.parse(faults) if faults else None)
    transport = httpx.ASGITransport(app=app)
    client = OmnichannelClient(
        "http://sim/api/v1", token=token, timeout=timeout, transport=transport
    )
    return client, sim


# --------------------------------------------------------------------------- in-process


async def test_all_endpoints_decode_from_the_simulator():
    client, sim = sim_client()
    async with client:
        agents = await client.fetch_agents()
        voice = await client.fetch_voice()
        nonvoice = await client.fetch_nonvoice()
        roster = await client.fetch_roster(START.date(), JAKARTA)
    assert len(agents.agents) == 60
    assert len({a.agent_id for a in agents.agents}) == 60
    assert {a.state for a in agents.agents} <= set(AgentState)
    assert any(a.state is not AgentState.LOGGED_OUT for a in agents.agents)
    for a in agents.agents:
        assert a.state_since.tzinfo is not None
        assert (a.aux_code is not None) <= (a.state is AgentState.AUX)
    assert voice.queues and voice.interval_minutes > 0
    assert all(q.today.offered >= q.interval.offered for q in voice.queues)
    assert nonvoice.channels
    assert roster.date == START.date() and roster.entries
    for e in roster.entries:
        if e.status is RosterStatus.SCHEDULED:
            assert e.start is not None and e.start.tzinfo is JAKARTA


async def test_hostile_names_arrive_as_safe_literal_text():
    client, _ = sim_client()
    async with client:
        agents = await client.fetch_agents()
    names = {a.name for a in agents.agents}
    assert {"Ann [/]", "[bold red]x", "]0;titleEve", "Mal [2Jory"} <= names
    for name in names:
        assert not any(ch in name for ch in "\x1b\x07\u202e")


async def test_wrong_or_missing_token_is_rejected():
    for token in ("nope", None):
        client, _ = sim_client(token=token)
        async with client:
            with pytest.raises(SourceError) as info:
                await client.fetch_voice()
        assert (info.value.kind, info.value.message) == ("auth", "credentials rejected")


@pytest.mark.parametrize(
    ("faults", "kinds"),
    [
        ("5xx=1", {"server", "rate_limited"}),  # 500, or 503 with Retry-After
        ("429=1,retry_after=9", {"rate_limited"}),
        ("401=1", {"auth"}),
        ("malformed=1", {"contract"}),
    ],
)
async def test_simulator_faults_map_to_error_kinds(faults, kinds):
    client, _ = sim_client(faults)
    seen: set[str] = set()
    async with client:
        for _ in range(12):
            with pytest.raises(SourceError) as info:
                await client.fetch_agents()
            seen.add(info.value.kind)
            if info.value.kind == "rate_limited":
                assert info.value.retry_after is not None and info.value.retry_after > 0
            if "retry_after=9" in faults:
                assert info.value.retry_after == 9
    assert seen == kinds


async def test_simulator_timeout_fault_hits_the_client_timeout():
    client, _ = sim_client("timeout=1,timeout_seconds=5", timeout=0.2)
    async with client:
        t0 = time.monotonic()
        with pytest.raises(SourceError) as info:
            await client.fetch_nonvoice()
        assert time.monotonic() - t0 < 2
    assert info.value.kind == "timeout"


async def test_pollers_keep_last_good_data_through_faults():
    """Four pollers on a flaky simulator: each keeps its own last good data; none stops."""
    client, _ = sim_client("5xx=0.3,malformed=0.2,429=0.1,retry_after=0")
    got: dict[str, list[Any]] = {"agents": [], "voice": [], "nonvoice": []}
    errors: dict[str, list[SourceError]] = {k: [] for k in got}

    async def no_sleep(_: float) -> None:
        await asyncio.sleep(0)

    async with client:
        fetches = {
            "agents": client.fetch_agents,
            "voice": client.fetch_voice,
            "nonvoice": client.fetch_nonvoice,
        }
        pollers = {
            name: Poller(name, fetch, 5, got[name].append, errors[name].append, sleep=no_sleep)
            for name, fetch in fetches.items()
        }
        tasks = [asyncio.create_task(p.run()) for p in pollers.values()]
        for _ in range(2000):
            if all(len(got[n]) >= 10 and errors[n] for n in got):
                break
            await asyncio.sleep(0)
        for p in pollers.values():
            p.stop()
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=5)
    for name, poller in pollers.items():
        assert len(got[name]) >= 10, name
        assert errors[name], name
        assert poller.last_data is got[name][-1]
    assert isinstance(pollers["agents"].last_data, AgentsSnapshot)
    kinds = {e.kind for errs in errors.values() for e in errs}
    assert "contract" in kinds and "server" in kinds


# --------------------------------------------------------------------------- loopback


@pytest.fixture(scope="module")
def sim_server() -> Iterator[str]:
    sim = Simulator(agents=60, seed=7, clock=FastClock(START, speed=60), names=HOSTILE)
    app = make_asgi_app(sim, token=TOKEN)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}/api/v1"
    server.should_exit = True
    thread.join(timeout=5)
    sock.close()


async def test_simulator_over_loopback(sim_server):
    async with OmnichannelClient(sim_server, token=TOKEN) as client:
        first = await client.fetch_agents()
        voice = await client.fetch_voice()
        roster = await client.fetch_roster(START.date(), JAKARTA)
        await asyncio.sleep(0.3)  # 18 simulated seconds
        second = await client.fetch_agents()
    assert len(first.agents) == 60 and voice.queues and roster.entries
    assert second.as_of > first.as_of
    assert "Ann [/]" in {a.name for a in first.agents}


async def test_poller_over_loopback_real_time(sim_server):
    got: list[AgentsSnapshot] = []
    async with OmnichannelClient(sim_server, token=TOKEN) as client:
        poller = Poller("agents", client.fetch_agents, 0.1, got.append)
        task = asyncio.create_task(poller.run())
        for _ in range(300):
            if len(got) >= 3:
                break
            await asyncio.sleep(0.01)
        poller.stop()
        await asyncio.wait_for(task, timeout=3)
    assert len(got) >= 3
    assert got[0].as_of < got[-1].as_of
    assert poller.freshness.consecutive_failures == 0


# --------------------------------------------------------------------------- rtm simulate


async def test_rtm_simulate_subprocess_with_rate_limits(rtm_simulate):
    url = rtm_simulate("--token", TOKEN, "--agents", "25", "--faults", "429=0.5,retry_after=3")
    ok = limited = 0
    async with OmnichannelClient(url, token=TOKEN) as client:
        for _ in range(16):
            try:
                snap = await client.fetch_agents()
            except SourceError as exc:
                assert (exc.kind, exc.retry_after, exc.status) == ("rate_limited", 3.0, 429)
                limited += 1
            else:
                assert len(snap.agents) == 25
                ok += 1
    assert ok and limited
