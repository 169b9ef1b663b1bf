"""How numbers look on screen: percent with one decimal, durations m:ss / h:mm:ss.

No data (None, NaN) is an em dash, never 0 or 100 %. Every rounding for display goes through
`round_half_up`: 96.25 % reads "96.3 %", as on a calculator or in a spreadsheet, not
"96.2 %" as Python's round-half-to-even on binary floats would print it.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

from .kpi import COUNT_KPIS, DURATION_KPIS, RATE_KPIS

NO_DATA = "—"


def _missing(v: float | None) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def round_half_up(v: float, digits: int = 0) -> Decimal:
    """`v` rounded half away from zero at `digits` decimals, judged on its shortest decimal
    form (repr), so 96.25 -> 96.3 and 0.15 -> 0.2 although neither is exact in binary."""
    return Decimal(repr(float(v))).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def fmt_decimal(v: float, digits: int = 1) -> str:
    """A plain number at `digits` decimals, half-up: 2.25 -> "2.3"."""
    return f"{round_half_up(v, digits):.{digits}f}"


def fmt_percent(v: float | None) -> str:
    """95.0 -> "95.0 %" (input already in percent)."""
    if _missing(v):
        return NO_DATA
    assert v is not None
    if math.isinf(v):
        return "∞ %"
    return f"{fmt_decimal(v, 1)} %"


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
    if math.isinf(v):
        return "∞"
    return str(int(round_half_up(v)))


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
