"""The feed on its own (no screen): the order sources answer in must not matter."""

from __future__ import annotations

from datetime import datetime

import httpx
from app_helpers import JAKARTA, MORNING, frozen, make_settings

from rtm_tui.domain.types import AlertKind, LoginStatus
from rtm_tui.simulator import Simulator, make_asgi_app
from rtm_tui.sources.client import OmnichannelClient
from rtm_tui.ui.feed import Feed
from rtm_tui.ui.launch import SIM_BASE_URL, make_monitor
from rtm_tui.ui.messages import MonitorUpdated, RosterChanged


class Collector:
    """Stands in for the app's message queue."""

    def __init__(self) -> None:
        self.messages: list[object] = []

    def post_message(self, message: object) -> bool:
        self.messages.append(message)
        return True

    def notify(self, *args: object, **kwargs: object) -> None:
        self.messages.append(args)


def make_feed(at: datetime = MORNING) -> tuple[Feed, Collector]:
    settings = make_settings()
    clock = frozen(at)
    sim = Simulator(agents=40, seed=7, clock=clock, tz=settings.tz)
    client = OmnichannelClient(
        base_url=SIM_BASE_URL, transport=httpx.ASGITransport(app=make_asgi_app(sim))
    )
    feed = Feed(settings=settings, clock=clock, client=client, monitor=make_monitor(settings))
    sink = Collector()
    feed.attach(sink)  # type: ignore[arg-type]  # the test drives the pollers
    return feed, sink


def attendance_alerts(feed: Feed) -> set[str]:
    assert feed.last_view is not None
    return {a.key for a in feed.last_view.open_alerts if a.kind is AlertKind.ATTENDANCE}


async def test_a_roster_before_the_first_agents_does_not_make_everyone_absent() -> None:
    roster_first, sink = make_feed()
    await roster_first.pollers["roster"].poll_once()
    assert any(isinstance(m, RosterChanged) for m in sink.messages)
    assert not attendance_alerts(roster_first)  # no logins known yet: nobody is absent
    await roster_first.pollers["agents"].poll_once()

    agents_first, _ = make_feed()
    await agents_first.pollers["agents"].poll_once()
    await agents_first.pollers["roster"].poll_once()

    assert attendance_alerts(roster_first) == attendance_alerts(agents_first)
    rows = {r.agent_id: r.login_status for r in roster_first.last_view.rows}
    assert rows == {r.agent_id: r.login_status for r in agents_first.last_view.rows}
    await roster_first.stop()
    await agents_first.stop()


async def test_each_answer_posts_one_update_and_a_freshness() -> None:
    feed, sink = make_feed()
    await feed.pollers["roster"].poll_once()
    sink.messages.clear()
    await feed.pollers["agents"].poll_once()
    await feed.pollers["voice"].poll_once()
    updates = [m for m in sink.messages if isinstance(m, MonitorUpdated)]
    assert len(updates) == 2
    assert updates[-1].interval_minutes == 30
    assert {k.kpi for k in updates[-1].view.kpis} >= {"scr", "aht"}
    await feed.stop()


async def test_first_agents_wait_for_the_roster_so_night_shifts_keep_their_workday() -> None:
    """At 02:45 the M1 agents logged in at about 22:00 yesterday: whichever source
    answers first, they are judged against yesterday's shift, not as hours late."""
    night = datetime(2026, 11, 25, 2, 45, tzinfo=JAKARTA)
    results = []
    for order in (("agents", "roster"), ("roster", "agents")):
        feed, sink = make_feed(night)
        for source in order:
            await feed.pollers[source].poll_once()
        assert feed.last_view is not None
        night_rows = [
            r
            for r in feed.last_view.rows
            if r.roster is not None and r.roster.shift_code == "M1" and r.first_login_at
        ]
        assert night_rows, "the simulator has agents on the night shift"
        for row in night_rows:
            assert row.roster is not None and row.roster.date == night.date().replace(day=24)
            assert row.login_status in (LoginStatus.ON_TIME, LoginStatus.LATE)
            assert row.late_by is None or row.late_by.total_seconds() < 3600, row
        results.append({r.agent_id: r.login_status for r in feed.last_view.rows})
        await feed.stop()
    assert results[0] == results[1]


async def test_a_failed_roster_does_not_hold_the_agents_back() -> None:
    feed, sink = make_feed()
    await feed.pollers["agents"].poll_once()
    assert not any(isinstance(m, MonitorUpdated) for m in sink.messages)  # waits for the roster
    feed._on_error("roster", RuntimeError("roster endpoint down"))
    updates = [m for m in sink.messages if isinstance(m, MonitorUpdated)]
    assert updates and updates[-1].view.rows
    await feed.stop()
