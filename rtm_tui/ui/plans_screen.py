"""The Plans screen: recovery plans listed, filtered, moved along, verified.

Entry point (the app pushes it on `p`):

    app.push_screen(
        PlansScreen(store, tz, current_kpi, clock=app.clock, who=settings.site.tl_name)
    )

- `current_kpi(kpi, scope, period) -> KpiValue | None`: the KPI now for the period the
  plan was filed on (interval, today...), for verification (the app looks it up in its
  latest MonitorView). None = no value for that period: the plan cannot be verified
  achieved then; the TL records not achieved, or an override with a reason.
- Also accepted: `PlansScreen(store, clock, settings)` (tz and TL name from the settings,
  the KPI now from `app.view`, the app's latest MonitorView).
- `clock` gives "now" for overdue marks and the time of each change (default: wall clock
  in `tz`); `who` is written in the history (default: the plan's TL name).

Keys: `/` filters (tab between since, until, status, KPI, shift; enter or escape back to
the list), `m` cycles all / mine / my shift (`domain.plan_views`: all the site's plans by
default, so the next TL reads the previous TL's; mine = filed under the TL's name, the
configured one or else the one remembered from the last plan; my shift = the TL shift
that has begun, from `tl_shift_times`), up/down pick a plan, `n` moves it to its next
status (open -> in progress -> done), `b` takes a done plan back to in progress, `v`
verifies a done plan (shows the KPI now, for the plan's period, beside its value when
filed; the TL chooses achieved, not achieved or override, names the verifier, writes a
note; ctrl+s records), `escape` back.
Overdue plans (past the latest action's due time, not verified) are shown in red.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable, Mapping, Sequence
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
from rtm_tui.domain.plan_draft import format_value
from rtm_tui.domain.plan_views import PlanView, in_view, narrow, next_view, shift_of
from rtm_tui.domain.plans import (
    FIELD_LIMITS,
    TL_SHIFTS,
    ActionStatus,
    NoteKind,
    PlanChange,
    PlanError,
    PlanNote,
    PlanStatus,
    RecoveryPlan,
    Verdict,
    Verification,
    is_overdue,
    meets_target,
    plan_due,
    verification_errors,
)
from rtm_tui.domain.shift import TlShifts, TlWindow
from rtm_tui.domain.types import KpiValue, Status
from rtm_tui.i18n.plans import (
    action_status_label,
    cause_label,
    counts_text,
    field_label,
    kpi_text,
    period_text,
    scope_text,
    status_label,
    view_text,
    when_text,
)
from rtm_tui.store import PlanStore, StoreError
from rtm_tui.ui.i18n import t
from rtm_tui.ui.plan_edit import PlanEditScreen
from rtm_tui.ui.plan_form import KeysHelp, text_input
from rtm_tui.ui.plan_form import translate_screen_bindings as _translate_bindings

CurrentKpi = Callable[[str, str, str], KpiValue | None]  # (kpi, scope, period)

# How far back the list starts when the screen opens (the TL can clear or change it).
DEFAULT_DAYS_BACK = 30
# the list is read again this often, so a plan filed or moved in another rtm on the same
# database (README "Several TLs") shows here without a key press
REFRESH_SECONDS = 15.0

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
        return None, t("plans.f.not_a_date", text=text)


def status_text(plan: RecoveryPlan, now: datetime) -> Text:
    label = status_label(plan.status)
    if plan.status is PlanStatus.VERIFIED and plan.verified_achieved is not None:
        label += (
            f" ✓ {t('plans.achieved')}"
            if plan.verified_achieved
            else f" ✗ {t('plans.not_achieved')}"
        )
        return Text(label, style="green" if plan.verified_achieved else "yellow")
    if is_overdue(plan, now):
        return Text(f"{label} · {t('plans.overdue')}", style="bold red")
    return Text(label)


class VerifyPlanScreen(ModalScreen[Verification | None]):
    """The KPI now, for the period the plan was filed on, beside its value when filed; the
    TL chooses the result, names the verifier, writes a note (and an override's reason);
    ctrl+s records, escape cancels. "Achieved" is refused unless the value meets the
    target the plan was filed against."""

    BINDINGS = [
        Binding("ctrl+s", "record", "Record", priority=True, id="verify_record"),
        Binding("escape", "cancel", "Cancel", id="verify_cancel"),
    ]
    DEFAULT_CSS = """
    VerifyPlanScreen { align: center middle; }
    VerifyPlanScreen > Vertical {
        width: 76; max-width: 100%; height: auto; max-height: 100%; padding: 0 1;
        border: thick $primary; background: $surface;
    }
    VerifyPlanScreen Label { margin-top: 1; text-style: bold; }
    VerifyPlanScreen #verify-error { color: $error; height: auto; }
    VerifyPlanScreen #verify-error.-empty { display: none; }
    VerifyPlanScreen #verify-keys { margin-top: 1; text-style: none; }
    """

    def __init__(
        self,
        plan: RecoveryPlan,
        now_value: KpiValue | None,
        who: str = "",
        read_at: datetime | None = None,
        tz: tzinfo | None = None,
    ) -> None:
        super().__init__()
        _translate_bindings(self)
        self.plan = plan
        self.tz = tz or plan.interval_start.tzinfo or datetime.now().astimezone().tzinfo
        # only a value for the period the plan was filed on is evidence for it
        self.now_value = now_value if now_value is not None and now_value.period == plan.period else None
        self.who = who
        self.read_at = read_at or datetime.now(self.tz)

    @property
    def value(self) -> float | None:
        return self.now_value.value if self.now_value is not None else None

    def compose(self) -> ComposeResult:
        p, kv = self.plan, self.now_value
        assert self.tz is not None
        out = Text()

        def label(key: str) -> None:
            out.append(f"{t(f'plans.v.{key}'):<14}", style="bold")

        period = period_text(p.period)
        read = when_text(self.read_at, self.tz, self.read_at.astimezone(self.tz).date())
        out.append(t("plans.v.title", id=p.id) + "\n\n", style="bold")
        label("kpi")
        out.append(f"{kpi_text(p.kpi)} · {scope_text(p)}\n")
        label("target")
        out.append(_targets(p) + "\n")
        label("filed")
        out.append(f"{format_value(p.kpi, p.actual)}  ({period})\n")
        label("now")
        if kv is None or kv.value is None:
            out.append(t("plans.v.no_value", period=period, time=read) + "\n", style="italic")
        else:
            style = {Status.OK: "green", Status.WARNING: "yellow", Status.BREACH: "red"}.get(
                kv.status, ""
            )
            status = t(f"status.{kv.status}")
            out.append(
                f"{format_value(p.kpi, kv.value)}  ({status}, {period}, "
                f"{t('plans.v.read', time=read)})\n",
                style,
            )
            if kv.counts:
                label("counts")
                out.append(counts_text(kv.counts) + "\n")
        label("meets")
        meets = meets_target(p, self.value)
        out.append(t("plans.v.yes" if meets else "plans.v.no"), "green" if meets else "yellow")
        with Vertical():
            yield Static(out, id="verify-body")
            yield Label(t("plans.v.verdict"), markup=False)
            yield Select(
                [(t(f"plans.v.verdict.{v}"), v) for v in Verdict],
                prompt=t("plans.v.verdict_prompt"),
                id="verdict",
            )
            yield Label(t("plans.v.by"), markup=False)
            yield text_input(self.who, id="verified-by", max_length=FIELD_LIMITS["tl_name"])
            yield Label(t("plans.v.note"), markup=False)
            yield text_input(
                placeholder=t("plans.v.note_placeholder"),
                id="verified-note",
                max_length=FIELD_LIMITS["progress"],
            )
            yield Label(t("plans.v.reason"), markup=False)
            yield text_input(id="verified-reason", max_length=FIELD_LIMITS["result"])
            yield Static("", id="verify-error", classes="-empty")
            yield Label(t("plans.v.keys"), id="verify-keys", markup=False)

    def on_mount(self) -> None:
        self.query_one("#verdict", Select).focus()

    def verification(self) -> Verification | None:
        verdict = self.query_one("#verdict", Select).value
        if not isinstance(verdict, Verdict):
            return None
        return Verification(
            value=self.value,
            period=self.plan.period,
            read_at=self.read_at,
            verdict=verdict,
            by=self.query_one("#verified-by", Input).value.strip(),
            note=self.query_one("#verified-note", Input).value.strip(),
            reason=self.query_one("#verified-reason", Input).value.strip(),
            counts=dict(self.now_value.counts) if self.now_value is not None else {},
        )

    def show_errors(self, errors: Mapping[str, str]) -> None:
        box = self.query_one("#verify-error", Static)
        lines = [t(f"plans.v.err.{key}") if key != "other" else msg for key, msg in errors.items()]
        box.update(Text("\n".join(lines)))
        box.set_class(not lines, "-empty")

    def action_record(self) -> None:
        v = self.verification()
        if v is None:
            self.show_errors({"verdict_missing": ""})
            self.query_one("#verdict", Select).focus()
            return
        errors = verification_errors(self.plan, v)
        if errors:
            self.show_errors(errors)
            return
        self.dismiss(v)

    def action_cancel(self) -> None:
        self.dismiss(None)


def _targets(p: RecoveryPlan) -> str:
    targets = [f"SLA {format_value(p.kpi, p.sla)}"] if p.sla is not None else []
    if p.slg is not None:
        targets.append(f"SLG {format_value(p.kpi, p.slg)}")
    return "  ".join(targets) or "—"


class PlansScreen(ModalScreen[None]):
    """Recovery plans: filters, list, detail with history, status and verification.

    Modal (full-screen, opaque) so the dashboard's single-letter keys (q, r, a, s...) do
    not fire underneath while the TL works here; escape goes back.
    """

    BINDINGS = [
        Binding("escape", "back", "Back", id="plans_back"),
        Binding("slash", "filters", "Filter", key_display="/", id="plans_filter"),
        Binding("n", "next_status", "Next status", id="plans_next"),
        Binding("b", "reopen", "Back to in progress", id="plans_reopen"),
        Binding("v", "verify", "Verify", id="plans_verify"),
        Binding("e", "open_plan", "Open", id="plans_open"),
        Binding("o", "sort", "Sort", id="plans_sort"),
        Binding("m", "cycle_view", "All/mine/my shift", id="plans_view"),
        Binding("question_mark", "help", "Keys", key_display="?", id="plans_help"),
        Binding("f1", "keys", "Keys", show=False, id="plans_help_f1"),
        Binding("ctrl+l", "reload", "Reload", show=False, id="plans_reload"),
    ]
    KEYS_HELP = (
        ("up / down", "help.plans.move"),
        ("enter / e", "help.plans.open"),
        ("n", "help.plans.next"),
        ("b", "help.plans.reopen"),
        ("v", "help.plans.verify"),
        ("/", "help.plans.filter"),
        ("tab", "help.plans.tab"),
        ("o", "help.plans.sort"),
        ("m", "help.plans.view"),
        ("ctrl+l", "help.plans.reload"),
        ("escape", "help.plans.back"),
        ("? / f1", "help.plans.help"),
    )
    DEFAULT_CSS = """
    PlansScreen { layout: vertical; background: $background; }
    PlansScreen #plans-title { text-style: bold; padding: 0 1; height: auto; }
    PlansScreen .filters { height: auto; padding: 0 1; }
    PlansScreen .filters > Vertical { height: auto; width: 1fr; margin-right: 1; }
    PlansScreen .filters Label { color: $text-muted; }
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
        tl_shifts: Sequence[str] = TL_SHIFTS,
        tl_shift_times: TlShifts | None = None,
    ) -> None:
        super().__init__()
        _translate_bindings(self)
        self.tl_shifts = tuple(tl_shifts)  # the site's [site.tl_shifts] names, for the filter
        # their times, for "my shift" (none: my shift lists nothing)
        self.tl_shift_times: TlShifts = dict(tl_shift_times or {})
        # Also accepts the app's `PlansScreen(store, clock, settings)`: a Clock in place of
        # tz, and the Settings (tz, site.tl_name) in place of current_kpi.
        if isinstance(tz, Clock):
            clock = clock or tz
            tz = tz.tz
        if current_kpi is not None and not callable(current_kpi):
            settings = current_kpi
            current_kpi = None
            tz = getattr(settings, "tz", tz)
            site = getattr(settings, "site", None)
            who = who or getattr(site, "tl_name", "") or ""
            if not self.tl_shift_times and site is not None:
                self.tl_shift_times = {n: (s.start, s.end) for n, s in site.tl_shifts.items()}
        self.store = store
        self.tz: tzinfo = tz
        self._current_kpi: CurrentKpi | None = current_kpi
        self.clock = clock or Clock(tz)
        self.who = who
        self.plans: list[RecoveryPlan] = []
        self.by_due = False  # o: sort by due time instead of newest first
        self.view = PlanView.ALL  # m: all / mine / my shift
        self._shown_view = ""  # what the title says of the view listed
        self._remembered: str | None = None  # the last plan's TL name, read once for mine

    def current_kpi(self, kpi: str, scope: str, period: str = "interval") -> KpiValue | None:
        """The KPI now for `period`: from the callable given, else from the app's latest
        MonitorView."""
        if self._current_kpi is not None:
            return self._current_kpi(kpi, scope, period)
        view = getattr(self.app, "view", None)
        kpis = getattr(view, "kpis", None)
        return kpi_now_from_view(kpis, kpi, scope, period) if kpis else None

    def read_time(self) -> datetime:
        """When the KPI values now were read: the app's latest view, else the clock."""
        at = getattr(getattr(self.app, "view", None), "now", None)
        return at if isinstance(at, datetime) else self.clock.now()

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        today = self.clock.now().astimezone(self.tz).date()
        since = today - timedelta(days=DEFAULT_DAYS_BACK)
        date_hint = t("plans.f.date_placeholder")
        any_ = t("plans.f.any")
        yield Static(Text(t("plans.title")), id="plans-title")
        with Horizontal(id="filters", classes="filters"):
            with Vertical():
                yield Label(t("plans.f.since"), markup=False)
                yield text_input(
                    since.isoformat(), placeholder=date_hint, id="f-since", compact=True
                )
            with Vertical():
                yield Label(t("plans.f.until"), markup=False)
                yield text_input(placeholder=date_hint, id="f-until", compact=True)
            with Vertical():
                yield Label(t("plans.f.status"), markup=False)
                yield Select(
                    [(status_label(s), str(s)) for s in PlanStatus],
                    prompt=any_,
                    id="f-status",
                    compact=True,
                )
            with Vertical():
                yield Label(t("plans.f.shift"), markup=False)
                yield Select(
                    [(s, s) for s in self.tl_shifts], prompt=any_, id="f-shift", compact=True
                )
        with Horizontal(id="filters2", classes="filters"):
            with Vertical():
                yield Label(t("plans.f.text"), markup=False)
                yield text_input(placeholder=t("plans.f.text_placeholder"), id="f-text", compact=True)
            with Vertical():
                yield Label(t("plans.f.kpi"), markup=False)
                yield text_input(placeholder=t("plans.f.kpi_placeholder"), id="f-kpi", compact=True)
            with Vertical():
                yield Label(t("plans.f.agent"), markup=False)
                yield text_input(
                    placeholder=t("plans.f.agent_placeholder"), id="f-agent", compact=True
                )
        yield Static("", id="filter-error", classes="-empty")
        with Horizontal(id="plans-body"):
            yield DataTable(id="plans-table", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="plan-detail"):
                yield Static(Text(t("plans.none_selected")), id="plan-detail-text")
        yield Static("", id="plans-message")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#plans-table", DataTable)
        table.add_column("#", key="id")
        for key in ("status", "due", "kpi", "scope", "actual", "date", "shift", "interval", "tl"):
            table.add_column(t(f"plans.col.{key}"), key=key)
        self.reload()
        table.focus()
        self.set_interval(REFRESH_SECONDS, self._poll, name="plans-refresh")

    # ------------------------------------------------------------------ list

    def filters(self) -> dict[str, object] | None:
        """The filter bar as list_plans arguments; None (and a message) if a date is bad."""
        since, e1 = _date_or_error(self.query_one("#f-since", Input).value)
        until, e2 = _date_or_error(self.query_one("#f-until", Input).value)
        problems = [e for e in (e1, e2) if e]
        if since and until and since > until:
            problems.append(t("plans.f.since_after_until"))
        box = self.query_one("#filter-error", Static)
        if problems:
            box.update(Text("; ".join(problems)))
            box.remove_class("-empty")
            return None
        box.update("")
        box.add_class("-empty")
        status = self.query_one("#f-status", Select).value
        shift = self.query_one("#f-shift", Select).value
        return {
            "since": since,
            "until": until,
            "status": None if status is Select.NULL else str(status),
            "tl_shift": None if shift is Select.NULL else str(shift),
        }

    def wanted(self, plan: RecoveryPlan) -> bool:
        """The text, KPI and agent filters, in the TL's words ("AUX", the agent's name)."""
        text = self.query_one("#f-text", Input).value
        kpi = self.query_one("#f-kpi", Input).value
        agent = self.query_one("#f-agent", Input).value
        return plan_matches(plan, text, kpi, agent)

    # ------------------------------------------------------------------ mine / my shift

    def mine_name(self) -> str:
        """Whose plans "mine" are: the configured TL name, else the last plan's (read once)."""
        if self.who.strip():
            return self.who
        if self._remembered is None:
            try:
                self._remembered = self.store.last_tl_name()
            except StoreError:
                return ""  # not remembered now; tried again at the next reload
        return self._remembered

    def shift_window(self) -> TlWindow | None:
        """The TL shift "my shift" means now (the one running, else the last one ended)."""
        return shift_of(self.tl_shift_times, self.clock.now().astimezone(self.tz))

    def _listing(self) -> tuple[bool, dict[str, object] | None, str, TlWindow | None]:
        """(filters valid, the store's arguments or None when the view leaves nothing, the
        TL name for mine, the window for my shift)."""
        args = self.filters()
        if args is None:
            return False, None, "", None
        who = self.mine_name() if self.view is PlanView.MINE else ""
        window = self.shift_window() if self.view is PlanView.MY_SHIFT else None
        return True, narrow(args, self.view, who, window), who, window

    def _pick(
        self, listed: list[RecoveryPlan], who: str, window: TlWindow | None
    ) -> list[RecoveryPlan]:
        return [p for p in listed if in_view(p, self.view, who, window) and self.wanted(p)]

    def action_cycle_view(self) -> None:
        self.view = next_view(self.view)
        self.reload()

    # ------------------------------------------------------------------ list

    def reload(self, keep: int | None = None) -> None:
        ok, args, who, window = self._listing()
        if not ok:
            return
        table = self.query_one("#plans-table", DataTable)
        if not table.columns:  # a filter event before on_mount built the table
            return
        if keep is None:
            current = self.selected_plan()
            keep = current.id if current else None
        try:
            listed = [] if args is None else self.store.list_plans(**args)  # type: ignore[arg-type]
        except (StoreError, PlanError) as exc:
            self.say(t("plans.list_error", error=exc), error=True)
            return
        self._shown_view = view_text(self.view, who, window)
        self._show(self._pick(listed, who, window), keep)

    async def _poll(self) -> None:
        """Read the list again off the event loop; redraw only when it changed."""
        ok, args, who, window = self._listing()
        if not ok or not self.is_current:
            return
        try:
            listed = (
                [] if args is None else await asyncio.to_thread(self.store.list_plans, **args)  # type: ignore[arg-type]
            )
        except (StoreError, PlanError):
            return  # said by the store's own events; the list stays as it was
        if not self.is_current or (ok, args, who, window) != self._listing():
            return  # a filter changed meanwhile: that reload wins
        plans = self._pick(listed, who, window)
        words = view_text(self.view, who, window)  # my shift turns at the handover
        if self._sorted(plans) != self.plans or words != self._shown_view:
            self._shown_view = words
            self._show(plans, None)

    def _sorted(self, plans: list[RecoveryPlan]) -> list[RecoveryPlan]:
        if self.by_due:  # soonest due first, plans without a due time last
            far = self.clock.now() + timedelta(days=36500)
            return sorted(plans, key=lambda p: (plan_due(p) or far, p.id or 0))
        # newest first: the latest interval on top
        return sorted(plans, key=lambda p: (p.interval_start, p.id or 0), reverse=True)

    def _show(self, plans: list[RecoveryPlan], keep: int | None) -> None:
        table = self.query_one("#plans-table", DataTable)
        if keep is None:
            current = self.selected_plan()
            keep = current.id if current else None
        self.plans = self._sorted(plans)
        now = self.clock.now()
        table.clear()
        for p in self.plans:
            overdue = is_overdue(p, now)
            style = "red" if overdue else ""
            day = p.date
            table.add_row(
                Text(str(p.id), style=style),
                status_text(p, now),
                Text(when_text(plan_due(p), self.tz, day), style=style),
                Text(kpi_text(p.kpi), style=style),
                Text(scope_text(p, team=False), style=style),
                Text(format_value(p.kpi, p.actual), style=style),
                Text(p.date.isoformat(), style=style),
                Text(p.tl_shift, style=style),
                Text(when_text(p.interval_start, self.tz, day), style=style),
                Text(p.tl_name, style=style),
                key=str(p.id),
            )
        overdue_count = sum(1 for p in self.plans if is_overdue(p, now))
        title = t("plans.title_count", count=len(self.plans))
        if overdue_count:
            title += t("plans.title_overdue", count=overdue_count)
        title += " · " + t("plans.sorted_due" if self.by_due else "plans.sorted_newest")
        title += " · " + (self._shown_view or t("plans.view.all"))
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

    @on(Input.Changed, ".filters Input")
    @on(Select.Changed, ".filters Select")
    def _filter_changed(self) -> None:
        self.reload()

    @on(Input.Submitted, ".filters Input")
    def _filter_submitted(self) -> None:
        self.query_one("#plans-table").focus()

    @on(DataTable.RowSelected, "#plans-table")
    def _row_selected(self) -> None:
        self.action_open_plan()

    def action_open_plan(self) -> None:
        """Open the plan to act on it: edit, actions and results, a progress note (or an
        addendum to a verified plan)."""
        plan = self.selected_plan()
        if plan is None or plan.id is None:
            self.say(t("plans.none_selected"))
            return

        def edited(saved: RecoveryPlan | None) -> None:
            if saved is not None:
                self._changed(saved, t("plan.e.saved", id=saved.id))

        self.app.push_screen(
            PlanEditScreen(plan, self.store, self.tz, who=self._who(plan), now=self.clock.now),
            edited,
        )

    def action_sort(self) -> None:
        self.by_due = not self.by_due
        self.reload()

    def action_help(self) -> None:
        self.app.push_screen(KeysHelp(t("plans.help_title"), self.KEYS_HELP))

    def action_keys(self) -> None:
        self.action_help()

    # ------------------------------------------------------------------ detail

    def show_detail(self) -> None:
        plan = self.selected_plan()
        box = self.query_one("#plan-detail-text", Static)
        if plan is None or plan.id is None:
            box.update(Text(t("plans.none_match") if not self.plans else ""))
            return
        try:
            history = self.store.plan_history(plan.id)
            notes = self.store.plan_notes(plan.id)
        except StoreError as exc:
            history, notes = [], []
            self.say(t("plans.history_error", error=exc), error=True)
        box.update(detail_text(plan, history, self.clock.now(), self.tz, notes))

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
            self.say(t("plans.plan_error", id=plan.id, error=exc), error=True)
            return
        self._changed(moved, t("plans.moved", id=plan.id, status=status_label(moved.status)))

    def action_next_status(self) -> None:
        plan = self.selected_plan()
        if plan is None:
            self.say(t("plans.none_selected"))
            return
        wanted = NEXT_STATUS.get(plan.status)
        if wanted is None:
            hint = t("plans.hint_verify" if plan.status is PlanStatus.DONE else "plans.hint_final")
            self.say(t("plans.is_status", id=plan.id, status=status_label(plan.status), hint=hint))
            return
        self._move(plan, wanted)

    def action_reopen(self) -> None:
        plan = self.selected_plan()
        if plan is None:
            return
        if plan.status is not PlanStatus.DONE:
            self.say(t("plans.only_done_back", id=plan.id, status=status_label(plan.status)))
            return
        self._move(plan, PlanStatus.IN_PROGRESS)

    def action_verify(self) -> None:
        plan = self.selected_plan()
        if plan is None or plan.id is None:
            self.say(t("plans.none_selected"))
            return
        if plan.status is not PlanStatus.DONE:
            final = plan.status is PlanStatus.VERIFIED
            hint = t("plans.hint_final" if final else "plans.hint_done_first")
            self.say(t("plans.is_status", id=plan.id, status=status_label(plan.status), hint=hint))
            return
        now_value = None
        try:
            now_value = self.current_kpi(plan.kpi, plan.scope, plan.period)
        except Exception as exc:  # a lookup failure must not block the verification
            self.log.warning(f"current KPI for plan {plan.id}: {exc}")

        def decided(verification: Verification | None) -> None:
            if verification is None:
                return
            assert plan.id is not None
            try:
                done = self.store.verify(plan.id, verification, self.clock.now())
            except (StoreError, PlanError) as exc:
                self.say(t("plans.plan_error", id=plan.id, error=exc), error=True)
                return
            verdict = t("plans.achieved" if done.verified_achieved else "plans.not_achieved")
            self._changed(done, t("plans.verified", id=plan.id, verdict=verdict))

        self.app.push_screen(
            VerifyPlanScreen(plan, now_value, self._who(plan), self.read_time(), self.tz), decided
        )

    # ------------------------------------------------------------------ navigation

    def action_filters(self) -> None:
        self.query_one("#f-since", Input).focus()

    def action_reload(self) -> None:
        self.reload()

    def action_back(self) -> None:
        if self.focused is not None and self.focused.parent is not None:
            # escape in the filter bar returns to the list first
            if any(a.has_class("filters") for a in self.focused.ancestors):
                self.query_one("#plans-table").focus()
                return
        self.dismiss(None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # plain letters belong to the filter inputs while typing there
        letters = ("next_status", "reopen", "verify", "open_plan", "sort", "help", "cycle_view")
        if action in letters and isinstance(self.focused, Input):
            return False
        return True


def detail_text(
    plan: RecoveryPlan,
    history: list[PlanChange],
    now: datetime,
    tz: tzinfo,
    notes: Sequence[PlanNote] = (),
) -> Text:
    out = Text()

    def head(key: str) -> None:
        out.append(f"\n{t(f'plans.d.{key}')}\n", style="bold underline")

    def field(key: str, value: str, style: str = "") -> None:
        out.append(f"{t(f'plans.d.{key}'):<12}", style="bold")
        out.append(value, style=style)
        out.append("\n")

    out.append(t("plans.d.plan", id=plan.id) + "  ", style="bold")
    out.append_text(status_text(plan, now))
    out.append("\n")
    field("kpi", f"{kpi_text(plan.kpi)} ({plan.kpi})")
    field("scope", scope_text(plan))
    field("date_shift", f"{plan.date.isoformat()} · {plan.tl_shift}")
    local = plan.interval_start.astimezone(tz)
    field("interval", f"{local:%H:%M}")
    field("target", _targets(plan))
    field("filed", f"{format_value(plan.kpi, plan.actual)} ({period_text(plan.period)})")
    if plan.counts:
        field("counts", counts_text(plan.counts))
    if plan.status is PlanStatus.VERIFIED:
        verdict = t("plans.achieved" if plan.verified_achieved else "plans.not_achieved")
        if plan.verified_reason:
            verdict += " · " + t("plans.d.override", reason=plan.verified_reason)
        value = (
            format_value(plan.kpi, plan.verified_value)
            if plan.verified_value is not None
            else t("plans.v.no_data")
        )
        parts = [value, verdict, when_text(plan.verified_at, tz)]
        if plan.verified_period:
            read = when_text(plan.verified_read_at, tz, plan.date)
            parts.insert(1, f"{period_text(plan.verified_period)}, {t('plans.v.read', time=read)}")
        if plan.verified_by:
            parts.append(t("plans.d.verified_by", who=plan.verified_by))
        field("verified", " · ".join(parts), "green" if plan.verified_achieved else "yellow")
    field("root_cause", cause_label(plan.root_cause))
    field("tl", plan.tl_name)
    head("analysis")
    out.append(plan.analysis + "\n")
    head("actions")
    for i, a in enumerate(plan.actions, 1):
        late = (
            plan.status is not PlanStatus.VERIFIED
            and a.status is ActionStatus.OPEN
            and now > a.due
        )
        out.append(f"{i}. ", style="bold")
        out.append(a.what)
        due = when_text(a.due, tz, plan.date)
        out.append("\n   " + t("plans.d.pic_due", pic=a.pic, due=due), style="red" if late else "")
        status_style = {ActionStatus.DONE: "green", ActionStatus.NOT_DONE: "yellow"}.get(
            a.status, ""
        )
        out.append(f" · {action_status_label(a.status)}", style=status_style)
        if a.result:
            out.append("\n   " + t("plans.d.result", result=a.result))
        out.append("\n")
    if plan.note:
        head("note")
        out.append(plan.note + "\n")
    if plan.verified_note:
        head("verified_note")
        out.append(plan.verified_note + "\n")
    for kind in NoteKind:
        kept = [n for n in notes if n.kind is kind]
        if kept:
            head(f"notes_{kind}")
            for n in kept:
                out.append(f"{when_text(n.at, tz, plan.date)}  {n.who}  ", style="dim")
                out.append(n.text + "\n")
    if plan.suggested_actions:
        head("suggested")
        for s in plan.suggested_actions:
            out.append(f"- {s}\n", style="dim")
    head("history")
    if not history:
        out.append("—\n")
    for h in history:
        out.append(f"{when_text(h.at, tz)}  {h.who}  ", style="dim")
        if h.field == "created":
            out.append(t("plans.d.filed_event"))
        elif h.field.startswith("note."):
            out.append(f"{t('plans.d.history_' + h.field.replace('.', '_'))}: {h.new or ''}")
        elif h.old is None and h.field.startswith("verified_"):  # recorded once: no "— →"
            out.append(f"{field_label(h.field)}: {_history_value(h.field, h.new, plan.kpi, tz, plan.date)}")
        elif h.old is None and h.new is not None and re.fullmatch(r"actions\.\d+", h.field):
            out.append(f"+ {field_label(h.field)}: {_history_value(h.field, h.new, plan.kpi, tz, plan.date)}")
        else:
            out.append(f"{field_label(h.field)}: {_history_value(h.field, h.old, plan.kpi, tz, plan.date)} → ")
            out.append(_history_value(h.field, h.new, plan.kpi, tz, plan.date))
        out.append("\n")
    out.rstrip()
    return out


_VALUE_FIELDS = frozenset({"sla", "slg", "actual", "verified_value"})


def _history_value(
    field: str, value: str | None, kpi: str = "", tz: tzinfo | None = None, day: date | None = None
) -> str:
    """A history value as the screen shows it: KPI units, labels, local times."""
    if value is None:
        return "—"
    if field == "status" and value in set(PlanStatus):
        return status_label(PlanStatus(value))
    if field == "verified_achieved" and value in set(Verdict) | {"achieved", "not achieved"}:
        return t(f"plans.v.verdict.{value.replace(' ', '_')}")
    if field == "verified_period":
        return period_text(value)
    if field.startswith("actions.") and field.endswith(".status"):
        return action_status_label(value)
    try:
        if field in _VALUE_FIELDS:
            return t("plans.v.no_data") if value == "no data" else format_value(kpi, float(value))
        if field == "verified_read_at" and tz is not None:
            return when_text(datetime.fromisoformat(value), tz)
        if field == "counts" or field == "verified_counts":
            return counts_text(json.loads(value))
        if tz is not None and (field.endswith(".due") or field == "interval_start"):
            return when_text(datetime.fromisoformat(value), tz, day)
        if tz is not None and re.fullmatch(r"actions\.\d+", field):
            what, pic, due = value.rsplit(" | ", 2)
            return f"{what} | {pic} | {when_text(datetime.fromisoformat(due), tz, day)}"
        if field == "root_cause":
            return cause_label(value)
    except (ValueError, TypeError, AttributeError):
        pass  # shown as stored
    return value


def _folded(text: str) -> str:
    return " ".join(text.casefold().split())


def plan_matches(plan: RecoveryPlan, text: str = "", kpi: str = "", agent: str = "") -> bool:
    """Whether `plan` passes the Plans screen's word filters (case-insensitive, each a
    part of a word is enough): `text` anywhere the TL reads (analysis, actions, PIC,
    results, names, note, KPI, root cause), `kpi` by its id or its name on screen ("AUX"
    finds both AUX indicators), `agent` by the agent's name or id on an agent plan."""
    if kpi.strip():
        needle = _folded(kpi)
        if needle not in _folded(plan.kpi.replace("_", " ")) and needle not in _folded(
            kpi_text(plan.kpi)
        ) and needle not in plan.kpi.casefold():
            return False
    if agent.strip():
        if not plan.scope.startswith("agent:"):
            return False
        needle = _folded(agent)
        if needle not in _folded(plan.scope_label) and needle not in plan.scope.casefold():
            return False
    if text.strip():
        parts = [
            plan.analysis,
            plan.note,
            plan.scope_label,
            plan.scope,
            plan.team,
            plan.tl_name,
            plan.kpi,
            kpi_text(plan.kpi),
            cause_label(plan.root_cause),
            plan.verified_note,
            plan.verified_reason,
        ]
        for a in plan.actions:
            parts += [a.what, a.pic, a.result]
        if _folded(text) not in _folded(" \n ".join(parts)):
            return False
    return True


def kpi_now_from_view(
    kpis: Sequence[KpiValue], kpi: str, scope: str, period: str = "interval"
) -> KpiValue | None:
    """A `current_kpi` for the app: the value of `kpi` at `scope` for `period` (the
    period the plan was filed on); None when there is none for that period."""
    return next((k for k in kpis if k.kpi == kpi and k.scope == scope and k.period == period), None)


__all__ = [
    "CurrentKpi",
    "PlansScreen",
    "VerifyPlanScreen",
    "detail_text",
    "kpi_now_from_view",
]
