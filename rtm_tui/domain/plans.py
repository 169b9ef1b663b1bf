"""Recovery plans (SOP "Form Recovery Plan"): the record a TL files when a KPI misses its
target, its follow-up and its verification. Pure data and rules; the store keeps them.

Status flow: open -> in_progress -> done -> verified. A plan may skip forward from open
straight to done, and a done plan may be reopened to in_progress; verified is final and
is reached only by verifying (which records the KPI value at that moment).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

TL_SHIFTS = ("pagi", "siang")  # the defaults; a site names its own in [site.tl_shifts]


class RootCause(StrEnum):
    VOLUME_SPIKE = "volume_spike"
    UNDERSTAFFING = "understaffing"  # absence or understaffing
    EXCESS_AUX = "excess_aux"
    LONG_AHT = "long_aht"
    SYSTEM = "system"  # system / technical
    OTHER = "other"


ROOT_CAUSE_LABELS: Mapping[RootCause, str] = {
    RootCause.VOLUME_SPIKE: "Volume spike",
    RootCause.UNDERSTAFFING: "Absence / understaffing",
    RootCause.EXCESS_AUX: "Excess AUX",
    RootCause.LONG_AHT: "Long AHT",
    RootCause.SYSTEM: "System / technical",
    RootCause.OTHER: "Other",
}


class PlanStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    VERIFIED = "verified"


STATUS_LABELS: Mapping[PlanStatus, str] = {
    PlanStatus.OPEN: "Open",
    PlanStatus.IN_PROGRESS: "In progress",
    PlanStatus.DONE: "Done",
    PlanStatus.VERIFIED: "Verified",
}

# Moves set_status may make. VERIFIED is reached only through verification (it needs a value).
ALLOWED_TRANSITIONS: Mapping[PlanStatus, frozenset[PlanStatus]] = {
    PlanStatus.OPEN: frozenset({PlanStatus.IN_PROGRESS, PlanStatus.DONE}),
    PlanStatus.IN_PROGRESS: frozenset({PlanStatus.DONE}),
    PlanStatus.DONE: frozenset({PlanStatus.IN_PROGRESS, PlanStatus.VERIFIED}),
    PlanStatus.VERIFIED: frozenset(),
}

# Fields a save may change; status and verification change only through their own steps.
CONTENT_FIELDS = (
    "date",
    "tl_shift",
    "interval_start",
    "kpi",
    "scope",
    "sla",
    "slg",
    "actual",
    "counts",
    "suggested_actions",
    "root_cause",
    "analysis",
    "actions",
    "tl_name",
    "note",
)


class PlanError(ValueError):
    """A plan or a change to it that the rules refuse; `str()` is a sentence for the TL."""


class PlanValidationError(PlanError):
    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.errors.items()))


class IllegalTransitionError(PlanError):
    def __init__(self, current: PlanStatus, wanted: PlanStatus) -> None:
        self.current = current
        self.wanted = wanted
        if wanted is PlanStatus.VERIFIED and current is not PlanStatus.DONE:
            why = "mark it done first, then verify it"
        elif wanted is PlanStatus.VERIFIED:
            why = "verify it with the KPI value instead"
        elif current is PlanStatus.VERIFIED:
            why = "a verified plan is final; file a new plan"
        else:
            why = "allowed: " + (
                ", ".join(STATUS_LABELS[s] for s in PlanStatus if s in ALLOWED_TRANSITIONS[current])
                or "none"
            )
        super().__init__(
            f"cannot move a plan from {STATUS_LABELS[current]} to {STATUS_LABELS[wanted]} ({why})"
        )


@dataclass(frozen=True, slots=True)
class PlanAction:
    what: str
    pic: str  # person in charge
    due: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class RecoveryPlan:
    """One Form Recovery Plan. `id` is None until the store saves it."""

    created_at: datetime
    date: date  # the site day the miss belongs to
    tl_shift: str  # "pagi" | "siang"
    interval_start: datetime
    kpi: str
    scope: str  # "all", a queue id or a channel
    actual: float | None
    root_cause: RootCause
    analysis: str
    actions: tuple[PlanAction, ...]
    tl_name: str
    sla: float | None = None
    slg: float | None = None
    counts: Mapping[str, float] = field(default_factory=dict)  # raw counts behind `actual`
    suggested_actions: tuple[str, ...] = ()  # what the app suggested when the form opened
    note: str = ""
    status: PlanStatus = PlanStatus.OPEN
    verified_value: float | None = None
    verified_achieved: bool | None = None
    verified_at: datetime | None = None
    updated_at: datetime | None = None
    id: int | None = None


@dataclass(frozen=True, slots=True)
class PlanChange:
    """One history row: `field` changed from `old` to `new` (text, None = empty).

    Fields are plan field names; actions use `actions.<i>.<what|pic|due>` (0-based) for an
    edited action and `actions.<i>` for one added (old None) or removed (new None).
    A new plan has one row with field `created`.
    """

    plan_id: int
    at: datetime
    who: str
    field: str
    old: str | None
    new: str | None


def plan_due(plan: RecoveryPlan) -> datetime | None:
    """When the plan should be verifiable: the latest action due time."""
    return max((a.due for a in plan.actions), default=None)


def is_overdue(plan: RecoveryPlan, now: datetime) -> bool:
    """Past its due time and not verified yet."""
    due = plan_due(plan)
    return plan.status is not PlanStatus.VERIFIED and due is not None and now > due


def allowed_transitions(status: PlanStatus) -> frozenset[PlanStatus]:
    return ALLOWED_TRANSITIONS[PlanStatus(status)]


def check_transition(current: PlanStatus, wanted: PlanStatus, *, verifying: bool = False) -> None:
    """Raise IllegalTransitionError unless `current -> wanted` is allowed.

    VERIFIED is accepted only when `verifying` (the verify step, which records the value).
    """
    current, wanted = PlanStatus(current), PlanStatus(wanted)
    if wanted not in ALLOWED_TRANSITIONS[current] or (
        wanted is PlanStatus.VERIFIED and not verifying
    ):
        raise IllegalTransitionError(current, wanted)


def _aware(value: object) -> bool:
    return isinstance(value, datetime) and value.utcoffset() is not None


def validate_plan(plan: RecoveryPlan, tl_shifts: Sequence[str] | None = None) -> dict[str, str]:
    """Field -> message for every problem; empty means the plan can be saved.

    `tl_shifts` are the site's TL shift names (the config's, e.g. morning/evening); without
    them (the store, which has no config) any non-empty shift name is accepted.

    Action problems use keys like `actions.0.pic` (0-based, in form order).
    """
    errors: dict[str, str] = {}
    if not plan.tl_shift.strip() or (tl_shifts is not None and plan.tl_shift not in tl_shifts):
        errors["tl_shift"] = "choose the TL shift"
    if not _aware(plan.interval_start):
        errors["interval_start"] = "interval start is required (with its timezone)"
    if not _aware(plan.created_at):
        errors["created_at"] = "filing time must carry a timezone"
    if not plan.kpi.strip():
        errors["kpi"] = "KPI or indicator is required"
    if not plan.scope.strip():
        errors["scope"] = "queue or channel is required (use 'all' for the whole site)"
    try:
        RootCause(plan.root_cause)
    except ValueError:
        errors["root_cause"] = "choose a root cause category"
    if not plan.analysis.strip():
        errors["analysis"] = "root cause analysis is required"
    if not plan.tl_name.strip():
        errors["tl_name"] = "TL name is required"
    if not plan.actions:
        errors["actions"] = "add at least one action"
    for i, action in enumerate(plan.actions):
        if not action.what.strip():
            errors[f"actions.{i}.what"] = "say what will be done"
        if not action.pic.strip():
            errors[f"actions.{i}.pic"] = "a person in charge (PIC) is required"
        if not _aware(action.due):
            errors[f"actions.{i}.due"] = "a due time is required"
        elif _aware(plan.interval_start) and action.due <= plan.interval_start:
            errors[f"actions.{i}.due"] = "due time must be after the interval start"
    for name in ("sla", "slg", "actual"):
        value = getattr(plan, name)
        if value is not None and (value != value or value in (float("inf"), float("-inf"))):
            errors[name] = "must be a number"
    return errors
