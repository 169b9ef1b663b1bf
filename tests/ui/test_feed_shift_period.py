"""The TL shift so far survives a restart: the feed seeds the monitor with today's
recorded intervals (issue 9, "shift to date")."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import httpx
from app_helpers import JAKARTA, make_settings

from rtm_tui.clock import FrozenClock
from rtm_tui.simulator import Simulator, make_asgi_app
from rtm_tui.sources.client import OmnichannelClient
from rtm_tui.store import Store
from rtm_tui.ui.feed import Feed
from rtm_tui.ui.launch import SIM_BASE_URL, make_monitor


class Sink:
    def post_message(self, message: object) -> bool:
        return True

    def notify(self, *args: object, **kwargs: object) -> None:
        pass


def feed_on(sim: Simulator, clock: FrozenClock, store: Store) -> Feed:
    settings = make_settings()
    client = OmnichannelClient(
        base_url=SIM_BASE_URL, transport=httpx.ASGITransport(app=make_asgi_app(sim))
    )
    feed = Feed(
        settings=settings, clock=clock, client=client, monitor=make_monitor(settings), store=store
    )
    feed.attach(Sink())  # type: ignore[arg-type]
    return feed


def offered(feed: Feed, period: str) -> float:
    view = feed.last_view
    assert view is not None
    return next(
        k.counts["offered"]
        for k in view.kpis
        if (k.kpi, k.scope, k.period) == ("scr", "all", period)
    )


async def test_after_a_restart_the_tl_shift_still_counts_from_its_start(tmp_path: Path) -> None:
    clock = FrozenClock(datetime(2026, 11, 24, 7, 29, 50, tzinfo=JAKARTA))
    sim = Simulator(agents=40, seed=7, clock=clock, tz=JAKARTA)
    store = Store.open(tmp_path / "rtm.sqlite3")
    first = feed_on(sim, clock, store)
    await first.pollers["voice"].poll_once()
    first_interval = offered(first, "interval")  # 07:00-07:30, nearly closed
    clock.advance(30 * 60)  # 07:59:50
    await first.pollers["voice"].poll_once()
    second_interval = offered(first, "interval")  # 07:30-08:00
    assert offered(first, "shift") == first_interval + second_interval
    await first.stop()  # rtm is closed ...

    clock.advance(15 * 60)  # ... and opened again at 08:14:50
    second = feed_on(sim, clock, store)
    await second.pollers["voice"].poll_once()
    now = offered(second, "interval")
    assert (
        offered(second, "shift") == first_interval + second_interval + now
    )  # not only since the restart
    assert second.monitor.shift_since().hour == 7
    await second.stop()
    store.close()
