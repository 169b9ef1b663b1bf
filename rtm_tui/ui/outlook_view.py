"""The Outlook view (key 3): will the TL shift and the day still make the SLA / SLG, and
what would it take (rtm_tui.domain.outlook computes it; this module gathers the inputs
from the app and writes the lines, in 80 columns).

What-if keys while the view is shown: `m` / `M` one more / one fewer agent available
from now, `x` / `X` move one voice agent to chat / back, `0` back to the plan.
`outlook_suggestion(app)` is the staffing suggestion for the plan form.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from rich.text import Text
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from rtm_tui.domain.coverage import scheduled_per_interval
from rtm_tui.domain.format import fmt_count
from rtm_tui.domain.kpi import counts_from, target_for
from rtm_tui.domain.outlook import (
    ChannelNow,
    Outlook,
    OutlookRules,
    Period,
    QueueNow,
    WhatIf,
    build_outlook,
    next_staffing,
)
from rtm_tui.domain.plan_suggestions import Suggestion
from rtm_tui.domain.shift import window_at
from rtm_tui.domain.types import AgentState, VoiceCounts
from rtm_tui.i18n.outlook_text import outlook_lines
from rtm_tui.i18n.plans import suggestion_text
from rtm_tui.ui.i18n import t

__all__ = ["OutlookView", "gather_outlook", "outlook_lines", "outlook_suggestion", "staffing_suggestion"]

MAX_WHAT_IF = 500


def _voice(kpis: Sequence[Any], period: str, scope: str = "all") -> VoiceCounts | None:
    kv = next((k for k in kpis if k.kpi == "scr" and k.scope == scope and k.period == period), None)
    if kv is None or not kv.counts:
        return None
    counts = counts_from("voice", kv.counts)
    assert isinstance(counts, VoiceCounts)
    return counts


_SCHEDULED: dict[Any, dict[datetime, float]] = {}


def _voice_scheduled(feed: Any, now: datetime, not_voice: frozenset[str]) -> dict[datetime, float]:
    """Voice agents on shift and not on a break per interval of today (the roster view's
    `staffed_in`, less the agents the platform has on other channels only); kept until
    the roster or who takes voice changes."""
    today, yesterday = feed.roster, getattr(feed, "_yesterday_roster", None)
    if today is None:
        return {}
    step = timedelta(minutes=feed.coverage.minutes())
    day0 = now.replace(hour=0, minute=0, second=0, microsecond=0)
    key = (day0, step, id(today), id(yesterday), not_voice)
    cached = _SCHEDULED.get(key)
    if cached is None:
        entries = [*today.entries, *(yesterday.entries if yesterday is not None else ())]
        starts = []
        start = day0
        while start.date() == day0.date():
            starts.append(start)
            start += step
        voice = (e for e in entries if e.agent_id not in not_voice)
        cached = dict(zip(starts, scheduled_per_interval(voice, starts, step), strict=True))
        _SCHEDULED.clear()  # one day, one roster at a time
        _SCHEDULED[key] = cached
    return cached


def gather_outlook(app: Any, what_if: WhatIf | None = None) -> Outlook | None:
    """The outlook from what the running app has: the monitor's KPI counts (today, the
    TL shift, the running interval), the feed's forecast and coverage, the agents."""
    view, feed, settings = app.view, app.feed, app.settings
    if view is None or feed is None or feed.last_voice is None or not feed.last_voice.queues:
        return None
    tz = settings.tz
    now = view.now.astimezone(tz)
    today, running = _voice(view.kpis, "today"), _voice(view.kpis, "interval")
    if today is None or running is None:
        return None
    voice = feed.last_voice
    running_start = max(q.interval_start for q in voice.queues).astimezone(tz)
    day0 = now.replace(hour=0, minute=0, second=0, microsecond=0)
    periods = []
    shifts = {n: (s.start, s.end) for n, s in settings.site.tl_shifts.items()}
    window = window_at(shifts, now, tz)
    if window is not None:
        periods.append(Period("shift", window.start, window.end))
    periods.append(Period("day", day0, (day0 + timedelta(days=1, hours=2)).replace(hour=0)))
    forecast = (feed.coverage.forecast or {}).get(now.date()) if feed.coverage.forecast else None
    agents = getattr(feed, "last_agents", None)
    # voice agents only where the platform says who takes which channel
    not_voice = (
        frozenset(a.agent_id for a in agents.agents if "voice" not in a.channels)
        if agents is not None
        else frozenset()
    )
    scheduled = _voice_scheduled(feed, now, not_voice)
    if agents is not None:
        logged_in = sum(
            1 for a in agents.agents if a.state != AgentState.LOGGED_OUT and "voice" in a.channels
        )
    else:
        logged_in = sum(1 for r in view.rows if r.state != AgentState.LOGGED_OUT)
    channels: list[ChannelNow] = []
    nonvoice = feed.last_nonvoice
    targets = settings.kpi_targets()
    if nonvoice is not None:
        for c in nonvoice.channels:
            on = 0
            if agents is not None:
                on = sum(
                    1
                    for a in agents.agents
                    if a.state != AgentState.LOGGED_OUT and c.channel in a.channels
                )
            handled = c.today.handled
            target = target_for(targets, "response_time", c.channel)
            channels.append(
                ChannelNow(
                    c.channel,
                    c.now.waiting,
                    c.now.oldest_waiting_seconds,
                    c.today.handle_seconds / handled if handled else None,
                    on,
                    target.sla if target is not None else None,
                )
            )
    # a queue's running counts only if it is in the running interval (else none yet)
    queues = [
        QueueNow(q.queue_id, q.today, q.interval if q.interval_start == running_start else
                 VoiceCounts())
        for q in voice.queues
    ]  # fmt: skip
    queue_forecast = feed.coverage.queue_forecast.get(now.date())
    rules = OutlookRules(
        targets, settings.kpi_options(), settings.staffing_rules(),
        settings.staffing.max_occupancy,
    )  # fmt: skip
    return build_outlook(
        now=now,
        rules=rules,
        periods=periods,
        today=today,
        shift_so_far=_voice(view.kpis, "shift"),
        running=running,
        running_start=running_start,
        forecast=forecast,
        scheduled=scheduled,
        logged_in=logged_in,
        queues=queues,
        channels=channels,
        what_if=what_if or WhatIf(),
        queue_forecast=queue_forecast,
    )


def outlook_suggestion(app: Any) -> Suggestion | None:
    """The outlook's staffing line as a plan suggestion (voice plans): agents needed now by
    Erlang C and Erlang A beside the voice agents there. None without a forecast."""
    try:
        outlook = gather_outlook(app)
    except Exception:  # a suggestion must never break the form
        return None
    r = None if outlook is None else next_staffing(outlook)
    if r is None:
        return None
    gap = None if r.agents is None else round(r.agents - r.need_c)
    return Suggestion(
        "outlook_staffing",
        {
            "start": f"{r.start.astimezone(app.settings.tz):%H:%M}",
            "need_c": r.need_c,
            "need_a": r.need_a,
            "there": "—" if r.agents is None else fmt_count(r.agents),
            "gap": "—" if gap is None else f"{gap:+d}",
        },
    )


def staffing_suggestion(app: Any) -> str | None:
    """`outlook_suggestion` as the TL reads it, e.g. "Outlook 11:00: 16 agents needed
    (Erlang C), 14 (Erlang A), 21 there (+5)"; None without a forecast or voice."""
    suggestion = outlook_suggestion(app)
    return None if suggestion is None else suggestion_text(suggestion)


# ---------------------------------------------------------------------- widget


class OutlookView(VerticalScroll, can_focus=True):
    """The outlook, recomputed when the monitor's view changes (while shown)."""

    BINDINGS = [
        Binding("m", "more(1)", "More agents", id="outlook_more"),
        Binding("M", "more(-1)", "Fewer agents", id="outlook_fewer", show=False),
        Binding("x", "chat(1)", "To chat", id="outlook_chat"),
        Binding("X", "chat(-1)", "Back from chat", id="outlook_unchat", show=False),
        Binding("0", "reset", "Reset what-if", id="outlook_reset", show=False),
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        from rtm_tui.ui.app import translate_bindings  # the app imports this module lazily

        translate_bindings(self)
        self.what_if = WhatIf()
        self.outlook: Outlook | None = None
        self._seen: Any = None
        self.body = Static("", id="outlook-body")

    def compose(self) -> Any:
        yield self.body

    def on_mount(self) -> None:
        self.set_interval(1.0, self.refresh_outlook)

    def refresh_outlook(self, force: bool = False) -> None:
        app: Any = self.app
        if not force and (app.active_view != "outlook" or app.view is self._seen):
            return
        self._seen = app.view
        try:
            self.outlook = gather_outlook(app, self.what_if)
        except Exception as exc:  # an outlook problem must not take the app down
            app.log.warning(f"outlook: {exc}")
            self.outlook = None
        width = max(40, min(self.size.width or 80, 120))
        lines = outlook_lines(self.outlook, app.settings.tz, width)
        since = app.view.shift_from if self.outlook is not None and app.view else None
        if since is not None:  # the shift rows cover what rtm saw
            at = f"{since.astimezone(app.settings.tz):%H:%M}"
            lines.insert(1, t("outlook.shift_from", at=at))
        text = "\n".join(lines)
        self.body.update(Text(text))

    def action_more(self, step: int) -> None:
        n = max(-MAX_WHAT_IF, min(MAX_WHAT_IF, self.what_if.more_agents + step))
        self.what_if = WhatIf(n, self.what_if.to_chat)
        self.refresh_outlook(force=True)

    def action_chat(self, step: int) -> None:
        n = max(0, min(MAX_WHAT_IF, self.what_if.to_chat + step))
        self.what_if = WhatIf(self.what_if.more_agents, n)
        self.refresh_outlook(force=True)

    def action_reset(self) -> None:
        self.what_if = WhatIf()
        self.refresh_outlook(force=True)
