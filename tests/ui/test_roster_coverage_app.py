"""Coverage per interval in the app's roster view: the real app on the in-process simulator.

Needed comes from the `[staffing] forecast` file when one is configured (Erlang C on its
calls and AHT), otherwise from actual calls: the store's recorded intervals for the past,
the running interval projected. Scheduled comes from the roster, "in" from the agents.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from app_helpers import MORNING, SIZE, make_settings, screen_text, sim_app, wait_for, wait_live

from rtm_tui.domain.coverage import need_for, staffed_in
from rtm_tui.domain.types import AgentState, KpiValue, Status
from rtm_tui.store import Store
from rtm_tui.ui.i18n import set_language

CELL = re.compile(r"(\d\d:\d\d)\s+(\S+)\s+(\S+)\s+(\S+)")
DAY = MORNING.date()
# the forecast: interval -> (calls, AHT seconds)
FORECAST = {"08:30": (120, 280), "09:00": (150, 300), "09:30": (210, 310), "10:00": (90, 250)}


@pytest.fixture(autouse=True)
def back_to_english() -> Iterator[None]:
    yield
    set_language("en")  # the language is process-wide: leave English for the next tests


def coverage_table(app: Any) -> dict[str, tuple[str, str, str]]:
    """The coverage cells on screen: "HH:MM" -> (need, sched, in) as shown."""
    cells: dict[str, tuple[str, str, str]] = {}
    inside = False
    for line in screen_text(app).splitlines():
        if line.lstrip().startswith(("time ", "jam ")) and ("need" in line or "butuh" in line):
            inside = True
            continue
        if inside:
            found = CELL.findall(line)
            if not found:
                break
            for hhmm, need, sched, logged_in in found:
                cells[hhmm] = (need, sched, logged_in)
    return cells


async def to_coverage(pilot: Any, app: Any) -> None:
    """The roster view, scrolled to its coverage (under the agents' timeline): `2`, `c`."""
    await pilot.press("2")
    await wait_for(pilot, lambda: app.roster_view.coverage_line is not None)
    await pilot.press("c")
    await pilot.pause()


def number(text: str) -> float | None:
    return None if text == "—" else float(text.replace(",", ""))


def at(hhmm: str) -> datetime:
    hour, minute = map(int, hhmm.split(":"))
    return MORNING.replace(hour=hour, minute=minute)


def write_forecast(path: Path, rows: dict[str, tuple[int, int]]) -> None:
    lines = ["date,interval,calls,aht"]
    lines += [f"{DAY.isoformat()},{hhmm},{calls},{aht}" for hhmm, (calls, aht) in rows.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def expected_scheduled(app: Any, hhmm: str) -> float:
    entries = list(app.feed.roster.entries)
    if app.feed._yesterday_roster is not None:
        entries += list(app.feed._yesterday_roster.entries)
    start = at(hhmm)
    return staffed_in(entries, start, start + timedelta(minutes=30))[0]


async def test_forecast_file_gives_the_need_and_is_reread_when_it_changes(tmp_path: Path) -> None:
    path = tmp_path / "forecast.csv"
    write_forecast(path, FORECAST)
    settings = make_settings(staffing={"forecast": str(path)})
    rules = settings.staffing_rules()
    app, _sim, _ = sim_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        await wait_live(pilot, app)
        await to_coverage(pilot, app)
        await wait_for(pilot, lambda: "need from the forecast" in screen_text(app))
        table = coverage_table(app)
        for hhmm, (calls, aht) in FORECAST.items():
            need = need_for(calls, aht, rules).scheduled
            assert need > 0
            assert number(table[hhmm][0]) == need, hhmm
        # intervals outside the forecast: scheduled only
        assert table["07:00"][0] == "—" and table["11:00"][0] == "—"
        for hhmm in ("07:00", "09:30", "11:00"):
            assert number(table[hhmm][1]) == expected_scheduled(app, hhmm), hhmm
        # logged in now, for the running interval only (any state but logged out)
        assert app.view is not None
        logged_in = sum(1 for r in app.view.rows if r.state != AgentState.LOGGED_OUT)
        assert logged_in > 0
        assert number(table["09:30"][2]) == logged_in
        assert table["09:00"][2] == "—" and table["10:00"][2] == "—"

        # the TL's planner saves a new forecast: the view follows without a restart
        write_forecast(path, {**FORECAST, "09:30": (400, 310)})
        new_need = need_for(400, 310, rules).scheduled
        assert new_need != need_for(210, 310, rules).scheduled
        await wait_for(pilot, lambda: number(coverage_table(app)["09:30"][0]) == new_need)


async def test_without_forecast_past_intervals_need_actual_calls(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "rtm.sqlite3")
    recorded = {"08:30": (120, 110, 300.0), "09:00": (200, 190, 240.0)}
    for hhmm, (offered, answered, aht) in recorded.items():
        counts = {"offered": offered, "answered": answered, "handle_seconds": answered * aht}
        value = KpiValue("aht", "all", "interval", aht, Status.OK, None, counts)
        store.record_interval_kpis(DAY, at(hhmm), [value])
    try:
        app, _sim, _ = sim_app(store=store)
        async with app.run_test(size=SIZE) as pilot:
            await wait_live(pilot, app)
            assert app.feed.last_voice.interval_minutes == 30
            rules = replace(app.settings.staffing_rules(), interval_minutes=30)
            await to_coverage(pilot, app)
            await wait_for(pilot, lambda: "need from actual calls" in screen_text(app))
            table = coverage_table(app)
            for hhmm, (offered, _answered, aht) in recorded.items():
                need = need_for(offered, aht, rules).scheduled
                assert need > 0
                assert number(table[hhmm][0]) == need, hhmm
            # no calls recorded before 08:30; nothing known about the future
            assert table["08:00"][0] == "—"
            assert table["10:00"][0] == "—" and table["12:00"][0] == "—"
            assert number(table["10:00"][1]) == expected_scheduled(app, "10:00")
            # the running interval (10 of 30 minutes gone): its calls so far, times three
            voice = app.feed.last_voice
            offered = sum(q.interval.offered for q in voice.queues)
            answered = sum(q.interval.answered for q in voice.queues)
            handle = sum(q.interval.handle_seconds for q in voice.queues)
            assert offered > 0 and answered > 0
            projected = need_for(offered * 3, handle / answered, rules).scheduled
            assert number(table["09:30"][0]) == projected

            # cheap: more polls in the same interval rebuild nothing
            builds, updates = app.feed.coverage.table_builds, app.updates
            await wait_for(pilot, lambda: app.updates >= updates + 8)
            assert app.feed.coverage.table_builds == builds
    finally:
        store.close()


async def test_indonesian_roster_view_names_the_source(tmp_path: Path) -> None:
    app, _sim, _ = sim_app(make_settings(site={"language": "id"}))
    async with app.run_test(size=SIZE) as pilot:
        await wait_live(pilot, app)
        await to_coverage(pilot, app)
        await wait_for(pilot, lambda: "butuh dari panggilan aktual" in screen_text(app))
        assert coverage_table(app)["09:30"][1] != "—"
