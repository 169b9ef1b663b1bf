"""The outlook's records (domain.outlook builds them): the period judged, the rules,
the channel now, the reforecast, a projection, one remaining interval, a recovery, a
channel's backlog, the what-if and the whole outlook."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from .types import KpiOptions, KpiTarget, StaffingRules, VoiceCounts

DEFAULT_MAX_OCCUPANCY = 0.85


@dataclass(frozen=True, slots=True)
class Period:
    name: str  # "shift" (the TL shift) or "day"
    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class OutlookRules:
    targets: Mapping[str, KpiTarget]
    options: KpiOptions
    staffing: StaffingRules
    max_occupancy: float = DEFAULT_MAX_OCCUPANCY


@dataclass(frozen=True, slots=True)
class ChannelNow:
    """A non-voice channel now."""

    channel: str
    waiting: int
    oldest_waiting_seconds: float
    handle_seconds: float | None  # today's AHT on the channel; None: nothing handled yet
    agents: int  # logged-in agents who take the channel
    target_seconds: float | None  # the response-time SLA


@dataclass(frozen=True, slots=True)
class Reforecast:
    has_forecast: bool
    volume_ratio: float | None  # None: no completed forecast interval yet (1 is applied)
    aht_ratio: float | None
    completed_offered: int
    completed_forecast: float


@dataclass(frozen=True, slots=True)
class Projection:
    """Erlang A (or C) at `agents` for one interval."""

    agents: float
    service_level: float | None  # percent; None: no agents or no data
    asa: float | None  # seconds
    abandon: float | None  # percent


@dataclass(frozen=True, slots=True)
class IntervalOutlook:
    start: datetime
    running: bool
    forecast_calls: float
    calls: float  # reforecast for the whole interval
    calls_to_go: float  # still to come (the running interval: minus those already offered)
    aht: float
    traffic: float  # Erlangs
    need_c: int
    need_a: int
    scheduled: float | None  # roster, on shift and not on break
    logged_in: int | None  # the running interval only
    occupancy: float | None  # traffic ÷ agents there (0..1+); None: nobody there
    over_cap: bool  # occupancy over the cap (or agents at or below the traffic)
    projection: Projection | None  # at the agents there

    @property
    def agents(self) -> float | None:
        return float(self.logged_in) if self.logged_in is not None else self.scheduled


@dataclass(frozen=True, slots=True)
class Recovery:
    kpi: str
    period: str
    level: str  # "sla" or "slg"
    target: float  # percent
    so_far: float | None  # percent
    required: float | None  # percent the rest must run at (a maximum for abandon)
    to_go: int | None  # calls within threshold / answered still to get; abandons allowed
    state: str  # "needed" | "secured" | "unreachable" | "final_met" | "final_missed" | "no_data"
    projected: float | None = None  # the period's end value at the projected staffing
    projected_plan: float | None = None  # the same without the what-if


@dataclass(frozen=True, slots=True)
class ChannelBacklog:
    channel: str
    waiting: int
    agents: int
    time_to_clear: float | None  # seconds; None: no agents or no handle time
    miss_at: datetime | None  # when the response-time target is first missed
    state: str  # "clear" | "on_track" | "miss" | "missed" | "no_agents" | "no_data"


@dataclass(frozen=True, slots=True)
class WhatIf:
    more_agents: int = 0  # more voice agents available from now (AUX, briefing)
    to_chat: int = 0  # voice agents moved to chat

    @property
    def voice_delta(self) -> int:
        return self.more_agents - self.to_chat

    @property
    def any(self) -> bool:
        return bool(self.more_agents or self.to_chat)


@dataclass(frozen=True, slots=True)
class QueueNow:
    """One voice queue's counts: today so far and the running interval."""

    queue: str
    today: VoiceCounts
    running: VoiceCounts = field(default_factory=VoiceCounts)


@dataclass(frozen=True, slots=True)
class QueueOutlook:
    queue: str
    offered: int  # today so far
    to_go: float | None  # calls still to come today; None: no forecast for this queue
    # "forecast": the queue's own forecast and ratios (`reforecast`); "share": the
    # all-queues rest split by today's share of the calls; "none": the forecast file has
    # queues but not this one
    source: str
    reforecast: Reforecast | None = None  # the queue's own ratios (source "forecast")


@dataclass(frozen=True, slots=True)
class Outlook:
    now: datetime
    reforecast: Reforecast
    patience: float | None  # seconds, estimated from today's abandons (used on a 5 % grid)
    intervals: tuple[IntervalOutlook, ...]  # the remaining intervals of the day
    recovery: tuple[Recovery, ...]
    periods: tuple[Period, ...]
    backlog: tuple[ChannelBacklog, ...]
    queues: tuple[QueueOutlook, ...] = ()
    what_if: WhatIf = field(default_factory=WhatIf)
    next_projection: tuple[tuple[datetime, Projection, Projection], ...] = ()  # base, what-if

    def recovery_for(self, kpi: str, period: str, level: str) -> Recovery | None:
        return next(
            (r for r in self.recovery if (r.kpi, r.period, r.level) == (kpi, period, level)),
            None,
        )
