"""The attendance card: the TL's people, and the absent alerts.

- The card counts the people of the TL window that has begun (shift.py), and anyone
  logged in without a roster entry; without TL windows, everyone.
- Absent: once per agent and roster date (`attendance:<agent>:absent:<date>`), only
  after the first agents snapshot, and only when its deadline falls in the TL window
  that has begun.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from ..shift import on_card
from ..shift import owner as shift_owner
from ..types import AgentRow, Alert, AlertKind, LoginStatus, RosterEntry, Severity
from .base import MonitorBase
from .tracks import Track


class AttendanceCard(MonitorBase):
    """Whose attendance the card shows, and the absent alerts."""

    def _tl_rows(self, rows: tuple[AgentRow, ...], now: datetime) -> Iterable[AgentRow]:
        """The rows the attendance card counts: the TL's people, and anyone logged in
        without a roster entry (which is every TL's business)."""
        window = self.tl_window(now)
        if window is None:
            return rows
        owners = self._owners
        tz = window.start.tzinfo or UTC
        out = []
        for r in rows:
            e = r.roster
            if e is None:
                if r.login_status is LoginStatus.NOT_ROSTERED:
                    out.append(r)
                continue
            w = None
            if e.start is not None:
                key = id(e)
                if key not in owners:
                    owners[key] = shift_owner(e, self.tl_shifts or {}, tz)
                w = owners[key]
            if on_card(e, window, w, now):
                out.append(r)
        return out

    def _absent_is_ours(self, entry: RosterEntry, now: datetime) -> bool:
        """An absence is raised when its deadline falls in the TL window that has begun
        (the TL on duty can act); one from before it opened was the previous TL's."""
        window = self.tl_window(now)
        if window is None or entry.start is None:
            return True
        return entry.start + self.rules.no_show_after >= window.start

    def _raise_absent(self, track: Track, entry: RosterEntry, now: datetime) -> None:
        key = f"attendance:{track.agent_id}:absent:{entry.date.isoformat()}"
        if key in self._raised:
            return
        assert entry.start is not None
        deadline = entry.start + self.rules.no_show_after
        shift = f" {entry.shift_code}" if entry.shift_code else ""
        self._raise(
            Alert(
                key=key,
                kind=AlertKind.ATTENDANCE,
                severity=Severity.BREACH,
                raised_at=now,
                message=(
                    f"{entry.name} ({track.agent_id}) absent: no login for shift{shift} "
                    f"{entry.start:%H:%M} by {deadline:%H:%M}"
                ),
                agent_id=track.agent_id,
                code="absent",
            )
        )
