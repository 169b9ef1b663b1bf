"""A tiny schema of the Omnichannel API contract (shared/contract/omnichannel-api.md),
written from the contract text, so the simulator is checked against the document and
not against its own code."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

TIME, COUNT, SECONDS, TEXT, DATE = "time", "count", "seconds", "text", "date"


@dataclass(frozen=True)
class Nullable:
    inner: Any


@dataclass(frozen=True)
class OneOf:
    values: tuple[str, ...]


@dataclass(frozen=True)
class ListOf:
    item: Any


@dataclass(frozen=True)
class MapOf:
    value: Any


STATES = ("logged_out", "available", "on_contact", "acw", "aux")
VOICE_COUNTS = {
    k: COUNT for k in ("offered", "answered", "abandoned", "short_abandoned", "answered_within_sl")
} | {
    k: SECONDS
    for k in (
        "handle_seconds",
        "talk_seconds",
        "hold_seconds",
        "acw_seconds",
        "answer_wait_seconds",
    )
}
NONVOICE_COUNTS = {
    "received": COUNT,
    "responded": COUNT,
    "first_response_seconds": SECONDS,
    "handled": COUNT,
    "handle_seconds": SECONDS,
}

AGENTS = {
    "as_of": TIME,
    "agents": ListOf(
        {
            "agent_id": TEXT,
            "name": TEXT,
            "team": TEXT,
            "channels": ListOf(TEXT),
            "state": OneOf(STATES),
            "aux_code": Nullable(TEXT),
            "state_since": TIME,
            "login_at": Nullable(TIME),
            "logout_at": Nullable(TIME),
            "today": {
                "first_login_at": Nullable(TIME),
                "last_logout_at": Nullable(TIME),
                "aux_seconds": MapOf(SECONDS),
                "aux_count": MapOf(COUNT),
                "handled": COUNT,
            },
        }
    ),
}
VOICE = {
    "as_of": TIME,
    "interval_minutes": COUNT,
    "service_level_seconds": COUNT,
    "queues": ListOf(
        {
            "queue_id": TEXT,
            "name": TEXT,
            "interval": {"start": TIME, **VOICE_COUNTS},
            "today": VOICE_COUNTS,
            "now": {
                "waiting": COUNT,
                "longest_wait_seconds": SECONDS,
                "agents_available": COUNT,
                "agents_on_contact": COUNT,
            },
        }
    ),
}
NONVOICE = {
    "as_of": TIME,
    "interval_minutes": COUNT,
    "channels": ListOf(
        {
            "channel": TEXT,
            "name": TEXT,
            "interval": {"start": TIME, **NONVOICE_COUNTS},
            "today": NONVOICE_COUNTS,
            "now": {"waiting": COUNT, "oldest_waiting_seconds": SECONDS},
        }
    ),
}
ROSTER = {
    "date": DATE,
    "entries": ListOf(
        {
            "agent_id": TEXT,
            "name": TEXT,
            "team": TEXT,
            "shift_code": TEXT,
            "status": OneOf(("scheduled", "off", "leave", "sick", "training")),
            "start": Nullable(TIME),
            "end": Nullable(TIME),
            "breaks": ListOf({"code": TEXT, "start": TIME, "end": TIME}),
        }
    ),
}


def check(value: Any, schema: Any, path: str = "$") -> None:
    """Raise AssertionError naming the path of the first value that breaks `schema`."""
    if schema == TIME:
        assert isinstance(value, str), f"{path}: {value!r} is not a string"
        parsed = datetime.fromisoformat(value)
        assert parsed.tzinfo is not None, f"{path}: {value!r} has no UTC offset"
    elif schema == DATE:
        assert isinstance(value, str) and len(value) == 10, f"{path}: {value!r}"
        datetime.strptime(value, "%Y-%m-%d")
    elif schema == COUNT:
        assert type(value) is int and value >= 0, f"{path}: {value!r} is not a count"
    elif schema == SECONDS:
        assert type(value) in (int, float) and value >= 0 and math.isfinite(value), (
            f"{path}: {value!r} is not a duration"
        )
    elif schema == TEXT:
        assert isinstance(value, str), f"{path}: {value!r} is not a string"
    elif isinstance(schema, Nullable):
        if value is not None:
            check(value, schema.inner, path)
    elif isinstance(schema, OneOf):
        assert value in schema.values, f"{path}: {value!r} not in {schema.values}"
    elif isinstance(schema, ListOf):
        assert isinstance(value, list), f"{path}: not a list"
        for i, item in enumerate(value):
            check(item, schema.item, f"{path}[{i}]")
    elif isinstance(schema, MapOf):
        assert isinstance(value, dict), f"{path}: not an object"
        for k, v in value.items():
            assert isinstance(k, str) and k, f"{path}: bad key {k!r}"
            check(v, schema.value, f"{path}.{k}")
    elif isinstance(schema, dict):
        assert isinstance(value, dict), f"{path}: not an object"
        missing = set(schema) - set(value)
        assert not missing, f"{path}: missing {sorted(missing)}"
        extra = set(value) - set(schema)
        assert not extra, f"{path}: fields the contract does not name {sorted(extra)}"
        for k, sub in schema.items():
            check(value[k], sub, f"{path}.{k}")
    else:  # pragma: no cover - a mistake in this file
        raise TypeError(schema)


def voice_consistent(c: dict[str, Any], where: str) -> None:
    assert c["answered"] + c["abandoned"] <= c["offered"], where
    assert c["answered_within_sl"] <= c["answered"], where
    assert c["short_abandoned"] <= c["abandoned"], where
    assert c["handle_seconds"] == c["talk_seconds"] + c["hold_seconds"] + c["acw_seconds"], where


def nonvoice_consistent(c: dict[str, Any], where: str) -> None:
    assert c["responded"] <= c["received"], where
    assert c["handled"] <= c["responded"], where
