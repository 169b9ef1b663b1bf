"""Today's roster, top to bottom: attendance counts, a timeline per agent, then coverage
per interval with the TL's window picked out (the other intervals dimmed); `j` finds an
agent, `c` goes to the coverage.

A Line-API ScrollView like the agent board: only visible lines are rendered, each agent
line is cached by its content and the geometry (width, day span, now column), so a poll
that changes nothing on screen costs next to nothing, and 2,000 agents scroll cheaply.

Each agent line: name, shift code, login status, then the day's time axis scaled to the
width: shift bar `━`, breaks `╍`, first login `▶`, last logout `■`, and the now-line `│`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from rtm_tui.domain.format import fmt_decimal
from rtm_tui.domain.types import (
    AgentRow,
    AgentState,
    AttendanceCounts,
    LoginStatus,
    MonitorView,
    Roster,
    RosterEntry,
    RosterStatus,
)
from rtm_tui.ui.board import fit, login_level, login_text, plain
from rtm_tui.ui.i18n import language, t

HEADER_LINES = 3  # counts, legend, time axis: they stay put while the agents scroll
NAME_WIDTH = 20
CODE_WIDTH = 5
STATUS_WIDTH = 13
LEFT_WIDTH = NAME_WIDTH + 1 + CODE_WIDTH + 1 + STATUS_WIDTH + 1
MIN_AXIS = 12

SHIFT, BREAK, LOGIN, LOGOUT, NOW = "━", "╍", "▶", "■", "│"
COVERAGE_CELL = 25  # "▸07:00  1200  130.5  1180" (▸: in the TL's window)
COVERAGE_GAP = 4

DAY_START, DAY_END = time(6, 0), time(0, 0)  # default span 06:00–24:00, widened to fit


class IntervalLike(Protocol):
    start: datetime
    needed: Any
    scheduled: Any
    # optional: `end` (else the step between starts) and `logged_in` (else, for the
    # running interval, the agents logged in now)


@dataclass(frozen=True, slots=True)
class AgentLine:
    """What one timeline line shows; hashable, so it is its own cache key."""

    agent_id: str
    name: str
    entry: RosterEntry | None
    status: LoginStatus
    late_by: timedelta | None
    first_login_at: datetime | None
    last_logout_at: datetime | None


_STATUS_OF_ROSTER = {
    RosterStatus.OFF: LoginStatus.OFF,
    RosterStatus.LEAVE: LoginStatus.LEAVE,
    RosterStatus.SICK: LoginStatus.SICK,
    RosterStatus.TRAINING: LoginStatus.TRAINING,
}


def agent_lines(rows: Sequence[AgentRow], roster: Roster | None) -> list[AgentLine]:
    """Roster entries joined to agent rows: working shifts by start, then agents logged in
    without a shift, then those off/on leave/sick, each by name."""
    by_id = {row.agent_id: row for row in rows}
    entries: dict[str, RosterEntry] = {}
    if roster is not None:
        entries = {entry.agent_id: entry for entry in roster.entries}
    for row in rows:
        if row.roster is not None and row.agent_id not in entries:
            entries[row.agent_id] = row.roster
    lines = []
    for agent_id, entry in entries.items():
        known = by_id.get(agent_id)
        if known is not None:
            status, late_by = known.login_status, known.late_by
            first, last = known.first_login_at, known.last_logout_at
        else:  # on the roster but unknown to the platform today
            status = _STATUS_OF_ROSTER.get(entry.status, LoginStatus.NOT_YET_IN)
            late_by = first = last = None
        lines.append(AgentLine(agent_id, entry.name, entry, status, late_by, first, last))
    for row in rows:
        if row.agent_id not in entries and row.login_status == LoginStatus.NOT_ROSTERED:
            lines.append(
                AgentLine(
                    row.agent_id,
                    row.name,
                    None,
                    row.login_status,
                    None,
                    row.first_login_at,
                    row.last_logout_at,
                )
            )

    far = datetime.max.replace(tzinfo=None)

    def order(line: AgentLine) -> tuple:
        entry = line.entry
        if entry is not None and entry.works and entry.start is not None:
            return (0, entry.start.replace(tzinfo=None), line.name.casefold(), line.agent_id)
        if entry is None:
            return (1, far, line.name.casefold(), line.agent_id)
        return (2, far, line.name.casefold(), line.agent_id)

    lines.sort(key=order)
    return lines


def day_span(
    now: datetime, lines: Sequence[AgentLine], day: date | None = None
) -> tuple[datetime, datetime]:
    """06:00–24:00 of the roster day, widened (to whole hours) to fit every shift."""
    tz = now.tzinfo
    day = day or now.date()
    start = datetime.combine(day, DAY_START, tz)
    end = datetime.combine(day + timedelta(days=1), DAY_END, tz)
    for line in lines:
        entry = line.entry
        if entry is None or entry.start is None or entry.end is None:
            continue
        start = min(start, entry.start.replace(minute=0, second=0, microsecond=0))
        shift_end = entry.end
        if shift_end.minute or shift_end.second or shift_end.microsecond:
            shift_end = shift_end.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
        end = max(end, shift_end)
    return start, end


class RosterView(ScrollView, can_focus=True):
    """Feed with `update_view(view, roster, coverage, coverage_source)` after each poll;
    `tick(now)` at 1 Hz. `coverage_source` says where "need" comes from ("forecast",
    "forecast_none", "actual"), shown in the coverage title."""

    COMPONENT_CLASSES = {
        "roster-view--counts",
        "roster-view--number",
        "roster-view--axis",
        "roster-view--section",
        "roster-view--shift",
        "roster-view--training",
        "roster-view--break",
        "roster-view--login",
        "roster-view--late-login",
        "roster-view--logout",
        "roster-view--now",
        "roster-view--current",
        "roster-view--warning",
        "roster-view--breach",
        "roster-view--muted",
        "roster-view--window",
        "roster-view--marked",
    }

    DEFAULT_CSS = """
    RosterView {
        background: $surface;
        color: $foreground;
        height: 1fr;
        & > .roster-view--counts { color: $foreground; }
        & > .roster-view--number { text-style: bold; }
        & > .roster-view--axis { background: $panel; color: $text-muted; }
        & > .roster-view--section { text-style: bold; color: $text-muted; }
        & > .roster-view--shift { color: $primary; }
        & > .roster-view--training { color: $secondary; }
        & > .roster-view--break { color: $secondary; }
        & > .roster-view--login { color: $success; text-style: bold; }
        & > .roster-view--late-login { color: $warning; text-style: bold; }
        & > .roster-view--logout { color: $text-muted; }
        & > .roster-view--now { color: $accent; text-style: bold; }
        & > .roster-view--current { text-style: bold reverse; }
        & > .roster-view--warning { color: $warning; }
        & > .roster-view--breach { color: $error; text-style: bold; }
        & > .roster-view--muted { color: $text-muted; }
        & > .roster-view--window { text-style: bold; }
        & > .roster-view--marked { background: $block-cursor-background; }
    }
    """

    BINDINGS = [
        Binding("j", "find_agent", "Find agent", id="roster_jump"),
        Binding("c", "to_coverage", "Coverage", id="roster_coverage"),
        Binding("up", "scroll_up", "Up", show=False),
        Binding("down", "scroll_down", "Down", show=False),
        Binding("home", "scroll_home", "Top", show=False),
        Binding("end", "scroll_end", "Bottom", show=False),
    ]

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._tl_window: tuple[datetime, datetime] | None = None
        self._marked: str | None = None  # agent id found with `j`, drawn highlighted
        self._now: datetime | None = None
        self._counts = AttendanceCounts()
        self._lines: list[AgentLine] = []
        self._coverage: list[Any] = []
        self._coverage_source: str | None = None
        self._logged_in_now = 0
        self._span: tuple[datetime, datetime] | None = None
        self._body: list[tuple[str, int]] = []  # (kind, index) per body line
        self._strips: LRUCache[tuple, Strip] = LRUCache(512)
        self._width_key: tuple | None = None
        self._view_width_cache = 0
        self._base_style: Style | None = None  # widget style, until the CSS changes
        self._styles: dict[str, Style] = {}  # component styles, until the CSS changes

    # ------------------------------------------------------------------ public API

    @property
    def agent_lines(self) -> Sequence[AgentLine]:
        return self._lines

    @property
    def counts(self) -> AttendanceCounts:
        return self._counts

    def update_view(
        self,
        view: MonitorView,
        roster: Roster | None,
        coverage: Sequence[IntervalLike] | None = None,
        coverage_source: str | None = None,
    ) -> None:
        self._now = view.now
        self._counts = view.attendance
        self._lines = agent_lines(view.rows, roster)
        self._logged_in_now = sum(1 for row in view.rows if row.state != AgentState.LOGGED_OUT)
        self._coverage = sorted(coverage or (), key=lambda c: c.start)
        self._coverage_source = coverage_source
        self._span = day_span(view.now, self._lines, roster.date if roster else None)
        self._layout_body()
        self.refresh()

    def set_tl_window(self, window: tuple[datetime, datetime] | None) -> None:
        """The TL's window [start, end): its intervals stand out in the coverage."""
        if window != self._tl_window:
            self._tl_window = window
            self.refresh()

    def in_tl_window(self, start: datetime) -> bool:
        window = self._tl_window
        return window is None or window[0] <= start < window[1]

    def line_of(self, agent_id: str) -> int | None:
        """Body line (0 = first under the header) of an agent's timeline."""
        for y, (kind, i) in enumerate(self._body):
            if kind == "agent" and self._lines[i].agent_id == agent_id:
                return y
        return None

    def show_agent(self, agent_id: str) -> bool:
        """Scroll the agent's line to the top of the body and highlight it."""
        y = self.line_of(agent_id)
        if y is None:
            return False
        self._marked = agent_id
        self._strips.clear()
        self.scroll_to(y=y, animate=False)
        self.refresh()
        return True

    @property
    def coverage_line(self) -> int | None:
        return next((y for y, (kind, _i) in enumerate(self._body) if kind == "coverage_title"), None)

    def action_to_coverage(self) -> None:
        """`c`: the coverage at the top; when it is longer than the screen (one column
        of intervals at 80 wide), from the row of the TL window's first interval."""
        y = self.coverage_line
        if y is None:
            return
        rows = math.ceil(len(self._coverage) / self._coverage_per_line())
        first = next(
            (i for i, item in enumerate(self._coverage) if self._tl_window and self.in_tl_window(item.start)),
            0,
        )
        row = first % rows
        body = self.size.height - HEADER_LINES
        if 2 + row >= body - 1:  # title and column header above the rows
            y += 1 + row
        self.scroll_to(y=y, animate=False)

    def action_find_agent(self) -> None:
        from rtm_tui.ui.agent_picker import AgentPicker

        choices = [(line.agent_id, line.name) for line in self._lines]
        self.app.push_screen(AgentPicker(choices), self._found)

    def _found(self, agent_id: str | None) -> None:
        if agent_id:
            self.show_agent(agent_id)

    def tick(self, now: datetime) -> None:
        """Move the now-line; repaints only when it moves to another column."""
        old = self._now
        self._now = now
        if old is None or self._now_column(old) != self._now_column(now):
            self.refresh()

    def now_column(self) -> int | None:
        """Screen x of the now-line (None when now is outside the day's span)."""
        column = self._now_column(self._now)
        return None if column is None else LEFT_WIDTH + column

    # ------------------------------------------------------------------ geometry

    def _view_width(self) -> int:
        """Width inside the scrollbar, recomputed only when the size or scrollbar changes."""
        key = (self._size, self.show_vertical_scrollbar)
        if key != self._width_key:
            self._width_key = key
            self._view_width_cache = self.scrollable_content_region.width
        return self._view_width_cache

    def _width(self) -> int:
        return max(LEFT_WIDTH + MIN_AXIS, self._view_width())

    def _axis_width(self) -> int:
        return self._width() - LEFT_WIDTH

    def _column(self, at: datetime) -> float | None:
        """Fractional axis column of `at`, None if there is no span yet."""
        if self._span is None:
            return None
        start, end = self._span
        span = (end - start).total_seconds()
        return (at - start).total_seconds() / span * self._axis_width()

    def _now_column(self, now: datetime | None) -> int | None:
        if now is None:
            return None
        column = self._column(now)
        if column is None or not 0 <= column < self._axis_width():
            return None
        return int(column)

    def _coverage_per_line(self) -> int:
        return max(1, (self._width() + COVERAGE_GAP) // (COVERAGE_CELL + COVERAGE_GAP))

    def _layout_body(self) -> None:
        # top to bottom: the timeline under its axis, then the coverage
        body: list[tuple[str, int]] = []
        if not self._lines:
            body.append(("empty", 0))
        body.extend(("agent", i) for i in range(len(self._lines)))
        if self._coverage:
            rows = math.ceil(len(self._coverage) / self._coverage_per_line())
            body.append(("blank", 0))
            body.append(("coverage_title", 0))
            body.append(("coverage_header", 0))
            body.extend(("coverage", i) for i in range(rows))
            body.append(("coverage_note", 0))
        self._body = body
        self.virtual_size = Size(self._width(), HEADER_LINES + len(body))

    def on_resize(self, event: events.Resize) -> None:
        self._layout_body()
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()
        self._base_style = None
        self._styles.clear()

    # ------------------------------------------------------------------ rendering

    def _style(self, name: str) -> Style:
        """A component's partial style, its colour blended over the background (a
        partial style alone drops the alpha: `$text-muted` came out white)."""
        cached = self._styles.get(name)
        if cached is None:
            component = f"roster-view--{name}"
            cached = self.get_component_rich_style(component, partial=True)
            if self.get_component_styles(component).has_rule("color"):
                cached += Style(color=self.get_component_rich_style(component).color)
            self._styles[name] = cached
        return cached

    def render_line(self, y: int) -> Strip:
        width = self._view_width()
        base = self._base_style or self.rich_style
        self._base_style = base
        if y == 0:
            strip = self._counts_strip()
        elif y == 1:
            strip = Strip([Segment(t("roster.legend"), self._style("muted"))])
        elif y == 2:
            strip = self._axis_strip()
            base = base + self.get_component_rich_style("roster-view--axis")
        else:
            index = int(self.scroll_offset.y) + y - HEADER_LINES
            if not 0 <= index < len(self._body):
                return Strip.blank(width, base)
            kind, i = self._body[index]
            if kind == "agent":
                strip = self._agent_strip(self._lines[i])
            elif kind == "coverage":
                strip = self._coverage_strip(i)
            elif kind == "coverage_title":
                source = t(f"roster.coverage.source.{self._coverage_source or 'none'}")
                title = t("roster.coverage.title", source=source)
                segments = [Segment(title, self._style("section"))]
                window = self._tl_window
                if window is not None:
                    start, end = window
                    tz = self._now.tzinfo if self._now is not None else start.tzinfo
                    span = f"{start.astimezone(tz):%H:%M}–{end.astimezone(tz):%H:%M}"
                    segments.append(
                        Segment(" · " + t("roster.coverage.window", span=span), self._style("window"))
                    )
                strip = Strip(segments)
            elif kind == "coverage_note":
                strip = Strip([Segment(t("roster.coverage.note"), self._style("muted"))])
            elif kind == "coverage_header":
                header = fit(" " + t("roster.coverage.header"), COVERAGE_CELL)
                cells = [header] * min(self._coverage_per_line(), len(self._coverage))
                strip = Strip([Segment((" " * COVERAGE_GAP).join(cells), self._style("muted"))])
            elif kind == "empty":
                strip = Strip([Segment(t("roster.empty"), self._style("muted"))])
            else:
                strip = Strip([])
        return strip.apply_style(base).crop_extend(0, width, base)

    def _counts_strip(self) -> Strip:
        counts = self._counts
        items = (
            ("scheduled", counts.scheduled, None),
            ("present", counts.present, None),
            ("late", counts.late, "warning"),
            ("absent", counts.absent, "breach"),
            ("off", counts.off, None),
            ("training", counts.training, None),
            ("not_rostered", counts.not_rostered, "warning"),
            ("not_yet_in", counts.not_yet_in, None),
            ("early_out", counts.early_out, "warning"),
        )
        segments: list[Segment] = []
        for key, value, alarm in items:
            number_style = self._style("number")
            if alarm and value:
                number_style = number_style + self._style(alarm)
            segments.append(Segment(t(f"roster.count.{key}") + " "))
            segments.append(Segment(f"{value:,}", number_style))
            if key == "off" and (counts.on_leave or counts.sick):
                # the card's one "off" number, with what it is made of
                detail = t("roster.count.off_detail", leave=counts.on_leave, sick=counts.sick)
                segments.append(Segment(" " + detail))
            segments.append(Segment("  "))
        if self._now is not None:
            segments.append(Segment(f"· {self._now:%H:%M}", self._style("now")))
        return Strip(segments)

    def _axis_strip(self) -> Strip:
        left = (
            fit(t("roster.col.agent"), NAME_WIDTH)
            + " "
            + fit(t("roster.col.shift"), CODE_WIDTH)
            + " "
            + fit(t("roster.col.status"), STATUS_WIDTH)
            + " "
        )
        width = self._axis_width()
        chars = [" "] * width
        now_column = self._now_column(self._now)
        if self._span is not None:
            start, end = self._span
            hours = int((end - start).total_seconds() // 3600)
            per_hour = width / max(1, hours)
            step = 1 if per_hour >= 6 else 2 if per_hour >= 3 else 3 if per_hour >= 2 else 6
            last_end = -1
            for h in range(0, hours + 1, step):
                at = start + timedelta(hours=h)
                column = int(self._column(at) or 0)
                label = f"{at:%H}" if per_hour * step < 6 else f"{at:%H:%M}"
                covers_now = now_column is not None and column <= now_column < column + len(label)
                if column > last_end and column + len(label) <= width and not covers_now:
                    chars[column : column + len(label)] = label
                    last_end = column + len(label)
        segments = [Segment(left)]
        if now_column is None:
            segments.append(Segment("".join(chars)))
        else:
            segments.append(Segment("".join(chars[:now_column])))
            segments.append(Segment("▼", self._style("now")))
            segments.append(Segment("".join(chars[now_column + 1 :])))
        return Strip(segments)

    def _agent_strip(self, line: AgentLine) -> Strip:
        marked = line.agent_id == self._marked
        key = (line, self._span, self._axis_width(), self._now_column(self._now), language(), marked)
        cached = self._strips.get(key)
        if cached is not None:
            return cached
        code = ""
        if line.entry is not None:
            code = line.entry.shift_code or ""
        level = login_level(line.status)
        segments = [
            Segment(fit(line.name, NAME_WIDTH) + " " + fit(code, CODE_WIDTH) + " "),
            Segment(
                fit(login_text(line.status, line.late_by), STATUS_WIDTH),
                self._style(level) if level else None,
            ),
            Segment(" "),
            *self._timeline(line),
        ]
        strip = Strip(segments)
        if marked:
            strip = strip.apply_style(self._style("marked"))
        self._strips[key] = strip
        return strip

    def _timeline(self, line: AgentLine) -> list[Segment]:
        width = self._axis_width()
        chars = [" "] * width
        styles: list[str | None] = [None] * width

        def paint(start: datetime, end: datetime, char: str, style: str) -> None:
            first, last = self._column(start), self._column(end)
            if first is None or last is None:
                return
            c0 = max(0, int(first))
            c1 = min(width, max(c0 + 1, math.ceil(last)))
            for c in range(c0, c1):
                chars[c] = char
                styles[c] = style

        def mark(at: datetime | None, char: str, style: str) -> None:
            if at is None:
                return
            column = self._column(at)
            if column is not None and 0 <= column < width:
                chars[int(column)] = char
                styles[int(column)] = style

        entry = line.entry
        if entry is not None and entry.works and entry.start and entry.end:
            bar = "training" if entry.status == RosterStatus.TRAINING else "shift"
            paint(entry.start, entry.end, SHIFT, bar)
            for brk in entry.breaks:
                paint(brk.start, brk.end, BREAK, "break")
        now_column = self._now_column(self._now)
        if now_column is not None:
            chars[now_column] = NOW
            styles[now_column] = "now"
        # marks last: an actual login is more telling than the now-line under it
        if line.last_logout_at is not None and line.first_login_at is not None:
            if line.last_logout_at > line.first_login_at:
                mark(line.last_logout_at, LOGOUT, "logout")
        login_style = "late-login" if line.status == LoginStatus.LATE else "login"
        mark(line.first_login_at, LOGIN, login_style)

        # runs of equal style -> few segments
        segments: list[Segment] = []
        run_start = 0
        for c in range(1, width + 1):
            if c == width or styles[c] != styles[run_start]:
                name = styles[run_start]
                text = "".join(chars[run_start:c])
                segments.append(Segment(text, self._style(name) if name else None))
                run_start = c
        return segments

    def _coverage_strip(self, line_index: int) -> Strip:
        per_line = self._coverage_per_line()
        rows = math.ceil(len(self._coverage) / per_line)
        step = self._interval_step()
        segments: list[Segment] = []
        for column in range(per_line):
            i = column * rows + line_index  # column-major, like `ls`
            if i >= len(self._coverage):
                break
            if column:
                segments.append(Segment(" " * COVERAGE_GAP))
            item = self._coverage[i]
            end = getattr(item, "end", None) or item.start + step
            current = self._now is not None and item.start <= self._now < end
            logged_in = getattr(item, "logged_in", None)
            if logged_in is None and current:
                logged_in = self._logged_in_now
            needed = item.needed
            style = None
            if needed is not None and logged_in is not None and logged_in < needed:
                style = self._style("breach")
            elif needed is not None and item.scheduled is not None and item.scheduled < needed:
                style = self._style("warning")
            ours = self._tl_window is not None and self.in_tl_window(item.start)
            if self._tl_window is not None and not ours:
                style = self._style("muted")  # another TL's interval: there, but quiet
            elif ours:
                style = self._style("window") if style is None else style + self._style("window")
            if current:
                current_style = self._style("current")
                style = current_style if style is None else style + current_style
            mark = "▸" if ours else " "
            text = (
                f"{mark}{item.start:%H:%M} {_number(needed):>5} {_number(item.scheduled):>6} "
                f"{_number(logged_in):>5}"
            )
            segments.append(Segment(fit(plain(text), COVERAGE_CELL), style))
        return Strip(segments)

    def _interval_step(self) -> timedelta:
        starts = [item.start for item in self._coverage]
        gaps = [b - a for a, b in zip(starts, starts[1:], strict=False) if b > a]
        return min(gaps) if gaps else timedelta(minutes=30)


def _number(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and not value.is_integer():
        return fmt_decimal(value, 1)
    return f"{int(value):,}"
