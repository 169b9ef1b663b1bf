"""KPI formulas (shared/contract/kpi.md): raw counts in, KPI values out.

Rates are percent 0..100, durations seconds. A ratio whose denominator is zero (or
negative, which only bad data can produce) is None: "no data", never 0 % or 100 %.
Several queues are summed first (`VoiceCounts.__add__`), then the formula is applied.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import fields

from .types import (
    Direction,
    KpiOptions,
    KpiTarget,
    NonVoiceCounts,
    NonVoiceNow,
    ServiceLevelFormula,
    Status,
    VoiceCounts,
    VoiceNow,
)
from .vocabulary import KPIS, Family, Unit, kpis_in, kpis_of

# Lists derived from the one registry (domain.vocabulary), kept under their old names.
KPI_LABELS: Mapping[str, str] = {k.value: d.label for k, d in KPIS.items()}
VOICE_KPIS = kpis_of(Family.VOICE)
NONVOICE_KPIS = kpis_of(Family.NONVOICE)
RATE_KPIS = kpis_in(Unit.PERCENT)
DURATION_KPIS = kpis_in(Unit.SECONDS)
# "offered" and "handled" are counts a report or metric may show beside the KPIs
COUNT_KPIS = kpis_in(Unit.COUNT) | {"offered", "handled"}
NOW_KPIS = frozenset(k for k, d in KPIS.items() if d.instantaneous)

DEFAULT_OPTIONS = KpiOptions()

# float noise tolerance for "meets" comparisons (e.g. 94.99999999999999 vs 95)
_EPS = 1e-9


def ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator > 0 else None


def percent(numerator: float, denominator: float) -> float | None:
    # 100 * n / d (not n / d * 100): exact when the true result is representable
    return 100.0 * numerator / denominator if denominator > 0 else None


def rate_parts(
    kpi: str, counts: VoiceCounts, options: KpiOptions = DEFAULT_OPTIONS
) -> tuple[float, float]:
    """(numerator, denominator) of a voice rate ("scr", "abandon", "service_level") under
    the configured options: the one place the SL formula variants are written down."""
    short = counts.short_abandoned if options.exclude_short_abandons else 0
    base = counts.offered - short
    if kpi == "scr":
        return counts.answered, base
    if kpi == "abandon":
        return counts.abandoned - short, base
    if kpi != "service_level":
        raise ValueError(f"{kpi!r} is not a voice rate")
    formula = options.service_level_formula
    if formula == ServiceLevelFormula.ANSWERED:
        sl_den: float = counts.answered
    elif formula == ServiceLevelFormula.NO_ABANDONS:
        # as written in kpi.md: short abandons always leave this denominator
        sl_den = counts.answered + counts.abandoned - counts.short_abandoned
    else:
        sl_den = base
    return counts.answered_within_sl, sl_den


def voice_kpis(
    counts: VoiceCounts, now: VoiceNow | None, options: KpiOptions = DEFAULT_OPTIONS
) -> dict[str, float | None]:
    """The voice KPIs for one queue or the sum of several."""
    return {
        "scr": percent(*rate_parts("scr", counts, options)),
        "abandon": percent(*rate_parts("abandon", counts, options)),
        "service_level": percent(*rate_parts("service_level", counts, options)),
        "aht": ratio(counts.handle_seconds, counts.answered),
        "asa": ratio(counts.answer_wait_seconds, counts.answered),
        "calls_waiting": float(now.waiting) if now is not None else None,
        "longest_wait": float(now.longest_wait_seconds) if now is not None else None,
    }


def nonvoice_kpis(counts: NonVoiceCounts, now: NonVoiceNow | None) -> dict[str, float | None]:
    """The non-voice KPIs for one channel or the sum of several."""
    return {
        "response_time": ratio(counts.first_response_seconds, counts.responded),
        "waiting_list": float(now.waiting) if now is not None else None,
        "nv_aht": ratio(counts.handle_seconds, counts.handled),
    }


def sum_voice(counts: Iterable[VoiceCounts]) -> VoiceCounts:
    total = VoiceCounts()
    for c in counts:
        total = total + c
    return total


def sum_nonvoice(counts: Iterable[NonVoiceCounts]) -> NonVoiceCounts:
    total = NonVoiceCounts()
    for c in counts:
        total = total + c
    return total


def _meets(value: float, level: float, direction: Direction) -> bool:
    if direction == Direction.HIGHER:
        return value >= level - _EPS
    return value <= level + _EPS


def status_of(value: float | None, target: KpiTarget | None) -> Status:
    """ok / warning / breach / no_data against a target's SLA and SLG.

    No value: no_data. No target (or neither SLA nor SLG): ok, nothing to miss.
    Only an SLG: meets it = ok, else breach. SLA and SLG: meets SLA = ok, meets SLG =
    warning, else breach. SLA without SLG: within `warn_margin` of the SLA (inclusive)
    = warning, beyond = breach.
    """
    if value is None:
        return Status.NO_DATA
    if target is None or (target.sla is None and target.slg is None):
        return Status.OK
    d = target.direction
    if target.sla is None:
        assert target.slg is not None
        return Status.OK if _meets(value, target.slg, d) else Status.BREACH
    if _meets(value, target.sla, d):
        return Status.OK
    if target.slg is not None:
        return Status.WARNING if _meets(value, target.slg, d) else Status.BREACH
    margin = abs(target.warn_margin)
    floor = target.sla - margin if d == Direction.HIGHER else target.sla + margin
    return Status.WARNING if margin > 0 and _meets(value, floor, d) else Status.BREACH


def target_for(targets: Mapping[str, KpiTarget], kpi: str, scope: str) -> KpiTarget | None:
    """`"<kpi>.<scope>"` (e.g. `response_time.email`) before `"<kpi>"`."""
    return targets.get(f"{kpi}.{scope}") or targets.get(kpi)


def aggregates(targets: Mapping[str, KpiTarget], kpi: str, members: Iterable[str]) -> bool:
    """Is an "all" figure of `kpi` over the `members` (queues or channels) meaningful?
    A rate (SCR, abandon, SL) over summed counts always is. A duration or a count only
    when every member is judged against the same target as "all": e-mail's response
    time (hours) added to chat's (seconds) and judged on chat's SLA is a false breach
    that never ends."""
    if kpi in RATE_KPIS:
        return True
    target = target_for(targets, kpi, "all")
    return all(target_for(targets, kpi, m) == target for m in members)


def family_of(kpi: str) -> str | None:
    """"voice" or "nonvoice": which platform figures a KPI is computed from."""
    if kpi in VOICE_KPIS:
        return "voice"
    if kpi in NONVOICE_KPIS:
        return "nonvoice"
    return None


def counts_from(family: str, raw: Mapping[str, object]) -> VoiceCounts | NonVoiceCounts:
    """Recorded counts (a KPI record's `counts`, JSON) back as the domain type: unknown
    names ignored, missing or unreadable ones 0, whole numbers where the type has them."""
    cls: type[VoiceCounts] | type[NonVoiceCounts] = (
        VoiceCounts if family == "voice" else NonVoiceCounts
    )
    values: dict[str, float | int] = {}
    for f in fields(cls):
        try:
            v = float(raw.get(f.name, 0) or 0)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            v = 0.0
        values[f.name] = int(round(v)) if f.type == "int" else v
    return cls(**values)  # type: ignore[arg-type]
