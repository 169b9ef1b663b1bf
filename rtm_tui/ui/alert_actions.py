"""The app's alert keys and notifications (a mixin of RtmApp, kept apart from app.py).

- `a` acknowledge the highlighted alert (or the worst one shown), `A` every one shown;
  `z` snooze (dialog: 15-minute steps, a reason), `u` unsnooze; `h` the shift's history;
  `v` filter agents / KPIs; enter: the alert's gauge or agent row; `x` excuse the agent
  of the highlighted alert or board row (dialog: a reason from the config); `n` mark the
  last source outage neutral for everyone.
- Notifications are quiet: the worst news of an update in the pane's one news line
  (replacing the one before, never a toast over the board), unless its row is on screen
  in the list already; the bell only for a breach or severe alert, and only with
  `[ui] bell` on.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from rich.text import Text

from rtm_tui.domain.alerts import RANK, SNOOZE_STEP, counts_by_severity
from rtm_tui.domain.rotg import occurrence_start
from rtm_tui.domain.types import Alert, AlertKind, AlertState, Severity
from rtm_tui.i18n.alert_text import alert_line
from rtm_tui.ui.alert_dialogs import ExcuseDialog, NeutralDialog, SnoozeDialog
from rtm_tui.ui.alerts_pane import MARKS, AlertsPane
from rtm_tui.ui.i18n import t

if TYPE_CHECKING:
    from rtm_tui.ui.feed import Feed

NEWS_SECONDS = 60.0  # the news line clears itself after this long
LOUD = (Severity.BREACH, Severity.SEVERE)


class AlertActions:
    """Mixed into RtmApp: everything the TL does with alerts."""

    alerts_pane: AlertsPane
    feed: Feed | None
    view: Any
    bells: int
    _news_key: str | None = None  # the alert the news line is about

    # ------------------------------------------------------------------ showing

    def _show_alerts(self, alerts: Iterable[Alert] | None = None) -> None:
        """The pane and the header's counts, from the monitor's alerts now."""
        app: Any = self
        pane = self.alerts_pane
        if alerts is None:
            alerts = self.view.open_alerts if self.view is not None else ()
        active = tuple(alerts)
        kept = None
        if pane.history and self.feed is not None:
            kept = self.feed.monitor.alerts_of_shift()
        pane.update_alerts(active, kept)
        news_key = getattr(self, "_news_key", None)
        if news_key is not None and pane.news and news_key not in {a.key for a in active}:
            pane.say("")  # what it announced is over
            self._news_key = None
        counts = counts_by_severity(active)
        app.header.update_header(
            open_alerts=sum(counts.values()),
            alert_counts=(counts[Severity.SEVERE], counts[Severity.BREACH],
                          counts[Severity.WARNING]),
        )

    def _refresh_alerts(self) -> None:
        """After a TL's step: what the monitor holds now (the next view would say it too)."""
        if self.feed is not None:
            self._show_alerts(self.feed.monitor.book.active())
        else:
            self._show_alerts()

    def _announce(self, alerts: Iterable[Alert]) -> None:
        """The worst news in the pane's news line; the bell for a breach or severe one."""
        app: Any = self
        news = [a for a in alerts if self._still_news(a)]
        if not news or app.context.quiet:
            return
        if app.settings.ui.bell and any(a.severity in LOUD for a in news):
            self.bells += 1
            app.bell()
        # after the list's new rows are laid out, so "on screen" is what the TL sees
        app.call_after_refresh(self._say_news, news)

    def _say_news(self, news: list[Alert]) -> None:
        app: Any = self
        pane = self.alerts_pane
        unseen = [a for a in news if not pane.in_view(a.key)]
        if not unseen:  # every one is a row on screen: the line would only repeat it
            return
        worst = max(unseen, key=lambda a: (RANK[a.severity], a.raised_at))
        mark, style = MARKS[worst.severity]
        line = Text(f"{worst.raised_at.astimezone(app.settings.tz):%H:%M} ", style="dim")
        line.append(mark, style=style)
        line.append(alert_line(worst, app.settings.tz))
        if len(unseen) > 1:
            line.append(f"  (+{len(unseen) - 1})", style="dim")
        pane.say(line)
        self._news_key = worst.key
        said = pane.news
        app.set_timer(NEWS_SECONDS, lambda: self._clear_news(said))

    def _still_news(self, alert: Alert) -> bool:
        """Not snoozed, nor already resolved (a late login rtm saw after the fact)."""
        now = self.feed.monitor.alert(alert.key) if self.feed is not None else None
        state = (now or alert).state
        return state is not AlertState.SNOOZED and state is not AlertState.RESOLVED

    def _clear_news(self, said: str) -> None:
        if self.alerts_pane.news == said:
            self.alerts_pane.say("")

    # ------------------------------------------------------------------ keys

    def _chosen_alert(self) -> Alert | None:
        pane = self.alerts_pane
        return pane.selected_alert or (pane.alerts[0] if pane.alerts else None)

    def action_acknowledge(self) -> None:
        app: Any = self
        alert = self._chosen_alert()
        if alert is None or alert.state is not AlertState.OPEN:
            app.notify(t("alerts.nothing_to_ack"), severity="warning", timeout=3)
            return
        if self.feed is not None:
            self.feed.acknowledge(alert.key)
        self._refresh_alerts()
        self.alerts_pane.say(t("alerts.ack_done"))

    def action_acknowledge_all(self) -> None:
        """Every alert shown (this filter) that is not acknowledged yet."""
        keys = [a.key for a in self.alerts_pane.alerts if a.state is AlertState.OPEN]
        if not keys:
            self.alerts_pane.say(t("alert.ui.nothing_shown"))
            return
        done = self.feed.acknowledge_all(keys) if self.feed is not None else []
        self._refresh_alerts()
        self.alerts_pane.say(t("alert.ui.acked_all", count=len(done)))

    def action_snooze(self) -> None:
        app: Any = self
        alert = self._chosen_alert()
        if alert is None or alert.state is AlertState.RESOLVED:
            app.notify(t("alerts.nothing_to_ack"), severity="warning", timeout=3)
            return

        def done(answer: tuple[int, str] | None) -> None:
            if answer is None or self.feed is None:
                return
            snoozed = self.feed.snooze(alert.key, answer[0], answer[1])
            self._refresh_alerts()
            if snoozed is not None and snoozed.snoozed_until is not None:
                until = snoozed.snoozed_until.astimezone(app.settings.tz)
                self.alerts_pane.say(t("alert.ui.snoozed_until", until=f"{until:%H:%M}"))

        app.push_screen(SnoozeDialog(Text(alert_line(alert, app.settings.tz))), done)

    def action_unsnooze(self) -> None:
        alert = self.alerts_pane.selected_alert
        if alert is None or alert.state is not AlertState.SNOOZED or self.feed is None:
            self.alerts_pane.say(t("alert.ui.not_snoozed"))
            return
        self.feed.unsnooze(alert.key)
        self._refresh_alerts()
        self.alerts_pane.say(t("alert.ui.unsnoozed"))

    def action_alert_history(self) -> None:
        pane = self.alerts_pane
        pane.set_history(not pane.history)
        self._refresh_alerts()

    def action_alert_filter(self) -> None:
        self.alerts_pane.cycle_filter()

    def drill(self, alert: Alert) -> bool:
        """Go to the alert's gauge (KPI) or its agent's row."""
        app: Any = self
        app.action_show_view("dashboard")
        if alert.kind is AlertKind.KPI:
            panel = app.gauge_panel
            gauges = [g for g in panel.gauges() if g.kpi == alert.kpi]
            gauge = next((g for g in gauges if g.scope == alert.scope), None) or next(
                (g for g in gauges if g.scope == "all"), None
            )
            if gauge is None:
                return False
            if panel.shown_mode != "full":
                panel.set_mode("full")
            if app.board_maximised:
                app._set_board_max(False)
            gauge.focus()
            return True
        board = app.board
        if board is None or alert.agent_id is None:
            return False
        if app.board_maximised:
            app._set_board_max(False)
        if not board.select_agent(alert.agent_id):
            return False
        board.focus()
        return True

    def on_alerts_pane_drill(self, message: AlertsPane.Drill) -> None:
        if not self.drill(message.alert):
            self.alerts_pane.say(t("alert.ui.no_drill"))

    # ------------------------------------------------------------------ excuses

    def action_excuse(self) -> None:
        """The agent of the highlighted alert (alerts focused) or of the board row."""
        app: Any = self
        alert: Alert | None = None
        row: Any = None
        if self.alerts_pane.option_list.has_focus or app._selection_kind == "alert":
            alert = self._chosen_alert()
            if alert is not None and alert.agent_id is None:
                alert = None
        if alert is None and app.board is not None:
            row = app.board.selected_row
        if (alert is None and row is None) or self.feed is None:
            app.notify(t("alert.excuse.no_agent"), severity="warning", timeout=4)
            return
        now = app.clock.now()
        if alert is not None:
            agent_id = alert.agent_id
            name = str(alert.params.get("name") or agent_id)
            start = _condition_start(alert)
            what: Text | None = Text(alert_line(alert, app.settings.tz))
        else:
            agent_id, name, start, what = row.agent_id, row.name, row.state_since, None
            if row.roster is not None and row.roster.start is not None and row.late_by:
                start = row.roster.start  # a late start: from the shift's start
        if start >= now:
            start = now - SNOOZE_STEP
        reasons = app.settings.alert_rules().excuse_reasons
        key = alert.key if alert is not None else None

        def done(answer: tuple[datetime, datetime, str] | None) -> None:
            if answer is None or self.feed is None or agent_id is None:
                return
            note = self.feed.excuse(agent_id, answer[0], answer[1], answer[2], alert_key=key)
            self._refresh_alerts()
            self.alerts_pane.say(
                t("alert.excuse.done", name=name, reason=note.reason, count=len(note.resolved))
            )

        app.push_screen(ExcuseDialog(name, what, start, now, reasons, app.settings.tz), done)

    def action_neutral_window(self) -> None:
        app: Any = self
        outage = self.feed.last_outage() if self.feed is not None else None
        if outage is None:
            app.notify(t("alert.neutral.none"), severity="warning", timeout=4)
            return
        source, start, end = outage
        reasons = app.settings.alert_rules().excuse_reasons
        reason = "SYSTEM" if "SYSTEM" in reasons else reasons[0]

        def done(yes: bool | None) -> None:
            if not yes or self.feed is None:
                return
            note = self.feed.neutral_window(start, end, reason)
            self._refresh_alerts()
            tz = app.settings.tz
            self.alerts_pane.say(
                t(
                    "alert.neutral.done",
                    start=f"{start.astimezone(tz):%H:%M}",
                    end=f"{end.astimezone(tz):%H:%M}",
                    count=len(note.resolved),
                )
            )

        app.push_screen(NeutralDialog(source, start, end, app.settings.tz), done)


def _condition_start(alert: Alert) -> datetime:
    """Where an excuse for this alert starts: the AUX occurrence's start, the shift's
    start (late, absent), else when it was raised."""
    start = occurrence_start(alert.key)
    if start is not None:
        return start
    iso = alert.params.get("start")
    if isinstance(iso, str) and alert.kind is AlertKind.ATTENDANCE:
        try:
            return datetime.fromisoformat(iso)
        except ValueError:
            pass
    return alert.raised_at
