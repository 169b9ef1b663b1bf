"""What the store keeps about a shift besides plans (read back by the handover report)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from rtm_tui.domain.types import AgentsSnapshot, Alert, Status


@dataclass(frozen=True, slots=True)
class AgentEvent:
    """An agent observed entering `state` at `at` (from `Agent.state_since`)."""

    agent_id: str
    at: datetime
    state: str
    aux_code: str | None = None


@dataclass(frozen=True, slots=True)
class KpiRecord:
    day: date
    kpi: str
    scope: str
    period: str  # "interval" | "today"
    period_start: datetime
    value: float | None
    status: Status
    counts: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AlertRecord:
    day: date
    alert: Alert
    acknowledged_at: datetime | None = None


def events_from_snapshot(snapshot: AgentsSnapshot) -> list[AgentEvent]:
    """One event per agent: its current state since `state_since`. Recording the same
    snapshot twice, or every poll, adds nothing new: events are unique per
    (agent, instant, state, aux code)."""
    return [
        AgentEvent(a.agent_id, a.state_since, str(a.state), a.aux_code) for a in snapshot.agents
    ]
