"""The plan series (rtm_plans, rtm_plans_overdue, rtm_plans_up) come from the app's own
store, on a SQLite file and on a shared PostgreSQL database (a real server): plans filed by
this rtm and by another TL's rtm on the same database are in the scraped counts within one
refresh. The expected numbers are worked out here from what the test filed."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

import pytest
from app_helpers import MORNING, SIZE, frozen, wait_live
from metrics_helpers import metrics_app, metrics_settings, samples, scrape, value

from rtm_tui.app.metrics import MetricsHub, MetricsServer
from rtm_tui.domain.plans import PlanAction, RecoveryPlan, RootCause, Verdict, Verification
from rtm_tui.store import Store, StoreError

STATUSES = ("open", "in_progress", "done", "verified")


def plan(tl: str, due: timedelta) -> RecoveryPlan:
    """A plan filed three hours before MORNING whose one action is due at MORNING + `due`."""
    at = MORNING - timedelta(hours=3)
    return RecoveryPlan(
        created_at=at,
        date=at.date(),
        tl_shift="pagi",
        interval_start=at,
        kpi="scr",
        scope="all",
        sla=95.0,
        slg=90.0,
        actual=80.0,
        root_cause=RootCause.VOLUME_SPIKE,
        analysis="spike",
        actions=(PlanAction("move agents to voice", tl, MORNING + due),),
        tl_name=tl,
    )


class Filed:
    """What the test filed and moved: (due, status) by plan id, and the counts they make."""

    def __init__(self) -> None:
        self.plans: dict[int, tuple[timedelta, str]] = {}

    def file(self, store: Store, tl: str, due: timedelta) -> int:
        saved = store.save_plan(plan(tl, due), tl)
        assert saved.id is not None
        self.plans[saved.id] = (due, "open")
        return saved.id

    def move(self, store: Store, plan_id: int, *steps: str) -> None:
        for status in steps:
            if status == "verified":
                verification = Verification(
                    value=None,
                    period="interval",
                    read_at=MORNING,
                    verdict=Verdict.NOT_ACHIEVED,
                    by="Sari",
                    note="checked",
                )
                store.verify(plan_id, verification, MORNING)
            else:
                store.set_status(plan_id, status, "Budi", MORNING)
            self.plans[plan_id] = (self.plans[plan_id][0], status)

    def expected(self) -> tuple[dict[str, int], int]:
        """(plans by status, overdue at MORNING: not verified and due before it)."""
        by_status = dict.fromkeys(STATUSES, 0)
        overdue = 0
        for due, status in self.plans.values():
            by_status[status] += 1
            overdue += status != "verified" and due < timedelta(0)
        return by_status, overdue


def scraped_counts(body: str) -> tuple[float, dict[str, int], int] | None:
    """(rtm_plans_up, by status, overdue) as served; None before the first count."""
    series = samples(body)
    if not any(name == "rtm_plans" for name, _, _ in series):
        return None
    by_status = {ls["status"]: int(v) for name, ls, v in series if name == "rtm_plans"}
    return value(body, "rtm_plans_up"), by_status, int(value(body, "rtm_plans_overdue"))


async def until_served(url: str, by_status: dict[str, int], overdue: int, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    got = None
    while time.monotonic() < deadline:
        got = scraped_counts(await asyncio.to_thread(scrape, url))
        if got == (1.0, by_status, overdue):
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"served {got}, expected up 1, {by_status}, overdue {overdue}")


async def test_plans_filed_in_either_rtm_on_the_database_are_in_the_scraped_counts(
    store_url,
) -> None:
    url, password = store_url
    pagi = Store.open_url(url, password=password)  # this rtm's store
    siang = Store.open_url(url, password=password)  # another TL's rtm on the same database
    filed = Filed()
    late = filed.file(pagi, "Rina", -timedelta(hours=1))
    moving = filed.file(pagi, "Rina", -timedelta(minutes=30))
    filed.move(pagi, moving, "in_progress")
    filed.file(pagi, "Rina", timedelta(hours=1))  # not due yet
    theirs = filed.file(siang, "Budi", -timedelta(hours=2))
    filed.move(siang, theirs, "in_progress", "done")
    by_status, overdue = filed.expected()
    assert (by_status, overdue) == ({"open": 2, "in_progress": 1, "done": 1, "verified": 0}, 3)
    settings = metrics_settings()
    # wired as `rtm run` does: the app's store, once open, counted every 0.2 s here
    app, _sim, server = metrics_app(settings, agents=10, store=pagi, plans_every=0.2)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await wait_live(pilot, app)
            await until_served(server.url, by_status, overdue)
            assert app.overdue_count == overdue  # the header says the same
            # the other rtm files, moves and verifies: served within one refresh
            filed.file(siang, "Budi", -timedelta(minutes=10))
            filed.move(siang, theirs, "verified")
            filed.move(siang, late, "in_progress")
            by_status, overdue = filed.expected()
            assert (by_status, overdue) == (
                {"open": 2, "in_progress": 2, "done": 0, "verified": 1},
                3,
            )
            await until_served(server.url, by_status, overdue)
    finally:
        server.stop()
        pagi.close()
        siang.close()


def test_a_store_that_is_down_reads_as_plans_up_0_and_is_reopened_by_the_app(own_server) -> None:
    """The plans thread never opens a connection: while the server is down it says
    rtm_plans_up 0 (the last counts kept) without trying, and counts again once the app's
    own use of the store has it back."""
    store = Store.open_url(own_server.url(), password=own_server.password, busy_timeout=1)
    filed = Filed()
    filed.file(store, "Rina", -timedelta(hours=1))
    hub = MetricsHub()
    server = MetricsServer(
        hub, "127.0.0.1", 0, site="S", clock=frozen(), store=store, plans_every=3600
    )
    server.start()
    try:
        deadline = time.monotonic() + 10
        while hub.plans_ok is not True and time.monotonic() < deadline:
            time.sleep(0.05)  # the thread's first read
        assert scraped_counts(scrape(server.url)) == (1.0, *filed.expected())
        own_server.stop()
        with pytest.raises(StoreError):
            store.list_plans()  # the app's next use finds the server gone
        assert store.health == "unavailable"
        own_server.start()
        server.refresh_plans()
        assert store.health == "unavailable"  # not reconnected by the metrics
        up, by_status, overdue = scraped_counts(scrape(server.url)) or (None, {}, 0)
        assert (up, by_status, overdue) == (0.0, *filed.expected())
        store.list_plans()  # the app's use opens it again
        filed.file(store, "Rina", -timedelta(minutes=5))
        server.refresh_plans()
        assert scraped_counts(scrape(server.url)) == (1.0, *filed.expected())
    finally:
        server.stop()
        store.close()
