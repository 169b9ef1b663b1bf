"""The Outlook view (key 3) at 11:00 on the simulator with the simulator's own forecast:
the app's feed records 07:00-11:00 into a real SQLite file, the real app opens on it at
11:00, and the test recomputes the outlook's numbers from the recorded counts."""

from __future__ import annotations

import asyncio
import math
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from app_helpers import JAKARTA, screen_text, wait_for, wait_live

from rtm_tui.clock import FrozenClock
from rtm_tui.config import Settings
from rtm_tui.domain import erlang
from rtm_tui.domain.coverage import staffed_in
from rtm_tui.domain.format import fmt_count, fmt_decimal, fmt_kpi
from rtm_tui.domain.kpi import counts_from, rate_parts, sum_voice
from rtm_tui.domain.types import AgentState, VoiceCounts
from rtm_tui.i18n.plans import suggestion_text
from rtm_tui.simulator import Simulator, make_asgi_app
from rtm_tui.sources.client import OmnichannelClient
from rtm_tui.store import Store
from rtm_tui.ui.feed import Feed
from rtm_tui.ui.launch import SIM_BASE_URL, build_app, make_monitor

START = datetime(2026, 11, 24, 7, 0, tzinfo=JAKARTA)
AT = datetime(2026, 11, 24, 11, 0, tzinfo=JAKARTA)
STEP = 60


def _settings(tmp: Path) -> Settings:
    return Settings.model_validate(
        {
            "site": {"name": "Contact Center Jakarta", "tl_name": "Rina"},
            "storage": {"database": str(tmp / "rtm.sqlite3")},
            "staffing": {"forecast": str(tmp / "forecast.csv")},
            "polling": {"agents_seconds": 0.5, "voice_seconds": 0.5, "nonvoice_seconds": 0.5},
        }
    )


def _client(sim: Simulator) -> OmnichannelClient:
    return OmnichannelClient(
        base_url=SIM_BASE_URL, transport=httpx.ASGITransport(app=make_asgi_app(sim))
    )


async def _record(settings: Settings, sim: Simulator, clock: FrozenClock) -> None:
    store = Store.open(settings.database_path())
    feed = Feed(
        settings=settings, clock=clock, client=_client(sim), monitor=make_monitor(settings),
        store=store, restore_state=False,
    )  # fmt: skip
    polls = feed.pollers
    await polls["agents"].poll_once()
    await polls["roster"].poll_once()
    for i in range(int((AT - START).total_seconds() // STEP)):
        await polls["agents"].poll_once()
        if i % 2 == 0:
            await polls["voice"].poll_once()
            await polls["nonvoice"].poll_once()
        clock.advance(STEP)
    await feed.stop()
    store.close()


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, Simulator, FrozenClock]:
    tmp = tmp_path_factory.mktemp("outlook")
    settings = _settings(tmp)
    clock = FrozenClock(START)
    sim = Simulator(agents=40, seed=7, clock=clock, tz=JAKARTA)
    rows = sim.forecast(AT.date())
    lines = ["date,interval,calls,aht"] + [
        f"{AT.date().isoformat()},{hhmm},{calls:.3f},{aht:g}" for hhmm, calls, aht in rows
    ]
    (tmp / "forecast.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    asyncio.run(_record(settings, sim, clock))
    assert clock.now() == AT
    return settings, sim, clock


def _forecast(settings: Settings) -> dict[datetime, tuple[float, float]]:
    out = {}
    for line in Path(settings.staffing.forecast).read_text().splitlines()[1:]:
        day, hhmm, calls, aht = line.split(",")
        h, m = map(int, hhmm.split(":"))
        out[AT.replace(hour=h, minute=m)] = (float(calls), float(aht))
    return out


def _voice(app: Any, period: str) -> VoiceCounts:
    kv = next(k for k in app.view.kpis if (k.kpi, k.scope, k.period) == ("scr", "all", period))
    c = counts_from("voice", kv.counts)
    assert isinstance(c, VoiceCounts)
    return c


def _line(text: str, start: str) -> str:
    return next(line for line in text.splitlines() if line.strip().startswith(start))


async def test_outlook_at_eleven_recomputed_from_the_recorded_counts(
    recorded: tuple[Settings, Simulator, FrozenClock],
) -> None:
    settings, sim, clock = recorded
    store = Store.open(settings.database_path())
    app = build_app(settings, clock, _client(sim), store=store, demo=True, quiet=True)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_live(pilot, app)
            await pilot.press("3")
            await wait_for(pilot, lambda: "Reforecast" in screen_text(app))
            body = app.outlook_view.body
            text = str(body.render())

            # --- the recorded counts, recomputed here
            step = timedelta(minutes=30)
            recorded_iv: dict[datetime, VoiceCounts] = {}
            for r in store.interval_kpis(day=AT.date(), period="interval", scope="all"):
                if r.kpi == "scr":
                    c = counts_from("voice", r.counts)
                    assert isinstance(c, VoiceCounts)
                    recorded_iv[r.period_start] = c
            assert min(recorded_iv) == START and max(t for t in recorded_iv if t < AT) == AT - step
            today, running = _voice(app, "today"), _voice(app, "interval")
            shift = sum_voice(c for t, c in recorded_iv.items() if t < AT) + running
            assert _voice(app, "shift") == shift  # the monitor's shift: the record + now

            forecast = _forecast(settings)
            done_offered = today.offered - running.offered
            fc_done = sum(c for t, (c, _a) in forecast.items() if t < AT)
            ratio = done_offered / fc_done
            done_aht = (today.handle_seconds - running.handle_seconds) / (
                today.answered - running.answered
            )
            aht_ratio = done_aht / 280.0
            assert f"volume ×{fmt_decimal(ratio, 2)}" in text
            assert f"AHT ×{fmt_decimal(aht_ratio, 2)}" in text

            # the TL shift (07:00-15:00) must end at the SLA: what the rest must run at
            rest = {
                t: c * ratio for t, (c, _a) in forecast.items() if AT <= t < AT + 8 * step
            }  # to 15:00
            to_come = sum(rest.values()) - min(rest[AT], running.offered)
            w_s, d_s = rate_parts("service_level", shift, settings.kpi_options())
            sla = settings.kpi_targets()["service_level"].sla
            assert sla is not None
            need = sla / 100 * (d_s + to_come) - w_s
            required = 100 * need / to_come
            line = _line(text, "SL shift")
            assert fmt_kpi("service_level", 100 * w_s / d_s) in line
            if 0 < required <= 100:
                assert (
                    f"{fmt_kpi('service_level', required)} ({fmt_count(math.ceil(need))})" in line
                )
            else:
                assert ("unreachable" if required > 100 else "secured") in line
            # the day's, against today's counts
            w_d, d_d = rate_parts("service_level", today, settings.kpi_options())
            assert fmt_kpi("service_level", 100 * w_d / d_d) in _line(text, "SL day")

            # Erlang C's agents for 11:00 on the reforecast
            calls, aht = rest[AT], 280.0 * aht_ratio
            n_c = erlang.agents_needed(erlang.traffic(calls, aht, 1800), aht, 20, 0.8)
            row = next(x for x in text.splitlines() if x.startswith("11:00 "))
            assert row.split()[3] == str(n_c), row

            # --- what-if: two more agents from now change the next intervals and the day
            outlook = app.outlook_view.outlook
            base_day = outlook.recovery_for("service_level", "day", "sla").projected
            base_next = outlook.next_projection[0][1]
            await pilot.press("m", "m")
            await wait_for(pilot, lambda: "agents +2" in str(body.render()))
            after = app.outlook_view.outlook
            start, base, alt = after.next_projection[0]
            assert alt.agents == base.agents + 2 and base == base_next
            assert alt.service_level > base.service_level
            assert after.recovery_for("service_level", "day", "sla").projected > base_day
            shown = str(body.render())
            assert f"{fmt_count(base.agents)}→{fmt_count(alt.agents)}" in shown
            day_sl = after.recovery_for("service_level", "day", "sla")
            assert day_sl.projected_plan == pytest.approx(base_day)
            assert (
                f"SL at the end of the day: {fmt_kpi('service_level', base_day)}→"
                f"{fmt_kpi('service_level', day_sl.projected)}"
            ) in shown
            # moving agents to chat takes them from voice
            await pilot.press("0", "x", "x", "x")
            await wait_for(pilot, lambda: "to chat 3" in str(body.render()))
            moved = app.outlook_view.outlook.next_projection[0][2]
            assert moved.agents == base.agents - 3 and moved.service_level < base.service_level
            # the screen: 80 columns, the outlook's head and the recovery visible
            screen = screen_text(app)
            assert "Outlook at 11:00" in screen and "SL shift" in screen
            assert all(len(x) <= 80 for x in screen.splitlines())
    finally:
        store.close()


def test_the_handover_report_prints_the_outlook(
    recorded: tuple[Settings, Simulator, FrozenClock], capsys: pytest.CaptureFixture[str]
) -> None:
    from rtm_tui.cli import main as rtm

    settings, _sim, _clock = recorded
    tmp = settings.database_path().parent
    config = tmp / "config.toml"
    config.write_text(
        f"[site]\nname = {settings.site.name!r}\n"
        f"[storage]\ndatabase = {str(settings.database_path())!r}\n"
        f"[staffing]\nforecast = {settings.staffing.forecast!r}\n",
        encoding="utf-8",
    )
    at = AT + timedelta(minutes=5)
    code = rtm(["report", "--config", str(config), "--date", AT.date().isoformat(),
                "--shift", "pagi"], clock=FrozenClock(at))  # fmt: skip
    out, err = capsys.readouterr()
    assert code == 0, err
    notes = out.split("## Notes\n", 1)[1]
    assert "Outlook at 11:05" in notes
    # recomputed from the store: the platform's today as last recorded, the interval
    # records, the forecast file
    # as the site the report was made for (the recorded rows are that site's now)
    with Store.open(settings.database_path(), site=settings.site.name) as store:
        recs = store.interval_kpis(day=AT.date(), scope="all", kpi="scr")
    today = counts_from("voice", next(r for r in recs if r.period == "today").counts)
    ivs = {r.period_start: counts_from("voice", r.counts) for r in recs if r.period == "interval"}
    assert isinstance(today, VoiceCounts)
    running = ivs.get(AT, VoiceCounts())
    assert isinstance(running, VoiceCounts)
    forecast = _forecast(settings)
    ratio = (today.offered - running.offered) / sum(c for t, (c, _) in forecast.items() if t < AT)
    assert f"volume ×{fmt_decimal(ratio, 2)}" in notes
    w, d = rate_parts("service_level", today, settings.kpi_options())
    day_line = next(x for x in notes.splitlines() if "SL day" in x)
    assert fmt_kpi("service_level", 100 * w / d) in day_line
    assert any("11:30 " in x for x in notes.splitlines())  # the staffing per interval


async def test_the_plan_forms_staffing_line(
    recorded: tuple[Settings, Simulator, FrozenClock],
) -> None:
    from rtm_tui.ui.outlook_view import gather_outlook, staffing_suggestion

    settings, sim, clock = recorded
    store = Store.open(settings.database_path())
    app = build_app(settings, clock, _client(sim), store=store, demo=True, quiet=True)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_live(pilot, app)
            outlook = gather_outlook(app)
            assert outlook is not None
            first = outlook.intervals[0]
            line = staffing_suggestion(app)
            assert line is not None and line.startswith("Outlook 11:00: ")
            assert f"{first.need_c} agents needed (Erlang C), {first.need_a} (Erlang A)" in line
            assert f"{fmt_count(first.logged_in)} there" in line
            # the agents there are the voice agents: logged in now, on the roster later
            agents = app.feed.last_agents.agents
            voice = {a.agent_id for a in agents if "voice" in a.channels}
            assert 0 < len(voice) < len(agents)  # the simulator has chat and e-mail agents
            assert first.logged_in == sum(
                1 for a in agents if a.agent_id in voice and a.state != AgentState.LOGGED_OUT
            )
            other = {a.agent_id for a in agents} - voice
            entries = [e for e in app.feed.roster.entries if e.agent_id not in other]
            if app.feed._yesterday_roster is not None:
                entries += [
                    e for e in app.feed._yesterday_roster.entries if e.agent_id not in other
                ]
            later = outlook.intervals[2]
            expected = staffed_in(entries, later.start, later.start + timedelta(minutes=30))[0]
            assert later.scheduled == expected
            # a voice plan's form offers the outlook's line beside the Erlang C one
            await pilot.press("G")  # the gauges: the plan is about the SCR gauge
            await pilot.press("r")
            await wait_for(pilot, lambda: hasattr(app.screen, "draft"), timeout=5)
            offered = [suggestion_text(s) for s in app.screen.draft.suggestions]
            assert (
                f"Outlook 11:00: {first.need_c} agents needed (Erlang C), {first.need_a} (Erlang A)"
                in " | ".join(offered)
            )
            assert sum(s.startswith("Outlook ") for s in offered) == 1
    finally:
        store.close()


async def test_outlook_per_queue_from_a_forecast_file_with_queues(
    recorded: tuple[Settings, Simulator, FrozenClock],
) -> None:
    """The same recording, with the simulator's plan written per queue (a `queue`
    column): each queue's rest of the day is its own forecast × its own ratio."""
    settings, sim, clock = recorded
    path = Path(settings.staffing.forecast).with_name("forecast_queues.csv")
    per_queue = sim.forecast_queues(AT.date())
    lines = ["date,interval,queue,calls,aht"] + [
        f"{AT.date().isoformat()},{hhmm},{queue},{calls:.3f},{aht:g}"
        for queue, rows in per_queue.items()
        for hhmm, calls, aht in rows
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    staffing = settings.staffing.model_copy(update={"forecast": str(path)})
    settings = settings.model_copy(update={"staffing": staffing})
    store = Store.open(settings.database_path())
    app = build_app(settings, clock, _client(sim), store=store, demo=True, quiet=True)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_live(pilot, app)
            await pilot.press("3")
            await wait_for(pilot, lambda: "own forecasts" in str(app.outlook_view.body.render()))
            text = str(app.outlook_view.body.render())
            voice = app.feed.last_voice
            running_start = max(q.interval_start for q in voice.queues)
            ratios = []
            for q in voice.queues:
                fc = {}
                for hhmm, calls, _aht in per_queue[q.queue_id]:
                    h, m = map(int, hhmm.split(":"))
                    fc[AT.replace(hour=h, minute=m)] = round(calls, 3)  # as written
                run = q.interval.offered if q.interval_start == running_start else 0
                ratio = (q.today.offered - run) / sum(c for t, c in fc.items() if t < AT)
                rest = sum(c * ratio for t, c in fc.items() if t > AT)
                rest += max(0.0, fc[AT] * ratio - run)
                line = _line(text, q.queue_id).strip()
                assert line.startswith(
                    f"{q.queue_id} {fmt_count(q.today.offered)}+{fmt_count(round(rest))}: "
                    f"volume ×{fmt_decimal(ratio, 2)}"
                ), line
                ratios.append(ratio)
            # the queues run differently from plan (the spikes hit the main queue only)
            assert len(set(ratios)) == 2
            # the all-queues reforecast is still the summed forecast's
            assert "Reforecast: volume ×" in text
    finally:
        store.close()
