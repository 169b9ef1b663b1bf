"""Login timeliness and attendance: every rule at its boundaries, overnight shifts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from domain_helpers import DAY, at, off, shift

from rtm_tui.domain.attendance import attendance_counts, login_status
from rtm_tui.domain.types import (
    AgentRow,
    AgentState,
    AttendanceRules,
    LoginStatus,
    RosterStatus,
)

RULES = AttendanceRules()  # late 5 min, no-show 30 min, early-out 5 min
P1 = shift()  # 07:00-16:00


def status(entry, now, first=None, last=None, logged_in=False):  # type: ignore[no-untyped-def]
    return login_status(entry, now, RULES, first, last, logged_in)


def test_on_time_exactly_at_the_grace_limit() -> None:
    r = status(P1, at(8), first=at(7, 5), logged_in=True)
    assert r.status is LoginStatus.ON_TIME and r.late_by is None


def test_late_one_second_past_grace_with_lateness_from_start() -> None:
    r = status(P1, at(8), first=at(7, 5, 1), logged_in=True)
    assert r.status is LoginStatus.LATE
    assert r.late_by == timedelta(minutes=5, seconds=1)


def test_early_login_is_on_time() -> None:
    assert status(P1, at(6, 50), first=at(6, 45), logged_in=True).status is LoginStatus.ON_TIME


def test_not_yet_in_until_no_show_limit_then_absent_exactly_at_it() -> None:
    assert status(P1, at(6, 0)).status is LoginStatus.NOT_YET_IN
    assert status(P1, at(7, 29, 59)).status is LoginStatus.NOT_YET_IN
    assert status(P1, at(7, 30)).status is LoginStatus.ABSENT
    assert status(P1, at(15)).status is LoginStatus.ABSENT


def test_late_arrival_after_no_show_limit_is_late_not_absent() -> None:
    r = status(P1, at(8), first=at(7, 45), logged_in=True)
    assert r.status is LoginStatus.LATE and r.late_by == timedelta(minutes=45)


def test_early_out_boundaries() -> None:
    # logged out exactly at end - grace: not early
    r = status(P1, at(16, 30), first=at(7), last=at(15, 55))
    assert r.status is LoginStatus.ON_TIME
    r = status(P1, at(16, 30), first=at(7), last=at(15, 54, 59))
    assert r.status is LoginStatus.EARLY_OUT
    # back in after the logout: not early out
    r = status(P1, at(15, 30), first=at(7), last=at(14), logged_in=True)
    assert r.status is LoginStatus.ON_TIME


def test_early_out_keeps_lateness() -> None:
    r = status(P1, at(12), first=at(7, 20), last=at(10))
    assert r.status is LoginStatus.EARLY_OUT and r.late_by == timedelta(minutes=20)


def test_logout_for_the_scheduled_break_is_not_early_out_until_it_ends() -> None:
    r = status(P1, at(12), first=at(7), last=at(11, 31))
    assert r.status is LoginStatus.ON_TIME
    r = status(P1, at(12, 30), first=at(7), last=at(11, 31))
    assert r.status is LoginStatus.EARLY_OUT


def test_overnight_shift_belongs_to_its_start_day() -> None:
    m1 = shift(start=(22, 0), end=(7, 0), breaks=(("ISTIRAHAT", (2, 0), (3, 0)),), code="M1")
    assert m1.end == at(7, day=DAY + timedelta(days=1))
    next_day = DAY + timedelta(days=1)
    assert status(m1, at(21, 0)).status is LoginStatus.NOT_YET_IN
    assert status(m1, at(22, 30)).status is LoginStatus.ABSENT
    r = status(m1, at(1, 0, day=next_day), first=at(22, 6), logged_in=True)
    assert r.status is LoginStatus.LATE and r.late_by == timedelta(minutes=6)
    r = status(m1, at(6, 0, day=next_day), first=at(21, 58), last=at(5, 0, day=next_day))
    assert r.status is LoginStatus.EARLY_OUT
    r = status(m1, at(8, 0, day=next_day), first=at(21, 58), last=at(7, 0, day=next_day))
    assert r.status is LoginStatus.ON_TIME
    # logging out for the 02:00-03:00 break after midnight
    r = status(m1, at(2, 30, day=next_day), first=at(21, 58), last=at(2, 1, day=next_day))
    assert r.status is LoginStatus.ON_TIME


def test_not_rostered_and_not_scheduled() -> None:
    assert status(None, at(9), first=at(8), logged_in=True).status is LoginStatus.NOT_ROSTERED
    assert status(None, at(9), first=at(8), last=at(8, 30)).status is LoginStatus.NOT_ROSTERED
    assert status(None, at(9)).status is LoginStatus.NOT_SCHEDULED


@pytest.mark.parametrize(
    ("roster", "expected"),
    [
        (RosterStatus.OFF, LoginStatus.OFF),
        (RosterStatus.LEAVE, LoginStatus.LEAVE),
        (RosterStatus.SICK, LoginStatus.SICK),
    ],
)
def test_off_leave_sick_from_roster_and_working_anyway(
    roster: RosterStatus, expected: LoginStatus
) -> None:
    entry = off("A1", roster)
    assert status(entry, at(9)).status is expected
    assert status(entry, at(9), first=at(8), logged_in=True).status is LoginStatus.NOT_ROSTERED


def test_training_is_not_expected_to_log_in() -> None:
    entry = shift(status=RosterStatus.TRAINING)
    assert status(entry, at(9)).status is LoginStatus.TRAINING
    assert status(entry, at(9), first=at(8), logged_in=True).status is LoginStatus.TRAINING


def _row(s: LoginStatus, late_by: timedelta | None = None) -> AgentRow:
    return AgentRow(
        agent_id="A",
        name="A",
        team="T",
        state=AgentState.LOGGED_OUT,
        aux_code=None,
        state_since=at(7),
        aux_used_seconds=0,
        aux_allowance_seconds=None,
        aux_limit_each_seconds=None,
        aux_warn_ratio=0.8,
        login_status=s,
        late_by=late_by,
    )


def test_attendance_counts() -> None:
    late = timedelta(minutes=9)
    rows = [
        _row(LoginStatus.ON_TIME),
        _row(LoginStatus.ON_TIME),
        _row(LoginStatus.LATE, late),
        _row(LoginStatus.EARLY_OUT, late),
        _row(LoginStatus.EARLY_OUT),
        _row(LoginStatus.ABSENT),
        _row(LoginStatus.NOT_YET_IN),
        _row(LoginStatus.OFF),
        _row(LoginStatus.LEAVE),
        _row(LoginStatus.SICK),
        _row(LoginStatus.TRAINING),
        _row(LoginStatus.NOT_ROSTERED),
        _row(LoginStatus.NOT_SCHEDULED),
    ]
    c = attendance_counts(rows)
    assert (c.scheduled, c.present, c.late, c.absent) == (7, 5, 2, 1)
    assert (c.off, c.not_rostered, c.not_yet_in, c.early_out) == (3, 1, 1, 2)
    assert (c.on_leave, c.sick, c.training) == (1, 1, 1)  # each under its own name
    assert attendance_counts([]).scheduled == 0
