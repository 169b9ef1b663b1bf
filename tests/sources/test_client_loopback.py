"""OmnichannelClient over a real loopback socket (uvicorn in a thread), against a small
fake Omnichannel server that can be told to misbehave."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import uvicorn

from rtm_tui.sources.client import OmnichannelClient, SourceError
from rtm_tui.sources.pollers import Poller

TOKEN = "loopback-token-123"


class FakeOmnichannel:
    """ASGI app: serves /api/v1/agents; `mode` picks the behaviour of the next requests."""

    def __init__(self) -> None:
        self.mode = "ok"
        self.doc: dict[str, Any] = {}
        self.requests: list[dict[str, str]] = []

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        headers = {k.decode(): v.decode() for k, v in scope["headers"]}
        self.requests.append({"path": scope["path"], **headers})
        status, body, extra = 200, json.dumps(self.doc).encode(), []
        if headers.get("authorization") != f"Bearer {TOKEN}":
            status, body = 401, b'{"error": "unauthorized"}'
        elif self.mode == "500":
            status, body = 500, b"internal error"
        elif self.mode == "429":
            status, body, extra = 429, b"slow down", [(b"retry-after", b"7")]
        elif self.mode == "garbage":
            body = b"\x00\xffnot json"
        elif self.mode == "slow":
            await asyncio.sleep(2)
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", b"application/json"), *extra],
            }
        )
        await send({"type": "http.response.body", "body": body})


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[FakeOmnichannel, str]]:
    app = FakeOmnichannel()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="off")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not srv.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    yield app, f"http://127.0.0.1:{port}/api/v1"
    srv.should_exit = True
    thread.join(timeout=5)
    sock.close()


@pytest.fixture
def fake(server: tuple[FakeOmnichannel, str], agents_doc: dict[str, Any]) -> FakeOmnichannel:
    app = server[0]
    app.mode = "ok"
    app.doc = agents_doc
    app.requests.clear()
    return app


async def test_fetch_over_a_real_socket(server, fake):
    async with OmnichannelClient(server[1], token=TOKEN) as client:
        snap = await client.fetch_agents()
        await client.fetch_agents()
    assert [a.agent_id for a in snap.agents] == ["A0012", "A0013", "A0014"]
    assert fake.requests[0]["path"] == "/api/v1/agents"
    assert fake.requests[0]["user-agent"].startswith("rtm-tui/")
    assert fake.requests[0]["authorization"] == f"Bearer {TOKEN}"


@pytest.mark.parametrize(
    ("mode", "token", "kind", "retry_after"),
    [
        ("500", TOKEN, "server", None),
        ("429", TOKEN, "rate_limited", 7.0),
        ("garbage", TOKEN, "contract", None),
        ("ok", "wrong-token", "auth", None),
        ("ok", None, "auth", None),
    ],
)
async def test_error_kinds_over_a_real_socket(server, fake, mode, token, kind, retry_after):
    fake.mode = mode
    async with OmnichannelClient(server[1], token=token) as client:
        with pytest.raises(SourceError) as info:
            await client.fetch_agents()
    assert (info.value.kind, info.value.retry_after) == (kind, retry_after)


async def test_timeout_over_a_real_socket(server, fake):
    fake.mode = "slow"
    async with OmnichannelClient(server[1], token=TOKEN, timeout=0.3) as client:
        t0 = time.monotonic()
        with pytest.raises(SourceError) as info:
            await client.fetch_agents()
        assert time.monotonic() - t0 < 1.5
    assert info.value.kind == "timeout"


async def test_connection_refused_is_a_network_error():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    async with OmnichannelClient(f"http://127.0.0.1:{port}/api/v1", timeout=2) as client:
        with pytest.raises(SourceError) as info:
            await client.fetch_agents()
    assert info.value.kind == "network"
    assert "cannot connect" in info.value.message


async def test_poller_recovers_when_the_server_does(server, fake):
    """A real poller on a real socket: 500s back off, then data flows again."""
    got: list[Any] = []
    errors: list[SourceError] = []
    fake.mode = "500"
    async with OmnichannelClient(server[1], token=TOKEN) as client:
        poller = Poller(
            "agents", client.fetch_agents, 0.05, got.append, errors.append, min_delay=0.01
        )
        task = asyncio.create_task(poller.run())
        for _ in range(200):
            if len(errors) >= 2:
                break
            await asyncio.sleep(0.01)
        assert got == [] and poller.freshness.level(datetime.now(UTC), 0.05) == "never"
        fake.mode = "ok"
        for _ in range(300):
            if got:
                break
            await asyncio.sleep(0.01)
        poller.stop()
        await asyncio.wait_for(task, timeout=3)
    assert got and got[0].agents[0].agent_id == "A0012"
    assert poller.freshness.consecutive_failures == 0
    assert {e.kind for e in errors} == {"server"}
