"""The domain's vocabulary: frozen value types shared by every layer.

Everything here is plain data. Datetimes are always timezone-aware. Nothing reads a
clock: whoever needs "now" receives it as an argument.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime, time, timedelta
from enum import StrEnum

# the rules live in domain.rules; imported here so every layer finds them in one place
from .rules import (
    AttendanceRules as AttendanceRules,
)
from .rules import (
    AuxRule as AuxRule,
)
from .rules import (
    Direction as Direction,
)
from .rules import (
    KpiOptions as KpiOptions,
)
from .rules import (
    KpiTarget as KpiTarget,
)
from .rules import (
    RotgRules as RotgRules,
)
from .rules import (
    ServiceLevelFormula as ServiceLevelFormula,
)
from .rules import (
    StaffingRules as StaffingRules,
)

# --------------------------------------------------------------------------- agents


class AgentState(StrEnum):
    LOGGED_OUT = "logged_out"
    AVAILABLE = "available"
    ON_CONTACT = "on_contact"
    ACW = "acw"
    AUX = "aux"


WORKING_STATES = frozenset({AgentState.AVAILABLE, AgentState.ON_CONTACT, AgentState.ACW})


@dataclass(frozen=True, slots=True)
class AgentToday:
    """The platform's own tally for today (optional in the API)."""

    first_login_at: datetime | None
    last_logout_at: datetime | None
    aux_seconds: Mapping[str, float] = field(default_factory=dict)
    aux_count: Mapping[str, int] = field(default_factory=dict)
    handled: int = 0


@dataclass(frozen=True, slots=True)
class Agent:
    agent_id: str
    name: str
    team: str
    state: AgentState
    state_since: datetime
    aux_code: str | None = None
    channels: tuple[str, ...] = ()
    login_at: datetime | None = None
    logout_at: datetime | None = None
    today: AgentToday | None = None


@dataclass(frozen=True, slots=True)
class AgentsSnapshot:
    as_of: datetime
    agents: tuple[Agent, ...]


# --------------------------------------------------------------------------- voice


@dataclass(frozen=True, slots=True)
class VoiceCounts:
    offered: int = 0
    answered: int = 0
    abandoned: int = 0
    short_abandoned: int = 0
    answered_within_sl: int = 0
    handle_seconds: float = 0.0
    talk_seconds: float = 0.0
    hold_seconds: float = 0.0
    acw_seconds: float = 0.0
    answer_wait_seconds: float = 0.0

    def __add__(self, other: VoiceCounts) -> VoiceCounts:
        return VoiceCounts(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    def as_dict(self) -> dict[str, float]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True, slots=True)
class VoiceNow:
    waiting: int = 0
    longest_wait_seconds: float = 0.0
    agents_available: int = 0
    agents_on_contact: int = 0

    def __add__(self, other: VoiceNow) -> VoiceNow:
        return VoiceNow(
            self.waiting + other.waiting,
            max(self.longest_wait_seconds, other.longest_wait_seconds),
            self.agents_available + other.agents_available,
            self.agents_on_contact + other.agents_on_contact,
        )


@dataclass(frozen=True, slots=True)
class VoiceQueue:
    queue_id: str
    name: str
    interval_start: datetime
    interval: VoiceCounts
    today: VoiceCounts
    now: VoiceNow


@dataclass(frozen=True, slots=True)
class VoiceSnapshot:
    as_of: datetime
    interval_minutes: int
    service_level_seconds: int
    queues: tuple[VoiceQueue, ...]


# --------------------------------------------------------------------------- non-voice


@dataclass(frozen=True, slots=True)
class NonVoiceCounts:
    received: int = 0
    responded: int = 0
    first_response_seconds: float = 0.0
    handled: int = 0
    handle_seconds: float = 0.0

    def __add__(self, other: NonVoiceCounts) -> NonVoiceCounts:
        return NonVoiceCounts(
            *(getattr(self, f.name) + getattr(other, f.name) for f in fields(self))
        )

    def as_dict(self) -> dict[str, float]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True, slots=True)
class NonVoiceNow:
    waiting: int = 0
    oldest_waiting_seconds: float = 0.0

    def __add__(self, other: NonVoiceNow) -> NonVoiceNow:
        return NonVoiceNow(
            self.waiting + other.waiting,
            max(self.oldest_waiting_seconds, other.oldest_waiting_seconds),
        )


@dataclass(frozen=True, slots=True)
class NonVoiceChannel:
    channel: str
    name: str
    interval_start: datetime
    interval: NonVoiceCounts
    today: NonVoiceCounts
    now: NonVoiceNow


@dataclass(frozen=True, slots=True)
class NonVoiceSnapshot:
    as_of: datetime
    interval_minutes: int
    channels: tuple[NonVoiceChannel, ...]


# --------------------------------------------------------------------------- roster


class RosterStatus(StrEnum):
    SCHEDULED = "scheduled"
    OFF = "off"
    LEAVE = "leave"
    SICK = "sick"
    TRAINING = "training"


@dataclass(frozen=True, slots=True)
class Break:
    code: str
    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class RosterEntry:
    """One agent on one date. A shift crossing midnight belongs to the day it starts."""

    date: date
    agent_id: str
    name: str
    team: str
    status: RosterStatus
    shift_code: str | None = None
    start: datetime | None = None
    end: datetime | None = None
    breaks: tuple[Break, ...] = ()

    @property
    def works(self) -> bool:
        return (
            self.status in (RosterStatus.SCHEDULED, RosterStatus.TRAINING)
            and self.start is not None
        )


@dataclass(frozen=True, slots=True)
class Roster:
    date: date
    entries: tuple[RosterEntry, ...]


@dataclass(frozen=True, slots=True)
class BreakDefinition:
    code: str
    start: time
    end: time


@dataclass(frozen=True, slots=True)
class ShiftDefinition:
    """A roster shift code from the config (`[shifts.P1]`). end <= start: next day."""

    code: str
    start: time
    end: time
    breaks: tuple[BreakDefinition, ...] = ()


# --------------------------------------------------------------------------- results


class Status(StrEnum):
    OK = "ok"
    WARNING = "warning"
    BREACH = "breach"
    NO_DATA = "no_data"


@dataclass(frozen=True, slots=True)
class KpiValue:
    """One KPI for one scope ("all", a queue id or a channel) and period ("interval"/"today")."""

    kpi: str
    scope: str
    period: str
    value: float | None  # None = no data (zero denominator)
    status: Status
    target: KpiTarget | None = None
    counts: Mapping[str, float] = field(default_factory=dict)


class LoginStatus(StrEnum):
    ON_TIME = "on_time"
    LATE = "late"
    NOT_YET_IN = "not_yet_in"
    ABSENT = "absent"
    EARLY_OUT = "early_out"
    NOT_ROSTERED = "not_rostered"
    OFF = "off"
    LEAVE = "leave"
    SICK = "sick"
    TRAINING = "training"
    NOT_SCHEDULED = "not_scheduled"  # no roster entry and not logged in


class Severity(StrEnum):
    WARNING = "warning"
    BREACH = "breach"
    SEVERE = "severe"  # far past a limit (ROTG: twice the limit or +10 min, see alerts.py)


class AlertState(StrEnum):
    """Where an alert is in its lifecycle (domain/alerts.py)."""

    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    SNOOZED = "snoozed"
    RESOLVED = "resolved"


@dataclass(frozen=True, slots=True)
class AlertStep:
    """One step of an alert's lifecycle, as kept in the store: `step` is raised,
    escalated, acknowledged, snoozed, unsnoozed, snooze_ended, reopened, resolved."""

    step: str
    at: datetime
    who: str = ""
    until: datetime | None = None
    reason: str = ""


class AlertKind(StrEnum):
    ROTG = "rotg"
    KPI = "kpi"
    ATTENDANCE = "attendance"


@dataclass(frozen=True, slots=True)
class Alert:
    """One alert: a condition raised, then acknowledged / snoozed, resolved by itself.

    `key` identifies this alert; `condition` the condition it is about (the same for
    ROTG and attendance keys; a KPI condition raised again after its cooldown gets a new
    alert, see domain/alerts.py). What it says is data: `what` (a catalog code,
    rendered as `alert.<what>` by rtm_tui.i18n) with `params`; `message` only holds the
    English text of alerts recorded before alerts were data. `code` is the AUX code (ROTG)
    or the attendance condition.
    """

    key: str
    kind: AlertKind
    severity: Severity
    raised_at: datetime
    message: str = ""
    agent_id: str | None = None
    code: str | None = None
    kpi: str | None = None
    scope: str | None = None
    value: float | None = None
    limit: float | None = None
    what: str = ""
    params: Mapping[str, str | float | None] = field(default_factory=dict)
    condition: str = ""
    state: AlertState = AlertState.OPEN
    acked_by: str = ""
    acked_at: datetime | None = None
    snoozed_until: datetime | None = None
    snooze_reason: str = ""
    resolved_at: datetime | None = None
    resolution: str = ""  # ended | excused
    steps: tuple[AlertStep, ...] = ()


@dataclass(frozen=True, slots=True)
class AgentRow:
    """What the agent board shows for one agent. Timers tick from `state_since`."""

    agent_id: str
    name: str
    team: str
    state: AgentState
    aux_code: str | None
    state_since: datetime
    aux_used_seconds: float  # all AUX today, closed occurrences plus the running one
    aux_allowance_seconds: float | None  # max_aux_minutes_shift, None = no limit
    aux_limit_each_seconds: float | None  # limit for the current AUX code, one occurrence
    aux_warn_ratio: float
    login_status: LoginStatus
    late_by: timedelta | None = None
    adherence: float | None = None  # 0..1, None = nothing scheduled yet
    roster: RosterEntry | None = None
    first_login_at: datetime | None = None
    last_logout_at: datetime | None = None
    exception: bool = False  # anything a TL should look at (late, absent, over a limit...)
    missing: bool = False  # not in the platform's latest /agents: the state is the last seen
    # why `exception` is set: codes "over_limit", "missing" and the LoginStatus values
    # (late, absent, early_out, not_rostered); in the order of how bad
    reasons: tuple[str, ...] = ()
    adherence_since: datetime | None = None  # adherence counts from here (adherence.py)


@dataclass(frozen=True, slots=True)
class AttendanceCounts:
    scheduled: int = 0
    present: int = 0
    late: int = 0
    absent: int = 0
    off: int = 0  # not working today for any reason: day off, leave or sick
    not_rostered: int = 0
    not_yet_in: int = 0
    early_out: int = 0
    on_leave: int = 0  # of `off`: on leave (cuti)
    sick: int = 0  # of `off`: sick
    training: int = 0  # in training: rostered, not expected on the queue, not in `scheduled`


@dataclass(frozen=True, slots=True)
class MonitorView:
    """Everything the screen needs, folded by ShiftMonitor at one `now`."""

    now: datetime
    rows: tuple[AgentRow, ...]
    kpis: tuple[KpiValue, ...]
    attendance: AttendanceCounts
    new_alerts: tuple[Alert, ...]
    open_alerts: tuple[Alert, ...]  # not resolved (in alarm, acknowledged or snoozed)
    changed_alerts: tuple[Alert, ...] = ()  # every alert whose lifecycle moved: to record
    # agent ids the attendance card counts (the TL's people and anyone logged in without a
    # roster entry); None: no TL windows, everyone
    card_ids: frozenset[str] | None = None
    # where the TL shift's figures begin when later than the shift's start (rtm was not
    # running, nor seeded from the store, before): "shift" figures are from here only
    shift_from: datetime | None = None
