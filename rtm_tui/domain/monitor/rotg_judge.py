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
from datetime import date, datetime, timedelta

from ..alerts import EXCUSED, rotg_severity
from ..rotg import (
    NO_CODE,
    Violation,
    code_label,
    each_violation,
    in_scheduled_break,
    occurrence_start,
    shift_violations,
)
from ..types import Agent, AgentState, Alert, AlertKind, AlertState, RosterEntry
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
                over = over or not self._excused(v.key)
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
            over = over or not self._excused(v.key)
            self._raise_rotg(track, v, now)
        if over != track.over_limit:
            track.over_limit = over
            track.row_dirty = True

    def _excused(self, key: str) -> bool:
        a = self.book.latest(key)
        return a is not None and a.resolution == EXCUSED

    def _rotg_holds(self, track: Track, v: Violation) -> bool:
        """Is the condition of a ROTG violation going on now: the agent in that AUX
        occurrence (each), in that code (shift, count), in any AUX (total)?"""
        agent = track.agent
        if agent is None or agent.state is not _AUX or not track.present:
            return False
        if v.limit_kind == "each":
            return occurrence_start(v.key) == agent.state_since
        return v.limit_kind == "total" or code_label(agent.aux_code) == v.code

    def _raise_rotg(
        self,
        track: Track,
        v: Violation,
        now: datetime,
        before_start: int = 0,
        ended: bool = False,
    ) -> None:
        """Raise (or follow) the alert of a violation. One whose condition is over (an
        occurrence closed between polls, totals proved before rtm started) is kept
        resolved at once: in the shift's history, not in alarm."""
        if not self.alert_rules.rotg:
            return
        book = self.book
        holds = not ended and not before_start and self._rotg_holds(track, v)
        existing = book.latest(v.key)
        if existing is None and v.limit_kind == "shift":
            if self._each_says_it(track, v, None if holds else track.judged_day):
                return
        if not holds and existing is not None:
            self._update_value(v.key, v, track, now)
            if ended:
                book.resolve(v.key, now)
            return
        book.raise_(self._rotg_alert(track, v, now, before_start), now)
        if holds and v.limit_kind == "each":
            self._running_each[v.key] = track.agent_id
        if not holds:
            book.resolve(v.key, now)

    def _each_says_it(self, track: Track, v: Violation, workday: date | None = None) -> bool:
        """An occurrence over its own limit already has its alert: the shift limit it
        crosses too (a 60-minute break, 60 minutes a shift) is the same overrun, not a
        second alert. Running: that occurrence's alert is active; over: one of the
        workday's occurrences of the code had one."""
        agent = track.agent
        if workday is None:
            assert agent is not None
            each = f"rotg:{track.agent_id}:{v.code}:each:{agent.state_since.isoformat()}"
            a = self.book.latest(each)
            return a is not None and a.state is not AlertState.RESOLVED
        prefix = f"rotg:{track.agent_id}:{v.code}:each:"
        return any(
            k.startswith(prefix) and a.raised_at.date() >= workday
            for k, a in self.book.alerts.items()
        )

    def _rotg_alert(
        self, track: Track, v: Violation, now: datetime, before_start: int = 0
    ) -> Alert:
        agent = track.agent
        name = agent.name if agent is not None else track.agent_id
        params: dict[str, str | float | None] = {
            "name": name,
            "agent": track.agent_id,
            "aux": v.code,
            "value": v.value,
            "limit": v.limit,
        }
        what = f"rotg.{v.limit_kind}"
        if before_start:
            # proved from the platform's totals, not seen: say so, with the evidence
            what = "rotg.before_start"
            params["total"] = v.value * before_start
            params["count"] = before_start
        return Alert(
            key=v.key,
            kind=AlertKind.ROTG,
            severity=rotg_severity(v.value, v.limit, self.alert_rules, v.limit_kind),
            raised_at=now,
            agent_id=track.agent_id,
            code=v.code,
            value=v.value,
            limit=v.limit,
            what=what,
            params=params,
        )

    def _update_value(self, key: str, v: Violation, track: Track, now: datetime) -> None:
        """An open alert follows its condition: the occurrence's real length, the real
        total used, not the value at the instant it crossed the limit; its severity
        grows with it."""
        a = self.book.latest(key)
        if a is None or a.state is AlertState.RESOLVED:
            return
        if a.value is not None and int(a.value) == int(v.value):
            return  # the text shows whole seconds: nothing to redraw
        severity = rotg_severity(v.value, v.limit, self.alert_rules, v.limit_kind)
        self.book.follow(a.key, now, severity, params={**a.params, "value": v.value}, value=v.value)

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
                self.book.resolve(key, now)
                continue
            rule = self.rotg.for_code(agent.aux_code)
            if rule.max_minutes_each is None:
                continue
            label = code_label(agent.aux_code)
            value = (now - start).total_seconds()
            self._update_value(
                key, Violation(key, label, "each", value, rule.max_minutes_each * 60.0), track, now
            )

    def _resolve_rotg(self, now: datetime) -> None:
        """Shift, count and total alerts resolve when the agent leaves that AUX."""
        for a in self.book.active():
            if a.kind is not AlertKind.ROTG or a.key in self._running_each:
                continue
            track = self._tracks.get(a.agent_id or "")
            kind = a.key.split(":")[3] if a.key.count(":") >= 4 else "each"
            v = Violation(a.key, a.code or "", kind, a.value or 0.0, a.limit or 0.0)
            if track is None or not self._rotg_holds(track, v):
                self.book.resolve(a.key, now)
