"""The domain's words: KPI ids and what they measure, periods, scopes.

One registry (`KPIS`) that the formulas, the config's target checks, the gauges, the
metrics and the reports derive their lists from, so a KPI added here is known everywhere
and a copy can never drift. Ids are `StrEnum`s: they compare equal to the strings the
store, the config and the API already use.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from .types import Direction


class KpiId(StrEnum):
    SCR = "scr"
    ABANDON = "abandon"
    SERVICE_LEVEL = "service_level"
    AHT = "aht"
    ASA = "asa"
    CALLS_WAITING = "calls_waiting"
    LONGEST_WAIT = "longest_wait"
    RESPONSE_TIME = "response_time"
    WAITING_LIST = "waiting_list"
    NV_AHT = "nv_aht"


class Family(StrEnum):
    VOICE = "voice"
    NONVOICE = "nonvoice"


class Unit(StrEnum):
    PERCENT = "percent"  # 0..100
    SECONDS = "seconds"
    COUNT = "count"


class Period(StrEnum):
    """What a KPI value covers; `t` on the dashboard cycles them in this order."""

    INTERVAL = "interval"  # the current interval so far
    SHIFT = "shift"  # the TL shift so far
    TODAY = "today"  # the site's day so far


PERIODS: tuple[Period, ...] = tuple(Period)


@dataclass(frozen=True, slots=True)
class KpiDef:
    id: KpiId
    family: Family
    unit: Unit
    direction: Direction
    label: str  # English, for logs and the CLI; screens use the catalog's `kpi.<id>`
    # a picture of the queue now (the same for every period), not a tally over one
    instantaneous: bool = False


def _def(
    kpi: KpiId, family: Family, unit: Unit, better: Direction, label: str, now: bool = False
) -> KpiDef:
    return KpiDef(kpi, family, unit, better, label, now)


_V, _NV = Family.VOICE, Family.NONVOICE
_UP, _DOWN = Direction.HIGHER, Direction.LOWER

KPIS: Mapping[KpiId, KpiDef] = {
    d.id: d
    for d in (
        _def(KpiId.SCR, _V, Unit.PERCENT, _UP, "SCR"),
        _def(KpiId.ABANDON, _V, Unit.PERCENT, _DOWN, "Abandon rate"),
        _def(KpiId.SERVICE_LEVEL, _V, Unit.PERCENT, _UP, "Service level"),
        _def(KpiId.AHT, _V, Unit.SECONDS, _DOWN, "AHT"),
        _def(KpiId.ASA, _V, Unit.SECONDS, _DOWN, "ASA"),
        _def(KpiId.CALLS_WAITING, _V, Unit.COUNT, _DOWN, "Calls waiting", now=True),
        _def(KpiId.LONGEST_WAIT, _V, Unit.SECONDS, _DOWN, "Longest wait", now=True),
        _def(KpiId.RESPONSE_TIME, _NV, Unit.SECONDS, _DOWN, "Response time"),
        _def(KpiId.WAITING_LIST, _NV, Unit.COUNT, _DOWN, "Waiting list", now=True),
        _def(KpiId.NV_AHT, _NV, Unit.SECONDS, _DOWN, "Non-voice AHT"),
    )
}


def kpis_of(family: Family) -> tuple[KpiId, ...]:
    return tuple(k for k, d in KPIS.items() if d.family is family)


def kpis_in(unit: Unit) -> frozenset[KpiId]:
    return frozenset(k for k, d in KPIS.items() if d.unit is unit)


# --------------------------------------------------------------------------- scopes

ALL_SCOPE = "all"  # every queue (voice) or every channel (non-voice) together
AGENT_SCOPE_PREFIX = "agent:"  # a plan about one agent: "agent:<id>"


def agent_scope(agent_id: str) -> str:
    return AGENT_SCOPE_PREFIX + agent_id


def scope_agent(scope: str) -> str | None:
    """The agent id of an agent scope, None for a queue, channel or "all"."""
    return scope[len(AGENT_SCOPE_PREFIX) :] if scope.startswith(AGENT_SCOPE_PREFIX) else None
