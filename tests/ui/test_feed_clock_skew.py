"""A platform whose clock is off: detected from `as_of`, corrected for timers and logins,
and the shift record keyed by the platform's own interval starts (issue 16)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import httpx
from app_helpers import JAKARTA, make_settings

from rtm_tui.clock import Clock, FrozenClock
from rtm_tui.domain.skew import ClockSkew, on_our_clock
from rtm_tui.domain.types import AgentsSnapshot, AgentState
from rtm_tui.simulator import Simulator, make_asgi_app
from rtm_tui.sources.client import OmnichannelClient
from rtm_tui.store import Store
from rtm_tui.ui.feed import Feed
from rtm_tui.ui.launch import SIM_BASE_URL, make_monitor


class Ahead(Clock):
    """The platform's clock: ours plus a fixed error."""

    def __init__(self, ours: FrozenClock, by: timedelta) -> None:
        super().__init__(ours.tz)
        self.ours, self.by = ours, by

    def now(self) -> datetime:
        return self.ours.now() + self.by


class Sink:
    def __init__(self) -> None:
        self.toasts: list[str] = []

    def post_message(self, message: object) -> bool:
        return True

    def notify(self, message: str, **kwargs: object) -> None:
        self.toasts.append(message)


def make_feed(at: datetime, ahead: timedelta, store: Store | None = None):  # type: ignore[no-untyped-def]
    settings = make_settings()
    ours = FrozenClock(at)
    sim = Simulator(agents=40, seed=7, clock=Ahead(ours, ahead), tz=settings.tz)
    client = OmnichannelClient(
        base_url=SIM_BASE_URL, transport=httpx.ASGITransport(app=make_asgi_app(sim))
    )
    feed = Feed(
        settings=settings, clock=ours, client=client, monitor=make_monitor(settings), store=store
    )
    sink = Sink()
    feed.attach(sink)  # type: ignore[arg-type]
    return feed, ours, sink


async def test_a_platform_ten_minutes_fast_is_detected_and_its_times_corrected() -> None:
    feed, ours, sink = make_feed(datetime(2026, 11, 24, 10, 0, tzinfo=JAKARTA), timedelta(minutes=10))
    await feed.pollers["roster"].poll_once()
    await feed.pollers["agents"].poll_once()
    assert feed.skew.offset == timedelta(minutes=10)
    assert any("+10:00" in toast for toast in sink.toasts)
    view = feed.last_view
    assert view is not None
    # every state began in the past on our clock: no timer is 10 minutes short
    assert all(r.state_since <= ours.now() for r in view.rows)
    assert any(r.state is not AgentState.LOGGED_OUT for r in view.rows)
    await feed.stop()


async def test_a_few_seconds_of_latency_is_not_skew() -> None:
    skew = ClockSkew()
    t = datetime(2026, 11, 24, 10, 0, tzinfo=JAKARTA)
    for i, latency in enumerate((0.3, 2.5, 0.1, 4.0)):
        sent = t + timedelta(seconds=2 * i)
        assert not skew.observe(sent, sent + timedelta(seconds=latency))
    assert skew.offset == timedelta(0)
    # 8 s ahead, measured through 0.2-3 s of latency: one offset, changed once
    changes = [
        skew.observe(t + timedelta(seconds=8 + 2 * i), t + timedelta(seconds=2 * i + lat))
        for i, lat in enumerate((0.2, 3.0, 1.0, 0.4))
    ]
    assert changes.count(True) == 1 and skew.offset == timedelta(seconds=8)
    snap = AgentsSnapshot(t, ())
    assert on_our_clock(snap, timedelta(0)) is snap


async def test_the_record_is_keyed_by_the_platforms_interval_start(tmp_path: Path) -> None:
    # the platform is 8 s ahead: at 09:59:59 on our clock its 10:00 interval has begun
    store = Store.open(tmp_path / "rtm.sqlite3")
    feed, ours, _ = make_feed(
        datetime(2026, 11, 24, 9, 58, 58, tzinfo=JAKARTA), timedelta(seconds=8), store
    )
    await feed.pollers["voice"].poll_once()
    first = feed.last_voice
    assert first is not None
    offered_0930 = sum(q.interval.offered for q in first.queues)
    ours.advance(61)
    await feed.pollers["voice"].poll_once()
    second = feed.last_voice
    assert second is not None
    assert max(q.interval_start for q in second.queues).hour == 10
    await feed.stop()
    records = {
        r.period_start.astimezone(JAKARTA).strftime("%H:%M"): r
        for r in store.interval_kpis(period="interval", scope="all", kpi="scr")
    }
    assert records["09:30"].counts["offered"] == offered_0930  # not the 10:00 interval's
    assert records["10:00"].counts["offered"] == sum(q.interval.offered for q in second.queues)
    store.close()


async def test_the_header_shows_the_skew_while_it_lasts() -> None:
    from app_helpers import screen_text, wait_for

    from rtm_tui.ui.launch import build_app

    settings = make_settings()
    ours = FrozenClock(datetime(2026, 11, 24, 10, 0, tzinfo=JAKARTA))
    sim = Simulator(agents=20, seed=7, clock=Ahead(ours, timedelta(minutes=10)), tz=settings.tz)
    client = OmnichannelClient(
        base_url=SIM_BASE_URL, transport=httpx.ASGITransport(app=make_asgi_app(sim))
    )
    app = build_app(settings, ours, client, demo=True, quiet=True)
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: "platform clock +10:00" in screen_text(app), timeout=10)
        # every timer on the board is measured on our clock: none runs negative
        assert app.view is not None
        assert all(r.state_since <= ours.now() for r in app.view.rows)
