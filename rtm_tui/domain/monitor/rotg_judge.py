"""AUX limits (ROTG): judging them, raising their alerts, and keeping the open ones live.

- Per-occurrence limits are judged on each occurrence seen; for those that ended before
  the app first saw the agent, the platform's totals prove a violation when a code's
  closed seconds exceed (closed occurrences × the limit).
- Alerts: one per key (see rotg.py for ROTG keys). An open alert follows its condition:
  the occurrence's real length (every poll while it runs), the real total used.
- A running occurrence only grows: the agent is judged again when the next limit could
  be crossed, not every poll.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date, datetime, timedelta

from ..rotg import (
    NO_CODE,
    Violation,
    code_label,
    each_violation,
    in_scheduled_break,
    mmss,
    occurrence_start,
    shift_violations,
)
from ..types import Agent, AgentState, Alert, AlertKind, RosterEntry, Severity
from .base import MonitorBase
from .tracks import Track

# enum members as module constants: attribute access on an Enum class is slow in a hot loop
_AUX = AgentState.AUX


class RotgJudge(MonitorBase):
    """AUX limits of each agent, and the ROTG alerts."""

    def _proved_before_start(
        self, track: Track, agent: Agent, workday: date, now: datetime
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

    def _judge_rotg(
        self,
        track: Track,
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

    def _raise_rotg(self, track: Track, v: Violation, now: datetime, before_start: int = 0) -> None:
        if v.key in self._raised:
            self._update_value(v.key, v, track)  # the same condition, its real value now
            return
        if v.limit_kind == "each" and not before_start:
            self._running_each[v.key] = track.agent_id
        self._raise(
            self._rotg_alert(track, v, now, before_start),
        )

    def _rotg_alert(
        self, track: Track, v: Violation, now: datetime, before_start: int = 0
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

    def _update_value(self, key: str, v: Violation, track: Track) -> None:
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
            start = occurrence_start(key)
            if (
                start is None
                or track is None
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
