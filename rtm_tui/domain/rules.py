"""The rules a site judges by (from its config): KPI targets and options, AUX limits,
attendance graces, staffing. Re-exported by `domain.types`, where the values live."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

# --------------------------------------------------------------------------- rules


class Direction(StrEnum):
    HIGHER = "higher"  # higher is better (SCR, SL)
    LOWER = "lower"  # lower is better (abandon, AHT, ASA, waiting, response time)


@dataclass(frozen=True, slots=True)
class KpiTarget:
    """SLA = agreed level, SLG = guarantee floor. Units: % for rates, seconds for times."""

    kpi: str
    direction: Direction
    sla: float | None = None
    slg: float | None = None
    warn_margin: float = 0.0


class ServiceLevelFormula(StrEnum):
    OFFERED = "offered"
    ANSWERED = "answered"
    NO_ABANDONS = "no_abandons"


@dataclass(frozen=True, slots=True)
class KpiOptions:
    exclude_short_abandons: bool = False
    service_level_formula: ServiceLevelFormula = ServiceLevelFormula.OFFERED
    # a warning that lasts longer than this also raises an alert; None = never
    warning_alert_after: timedelta | None = None


@dataclass(frozen=True, slots=True)
class AuxRule:
    code: str
    max_minutes_each: float | None = None
    max_minutes_shift: float | None = None
    max_count_shift: int | None = None
    warn_ratio: float = 0.8


@dataclass(frozen=True, slots=True)
class RotgRules:
    rules: Mapping[str, AuxRule]
    default: AuxRule
    max_aux_minutes_shift: float | None = None

    def for_code(self, code: str | None) -> AuxRule:
        return self.rules.get(code or "", self.default)


@dataclass(frozen=True, slots=True)
class AttendanceRules:
    late_grace: timedelta = timedelta(minutes=5)
    no_show_after: timedelta = timedelta(minutes=30)
    early_out_grace: timedelta = timedelta(minutes=5)
    adherence_grace: timedelta = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class StaffingRules:
    shrinkage: float = 0.30
    service_level_target: float = 0.80
    service_level_seconds: int = 20
    interval_minutes: int = 30
    min_rest_hours: float = 8.0
    min_shift_hours: float = 4.0
    max_shift_hours: float = 12.0
    max_on_break_share: float = 0.25
