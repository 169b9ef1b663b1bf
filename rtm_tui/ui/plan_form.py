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
import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Footer, Input, Label, OptionList, Select, Static, TextArea
from textual.widgets.option_list import Option

from rtm_tui.domain.plan_checks import Problem, validate_plan
from rtm_tui.domain.plan_draft import AGENT_INDICATORS, PlanDraft
from rtm_tui.domain.plans import (
    FIELD_LIMITS,
    TL_SHIFTS,
    PlanAction,
    PlanError,
    PlanValidationError,
    RecoveryPlan,
    RootCause,
)
from rtm_tui.domain.timefmt import parse_hhmm
from rtm_tui.domain.types import Direction
from rtm_tui.i18n.plans import (
    cause_label,
    counts_text,
    kpi_text,
    shift_label,
    suggestion_text,
    when_text,
)
from rtm_tui.store import PlanStore, StoreError
from rtm_tui.ui.i18n import t


def error_text(message: str) -> str:
    """A validation problem of the domain (a `Problem`: code and parameters) in the UI
    language; any other message (the store's) as it is."""
    if isinstance(message, Problem):
        return t(f"plan.err.{message.code}", **message.params)
    return message


def text_input(value: str = "", **kwargs: Any) -> Input:
    """An Input that keeps its text when tabbed into (cursor at the end, nothing
    selected): one keystroke must not wipe an action made from a suggestion."""
    return Input(value, select_on_focus=False, **kwargs)


def limited(key: str, field_name: str) -> Text:
    """A field's label with the longest text it keeps: "Analysis (max 2000)"."""
    return Text(t("plan.with_limit", label=t(key), limit=FIELD_LIMITS[field_name]))


class KeysHelp(ModalScreen[None]):
    """Every key of a screen, one a line; any of escape, ?, f1 or q closes it."""

    BINDINGS = [Binding("escape,question_mark,f1,q", "close", "Close", id="plan_close")]
    DEFAULT_CSS = """
    KeysHelp { align: center middle; }
    KeysHelp > Static {
        width: 76; max-width: 100%; height: auto; max-height: 100%; padding: 1 2;
        border: thick $primary; background: $surface;
    }
    """

    def __init__(self, title: str, keys: Sequence[tuple[str, str]]) -> None:
        super().__init__()
        translate_screen_bindings(self)
        self.title_text = title
        self.keys = tuple(keys)

    def compose(self) -> ComposeResult:
        out = Text(self.title_text + "\n\n", style="bold")
        width = max((len(k) for k, _ in self.keys), default=0) + 2
        for key, text_key in self.keys:
            out.append(f"{key:<{width}}", style="bold")
            out.append(t(text_key) + "\n")
        out.append("\n" + t("help.plan.close_help"), style="dim")
        yield Static(out, id="keys-help")

    def action_close(self) -> None:
        self.dismiss(None)


def translate_screen_bindings(node: Any) -> None:
    """Footer descriptions from the catalog (`key.<binding id>`), in the UI language."""
    from rtm_tui.ui.app import translate_bindings

    translate_bindings(node)


def parse_due(text: str, interval_start: datetime, tz: tzinfo) -> datetime | None:
    """'HH:MM' on the plan's day in the site timezone; None if it is not a time.

    A time before the interval start that is within 12 hours after it on the next day
    is taken as the next day (a plan filed near midnight); otherwise it stays on the
    same day and the validation says it must be after the interval start.
    """
    typed = parse_hhmm(text)
    if typed is None:
        return None
    hour, minute = typed.hour, typed.minute
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
        Binding("y", "answer(True)", "Discard", id="plan_discard"),
        Binding("n,escape", "answer(False)", "Keep editing", id="plan_keep"),
    ]
    DEFAULT_CSS = """
    ConfirmDiscard { align: center middle; }
    ConfirmDiscard > Vertical {
        width: 56; max-width: 100%; height: auto; padding: 1 2;
        border: thick $warning; background: $surface;
    }
    """

    def __init__(self, question: str = "") -> None:
        super().__init__()
        translate_screen_bindings(self)
        self.question = question or t("plan.discard_question")

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.question, markup=False)
            yield Label(t("plan.discard_keys"), markup=False)

    def action_answer(self, discard: bool) -> None:
        self.dismiss(discard)


class SuggestionList(OptionList):
    """The data's suggestions; enter turns the highlighted one into an action."""

    BINDINGS = [Binding("enter", "select", "Use as action", id="plan_use_suggestion")]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        translate_screen_bindings(self)


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
            yield text_input(
                what,
                placeholder=t("plan.action_what"),
                classes="action-what",
                max_length=FIELD_LIMITS["what"],
            )
            yield Static("", classes="field-error -empty", id=f"err-action-{self.number}-what")
        with Vertical(classes="pic"):
            yield text_input(
                pic,
                placeholder=t("plan.action_pic"),
                classes="action-pic",
                max_length=FIELD_LIMITS["pic"],
            )
            yield Static("", classes="field-error -empty", id=f"err-action-{self.number}-pic")
        with Vertical(classes="due"):
            yield text_input(
                due, placeholder=t("plan.due_placeholder"), classes="action-due", max_length=5
            )
            # the due date when it is not the plan's day ("25 Nov"): HH:MM alone hides it
            yield Static("", classes="due-date", id=f"due-date-{self.number}")
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
    out = Text()

    def line(key: str, value: str, style: str = "") -> None:
        out.append(f"{t(f'plan.ctx.{key}'):<10}", style="bold")
        out.append(value, style=style)  # Text.append never parses markup
        out.append("\n")

    status_style = {"breach": "bold red", "warning": "bold yellow"}.get(str(draft.status), "")
    period = t(f"plan.period.{draft.period}") if draft.period else ""
    line("kpi", f"{kpi_text(draft.kpi)} ({period})" if draft.kpi else "—")
    line("scope", t("plan.scope_all") if draft.scope == "all" else draft.scope_label or draft.scope)
    targets = []
    if draft.sla is not None:
        targets.append(f"SLA {draft.value_text(draft.sla)}")
    if draft.slg is not None:
        targets.append(f"SLG {draft.value_text(draft.slg)}")
    line("target", "  ".join(targets) or "—")
    way = "over" if draft.kpi in AGENT_INDICATORS or draft.direction is Direction.LOWER else "below"
    level = {"breach": "slg", "warning": "sla"}.get(str(draft.status))
    # no value (an absent agent, an indicator without a number): nothing is "over" anything
    status = f"  {t(f'plan.ctx.{way}_{level}')}" if level and draft.actual is not None else ""
    line("actual", draft.value_text(draft.actual) + status, status_style)
    if draft.counts:
        line("counts", counts_text(draft.counts))
    start = draft.interval_start.astimezone(tz)
    end = draft.interval_end.astimezone(tz)
    line("interval", f"{start:%Y-%m-%d} {start:%H:%M}–{end:%H:%M}")
    out.rstrip()
    return out


class RecoveryPlanForm(ModalScreen[RecoveryPlan | None]):
    """Pre-filled recovery plan; dismisses with the saved plan or None."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True, id="plan_save"),
        Binding("ctrl+n", "add_action", "Add action", id="plan_add_action"),
        Binding("ctrl+r", "remove_action", "Remove action", id="plan_remove_action"),
        Binding("escape", "close", "Close", id="plan_close"),
        Binding("ctrl+l", "refresh", "Refresh", priority=True, id="plan_refresh"),
        Binding("f1", "help", "Keys", id="plan_help"),
        Binding("question_mark", "help_key", "Keys", show=False, id="plan_help_key"),
    ]
    KEYS_HELP = (
        ("tab / shift+tab", "help.plan.tab"),
        ("enter", "help.plan.use_suggestion"),
        ("ctrl+n", "help.plan.add_action"),
        ("ctrl+r", "help.plan.remove_action"),
        ("ctrl+s", "help.plan.save"),
        ("ctrl+l", "help.plan.refresh"),
        ("escape", "help.plan.close"),
        ("f1 / ?", "help.plan.help"),
    )
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
    RecoveryPlanForm .due-date { color: $warning; height: auto; }
    """

    def __init__(
        self,
        draft: PlanDraft,
        store: PlanStore,
        tz: tzinfo,
        tl_shifts: Sequence[str] = TL_SHIFTS,
        redraft: Callable[[], PlanDraft] | None = None,
    ) -> None:
        super().__init__()
        translate_screen_bindings(self)
        self.draft = draft
        self.redraft = redraft  # ctrl+l: the context read again (the app's latest view)
        self.tl_shifts = tuple(tl_shifts)  # the site's [site.tl_shifts] names
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
            yield Static(Text(t("plan.title")), id="plan-title")
            with VerticalScroll(id="plan-scroll"):
                yield Static(context_text(d, self.tz), id="plan-context")
                if not d.kpi:  # nothing was selected: the TL names the KPI
                    yield Label(t("plan.kpi_label"), classes="section", markup=False)
                    yield text_input(placeholder=t("plan.kpi_placeholder"), id="kpi")
                    yield Static("", classes="field-error -empty", id="err-kpi")
                hint = cause_label(d.root_cause_hint) if d.root_cause_hint else None
                root_title = (
                    t("plan.root_cause_suggested", hint=hint) if hint else t("plan.root_cause")
                )
                yield Label(Text(root_title), classes="section")
                yield Select(
                    [(cause_label(c), c) for c in RootCause],
                    prompt=t("plan.root_cause_prompt"),
                    value=d.root_cause_hint if d.root_cause_hint in set(RootCause) else Select.NULL,
                    id="root_cause",
                )
                yield Static("", classes="field-error -empty", id="err-root_cause")
                yield Label(limited("plan.analysis", "analysis"), classes="section")
                yield TextArea(id="analysis", placeholder=t("plan.analysis_placeholder"))
                yield Static("", classes="field-error -empty", id="err-analysis")
                if d.suggestions:
                    yield Label(t("plan.suggestions"), classes="section", markup=False)
                    yield SuggestionList(
                        *self._options(),
                        id="suggestions",
                    )
                yield Label(Text(t("plan.actions")), classes="section")
                yield Vertical(id="actions")
                yield Static("", classes="field-error -empty", id="err-actions")
                with Horizontal(id="tl-row"):
                    with Vertical():
                        yield Label(t("plan.tl_shift"), classes="section", markup=False)
                        yield Select(
                            [(shift_label(s), s) for s in self.tl_shifts],
                            prompt=t("plan.tl_shift_prompt"),
                            value=d.tl_shift if d.tl_shift in self.tl_shifts else Select.NULL,
                            id="tl_shift",
                        )
                        yield Static("", classes="field-error -empty", id="err-tl_shift")
                    with Vertical():
                        yield Label(limited("plan.tl_name", "tl_name"), classes="section")
                        yield text_input(
                            d.tl_name,
                            id="tl_name",
                            placeholder=t("plan.tl_name_placeholder"),
                            max_length=FIELD_LIMITS["tl_name"],
                        )
                        yield Static("", classes="field-error -empty", id="err-tl_name")
                yield Label(limited("plan.note", "note"), classes="section")
                yield TextArea(id="note")
                yield Static("", classes="field-error -empty", id="err-other")
            yield Static("", id="save-error", classes="-empty")
            yield Footer()

    async def on_mount(self) -> None:
        await self._add_action_row()
        self._initial = self._snapshot()
        self.query_one("#kpi" if not self.draft.kpi else "#root_cause").focus()
        if not self.draft.tl_name.strip():
            self.run_worker(self._remember_tl_name(), exclusive=True, group="tl-name")

    async def _remember_tl_name(self) -> None:
        """No TL name configured: the one used on the last plan (read off the loop)."""
        last = getattr(self.store, "last_tl_name", None)
        if last is None:
            return
        try:
            name = await asyncio.to_thread(last)
        except (StoreError, OSError):
            return
        box = self.query_one("#tl_name", Input)
        if name and not box.value.strip():
            box.value = name
            box.cursor_position = len(name)
            if self._initial is not None:  # a remembered name is not "typed"
                self._initial = dataclasses.replace(self._initial, tl_name=name)

    def _options(self) -> list[Option]:
        return [
            Option(Text(suggestion_text(s)), id=f"s{i}")
            for i, s in enumerate(self.draft.suggestions)
        ]

    def action_refresh(self) -> None:
        """Read the context again: a form left open otherwise keeps the interval it was
        opened on. What the TL typed stays."""
        if self.redraft is None:
            return
        try:
            draft = self.redraft()
        except Exception as exc:  # the view may be mid-update: keep the old context
            self.notify(str(exc), severity="warning", markup=False)
            return
        self.draft = dataclasses.replace(
            draft, tl_name=self.draft.tl_name, tl_shift=self.draft.tl_shift
        )
        self.query_one("#plan-context", Static).update(context_text(self.draft, self.tz))
        found = self.query("#suggestions")
        if found:
            options = found.first(OptionList)
            options.clear_options()
            options.add_options(self._options())
        moment = when_text(self.draft.created_at, self.tz, self.draft.date)
        self.notify(t("plan.refreshed", time=moment), timeout=3, markup=False)

    def action_help(self) -> None:
        self.app.push_screen(KeysHelp(t("plan.help_title"), self.KEYS_HELP))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # "?" types a question mark in a text field; f1 opens the keys there
        if action == "help_key" and isinstance(self.focused, Input | TextArea):
            return False
        return True

    def action_help_key(self) -> None:
        self.action_help()

    # ------------------------------------------------------------------ actions

    def _action_rows(self) -> list[ActionRow]:
        return list(self.query(ActionRow))

    async def _add_action_row(self, what: str = "") -> ActionRow:
        row = ActionRow(self._next_action, what, "", hhmm(self.draft.default_due, self.tz))
        self._next_action += 1
        await self.query_one("#actions", Vertical).mount(row)
        self._show_due_date(row)
        return row

    async def action_add_action(self) -> None:
        row = await self._add_action_row()
        row.what.focus()

    @on(OptionList.OptionSelected, "#suggestions")
    async def use_suggestion(self, event: OptionList.OptionSelected) -> None:
        index = int(event.option.id[1:]) if event.option.id else -1
        suggestions = self.draft.suggestions
        text = suggestion_text(suggestions[index]) if 0 <= index < len(suggestions) else ""
        rows = self._action_rows()
        # fill the first empty action before adding a new one
        target = next((r for r in rows if r.blank()), None)
        if target is None:
            target = await self._add_action_row(text)
        else:
            target.what.value = text
        self.notify(t("plan.suggestion_added"), timeout=3, markup=False)
        target.pic.focus()

    def action_remove_action(self) -> None:
        rows = self._action_rows()
        focused = self.focused
        row = next((r for r in rows if isinstance(focused, Input) and focused in r.query(Input)), None)
        if row is None:
            self.notify(t("plan.remove_where"), markup=False)
            return
        if len(rows) == 1:  # keep one row to type into; just empty it
            row.what.value = row.pic.value = ""
            return
        index = rows.index(row)
        row.remove()
        rest = rows[index + 1] if index + 1 < len(rows) else rows[index - 1]
        rest.what.focus()

    @on(Input.Changed, ".action-due")
    def _due_changed(self, event: Input.Changed) -> None:
        row = next((a for a in event.input.ancestors if isinstance(a, ActionRow)), None)
        if row is not None:
            self._show_due_date(row)

    def _show_due_date(self, row: ActionRow) -> None:
        due = parse_due(row.due.value, self.draft.interval_start, self.tz)
        day = self.draft.interval_start.astimezone(self.tz).date()
        hint = ""
        if due is not None and due.astimezone(self.tz).date() != day:
            hint = when_text(due, self.tz).rsplit(" ", 1)[0]  # "25 Nov"
        self.query_one(f"#due-date-{row.number}", Static).update(Text(hint))

    def now(self) -> datetime:
        """The app's clock (a frozen one in demos); an app without one: when the draft
        was made (the moment the form opened)."""
        clock = getattr(self.app, "clock", None)
        now = getattr(clock, "now", None)
        return now() if callable(now) else self.draft.created_at

    def _team(self) -> str:
        """The agent's team for an agent plan, from the app's latest view."""
        agent_id = self.draft.agent_id
        rows = getattr(getattr(self.app, "view", None), "rows", ()) or ()
        return next((r.team for r in rows if agent_id and r.agent_id == agent_id), "")

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
                    t("plan.err.due_required") if not due_text.strip() else t("plan.err.due_format")
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
            scope_label=d.scope_label,
            team=self._team(),
            period=d.period or "interval",
            direction=d.direction,
            actual=d.actual,
            root_cause=root if isinstance(root, RootCause) else "",  # type: ignore[arg-type]
            analysis=self.query_one("#analysis", TextArea).text.strip(),
            actions=tuple(actions),
            tl_name=self.query_one("#tl_name", Input).value.strip(),
            sla=d.sla,
            slg=d.slg,
            counts=dict(d.counts),
            suggested_actions=tuple(suggestion_text(s) for s in d.suggestions),
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
            messages.setdefault(static, []).append(prefix + error_text(message))
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
            box.update(Text(t("plan.not_saved", error=message)))
            box.remove_class("-empty")
        else:
            box.update("")
            box.add_class("-empty")

    async def action_save(self) -> None:
        if self._saving:
            return
        plan, errors, where = self.build_plan()
        errors = {**validate_plan(plan, self.tl_shifts, self.now()), **errors}  # our "use HH:MM" beats the stand-in's
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
            self.notify(t("plan.not_saved_toast", error=exc), severity="error", markup=False)
            return
        finally:
            self._saving = False
        self.saved = saved
        self.notify(t("plan.saved", id=saved.id), markup=False)
        self.dismiss(saved)
