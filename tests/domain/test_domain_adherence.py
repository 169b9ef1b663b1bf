"""Schedule adherence: worked examples, grace at roster changes, excuses, tails."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from domain_helpers import at, shift

from rtm_tui.domain.adherence import (
    AdherenceMeter,
    AdherenceTotals,
    Excuse,
    adherence_totals,
    team_adherence,
)
from rtm_tui.domain.types import AgentState

AV, AUX, OUT, ACW, CON = (
    AgentState.AVAILABLE,
    AgentState.AUX,
    AgentState.LOGGED_OUT,
    AgentState.ACW,
    AgentState.ON_CONTACT,
)
GRACE = timedelta(minutes=1)
NO_BREAK = shift(start=(7, 0), end=(16, 0), breaks=())
P1 = shift()  # 07:00-16:00, ISTIRAHAT 11:30-12:30


def test_worked_example_150_in_30_out() -> None:
    tl = [(at(6, 55), AV), (at(8, 0), AUX), (at(8, 30), CON), (at(9, 0), ACW)]
    t = adherence_totals(NO_BREAK, tl, at(10, 0), GRACE)
    assert (t.in_seconds, t.out_seconds) == (150 * 60, 30 * 60)
    assert t.ratio == pytest.approx(0.8333, abs=1e-4)


def test_worked_example_105_in_75_out() -> None:
    tl = [(at(6, 0), OUT), (at(7, 45), AV), (at(9, 30), AUX)]
    t = adherence_totals(NO_BREAK, tl, at(10, 0), GRACE)
    assert (t.in_seconds, t.out_seconds) == (105 * 60, 75 * 60)
    assert t.ratio == pytest.approx(0.5833, abs=1e-4)


def test_unscheduled_time_counts_in_neither() -> None:
    tl = [(at(5, 0), AUX), (at(7, 0), AV)]
    assert adherence_totals(NO_BREAK, tl, at(6, 0), GRACE) == AdherenceTotals(0, 0)
    assert adherence_totals(NO_BREAK, tl, at(6, 0), GRACE).ratio is None
    # after the shift end nothing more is counted
    t = adherence_totals(NO_BREAK, tl, at(20, 0), GRACE)
    assert t == AdherenceTotals(9 * 3600, 0)


def test_time_before_the_first_observation_counts_in_neither() -> None:
    t = adherence_totals(NO_BREAK, [(at(9, 0), AV)], at(10, 0), GRACE)
    assert t == AdherenceTotals(3600, 0)


def test_scheduled_break_in_aux_or_logged_out_is_in_adherence() -> None:
    tl = [(at(7, 0), AV), (at(11, 30), AUX), (at(12, 0), OUT), (at(12, 30), AV)]
    assert adherence_totals(P1, tl, at(13, 0), GRACE) == AdherenceTotals(6 * 3600, 0)
    # working through the break is out of adherence
    t = adherence_totals(P1, [(at(7, 0), AV)], at(13, 0), GRACE)
    assert t == AdherenceTotals(5 * 3600, 3600)


def test_grace_exactly_at_the_limit_and_just_past() -> None:
    # login exactly 1 min after the shift start: forgiven
    t = adherence_totals(NO_BREAK, [(at(6, 0), OUT), (at(7, 1), AV)], at(8), GRACE)
    assert t == AdherenceTotals(3600, 0)
    # 1 min 1 s: the whole 61 s count against the agent
    t = adherence_totals(NO_BREAK, [(at(6, 0), OUT), (at(7, 1, 1), AV)], at(8), GRACE)
    assert t == AdherenceTotals(3600 - 61, 61)


def test_grace_before_and_after_break_changes() -> None:
    # to break 1 min early, back 1 min late: forgiven both sides
    tl = [(at(7), AV), (at(11, 29), AUX), (at(12, 31), AV)]
    assert adherence_totals(P1, tl, at(13), GRACE) == AdherenceTotals(6 * 3600, 0)
    # 2 min early: counted
    tl = [(at(7), AV), (at(11, 28), AUX), (at(12, 30), AV)]
    assert adherence_totals(P1, tl, at(13), GRACE) == AdherenceTotals(6 * 3600 - 120, 120)


def test_excused_period_counts_as_in() -> None:
    tl = [(at(7), AV), (at(9), AUX), (at(10), AV)]
    ex = [Excuse(at(9), at(9, 30), "system down")]
    t = adherence_totals(NO_BREAK, tl, at(11), GRACE, ex)
    assert t == AdherenceTotals(4 * 3600 - 1800, 1800)


def test_overnight_shift() -> None:
    m1 = shift(start=(22, 0), end=(7, 0), breaks=(("ISTIRAHAT", (2, 0), (3, 0)),))
    nd = m1.end.date()
    tl = [
        (at(21, 50), AV),
        (at(2, 0, day=nd), AUX),
        (at(3, 0, day=nd), AV),
        (at(5, 0, day=nd), AUX),
    ]
    t = adherence_totals(m1, tl, at(6, 0, day=nd), GRACE)
    assert t == AdherenceTotals(7 * 3600, 3600)


def test_head_plus_tail_equals_whole() -> None:
    tl = [(at(6), OUT), (at(7, 0, 30), AV), (at(11, 29, 30), AUX), (at(12, 40), AV), (at(14), AUX)]
    now = at(15)
    whole = adherence_totals(P1, tl, now, GRACE)
    for cut in (at(7), at(11, 29, 30), at(12, 30, 30), at(14)):
        head = adherence_totals(P1, tl, cut, GRACE)
        tail = adherence_totals(P1, tl, now, GRACE, since=cut)
        assert head + tail == pytest.approx(whole)


def test_team_adherence_is_time_weighted() -> None:
    assert team_adherence([AdherenceTotals(90, 10), AdherenceTotals(0, 900)]) == 0.09
    assert team_adherence([]) is None


def test_not_working_entry_gives_nothing() -> None:
    assert adherence_totals(None, [(at(7), AV)], at(9), GRACE) == AdherenceTotals()
    assert adherence_totals(P1, [], at(9), GRACE) == AdherenceTotals()


def test_meter_matches_a_full_sweep_at_every_step() -> None:
    tl: list[tuple[datetime, AgentState]] = [(at(6, 50), OUT)]
    changes = {
        at(7, 0, 40): AV,
        at(9, 0): AUX,
        at(9, 20): CON,
        at(11, 29, 30): AUX,
        at(12, 31): AV,
        at(15, 0): OUT,
    }
    meter = AdherenceMeter()
    excused = [Excuse(at(9, 10), at(9, 15), "coaching")]
    t = at(6, 40)
    version = 0
    while t <= at(16, 30):
        if t in changes:
            tl.append((t, changes[t]))
            version += 1
        got = meter.totals(P1, tl, t, GRACE, excused, version)
        want = adherence_totals(P1, tl, t, GRACE, excused)
        assert got == pytest.approx(tuple(want)), t
        t += timedelta(seconds=10)


def test_a_logout_within_grace_before_the_shift_end_is_on_time() -> None:
    end_of_day = at(16, 30)
    on_time = adherence_totals(NO_BREAK, [(at(7, 0), AV), (at(15, 59, 30), OUT)], end_of_day, GRACE)
    assert on_time.ratio == 1.0
    early = adherence_totals(NO_BREAK, [(at(7, 0), AV), (at(15, 58), OUT)], end_of_day, GRACE)
    assert early.out_seconds == 120  # two minutes early is past the one-minute grace


def test_a_training_day_has_no_adherence() -> None:
    from rtm_tui.domain.types import RosterStatus

    training = shift(status=RosterStatus.TRAINING)
    assert adherence_totals(training, [(at(7, 0), OUT)], at(12, 0), GRACE) == AdherenceTotals(0, 0)
