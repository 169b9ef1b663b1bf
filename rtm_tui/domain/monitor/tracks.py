"""What the monitor keeps about each agent: its observed timeline and, per workday, the
AUX time, AUX count, first login and last logout (what a workday is: observe.py); and
for how long it keeps them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from ..adherence import AdherenceMeter, Excuse
from ..types import Agent, AgentRow, AgentState, RosterEntry

# a working shift is the agent's relevant one from this long before its start ...
BEFORE_SHIFT = timedelta(hours=3)
# ... until this long after its end (late logouts belong to it)
AFTER_SHIFT = timedelta(hours=2)
# timelines and per-day tallies older than this are dropped
KEEP = timedelta(hours=36)
KEEP_DAYS = 3  # roster dates kept (yesterday's overnight shifts still run today)


@dataclass(slots=True)
class Day:
    """One agent's tally for one workday, from what we observed."""

    first_login: datetime | None = None
    last_logout: datetime | None = None
    aux_seconds: dict[str, float] = field(default_factory=dict)  # closed occurrences
    aux_count: dict[str, int] = field(default_factory=dict)  # occurrences started

    def login(self, at: datetime) -> None:
        if self.first_login is None or at < self.first_login:
            self.first_login = at

    def logout(self, at: datetime) -> None:
        if self.last_logout is None or at > self.last_logout:
            self.last_logout = at


@dataclass(slots=True)
class Track:
    """Everything the monitor keeps about one agent."""

    agent_id: str
    agent: Agent | None = None  # last observed
    last: tuple[AgentState, str | None, datetime] | None = None  # state, code, since
    last_login_at: datetime | None = None
    timeline: list[tuple[datetime, AgentState, str | None]] = field(default_factory=list)
    version: int = 0  # bumped whenever the timeline or excuses change
    days: dict[date, Day] = field(default_factory=dict)
    open_day: date | None = None  # workday of the running AUX occurrence
    excuses: list[Excuse] = field(default_factory=list)
    dirty: bool = True  # totals may have changed: judge the shift limits again
    judged_day: date | None = None
    next_judge: datetime | None = None  # in AUX: when the next limit could be crossed
    over_limit: bool = False
    meter: AdherenceMeter = field(default_factory=AdherenceMeter)
    entry: RosterEntry | None = None
    entry_valid: tuple[int, datetime] | None = None  # (roster version, valid until)
    login_cache: tuple[Any, ...] | None = None  # (entry, logins, valid until, result, flag)
    row: AgentRow | None = None
    row_dirty: bool = True  # the agent or its roster changed since the row was built
    closed_aux: float = 0.0  # AUX seconds of closed occurrences, as of the last full pass
    row_sig: tuple[Any, ...] = ()
    present: bool = False  # in the latest agents snapshot (False: gone from the platform)
    running_counts: bool = False  # the running AUX occurrence counts in the row's workday

    def day(self, workday: date) -> Day:
        d = self.days.get(workday)
        if d is None:
            d = self.days[workday] = Day()
        return d


@dataclass(slots=True)
class KpiEpisode:
    epoch: str = ""  # interval start or date: a new one re-arms
    breach_since: datetime | None = None
    warn_since: datetime | None = None
    warn_alerted: bool = False
