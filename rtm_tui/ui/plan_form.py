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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
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

from rtm_tui.domain.format import count_label, fmt_counts, fmt_when
from rtm_tui.domain.plan_draft import AGENT_INDICATORS, PlanDraft, kpi_label
from rtm_tui.domain.plans import (
    ROOT_CAUSE_LABELS,
    STATUS_LABELS,
    TL_SHIFTS,
    PlanAction,
    PlanError,
    PlanStatus,
    PlanValidationError,
    RecoveryPlan,
    RootCause,
    validate_plan,
)
from rtm_tui.domain.timefmt import parse_hhmm
from rtm_tui.domain.types import Direction
from rtm_tui.store import PlanStore, StoreError
from rtm_tui.ui.i18n import register, t

register(
    "en",
    {
        # the form
        "plan.title": "Recovery plan",
        "plan.ctx.kpi": "KPI",
        "plan.ctx.scope": "Scope",
        "plan.ctx.target": "Target",
        "plan.ctx.actual": "Actual",
        "plan.ctx.counts": "Counts",
        "plan.ctx.interval": "Interval",
        "plan.ctx.below_slg": "below the SLG",
        "plan.ctx.below_sla": "below the SLA",
        "plan.ctx.over_slg": "over the SLG",
        "plan.ctx.over_sla": "over the SLA",
        "plan.period.interval": "interval",
        "plan.period.today": "today",
        "plan.period.shift": "TL shift so far",
        "plan.period.now": "now",
        "plan.kpi_label": "KPI or indicator",
        "plan.kpi_placeholder": "e.g. scr, abandon, aht",
        "plan.root_cause": "Root cause",
        "plan.root_cause_suggested": "Root cause (suggested: {hint})",
        "plan.root_cause_prompt": "Choose a category",
        "plan.analysis": "Analysis",
        "plan.analysis_placeholder": "Why was the target missed?",
        "plan.suggestions": "Suggestions (enter: use as action)",
        "plan.actions": "Actions (what / PIC / due HH:MM)  ctrl+n add, ctrl+r remove",
        "plan.action_what": "What will be done",
        "plan.action_pic": "PIC",
        "plan.due_placeholder": "HH:MM",
        "plan.tl_shift": "TL shift",
        "plan.tl_shift_prompt": "Choose the TL shift",
        "plan.tl_name": "TL name",
        "plan.tl_name_placeholder": "Team Leader",
        "plan.note": "Note",
        "plan.suggestion_added": "Suggestion added as an action; set its PIC",
        "plan.remove_where": "Move to an action first (tab), then ctrl+r",
        "plan.not_saved": "Not saved: {error}",
        "plan.not_saved_toast": "Recovery plan not saved: {error}",
        "plan.saved": "Recovery plan #{id} saved",
        "plan.discard_question": "Discard this recovery plan? What you typed will be lost.",
        "plan.discard_keys": "y = discard   n / escape = keep editing",
        "key.plan_save": "Save",
        "key.plan_add_action": "Add action",
        "key.plan_remove_action": "Remove action",
        "key.plan_close": "Close",
        "key.plan_discard": "Discard",
        "key.plan_keep": "Keep editing",
        "key.plan_use_suggestion": "Use as action",
        # labels of domain values
        "plan.shift.pagi": "Pagi (morning)",
        "plan.shift.siang": "Siang (afternoon)",
        "plan.cause.volume_spike": "Volume spike",
        "plan.cause.understaffing": "Absence / understaffing",
        "plan.cause.excess_aux": "Excess AUX",
        "plan.cause.long_aht": "Long AHT",
        "plan.cause.system": "System / technical",
        "plan.cause.other": "Other",
        "plan.status.open": "Open",
        "plan.status.in_progress": "In progress",
        "plan.status.done": "Done",
        "plan.status.verified": "Verified",
        "plan.kpi.scr": "SCR",
        "plan.kpi.abandon": "Abandon rate",
        "plan.kpi.service_level": "Service level",
        "plan.kpi.aht": "AHT",
        "plan.kpi.asa": "ASA",
        "plan.kpi.calls_waiting": "Calls waiting",
        "plan.kpi.longest_wait": "Longest wait",
        "plan.kpi.response_time": "Response time",
        "plan.kpi.waiting_list": "Waiting list",
        "plan.kpi.nv_aht": "Non-voice AHT",
        "plan.kpi.aux_over_limit": "AUX over its limit",
        "plan.kpi.aux_over_allowance": "AUX over the shift allowance",
        "plan.kpi.late_login": "Late login",
        "plan.kpi.absent": "Absent (no-show)",
        "plan.kpi.early_out": "Early out",
        "plan.kpi.not_rostered": "Logged in, not rostered",
        "plan.kpi.adherence": "Schedule adherence",
        "plan.kpi.agent": "Agent follow-up",
        # validation (validate_plan's messages, and the form's own)
        "plan.err.tl_shift": "choose the TL shift",
        "plan.err.interval_start": "interval start is required (with its timezone)",
        "plan.err.created_at": "filing time must carry a timezone",
        "plan.err.kpi": "KPI or indicator is required",
        "plan.err.scope": "queue or channel is required (use 'all' for the whole site)",
        "plan.err.root_cause": "choose a root cause category",
        "plan.err.analysis": "root cause analysis is required",
        "plan.err.tl_name": "TL name is required",
        "plan.err.actions": "add at least one action",
        "plan.err.action_what": "say what will be done",
        "plan.err.action_pic": "a person in charge (PIC) is required",
        "plan.err.action_due": "a due time is required",
        "plan.err.due_after_start": "due time must be after the interval start",
        "plan.err.number": "must be a number",
        "plan.err.due_required": "a due time is required (HH:MM)",
        "plan.err.due_format": "use HH:MM",
        "plan.err.due_past": "due time is already past: give a later time",
        "date.months": "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec",
        "count.offered": "Offered",
        "count.answered": "Answered",
        "count.abandoned": "Abandoned",
        "count.short_abandoned": "Short abandons",
        "count.answered_within_sl": "Answered in SL",
        "count.handle_seconds": "Handle time",
        "count.talk_seconds": "Talk time",
        "count.hold_seconds": "Hold time",
        "count.acw_seconds": "ACW time",
        "count.answer_wait_seconds": "Wait time",
        "count.received": "Received",
        "count.responded": "Responded",
        "count.first_response_seconds": "First response time",
        "count.handled": "Handled",
        "count.aux_used_seconds": "AUX used",
        "count.aux_allowance_seconds": "AUX allowance",
        "count.in_aux_seconds": "In AUX now",
        "count.late_seconds": "Late by",
    },
)
register(
    "id",
    {
        "plan.title": "Recovery plan",
        "plan.ctx.kpi": "KPI",
        "plan.ctx.scope": "Cakupan",
        "plan.ctx.target": "Target",
        "plan.ctx.actual": "Aktual",
        "plan.ctx.counts": "Angka",
        "plan.ctx.interval": "Interval",
        "plan.ctx.below_slg": "di bawah SLG",
        "plan.ctx.below_sla": "di bawah SLA",
        "plan.ctx.over_slg": "di atas SLG",
        "plan.ctx.over_sla": "di atas SLA",
        "plan.period.interval": "interval",
        "plan.period.today": "hari ini",
        "plan.period.shift": "shift TL sejauh ini",
        "plan.period.now": "kini",
        "plan.kpi_label": "KPI atau indikator",
        "plan.kpi_placeholder": "mis. scr, abandon, aht",
        "plan.root_cause": "Akar masalah",
        "plan.root_cause_suggested": "Akar masalah (saran: {hint})",
        "plan.root_cause_prompt": "Pilih kategori",
        "plan.analysis": "Analisis",
        "plan.analysis_placeholder": "Mengapa target tidak tercapai?",
        "plan.suggestions": "Saran (enter: jadikan tindakan)",
        "plan.actions": "Tindakan (apa / PIC / tenggat JJ:MM)  ctrl+n tambah, ctrl+r hapus",
        "plan.action_what": "Apa yang akan dilakukan",
        "plan.action_pic": "PIC",
        "plan.due_placeholder": "JJ:MM",
        "plan.tl_shift": "Shift TL",
        "plan.tl_shift_prompt": "Pilih shift TL",
        "plan.tl_name": "Nama TL",
        "plan.tl_name_placeholder": "Team Leader",
        "plan.note": "Catatan",
        "plan.suggestion_added": "Saran ditambahkan sebagai tindakan; isi PIC-nya",
        "plan.remove_where": "Pindah ke sebuah tindakan dulu (tab), lalu ctrl+r",
        "plan.not_saved": "Tidak tersimpan: {error}",
        "plan.not_saved_toast": "Recovery plan tidak tersimpan: {error}",
        "plan.saved": "Recovery plan #{id} tersimpan",
        "plan.discard_question": "Buang recovery plan ini? Isian yang diketik akan hilang.",
        "plan.discard_keys": "y = buang   n / escape = lanjut mengisi",
        "key.plan_save": "Simpan",
        "key.plan_add_action": "Tambah tindakan",
        "key.plan_remove_action": "Hapus tindakan",
        "key.plan_close": "Tutup",
        "key.plan_discard": "Buang",
        "key.plan_keep": "Lanjut mengisi",
        "key.plan_use_suggestion": "Jadikan tindakan",
        "plan.shift.pagi": "Pagi",
        "plan.shift.siang": "Siang",
        "plan.cause.volume_spike": "Lonjakan volume",
        "plan.cause.understaffing": "Absensi / kurang agen",
        "plan.cause.excess_aux": "AUX berlebih",
        "plan.cause.long_aht": "AHT panjang",
        "plan.cause.system": "Sistem / teknis",
        "plan.cause.other": "Lainnya",
        "plan.status.open": "Terbuka",
        "plan.status.in_progress": "Dikerjakan",
        "plan.status.done": "Selesai",
        "plan.status.verified": "Terverifikasi",
        "plan.kpi.scr": "SCR",
        "plan.kpi.abandon": "Tingkat abandon",
        "plan.kpi.service_level": "Service level",
        "plan.kpi.aht": "AHT",
        "plan.kpi.asa": "ASA",
        "plan.kpi.calls_waiting": "Panggilan antre",
        "plan.kpi.longest_wait": "Tunggu terlama",
        "plan.kpi.response_time": "Waktu respons",
        "plan.kpi.waiting_list": "Daftar antre",
        "plan.kpi.nv_aht": "AHT non-voice",
        "plan.kpi.aux_over_limit": "AUX melewati batas",
        "plan.kpi.aux_over_allowance": "AUX melewati jatah shift",
        "plan.kpi.late_login": "Login terlambat",
        "plan.kpi.absent": "Tidak hadir (no-show)",
        "plan.kpi.early_out": "Pulang cepat",
        "plan.kpi.not_rostered": "Login tanpa jadwal",
        "plan.kpi.adherence": "Kepatuhan jadwal",
        "plan.kpi.agent": "Tindak lanjut agen",
        "plan.err.tl_shift": "pilih shift TL",
        "plan.err.interval_start": "awal interval wajib diisi (dengan zona waktunya)",
        "plan.err.created_at": "waktu pengisian harus memiliki zona waktu",
        "plan.err.kpi": "KPI atau indikator wajib diisi",
        "plan.err.scope": "antrean atau kanal wajib diisi (pakai 'all' untuk seluruh site)",
        "plan.err.root_cause": "pilih kategori akar masalah",
        "plan.err.analysis": "analisis akar masalah wajib diisi",
        "plan.err.tl_name": "nama TL wajib diisi",
        "plan.err.actions": "tambahkan minimal satu tindakan",
        "plan.err.action_what": "tulis apa yang akan dilakukan",
        "plan.err.action_pic": "penanggung jawab (PIC) wajib diisi",
        "plan.err.action_due": "tenggat wajib diisi",
        "plan.err.due_after_start": "tenggat harus setelah awal interval",
        "plan.err.number": "harus berupa angka",
        "plan.err.due_required": "tenggat wajib diisi (JJ:MM)",
        "plan.err.due_format": "pakai JJ:MM",
        "plan.err.due_past": "tenggat sudah lewat: isi waktu yang lebih lambat",
        "date.months": "Jan Feb Mar Apr Mei Jun Jul Agu Sep Okt Nov Des",
        "count.offered": "Masuk",
        "count.answered": "Dijawab",
        "count.abandoned": "Abandon",
        "count.short_abandoned": "Abandon singkat",
        "count.answered_within_sl": "Dijawab dalam SL",
        "count.handle_seconds": "Waktu tangani",
        "count.talk_seconds": "Waktu bicara",
        "count.hold_seconds": "Waktu hold",
        "count.acw_seconds": "Waktu ACW",
        "count.answer_wait_seconds": "Waktu tunggu",
        "count.received": "Diterima",
        "count.responded": "Direspons",
        "count.first_response_seconds": "Waktu respons pertama",
        "count.handled": "Ditangani",
        "count.aux_used_seconds": "AUX terpakai",
        "count.aux_allowance_seconds": "Jatah AUX",
        "count.in_aux_seconds": "Di AUX kini",
        "count.late_seconds": "Terlambat",
    },
)


# validate_plan's messages (English, the domain has no i18n) -> catalog keys. A message
# not listed here (a new rule in the domain) is shown as it is, in English.
_VALIDATION_KEYS = {
    "choose the TL shift": "plan.err.tl_shift",
    "interval start is required (with its timezone)": "plan.err.interval_start",
    "filing time must carry a timezone": "plan.err.created_at",
    "KPI or indicator is required": "plan.err.kpi",
    "queue or channel is required (use 'all' for the whole site)": "plan.err.scope",
    "choose a root cause category": "plan.err.root_cause",
    "root cause analysis is required": "plan.err.analysis",
    "TL name is required": "plan.err.tl_name",
    "add at least one action": "plan.err.actions",
    "say what will be done": "plan.err.action_what",
    "a person in charge (PIC) is required": "plan.err.action_pic",
    "a due time is required": "plan.err.action_due",
    "due time must be after the interval start": "plan.err.due_after_start",
    "must be a number": "plan.err.number",
    "due time is already past: give a later time": "plan.err.due_past",
}


def error_text(message: str) -> str:
    """A validation message of the domain in the UI language."""
    key = _VALIDATION_KEYS.get(message)
    return t(key) if key else message


def count_text(name: str) -> str:
    """A raw count's name in the UI language (unknown names as the domain labels them)."""
    key = f"count.{name}"
    text = t(key)
    return count_label(name) if text == key else text


def counts_text(counts: Mapping[str, float]) -> str:
    """Counts in the screen's units with labels: "Offered 50 · Handle time 3:20:00"."""
    return fmt_counts(counts, count_text)


def when_text(moment: datetime | None, tz: tzinfo, day: date | None = None) -> str:
    """"08:00" on `day`, else "25 Nov 08:00" (month names in the UI language)."""
    return fmt_when(moment, tz, day, tuple(t("date.months").split()))


def scope_text(plan: RecoveryPlan, team: bool = True) -> str:
    """Who or what the plan is about as the TL reads it: the agent's or queue's name
    (and the team, when there is room), the stored id only when no name was kept."""
    label = plan.scope_label or plan.scope
    return f"{label} · {plan.team}" if team and plan.team else label


def shift_label(shift: str) -> str:
    """pagi/siang have catalog labels; a site's own shift names show as written."""
    return t(f"plan.shift.{shift}") if shift in TL_SHIFTS else shift


def cause_label(cause: object) -> str:
    if cause in set(RootCause):
        return t(f"plan.cause.{cause}")
    return ROOT_CAUSE_LABELS.get(cause, str(cause))  # type: ignore[call-overload]


def status_label(status: object) -> str:
    if status in set(PlanStatus):
        return t(f"plan.status.{status}")
    return STATUS_LABELS.get(status, str(status))  # type: ignore[call-overload]


def kpi_text(kpi: str) -> str:
    """A KPI or agent indicator for the TL; unknown ids as the domain names them."""
    key = f"plan.kpi.{kpi}"
    text = t(key)
    return kpi_label(kpi) if text == key else text


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
        width: 56; height: auto; padding: 1 2;
        border: thick $warning; background: $surface;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        translate_screen_bindings(self)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(t("plan.discard_question"), markup=False)
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
            yield Input(what, placeholder=t("plan.action_what"), classes="action-what")
            yield Static("", classes="field-error -empty", id=f"err-action-{self.number}-what")
        with Vertical(classes="pic"):
            yield Input(pic, placeholder=t("plan.action_pic"), classes="action-pic")
            yield Static("", classes="field-error -empty", id=f"err-action-{self.number}-pic")
        with Vertical(classes="due"):
            yield Input(
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
    line("scope", draft.scope_label or draft.scope)
    targets = []
    if draft.sla is not None:
        targets.append(f"SLA {draft.value_text(draft.sla)}")
    if draft.slg is not None:
        targets.append(f"SLG {draft.value_text(draft.slg)}")
    line("target", "  ".join(targets) or "—")
    way = "over" if draft.kpi in AGENT_INDICATORS or draft.direction is Direction.LOWER else "below"
    level = {"breach": "slg", "warning": "sla"}.get(str(draft.status))
    status = f"  {t(f'plan.ctx.{way}_{level}')}" if level else ""
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
    RecoveryPlanForm .due-date { color: $warning; height: auto; }
    """

    def __init__(
        self,
        draft: PlanDraft,
        store: PlanStore,
        tz: tzinfo,
        tl_shifts: Sequence[str] = TL_SHIFTS,
    ) -> None:
        super().__init__()
        translate_screen_bindings(self)
        self.draft = draft
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
                    yield Input(placeholder=t("plan.kpi_placeholder"), id="kpi")
                    yield Static("", classes="field-error -empty", id="err-kpi")
                hint = cause_label(d.root_cause_hint) if d.root_cause_hint else None
                root_title = (
                    t("plan.root_cause_suggested", hint=hint) if hint else t("plan.root_cause")
                )
                yield Label(Text(root_title), classes="section")
                yield Select(
                    [(cause_label(c), c) for c in RootCause],
                    prompt=t("plan.root_cause_prompt"),
                    id="root_cause",
                )
                yield Static("", classes="field-error -empty", id="err-root_cause")
                yield Label(t("plan.analysis"), classes="section", markup=False)
                yield TextArea(id="analysis", placeholder=t("plan.analysis_placeholder"))
                yield Static("", classes="field-error -empty", id="err-analysis")
                if d.suggestions:
                    yield Label(t("plan.suggestions"), classes="section", markup=False)
                    yield SuggestionList(
                        *(Option(Text(s), id=f"s{i}") for i, s in enumerate(d.suggestions)),
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
                        yield Label(t("plan.tl_name"), classes="section", markup=False)
                        yield Input(
                            d.tl_name, id="tl_name", placeholder=t("plan.tl_name_placeholder")
                        )
                        yield Static("", classes="field-error -empty", id="err-tl_name")
                yield Label(t("plan.note"), classes="section", markup=False)
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
        self._show_due_date(row)
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
