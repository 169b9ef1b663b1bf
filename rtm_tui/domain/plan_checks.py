"""The checks of a recovery plan, an edit of one and a note on one: every problem as a
`Problem` (a code and parameters the UI renders as `plan.err.<code>`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from .plans import (
    FIELD_LIMITS,
    ActionStatus,
    NoteKind,
    PlanStatus,
    RecoveryPlan,
    RootCause,
    _aware,
)


class Problem(str):
    """A validation problem as data: `code` and `params`, rendered by the UI as
    `plan.err.<code>`. As a str it reads in English, for the store's errors and logs."""

    code: str
    params: dict[str, object]

    def __new__(cls, code: str, **params: object) -> Problem:
        self = super().__new__(cls, _ENGLISH.get(code, code).format(**params))
        self.code = code
        self.params = params
        return self


def _problem(code: str, **params: object) -> Problem:
    return Problem(code, **params)


# English of every problem code (what str(problem) says; the catalog has both languages)
_ENGLISH: dict[str, str] = {
    "tl_shift": "choose the TL shift",
    "interval_start": "interval start is required (with its timezone)",
    "created_at": "filing time must carry a timezone",
    "kpi": "KPI or indicator is required",
    "scope": "queue or channel is required (use 'all' for the whole site)",
    "root_cause": "choose a root cause category",
    "analysis": "root cause analysis is required",
    "tl_name": "TL name is required",
    "actions": "add at least one action",
    "action_what": "say what will be done",
    "action_pic": "a person in charge (PIC) is required",
    "action_due": "a due time is required",
    "due_after_start": "due time must be after the interval start",
    "number": "must be a number",
    "due_past": "due time is already past: give a later time",
    "action_status": "choose open, done or not done",
    "final": "a verified plan is final: add an addendum",
    "addendum_early": "an addendum is for a verified plan; write a progress note",
    "note_empty": "the note is empty",
    "note_who": "who writes the note is required",
    "note_kind": "a note is a progress note or an addendum",
    "too_long": "at most {limit} characters",
}

def validate_plan(
    plan: RecoveryPlan, tl_shifts: Sequence[str] | None = None, now: datetime | None = None
) -> dict[str, str]:
    """Field -> message for every problem; empty means the plan can be saved.

    `now` (the form's clock) refuses a due time already past; without it (the store,
    which also keeps edits of old plans) due times are checked against the interval only.

    `tl_shifts` are the site's TL shift names (the config's, e.g. morning/evening); without
    them (the store, which has no config) any non-empty shift name is accepted.

    Action problems use keys like `actions.0.pic` (0-based, in form order).
    """
    errors: dict[str, str] = {}
    if not plan.tl_shift.strip() or (tl_shifts is not None and plan.tl_shift not in tl_shifts):
        errors["tl_shift"] = _problem("tl_shift")
    if not _aware(plan.interval_start):
        errors["interval_start"] = _problem("interval_start")
    if not _aware(plan.created_at):
        errors["created_at"] = _problem("created_at")
    if not plan.kpi.strip():
        errors["kpi"] = _problem("kpi")
    if not plan.scope.strip():
        errors["scope"] = _problem("scope")
    try:
        RootCause(plan.root_cause)
    except ValueError:
        errors["root_cause"] = _problem("root_cause")
    if not plan.analysis.strip():
        errors["analysis"] = _problem("analysis")
    if not plan.tl_name.strip():
        errors["tl_name"] = _problem("tl_name")
    if not plan.actions:
        errors["actions"] = _problem("actions")
    for i, action in enumerate(plan.actions):
        if not action.what.strip():
            errors[f"actions.{i}.what"] = _problem("action_what")
        if not action.pic.strip():
            errors[f"actions.{i}.pic"] = _problem("action_pic")
        if not _aware(action.due):
            errors[f"actions.{i}.due"] = _problem("action_due")
        elif _aware(plan.interval_start) and action.due <= plan.interval_start:
            errors[f"actions.{i}.due"] = _problem("due_after_start")
        elif now is not None and action.due <= now:
            errors[f"actions.{i}.due"] = _problem("due_past")
        if action.status not in set(ActionStatus):
            errors[f"actions.{i}.status"] = _problem("action_status")
        for part in ("what", "pic", "result"):
            if len(getattr(action, part)) > FIELD_LIMITS[part]:
                errors[f"actions.{i}.{part}"] = _too_long(part)
    for name in ("tl_name", "analysis", "note"):
        if len(getattr(plan, name)) > FIELD_LIMITS[name]:
            errors.setdefault(name, _too_long(name))
    for name in ("sla", "slg", "actual"):
        value = getattr(plan, name)
        if value is not None and (value != value or value in (float("inf"), float("-inf"))):
            errors[name] = _problem("number")
    return errors


def _too_long(field_name: str) -> str:
    return _problem("too_long", limit=FIELD_LIMITS[field_name])


def edit_errors(
    old: RecoveryPlan, new: RecoveryPlan, now: datetime, tl_shifts: Sequence[str] | None = None
) -> dict[str, str]:
    """Field -> message for an edit of a saved plan. A verified plan is final (it takes an
    addendum instead). An action's due time is refused when already past only if it was
    changed or the action is new: an old action whose time has passed stays as it was."""
    if old.status is PlanStatus.VERIFIED:
        return {"status": _problem("final")}
    errors = validate_plan(new, tl_shifts)
    for i, action in enumerate(new.actions):
        before = old.actions[i].due if i < len(old.actions) else None
        key = f"actions.{i}.due"
        if key not in errors and action.due != before and _aware(action.due) and action.due <= now:
            errors[key] = _problem("due_past")
    return errors


def note_errors(plan: RecoveryPlan, kind: NoteKind | str, text: str, who: str) -> dict[str, str]:
    """Field -> message for a note on `plan`: progress notes while it is worked on, an
    addendum once it is verified; text and author required."""
    errors: dict[str, str] = {}
    try:
        kind = NoteKind(kind)
    except ValueError:
        return {"kind": _problem("note_kind")}
    verified = plan.status is PlanStatus.VERIFIED
    if kind is NoteKind.ADDENDUM and not verified:
        errors["kind"] = _problem("addendum_early")
    if kind is NoteKind.PROGRESS and verified:
        errors["kind"] = _problem("final")
    if not text.strip():
        errors["text"] = _problem("note_empty")
    elif len(text.strip()) > FIELD_LIMITS["progress"]:
        errors["text"] = _too_long("progress")
    if not who.strip():
        errors["who"] = _problem("note_who")
    return errors
