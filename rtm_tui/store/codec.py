"""Python values <-> SQLite columns."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from rtm_tui.domain.types import Break, Roster, RosterEntry, RosterStatus


def dt_out(value: datetime) -> str:
    if value.utcoffset() is None:
        raise ValueError(f"naive datetime {value!r}: the store keeps aware datetimes only")
    return value.isoformat()


def dt_out_opt(value: datetime | None) -> str | None:
    return None if value is None else dt_out(value)


def ts(value: datetime) -> float:
    dt_out(value)  # refuse naive
    return value.timestamp()


def dt_in(text: str) -> datetime:
    return datetime.fromisoformat(text)


def dt_in_opt(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def day_out(value: date) -> str:
    if isinstance(value, datetime):
        value = value.date()
    return value.isoformat()


def json_out(value: Mapping[str, Any] | list[Any] | tuple[Any, ...]) -> str:
    if isinstance(value, Mapping):
        value = dict(value)
    elif isinstance(value, tuple):
        value = list(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def json_in(text: str | None) -> Any:
    return json.loads(text) if text else None


def roster_out(roster: Roster) -> str:
    entries = [
        {
            "date": day_out(e.date),
            "agent_id": e.agent_id,
            "name": e.name,
            "team": e.team,
            "status": e.status.value,
            "shift_code": e.shift_code,
            "start": dt_out_opt(e.start),
            "end": dt_out_opt(e.end),
            "breaks": [[b.code, dt_out(b.start), dt_out(b.end)] for b in e.breaks],
        }
        for e in roster.entries
    ]
    return json.dumps({"date": day_out(roster.date), "entries": entries}, ensure_ascii=False)


def roster_in(text: str) -> Roster:
    data = json.loads(text)
    return Roster(
        date=date.fromisoformat(data["date"]),
        entries=tuple(
            RosterEntry(
                date=date.fromisoformat(e["date"]),
                agent_id=e["agent_id"],
                name=e["name"],
                team=e["team"],
                status=RosterStatus(e["status"]),
                shift_code=e["shift_code"],
                start=dt_in_opt(e["start"]),
                end=dt_in_opt(e["end"]),
                breaks=tuple(Break(code, dt_in(a), dt_in(b)) for code, a, b in e["breaks"]),
            )
            for e in data["entries"]
        ),
    )
