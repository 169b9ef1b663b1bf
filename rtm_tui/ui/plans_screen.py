"""The Plans screen: recovery plans listed, filtered, moved along, verified.

Entry point (the app pushes it on `p`):

    app.push_screen(
        PlansScreen(store, tz, current_kpi, clock=app.clock, who=settings.site.tl_name)
    )

- `current_kpi(kpi, scope) -> KpiValue | None`: the KPI now, for verification (the app
  looks it up in its latest MonitorView, interval period first). None = no live value; the
  TL still decides achieved / not achieved.
- Also accepted: `PlansScreen(store, clock, settings)` (tz and TL name from the settings,
  the KPI now from `app.view`, the app's latest MonitorView).
- `clock` gives "now" for overdue marks and the time of each change (default: wall clock
  in `tz`); `who` is written in the history (default: the plan's TL name).

Keys: `/` filters (tab between since, until, status, KPI, shift; enter or escape back to
the list), up/down pick a plan, `n` moves it to its next status (open -> in progress ->
done), `b` takes a done plan back to in progress, `v` verifies a done plan (shows the KPI
now beside its value when filed, then `a` achieved / `x` not achieved), `escape` back.
Overdue plans (past the latest action's due time, not verified) are shown in red.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Input, Label, Select, Static

from rtm_tui.clock import Clock
from rtm_tui.domain.plan_draft import format_value, kpi_label
from rtm_tui.domain.plans import (
    ROOT_CAUSE_LABELS,
    STATUS_LABELS,
    TL_SHIFTS,
    PlanChange,
    PlanError,
    PlanStatus,
    RecoveryPlan,
    is_overdue,
    plan_due,
)
from rtm_tui.domain.types import KpiValue, Status
from rtm_tui.store import PlanStore, StoreError

CurrentKpi = Callable[[str, str], KpiValue | None]

# How far back the list starts when the screen opens (the TL can clear or change it).
DEFAULT_DAYS_BACK = 30

NEXT_STATUS = {
    PlanStatus.OPEN: PlanStatus.IN_PROGRESS,
    PlanStatus.IN_PROGRESS: PlanStatus.DONE,
}


def _date_or_error(text: str) -> tuple[date | None, str | None]:
    text = text.strip()
    if not text:
        return None, None
    try:
        return date.fromisoformat(text), None
    except ValueError:
        return None, f"'{text}' is not a date (YYYY-MM-DD)"


def status_text(plan: RecoveryPlan, now: datetime) -> Text:
    label = STATUS_LABELS[plan.status]
    if plan.status is PlanStatus.VERIFIED and plan.verified_achieved is not None:
        label += " ✓ achieved" if plan.verified_achieved else " ✗ not achieved"
        return Text(label, style="green" if plan.verified_achieved else "yellow")
    if is_overdue(plan, now):
        return Text(f"{label} · OVERDUE", style="bold red")
    return Text(label)


def _when(moment: datetime | None, tz: tzinfo, ref: date | None = None) -> str:
    if moment is None:
        return "—"
    local = moment.astimezone(tz)
    return f"{local:%H:%M}" if ref is not None and local.date() == ref else f"{local:%m-%d %H:%M}"


class VerifyPlanScreen(ModalScreen[bool | None]):
    """The KPI now beside its value when filed; a achieved, x not achieved, escape cancel."""

    BINDINGS = [
        Binding("a", "answer(True)", "Achieved"),
        Binding("x", "answer(False)", "Not achieved"),
        Binding("escape", "answer(None)", "Cancel"),
    ]
    DEFAULT_CSS = """
    VerifyPlanScreen { align: center middle; }
    VerifyPlanScreen > Vertical {
        width: 72; height: auto; padding: 1 2; border: thick $primary; background: $surface;
    }
    VerifyPlanScreen #verify-keys { margin-top: 1; }
    """

    def __init__(self, plan: RecoveryPlan, now_value: KpiValue | None) -> None:
        super().__init__()
        self.plan = plan
        self.now_value = now_value

    def compose(self) -> ComposeResult:
        p, kv = self.plan, self.now_value
        t = Text()
        t.append(f"Verify plan #{p.id}\n\n", style="bold")
        t.append("KPI          ", style="bold")
        t.append(f"{kpi_label(p.kpi)} · {p.scope}\n")
        targets = [f"SLA {format_value(p.kpi, p.sla)}"] if p.sla is not None else []
        if p.slg is not None:
            targets.append(f"SLG {format_value(p.kpi, p.slg)}")
        t.append("Target       ", style="bold")
        t.append(("  ".join(targets) or "—") + "\n")
        t.append("When filed   ", style="bold")
        t.append(f"{format_value(p.kpi, p.actual)}\n")
        t.append("Now          ", style="bold")
        if kv is None:
            t.append("no live value for this KPI\n", style="italic")
        else:
            style = {Status.OK: "green", Status.WARNING: "yellow", Status.BREACH: "red"}.get(
                kv.status, ""
            )
            t.append(f"{format_value(p.kpi, kv.value)}  ({kv.status}, {kv.period})\n", style)
        t.rstrip()
        with Vertical():
            yield Static(t, id="verify-body")
            yield Label("a = achieved   x = not achieved   escape = cancel", id="verify-keys")

    def action_answer(self, achieved: bool | None) -> None:
        self.dismiss(achieved)


class PlansScreen(ModalScreen[None]):
    """Recovery plans: filters, list, detail with history, status and verification.

    Modal (full-screen, opaque) so the dashboard's single-letter keys (q, r, a, s...) do
    not fire underneath while the TL works here; escape goes back.
    """

    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("slash", "filters", "Filter", key_display="/"),
        Binding("n", "next_status", "Next status"),
        Binding("b", "reopen", "Back to in progress"),
        Binding("v", "verify", "Verify"),
        Binding("ctrl+l", "reload", "Reload", show=False),
    ]
    DEFAULT_CSS = """
    PlansScreen { layout: vertical; background: $background; }
    PlansScreen #plans-title { text-style: bold; padding: 0 1; height: 1; }
    PlansScreen #filters { height: auto; padding: 0 1; }
    PlansScreen #filters > Vertical { height: auto; width: 1fr; margin-right: 1; }
    PlansScreen #filters Label { color: $text-muted; }
    PlansScreen #filter-error { color: $error; padding: 0 1; height: auto; }
    PlansScreen #filter-error.-empty { display: none; }
    PlansScreen #plans-body { height: 1fr; }
    PlansScreen #plans-body { margin-top: 1; }
    PlansScreen #plans-table { width: 3fr; height: 1fr; }
    PlansScreen #plan-detail { width: 2fr; min-width: 36; height: 1fr; border-left: vkey $primary; padding: 0 1; }
    PlansScreen #plans-message { height: auto; padding: 0 1; }
    """

    def __init__(
        self,
        store: PlanStore,
        tz: tzinfo | Clock,
        current_kpi: CurrentKpi | Any | None = None,
        *,
        clock: Clock | None = None,
        who: str = "",
    ) -> None:
        super().__init__()
        # Also accepts the app's `PlansScreen(store, clock, settings)`: a Clock in place of
        # tz, and the Settings (tz, site.tl_name) in place of current_kpi.
        if isinstance(tz, Clock):
            clock = clock or tz
            tz = tz.tz
        if current_kpi is not None and not callable(current_kpi):
            settings = current_kpi
            current_kpi = None
            tz = getattr(settings, "tz", tz)
            who = who or getattr(getattr(settings, "site", None), "tl_name", "") or ""
        self.store = store
        self.tz: tzinfo = tz
        self._current_kpi: CurrentKpi | None = current_kpi
        self.clock = clock or Clock(tz)
        self.who = who
        self.plans: list[RecoveryPlan] = []

    def current_kpi(self, kpi: str, scope: str) -> KpiValue | None:
        """The KPI now: from the callable given, else from the app's latest MonitorView."""
        if self._current_kpi is not None:
            return self._current_kpi(kpi, scope)
        view = getattr(self.app, "view", None)
        kpis = getattr(view, "kpis", None)
        return kpi_now_from_view(kpis, kpi, scope) if kpis else None

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        today = self.clock.now().astimezone(self.tz).date()
        since = today - timedelta(days=DEFAULT_DAYS_BACK)
        yield Static(Text("Recovery plans"), id="plans-title")
        with Horizontal(id="filters"):
            with Vertical():
                yield Label("Since")
                yield Input(since.isoformat(), placeholder="YYYY-MM-DD", id="f-since", compact=True)
            with Vertical():
                yield Label("Until")
                yield Input(placeholder="YYYY-MM-DD", id="f-until", compact=True)
            with Vertical():
                yield Label("Status")
                yield Select(
                    [(STATUS_LABELS[s], str(s)) for s in PlanStatus],
                    prompt="Any",
                    id="f-status",
                    compact=True,
                )
            with Vertical():
                yield Label("KPI")
                yield Input(placeholder="any, e.g. scr", id="f-kpi", compact=True)
            with Vertical():
                yield Label("Shift")
                yield Select([(s, s) for s in TL_SHIFTS], prompt="Any", id="f-shift", compact=True)
        yield Static("", id="filter-error", classes="-empty")
        with Horizontal(id="plans-body"):
            yield DataTable(id="plans-table", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="plan-detail"):
                yield Static(Text("No plan selected"), id="plan-detail-text")
        yield Static("", id="plans-message")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#plans-table", DataTable)
        for label, key in (
            ("#", "id"),
            ("Status", "status"),
            ("Due", "due"),
            ("KPI", "kpi"),
            ("Scope", "scope"),
            ("Filed", "actual"),
            ("Date", "date"),
            ("Shift", "shift"),
            ("Interval", "interval"),
            ("TL", "tl"),
        ):
            table.add_column(label, key=key)
        self.reload()
        table.focus()

    # ------------------------------------------------------------------ list

    def filters(self) -> dict[str, object] | None:
        """The filter bar as list_plans arguments; None (and a message) if a date is bad."""
        since, e1 = _date_or_error(self.query_one("#f-since", Input).value)
        until, e2 = _date_or_error(self.query_one("#f-until", Input).value)
        problems = [e for e in (e1, e2) if e]
        if since and until and since > until:
            problems.append("'since' is after 'until'")
        box = self.query_one("#filter-error", Static)
        if problems:
            box.update(Text("; ".join(problems)))
            box.remove_class("-empty")
            return None
        box.update("")
        box.add_class("-empty")
        status = self.query_one("#f-status", Select).value
        shift = self.query_one("#f-shift", Select).value
        kpi = self.query_one("#f-kpi", Input).value.strip()
        return {
            "since": since,
            "until": until,
            "status": None if status is Select.NULL else str(status),
            "kpi": kpi or None,
            "tl_shift": None if shift is Select.NULL else str(shift),
        }

    def reload(self, keep: int | None = None) -> None:
        args = self.filters()
        if args is None:
            return
        table = self.query_one("#plans-table", DataTable)
        if not table.columns:  # a filter event before on_mount built the table
            return
        if keep is None:
            current = self.selected_plan()
            keep = current.id if current else None
        try:
            plans = self.store.list_plans(**args)  # type: ignore[arg-type]
        except (StoreError, PlanError) as exc:
            self.say(f"Could not list the plans: {exc}", error=True)
            return
        # newest first: the latest interval on top
        self.plans = sorted(plans, key=lambda p: (p.interval_start, p.id or 0), reverse=True)
        now = self.clock.now()
        table.clear()
        for p in self.plans:
            overdue = is_overdue(p, now)
            style = "red" if overdue else ""
            day = p.date
            table.add_row(
                Text(str(p.id), style=style),
                status_text(p, now),
                Text(_when(plan_due(p), self.tz, day), style=style),
                Text(kpi_label(p.kpi), style=style),
                Text(p.scope, style=style),
                Text(format_value(p.kpi, p.actual), style=style),
                Text(p.date.isoformat(), style=style),
                Text(p.tl_shift, style=style),
                Text(_when(p.interval_start, self.tz, day), style=style),
                Text(p.tl_name, style=style),
                key=str(p.id),
            )
        overdue_count = sum(1 for p in self.plans if is_overdue(p, now))
        title = f"Recovery plans: {len(self.plans)} shown"
        if overdue_count:
            title += f", {overdue_count} overdue"
        self.query_one("#plans-title", Static).update(Text(title))
        if keep is not None:
            for i, p in enumerate(self.plans):
                if p.id == keep:
                    table.move_cursor(row=i)
                    break
        self.show_detail()

    def selected_plan(self) -> RecoveryPlan | None:
        table = self.query_one("#plans-table", DataTable)
        if not self.plans or table.row_count == 0:
            return None
        row = table.cursor_row
        return self.plans[row] if 0 <= row < len(self.plans) else None

    @on(DataTable.RowHighlighted, "#plans-table")
    def _row_highlighted(self) -> None:
        self.show_detail()

    @on(Input.Changed, "#filters Input")
    @on(Select.Changed, "#filters Select")
    def _filter_changed(self) -> None:
        self.reload()

    @on(Input.Submitted, "#filters Input")
    def _filter_submitted(self) -> None:
        self.query_one("#plans-table").focus()

    # ------------------------------------------------------------------ detail

    def show_detail(self) -> None:
        plan = self.selected_plan()
        box = self.query_one("#plan-detail-text", Static)
        if plan is None or plan.id is None:
            box.update(Text("No plan matches the filters" if not self.plans else ""))
            return
        try:
            history = self.store.plan_history(plan.id)
        except StoreError as exc:
            history = []
            self.say(f"Could not read the history: {exc}", error=True)
        box.update(detail_text(plan, history, self.clock.now(), self.tz))

    # ------------------------------------------------------------------ status

    def say(self, message: str, error: bool = False) -> None:
        self.query_one("#plans-message", Static).update(
            Text(message, style="bold red" if error else "")
        )
        if error:
            self.notify(message, severity="error", markup=False)

    def _who(self, plan: RecoveryPlan) -> str:
        return self.who.strip() or plan.tl_name

    def _changed(self, plan: RecoveryPlan, message: str) -> None:
        self.say(message)
        self.reload(keep=plan.id)
        try:
            from rtm_tui.ui.messages import PlansChanged

            self.app.post_message(PlansChanged())
        except ImportError:  # pragma: no cover - the app's messages module is optional
            pass

    def _move(self, plan: RecoveryPlan, wanted: PlanStatus) -> None:
        assert plan.id is not None
        try:
            moved = self.store.set_status(plan.id, wanted, self._who(plan), self.clock.now())
        except (StoreError, PlanError) as exc:
            self.say(f"Plan #{plan.id}: {exc}", error=True)
            return
        self._changed(moved, f"Plan #{plan.id} is now {STATUS_LABELS[moved.status]}")

    def action_next_status(self) -> None:
        plan = self.selected_plan()
        if plan is None:
            self.say("No plan selected")
            return
        wanted = NEXT_STATUS.get(plan.status)
        if wanted is None:
            hint = "press v to verify it" if plan.status is PlanStatus.DONE else "verified is final"
            self.say(f"Plan #{plan.id} is {STATUS_LABELS[plan.status]}: {hint}")
            return
        self._move(plan, wanted)

    def action_reopen(self) -> None:
        plan = self.selected_plan()
        if plan is None:
            return
        if plan.status is not PlanStatus.DONE:
            self.say(f"Only a done plan goes back to in progress (#{plan.id} is {plan.status})")
            return
        self._move(plan, PlanStatus.IN_PROGRESS)

    def action_verify(self) -> None:
        plan = self.selected_plan()
        if plan is None or plan.id is None:
            self.say("No plan selected")
            return
        if plan.status is not PlanStatus.DONE:
            self.say(
                f"Plan #{plan.id} is {STATUS_LABELS[plan.status]}: "
                + (
                    "verified is final"
                    if plan.status is PlanStatus.VERIFIED
                    else "mark it done first (n), then verify"
                )
            )
            return
        now_value = None
        try:
            now_value = self.current_kpi(plan.kpi, plan.scope)
        except Exception as exc:  # a lookup failure must not block the verification
            self.log.warning(f"current KPI for plan {plan.id}: {exc}")

        def decided(achieved: bool | None) -> None:
            if achieved is None:
                return
            assert plan.id is not None
            value = now_value.value if now_value is not None else None
            try:
                done = self.store.verify(
                    plan.id, value, achieved, self._who(plan), self.clock.now()
                )
            except (StoreError, PlanError) as exc:
                self.say(f"Plan #{plan.id}: {exc}", error=True)
                return
            verdict = "achieved" if achieved else "not achieved"
            self._changed(done, f"Plan #{plan.id} verified: {verdict}")

        self.app.push_screen(VerifyPlanScreen(plan, now_value), decided)

    # ------------------------------------------------------------------ navigation

    def action_filters(self) -> None:
        self.query_one("#f-since", Input).focus()

    def action_reload(self) -> None:
        self.reload()

    def action_back(self) -> None:
        if self.focused is not None and self.focused.parent is not None:
            # escape in the filter bar returns to the list first
            if any(a.id == "filters" for a in self.focused.ancestors):
                self.query_one("#plans-table").focus()
                return
        self.dismiss(None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # plain letters belong to the filter inputs while typing there
        if action in ("next_status", "reopen", "verify") and isinstance(self.focused, Input):
            return False
        return True


def detail_text(plan: RecoveryPlan, history: list[PlanChange], now: datetime, tz: tzinfo) -> Text:
    t = Text()

    def head(label: str) -> None:
        t.append(f"\n{label}\n", style="bold underline")

    def field(label: str, value: str, style: str = "") -> None:
        t.append(f"{label:<12}", style="bold")
        t.append(value, style=style)
        t.append("\n")

    t.append(f"Plan #{plan.id}  ", style="bold")
    t.append_text(status_text(plan, now))
    t.append("\n")
    field("KPI", f"{kpi_label(plan.kpi)} ({plan.kpi})")
    field("Scope", plan.scope)
    field("Date/shift", f"{plan.date.isoformat()} · {plan.tl_shift}")
    local = plan.interval_start.astimezone(tz)
    field("Interval", f"{local:%H:%M}")
    targets = [f"SLA {format_value(plan.kpi, plan.sla)}"] if plan.sla is not None else []
    if plan.slg is not None:
        targets.append(f"SLG {format_value(plan.kpi, plan.slg)}")
    field("Target", "  ".join(targets) or "—")
    field("When filed", format_value(plan.kpi, plan.actual))
    if plan.counts:
        field("Counts", ", ".join(f"{k} {v:g}" for k, v in plan.counts.items()))
    if plan.status is PlanStatus.VERIFIED:
        verdict = "achieved" if plan.verified_achieved else "not achieved"
        field(
            "Verified",
            f"{format_value(plan.kpi, plan.verified_value)} · {verdict} · "
            f"{_when(plan.verified_at, tz)}",
            "green" if plan.verified_achieved else "yellow",
        )
    field("Root cause", ROOT_CAUSE_LABELS.get(plan.root_cause, str(plan.root_cause)))
    field("TL", plan.tl_name)
    head("Analysis")
    t.append(plan.analysis + "\n")
    head("Actions")
    for i, a in enumerate(plan.actions, 1):
        late = plan.status is not PlanStatus.VERIFIED and now > a.due
        t.append(f"{i}. ", style="bold")
        t.append(a.what)
        t.append(
            f"\n   PIC {a.pic} · due {_when(a.due, tz, plan.date)}", style="red" if late else ""
        )
        t.append("\n")
    if plan.note:
        head("Note")
        t.append(plan.note + "\n")
    if plan.suggested_actions:
        head("Suggested when filed")
        for s in plan.suggested_actions:
            t.append(f"- {s}\n", style="dim")
    head("History")
    if not history:
        t.append("—\n")
    for h in history:
        t.append(f"{_when(h.at, tz)}  {h.who}  ", style="dim")
        if h.field == "created":
            t.append("filed")
        else:
            t.append(f"{h.field}: {_history_value(h.field, h.old)} → ")
            t.append(_history_value(h.field, h.new))
        t.append("\n")
    t.rstrip()
    return t


def _history_value(field: str, value: str | None) -> str:
    if value is None:
        return "—"
    if field == "status" and value in set(PlanStatus):
        return STATUS_LABELS[PlanStatus(value)]
    return value


def kpi_now_from_view(kpis: Sequence[KpiValue], kpi: str, scope: str) -> KpiValue | None:
    """A `current_kpi` for the app: the interval value of `kpi` at `scope`, else today's."""
    matches = [k for k in kpis if k.kpi == kpi and k.scope == scope]
    matches.sort(key=lambda k: k.period != "interval")
    return matches[0] if matches else None


__all__ = [
    "CurrentKpi",
    "PlansScreen",
    "VerifyPlanScreen",
    "detail_text",
    "kpi_now_from_view",
]
