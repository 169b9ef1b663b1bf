"""The app with a real SQLite store: plans (r, p), overdue plans, the shift record,
the monitor state across a restart."""

from __future__ import annotations

from datetime import timedelta

import pytest
from app_helpers import MORNING, SIZE, screen_text, sim_app, wait_for, wait_live

from rtm_tui.domain.plans import PlanAction, RecoveryPlan, RootCause
from rtm_tui.store import Store
from rtm_tui.ui.gauges import KpiGauge
from rtm_tui.ui.plan_form import RecoveryPlanForm
from rtm_tui.ui.plans_screen import PlansScreen


@pytest.fixture
def store(tmp_path):
    s = Store.open(tmp_path / "rtm.sqlite3")
    yield s
    s.close()


def overdue_plan(hours_ago: float = 2) -> RecoveryPlan:
    at = MORNING - timedelta(hours=hours_ago + 1)
    return RecoveryPlan(
        created_at=at,
        date=at.date(),
        tl_shift="pagi",
        interval_start=at,
        kpi="abandon",
        scope="all",
        actual=12.5,
        root_cause=RootCause.EXCESS_AUX,
        analysis="too many agents in AUX",
        actions=(PlanAction("Recall agents from AUX", "Rina", MORNING - timedelta(hours=hours_ago)),),
        tl_name="Rina",
    )


async def test_r_on_a_gauge_opens_a_plan_for_that_kpi(store) -> None:
    app, _sim, _ = sim_app(store=store)
    async with app.run_test(size=SIZE) as pilot:
        await wait_live(pilot, app)
        app.query_one("#gauge-service_level", KpiGauge).focus()
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, RecoveryPlanForm)
        draft = app.screen.draft
        assert draft.kpi == "service_level" and draft.scope == "all"
        assert draft.tl_name == "Rina" and draft.tl_shift == "pagi"
        assert draft.actual == app.query_one("#gauge-service_level", KpiGauge).current.value


async def test_r_on_an_alert_and_on_an_agent(store) -> None:
    app, _sim, _ = sim_app(store=store)
    async with app.run_test(size=SIZE) as pilot:
        await wait_live(pilot, app)
        await wait_for(pilot, lambda: bool(app.alerts_pane.alerts))
        options = app.alerts_pane.option_list
        options.focus()
        options.highlighted = 0
        alert = app.alerts_pane.alerts[0]
        await pilot.press("r")
        await pilot.pause()
        draft = app.screen.draft
        if alert.kpi:
            assert draft.kpi == alert.kpi
        else:
            assert draft.agent_id == alert.agent_id
        app.screen.dismiss(None)
        await pilot.pause()
        app.board.focus()
        await pilot.press("down")
        row = app.board.selected_row
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, RecoveryPlanForm)
        assert app.screen.draft.agent_id == row.agent_id


async def test_p_opens_the_plans_screen_and_overdue_plans_show(store) -> None:
    store.save_plan(overdue_plan(), who="Rina")
    app, _sim, _ = sim_app(store=store)
    async with app.run_test(size=SIZE) as pilot:
        await wait_live(pilot, app)
        text = screen_text(app)
        assert "Overdue plans 1" in text.splitlines()[1]
        assert "1 recovery plan(s) past due, not verified" in text
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, PlansScreen)
        assert "Recall agents from AUX" in screen_text(app) or "abandon" in screen_text(app).lower()


async def test_the_shift_record_is_kept(store) -> None:
    app, _sim, _ = sim_app(store=store)
    async with app.run_test(size=SIZE) as pilot:
        await wait_live(pilot, app)
        await wait_for(pilot, lambda: bool(app.view.open_alerts))
        options = app.alerts_pane.option_list
        options.focus()
        options.highlighted = 0
        acked = app.alerts_pane.alerts[0]
        await pilot.press("a")
        await pilot.pause()
    day = MORNING.date()
    alerts = store.alerts(day=day)
    assert alerts
    assert {r.alert.key for r in alerts if r.acknowledged_at is not None} == {acked.key}
    kpis = store.interval_kpis(day=day, kpi="scr", scope="all")
    assert {k.period for k in kpis} == {"interval", "today"}
    assert store.agent_events(day=day)
    assert store.load_monitor_state(day) is not None


async def test_a_restart_keeps_the_monitor_state_and_raises_nothing_twice(store) -> None:
    app, _sim, _ = sim_app(store=store, quiet=False)
    async with app.run_test(size=SIZE) as pilot:
        await wait_live(pilot, app)
        await wait_for(pilot, lambda: app.bells > 0)
        open_before = {a.key for a in app.view.open_alerts}
    assert open_before

    again, _sim2, _ = sim_app(store=store, quiet=False)
    restored = {a.key for a in again.feed.monitor.book.active()}
    assert restored == open_before
    async with again.run_test(size=SIZE) as pilot:
        await wait_live(pilot, again)
        await pilot.pause(0.5)
        assert again.bells == 0  # the same alerts are not new after a restart
        assert {a.key for a in again.alerts_pane.alerts} >= open_before


async def test_trends_survive_a_restart(store) -> None:
    from rtm_tui.domain.types import KpiValue, Status

    day = MORNING.date()
    for i, value in enumerate((70.0, 80.0, 90.0)):
        start = MORNING.replace(minute=0) - timedelta(minutes=30 * (3 - i))
        kv = KpiValue("scr", "all", "interval", value, Status.BREACH)
        store.record_interval_kpis(day, start, [kv])
    app, _sim, _ = sim_app(store=store)
    async with app.run_test(size=SIZE) as pilot:
        await wait_live(pilot, app)
        gauge = app.query_one("#gauge-scr", KpiGauge)
        assert gauge.trend[:3] == [70.0, 80.0, 90.0]
        assert len(gauge.trend) == 4  # and the running interval
        first_line = str(gauge.render()).splitlines()[0]
    assert any(block in first_line for block in "▁▂▃▄▅▆▇█")


async def test_a_store_that_cannot_open_is_said_at_start_and_plans_wait_for_it(tmp_path) -> None:
    """Not opened at start: a toast at once and the header says so; `r` still opens the
    form (a save retries the open) instead of refusing for good; once fixed it opens."""
    folder = tmp_path / "data"
    folder.write_text("not a folder")
    store = Store.open_or_retry(folder / "rtm.sqlite3")
    app, _sim, _ = sim_app(store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any("cannot be opened" in m and str(folder) in m for m in messages)
        assert "Database unavailable" in app.header.render().plain
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, RecoveryPlanForm)
        app.screen.dismiss(None)
        await pilot.pause()
        folder.unlink()
        store.list_plans()  # any use retries the open
        await pilot.pause(1.2)  # the next tick
        messages = [n.message for n in app._notifications]
        assert any("is open now" in m for m in messages)
        assert "Database unavailable" not in app.header.render().plain
    store.close()
