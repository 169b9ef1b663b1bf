"""The handover report's outlook: the day's (and the TL shift's) outlook at the time the
report is printed, from the shift record and the `[staffing] forecast` file, as lines
added to the report's notes (so the markdown, csv and xlsx formats all carry them).

Today so far is the platform's tally as last recorded (the recorded intervals begin
when rtm did, the night is in the tally); the running interval is the last recorded one
when `now` is inside it; the agents there are the roster's (the report does not see who
is logged in).
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from rtm_tui.domain.coverage import IntervalForecast, staffed_in
from rtm_tui.domain.kpi import counts_from, sum_voice
from rtm_tui.domain.outlook import Outlook, OutlookRules, Period, build_outlook
from rtm_tui.domain.types import VoiceCounts
from rtm_tui.i18n.outlook_text import outlook_lines

__all__ = ["attach", "report_outlook"]


def _forecast(settings: Any, day: Any) -> tuple[IntervalForecast, ...] | None:
    source = settings.staffing.forecast.strip()
    if not source:
        return None
    from rtm_tui.sources.forecast_files import ForecastFileError, read_forecast_file

    try:
        days = read_forecast_file(
            Path(source).expanduser(), settings.tz, settings.staffing.interval_minutes
        )
    except (ForecastFileError, OSError):
        return None
    return days.get(day)


def report_outlook(store: Any, settings: Any, summary: Any, now: datetime) -> Outlook | None:
    """The outlook at `now` (at most the end of the report's day) from the store."""
    tz = settings.tz
    day = summary.day
    day0 = datetime.combine(day, datetime.min.time(), tzinfo=tz)
    day1 = day0 + timedelta(days=1)
    now = min(now.astimezone(tz), day1 - timedelta(seconds=1))
    per_interval: dict[datetime, VoiceCounts] = {}
    platform_today: VoiceCounts | None = None  # the platform's own tally since midnight
    for r in store.interval_kpis(day=day, scope="all", kpi="scr"):
        if not r.counts or r.period not in ("interval", "today"):
            continue
        c = counts_from("voice", r.counts)
        assert isinstance(c, VoiceCounts)
        if r.period == "today":
            platform_today = c
        else:
            per_interval[r.period_start.astimezone(tz)] = c
    if not per_interval:
        return None
    step = timedelta(minutes=settings.staffing.interval_minutes)
    latest = max(per_interval)
    running_start = latest if now < latest + step else latest + step
    running = per_interval.get(running_start, VoiceCounts())
    # the intervals recorded start when rtm did; the platform's today has the night too
    today = platform_today or sum_voice(per_interval.values())
    w0, w1 = summary.window_start, summary.window_end
    shift = sum_voice(c for t, c in per_interval.items() if w0 <= t < w1)
    roster = store.load_roster(day) if hasattr(store, "load_roster") else None
    scheduled: dict[datetime, float] = {}
    if roster is not None:
        start = day0
        while start < day1:
            scheduled[start] = staffed_in(roster.entries, start, start + step)[0]
            start += step
    rules = OutlookRules(
        settings.kpi_targets(), settings.kpi_options(), settings.staffing_rules(),
        settings.staffing.max_occupancy,
    )  # fmt: skip
    return build_outlook(
        now=now,
        rules=rules,
        periods=(Period("shift", w0, w1), Period("day", day0, day1)),
        today=today,
        shift_so_far=shift,
        running=running,
        running_start=running_start,
        forecast=_forecast(settings, day),
        scheduled=scheduled,
    )


def attach(summary: Any, store: Any, settings: Any, now: datetime) -> Any:
    """`summary` with the outlook's lines added to its notes (unchanged without data)."""
    try:
        outlook = report_outlook(store, settings, summary, now)
    except Exception as exc:  # the report is printed without the outlook, saying why
        return dataclasses.replace(
            summary, notes=(*summary.notes, f"Outlook: not computed ({exc})")
        )
    if outlook is None:
        return summary
    lines = outlook_lines(outlook, settings.tz, width=120, what_if_keys=False)
    return dataclasses.replace(summary, notes=(*summary.notes, *lines))
