"""Coverage per interval: time-weighted agents on shift vs the Erlang C need."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta

import pytest
from roster_helpers import TZ

from rtm_tui.domain.coverage import (
    IntervalForecast,
    coverage,
    coverage_now,
    need_for,
    staffed_in,
)
from rtm_tui.domain.erlang import agents_needed, scheduled_needed, traffic
from rtm_tui.domain.types import Break, RosterEntry, RosterStatus, StaffingRules

D = date(2026, 11, 25)
RULES = StaffingRules()


def at(hhmm: str, day: date = D) -> datetime:
    h, m = map(int, hhmm.split(":"))
    return datetime(day.year, day.month, day.day, h, m, tzinfo=TZ)


def shift(agent: str, start: str, end: str, *breaks: tuple[str, str], **kw) -> RosterEntry:
    s, e = at(start), at(end)
    if e <= s:
        e += timedelta(days=1)
    bs = []
    for b0, b1 in breaks:
        x0, x1 = at(b0), at(b1)
        if x0 < s:
            x0, x1 = x0 + timedelta(days=1), x1 + timedelta(days=1)
        bs.append(Break("ISTIRAHAT", x0, x1))
    return RosterEntry(
        kw.get("day", D),
        agent,
        agent,
        "T",
        kw.get("status", RosterStatus.SCHEDULED),
        None,
        s,
        e,
        tuple(bs),
    )


def erlang_c_by_factorials(a: float, n: int) -> float:
    """The kpi.md formula written out directly, as an independent check for small N."""
    top = a**n / math.factorial(n) * n / (n - a)
    return top / (sum(a**k / math.factorial(k) for k in range(n)) + top)


def test_need_matches_the_erlang_check_values() -> None:
    # 100 calls of 180 s in 30 minutes = 10 Erlangs -> 14 agents, 20 scheduled at 30 %
    need = need_for(100, 180, RULES)
    assert need.traffic == pytest.approx(10.0)
    assert (need.agents, need.scheduled) == (14, 20)
    assert need.agents == agents_needed(traffic(100, 180, 1800), 180, 20, 0.8)
    assert need.scheduled == scheduled_needed(14, 0.30)


def test_need_for_sixty_erlangs() -> None:
    # 600 calls of 180 s in 30 minutes = 60 Erlangs
    need = need_for(600, 180, RULES)
    assert need.traffic == pytest.approx(60.0)
    n = need.agents

    def sl(agents: int) -> float:
        return 1 - erlang_c_by_factorials(60.0, agents) * math.exp(-(agents - 60) * 20 / 180)

    assert sl(n) >= 0.8 > sl(n - 1)
    assert n == 66
    assert need.scheduled == math.ceil(66 / 0.7) == 95


def test_no_calls_need_nobody() -> None:
    assert need_for(0, 180, RULES).scheduled == 0
    assert need_for(0, 0, RULES).agents == 0


def test_staffed_is_time_weighted_and_breaks_count_once() -> None:
    entries = [
        shift("A", "07:00", "16:00"),  # whole interval
        shift("B", "07:15", "16:15"),  # half of 07:00-07:30
        shift("C", "07:00", "16:00", ("07:10", "07:20")),  # 10-minute break
        shift("D", "07:00", "16:00", ("07:00", "07:20"), ("07:10", "07:30")),  # overlapping
        shift("E", "08:00", "17:00"),  # not yet
        shift("F", "07:00", "16:00", status=RosterStatus.TRAINING),  # not on the phones
        RosterEntry(D, "G", "G", "T", RosterStatus.SICK),
    ]
    working, resting = staffed_in(entries, at("07:00"), at("07:30"))
    assert working == pytest.approx(1 + 0.5 + 0.67, abs=0.01)
    assert resting == pytest.approx(0.33 + 1, abs=0.01)


def test_yesterdays_night_shift_covers_the_morning() -> None:
    prev = D - timedelta(days=1)
    night = RosterEntry(
        prev,
        "N",
        "N",
        "T",
        RosterStatus.SCHEDULED,
        "M1",
        datetime(2026, 11, 24, 22, tzinfo=TZ),
        at("07:00"),
        (Break("ISTIRAHAT", at("02:00"), at("03:00")),),
    )
    forecast = [IntervalForecast(at(t), 100, 180) for t in ("01:00", "02:00", "06:30", "07:00")]
    cov = coverage([night], forecast, RULES)
    assert [c.scheduled for c in cov] == [1, 0, 1, 0]
    assert [c.on_break for c in cov] == [0, 1, 0, 0]
    assert all(c.needed == 20 and c.agents_needed == 14 for c in cov)
    assert [c.gap for c in cov] == [-19, -20, -19, -20]
    assert all(c.short for c in cov)


def test_coverage_gap_positive_when_enough() -> None:
    entries = [shift(f"A{i}", "07:00", "16:00") for i in range(22)]
    (c,) = coverage(entries, [IntervalForecast(at("09:00"), 100, 180)], RULES)
    assert (c.scheduled, c.needed, c.gap, c.short) == (22, 20, 2, False)


def test_coverage_now_compares_logged_in_with_erlang_n() -> None:
    forecast = [IntervalForecast(at("09:00"), 100, 180), IntervalForecast(at("09:30"), 600, 180)]
    now = coverage_now(at("09:40"), 60, forecast, RULES)
    assert now is not None
    assert (now.interval_start, now.needed, now.gap, now.scheduled_needed) == (
        at("09:30"),
        66,
        -6,
        95,
    )
    assert coverage_now(at("11:00"), 60, forecast, RULES) is None
