"""The app on the in-process simulator: data flow, freshness, alerts, keys, names."""

from __future__ import annotations

import re

from app_helpers import (
    SIZE,
    make_settings,
    screen_text,
    sim_app,
    wait_for,
    wait_live,
)

from rtm_tui.domain.format import fmt_kpi
from rtm_tui.domain.types import AlertState, Severity
from rtm_tui.ui.gauges import KpiGauge
from rtm_tui.ui.header import FreshnessScreen

HOSTILE = [
    "Ann [/]",
    "Budi [bold red]x[/]",
    "Eve \x1b]0;pwned\x07\x1b[31mRed",
    "[link=x]click[/link]",
]


async def test_header_and_gauges_show_live_data() -> None:
    app, _sim, _ = sim_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_live(pilot, app)
        await pilot.pause(1.1)  # one tick: ages and levels from the clock
        lines = screen_text(app).splitlines()
        header = lines[1]
        assert "no data yet" not in header
        for source in ("agents", "voice", "non-voice", "roster"):
            assert re.search(rf"● {source} 0s", header), header
        assert all(s.level == "fresh" for s in app.header.sources.values())
        # every voice gauge shows its KPI in the contract's format
        for gauge in app.gauge_panel.gauges():
            kv = gauge.current
            assert kv is not None, gauge.kpi
            rendered = str(gauge.render()).splitlines()[0]
            assert rendered.startswith(fmt_kpi(gauge.kpi, kv.value))
        scr = app.query_one("#gauge-scr", KpiGauge)
        assert re.match(r"\d+\.\d %|—", str(scr.render()))
        aht = app.query_one("#gauge-aht", KpiGauge)
        assert re.match(r"\d+:\d\d|—", str(aht.render()))
        assert scr.has_class(f"-{scr.current.status.value}")
        # non-voice gauges per channel
        scopes = {g.scope for g in app.gauge_panel.gauges() if g.kpi == "response_time"}
        assert scopes and "all" not in scopes


async def test_board_and_roster_view_get_the_rows() -> None:
    app, _sim, _ = sim_app(agents=30)
    async with app.run_test(size=SIZE) as pilot:
        await wait_live(pilot, app)
        assert app.board is not None
        assert len(app.board.rows) == 30
        await pilot.press("2")
        await pilot.pause()
        assert app.active_view == "roster"
        assert len(app.roster_view.agent_lines) > 0
        assert app.roster_view.counts == app.view.attendance


async def test_hostile_names_from_the_api_show_literally() -> None:
    app, _sim, _ = sim_app(names=HOSTILE, agents=12)
    async with app.run_test(size=SIZE) as pilot:
        await wait_live(pilot, app)
        await pilot.press("e")  # all agents, whatever the default view
        if app.board.exceptions_only:
            await pilot.press("e")
        if not app.board.show_all:  # everyone, not only the TL's people and who is in
            await pilot.press("o")
        await pilot.pause()
        text = screen_text(app)
        svg = app.export_screenshot()
    assert "Ann [/]" in text
    assert "Budi [bold red]x[/]" in text
    assert "[link=x]click[/link]" in text
    assert "\x1b" not in text and "\x07" not in text
    assert "\x1b" not in svg
    # the control sequences are gone, the readable rest stays
    assert "Eve" in text and "pwned" not in app.title


async def test_t_shows_the_tl_shift_then_today_instead_of_the_interval() -> None:
    app, _sim, _ = sim_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_live(pilot, app)
        scr = app.query_one("#gauge-scr", KpiGauge)
        assert scr.current.period == "interval"
        await pilot.press("t")
        await pilot.pause()
        assert scr.current.period == "shift"
        assert "KPIs: This TL shift" in screen_text(app)
        await pilot.press("t")
        await pilot.pause()
        assert scr.current.period == "today"
        assert "KPIs: Today" in screen_text(app)


async def test_enter_on_a_gauge_shows_its_counts() -> None:
    app, _sim, _ = sim_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_live(pilot, app)
        app.query_one("#gauge-scr", KpiGauge).focus()
        await pilot.press("c")
        await pilot.pause()
        text = screen_text(app)
    # plain labels, not the API's names ("answered_within_sl"); durations as h:mm:ss
    assert "Offered" in text and "Answered in SL" in text
    assert "answered_within_sl" not in text and "handle_seconds" not in text
    assert re.search(r"Handle time\s+\d+:\d\d(:\d\d)?\b", text), text


async def test_a_acknowledges_the_selected_alert() -> None:
    app, _sim, _ = sim_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_live(pilot, app)
        pane = app.alerts_pane
        await wait_for(pilot, lambda: pane.open_count >= 2)
        before = pane.open_count
        options = pane.option_list
        options.focus()
        options.highlighted = 1
        chosen = pane.alerts[1]
        await pilot.press("a")
        await pilot.pause()
        # acknowledged (who, when), still in alarm, dimmed, after those not acknowledged
        acked = app.feed.monitor.alert(chosen.key)
        assert acked.state is AlertState.ACKNOWLEDGED
        assert acked.acked_by == app.settings.site.tl_name and acked.acked_at is not None
        assert pane.open_count == before - 1
        assert pane.alerts[-1].key == chosen.key
        header = screen_text(app).splitlines()[1]
        severe, breach, warning = app.header.alert_counts
        assert severe + breach + warning == before - 1
        assert f"{breach}■ {warning}▲" in header
        # the monitor agrees on its next poll: the alert stays acknowledged
        await pilot.pause(1.2)
        kept = next(a for a in app.view.open_alerts if a.key == chosen.key)
        assert kept.state is AlertState.ACKNOWLEDGED


async def test_new_red_alerts_show_in_the_news_line_and_ring_once() -> None:
    app, _sim, _ = sim_app(quiet=False)
    async with app.run_test(size=SIZE) as pilot:
        pane = app.alerts_pane
        pane.cycle_filter()
        pane.cycle_filter()  # KPIs only: the agents' alerts are not rows on screen
        await wait_live(pilot, app)
        await wait_for(pilot, lambda: app.bells > 0)
        assert any(a.severity is Severity.BREACH for a in app.view.open_alerts)
        await wait_for(pilot, lambda: bool(pane.news))  # one line in the pane ...
        assert app._news_key is not None and not pane.in_view(app._news_key)
        assert len(app._notifications) == 0  # ... and no toast over the board's data
        pane.cycle_filter()  # all: every alert is a row on screen, nothing more to say
        await wait_for(pilot, lambda: all(pane.in_view(a.key) for a in pane.alerts[:3]))
        bells = app.bells
        # the frozen clock: nothing new is raised by the next polls
        await pilot.pause(1.5)
        assert app.bells == bells


async def test_bell_off_in_the_config() -> None:
    app, _sim, _ = sim_app(make_settings(ui={"bell": False}), quiet=False)
    async with app.run_test(size=SIZE) as pilot:
        app.alerts_pane.cycle_filter()
        app.alerts_pane.cycle_filter()  # KPIs only: an agent's alert is news
        await wait_live(pilot, app)
        await wait_for(pilot, lambda: bool(app.alerts_pane.news))
        assert app.bells == 0


async def test_source_going_stale_and_coming_back() -> None:
    app, _sim, cable = sim_app(switch=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_live(pilot, app)
        await pilot.pause(1.1)
        assert app.header.sources["agents"].level == "fresh"
        rows_before = app.board.rows
        cable.down = True
        await wait_for(pilot, lambda: app.header.sources["agents"].level == "stale", timeout=30)
        header = screen_text(app).splitlines()[1]
        assert "agents stale" in header
        assert app.board.rows == rows_before  # the last good data stays
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, FreshnessScreen)
        detail = screen_text(app)
        assert "connection refused" in detail or "network" in detail.lower()
        assert "failed in a row" in detail
        await pilot.press("escape")
        cable.down = False
        await wait_for(pilot, lambda: app.header.sources["agents"].level == "fresh", timeout=30)
        await pilot.pause(1.1)
        assert "agents stale" not in screen_text(app).splitlines()[1]


async def test_indonesian_ui_on_live_data() -> None:
    app, _sim, _ = sim_app(make_settings(site={"language": "id"}))
    async with app.run_test(size=SIZE) as pilot:
        await wait_live(pilot, app)
        await pilot.pause(1.1)
        text = screen_text(app)
    assert "KPI: Interval ini" in text
    assert "Kehadiran" in text and "hadir" in text
    assert "agen 0s" in text
