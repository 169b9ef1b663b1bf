"""The alerts pane as a TL uses it, on the real app over the simulator (09:40: a 25-minute
TOILET running since 09:32, a no-show, late logins, a login not on the roster): acknowledge
all, snooze and its expiry, the history, an alert resolving by itself, excusing an agent
with a reason (from an alert and from a board row), a neutral window after an outage."""

from __future__ import annotations

from typing import Any

import pytest
from app_helpers import SIZE, frozen, screen_text, sim_app, wait_for, wait_live

from rtm_tui.domain.rotg import occurrence_start
from rtm_tui.domain.types import Alert, AlertKind, AlertState
from rtm_tui.store import Store
from rtm_tui.ui.alert_dialogs import ExcuseDialog, NeutralDialog, SnoozeDialog


@pytest.fixture
def store(tmp_path):  # type: ignore[no-untyped-def]
    s = Store.open(tmp_path / "rtm.sqlite3")
    yield s
    s.close()


def _pick(app: Any, test: Any) -> Alert:
    """Highlight the first alert shown that passes `test`; the list has the focus."""
    pane = app.alerts_pane
    options = pane.option_list
    options.focus()
    index = next(i for i, a in enumerate(pane.alerts) if test(a))
    options.highlighted = index
    return pane.alerts[index]


async def _until(pilot: Any, clock: Any, condition: Any, minutes: int = 30) -> None:
    """Move the simulated time on a minute at a time until `condition()` holds."""
    for _ in range(minutes):
        if condition():
            return
        clock.advance(60)
        await pilot.pause(0.3)
    await wait_for(pilot, condition)


def _absent(a: Alert) -> bool:
    return a.what == "att.absent"


def _toilet(a: Alert) -> bool:
    return a.kind is AlertKind.ROTG and a.code == "TOILET"


async def test_acknowledge_all_shown(store) -> None:
    app, _sim, _ = sim_app(store=store)
    async with app.run_test(size=SIZE) as pilot:
        await wait_live(pilot, app)
        pane = app.alerts_pane
        await wait_for(pilot, lambda: pane.open_count >= 2)
        shown = [a.key for a in pane.alerts]
        pane.option_list.focus()
        await pilot.press("A")
        await pilot.pause()
        monitor = app.feed.monitor
        assert all(monitor.alert(k).state is AlertState.ACKNOWLEDGED for k in shown)
        assert all(monitor.alert(k).acked_by == "Rina" for k in shown)
        assert pane.open_count == 0 and app.header.alert_counts == (0, 0, 0)
        assert [a.key for a in pane.alerts] == shown or set(shown) <= {a.key for a in pane.alerts}
        assert f"{len(shown)} alert(s) acknowledged" in screen_text(app)
        await app.feed.recorder.drain()
    kept = {r.alert.key: r for r in store.alerts()}
    assert all(kept[k].alert.acked_by == "Rina" and kept[k].acknowledged_at for k in shown)


async def test_snooze_hides_an_alert_with_a_reason_until_it_expires() -> None:
    clock = frozen()
    app, _sim, _ = sim_app(clock=clock, quiet=False)
    async with app.run_test(size=SIZE) as pilot:
        await wait_live(pilot, app)
        pane = app.alerts_pane
        await wait_for(pilot, lambda: any(_absent(a) for a in pane.alerts))
        chosen = _pick(app, _absent)
        await pilot.press("z")
        await pilot.pause()
        assert isinstance(app.screen, SnoozeDialog)
        await pilot.press("enter")  # no reason yet: the dialog stays and says so
        await pilot.pause()
        assert isinstance(app.screen, SnoozeDialog) and "Give a reason" in screen_text(app)
        await pilot.press("up")  # 30 minutes
        for ch in "calling him":
            await pilot.press("space" if ch == " " else ch)
        await pilot.press("enter")
        await pilot.pause()
        snoozed = app.feed.monitor.alert(chosen.key)
        assert snoozed.state is AlertState.SNOOZED and snoozed.snooze_reason == "calling him"
        assert (snoozed.snoozed_until - clock.now()).total_seconds() == 30 * 60
        assert chosen.key not in [a.key for a in pane.alerts]
        assert "1 snoozed" in screen_text(app)
        clock.advance(29 * 60)
        await pilot.pause(1.2)
        assert chosen.key not in [a.key for a in pane.alerts]
        clock.advance(61)  # the snooze is over: back in alarm, on screen in the list
        await wait_for(pilot, lambda: chosen.key in [a.key for a in pane.alerts])
        back = app.feed.monitor.alert(chosen.key)
        assert back.state is AlertState.OPEN
        assert [s.step for s in back.steps][-2:] == ["snoozed", "snooze_ended"]
        await pilot.pause()
        assert pane.in_view(chosen.key)
        # ... so the news line does not say it a second time above its row
        assert "absent" not in pane.news


async def test_unsnooze_from_the_history() -> None:
    app, _sim, _ = sim_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_live(pilot, app)
        pane = app.alerts_pane
        await wait_for(pilot, lambda: any(_absent(a) for a in pane.alerts))
        chosen = _pick(app, _absent)
        await pilot.press("z")
        await pilot.pause()
        for ch in "later":
            await pilot.press(ch)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("h")
        await pilot.pause()
        assert pane.history and "Shift history" in screen_text(app)
        _pick(app, lambda a: a.key == chosen.key)
        await pilot.press("u")
        await pilot.pause()
        assert app.feed.monitor.alert(chosen.key).state is AlertState.OPEN
        await pilot.press("h")
        await pilot.pause()
        assert chosen.key in [a.key for a in pane.alerts]


async def test_the_history_shows_acknowledged_and_resolved_alerts_and_filters() -> None:
    app, _sim, _ = sim_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_live(pilot, app)
        pane = app.alerts_pane
        await wait_for(pilot, lambda: pane.open_count >= 1)
        _pick(app, lambda a: True)
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("h")
        await pilot.pause()
        text = screen_text(app)
        assert "Shift history · all" in text
        states = {a.state for a in pane.alerts}
        # late logins seen after the fact are kept resolved; one was just acknowledged
        assert AlertState.RESOLVED in states and AlertState.ACKNOWLEDGED in states
        assert "acknowledged" in text and "resolved" in text
        await pilot.press("v")  # agents only
        await pilot.pause()
        assert pane.alerts and all(a.kind is not AlertKind.KPI for a in pane.alerts)
        assert "Shift history · agents" in screen_text(app)
        await pilot.press("v")  # KPIs only
        await pilot.pause()
        assert all(a.kind is AlertKind.KPI for a in pane.alerts)


async def test_an_aux_alert_resolves_by_itself_when_the_agent_is_back() -> None:
    clock = frozen()
    app, _sim, _ = sim_app(clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await wait_live(pilot, app)
        pane = app.alerts_pane
        # the scripted 25-minute TOILET goes over its 10 minutes
        await _until(pilot, clock, lambda: any(_toilet(a) for a in pane.alerts))
        toilet = next(a for a in pane.alerts if _toilet(a))
        await _until(pilot, clock, lambda: toilet.key not in [a.key for a in pane.alerts])
        done = app.feed.monitor.alert(toilet.key)
        assert done.state is AlertState.RESOLVED and done.resolution == "ended"
        assert done.value is not None and done.value >= 24 * 60
        await pilot.press("w")  # alerts focused
        await pilot.press("w")
        await pilot.press("h")
        await pilot.pause()
        assert toilet.key in [a.key for a in pane.alerts]


async def test_enter_on_an_agent_alert_goes_to_its_row() -> None:
    app, _sim, _ = sim_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_live(pilot, app)
        await wait_for(pilot, lambda: any(_absent(a) for a in app.alerts_pane.alerts))
        chosen = _pick(app, _absent)
        await pilot.press("enter")
        await pilot.pause()
        assert app.focused is app.board
        assert app.board.selected_row.agent_id == chosen.agent_id


async def test_excuse_an_agent_alert_with_a_reason(store) -> None:
    clock = frozen()
    app, _sim, _ = sim_app(clock=clock, store=store)
    async with app.run_test(size=SIZE) as pilot:
        await wait_live(pilot, app)
        await _until(pilot, clock, lambda: any(_toilet(a) for a in app.alerts_pane.alerts))
        toilet = _pick(app, _toilet)
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ExcuseDialog)
        text = screen_text(app)
        began = occurrence_start(toilet.key).astimezone(app.settings.tz)
        assert f"From {began:%H:%M}" in text and "LONG CALL" in text  # the occurrence's start
        await pilot.press("down", "down")  # SYSTEM, COACHING, LONG CALL
        await pilot.press("enter")
        await pilot.pause()
        done = app.feed.monitor.alert(toilet.key)
        assert done.state is AlertState.RESOLVED and done.resolution == "excused"
        assert toilet.key not in [a.key for a in app.alerts_pane.alerts]
        excuses = app.feed.monitor.excuses(toilet.agent_id)
        assert [e.reason for e in excuses] == ["LONG CALL"]
        assert "LONG CALL" in app.alerts_pane.news
        # excused: the same occurrence raises nothing again
        clock.advance(5 * 60)
        await pilot.pause(1.2)
        assert toilet.key not in [a.key for a in app.view.open_alerts]
        await app.feed.recorder.drain()
    (note,) = store.excuses()
    assert (note.agent_id, note.reason, note.who) == (toilet.agent_id, "LONG CALL", "Rina")
    assert note.resolved == (toilet.key,)


async def test_excuse_from_an_agent_row_recomputes_and_resolves() -> None:
    app, _sim, _ = sim_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_live(pilot, app)
        pane = app.alerts_pane
        await wait_for(pilot, lambda: any(_absent(a) for a in pane.alerts))
        absent = next(a for a in pane.alerts if _absent(a))
        board = app.board
        assert board.select_agent(absent.agent_id)
        board.focus()
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ExcuseDialog)
        await pilot.press("enter")  # SYSTEM
        await pilot.pause()
        assert app.feed.monitor.alert(absent.key).resolution == "excused"
        assert absent.key not in [a.key for a in pane.alerts]


async def test_a_neutral_window_after_a_source_outage() -> None:
    clock = frozen()
    app, _sim, cable = sim_app(clock=clock, switch=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_live(pilot, app)
        await pilot.press("n")  # no outage yet
        await pilot.pause()
        assert not isinstance(app.screen, NeutralDialog)
        cable.down = True
        clock.advance(60)
        await wait_for(pilot, lambda: app.feed.pollers["agents"].freshness.consecutive_failures > 0)
        clock.advance(10 * 60)
        cable.down = False
        await wait_for(pilot, lambda: app.feed.last_outage() is not None, timeout=20)
        source, start, end = app.feed.last_outage()
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NeutralDialog)
        assert "count it neutral for everyone" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        monitor = app.feed.monitor
        some = next(iter(monitor._tracks))
        assert any(e.start == start and e.end == end and e.reason == "SYSTEM"
                   for e in monitor.excuses(some))  # fmt: skip
        assert "Neutral window" in app.alerts_pane.news


async def test_the_dialogs_fit_80_columns() -> None:
    clock = frozen()
    app, _sim, _ = sim_app(clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_live(pilot, app)
        await _until(pilot, clock, lambda: any(_toilet(a) for a in app.alerts_pane.alerts))
        for key, dialog in (("x", ExcuseDialog), ("z", SnoozeDialog)):
            _pick(app, _toilet)
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, dialog)
            box = app.screen.query_one("Vertical")
            assert box.region.right <= 80 and box.region.x >= 0
            await pilot.press("escape")
            await pilot.pause()
