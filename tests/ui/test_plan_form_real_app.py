"""End to end through the real app on the in-process simulator: `r` on a KPI gauge files a
plan with keys only into a real SQLite file; `p` lists it, moves it along and verifies it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from app_helpers import MORNING, SIZE, frozen, make_settings, wait_for

from rtm_tui.domain.plans import PlanStatus, RootCause
from rtm_tui.store import Store
from rtm_tui.ui.gauges import KpiGauge
from rtm_tui.ui.launch import build_demo_app
from rtm_tui.ui.plan_form import ActionRow, RecoveryPlanForm
from rtm_tui.ui.plans_screen import PlansScreen, VerifyPlanScreen


def keys(text: str) -> list[str]:
    return ["space" if c == " " else c for c in text]


async def test_r_files_a_plan_and_p_follows_it_up(tmp_path: Path) -> None:
    db = tmp_path / "rtm.sqlite3"
    store = Store.open(db)
    clock = frozen(MORNING)
    app, _sim = build_demo_app(make_settings(), clock, agents=30, store=store, quiet=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(
            pilot,
            lambda: (
                app.view is not None
                and bool(app.view.kpis)
                and app.feed is not None
                and app.feed.last_voice is not None
            ),
            timeout=20,
        )
        await pilot.press("G")  # the board has the focus at start: to the gauges
        await pilot.pause()
        assert isinstance(app.focused, KpiGauge)
        gauge_kpi = app.selection()
        assert gauge_kpi is not None

        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, RecoveryPlanForm))
        form = app.screen
        assert isinstance(form, RecoveryPlanForm)
        draft = form.draft
        assert (draft.kpi, draft.scope) == (gauge_kpi.kpi, gauge_kpi.scope)
        assert (draft.tl_shift, draft.tl_name) == ("pagi", "Rina")
        assert draft.interval_start == MORNING.replace(minute=30)
        assert any(s.code.startswith("erlang.") for s in draft.suggestions)  # voice: Erlang C

        # keys only: root cause, analysis, (suggestions), the first action, save
        assert app.focused is form.query_one("#root_cause")
        await pilot.press("enter", *"Vol", "enter", "tab")
        await pilot.press(*keys("Queue doubled after the promo SMS"))
        await pilot.press("tab", "tab")  # past the suggestions, to the first action
        assert app.focused is form.query_one(ActionRow).what
        await pilot.press(*keys("Open overflow"), "tab", *"Budi", "ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, RecoveryPlanForm))

        with Store.open(db) as other:  # a second connection sees it: it is on disk
            plans = other.list_plans()
        assert len(plans) == 1
        plan = plans[0]
        assert plan.root_cause is RootCause.VOLUME_SPIKE
        assert plan.analysis == "Queue doubled after the promo SMS"
        assert [(a.what, a.pic) for a in plan.actions] == [("Open overflow", "Budi")]
        assert plan.actions[0].due == draft.default_due
        assert (plan.kpi, plan.scope, plan.tl_shift) == (gauge_kpi.kpi, gauge_kpi.scope, "pagi")
        assert plan.actual == gauge_kpi.value

        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, PlansScreen))
        plans_screen = app.screen
        assert isinstance(plans_screen, PlansScreen)
        assert [p.id for p in plans_screen.plans] == [plan.id]
        await pilot.press("n", "n")
        clock.advance(timedelta(minutes=20).total_seconds())
        await pilot.press("v")
        await wait_for(pilot, lambda: isinstance(app.screen, VerifyPlanScreen))
        verify = app.screen
        assert isinstance(verify, VerifyPlanScreen)
        # the value offered is the one for the period the plan was filed on
        assert verify.now_value is None or verify.now_value.period == plan.period
        await pilot.press("enter", *"Not", "enter", "tab", "tab")
        await pilot.press(*keys("Still short at 10:00"), "ctrl+s")
        await wait_for(pilot, lambda: app.screen is plans_screen)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, PlansScreen)

    with Store.open(db) as again:
        stored = again.get_plan(plan.id)  # type: ignore[arg-type]
        history = [h.field for h in again.plan_history(plan.id)]  # type: ignore[arg-type]
    assert stored is not None and stored.status is PlanStatus.VERIFIED
    assert stored.verified_achieved is False
    assert (stored.verified_note, stored.verified_by) == ("Still short at 10:00", "Rina")
    assert stored.verified_period == plan.period == gauge_kpi.period
    assert stored.verified_at == MORNING + timedelta(minutes=20)
    assert history[:3] == ["created", "status", "status"]
    store.close()


async def test_a_site_with_its_own_tl_shift_names_files_a_plan(tmp_path: Path) -> None:
    # TL shift names were hard-coded ("choose the TL shift: pagi or siang" on every save)
    db = tmp_path / "rtm.sqlite3"
    store = Store.open(db)
    shifts = {"morning": {"start": "07:00", "end": "15:00"},
              "evening": {"start": "15:00", "end": "23:00"}}
    settings = make_settings(site={"tl_shifts": shifts})
    app, _sim = build_demo_app(settings, frozen(MORNING), agents=30, store=store, quiet=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.view is not None and bool(app.view.kpis), timeout=20)
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, RecoveryPlanForm))
        form = app.screen
        assert isinstance(form, RecoveryPlanForm)
        assert form.draft.tl_shift == "morning"
        await pilot.press("enter", *"Vol", "enter", "tab", *keys("Promo SMS"), "tab", "tab")
        await pilot.press(*keys("Open overflow"), "tab", *"Budi", "ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, RecoveryPlanForm))
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, PlansScreen))
        shift_filter = app.screen.query_one("#f-shift")
        assert [value for _label, value in shift_filter._options[1:]] == ["morning", "evening"]
    with Store.open(db) as other:
        assert [p.tl_shift for p in other.list_plans()] == ["morning"]
