"""The suggestions a recovery plan draft opens with (plan_draft.py): one line each, so
each can become an action as is. Pure: `now` and every snapshot come in as arguments.

Each is a `Suggestion`: a code and its parameters (names, counts, seconds), never an
English sentence; `rtm_tui.i18n.plans.suggestion_text` renders it in the site's language.
Which ones a plan gets depends on what it is about (plan_draft.fitting_suggestions).

- every agent over an AUX limit, by name (from the rows and the open ROTG alerts);
- the absent agents, by name, on one line;
- Erlang C: the agents needed next interval to meet the staffing SL target, from the
  current interval's offered calls projected to a full interval and its AHT, against how
  many are available or on a contact now and how many are in AUX.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from rtm_tui.domain.erlang import agents_needed, traffic
from rtm_tui.domain.types import (
    WORKING_STATES,
    AgentRow,
    AgentsSnapshot,
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


@dataclass(frozen=True, slots=True)
class Suggestion:
    """What the data suggests, as a code and its parameters (seconds as numbers, names as
    typed); the UI and reports render it (`suggestion.<code>` in the catalog)."""

    code: str
    params: Mapping[str, object] = field(default_factory=dict)


def _names(names: Sequence[str]) -> dict[str, object]:
    """A list of names for one line: the first MAX_NAMES_PER_LINE and how many more."""
    return {
        "count": len(names),
        "names": ", ".join(names[:MAX_NAMES_PER_LINE]),
        "more": max(0, len(names) - MAX_NAMES_PER_LINE),
    }


def aux_suggestions(
    now: datetime,
    rows: Sequence[AgentRow],
    alerts: Sequence[Alert],
    first: str | None = None,
    only: str | None = None,
) -> tuple[Suggestion, ...]:
    """One per agent over an AUX limit; the selected agent (`first`) leads. `only`: that
    agent's alone (an agent plan speaks of that agent only)."""
    lines: dict[str, Suggestion] = {}
    for row in rows:
        if only is not None and row.agent_id != only:
            continue
        in_state = (now - row.state_since).total_seconds()
        if (
            row.state is AgentState.AUX
            and row.aux_limit_each_seconds is not None
            and in_state > row.aux_limit_each_seconds
        ):
            lines[row.agent_id] = Suggestion(
                "aux_back",
                {
                    "name": row.name,
                    "code": row.aux_code or "?",
                    "in_aux_seconds": in_state,
                    "limit_seconds": row.aux_limit_each_seconds,
                },
            )
        elif (
            row.aux_allowance_seconds is not None
            and row.aux_used_seconds > row.aux_allowance_seconds
        ):
            lines[row.agent_id] = Suggestion(
                "aux_no_more",
                {
                    "name": row.name,
                    "used_seconds": row.aux_used_seconds,
                    "allowance_seconds": row.aux_allowance_seconds,
                },
            )
    names = {r.agent_id: r.name for r in rows}
    for a in alerts:
        if only is not None and a.agent_id != only:
            continue
        if a.kind is AlertKind.ROTG and a.agent_id and a.agent_id not in lines:
            # the alert's own message names the agent again: say it from its numbers
            lines[a.agent_id] = Suggestion(
                "aux_alert",
                {
                    "name": names.get(a.agent_id, a.agent_id),
                    "code": a.code or "AUX",
                    "value_seconds": a.value,
                    "limit_seconds": a.limit,
                },
            )
    if first in lines:
        return (lines.pop(first), *lines.values())
    return tuple(lines.values())


def absent_suggestions(rows: Sequence[AgentRow]) -> tuple[Suggestion, ...]:
    absent = [r.name for r in rows if r.login_status is LoginStatus.ABSENT]
    return (Suggestion("absent_call", _names(absent)),) if absent else ()


def in_aux_now_suggestion(rows: Sequence[AgentRow]) -> Suggestion | None:
    """Who is in AUX now (a voice plan: the first place to find agents)."""
    names = [f"{r.name} ({r.aux_code or 'AUX'})" for r in rows if r.state is AgentState.AUX]
    return Suggestion("in_aux_now", _names(names)) if names else None


def channel_agents_suggestion(
    agents: AgentsSnapshot | None, channel: str
) -> Suggestion | None:
    """Who works `channel` now (logged in, not in AUX), from the platform's /agents: the
    people a non-voice backlog can be given to."""
    if agents is None:
        return None
    names = [
        a.name
        for a in agents.agents
        if channel in a.channels and a.state in WORKING_STATES
    ]
    aux = sum(1 for a in agents.agents if channel in a.channels and a.state is AgentState.AUX)
    if not names and not aux:
        return None
    return Suggestion("channel_agents", {"channel": channel, **_names(names), "in_aux": aux})


def agent_suggestions(
    now: datetime, row: AgentRow | None, alerts: Sequence[Alert], agent_id: str
) -> tuple[Suggestion, ...]:
    """An agent plan: that agent's facts only (AUX, lateness, absence)."""
    found = aux_suggestions(now, (row,) if row else (), alerts, only=agent_id)
    if row is None:
        return found
    if row.login_status is LoginStatus.ABSENT:
        found = (*found, Suggestion("agent_absent", {"name": row.name}))
    elif row.login_status is LoginStatus.LATE and row.late_by is not None:
        late = Suggestion("agent_late", {"name": row.name, "late_seconds": row.late_by.total_seconds()})
        found = (*found, late)
    elif row.login_status is LoginStatus.EARLY_OUT:
        found = (*found, Suggestion("agent_early_out", {"name": row.name}))
    return found


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
) -> Suggestion | None:
    """The Erlang C staffing line: `erlang.enough`, `erlang.from_aux` (bring N back),
    `erlang.find` (find N more) or `erlang.both`."""
    est = staffing_estimate(rows, voice, staffing, scope)
    if est is None:
        return None
    extra = est.short - est.from_aux
    if est.short == 0:
        code = "erlang.enough"
    elif extra == 0:
        code = "erlang.from_aux"
    elif est.from_aux == 0:
        code = "erlang.find"
    else:
        code = "erlang.both"
    return Suggestion(
        code,
        {
            "needed": est.needed,
            "target": _percent(est.target),
            "seconds": est.seconds,
            "working": est.working,
            "in_aux": est.in_aux,
            "from_aux": est.from_aux,
            "extra": extra,
        },
    )
