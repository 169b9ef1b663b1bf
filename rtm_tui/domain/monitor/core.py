"""ShiftMonitor: apply() folds each poll's snapshots into the view, in this order: the
agents (observe.py), the KPIs (kpis.py), the rows (rows.py), the live ROTG alert values
(rotg_judge.py) and the attendance card (attendance_card.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from ..adherence import Excuse
from ..alerts import EXCUSED, ExcuseNote, history_order
from ..attendance import attendance_counts
from ..types import (
    AgentRow,
    AgentsSnapshot,
    Alert,
    AlertKind,
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
        self._tz = now.tzinfo
        self._now = now
        self.book.expire_snoozes(now)
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
        self._resolve_rotg(now)
        news, changed = self.book.take()
        card = self._tl_rows(rows, now)
        card_rows = card if isinstance(card, tuple) else tuple(card)
        return MonitorView(
            now=now,
            rows=rows,
            kpis=self._kpis,
            attendance=attendance_counts(card_rows),
            new_alerts=tuple(news),
            open_alerts=self.book.active(),
            changed_alerts=tuple(changed),
            card_ids=None if card_rows is rows else frozenset(r.agent_id for r in card_rows),
            shift_from=self._shift_from(),
        )

    def _shift_from(self) -> datetime | None:
        since, window = self.shift_since(), self._kpi_window
        if since is None or window is None or since <= window.start:
            return None
        return since

    # ------------------------------------------------------------------ the TL's steps
    # Each returns what changed (to record at once); the next view shows it too.

    def _at(self, now: datetime | None) -> datetime:
        at = now or self._now
        if at is None:
            raise ValueError("no time yet: apply() has not run")
        return at

    def acknowledge(
        self, alert_key: str, who: str = "", now: datetime | None = None
    ) -> Alert | None:
        """The TL has seen it: it stays in alarm (dimmed) until it resolves."""
        return self.book.acknowledge(alert_key, who, self._at(now))

    def acknowledge_all(
        self, keys: Iterable[str], who: str = "", now: datetime | None = None
    ) -> list[Alert]:
        at = self._at(now)
        return [a for k in keys if (a := self.book.acknowledge(k, who, at)) is not None]

    def snooze(
        self,
        alert_key: str,
        minutes: float,
        reason: str,
        who: str = "",
        now: datetime | None = None,
    ) -> Alert | None:
        """Out of the alarm list for `minutes` (15-minute steps in the UI), with a reason."""
        at = self._at(now)
        return self.book.snooze(alert_key, at + timedelta(minutes=minutes), reason, who, at)

    def unsnooze(self, alert_key: str, who: str = "", now: datetime | None = None) -> Alert | None:
        return self.book.unsnooze(alert_key, who, self._at(now))

    def alerts_of_shift(self) -> tuple[Alert, ...]:
        """Every alert kept (the shift's history), newest raised first."""
        return tuple(history_order(self.book.alerts.values()))

    def alert(self, key: str) -> Alert | None:
        return self.book.alerts.get(key)

    def excuse(
        self,
        agent_id: str,
        start: datetime,
        end: datetime,
        reason: str,
        who: str = "",
        now: datetime | None = None,
        alert_key: str | None = None,
    ) -> ExcuseNote:
        """A TL excuses a period: it counts as in adherence; the reason is kept. The
        agent's alerts raised in the period (or only `alert_key`) resolve as excused and
        are not raised again; an excused AUX overrun no longer marks the row."""
        if end <= start:
            raise ValueError("an excused period must end after it starts")
        at = self._at(now)
        track = self._track(agent_id)
        track.excuses.append(Excuse(start, end, reason))
        track.version += 1
        track.dirty = track.row_dirty = True
        resolved = self._excuse_alerts({agent_id}, start, end, reason, who, at, alert_key)
        return ExcuseNote(agent_id, start, end, reason, who, at, alert_key, resolved)

    def neutral_window(
        self,
        start: datetime,
        end: datetime,
        reason: str,
        who: str = "",
        now: datetime | None = None,
    ) -> ExcuseNote:
        """A source was down: the window counts as in adherence for everyone, and the
        agent alerts raised in it resolve as excused."""
        if end <= start:
            raise ValueError("a neutral window must end after it starts")
        at = self._at(now)
        excuse = Excuse(start, end, reason)
        for track in self._tracks.values():
            track.excuses.append(excuse)
            track.version += 1
            track.dirty = track.row_dirty = True
        resolved = self._excuse_alerts(None, start, end, reason, who, at, None)
        return ExcuseNote(None, start, end, reason, who, at, None, resolved)

    def _excuse_alerts(
        self,
        agents: set[str] | None,
        start: datetime,
        end: datetime,
        reason: str,
        who: str,
        at: datetime,
        alert_key: str | None,
    ) -> tuple[str, ...]:
        out = []
        for a in list(self.book.active()):
            if a.kind is AlertKind.KPI or a.agent_id is None:
                continue
            if agents is not None and a.agent_id not in agents:
                continue
            if alert_key is not None:
                if a.key != alert_key:
                    continue
            elif not start <= a.raised_at <= end:
                continue
            self.book.resolve(a.condition or a.key, at, EXCUSED, who=who, reason=reason)
            self._running_each.pop(a.key, None)
            out.append(a.key)
        return tuple(out)

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
        self.book.prune(cutoff)


def attendance_of(view: MonitorView) -> AttendanceCounts:
    """Convenience for callers that only hold rows."""
    return attendance_counts(view.rows)


def rows_by_id(rows: Iterable[AgentRow]) -> dict[str, AgentRow]:
    return {r.agent_id: r for r in rows}
