"""AUX limits, the "rules of the game" (ROTG), per kpi.md.

Limits per code (`max_minutes_each`, `max_minutes_shift`, `max_count_shift`) and over
all codes (`max_aux_minutes_shift`). "Past a limit" is strictly greater: exactly at the
limit is still within it. A code the config does not know uses `[rotg.default]`.

Scheduled breaks count towards their code, but while the agent is in the break's code
inside its window, no limit is judged (the check is deferred, not waived: if the totals
are still over the limit after the window, the alert comes then).

Alert keys, one alert per agent, code and limit:
  rotg:<agent>:<code>:each:<occurrence start ISO>   one occurrence too long
  rotg:<agent>:<code>:shift:<workday ISO date>      minutes of one code in the shift
  rotg:<agent>:<code>:count:<workday ISO date>      occurrences of one code in the shift
  rotg:<agent>:*:total:<workday ISO date>           AUX minutes over all codes
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from .types import AuxRule, Break, RotgRules, Status

NO_CODE = "(no code)"  # AUX without an aux_code from the platform
ALL_CODES = "*"


def code_label(code: str | None) -> str:
    return code or NO_CODE


@dataclass(frozen=True, slots=True)
class Violation:
    key: str
    code: str  # the AUX code, or "*" for the total over all codes
    limit_kind: str  # "each" | "shift" | "count" | "total"
    value: float  # seconds, or occurrences for "count"
    limit: float  # same unit as value

    def describe(self) -> str:
        if self.limit_kind == "count":
            return f"{self.code}: {int(self.value)} times, limit {int(self.limit)} a shift"
        what = {
            "each": "one occurrence",
            "shift": "this shift",
            "total": "all AUX this shift",
        }[self.limit_kind]
        code = "AUX" if self.code == ALL_CODES else self.code
        return f"{code}: {mmss(self.value)} {what}, limit {mmss(self.limit)}"


def mmss(seconds: float) -> str:
    s = max(0, int(seconds + 0.5))
    h, rest = divmod(s, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def _seconds(minutes: float | None) -> float | None:
    return None if minutes is None else minutes * 60.0


def timer_status(elapsed_seconds: float, limit_seconds: float | None, warn_ratio: float) -> Status:
    """Live timer colour: amber from warn_ratio × limit, red past the limit."""
    if limit_seconds is None:
        return Status.OK
    if elapsed_seconds > limit_seconds:
        return Status.BREACH
    if elapsed_seconds >= warn_ratio * limit_seconds:
        return Status.WARNING
    return Status.OK


def in_scheduled_break(code: str | None, breaks: Iterable[Break], now: datetime) -> datetime | None:
    """If `code` is inside a scheduled break window of that code: the window's end."""
    if code is not None:
        for b in breaks:
            if b.code == code and b.start <= now < b.end:
                return b.end
    return None


def each_violation(
    agent_id: str,
    code: str | None,
    start: datetime,
    end: datetime,
    rules: RotgRules,
    breaks: Iterable[Break] = (),
    *,
    running: bool = False,
) -> Violation | None:
    """One occurrence [start, end) against its per-occurrence limit.

    A running occurrence (end = now) is not judged while inside its scheduled break
    window; a closed one is not judged if it ended inside that window.
    """
    limit = _seconds(rules.for_code(code).max_minutes_each)
    elapsed = (end - start).total_seconds()
    if limit is None or elapsed <= limit:
        return None
    for b in breaks:
        if b.code == code and (
            (running and b.start <= end < b.end) or (not running and b.start < end <= b.end)
        ):
            return None
    label = code_label(code)
    key = f"rotg:{agent_id}:{label}:each:{start.isoformat()}"
    return Violation(key, label, "each", elapsed, limit)


def occurrence_start(key: str) -> datetime | None:
    """The occurrence start a per-occurrence key (`rotg:<agent>:<code>:each:<start ISO>`)
    names; None for any other key, or one proved from totals (no single start)."""
    _, sep, tail = key.rpartition(":each:")
    if not sep:
        return None
    try:
        return datetime.fromisoformat(tail)
    except ValueError:
        return None


def shift_violations(
    agent_id: str,
    workday: date,
    seconds: Mapping[str, float],
    counts: Mapping[str, int],
    rules: RotgRules,
    exempt_code: str | None = None,
) -> list[Violation]:
    """Per-code shift minutes and counts, and total AUX minutes, for one shift.

    `seconds`/`counts` are keyed by code label and include the running occurrence.
    `exempt_code`: the agent is in this code inside its scheduled break window now, so
    this code's limits and the total are not judged at this moment.
    """
    out: list[Violation] = []
    day = workday.isoformat()
    for code in seconds.keys() | counts.keys():
        if code == exempt_code:
            continue
        rule: AuxRule = rules.rules.get(code, rules.default)
        used = seconds.get(code, 0.0)
        limit = _seconds(rule.max_minutes_shift)
        if limit is not None and used > limit:
            out.append(Violation(f"rotg:{agent_id}:{code}:shift:{day}", code, "shift", used, limit))
        n = counts.get(code, 0)
        if rule.max_count_shift is not None and n > rule.max_count_shift:
            out.append(
                Violation(
                    f"rotg:{agent_id}:{code}:count:{day}", code, "count", n, rule.max_count_shift
                )
            )
    total_limit = _seconds(rules.max_aux_minutes_shift)
    if exempt_code is None and total_limit is not None:
        total = sum(seconds.values())
        if total > total_limit:
            key = f"rotg:{agent_id}:{ALL_CODES}:total:{day}"
            out.append(Violation(key, ALL_CODES, "total", total, total_limit))
    return out
