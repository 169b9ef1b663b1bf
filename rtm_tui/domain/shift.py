"""Whose shift it is: the TL windows, and which roster entries are a TL's people.

A TL shift (pagi, siang, or the site's own names) is a window of local time, e.g.
07:00-15:00; an end at or before the start is the next day. The site's windows come
from the config as {name: (start, end)}.

The TL's people (decision, see docs/DECISIONS.md): a working roster entry belongs to the
TL window it overlaps most; a tie goes to the earlier window; an entry that overlaps no
window belongs to none (it is still shown and judged, but counted on no TL's card).
With pagi 07-15 and siang 15-23: P1 07-16 is pagi's, S1 13-22 and M1 22-07 are siang's.
Until the handover, a shift that has begun inside a window also counts on that window's
card: at 14:10 the pagi TL counts (and chases) the S1 agents due at 13:00; at 07:20 the
S1 shift has not begun and is nobody's "not yet in" on the pagi card.
Entries without times (off, leave, sick) belong to every window of their roster date.

Absent alerts follow the deadline, not the owner: an agent not in by start + no-show is
raised by the app when that deadline falls in the latest TL window that has begun (the
TL on duty can still phone them). A deadline before that window opened was the previous
TL's: a night shift that ended at 07:00 never turns "absent" on the morning screen.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from .types import RosterEntry

TlShifts = Mapping[str, tuple[time, time]]


@dataclass(frozen=True, slots=True)
class TlWindow:
    """One TL shift on one day: [start, end)."""

    name: str
    day: date
    start: datetime
    end: datetime

    def overlap(self, start: datetime, end: datetime) -> timedelta:
        return max(timedelta(0), min(self.end, end) - max(self.start, start))


def window_on(name: str, day: date, start: time, end: time, tz: tzinfo) -> TlWindow:
    t0 = datetime.combine(day, start, tzinfo=tz)
    t1 = datetime.combine(day, end, tzinfo=tz)
    if t1 <= t0:
        t1 = datetime.combine(day + timedelta(days=1), end, tzinfo=tz)
    return TlWindow(name, day, t0, t1)


def windows_around(shifts: TlShifts, day: date, tz: tzinfo) -> list[TlWindow]:
    """Every window of the day before, the day and the day after, in time order."""
    out = [
        window_on(name, d, s, e, tz)
        for d in (day - timedelta(days=1), day, day + timedelta(days=1))
        for name, (s, e) in shifts.items()
    ]
    return sorted(out, key=lambda w: (w.start, w.name))


def window_at(shifts: TlShifts, now: datetime, tz: tzinfo) -> TlWindow | None:
    """The TL window running at `now`, None between windows."""
    local = now.astimezone(tz)
    for w in windows_around(shifts, local.date(), tz):
        if w.start <= now < w.end:
            return w
    return None


def latest_begun(shifts: TlShifts, now: datetime, tz: tzinfo) -> TlWindow | None:
    """The window running at `now`, else the last one that has ended (between windows)."""
    begun = [w for w in windows_around(shifts, now.astimezone(tz).date(), tz) if w.start <= now]
    return begun[-1] if begun else None


def owner(entry: RosterEntry, shifts: TlShifts, tz: tzinfo) -> TlWindow | None:
    """The TL window whose people the entry is (see the module docstring)."""
    if entry.start is None or entry.end is None:
        return None
    best: TlWindow | None = None
    best_overlap = timedelta(0)
    for w in windows_around(shifts, entry.date, tz):
        o = w.overlap(entry.start, entry.end)
        if o > best_overlap:  # strictly: the earlier window keeps a tie
            best, best_overlap = w, o
    return best


def is_tl_person(
    entry: RosterEntry | None,
    window: TlWindow,
    shifts: TlShifts,
    tz: tzinfo,
    now: datetime | None = None,
) -> bool:
    """Does `entry` count on the card of `window`'s TL at `now`? The window's own people,
    and, until the handover, a shift that has begun inside the window (the S1 agent due
    at 13:00 is the pagi TL's to chase at 14:10, though S1 is siang's to count)."""
    if entry is None:
        return False
    timed = entry.start is not None and entry.end is not None
    return on_card(entry, window, owner(entry, shifts, tz) if timed else None, now)


def on_card(
    entry: RosterEntry, window: TlWindow, entry_owner: TlWindow | None, now: datetime | None
) -> bool:
    """`is_tl_person` with the entry's owner already known (a caller judging thousands
    of rows every poll keeps the owners: they change only with the roster)."""
    if entry.start is None or entry.end is None:
        return entry.date == window.day  # off / leave / sick that day
    if entry_owner is not None and (entry_owner.name, entry_owner.day) == (window.name, window.day):
        return True
    until = window.end if now is None else min(now, window.end)
    return window.start <= entry.start < until  # begun on this TL's watch
