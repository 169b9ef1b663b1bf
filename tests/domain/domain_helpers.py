"""Shared helpers for domain tests: real Asia/Jakarta datetimes and roster entries."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from rtm_tui.domain.types import Break, RosterEntry, RosterStatus

JKT = ZoneInfo("Asia/Jakarta")
DAY = date(2026, 11, 24)


def at(hh: int, mm: int = 0, ss: int = 0, day: date = DAY) -> datetime:
    return datetime(day.year, day.month, day.day, hh, mm, ss, tzinfo=JKT)


def shift(
    agent_id: str = "A0012",
    start: tuple[int, int] = (7, 0),
    end: tuple[int, int] = (16, 0),
    breaks: tuple[tuple[str, tuple[int, int], tuple[int, int]], ...] = (
        ("ISTIRAHAT", (11, 30), (12, 30)),
    ),
    day: date = DAY,
    status: RosterStatus = RosterStatus.SCHEDULED,
    code: str = "P1",
) -> RosterEntry:
    """A roster entry; an end at or before the start is on the next day."""
    s = at(*start, day=day)
    e = at(*end, day=day)
    if e <= s:
        e += timedelta(days=1)

    def when(hm: tuple[int, int]) -> datetime:
        t = at(*hm, day=day)
        return t + timedelta(days=1) if t < s else t

    return RosterEntry(
        date=day,
        agent_id=agent_id,
        name=f"Agent {agent_id}",
        team="Inbound 1",
        status=status,
        shift_code=code,
        start=s,
        end=e,
        breaks=tuple(Break(c, when(b0), when(b1)) for c, b0, b1 in breaks),
    )


def off(agent_id: str, status: RosterStatus, day: date = DAY) -> RosterEntry:
    return RosterEntry(day, agent_id, f"Agent {agent_id}", "Inbound 1", status)


def agent(
    agent_id: str = "A0012",
    state: str = "available",
    since: datetime | None = None,
    code: str | None = None,
    login_at: datetime | None = None,
    today: object = None,
    name: str | None = None,
) -> object:
    """An Agent as the API would report it (state as its wire string)."""
    from rtm_tui.domain.types import Agent, AgentState

    st = AgentState(state)
    return Agent(
        agent_id=agent_id,
        name=name or f"Agent {agent_id}",
        team="Inbound 1",
        state=st,
        state_since=since or at(7),
        aux_code=code,
        channels=("voice",),
        login_at=None if st == AgentState.LOGGED_OUT else (login_at or since or at(7)),
        today=today,  # type: ignore[arg-type]
    )


def snapshot(now: datetime, *agents: object) -> object:
    from rtm_tui.domain.types import AgentsSnapshot

    return AgentsSnapshot(as_of=now, agents=tuple(agents))  # type: ignore[arg-type]
