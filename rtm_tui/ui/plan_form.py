"""The Form Recovery Plan, as a keyboard-only modal.

Entry point (the app pushes it on `r`):

    draft = draft_plan(now, tl_shift, tl_name, view, selected, voice, staffing, minutes)
    app.push_screen(RecoveryPlanForm(draft, store, tz), callback)
    # callback receives the saved RecoveryPlan, or None when the TL closed the form

Keys: tab / shift+tab move between fields; enter on a suggestion turns it into an action;
ctrl+n adds an action, ctrl+r removes the focused one; ctrl+s saves; escape closes (and
asks first when anything was typed). Due times are "HH:MM" (or "HH.MM") in the site
timezone; a time earlier than the interval but within 12 hours after it means tomorrow
(a plan filed at 22:40 due "00:30").

A failed save (database locked, read-only, disk full) shows the error in the form and
keeps everything typed; the TL can fix the cause and press ctrl+s again.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Footer, Input, Label, OptionList, Select, Static, TextArea
from textual.widgets.option_list import Option

from rtm_tui.domain.plan_draft import AGENT_INDICATORS, PlanDraft
from rtm_tui.domain.plans import (
    ROOT_CAUSE_LABELS,
    TL_SHIFTS,
    PlanAction,
    PlanError,
    PlanValidationError,
    RecoveryPlan,
    RootCause,
    validate_plan,
)
from rtm_tui.domain.types import Direction
from rtm_tui.store import PlanStore, StoreError

_HHMM = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")
TL_SHIFT_LABELS = {"pagi": "Pagi (morning)", "siang": "Siang (afternoon)"}


def parse_due(text: str, interval_start: datetime, tz: tzinfo) -> datetime | None:
    """'HH:MM' on the plan's day in the site timezone; None if it is not a time.

    A time before the interval start that is within 12 hours after it on the next day
    is taken as the next day (a plan filed near midnight); otherwise it stays on the
    same day and the validation says it must be after the interval start.
    """
    m = _HHMM.match(text)
    if not m:
        return None
    hour, minute = int(m.group(1)), int(m.group(2))
    if hour > 23 or minute > 59:
        return None
    local_start = interval_start.astimezone(tz)
    due = datetime.combine(local_start.date(), datetime.min.time(), tz).replace(
        hour=hour, minute=minute
    )
    if due <= interval_start and due + timedelta(days=1) - interval_start <= timedelta(hours=12):
        due += timedelta(days=1)
    return due


def hhmm(moment: datetime, tz: tzinfo) -> str:
    return moment.astimezone(tz).strftime("%H:%M")


class ConfirmDiscard(ModalScreen[bool]):
    """Discard the typed plan? y / n."""

    BINDINGS = [
        Binding("y", "answer(True)", "Discard"),
        Binding("n,escape", "answer(False)", "Keep editing"),
    ]
    DEFAULT_CSS = """
    ConfirmDiscard { align: center middle; }
    ConfirmDiscard > Vertical {
        width: 56; height: auto; padding: 1 2;
        border: thick $warning; background: $surface;
    }
    """

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Discard this recovery plan? What you typed will be lost.")
            yield Label("y = discard   n / escape = keep editing")

    def action_answer(self, discard: bool) -> None:
        self.dismiss(discard)


class SuggestionList(OptionList):
    """The data's suggestions; enter turns the highlighted one into an action."""

    BINDINGS = [Binding("enter", "select", "Use as action")]


class ActionRow(Horizontal):
    """One action: what / PIC / due (HH:MM)."""

    DEFAULT_CSS = """
    ActionRow { height: auto; }
    ActionRow > Vertical { height: auto; }
    ActionRow .what { width: 3fr; }
    ActionRow .pic { width: 1fr; }
    ActionRow .due { width: 12; }
    """

    def __init__(self, number: int, what: str, pic: str, due: str) -> None:
        super().__init__(classes="action-row")
        self.number = number
        self._initial = (what, pic, due)

    def compose(self) -> ComposeResult:
        what, pic, due = self._initial
        with Vertical(classes="what"):
            yield Input(what, placeholder="What will be done", classes="action-what")
            yield Static("", classes="field-error -empty", id=f"err-action-{self.number}-what")
        with Vertical(classes="pic"):
            yield Input(pic, placeholder="PIC", classes="action-pic")
            yield Static("", classes="field-error -empty", id=f"err-action-{self.number}-pic")
        with Vertical(classes="due"):
            yield Input(due, placeholder="HH:MM", classes="action-due", max_length=5)
            yield Static("", classes="field-error -empty", id=f"err-action-{self.number}-due")

    @property
    def what(self) -> Input:
        return self.query_one(".action-what", Input)

    @property
    def pic(self) -> Input:
        return self.query_one(".action-pic", Input)

    @property
    def due(self) -> Input:
        return self.query_one(".action-due", Input)

    def values(self) -> tuple[str, str, str]:
        return self.what.value, self.pic.value, self.due.value

    def blank(self) -> bool:
        return not self.what.value.strip() and not self.pic.value.strip()

    def input_for(self, part: str) -> Input:
        return {"what": self.what, "pic": self.pic, "due": self.due}[part]


@dataclass(frozen=True)
class _Snapshot:
    """Everything the TL can type, to tell whether anything was typed."""

    root_cause: object
    analysis: str
    actions: tuple[tuple[str, str, str], ...]
    tl_shift: object
    tl_name: str
    note: str
    kpi: str


def context_text(draft: PlanDraft, tz: tzinfo) -> Text:
    """The read-only header: what was missed, where, against which target, when."""
    t = Text()

    def line(label: str, value: str, style: str = "") -> None:
        t.append(f"{label:<10}", style="bold")
        t.append(value, style=style)  # Text.append never parses markup
        t.append("\n")

    status_style = {"breach": "bold red", "warning": "bold yellow"}.get(str(draft.status), "")
    line("KPI", f"{draft.kpi_text} ({draft.period})" if draft.kpi else "—")
    line("Scope", draft.scope_label or draft.scope)
    targets = []
    if draft.sla is not None:
        targets.append(f"SLA {draft.value_text(draft.sla)}")
    if draft.slg is not None:
        targets.append(f"SLG {draft.value_text(draft.slg)}")
    line("Target", "  ".join(targets) or "—")
    status = {"breach": "  below the SLG", "warning": "  below the SLA"}.get(str(draft.status), "")
    if draft.kpi in AGENT_INDICATORS or draft.direction is Direction.LOWER:
        status = {"breach": "  over the SLG", "warning": "  over the SLA"}.get(
            str(draft.status), ""
        )
    line("Actual", draft.value_text(draft.actual) + status, status_style)
    if draft.counts:
        line("Counts", ", ".join(f"{k} {_count(v)}" for k, v in draft.counts.items()))
    start = draft.interval_start.astimezone(tz)
    end = draft.interval_end.astimezone(tz)
    line("Interval", f"{start:%Y-%m-%d} {start:%H:%M}–{end:%H:%M}")
    t.rstrip()
    return t


def _count(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:.1f}"


class RecoveryPlanForm(ModalScreen[RecoveryPlan | None]):
    """Pre-filled recovery plan; dismisses with the saved plan or None."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("ctrl+n", "add_action", "Add action"),
        Binding("ctrl+r", "remove_action", "Remove action"),
        Binding("escape", "close", "Close"),
    ]
    DEFAULT_CSS = """
    RecoveryPlanForm { align: center middle; }
    RecoveryPlanForm > #plan-box {
        width: 110; max-width: 100%; height: 95%;
        border: thick $primary; background: $surface;
    }
    RecoveryPlanForm #plan-title { text-style: bold; padding: 0 1; width: 1fr; }
    RecoveryPlanForm #plan-scroll { padding: 0 1; }
    RecoveryPlanForm #plan-context { padding: 0 1; border: round $primary-darken-2; }
    RecoveryPlanForm .section { text-style: bold; margin-top: 1; }
    RecoveryPlanForm #suggestions { height: auto; max-height: 8; }
    RecoveryPlanForm TextArea { height: 5; }
    RecoveryPlanForm .field-error { color: $error; height: auto; }
    RecoveryPlanForm .field-error.-empty { display: none; }
    RecoveryPlanForm #save-error {
        color: $text; background: $error 40%; padding: 0 1; height: auto;
    }
    RecoveryPlanForm #save-error.-empty { display: none; }
    RecoveryPlanForm #actions { height: auto; }
    RecoveryPlanForm #tl-row { height: auto; }
    RecoveryPlanForm #tl-row > Vertical { height: auto; width: 1fr; }
    """

    def __init__(self, draft: PlanDraft, store: PlanStore, tz: tzinfo) -> None:
        super().__init__()
        self.draft = draft
        self.store = store
        self.tz = tz
        self._next_action = 0
        self._saving = False
        self._initial: _Snapshot | None = None
        self.saved: RecoveryPlan | None = None

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        d = self.draft
        with Vertical(id="plan-box"):
            yield Static(Text("Recovery plan"), id="plan-title")
            with VerticalScroll(id="plan-scroll"):
                yield Static(context_text(d, self.tz), id="plan-context")
                if not d.kpi:  # nothing was selected: the TL names the KPI
                    yield Label("KPI or indicator", classes="section")
                    yield Input(placeholder="e.g. scr, abandon, aht", id="kpi")
                    yield Static("", classes="field-error -empty", id="err-kpi")
                hint = ROOT_CAUSE_LABELS[d.root_cause_hint] if d.root_cause_hint else None
                yield Label(
                    Text(f"Root cause{f' (suggested: {hint})' if hint else ''}"),
                    classes="section",
                )
                yield Select(
                    [(ROOT_CAUSE_LABELS[c], c) for c in RootCause],
                    prompt="Choose a category",
                    id="root_cause",
                )
                yield Static("", classes="field-error -empty", id="err-root_cause")
                yield Label("Analysis", classes="section")
                yield TextArea(id="analysis", placeholder="Why was the target missed?")
                yield Static("", classes="field-error -empty", id="err-analysis")
                if d.suggestions:
                    yield Label("Suggestions (enter: use as action)", classes="section")
                    yield SuggestionList(
                        *(Option(Text(s), id=f"s{i}") for i, s in enumerate(d.suggestions)),
                        id="suggestions",
                    )
                yield Label(
                    Text("Actions (what / PIC / due HH:MM)  ctrl+n add, ctrl+r remove"),
                    classes="section",
                )
                yield Vertical(id="actions")
                yield Static("", classes="field-error -empty", id="err-actions")
                with Horizontal(id="tl-row"):
                    with Vertical():
                        yield Label("TL shift", classes="section")
                        yield Select(
                            [(TL_SHIFT_LABELS[s], s) for s in TL_SHIFTS],
                            prompt="Choose the TL shift",
                            value=d.tl_shift if d.tl_shift in TL_SHIFTS else Select.NULL,
                            id="tl_shift",
                        )
                        yield Static("", classes="field-error -empty", id="err-tl_shift")
                    with Vertical():
                        yield Label("TL name", classes="section")
                        yield Input(d.tl_name, id="tl_name", placeholder="Team Leader")
                        yield Static("", classes="field-error -empty", id="err-tl_name")
                yield Label("Note", classes="section")
                yield TextArea(id="note")
                yield Static("", classes="field-error -empty", id="err-other")
            yield Static("", id="save-error", classes="-empty")
            yield Footer()

    async def on_mount(self) -> None:
        await self._add_action_row()
        self._initial = self._snapshot()
        self.query_one("#kpi" if not self.draft.kpi else "#root_cause").focus()

    # ------------------------------------------------------------------ actions

    def _action_rows(self) -> list[ActionRow]:
        return list(self.query(ActionRow))

    async def _add_action_row(self, what: str = "") -> ActionRow:
        row = ActionRow(self._next_action, what, "", hhmm(self.draft.default_due, self.tz))
        self._next_action += 1
        await self.query_one("#actions", Vertical).mount(row)
        return row

    async def action_add_action(self) -> None:
        row = await self._add_action_row()
        row.what.focus()

    @on(OptionList.OptionSelected, "#suggestions")
    async def use_suggestion(self, event: OptionList.OptionSelected) -> None:
        text = self.draft.suggestions[int(event.option.id[1:])] if event.option.id else ""
        rows = self._action_rows()
        # fill the first empty action before adding a new one
        target = next((r for r in rows if r.blank()), None)
        if target is None:
            target = await self._add_action_row(text)
        else:
            target.what.value = text
        self.notify("Suggestion added as an action; set its PIC", timeout=3, markup=False)
        target.pic.focus()

    def action_remove_action(self) -> None:
        rows = self._action_rows()
        focused = self.focused
        row = next((r for r in rows if focused is not None and focused in r.query(Input)), None)
        if row is None:
            self.notify("Move to an action first (tab), then ctrl+r", markup=False)
            return
        if len(rows) == 1:  # keep one row to type into; just empty it
            row.what.value = row.pic.value = ""
            return
        index = rows.index(row)
        row.remove()
        rest = rows[index + 1] if index + 1 < len(rows) else rows[index - 1]
        rest.what.focus()

    # ------------------------------------------------------------------ close

    def _snapshot(self) -> _Snapshot:
        kpi = self.query("#kpi")
        return _Snapshot(
            root_cause=self.query_one("#root_cause", Select).value,
            analysis=self.query_one("#analysis", TextArea).text,
            actions=tuple(r.values() for r in self._action_rows()),
            tl_shift=self.query_one("#tl_shift", Select).value,
            tl_name=self.query_one("#tl_name", Input).value,
            note=self.query_one("#note", TextArea).text,
            kpi=kpi.first(Input).value if kpi else "",
        )

    def has_typed(self) -> bool:
        return self._initial is not None and self._snapshot() != self._initial

    def action_close(self) -> None:
        if not self.has_typed():
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(ConfirmDiscard(), answered)

    # ------------------------------------------------------------------ save

    def build_plan(self) -> tuple[RecoveryPlan, dict[str, str], dict[str, Widget]]:
        """The plan as typed, the form's own errors (bad times) and where each error
        key lives (validate_plan's `actions.<i>` index -> its row)."""
        d = self.draft
        errors: dict[str, str] = {}
        where: dict[str, Widget] = {}
        rows = [r for i, r in enumerate(self._action_rows()) if i == 0 or not r.blank()]
        actions: list[PlanAction] = []
        for i, row in enumerate(rows):
            what, pic, due_text = row.values()
            due = parse_due(due_text, d.interval_start, self.tz)
            if due is None:
                errors[f"actions.{i}.due"] = (
                    "a due time is required (HH:MM)" if not due_text.strip() else "use HH:MM"
                )
                due = d.default_due  # stands in so the rest is still checked
            actions.append(PlanAction(what=what.strip(), pic=pic.strip(), due=due))
            for part in ("what", "pic", "due"):
                where[f"actions.{i}.{part}"] = row
        root = self.query_one("#root_cause", Select).value
        shift = self.query_one("#tl_shift", Select).value
        kpi_input = self.query("#kpi")
        kpi = kpi_input.first(Input).value.strip() if kpi_input else d.kpi
        plan = RecoveryPlan(
            created_at=d.created_at,
            date=d.date,
            tl_shift=str(shift) if shift is not Select.NULL else "",
            interval_start=d.interval_start,
            kpi=kpi,
            scope=d.scope,
            actual=d.actual,
            root_cause=root if isinstance(root, RootCause) else "",  # type: ignore[arg-type]
            analysis=self.query_one("#analysis", TextArea).text.strip(),
            actions=tuple(actions),
            tl_name=self.query_one("#tl_name", Input).value.strip(),
            sla=d.sla,
            slg=d.slg,
            counts=dict(d.counts),
            suggested_actions=d.suggestions,
            note=self.query_one("#note", TextArea).text.strip(),
        )
        return plan, errors, where

    def _error_static(self, key: str, where: dict[str, Widget]) -> tuple[Static, Widget]:
        """The message line under the field for `key`, and the widget to focus."""
        if key.startswith("actions.") and key in where:
            row = where[key]
            assert isinstance(row, ActionRow)
            part = key.rsplit(".", 1)[1]
            return (
                self.query_one(f"#err-action-{row.number}-{part}", Static),
                row.input_for(part),
            )
        if key == "actions":
            row0 = self._action_rows()[0]
            return self.query_one("#err-actions", Static), row0.what
        field = key if key in ("root_cause", "analysis", "tl_shift", "tl_name", "kpi") else ""
        if field and self.query(f"#err-{field}"):
            return self.query_one(f"#err-{field}", Static), self.query_one(f"#{field}")
        return self.query_one("#err-other", Static), self.query_one("#note")

    def show_errors(self, errors: dict[str, str], where: dict[str, Widget]) -> None:
        for static in self.query(".field-error").results(Static):
            static.update("")
            static.add_class("-empty")
        focus_order = list(self.query("Input, Select, TextArea, SuggestionList"))
        first: tuple[int, Widget] | None = None
        messages: dict[Static, list[str]] = {}
        for key, message in errors.items():
            static, widget = self._error_static(key, where)
            prefix = "" if static.id != "err-other" else f"{key}: "
            messages.setdefault(static, []).append(prefix + message)
            rank = focus_order.index(widget) if widget in focus_order else len(focus_order)
            if first is None or rank < first[0]:
                first = (rank, widget)
        for static, lines in messages.items():
            static.update(Text("\n".join(lines)))
            static.remove_class("-empty")
        if first is not None:
            first[1].focus()

    def show_save_error(self, message: str) -> None:
        box = self.query_one("#save-error", Static)
        if message:
            box.update(Text(f"Not saved: {message}"))
            box.remove_class("-empty")
        else:
            box.update("")
            box.add_class("-empty")

    async def action_save(self) -> None:
        if self._saving:
            return
        plan, errors, where = self.build_plan()
        errors = {**validate_plan(plan), **errors}  # our "use HH:MM" beats the stand-in's
        if errors:
            self.show_save_error("")
            self.show_errors(errors, where)
            return
        self.show_errors({}, where)
        self._saving = True
        try:
            # the store waits up to its busy timeout on a lock: keep the UI responsive
            saved = await asyncio.to_thread(self.store.save_plan, plan, plan.tl_name)
        except PlanValidationError as exc:
            self.show_errors(exc.errors, where)
            return
        except (StoreError, PlanError, OSError) as exc:
            self.show_save_error(str(exc))
            self.notify(f"Recovery plan not saved: {exc}", severity="error", markup=False)
            return
        finally:
            self._saving = False
        self.saved = saved
        self.notify(f"Recovery plan #{saved.id} saved", markup=False)
        self.dismiss(saved)
