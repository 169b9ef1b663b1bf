"""What a Team Leader must catch: drawn once per day around an anchor time.

On the day the simulation starts the anchor is the start itself, so a demo shows late
logins, a no-show, an early logout, an AUX running past its limit, a login that is not
on the roster and a volume spike at once or within minutes. Later days get the same
kinds of trouble around a random time of the working day.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from rtm_tui.simulator.agenda import UNKNOWN_CODE
from rtm_tui.simulator.roster import VOICE, Profile, RosterLine

MIN = 60


@dataclass(slots=True)
class Incidents:
    late: dict[int, int] = field(default_factory=dict)  # idx -> login epoch
    no_show: set[int] = field(default_factory=set)
    early_out: dict[int, int] = field(default_factory=dict)  # idx -> logout epoch
    extra_aux: dict[int, list[tuple[int, str, int]]] = field(default_factory=dict)
    unrostered: dict[int, tuple[int, int]] = field(default_factory=dict)  # idx -> (in, out)
    # (from, to, offered load as a share of the staff's capacity)
    spikes: list[tuple[int, int, float]] = field(default_factory=list)

    def touched(self) -> set[int]:
        return (
            set(self.late)
            | self.no_show
            | set(self.early_out)
            | set(self.extra_aux)
            | set(self.unrostered)
        )


def draw_incidents(
    anchor: int,
    today: list[RosterLine],
    yesterday: list[RosterLine],
    profiles: list[Profile],
    rng: random.Random,
) -> Incidents:
    """`today`: the roster of the anchor's day; `yesterday`: for its night shift."""
    inc = Incidents()
    lines = [*yesterday, *today]
    voice = [
        ln
        for ln in lines
        if ln.status == "scheduled" and profiles[ln.idx].kind == VOICE and ln.start is not None
    ]
    used: set[int] = set()

    def pick(cands: list[RosterLine]) -> RosterLine | None:
        free = [ln for ln in cands if ln.idx not in used]
        if not free:
            return None
        ln = rng.choice(free)
        used.add(ln.idx)
        return ln

    def started(lo_min: int, hi_min: int, min_left: int = 60) -> list[RosterLine]:
        return [
            ln
            for ln in voice
            if anchor - hi_min * MIN <= ln.start <= anchor - lo_min * MIN  # type: ignore[operator]
            and ln.end > anchor + min_left * MIN  # type: ignore[operator]
        ]

    upcoming = [ln for ln in voice if anchor < ln.start <= anchor + 3 * 3600]  # type: ignore[operator]

    for _ in range(2):  # late logins, already visible when possible
        ln = pick(started(20, 180)) or pick(upcoming)
        if ln is not None and ln.start is not None:
            latest = max(12, min(40, (anchor - ln.start) // MIN - 3))
            inc.late[ln.idx] = ln.start + round(rng.uniform(12, latest) * MIN)
    ln = pick(started(35, 240)) or pick(upcoming)
    if ln is not None:
        inc.no_show.add(ln.idx)
    ln = pick(started(120, 600, min_left=90))
    if ln is not None:
        inc.early_out[ln.idx] = anchor - round(rng.uniform(10, 25) * MIN)
    elif (ln := pick([x for x in voice if x.end and x.end > anchor + 2 * 3600])) is not None:
        inc.early_out[ln.idx] = max(anchor + 30 * MIN, (ln.start or anchor) + 2 * 3600)

    def free_of_break(ln: RosterLine, t0: int, t1: int) -> bool:
        return all(b[2] < t0 - 10 * MIN or b[1] > t1 + 10 * MIN for b in ln.breaks)

    # a TOILET that runs 25 minutes, started 8 minutes before the anchor
    t0 = anchor - 8 * MIN
    ln = pick([x for x in started(45, 600, min_left=45) if free_of_break(x, t0, t0 + 25 * MIN)])
    if ln is not None:
        inc.extra_aux[ln.idx] = [(t0, "TOILET", 25 * MIN)]
    t1 = anchor - 4 * MIN
    ln = pick([x for x in started(45, 600, min_left=45) if free_of_break(x, t1, t1 + 18 * MIN)])
    if ln is not None:
        inc.extra_aux[ln.idx] = [(t1, UNKNOWN_CODE, 18 * MIN)]

    on_shift = {ln.idx for ln in started(-1, 24 * 60, min_left=-24 * 60)}
    off = [
        ln.idx
        for ln in today
        if ln.status == "off" and profiles[ln.idx].kind == VOICE and ln.idx not in on_shift
    ]
    if off:
        idx = rng.choice(off)
        inc.unrostered[idx] = (anchor - round(rng.uniform(40, 60) * MIN), anchor + 4 * 3600)

    # a burst of calls on the main queue that breaks the service level
    minute = anchor - anchor % MIN
    inc.spikes.append((minute - 12 * MIN, minute + 25 * MIN, 1.18))
    return inc
