"""Two TLs on one database: a plan the siang TL files in their rtm shows in the pagi TL's
plans screen and header (overdue count) within one refresh, without a key press. On a
SQLite file and on a real PostgreSQL server."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from app_helpers import MORNING, SIZE, frozen, screen_text, sim_app, wait_for, wait_live

import rtm_tui.ui.app as app_module
import rtm_tui.ui.plans_screen as plans_module
from rtm_tui.domain.plans import PlanAction, RecoveryPlan, RootCause
from rtm_tui.store import Store
from rtm_tui.ui.plans_screen import PlansScreen


@pytest.fixture(params=["sqlite", "postgres"])
def two_stores(request, tmp_path):
    if request.param == "postgres":
        url, password = request.getfixturevalue("pg_database")
    else:
        url, password = f"sqlite:{tmp_path / 'shared.sqlite3'}", None
    pagi = Store.open_url(url, password=password)
    siang = Store.open_url(url, password=password)
    yield pagi, siang
    pagi.close()
    siang.close()


def _plan(tl: str, note: str) -> RecoveryPlan:
    at = MORNING - timedelta(hours=3)
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
        actions=(PlanAction("Recall agents from AUX", tl, MORNING - timedelta(hours=2)),),
        tl_name=tl,
        note=note,
    )


async def test_a_plan_filed_in_another_rtm_shows_within_one_refresh(two_stores, monkeypatch):
    pagi, siang = two_stores
    monkeypatch.setattr(plans_module, "REFRESH_SECONDS", 0.3)
    monkeypatch.setattr(app_module, "OVERDUE_CHECK_SECONDS", 0.3)
    mine = pagi.save_plan(_plan("Rina", "pagi's own"), "Rina")
    app, _sim, _ = sim_app(store=pagi)
    async with app.run_test(size=SIZE) as pilot:
        await wait_live(pilot, app)
        await wait_for(pilot, lambda: app.overdue_count == 1)
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, PlansScreen))
        screen = app.screen
        assert [p.id for p in screen.plans] == [mine.id]
        # the siang TL's rtm, on the same database
        theirs = siang.save_plan(_plan("Budi Ann [/]", "siang's"), "Budi")
        await wait_for(pilot, lambda: theirs.id in [p.id for p in screen.plans], timeout=5)
        assert "Budi" in screen_text(app)
        await wait_for(pilot, lambda: app.overdue_count == 2, timeout=5)
        # a status moved over there shows here too, and the row under the cursor stays
        table = screen.query_one("#plans-table")
        selected = screen.selected_plan().id
        siang.set_status(mine.id, "in_progress", "Budi", MORNING)
        await wait_for(
            pilot, lambda: any(p.status == "in_progress" for p in screen.plans), timeout=5
        )
        assert screen.selected_plan().id == selected and table.cursor_row is not None
        # an edit over there while this one holds the old copy: a save here is refused
        siang.save_plan(dataclasses.replace(theirs, note="siang edited"), "Budi")
        stale = dataclasses.replace(theirs, note="pagi's edit")
        with pytest.raises(Exception, match="changed by Budi"):
            pagi.save_plan(stale, "Rina")


def _toasts(app) -> list[str]:
    return [n.message for n in app._notifications]


async def _until(pilot, clock, condition, timeout: float = 30.0) -> None:
    """Let the shift go on (5 s of site time per 0.1 s) until `condition()` holds."""
    for _ in range(int(timeout / 0.1)):
        if condition():
            return
        clock.advance(5)
        await pilot.pause(0.1)
    raise AssertionError(f"condition not met within {timeout} s")


async def test_the_server_stopped_mid_shift_is_said_and_nothing_recorded_is_lost(own_server):
    store = Store.open_url(own_server.url(), password=own_server.password, busy_timeout=1)
    clock = frozen()
    app, _sim, _ = sim_app(store=store, clock=clock, quiet=False)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await wait_live(pilot, app)
            await _until(pilot, clock, lambda: bool(store.alerts()))
            kpis_before = len(store.interval_kpis())
            own_server.stop()
            # the next write finds it gone: a toast says so, without the password
            await _until(pilot, clock, lambda: any("cannot be reached" in m for m in _toasts(app)))
            assert own_server.password not in " ".join(_toasts(app))
            assert store.health == "unavailable"
            await _until(pilot, clock, lambda: len(app.view.open_alerts) > 0)
            while_down = {a.key for a in app.view.open_alerts}
            own_server.start()
            await _until(pilot, clock, lambda: any("reachable again" in m for m in _toasts(app)))
            # what the recorder held while it was down is in the database now
            await _until(pilot, clock, lambda: while_down <= {r.alert.key for r in store.alerts()})
            await _until(pilot, clock, lambda: len(store.interval_kpis()) > kpis_before)
    finally:
        store.close()


async def test_the_plan_form_keeps_what_was_typed_while_the_server_is_down(own_server):
    from test_plan_form_keys import Host, form_of, make_draft, type_text
    from textual.widgets import Select, Static

    from rtm_tui.ui.plan_form import ActionRow

    store = Store.open_url(own_server.url(), password=own_server.password, busy_timeout=1)
    app = Host(make_draft(), store)
    try:
        async with app.run_test(size=(120, 50)) as pilot:
            await pilot.pause()
            form = form_of(app)
            form.query_one("#root_cause", Select).value = RootCause.VOLUME_SPIKE
            form.query_one("#analysis").focus()
            await type_text(pilot, "Promo SMS at 09:00")
            row = form.query_one(ActionRow)
            row.what.value, row.pic.value = "Open overflow", "Budi"
            own_server.stop()
            await pilot.press("ctrl+s")
            box = form.query_one("#save-error", Static)
            await wait_for(pilot, lambda: "not reachable" in str(box.render()), timeout=15)
            assert own_server.password not in str(box.render())
            assert form_of(app) is form  # still open, as typed
            assert form.query_one("#analysis").text == "Promo SMS at 09:00"
            assert (row.what.value, row.pic.value) == ("Open overflow", "Budi")
            own_server.start()
            await pilot.press("ctrl+s")  # the TL's retry
            await wait_for(pilot, lambda: bool(store.list_plans()), timeout=15)
        [saved] = store.list_plans()
        assert saved.analysis == "Promo SMS at 09:00" and saved.actions[0].what == "Open overflow"
    finally:
        store.close()
