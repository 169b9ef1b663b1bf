"""The monitor's state, the roster entry each agent is judged on, and raising an alert.

Rosters are kept per date (the last KEEP_DAYS dates), so that an overnight shift stays
attached to the day it started. Alerts: one per condition (see rotg.py for ROTG keys,
kpis.py and attendance_card.py for the others), kept with their lifecycle in `book`
(domain/alerts.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from ..alerts import AlertBook, AlertRules
from ..shift import TlShifts, TlWindow, latest_begun
from ..types import (
    AgentsSnapshot,
    AttendanceRules,
    KpiOptions,
    KpiTarget,
    KpiValue,
    NonVoiceSnapshot,
    Roster,
    RosterEntry,
    RotgRules,
    VoiceSnapshot,
)
from .tracks import AFTER_SHIFT, BEFORE_SHIFT, KEEP_DAYS, KpiEpisode, Track


def _next_midnight(now: datetime) -> datetime:
    return datetime(now.year, now.month, now.day, tzinfo=now.tzinfo) + timedelta(days=1)


class MonitorBase:
    """The state the concerns of the monitor share (the mixins of the package)."""

    def __init__(
        self,
        targets: Mapping[str, KpiTarget],
        options: KpiOptions,
        rotg: RotgRules,
        attendance: AttendanceRules,
        tl_shifts: TlShifts | None = None,
        alert_rules: AlertRules | None = None,
    ) -> None:
        self.targets = targets
        # the site's TL windows: the card counts the TL's people (shift.py); None: everyone
        self.tl_shifts = tl_shifts or None
        self._owners: dict[int, TlWindow | None] = {}  # id(entry) -> its TL window
        self.options = options
        self.rotg = rotg
        self.rules = attendance
        self._agents: AgentsSnapshot | None = None
        self._voice: VoiceSnapshot | None = None
        self._nonvoice: NonVoiceSnapshot | None = None
        self._rosters: dict[date, Roster] = {}
        self._entries: dict[str, list[RosterEntry]] = {}
        self._roster_version = 0
        self._tracks: dict[str, Track] = {}
        self._order: list[str] = []
        self._order_dirty = True
        self._kpis: tuple[KpiValue, ...] = ()
        self._kpi_epochs: dict[tuple[str, str, str], str] = {}
        self._episodes: dict[tuple[str, str, str], KpiEpisode] = {}
        self.alert_rules = alert_rules or AlertRules()
        self.book = AlertBook(self.alert_rules)
        # per KPI condition: since when its figures are in breach (min breach duration)
        self._kpi_breach: dict[str, datetime] = {}
        # per (family, scope): interval start -> the interval's counts as last seen; the
        # TL shift so far is their sum (the "shift" period)
        self._seen_intervals: dict[tuple[str, str], dict[datetime, Any]] = {}
        self._kpi_window: TlWindow | None = None
        self._running_each: dict[str, str] = {}  # per-occurrence alert key -> agent, still running
        self._today: date | None = None
        self._now: datetime | None = None  # of the last apply()
        self._tz: tzinfo | None = None  # the site's, from `now`: "today" is its local date
        self.team_adherence: float | None = None

    def tl_window(self, now: datetime) -> TlWindow | None:
        """The TL window the card is for: the one running, else the last one ended."""
        if self.tl_shifts is None or now.tzinfo is None:
            return None
        return latest_begun(self.tl_shifts, now, now.tzinfo)

    def _track(self, agent_id: str) -> Track:
        track = self._tracks.get(agent_id)
        if track is None:
            track = self._tracks[agent_id] = Track(agent_id)
            self._order_dirty = True
        return track

    def _set_roster(self, roster: Roster) -> None:
        self._rosters[roster.date] = roster
        for d in sorted(self._rosters)[:-KEEP_DAYS]:
            del self._rosters[d]
        entries: dict[str, list[RosterEntry]] = {}
        for r in self._rosters.values():
            for e in r.entries:
                entries.setdefault(e.agent_id, []).append(e)
        self._entries = entries
        self._owners = {}  # entries are new objects: their owners are worked out again
        self._roster_version += 1
        for agent_id in entries:
            self._track(agent_id)
        for track in self._tracks.values():
            track.row_dirty = True

    def _night_before(self, track: Track, today: date) -> bool:
        """Did the agent work a shift that started before `today` and ran past midnight?
        The platform's `today` tally then mixes that shift's last hours into today's, so
        today's workday is judged on what we observed ourselves."""
        return any(
            e.works and e.date < today and e.end is not None and e.end.date() >= today
            for e in self._entries.get(track.agent_id, ())
        )

    def _entry_for(self, track: Track, now: datetime) -> RosterEntry | None:
        """The agent's relevant roster entry at `now`, cached until it could change."""
        cached = track.entry_valid
        if cached is not None and cached[0] == self._roster_version and now < cached[1]:
            return track.entry
        entries = self._entries.get(track.agent_id, ())
        valid = _next_midnight(now)
        best: RosterEntry | None = None
        best_rank: tuple[int, float] | None = None
        today = now.date()
        for e in entries:
            if e.works and e.start is not None and e.end is not None:
                for t in (e.start - BEFORE_SHIFT, e.start, e.end, e.end + AFTER_SHIFT):
                    if now < t < valid:
                        valid = t
                if e.start <= now < e.end:
                    rank = (0, -e.start.timestamp())
                elif e.start - BEFORE_SHIFT <= now < e.end + AFTER_SHIFT:
                    gap = e.start - now if now < e.start else now - e.end
                    rank = (1, gap.total_seconds())
                elif e.date == today:
                    rank = (2, 0.0)
                else:
                    continue
            elif e.date == today:
                rank = (2, 0.0)
            else:
                continue
            if best_rank is None or rank < best_rank:
                best, best_rank = e, rank
        track.entry = best
        track.entry_valid = (self._roster_version, valid)
        return best

    def _workday(self, track: Track, now: datetime) -> date:
        entry = self._entry_for(track, now)
        return entry.date if entry is not None else now.date()
