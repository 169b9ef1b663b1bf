"""What the recovery plan form opens with: the context of the miss, pre-filled, and the
actions the data suggests. Pure: `now` and every snapshot come in as arguments.

    draft_plan(now, tl_shift, tl_name, view, selected, voice, staffing, interval_minutes)
        -> PlanDraft

`selected` is what the TL had under the cursor when pressing `r`: a KPI gauge
(KpiValue), an alert (Alert) or an agent (AgentRow); None means "the worst KPI now".
For an agent, the "KPI" is the agent's indicator (AGENT_INDICATORS), the scope is
`agent:<agent_id>` and the actual value is in that indicator's unit (seconds, %).

The suggestions (one line each, so each can become an action as is) are made in
plan_suggestions.py: the agents over an AUX limit, the absent agents, Erlang C.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import NotRequired, TypedDict

from rtm_tui.domain.format import fmt_duration, fmt_kpi, fmt_percent
from rtm_tui.domain.kpi import KPI_LABELS, NONVOICE_KPIS
from rtm_tui.domain.plan_suggestions import (
    MAX_NAMES_PER_LINE,
    MIN_PROJECTION_SECONDS,
    StaffingEstimate,
    Suggestion,
    absent_suggestions,
    agent_suggestions,
    aux_suggestions,
    channel_agents_suggestion,
    erlang_suggestion,
    in_aux_now_suggestion,
    staffing_estimate,
)
from rtm_tui.domain.plans import RootCause
from rtm_tui.domain.types import (
    AgentRow,
    AgentsSnapshot,
    AgentState,
    Alert,
    AlertKind,
    Direction,
    KpiValue,
    LoginStatus,
    MonitorView,
    Severity,
    StaffingRules,
    Status,
    VoiceSnapshot,
)

__all__ = [  # the suggestions' names too: callers import them from here
    "AGENT_INDICATORS",
    "AGENT_SCOPE_PREFIX",
    "MAX_NAMES_PER_LINE",
    "MIN_PROJECTION_SECONDS",
    "VOICE_KPIS",
    "PlanDraft",
    "StaffingEstimate",
    "Suggestion",
    "absent_suggestions",
    "agent_indicator",
    "aux_suggestions",
    "draft_plan",
    "erlang_suggestion",
    "fitting_suggestions",
    "format_value",
    "kpi_label",
    "staffing_estimate",
    "worst_kpi",
]

VOICE_KPIS = frozenset(
    {"scr", "abandon", "service_level", "aht", "asa", "calls_waiting", "longest_wait"}
)


# Agent indicators used as the plan's KPI when an agent (or an agent alert) is selected.
# Units of `actual`: seconds, except adherence (%).
AGENT_INDICATORS: Mapping[str, str] = {
    "aux_over_limit": "AUX over its limit",
    "aux_over_allowance": "AUX over the shift allowance",
    "late_login": "Late login",
    "absent": "Absent (no-show)",
    "early_out": "Early out",
    "not_rostered": "Logged in, not rostered",
    "adherence": "Schedule adherence",
    "agent": "Agent follow-up",
}

AGENT_SCOPE_PREFIX = "agent:"


def kpi_label(kpi: str) -> str:
    return KPI_LABELS.get(kpi) or AGENT_INDICATORS.get(kpi) or kpi


@dataclass(frozen=True, slots=True)
class PlanDraft:
    """The form's starting point. Everything here is shown read-only except `tl_shift`
    and `tl_name` (editable) and `suggestions` (each may be turned into an action)."""

    created_at: datetime
    date: date
    tl_shift: str | None  # "pagi" | "siang" | None (outside the TL shifts: the TL picks)
    tl_name: str
    interval_start: datetime
    interval_minutes: int
    kpi: str  # a KPI id or an AGENT_INDICATORS key
    scope: str  # "all", a queue id, a channel, or "agent:<agent_id>"
    scope_label: str  # what the TL reads: queue name, agent name (plain text, not markup)
    period: str  # "interval" | "today" | "now" (agent indicators)
    actual: float | None
    status: Status | None = None
    sla: float | None = None
    slg: float | None = None
    direction: Direction | None = None
    counts: Mapping[str, float] = field(default_factory=dict)
    suggestions: tuple[Suggestion, ...] = ()
    root_cause_hint: RootCause | None = None
    agent_id: str | None = None

    @property
    def interval_end(self) -> datetime:
        return self.interval_start + timedelta(minutes=self.interval_minutes)

    @property
    def default_due(self) -> datetime:
        """A new action's due time: the end of the next interval (the one to recover)."""
        return self.interval_start + timedelta(minutes=2 * self.interval_minutes)

    @property
    def kpi_text(self) -> str:
        return kpi_label(self.kpi)

    def value_text(self, value: float | None) -> str:
        """A value of this draft's KPI, formatted in its unit."""
        return format_value(self.kpi, value)


class _Context(TypedDict):
    """The PlanDraft fields that say when and whose: the same for every subject."""

    created_at: datetime
    date: date
    tl_shift: str | None
    tl_name: str
    interval_start: datetime
    interval_minutes: int


class _Subject(TypedDict):
    """The PlanDraft fields that say what missed: from a KPI, an agent or an alert."""

    kpi: str
    scope: str
    scope_label: str
    period: str
    actual: float | None
    status: NotRequired[Status | None]
    sla: NotRequired[float | None]
    slg: NotRequired[float | None]
    direction: NotRequired[Direction | None]
    counts: NotRequired[Mapping[str, float]]
    agent_id: NotRequired[str | None]


def format_value(kpi: str, value: float | None) -> str:
    """A KPI or agent-indicator value in its unit (agent indicators are seconds or %):
    the one formatter of a plan's values, for the form, the list and every export."""
    if kpi in AGENT_INDICATORS:
        return fmt_percent(value) if kpi == "adherence" else fmt_duration(value)
    return fmt_kpi(kpi, value)


# --------------------------------------------------------------------------- entry point


def draft_plan(
    now: datetime,
    tl_shift: str | None,
    tl_name: str,
    view: MonitorView,
    selected: KpiValue | Alert | AgentRow | None,
    voice: VoiceSnapshot | None,
    staffing: StaffingRules,
    interval_minutes: int,
    agents: AgentsSnapshot | None = None,
) -> PlanDraft:
    interval_minutes = interval_minutes or (voice.interval_minutes if voice else 30)
    interval_start = _interval_start(now, voice, interval_minutes)
    rows_by_id = {r.agent_id: r for r in view.rows}

    row: AgentRow | None = None
    kv: KpiValue | None = None
    alert: Alert | None = None
    if isinstance(selected, AgentRow):
        row = selected
    elif isinstance(selected, KpiValue):
        kv = selected
    elif isinstance(selected, Alert):
        alert = selected
        if selected.kind is AlertKind.KPI and selected.kpi:
            kv = _find_kpi(view.kpis, selected.kpi, selected.scope or "all")
        elif selected.agent_id:
            row = rows_by_id.get(selected.agent_id)
    else:
        kv = worst_kpi(view.kpis)

    base: _Context = {
        "created_at": now,
        "date": interval_start.date(),
        "tl_shift": tl_shift,
        "tl_name": tl_name,
        "interval_start": interval_start,
        "interval_minutes": interval_minutes,
    }
    fields_: _Subject
    if row is not None or (alert is not None and alert.kind is not AlertKind.KPI):
        fields_ = _agent_fields(now, row, alert)
    elif kv is not None:
        fields_ = _kpi_fields(kv, voice, alert)
    elif alert is not None:  # a KPI alert whose gauge is gone: keep what the alert says
        fields_ = {
            "kpi": alert.kpi or "",
            "scope": alert.scope or "all",
            "scope_label": _scope_label(alert.scope or "all", voice),
            "period": "interval",
            "actual": alert.value,
            "status": Status.BREACH if alert.severity is Severity.BREACH else Status.WARNING,
            "slg": alert.limit,
        }
    else:  # nothing to go on: an empty "other" plan for the whole site
        fields_ = {
            "kpi": "",
            "scope": "all",
            "scope_label": "All queues",
            "period": "interval",
            "actual": None,
        }

    agent_id = fields_.get("agent_id")
    suggestions = fitting_suggestions(
        now,
        str(fields_["kpi"]),
        str(fields_["scope"]),
        view,
        voice,
        staffing,
        rows_by_id.get(agent_id) if agent_id else row,
        agents,
    )
    hint = _root_cause_hint(str(fields_["kpi"]))
    return PlanDraft(**base, **fields_, suggestions=suggestions, root_cause_hint=hint)


def fitting_suggestions(
    now: datetime,
    kpi: str,
    scope: str,
    view: MonitorView,
    voice: VoiceSnapshot | None,
    staffing: StaffingRules,
    row: AgentRow | None = None,
    agents: AgentsSnapshot | None = None,
) -> tuple[Suggestion, ...]:
    """The suggestions that fit the plan: an agent plan gets that agent's facts only; a
    voice KPI the agents over an AUX limit, who is in AUX now, the absent agents and the
    Erlang C staffing line; a non-voice KPI that channel's backlog, who works that channel
    now (from /agents), the agents over an AUX limit and the absent agents (no Erlang C:
    it is a voice model)."""
    if scope.startswith(AGENT_SCOPE_PREFIX):
        agent_id = scope[len(AGENT_SCOPE_PREFIX) :]
        return agent_suggestions(now, row, view.open_alerts, agent_id)
    over = aux_suggestions(now, view.rows, view.open_alerts)
    absent = absent_suggestions(view.rows)
    if kpi in NONVOICE_KPIS:
        found = (_backlog(view.kpis, scope), channel_agents_suggestion(agents, scope))
        return (*(f for f in found if f is not None), *over, *absent)
    in_aux = in_aux_now_suggestion(view.rows) if kpi in VOICE_KPIS else None
    erlang = erlang_suggestion(view.rows, voice, staffing, scope)
    return (*over, *((in_aux,) if in_aux else ()), *absent, *((erlang,) if erlang else ()))


def _backlog(kpis: Sequence[KpiValue], scope: str) -> Suggestion | None:
    """The channel's waiting list now, as a line to act on."""
    waiting = next(
        (k.value for k in kpis if k.kpi == "waiting_list" and k.scope == scope and k.value),
        None,
    )
    if waiting is None:
        return None
    return Suggestion("backlog", {"channel": scope, "count": int(waiting)})


# --------------------------------------------------------------------------- selection


def worst_kpi(kpis: Sequence[KpiValue]) -> KpiValue | None:
    """The KPI to plan for when nothing is selected: a breach before a warning, the
    interval before today, in the order given."""
    rank = {Status.BREACH: 0, Status.WARNING: 1}
    candidates = [k for k in kpis if k.status in rank]
    if not candidates:
        return None
    return min(candidates, key=lambda k: (rank[k.status], k.period != "interval"))


def _find_kpi(kpis: Sequence[KpiValue], kpi: str, scope: str) -> KpiValue | None:
    matches = [k for k in kpis if k.kpi == kpi and k.scope == scope]
    # an alert does not say its period: the interval is what a recovery plan acts on
    matches.sort(key=lambda k: k.period != "interval")
    return matches[0] if matches else None


def _interval_start(now: datetime, voice: VoiceSnapshot | None, minutes: int) -> datetime:
    if voice is not None and voice.queues:
        start = voice.queues[0].interval_start
        if start <= now < start + timedelta(minutes=voice.interval_minutes):
            return start.astimezone(now.tzinfo)
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    elapsed = int((now - midnight).total_seconds() // 60)
    return midnight + timedelta(minutes=elapsed - elapsed % minutes)


def _scope_label(scope: str, voice: VoiceSnapshot | None) -> str:
    if scope == "all":
        return ""  # said by the catalog where it is shown (plan.scope_all)
    if voice is not None:
        for q in voice.queues:
            if q.queue_id == scope:
                return f"{q.name} ({q.queue_id})" if q.name and q.name != q.queue_id else scope
    return scope


def _kpi_fields(kv: KpiValue, voice: VoiceSnapshot | None, alert: Alert | None) -> _Subject:
    target = kv.target
    return {
        "kpi": kv.kpi,
        "scope": kv.scope,
        "scope_label": _scope_label(kv.scope, voice),
        "period": kv.period,
        "actual": kv.value if kv.value is not None else (alert.value if alert else None),
        "status": kv.status,
        "sla": target.sla if target else None,
        "slg": target.slg if target else None,
        "direction": target.direction if target else None,
        "counts": dict(kv.counts),
    }


def agent_indicator(row: AgentRow, now: datetime) -> tuple[str, float | None, float | None]:
    """(indicator, actual, limit) for the agent's most pressing problem."""
    in_state = (now - row.state_since).total_seconds()
    if row.login_status is LoginStatus.ABSENT:
        return "absent", None, None
    if (
        row.state is AgentState.AUX
        and row.aux_limit_each_seconds is not None
        and in_state > row.aux_limit_each_seconds
    ):
        return "aux_over_limit", in_state, row.aux_limit_each_seconds
    if row.aux_allowance_seconds is not None and row.aux_used_seconds > row.aux_allowance_seconds:
        return "aux_over_allowance", row.aux_used_seconds, row.aux_allowance_seconds
    if row.login_status is LoginStatus.LATE:
        late = row.late_by.total_seconds() if row.late_by is not None else None
        return "late_login", late, None
    if row.login_status is LoginStatus.EARLY_OUT:
        return "early_out", None, None
    if row.login_status is LoginStatus.NOT_ROSTERED:
        return "not_rostered", None, None
    if row.adherence is not None:
        return "adherence", row.adherence * 100, None
    return "agent", None, None


def _agent_fields(now: datetime, row: AgentRow | None, alert: Alert | None) -> _Subject:
    agent_id = row.agent_id if row else (alert.agent_id if alert else None) or ""
    name = row.name if row else agent_id
    kpi, actual, limit = "agent", (alert.value if alert else None), None
    if row is not None:
        kpi, actual, limit = agent_indicator(row, now)
    if (
        alert is not None
        and alert.kind is AlertKind.ROTG
        and kpi not in ("aux_over_limit", "aux_over_allowance")
    ):
        # the AUX occurrence may be over by now; the alert still says which limit was crossed
        on_allowance = row is not None and alert.limit == row.aux_allowance_seconds
        kpi = "aux_over_allowance" if on_allowance else "aux_over_limit"
        actual, limit = alert.value, alert.limit
    counts: dict[str, float] = {}
    if row is not None:
        counts["aux_used_seconds"] = row.aux_used_seconds
        if row.aux_allowance_seconds is not None:
            counts["aux_allowance_seconds"] = row.aux_allowance_seconds
        if row.state is AgentState.AUX:
            counts["in_aux_seconds"] = (now - row.state_since).total_seconds()
        if row.late_by is not None:
            counts["late_seconds"] = row.late_by.total_seconds()
    return {
        "kpi": kpi,
        "scope": AGENT_SCOPE_PREFIX + agent_id,
        "scope_label": f"{name} ({agent_id})" if name != agent_id else agent_id,
        "period": "now",
        "actual": actual,
        "status": Status.BREACH,
        "sla": limit,
        "direction": Direction.LOWER if limit is not None else None,
        "counts": counts,
        "agent_id": agent_id,
    }


def _root_cause_hint(kpi: str) -> RootCause | None:
    if kpi in ("aux_over_limit", "aux_over_allowance"):
        return RootCause.EXCESS_AUX
    if kpi in ("absent", "late_login", "early_out"):
        return RootCause.UNDERSTAFFING
    if kpi in ("aht", "nv_aht"):
        return RootCause.LONG_AHT
    return None
