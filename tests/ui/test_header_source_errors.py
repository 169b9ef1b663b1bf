"""The real app on the in-process simulator told to refuse us: 401s named in the header
(English and Indonesian), and the sources screen's `r` ending a Retry-After wait."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from app_helpers import SIZE, frozen, make_settings, screen_text, wait_for

from rtm_tui.simulator import Simulator, make_asgi_app
from rtm_tui.simulator.faults import FaultSpec
from rtm_tui.sources.client import OmnichannelClient
from rtm_tui.ui.header import FreshnessScreen
from rtm_tui.ui.i18n import set_language
from rtm_tui.ui.launch import SIM_BASE_URL, build_app

SOURCES = ("agents", "voice", "nonvoice")
PATHS = {"agents": "/agents", "voice": "/queues/voice", "nonvoice": "/queues/nonvoice"}


@pytest.fixture(autouse=True)
def back_to_english() -> Iterator[None]:
    yield
    set_language("en")  # the language is process-wide


class Counting(httpx.AsyncBaseTransport):
    """Passes requests to the simulator and counts them per path."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.paths: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.paths.append(request.url.path)
        return await self.inner.handle_async_request(request)

    def count(self, endpoint: str) -> int:
        return sum(1 for p in self.paths if p.endswith(endpoint))


def refusing_app(
    *, token: str = "right", faults: FaultSpec | None = None, language: str = "en"
) -> tuple[Any, Counting]:
    settings = make_settings(site={"language": language})
    clock = frozen()
    sim = Simulator(agents=20, seed=7, clock=clock, tz=settings.tz)
    transport = Counting(httpx.ASGITransport(app=make_asgi_app(sim, token="right", faults=faults)))
    client = OmnichannelClient(base_url=SIM_BASE_URL, token=token, transport=transport)
    return build_app(settings, clock, client, demo=True, quiet=True), transport


def header_line(app: Any) -> str:
    return screen_text(app).splitlines()[1]


def rejected(app: Any) -> bool:
    return all(app.feed.pollers[s].freshness.last_error_kind == "auth" for s in SOURCES)


@pytest.mark.parametrize(
    ("language", "words"),
    [("en", "credentials rejected"), ("id", "kredensial ditolak")],
)
async def test_header_says_credentials_rejected_on_401(language, words):
    app, _ = refusing_app(token="wrong", language=language)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: rejected(app))
        await pilot.pause(1.1)  # one tick redraws the header
        line = header_line(app)
    agents = "agen" if language == "id" else "agents"
    assert f"{agents} {words}" in line, line
    assert line.count(words) >= 3  # agents, voice, non-voice: not "no data yet"/"stale"


async def test_sources_screen_r_ends_a_capped_retry_after_wait():
    """Every answer is 429 with `Retry-After: 999999999`: the pollers wait (5 min), and
    `r` on the sources screen makes each of them ask again at once."""
    app, transport = refusing_app(faults=FaultSpec(rate_limited=1.0, retry_after=999999999))
    async with app.run_test(size=SIZE) as pilot:
        pollers = app.feed.pollers
        await wait_for(pilot, lambda: all(pollers[s].next_delay for s in SOURCES))
        assert {pollers[s].next_delay for s in SOURCES} == {300.0}
        before = {s: transport.count(PATHS[s]) for s in SOURCES}
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, FreshnessScreen)
        assert "r: retry every source now" in screen_text(app)
        await pilot.press("r")
        await wait_for(
            pilot,
            lambda: all(transport.count(PATHS[s]) > before[s] for s in SOURCES),
            timeout=3,  # not 300 s
        )
        await pilot.pause(0.2)
        assert isinstance(app.screen, FreshnessScreen)  # r did not open the plan form
        after = {s: transport.count(PATHS[s]) for s in SOURCES}
    assert after == {s: n + 1 for s, n in before.items()}  # one retry each, then waiting again
