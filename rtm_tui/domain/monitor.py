"""ShiftMonitor: folds snapshots into what the dashboard shows, and raises alerts.

`apply(now, agents, voice, nonvoice, roster)` is called on every poll (any snapshot may
be None: keep the last one). It keeps, per agent, a timeline of observed states and the
AUX time, AUX count, first login and last logout of each workday, and builds the agent
rows, the KPI values with their status, the attendance counts and the alerts.

Observation rules (decisions where the contract is silent):
- Only what is observed counts: two state changes between polls are seen as one, at the
  new state's `state_since`.
- A workday is the roster date of the agent's relevant shift (an overnight shift stays
  on the day it started), else the local date of `now`. AUX totals, counts and logins
  are kept per workday.
- With the platform's `today` block (and the workday being today's date), its totals
  are preferred. Its `aux_seconds` are taken as closed occurrences only: the running
  occurrence (now - state_since) is added by us. Its `aux_count` includes the running
  occurrence. While it applies it is also copied into our own tally, so that after local
  midnight (when the platform's `today` starts over) an overnight shift's workday keeps
  its first login and AUX used. An AUX occurrence belongs to the workday it began in.
- Per-occurrence limits are judged on each occurrence seen; for those that ended before
  the app first saw the agent, the platform's totals prove a violation when a code's
  closed seconds exceed (closed occurrences × the limit).
- Alerts: one per key (see rotg.py for ROTG keys); KPI breaches once per breach episode
  (re-armed when the KPI is back to ok or a new interval/day starts; a warning between
  does not re-arm), key `kpi:<kpi>:<scope>:<period>:<severity>:<raised ISO>`; a
  warning alerts (if `warning_alert_after` is set) when it lasted strictly longer, once
  per episode and not after a breach alert in the same episode; absent once per agent
  and roster date (`attendance:<agent>:absent:<date>`), and only after the first
  agents snapshot. `open_alerts` holds alerts until acknowledged, newest first.
- Instantaneous KPIs (calls_waiting, longest_wait, waiting_list) exist for the
  "interval" period only. Scope "all" comes first, then queues/channels in API order.
- Rows: every agent seen or rostered (last three roster dates), sorted by agent id.
  An agent missing from a later snapshot keeps its last observed state, marked
  `missing` (not logged in as far as anyone knows; no running AUX). A rostered
  agent never seen is shown logged out, `state_since` = shift start.
  `AgentRow.adherence` is rounded to 0.001 (the 0.1 % shown) so that unchanged rows
  are reused between polls; `team_adherence` is computed from unrounded seconds.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

from .adherence import AdherenceMeter, Excuse, adherence_ratio
from .attendance import EXCEPTIONS, attendance_counts, login_status, status_valid_until
from .format import fmt_kpi
from .kpi import (
    KPI_LABELS,
    NOW_KPIS,
    aggregates,
    nonvoice_kpis,
    status_of,
    sum_nonvoice,
    sum_voice,
    target_for,
)
from .kpi import voice_kpis as compute_voice_kpis
from .rotg import (
    NO_CODE,
    Violation,
    code_label,
    each_violation,
    in_scheduled_break,
    mmss,
    shift_violations,
)
from .shift import TlShifts, TlWindow, latest_begun
from .shift import owner as shift_owner
from .types import (
    WORKING_STATES,
    Agent,
    AgentRow,
    AgentsSnapshot,
    AgentState,
    Alert,
    AlertKind,
    AttendanceCounts,
    AttendanceRules,
    KpiOptions,
    KpiTarget,
    KpiValue,
    LoginStatus,
    MonitorView,
    NonVoiceCounts,
    NonVoiceNow,
    NonVoiceSnapshot,
    Roster,
    RosterEntry,
    RotgRules,
    Severity,
    Status,
    VoiceCounts,
    VoiceNow,
    VoiceSnapshot,
)

STATE_VERSION = 1
# enum members as module constants: attribute access on an Enum class is slow in a hot loop
_AUX = AgentState.AUX
_LOGGED_OUT = AgentState.LOGGED_OUT
_ABSENT = LoginStatus.ABSENT
# a working shift is the agent's relevant one from this long before its start ...
BEFORE_SHIFT = timedelta(hours=3)
# ... until this long after its end (late logouts belong to it)
AFTER_SHIFT = timedelta(hours=2)
# timelines and per-day tallies older than this are dropped
KEEP = timedelta(hours=36)
KEEP_DAYS = 3  # roster dates kept (yesterday's overnight shifts still run today)


@dataclass(slots=True)
class _Day:
    """One agent's tally for one workday, from what we observed."""

    first_login: datetime | None = None
    last_logout: datetime | None = None
    aux_seconds: dict[str, float] = field(default_factory=dict)  # closed occurrences
    aux_count: dict[str, int] = field(default_factory=dict)  # occurrences started

    def login(self, at: datetime) -> None:
        if self.first_login is None or at < self.first_login:
            self.first_login = at

    def logout(self, at: datetime) -> None:
        if self.last_logout is None or at > self.last_logout:
            self.last_logout = at


@dataclass(slots=True)
class _Track:
    """Everything the monitor keeps about one agent."""

    agent_id: str
    agent: Agent | None = None  # last observed
    last: tuple[AgentState, str | None, datetime] | None = None  # state, code, since
    last_login_at: datetime | None = None
    timeline: list[tuple[datetime, AgentState, str | None]] = field(default_factory=list)
    version: int = 0  # bumped whenever the timeline or excuses change
    days: dict[date, _Day] = field(default_factory=dict)
    open_day: date | None = None  # workday of the running AUX occurrence
    excuses: list[Excuse] = field(default_factory=list)
    dirty: bool = True  # totals may have changed: judge the shift limits again
    judged_day: date | None = None
    next_judge: datetime | None = None  # in AUX: when the next limit could be crossed
    over_limit: bool = False
    meter: AdherenceMeter = field(default_factory=AdherenceMeter)
    entry: RosterEntry | None = None
    entry_valid: tuple[int, datetime] | None = None  # (roster version, valid until)
    login_cache: tuple[Any, ...] | None = None  # (entry, logins, valid until, result, flag)
    row: AgentRow | None = None
    row_dirty: bool = True  # the agent or its roster changed since the row was built
    closed_aux: float = 0.0  # AUX seconds of closed occurrences, as of the last full pass
    row_sig: tuple[Any, ...] = ()
    present: bool = False  # in the latest agents snapshot (False: gone from the platform)
    running_counts: bool = False  # the running AUX occurrence counts in the row's workday

    def day(self, workday: date) -> _Day:
        d = self.days.get(workday)
        if d is None:
            d = self.days[workday] = _Day()
        return d


@dataclass(slots=True)
class _KpiEpisode:
    epoch: str = ""  # interval start or date: a new one re-arms
    breach_since: datetime | None = None
    warn_since: datetime | None = None
    warn_alerted: bool = False


_EMPTY_DAY = _Day()


def _refreshed(row: AgentRow, aux_used: float, adherence: float | None) -> AgentRow:
    return AgentRow(
        agent_id=row.agent_id,
        name=row.name,
        team=row.team,
        state=row.state,
        aux_code=row.aux_code,
        state_since=row.state_since,
        aux_used_seconds=aux_used,
        aux_allowance_seconds=row.aux_allowance_seconds,
        aux_limit_each_seconds=row.aux_limit_each_seconds,
        aux_warn_ratio=row.aux_warn_ratio,
        login_status=row.login_status,
        late_by=row.late_by,
        adherence=adherence,
        roster=row.roster,
        first_login_at=row.first_login_at,
        last_logout_at=row.last_logout_at,
        exception=row.exception,
        missing=row.missing,
    )


def _iso(t: datetime | None) -> str | None:
    return None if t is None else t.isoformat()


def _dt(s: str | None) -> datetime | None:
    return None if s is None else datetime.fromisoformat(s)


def _next_midnight(now: datetime) -> datetime:
    return datetime(now.year, now.month, now.day, tzinfo=now.tzinfo) + timedelta(days=1)


class ShiftMonitor:
    def __init__(
        self,
        targets: Mapping[str, KpiTarget],
        options: KpiOptions,
        rotg: RotgRules,
        attendance: AttendanceRules,
        tl_shifts: TlShifts | None = None,
    ) -> None:
        self.targets = targets
        # the site's TL windows: the card counts the TL's people (shift.py); None: everyone
        self.tl_shifts = tl_shifts or None
        self._owners: dict[int, TlWindow | None] = {}  # id(entry) -> its TL window
        self.options = options
        self.rotg = rotg
        self.rules = attendance
        self._agents: AgentsSnapshot | None = None
        self._voice: VoiceSnapshot | None = None
        self._nonvoice: NonVoiceSnapshot | None = None
        self._rosters: dict[date, Roster] = {}
        self._entries: dict[str, list[RosterEntry]] = {}
        self._roster_version = 0
        self._tracks: dict[str, _Track] = {}
        self._order: list[str] = []
        self._order_dirty = True
        self._kpis: tuple[KpiValue, ...] = ()
        self._kpi_epochs: dict[tuple[str, str, str], str] = {}
        self._episodes: dict[tuple[str, str, str], _KpiEpisode] = {}
        self._open: list[Alert] = []
        self._open_tuple: tuple[Alert, ...] = ()
        self._raised: dict[str, datetime] = {}  # every key raised, for one-alert-per-key
        # per (family, scope): interval start -> the interval's counts as last seen; the
        # TL shift so far is their sum (the "shift" period)
        self._seen_intervals: dict[tuple[str, str], dict[datetime, Any]] = {}
        self._kpi_window: TlWindow | None = None
        self._running_each: dict[str, str] = {}  # per-occurrence alert key -> agent, still running
        self._new: list[Alert] = []
        self._today: date | None = None
        self._tz: tzinfo | None = None  # the site's, from `now`: "today" is its local date
        self.team_adherence: float | None = None

    # ------------------------------------------------------------------ public

    def apply(
        self,
        now: datetime,
        agents: AgentsSnapshot | None = None,
        voice: VoiceSnapshot | None = None,
        nonvoice: NonVoiceSnapshot | None = None,
        roster: Roster | None = None,
    ) -> MonitorView:
        """Fold the new snapshots (None = keep the last) into the view at `now`.

        Rosters are kept per date (the last three dates): pass yesterday's too when
        overnight shifts run, so they stay attached to the day they started.
        """
        self._new = []
        self._tz = now.tzinfo
        if now.date() != self._today:
            self._today = now.date()
            self._prune(now)
        if roster is not None:
            self._set_roster(roster)
        if agents is not None:
            if self._agents is None:
                # attendance is judged again now that logins are known
                for track in self._tracks.values():
                    track.login_cache = None
            self._agents = agents
            listed = set()
            for agent in agents.agents:
                self._observe(agent, now)
                listed.add(agent.agent_id)
            for track in self._tracks.values():
                if track.present and track.agent_id not in listed:
                    # gone from the platform's list: its last state is no longer true
                    track.present = False
                    track.row_dirty = True
        kpis_changed = False
        if voice is not None and voice is not self._voice:
            self._voice = voice
            kpis_changed = True
        if nonvoice is not None and nonvoice is not self._nonvoice:
            self._nonvoice = nonvoice
            kpis_changed = True
        window = self.tl_window(now)
        if window != self._kpi_window:  # a new TL shift: its figures start afresh
            self._kpi_window = window
            kpis_changed = kpis_changed or self._voice is not None or self._nonvoice is not None
        if kpis_changed:
            self._kpis = self._build_kpis()
        self._judge_kpis(now)
        rows = self._build_rows(now)
        if self._running_each:
            self._follow_running(now)
        return MonitorView(
            now=now,
            rows=rows,
            kpis=self._kpis,
            attendance=attendance_counts(self._tl_rows(rows, now)),
            new_alerts=tuple(self._new),
            open_alerts=self._open_tuple,
        )

    def tl_window(self, now: datetime) -> TlWindow | None:
        """The TL window the card is for: the one running, else the last one ended."""
        if self.tl_shifts is None or now.tzinfo is None:
            return None
        return latest_begun(self.tl_shifts, now, now.tzinfo)

    def _tl_rows(self, rows: tuple[AgentRow, ...], now: datetime) -> Iterable[AgentRow]:
        """The rows the attendance card counts: the TL's people, and anyone logged in
        without a roster entry (which is every TL's business)."""
        window = self.tl_window(now)
        if window is None:
            return rows
        owners = self._owners
        day = window.day
        out = []
        for r in rows:
            e = r.roster
            if e is None:
                if r.login_status is LoginStatus.NOT_ROSTERED:
                    out.append(r)
                continue
            if e.start is None:
                if e.date == day:  # off / leave / sick that day
                    out.append(r)
                continue
            key = id(e)
            if key not in owners:
                owners[key] = shift_owner(e, self.tl_shifts or {}, window.start.tzinfo or UTC)
            w = owners[key]
            if (w is not None and w.name == window.name and w.day == day) or (
                window.start <= e.start < min(now, window.end)  # begun on this TL's watch
            ):
                out.append(r)
        return out

    def _absent_is_ours(self, entry: RosterEntry, now: datetime) -> bool:
        """An absence is raised when its deadline falls in the TL window that has begun
        (the TL on duty can act); one from before it opened was the previous TL's."""
        window = self.tl_window(now)
        if window is None or entry.start is None:
            return True
        return entry.start + self.rules.no_show_after >= window.start

    def acknowledge(self, alert_key: str) -> bool:
        """Take an alert out of the open list; False if it was not open."""
        for i, alert in enumerate(self._open):
            if alert.key == alert_key:
                del self._open[i]
                self._open_tuple = tuple(self._open)
                return True
        return False

    def excuse(self, agent_id: str, start: datetime, end: datetime, reason: str) -> Excuse:
        """A TL excuses a period: it counts as in adherence; the reason is kept."""
        if end <= start:
            raise ValueError("an excused period must end after it starts")
        track = self._track(agent_id)
        excuse = Excuse(start, end, reason)
        track.excuses.append(excuse)
        track.version += 1
        return excuse

    def excuses(self, agent_id: str) -> tuple[Excuse, ...]:
        track = self._tracks.get(agent_id)
        return tuple(track.excuses) if track else ()

    # ------------------------------------------------------------------ roster

    def _set_roster(self, roster: Roster) -> None:
        self._rosters[roster.date] = roster
        for d in sorted(self._rosters)[:-KEEP_DAYS]:
            del self._rosters[d]
        entries: dict[str, list[RosterEntry]] = {}
        for r in self._rosters.values():
            for e in r.entries:
                entries.setdefault(e.agent_id, []).append(e)
        self._entries = entries
        self._owners = {}  # entries are new objects: their owners are worked out again
        self._roster_version += 1
        for agent_id in entries:
            self._track(agent_id)
        for track in self._tracks.values():
            track.row_dirty = True

    def _night_before(self, track: _Track, today: date) -> bool:
        """Did the agent work a shift that started before `today` and ran past midnight?
        The platform's `today` tally then mixes that shift's last hours into today's, so
        today's workday is judged on what we observed ourselves."""
        return any(
            e.works and e.date < today and e.end is not None and e.end.date() >= today
            for e in self._entries.get(track.agent_id, ())
        )

    def _entry_for(self, track: _Track, now: datetime) -> RosterEntry | None:
        """The agent's relevant roster entry at `now`, cached until it could change."""
        cached = track.entry_valid
        if cached is not None and cached[0] == self._roster_version and now < cached[1]:
            return track.entry
        entries = self._entries.get(track.agent_id, ())
        valid = _next_midnight(now)
        best: RosterEntry | None = None
        best_rank: tuple[int, float] | None = None
        today = now.date()
        for e in entries:
            if e.works and e.start is not None and e.end is not None:
                for t in (e.start - BEFORE_SHIFT, e.start, e.end, e.end + AFTER_SHIFT):
                    if now < t < valid:
                        valid = t
                if e.start <= now < e.end:
                    rank = (0, -e.start.timestamp())
                elif e.start - BEFORE_SHIFT <= now < e.end + AFTER_SHIFT:
                    gap = e.start - now if now < e.start else now - e.end
                    rank = (1, gap.total_seconds())
                elif e.date == today:
                    rank = (2, 0.0)
                else:
                    continue
            elif e.date == today:
                rank = (2, 0.0)
            else:
                continue
            if best_rank is None or rank < best_rank:
                best, best_rank = e, rank
        track.entry = best
        track.entry_valid = (self._roster_version, valid)
        return best

    def _workday(self, track: _Track, now: datetime) -> date:
        entry = self._entry_for(track, now)
        return entry.date if entry is not None else now.date()

    # ------------------------------------------------------------------ agents

    def _track(self, agent_id: str) -> _Track:
        track = self._tracks.get(agent_id)
        if track is None:
            track = self._tracks[agent_id] = _Track(agent_id)
            self._order_dirty = True
        return track

    def _observe(self, agent: Agent, now: datetime) -> None:
        track = self._tracks.get(agent.agent_id) or self._track(agent.agent_id)
        last = track.last
        if (
            last is not None
            and agent.state == AgentState.AUX
            and (last[0], last[1]) == (agent.state, agent.aux_code)
            and last[2] != agent.state_since
        ):
            # The same AUX code seen again with another `state_since` is the same occurrence:
            # a platform that re-stamps it each poll must not count (or restart) it again.
            agent = replace(agent, state_since=last[2])
        prev = track.agent
        tally_changed = prev is None or prev.today != agent.today
        if prev is not agent and (
            tally_changed or prev is None or prev.name != agent.name or prev.team != agent.team
        ):
            track.row_dirty = True
        track.agent = agent
        if not track.present:
            track.present = True
            track.row_dirty = True
        first_seen = track.last is None
        self._fold_state(track, agent, now)
        if tally_changed and agent.today is not None:
            workday = self._workday(track, now)
            if self._platform_applies(track, workday, now):
                self._take_platform_tally(track, agent, workday, now, first_seen)

    def _platform_applies(self, track: _Track, workday: date, now: datetime) -> bool:
        """The platform's `today` block is this workday's tally: the workday is today and
        no shift from last night mixes into it."""
        today = now.date()
        return workday == today and not self._night_before(track, today)

    def _take_platform_tally(
        self, track: _Track, agent: Agent, workday: date, now: datetime, first_seen: bool
    ) -> None:
        """Copy the platform's tally into our own for the workday: after local midnight
        the platform's `today` starts over, but an overnight shift's workday goes on, and
        its first login and AUX used must not drop to nothing."""
        tally = agent.today
        assert tally is not None
        day = track.day(workday)
        if tally.first_login_at is not None:
            day.login(tally.first_login_at)
        if tally.last_logout_at is not None:
            day.logout(tally.last_logout_at)
        day.aux_seconds = {str(k): float(v) for k, v in tally.aux_seconds.items()}
        day.aux_count = {str(k): int(v) for k, v in tally.aux_count.items()}
        track.dirty = True
        if first_seen:
            self._proved_before_start(track, agent, workday, now)

    def _proved_before_start(
        self, track: _Track, agent: Agent, workday: date, now: datetime
    ) -> None:
        """Occurrences that ended before the app started were never seen one by one, but
        a code's closed seconds over (closed occurrences × its each-limit) prove that at
        least one of them was too long."""
        tally = agent.today
        assert tally is not None
        running = code_label(agent.aux_code) if agent.state is _AUX else None
        entry = self._entry_for(track, now)
        scheduled = {b.code for b in entry.breaks} if entry is not None else set()
        for code, seconds in tally.aux_seconds.items():
            rule = self.rotg.for_code(None if code == NO_CODE else code)
            limit = rule.max_minutes_each
            closed = int(tally.aux_count.get(code, 0)) - (1 if code == running else 0)
            if limit is None or closed < 1 or seconds <= closed * limit * 60.0:
                continue
            if code in scheduled:
                continue  # time inside a scheduled break window is not judged: no proof
            if rule.max_minutes_shift is not None and seconds > rule.max_minutes_shift * 60.0:
                continue  # the shift-limit alert already says this code ran over
            v = Violation(
                f"rotg:{track.agent_id}:{code}:each:{workday.isoformat()}:before-start",
                code,
                "each",
                seconds / closed,
                limit * 60.0,
            )
            self._raise_rotg(track, v, now, before_start=closed)

    def _fold_state(self, track: _Track, agent: Agent, now: datetime) -> None:
        last = track.last
        state, code, since = agent.state, agent.aux_code, agent.state_since
        if last is not None and last[0] == state and last[1] == code and last[2] == since:
            if agent.login_at is not None and agent.login_at != track.last_login_at:
                # logged out and in again between polls: the login still counts
                track.last_login_at = agent.login_at
                track.day(self._workday(track, now)).login(agent.login_at)
                track.row_dirty = True
            return
        track.row_dirty = True
        workday = self._workday(track, now)
        day = track.day(workday)
        track.dirty = True
        track.version += 1
        if last is None or not track.timeline:
            change = since
            if state == AgentState.LOGGED_OUT and agent.logout_at is not None:
                day.logout(agent.logout_at)
        else:
            prev_state, prev_code = last[0], last[1]
            seg_start = track.timeline[-1][0]
            change = max(since, seg_start)  # never let the timeline run backwards
            if prev_state == AgentState.AUX:
                self._close_aux(track, prev_code, seg_start, change, workday)
            if prev_state != AgentState.LOGGED_OUT and state == AgentState.LOGGED_OUT:
                day.logout(agent.logout_at or change)
        if state != AgentState.LOGGED_OUT and (
            last is None
            or last[0] == AgentState.LOGGED_OUT
            or agent.login_at != track.last_login_at
        ):
            # without login_at, the state's start is the best we know
            day.login(agent.login_at or change)
        if state == AgentState.AUX:
            label = code_label(code)
            day.aux_count[label] = day.aux_count.get(label, 0) + 1
            track.open_day = workday
        if track.timeline and track.timeline[-1][0] == change:
            track.timeline[-1] = (change, state, code)  # same instant: the later one wins
        elif not (
            track.timeline and state in WORKING_STATES and track.timeline[-1][1] in WORKING_STATES
        ):
            # available / on contact / ACW are one thing to adherence: a call cycle adds
            # nothing, so the timeline grows with AUX and logins, not with every call
            track.timeline.append((change, state, code))
        track.last = (state, code, since)  # as reported, to compare with the next poll
        track.last_login_at = agent.login_at

    def _close_aux(
        self, track: _Track, code: str | None, start: datetime, end: datetime, workday: date
    ) -> None:
        day = track.day(track.open_day or workday)
        label = code_label(code)
        day.aux_seconds[label] = day.aux_seconds.get(label, 0.0) + max(
            0.0, (end - start).total_seconds()
        )
        track.open_day = None
        entry = track.entry
        breaks = entry.breaks if entry is not None else ()
        v = each_violation(track.agent_id, code, start, end, self.rotg, breaks)
        if v is not None:
            self._raise_rotg(track, v, end)

    # ------------------------------------------------------------------ rows

    def _build_rows(self, now: datetime) -> tuple[AgentRow, ...]:
        """One row per agent. Rows whose content did not change are reused as they are
        (a frozen dataclass costs microseconds to build, times thousands of agents)."""
        if self._order_dirty:
            self._order = sorted(self._tracks)
            self._order_dirty = False
        rows = []
        team_in = team_out = 0.0
        allowance = self.rotg.max_aux_minutes_shift
        allowance_s = None if allowance is None else allowance * 60.0
        today = now.date()
        grace = self.rules.adherence_grace
        default_warn = self.rotg.default.warn_ratio
        roster_version = self._roster_version
        for agent_id in self._order:
            track = self._tracks[agent_id]
            agent = track.agent
            row = track.row
            # fast path: nothing changed but time. Only adherence and, in AUX, the
            # running occurrence move; attendance, the roster entry and the next AUX
            # limit to judge are cached until known instants.
            cached = track.entry_valid
            lc = track.login_cache
            # an agent gone from the platform's list has no running occurrence we can see
            in_aux = agent is not None and agent.state is _AUX and track.present
            if (
                row is not None
                and not track.row_dirty
                and (not in_aux or track.next_judge is None or now < track.next_judge)
                and cached is not None
                and cached[0] == roster_version
                and now < cached[1]
                and lc is not None
                and lc[0] is track.entry
                and (lc[2] is None or now < lc[2])
            ):
                adh_in, adh_out = track.meter.totals(
                    track.entry, track.timeline, now, grace, track.excuses, track.version
                )
                team_in += adh_in
                team_out += adh_out
                adh = round(adh_in / (adh_in + adh_out), 3) if adh_in + adh_out > 0 else None
                aux_used = row.aux_used_seconds
                if in_aux and track.running_counts:
                    assert agent is not None
                    running = (now - agent.state_since).total_seconds()
                    aux_used = track.closed_aux + (running if running > 0 else 0.0)
                if adh != row.adherence or aux_used != row.aux_used_seconds:
                    row = _refreshed(row, aux_used, adh)
                    sig = track.row_sig
                    track.row = row
                    track.row_sig = (*sig[:6], aux_used, *sig[7:10], adh, *sig[11:])
                rows.append(row)
                continue

            if cached is not None and cached[0] == roster_version and now < cached[1]:
                entry = track.entry
            else:
                entry = self._entry_for(track, now)
            workday = entry.date if entry is not None else today
            day = track.days.get(workday) or _EMPTY_DAY
            platform = (
                agent.today
                if agent is not None and workday == today and not self._night_before(track, today)
                else None
            )

            # logins and AUX totals: the platform's tally when it sends one, else ours
            if platform is not None:
                first_login = platform.first_login_at or day.first_login
                last_logout = platform.last_logout_at or day.last_logout
                seconds: Mapping[str, float] = platform.aux_seconds
                counts: Mapping[str, int] = platform.aux_count
            else:
                first_login, last_logout = day.first_login, day.last_logout
                seconds, counts = day.aux_seconds, day.aux_count
            limit_each = None
            warn_ratio = default_warn
            aux_used = track.closed_aux = sum(seconds.values())
            # an occurrence belongs to the workday it began in: one that started before
            # midnight on another workday does not count in this one's AUX used
            track.running_counts = in_aux and track.open_day in (None, workday)
            if in_aux:
                assert agent is not None
                rule = self.rotg.for_code(agent.aux_code)
                warn_ratio = rule.warn_ratio
                if rule.max_minutes_each is not None:
                    limit_each = rule.max_minutes_each * 60.0
                if track.running_counts:
                    aux_used += max(0.0, (now - agent.state_since).total_seconds())

            if (
                track.dirty
                or track.judged_day != workday
                or (in_aux and track.next_judge is not None and now >= track.next_judge)
            ):
                self._judge_rotg(track, agent, entry, workday, seconds, counts, now)

            missing = agent is not None and not track.present
            logged_in = agent is not None and agent.state != _LOGGED_OUT and not missing
            login_key = (first_login, last_logout, logged_in)
            lc = track.login_cache
            if (
                lc is not None
                and lc[0] is entry
                and lc[1] == login_key
                and (lc[2] is None or now < lc[2])
            ):
                result, login_flag = lc[3], lc[4]
            else:
                result = login_status(entry, now, self.rules, first_login, last_logout, logged_in)
                login_flag = result.status in EXCEPTIONS or result.late_by is not None
                track.login_cache = (
                    entry,
                    login_key,
                    status_valid_until(entry, now, self.rules),
                    result,
                    login_flag,
                )
                # no absent alert before the first agents snapshot: logins are unknown
                if (
                    result.status == _ABSENT
                    and entry is not None
                    and self._agents is not None
                    and self._absent_is_ours(entry, now)
                ):
                    self._raise_absent(track, entry, now)

            adh_in, adh_out = track.meter.totals(
                entry, track.timeline, now, grace, track.excuses, track.version
            )
            team_in += adh_in
            team_out += adh_out
            # rounded to the display precision (0.1 %): lets unchanged rows be reused
            adh = round(adh_in / (adh_in + adh_out), 3) if adh_in + adh_out > 0 else None

            exception = track.over_limit or login_flag or missing
            if agent is not None:
                name, team_name = agent.name, agent.team
                state, code, state_since = agent.state, agent.aux_code, agent.state_since
            else:
                name = entry.name if entry is not None else agent_id
                team_name = entry.team if entry is not None else ""
                state, code = _LOGGED_OUT, None
                state_since = entry.start if entry is not None and entry.start else now
            sig = (
                name,
                team_name,
                state,
                code,
                state_since,
                entry,
                aux_used,
                limit_each,
                warn_ratio,
                result,
                adh,
                first_login,
                last_logout,
                exception,
                missing,
            )
            track.row_dirty = False
            if row is not None and track.row_sig == sig:
                rows.append(row)
                continue
            row = AgentRow(
                agent_id=agent_id,
                name=name,
                team=team_name,
                state=state,
                aux_code=code,
                state_since=state_since,
                aux_used_seconds=aux_used,
                aux_allowance_seconds=allowance_s,
                aux_limit_each_seconds=limit_each,
                aux_warn_ratio=warn_ratio,
                login_status=result.status,
                late_by=result.late_by,
                adherence=adh,
                roster=entry,
                first_login_at=first_login,
                last_logout_at=last_logout,
                exception=exception,
                missing=missing,
            )
            track.row, track.row_sig = row, sig
            rows.append(row)
        self.team_adherence = adherence_ratio(team_in, team_out)
        return tuple(rows)

    # ------------------------------------------------------------------ ROTG

    def _judge_rotg(
        self,
        track: _Track,
        agent: Agent | None,
        entry: RosterEntry | None,
        workday: date,
        seconds: Mapping[str, float],
        counts: Mapping[str, int],
        now: datetime,
    ) -> None:
        """Judge the AUX limits, and work out when the next limit could be crossed."""
        track.dirty = False
        track.judged_day = workday
        track.next_judge = None
        breaks = entry.breaks if entry is not None else ()
        exempt = None
        over = False
        if agent is not None and agent.state == AgentState.AUX:
            code = agent.aux_code
            label = code_label(code)
            running = max(0.0, (now - agent.state_since).total_seconds())
            if track.open_day in (None, workday):  # else it began on another workday
                seconds = dict(seconds)
                seconds[label] = seconds.get(label, 0.0) + running
                if label not in counts:  # the platform's count includes the running one
                    counts = {**counts, label: 1}
            window_end = in_scheduled_break(code, breaks, now)
            if window_end is not None:
                exempt = label
            v = each_violation(
                track.agent_id, code, agent.state_since, now, self.rotg, breaks, running=True
            )
            if v is not None:
                over = True
                self._raise_rotg(track, v, now)
            # the running occurrence only grows: the next limit it can cross
            rule = self.rotg.for_code(code)
            waits = [] if window_end is None else [(window_end - now).total_seconds()]
            if rule.max_minutes_each is not None:
                waits.append(rule.max_minutes_each * 60.0 - running)
            if rule.max_minutes_shift is not None:
                waits.append(rule.max_minutes_shift * 60.0 - seconds.get(label, 0.0))
            if self.rotg.max_aux_minutes_shift is not None:
                waits.append(self.rotg.max_aux_minutes_shift * 60.0 - sum(seconds.values()))
            waits = [w for w in waits if w >= 0]
            if waits:
                # "past" the limit is strictly greater: look again just after it
                track.next_judge = now + timedelta(seconds=min(waits) + 0.001)
        for v in shift_violations(track.agent_id, workday, seconds, counts, self.rotg, exempt):
            over = True
            self._raise_rotg(track, v, now)
        if over != track.over_limit:
            track.over_limit = over
            track.row_dirty = True

    def _raise_rotg(
        self, track: _Track, v: Violation, now: datetime, before_start: int = 0
    ) -> None:
        if v.key in self._raised:
            self._update_value(v.key, v, track)  # the same condition, its real value now
            return
        if v.limit_kind == "each" and not before_start:
            self._running_each[v.key] = track.agent_id
        self._raise(
            self._rotg_alert(track, v, now, before_start),
        )

    def _rotg_alert(
        self, track: _Track, v: Violation, now: datetime, before_start: int = 0
    ) -> Alert:
        agent = track.agent
        who = f"{agent.name} ({track.agent_id})" if agent is not None else track.agent_id
        what = v.describe()
        if before_start:
            # proved from the platform's totals, not seen: say so, with the evidence
            what = (
                f"{v.code}: at least one occurrence over {mmss(v.limit)} before rtm started "
                f"({mmss(v.value * before_start)} in {before_start})"
            )
        return Alert(
            key=v.key,
            kind=AlertKind.ROTG,
            severity=Severity.BREACH,
            raised_at=now,
            message=f"{who} {what}",
            agent_id=track.agent_id,
            code=v.code,
            value=v.value,
            limit=v.limit,
        )

    def _update_value(self, key: str, v: Violation, track: _Track) -> None:
        """An open alert follows its condition: the occurrence's real length, the real
        total used, not the value at the instant it crossed the limit."""
        for i, a in enumerate(self._open):
            if a.key == key:
                if a.value is not None and int(a.value) == int(v.value):
                    return  # the text shows whole seconds: nothing to redraw
                fresh = self._rotg_alert(track, v, a.raised_at)
                self._open[i] = replace(fresh, raised_at=a.raised_at)
                self._open_tuple = tuple(self._open)
                return

    def _follow_running(self, now: datetime) -> None:
        """Running occurrences already over their limit: their alerts show the length
        so far, every poll (a few alerts at most)."""
        for key, agent_id in list(self._running_each.items()):
            track = self._tracks.get(agent_id)
            agent = track.agent if track is not None else None
            start = datetime.fromisoformat(key.rsplit(":each:", 1)[1])
            if (
                track is None
                or agent is None
                or agent.state is not _AUX
                or agent.state_since != start
                or not track.present
            ):
                del self._running_each[key]  # closed: _close_aux gave it its final length
                continue
            rule = self.rotg.for_code(agent.aux_code)
            if rule.max_minutes_each is None:
                continue
            label = code_label(agent.aux_code)
            value = (now - start).total_seconds()
            self._update_value(
                key, Violation(key, label, "each", value, rule.max_minutes_each * 60.0), track
            )

    def _raise_absent(self, track: _Track, entry: RosterEntry, now: datetime) -> None:
        key = f"attendance:{track.agent_id}:absent:{entry.date.isoformat()}"
        if key in self._raised:
            return
        assert entry.start is not None
        deadline = entry.start + self.rules.no_show_after
        shift = f" {entry.shift_code}" if entry.shift_code else ""
        self._raise(
            Alert(
                key=key,
                kind=AlertKind.ATTENDANCE,
                severity=Severity.BREACH,
                raised_at=now,
                message=(
                    f"{entry.name} ({track.agent_id}) absent: no login for shift{shift} "
                    f"{entry.start:%H:%M} by {deadline:%H:%M}"
                ),
                agent_id=track.agent_id,
                code="absent",
            )
        )

    def _raise(self, alert: Alert) -> None:
        self._raised[alert.key] = alert.raised_at
        self._new.append(alert)
        self._open.insert(0, alert)
        self._open_tuple = tuple(self._open)

    # ------------------------------------------------------------------ KPIs

    def _kpi_value(
        self, kpi: str, scope: str, period: str, value: float | None, counts: Mapping[str, float]
    ) -> KpiValue:
        target = target_for(self.targets, kpi, scope)
        return KpiValue(kpi, scope, period, value, status_of(value, target), target, counts)

    def _aggregates(self, kpi: str, members: list[str]) -> bool:
        return aggregates(self.targets, kpi, members)

    def _epoch(self, period: str, interval_start: str, day: str) -> str:
        if period == "interval":
            return interval_start
        if period == "shift" and self._kpi_window is not None:
            return self._kpi_window.start.isoformat()
        return day

    def _shift_so_far(self, seen: dict[datetime, Any]) -> list[Any] | None:
        """The counts of the TL shift's intervals seen so far (None: no TL window). Old
        intervals are forgotten as they leave the day."""
        if len(seen) > 100:  # more than a day of 15-minute intervals: drop the oldest
            latest = max(seen)
            for old in [t for t in seen if t < latest - KEEP]:
                del seen[old]
        window = self._kpi_window
        if window is None:
            return None
        return [c for t, c in seen.items() if window.start <= t < window.end]

    def shift_since(self) -> datetime | None:
        """The first interval the "shift" figures include: later than the TL window's start
        when rtm was not running (nor seeded from the store) at its beginning."""
        window = self._kpi_window
        if window is None:
            return None
        starts = [
            t
            for seen in self._seen_intervals.values()
            for t in seen
            if window.start <= t < window.end
        ]
        return min(starts) if starts else None

    def seed_interval(self, family: str, scope: str, start: datetime, counts: Any) -> None:
        """An interval of today from the shift record (rtm restarted mid-shift): the TL
        shift's figures then include what happened before the restart."""
        self._seen_intervals.setdefault((family, scope), {}).setdefault(start, counts)

    def _build_kpis(self) -> tuple[KpiValue, ...]:
        out: list[KpiValue] = []
        epochs: dict[tuple[str, str, str], str] = {}
        v = self._voice
        if v is not None:
            groups = [(q.queue_id, [q]) for q in v.queues]
            if v.queues:
                groups.insert(0, ("all", list(v.queues)))
            for scope, queues in groups:
                interval = sum_voice(q.interval for q in queues)
                now = VoiceNow()
                for q in queues:
                    now = now + q.now
                began = max(q.interval_start for q in queues)
                start = began.isoformat()
                # the local date: an API speaking UTC must not re-arm at 07:00 WIB
                day = began.astimezone(self._tz).date().isoformat()
                seen = self._seen_intervals.setdefault(("voice", scope), {})
                seen[began] = interval
                periods: list[tuple[str, VoiceCounts, VoiceNow | None]] = [
                    ("interval", interval, now),
                    ("today", sum_voice(q.today for q in queues), None),
                ]
                shift = self._shift_so_far(seen)
                if shift is not None:
                    periods.insert(1, ("shift", sum_voice(shift), None))
                for period, counts, qnow in periods:
                    raw: dict[str, float] = counts.as_dict()
                    if qnow is not None:
                        raw["waiting"] = qnow.waiting
                        raw["longest_wait_seconds"] = qnow.longest_wait_seconds
                    for kpi, value in compute_voice_kpis(counts, qnow, self.options).items():
                        if period == "today" and kpi in NOW_KPIS:
                            continue
                        if scope == "all" and not self._aggregates(
                            kpi, [q.queue_id for q in queues]
                        ):
                            continue
                        out.append(self._kpi_value(kpi, scope, period, value, raw))
                        epochs[(kpi, scope, period)] = self._epoch(period, start, day)
        nv = self._nonvoice
        if nv is not None:
            cgroups = [(c.channel, [c]) for c in nv.channels]
            if nv.channels:
                cgroups.insert(0, ("all", list(nv.channels)))
            for scope, chans in cgroups:
                cnow = NonVoiceNow()
                for c in chans:
                    cnow = cnow + c.now
                began = max(c.interval_start for c in chans)
                start = began.isoformat()
                # the local date: an API speaking UTC must not re-arm at 07:00 WIB
                day = began.astimezone(self._tz).date().isoformat()
                ninterval = sum_nonvoice(c.interval for c in chans)
                nseen = self._seen_intervals.setdefault(("nonvoice", scope), {})
                nseen[began] = ninterval
                nperiods: list[tuple[str, NonVoiceCounts, NonVoiceNow | None]] = [
                    ("interval", ninterval, cnow),
                    ("today", sum_nonvoice(c.today for c in chans), None),
                ]
                nshift = self._shift_so_far(nseen)
                if nshift is not None:
                    nperiods.insert(1, ("shift", sum_nonvoice(nshift), None))
                for period, ncounts, nnow in nperiods:
                    raw = ncounts.as_dict()
                    if nnow is not None:
                        raw["waiting"] = nnow.waiting
                        raw["oldest_waiting_seconds"] = nnow.oldest_waiting_seconds
                    for kpi, value in nonvoice_kpis(ncounts, nnow).items():
                        if period == "today" and kpi in NOW_KPIS:
                            continue
                        if scope == "all" and not self._aggregates(kpi, [c.channel for c in chans]):
                            continue
                        out.append(self._kpi_value(kpi, scope, period, value, raw))
                        epochs[(kpi, scope, period)] = self._epoch(period, start, day)
        self._kpi_epochs = epochs
        return tuple(out)

    def _judge_kpis(self, now: datetime) -> None:
        after = self.options.warning_alert_after
        for kv in self._kpis:
            if kv.target is None or kv.period == "shift":
                continue  # the TL shift so far is shown, not alerted: interval and day are
            ident = (kv.kpi, kv.scope, kv.period)
            ep = self._episodes.get(ident)
            epoch = self._kpi_epochs.get(ident, "")
            if ep is None or ep.epoch != epoch:
                ep = self._episodes[ident] = _KpiEpisode(epoch)
            status = kv.status
            if status == Status.OK:
                ep.breach_since = ep.warn_since = None
                ep.warn_alerted = False
            elif status == Status.BREACH:
                if ep.warn_since is None:
                    ep.warn_since = now
                if ep.breach_since is None:
                    ep.breach_since = now
                    self._raise_kpi(kv, Severity.BREACH, now)
            elif status == Status.WARNING:
                if ep.warn_since is None:
                    ep.warn_since = now
                if (
                    after is not None
                    and not ep.warn_alerted
                    and ep.breach_since is None
                    and now - ep.warn_since > after
                ):
                    ep.warn_alerted = True
                    self._raise_kpi(kv, Severity.WARNING, now, ep.warn_since)

    def _raise_kpi(
        self, kv: KpiValue, severity: Severity, now: datetime, since: datetime | None = None
    ) -> None:
        key = f"kpi:{kv.kpi}:{kv.scope}:{kv.period}:{severity.value}:{now.isoformat()}"
        target = kv.target
        assert target is not None
        label = KPI_LABELS.get(kv.kpi, kv.kpi)
        scope = "all" if kv.scope == "all" else kv.scope
        parts = []
        if target.sla is not None:
            parts.append(f"SLA {fmt_kpi(kv.kpi, target.sla)}")
        if target.slg is not None:
            parts.append(f"SLG {fmt_kpi(kv.kpi, target.slg)}")
        limit = target.slg if severity == Severity.BREACH and target.slg is not None else target.sla
        what = "breach" if severity == Severity.BREACH else "warning"
        lasting = ""
        if since is not None:
            lasting = f" for {int((now - since).total_seconds() // 60)} min"
        self._raise(
            Alert(
                key=key,
                kind=AlertKind.KPI,
                severity=severity,
                raised_at=now,
                message=(
                    f"{label} {scope} ({kv.period}) {fmt_kpi(kv.kpi, kv.value)}: "
                    f"{what}{lasting} ({', '.join(parts)})"
                ),
                kpi=kv.kpi,
                scope=kv.scope,
                value=kv.value,
                limit=limit,
            )
        )

    # ------------------------------------------------------------------ housekeeping

    def _prune(self, now: datetime) -> None:
        """Once a day: forget timelines, tallies and alert keys older than KEEP."""
        cutoff = now - KEEP
        oldest_day = (now - KEEP).date()
        for track in self._tracks.values():
            tl = track.timeline
            i = 0
            while i + 1 < len(tl) and tl[i + 1][0] <= cutoff:
                i += 1
            if i:
                del tl[:i]
                track.version += 1
            for d in [d for d in track.days if d < oldest_day]:
                del track.days[d]
            track.excuses = [e for e in track.excuses if e.end > cutoff]
        self._raised = {k: t for k, t in self._raised.items() if t > cutoff}

    # ------------------------------------------------------------------ persistence

    def export_state(self) -> dict[str, Any]:
        """What must survive a restart, as plain JSON-serialisable data."""
        agents: dict[str, Any] = {}
        for agent_id, t in self._tracks.items():
            if t.last is None and not t.days and not t.excuses:
                continue
            agents[agent_id] = {
                "last": None
                if t.last is None
                else [t.last[0].value, t.last[1], t.last[2].isoformat()],
                "last_login_at": _iso(t.last_login_at),
                "timeline": [[s.isoformat(), st.value, c] for s, st, c in t.timeline],
                "days": {
                    d.isoformat(): {
                        "first_login": _iso(x.first_login),
                        "last_logout": _iso(x.last_logout),
                        "aux_seconds": dict(x.aux_seconds),
                        "aux_count": dict(x.aux_count),
                    }
                    for d, x in t.days.items()
                },
                "open_day": None if t.open_day is None else t.open_day.isoformat(),
                "excuses": [[e.start.isoformat(), e.end.isoformat(), e.reason] for e in t.excuses],
            }
        return {
            "version": STATE_VERSION,
            "agents": agents,
            "raised": {k: t.isoformat() for k, t in self._raised.items()},
            "open_alerts": [_alert_out(a) for a in self._open],
            "kpi_episodes": [
                {
                    "kpi": k[0],
                    "scope": k[1],
                    "period": k[2],
                    "epoch": e.epoch,
                    "breach_since": _iso(e.breach_since),
                    "warn_since": _iso(e.warn_since),
                    "warn_alerted": e.warn_alerted,
                }
                for k, e in self._episodes.items()
            ],
        }

    def restore_state(self, state: Mapping[str, Any]) -> None:
        """Take back what `export_state` gave (call on a fresh monitor, before apply).

        Raises ValueError for a state this version cannot read; the monitor is then
        left unchanged.
        """
        try:
            if state.get("version") != STATE_VERSION:
                raise ValueError(f"unknown monitor state version {state.get('version')!r}")
            tracks: dict[str, _Track] = {}
            for agent_id, a in state.get("agents", {}).items():
                t = _Track(str(agent_id))
                if a.get("last") is not None:
                    st, code, since = a["last"]
                    t.last = (AgentState(st), code, datetime.fromisoformat(since))
                t.last_login_at = _dt(a.get("last_login_at"))
                t.timeline = [
                    (datetime.fromisoformat(s), AgentState(st), c) for s, st, c in a["timeline"]
                ]
                for d, x in a.get("days", {}).items():
                    t.days[date.fromisoformat(d)] = _Day(
                        first_login=_dt(x.get("first_login")),
                        last_logout=_dt(x.get("last_logout")),
                        aux_seconds={str(k): float(v) for k, v in x["aux_seconds"].items()},
                        aux_count={str(k): int(v) for k, v in x["aux_count"].items()},
                    )
                od = a.get("open_day")
                t.open_day = None if od is None else date.fromisoformat(od)
                t.excuses = [
                    Excuse(datetime.fromisoformat(s), datetime.fromisoformat(e), str(r))
                    for s, e, r in a.get("excuses", [])
                ]
                tracks[t.agent_id] = t
            raised = {k: datetime.fromisoformat(v) for k, v in state.get("raised", {}).items()}
            open_alerts = [_alert_in(x) for x in state.get("open_alerts", [])]
            episodes = {
                (e["kpi"], e["scope"], e["period"]): _KpiEpisode(
                    e["epoch"],
                    _dt(e.get("breach_since")),
                    _dt(e.get("warn_since")),
                    bool(e.get("warn_alerted")),
                )
                for e in state.get("kpi_episodes", [])
            }
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ValueError(f"cannot restore the monitor state: {exc}") from exc
        for agent_id, t in tracks.items():
            old = self._tracks.get(agent_id)
            if old is not None:  # keep roster-created tracks' identity
                t.entry, t.entry_valid = old.entry, old.entry_valid
            self._tracks[agent_id] = t
        self._order_dirty = True
        self._raised.update(raised)
        self._open = sorted(open_alerts, key=lambda a: a.raised_at, reverse=True)
        self._open_tuple = tuple(self._open)
        self._episodes.update(episodes)


def _alert_out(a: Alert) -> dict[str, Any]:
    return {
        "key": a.key,
        "kind": a.kind.value,
        "severity": a.severity.value,
        "raised_at": a.raised_at.isoformat(),
        "message": a.message,
        "agent_id": a.agent_id,
        "code": a.code,
        "kpi": a.kpi,
        "scope": a.scope,
        "value": a.value,
        "limit": a.limit,
    }


def _alert_in(d: Mapping[str, Any]) -> Alert:
    return Alert(
        key=d["key"],
        kind=AlertKind(d["kind"]),
        severity=Severity(d["severity"]),
        raised_at=datetime.fromisoformat(d["raised_at"]),
        message=d["message"],
        agent_id=d.get("agent_id"),
        code=d.get("code"),
        kpi=d.get("kpi"),
        scope=d.get("scope"),
        value=d.get("value"),
        limit=d.get("limit"),
    )


def attendance_of(view: MonitorView) -> AttendanceCounts:
    """Convenience for callers that only hold rows."""
    return attendance_counts(view.rows)


def rows_by_id(rows: Iterable[AgentRow]) -> dict[str, AgentRow]:
    return {r.agent_id: r for r in rows}
