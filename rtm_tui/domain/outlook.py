"""Today's outlook: will the TL shift and the day still make the SLA (or the SLG), and
what would it take. Pure: counts, forecast and staffing in, codes and numbers out.

1. Reforecast. Over the completed intervals (today's counts minus the running
   interval's), volume ratio = actual offered ÷ forecast calls and AHT ratio = actual AHT
   ÷ forecast AHT (calls-weighted); the remaining intervals get forecast × ratio. The
   running interval still brings its reforecast minus the calls it already had.
2. Recovery. For a rate r = num/den under the configured formula (`kpi.rate_parts`) and
   a period with num_s/den_s so far and den_r still to come, the rest must run at
   `(target·(den_s + den_r) − num_s) / den_r` for the period to end at the target;
   `ceil(target·(den_s + den_r) − num_s)` is what is still to get (calls answered within
   the threshold for SL, calls answered for SCR; for abandon, the abandons still allowed).
   Over 100 %: unreachable; at or under 0: secured.
3. Staffing. Per remaining interval, Erlang C's and Erlang A's agents for the staffing
   SL target, beside the agents there (logged in for the running interval, scheduled
   for later ones), the occupancy traffic ÷ agents and a warning over the cap.
4. Projection and what-if. Erlang A (Erlang C without abandons today) at the agents
   there, plus or minus the what-if's, gives SL, ASA and abandon per interval and the
   period's projected end value.
   Per queue: with each queue's own forecast (a forecast file with a `queue` column) the
   queue's calls to go are its forecast × its own ratios, as in 1; without, the day's
   rest (all queues) split by today's share of the calls.
5. Non-voice. time to clear = waiting × handle time ÷ agents on the channel, and when the
   response-time target will be missed (docs/OUTLOOK.md has the rule).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from functools import lru_cache

from .coverage import IntervalForecast
from .erlang import asa as erlang_c_asa
from .erlang import service_level as erlang_c_sl
from .erlang import traffic as erlang_traffic
from .erlang_a import ErlangA, estimate_patience, performance, staffing_c_and_a
from .kpi import percent, rate_parts, target_for
from .outlook_types import (
    ChannelBacklog,
    ChannelNow,
    IntervalOutlook,
    Outlook,
    OutlookRules,
    Period,
    Projection,
    QueueNow,
    QueueOutlook,
    Recovery,
    Reforecast,
    WhatIf,
)
from .types import Direction, KpiOptions, KpiTarget, StaffingRules, VoiceCounts

__all__ = [
    "ChannelBacklog",
    "ChannelNow",
    "IntervalOutlook",
    "Outlook",
    "OutlookRules",
    "Period",
    "Projection",
    "QueueNow",
    "QueueOutlook",
    "Recovery",
    "Reforecast",
    "WhatIf",
    "build_outlook",
    "next_staffing",
]

RECOVERY_KPIS = ("service_level", "scr", "abandon")
WHAT_IF_INTERVALS = 2


PATIENCE_STEP = 1.05  # the patience is used in 5 % steps


def _patience_step(patience: float) -> float:
    """The patience on a 5 % grid (…, 95.2, 100, 105 s, …): Erlang A hardly moves with it,
    and the staffing and projections of every interval stay cached while today's
    abandons nudge the estimate."""
    step = round(math.log(patience) / math.log(PATIENCE_STEP))
    return round(PATIENCE_STEP**step, 1)


def _minus(a: VoiceCounts, b: VoiceCounts) -> VoiceCounts:
    return VoiceCounts(
        offered=a.offered - b.offered,
        answered=a.answered - b.answered,
        abandoned=a.abandoned - b.abandoned,
        short_abandoned=a.short_abandoned - b.short_abandoned,
        answered_within_sl=a.answered_within_sl - b.answered_within_sl,
        handle_seconds=a.handle_seconds - b.handle_seconds,
        answer_wait_seconds=a.answer_wait_seconds - b.answer_wait_seconds,
    )


def reforecast(
    forecast: Sequence[IntervalForecast] | None,
    today: VoiceCounts,
    running: VoiceCounts,
    running_start: datetime,
) -> tuple[Reforecast, list[tuple[IntervalForecast, float, float]]]:
    """The ratios and, per remaining interval, (forecast, calls, AHT) reforecast."""
    if not forecast:
        return Reforecast(False, None, None, today.offered - running.offered, 0.0), []
    done = _minus(today, running)
    past = [f for f in forecast if f.start < running_start]
    fc_calls = sum(f.calls for f in past)
    fc_handle = sum(f.calls * f.aht_seconds for f in past)
    vr = done.offered / fc_calls if fc_calls > 0 else None
    ar = None
    if done.answered > 0 and done.handle_seconds > 0 and fc_calls > 0 and fc_handle > 0:
        ar = (done.handle_seconds / done.answered) / (fc_handle / fc_calls)
    rest = [
        (f, f.calls * (vr if vr is not None else 1.0), f.aht_seconds * (ar or 1.0))
        for f in forecast
        if f.start >= running_start
    ]
    return Reforecast(True, vr, ar, done.offered, fc_calls), rest


@lru_cache(maxsize=8192)
def _erlang_a(calls: float, seconds: float, aht: float, patience: float, n: int, t: float,
              with_asa: bool) -> ErlangA:  # fmt: skip
    # cached: between polls the same intervals are projected at the same staffing
    return performance(calls / seconds, aht, patience, n, t, with_asa)


def _project(
    calls: float,
    aht: float,
    agents: float | None,
    patience: float | None,
    rules: StaffingRules,
    with_asa: bool = False,
) -> Projection | None:
    if agents is None or calls <= 0 or aht <= 0:
        return None
    n = max(0, int(math.floor(agents + 1e-9)))
    seconds = rules.interval_minutes * 60
    t = rules.service_level_seconds
    if patience is not None:
        p = _erlang_a(round(calls, 6), seconds, round(aht, 6), patience, n, t, with_asa)
        asa = p.asa if math.isfinite(p.asa) else None
        return Projection(agents, 100.0 * p.service_level, asa, 100.0 * p.p_abandon)
    a = erlang_traffic(calls, aht, seconds)
    if n <= a:  # Erlang C has no steady state: every call waits forever
        return Projection(agents, 0.0, None, None)
    return Projection(agents, 100.0 * erlang_c_sl(a, n, aht, t), erlang_c_asa(a, n, aht), 0.0)


def _staff(row_running: bool, scheduled: float | None, logged_in: int | None) -> float | None:
    if row_running and logged_in is not None:
        return float(logged_in)
    return scheduled


def _projected_counts(
    rows: Sequence[IntervalOutlook],
    period: Period,
    delta: int,
    patience: float | None,
    rules: StaffingRules,
    short_share: float,
) -> VoiceCounts | None:
    """The remaining calls of `period` as counts, answered as projected (None: some
    interval has no staffing known)."""
    offered = answered = abandoned = within = 0.0
    for r in rows:
        if not period.start <= r.start < period.end or r.calls_to_go <= 0:
            continue
        base = r.agents
        agents = None if base is None else max(0.0, base + delta)
        p = r.projection if delta == 0 else _project(r.calls, r.aht, agents, patience, rules)
        if p is None or p.service_level is None:
            return None
        ab = (p.abandon or 0.0) / 100.0
        offered += r.calls_to_go
        abandoned += r.calls_to_go * ab
        answered += r.calls_to_go * (1.0 - ab)
        within += r.calls_to_go * p.service_level / 100.0
    return VoiceCounts(
        offered=round(offered),
        answered=round(answered),
        abandoned=round(abandoned),
        short_abandoned=round(offered * short_share),
        answered_within_sl=round(within),
    )


def _recovery(
    kpi: str,
    period: Period,
    level: str,
    target: KpiTarget,
    so_far: VoiceCounts,
    to_come: float,
    answer_share: float,
    short_share: float,
    options: KpiOptions,
    now: datetime,
    projected: VoiceCounts | None,
    planned: VoiceCounts | None,
) -> Recovery | None:
    value = target.sla if level == "sla" else target.slg
    if value is None:
        return None
    goal = value / 100.0
    num_s, den_s = rate_parts(kpi, so_far, options)
    # what the remaining calls add to the denominator under the formula
    base_r = to_come * (1.0 - short_share) if options.exclude_short_abandons else to_come
    den_r = base_r
    if kpi == "service_level":
        formula = options.service_level_formula.value
        if formula == "answered":
            den_r = to_come * answer_share
        elif formula == "no_abandons":
            den_r = to_come * (1.0 - short_share)
    current = percent(num_s, den_s)

    def end_value(rest: VoiceCounts | None) -> float | None:
        if rest is None:
            return None
        pn, pd = rate_parts(kpi, rest, options)
        return percent(num_s + pn, den_s + pd)

    proj, plan = end_value(projected), end_value(planned)
    if now >= period.end or den_r <= 0:
        if current is None:
            return Recovery(kpi, period.name, level, value, None, None, None, "no_data", proj, plan)
        met = current >= value - 1e-9 if kpi != "abandon" else current <= value + 1e-9
        state = "final_met" if met else "final_missed"
        return Recovery(kpi, period.name, level, value, current, None, None, state, proj, plan)
    total = goal * (den_s + den_r)
    if target.direction == Direction.LOWER:  # abandon: a ceiling on what is still allowed
        allowed = total - num_s
        required = allowed / den_r
        if allowed < 0:
            state, to_go = "unreachable", 0
        elif required >= 1:
            state, to_go = "secured", math.floor(allowed + 1e-9)
        else:
            state, to_go = "needed", math.floor(allowed + 1e-9)
        return Recovery(
            kpi, period.name, level, value, current, 100 * required, to_go, state, proj, plan
        )
    missing = total - num_s
    required = missing / den_r
    to_go = max(0, math.ceil(missing - 1e-9))
    if required > 1 + 1e-12:
        state = "unreachable"
    elif required <= 0:
        state = "secured"
    else:
        state = "needed"
    return Recovery(
        kpi, period.name, level, value, current, 100 * required, to_go, state, proj, plan
    )


def _backlog(c: ChannelNow, extra: int, now: datetime) -> ChannelBacklog:
    agents = c.agents + extra
    if c.waiting <= 0:
        return ChannelBacklog(c.channel, 0, agents, 0.0, None, "clear")
    if agents <= 0:
        return ChannelBacklog(c.channel, c.waiting, agents, None, None, "no_agents")
    if not c.handle_seconds:
        return ChannelBacklog(c.channel, c.waiting, agents, None, None, "no_data")
    ttc = c.waiting * c.handle_seconds / agents
    target, oldest = c.target_seconds, c.oldest_waiting_seconds
    if target is None:
        return ChannelBacklog(c.channel, c.waiting, agents, ttc, None, "on_track")
    if oldest > target:
        return ChannelBacklog(c.channel, c.waiting, agents, ttc, now, "missed")
    if ttc <= target:
        return ChannelBacklog(c.channel, c.waiting, agents, ttc, None, "on_track")
    # waits spread evenly from `oldest` (first in line) to 0 (last); the k-th of B is
    # answered after k·H/M, so its response is oldest·(1−k/B) + k·ttc/B; the first to
    # pass the target is k* = B·(target − oldest)/(ttc − oldest), at
    # now + target − oldest·(1 − k*/B)
    share = (target - oldest) / (ttc - oldest) if ttc > oldest else 0.0
    miss = now + timedelta(seconds=target - oldest * (1.0 - share))
    return ChannelBacklog(c.channel, c.waiting, agents, ttc, miss, "miss")


def build_outlook(
    *,
    now: datetime,
    rules: OutlookRules,
    periods: Sequence[Period],
    today: VoiceCounts,
    shift_so_far: VoiceCounts | None,
    running: VoiceCounts,
    running_start: datetime,
    forecast: Sequence[IntervalForecast] | None,
    scheduled: Mapping[datetime, float] | None = None,
    logged_in: int | None = None,
    queues: Sequence[QueueNow | tuple[str, VoiceCounts]] = (),
    channels: Sequence[ChannelNow] = (),
    what_if: WhatIf | None = None,
    queue_forecast: Mapping[str, Sequence[IntervalForecast]] | None = None,
) -> Outlook:
    """The outlook at `now`. `periods`: the TL shift (if any) and the day. `queues`:
    today's (and the running interval's) counts per queue; `queue_forecast`: each
    queue's own forecast (None or empty: the file has no queues, they get shares)."""
    what_if = what_if or WhatIf()
    staffing = rules.staffing
    seconds = staffing.interval_minutes * 60
    sl_t = staffing.service_level_seconds
    estimated = estimate_patience(today.abandoned, today.answered, today.answer_wait_seconds)
    patience = None if estimated is None else _patience_step(estimated)
    ref, rest = reforecast(forecast, today, running, running_start)
    sched = scheduled or {}
    rows: list[IntervalOutlook] = []
    for f, calls, aht in rest:
        is_running = f.start == running_start
        to_go = max(0.0, calls - running.offered) if is_running else calls
        a = erlang_traffic(calls, aht, seconds) if aht > 0 else 0.0
        need_c, need_a = staffing_c_and_a(
            round(calls, 6), round(aht, 6), patience, seconds, sl_t,
            staffing.service_level_target,
        )  # fmt: skip
        s = sched.get(f.start)
        li = logged_in if is_running else None
        staff = _staff(is_running, s, li)
        occ = a / staff if staff else None
        over = staff is not None and a > 0 and (staff <= a or (occ or 0) > rules.max_occupancy)
        rows.append(
            IntervalOutlook(
                f.start, is_running, f.calls, calls, to_go, aht, a, need_c, need_a, s, li,
                occ, over, _project(calls, aht, staff, patience, staffing),
            )
        )  # fmt: skip
    short_share = today.short_abandoned / today.offered if today.offered > 0 else 0.0
    answer_share = today.answered / today.offered if today.offered > 0 else 1.0
    recovery: list[Recovery] = []
    if ref.has_forecast:
        for period in periods:
            so_far = today if period.name == "day" else shift_so_far
            if so_far is None:
                continue
            to_come = sum(r.calls_to_go for r in rows if period.start <= r.start < period.end)
            projected = _projected_counts(
                rows, period, what_if.voice_delta, patience, staffing, short_share
            )
            planned = (
                _projected_counts(rows, period, 0, patience, staffing, short_share)
                if what_if.voice_delta
                else projected
            )
            for kpi in RECOVERY_KPIS:
                target = target_for(rules.targets, kpi, "all")
                if target is None:
                    continue
                for level in ("sla", "slg"):
                    rec = _recovery(
                        kpi, period, level, target, so_far, to_come, answer_share,
                        short_share, rules.options, now, projected, planned,
                    )  # fmt: skip
                    if rec is not None:
                        recovery.append(rec)
    upcoming = [r for r in rows if r.calls > 0][:WHAT_IF_INTERVALS]
    nxt = []
    for r in upcoming:
        agents = r.agents
        base = _project(r.calls, r.aht, agents, patience, staffing, with_asa=True)
        moved = None if agents is None else max(0.0, agents + what_if.voice_delta)
        alt = _project(r.calls, r.aht, moved, patience, staffing, with_asa=True)
        if base is not None and alt is not None:
            nxt.append((r.start, base, alt))
    queue_rows = _queue_rows(queues, queue_forecast, ref, rows, today, running_start)
    backlog = tuple(
        _backlog(c, what_if.to_chat if c.channel == "chat" else 0, now) for c in channels
    )
    return Outlook(
        now, ref, estimated, tuple(rows), tuple(recovery), tuple(periods), backlog,
        queue_rows, what_if, tuple(nxt),
    )  # fmt: skip


def _queue_rows(
    queues: Sequence[QueueNow | tuple[str, VoiceCounts]],
    queue_forecast: Mapping[str, Sequence[IntervalForecast]] | None,
    ref: Reforecast,
    rows: Sequence[IntervalOutlook],
    today: VoiceCounts,
    running_start: datetime,
) -> tuple[QueueOutlook, ...]:
    day_to_go = sum(r.calls_to_go for r in rows)
    out = []
    for item in queues:
        q = item if isinstance(item, QueueNow) else QueueNow(item[0], item[1])
        if queue_forecast:
            own = queue_forecast.get(q.queue)
            if not own:
                out.append(QueueOutlook(q.queue, q.today.offered, None, "none"))
                continue
            q_ref, rest = reforecast(own, q.today, q.running, running_start)
            to_go = sum(
                max(0.0, calls - q.running.offered) if f.start == running_start else calls
                for f, calls, _ in rest
            )
            out.append(QueueOutlook(q.queue, q.today.offered, to_go, "forecast", q_ref))
            continue
        share = None
        if ref.has_forecast and today.offered:
            share = day_to_go * q.today.offered / today.offered
        out.append(QueueOutlook(q.queue, q.today.offered, share, "share"))
    return tuple(out)


def next_staffing(outlook: Outlook) -> IntervalOutlook | None:
    """The interval a staffing suggestion is about: the running one (or the next with
    calls)."""
    return next((r for r in outlook.intervals if r.calls > 0), None)
