"""Schedule adherence, time-based, for the shift so far (kpi.md).

In adherence: scheduled to work and available / on_contact / acw; or on a scheduled
break and in AUX or logged out. Out of adherence otherwise. Only scheduled time so far
counts ([start, min(now, end))); time outside the shift counts in neither, and so does
time before the first observed state (we do not know what the agent did).

Grace: when a state change lies within `adherence_grace` (inclusive) of a roster change
(shift start, break start, break end, shift end), the out-of-adherence time between the two
is not counted against the agent: it counts as in adherence. Excused periods likewise.
A logout 30 s before the shift's end is on time, not 96.7 %.

Training days have no adherence: the agent is in a classroom, not expected on the queue
(kpi.md: "not expected to log in").
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from .types import WORKING_STATES, AgentState, RosterEntry, RosterStatus

BREAK_OK_STATES = frozenset({AgentState.AUX, AgentState.LOGGED_OUT})

# a timeline: (since, state, ...) tuples sorted by since; extra fields are ignored
Timeline = Sequence[tuple[datetime, AgentState, *tuple[object, ...]]]


@dataclass(frozen=True, slots=True)
class Excuse:
    """A period a TL excused; it counts as in adherence. The reason is kept."""

    start: datetime
    end: datetime
    reason: str


class AdherenceTotals(NamedTuple):
    in_seconds: float = 0.0
    out_seconds: float = 0.0

    @property
    def ratio(self) -> float | None:
        """0..1, None when nothing scheduled has been observed yet."""
        return adherence_ratio(self.in_seconds, self.out_seconds)

    def __add__(self, other: object) -> AdherenceTotals:
        assert isinstance(other, AdherenceTotals)
        return AdherenceTotals(
            self.in_seconds + other.in_seconds, self.out_seconds + other.out_seconds
        )


def adherence_ratio(in_seconds: float, out_seconds: float) -> float | None:
    total = in_seconds + out_seconds
    return in_seconds / total if total > 0 else None


# Adherence is shown for an agent only once this much scheduled time has been observed:
# "0.0 %" after 20 seconds says nothing (issue 12).
MIN_OBSERVED = timedelta(minutes=5)
_MIN_OBSERVED_SECONDS = MIN_OBSERVED.total_seconds()


def shown_adherence(in_seconds: float, out_seconds: float) -> float | None:
    """An agent's adherence as shown: 0..1 rounded to the 0.1 % displayed, None until
    MIN_OBSERVED of scheduled time has been observed."""
    total = in_seconds + out_seconds
    if total < _MIN_OBSERVED_SECONDS or total <= 0:
        return None
    return round(in_seconds / total, 3)


def observed_since(entry: RosterEntry | None, timeline: Timeline) -> datetime | None:
    """Where an agent's adherence starts counting: the shift's start, or the first
    observed state when the app saw the agent first later (e.g. started mid-shift)."""
    if entry is None or entry.start is None or not timeline:
        return None
    return max(entry.start, timeline[0][0])


def team_adherence(totals: Iterable[AdherenceTotals]) -> float | None:
    """Time-weighted over agents (never the mean of percentages)."""
    t = AdherenceTotals()
    for x in totals:
        t = t + x
    return t.ratio


def _since(seg: tuple[datetime, AgentState, *tuple[object, ...]]) -> datetime:
    return seg[0]


def adherence_totals(
    entry: RosterEntry | None,
    timeline: Timeline,
    now: datetime,
    grace: timedelta,
    excused: Iterable[Excuse] = (),
    since: datetime | None = None,
) -> AdherenceTotals:
    """In / out of adherence seconds over [max(start, since), min(now, end)).

    `since` lets a caller add a tail to totals it already has: the result up to x plus
    the result with since=x equals the result over the whole range.
    """
    return _measure(entry, timeline, now, grace, tuple(excused), since)[0]


class AdherenceMeter:
    """One agent's adherence, cheap to ask again and again as `now` moves on.

    A full sweep happens only when the inputs change (`version`) or `now` crosses the
    next point where the agent's in/out category could change; in between, the elapsed
    time is added to the category in force.
    """

    __slots__ = ("_entry", "_version", "_at", "_totals", "_in_now", "_next")

    def __init__(self) -> None:
        self._entry: RosterEntry | None = None
        self._version: object = None
        self._at: datetime | None = None
        self._totals: tuple[float, float] = (0.0, 0.0)
        self._in_now: bool | None = None
        self._next: datetime | None = None

    def totals(
        self,
        entry: RosterEntry | None,
        timeline: Timeline,
        now: datetime,
        grace: timedelta,
        excused: Sequence[Excuse],
        version: object,
    ) -> tuple[float, float]:
        """(in, out) seconds so far."""
        at = self._at
        # identity, not equality: cheap, and the meter keeps the entry alive
        if entry is self._entry and version == self._version and at is not None and at <= now:
            nxt = self._next
            if nxt is None or now <= nxt:
                in_now = self._in_now
                if in_now is not None and now > at:
                    d = (now - at).total_seconds()
                    i, o = self._totals
                    self._totals = (i + d, o) if in_now else (i, o + d)
                self._at = now
                return self._totals
        totals, in_now, nxt = _measure(entry, timeline, now, grace, tuple(excused), None)
        self._entry, self._version = entry, version
        self._at, self._totals, self._in_now, self._next = now, (totals[0], totals[1]), in_now, nxt
        return totals


def _measure(
    entry: RosterEntry | None,
    timeline: Timeline,
    now: datetime,
    grace: timedelta,
    excused: tuple[Excuse, ...],
    since: datetime | None,
) -> tuple[AdherenceTotals, bool | None, datetime | None]:
    """Totals over the range, the category at its end (None: nothing accrues), and the
    next instant after it where the category may change (None: never)."""
    if (
        entry is None
        or not entry.works
        or entry.status is RosterStatus.TRAINING
        or entry.start is None
        or entry.end is None
    ):
        return AdherenceTotals(), None, None
    start, end = entry.start, entry.end
    lo = start if since is None else max(start, since)
    hi = min(now, end)
    if not timeline or now >= end:
        nxt = None
    else:
        nxt = start if now < start else None  # filled in below
    if hi <= lo or not timeline:
        return AdherenceTotals(), None, nxt

    breaks = sorted(
        (max(b.start, start), min(b.end, end))
        for b in entry.breaks
        if b.end > b.start and b.end > start and b.start < end
    )
    changes = [start]
    for b_start, b_end in breaks:
        changes.append(b_start)
        if b_end < end:
            changes.append(b_end)
    changes.append(end)

    forgiven_all: list[tuple[datetime, datetime]] = []
    for c in changes:
        i = bisect_left(timeline, c - grace, key=_since)
        while i < len(timeline) and timeline[i][0] <= c + grace:
            s = timeline[i][0]
            if s != c:
                forgiven_all.append((min(s, c), max(s, c)))
            i += 1
    forgiven_all.extend((e.start, e.end) for e in excused if e.end > e.start)
    forgiven = [(max(a, lo), min(b, hi)) for a, b in forgiven_all if b > lo and a < hi]

    first = bisect_right(timeline, lo, key=_since)
    last = bisect_left(timeline, hi, key=_since)
    points = {lo, hi}
    points.update(seg[0] for seg in timeline[first:last])
    for a, b in breaks:
        if lo < a < hi:
            points.add(a)
        if lo < b < hi:
            points.add(b)
    for a, b in forgiven:
        points.add(a)
        points.add(b)
    pts = sorted(points)

    def category(t: datetime, seg_i: int) -> bool | None:
        if seg_i < 0:
            return None  # not observed yet: counts in neither
        state = timeline[seg_i][1]
        on_break = any(bs <= t < be for bs, be in breaks)
        ok = state in BREAK_OK_STATES if on_break else state in WORKING_STATES
        return ok or any(fa <= t < fb for fa, fb in forgiven_all)

    seg_i = first - 1  # the segment in force at lo (-1: before the first observation)
    in_s = out_s = 0.0
    for a, b in zip(pts, pts[1:], strict=False):
        while seg_i + 1 < len(timeline) and timeline[seg_i + 1][0] <= a:
            seg_i += 1
        ok = category(a, seg_i)
        if ok is None:
            continue
        secs = (b - a).total_seconds()
        if ok:
            in_s += secs
        else:
            out_s += secs
    totals = AdherenceTotals(in_s, out_s)
    if hi >= end:
        return totals, None, None
    # what accrues from hi on, and until when
    while seg_i + 1 < len(timeline) and timeline[seg_i + 1][0] <= hi:
        seg_i += 1
    later = [t for t in (end, *(x for br in breaks for x in br)) if t > hi]
    later.extend(x for fw in forgiven_all for x in fw if x > hi)
    if seg_i + 1 < len(timeline):
        later.append(timeline[seg_i + 1][0])
    return totals, category(hi, seg_i), min(later)
