from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import datetime
from zoneinfo import ZoneInfo

import httpx
import pytest

from rtm_tui.clock import FrozenClock
from rtm_tui.simulator import FaultSpec, Simulator, make_asgi_app

JAKARTA = ZoneInfo("Asia/Jakarta")
# a Tuesday, mid-morning: the TL pagi is on duty
START = datetime(2026, 11, 24, 10, 0, tzinfo=JAKARTA)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(START)


@pytest.fixture
def sim(clock: FrozenClock) -> Simulator:
    return Simulator(agents=60, seed=7, clock=clock)


ClientFactory = Callable[..., httpx.AsyncClient]


@pytest.fixture
async def client_for() -> AsyncIterator[ClientFactory]:
    """In-process HTTP client on the simulator's ASGI app."""
    clients: list[httpx.AsyncClient] = []

    def make(
        sim: Simulator,
        token: str | None = None,
        faults: FaultSpec | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.AsyncClient:
        app = make_asgi_app(sim, token=token, faults=faults)
        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://sim/api/v1",
            headers=headers if headers is not None else {"Authorization": "Bearer any"},
        )
        clients.append(client)
        return client

    yield make
    for c in clients:
        await c.aclose()
