"""H-1 roster validation: one day's roster against the staffing rules and the forecast.

Pure: rosters by date in, findings and per-interval coverage out. The previous day's
roster (when given) is used for rest time and for overnight shifts that still run into
the day checked.

Rules (StaffingRules):
- double_booked: an agent has more than one roster entry on the day.
- overlap: two of an agent's shifts overlap (including yesterday's overnight shift).
- short_shift / long_shift: shift length (start to end, breaks included) outside
  [min_shift_hours, max_shift_hours].
- short_rest: less than min_rest_hours between the end of one shift and the next.
- break_outside_shift: a break that does not lie wholly inside its shift.
- too_many_on_break: at some moment more agents are on break than `max_on_break_share`
  of the agents on shift then (at least one agent may always be on break, so a small
  night team is not flagged for one toilet break). Reported once per interval, at its
  worst moment. Moments, not whole intervals: two 10-minute breaks at 12:00 and 12:15
  are never "at once".
- understaffed intervals are in `coverage` (gap < 0), see `domain.coverage`.

Findings and notes are codes with parameters (`Finding.kind` + `params`, `Note`), never
sentences: the report renders them in the site's language through the catalog
(`check.finding.<kind>`, `check.note.<kind>`). A shift in the parameters is a `ShiftRef`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from rtm_tui.domain.coverage import IntervalCoverage, IntervalForecast, coverage, takes_contacts
from rtm_tui.domain.types import Roster, RosterEntry, StaffingRules

__all__ = [
    "Finding",
    "FindingKind",
    "Note",
    "NoteKind",
    "RosterCheckResult",
    "ShiftRef",
    "check_roster",
]


class FindingKind(StrEnum):
    NO_ROSTER = "no_roster"
    DOUBLE_BOOKED = "double_booked"
    OVERLAP = "overlap"
    SHORT_SHIFT = "short_shift"
    LONG_SHIFT = "long_shift"
    SHORT_REST = "short_rest"
    BREAK_OUTSIDE_SHIFT = "break_outside_shift"
    TOO_MANY_ON_BREAK = "too_many_on_break"


class NoteKind(StrEnum):
    NO_PREVIOUS_DAY = "no_previous_day"  # params: day (the day before, not in the roster)
    NO_FORECAST = "no_forecast"
    FORECAST_NOT_FOR_DAY = "forecast_not_for_day"  # params: day


@dataclass(frozen=True, slots=True)
class ShiftRef:
    """A shift as a finding names it: code, start-end, and its day when not the day checked."""

    code: str
    start: datetime
    end: datetime
    day: date


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem. `params` by kind (hours are floats, shifts `ShiftRef`s):
    no_roster: day, first, last (the days the roster has; None when it has none);
    double_booked: count, day, entries (ShiftRefs, or a status code str);
    overlap: shift, other; short_shift / long_shift: shift, hours, limit;
    short_rest: hours, before, after, limit; break_outside_shift: code, start, end, shift;
    too_many_on_break: on_break, on_shift, time, allowed, share (percent)."""

    kind: FindingKind
    agent_id: str | None  # None for findings about the whole roster
    name: str
    at: datetime | None
    params: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Note:
    kind: NoteKind
    params: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RosterCheckResult:
    day: date
    problems: tuple[Finding, ...]
    coverage: tuple[IntervalCoverage, ...]  # empty without a forecast
    notes: tuple[Note, ...] = ()
    agents: int = 0  # entries on the day
    working: int = 0  # of which with a shift

    @property
    def understaffed(self) -> tuple[IntervalCoverage, ...]:
        return tuple(c for c in self.coverage if c.short)

    @property
    def ok(self) -> bool:
        return not self.problems and not self.understaffed


def _ref(e: RosterEntry) -> ShiftRef:
    assert e.start is not None and e.end is not None
    return ShiftRef(e.shift_code or "", e.start, e.end, e.date)


def _hours(seconds: float) -> float:
    return seconds / 3600


def _timed(e: RosterEntry) -> bool:
    return e.start is not None and e.end is not None


@dataclass(slots=True)
class _Checker:
    day: date
    rules: StaffingRules
    problems: list[Finding] = field(default_factory=list)

    def add(
        self, kind: FindingKind, e: RosterEntry | None, at: datetime | None, **params: object
    ) -> None:
        who = (e.agent_id, e.name) if e else (None, "")
        self.problems.append(Finding(kind, who[0], who[1], at, params))

    def shift_lengths(self, e: RosterEntry) -> None:
        assert e.start is not None and e.end is not None
        length = e.end.timestamp() - e.start.timestamp()  # real seconds, DST-proof
        if length < self.rules.min_shift_hours * 3600:
            self.add(
                FindingKind.SHORT_SHIFT,
                e,
                e.start,
                shift=_ref(e),
                hours=_hours(length),
                limit=float(self.rules.min_shift_hours),
            )
        elif length > self.rules.max_shift_hours * 3600:
            self.add(
                FindingKind.LONG_SHIFT,
                e,
                e.start,
                shift=_ref(e),
                hours=_hours(length),
                limit=float(self.rules.max_shift_hours),
            )

    def breaks_inside(self, e: RosterEntry) -> None:
        assert e.start is not None and e.end is not None
        for b in e.breaks:
            if b.start < e.start or b.end > e.end:
                self.add(
                    FindingKind.BREAK_OUTSIDE_SHIFT,
                    e,
                    b.start,
                    code=b.code,
                    start=b.start,
                    end=b.end,
                    shift=_ref(e),
                )

    def sequence(self, shifts: Sequence[RosterEntry]) -> None:
        """Overlaps and rest between an agent's consecutive shifts ending on this day."""
        ordered = sorted(shifts, key=lambda e: (e.start, e.end))
        for i, later in enumerate(ordered):
            if later.date != self.day:
                continue
            assert later.start is not None
            for earlier in ordered[:i]:
                assert earlier.end is not None
                if earlier.end > later.start:
                    self.add(
                        FindingKind.OVERLAP,
                        later,
                        later.start,
                        shift=_ref(later),
                        other=_ref(earlier),
                    )
            if i == 0:
                continue
            before = ordered[i - 1]
            assert before.end is not None
            rest = later.start.timestamp() - before.end.timestamp()
            if 0 <= rest < self.rules.min_rest_hours * 3600:
                self.add(
                    FindingKind.SHORT_REST,
                    later,
                    later.start,
                    hours=_hours(rest),
                    before=_ref(before),
                    after=_ref(later),
                    limit=float(self.rules.min_rest_hours),
                )

    def break_share(self, today: Sequence[RosterEntry], yesterday: Sequence[RosterEntry]) -> None:
        mine = [e for e in today if takes_contacts(e)]
        if not mine:
            return
        window_start = min(e.start for e in mine if e.start is not None)
        window_end = max(e.end for e in mine if e.end is not None)
        people = [
            e
            for e in (*mine, *(e for e in yesterday if takes_contacts(e)))
            if e.start is not None
            and e.end is not None
            and e.start < window_end
            and e.end > window_start
        ]
        # the break spans of each agent, clipped to the shift
        breaks = {
            id(e): [
                (max(b.start, e.start), min(b.end, e.end))
                for b in e.breaks
                if e.start is not None and e.end is not None and b.start < e.end and b.end > e.start
            ]
            for e in people
        }
        moments = {window_start}
        for e in people:
            assert e.start is not None and e.end is not None
            moments.update((e.start, e.end))
            for s, t in breaks[id(e)]:
                moments.update((s, t))
        worst: dict[tuple[date, int], tuple[float, datetime, int, int, int]] = {}
        for t in sorted(m for m in moments if window_start <= m < window_end):
            on_shift = on_break = 0
            for e in people:
                assert e.start is not None and e.end is not None
                if e.start <= t < e.end:
                    on_shift += 1
                    if any(s <= t < u for s, u in breaks[id(e)]):
                        on_break += 1
            allowed = max(1, math.floor(self.rules.max_on_break_share * on_shift + 1e-9))
            if on_break > allowed:
                slot = (t.date(), (t.hour * 60 + t.minute) // self.rules.interval_minutes)
                share = on_break / on_shift
                if slot not in worst or share > worst[slot][0]:
                    worst[slot] = (share, t, on_break, on_shift, allowed)
        for _share, t, on_break, on_shift, allowed in sorted(worst.values(), key=lambda w: w[1]):
            self.add(
                FindingKind.TOO_MANY_ON_BREAK,
                None,
                t,
                on_break=on_break,
                on_shift=on_shift,
                time=t,
                allowed=allowed,
                share=self.rules.max_on_break_share * 100,
            )


def check_roster(
    day: date,
    rosters: Mapping[date, Roster],
    rules: StaffingRules,
    forecast: Sequence[IntervalForecast] | None = None,
) -> RosterCheckResult:
    """Check `day`'s roster; `rosters` may hold the previous day (for rest and overnight
    shifts) and other days (ignored). `forecast`: the day's intervals, or None."""
    c = _Checker(day, rules)
    notes: list[Note] = []
    roster = rosters.get(day)
    today = roster.entries if roster else ()
    if not today:
        have = sorted(d for d, r in rosters.items() if r.entries)
        first, last = (have[0], have[-1]) if have else (None, None)
        c.add(FindingKind.NO_ROSTER, None, None, day=day, first=first, last=last)
    prev_day = day - timedelta(days=1)
    yesterday = rosters[prev_day].entries if prev_day in rosters else ()
    if prev_day not in rosters and today:
        notes.append(Note(NoteKind.NO_PREVIOUS_DAY, {"day": prev_day}))

    by_agent: dict[str, list[RosterEntry]] = {}
    for e in today:
        by_agent.setdefault(e.agent_id, []).append(e)
    prev_by_agent: dict[str, list[RosterEntry]] = {}
    for e in yesterday:
        if _timed(e):
            prev_by_agent.setdefault(e.agent_id, []).append(e)

    for agent_id, entries in by_agent.items():
        if len(entries) > 1:
            c.add(
                FindingKind.DOUBLE_BOOKED,
                entries[0],
                min((e.start for e in entries if e.start), default=None),
                count=len(entries),
                day=day,
                entries=tuple(_ref(e) if _timed(e) else e.status.value for e in entries),
            )
        timed = [e for e in entries if _timed(e)]
        for e in timed:
            c.shift_lengths(e)
            c.breaks_inside(e)
        c.sequence([*prev_by_agent.get(agent_id, []), *timed])

    c.break_share(today, yesterday)

    cover: tuple[IntervalCoverage, ...] = ()
    if forecast is None:
        notes.append(Note(NoteKind.NO_FORECAST))
    else:
        mine = [f for f in forecast if f.start.date() == day]
        if not mine:
            notes.append(Note(NoteKind.FORECAST_NOT_FOR_DAY, {"day": day}))
        else:
            entries = [*yesterday, *today]
            cover = coverage(entries, mine, rules)

    problems = sorted(
        c.problems,
        key=lambda f: (f.at is not None, f.at or datetime.min, f.agent_id or "", f.kind),
    )
    return RosterCheckResult(
        day=day,
        problems=tuple(problems),
        coverage=cover,
        notes=tuple(notes),
        agents=len(by_agent),
        working=sum(1 for e in today if _timed(e)),
    )
