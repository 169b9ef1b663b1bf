"""Attendance and login timeliness per agent against the roster (kpi.md).

Boundaries: a first login exactly at start + late_grace is on time; an agent with no
login is absent from exactly start + no_show_after; a logout exactly at
end - early_out_grace is not an early out.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import NamedTuple

from .types import (
    AgentRow,
    AttendanceCounts,
    AttendanceRules,
    LoginStatus,
    RosterEntry,
    RosterStatus,
)

_NOT_EXPECTED = {
    RosterStatus.OFF: LoginStatus.OFF,
    RosterStatus.LEAVE: LoginStatus.LEAVE,
    RosterStatus.SICK: LoginStatus.SICK,
    RosterStatus.TRAINING: LoginStatus.TRAINING,
}
PRESENT = frozenset({LoginStatus.ON_TIME, LoginStatus.LATE, LoginStatus.EARLY_OUT})
SCHEDULED = PRESENT | {LoginStatus.NOT_YET_IN, LoginStatus.ABSENT}
ON_LEAVE = frozenset({LoginStatus.OFF, LoginStatus.LEAVE, LoginStatus.SICK})
# statuses a TL should look at
EXCEPTIONS = frozenset(
    {LoginStatus.LATE, LoginStatus.ABSENT, LoginStatus.EARLY_OUT, LoginStatus.NOT_ROSTERED}
)


class LoginResult(NamedTuple):
    status: LoginStatus
    late_by: timedelta | None = None  # set when the first login was late


def login_status(
    entry: RosterEntry | None,
    now: datetime,
    rules: AttendanceRules,
    first_login: datetime | None,
    last_logout: datetime | None,
    logged_in: bool,
) -> LoginResult:
    """One agent's status at `now`.

    `first_login`/`last_logout` are the agent's first login and last logout for this
    shift; `logged_in` whether a session is open now.
    """
    if entry is None or (entry.status == RosterStatus.SCHEDULED and not entry.works):
        # no shift today: logged in at all today is "not rostered"
        if first_login is not None or logged_in:
            return LoginResult(LoginStatus.NOT_ROSTERED)
        return LoginResult(LoginStatus.NOT_SCHEDULED)
    if entry.status != RosterStatus.SCHEDULED:
        # off / leave / sick but working anyway is worth a look: "not rostered"
        if entry.status != RosterStatus.TRAINING and (first_login is not None or logged_in):
            return LoginResult(LoginStatus.NOT_ROSTERED)
        return LoginResult(_NOT_EXPECTED[entry.status])

    assert entry.start is not None and entry.end is not None
    if first_login is None:
        if logged_in:  # a session without a known start: count it as starting now
            first_login = now
        elif last_logout is not None and last_logout >= entry.start:
            # logged out in the shift: a session began before we saw it (the night shift
            # seen first at 07:20). Present; with no login time, never judged late.
            early = last_logout < entry.end - rules.early_out_grace and not _on_scheduled_break(
                entry, last_logout, now
            )
            return LoginResult(LoginStatus.EARLY_OUT if early else LoginStatus.ON_TIME)
        elif now < entry.start + rules.no_show_after:
            return LoginResult(LoginStatus.NOT_YET_IN)
        else:
            return LoginResult(LoginStatus.ABSENT)

    late_by = first_login - entry.start if first_login > entry.start + rules.late_grace else None
    if (
        not logged_in
        and last_logout is not None
        and last_logout >= first_login
        and last_logout < entry.end - rules.early_out_grace
        and not _on_scheduled_break(entry, last_logout, now)
    ):
        return LoginResult(LoginStatus.EARLY_OUT, late_by)
    return LoginResult(LoginStatus.LATE if late_by is not None else LoginStatus.ON_TIME, late_by)


def _on_scheduled_break(entry: RosterEntry, logout: datetime, now: datetime) -> bool:
    """Logging out for a scheduled break is fine until the break is over."""
    return any(b.start <= logout < b.end and now < b.end for b in entry.breaks)


_ON_TIME, _LATE, _EARLY_OUT = LoginStatus.ON_TIME, LoginStatus.LATE, LoginStatus.EARLY_OUT
_ABSENT, _NOT_YET_IN, _NOT_ROSTERED = (
    LoginStatus.ABSENT,
    LoginStatus.NOT_YET_IN,
    LoginStatus.NOT_ROSTERED,
)
_OFF, _LEAVE, _SICK = LoginStatus.OFF, LoginStatus.LEAVE, LoginStatus.SICK
_TRAINING = LoginStatus.TRAINING


def attendance_counts(rows: Iterable[AgentRow]) -> AttendanceCounts:
    """Card counts. `late` counts everyone who came late, also if they left early; they
    add up: scheduled = present + not yet in + absent; off (day off, leave, sick),
    training and not rostered stand apart, each under its own name.

    Identity checks, not set membership: hashing an Enum member runs Python code, and
    this runs over thousands of rows on every poll.
    """
    present = late = absent = not_rostered = not_yet_in = early_out = 0
    off = on_leave = sick = training = 0
    for row in rows:
        s = row.login_status
        if s is _ON_TIME or s is _LATE or s is _EARLY_OUT:
            present += 1
            if row.late_by is not None:
                late += 1
            if s is _EARLY_OUT:
                early_out += 1
        elif s is _ABSENT:
            absent += 1
        elif s is _NOT_YET_IN:
            not_yet_in += 1
        elif s is _NOT_ROSTERED:
            not_rostered += 1
        elif s is _OFF:
            off += 1
        elif s is _LEAVE:
            off += 1
            on_leave += 1
        elif s is _SICK:
            off += 1
            sick += 1
        elif s is _TRAINING:
            training += 1
    return AttendanceCounts(
        scheduled=present + absent + not_yet_in,
        present=present,
        late=late,
        absent=absent,
        off=off,
        not_rostered=not_rostered,
        not_yet_in=not_yet_in,
        early_out=early_out,
        on_leave=on_leave,
        sick=sick,
        training=training,
    )


def status_valid_until(
    entry: RosterEntry | None, now: datetime, rules: AttendanceRules
) -> datetime | None:
    """With the same logins, `login_status` gives the same answer until this instant
    (None: forever). Lets a caller with thousands of agents skip recomputing."""
    if entry is None or not entry.works or entry.start is None:
        return None
    # the late alert (late_grace) and the end of an early-out alert (the shift's end)
    # change with time too (monitor/attendance_card.py)
    times = [
        entry.start + rules.late_grace,
        entry.start + rules.no_show_after,
        *(b.end for b in entry.breaks),
    ]
    if entry.end is not None:
        times.append(entry.end)
    later = [t for t in times if t > now]
    return min(later) if later else None


# The attendance card's lists, in the order they are shown; each counts the same rows as
# the card's number of that name (attendance_counts): "late" everyone who came late,
# also if they then left early, so one agent may be in two lists.
ATTENDANCE_LISTS = ("absent", "late", "early_out", "not_rostered")


def attendance_lists(rows: Iterable[AgentRow]) -> dict[str, list[AgentRow]]:
    """Who is absent, late, out early or not rostered, per ATTENDANCE_LISTS name; within
    a list the latest (the most minutes late) first, then by shift start and name."""
    out: dict[str, list[AgentRow]] = {name: [] for name in ATTENDANCE_LISTS}
    for row in rows:
        s = row.login_status
        if s is _ABSENT:
            out["absent"].append(row)
        elif s is _NOT_ROSTERED:
            out["not_rostered"].append(row)
        elif s is _ON_TIME or s is _LATE or s is _EARLY_OUT:
            if row.late_by is not None:
                out["late"].append(row)
            if s is _EARLY_OUT:
                out["early_out"].append(row)

    def order(row: AgentRow) -> tuple[float, str, str, str]:
        late = -row.late_by.total_seconds() if row.late_by is not None else 0.0
        start = row.roster.start.isoformat() if row.roster and row.roster.start else ""
        return (late, start, row.name.casefold(), row.agent_id)

    for rows_of in out.values():
        rows_of.sort(key=order)
    return out
