"""Open alerts (ROTG, KPI, attendance), newest first; `a` acknowledges the selected one.

The monitor dedupes alerts (one per condition); this pane only lists what it says is
open. Acknowledged alerts stay listed, dimmed, until the monitor closes them. Alert
messages hold agent names: they are `Text`, never markup.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import tzinfo

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from rtm_tui.domain.types import Alert, Severity
from rtm_tui.ui.i18n import t


def alert_text(alert: Alert, tz: tzinfo, acknowledged: bool) -> Text:
    """One alert line: time, severity mark, message (literal)."""
    breach = alert.severity is Severity.BREACH
    mark_style = "bold red" if breach else "yellow"
    text = Text(no_wrap=False)
    text.append(f"{alert.raised_at.astimezone(tz):%H:%M} ", style="dim")
    text.append("■ " if breach else "▲ ", style=mark_style)
    text.append(alert.message)
    if acknowledged:
        text.append(f"  ✓ {t('alerts.acked')}", style="italic")
        text.stylize("dim")
    return text


class AlertsPane(Vertical):
    """Title, the list of open alerts, and the overdue recovery plans line."""

    DEFAULT_CSS = """
    AlertsPane {
        width: 46;
        height: 1fr;
        border-left: vkey $foreground 20%;
    }
    AlertsPane > #alerts-title { text-style: bold; padding: 0 1; width: 1fr; }
    AlertsPane > OptionList { height: 1fr; border: none; padding: 0; background: $surface; }
    /* no focus frame: it took two lines of a small pane; the highlighted alert shows it */
    AlertsPane > OptionList:focus { border: none; }
    AlertsPane > #alerts-empty { color: $foreground 50%; padding: 0 1; }
    AlertsPane > #alerts-overdue {
        color: $text-warning; text-style: bold; padding: 0 1; height: auto;
    }
    """

    def __init__(self, tz: tzinfo, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.tz = tz
        self.alerts: tuple[Alert, ...] = ()
        self.acknowledged: frozenset[str] = frozenset()
        self.overdue = 0
        # kept by reference: updates may arrive while the app is closing
        self.title_label = Label(t("alerts.title"), id="alerts-title", markup=False)
        self.empty_note = Static(t("alerts.none"), id="alerts-empty", markup=False)
        self.option_list = OptionList(id="alerts-list")
        self.overdue_line = Static("", id="alerts-overdue", markup=False)
        self.overdue_line.display = False

    def compose(self) -> ComposeResult:
        yield self.title_label
        yield self.empty_note
        yield self.option_list
        yield self.overdue_line

    def update_alerts(
        self, alerts: Sequence[Alert], acknowledged: Collection[str] = ()
    ) -> None:
        """Newest first. Redraws only when the alerts or their acknowledgement changed."""
        ordered = tuple(sorted(alerts, key=lambda a: (a.raised_at, a.key), reverse=True))
        acked = frozenset(a.key for a in ordered if a.key in acknowledged)
        if ordered == self.alerts and acked == self.acknowledged:
            return
        self.alerts, self.acknowledged = ordered, acked
        options = self.option_list
        keep = self.selected_alert
        options.clear_options()
        options.add_options(
            [Option(alert_text(a, self.tz, a.key in acked), id=a.key) for a in ordered]
        )
        if keep is not None and keep.key in {a.key for a in ordered}:
            options.highlighted = options.get_option_index(keep.key)
        elif ordered and options.has_focus:
            options.highlighted = 0
        open_count = len(ordered) - len(acked)
        self.title_label.update(f"{t('alerts.title')} ({open_count})")
        self.empty_note.display = not ordered

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
        return len(self.alerts) - len(self.acknowledged)
