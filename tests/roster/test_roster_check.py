"""Each H-1 roster check rule, on rosters built in the test."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from roster_helpers import TZ

from rtm_tui.domain.coverage import IntervalForecast
from rtm_tui.domain.roster_check import Finding, FindingKind, Note, NoteKind, check_roster
from rtm_tui.domain.types import Break, Roster, RosterEntry, RosterStatus, StaffingRules
from rtm_tui.reports.roster_check import finding_text, note_text

D = date(2026, 11, 25)
Y = D - timedelta(days=1)
RULES = StaffingRules()


def at(day: date, hhmm: str) -> datetime:
    h, m = map(int, hhmm.split(":"))
    return datetime(day.year, day.month, day.day, h, m, tzinfo=TZ)


def entry(
    agent: str,
    start: str,
    end: str,
    *breaks: tuple[str, str],
    day: date = D,
    code: str | None = None,
) -> RosterEntry:
    s, e = at(day, start), at(day, end)
    if e <= s:
        e += timedelta(days=1)
    bs = []
    for b0, b1 in breaks:
        x0, x1 = at(day, b0), at(day, b1)
        if e.date() > s.date() and x0 < s:
            x0, x1 = x0 + timedelta(days=1), x1 + timedelta(days=1)
        bs.append(Break("ISTIRAHAT", x0, x1))
    return RosterEntry(
        day, agent, f"Name {agent}", "T", RosterStatus.SCHEDULED, code, s, e, tuple(bs)
    )


def off(agent: str, day: date = D) -> RosterEntry:
    return RosterEntry(day, agent, f"Name {agent}", "T", RosterStatus.OFF)


def rosters(*entries: RosterEntry) -> dict[date, Roster]:
    out: dict[date, list[RosterEntry]] = {Y: [], D: []}
    for e in entries:
        out.setdefault(e.date, []).append(e)
    return {d: Roster(d, tuple(es)) for d, es in out.items()}


def kinds(result) -> list[tuple[FindingKind, str | None]]:
    return [(f.kind, f.agent_id) for f in result.problems]


def text(f: Finding) -> str:
    """The finding as `rtm roster check` prints it (English: the default language)."""
    return finding_text(f, D)


def notes(result) -> list[str]:
    return [note_text(n) for n in result.notes]


def test_a_clean_roster_passes() -> None:
    result = check_roster(
        D,
        rosters(
            entry("A", "07:00", "16:00", ("11:00", "12:00")),
            entry("B", "07:00", "16:00", ("12:00", "13:00")),
            off("C"),
            entry("C", "14:00", "23:00", day=Y),
        ),
        RULES,
    )
    assert result.problems == ()
    assert result.ok
    assert (result.agents, result.working) == (3, 2)
    assert result.notes == (Note(NoteKind.NO_FORECAST),)
    assert notes(result) == ["no forecast given: staffing per interval was not checked"]


def test_double_booked() -> None:
    result = check_roster(D, rosters(entry("A", "07:00", "16:00"), off("A")), RULES)
    assert kinds(result) == [(FindingKind.DOUBLE_BOOKED, "A")]
    assert result.problems[0].params["count"] == 2
    assert "2 times" in text(result.problems[0])
    assert not result.ok


def test_overlap_with_own_shift_and_yesterdays_night_shift() -> None:
    result = check_roster(
        D,
        rosters(
            entry("A", "07:00", "16:00"),
            entry("A", "14:00", "22:00"),
            entry("B", "22:00", "07:00", day=Y, code="M1"),
            entry("B", "06:00", "14:00"),
        ),
        RULES,
    )
    found = kinds(result)
    assert (FindingKind.DOUBLE_BOOKED, "A") in found
    assert (FindingKind.OVERLAP, "A") in found
    assert (FindingKind.OVERLAP, "B") in found
    b = next(f for f in result.problems if f.agent_id == "B")
    assert b.at == at(D, "06:00")
    assert "M1 22:00-07:00 on 2026-11-24" in text(b)
    assert (FindingKind.SHORT_REST, "B") not in found  # an overlap is not also "short rest"


def test_shift_length_limits() -> None:
    result = check_roster(
        D,
        rosters(
            entry("S", "09:00", "12:00"),  # 3 h < 4 h
            entry("L", "07:00", "20:00"),  # 13 h > 12 h
            entry("N", "20:00", "09:00"),  # overnight 13 h
            entry("ok", "08:00", "12:00"),  # exactly 4 h
        ),
        RULES,
    )
    assert sorted(kinds(result)) == sorted(
        [
            (FindingKind.SHORT_SHIFT, "S"),
            (FindingKind.LONG_SHIFT, "L"),
            (FindingKind.LONG_SHIFT, "N"),
        ]
    )
    short = next(f for f in result.problems if f.agent_id == "S")
    assert (short.params["hours"], short.params["limit"]) == (3.0, 4.0)
    assert "3 h, shorter than the minimum 4 h" in text(short)


def test_rest_between_yesterday_and_today() -> None:
    result = check_roster(
        D,
        rosters(
            entry("A", "14:00", "23:00", day=Y),
            entry("A", "06:00", "15:00"),  # 7 h rest
            entry("B", "14:00", "23:00", day=Y),
            entry("B", "07:00", "16:00"),  # exactly 8 h: fine
        ),
        RULES,
    )
    assert kinds(result) == [(FindingKind.SHORT_REST, "A")]
    assert "only 7 h rest" in text(result.problems[0])


def test_break_outside_shift() -> None:
    result = check_roster(
        D,
        rosters(
            entry("A", "07:00", "16:00", ("15:30", "16:30")),
            entry("B", "22:00", "07:00", ("02:00", "03:00")),  # overnight, inside
        ),
        RULES,
    )
    assert kinds(result) == [(FindingKind.BREAK_OUTSIDE_SHIFT, "A")]
    assert result.problems[0].at == at(D, "15:30")


def test_too_many_on_break_at_once() -> None:
    # 8 on shift: 25 % = 2 may be on break at once
    team = [entry(f"A{i}", "07:00", "16:00") for i in range(5)]
    team += [entry("B1", "07:00", "16:00", ("12:00", "13:00"))]
    team += [entry("B2", "07:00", "16:00", ("12:00", "13:00"))]
    team += [entry("B3", "07:00", "16:00", ("12:30", "13:30"))]
    result = check_roster(D, rosters(*team), RULES)
    assert kinds(result) == [(FindingKind.TOO_MANY_ON_BREAK, None)]
    f = result.problems[0]
    assert f.at == at(D, "12:30")
    assert "3 of 8 agents on break at 12:30" in text(f)

    # short breaks in the same interval but not at the same moment are fine
    team = [entry(f"A{i}", "07:00", "16:00") for i in range(5)]
    team += [
        entry(f"T{i}", "07:00", "16:00", (f"12:{m}", f"12:{m + 9}"))
        for i, m in enumerate((0, 10, 20))
    ]
    assert check_roster(D, rosters(*team), RULES).problems == ()


def test_one_agent_may_always_take_a_break() -> None:
    # a night team of two: one on break is 50 %, but someone must be able to rest
    team = [entry("N1", "22:00", "07:00", ("02:00", "03:00")), entry("N2", "22:00", "07:00")]
    assert check_roster(D, rosters(*team), RULES).problems == ()
    team = [
        entry("N1", "22:00", "07:00", ("02:00", "03:00")),
        entry("N2", "22:00", "07:00", ("02:30", "03:30")),
    ]
    result = check_roster(D, rosters(*team), RULES)
    assert kinds(result) == [(FindingKind.TOO_MANY_ON_BREAK, None)]
    assert result.problems[0].at == datetime(2026, 11, 26, 2, 30, tzinfo=TZ)


def test_no_roster_for_the_day() -> None:
    result = check_roster(date(2026, 12, 1), rosters(entry("A", "07:00", "16:00")), RULES)
    assert kinds(result) == [(FindingKind.NO_ROSTER, None)]
    assert "2026-11-25" in text(result.problems[0])


def test_missing_previous_day_is_noted() -> None:
    r = {D: Roster(D, (entry("A", "07:00", "16:00"),))}
    result = check_roster(D, r, RULES)
    assert result.ok
    assert any("2026-11-24 is not in the roster" in n for n in notes(result))


def test_understaffed_intervals_from_the_forecast() -> None:
    team = [entry(f"A{i}", "07:00", "16:00") for i in range(20)]
    forecast = [
        IntervalForecast(at(D, "07:00"), 100, 180),  # 20 needed, 20 scheduled
        IntervalForecast(at(D, "07:30"), 120, 180),  # more calls: short
        IntervalForecast(at(D, "16:00"), 10, 180),  # everyone gone
        IntervalForecast(at(Y, "16:00"), 10, 180),  # another day: ignored
    ]
    result = check_roster(D, rosters(*team), RULES, forecast)
    assert result.problems == ()
    assert [c.start for c in result.coverage] == [at(D, "07:00"), at(D, "07:30"), at(D, "16:00")]
    assert [(c.scheduled, c.needed) for c in result.coverage][0] == (20, 20)
    assert [c.start for c in result.understaffed] == [at(D, "07:30"), at(D, "16:00")]
    assert result.coverage[2].gap == -5
    assert not result.ok
    assert notes(check_roster(D, rosters(*team), RULES, [])) == [
        "the forecast has no intervals for 2026-11-25: staffing was not checked",
    ]
