"""Auth and injected faults, in-process and over a real loopback socket."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator

import httpx
import pytest
import uvicorn

from rtm_tui.simulator import FaultSpec, Simulator, make_asgi_app


async def test_any_token_is_accepted_when_none_is_configured(sim, client_for):
    assert (await client_for(sim).get("/agents")).status_code == 200
    assert (await client_for(sim, headers={}).get("/agents")).status_code == 200


async def test_only_the_configured_token_is_accepted(sim, client_for):
    good = client_for(sim, token="s3cret", headers={"Authorization": "Bearer s3cret"})
    assert (await good.get("/queues/voice")).status_code == 200
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "s3cret"}):
        r = await client_for(sim, token="s3cret", headers=headers).get("/queues/voice")
        assert r.status_code == 401, headers
        assert r.json()["error"] == "unauthorized"
        assert "s3cret" not in r.text
        assert r.headers["www-authenticate"] == "Bearer"


def test_fault_spec_parses_and_refuses_nonsense():
    spec = FaultSpec.parse("5xx=0.1, timeout=0.05,malformed=0.02,401=0.01,429=0.05")
    assert (spec.server_error, spec.timeout, spec.malformed) == (0.1, 0.05, 0.02)
    assert (spec.unauthorized, spec.rate_limited) == (0.01, 0.05)
    assert FaultSpec.parse("").active is False
    assert FaultSpec.parse("timeout=1,timeout_seconds=0.5").timeout_seconds == 0.5
    for bad in ("5xx", "boom=0.1", "5xx=lots", "5xx=1.5", "5xx=0.6,429=0.6", "401=-0.1"):
        with pytest.raises(ValueError):
            FaultSpec.parse(bad)


@pytest.mark.parametrize(
    ("spec", "statuses"),
    [("401=1", {401}), ("429=1,retry_after=7", {429}), ("5xx=1", {500, 503})],
)
async def test_error_faults(sim, client_for, spec, statuses):
    client = client_for(sim, faults=FaultSpec.parse(spec))
    seen = set()
    for path in ("/agents", "/queues/voice", "/queues/nonvoice", "/roster") * 5:
        r = await client.get(path)
        seen.add(r.status_code)
        assert "error" in r.json()
        if r.status_code == 429:
            assert r.headers["retry-after"] == "7"
        if r.status_code == 503:
            assert int(r.headers["retry-after"]) >= 0
    assert seen == statuses


async def test_malformed_fault_sends_broken_json(sim, client_for):
    r = await client_for(sim, faults=FaultSpec.parse("malformed=1")).get("/queues/voice")
    assert r.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(r.content)


async def test_timeout_fault_answers_late(sim, client_for):
    client = client_for(sim, faults=FaultSpec.parse("timeout=1,timeout_seconds=0.3"))
    t0 = time.monotonic()
    r = await client.get("/agents")
    assert time.monotonic() - t0 >= 0.3
    assert r.status_code == 504


async def test_faults_come_at_their_rates_and_repeat_for_a_seed(clock, client_for):
    spec = FaultSpec.parse("5xx=0.1,timeout=0.05,malformed=0.1,401=0.05,429=0.1,timeout_seconds=0")

    async def run() -> list[int]:
        client = client_for(Simulator(agents=5, seed=3, clock=clock), faults=spec)
        out = []
        for _ in range(400):
            r = await client.get("/queues/nonvoice")
            ok = r.status_code == 200
            out.append(-1 if ok and not r.content.endswith(b"}") else r.status_code)
        return out

    first, second = await run(), await run()
    assert first == second
    counts = Counter(first)
    share = {k: v / 400 for k, v in counts.items()}
    assert 0.5 <= share[200] <= 0.7  # 60 % without a fault
    assert 0.05 <= share.get(500, 0) + share.get(503, 0) <= 0.15
    assert 0.05 <= share.get(-1, 0) <= 0.15  # malformed
    assert 0.05 <= share.get(429, 0) <= 0.15
    assert 0.01 <= share.get(504, 0) <= 0.1 and 0.01 <= share.get(401, 0) <= 0.1


# ------------------------------------------------------------------ real sockets


def _free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    return sock


@pytest.fixture
def served(clock) -> Iterator[str]:
    """The simulator under uvicorn on a loopback port picked by the OS."""
    sim = Simulator(agents=40, seed=2, clock=clock)
    app = make_asgi_app(sim, token="tok", faults=FaultSpec.parse("timeout=0.3,timeout_seconds=1"))
    sock = _free_socket()
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started
    yield f"http://127.0.0.1:{sock.getsockname()[1]}/api/v1"
    server.should_exit = True
    thread.join(10)
    sock.close()


def test_served_over_loopback_with_auth_and_timeouts(served):
    headers = {"Authorization": "Bearer tok"}
    statuses = Counter()
    with httpx.Client(base_url=served, headers=headers, timeout=0.5) as client:
        for _ in range(12):
            try:
                r = client.get("/agents")
                statuses[r.status_code] += 1
                assert len(r.json()["agents"]) == 40
            except httpx.ReadTimeout:
                statuses["timeout"] += 1
        for _ in range(3):  # the roster too (a timeout may hit it as well)
            try:
                r = client.get("/roster", params={"date": "2026-11-25"})
                assert r.json()["date"] == "2026-11-25"
                break
            except httpx.ReadTimeout:
                continue
    assert statuses[200] > 0 and statuses["timeout"] > 0
    assert httpx.get(f"{served}/agents", timeout=5).status_code == 401


def test_rtm_simulate_answers_on_a_port():
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    cmd = [
        sys.executable,
        "-m",
        "rtm_tui.cli",
        "simulate",
        "--port",
        "0",
        "--agents",
        "30",
        "--seed",
        "4",
        "--speed",
        "60",
        "--token",
        "hush",
        "--timezone",
        "Asia/Jakarta",
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = proc.stdout.readline()  # printed once the socket listens
        match = re.match(r"(http://127\.0\.0\.1:\d+/api/v1)\s", line)
        assert match, line
        assert "hush" not in line, "the token is never shown"
        base = match.group(1)
        r = httpx.get(f"{base}/queues/voice", headers={"Authorization": "Bearer hush"}, timeout=10)
        assert r.status_code == 200
        assert r.json()["as_of"].endswith("+07:00")
        assert httpx.get(f"{base}/queues/voice", timeout=10).status_code == 401
    finally:
        proc.terminate()
        proc.wait(10)
        proc.stdout.close()
        proc.stderr.close()


def test_rtm_simulate_refuses_bad_options(capsys):
    from rtm_tui.cli import main

    assert main(["simulate", "--faults", "5xx=2"]) == 2
    assert "fault" in capsys.readouterr().err
    assert main(["simulate", "--timezone", "Mars/Olympus"]) == 2
    assert main(["simulate", "--agents", "0"]) == 2
