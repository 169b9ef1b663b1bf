"""How numbers look on screen: percent with one decimal, durations m:ss / h:mm:ss.

No data (None, NaN) is an em dash, never 0 or 100 %.
"""

from __future__ import annotations

import math

from .kpi import COUNT_KPIS, DURATION_KPIS, RATE_KPIS

NO_DATA = "—"


def _missing(v: float | None) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def fmt_percent(v: float | None) -> str:
    """95.0 -> "95.0 %" (input already in percent)."""
    if _missing(v):
        return NO_DATA
    assert v is not None
    return f"{v:.1f} %"


def fmt_duration(seconds: float | None) -> str:
    """Seconds to "m:ss", or "h:mm:ss" from one hour; rounded to the nearest second.

    Negative durations (clock skew between the platform and us) show as 0:00.
    """
    if _missing(seconds):
        return NO_DATA
    assert seconds is not None
    if math.isinf(seconds):
        return "∞"
    total = max(0, math.floor(seconds + 0.5))
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    if h:
        return f"{h}:{m:02d}:{s:02d}"
    return f"{m}:{s:02d}"


def fmt_count(v: float | None) -> str:
    if _missing(v):
        return NO_DATA
    assert v is not None
    return str(int(round(v)))


def fmt_kpi(kpi_id: str, value: float | None) -> str:
    """Format by KPI kind; accepts scoped ids such as `response_time.email`."""
    kind = kpi_id.split(".", 1)[0]
    if kind in RATE_KPIS:
        return fmt_percent(value)
    if kind in DURATION_KPIS:
        return fmt_duration(value)
    if kind in COUNT_KPIS:
        return fmt_count(value)
    if _missing(value):
        return NO_DATA
    return f"{value:g}"
