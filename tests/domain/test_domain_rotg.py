"""ROTG: AUX limits per occurrence, per shift, per count, in total; breaks; timers."""

from __future__ import annotations

from datetime import timedelta

from domain_helpers import DAY, at, shift

from rtm_tui.domain.rotg import (
    NO_CODE,
    each_violation,
    in_scheduled_break,
    shift_violations,
    timer_status,
)
from rtm_tui.domain.types import AuxRule, RotgRules, Status

RULES = RotgRules(
    rules={
        "TOILET": AuxRule("TOILET", max_minutes_each=10),
        "ISTIRAHAT": AuxRule("ISTIRAHAT", max_minutes_shift=60, max_count_shift=1),
        "SHOLAT": AuxRule("SHOLAT", max_minutes_each=15, warn_ratio=0.5),
    },
    default=AuxRule("default", max_minutes_each=5, max_minutes_shift=30, max_count_shift=3),
    max_aux_minutes_shift=90,
)
P1 = shift()  # ISTIRAHAT 11:30-12:30


def test_timer_amber_at_warn_ratio_red_past_limit() -> None:
    assert timer_status(479, 600, 0.8) is Status.OK
    assert timer_status(480, 600, 0.8) is Status.WARNING
    assert timer_status(600, 600, 0.8) is Status.WARNING  # exactly at the limit
    assert timer_status(600.5, 600, 0.8) is Status.BREACH
    assert timer_status(10_000, None, 0.8) is Status.OK


def test_each_limit_exactly_at_and_past() -> None:
    start = at(8, 11, 40)
    assert each_violation("A0012", "TOILET", start, start + timedelta(minutes=10), RULES) is None
    v = each_violation("A0012", "TOILET", start, start + timedelta(minutes=10, seconds=1), RULES)
    assert v is not None
    assert v.key == "rotg:A0012:TOILET:each:2026-11-24T08:11:40+07:00"
    assert (v.limit_kind, v.value, v.limit) == ("each", 601.0, 600.0)
    assert "TOILET" in v.describe() and "10:01" in v.describe()


def test_unknown_code_uses_the_default_rule() -> None:
    start = at(9)
    v = each_violation("A1", "MEETING", start, start + timedelta(minutes=5, seconds=1), RULES)
    assert v is not None and v.code == "MEETING" and v.limit == 300
    assert each_violation("A1", "MEETING", start, start + timedelta(minutes=5), RULES) is None
    v = each_violation("A1", None, start, start + timedelta(minutes=6), RULES)
    assert v is not None and v.code == NO_CODE
    out = shift_violations("A1", DAY, {"MEETING": 1801}, {"MEETING": 4}, RULES)
    assert {x.limit_kind for x in out} == {"shift", "count"}


def test_code_without_each_limit_never_breaks_it() -> None:
    start = at(11, 30)
    assert each_violation("A1", "ISTIRAHAT", start, start + timedelta(hours=3), RULES) is None


def test_shift_minutes_count_and_total_boundaries() -> None:
    ok = shift_violations(
        "A1", DAY, {"ISTIRAHAT": 3600, "TOILET": 1800, "SHOLAT": 0}, {"ISTIRAHAT": 1}, RULES
    )
    assert ok == []  # 60 min exactly, 1 time exactly, total 90 min exactly
    out = shift_violations("A1", DAY, {"ISTIRAHAT": 3601, "TOILET": 1800}, {"ISTIRAHAT": 2}, RULES)
    keys = sorted(v.key for v in out)
    assert keys == [
        "rotg:A1:*:total:2026-11-24",
        "rotg:A1:ISTIRAHAT:count:2026-11-24",
        "rotg:A1:ISTIRAHAT:shift:2026-11-24",
    ]
    total = next(v for v in out if v.limit_kind == "total")
    assert total.value == 5401 and total.limit == 5400
    assert "AUX" in total.describe()


def test_scheduled_break_inside_window_is_not_judged() -> None:
    assert in_scheduled_break("ISTIRAHAT", P1.breaks, at(11, 30))
    assert in_scheduled_break("ISTIRAHAT", P1.breaks, at(12, 29, 59))
    assert not in_scheduled_break("ISTIRAHAT", P1.breaks, at(12, 30))  # window is [start, end)
    assert not in_scheduled_break("TOILET", P1.breaks, at(12))  # only the break's own code
    assert not in_scheduled_break(None, P1.breaks, at(12))
    # 2 occurrences and 61 minutes of ISTIRAHAT while inside the window: deferred
    secs = {"ISTIRAHAT": 3660}
    assert shift_violations("A1", DAY, secs, {"ISTIRAHAT": 2}, RULES, "ISTIRAHAT") == []
    after = shift_violations("A1", DAY, secs, {"ISTIRAHAT": 2}, RULES)
    assert {v.limit_kind for v in after} == {"shift", "count"}


def test_scheduled_break_each_limit_inside_and_outside_window() -> None:
    rules = RotgRules(
        rules={"ISTIRAHAT": AuxRule("ISTIRAHAT", max_minutes_each=30)},
        default=AuxRule("default"),
    )
    start = at(11, 30)
    # running, now inside the window: not judged although over 30 min
    assert (
        each_violation("A1", "ISTIRAHAT", start, at(12, 10), rules, P1.breaks, running=True) is None
    )
    # running past the window end: judged
    v = each_violation("A1", "ISTIRAHAT", start, at(12, 30), rules, P1.breaks, running=True)
    assert v is not None and v.value == 3600
    # closed exactly at the window end: fine; closed after it: a violation
    assert each_violation("A1", "ISTIRAHAT", start, at(12, 30), rules, P1.breaks) is None
    assert each_violation("A1", "ISTIRAHAT", start, at(12, 31), rules, P1.breaks) is not None
    # the same occurrence outside any scheduled window (no breaks): judged
    assert each_violation("A1", "ISTIRAHAT", start, at(12, 10), rules) is not None
