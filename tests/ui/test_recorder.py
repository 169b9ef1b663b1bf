"""The shift record written off the event loop (issue 12, "No stalls"): the real Feed on
the in-process simulator, a real SQLite file, writes through the Recorder's thread."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from app_helpers import MORNING, frozen, make_settings

from rtm_tui.app.recorder import Recorder, dumps_state
from rtm_tui.clock import FrozenClock
from rtm_tui.domain.types import Alert
from rtm_tui.simulator import Simulator, make_asgi_app
from rtm_tui.sources.client import OmnichannelClient
from rtm_tui.store import Store, StoreError
from rtm_tui.ui.feed import Feed
from rtm_tui.ui.launch import SIM_BASE_URL, make_monitor
from rtm_tui.ui.messages import MonitorUpdated


class Sink:
    """Stands in for the app: messages and toasts."""

    def __init__(self) -> None:
        self.alerts: list[Alert] = []
        self.toasts: list[str] = []

    def post_message(self, message: object) -> bool:
        if isinstance(message, MonitorUpdated):
            self.alerts.extend(message.view.new_alerts)
        return True

    def notify(self, message: str, **kwargs: object) -> None:
        self.toasts.append(message)


def make_feed(store: Any, at: datetime = MORNING) -> tuple[Feed, FrozenClock, Sink]:
    settings = make_settings()
    clock = frozen(at)
    sim = Simulator(agents=40, seed=7, clock=clock, tz=settings.tz)
    client = OmnichannelClient(
        base_url=SIM_BASE_URL, transport=httpx.ASGITransport(app=make_asgi_app(sim))
    )
    feed = Feed(
        settings=settings, clock=clock, client=client, monitor=make_monitor(settings), store=store
    )
    sink = Sink()
    feed.attach(sink)  # type: ignore[arg-type]  # the test drives the pollers
    return feed, clock, sink


def on_board(feed: Feed) -> set[str]:
    assert feed.last_view is not None
    return {r.agent_id for r in feed.last_view.rows}


async def poll_all(feed: Feed, clock: FrozenClock, rounds: int = 3) -> None:
    await feed.pollers["roster"].poll_once()
    for _ in range(rounds):
        for source in ("agents", "voice", "nonvoice"):
            await feed.pollers[source].poll_once()
        clock.advance(2)


@pytest.fixture
def store(tmp_path: Path):  # type: ignore[no-untyped-def]
    s = Store.open(tmp_path / "rtm.sqlite3", busy_timeout=0.5)
    yield s
    s.close()


class Flaky:
    """The real store, with one write failing its first `fails` calls."""

    def __init__(self, store: Store, method: str, fails: int, error: Exception) -> None:
        self._store, self._method, self.fails, self.error = store, method, fails, error
        self.calls = 0

    def __getattr__(self, name: str) -> Any:
        real = getattr(self._store, name)
        if name != self._method:
            return real

        def call(*args: Any) -> Any:
            self.calls += 1
            if self.calls <= self.fails:
                raise self.error
            return real(*args)

        return call


async def test_the_records_land_after_a_drain(store: Store) -> None:
    feed, clock, sink = make_feed(store)
    await poll_all(feed, clock)
    assert feed.recorder is not None
    assert await feed.recorder.drain(5.0)
    day = clock.now().astimezone(feed.tz).date()
    events = store.agent_events(day=day)
    assert {e.agent_id for e in events} == on_board(feed)
    assert store.interval_kpis(day=day, period="interval", scope="all", kpi="scr")
    assert store.interval_kpis(day=day, period="today", scope="all", kpi="scr")
    assert sink.alerts, "the morning's absences raise alerts"
    assert {a.alert.key for a in store.alerts(day=day)} == {a.key for a in sink.alerts}
    saved = store.load_monitor_state(day)  # the first one: saved again once a minute
    assert saved is not None and json.loads(saved)["version"]
    assert store.load_roster(day) is not None
    assert feed.store_error is None and not sink.toasts
    # a poll's records are one flush, not one transaction per record
    assert feed.recorder.flushes <= 3 * 3 + 2
    await feed.stop()


async def test_an_acknowledgement_lands_after_its_alert(store: Store) -> None:
    feed, clock, sink = make_feed(store)
    await poll_all(feed, clock, rounds=1)
    key = sink.alerts[0].key
    feed.acknowledge(key)  # likely in the same batch as the alert itself
    await feed.stop()
    day = clock.now().astimezone(feed.tz).date()
    acked = [a for a in store.alerts(day=day) if a.alert.key == key]
    assert acked and all(a.acknowledged_at is not None for a in acked)


@pytest.mark.parametrize(
    "error",
    [StoreError("disk_full", "could not record agent events: the disk is full"), OSError("eio")],
)
async def test_a_write_that_raises_is_reported_once_and_retried(
    store: Store, error: Exception
) -> None:
    flaky = Flaky(store, "record_agent_events", fails=2, error=error)
    feed, clock, sink = make_feed(flaky)
    assert feed.recorder is not None
    feed.recorder.retry_seconds = 0.05
    await poll_all(feed, clock, rounds=1)  # raises nothing into the pollers
    for _ in range(200):
        await asyncio.sleep(0.01)
        if flaky.calls >= 1 and feed.store_error is not None:
            break
    assert feed.store_error == str(error)
    assert sink.toasts == [str(error)]  # said once, not at every failed flush
    assert await feed.recorder.drain(5.0)
    await asyncio.sleep(0)  # the report of the good flush reaches the loop
    assert flaky.calls == 3 and feed.store_error is None
    assert len(sink.toasts) == 1
    day = clock.now().astimezone(feed.tz).date()
    # the events of the failed flushes were kept for the next one
    assert {e.agent_id for e in store.agent_events(day=day)} == on_board(feed)
    await feed.stop()


async def test_a_write_that_keeps_raising_a_bug_does_not_hold_the_rest(store: Store) -> None:
    flaky = Flaky(store, "record_roster", fails=10**6, error=TypeError("a bug"))
    feed, clock, sink = make_feed(flaky)
    assert feed.recorder is not None
    feed.recorder.retry_seconds = 0.01
    await poll_all(feed, clock, rounds=1)
    assert await feed.recorder.drain(5.0)  # the roster was given up on after 3 tries
    day = clock.now().astimezone(feed.tz).date()
    assert store.agent_events(day=day) and store.alerts(day=day)
    # today's roster and yesterday's (overnight shifts): each given up on
    assert feed.recorder.dropped == 2 and store.load_roster(day) is None
    await feed.stop()


async def test_a_locked_database_does_not_block_a_poll(store: Store, tmp_path: Path) -> None:
    feed, clock, sink = make_feed(store)
    await poll_all(feed, clock, rounds=1)  # warm: the first polls import and compile
    assert feed.recorder is not None and await feed.recorder.drain(5.0)
    other = sqlite3.connect(tmp_path / "rtm.sqlite3", isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    slowest = 0.0
    stall = 0.0
    try:
        for _ in range(4):  # 4 rounds of polls, and a state save, over > 1 busy timeout
            clock.advance(61)  # KPIs and the monitor state are due every round
            for source in ("agents", "voice", "nonvoice"):
                client = feed.pollers[source]
                data = await client._fetch()  # the fetch is not the callback's
                started = time.perf_counter()
                feed.pollers[source]._on_data(data)
                slowest = max(slowest, time.perf_counter() - started)
            for _ in range(20):  # the loop keeps running while the writer waits
                t0 = time.perf_counter()
                await asyncio.sleep(0.01)
                stall = max(stall, time.perf_counter() - t0 - 0.01)
        assert feed.store_error is not None and "busy" in feed.store_error
        assert sink.toasts == [feed.store_error]
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert slowest < 0.05, f"a poll callback took {slowest * 1000:.0f} ms"
    assert stall < 0.05, f"the event loop stalled {stall * 1000:.0f} ms"
    assert await feed.recorder.drain(10.0)
    await asyncio.sleep(0)
    assert feed.store_error is None
    day = clock.now().astimezone(feed.tz).date()
    last_state = json.loads(store.load_monitor_state(day) or "{}")
    exported = json.loads(dumps_state(feed.monitor.export_state()))
    assert last_state["agents"] == exported["agents"]
    # alerts follow their condition with every poll (a KPI's value), after the state
    # was saved with the agents poll: the same alerts
    assert [a["key"] for a in last_state["alerts"]] == [a["key"] for a in exported["alerts"]]
    await feed.stop()


async def test_stop_drains_what_is_queued(store: Store) -> None:
    feed, clock, sink = make_feed(store)
    await poll_all(feed, clock)
    clock.advance(30)
    await feed.pollers["agents"].poll_once()
    await feed.stop()  # no drain before: stop writes what is queued
    assert feed.recorder is not None and feed.recorder.unwritten == 0
    day = clock.now().astimezone(feed.tz).date()
    saved = store.load_monitor_state(day)
    assert saved is not None
    assert json.loads(saved) == json.loads(dumps_state(feed.monitor.export_state()))
    assert {e.agent_id for e in store.agent_events(day=day)} == on_board(feed)
    interval_start = max(q.interval_start for q in feed.last_voice.queues)  # type: ignore[union-attr]
    kpis = store.interval_kpis(day=day, since=interval_start, period="interval", kpi="scr")
    assert kpis
    # later writes are dropped, not written into a closing store
    feed.recorder.record_roster(feed.roster)  # type: ignore[arg-type]
    assert feed.recorder.dropped == 1


async def test_stop_gives_up_on_a_locked_database_in_bounded_time(
    store: Store, tmp_path: Path
) -> None:
    reports: list[str | None] = []
    recorder = Recorder(store, report=reports.append, retry_seconds=0.05)
    other = sqlite3.connect(tmp_path / "rtm.sqlite3", isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        recorder.record_roster(_roster())
        started = time.perf_counter()
        assert not await recorder.stop(timeout=0.3)
        took = time.perf_counter() - started
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert took < 0.3 + 0.5 + 1.5  # the deadline, one busy timeout, and slack
    assert recorder.unwritten == 1
    await asyncio.sleep(0)
    assert reports and reports[-1] == "1 shift records could not be written before exit"


def _roster():  # type: ignore[no-untyped-def]
    from rtm_tui.domain.types import Roster

    return Roster(MORNING.date(), ())


async def test_the_state_text_is_json_dumps_made_in_pieces(store: Store) -> None:
    feed, clock, _ = make_feed(store)
    await poll_all(feed, clock)
    state = feed.monitor.export_state()
    assert dumps_state(state) == json.dumps(state, separators=(",", ":"))
    odd = {"a": [1.5, float("nan"), None, {"x": [True]}], 3: "int key", "b": {}}
    assert dumps_state(odd) == json.dumps(odd, separators=(",", ":"))
    await feed.stop()
