"""Alerts over an 8-hour shift of the simulator on an accelerated clock: the app's own
feed (pollers -> ShiftMonitor -> recorder -> store) records 08:00-16:00 into a real
SQLite file. Every incident the simulator scripted (late logins, the no-show, the early
logout, the 25-minute TOILET, the login not on the roster, the call spike) raises exactly
one alert; the alerts raised per hour are printed (`pytest -s` shows them) and bounded.
The handover report then lists them with their lifecycle, and the excuses."""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest

from rtm_tui.clock import FrozenClock
from rtm_tui.config import Settings
from rtm_tui.domain.types import Alert, AlertKind, AlertState, Severity
from rtm_tui.i18n.alert_text import alert_line
from rtm_tui.reports.handover import csv_rows, render_markdown
from rtm_tui.reports.shift_summary import ReportRules, build_shift_summary
from rtm_tui.simulator import Simulator, make_asgi_app
from rtm_tui.simulator.incidents import Incidents
from rtm_tui.sources.client import OmnichannelClient
from rtm_tui.store import Store
from rtm_tui.ui.feed import Feed
from rtm_tui.ui.launch import make_monitor

JKT = ZoneInfo("Asia/Jakarta")
DAY = date(2025, 11, 25)
START = datetime(2025, 11, 25, 8, 0, tzinfo=JKT)  # the simulator's incidents: around 08:00
END = START + timedelta(hours=8)
STEP = 30  # seconds of shift per step; agents every step, voice every 2 min, non-voice 4
MAX_PER_HOUR = 20  # what a TL can read: every one of them


@dataclass
class Shift:
    db: Path
    settings: Settings
    sim: Simulator
    incidents: Incidents
    alerts: list[Alert]
    excused: str  # the agent excused during the shift


def _at(epoch: int) -> datetime:
    return datetime.fromtimestamp(epoch, JKT)


async def _record(settings: Settings, sim: Simulator, clock: FrozenClock) -> str:
    client = OmnichannelClient(
        base_url="http://sim/api/v1", transport=httpx.ASGITransport(app=make_asgi_app(sim))
    )
    store = Store.open(settings.database_path())
    feed = Feed(
        settings=settings, clock=clock, client=client, monitor=make_monitor(settings),
        store=store, restore_state=False,
    )  # fmt: skip
    polls = feed.pollers
    await polls["agents"].poll_once()
    await polls["roster"].poll_once()
    excused = ""
    steps = int((END - START).total_seconds() // STEP)
    for i in range(steps):
        await polls["agents"].poll_once()
        if i % 4 == 0:
            await polls["voice"].poll_once()
        if i % 8 == 0:
            await polls["nonvoice"].poll_once()
        if i == 60:  # 08:30: the TL acknowledges everything in alarm, excuses one agent
            view = feed.last_view
            feed.acknowledge_all([a.key for a in view.open_alerts])
            agent = next(a for a in view.open_alerts if a.agent_id)
            assert agent.agent_id is not None
            excused = agent.agent_id
            feed.excuse(excused, agent.raised_at - timedelta(minutes=5), clock.now(), "SYSTEM",
                        alert_key=agent.key)
        clock.advance(STEP)
    await feed.stop()
    store.close()
    return excused


@pytest.fixture(scope="module")
def shift(tmp_path_factory: pytest.TempPathFactory) -> Shift:
    db = tmp_path_factory.mktemp("alerts") / "rtm.sqlite3"
    settings = Settings.model_validate(
        {"site": {"name": "CC", "tl_name": "Rina"}, "storage": {"database": str(db)}}
    )
    clock = FrozenClock(START)
    sim = Simulator(agents=60, seed=7, clock=clock, tz=JKT)
    excused = asyncio.run(_record(settings, sim, clock))
    with Store.open(db) as store:
        alerts = [r.alert for r in store.alerts(since=START - timedelta(hours=1), until=END)]
    return Shift(db, settings, sim, sim.incidents[DAY], alerts, excused)


def _of(shift: Shift, idx: int) -> str:
    return shift.sim.profiles[idx].agent_id


def _conditions(shift: Shift, prefix: str) -> list[Alert]:
    return [a for a in shift.alerts if (a.condition or a.key).startswith(prefix)]


def test_alerts_raised_per_hour_are_few_enough_to_read(shift: Shift) -> None:
    hours = Counter(a.raised_at.astimezone(JKT).hour for a in shift.alerts)
    kinds = Counter(str(a.kind) for a in shift.alerts)
    print(f"\nalerts over {START:%H:%M}-{END:%H:%M}: {len(shift.alerts)} ({dict(kinds)})")
    for hour in range(START.hour, END.hour):
        print(f"  {hour:02d}:00  {hours.get(hour, 0)}")
    print(f"  per hour: {len(shift.alerts) / 8:.1f}")
    for a in shift.alerts:
        print(f"  {a.raised_at.astimezone(JKT):%H:%M} {a.severity:<8} {alert_line(a, JKT)}")
    assert shift.alerts
    assert max(hours.values()) <= MAX_PER_HOUR
    # one alert per condition: no key twice, no KPI condition alerted twice at once
    assert len({a.key for a in shift.alerts}) == len(shift.alerts)


def test_each_late_login_raises_one_alert(shift: Shift) -> None:
    assert shift.incidents.late
    for idx in shift.incidents.late:
        mine = _conditions(shift, f"attendance:{_of(shift, idx)}:login:")
        assert len(mine) == 1, (idx, mine)
        assert mine[0].what in ("att.late", "att.late_missing")
        assert mine[0].severity is Severity.WARNING


def test_the_no_show_raises_one_absent_alert(shift: Shift) -> None:
    (idx,) = shift.incidents.no_show
    mine = _conditions(shift, f"attendance:{_of(shift, idx)}:login:")
    assert [(a.what, a.severity) for a in mine] == [("att.absent", Severity.BREACH)]
    # never logged in: still in alarm, unless the TL excused it (the agent excused at 08:30)
    assert mine[0].state is not AlertState.RESOLVED or mine[0].resolution == "excused"


def test_the_early_logout_raises_one_alert(shift: Shift) -> None:
    (idx,) = shift.incidents.early_out
    mine = _conditions(shift, f"attendance:{_of(shift, idx)}:early_out:")
    assert len(mine) == 1 and mine[0].severity is Severity.WARNING


def test_the_25_minute_toilet_raises_one_alert_that_ends_severe_and_resolves(
    shift: Shift,
) -> None:
    (idx,) = [i for i, x in shift.incidents.extra_aux.items() if x[0][1] == "TOILET"]
    t0, _code, seconds = shift.incidents.extra_aux[idx][0]
    agent_id = _of(shift, idx)
    during = [
        a
        for a in shift.alerts
        if a.agent_id == agent_id
        and a.code == "TOILET"
        and _at(t0) <= a.raised_at <= _at(t0 + seconds) + timedelta(minutes=1)
    ]
    assert len(during) == 1, during
    (toilet,) = during
    assert toilet.key == f"rotg:{agent_id}:TOILET:each:{_at(t0).isoformat()}"
    # a warning past 10:00, a breach past the 1-minute grace, severe at twice the limit
    assert toilet.severity is Severity.SEVERE
    assert [s.step for s in toilet.steps][:3] == ["raised", "escalated", "escalated"]
    assert toilet.value == pytest.approx(seconds, abs=STEP)
    assert toilet.state is AlertState.RESOLVED or toilet.agent_id == shift.excused


def test_the_login_not_on_the_roster_raises_one_alert(shift: Shift) -> None:
    (idx,) = shift.incidents.unrostered
    mine = _conditions(shift, f"attendance:{_of(shift, idx)}:not_rostered:")
    assert len(mine) == 1 and mine[0].severity is Severity.WARNING


def test_the_call_spike_raises_one_kpi_alert(shift: Shift) -> None:
    ((a, b, _load),) = shift.incidents.spikes
    spike = [
        x
        for x in shift.alerts
        if x.kind is AlertKind.KPI
        and (x.condition or "").startswith("kpi:voice:")
        and _at(a) <= x.raised_at <= _at(b) + timedelta(minutes=15)
    ]
    assert len(spike) == 1, [(x.key, x.kpi, x.scope) for x in spike]
    assert spike[0].severity is Severity.BREACH


def test_the_handover_lists_alerts_with_their_lifecycle_and_the_excuse(shift: Shift) -> None:
    s = shift.settings
    rules = ReportRules(
        s.kpi_targets(), s.kpi_options(), s.attendance_rules(), s.staffing.interval_minutes,
        tl_shifts={n: (t.start, t.end) for n, t in s.site.tl_shifts.items()},
    )  # fmt: skip
    with Store.open(shift.db) as store:
        summary = build_shift_summary(
            store, day=DAY, shift="pagi", window=(START - timedelta(hours=1), END - timedelta(hours=1)),
            rules=rules, now=END, site="CC", tl_name="Rina",
        )  # fmt: skip
    text = render_markdown(summary, JKT, END)
    section = text[text.index("## Alerts raised") : text.index("## Recovery plans")]
    assert "| Raised | Severity | Alert | Acknowledged | Snoozed | Resolved |" in section
    assert "by Rina" in section  # acknowledged at 08:30 by the TL
    assert ", by itself" in section  # resolved when its condition ended
    assert "excused: SYSTEM" in section
    excuses = section[section.index("## Excuses") :]
    assert shift.excused in excuses and "| SYSTEM | Rina |" in excuses
    rows = csv_rows(summary, JKT, END)
    assert any(r["section"] == "excuse" and r["agent_id"] == shift.excused for r in rows)
    assert any(r["section"] == "alert" and "acknowledged" in r["shown"] for r in rows)
