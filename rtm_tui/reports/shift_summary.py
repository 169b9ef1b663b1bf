"""The shift handover report's data, built from the shift record in the store.

Everything here comes from what the running app recorded (rtm_tui/ui/feed.py), so a
report can be made after the app was closed or restarted:

- KPIs per interval: the `interval` rows of `interval_kpis` whose interval starts inside
  the TL shift window (value and status as the TL saw them; SLA/SLG from the config).
- KPIs for the shift: the counts of every recorded interval summed per queue/channel,
  then the kpi.md formula applied (never an average of percentages). The store keeps
  one `today` row per KPI that is overwritten all day, so "today at the end minus today
  at the start" cannot be rebuilt afterwards; the per-interval final counts can. An
  interval's counts are its last recorded values (the feed records the closing
  interval's last poll when the interval rolls over, and the running one on exit).
  Intervals the app did not record are listed, and the shift figure covers the
  recorded ones only.
- Attendance and login timeliness: judged with the domain rules (attendance.py) per
  roster entry whose shift overlaps the window, at the end of the window (or now, mid
  shift). First login = the earlier of the monitor's saved tally (which has the
  platform's `login_at`) and the first working state observed; logged in / last logout
  from the observed events up to that instant. The roster is the one the app stored for
  the day (`Store.load_roster`); without one, only absences (from the recorded alerts)
  can be named.
- AUX used: per agent and code, the sum of the recorded AUX segments of the agent's
  workday up to the as-of instant (see `aux_used_from_events`). A segment runs from its
  AUX event to the agent's next recorded event; the last one, still open, runs to the
  as-of instant but no later than the app was last seen recording (its last monitor-state
  save, its last recorded event, or the end of an interval it saw close), so a closed app
  adds no AUX. Where the monitor's saved state has the agent's tally (the platform's
  `today`, with the AUX from before rtm started), that is the base and the recorded AUX
  after the agent's last state at the save is added: the figure the dashboard showed,
  carried on.
  The workday starts `BEFORE_SHIFT` before the agent's roster shift, else at midnight.
- AUX over limits: the recorded ROTG alerts in the window, one line per agent, code and
  limit, with the AUX used of that code (or of all codes, for a total limit) in the
  alert's workday; from the monitor's saved tally only if no AUX event was recorded.
- Alerts: every alert raised in the window, acknowledged or not.
- Recovery plans: filed in the window, open now (any day, not verified), verified in
  the window.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import partial
from typing import Any

from rtm_tui.domain.alerts import ExcuseNote
from rtm_tui.domain.attendance import login_status
from rtm_tui.domain.kpi import (
    NONVOICE_KPIS,
    NOW_KPIS,
    VOICE_KPIS,
    aggregates,
    counts_from,
    family_of,
    nonvoice_kpis,
    status_of,
    target_for,
    voice_kpis,
)
from rtm_tui.domain.plans import PlanStatus, RecoveryPlan
from rtm_tui.domain.rotg import ALL_CODES, code_label, occurrence_start
from rtm_tui.domain.shift import TlShifts, is_tl_person, window_on
from rtm_tui.domain.types import (
    AgentState,
    AlertKind,
    AttendanceRules,
    KpiOptions,
    KpiTarget,
    LoginStatus,
    NonVoiceCounts,
    Roster,
    RosterEntry,
    RosterStatus,
    Status,
    VoiceCounts,
)
from rtm_tui.i18n import t
from rtm_tui.store import AgentEvent, AlertRecord, KpiRecord, Store

# a working shift's logins are looked for from this long before its start (domain/monitor/tracks.py)
BEFORE_SHIFT = timedelta(hours=3)
# verified plans are looked for among plans filed this long before the report day
VERIFIED_LOOKBACK = timedelta(days=62)
VOICE_FIELDS = tuple(f.name for f in fields(VoiceCounts))
NONVOICE_FIELDS = tuple(f.name for f in fields(NonVoiceCounts))
# the KPIs a period has (instantaneous ones such as calls waiting are not a tally)
VOICE_PERIOD_KPIS = tuple(k for k in VOICE_KPIS if k not in NOW_KPIS)
NONVOICE_PERIOD_KPIS = tuple(k for k in NONVOICE_KPIS if k not in NOW_KPIS)
LOGGED_OUT = "logged_out"


# ---------------------------------------------------------------------- the report's data


@dataclass(frozen=True, slots=True)
class KpiLine:
    kpi: str
    scope: str
    value: float | None
    status: Status
    sla: float | None = None
    slg: float | None = None


@dataclass(frozen=True, slots=True)
class ScopeFigures:
    """One queue/channel (or "all") over one period: its counts and KPIs."""

    family: str  # "voice" | "nonvoice"
    scope: str
    counts: Mapping[str, float]
    kpis: tuple[KpiLine, ...]

    def kpi(self, kpi: str) -> KpiLine | None:
        return next((k for k in self.kpis if k.kpi == kpi), None)


@dataclass(frozen=True, slots=True)
class IntervalFigures:
    start: datetime
    scopes: tuple[ScopeFigures, ...]

    def scope(self, family: str, scope: str = "all") -> ScopeFigures | None:
        return next((s for s in self.scopes if s.family == family and s.scope == scope), None)


@dataclass(frozen=True, slots=True)
class AgentAttendance:
    agent_id: str
    name: str
    team: str
    status: LoginStatus
    shift_code: str | None
    start: datetime | None
    end: datetime | None
    late_by: timedelta | None
    first_login: datetime | None
    last_logout: datetime | None


@dataclass(frozen=True, slots=True)
class AttendanceSummary:
    roster_known: bool
    scheduled: int = 0
    present: int = 0
    on_time: int = 0
    late: int = 0
    absent: int = 0
    early_out: int = 0
    not_yet_in: int = 0
    leave: int = 0  # off / leave / sick
    not_rostered: int = 0
    # late, absent, early out and not rostered agents, by name
    exceptions: tuple[AgentAttendance, ...] = ()


@dataclass(frozen=True, slots=True)
class AuxOver:
    agent_id: str
    name: str
    code: str  # the AUX code, or "*" for all AUX together
    limit_kind: str  # each | shift | count | total
    value: float | None  # seconds (occurrences for "count")
    limit: float | None
    at: datetime
    used_seconds: float | None  # this code's AUX time in the workday (see AuxUsed)
    used_count: int | None


@dataclass(frozen=True, slots=True)
class AuxUsed:
    """One agent's AUX in a workday up to the report's as-of, per code, from the
    recorded state changes."""

    agent_id: str
    name: str
    workday: date
    seconds: Mapping[str, float]
    count: Mapping[str, int]


@dataclass(frozen=True, slots=True)
class ShiftSummary:
    site: str
    tl_name: str
    day: date
    shift: str
    window_start: datetime
    window_end: datetime
    as_of: datetime  # figures are as of this instant (the window's end, or now mid-shift)
    interval_minutes: int
    intervals: tuple[IntervalFigures, ...]
    missing_intervals: tuple[datetime, ...]
    shift_figures: tuple[ScopeFigures, ...]
    attendance: AttendanceSummary
    aux_over: tuple[AuxOver, ...]
    alerts: tuple[AlertRecord, ...]
    plans_filed: tuple[RecoveryPlan, ...]
    plans_open: tuple[RecoveryPlan, ...]
    plans_verified: tuple[RecoveryPlan, ...]
    # every agent in AUX during the window, in its workday (name order)
    aux_used: tuple[AuxUsed, ...] = ()
    notes: tuple[str, ...] = ()
    recorded: bool = True  # False: nothing at all was recorded for this window
    excuses: tuple[ExcuseNote, ...] = ()  # the TL's excuses overlapping the window

    def shift_scope(self, family: str, scope: str = "all") -> ScopeFigures | None:
        return next(
            (s for s in self.shift_figures if s.family == family and s.scope == scope), None
        )


@dataclass(frozen=True, slots=True)
class ReportRules:
    """The config the report judges against."""

    targets: Mapping[str, KpiTarget]
    options: KpiOptions
    attendance: AttendanceRules
    interval_minutes: int = 30
    # the site's TL windows: a TL's people are chosen as on the dashboard (domain.shift);
    # None: every shift overlapping the window
    tl_shifts: TlShifts | None = None


# ---------------------------------------------------------------------- windows


def shift_window(day: date, start: time, end: time, tz: tzinfo) -> tuple[datetime, datetime]:
    """[start, end) of a TL shift on `day`; an end at or before the start is the next day."""
    t0 = datetime.combine(day, start, tzinfo=tz)
    t1 = datetime.combine(day, end, tzinfo=tz)
    if t1 <= t0:
        t1 = datetime.combine(day + timedelta(days=1), end, tzinfo=tz)
    return t0, t1


def default_shift(
    shifts: Mapping[str, tuple[time, time]], now: datetime, tz: tzinfo, day: date | None = None
) -> tuple[date, str] | None:
    """The TL shift to report when none is asked for.

    Today (no `day`, or `day` is today): the shift running now, else the last one that
    has ended (yesterday's, early in the morning). Another day: the shift covering the
    same time of day, else the last one ended by that time of day, else the day's last.
    """
    local = now.astimezone(tz)
    today = local.date()
    target = day or today
    at = datetime.combine(target, local.time(), tzinfo=tz)
    best: tuple[datetime, date, str] | None = None
    for d in (target, target - timedelta(days=1)):
        for name, (s, e) in shifts.items():
            t0, t1 = shift_window(d, s, e, tz)
            if t0 <= at < t1:
                if d == target:
                    return target, name
                continue
            if t1 <= at and (best is None or t1 > best[0]):
                best = (t1, d, name)
    if best is not None and (day is None or best[1] == target):
        return best[1], best[2]
    if day is not None and shifts:
        # nothing of that day has ended by this time of day: the day's last shift
        name = max(shifts, key=lambda n: shift_window(target, *shifts[n], tz)[1])
        return target, name
    return (best[1], best[2]) if best is not None else None


# ---------------------------------------------------------------------- KPIs


_family = family_of


def _counts_of(family: str, raw: Mapping[str, Any]) -> dict[str, float]:
    names = VOICE_FIELDS if family == "voice" else NONVOICE_FIELDS
    out: dict[str, float] = {}
    for n in names:
        try:
            out[n] = float(raw.get(n, 0) or 0)
        except (TypeError, ValueError):
            out[n] = 0.0
    return out


def figures_from_counts(
    family: str,
    scope: str,
    counts: Mapping[str, float],
    rules: ReportRules,
    members: Sequence[str] = (),
) -> ScopeFigures:
    """The KPIs of summed counts, by the kpi.md formulas, with their status. For scope
    "all", only the KPIs that aggregate over `members` (domain.kpi.aggregates), as on
    the dashboard."""
    typed = counts_from(family, counts)
    if isinstance(typed, VoiceCounts):
        values = voice_kpis(typed, None, rules.options)
        ids = VOICE_PERIOD_KPIS
    else:
        values = nonvoice_kpis(typed, None)
        ids = NONVOICE_PERIOD_KPIS
    lines = []
    for kpi in ids:
        if scope == "all" and not aggregates(rules.targets, kpi, members):
            continue
        target = target_for(rules.targets, kpi, scope)
        value = values.get(kpi)
        lines.append(
            KpiLine(
                kpi,
                scope,
                value,
                status_of(value, target),
                None if target is None else target.sla,
                None if target is None else target.slg,
            )
        )
    return ScopeFigures(family, scope, dict(counts), tuple(lines))


def _scope_order(family: str, scope: str) -> tuple[int, int, str]:
    return (0 if family == "voice" else 1, 0 if scope == "all" else 1, scope)


def build_kpis(
    records: Iterable[KpiRecord], rules: ReportRules
) -> tuple[tuple[IntervalFigures, ...], tuple[ScopeFigures, ...]]:
    """Per-interval figures as recorded, and the shift's figures from summed counts."""
    by_interval: dict[datetime, dict[tuple[str, str], dict[str, Any]]] = {}
    for r in records:
        if r.period != "interval":
            continue
        family = _family(r.kpi)
        if family is None:
            continue
        slot = by_interval.setdefault(r.period_start, {}).setdefault(
            (family, r.scope), {"counts": None, "kpis": {}}
        )
        if slot["counts"] is None and r.counts:
            slot["counts"] = _counts_of(family, r.counts)
        slot["kpis"][r.kpi] = r
    intervals: list[IntervalFigures] = []
    totals: dict[tuple[str, str], dict[str, float]] = {}
    for start in sorted(by_interval):
        scopes = []
        for (family, scope), slot in sorted(
            by_interval[start].items(), key=lambda kv: _scope_order(*kv[0])
        ):
            counts = slot["counts"] or {}
            ids = VOICE_PERIOD_KPIS if family == "voice" else NONVOICE_PERIOD_KPIS
            lines = []
            for kpi in ids:
                rec = slot["kpis"].get(kpi)
                if rec is None:
                    continue
                target = target_for(rules.targets, kpi, scope)
                lines.append(
                    KpiLine(
                        kpi,
                        scope,
                        rec.value,
                        rec.status,
                        None if target is None else target.sla,
                        None if target is None else target.slg,
                    )
                )
            scopes.append(ScopeFigures(family, scope, counts, tuple(lines)))
            if counts:
                total = totals.setdefault((family, scope), dict.fromkeys(counts, 0.0))
                for n, v in counts.items():
                    total[n] = total.get(n, 0.0) + v
        intervals.append(IntervalFigures(start, tuple(scopes)))
    members: dict[str, list[str]] = {}
    for family, scope in totals:
        if scope != "all":
            members.setdefault(family, []).append(scope)
    shift = tuple(
        figures_from_counts(family, scope, counts, rules, members.get(family, ()))
        for (family, scope), counts in sorted(totals.items(), key=lambda kv: _scope_order(*kv[0]))
    )
    return tuple(intervals), shift


def expected_intervals(start: datetime, end: datetime, minutes: int) -> list[datetime]:
    out = []
    t = start
    step = timedelta(minutes=max(1, minutes))
    while t < end:
        out.append(t)
        t += step
    return out


# ---------------------------------------------------------------------- attendance


@dataclass(slots=True)
class _Seen:
    first_work: datetime | None = None
    last_state: str | None = None
    last_logout: datetime | None = None


def _observed(events: Iterable[AgentEvent], since: datetime, until: datetime) -> dict[str, _Seen]:
    """Per agent, from events in [since, until]: the first working state, the state at
    `until` and the last logout."""
    seen: dict[str, _Seen] = {}
    for e in events:
        if e.at > until:
            continue
        s = seen.get(e.agent_id)
        if s is None:
            s = seen[e.agent_id] = _Seen()
        if (
            e.state != LOGGED_OUT
            and e.at >= since
            and (s.first_work is None or e.at < s.first_work)
        ):
            s.first_work = e.at
        if e.state == LOGGED_OUT:
            if s.last_logout is None or e.at > s.last_logout:
                s.last_logout = e.at
        s.last_state = e.state  # events come in time order
    return seen


def _tally(state: Mapping[str, Any] | None, agent_id: str, workday: date) -> Mapping[str, Any]:
    if not state:
        return {}
    try:
        return state["agents"][agent_id]["days"][workday.isoformat()] or {}
    except (KeyError, TypeError):
        return {}


def _dt(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _earliest(*values: datetime | None) -> datetime | None:
    present = [v for v in values if v is not None]
    return min(present) if present else None


def build_attendance(
    roster: Roster | None,
    events: Sequence[AgentEvent],
    state: Mapping[str, Any] | None,
    window: tuple[datetime, datetime],
    as_of: datetime,
    rules: AttendanceRules,
    names: Mapping[str, str],
    absent_alerts: Sequence[AlertRecord],
    people: Callable[[RosterEntry], bool] | None = None,
) -> AttendanceSummary:
    """`people`: is an entry the TL's (domain.shift.is_tl_person), the same rule as the
    dashboard's card; None: every shift that overlaps the window."""
    w0, w1 = window
    if roster is None:
        # without the roster only the recorded absences can be named
        seen_ids: set[str] = set()
        rows = []
        for rec in absent_alerts:
            a = rec.alert
            if a.agent_id is None or a.agent_id in seen_ids:
                continue
            seen_ids.add(a.agent_id)
            rows.append(
                AgentAttendance(
                    a.agent_id,
                    names.get(a.agent_id, a.agent_id),
                    "",
                    LoginStatus.ABSENT,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                )
            )
        return AttendanceSummary(roster_known=False, absent=len(rows), exceptions=tuple(rows))

    seen = _observed(events, w0 - BEFORE_SHIFT, as_of)
    counts = dict.fromkeys(
        ("scheduled", "present", "on_time", "late", "absent", "early_out", "not_yet_in", "leave"),
        0,
    )
    exceptions: list[AgentAttendance] = []
    rostered_working: set[str] = set()
    for entry in roster.entries:
        if entry.works and entry.start is not None and entry.end is not None:
            if people is not None:
                if not people(entry):
                    continue  # another TL's people
            elif not (entry.start < w1 and entry.end > w0):
                continue  # this shift is not in the window
            rostered_working.add(entry.agent_id)
        elif entry.status in (RosterStatus.OFF, RosterStatus.LEAVE, RosterStatus.SICK):
            if entry.agent_id not in seen or seen[entry.agent_id].first_work is None:
                counts["leave"] += 1
                continue
            # off / leave / sick but working: judged below as not rostered
        else:
            continue
        result, first, last_out = _judge(entry, seen, state, as_of, rules)
        status = result.status
        if status in (LoginStatus.ON_TIME, LoginStatus.LATE, LoginStatus.EARLY_OUT):
            counts["scheduled"] += 1
            counts["present"] += 1
            if result.late_by is not None:
                counts["late"] += 1
            else:
                counts["on_time"] += 1
            if status == LoginStatus.EARLY_OUT:
                counts["early_out"] += 1
        elif status == LoginStatus.ABSENT:
            counts["scheduled"] += 1
            counts["absent"] += 1
        elif status == LoginStatus.NOT_YET_IN:
            counts["scheduled"] += 1
            counts["not_yet_in"] += 1
        if status in (LoginStatus.LATE, LoginStatus.ABSENT, LoginStatus.EARLY_OUT) or (
            status == LoginStatus.NOT_ROSTERED
        ):
            exceptions.append(
                AgentAttendance(
                    entry.agent_id,
                    entry.name,
                    entry.team,
                    status,
                    entry.shift_code,
                    entry.start,
                    entry.end,
                    result.late_by,
                    first,
                    last_out,
                )
            )
    # logged in during the window without any roster entry for the day
    in_roster = {e.agent_id for e in roster.entries}
    for agent_id, s in sorted(seen.items()):
        if agent_id in in_roster or s.first_work is None or s.first_work >= w1:
            continue
        worked_in_window = s.first_work >= w0 or s.last_state not in (None, LOGGED_OUT)
        if not worked_in_window and (s.last_logout is None or s.last_logout < w0):
            continue
        exceptions.append(
            AgentAttendance(
                agent_id,
                names.get(agent_id, agent_id),
                "",
                LoginStatus.NOT_ROSTERED,
                None,
                None,
                None,
                None,
                s.first_work,
                s.last_logout,
            )
        )
    not_rostered = sum(1 for x in exceptions if x.status == LoginStatus.NOT_ROSTERED)
    order = {
        LoginStatus.ABSENT: 0,
        LoginStatus.LATE: 1,
        LoginStatus.EARLY_OUT: 2,
        LoginStatus.NOT_ROSTERED: 3,
    }
    exceptions.sort(key=lambda x: (order.get(x.status, 9), x.start or w0, x.name.casefold()))
    return AttendanceSummary(
        roster_known=True, not_rostered=not_rostered, exceptions=tuple(exceptions), **counts
    )


def _judge(
    entry: RosterEntry,
    seen: Mapping[str, _Seen],
    state: Mapping[str, Any] | None,
    as_of: datetime,
    rules: AttendanceRules,
) -> tuple[Any, datetime | None, datetime | None]:
    s = seen.get(entry.agent_id) or _Seen()
    tally = _tally(state, entry.agent_id, entry.date)
    saved_first = _dt(tally.get("first_login"))
    if saved_first is not None and saved_first > as_of:
        saved_first = None
    first = s.first_work
    if entry.start is not None and first is not None and first < entry.start - BEFORE_SHIFT:
        first = None
    first = _earliest(first, saved_first)
    logged_in = s.last_state not in (None, LOGGED_OUT)
    last_out = s.last_logout
    if last_out is not None and first is not None and last_out < first:
        last_out = None  # a logout from before this shift
    result = login_status(entry, as_of, rules, first, last_out, logged_in)
    return result, first, last_out


# ---------------------------------------------------------------------- AUX, names


_NAME_IN_MESSAGE = re.compile(r"^(?P<name>.+?) \((?P<id>[^()]*)\) ")


def names_from(roster: Roster | None, alerts: Iterable[AlertRecord]) -> dict[str, str]:
    """Agent names: the roster's, else the alerts' (their `name` parameter; an alert kept
    before alerts were data only has it in its text, "Name (id) ...")."""
    names: dict[str, str] = {}
    for rec in alerts:
        a = rec.alert
        name = a.params.get("name")
        if a.agent_id and isinstance(name, str) and name:
            names.setdefault(a.agent_id, name)
        elif a.agent_id and a.agent_id not in names:
            m = _NAME_IN_MESSAGE.match(a.message)
            if m and m["id"] == a.agent_id:
                names[a.agent_id] = m["name"]
    if roster is not None:
        names.update({e.agent_id: e.name for e in roster.entries})
    return names


def limit_kind(alert_key: str, agent_id: str, code: str) -> str:
    """`rotg:<agent>:<code>:<kind>:...` (rotg.py) -> kind; agent and code may hold ':'."""
    prefix = f"rotg:{agent_id}:{code}:"
    if alert_key.startswith(prefix):
        return alert_key[len(prefix) :].split(":", 1)[0]
    return ""


def _workday(alert_key: str, kind: str) -> date | None:
    """Shift, count and total keys end with the workday (rotg.py): an overnight shift's
    AUX belongs to the day it started."""
    if kind not in ("shift", "count", "total"):
        return None
    try:
        return date.fromisoformat(alert_key.rsplit(":", 1)[-1])
    except ValueError:
        return None


def alert_workday(rec: AlertRecord, day: date) -> date:
    """The workday a ROTG alert counts AUX in: from its key, else the report's day."""
    a = rec.alert
    return _workday(a.key, limit_kind(a.key, a.agent_id or "", a.code or "")) or day


def aux_used_from_events(
    events: Iterable[AgentEvent], since: datetime, until: datetime, open_until: datetime
) -> tuple[dict[str, float], dict[str, int]]:
    """One agent's AUX seconds and occurrences per code, from its recorded events in
    time order: each AUX segment that starts in [since, until) runs to the next event,
    clipped at `until`; the last one, still open, runs to `open_until` (at most `until`).
    A segment replaced at the same instant does not count (the monitor keeps the later
    state)."""
    seconds: dict[str, float] = {}
    count: dict[str, int] = {}
    evs = [e for e in events if since <= e.at < until]
    for i, e in enumerate(evs):
        if e.state != AgentState.AUX:
            continue
        end = evs[i + 1].at if i + 1 < len(evs) else min(open_until, until)
        if end <= e.at:
            continue
        label = code_label(e.aux_code)
        seconds[label] = seconds.get(label, 0.0) + (end - e.at).total_seconds()
        count[label] = count.get(label, 0) + 1
    return seconds, count


def workday_start(agent_id: str, workday: date, roster: Roster | None, tz: tzinfo) -> datetime:
    """Where an agent's workday begins for its AUX: `BEFORE_SHIFT` before its rostered
    shift (as the monitor looks for logins), else local midnight of the workday."""
    if roster is not None:
        for e in roster.entries:
            if e.agent_id == agent_id and e.works and e.start is not None:
                return e.start - BEFORE_SHIFT
    return datetime.combine(workday, time(0), tzinfo=tz)


def build_aux_used(
    store: Store,
    wanted: Iterable[tuple[str, date]],
    roster: Roster | None,
    day: date,
    tz: tzinfo,
    as_of: datetime,
    open_until: datetime,
    names: Mapping[str, str],
    state: Mapping[str, Any] | None = None,
) -> dict[tuple[str, date], AuxUsed]:
    """AUX used of each (agent, workday) in `wanted`, from one read of the events, on top
    of the monitor's saved tally where there is one (`_with_tally`)."""
    rosters: dict[date, Roster | None] = {day: roster}
    since: dict[tuple[str, date], datetime] = {}
    for agent_id, workday in wanted:
        if workday not in rosters:
            rosters[workday] = store.load_roster(workday)
        since[(agent_id, workday)] = workday_start(agent_id, workday, rosters[workday], tz)
    if not since:
        return {}
    by_agent: dict[str, list[AgentEvent]] = {}
    agents = {a for a, _ in since}
    for e in store.agent_events(since=min(since.values()), until=as_of):
        if e.agent_id in agents:
            by_agent.setdefault(e.agent_id, []).append(e)
    out = {}
    for (agent_id, workday), t0 in since.items():
        evs = by_agent.get(agent_id, ())
        tallied = (
            _with_tally(state, agent_id, workday, evs, t0, as_of, open_until)
            if state is not None
            else None
        )
        seconds, count = tallied or aux_used_from_events(evs, t0, as_of, open_until)
        out[(agent_id, workday)] = AuxUsed(
            agent_id, names.get(agent_id, agent_id), workday, seconds, count
        )
    return out


def _with_tally(
    state: Mapping[str, Any],
    agent_id: str,
    workday: date,
    events: Sequence[AgentEvent],
    t0: datetime,
    as_of: datetime,
    open_until: datetime,
) -> tuple[dict[str, float], dict[str, int]] | None:
    """AUX used as the dashboard showed it, carried on to `as_of`: the monitor's saved
    tally (the platform's `today`, which has the AUX from before rtm started) up to the
    agent's last state at the save, plus the recorded AUX from that state on. None: no
    tally, or it was saved after `as_of`. The tally's seconds leave the open segment out
    and its count has it (the monitor's way), so that segment's occurrence is not
    counted twice."""
    tally = _tally(state, agent_id, workday)
    kept_s, kept_n = tally.get("aux_seconds"), tally.get("aux_count")
    try:
        last = state["agents"][agent_id]["last"]
        cut = _dt(last[2])
    except (KeyError, TypeError, IndexError):
        return None
    if not isinstance(kept_s, Mapping) or cut is None or cut > as_of:
        return None
    seconds: dict[str, float] = {}
    count: dict[str, int] = {}
    _add(seconds, ((code_label(str(k)), float(v)) for k, v in kept_s.items()))
    _add(count, ((code_label(str(k)), int(v)) for k, v in (kept_n or {}).items()))
    more_s, more_n = aux_used_from_events(events, max(t0, cut), as_of, open_until)
    if last[0] == AgentState.AUX:
        open_code = code_label(str(last[1] or ""))
        if more_n.get(open_code, 0) and count.get(open_code, 0):
            more_n[open_code] -= 1  # the open segment, counted in the tally already
    _add(seconds, more_s.items())
    _add(count, more_n.items())
    return seconds, count


def _add(into: dict[str, Any], items: Iterable[tuple[str, Any]]) -> None:
    """Sum per code into `into` (raw codes may share a label)."""
    for k, v in items:
        into[k] = into.get(k, 0) + v


def build_aux_over(
    rotg_alerts: Iterable[AlertRecord],
    state: Mapping[str, Any] | None,
    names: Mapping[str, str],
    day: date,
    aux_used: Mapping[tuple[str, date], AuxUsed] | None = None,
    events: Sequence[AgentEvent] = (),
    open_until: datetime | None = None,
) -> tuple[AuxOver, ...]:
    """One line per ROTG alert, with the real value from the recorded facts: the whole
    occurrence (its recorded end, or `open_until` if it still ran), the workday's total
    used or count, not the value at the instant the alert crossed the limit."""
    by_agent: dict[str, list[AgentEvent]] = {}
    for e in events:
        by_agent.setdefault(e.agent_id, []).append(e)
    out = []
    for rec in rotg_alerts:
        a = rec.alert
        if a.agent_id is None:
            continue
        code = a.code or ""
        kind = limit_kind(a.key, a.agent_id, code)
        workday = _workday(a.key, kind) or day
        seen = (aux_used or {}).get((a.agent_id, workday))
        if seen is not None and seen.seconds:
            seconds: Mapping[str, float] = seen.seconds
            count: Mapping[str, int] = seen.count
        else:  # no AUX event recorded: the monitor's saved tally, if any
            tally = _tally(state, a.agent_id, workday)
            seconds = tally.get("aux_seconds") or {}
            count = tally.get("aux_count") or {}
        if code == ALL_CODES:
            used_s = float(sum(seconds.values())) if seconds else None
            n = int(sum(count.values())) if count else None
        else:
            used_s = float(seconds[code]) if code in seconds else None
            n = int(count[code]) if code in count else None
        value = a.value
        if kind == "each":
            length = occurrence_length(by_agent.get(a.agent_id, ()), a.key, code, open_until)
            value = length if length is not None else value
        elif kind in ("shift", "total") and used_s is not None:
            value = used_s
        elif kind == "count" and n is not None:
            value = float(n)
        out.append(
            AuxOver(
                a.agent_id,
                names.get(a.agent_id, a.agent_id),
                code,
                kind,
                value,
                a.limit,
                a.raised_at,
                used_s,
                n,
            )
        )
    out.sort(key=lambda x: (x.name.casefold(), x.agent_id, x.code, x.at))
    return tuple(out)


def occurrence_length(
    events: Sequence[AgentEvent], key: str, code: str, open_until: datetime | None
) -> float | None:
    """Seconds of the AUX occurrence a per-occurrence alert key names (it ends in the
    occurrence's start): to the agent's first recorded change out of it, else to
    `open_until` (still in it when the record ends). None: the key names no start."""
    start = occurrence_start(key)
    if start is None:
        return None  # e.g. a violation proved from the totals before rtm started
    for e in sorted(events, key=lambda e: e.at):
        if e.at > start and not (e.state == "aux" and code_label(e.aux_code) == code):
            return (e.at - start).total_seconds()
    return None if open_until is None else max(0.0, (open_until - start).total_seconds())


def _in_aux_during(events: Sequence[AgentEvent], start: datetime, end: datetime) -> set[str]:
    """Agents with an AUX segment overlapping [start, end) (events in time order)."""
    out: set[str] = set()
    last: dict[str, AgentEvent] = {}
    for e in events:
        if e.at >= end:
            break
        prev = last.get(e.agent_id)
        if prev is not None and prev.state == AgentState.AUX and e.at > start and e.at > prev.at:
            out.add(e.agent_id)  # an AUX segment ending inside the window
        last[e.agent_id] = e
        if e.state == AgentState.AUX and e.at >= start:
            out.add(e.agent_id)
    out.update(a for a, e in last.items() if e.state == AgentState.AUX)  # still in AUX
    return out


# ---------------------------------------------------------------------- plans


def build_plans(
    store: Store, day: date, window: tuple[datetime, datetime], as_of: datetime
) -> tuple[tuple[RecoveryPlan, ...], tuple[RecoveryPlan, ...], tuple[RecoveryPlan, ...]]:
    w0, w1 = window
    recent = store.list_plans(since=day - VERIFIED_LOOKBACK, until=w1.date())
    filed = tuple(p for p in recent if w0 <= p.created_at < w1)
    verified = tuple(
        p
        for p in recent
        if p.status is PlanStatus.VERIFIED
        and p.verified_at is not None
        and w0 <= p.verified_at < w1
    )
    open_plans: list[RecoveryPlan] = []
    for status in (PlanStatus.OPEN, PlanStatus.IN_PROGRESS, PlanStatus.DONE):
        open_plans += [p for p in store.list_plans(status=status) if p.created_at < w1]
    open_plans.sort(key=lambda p: (p.created_at, p.id or 0))
    return filed, tuple(open_plans), verified


# ---------------------------------------------------------------------- the whole report


def build_shift_summary(
    store: Store,
    *,
    day: date,
    shift: str,
    window: tuple[datetime, datetime],
    rules: ReportRules,
    now: datetime,
    roster: Roster | None = None,
    site: str = "",
    tl_name: str = "",
) -> ShiftSummary:
    """Everything the handover report shows for TL shift `shift` of `day`."""
    w0, w1 = window
    as_of = min(w1, now)
    records = store.interval_kpis(since=w0, until=w1, period="interval")
    alerts = store.alerts(since=w0, until=w1)
    events = store.agent_events(since=w0 - BEFORE_SHIFT, until=w1)
    raw_state = store.load_monitor_state(day)
    state: Mapping[str, Any] | None = None
    notes: list[str] = []
    if raw_state:
        try:
            state = json.loads(raw_state)
        except ValueError:
            notes.append(t("report.note.state_unreadable"))
    recorded = bool(records or alerts or any(e.at >= w0 for e in events))

    intervals, shift_figures = build_kpis(records, rules)
    # the configured length, or shorter when the recorded starts say so (a platform on
    # 15-minute intervals): the gcd of it and every recorded start's offset in the window
    minutes = max(1, rules.interval_minutes)
    for iv in intervals:
        minutes = math.gcd(minutes, int((iv.start - w0).total_seconds() // 60))
    have = {i.start for i in intervals}
    missing = tuple(t for t in expected_intervals(w0, as_of, minutes) if t not in have)
    if missing and intervals:
        notes.append(t("report.note.missing_intervals", count=len(missing)))
    if as_of < w1:
        notes.append(t("report.note.running"))

    names = names_from(roster, alerts)
    absent_alerts = [
        a
        for a in alerts
        if a.alert.kind == AlertKind.ATTENDANCE and (a.alert.code or "") == "absent"
    ]
    people = None
    if rules.tl_shifts and shift in rules.tl_shifts:
        site_tz = w0.tzinfo or UTC
        mine = window_on(shift, day, *rules.tl_shifts[shift], site_tz)
        people = partial(
            is_tl_person, window=mine, shifts=rules.tl_shifts, tz=site_tz, now=as_of
        )
    attendance = build_attendance(
        roster, events, state, window, as_of, rules.attendance, names, absent_alerts, people
    )
    if roster is None:
        notes.append(t("report.note.no_roster"))
    rotg = [a for a in alerts if a.alert.kind == AlertKind.ROTG]
    tz = w0.tzinfo or as_of.tzinfo
    assert tz is not None
    # an open AUX segment runs no later than the app was last seen recording: the end of
    # an interval it saw close, its last recorded event, or its last monitor-state save
    # (the last interval is recorded on exit, part way through: its end was not seen)
    closed = sorted(iv.start for iv in intervals)[:-1]
    seen_until = [start + timedelta(minutes=minutes) for start in closed]
    seen_until += [e.at for e in events if w0 <= e.at < as_of]
    saved_at = store.monitor_state_saved_at(day)  # saved on exit: the last instant seen
    if saved_at is not None and w0 <= saved_at <= as_of:
        seen_until.append(saved_at)
    open_until = min(as_of, max(seen_until)) if seen_until else as_of
    in_aux = _in_aux_during(events, w0, as_of)
    # and who had AUX before rtm started (the saved tally has it; no event says so)
    if state is not None:
        entries = {e.agent_id: e for e in roster.entries} if roster is not None else {}
        for agent_id in state.get("agents") or {}:
            kept = _tally(state, agent_id, day).get("aux_seconds")
            if not isinstance(kept, Mapping) or not any(kept.values()):
                continue
            if roster is None or (people is not None and people(entries.get(agent_id))):
                in_aux.add(agent_id)
    wanted = [(a, day) for a in sorted(in_aux)]
    wanted += [(r.alert.agent_id, alert_workday(r, day)) for r in rotg if r.alert.agent_id]
    used = build_aux_used(store, wanted, roster, day, tz, as_of, open_until, names, state)
    aux = build_aux_over(rotg, state, names, day, used, events, open_until)
    aux_used = sorted(
        (used[(a, day)] for a in in_aux if used[(a, day)].seconds),
        key=lambda u: (u.name.casefold(), u.agent_id),
    )
    filed, open_plans, verified = build_plans(store, day, window, now)
    return ShiftSummary(
        site=site,
        tl_name=tl_name,
        day=day,
        shift=shift,
        window_start=w0,
        window_end=w1,
        as_of=as_of,
        interval_minutes=minutes,
        intervals=intervals,
        missing_intervals=missing,
        shift_figures=shift_figures,
        attendance=attendance,
        aux_over=aux,
        alerts=tuple(alerts),
        excuses=tuple(store.excuses(since=w0, until=w1)),
        plans_filed=filed,
        plans_open=open_plans,
        plans_verified=verified,
        aux_used=tuple(aux_used),
        notes=tuple(notes),
        recorded=recorded,
    )


__all__ = [
    "AgentAttendance",
    "AttendanceSummary",
    "AuxOver",
    "AuxUsed",
    "IntervalFigures",
    "KpiLine",
    "ReportRules",
    "ScopeFigures",
    "ShiftSummary",
    "aux_used_from_events",
    "build_shift_summary",
    "default_shift",
    "figures_from_counts",
    "shift_window",
]
