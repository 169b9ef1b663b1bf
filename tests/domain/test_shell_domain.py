"""Issue 12 in the domain: the attendance card's lists, the reasons of an exception,
adherence only after a minimum observed time, and where it counts from."""

from __future__ import annotations

from datetime import timedelta

from domain_helpers import DAY, agent, at, shift, snapshot

from rtm_tui.domain.adherence import MIN_OBSERVED, observed_since, shown_adherence
from rtm_tui.domain.attendance import ATTENDANCE_LISTS, attendance_counts, attendance_lists
from rtm_tui.domain.monitor import ShiftMonitor
from rtm_tui.domain.types import (
    AgentState,
    AttendanceRules,
    AuxRule,
    KpiOptions,
    LoginStatus,
    Roster,
    RotgRules,
)

ROTG = RotgRules(rules={}, default=AuxRule("default", max_minutes_each=5), max_aux_minutes_shift=90)
ROSTER = Roster(
    DAY,
    (
        shift("A1"),  # on time
        shift("A2"),  # late, then out early
        shift("A3"),  # absent
        shift("A4", start=(8, 0), end=(17, 0)),  # not yet in at 07:40
    ),
)


def monitor() -> ShiftMonitor:
    return ShiftMonitor({}, KpiOptions(), ROTG, AttendanceRules())


def test_the_lists_are_the_cards_numbers_spelled_out() -> None:
    m = monitor()
    m.apply(at(6, 55), snapshot(at(6, 55), agent("A1", since=at(6, 55))), roster=ROSTER)
    m.apply(at(7, 20), snapshot(at(7, 20), agent("A1", since=at(6, 55)),
                                agent("A2", since=at(7, 18)), agent("A9", since=at(7, 19))))  # fmt: skip
    v = m.apply(at(7, 40), snapshot(at(7, 40), agent("A1", since=at(6, 55)),
                                    agent("A2", "logged_out", at(7, 35)),
                                    agent("A9", since=at(7, 19))))  # fmt: skip
    lists = attendance_lists(v.rows)
    assert tuple(lists) == ATTENDANCE_LISTS
    ids = {kind: [r.agent_id for r in rows] for kind, rows in lists.items()}
    assert ids == {"absent": ["A3"], "late": ["A2"], "early_out": ["A2"], "not_rostered": ["A9"]}
    counts = attendance_counts(v.rows)
    assert (counts.absent, counts.late, counts.early_out, counts.not_rostered) == tuple(
        len(lists[k]) for k in ATTENDANCE_LISTS
    )
    # the reasons of each exception, worst first
    reasons = {r.agent_id: r.reasons for r in v.rows}
    assert reasons == {
        "A1": (),
        "A2": ("late", "early_out"),
        "A3": ("absent",),
        "A4": (),
        "A9": ("not_rostered",),
    }
    # the view names the card's people (no TL windows: everyone)
    assert v.card_ids is None


def test_latest_first_within_a_list() -> None:
    m = monitor()
    roster = Roster(DAY, (shift("B1"), shift("B2"), shift("B3")))
    m.apply(at(6, 50), snapshot(at(6, 50)), roster=roster)
    v = m.apply(at(7, 30), snapshot(at(7, 30), agent("B1", since=at(7, 10)),
                                    agent("B2", since=at(7, 25)), agent("B3", since=at(7, 20))))  # fmt: skip
    assert [r.agent_id for r in attendance_lists(v.rows)["late"]] == ["B2", "B3", "B1"]


def test_adherence_waits_for_five_minutes_observed() -> None:
    assert MIN_OBSERVED == timedelta(minutes=5)
    assert shown_adherence(0.0, 20.0) is None  # "0.0 %" after 20 s says nothing
    assert shown_adherence(200.0, 99.0) is None
    assert shown_adherence(240.0, 60.0) == 0.8
    assert shown_adherence(0.0, 0.0) is None

    m = monitor()
    m.apply(at(7, 20), snapshot(at(7, 20), agent("A1", "aux", at(7, 20), code="X")), roster=ROSTER)
    v = m.apply(at(7, 24, 59), snapshot(at(7, 24, 59), agent("A1", "aux", at(7, 20), code="X")))
    a1 = next(r for r in v.rows if r.agent_id == "A1")
    assert a1.adherence is None
    v = m.apply(at(7, 25), snapshot(at(7, 25), agent("A1", "aux", at(7, 20), code="X")))
    a1 = next(r for r in v.rows if r.agent_id == "A1")
    assert a1.adherence == 0.0
    # first seen at 07:20 on a 07:00 shift: counted from 07:20
    assert a1.adherence_since == at(7, 20)


def test_observed_since_is_the_shift_start_when_seen_before_it() -> None:
    entry = shift("A1")
    assert observed_since(entry, [(at(6, 40), AgentState.AVAILABLE)]) == at(7)
    assert observed_since(entry, [(at(9, 5), AgentState.AVAILABLE)]) == at(9, 5)
    assert observed_since(entry, []) is None
    assert observed_since(None, [(at(9), AgentState.AVAILABLE)]) is None
    assert LoginStatus.LATE.value == "late"
