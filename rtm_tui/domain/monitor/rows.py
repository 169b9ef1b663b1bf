"""The agent rows, one per agent seen or rostered.

- Rows: every agent seen or rostered (last three roster dates), sorted by agent id.
  An agent missing from a later snapshot keeps its last observed state, marked
  `missing` (not logged in as far as anyone knows; no running AUX). A rostered
  agent never seen is shown logged out, `state_since` = shift start.
  `AgentRow.adherence` is rounded to 0.001 (the 0.1 % shown) so that unchanged rows
  are reused between polls; `team_adherence` is computed from unrounded seconds.
- The fast path (thousands of agents every poll): a row where nothing changed but time
  is refreshed inline in `_build_rows`: no per-row helper calls or indirection there.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from ..adherence import adherence_ratio, observed_since, shown_adherence
from ..attendance import EXCEPTIONS, LoginResult, login_status, status_valid_until
from ..rotg import code_label
from ..types import AgentRow, AgentState, LoginStatus
from .attendance_card import AttendanceCard
from .rotg_judge import RotgJudge
from .tracks import Day, Track

# enum members as module constants: attribute access on an Enum class is slow in a hot loop
_AUX = AgentState.AUX
_LOGGED_OUT = AgentState.LOGGED_OUT
_ABSENT = LoginStatus.ABSENT


_EMPTY_DAY = Day()


def exception_reasons(over_limit: bool, login: LoginResult, missing: bool) -> tuple[str, ...]:
    """Why a row is an exception, worst first: "absent", "over_limit", "missing", then
    the other attendance codes ("late" also for a late login that left early)."""
    reasons: list[str] = []
    status = login.status
    if status is _ABSENT:
        reasons.append(status.value)
    if over_limit:
        reasons.append("over_limit")
    if missing:
        reasons.append("missing")
    if login.late_by is not None:
        reasons.append(LoginStatus.LATE.value)
    if status in EXCEPTIONS and status is not _ABSENT and status is not LoginStatus.LATE:
        reasons.append(status.value)
    return tuple(reasons)


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
        reasons=row.reasons,
        adherence_since=row.adherence_since,
    )


class RowBuilder(RotgJudge, AttendanceCard):
    """Builds the agent rows, reusing those that did not change."""

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
                adh = shown_adherence(adh_in, adh_out)
                aux_used = row.aux_used_seconds
                if in_aux and track.running_counts:
                    assert agent is not None
                    running = (now - agent.state_since).total_seconds()
                    aux_used = max(0.0, track.closed_aux + (running if running > 0 else 0.0))
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
            if track.excuses:  # an excused period's AUX counts toward no limit
                seconds = _less_excused(seconds, track, first_login, now)
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
            aux_used = max(0.0, aux_used)  # below 0 only while excused time is taken off

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
                self._judge_attendance(track, entry, result, logged_in, now)

            adh_in, adh_out = track.meter.totals(
                entry, track.timeline, now, grace, track.excuses, track.version
            )
            team_in += adh_in
            team_out += adh_out
            # rounded to the display precision (0.1 %): lets unchanged rows be reused
            adh = shown_adherence(adh_in, adh_out)

            exception = track.over_limit or login_flag or missing
            reasons: tuple[str, ...] = ()
            if exception:
                reasons = exception_reasons(track.over_limit, result, missing)
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
                reasons,
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
                reasons=reasons,
                adherence_since=observed_since(entry, track.timeline),
            )
            track.row, track.row_sig = row, sig
            rows.append(row)
        self.team_adherence = adherence_ratio(team_in, team_out)
        return tuple(rows)


def _less_excused(
    seconds: Mapping[str, float], track: Track, since: datetime | None, now: datetime
) -> dict[str, float]:
    """AUX seconds by code less the AUX time inside the TL's excuses (this workday's, from
    its first login). The running occurrence's excused part is taken off here too, so a
    code may go below 0 until the judge adds the running time back."""
    out = dict(seconds)
    timeline = track.timeline
    for i, (start, state, code) in enumerate(timeline):
        if state is not _AUX or (since is not None and start < since):
            continue
        end = timeline[i + 1][0] if i + 1 < len(timeline) else now
        off = sum(
            max(0.0, (min(end, e.end) - max(start, e.start)).total_seconds())
            for e in track.excuses
        )
        if off:
            label = code_label(code)
            out[label] = out.get(label, 0.0) - off
    return out
