"""KPI gauges: value, SLA/SLG, status colour, a trend of recent intervals, counts on demand.

Where the screen is short the panel folds into `GaugeStrip`: the same values and status
colours, one item per gauge ("SCR 53.8 % ■ · SL 12.8 % ■ …"), wrapped between items.

One gauge shows one KPI for one scope. Voice gauges are for all queues together; non-voice
gauges are per channel (response time and waiting list). `t` switches every gauge between
the running interval and today. Gauges take the keyboard focus (left/right move between
them), so `r` can open a recovery plan for the selected one.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.events import Resize
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Label, Static

from rtm_tui.domain.format import count_label, fmt_count_value, fmt_kpi
from rtm_tui.domain.kpi import NONVOICE_KPIS, VOICE_KPIS, target_for
from rtm_tui.domain.types import AttendanceCounts, KpiTarget, KpiValue, MonitorView, Status
from rtm_tui.domain.vocabulary import PERIODS, KpiId
from rtm_tui.ui.i18n import has, t

# the non-voice gauges: non-voice AHT is a report figure, not a gauge a TL steers by
NONVOICE_KPIS = tuple(k for k in NONVOICE_KPIS if k != KpiId.NV_AHT)
TREND_LENGTH = 8
GAUGE_WIDTH = 20  # cells, border included: 8 gauges across 160 columns

_BLOCKS = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[float | None], width: int = TREND_LENGTH) -> str:
    """Unicode blocks scaled between the lowest and highest value; a gap for no data."""
    recent = list(values)[-width:]
    present = [v for v in recent if v is not None]
    if len(recent) < 2 or not present:
        return ""  # one interval is not a trend
    low, high = min(present), max(present)
    span = high - low
    out = []
    for v in recent:
        if v is None:
            out.append(" ")
        elif span == 0:
            out.append(_BLOCKS[3])
        else:
            out.append(_BLOCKS[round((v - low) / span * (len(_BLOCKS) - 1))])
    return "".join(out)


def interval_start(now: datetime, minutes: int) -> datetime:
    """Start of the KPI interval holding `now` (intervals counted from local midnight)."""
    minutes = max(1, minutes)
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    elapsed = int((now - midnight).total_seconds() // 60)
    return midnight + timedelta(minutes=elapsed - elapsed % minutes)


class TrendKeeper:
    """The last few interval values of each KPI, kept by the app (the API has no history).

    An interval's value is the last one seen while it ran. `record` returns the intervals
    that just closed, so the caller can store their final values.
    """

    def __init__(self, length: int = TREND_LENGTH) -> None:
        self.length = length
        self._values: dict[tuple[str, str], OrderedDict[datetime, float | None]] = {}

    def record(
        self, view: MonitorView, minutes: int
    ) -> list[tuple[datetime, str, str, float | None]]:
        start = interval_start(view.now, minutes)
        closed: list[tuple[datetime, str, str, float | None]] = []
        for kv in view.kpis:
            if kv.period != "interval":
                continue
            series = self._values.setdefault((kv.kpi, kv.scope), OrderedDict())
            if series and next(reversed(series)) < start:
                last_start, last_value = next(reversed(series.items()))
                closed.append((last_start, kv.kpi, kv.scope, last_value))
            series[start] = kv.value
            while len(series) > self.length:
                series.popitem(last=False)
        return closed

    def seed(self, kpi: str, scope: str, start: datetime, value: float | None) -> None:
        """Restore a stored interval value (on start)."""
        series = self._values.setdefault((kpi, scope), OrderedDict())
        series[start] = value
        for key in sorted(series)[: max(0, len(series) - self.length)]:
            del series[key]
        self._values[(kpi, scope)] = OrderedDict(sorted(series.items()))

    def trend(self, kpi: str, scope: str) -> list[float | None]:
        return list(self._values.get((kpi, scope), {}).values())


def kpi_label(kpi: str, scope: str) -> str:
    """"SCR" for all queues; "whatsapp Resp" for one channel (short: it is a border title)."""
    if scope == "all":
        return t(f"kpi.{kpi}")
    return f"{scope} {t(f'kpi.short.{kpi}')}"


def _target_lines(
    kv: KpiValue | None, kpi: str, fallback: KpiTarget | None = None
) -> tuple[str, str]:
    target = kv.target if kv and kv.target else fallback
    if target is None or (target.sla is None and target.slg is None):
        return t("gauge.no_target"), ""
    sla = f"{t('gauge.sla')} {fmt_kpi(kpi, target.sla)}" if target.sla is not None else ""
    slg = f"{t('gauge.slg')} {fmt_kpi(kpi, target.slg)}" if target.slg is not None else ""
    return sla, slg


class KpiGauge(Widget, can_focus=True):
    """One KPI for one scope: value and trend, SLA, SLG; the border shows the status."""

    DEFAULT_CSS = """
    KpiGauge {
        width: 1fr;
        min-width: 16;
        height: 5;
        border: round $foreground 30%;
        border-title-color: $foreground;
        border-subtitle-color: $foreground 60%;
        padding: 0 1;
    }
    KpiGauge.-ok { border: round $success; }
    KpiGauge.-warning { border: round $warning; border-subtitle-color: $warning; }
    KpiGauge.-breach { border: round $error; border-subtitle-color: $error; }
    KpiGauge.-no_data { border: round $foreground 20%; }
    /* focus: a heavy border that keeps the status colour, and a reversed title */
    KpiGauge:focus { border: heavy $foreground 60%; background: $boost; }
    KpiGauge:focus { border-title-style: bold reverse; }
    KpiGauge.-ok:focus { border: heavy $success; }
    KpiGauge.-warning:focus { border: heavy $warning; }
    KpiGauge.-breach:focus { border: heavy $error; }
    KpiGauge > .gauge--ok { color: $text-success; text-style: bold; }
    KpiGauge > .gauge--warning { color: $text-warning; text-style: bold; }
    KpiGauge > .gauge--breach { color: $text-error; text-style: bold; }
    KpiGauge > .gauge--no_data { color: $foreground 50%; }
    KpiGauge > .gauge--trend { color: $foreground 70%; }
    KpiGauge > .gauge--target { color: $foreground 80%; }
    """
    COMPONENT_CLASSES = {
        "gauge--ok",
        "gauge--warning",
        "gauge--breach",
        "gauge--no_data",
        "gauge--trend",
        "gauge--target",
    }
    BINDINGS = [
        Binding("left", "move(-1)", "Previous gauge", show=False, id="gauge_prev"),
        Binding("right", "move(1)", "Next gauge", show=False, id="gauge_next"),
        # not in the Footer (room): the period line and the help screen name it
        Binding("enter,c", "counts", "Counts", show=False, id="counts"),
    ]

    def __init__(
        self,
        kpi: str,
        scope: str = "all",
        *,
        target: KpiTarget | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.kpi = kpi
        self.scope = scope
        # from the config, shown before the first data arrives
        self.target = target
        self.period = "interval"
        self.values: dict[str, KpiValue | None] = dict.fromkeys(PERIODS)
        self.trend: list[float | None] = []
        self.border_title = Text(kpi_label(kpi, scope))
        self._set_status(Status.NO_DATA)

    @property
    def current(self) -> KpiValue | None:
        """The value shown: for the chosen period, else this interval's ("now" KPIs such
        as calls waiting exist for the interval only)."""
        return self.values.get(self.period) or self.values.get("interval")

    def update_gauge(
        self,
        values: dict[str, KpiValue | None],
        trend: Sequence[float | None],
        period: str,
    ) -> None:
        trend = list(trend)
        if values == self.values and trend == self.trend and period == self.period:
            return  # nothing changed: no redraw
        self.values = values
        self.trend = trend
        self.period = period
        kv = self.current
        self._set_status(kv.status if kv else Status.NO_DATA)
        self.refresh()

    def _set_status(self, status: Status) -> None:
        for s in Status:
            self.set_class(s is status, f"-{s.value}")
        self.border_subtitle = Text(t(f"status.{status.value}"))

    def render(self) -> Text:
        kv = self.current
        status = kv.status if kv else Status.NO_DATA
        value = fmt_kpi(self.kpi, kv.value if kv else None)
        spark = sparkline(self.trend)
        width = max(1, self.content_region.width or (GAUGE_WIDTH - 4))
        line = Text(value, style=self.get_component_rich_style(f"gauge--{status.value}"))
        gap = width - len(value) - len(spark)
        if spark and gap >= 1:
            line.append(" " * gap)
            line.append(spark, style=self.get_component_rich_style("gauge--trend"))
        sla, slg = _target_lines(kv, self.kpi, self.target)
        target_style = self.get_component_rich_style("gauge--target")
        line.append("\n")
        line.append(sla, style=target_style)
        line.append("\n")
        line.append(slg, style=target_style)
        line.no_wrap = True
        line.overflow = "ellipsis"
        return line

    def action_move(self, step: int) -> None:
        gauges = list(self.screen.query(KpiGauge))
        if self in gauges and gauges:
            gauges[(gauges.index(self) + step) % len(gauges)].focus()

    def action_counts(self) -> None:
        self.app.push_screen(CountsScreen(self.kpi, self.scope, dict(self.values)))


class AttendanceCard(Static, can_focus=True):
    """Attendance against today's roster, in the slot beside the voice gauges; enter
    opens who is late, absent, out early or not rostered (the app's `l` does too)."""

    DEFAULT_CSS = """
    AttendanceCard {
        width: 1fr;
        height: 5;
        border: round $foreground 30%;
        border-title-color: $foreground;
        border-subtitle-color: $text-warning;
        padding: 0 1;
    }
    AttendanceCard:focus { border: heavy $foreground 60%; background: $boost; }
    AttendanceCard:focus { border-title-style: bold reverse; }
    """
    BINDINGS = [Binding("enter", "app.attendance", "Who", show=False, id="attendance")]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.counts: AttendanceCounts | None = None
        self.border_title = t("att.title")

    def on_mount(self) -> None:
        self.update(self._body())

    def update_counts(self, counts: AttendanceCounts) -> None:
        if counts == self.counts:
            return
        self.counts = counts
        self.update(self._body())
        extra = counts.not_rostered
        self.border_subtitle = t("att.not_rostered", count=extra) if extra else ""

    def _body(self) -> Text:
        c = self.counts
        if c is None:
            return Text("—")
        out = Text(no_wrap=True, overflow="ellipsis")
        out.append(f"{c.present}/{c.scheduled}", style="bold")
        out.append(f" {t('att.present')}\n")
        out.append(f"{t('att.late')} ")
        out.append(str(c.late), style="bold yellow" if c.late else "")
        out.append(f" {t('att.absent')} ")
        out.append(str(c.absent), style="bold red" if c.absent else "")
        out.append(f"\n{t('att.not_yet_in')} {c.not_yet_in} {t('att.off')} {c.off}")
        return out


class GaugeGrid(Grid):
    """A row of gauges that wraps at narrow widths (one column per GAUGE_WIDTH cells)."""

    DEFAULT_CSS = """
    GaugeGrid {
        height: auto;
        grid-size: 8;
        grid-rows: 5;
        grid-gutter: 0 0;
    }
    """

    def on_resize(self, event: Resize) -> None:
        self._fit(event.size.width)

    def _fit(self, width: int) -> None:
        # the same column width in every grid, so the gauges line up
        self.styles.grid_size_columns = max(1, width // GAUGE_WIDTH) if width else 8


# a mark beside a coloured value, so a status reads without colour too (as in the alerts)
STATUS_MARK = {Status.BREACH: " ■", Status.WARNING: " ▲"}
GAUGE_MODES = ("full", "compact", "hidden")
StripItem = tuple[str, str, str]  # (label, value, level: ok|warning|breach|no_data|plain|muted)


class GaugeStrip(Widget):
    """The gauges folded into a few lines: one item per gauge, the same values and
    status colours; items are wrapped between items, never inside one."""

    DEFAULT_CSS = """
    GaugeStrip { height: auto; padding: 0 1; }
    GaugeStrip > .strip--ok { color: $text-success; text-style: bold; }
    GaugeStrip > .strip--warning { color: $text-warning; text-style: bold; }
    GaugeStrip > .strip--breach { color: $text-error; text-style: bold; }
    GaugeStrip > .strip--no_data { color: $foreground 50%; }
    GaugeStrip > .strip--plain { text-style: bold; }
    GaugeStrip > .strip--muted { color: $foreground 60%; }
    GaugeStrip > .strip--label { color: $foreground 80%; }
    """
    COMPONENT_CLASSES = {
        "strip--ok",
        "strip--warning",
        "strip--breach",
        "strip--no_data",
        "strip--plain",
        "strip--muted",
        "strip--label",
    }
    ITEM_SEP = " · "
    GROUP_SEP = " │ "

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.groups: list[list[StripItem]] = []

    def update_strip(self, groups: Sequence[Sequence[StripItem]]) -> None:
        new = [list(g) for g in groups if g]
        if new == self.groups:
            return
        self.groups = new
        self.refresh(layout=True)

    def plain_lines(self, width: int) -> list[str]:
        return [line.plain for line in self._lines(width)]

    def get_content_height(self, container: Any, viewport: Any, width: int) -> int:
        return max(1, len(self._lines(width)))

    def render(self) -> Text:
        return Text("\n", no_wrap=True, overflow="ellipsis").join(
            self._lines(self.content_size.width)
        )

    def _item(self, item: StripItem) -> Text:
        label, value, level = item
        text = Text(no_wrap=True)
        if label:
            text.append(label, style=self.get_component_rich_style("strip--label"))
        if value:
            if label:
                text.append(" ")
            text.append(value, style=self.get_component_rich_style(f"strip--{level}"))
        return text

    def _lines(self, width: int) -> list[Text]:
        """Items flowed into lines; a group that fits a line of its own but not the rest
        of the current one starts a new line (one line per group where there is room)."""
        width = max(1, width)
        lines: list[Text] = []
        line: Text | None = None
        muted = self.get_component_rich_style("strip--muted")
        for group in self.groups:
            pieces = [self._item(item) for item in group]
            whole = sum(p.cell_len for p in pieces) + len(self.ITEM_SEP) * (len(pieces) - 1)
            if line is not None and whole <= width < line.cell_len + len(self.GROUP_SEP) + whole:
                line = None
            for i, piece in enumerate(pieces):
                sep = self.ITEM_SEP if i else self.GROUP_SEP
                if line is not None and line.cell_len + len(sep) + piece.cell_len <= width:
                    line.append(sep, style=muted)
                    line.append_text(piece)
                else:
                    line = piece
                    lines.append(line)
        return lines


class GaugePanel(Vertical):
    """The period line, the voice gauges and the non-voice gauges (per channel); or, in
    the compact mode, the same values on a `GaugeStrip`.

    The mode is "auto" (the app's CSS decides by the screen size), or one the user chose
    ("full", "compact", "hidden"); each is a class on the panel (`-auto`, `-full` …).
    """

    DEFAULT_CSS = """
    GaugePanel { height: auto; }
    GaugePanel > #gauges-full { height: auto; }
    GaugePanel > #gauge-strip { display: none; }
    GaugePanel.-compact > #gauge-strip { display: block; }
    GaugePanel.-compact > #gauges-full { display: none; }
    GaugePanel.-hidden { display: none; }
    GaugePanel #gauge-period { height: 1; color: $foreground 70%; padding: 0 1; }
    GaugePanel #gauge-nonvoice-wait { height: 1; color: $foreground 50%; padding: 0 1; }
    """

    def __init__(self, targets: Mapping[str, KpiTarget] | None = None, *, id: str | None = None):
        super().__init__(id=id, classes="-auto")
        self.targets: Mapping[str, KpiTarget] = targets or {}
        self.period = "interval"
        self.shift_from: datetime | None = None  # local time; None: from the shift's start
        self.mode = "auto"
        self._channels: tuple[str, ...] = ()
        self._kpis: dict[tuple[str, str, str], KpiValue] = {}
        self._counts: AttendanceCounts | None = None
        # kept by reference: updates may arrive while the app is closing
        self.period_label = Label(self._period_text(), id="gauge-period", markup=False)
        self.attendance = AttendanceCard(id="attendance")
        self.waiting_note = Static(
            t("gauge.nonvoice_waiting"), id="gauge-nonvoice-wait", markup=False
        )
        self.nonvoice_grid = GaugeGrid(id="gauges-nonvoice")
        self.strip = GaugeStrip(id="gauge-strip")

    def compose(self) -> ComposeResult:
        yield self.strip
        with Vertical(id="gauges-full"):
            yield self.period_label
            with GaugeGrid(id="gauges-voice"):
                for kpi in VOICE_KPIS:
                    yield KpiGauge(kpi, "all", target=self._target(kpi, "all"), id=f"gauge-{kpi}")
                yield self.attendance
            yield self.waiting_note
            yield self.nonvoice_grid

    def on_mount(self) -> None:
        self._refresh_strip()

    # ------------------------------------------------------------------ modes

    def set_mode(self, mode: str) -> None:
        """"auto" (by the screen size) or one of GAUGE_MODES."""
        self.mode = mode
        for m in ("auto", *GAUGE_MODES):
            self.set_class(m == mode, f"-{m}")

    @property
    def shown_mode(self) -> str:
        """What the screen shows now: "full", "compact" or "hidden"."""
        if not self.display:
            return "hidden"
        return "compact" if self.strip.display else "full"

    # ------------------------------------------------------------------ data

    def _target(self, kpi: str, scope: str) -> KpiTarget | None:
        return target_for(self.targets, kpi, scope)

    def _period_text(self) -> str:
        period = t(f"gauge.period.{self.period}")
        if self.period == "shift" and self.shift_from is not None:
            period = t("gauge.period.shift_from", period=period, at=f"{self.shift_from:%H:%M}")
        return t("gauge.period_hint", period=period)

    def set_shift_from(self, at: datetime | None) -> None:
        """The TL shift's figures begin at `at` (rtm started after the shift did)."""
        if at != self.shift_from:
            self.shift_from = at
            self.period_label.update(self._period_text())

    def gauges(self) -> list[KpiGauge]:
        return list(self.query(KpiGauge))

    def set_period(self, period: str, trends: TrendKeeper) -> None:
        self.period = period
        self.period_label.update(self._period_text())
        self._refresh_gauges(trends)

    def update_attendance(self, counts: AttendanceCounts) -> None:
        self.attendance.update_counts(counts)
        if counts != self._counts:
            self._counts = counts
            self._refresh_strip()

    def update_kpis(self, kpis: Iterable[KpiValue], trends: TrendKeeper) -> None:
        self._kpis = {(kv.kpi, kv.scope, kv.period): kv for kv in kpis}
        channels = tuple(
            sorted(
                {scope for (kpi, scope, _p) in self._kpis if kpi in NONVOICE_KPIS}
                - ({"all"} if self._has_channel_scopes() else set())
            )
        )
        if channels != self._channels:
            self._channels = channels
            self._rebuild_nonvoice(channels)
        self._refresh_gauges(trends)

    def _has_channel_scopes(self) -> bool:
        return any(kpi in NONVOICE_KPIS and scope != "all" for (kpi, scope, _p) in self._kpis)

    def _rebuild_nonvoice(self, channels: Sequence[str]) -> None:
        grid = self.nonvoice_grid
        focused_key = None
        focused = self.screen.focused if self.is_attached else None
        if isinstance(focused, KpiGauge) and focused.parent is grid:
            focused_key = (focused.kpi, focused.scope)
        grid.remove_children()
        new = [
            KpiGauge(kpi, ch, target=self._target(kpi, ch))
            for ch in channels
            for kpi in NONVOICE_KPIS
        ]
        grid.mount_all(new)
        grid._fit(grid.size.width)
        self.waiting_note.display = not channels
        if focused_key:
            for g in new:
                if (g.kpi, g.scope) == focused_key:
                    self.call_after_refresh(g.focus)

    def _refresh_gauges(self, trends: TrendKeeper) -> None:
        for gauge in self.gauges():
            values = {p.value: self._kpis.get((gauge.kpi, gauge.scope, p)) for p in PERIODS}
            gauge.update_gauge(values, trends.trend(gauge.kpi, gauge.scope), self.period)
        self._refresh_strip()

    def _refresh_strip(self) -> None:
        self.strip.update_strip(self.strip_groups())

    def strip_groups(self) -> list[list[StripItem]]:
        """The compact strip: period and voice KPIs, attendance, non-voice KPIs."""
        voice: list[StripItem] = [("", t(f"gauge.strip.{self.period}"), "muted")]
        nonvoice: list[StripItem] = []
        for kpi, scope in [(kpi, "all") for kpi in VOICE_KPIS] + [
            (kpi, ch) for ch in self._channels for kpi in NONVOICE_KPIS
        ]:
            # as KpiGauge.current: the chosen period, else the other one
            # "now" KPIs (calls waiting) exist for the interval only, as on the gauges
            kv = self._kpis.get((kpi, scope, self.period)) or self._kpis.get(
                (kpi, scope, "interval")
            )
            status = kv.status if kv else Status.NO_DATA
            value = fmt_kpi(kpi, kv.value if kv else None) + STATUS_MARK.get(status, "")
            label = t(f"kpi.short.{kpi}") if scope == "all" else kpi_label(kpi, scope)
            (voice if kpi in VOICE_KPIS else nonvoice).append((label, value, status.value))
        if not self._channels:
            nonvoice.append(("", t("gauge.nonvoice_waiting"), "muted"))
        return [voice, attendance_items(self._counts), nonvoice]


def attendance_items(counts: AttendanceCounts | None) -> list[StripItem]:
    """"Attendance 9/22 · late 2 · absent 0 · not in 1 · off 10" for the strip."""
    if counts is None:
        return [(t("att.title"), "—", "muted")]
    c = counts
    items: list[StripItem] = [
        (t("att.title"), f"{c.present}/{c.scheduled}", "plain"),
        (t("att.late"), str(c.late), "warning" if c.late else "plain"),
        (t("att.absent"), str(c.absent), "breach" if c.absent else "plain"),
        (t("att.not_yet_in"), str(c.not_yet_in), "plain"),
        (t("att.off"), str(c.off), "plain"),
    ]
    if c.not_rostered:
        items.append(("", t("att.not_rostered", count=c.not_rostered), "warning"))
    return items


class CountsScreen(ModalScreen[None]):
    """The raw counts behind a gauge, so every number can be traced to its inputs."""

    DEFAULT_CSS = """
    CountsScreen { align: center middle; }
    CountsScreen > #counts-box {
        width: 64; height: auto; max-height: 90%;
        border: round $accent; padding: 0 1; background: $surface;
    }
    """
    BINDINGS = [
        Binding("escape,enter,c,q", "dismiss", "Close", id="close"),
    ]

    def __init__(self, kpi: str, scope: str, values: dict[str, KpiValue | None]) -> None:
        super().__init__()
        self.kpi = kpi
        self.scope = scope
        self.values = values

    def compose(self) -> ComposeResult:
        box = Static(self._body(), id="counts-box")
        scope = t("counts.scope.all") if self.scope == "all" else self.scope
        box.border_title = Text(t("counts.title", kpi=t(f"kpi.{self.kpi}"), scope=scope))
        box.border_subtitle = t("counts.close")
        yield box

    def _body(self) -> Text:
        out = Text(no_wrap=False)
        any_counts = False
        for period in PERIODS:
            kv = self.values.get(period)
            if kv is None:
                continue
            out.append(t(f"counts.{period}"), style="bold")
            out.append(f"   {t('counts.value')}: {fmt_kpi(self.kpi, kv.value)}")
            out.append(f"   ({t(f'status.{kv.status.value}')})\n")
            sla, slg = _target_lines(kv, self.kpi)
            out.append(f"  {t('counts.target')}: {sla}  {slg}\n")
            for name, number in kv.counts.items():
                any_counts = True
                out.append(f"  {count_name(name):<28}{count_value(name, number):>12}\n")
            out.append("\n")
        if not any_counts:
            out.append(t("counts.none"))
        else:
            out.append(t("counts.units"), style="dim")
        return out


def count_name(name: str) -> str:
    """A raw count's name as the TL reads it ("Answered in SL"), in the UI language."""
    key = f"count.{name}"
    return t(key) if has(key) else count_label(name)


def count_value(name: str, value: float) -> str:
    """A count in its unit: a duration as m:ss (h:mm:ss from an hour), a count as 1,234."""
    if name.endswith("_seconds"):
        return fmt_count_value(name, value)
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
