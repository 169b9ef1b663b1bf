"""The attendance card: the TL's people, and the attendance alerts.

- The card counts the people of the TL window that has begun (shift.py), and anyone
  logged in without a roster entry; without TL windows, everyone.
- Alerts, only after the first agents snapshot and only for what falls in the TL
  window that has begun (each can be switched off in `[alerts]`):
  `attendance:<agent>:login:<date>`: past the late grace and not logged in, a warning
  ("late"); at the no-show deadline a breach ("absent"); resolved at the login (then
  "late", with by how much). A late login rtm only saw after the fact is kept resolved.
  `attendance:<agent>:early_out:<date>`: logged out early, a warning, resolved when the
  agent is back or the shift ends. `attendance:<agent>:not_rostered:<day>`: logged in
  without a shift today, a warning, resolved at the logout.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from ..attendance import LoginResult
from ..shift import on_card
from ..shift import owner as shift_owner
from ..types import (
    AgentRow,
    Alert,
    AlertKind,
    AlertState,
    LoginStatus,
    RosterEntry,
    Severity,
)
from .base import MonitorBase
from .tracks import Track

_ABSENT, _NOT_YET_IN = LoginStatus.ABSENT, LoginStatus.NOT_YET_IN
_EARLY_OUT, _NOT_ROSTERED = LoginStatus.EARLY_OUT, LoginStatus.NOT_ROSTERED


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

    def _judge_attendance(
        self,
        track: Track,
        entry: RosterEntry | None,
        result: LoginResult,
        logged_in: bool,
        now: datetime,
    ) -> None:
        """The attendance alerts of one agent, when its login status was worked out again
        (it only changes then: status_valid_until)."""
        if self._agents is None:
            return  # logins are unknown before the first agents snapshot
        rules = self.alert_rules
        status = result.status
        agent_id = track.agent_id
        book = self.book
        if entry is not None and entry.start is not None:
            day = entry.date.isoformat()
            login = f"attendance:{agent_id}:login:{day}"
            agent = track.agent  # the name as the board shows it: the platform's first
            params: dict[str, str | float | None] = {
                "name": agent.name if agent is not None else entry.name,
                "agent": agent_id,
                "shift": entry.shift_code or "",
                "start": entry.start.isoformat(),
                "deadline": (entry.start + self.rules.no_show_after).isoformat(),
            }
            late_from = entry.start + self.rules.late_grace
            if status is _ABSENT and rules.absent and self._absent_is_ours(entry, now):
                self._attendance_alert(login, "absent", Severity.BREACH, params, agent_id, now)
            elif (
                status is _NOT_YET_IN
                and now >= late_from
                and rules.late
                and self._ours(late_from, now)
            ):
                self._attendance_alert(
                    login, "late_missing", Severity.WARNING, params, agent_id, now
                )
            elif status is not _ABSENT and status is not _NOT_YET_IN:
                late = result.late_by
                cur = book.latest(login)
                if late is not None:
                    params["late_by"] = late.total_seconds()
                if cur is not None and cur.state is not AlertState.RESOLVED:
                    book.follow(
                        cur.key,
                        now,
                        what="att.late" if late is not None else None,
                        params={**cur.params, **params},
                        code="late",
                    )
                    book.resolve(login, now)
                elif cur is None and late is not None and rules.late and self._ours(late_from, now):
                    # came late before we saw it: kept (history, report), nothing to act on
                    self._attendance_alert(login, "late", Severity.WARNING, params, agent_id, now)
                    book.resolve(login, now)
            early = f"attendance:{agent_id}:early_out:{day}"
            assert entry.end is not None
            if status is _EARLY_OUT and now < entry.end:
                if rules.early_out and self._ours(entry.end, now):
                    logout = track.days.get(entry.date)
                    params["end"] = entry.end.isoformat()
                    at = logout.last_logout if logout is not None else None
                    params["logout"] = None if at is None else at.isoformat()
                    self._attendance_alert(
                        early, "early_out", Severity.WARNING, params, agent_id, now
                    )
            else:
                book.resolve(early, now)
        cond = f"attendance:{agent_id}:not_rostered:{now.date().isoformat()}"
        if status is _NOT_ROSTERED and logged_in:
            if rules.not_rostered:
                agent = track.agent
                params = {"name": agent.name if agent is not None else agent_id, "agent": agent_id}
                if entry is not None:
                    params["status"] = str(entry.status)
                self._attendance_alert(
                    cond, "not_rostered", Severity.WARNING, params, agent_id, now
                )
        else:
            book.resolve(cond, now)

    def _ours(self, at: datetime, now: datetime) -> bool:
        """Something due at `at` is the business of the TL window that has begun."""
        window = self.tl_window(now)
        return window is None or at >= window.start

    def _attendance_alert(
        self,
        key: str,
        code: str,
        severity: Severity,
        params: dict[str, str | float | None],
        agent_id: str,
        now: datetime,
    ) -> None:
        cur = self.book.latest(key)
        if cur is not None and cur.state is not AlertState.RESOLVED:
            self.book.follow(cur.key, now, severity, f"att.{code}", params, code=code)
            return
        self.book.raise_(
            Alert(
                key=key,
                kind=AlertKind.ATTENDANCE,
                severity=severity,
                raised_at=now,
                agent_id=agent_id,
                code=code,
                what=f"att.{code}",
                params=params,
            ),
            now,
        )
