"""A saved recovery plan opened from the Plans screen (enter): the SOP's "act on it".

    app.push_screen(PlanEditScreen(plan, store, tz, who=..., now=clock.now), callback)
    # callback receives the plan as stored after the change, or None (closed, nothing kept)

Not verified yet: edit the root cause and the analysis, each action (what, PIC, due, status
open / done / not done, result note), add actions (ctrl+n), write a progress note; ctrl+s
keeps it all (one history row per changed field, the note with its time and author).
Verified: the plan is final; the TL writes an addendum instead. A due time changed to one
already past is refused; an old action whose time has passed stays as it was.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable, Mapping
from datetime import datetime, tzinfo

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, Select, Static, TextArea

from rtm_tui.domain.plan_checks import edit_errors, note_errors
from rtm_tui.domain.plans import (
    FIELD_LIMITS,
    ActionStatus,
    NoteKind,
    PlanAction,
    PlanError,
    PlanStatus,
    PlanValidationError,
    RecoveryPlan,
    RootCause,
)
from rtm_tui.i18n.plans import action_status_label, cause_label, kpi_text, scope_text, status_label
from rtm_tui.store import PlanStore, StoreError
from rtm_tui.ui.i18n import t
from rtm_tui.ui.plan_form import (
    ConfirmDiscard,
    KeysHelp,
    error_text,
    hhmm,
    limited,
    parse_due,
    text_input,
    translate_screen_bindings,
)


class EditActionRow(Vertical):
    """One action of a saved plan: what / PIC / due / status, and its result below.
    `original` is the action as stored (None for one added now)."""

    DEFAULT_CSS = """
    EditActionRow { height: auto; margin-bottom: 1; }
    EditActionRow > Horizontal { height: auto; }
    EditActionRow .what { width: 3fr; }
    EditActionRow .pic { width: 1fr; }
    EditActionRow .due { width: 8; }
    EditActionRow Select { width: 18; }
    """

    def __init__(self, number: int, original: PlanAction | None, due_text: str) -> None:
        super().__init__(classes="edit-action")
        self.number = number
        self.original = original
        self._due_text = due_text

    def compose(self) -> ComposeResult:
        a = self.original
        with Horizontal():
            yield text_input(
                a.what if a else "",
                placeholder=t("plan.action_what"),
                classes="what",
                max_length=FIELD_LIMITS["what"],
            )
            yield text_input(
                a.pic if a else "",
                placeholder=t("plan.action_pic"),
                classes="pic",
                max_length=FIELD_LIMITS["pic"],
            )
            yield text_input(
                self._due_text, placeholder=t("plan.due_placeholder"), classes="due", max_length=5
            )
            yield Select(
                [(action_status_label(s), s) for s in ActionStatus],
                value=a.status if a else ActionStatus.OPEN,
                allow_blank=False,
                compact=True,
                classes="status",
            )
        yield text_input(
            a.result if a else "",
            placeholder=t("plan.e.result_placeholder"),
            classes="result",
            max_length=FIELD_LIMITS["result"],
        )

    def field(self, name: str) -> Input:
        return self.query_one(f".{name}", Input)

    def status(self) -> ActionStatus:
        value = self.query_one(".status", Select).value
        return value if isinstance(value, ActionStatus) else ActionStatus.OPEN

    def blank(self) -> bool:
        return self.original is None and not self.field("what").value.strip()


class PlanEditScreen(ModalScreen[RecoveryPlan | None]):
    """Edit a saved plan (or add an addendum to a verified one); ctrl+s keeps it."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True, id="plan_save"),
        Binding("ctrl+n", "add_action", "Add action", id="plan_add_action"),
        Binding("f1", "help", "Keys", id="plan_help"),
        Binding("escape", "close", "Close", id="plan_close"),
    ]
    KEYS_HELP = (
        ("tab / shift+tab", "help.plan.tab"),
        ("ctrl+n", "help.plan.add_action"),
        ("ctrl+s", "help.plan.save_edit"),
        ("escape", "help.plan.close"),
        ("f1", "help.plan.help"),
    )
    DEFAULT_CSS = """
    PlanEditScreen { align: center middle; }
    PlanEditScreen > #edit-box {
        width: 110; max-width: 100%; height: 95%;
        border: thick $primary; background: $surface;
    }
    PlanEditScreen #edit-title { text-style: bold; padding: 0 1; }
    PlanEditScreen #edit-scroll { padding: 0 1; }
    PlanEditScreen .section { text-style: bold; margin-top: 1; }
    PlanEditScreen TextArea { height: 5; }
    PlanEditScreen #edit-error { color: $text; background: $error 40%; padding: 0 1; height: auto; }
    PlanEditScreen #edit-error.-empty { display: none; }
    PlanEditScreen #edit-actions { height: auto; }
    """

    def __init__(
        self,
        plan: RecoveryPlan,
        store: PlanStore,
        tz: tzinfo,
        *,
        who: str = "",
        now: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__()
        translate_screen_bindings(self)
        assert plan.id is not None
        self.plan = plan
        self.store = store
        self.tz = tz
        self.who = who or plan.tl_name
        self._now = now or (lambda: datetime.now(tz))
        self.final = plan.status is PlanStatus.VERIFIED
        self._rows = 0
        self._initial: tuple[object, ...] | None = None
        self._saving = False

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        p = self.plan
        head = t(
            "plan.e.title", id=p.id, kpi=kpi_text(p.kpi), scope=scope_text(p), status=status_label(p.status)
        )
        with Vertical(id="edit-box"):
            yield Static(Text(head), id="edit-title")
            with VerticalScroll(id="edit-scroll"):
                if self.final:
                    yield Static(Text(t("plan.e.final")), classes="section")
                    yield Label(limited("plan.e.addendum", "progress"), classes="section")
                    yield TextArea(id="note")
                else:
                    yield Label(t("plan.root_cause"), classes="section", markup=False)
                    yield Select(
                        [(cause_label(c), c) for c in RootCause],
                        value=p.root_cause,
                        allow_blank=False,
                        id="root_cause",
                    )
                    yield Label(limited("plan.analysis", "analysis"), classes="section")
                    yield TextArea(p.analysis, id="analysis")
                    yield Label(Text(t("plan.e.actions")), classes="section")
                    yield Vertical(id="edit-actions")
                    yield Label(limited("plan.e.progress", "progress"), classes="section")
                    yield TextArea(id="note")
                yield Label(limited("plan.e.who", "tl_name"), classes="section")
                yield text_input(self.who, id="who", max_length=FIELD_LIMITS["tl_name"])
            yield Static("", id="edit-error", classes="-empty")
            yield Footer()

    async def on_mount(self) -> None:
        if not self.final:
            for action in self.plan.actions:
                await self._add_row(action)
        self._initial = self._snapshot()
        self.query_one("#note" if self.final else "#analysis").focus()

    async def _add_row(self, action: PlanAction | None) -> EditActionRow:
        due = hhmm(action.due, self.tz) if action else ""
        row = EditActionRow(self._rows, action, due)
        self._rows += 1
        await self.query_one("#edit-actions", Vertical).mount(row)
        return row

    def rows(self) -> list[EditActionRow]:
        return list(self.query(EditActionRow))

    async def action_add_action(self) -> None:
        if self.final:
            return
        row = await self._add_row(None)
        row.field("what").focus()

    def action_help(self) -> None:
        self.app.push_screen(KeysHelp(t("plan.e.help_title"), self.KEYS_HELP))

    # ------------------------------------------------------------------ build

    def _snapshot(self) -> tuple[object, ...]:
        rows = tuple(
            (*(r.field(n).value for n in ("what", "pic", "due", "result")), r.status())
            for r in self.rows()
        )
        texts = tuple(a.text for a in self.query(TextArea))
        root = self.query("#root_cause")
        return (rows, texts, root.first(Select).value if root else None)

    def build(self) -> tuple[RecoveryPlan, dict[str, str]]:
        """The plan as edited, and the form's own errors (a due time that is not HH:MM)."""
        errors: dict[str, str] = {}
        actions: list[PlanAction] = []
        for i, row in enumerate(r for r in self.rows() if not r.blank()):
            due_text = row.field("due").value.strip()
            original = row.original
            if original is not None and due_text == hhmm(original.due, self.tz):
                due: datetime | None = original.due  # unchanged: keep its day too
            else:
                due = parse_due(due_text, self.plan.interval_start, self.tz)
            if due is None:
                errors[f"actions.{i}.due"] = t("plan.err.due_format")
                due = original.due if original else self.plan.interval_start
            actions.append(
                PlanAction(
                    what=row.field("what").value.strip(),
                    pic=row.field("pic").value.strip(),
                    due=due,
                    status=row.status(),
                    result=row.field("result").value.strip(),
                )
            )
        root = self.query_one("#root_cause", Select).value
        plan = dataclasses.replace(
            self.plan,
            root_cause=root if isinstance(root, RootCause) else self.plan.root_cause,
            analysis=self.query_one("#analysis", TextArea).text.strip(),
            actions=tuple(actions),
        )
        return plan, errors

    def show_errors(self, errors: Mapping[str, str]) -> None:
        lines = []
        for key, message in errors.items():
            where = key
            if key.startswith("actions."):
                parts = key.split(".")
                where = t("plan.e.action_n", n=int(parts[1]) + 1) if len(parts) > 1 else key
            elif key in ("text", "kind"):
                where = t("plan.e.note_label")
            elif key == "who":
                where = t("plan.e.who_label")
            lines.append(f"{where}: {error_text(message)}")
        box = self.query_one("#edit-error", Static)
        box.update(Text("\n".join(lines)))
        box.set_class(not lines, "-empty")

    # ------------------------------------------------------------------ save

    async def action_save(self) -> None:
        if self._saving:
            return
        now = self._now()
        who = self.query_one("#who", Input).value.strip()
        note = self.query_one("#note", TextArea).text.strip()
        kind = NoteKind.ADDENDUM if self.final else NoteKind.PROGRESS
        errors: dict[str, str] = {}
        plan = self.plan
        if not self.final:
            plan, errors = self.build()
            errors = {**edit_errors(self.plan, plan, now), **errors}
        if note:
            errors.update(note_errors(self.plan, kind, note, who))
        elif not who:
            errors["who"] = "who writes the note is required"
        if self.final and not note:
            errors["text"] = "the note is empty"
        if errors:
            self.show_errors(errors)
            return
        self.show_errors({})
        self._saving = True
        saved = self.plan
        try:
            if plan != self.plan:
                saved = await asyncio.to_thread(self.store.save_plan, plan, who, now)
            if note:
                assert self.plan.id is not None
                await asyncio.to_thread(self.store.add_note, self.plan.id, kind, note, who, now)
        except PlanValidationError as exc:
            self.show_errors(exc.errors)
            return
        except (StoreError, PlanError, OSError) as exc:
            self.show_errors({"store": t("plan.not_saved", error=exc)})
            return
        finally:
            self._saving = False
        self.notify(t("plan.e.saved", id=self.plan.id), markup=False)
        self.dismiss(saved)

    def action_close(self) -> None:
        if self._initial is None or self._snapshot() == self._initial:
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(ConfirmDiscard(t("plan.e.discard_question")), answered)


__all__ = ["EditActionRow", "PlanEditScreen", "action_status_label"]
