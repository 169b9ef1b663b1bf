"""The header: site, date and time, TL shift and name, freshness of each source, alerts.

Two lines, redrawn by the 1 Hz tick (clock, freshness ages) and on each update (alert
count). A click, or `f`, opens the freshness detail with each source's last error.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.events import Click
from textual.message import Message
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Static

from rtm_tui.sources.sanitise import scrub
from rtm_tui.ui.i18n import has, t

SOURCES = ("agents", "voice", "nonvoice", "roster")
LEVELS = ("fresh", "late", "stale", "never", "off")


@dataclass(frozen=True, slots=True)
class SourceStatus:
    """What the header knows of one source: its level now and the poller's freshness."""

    level: str  # fresh | late | stale | never | off
    freshness: Any | None = None  # rtm_tui.sources.pollers.Freshness

    @property
    def auth_rejected(self) -> bool:
        """The last poll was refused with 401/403: polling again will not help, the
        token will (cleared by the next success, like every `last_error*`)."""
        return getattr(self.freshness, "last_error_kind", None) == "auth"


def short_age(seconds: float) -> str:
    """3s, 4m, 2h: how long ago, in the least room."""
    seconds = max(0.0, seconds)
    if seconds < 60:
        return f"{int(seconds)}s"
    if seconds < 3600:
        return f"{int(seconds // 60)}m"
    return f"{int(seconds // 3600)}h"


def date_text(now: datetime, form: str = "long") -> str:
    """"Tue 24 Nov 2026 08:15:03 WIB" with day and month names in the UI language;
    "short": "24 Nov 08:15:03 WIB"; "time": "08:15:03 WIB" (narrow terminals)."""
    day = t(f"day.{now.weekday()}")
    month = t(f"month.{now.month}")
    clock = f"{now:%H:%M:%S} {now:%Z}".rstrip()
    if form == "time":
        return clock
    if form == "short":
        return f"{now.day} {month} {clock}"
    return f"{day} {now.day} {month} {now.year} {clock}"


DATE_FORMS = ("long", "short", "time")


class RtmHeader(Widget):
    """Site, time, shift, TL; source freshness; open alerts and overdue plans."""

    DEFAULT_CSS = """
    RtmHeader {
        dock: top;
        height: 2;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        background: $panel;
        color: $foreground;
        padding: 0 1;
    }
    RtmHeader > .header--demo { background: $warning; color: $background; text-style: bold; }
    RtmHeader > .header--site { text-style: bold; }
    RtmHeader > .header--muted { color: $foreground 60%; }
    RtmHeader > .header--fresh { color: $text-success; }
    RtmHeader > .header--late { color: $text-warning; }
    RtmHeader > .header--stale { color: $text-error; text-style: bold; }
    RtmHeader > .header--never { color: $foreground 50%; }
    RtmHeader > .header--off { color: $foreground 40%; }
    RtmHeader > .header--alerts { color: $text-error; text-style: bold; }
    RtmHeader > .header--overdue { color: $text-warning; text-style: bold; }
    """
    COMPONENT_CLASSES = {
        "header--demo",
        "header--site",
        "header--muted",
        "header--alerts",
        "header--overdue",
        *(f"header--{level}" for level in LEVELS),
    }

    class FreshnessRequested(Message):
        """The header was clicked: show the freshness detail."""

    def __init__(
        self,
        *,
        site: str,
        tl_name: str,
        demo: bool = False,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.site = site
        self.tl_name = tl_name
        self.demo = demo
        self.now: datetime | None = None
        self.shift: str | None = None
        self.sources: dict[str, SourceStatus] = {s: SourceStatus("never") for s in SOURCES}
        self.open_alerts = 0
        self.alert_counts: tuple[int, int, int] = (0, 0, 0)  # severe, breach, warning
        self.overdue_plans = 0
        self.store_health = "ok"  # rtm_tui.store.Store.health: ok | read_only | unavailable
        self.clock_skew = ""  # the platform's clock against ours ("+10:00"), "" when in step

    def update_header(
        self,
        *,
        now: datetime | None = None,
        shift: str | None = None,
        sources: Mapping[str, SourceStatus] | None = None,
        open_alerts: int | None = None,
        alert_counts: tuple[int, int, int] | None = None,
        overdue_plans: int | None = None,
        store_health: str | None = None,
        clock_skew: str | None = None,
    ) -> None:
        before = self._state()
        if now is not None:
            self.now = now
            self.shift = shift
        if sources is not None:
            self.sources.update(sources)
        if open_alerts is not None:
            self.open_alerts = open_alerts
        if alert_counts is not None:
            self.alert_counts = alert_counts
        if overdue_plans is not None:
            self.overdue_plans = overdue_plans
        if store_health is not None:
            self.store_health = store_health
        if clock_skew is not None:
            self.clock_skew = clock_skew
        if self._state() != before:
            self.refresh()

    def _state(self) -> tuple[Any, ...]:
        ages = tuple(
            (name, s.level, s.auth_rejected, self._age(s))
            for name, s in sorted(self.sources.items())
        )
        stamp = self.now.replace(microsecond=0) if self.now else None
        return (
            stamp,
            self.shift,
            ages,
            self.open_alerts,
            self.alert_counts,
            self.overdue_plans,
            self.store_health,
            self.clock_skew,
        )

    def _age(self, status: SourceStatus) -> str:
        last = getattr(status.freshness, "last_success", None)
        if last is None or self.now is None:
            return ""
        return short_age((self.now - last).total_seconds())

    def render(self) -> Text:
        # the first line in the room there is: a shorter date rather than a cut name
        width = self.content_size.width
        for form in DATE_FORMS:
            top = self._top_line(form)
            if not width or top.cell_len <= width:
                break
        top.append("\n")
        top.append_text(self._bottom_line())
        return top

    def _top_line(self, date_form: str) -> Text:
        style = self.get_component_rich_style
        sep = Text(" │ ", style=style("header--muted"))
        top = Text(no_wrap=True, overflow="ellipsis")
        if self.demo:
            top.append(f" {t('app.demo')} ", style=style("header--demo"))
            top.append(" ")
        top.append(self.site, style=style("header--site"))
        if self.now is not None:
            top.append_text(sep)
            top.append(date_text(self.now, date_form))
        top.append_text(sep)
        if self.shift:
            top.append(t("header.shift", shift=t(f"shift.{self.shift}")))
        else:
            top.append(t("header.no_shift"), style=style("header--muted"))
        if self.tl_name:
            top.append_text(sep)
            top.append(t("header.tl", name=self.tl_name))
        return top

    def _bottom_line(self) -> Text:
        style = self.get_component_rich_style
        sep = Text(" │ ", style=style("header--muted"))
        bottom = Text(no_wrap=True, overflow="ellipsis")
        for i, name in enumerate(SOURCES):
            status = self.sources.get(name, SourceStatus("never"))
            level_style = style(f"header--{status.level}")
            if i:
                bottom.append("  ")
            bottom.append("● ", style=level_style)
            bottom.append(t(f"source.{name}"))
            age = self._age(status)
            if status.auth_rejected:
                # not just "stale": the TL must know waiting will not fix this one
                bottom.append(f" {t('fresh.auth')}", style=style("header--stale"))
            elif status.level in ("late", "stale", "never", "off"):
                bottom.append(f" {t(f'fresh.{status.level}')}", style=level_style)
            if age:
                bottom.append(f" {age}", style=style("header--muted"))
        bottom.append_text(sep)
        severe, breach, warning = self.alert_counts
        if severe or breach or warning:  # in alarm, not acknowledged, by severity
            alerts = t("alert.ui.header", severe=severe, breach=breach, warning=warning)
        else:
            alerts = t("header.alerts", count=self.open_alerts)
        bottom.append(alerts, style=style("header--alerts") if self.open_alerts else "")
        if self.overdue_plans:
            bottom.append_text(sep)
            bottom.append(
                t("header.overdue", count=self.overdue_plans), style=style("header--overdue")
            )
        if self.store_health in ("read_only", "unavailable"):
            bottom.append_text(sep)
            bottom.append(t(f"header.store_{self.store_health}"), style=style("header--alerts"))
        if self.clock_skew:
            # timers are corrected by this much: the TL should know the platform is off
            bottom.append_text(sep)
            bottom.append(t("skew.short", skew=self.clock_skew), style=style("header--overdue"))
        return bottom

    def on_click(self, event: Click) -> None:
        self.post_message(self.FreshnessRequested())


class FreshnessScreen(ModalScreen[None]):
    """Each source: status, when data last came, the last error and how many in a row."""

    DEFAULT_CSS = """
    FreshnessScreen { align: center middle; }
    FreshnessScreen > #freshness-box {
        width: 100; max-width: 95%; height: auto; max-height: 90%;
        border: round $accent; padding: 0 1; background: $surface;
    }
    """
    BINDINGS = [
        Binding("escape,f,q,enter", "dismiss", "Close", id="close"),
        Binding("r", "retry_now", "Retry now", id="retry_now"),
    ]

    def __init__(
        self,
        sources: Mapping[str, SourceStatus],
        now: datetime,
        tz: Any,
        follow: Callable[[], tuple[Mapping[str, SourceStatus], datetime]] | None = None,
        retry: Callable[[], int] | None = None,
    ) -> None:
        super().__init__()
        self.sources = dict(sources)
        self.now = now
        self.tz = tz
        # while open, the detail follows the sources once a second
        self.follow = follow
        # `r`: poll every source now, cutting any wait short (backoff, Retry-After);
        # returns how many pollers were woken
        self.retry = retry
        self.box = Static(self._body(), id="freshness-box")

    def compose(self) -> ComposeResult:
        self.box.border_title = t("fresh.title")
        self.box.border_subtitle = t("counts.close")
        yield self.box

    def on_mount(self) -> None:
        if self.follow is not None:
            self.set_interval(1.0, self._refresh_detail)

    def action_retry_now(self) -> None:
        if self.retry is None:
            return
        woken = self.retry()
        self.notify(t("fresh.retrying", count=woken), timeout=2)

    def _refresh_detail(self) -> None:
        assert self.follow is not None
        sources, self.now = self.follow()
        self.sources = dict(sources)
        self.box.update(self._body())

    def _when(self, moment: datetime | None) -> str:
        if moment is None:
            return t("fresh.none")
        local = moment.astimezone(self.tz)
        age = short_age((self.now - moment).total_seconds())
        return f"{local:%H:%M:%S} ({t('fresh.ago', age=age)})"

    def _body(self) -> Text:
        out = Text()
        for name in SOURCES:
            status = self.sources.get(name, SourceStatus("never"))
            fr = status.freshness
            colour = {"fresh": "green", "late": "yellow", "stale": "red"}.get(status.level, "")
            out.append("● ", style=colour)
            out.append(f"{t(f'source.{name}'):<12}", style="bold")
            out.append(f"{t(f'fresh.{status.level}'):<16}")
            out.append(f"{t('fresh.col_last_ok')}: {self._when(getattr(fr, 'last_success', None))}")
            out.append("\n")
            error = getattr(fr, "last_error", None)
            if error:
                failures = getattr(fr, "consecutive_failures", 0) or 0
                out.append(f"    {t('fresh.col_error')} ")
                out.append(self._when(getattr(fr, "last_error_at", None)))
                if failures:
                    out.append(f", {t('fresh.failures', count=failures)}")
                out.append(":\n    ")
                kind = getattr(fr, "last_error_kind", None)
                if kind and has(f"fresh.kind.{kind}"):  # what it is in the TL's language,
                    out.append(f"{t(f'fresh.kind.{kind}')}: ", style="bold red")  # then detail
                out.append(scrub(str(error)), style="red")  # data: a Text, never markup
                out.append("\n")
        out.append("\n")
        out.append(t("fresh.hint"), style="dim")
        if self.retry is not None:
            out.append("\n")
            out.append(t("fresh.retry_hint"), style="dim")
        return out
