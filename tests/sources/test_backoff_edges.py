"""Hostile servers at the edges of backoff: absurd or useless Retry-After values, bodies
over the size cap, gzip bombs. The server is an `httpx.MockTransport` (or a streamed
body behind it) in front of the real client and the real poller; only the jitter
is injected (the poller's `rng`), and `poll_once()` returns the wait it chose, so waits
are measured, not slept."""

from __future__ import annotations

import asyncio
import gzip
import json
import random
import tracemalloc
import zlib
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import httpx
import pytest

from rtm_tui.sources import client as client_module
from rtm_tui.sources.client import OmnichannelClient, SourceError
from rtm_tui.sources.pollers import MAX_RETRY_AFTER_SECONDS, Poller

BASE = "https://omni.example/api/v1"


class TopOfWindow(random.Random):
    """Jitter that always picks the top of the window: backoff waits are then exactly
    the ceilings interval * 2**n, so "growing" can be asserted without flakiness."""

    def uniform(self, a: float, b: float) -> float:
        return b


async def poll_waits(
    handler: Callable[[httpx.Request], Any], polls: int, interval: float = 2.0
) -> tuple[list[float], list[SourceError], int]:
    """A real poller on a real client against `handler`, for `polls` fetches. Returns
    the wait the poller chose after each fetch, the errors, and how many requests came."""
    requests = 0

    async def counting(request: httpx.Request) -> Any:
        nonlocal requests
        requests += 1
        result = handler(request)
        return await result if asyncio.iscoroutine(result) else result

    waits: list[float] = []
    errors: list[SourceError] = []
    async with OmnichannelClient(BASE, transport=httpx.MockTransport(counting)) as client:
        poller: Poller[Any] = Poller(
            "agents",
            client.fetch_agents,
            interval,
            lambda _: None,
            errors.append,
            rng=TopOfWindow(),
            backoff_cap=60,
        )
        for _ in range(polls):
            waits.append(await poller.poll_once())
    return waits, errors, requests


# --------------------------------------------------------------------------- Retry-After


async def test_huge_retry_after_waits_five_minutes_not_an_hour():
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(429, headers={"Retry-After": "999999999"})

    waits, errors, _ = await poll_waits(handler, polls=2)
    assert MAX_RETRY_AFTER_SECONDS == 300.0
    assert waits == [300.0, 300.0]
    assert errors[0].kind == "rate_limited" and errors[0].retry_after == 999999999.0


async def test_huge_retry_after_never_shortens_a_long_interval():
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(503, headers={"Retry-After": "999999999"})

    waits, *_ = await poll_waits(handler, polls=1, interval=900)
    assert waits == [900.0]  # a roster polled every 15 min is not polled sooner


async def test_retry_now_ends_a_retry_after_wait():
    """A source told to wait (capped at 5 min) polls again at once on `poll_now()`: the
    wait is a real asyncio sleep here, the test would time out if it were not cut."""
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return httpx.Response(429, headers={"Retry-After": "999999999"})

    async with OmnichannelClient(BASE, transport=httpx.MockTransport(handler)) as client:
        poller: Poller[Any] = Poller("agents", client.fetch_agents, 2, lambda _: None)
        task = asyncio.create_task(poller.run())
        for _ in range(100):
            if poller.next_delay is not None:
                break
            await asyncio.sleep(0.01)
        assert poller.next_delay == 300.0 and calls == 1
        assert poller.poll_now() is True
        for _ in range(100):
            if calls == 2:
                break
            await asyncio.sleep(0.01)
        poller.stop()
        await asyncio.wait_for(task, timeout=2)
    assert calls == 2


def _past_date() -> str:
    return format_datetime(datetime.now(UTC) - timedelta(minutes=10), usegmt=True)


@pytest.mark.parametrize(
    ("status", "retry_after"),
    [
        (429, "-5"),
        (429, "0"),
        (503, "0"),
        (503, "-5"),
        (429, "past"),
        (503, "past"),
    ],
)
async def test_useless_retry_after_falls_back_to_growing_backoff(status, retry_after):
    value = _past_date() if retry_after == "past" else retry_after

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, headers={"Retry-After": value})

    waits, errors, requests = await poll_waits(handler, polls=5, interval=2)
    # backoff ceilings 2*2**n (top of the jitter window), not 0 s and not the interval
    assert waits == [4.0, 8.0, 16.0, 32.0, 60.0]
    assert requests == 5
    assert all(e.retry_after is None for e in errors)
    assert {e.kind for e in errors} <= {"rate_limited", "server"}


# --------------------------------------------------------------------------- bodies over the cap

CAP = 1024 * 1024  # the tests shrink the 64 MiB cap to 1 MiB (a module constant)
CHUNK = 64 * 1024  # what one network read brings


class Endless(httpx.AsyncByteStream):
    """A response body the server would go on sending for ever; counts what was read."""

    def __init__(self, counter: list[int], chunks: Any) -> None:
        self.counter = counter
        self.chunks = chunks

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self.chunks:
            self.counter[0] += len(chunk)
            yield chunk


def zeros() -> Any:
    while True:
        yield b" " * CHUNK


def gzip_bomb(decoded: int = 256 * CAP) -> bytes:
    """`decoded` bytes of JSON-ish whitespace, gzipped (about 1000:1)."""
    pack = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = b" " * CAP
    out = [pack.compress(block) for _ in range(decoded // CAP)]
    return b"".join([*out, pack.flush()])


BACKOFF = [4.0, 8.0, 16.0, 32.0, 60.0]  # interval 2 s, cap 60 s, top of the jitter window


async def test_oversized_streamed_body_backs_off_and_reads_at_most_the_cap(monkeypatch):
    monkeypatch.setattr(client_module, "MAX_RESPONSE_BYTES", CAP)
    sent = [0]

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, stream=Endless(sent, zeros()))  # chunked: no length

    waits, errors, requests = await poll_waits(handler, polls=5)
    assert waits == BACKOFF  # not every 2 s
    assert {(e.kind, e.message) for e in errors} == {
        ("server", "response larger than 1 MB, refused")
    }
    assert sent[0] <= requests * (CAP + CHUNK)  # each fetch stopped at the cap


async def test_content_length_over_the_cap_is_refused_before_reading():
    sent = [0]

    def handler(request: httpx.Request) -> httpx.Response:
        too_big = str(client_module.MAX_RESPONSE_BYTES + 1)  # the real 64 MiB cap
        return httpx.Response(
            200, headers={"Content-Length": too_big}, stream=Endless(sent, zeros())
        )

    waits, errors, _ = await poll_waits(handler, polls=5)
    assert sent[0] == 0  # not one byte of it read
    assert client_module.MAX_RESPONSE_BYTES == 64 * 2**20
    assert waits == BACKOFF
    assert errors[0].message == "response larger than 64 MB, refused"


async def test_gzip_bomb_stops_at_the_cap_backs_off_then_gzip_still_works(monkeypatch, agents_doc):
    monkeypatch.setattr(client_module, "MAX_RESPONSE_BYTES", CAP)
    bomb = gzip_bomb()
    good = gzip.compress(json.dumps(agents_doc).encode())
    sent = [0]
    asked: list[str] = []
    serve_bomb = True

    def handler(request: httpx.Request) -> httpx.Response:
        asked.append(request.headers.get("accept-encoding", ""))
        body = bomb if serve_bomb else good
        pieces = (body[i : i + CHUNK] for i in range(0, len(body), CHUNK))
        return httpx.Response(
            200, headers={"Content-Encoding": "gzip"}, stream=Endless(sent, pieces)
        )

    tracemalloc.start()
    try:
        waits, errors, requests = await poll_waits(handler, polls=5)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # 256 MB inflated would be 256 MB allocated; the cap keeps it to the cap and a bit
    assert peak < 4 * CAP, f"peak {peak / 2**20:.1f} MiB"
    assert sent[0] < requests * (CAP // 100 + CHUNK)  # the bomb was not read to its end
    assert waits == BACKOFF
    assert {e.message for e in errors} == {"response larger than 1 MB, refused"}
    assert set(asked) == {"gzip"}  # the only encoding decoded under the cap

    serve_bomb = False  # the server is fixed: an ordinary gzipped answer decodes
    async with OmnichannelClient(BASE, transport=httpx.MockTransport(handler)) as client:
        snap = await client.fetch_agents()
    assert [a.agent_id for a in snap.agents] == ["A0012", "A0013", "A0014"]
