"""The pure plan rules in rtm_tui.domain.plans (no store)."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from rtm_tui.domain.plan_checks import validate_plan
from rtm_tui.domain.plans import (
    TL_SHIFTS,
    IllegalTransitionError,
    PlanAction,
    PlanStatus,
    allowed_transitions,
    check_transition,
    is_overdue,
    plan_due,
)

JKT = ZoneInfo("Asia/Jakarta")
T0 = datetime(2025, 3, 10, 9, 30, tzinfo=JKT)


def test_a_complete_plan_is_valid(make_plan):
    assert validate_plan(make_plan()) == {}


def test_without_the_sites_names_any_tl_shift_name_is_accepted_but_not_a_blank(make_plan):
    # the store has no config: it keeps a morning/evening site's plans, never a blank shift
    assert "tl_shift" not in validate_plan(make_plan(tl_shift="morning"))
    assert "tl_shift" in validate_plan(make_plan(tl_shift=" "))
    assert "tl_shift" in validate_plan(make_plan(tl_shift="morning"), ("pagi", "siang"))


def test_every_missing_field_is_named(make_plan):
    plan = make_plan(
        tl_shift="malam",
        kpi=" ",
        scope="",
        analysis="",
        tl_name="  ",
        actions=(
            PlanAction("", "", T0),
            PlanAction("Call standby", "Rina", T0 - timedelta(minutes=1)),
        ),
        actual=float("nan"),
    )
    errors = validate_plan(plan, TL_SHIFTS)  # "malam" is not one of the site's TL shifts
    assert set(errors) == {
        "tl_shift",
        "kpi",
        "scope",
        "analysis",
        "tl_name",
        "actions.0.what",
        "actions.0.pic",
        "actions.0.due",
        "actions.1.due",
        "actual",
    }
    assert errors["actions.1.due"] == "due time must be after the interval start"
    assert "PIC" in errors["actions.0.pic"]


def test_no_actions_and_naive_times_are_invalid(make_plan):
    errors = validate_plan(make_plan(actions=(), interval_start=datetime(2025, 3, 10, 9, 30)))
    assert errors["actions"] == "add at least one action"
    assert "timezone" in errors["interval_start"]


def test_transitions():
    assert allowed_transitions(PlanStatus.OPEN) == {PlanStatus.IN_PROGRESS, PlanStatus.DONE}
    assert allowed_transitions("in_progress") == {PlanStatus.DONE}
    assert allowed_transitions(PlanStatus.VERIFIED) == frozenset()
    check_transition(PlanStatus.DONE, PlanStatus.VERIFIED, verifying=True)
    with pytest.raises(IllegalTransitionError, match="verify it with the KPI value"):
        check_transition(PlanStatus.DONE, PlanStatus.VERIFIED)
    with pytest.raises(IllegalTransitionError, match="from In progress to Open"):
        check_transition(PlanStatus.IN_PROGRESS, PlanStatus.OPEN)


def test_due_is_the_last_action_and_overdue_needs_no_verification(make_plan):
    plan = make_plan()
    assert plan_due(plan) == T0 + timedelta(minutes=60)
    assert not is_overdue(plan, T0 + timedelta(minutes=60))
    assert is_overdue(plan, T0 + timedelta(minutes=61))
    done = dataclasses.replace(plan, status=PlanStatus.DONE)
    assert is_overdue(done, T0 + timedelta(hours=3))
    verified = dataclasses.replace(plan, status=PlanStatus.VERIFIED)
    assert not is_overdue(verified, T0 + timedelta(hours=3))
    assert not is_overdue(dataclasses.replace(plan, actions=()), T0 + timedelta(days=1))


@pytest.mark.parametrize("stored_label", ["", "All queues and channels"])
def test_a_plan_for_all_queues_reads_in_the_sites_language(make_plan, stored_label) -> None:
    # the label is the catalog's, not stored text: older plans kept an English one
    from rtm_tui.i18n import set_language
    from rtm_tui.i18n.plans import scope_text

    plan = dataclasses.replace(make_plan(), scope="all", scope_label=stored_label)
    try:
        set_language("id")
        assert scope_text(plan) == "Semua antrean dan channel"
        set_language("en")
        assert scope_text(plan) == "All queues and channels"
        assert scope_text(plan, team=False) == "All"  # the lists' narrow column
    finally:
        set_language("en")
