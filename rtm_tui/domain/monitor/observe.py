"""Folding each agent's snapshot into its track: the observation rules.

Decisions where the contract is silent:
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
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from ..rotg import code_label, each_violation
from ..types import WORKING_STATES, Agent, AgentState
from .rotg_judge import RotgJudge
from .tracks import Track


class Observer(RotgJudge):
    """Folds the agents snapshot into the tracks (and judges each AUX occurrence that ends)."""

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

    def _platform_applies(self, track: Track, workday: date, now: datetime) -> bool:
        """The platform's `today` block is this workday's tally: the workday is today and
        no shift from last night mixes into it."""
        today = now.date()
        return workday == today and not self._night_before(track, today)

    def _take_platform_tally(
        self, track: Track, agent: Agent, workday: date, now: datetime, first_seen: bool
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

    def _fold_state(self, track: Track, agent: Agent, now: datetime) -> None:
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
        self, track: Track, code: str | None, start: datetime, end: datetime, workday: date
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
            self._raise_rotg(track, v, end, ended=True)
