"""The simulated forecast: contacts per second for each minute of a day, per stream.

Each minute is loaded with what its rostered staff can carry at a target service level
(half-hour table below), so the day has a shape (busier mid-morning and after lunch,
where the service level runs close to the edge), a small night team is not drowned and
a large day team is not idle.
"""

from __future__ import annotations

import itertools
import math
import random
from datetime import date

from rtm_tui.simulator.load import carried_traffic
from rtm_tui.simulator.roster import CHAT, EMAIL, VOICE, Profile, RosterLine
from rtm_tui.simulator.timebase import TimeBase

# target service level per half hour of the day
SL_TARGET = (
    [0.80] * 14  # 00:00-07:00
    + [0.80, 0.78, 0.76, 0.74]  # 07:00-09:00
    + [0.70, 0.64, 0.60, 0.60, 0.66]  # 09:00-11:30 mid-morning peak
    + [0.74, 0.74, 0.72]  # 11:30-13:00 lunch
    + [0.66, 0.60, 0.60, 0.66]  # 13:00-15:00 after lunch
    + [0.72] * 4  # 15:00-17:00
    + [0.76] * 10  # 17:00-22:00
    + [0.80] * 4  # 22:00-00:00
)
AUX_SHRINKAGE = 0.04  # share of logged-in time in AUX besides the rostered break
MAX_OCC = 0.95  # no site runs its agents hotter than this, however large
LOAD = 1.04  # agents log in early and leave late: a little more than the roster carries
VOICE_AHT, CHAT_AHT = 280.0, 460.0
# e-mail arrives around the clock, mostly in office hours (weights per hour)
EMAIL_HOURLY = (1, 1, 1, 1, 1, 1, 2, 3, 5, 6, 6, 6, 5, 5, 6, 6, 5, 4, 3, 3, 2, 2, 2, 1)

VIP_CALL_SHARE = 0.12
CHAT_SHARE = 0.45  # of chat + WhatsApp contacts, the rest is WhatsApp
SL_SECONDS = 20
# rows of a day's table: the voice queues, the channels (chat, email, whatsapp), then
# the voice agents expected per minute
MAIN, VIP, CHAT_ROW, EMAIL_ROW, WA_ROW, STAFF = range(6)


def day_rates(
    day: date, lines: list[RosterLine], profiles: list[Profile], tb: TimeBase, seed: int
) -> list[list[float]]:
    """`lines`: the rosters of `day` and the day before (its night shift runs into `day`)."""
    midnight_local = tb.local(tb.midnight(day))
    diff = {VOICE: [0] * 1441, CHAT: [0] * 1441, EMAIL: [0] * 1441}

    def cover(arr: list[int], t0: int, t1: int, step: int) -> None:
        lo = min(1440, max(0, (tb.local(t0) - midnight_local) // 60))
        hi = min(1440, max(0, (tb.local(t1) - midnight_local) // 60))
        arr[lo] += step
        arr[hi] -= step

    for line in lines:
        if line.status != "scheduled" or line.start is None or line.end is None:
            continue
        arr = diff[profiles[line.idx].kind]
        cover(arr, line.start, line.end, 1)
        for _, b0, b1 in line.breaks:  # the roster's breaks are not capacity
            cover(arr, b0, b1, -1)
    cap = {k: list(itertools.accumulate(v[:1440])) for k, v in diff.items()}
    rng = random.Random(f"{seed}:rates:{day.isoformat()}")
    noise = [rng.gauss(1.0, 0.05) for _ in range(48)]

    def rates(capacity: list[int], aht: float, seconds: float) -> list[float]:
        out = []
        for m in range(1440):
            agents = int(capacity[m] * (1 - AUX_SHRINKAGE))
            target = SL_TARGET[m // 30]
            erlangs = min(carried_traffic(agents, aht, seconds, target), MAX_OCC * agents)
            out.append(erlangs * noise[m // 30] * LOAD / aht)
        return out

    voice = rates(cap[VOICE], VOICE_AHT, SL_SECONDS)
    chat = rates(cap[CHAT], CHAT_AHT, 60)
    email_per_day = sum(cap[EMAIL]) * 60 / 500 * 0.85 * (1 - AUX_SHRINKAGE)
    weight = sum(EMAIL_HOURLY) * 60
    email = [email_per_day * EMAIL_HOURLY[m // 60] / weight / 60 for m in range(1440)]
    return [
        [r * (1 - VIP_CALL_SHARE) for r in voice],
        [r * VIP_CALL_SHARE for r in voice],
        [r * CHAT_SHARE for r in chat],
        email,
        [r * (1 - CHAT_SHARE) for r in chat],
        [c * (1 - AUX_SHRINKAGE) for c in cap[VOICE]],
    ]


def spike_factor(voice_rate: float, staff: float, overload: float) -> float:
    """How much a burst multiplies the main queue's calls so the offered load reaches
    `overload` times what the staff can take. A big site running hot needs less of a
    burst than a small one to break its service level; small teams absorb more."""
    staff = max(1.0, staff)
    occupancy = voice_rate * VOICE_AHT / staff
    want = overload + 0.6 / math.sqrt(staff)
    return min(1.8, max(1.2, want / max(occupancy, 0.1)))
