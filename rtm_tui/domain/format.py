"""How numbers look on screen: percent with one decimal, durations m:ss / h:mm:ss.

No data (None, NaN) is an em dash, never 0 or 100 %. Every rounding for display goes through
`round_half_up`: 96.25 % reads "96.3 %", as on a calculator or in a spreadsheet, not
"96.2 %" as Python's round-half-to-even on binary floats would print it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from datetime import date, datetime, tzinfo
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


def fmt_minutes(seconds: float) -> str:
    """AUX used vs allowance reads in minutes, as the rules are written: 60:00, 95:30."""
    minutes, secs = divmod(int(max(0.0, seconds)), 60)
    return f"{minutes}:{secs:02d}"


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


# The raw counts behind a KPI (VoiceCounts / NonVoiceCounts fields, an agent's AUX seconds)
# as a TL reads them. A `*_seconds` count is a duration (m:ss), any other a whole count.
COUNT_LABELS: dict[str, str] = {
    "offered": "Offered",
    "answered": "Answered",
    "abandoned": "Abandoned",
    "short_abandoned": "Short abandons",
    "answered_within_sl": "Answered in SL",
    "handle_seconds": "Handle time",
    "talk_seconds": "Talk time",
    "hold_seconds": "Hold time",
    "acw_seconds": "ACW time",
    "answer_wait_seconds": "Wait time",
    "received": "Received",
    "responded": "Responded",
    "first_response_seconds": "First response time",
    "handled": "Handled",
    "aux_used_seconds": "AUX used",
    "aux_allowance_seconds": "AUX allowance",
    "in_aux_seconds": "In AUX now",
    "late_seconds": "Late by",
}


def count_label(name: str) -> str:
    """A count's name for the TL: `first_response_seconds` -> "First response time"."""
    if name in COUNT_LABELS:
        return COUNT_LABELS[name]
    base = name.removesuffix("_seconds").replace("_", " ").strip()
    return base[:1].upper() + base[1:] if base else name


def fmt_count_value(name: str, value: float | None) -> str:
    """A count in its unit: `*_seconds` as m:ss, anything else as a whole number."""
    return fmt_duration(value) if name.endswith("_seconds") else fmt_count(value)


def fmt_counts(counts: Mapping[str, float], label: Callable[[str], str] = count_label) -> str:
    """"Offered 50 · Answered 44 · Handle time 3:20:00"; no counts: an em dash."""
    parts = [f"{label(k)} {fmt_count_value(k, v)}" for k, v in dict(counts).items()]
    return " · ".join(parts) or NO_DATA


MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def fmt_when(
    moment: datetime | None,
    tz: tzinfo,
    day: date | None = None,
    months: tuple[str, ...] = MONTHS_EN,
) -> str:
    """A time in `tz`: "08:00" on `day`, else with its date, "25 Nov 08:00" (no `day`:
    always with the date). None: an em dash."""
    if moment is None:
        return NO_DATA
    local = moment.astimezone(tz)
    if day is not None and local.date() == day:
        return f"{local:%H:%M}"
    return f"{local.day} {months[local.month - 1]} {local:%H:%M}"
