"""A TL who opens rtm after the shift began: the "TL shift" figures say where they start."""

from __future__ import annotations

from app_helpers import MORNING, frozen, screen_text, sim_app, wait_for, wait_live


async def test_shift_figures_name_where_they_begin_when_rtm_started_late() -> None:
    clock = frozen(MORNING.replace(hour=11, minute=0, second=5))
    app, _sim, _ = sim_app(clock=clock)
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_live(pilot, app)
        await wait_for(pilot, lambda: app.view is not None and app.view.shift_from is not None)
        assert app.view.shift_from.astimezone(app.settings.tz).strftime("%H:%M") == "11:00"
        await pilot.press("t")  # interval -> TL shift
        await pilot.pause()
        assert "This TL shift, from 11:00 (rtm was not running before)" in screen_text(app)
        await pilot.press("3")
        await wait_for(pilot, lambda: "Shift rows from 11:00" in screen_text(app))


async def test_no_note_when_rtm_saw_the_shift_from_its_start() -> None:
    clock = frozen(MORNING.replace(hour=7, minute=0, second=5))
    app, _sim, _ = sim_app(clock=clock)
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_live(pilot, app)
        await wait_for(pilot, lambda: app.view is not None and bool(app.view.kpis))
        assert app.view.shift_from is None
        await pilot.press("t")
        await pilot.pause()
        text = screen_text(app)
        assert "This TL shift" in text and "not running before" not in text
