"""Python values <-> SQLite columns."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any


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
