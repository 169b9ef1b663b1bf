"""Recovery plans (SOP "Form Recovery Plan"): the record a TL files when a KPI misses its
target, its follow-up and its verification. Pure data and rules; the store keeps them.

Status flow: open -> in_progress -> done -> verified. A plan may skip forward from open
straight to done, and a done plan may be reopened to in_progress; verified is final and
is reached only by verifying (which records the KPI value at that moment).

Verification is evidence: the value is for the same kind of period the plan was filed on
(`period`), read at a known time; "achieved" stands only when that value meets the target
the plan was filed against (`meets_target`); otherwise the TL records "not achieved" or an
override with a written reason. The verifier's name and a note are always required.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from .types import Direction

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
    "scope_label",
    "team",
    "period",
    "direction",
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


class Verdict(StrEnum):
    ACHIEVED = "achieved"
    NOT_ACHIEVED = "not_achieved"
    OVERRIDE = "override"  # recorded achieved although the value does not show it: with a reason


# The way a KPI is good when no target direction was kept with the plan (plans filed
# before the direction was stored): higher for these, lower for everything else.
HIGHER_IS_BETTER = frozenset({"scr", "service_level", "adherence"})


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


class ActionStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    NOT_DONE = "not_done"


class NoteKind(StrEnum):
    PROGRESS = "progress"  # while the plan is worked on (not verified)
    ADDENDUM = "addendum"  # after verification: the plan stays final, the addendum is added


# The longest text each field keeps (the form shows the limits; the store refuses more).
FIELD_LIMITS: Mapping[str, int] = {
    "tl_name": 80,
    "analysis": 2000,
    "note": 1000,
    "what": 200,
    "pic": 80,
    "result": 500,
    "progress": 1000,
}


@dataclass(frozen=True, slots=True)
class PlanAction:
    what: str
    pic: str  # person in charge
    due: datetime
    status: ActionStatus = ActionStatus.OPEN
    result: str = ""  # what came of it (the TL writes it when the action is done or not)


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanNote:
    """A progress note (plan not verified yet) or an addendum (verified plan), with when
    and who."""

    plan_id: int
    at: datetime
    who: str
    kind: NoteKind
    text: str
    id: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class RecoveryPlan:
    """One Form Recovery Plan. `id` is None until the store saves it."""

    created_at: datetime
    date: date  # the site day the miss belongs to
    tl_shift: str  # "pagi" | "siang"
    interval_start: datetime
    kpi: str
    scope: str  # "all", a queue id, a channel or "agent:<agent_id>"
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
    scope_label: str = ""  # what the TL reads for `scope`: the agent's or queue's name
    team: str = ""  # the agent's team, for an agent plan
    period: str = "interval"  # the period `actual` is for: interval, today, shift, now
    direction: Direction | None = None  # higher or lower is better, as the target said
    status: PlanStatus = PlanStatus.OPEN
    verified_value: float | None = None
    verified_achieved: bool | None = None
    verified_at: datetime | None = None
    verified_period: str | None = None  # the period verified_value is for (= period)
    verified_read_at: datetime | None = None  # when verified_value was read
    verified_counts: Mapping[str, float] = field(default_factory=dict)
    verified_by: str = ""
    verified_note: str = ""
    verified_reason: str = ""  # an override's written reason; "" = not an override
    updated_at: datetime | None = None
    # how many times the form's content was saved over: an edit must start from the
    # current revision (the store's check against a second writer)
    revision: int = 0
    id: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Verification:
    """What the TL records when verifying: the value read (for the plan's period, None =
    no data), when it was read, the verdict, who and why."""

    value: float | None
    period: str
    read_at: datetime
    verdict: Verdict
    by: str
    note: str
    reason: str = ""
    counts: Mapping[str, float] = field(default_factory=dict)

    @property
    def achieved(self) -> bool:
        return self.verdict is not Verdict.NOT_ACHIEVED


@dataclass(frozen=True, slots=True)
class PlanChange:
    """One history row: `field` changed from `old` to `new` (text, None = empty).

    Fields are plan field names; actions use `actions.<i>.<what|pic|due|status|result>`
    (0-based) for an edited action and `actions.<i>` for one added (old None) or removed (new None).
    A new plan has one row with field `created`; a note has `note.progress` or
    `note.addendum` (new = its text).
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


def plan_direction(plan: RecoveryPlan) -> Direction:
    if plan.direction is not None:
        return Direction(plan.direction)
    return Direction.HIGHER if plan.kpi in HIGHER_IS_BETTER else Direction.LOWER


def plan_target(plan: RecoveryPlan) -> float | None:
    """The level the plan was filed against: its SLA, else its SLG."""
    return plan.sla if plan.sla is not None else plan.slg


_EPS = 1e-9


def meets_target(plan: RecoveryPlan, value: float | None) -> bool:
    """Whether `value` meets the plan's target. No value or no target: False (nothing
    shows it was achieved)."""
    target = plan_target(plan)
    if value is None or value != value or target is None:
        return False
    if plan_direction(plan) is Direction.HIGHER:
        return value >= target - _EPS
    return value <= target + _EPS


def verification_errors(plan: RecoveryPlan, v: Verification) -> dict[str, str]:
    """Field -> message for every problem with a verification; empty = it can be kept."""
    errors: dict[str, str] = {}
    if not v.by.strip():
        errors["verified_by"] = "the verifier's name is required"
    if not v.note.strip():
        errors["verified_note"] = "a verification note is required"
    if v.period != plan.period:
        errors["verified_period"] = "the value must be for the period the plan was filed on"
    if not _aware(v.read_at):
        errors["verified_read_at"] = "the time the value was read must carry a timezone"
    if v.verdict is Verdict.ACHIEVED and not meets_target(plan, v.value):
        errors["verdict"] = (
            "achieved needs a value that meets the target; "
            "choose not achieved, or override with a reason"
        )
    if v.verdict is Verdict.OVERRIDE and not v.reason.strip():
        errors["verified_reason"] = "an override needs a written reason"
    return errors


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


# The checks of a plan, an edit and a note are in plan_checks (it imports the types above;
# they are not re-exported here, which made importing plan_checks first a cycle).
