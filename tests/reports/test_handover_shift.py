"""The handover report from a recorded shift: the simulator on an accelerated clock, the
app's own feed (pollers -> ShiftMonitor -> store) recording the pagi shift into a real
SQLite file, then the report built from a fresh `Store.open` on that file, as after a
restart."""

from __future__ import annotations

import asyncio
import csv
import dataclasses
import io
import shutil
import sqlite3
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import openpyxl
import pytest

from rtm_tui.cli import main as rtm
from rtm_tui.clock import FrozenClock
from rtm_tui.config import Settings
from rtm_tui.domain.plans import (
    PlanAction,
    PlanStatus,
    RecoveryPlan,
    RootCause,
    Verdict,
    Verification,
)
from rtm_tui.domain.types import AgentsSnapshot, AgentState, AlertKind, LoginStatus, Roster
from rtm_tui.reports.handover import csv_rows, render_markdown, write_csv, write_xlsx
from rtm_tui.reports.shift_summary import ReportRules, ShiftSummary, build_shift_summary
from rtm_tui.simulator import Simulator, make_asgi_app
from rtm_tui.sources.client import OmnichannelClient
from rtm_tui.store import Store
from rtm_tui.ui.feed import Feed
from rtm_tui.ui.launch import make_monitor

JKT = ZoneInfo("Asia/Jakarta")
DAY = date(2025, 11, 25)  # a Tuesday, safely in the past for the CLI's "now"
START = datetime(2025, 11, 25, 7, 0, tzinfo=JKT)
END = datetime(2025, 11, 25, 15, 0, tzinfo=JKT)
WINDOW = (START, END)
STEP = 30  # seconds of shift per step; agents every step, voice every 2 min, non-voice 4


@dataclass
class Recorded:
    db: Path
    config: Path
    settings: Settings
    sim: Simulator
    roster: Roster
    truth: AgentsSnapshot  # the platform's own tally at the end of the shift
    seconds: float
    view: Any = None  # the dashboard's view at the end of the shift

    def agent(self, idx: int) -> tuple[str, str]:
        p = self.sim.profiles[idx]
        return p.agent_id, p.name


def _recording_feed(
    settings: Settings, sim: Simulator, clock: FrozenClock
) -> tuple[Feed, OmnichannelClient, Store]:
    """The app's own feed on the simulator (in-process ASGI), recording into the store."""
    client = OmnichannelClient(
        base_url="http://sim/api/v1", transport=httpx.ASGITransport(app=make_asgi_app(sim))
    )
    store = Store.open(settings.database_path())
    feed = Feed(
        settings=settings,
        clock=clock,
        client=client,
        monitor=make_monitor(settings),
        store=store,
        restore_state=False,
    )
    return feed, client, store


async def _record(
    settings: Settings, sim: Simulator, clock: FrozenClock
) -> tuple[Roster, AgentsSnapshot, Any]:
    feed, client, store = _recording_feed(settings, sim, clock)
    polls = feed.pollers
    # agents before the roster, so nobody who is logged in is judged absent at the start
    await polls["agents"].poll_once()
    await polls["roster"].poll_once()
    steps = int((END - START).total_seconds() // STEP)
    for i in range(steps):
        await polls["agents"].poll_once()
        if i % 4 == 0:
            await polls["voice"].poll_once()
        if i % 8 == 0:
            await polls["nonvoice"].poll_once()
        if i % 600 == 599:
            await polls["roster"].poll_once()
        clock.advance(STEP)
    roster = await client.fetch_roster(DAY, settings.tz)  # what the monitor judged against
    truth = await client.fetch_agents()  # not given to the feed: the record must not see it
    view = feed.last_view  # what the dashboard showed at the end
    await feed.stop()  # the app on exit: last values and the monitor state saved
    store.close()
    return roster, truth, view


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Recorded:
    tmp = tmp_path_factory.mktemp("shift")
    db = tmp / "rtm.sqlite3"
    config = tmp / "config.toml"
    config.write_text(
        f'[site]\nname = "Contact Center Jakarta"\ntl_name = "Rina"\n'
        f"[storage]\ndatabase = {str(db)!r}\n",
        encoding="utf-8",
    )
    settings = Settings.model_validate(
        {"site": {"name": "Contact Center Jakarta", "tl_name": "Rina"},
         "storage": {"database": str(db)}}
    )  # fmt: skip
    clock = FrozenClock(START)
    sim = Simulator(agents=40, seed=7, clock=clock, tz=JKT)
    t0 = time.perf_counter()
    roster, truth, view = asyncio.run(_record(settings, sim, clock))
    return Recorded(db, config, settings, sim, roster, truth, time.perf_counter() - t0, view)


def _rules(settings: Settings) -> ReportRules:
    return ReportRules(
        settings.kpi_targets(),
        settings.kpi_options(),
        settings.attendance_rules(),
        settings.staffing.interval_minutes,
        tl_shifts={n: (s.start, s.end) for n, s in settings.site.tl_shifts.items()},
    )


def _summary(db: Path, settings: Settings, roster: Roster | None, now: datetime = END) -> Any:
    with Store.open(db) as store:  # a fresh open, as after a restart
        return build_shift_summary(
            store,
            day=DAY,
            shift="pagi",
            window=WINDOW,
            rules=_rules(settings),
            now=now,
            roster=roster,
            site=settings.site.name,
            tl_name=settings.site.tl_name,
        )


@pytest.fixture(scope="module")
def summary(recorded: Recorded) -> ShiftSummary:
    return _summary(recorded.db, recorded.settings, recorded.roster)


# ---------------------------------------------------------------------- KPIs


def test_every_interval_of_the_shift_is_recorded(recorded: Recorded, summary: ShiftSummary):
    starts = [iv.start for iv in summary.intervals]
    assert starts == [START + timedelta(minutes=30 * i) for i in range(16)]
    assert summary.missing_intervals == ()
    assert summary.interval_minutes == 30
    for iv in summary.intervals:
        voice = iv.scope("voice")
        assert voice is not None and voice.counts["offered"] >= voice.counts["answered"]
        scr = voice.kpi("scr")
        assert scr is not None and scr.sla == 95.0 and scr.slg == 90.0
        if voice.counts["offered"]:
            assert scr.value == pytest.approx(
                100 * voice.counts["answered"] / voice.counts["offered"]
            )
    assert recorded.seconds < 30, f"recording took {recorded.seconds:.1f} s"


def test_shift_scr_is_summed_answered_over_summed_offered(
    recorded: Recorded, summary: ShiftSummary
):
    with Store.open(recorded.db) as store:
        rows = store.interval_kpis(
            since=START, until=END, kpi="scr", scope="all", period="interval"
        )
    assert len(rows) == 16
    answered = sum(r.counts["answered"] for r in rows)
    offered = sum(r.counts["offered"] for r in rows)
    assert offered > 300  # a real morning of calls
    shift = summary.shift_scope("voice")
    assert shift is not None
    assert shift.counts["offered"] == offered and shift.counts["answered"] == answered
    scr = shift.kpi("scr")
    assert scr is not None and scr.value == pytest.approx(100 * answered / offered)
    mean_of_percentages = sum(r.value for r in rows if r.value is not None) / len(rows)
    assert scr.value != pytest.approx(mean_of_percentages, abs=1e-6)
    # per queue too: the queues' counts add up to the "all" figures
    queues = [f for f in summary.shift_figures if f.family == "voice" and f.scope != "all"]
    assert {f.scope for f in queues} == {"INB-1500", "INB-VIP"}
    assert sum(f.counts["offered"] for f in queues) == offered
    nonvoice = summary.shift_scope("nonvoice")
    assert nonvoice is not None and nonvoice.counts["received"] > 0
    # e-mail (target in hours) is not added to chat and judged on chat's SLA, as on screen
    assert nonvoice.kpi("response_time") is None
    email = next(f for f in summary.shift_figures if f.family == "nonvoice" and f.scope == "email")
    assert email.kpi("response_time") is not None


# ---------------------------------------------------------------------- people


def test_scripted_late_noshow_early_out_and_unrostered_by_name(
    recorded: Recorded, summary: ShiftSummary
):
    incidents = recorded.sim.incidents[DAY]
    by_id = {x.agent_id: x for x in summary.attendance.exceptions}
    roster = {e.agent_id: e for e in recorded.roster.entries}
    assert incidents.late
    for idx, login_epoch in incidents.late.items():
        agent_id, name = recorded.agent(idx)
        row = by_id[agent_id]
        assert row.name == name and row.status == LoginStatus.LATE
        scripted = datetime.fromtimestamp(login_epoch, JKT) - roster[agent_id].start
        assert row.late_by is not None and abs(row.late_by - scripted) <= timedelta(seconds=STEP)
    assert incidents.no_show
    for idx in incidents.no_show:
        agent_id, name = recorded.agent(idx)
        assert by_id[agent_id].name == name and by_id[agent_id].status == LoginStatus.ABSENT
    for idx in incidents.early_out:
        agent_id, name = recorded.agent(idx)
        assert by_id[agent_id].status == LoginStatus.EARLY_OUT, name
    for idx in incidents.unrostered:
        agent_id, name = recorded.agent(idx)
        assert by_id[agent_id].status == LoginStatus.NOT_ROSTERED and by_id[agent_id].name == name
    a = summary.attendance
    assert a.roster_known and a.late >= len(incidents.late) and a.absent >= 1
    assert a.scheduled == a.present + a.absent + a.not_yet_in
    # nobody else is an exception without a reason the simulator scripted or the rules give
    text = render_markdown(summary, JKT, END)
    for idx in incidents.late:
        assert recorded.agent(idx)[1] in text


def test_aux_over_limits_by_agent_and_code_match_the_recorded_alerts(
    recorded: Recorded, summary: ShiftSummary
):
    with Store.open(recorded.db) as store:
        rotg = store.alerts(since=START, until=END, kind=AlertKind.ROTG)
    assert rotg, "a morning of 40 agents has someone over an AUX limit"
    names = {e.agent_id: e.name for e in recorded.roster.entries}
    got = {(x.agent_id, x.code, x.limit_kind) for x in summary.aux_over}
    for rec in rotg:
        a = rec.alert
        assert any(k[0] == a.agent_id and k[1] == a.code for k in got)
    for x in summary.aux_over:
        assert x.name == names[x.agent_id]
        assert x.limit_kind in {"each", "shift", "count", "total"}
        assert x.value is not None and x.limit is not None and x.value > x.limit


def test_an_aux_line_reads_the_whole_occurrence_not_the_value_when_it_crossed() -> None:
    from rtm_tui.domain.types import Alert, Severity
    from rtm_tui.reports.shift_summary import build_aux_over
    from rtm_tui.store import AgentEvent, AlertRecord

    t0 = datetime(2025, 11, 25, 9, 0, tzinfo=JKT)
    key = f"rotg:A1:TOILET:each:{t0.isoformat()}"
    crossed = Alert(key, AlertKind.ROTG, Severity.BREACH, t0 + timedelta(minutes=10, seconds=2),
                    "x", agent_id="A1", code="TOILET", value=602.0, limit=600.0)  # fmt: skip
    events = [
        AgentEvent("A1", t0, "aux", "TOILET"),
        AgentEvent("A1", t0 + timedelta(minutes=3), "aux", "TOILET"),  # a re-stamped poll
        AgentEvent("A1", t0 + timedelta(minutes=25), "available"),
    ]
    (line,) = build_aux_over([AlertRecord(DAY, crossed)], None, {}, DAY, None, events, END)
    assert line.value == 25 * 60 and line.limit == 600
    # still in it when the record ends: up to then
    (open_line,) = build_aux_over(
        [AlertRecord(DAY, crossed)], None, {}, DAY, None, events[:2], t0 + timedelta(minutes=17)
    )
    assert open_line.value == 17 * 60


def test_alerts_of_the_window_with_acknowledgement(recorded: Recorded, summary: ShiftSummary):
    with Store.open(recorded.db) as store:
        stored = store.alerts(since=START, until=END)
    assert len(summary.alerts) == len(stored) > 0
    kinds = {r.alert.kind for r in summary.alerts}
    assert {AlertKind.KPI, AlertKind.ATTENDANCE} <= kinds
    text = render_markdown(summary, JKT, END)
    assert "## Alerts raised" in text
    first = summary.alerts[0].alert
    assert first.raised_at.astimezone(JKT).strftime("%H:%M") in text


def _platform_aux(recorded: Recorded) -> dict[str, tuple[dict[str, float], dict[str, int]]]:
    """Per agent, the platform's AUX seconds and counts per code at the end of the shift
    (its `today` block holds closed occurrences; the running one is added)."""
    out = {}
    for a in recorded.truth.agents:
        assert a.today is not None
        seconds, count = dict(a.today.aux_seconds), dict(a.today.aux_count)
        if a.state == AgentState.AUX and a.aux_code:
            running = (END - a.state_since).total_seconds()
            seconds[a.aux_code] = seconds.get(a.aux_code, 0.0) + running
        if seconds:
            out[a.agent_id] = (seconds, count)
    return out


def test_aux_used_per_agent_matches_the_platform_tally(recorded: Recorded, summary: ShiftSummary):
    """AUX used comes from the recorded state changes, and agrees with the simulator's own
    tally: same codes and occurrences; seconds off by at most one poll per occurrence (a
    state shorter than a poll is seen as part of the next one)."""
    with Store.open(recorded.db) as store:
        yesterday = store.load_roster(DAY - timedelta(days=1))
    assert yesterday is not None  # the feed stores yesterday's roster too (night shifts)
    night = {
        e.agent_id for e in yesterday.entries if e.end is not None and e.end > START.replace(hour=0)
    }
    truth = {k: v for k, v in _platform_aux(recorded).items() if k not in night}
    used = {u.agent_id: u for u in summary.aux_used}
    assert len(used) >= 10 and set(used) == set(truth)
    for agent_id, (seconds, count) in truth.items():
        u = used[agent_id]
        assert u.workday == DAY and dict(u.count) == count, agent_id
        assert set(u.seconds) == set(seconds), agent_id
        for code, value in seconds.items():
            assert abs(u.seconds[code] - value) <= STEP * count[code], (agent_id, code)
    # the AUX over limits lines carry the same figures, never blank
    assert summary.aux_over
    for x in summary.aux_over:
        u = used[x.agent_id]
        if x.code == "*":
            assert x.used_seconds == sum(u.seconds.values())
            assert x.used_count == sum(u.count.values())
        else:
            assert (x.used_seconds, x.used_count) == (u.seconds[x.code], u.count[x.code])
    rows = [r for r in csv_rows(summary, JKT, END) if r["section"] == "aux_used"]
    assert len(rows) == sum(len(u.seconds) for u in used.values())


def test_aux_used_without_the_monitor_state_comes_from_the_events(
    recorded: Recorded, summary: ShiftSummary, tmp_path: Path
):
    """Without the monitor's saved tally (a database that lost it), AUX used is rebuilt
    from the recorded state changes: the same codes and occurrences, seconds within a
    poll per occurrence of the tally's."""
    db = tmp_path / "no-state.sqlite3"
    shutil.copy(recorded.db, db)
    with sqlite3.connect(db) as conn:
        assert conn.execute("DELETE FROM monitor_state").rowcount >= 1
    s = _summary(db, recorded.settings, recorded.roster)
    with_state = {u.agent_id: u for u in summary.aux_used}
    assert [u.agent_id for u in s.aux_used] == list(with_state)
    for u in s.aux_used:
        kept = with_state[u.agent_id]
        assert dict(u.count) == dict(kept.count), u.agent_id
        for code, seconds in u.seconds.items():
            assert abs(seconds - kept.seconds[code]) <= STEP * u.count[code], (u.agent_id, code)
    assert all(x.used_seconds is not None for x in s.aux_over)
    text = render_markdown(s, JKT, END)
    for x in s.aux_over:
        assert f"in {x.used_count}×" in text


async def _record_from(settings: Settings, clock: FrozenClock, minutes: int) -> Any:
    """The app started mid-shift for `minutes` (agents every poll step, voice every 4)."""
    sim = Simulator(agents=40, seed=7, clock=clock, tz=JKT)
    feed, _client, store = _recording_feed(settings, sim, clock)
    polls = feed.pollers
    await polls["agents"].poll_once()
    await polls["roster"].poll_once()
    for i in range(minutes * 60 // 5):
        clock.advance(5)
        await polls["agents"].poll_once()
        if i % 4 == 0:
            await polls["voice"].poll_once()
    view = feed.last_view
    await feed.stop()
    store.close()
    return view


def test_the_report_of_an_app_started_mid_shift_has_the_aux_the_dashboard_showed(
    tmp_path: Path,
):
    """The TL opens rtm at 13:40: the platform's tally has the morning's AUX, which rtm
    never saw as events. The handover's AUX used and AUX-over figures are the dashboard's
    at the app's exit (its saved tally plus what it recorded after), not only the
    recorded part; and an AUX still open when the app closed stops at the exit, not at
    the end of the interval the app recorded part way through."""
    db = tmp_path / "mid.sqlite3"
    settings = Settings.model_validate({"storage": {"database": str(db)}})
    clock = FrozenClock(START.replace(hour=13, minute=40))
    view = asyncio.run(_record_from(settings, clock, 6))
    exit_at = clock.now()
    rows = {r.agent_id: r for r in view.rows}
    with Store.open(db) as store:
        s = build_shift_summary(
            store, day=DAY, shift="pagi", window=WINDOW, rules=_rules(settings),
            now=END, roster=None,
        )  # fmt: skip
    used = {u.agent_id: u for u in s.aux_used}
    checked = 0
    for agent_id, u in used.items():
        row = rows[agent_id]
        # the dashboard's figure at its last poll; the report's runs to the exit
        assert abs(sum(u.seconds.values()) - row.aux_used_seconds) <= 5, agent_id
        checked += 1
    assert checked >= 5
    # some of it is from before the app started: the events alone would fall short
    before = [a for a, u in used.items() if sum(u.seconds.values()) > 7 * 60]
    assert before
    for x in s.aux_over:
        if x.code == "*":
            assert x.used_seconds is not None
            assert abs(x.used_seconds - rows[x.agent_id].aux_used_seconds) <= 5, x
            assert x.used_seconds >= x.limit  # over the limit, as the alert said
    assert s.as_of == END and exit_at < END


# ---------------------------------------------------------------------- plans


def _plan(at: datetime) -> RecoveryPlan:
    return RecoveryPlan(
        created_at=at,
        date=at.date(),
        tl_shift="pagi",
        interval_start=at.replace(minute=0),
        kpi="scr",
        scope="all",
        sla=95.0,
        slg=90.0,
        actual=84.4,
        root_cause=RootCause.VOLUME_SPIKE,
        analysis="Burst of calls on INB-1500",
        actions=(PlanAction("Move chat agents to voice", "Rina", at + timedelta(hours=1)),),
        tl_name="Rina",
    )


def test_a_plan_filed_shows_open_then_verified(recorded: Recorded, tmp_path: Path):
    db = tmp_path / "copy.sqlite3"
    shutil.copy(recorded.db, db)  # the store was closed: the WAL is checkpointed
    with Store.open(db) as store:
        plan = store.save_plan(_plan(START + timedelta(hours=2, minutes=35)), who="Rina")
    s = _summary(db, recorded.settings, recorded.roster)
    assert [p.id for p in s.plans_filed] == [plan.id]
    assert [p.id for p in s.plans_open] == [plan.id] and s.plans_verified == ()
    assert "Move chat agents" not in render_markdown(s, JKT, END)  # the list, not the form
    assert f"| {plan.id} |" in render_markdown(s, JKT, END)

    with Store.open(db) as store:
        store.set_status(plan.id, PlanStatus.DONE, "Rina", START + timedelta(hours=4))
        store.verify(
            plan.id,
            Verification(
                value=96.2,
                period="interval",
                read_at=START + timedelta(hours=5),
                verdict=Verdict.ACHIEVED,
                by="Rina",
                note="checked on the wallboard",
            ),
            START + timedelta(hours=5),
        )
    s = _summary(db, recorded.settings, recorded.roster)
    assert [p.id for p in s.plans_verified] == [plan.id] and s.plans_open == ()
    assert s.plans_verified[0].verified_value == 96.2
    assert "achieved" in render_markdown(s, JKT, END)
    sections = [r["section"] for r in csv_rows(s, JKT, END)]
    assert sections.count("plan_verified") == 1 and "plan_open" not in sections


# ---------------------------------------------------------------------- formats


def test_csv_and_xlsx_read_back(summary: ShiftSummary, tmp_path: Path):
    buffer = io.StringIO()
    written = write_csv(summary, buffer, JKT, END)
    rows = list(csv.DictReader(io.StringIO(buffer.getvalue())))
    assert len(rows) == written
    shift_scr = [
        r
        for r in rows
        if r["section"] == "kpi_shift" and r["item"] == "scr" and r["scope"] == "all"
    ]
    assert len(shift_scr) == 1
    voice = summary.shift_scope("voice")
    assert voice is not None
    assert float(shift_scr[0]["value"]) == pytest.approx(voice.kpi("scr").value)
    assert shift_scr[0]["sla"] == "95.0" and shift_scr[0]["status"] in {"ok", "warning", "breach"}
    late = [r for r in rows if r["section"] == "attendance" and r["item"] == "late"]
    assert {r["name"] for r in late} == {
        x.name for x in summary.attendance.exceptions if x.status == LoginStatus.LATE
    }
    assert all(int(r["value"]) >= 6 for r in late)  # minutes late, past the 5 min grace
    intervals = {r["time"] for r in rows if r["section"] == "kpi_interval"}
    assert len(intervals) == 16
    # scope "all" has voice and non-voice handle seconds: the family tells them apart
    handle = [
        r
        for r in rows
        if r["section"] == "count_shift" and r["scope"] == "all" and r["item"] == "handle_seconds"
    ]
    assert sorted(r["family"] for r in handle) == ["nonvoice", "voice"]
    shift_rows = [
        (r["section"], r["family"], r["scope"], r["item"])
        for r in rows
        if r["section"] in ("kpi_shift", "count_shift")
    ]
    assert len(set(shift_rows)) == len(shift_rows)  # every shift fact named once

    path = tmp_path / "handover.xlsx"
    write_xlsx(summary, path, JKT, END)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Handover", "Shift KPIs", "Intervals", "Attendance", "AUX", "Alerts",
                             "Plans"]  # fmt: skip
    att = wb["Attendance"]
    names = {att.cell(r, 1).value for r in range(5, att.max_row + 1)}
    assert {x.name for x in summary.attendance.exceptions} <= names
    kpis = wb["Shift KPIs"]
    assert kpis.cell(5, 1).value == "all queues" and kpis.cell(5, 2).value == "SCR"
    assert kpis.page_setup.orientation == "landscape"
    alerts = wb["Alerts"]
    assert alerts.max_row - 4 == len(summary.alerts)
    assert not path.with_name(path.name + ".tmp").exists()


# ---------------------------------------------------------------------- the command


def _md_rows(text: str, heading: str) -> dict[str, list[str]]:
    """The rows of the table under `## heading`, by their Agent column (the second)."""
    section = text.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("| ") and len(cells) > 1 and cells[1] != "Agent":
            rows[cells[1]] = cells
    return rows


def _report_md(config: Path, capsys: pytest.CaptureFixture[str]) -> str:
    code = rtm(["report", "--config", str(config), "--date", DAY.isoformat(),
                "--shift", "pagi"])  # fmt: skip
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def test_rtm_report_md_judges_logins_on_the_roster_the_app_stored(
    recorded: Recorded, capsys: pytest.CaptureFixture[str], tmp_path: Path
):
    """The whole way: the feed stored the roster while recording; `rtm report` (given no
    roster) reads it back and names the scripted late logins and the early out."""
    with Store.open(recorded.db) as store:
        assert store.load_roster(DAY) == recorded.roster  # the feed kept what it was served
    t0 = time.perf_counter()
    out = _report_md(recorded.config, capsys)
    took = time.perf_counter() - t0
    assert out.startswith("# Shift handover — Contact Center Jakarta")
    assert "**TL shift:** Pagi 2025-11-25, 07:00–15:00" in out and "**TL:** Rina" in out
    assert "| 07:00 |" in out and "| 14:30 |" in out
    assert "roster was not available" not in out
    rows = _md_rows(out, "Attendance and login timeliness")
    starts = {e.agent_id: e.start for e in recorded.roster.entries}
    incidents = recorded.sim.incidents[DAY]
    assert len(incidents.late) == 2 and len(incidents.early_out) == 1  # what seed 7 scripts
    for idx, login_epoch in incidents.late.items():
        agent_id, name = recorded.agent(idx)
        late = datetime.fromtimestamp(login_epoch, JKT) - starts[agent_id]
        assert rows[agent_id][0] == name and rows[agent_id][4] == "late"
        assert rows[agent_id][5] == f"{int(late.total_seconds() // 60)} min"  # 12 min
        assert rows[agent_id][6] == datetime.fromtimestamp(login_epoch, JKT).strftime("%H:%M")
    for idx, out_epoch in incidents.early_out.items():
        agent_id, name = recorded.agent(idx)
        assert rows[agent_id][0] == name and rows[agent_id][4] == "early out"
        assert rows[agent_id][7] == datetime.fromtimestamp(out_epoch, JKT).strftime("%H:%M")
    for idx in incidents.no_show:
        agent_id, name = recorded.agent(idx)
        assert rows[agent_id][0] == name and rows[agent_id][4] == "absent"
    assert took < 5

    # the same record without its stored roster: no late or early out can be judged
    db = tmp_path / "no-roster.sqlite3"
    shutil.copy(recorded.db, db)
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM rosters")
    config = tmp_path / "config.toml"
    config.write_text(
        recorded.config.read_text(encoding="utf-8").replace(str(recorded.db), str(db)),
        encoding="utf-8",
    )
    out = _report_md(config, capsys)
    assert "roster was not available" in out
    rows = _md_rows(out, "Attendance and login timeliness")
    assert {r[4] for r in rows.values()} == {"absent"}


def test_rtm_report_csv_and_xlsx_files(recorded: Recorded, tmp_path: Path):
    base = ["report", "--config", str(recorded.config), "--date", DAY.isoformat()]
    out = tmp_path / "r.csv"
    assert rtm([*base, "--shift", "pagi", "--format", "csv", "--output", str(out)]) == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert {"kpi_shift", "kpi_interval", "attendance", "alert"} <= {r["section"] for r in rows}
    xlsx = tmp_path / "r.xlsx"
    assert rtm([*base, "--shift", "pagi", "--format", "xlsx", "--output", str(xlsx)]) == 0
    assert openpyxl.load_workbook(xlsx)["Intervals"].max_row > 16


def test_nothing_recorded_exits_1(
    recorded: Recorded, capsys: pytest.CaptureFixture[str], tmp_path: Path
):
    code = rtm(["report", "--config", str(recorded.config), "--date", "2025-11-20",
                "--shift", "pagi"])  # fmt: skip
    out, err = capsys.readouterr()
    assert code == 1 and out == ""
    assert "nothing recorded for TL shift pagi on 2025-11-20" in err
    # the siang shift of the recorded day was not recorded either
    code = rtm(["report", "--config", str(recorded.config), "--date", DAY.isoformat(),
                "--shift", "siang"])  # fmt: skip
    assert code == 1 and "nothing recorded" in capsys.readouterr().err
    # no database at all: said so, and no empty file created
    missing = tmp_path / "none.toml"
    db = tmp_path / "nothing.sqlite3"
    missing.write_text(f"[storage]\ndatabase = {str(db)!r}\n", encoding="utf-8")
    assert rtm(["report", "--config", str(missing), "--date", DAY.isoformat()]) == 1
    assert "no database" in capsys.readouterr().err and not db.exists()


def test_xlsx_needs_an_output_file(recorded: Recorded, capsys: pytest.CaptureFixture[str]):
    code = rtm(["report", "--config", str(recorded.config), "--format", "xlsx"])
    assert code == 2
    assert "--output" in capsys.readouterr().err
    assert rtm(["report", "--config", str(recorded.config), "--date", "25-11-2025"]) == 2


# ---------------------------------------------------------------------- one truth


def test_the_report_says_what_the_dashboard_said_at_the_end_of_the_shift(
    recorded: Recorded, summary: ShiftSummary
):
    view = recorded.view
    assert view is not None
    card, report = view.attendance, summary.attendance
    names = ("scheduled", "present", "late", "absent", "early_out", "not_yet_in")
    assert {n: getattr(card, n) for n in names} == {n: getattr(report, n) for n in names}
    assert card.scheduled == card.present + card.not_yet_in + card.absent
    # agent by agent: every exception the report lists is the dashboard's row status
    rows = {r.agent_id: r for r in view.rows}
    for x in summary.attendance.exceptions:
        assert rows[x.agent_id].login_status == x.status, x
        assert rows[x.agent_id].late_by == x.late_by, x


def test_the_report_names_the_agent_of_an_agent_plan(recorded: Recorded, tmp_path: Path):
    db = tmp_path / "copy.sqlite3"
    shutil.copy(recorded.db, db)
    agent_id, name = recorded.agent(0)
    plan = dataclasses.replace(
        _plan(START + timedelta(hours=3)),
        kpi="aux_over_limit",
        scope=f"agent:{agent_id}",
        scope_label=name,
        actual=None,
    )
    with Store.open(db) as store:
        saved = store.save_plan(plan, who="Rina")
    text = render_markdown(_summary(db, recorded.settings, recorded.roster), JKT, END)
    lines = [ln for ln in text.splitlines() if ln.startswith(f"| {saved.id} |")]
    assert lines  # filed this shift, and open
    assert all(name in ln and f"agent:{agent_id}" not in ln for ln in lines)


def test_rtm_report_names_the_tl_of_the_shifts_plans_when_none_is_configured(
    recorded: Recorded, capsys: pytest.CaptureFixture[str], tmp_path: Path
):
    # issue 11: "rtm report prints 'TL —' although plans carry it"
    db = tmp_path / "rtm.sqlite3"
    shutil.copy(recorded.db, db)  # the store was closed: the WAL is checkpointed
    config = tmp_path / "config.toml"
    config.write_text(
        f'[site]\nname = "Contact Center Jakarta"\n[storage]\ndatabase = {str(db)!r}\n',
        encoding="utf-8",
    )
    at = START + timedelta(hours=2)
    with Store.open(db) as store:
        store.save_plan(
            RecoveryPlan(
                created_at=at, date=DAY, tl_shift="pagi", interval_start=at, kpi="scr",
                scope="all", actual=80.0, root_cause=RootCause.EXCESS_AUX, analysis="AUX",
                actions=(PlanAction("Recall", "Budi", at + timedelta(hours=1)),),
                tl_name="Dewi Lestari",
            ),
            "Dewi Lestari",
        )  # fmt: skip
    out = _report_md(config, capsys)
    assert "**TL:** Dewi Lestari" in out
