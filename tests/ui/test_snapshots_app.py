"""Screenshots of the dashboard and the help screen at 160x48, the dashboard at 80x24 and
120x36 (frozen clock, seed 7).

Update after a deliberate change of the look: `pytest tests/ui/test_snapshots_app.py
--snapshot-update`, then look at the SVGs in `__snapshots__/` before committing.
"""

from __future__ import annotations

from app_helpers import SIZE, sim_app, wait_live


def test_dashboard_snapshot(snap_compare) -> None:
    app, _sim, _ = sim_app(agents=40)

    async def ready(pilot) -> None:
        await wait_live(pilot, app)
        await pilot.pause(1.1)  # one tick: freshness levels and ages

    assert snap_compare(app, terminal_size=SIZE, run_before=ready)


def test_help_screen_snapshot(snap_compare) -> None:
    app, _sim, _ = sim_app(agents=40)

    async def ready(pilot) -> None:
        await wait_live(pilot, app)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=ready)


def test_roster_view_snapshot(snap_compare) -> None:
    app, _sim, _ = sim_app(agents=40)

    async def ready(pilot) -> None:
        await wait_live(pilot, app)
        await pilot.press("2")
        await pilot.pause(1.1)

    assert snap_compare(app, terminal_size=SIZE, run_before=ready)


def test_dashboard_snapshot_80x24(snap_compare) -> None:
    """The laptop over SSH: compact gauges, the board, alerts behind `w` (issue 12)."""
    app, _sim, _ = sim_app(agents=40)

    async def ready(pilot) -> None:
        await wait_live(pilot, app)
        await pilot.pause(1.1)

    assert snap_compare(app, terminal_size=(80, 24), run_before=ready)


def test_dashboard_snapshot_120x36(snap_compare) -> None:
    """Compact gauges, the board, the alerts under it."""
    app, _sim, _ = sim_app(agents=40)

    async def ready(pilot) -> None:
        await wait_live(pilot, app)
        await pilot.pause(1.1)

    assert snap_compare(app, terminal_size=(120, 36), run_before=ready)
