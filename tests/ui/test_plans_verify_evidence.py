"""Issue 11, verification with evidence, on the Plans screen over a real SQLite file:
"achieved" only when the value (for the plan's period) meets the target it was filed
against; otherwise not achieved, or an override with a written reason; a note and the
verifier's name are required; "no data" is never verified achieved."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from pathlib import Path

import test_plans_screen_flow as flow
from test_plans_screen_flow import NOW, Host, cell, detail, record, screen_of, verify_error

from rtm_tui.domain.plans import PlanStatus
from rtm_tui.domain.types import Direction, KpiTarget, KpiValue, Status
from rtm_tui.store import Store
from rtm_tui.ui.plans_screen import VerifyPlanScreen

TARGET = KpiTarget("scr", Direction.HIGHER, 95.0, 90.0)
seeded = flow.seeded  # the fixture: three plans in a real SQLite file

STILL_LOW = KpiValue("scr", "q_general", "interval", 91.0, Status.WARNING, TARGET)
TODAY_OK = KpiValue("scr", "q_general", "today", 95.4, Status.OK, TARGET, {"offered": 812})


async def _open_verify(pilot, app, plan_id: int) -> None:
    screen = screen_of(app)
    while screen.selected_plan().id != plan_id:  # type: ignore[union-attr]
        await pilot.press("down")
    await pilot.press("v")
    await pilot.pause()
    assert isinstance(app.screen, VerifyPlanScreen)


async def test_achieved_is_refused_while_the_value_misses_the_target_then_not_achieved(
    seeded: Path,
) -> None:
    store = Store.open(seeded)
    store.set_status(2, PlanStatus.DONE, "Rina", NOW)
    app = Host(store)
    app.kpis_now = (STILL_LOW,)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        await _open_verify(pilot, app, 2)
        await record(pilot, "Ach", note="checked")
        assert isinstance(app.screen, VerifyPlanScreen)  # refused, still open
        assert "achieved needs a value that meets the target" in verify_error(app)
        assert store.get_plan(2).status is PlanStatus.DONE  # type: ignore[union-attr]
        await pilot.press("escape")
        await pilot.pause()
        await _open_verify(pilot, app, 2)
        await record(pilot, "Not", note="")  # a note is required
        assert "a verification note is required" in verify_error(app)
        await pilot.press("escape")
        await pilot.pause()
        await _open_verify(pilot, app, 2)
        await record(pilot, "Not", note="SCR 91.0 % at 16:00", by="")
        assert "the verifier's name is required" in verify_error(app)
        await pilot.press("escape")
        await pilot.pause()
        await _open_verify(pilot, app, 2)
        await record(pilot, "Not", note="SCR 91.0 % at 16:00")
        screen = screen_of(app)
        assert cell(screen, 2, "status") == "Verified ✗ not achieved"
        assert "Sari  Value at verification: 91.0 %" in detail(screen)
    got = store.get_plan(2)
    assert got is not None
    assert (got.verified_value, got.verified_achieved, got.verified_period) == (
        91.0,
        False,
        "interval",
    )
    assert got.verified_read_at == NOW
    store.close()


async def test_no_data_is_never_achieved_and_an_override_needs_a_reason(seeded: Path) -> None:
    store = Store.open(seeded)
    store.set_status(1, PlanStatus.DONE, "Rina", NOW)  # AHT: no live value for it
    app = Host(store)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        await _open_verify(pilot, app, 1)
        await record(pilot, "Ach", note="looks fine")
        assert "achieved needs a value that meets the target" in verify_error(app)
        await pilot.press("escape")
        await pilot.pause()
        await _open_verify(pilot, app, 1)
        await record(pilot, "Ov", note="AHT 4:40 on the vendor portal")  # no reason
        assert "an override needs a written reason" in verify_error(app)
        await pilot.press("escape")
        await pilot.pause()
        await _open_verify(pilot, app, 1)
        reason = "KPI feed down since 15:00; vendor portal shows AHT 4:40"
        await record(pilot, "Ov", note="AHT 4:40 on the vendor portal", reason=reason)
        screen = screen_of(app)
        assert cell(screen, 1, "status") == "Verified ✓ achieved"
        text = detail(screen)
        assert f"override: {reason}" in text
        assert "Sari  Value at verification: no data" in text and "— → —" not in text
    got = store.get_plan(1)
    assert got is not None
    assert (got.verified_achieved, got.verified_value, got.verified_reason) == (True, None, reason)
    store.close()


async def test_a_plan_filed_on_today_is_verified_with_today_not_the_interval(
    seeded: Path,
) -> None:
    # seen: a plan filed on a *today* value was verified against the interval
    store = Store.open(seeded)
    today_plan = store.get_plan(3)
    assert today_plan is not None
    store.save_plan(dataclasses.replace(today_plan, period="today"), "Rina", at=NOW)
    store.set_status(3, PlanStatus.DONE, "Rina", NOW)
    app = Host(store)
    app.kpis_now = (STILL_LOW, TODAY_OK)  # the interval misses, today meets the SLA
    app.clock.advance(timedelta(minutes=5).total_seconds())
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        await _open_verify(pilot, app, 3)
        body = str(app.screen.query_one("#verify-body").render())
        assert "Now           95.4 %  (ok, today, read 16:05)" in body
        assert "Counts        Offered 812" in body and "91.0 %" not in body
        await record(pilot, "Ach", note="today's SCR 95.4 %")
    got = store.get_plan(3)
    assert got is not None
    assert (got.verified_value, got.verified_period, got.verified_achieved) == (95.4, "today", True)
    assert dict(got.verified_counts) == {"offered": 812}
    store.close()
