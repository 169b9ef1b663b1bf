"""The alerts pane: what is in alarm now, worst first, or the shift's history.

- In alarm (the default): open and acknowledged alerts (domain/alerts.py `in_alarm`),
  not yet acknowledged first, then by severity, then the one lasting longest; an
  acknowledged one is dimmed. Snoozed ones are counted in the title and listed in the
  history. `h` switches to the shift's history (every alert kept, newest first, with
  where it is: acknowledged by whom, snoozed until when, resolved when).
- `v` filters: all, agents (ROTG and attendance), KPIs.
- Keys (the app's actions): `a` acknowledge the highlighted one, `A` every one shown, `z`
  snooze, `u` unsnooze, `x` excuse the agent, enter: go to its gauge or agent row.
- One notification at a time, in the pane's news line, never over the board's data; an
  alert whose row is on screen in the list is not announced a second time above it.

What an alert says is rendered from its code (rtm_tui.i18n.alert_text); alert texts hold
agent names: they are `Text`, never markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from rtm_tui.domain.alerts import history_order, in_alarm, triage_order
from rtm_tui.domain.types import Alert, AlertKind, AlertState, Severity
from rtm_tui.i18n.alert_text import alert_line, state_line
from rtm_tui.ui.i18n import t

FILTERS = ("all", "agents", "kpis")
MARKS = {
    Severity.SEVERE: ("◆ ", "bold red reverse"),
    Severity.BREACH: ("■ ", "bold red"),
    Severity.WARNING: ("▲ ", "yellow"),
}


def alert_text(alert: Alert, tz: tzinfo, history: bool = False) -> Text:
    """One alert line: time, severity mark, what it says (literal), where it is."""
    mark, style = MARKS[alert.severity]
    text = Text(no_wrap=False)
    text.append(f"{alert.raised_at.astimezone(tz):%H:%M} ", style="dim")
    text.append(mark, style=style)
    text.append(alert_line(alert, tz))
    acked = alert.state is AlertState.ACKNOWLEDGED
    if history or acked:
        text.append(f"  · {state_line(alert, tz)}", style="italic")
    if acked or (history and alert.state is AlertState.RESOLVED):
        text.stylize("dim")
    return text


def _passes(alert: Alert, which: str) -> bool:
    if which == "agents":
        return alert.kind is not AlertKind.KPI
    if which == "kpis":
        return alert.kind is AlertKind.KPI
    return True


class AlertsPane(Vertical):
    """Title, news line, the list, the overdue recovery plans line and the key hint."""

    class Drill(Message):
        """Enter on an alert: go to its gauge or agent row."""

        def __init__(self, alert: Alert) -> None:
            super().__init__()
            self.alert = alert

    DEFAULT_CSS = """
    AlertsPane {
        width: 46;
        height: 1fr;
        border-left: vkey $foreground 20%;
    }
    AlertsPane > #alerts-title { text-style: bold; padding: 0 1; width: 1fr; }
    AlertsPane > #alerts-news { padding: 0 1; height: 1; display: none; }
    AlertsPane > #alerts-news.-shown { display: block; }
    AlertsPane > OptionList { height: 1fr; border: none; padding: 0; background: $surface; }
    /* no focus frame: it took two lines of a small pane; the highlighted alert shows it */
    AlertsPane > OptionList:focus { border: none; }
    AlertsPane > #alerts-empty { color: $foreground 50%; padding: 0 1; }
    AlertsPane > #alerts-overdue {
        color: $text-warning; text-style: bold; padding: 0 1; height: auto;
    }
    AlertsPane > #alerts-hint { color: $foreground 50%; padding: 0 1; height: auto; }
    /* a short screen keeps its lines for the alerts (the help lists the keys) */
    Screen.-short AlertsPane > #alerts-hint { display: none; }
    """
    SCOPED_CSS = False  # the rule for short screens names the Screen
    BINDINGS = [
        Binding("A", "app.acknowledge_all", "Acknowledge all", id="acknowledge_all", show=False),
        Binding("z", "app.snooze", "Snooze", id="snooze", show=False),
        Binding("u", "app.unsnooze", "Unsnooze", id="unsnooze", show=False),
        Binding("h", "app.alert_history", "History", id="alert_history", show=False),
        Binding("v", "app.alert_filter", "Filter alerts", id="alert_filter", show=False),
    ]

    def __init__(self, tz: tzinfo, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.tz = tz
        self.history = False
        self.which = "all"
        self.active: tuple[Alert, ...] = ()  # not resolved (from the monitor)
        self.kept: tuple[Alert, ...] = ()  # every alert of the shift
        self.alerts: tuple[Alert, ...] = ()  # shown, in screen order
        self.overdue = 0
        self.news = ""
        # kept by reference: updates may arrive while the app is closing
        self.title_label = Label(t("alerts.title"), id="alerts-title", markup=False)
        self.news_line = Static("", id="alerts-news", markup=False)
        self.empty_note = Static(t("alert.ui.none_alarm"), id="alerts-empty", markup=False)
        self.option_list = OptionList(id="alerts-list")
        self.overdue_line = Static("", id="alerts-overdue", markup=False)
        self.overdue_line.display = False
        self.hint = Static(t("alert.ui.hint"), id="alerts-hint", markup=False)

    def compose(self) -> ComposeResult:
        yield self.title_label
        yield self.news_line
        yield self.empty_note
        yield self.option_list
        yield self.overdue_line
        yield self.hint

    def update_alerts(
        self, active: Sequence[Alert], kept: Sequence[Alert] | None = None
    ) -> None:
        """The monitor's alerts not resolved, and (for the history) all it kept."""
        self.active = tuple(active)
        if kept is not None:
            self.kept = tuple(kept)
        self._redraw()

    def set_history(self, on: bool) -> None:
        self.history = on
        self._redraw()

    def cycle_filter(self) -> str:
        self.which = FILTERS[(FILTERS.index(self.which) + 1) % len(FILTERS)]
        self._redraw()
        return self.which

    def _shown(self) -> tuple[Alert, ...]:
        if self.history:
            kept = {a.key: a for a in self.kept}
            kept.update((a.key, a) for a in self.active)  # the latest of each
            return tuple(a for a in history_order(kept.values()) if _passes(a, self.which))
        return tuple(a for a in triage_order(self.active) if in_alarm(a) and _passes(a, self.which))

    def _redraw(self) -> None:
        shown = self._shown()
        view = t("alert.ui.history" if self.history else "alert.ui.alarm")
        title = t(
            "alert.ui.title", view=view, filter=t(f"alert.ui.filter.{self.which}"), count=len(shown)
        )
        snoozed = sum(1 for a in self.active if a.state is AlertState.SNOOZED)
        if snoozed and not self.history:
            title += f" · {t('alert.ui.snoozed', count=snoozed)}"
        self.title_label.update(title)
        self.empty_note.update(t("alert.ui.none_history" if self.history else "alert.ui.none_alarm"))
        self.empty_note.display = not shown
        if shown == self.alerts:
            return
        options = self.option_list
        keep = self.selected_alert
        self.alerts = shown
        options.clear_options()
        options.add_options(
            [Option(alert_text(a, self.tz, self.history), id=a.key) for a in shown]
        )
        if keep is not None and keep.key in {a.key for a in shown}:
            options.highlighted = options.get_option_index(keep.key)
        elif shown and options.has_focus:
            options.highlighted = 0

    def on_mount(self) -> None:
        from rtm_tui.ui.app import translate_bindings  # the app's module imports this one

        translate_bindings(self)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        alert = next((a for a in self.alerts if a.key == event.option.id), None)
        if alert is not None:
            self.post_message(self.Drill(alert))

    def in_view(self, key: str) -> bool:
        """Whether the alert's row is among the list's rows on screen now (its lines
        counted one each: a wrapped one above it may push it off, which errs on saying
        it again). Hidden or not laid out yet: only the first row counts."""
        index = next((i for i, a in enumerate(self.alerts) if a.key == key), None)
        if index is None:
            return False
        options = self.option_list
        top = int(options.scroll_y)
        return top <= index < top + max(1, options.scrollable_content_region.height)

    def say(self, text: Text | str) -> None:
        """The one notification shown: replaces the one before; "" hides it."""
        self.news = str(text)
        if isinstance(text, str):
            text = Text(text)
        text.no_wrap, text.overflow = True, "ellipsis"
        self.news_line.update(text)
        self.news_line.set_class(bool(self.news), "-shown")

    def set_overdue(self, count: int) -> None:
        if count == self.overdue:
            return
        self.overdue = count
        line = self.overdue_line
        line.update(t("alerts.overdue", count=count))
        line.display = count > 0

    @property
    def selected_alert(self) -> Alert | None:
        index = self.option_list.highlighted
        if index is None or not 0 <= index < len(self.alerts):
            return None
        return self.alerts[index]

    @property
    def open_count(self) -> int:
        """In alarm and not yet acknowledged."""
        return sum(1 for a in self.active if a.state is AlertState.OPEN)
