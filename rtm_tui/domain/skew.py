"""Clock skew between the platform and this machine, from each response's `as_of`.

A response is stamped `as_of` by the platform and arrives here a little later, so
`as_of - received_at` is the skew minus the trip's latency. The largest of the recent
samples is the one with the least latency: it is the estimate. Below `SHOW_FROM` the
difference is noise (a poll is seconds apart anyway) and is taken as none; above it the
platform's timestamps are moved onto this machine's clock before anything is measured
from them (a platform 10 minutes fast would otherwise make AUX timers 10 minutes short
and ROTG alerts 10 minutes late), and the header says so.

The estimate moves in whole seconds and only when it differs from the current one by
`SHOW_FROM` or more, so that timestamps do not jitter from poll to poll.
"""

from __future__ import annotations

from collections import deque
from dataclasses import replace
from datetime import datetime, timedelta

from .types import Agent, AgentsSnapshot, AgentToday

SHOW_FROM = timedelta(seconds=5)  # smaller skews are latency and noise
SAMPLES = 20  # the last responses the estimate looks at
ZERO = timedelta(0)


class ClockSkew:
    """The platform's clock minus ours, as far as the responses show it."""

    def __init__(self) -> None:
        self._samples: deque[timedelta] = deque(maxlen=SAMPLES)
        self.offset = ZERO  # what is applied: zero, or a whole number of seconds

    def observe(self, as_of: datetime, received_at: datetime) -> bool:
        """Take one response's stamp; True when the applied offset changed."""
        self._samples.append(as_of - received_at)
        best = max(self._samples)
        estimate = timedelta(seconds=round(best.total_seconds()))
        if abs(estimate) < SHOW_FROM:
            estimate = ZERO
        if estimate == self.offset:
            return False
        if estimate != ZERO and self.offset != ZERO and abs(estimate - self.offset) < SHOW_FROM:
            return False  # the same skew, measured a little differently
        self.offset = estimate
        return True


def on_our_clock(snapshot: AgentsSnapshot, offset: timedelta) -> AgentsSnapshot:
    """The agents snapshot with every platform timestamp moved by `-offset`."""
    if not offset:
        return snapshot

    def move(t: datetime | None) -> datetime | None:
        return None if t is None else t - offset

    def agent(a: Agent) -> Agent:
        today = a.today
        if today is not None:
            today = AgentToday(
                move(today.first_login_at),
                move(today.last_logout_at),
                today.aux_seconds,
                today.aux_count,
                today.handled,
            )
        return replace(
            a,
            state_since=a.state_since - offset,
            login_at=move(a.login_at),
            logout_at=move(a.logout_at),
            today=today,
        )

    return AgentsSnapshot(snapshot.as_of - offset, tuple(agent(a) for a in snapshot.agents))


def describe(offset: timedelta) -> str:
    """'+8 s', '-10:00': the platform's clock against ours."""
    seconds = int(offset.total_seconds())
    sign = "+" if seconds >= 0 else "-"
    seconds = abs(seconds)
    if seconds < 60:
        return f"{sign}{seconds} s"
    minutes, secs = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{sign}{hours}:{minutes:02d}:{secs:02d}" if hours else f"{sign}{minutes}:{secs:02d}"
