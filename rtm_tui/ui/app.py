"""The Textual app: header, KPI gauges, agent board, alerts, roster view; keys; data flow.

The app owns no polling: a `Feed` (feed.py) runs one poller per source as workers and
posts `MonitorUpdated` / `FreshnessChanged`; handlers here hand each widget only what it
shows. A 1 Hz tick redraws clocks and timers from `now`, without polling.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingsMap
from textual.command import CommandPalette
from textual.containers import Horizontal
from textual.dom import DOMNode
from textual.events import DescendantFocus
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Input, TabbedContent, TabPane
from textual.widgets._footer import FooterKey

from rtm_tui.clock import Clock
from rtm_tui.config import data_dir
from rtm_tui.domain.kpi import VOICE_KPIS
from rtm_tui.domain.types import (
    AgentRow,
    Alert,
    AttendanceCounts,
    KpiValue,
    MonitorView,
    Roster,
)
from rtm_tui.store.interface import PlanStore
from rtm_tui.ui.alert_actions import AlertActions
from rtm_tui.ui.alerts_pane import AlertsPane
from rtm_tui.ui.board import AgentBoard
from rtm_tui.ui.gauges import PERIODS, AttendanceCard, GaugePanel, KpiGauge, TrendKeeper
from rtm_tui.ui.header import FreshnessScreen, RtmHeader, SourceStatus
from rtm_tui.ui.help_screen import HelpScreen, binding_rows, merge_rows
from rtm_tui.ui.i18n import has, set_language, t
from rtm_tui.ui.messages import FreshnessChanged, MonitorUpdated, PlansChanged, RosterChanged
from rtm_tui.ui.outlook_view import OutlookView, outlook_suggestion
from rtm_tui.ui.plan_form import RecoveryPlanForm
from rtm_tui.ui.plans_screen import PlansScreen
from rtm_tui.ui.roster_view import RosterView
from rtm_tui.ui.terminal_diff import DiffedOutput

if TYPE_CHECKING:
    from rtm_tui.config import Settings
    from rtm_tui.ui.feed import Feed

# Screen size classes; app.tcss lays the dashboard out by them:
# -small / -narrow (below WIDE_WIDTH): the board (99 columns at least) and the alerts (46)
#   do not fit side by side, so the alerts go under the board; -small also gets a
#   compact footer with the most used keys only;
# -wide / -xwide: the alerts beside the board;
# -short / -medium / -tall: the full gauges only on a tall and wide screen, a compact
#   strip otherwise; on a short screen narrower than -wide the alerts wait behind `w`.
NARROW_WIDTH = 110
WIDE_WIDTH = 146
XWIDE_WIDTH = 200
MEDIUM_HEIGHT = 30
TALL_HEIGHT = 44
# Footer tiers: tier 1 keys always, tier 2 from -narrow, tier 3 from -wide, tier 4 from
# -xwide (so the footer never cuts a key in the middle); every key is in the help screen.
FOOTER_TIERS = {
    "quit": 2,
    "command_palette": 2,
    "plans": 3,
    "show_view('dashboard')": 3,
    "show_view('roster')": 3,
    "show_view('outlook')": 3,
    "sort": 4,
    "period": 4,
    "freshness": 4,
    "attendance": 4,
    "toggle_all": 4,
    "find_agent": 3,  # the roster view's
    "to_coverage": 3,
}


class RtmFooter(Footer):
    """The footer; each key carries its tier (`-tier-2` …), app.tcss hides the tiers the
    screen width has no room for."""

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                tier = FOOTER_TIERS.get(widget.action.removeprefix("app."), 1)
                widget.add_class(f"-tier-{tier}")
            yield widget
OVERDUE_CHECK_SECONDS = 30.0
# at most this many toasts for one update; more new red alerts make one summary toast
MAX_TOASTS = 3
# how loud each store event is (rtm_tui.store.StoreEvent.kind)
STORE_EVENT_SEVERITY: dict[str, SeverityLevel] = {
    "recreated": "warning",
    "replaced": "warning",
    "read_only": "error",
    "open_failed": "error",
    "writable": "information",
    "opened": "information",
    "server_down": "error",
    "server_back": "information",
    "read_only_role": "error",
}


def translate_bindings(node: DOMNode) -> None:
    """Binding descriptions from the catalog (`key.<binding id>`), in the UI language."""
    translated = BindingsMap()
    for key, bindings in node._bindings.key_to_bindings.items():
        translated.key_to_bindings[key] = [_translated(b) for b in bindings]
    node._bindings = translated


# Textual's own palette commands, by what they do (their callback), in the UI language
_TEXTUAL_COMMANDS = {
    "action_change_theme": "theme",
    "action_quit": "quit",
    "action_show_help_panel": "keys_show",
    "action_hide_help_panel": "keys_hide",
    "action_maximize": "maximize",
    "action_minimize": "minimize",
    "<lambda>": "screenshot",  # Textual's screenshot is a lambda around deliver_screenshot
}


def _own_words(command: SystemCommand) -> SystemCommand:
    name = _TEXTUAL_COMMANDS.get(getattr(command.callback, "__name__", ""))
    if name is None or not has(f"palette.{name}"):
        return command
    return command._replace(title=t(f"palette.{name}"), help=t(f"palette.{name}.help"))


def _translated(binding: Binding) -> Binding:
    if binding.id:
        return replace(binding, description=t(f"key.{binding.id}"))
    if binding.action in ("command_palette", "app.command_palette"):
        return replace(binding, description=t("key.palette"))
    if binding.action in ("quit", "app.quit"):
        return replace(binding, description=t("key.quit"))
    return binding


@dataclass
class AppContext:
    """What the app and its screens share: settings, clock, store, the live feed."""

    settings: Settings
    clock: Clock
    store: Any | None = None  # rtm_tui.store.Store
    feed: Feed | None = None
    demo: bool = False
    # for the screenshot tests: no toasts, no bell
    quiet: bool = False
    store_error: str | None = None  # why the store could not be opened, shown on start
    # rtm_tui.app.metrics.MetricsHub when [metrics] serves Prometheus; its error, if any
    metrics: Any | None = None
    metrics_error: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def tz(self) -> Any:
        return self.settings.tz


class RtmApp(AlertActions, DiffedOutput, App[int]):
    """The TL's dashboard."""

    CSS_PATH = "app.tcss"
    TITLE = "RTM"
    ENABLE_COMMAND_PALETTE = True
    HORIZONTAL_BREAKPOINTS = [
        (0, "-small"),
        (NARROW_WIDTH, "-narrow"),
        (WIDE_WIDTH, "-wide"),
        (XWIDE_WIDTH, "-xwide"),
    ]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (MEDIUM_HEIGHT, "-medium"), (TALL_HEIGHT, "-tall")]
    BINDINGS = [
        Binding("question_mark", "help", "Help", key_display="?", id="help"),
        Binding("q", "quit", "Quit", id="quit"),
        Binding("r", "recovery_plan", "Recovery plan", id="recovery_plan"),
        Binding("p", "plans", "Plans", id="plans"),
        Binding("1", "show_view('dashboard')", "Dashboard", id="dashboard"),
        Binding("2", "show_view('roster')", "Roster", id="roster"),
        Binding("3", "show_view('outlook')", "Outlook", id="outlook"),
        Binding("slash", "filter", "Filter", key_display="/", id="filter"),
        Binding("e", "exceptions", "Exceptions", id="exceptions"),
        Binding("s", "sort", "Sort", id="sort"),
        Binding("t", "period", "Interval/today", id="period"),
        Binding("a", "acknowledge", "Acknowledge", id="acknowledge"),
        Binding("f", "freshness", "Data status", id="freshness"),
        Binding("w", "toggle_alerts", "Alerts", id="alerts"),
        Binding("g", "cycle_gauges", "Gauges", id="gauges"),
        Binding("b", "maximise_board", "Board", id="board"),
        Binding("l", "attendance", "Attendance", id="attendance"),
        Binding("o", "toggle_all", "All agents", id="all_agents"),
        # jumps (shift + the letter of the toggle): focus, showing the pane if hidden
        Binding("G", "jump('gauges')", "To gauges", show=False, id="jump_gauges"),
        Binding("B", "jump('board')", "To board", show=False, id="jump_board"),
        Binding("W", "jump('alerts')", "To alerts", show=False, id="jump_alerts"),
        # in the alerts pane's key hint, not the footer (it has no room)
        Binding("x", "excuse", "Excuse", id="excuse", show=False),
        Binding("n", "neutral_window", "Neutral window", id="neutral", show=False),
    ]

    def __init__(self, context: AppContext) -> None:
        set_language(context.settings.site.language)
        super().__init__()
        translate_bindings(self)
        self.context = context
        self.settings = context.settings
        self.clock = context.clock
        self.feed = context.feed
        self.store = context.store
        self.view: MonitorView | None = None
        self.roster: Roster | None = None
        self.period = "interval"
        self.trends = TrendKeeper()
        self.overdue_count = 0
        self.bells = 0  # rung so far (the terminal bell is silent in tests)
        self.updates = 0  # MonitorUpdated handled so far
        self._selection_kind: str | None = None  # "kpi" | "alert" | "agent"
        self._last_gauge: KpiGauge | None = None
        self.board: AgentBoard | None = None  # None until composed
        self.roster_view: RosterView | None = None
        self.outlook_view: OutlookView | None = None
        self._roster_dirty = False
        self._board_dirty = False
        self._day: date | None = None
        self.screenshots: list[tuple[Path, str | None]] = []  # (path, error) of each taken
        self.sub_title = t("app.demo") if context.demo else t("app.sub_title")

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        # Widgets are kept by reference: `App.query_one` searches the active screen,
        # which is a modal one while help or a form is open.
        site = self.settings.site
        self.header = RtmHeader(
            site=site.name, tl_name=site.tl_name, demo=self.context.demo, id="header"
        )
        self.gauge_panel = GaugePanel(self.settings.kpi_targets(), id="gauges")
        self.alerts_pane = AlertsPane(self.settings.tz, id="alerts")
        self.tabs = TabbedContent(id="views", initial="dashboard")
        self.filter_input = Input(placeholder=t("filter.placeholder"), id="filter")
        self.filter_input.display = False
        board = self.board = AgentBoard(id="board")
        roster_view = self.roster_view = RosterView(id="roster-view")
        translate_bindings(roster_view)  # its keys in the footer, in the UI language
        outlook_view = self.outlook_view = OutlookView(id="outlook-view")
        yield self.header
        with self.tabs:
            with TabPane(t("tab.dashboard"), id="dashboard") as self.dashboard_pane:
                yield self.gauge_panel
                with Horizontal(id="main"):
                    yield board
                    yield self.alerts_pane
                yield self.filter_input
            with TabPane(t("tab.roster"), id="roster"):
                yield roster_view
            with TabPane(t("tab.outlook"), id="outlook"):
                yield outlook_view
        yield RtmFooter()

    def on_mount(self) -> None:
        self._restore_trends()
        self._tick()
        self.set_interval(1.0, self._tick, name="tick")
        self.set_interval(OVERDUE_CHECK_SECONDS, self._check_overdue, name="overdue")
        self._check_overdue()
        if self.context.store_error:
            self.notify(self.context.store_error, severity="error", timeout=15, markup=False)
        self._store_news()  # opened read-only or not at all: said at start, not at a save
        if self.context.metrics_error:
            self.notify(self.context.metrics_error, severity="error", timeout=15, markup=False)
        if self.feed is not None:
            self.feed.start(self)
        # the board first: what a TL works on (Tab: alerts, gauges, the attendance card)
        if self.board is not None:
            self.board.focus()
        else:
            gauges = self.gauge_panel.gauges()
            if gauges:
                gauges[0].focus()

    async def on_unmount(self) -> None:
        if self.feed is not None:
            await self.feed.stop()

    # ------------------------------------------------------------------ widgets

    @property
    def active_view(self) -> str:
        return self.tabs.active or "dashboard"

    # ------------------------------------------------------------------ data flow

    def on_monitor_updated(self, message: MonitorUpdated) -> None:
        view = message.view
        previous = self.view
        self.view = view
        self.updates += 1
        self._publish_metrics()
        minutes = message.interval_minutes or self.settings.staffing.interval_minutes
        self.trends.record(view, minutes)
        if previous is None or previous.kpis != view.kpis:
            self.gauge_panel.update_kpis(view.kpis, self.trends)
            shift_from = view.shift_from
            self.gauge_panel.set_shift_from(
                shift_from.astimezone(self.settings.tz) if shift_from is not None else None
            )
        self.gauge_panel.update_attendance(view.attendance)
        if previous is None or previous.open_alerts != view.open_alerts or view.changed_alerts:
            self._show_alerts(view.open_alerts)
        if view.new_alerts:
            self._announce(view.new_alerts)
        if self.active_view == "dashboard":
            self._update_board()
        else:
            self._board_dirty = True
        if self.active_view == "roster":
            self._update_roster_view()
        else:
            self._roster_dirty = True

    def _update_board(self) -> None:
        board = self.board
        if board is not None and self.view is not None:
            board.set_scope(self.view.card_ids)
            board.update_rows(self.view.rows, self.view.now)
        self._board_dirty = False

    def _update_roster_view(self) -> None:
        roster_view = self.roster_view
        if roster_view is not None and self.view is not None:
            source, coverage = self._coverage()
            roster_view.set_tl_window(self._tl_window(self.view.now))
            roster_view.update_view(self.view, self.roster, coverage, source)
        self._roster_dirty = False

    def _tl_window(self, now: datetime) -> tuple[datetime, datetime] | None:
        """The TL window that has begun (the TL on duty's), as [start, end)."""
        from rtm_tui.domain.shift import latest_begun

        shifts = {name: (s.start, s.end) for name, s in self.settings.site.tl_shifts.items()}
        window = latest_begun(shifts, now, self.settings.tz) if shifts else None
        return None if window is None else (window.start, window.end)

    def _coverage(self) -> tuple[str | None, list[Any] | None]:
        """Today's coverage per interval (cached by the feed until an input changes)."""
        feed = self.feed
        if feed is None or self.view is None:
            return None, None
        try:
            return feed.coverage.rows(self.view.now)
        except Exception as exc:  # a coverage problem must not take the roster view down
            self.log.warning(f"coverage: {exc}")
            return None, None

    def on_freshness_changed(self, message: FreshnessChanged) -> None:
        now = self.clock.now()
        level = self._level(message.freshness, now)
        self.header.update_header(sources={message.source: SourceStatus(level, message.freshness)})
        self._publish_metrics()

    def _publish_metrics(self) -> None:
        """Hand the metrics endpoint the latest view and freshness: one reference swap,
        the scrape does the rest in its own thread."""
        hub = self.context.metrics
        if hub is not None and self.feed is not None:
            hub.publish(self.view, self.feed.freshness())

    def on_roster_changed(self, message: RosterChanged) -> None:
        self.roster = message.roster
        if self.active_view == "roster":
            self._update_roster_view()
        else:
            self._roster_dirty = True

    def on_forecast_changed(self, message: Any) -> None:
        if self.active_view == "roster":
            self._update_roster_view()
        else:
            self._roster_dirty = True

    def on_plans_changed(self, message: PlansChanged) -> None:
        self._check_overdue()

    @staticmethod
    def _level(freshness: Any | None, now: datetime) -> str:
        if freshness is None:
            return "off"
        try:
            return str(freshness.level(now))
        except Exception:  # a freshness we cannot read is shown as such, never a crash
            return "never"

    def source_statuses(self, now: datetime) -> dict[str, SourceStatus]:
        if self.feed is None:
            return {}
        return {
            name: SourceStatus(self._level(fr, now), fr)
            for name, fr in self.feed.freshness().items()
        }

    def _clock_skew(self) -> str:
        from rtm_tui.domain.skew import describe

        skew = getattr(self.feed, "skew", None)
        offset = getattr(skew, "offset", None)
        return describe(offset) if offset else ""

    def _tick(self) -> None:
        now = self.clock.now()
        day = now.astimezone(self.settings.tz).date()
        if self._day is not None and day != self._day and self.feed is not None:
            # a new day: fetch the new day's roster now, not at the next roster poll
            roster = self.feed.pollers.get("roster")
            if roster is not None:
                roster.poll_now()
        self._day = day
        self.header.update_header(
            now=now.astimezone(self.settings.tz),
            shift=self.settings.tl_shift_at(now),
            sources=self.source_statuses(now),
            clock_skew=self._clock_skew(),
        )
        self._store_news()
        if self.view is None:
            return
        if self.active_view == "dashboard":
            if self.board is not None:
                self.board.tick(now)
        elif self.roster_view is not None:
            self.roster_view.tick(now)

    def _store_news(self) -> None:
        """What happened to the database file (deleted and put back, read-only, could
        not open, working again): a toast each, and its state in the header."""
        store = self.store
        if store is None or not hasattr(store, "take_events"):
            return
        for event in store.take_events():
            text = t(f"store.{event.kind}", path=event.path, detail=event.detail)
            severity = STORE_EVENT_SEVERITY.get(event.kind, "warning")
            self.notify(
                text, title=t("toast.store"), severity=severity, timeout=15, markup=False
            )
        self.header.update_header(store_health=getattr(store, "health", "ok"))

    def _check_overdue(self) -> None:
        if self.store is not None:
            self.run_worker(self._count_overdue(), exclusive=True, group="overdue")

    async def _count_overdue(self) -> None:
        if self.store is None:
            return
        try:
            # off the event loop: on a shared database this is a network round trip
            count = len(await asyncio.to_thread(self.store.overdue_plans, self.clock.now()))
        except Exception as exc:  # a busy or broken database must not stop the dashboard
            self.log.warning(f"overdue plans: {exc}")
            return
        self.overdue_count = count
        self.alerts_pane.set_overdue(count)
        self.header.update_header(overdue_plans=count)

    def _restore_trends(self) -> None:
        """Sparklines survive a restart: seed them from today's stored interval values."""
        if self.store is None or not hasattr(self.store, "interval_kpis"):
            return
        today = self.clock.now().astimezone(self.settings.tz).date()
        try:
            records = self.store.interval_kpis(day=today, period="interval")
        except Exception as exc:
            self.log.warning(f"restore trends: {exc}")
            return
        for r in records:
            self.trends.seed(r.kpi, r.scope, r.period_start, r.value)

    # ------------------------------------------------------------------ selection

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        widget = event.widget
        if isinstance(widget, KpiGauge):
            self._selection_kind = "kpi"
            self._last_gauge = widget
        elif widget.id == "alerts-list":
            self._selection_kind = "alert"
        elif widget.id == "board":
            self._selection_kind = "agent"

    def selection(self) -> KpiValue | Alert | AgentRow | None:
        """What `r` files a plan for: the focused (or last focused) gauge, alert or agent."""
        kind = self._selection_kind
        if kind == "alert":
            return self.alerts_pane.selected_alert
        if kind == "agent":
            board = self.board
            return board.selected_row if board is not None else None
        if kind == "kpi":
            gauge = self._selected_gauge()
            return gauge.current if gauge is not None else None
        return None

    def _selected_gauge(self) -> KpiGauge | None:
        focused = self.focused
        if isinstance(focused, KpiGauge):
            return focused
        gauge = self._last_gauge
        return gauge if gauge is not None and gauge.is_attached else None

    # ------------------------------------------------------------------ actions

    def action_help(self) -> None:
        """`?`: the keys of what is in front (dashboard, roster view, or a dialog such
        as the plans screen: built from its bindings), with the legend."""
        screen = self.screen
        if screen is not self.screen_stack[0]:
            if isinstance(screen, HelpScreen):
                return
            focused = screen.focused
            widget_rows = binding_rows(focused.BINDINGS) if focused is not None else []
            self.push_screen(
                HelpScreen.for_bindings(
                    type(screen).BINDINGS,
                    title=self._screen_title(screen),
                    extra=widget_rows,
                )
            )
            return
        view = self.active_view
        self.push_screen(
            HelpScreen(
                self.help_rows(view),
                legend=view,
                title=t("help.title_view", view=t(f"tab.{view}")),
            )
        )

    @staticmethod
    def _screen_title(screen: Screen) -> str:
        """A dialog's help title: "help.screen.<class name>" when the catalog has it."""
        key = f"help.screen.{type(screen).__name__}"
        return t("help.title_view", view=t(key)) if has(key) else t("help.title")

    def help_rows(self, view: str = "dashboard") -> list[tuple[str, str]]:
        """Every key of a view with what it does (the long text); keys for one action
        are listed together ("^q, q"): the app's, then those of the view's widgets."""
        app_rows = binding_rows(
            (b for bindings in self._bindings.key_to_bindings.values() for b in bindings),
            self.get_key_display,
        )
        if view == "roster":
            widgets: list[tuple[str, str]] = []
            roster_view = self.roster_view
            if roster_view is not None:
                widgets = binding_rows(type(roster_view).BINDINGS, self.get_key_display)
            move = [("↑ ↓ pgup pgdn home end", t("cmd.move_roster"))]
            return merge_rows(app_rows, widgets, move, [("esc", t("cmd.close"))])
        if view == "outlook":
            outlook = binding_rows(OutlookView.BINDINGS, self.get_key_display)
            return merge_rows(app_rows, outlook, [("esc", t("cmd.close"))])
        widget_rows = binding_rows(
            [*KpiGauge.BINDINGS, *AttendanceCard.BINDINGS], self.get_key_display
        )
        return merge_rows(
            app_rows,
            widget_rows,
            [
                ("↑ ↓ pgup pgdn home end", t("cmd.move")),
                ("tab, shift+tab", t("cmd.next_pane")),
                ("esc", t("cmd.close")),
            ],
        )

    def action_show_view(self, view: str) -> None:
        tabs = self.tabs
        if tabs.active == view:
            return
        # A focused widget left in the pane being hidden would pull the tabs back to it
        # (TabbedContent follows focus), so let go of the focus first.
        self.set_focus(None)
        tabs.active = view
        self.call_after_refresh(self._focus_view, view)

    def _focus_view(self, view: str) -> None:
        target: Widget | None
        if view == "roster":
            target = self.roster_view
        elif view == "outlook":
            target = self.outlook_view
            if self.outlook_view is not None:
                self.outlook_view.refresh_outlook(force=True)
        else:
            target = self._last_gauge if self._selection_kind == "kpi" else self.board
            target = target or self.board or next(iter(self.gauge_panel.gauges()), None)
        if target is not None and target.focusable:
            target.focus()

    @on(TabbedContent.TabActivated)
    def _view_activated(self, event: TabbedContent.TabActivated) -> None:
        # hidden views are not redrawn on each poll: catch them up when shown
        if self.active_view == "roster" and self._roster_dirty:
            self._update_roster_view()
        if self.active_view == "dashboard" and self._board_dirty:
            self._update_board()

    def action_filter(self) -> None:
        self.action_show_view("dashboard")
        box = self.filter_input
        box.display = True
        box.focus()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        board = self.board
        if board is not None:
            board.set_filter(event.value)

    @on(Input.Submitted, "#filter")
    def _filter_kept(self, event: Input.Submitted) -> None:
        box = self.filter_input
        box.display = bool(box.value)
        self._focus_board()

    def _focus_board(self) -> None:
        board = self.board
        if board is not None:
            board.focus()

    def on_key(self, event: Any) -> None:
        # `?` in a dialog (plans, plan form, sources…): a modal screen hides the app's
        # bindings, but an unhandled key still bubbles up to here; its help from its bindings
        if (
            event.key == "question_mark"
            and len(self.screen_stack) > 1
            and not isinstance(self.screen, HelpScreen)
        ):
            # after this key is done with: its own binding would close the help at once
            self.call_after_refresh(self.action_help)
            event.stop()
            return
        # escape clears the filter and hides its box: in the box, and after enter kept it
        # (as the help says), as long as no dialog is open
        if event.key != "escape" or len(self.screen_stack) > 1:
            return
        box = self.filter_input
        in_box = isinstance(self.focused, Input) and self.focused.id == "filter"
        if in_box or box.value:
            box.value = ""
            box.display = False
            self._focus_board()
            event.stop()

    def action_exceptions(self) -> None:
        self.action_show_view("dashboard")
        board = self.board
        if board is not None:
            board.toggle_exceptions()

    def action_sort(self) -> None:
        self.action_show_view("dashboard")
        board = self.board
        if board is not None:
            board.cycle_sort()

    def action_period(self) -> None:
        self.period = PERIODS[(PERIODS.index(self.period) + 1) % len(PERIODS)]
        self.gauge_panel.set_period(self.period, self.trends)

    # ------------------------------------------------------------------ layout keys

    @property
    def board_maximised(self) -> bool:
        return self.dashboard_pane.has_class("-board-max")

    def _set_board_max(self, on: bool) -> None:
        self.dashboard_pane.set_class(on, "-board-max")

    def action_toggle_alerts(self) -> None:
        """`w`: show or hide the alerts (on a short narrow screen they are hidden until
        asked for); shown, they take the focus so `a` and the arrows work on them."""
        self.action_show_view("dashboard")
        pane = self.alerts_pane
        show = self.board_maximised or not pane.display
        self._set_board_max(False)
        pane.set_class(show, "-shown")
        pane.set_class(not show, "-hidden")
        if show:
            self.call_after_refresh(pane.option_list.focus)
        elif self.focused is not None and pane in self.focused.ancestors_with_self:
            self._focus_board()

    def action_cycle_gauges(self) -> None:
        """`g`: the gauges full, compact (one strip), hidden, full … (from what is shown)."""
        self.action_show_view("dashboard")
        panel = self.gauge_panel
        if self.board_maximised:
            self._set_board_max(False)  # the gauges come back as they were
            return
        following = {"full": "compact", "compact": "hidden", "hidden": "full"}
        mode = following[panel.shown_mode]
        panel.set_mode(mode)
        if mode != "full" and isinstance(self.focused, KpiGauge):
            self._focus_board()

    def action_maximise_board(self) -> None:
        """`b`: the board alone (no gauges, no alerts), or back."""
        self.action_show_view("dashboard")
        on = not self.board_maximised
        self._set_board_max(on)
        if on:
            self._focus_board()

    def action_freshness(self) -> None:
        now = self.clock.now()
        self.push_screen(
            FreshnessScreen(
                self.header.sources,
                now,
                self.settings.tz,
                follow=lambda: (self.header.sources, self.clock.now()),
                retry=self.retry_sources if self.feed is not None else None,
            )
        )

    def retry_sources(self) -> int:
        """Poll every source now (the sources screen's `r`), ending any wait, a
        Retry-After's too; a source already fetching is left to finish. How many woke."""
        if self.feed is None:
            return 0
        return sum(1 for poller in self.feed.pollers.values() if poller.poll_now())

    def on_rtm_header_freshness_requested(self, message: RtmHeader.FreshnessRequested) -> None:
        self.action_freshness()

    def action_recovery_plan(self) -> None:
        store = self._plan_store()
        if store is None:
            return
        from rtm_tui.domain.plan_draft import draft_plan

        selected = self.selection()

        def make() -> Any:  # ctrl+l in the form reads it again from the latest view
            now = self.clock.now()
            view = self.view or MonitorView(now, (), (), AttendanceCounts(), (), ())
            feed = self.feed
            draft = draft_plan(
                now,
                self.settings.tl_shift_at(now),
                self.settings.site.tl_name,
                view,
                selected,
                feed.last_voice if feed is not None else None,
                self.settings.staffing_rules(),
                feed.interval_minutes if feed is not None and feed.interval_minutes else 0,
                feed.last_agents if feed is not None else None,
            )
            if draft.kpi in VOICE_KPIS and (line := outlook_suggestion(self)) is not None:
                draft = replace(draft, suggestions=(*draft.suggestions, line))
            return draft

        form = RecoveryPlanForm(
            make(), store, self.settings.tz, tuple(self.settings.site.tl_shifts), make
        )
        self.push_screen(form, lambda _plan: self._check_overdue())

    def action_plans(self) -> None:
        store = self._plan_store()
        if store is None:
            return
        screen = PlansScreen(
            store,
            self.settings.tz,
            self.current_kpi,
            clock=self.clock,
            who=self.settings.site.tl_name,
            tl_shifts=tuple(self.settings.site.tl_shifts),
            tl_shift_times={n: (s.start, s.end) for n, s in self.settings.site.tl_shifts.items()},
        )
        self.push_screen(screen, lambda _result: self._check_overdue())

    def _plan_store(self) -> PlanStore | None:
        """The store plans are saved to; None (and said) when the app runs without one."""
        if self.store is None:
            self.notify(t("plan.no_store"), severity="error", markup=False)
        return self.store

    def current_kpi(self, kpi: str, scope: str, period: str = "interval") -> KpiValue | None:
        """The KPI now for `period` (the period a plan was filed on), for verifying it.
        None when the view has no value for that period: a plan filed on today's value is
        never verified with the interval's."""
        if self.view is None:
            return None
        return next(
            (
                k
                for k in self.view.kpis
                if k.kpi == kpi and k.scope == scope and k.period == period
            ),
            None,
        )

    # ------------------------------------------------------------------ attendance, jumps

    def action_attendance(self) -> None:
        """`l` (or enter on the attendance card): who is late, absent, out early or not
        rostered; enter on an agent goes to their board row."""
        from rtm_tui.ui.attendance_screen import AttendanceScreen, card_rows

        self.push_screen(
            AttendanceScreen(card_rows(self.view), self.settings.tz), self._attendance_chosen
        )

    def _attendance_chosen(self, agent_id: str | None) -> None:
        if agent_id:
            self.jump_to_agent(agent_id)

    def jump_to_agent(self, agent_id: str) -> bool:
        """The dashboard, the board focused, its cursor on the agent (a filter that hides
        them is cleared; exceptions only and the default scope widened)."""
        board = self.board
        if board is None:
            return False
        self.action_show_view("dashboard")
        self._set_board_max(False)
        box = self.filter_input
        if box.value and all(r.agent_id != agent_id for r in board.visible_rows):
            box.value = ""
            box.display = False
            board.set_filter("")
        found = board.select_agent(agent_id)
        self.call_after_refresh(self._focus_board)
        if not found:
            self.notify(t("board.agent_gone", agent=agent_id), severity="warning", markup=False)
        return found

    def action_toggle_all(self) -> None:
        """`o`: the board with everyone (off, leave, finished shifts, other TLs' people,
        dimmed), or the TL's people and anyone logged in again."""
        self.action_show_view("dashboard")
        if self.board is not None:
            self.board.toggle_all()

    def action_jump(self, target: str) -> None:
        """`G` / `B` / `W`: focus the gauges, the board or the alerts, showing them first
        when they are hidden or folded (the gauges come back full)."""
        self.action_show_view("dashboard")
        if target == "board":
            self._focus_board()
            return
        self._set_board_max(False)
        if target == "alerts":
            pane = self.alerts_pane
            pane.set_class(True, "-shown")
            pane.set_class(False, "-hidden")
            self.call_after_refresh(pane.option_list.focus)
            return
        panel = self.gauge_panel
        if panel.shown_mode != "full":
            panel.set_mode("full")
        gauge = self._selected_gauge() or next(iter(panel.gauges()), None)
        if gauge is not None:
            self.call_after_refresh(gauge.focus)

    def _tab_stops(self) -> list[Widget]:
        """The dashboard's Tab order: board, alerts, the gauges (one stop: the arrows move
        between them), the attendance card, the filter box when shown."""
        stops: list[Widget] = []
        if self.board is not None and self.board.display:
            stops.append(self.board)
        pane = self.alerts_pane
        if pane.display and not self.board_maximised:
            stops.append(pane.option_list)
        panel = self.gauge_panel
        if panel.shown_mode == "full" and not self.board_maximised:
            gauge = self._selected_gauge() or next(iter(panel.gauges()), None)
            if gauge is not None:
                stops.append(gauge)
            stops.append(panel.attendance)
        if self.filter_input.display:
            stops.append(self.filter_input)
        return stops

    def _cycle_focus(self, step: int) -> bool:
        if self.screen is not self.screen_stack[0] or self.active_view != "dashboard":
            return False
        stops = self._tab_stops()
        if not stops:
            return False
        focused = self.focused
        here = -1
        if isinstance(focused, KpiGauge):
            here = next((i for i, w in enumerate(stops) if isinstance(w, KpiGauge)), -1)
        elif focused in stops:
            here = stops.index(focused)
        if here < 0 and step < 0:
            here = 0
        stops[(here + step) % len(stops)].focus()
        return True

    def action_focus_next(self) -> None:
        if not self._cycle_focus(1):
            super().action_focus_next()

    def action_focus_previous(self) -> None:
        if not self._cycle_focus(-1):
            super().action_focus_previous()

    # ------------------------------------------------------------------ screenshot

    def screenshot_dir(self) -> Path:
        """Where the palette's Screenshot saves: `<data dir>/screenshots`."""
        configured = self.context.extra.get("screenshot_dir")
        return Path(configured) if configured else data_dir() / "screenshots"

    def take_screenshot(self) -> None:
        """Save an SVG of the screen and say where, or why it could not be saved. The
        file is written off the event loop."""
        folder = self.screenshot_dir()
        name = f"rtm-{self.clock.now().astimezone(self.settings.tz):%Y%m%d-%H%M%S}.svg"
        try:
            svg = self.export_screenshot()
        except Exception as exc:  # nothing on screen to export, a driver without output
            self._screenshot_done(folder / name, f"{type(exc).__name__}: {exc}")
            return
        self.run_worker(
            lambda: self._write_screenshot(folder, name, svg),
            thread=True,
            group="screenshot",
            exit_on_error=False,
        )

    def _write_screenshot(self, folder: Path, name: str, svg: str) -> None:
        path = folder / name
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path.write_text(svg, encoding="utf-8")
        except OSError as exc:
            self.call_from_thread(self._screenshot_done, path, exc.strerror or str(exc))
            return
        self.call_from_thread(self._screenshot_done, path, None)

    def _screenshot_done(self, path: Path, error: str | None) -> None:
        self.screenshots.append((path, error))
        if error is None:
            self.notify(t("screenshot.saved", path=str(path)), title=t("screenshot.title"), markup=False)
        else:
            self.notify(
                t("screenshot.failed", path=str(path), error=error),
                title=t("screenshot.title"),
                severity="error",
                timeout=15,
                markup=False,
            )

    def action_command_palette(self) -> None:
        """Textual's palette, with its search prompt in the UI language."""
        if self.use_command_palette and not CommandPalette.is_open(self):  # type: ignore[arg-type]
            palette = CommandPalette(placeholder=t("palette.placeholder"), id="--command-palette")
            self.push_screen(palette)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        for command in super().get_system_commands(screen):
            if command.title == "Screenshot":  # Textual's: ours says where it saved, or why not
                continue
            yield _own_words(command)
        yield SystemCommand(
            t("palette.screenshot"),
            t("screenshot.help"),
            lambda: self.set_timer(0.1, self.take_screenshot),
        )
        yield SystemCommand(t("key.recovery_plan"), t("cmd.recovery_plan"), self.action_recovery_plan)
        yield SystemCommand(t("key.plans"), t("cmd.plans"), self.action_plans)
        yield SystemCommand(
            t("key.dashboard"), t("cmd.dashboard"), lambda: self.action_show_view("dashboard")
        )
        yield SystemCommand(
            t("key.roster"), t("cmd.roster"), lambda: self.action_show_view("roster")
        )
        yield SystemCommand(
            t("key.outlook"), t("cmd.outlook"), lambda: self.action_show_view("outlook")
        )
        yield SystemCommand(t("key.filter"), t("cmd.filter"), self.action_filter)
        yield SystemCommand(t("key.exceptions"), t("cmd.exceptions"), self.action_exceptions)
        yield SystemCommand(t("key.sort"), t("cmd.sort"), self.action_sort)
        yield SystemCommand(t("key.period"), t("cmd.period"), self.action_period)
        yield SystemCommand(t("key.acknowledge"), t("cmd.acknowledge"), self.action_acknowledge)
        yield SystemCommand(t("key.freshness"), t("cmd.freshness"), self.action_freshness)
        yield SystemCommand(t("key.alerts"), t("cmd.alerts"), self.action_toggle_alerts)
        yield SystemCommand(t("key.gauges"), t("cmd.gauges"), self.action_cycle_gauges)
        yield SystemCommand(t("key.board"), t("cmd.board"), self.action_maximise_board)
        yield SystemCommand(t("key.help"), t("cmd.help"), self.action_help)
        yield SystemCommand(t("key.attendance"), t("cmd.attendance"), self.action_attendance)
        yield SystemCommand(t("key.all_agents"), t("cmd.all_agents"), self.action_toggle_all)
