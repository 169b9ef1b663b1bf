"""What each agent will do in a shift: login, logout and the AUX they will ask for.

A plan is drawn once per (seed, day, agent) from its own random stream, so it does not
depend on how the simulation is stepped or on what other agents do.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from rtm_tui.simulator.roster import CHAT, EMAIL, RosterLine

MIN = 60

# Approximate prayer times in Jakarta (minutes after midnight): Subuh, Dzuhur, Ashar,
# Maghrib, Isya. Agents on shift pray after the adhan, not all of them, not at once.
PRAYERS = (4 * 60 + 35, 11 * 60 + 55, 15 * 60 + 15, 17 * 60 + 55, 19 * 60 + 5)
UNKNOWN_CODE = "MEETING"  # a code the site's config does not know


@dataclass(slots=True)
class SessionPlan:
    """One login session: `agenda` holds (epoch, aux code, seconds), sorted."""

    idx: int
    login: int
    logout: int
    agenda: list[tuple[int, str, int]] = field(default_factory=list)


def _lognormal(rng: random.Random, mean: float, sigma: float) -> float:
    return mean * math.exp(sigma * rng.gauss(0.0, 1.0) - sigma * sigma / 2)


def plan_session(line: RosterLine, kind: str, day_midnight: int, rng: random.Random) -> SessionPlan:
    """The ordinary day of a rostered agent (incidents are applied on top)."""
    assert line.start is not None and line.end is not None
    login = line.start + round(rng.uniform(-10, 2) * MIN)
    if rng.random() < 0.02:  # an ordinary, unplanned bit of lateness
        login = line.start + round(rng.uniform(6, 15) * MIN)
    logout = line.end + round(rng.uniform(-2, 8) * MIN)
    plan = SessionPlan(line.idx, login, logout)
    add = plan.agenda.append
    brk = line.breaks[0] if line.breaks else None

    def in_break(t: int, margin: int = 20 * MIN) -> bool:
        return brk is not None and brk[1] - margin <= t <= brk[2] + margin

    if line.shift_code != "M1" and rng.random() < 0.3:
        add((login + rng.randint(0, 120), "BRIEFING", round(rng.uniform(5, 12) * MIN)))
    if brk is not None:
        dur = rng.uniform(55, 61) if rng.random() > 0.08 else rng.uniform(63, 70)
        add((brk[1] + round(rng.uniform(-3, 4) * MIN), "ISTIRAHAT", round(dur * MIN)))
    lo, hi = login + 30 * MIN, logout - 30 * MIN
    if hi > lo:
        for _ in range(rng.choice((0, 1, 1, 2, 2, 3))):
            t = rng.randint(lo, hi)
            if not in_break(t):
                dur = rng.uniform(2.5, 8) if rng.random() > 0.05 else rng.uniform(10.5, 13)
                add((t, "TOILET", round(dur * MIN)))
        for p in PRAYERS:
            for t0 in (day_midnight + p * MIN, day_midnight + (p + 24 * 60) * MIN):
                if lo <= t0 <= hi and not in_break(t0, 40 * MIN) and rng.random() < 0.55:
                    dur = rng.uniform(7, 14) if rng.random() > 0.05 else rng.uniform(15.5, 19)
                    add((t0 + round(rng.uniform(0, 45) * MIN), "SHOLAT", round(dur * MIN)))
        if rng.random() < 0.06:
            add((rng.randint(lo, hi), "COACHING", round(rng.uniform(15, 30) * MIN)))
        if rng.random() < 0.07:
            add((rng.randint(lo, hi), "SYSTEM", round(rng.uniform(2, 9) * MIN)))
        if rng.random() < 0.015:
            add((rng.randint(lo, hi), UNKNOWN_CODE, round(rng.uniform(10, 20) * MIN)))
    plan.agenda.sort()
    return plan


# ------------------------------------------------------------------ handle times


def voice_handle(rng: random.Random) -> tuple[int, int, int]:
    """(talk, hold, acw) seconds of one call; mean handle about 280 s."""
    talk = max(15, round(_lognormal(rng, 215, 0.55)))
    hold = round(_lognormal(rng, 70, 0.6)) if rng.random() < 0.3 else 0
    acw = max(5, round(_lognormal(rng, 42, 0.5)))
    return talk, hold, acw


def patience(rng: random.Random) -> int:
    """How long a caller waits in the queue before hanging up."""
    return max(6, round(_lognormal(rng, 110, 0.9)))


NV_HANDLE_MEAN = {"chat": 420, "whatsapp": 480, "email": 480}


def nonvoice_handle(channel: str, rng: random.Random) -> tuple[int, int, int]:
    """(first response delay after pick-up, handle, acw) seconds."""
    handle = max(30, round(_lognormal(rng, NV_HANDLE_MEAN[channel], 0.5)))
    if channel == "email":  # the first response is the reply itself
        return handle, handle, rng.randint(0, 20)
    return rng.randint(10, 60), handle, rng.randint(10, 30)


def agent_serves(kind: str, channel: str) -> bool:
    return (kind == CHAT and channel in ("chat", "whatsapp")) or (
        kind == EMAIL and channel == "email"
    )
