"""The suggestions a recovery plan draft opens with (plan_draft.py): one line each, so
each can become an action as is. Pure: `now` and every snapshot come in as arguments.

- every agent over an AUX limit, by name (from the rows and the open ROTG alerts);
- the absent agents, by name, on one line;
- Erlang C: the agents needed next interval to meet the staffing SL target, from the
  current interval's offered calls projected to a full interval and its AHT, against how
  many are available or on a contact now and how many are in AUX.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from rtm_tui.domain.erlang import agents_needed, traffic
from rtm_tui.domain.format import fmt_duration
from rtm_tui.domain.types import (
    AgentRow,
    AgentState,
    Alert,
    AlertKind,
    LoginStatus,
    StaffingRules,
    VoiceQueue,
    VoiceSnapshot,
)

# Below this much of an interval, projecting its volume to a full interval is noise.
MIN_PROJECTION_SECONDS = 5 * 60
# One suggestion line names at most this many absent agents ("+N more" after).
MAX_NAMES_PER_LINE = 8


def aux_suggestions(
    now: datetime, rows: Sequence[AgentRow], alerts: Sequence[Alert], first: str | None = None
) -> tuple[str, ...]:
    """One line per agent over an AUX limit; the selected agent (`first`) leads."""
    lines: dict[str, str] = {}
    for row in rows:
        in_state = (now - row.state_since).total_seconds()
        if (
            row.state is AgentState.AUX
            and row.aux_limit_each_seconds is not None
            and in_state > row.aux_limit_each_seconds
        ):
            lines[row.agent_id] = (
                f"Bring {row.name} back from AUX {row.aux_code or '?'} "
                f"(in AUX {fmt_duration(in_state)}, limit {fmt_duration(row.aux_limit_each_seconds)})"
            )
        elif (
            row.aux_allowance_seconds is not None
            and row.aux_used_seconds > row.aux_allowance_seconds
        ):
            lines[row.agent_id] = (
                f"{row.name}: no more AUX this shift (used {fmt_duration(row.aux_used_seconds)}, "
                f"allowance {fmt_duration(row.aux_allowance_seconds)})"
            )
    names = {r.agent_id: r.name for r in rows}
    for a in alerts:
        if a.kind is AlertKind.ROTG and a.agent_id and a.agent_id not in lines:
            lines[a.agent_id] = (
                f"{names.get(a.agent_id, a.agent_id)}: {a.code or '?'} "
                f"{fmt_duration(a.value)} (limit {fmt_duration(a.limit)})"
            )
    if first in lines:
        return (lines.pop(first), *lines.values())
    return tuple(lines.values())


def absent_suggestions(rows: Sequence[AgentRow]) -> tuple[str, ...]:
    absent = [r.name for r in rows if r.login_status is LoginStatus.ABSENT]
    if not absent:
        return ()
    shown = ", ".join(absent[:MAX_NAMES_PER_LINE])
    more = (
        f" and {len(absent) - MAX_NAMES_PER_LINE} more" if len(absent) > MAX_NAMES_PER_LINE else ""
    )
    return (f"Call the absent agents ({len(absent)}): {shown}{more}; ask for a replacement",)


@dataclass(frozen=True, slots=True)
class StaffingEstimate:
    """Erlang C for the next interval, from the current one projected to a full interval."""

    projected_calls: float
    aht: float
    traffic: float
    needed: int
    target: float  # 0..1
    seconds: int
    working: int  # available + on a contact now
    in_aux: int

    @property
    def short(self) -> int:
        return max(0, self.needed - self.working)

    @property
    def from_aux(self) -> int:
        return min(self.short, self.in_aux)


def staffing_estimate(
    rows: Sequence[AgentRow],
    voice: VoiceSnapshot | None,
    staffing: StaffingRules,
    scope: str = "all",
) -> StaffingEstimate | None:
    if voice is None or not voice.queues:
        return None
    queues: Sequence[VoiceQueue] = [q for q in voice.queues if q.queue_id == scope] or list(
        voice.queues
    )
    interval_seconds = voice.interval_minutes * 60
    elapsed = (voice.as_of - queues[0].interval_start).total_seconds()
    if elapsed < MIN_PROJECTION_SECONDS:
        return None
    offered = sum(q.interval.offered for q in queues)
    answered = sum(q.interval.answered for q in queues)
    handle = sum(q.interval.handle_seconds for q in queues)
    if answered == 0:  # no AHT yet this interval: today's is the best guess
        answered = sum(q.today.answered for q in queues)
        handle = sum(q.today.handle_seconds for q in queues)
    if offered == 0 or answered == 0 or handle <= 0:
        return None
    aht = handle / answered
    calls = offered * interval_seconds / min(elapsed, interval_seconds)
    a = traffic(calls, aht, interval_seconds)
    needed = agents_needed(a, aht, staffing.service_level_seconds, staffing.service_level_target)
    working = sum(q.now.agents_available + q.now.agents_on_contact for q in queues)
    in_aux = sum(1 for r in rows if r.state is AgentState.AUX)
    return StaffingEstimate(
        projected_calls=calls,
        aht=aht,
        traffic=a,
        needed=needed,
        target=staffing.service_level_target,
        seconds=staffing.service_level_seconds,
        working=working,
        in_aux=in_aux,
    )


def _percent(fraction: float) -> str:
    p = fraction * 100
    return f"{p:.0f}" if math.isclose(p, round(p)) else f"{p:.1f}"


def erlang_suggestion(
    rows: Sequence[AgentRow],
    voice: VoiceSnapshot | None,
    staffing: StaffingRules,
    scope: str = "all",
) -> str | None:
    est = staffing_estimate(rows, voice, staffing, scope)
    if est is None:
        return None
    head = (
        f"Erlang C: {est.needed} agents needed next interval for {_percent(est.target)} % "
        f"in {est.seconds} s (now available+on contact: {est.working}, in AUX: {est.in_aux})"
    )
    if est.short == 0:
        return f"{head} — enough agents now; keep AUX in check"
    if est.from_aux == est.short:
        return f"{head} — bring {est.from_aux} back from AUX"
    extra = est.short - est.from_aux
    if est.from_aux == 0:
        return f"{head} — find {extra} more agents (backup, overtime)"
    return f"{head} — bring {est.from_aux} back from AUX and find {extra} more (backup, overtime)"
