"""Shared bits for the app tests: settings, clocks, the rendered screen as text."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from rich.console import Console
from textual.pilot import Pilot

from rtm_tui.clock import FrozenClock
from rtm_tui.config import Settings

JAKARTA = ZoneInfo("Asia/Jakarta")
SIZE = (160, 48)
# a Tuesday morning, inside TL shift pagi and the P1/P2 shifts
MORNING = datetime(2026, 11, 24, 9, 40, 0, tzinfo=JAKARTA)


def make_settings(**sections: Any) -> Settings:
    """Default settings with some sections replaced, e.g. site={"language": "id"}."""
    data: dict[str, Any] = {
        "site": {"name": "Contact Center Jakarta", "tl_name": "Rina"},
        # fast polls: tests run a few seconds
        "polling": {
            "agents_seconds": 0.5,
            "voice_seconds": 0.5,
            "nonvoice_seconds": 0.5,
            "roster_seconds": 5,
        },
        "ui": {"bell": True},
    }
    for name, value in sections.items():
        data[name] = {**data.get(name, {}), **value}
    return Settings.model_validate(data)


def frozen(at: datetime = MORNING) -> FrozenClock:
    return FrozenClock(at)


def screen_text(app: Any) -> str:
    """The screen as plain text, as the terminal would show it (styles dropped)."""
    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        record=True,
        color_system=None,
        legacy_windows=False,
        safe_box=False,
    )
    console.print(
        app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    )
    return console.export_text()


async def wait_for(pilot: Pilot[Any], condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Let the app run until `condition()` holds (fails the test after `timeout`)."""
    steps = int(timeout / 0.05)
    for _ in range(steps):
        if condition():
            await pilot.pause()
            return
        await pilot.pause(0.05)
    raise AssertionError(f"condition not met within {timeout} s")


# ---------------------------------------------------------------------- live apps


class Switchable(httpx.AsyncBaseTransport):
    """An httpx transport that can be cut like a network cable (ConnectError)."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.down = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            raise httpx.ConnectError("connection refused", request=request)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


def sim_app(
    settings: Settings | None = None,
    clock: Any | None = None,
    *,
    names: list[str] | None = None,
    store: Any | None = None,
    agents: int = 40,
    switch: bool = False,
    quiet: bool = True,
    restore_state: bool = True,
) -> tuple[Any, Any, Switchable | None]:
    """The real app on an in-process simulator. Returns (app, simulator, switch)."""
    from rtm_tui.simulator import Simulator, make_asgi_app
    from rtm_tui.sources.client import OmnichannelClient
    from rtm_tui.ui.launch import SIM_BASE_URL, build_app

    settings = settings or make_settings()
    clock = clock or frozen()
    sim = Simulator(agents=agents, seed=7, clock=clock, tz=settings.tz, names=names)
    transport: Any = httpx.ASGITransport(app=make_asgi_app(sim))
    cable = Switchable(transport) if switch else None
    client = OmnichannelClient(base_url=SIM_BASE_URL, transport=cable or transport)
    app = build_app(
        settings, clock, client, store=store, demo=True, quiet=quiet, restore_state=restore_state
    )
    return app, sim, cable


SOURCES = ("agents", "voice", "nonvoice", "roster")


async def wait_live(pilot: Pilot[Any], app: Any, sources: tuple[str, ...] = SOURCES) -> None:
    """Until every source has delivered once and the app has a view."""

    def ready() -> bool:
        pollers = app.feed.pollers
        return app.view is not None and all(
            pollers[s].freshness.last_success is not None for s in sources
        )

    await wait_for(pilot, ready, timeout=20)
