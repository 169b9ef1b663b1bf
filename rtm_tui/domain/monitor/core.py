"""ShiftMonitor: apply() folds each poll's snapshots into the view, in this order: the
agents (observe.py), the KPIs (kpis.py), the rows (rows.py), the live ROTG alert values
(rotg_judge.py) and the attendance card (attendance_card.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from ..adherence import Excuse
from ..attendance import attendance_counts
from ..types import (
    AgentRow,
    AgentsSnapshot,
    AttendanceCounts,
    MonitorView,
    NonVoiceSnapshot,
    Roster,
    VoiceSnapshot,
)
from .kpis import KpiBuilder
from .observe import Observer
from .rows import RowBuilder
from .state import Persistence
from .tracks import KEEP


class ShiftMonitor(Observer, RowBuilder, KpiBuilder, Persistence):
    """Folds snapshots into what the dashboard shows, and raises alerts.

    Built with the site's rules (base.MonitorBase.__init__); each concern is a mixin."""

    def apply(
        self,
        now: datetime,
        agents: AgentsSnapshot | None = None,
        voice: VoiceSnapshot | None = None,
        nonvoice: NonVoiceSnapshot | None = None,
        roster: Roster | None = None,
    ) -> MonitorView:
        """Fold the new snapshots (None = keep the last) into the view at `now`.

        Rosters are kept per date (the last three dates): pass yesterday's too when
        overnight shifts run, so they stay attached to the day they started.
        """
        self._new = []
        self._tz = now.tzinfo
        if now.date() != self._today:
            self._today = now.date()
            self._prune(now)
        if roster is not None:
            self._set_roster(roster)
        if agents is not None:
            if self._agents is None:
                # attendance is judged again now that logins are known
                for track in self._tracks.values():
                    track.login_cache = None
            self._agents = agents
            listed = set()
            for agent in agents.agents:
                self._observe(agent, now)
                listed.add(agent.agent_id)
            for track in self._tracks.values():
                if track.present and track.agent_id not in listed:
                    # gone from the platform's list: its last state is no longer true
                    track.present = False
                    track.row_dirty = True
        kpis_changed = False
        if voice is not None and voice is not self._voice:
            self._voice = voice
            kpis_changed = True
        if nonvoice is not None and nonvoice is not self._nonvoice:
            self._nonvoice = nonvoice
            kpis_changed = True
        window = self.tl_window(now)
        if window != self._kpi_window:  # a new TL shift: its figures start afresh
            self._kpi_window = window
            kpis_changed = kpis_changed or self._voice is not None or self._nonvoice is not None
        if kpis_changed:
            self._kpis = self._build_kpis()
        self._judge_kpis(now)
        rows = self._build_rows(now)
        if self._running_each:
            self._follow_running(now)
        card = self._tl_rows(rows, now)
        card_rows = card if isinstance(card, tuple) else tuple(card)
        return MonitorView(
            now=now,
            rows=rows,
            kpis=self._kpis,
            attendance=attendance_counts(card_rows),
            new_alerts=tuple(self._new),
            open_alerts=self._open_tuple,
            card_ids=None if card_rows is rows else frozenset(r.agent_id for r in card_rows),
        )

    def acknowledge(self, alert_key: str) -> bool:
        """Take an alert out of the open list; False if it was not open."""
        for i, alert in enumerate(self._open):
            if alert.key == alert_key:
                del self._open[i]
                self._open_tuple = tuple(self._open)
                return True
        return False

    def excuse(self, agent_id: str, start: datetime, end: datetime, reason: str) -> Excuse:
        """A TL excuses a period: it counts as in adherence; the reason is kept."""
        if end <= start:
            raise ValueError("an excused period must end after it starts")
        track = self._track(agent_id)
        excuse = Excuse(start, end, reason)
        track.excuses.append(excuse)
        track.version += 1
        return excuse

    def excuses(self, agent_id: str) -> tuple[Excuse, ...]:
        track = self._tracks.get(agent_id)
        return tuple(track.excuses) if track else ()

    def _prune(self, now: datetime) -> None:
        """Once a day: forget timelines, tallies and alert keys older than KEEP."""
        cutoff = now - KEEP
        oldest_day = (now - KEEP).date()
        for track in self._tracks.values():
            tl = track.timeline
            i = 0
            while i + 1 < len(tl) and tl[i + 1][0] <= cutoff:
                i += 1
            if i:
                del tl[:i]
                track.version += 1
            for d in [d for d in track.days if d < oldest_day]:
                del track.days[d]
            track.excuses = [e for e in track.excuses if e.end > cutoff]
        self._raised = {k: t for k, t in self._raised.items() if t > cutoff}


def attendance_of(view: MonitorView) -> AttendanceCounts:
    """Convenience for callers that only hold rows."""
    return attendance_counts(view.rows)


def rows_by_id(rows: Iterable[AgentRow]) -> dict[str, AgentRow]:
    return {r.agent_id: r for r in rows}
