"""Recovery plan exports: CSV (one row per plan and action, for spreadsheets and audits),
Markdown and XLSX (a printable Form Recovery Plan per plan, with its actions and history).

Times are shown in the site timezone. Text typed by people is data: Markdown special
characters are escaped, and text that a spreadsheet would run as a formula (=, +, -, @)
is kept as text (a leading apostrophe in CSV, a string cell in XLSX).
"""

from __future__ import annotations

import csv
import json
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import Any, TextIO

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from rtm_tui.domain.format import fmt_counts, fmt_duration, fmt_kpi, fmt_percent, fmt_when
from rtm_tui.domain.plan_draft import AGENT_INDICATORS, kpi_label
from rtm_tui.domain.plans import (
    ROOT_CAUSE_LABELS,
    STATUS_LABELS,
    PlanChange,
    PlanStatus,
    RecoveryPlan,
    RootCause,
    is_overdue,
    plan_due,
)
from rtm_tui.store import Store


@dataclass(frozen=True, slots=True)
class PlanExport:
    plan: RecoveryPlan
    history: Sequence[PlanChange]


def load_exports(
    store: Store, since: date | None = None, until: date | None = None
) -> list[PlanExport]:
    plans = store.list_plans(since=since, until=until)
    return [PlanExport(p, store.plan_history(p.id)) for p in plans if p.id is not None]


# ---------------------------------------------------------------------- formatting


def replace_atomically(path: Path, write: Callable[[Path], Any]) -> None:
    """`write(tmp)` beside `path`, then rename over it: a failed write never leaves half
    a file where the user expects a whole one, and removes its temp file on any failure
    (a write that fails, a rename refused, an interrupt)."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        write(tmp)
        tmp.replace(path)
    except BaseException:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass  # e.g. a directory of that name: the original error is the one to report
        raise


def write_text_output(text: str, output: Path | None) -> None:
    """To stdout, or atomically to `output`."""
    if output is None:
        sys.stdout.write(text)
    else:
        replace_atomically(output, lambda tmp: tmp.write_text(text, encoding="utf-8", newline=""))


def _local(value: datetime | None, tz: tzinfo, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return "" if value is None else value.astimezone(tz).strftime(fmt)


def fmt_value(kpi: str, value: float | None) -> str:
    """A KPI or agent-indicator value in its unit (agent indicators are seconds or %)."""
    if kpi in AGENT_INDICATORS:
        return fmt_percent(value) if kpi == "adherence" else fmt_duration(value)
    return fmt_kpi(kpi, value)


def status_text(plan: RecoveryPlan, now: datetime) -> str:
    text = STATUS_LABELS[plan.status]
    if plan.status is PlanStatus.VERIFIED and plan.verified_achieved is not None:
        text += " (achieved)" if plan.verified_achieved else " (not achieved)"
    elif is_overdue(plan, now):
        text += " (overdue)"
    return text


def counts_text(counts: dict[str, float] | Any) -> str:
    """Counts in the screen's units with labels ("Offered 80 · Handle time 1:02:03")."""
    return fmt_counts(dict(counts))


def scope_text(p: RecoveryPlan, team: bool = True) -> str:
    """The agent's or queue's name (and team), the stored id only when no name was kept."""
    label = p.scope_label or p.scope
    return f"{label} · {p.team}" if team and p.team else label


_VERDICTS = {"achieved": "Achieved", "not_achieved": "Not achieved", "override": "Override"}


_FIELD_LABELS = {
    "created": "Filed",
    "status": "Status",
    "date": "Date",
    "tl_shift": "TL shift",
    "interval_start": "Interval",
    "kpi": "KPI / indicator",
    "scope": "Queue / channel",
    "sla": "SLA",
    "slg": "SLG",
    "actual": "Actual",
    "counts": "Counts",
    "suggested_actions": "Suggested actions",
    "root_cause": "Root cause",
    "analysis": "Analysis",
    "tl_name": "TL name",
    "note": "Note",
    "verified_value": "Value at verification",
    "verified_achieved": "Result",
    "verified_period": "Period verified",
    "verified_read_at": "Value read at",
    "verified_counts": "Counts at verification",
    "verified_note": "Verification note",
    "verified_reason": "Override reason",
    "scope_label": "Agent / queue name",
    "team": "Team",
    "period": "Period",
    "direction": "Better when",
}
_ACTION_ATTRS = {"what": "what", "pic": "PIC", "due": "due"}


def field_label(name: str) -> str:
    if m := re.fullmatch(r"actions\.(\d+)(?:\.(\w+))?", name):
        label = f"Action {int(m[1]) + 1}"
        return f"{label} {_ACTION_ATTRS.get(m[2], m[2])}" if m[2] else label
    return _FIELD_LABELS.get(name, name)


_VALUE_FIELDS = frozenset({"sla", "slg", "actual", "verified_value"})


def change_value(name: str, value: str | None, tz: tzinfo, kpi: str = "") -> str:
    """A history value as the form shows it (labels, local times, KPI units)."""
    if value is None:
        return ""
    try:
        if name in _VALUE_FIELDS:
            return "No data" if value == "no data" else fmt_value(kpi, float(value))
        if name == "verified_achieved":
            return _VERDICTS.get(value, value.capitalize())
        if name in ("counts", "verified_counts"):
            return counts_text(json.loads(value))
        if name == "verified_read_at":
            return _local(datetime.fromisoformat(value), tz)
        if name in ("status", "created"):
            return STATUS_LABELS[PlanStatus(value)]
        if name == "root_cause":
            return ROOT_CAUSE_LABELS[RootCause(value)]
        if name == "interval_start" or name.endswith(".due"):
            return _local(datetime.fromisoformat(value), tz)
        if re.fullmatch(r"actions\.\d+", name):
            what, pic, due = value.rsplit(" | ", 2)
            return f"{what} | {pic} | {_local(datetime.fromisoformat(due), tz)}"
    except (ValueError, KeyError):
        pass  # shown as stored
    return value


# ---------------------------------------------------------------------- CSV

CSV_COLUMNS = (
    "plan_id",
    "status",
    "overdue",
    "date",
    "tl_shift",
    "interval_start",
    "kpi",
    "scope",
    "scope_name",
    "team",
    "period",
    "sla",
    "slg",
    "actual",
    "counts",
    "root_cause",
    "analysis",
    "suggested_actions",
    "tl_name",
    "note",
    "created_at",
    "updated_at",
    "due_at",
    "verified_value",
    "verified_achieved",
    "verified_at",
    "verified_period",
    "verified_read_at",
    "verified_by",
    "verified_note",
    "verified_reason",
    "action_no",
    "action_what",
    "action_pic",
    "action_due",
)

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe_text(value: str) -> str:
    """Keep spreadsheet apps from running typed text as a formula (OWASP CSV injection)."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def _iso(value: datetime | None, tz: tzinfo) -> str:
    return "" if value is None else value.astimezone(tz).isoformat()


def _value(kpi: str, value: float | None) -> str:
    """A KPI value in the screen's units ("13.0 %", "6:50"); empty when there is none."""
    return "" if value is None else fmt_value(kpi, value)


def write_csv(items: Iterable[PlanExport], out: TextIO, tz: tzinfo, now: datetime) -> int:
    """One row per plan and action (a plan without actions still gets one row).
    Returns the number of rows written, header excluded."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    rows = 0
    for item in items:
        p = item.plan
        base = [
            p.id,
            str(p.status),
            "yes" if is_overdue(p, now) else "no",
            p.date.isoformat(),
            p.tl_shift,
            _iso(p.interval_start, tz),
            _safe_text(p.kpi),
            _safe_text(p.scope),
            _safe_text(p.scope_label),
            _safe_text(p.team),
            p.period,
            _value(p.kpi, p.sla),
            _value(p.kpi, p.slg),
            _value(p.kpi, p.actual),
            counts_text(p.counts) if p.counts else "",
            str(p.root_cause),
            _safe_text(p.analysis),
            _safe_text(" / ".join(p.suggested_actions)),
            _safe_text(p.tl_name),
            _safe_text(p.note),
            _iso(p.created_at, tz),
            _iso(p.updated_at, tz),
            _iso(plan_due(p), tz),
            _value(p.kpi, p.verified_value),
            "" if p.verified_achieved is None else ("yes" if p.verified_achieved else "no"),
            _iso(p.verified_at, tz),
            p.verified_period or "",
            _iso(p.verified_read_at, tz),
            _safe_text(p.verified_by),
            _safe_text(p.verified_note),
            _safe_text(p.verified_reason),
        ]
        for no, action in enumerate(p.actions or (None,), start=1):
            if action is None:
                writer.writerow([*base, "", "", "", ""])
            else:
                writer.writerow(
                    [
                        *base,
                        no,
                        _safe_text(action.what),
                        _safe_text(action.pic),
                        _iso(action.due, tz),
                    ]
                )
            rows += 1
    return rows


# ---------------------------------------------------------------------- Markdown

_MD_INLINE = re.compile(r"([\\`*_\[\]<>|~])")
_MD_LINE_START = re.compile(r"^(\s*)([#+\-=>])")
_MD_ORDERED = re.compile(r"^(\s*\d+)([.)])(?=\s|$)")


def _md_line(line: str) -> str:
    line = _MD_INLINE.sub(r"\\\1", line)
    line = _MD_LINE_START.sub(r"\1\\\2", line)
    return _MD_ORDERED.sub(r"\1\\\2", line)


def md(text: str) -> str:
    """Escape Markdown so typed text prints literally (one line, safe in a table cell)."""
    return "<br>".join(_md_line(line) for line in str(text).splitlines())


def md_block(text: str) -> str:
    """Escaped multi-line text as a paragraph with its line breaks kept."""
    lines = [_md_line(line) for line in str(text).splitlines()]
    return "  \n".join(lines) if lines else "—"


def _form_fields(p: RecoveryPlan, tz: tzinfo, now: datetime) -> list[tuple[str, str]]:
    return [
        ("Date", p.date.isoformat()),
        ("TL shift", p.tl_shift.capitalize()),
        ("Interval", _local(p.interval_start, tz)),
        ("KPI / indicator", f"{kpi_label(p.kpi)} ({p.kpi})"),
        ("Agent / queue", scope_text(p)),
        ("SLA", fmt_value(p.kpi, p.sla)),
        ("SLG", fmt_value(p.kpi, p.slg)),
        ("Actual when filed", f"{fmt_value(p.kpi, p.actual)} ({p.period})"),
        ("Counts when filed", counts_text(p.counts)),
        ("TL name", p.tl_name),
        ("Filed at", _local(p.created_at, tz)),
        ("Due", fmt_when(plan_due(p), tz, p.date)),
        ("Status", status_text(p, now)),
    ]


def _verification(p: RecoveryPlan, tz: tzinfo) -> list[tuple[str, str]]:
    result = (
        "—"
        if p.verified_achieved is None
        else ("Achieved" if p.verified_achieved else "Not achieved")
    )
    if p.verified_reason:
        result += f" (override: {p.verified_reason})"
    verified = fmt_value(p.kpi, p.verified_value)
    if p.verified_period:
        no_data = "no data" if p.verified_value is None else verified
        verified = f"{no_data} ({p.verified_period}, read {_local(p.verified_read_at, tz)})"
    rows = [
        ("Value when filed", f"{fmt_value(p.kpi, p.actual)} ({p.period})"),
        ("Value at verification", verified),
    ]
    if p.verified_counts:
        rows.append(("Counts at verification", counts_text(p.verified_counts)))
    return [
        *rows,
        ("Result", result),
        ("Verification note", p.verified_note or "—"),
        ("Verified by", p.verified_by or "—"),
        ("Verified at", _local(p.verified_at, tz) or "—"),
    ]


def render_markdown(items: Sequence[PlanExport], tz: tzinfo, site: str, now: datetime) -> str:
    out: list[str] = []
    zone = getattr(tz, "key", str(tz))
    if not items:
        return f"# Form Recovery Plan\n\n{md(site)}: no recovery plans in this period.\n"
    for n, item in enumerate(items):
        p = item.plan
        if n:
            out += ["", "---", ""]
        out += [
            f"# Form Recovery Plan #{p.id}",
            "",
            f"{md(site)} · printed {_local(now, tz)} · times in {md(zone)}",
            "",
            "| Field | Value |",
            "|---|---|",
            *(f"| {label} | {md(value)} |" for label, value in _form_fields(p, tz, now)),
            "",
            "## Root cause",
            "",
            f"**Category:** {md(ROOT_CAUSE_LABELS[p.root_cause])}",
            "",
            md_block(p.analysis),
            "",
        ]
        if p.suggested_actions:
            out += ["## Suggested by rtm", "", *(f"- {md(s)}" for s in p.suggested_actions), ""]
        out += ["## Actions", "", "| # | What | PIC | Due |", "|---|---|---|---|"]
        out += [
            f"| {i} | {md(a.what)} | {md(a.pic)} | {_local(a.due, tz)} |"
            for i, a in enumerate(p.actions, start=1)
        ]
        out += ["", "## Verification", "", "| | |", "|---|---|"]
        out += [f"| {label} | {md(value)} |" for label, value in _verification(p, tz)]
        out += ["", "## Note", "", md_block(p.note) if p.note.strip() else "—", ""]
        out += ["## History", "", "| When | Who | Change | Old | New |", "|---|---|---|---|---|"]
        out += [
            f"| {_local(h.at, tz)} | {md(h.who)} | {md(field_label(h.field))} "
            f"| {md(change_value(h.field, h.old, tz, p.kpi))} "
            f"| {md(change_value(h.field, h.new, tz, p.kpi))} |"
            for h in item.history
        ]
        out += [
            "",
            "TL signature: ______________________ Supervisor signature: ______________________",
        ]
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------- XLSX

SUMMARY_COLUMNS = (
    ("Plan", 7),
    ("Date", 11),
    ("Shift", 7),
    ("Interval", 9),
    ("KPI", 18),
    ("Agent / queue", 22),
    ("SLA", 9),
    ("SLG", 9),
    ("Actual", 9),
    ("Root cause", 22),
    ("TL", 16),
    ("Due", 17),
    ("Status", 22),
    ("Verified value", 10),
)


_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=14)
_HEADING = Font(bold=True, size=12)
_HEAD_FILL = PatternFill("solid", fgColor="DDDDDD")
_WRAP = Alignment(wrap_text=True, vertical="top")
_THIN = Side(style="thin", color="999999")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def _xlsx_text(value: Any) -> Any:
    # control characters are not allowed in XLSX text
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def _put(ws: Any, row: int, col: int, value: Any, **style: Any) -> Any:
    cell = ws.cell(row=row, column=col, value=_xlsx_text(value))
    if isinstance(value, str) and cell.data_type == "f":
        cell.data_type = "s"  # typed text starting with "=" is not a formula
    for name, v in style.items():
        setattr(cell, name, v)
    return cell


def first_sheet(wb: Workbook) -> Worksheet:
    """The one sheet of a new workbook (openpyxl's `active` may be None or a chart sheet)."""
    ws = wb.active
    assert isinstance(ws, Worksheet)
    return ws


def write_xlsx(
    items: Sequence[PlanExport], path: Path, tz: tzinfo, site: str, now: datetime
) -> None:
    wb = Workbook()
    summary = first_sheet(wb)
    summary.title = "Summary"
    _put(summary, 1, 1, f"Recovery plans — {site}", font=_TITLE)
    _put(summary, 2, 1, f"printed {_local(now, tz)}, times in {getattr(tz, 'key', tz)}")
    for col, (name, width) in enumerate(SUMMARY_COLUMNS, start=1):
        _put(summary, 4, col, name, font=_BOLD, fill=_HEAD_FILL, border=_BOX)
        summary.column_dimensions[get_column_letter(col)].width = width
    for r, item in enumerate(items, start=5):
        p = item.plan
        values = (
            p.id,
            p.date,
            p.tl_shift,
            _local(p.interval_start, tz, "%H:%M"),
            kpi_label(p.kpi),
            scope_text(p),
            fmt_value(p.kpi, p.sla),
            fmt_value(p.kpi, p.slg),
            fmt_value(p.kpi, p.actual),
            ROOT_CAUSE_LABELS[p.root_cause],
            p.tl_name,
            _local(plan_due(p), tz),
            status_text(p, now),
            fmt_value(p.kpi, p.verified_value) if p.verified_value is not None else "",
        )
        for col, value in enumerate(values, start=1):
            cell = _put(summary, r, col, value, border=_BOX, alignment=_WRAP)
            if isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
    summary.freeze_panes = "A5"
    _page_setup(summary, landscape=True)

    for item in items:
        _plan_sheet(wb, item, tz, site, now)

    replace_atomically(path, wb.save)


def _page_setup(ws: Any, landscape: bool = False) -> None:
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _plan_sheet(wb: Any, item: PlanExport, tz: tzinfo, site: str, now: datetime) -> None:
    p = item.plan
    ws = wb.create_sheet(f"Plan {p.id}")
    for letter, width in zip("ABCDE", (24, 40, 18, 18, 30), strict=True):
        ws.column_dimensions[letter].width = width

    def merged_row(r: int, label: str, value: Any) -> None:
        _put(ws, r, 1, label, font=_BOLD, fill=_HEAD_FILL, border=_BOX, alignment=_WRAP)
        _put(ws, r, 2, value, border=_BOX, alignment=_WRAP)
        ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=5)

    def heading(r: int, text: str) -> None:
        _put(ws, r, 1, text, font=_HEADING)

    _put(ws, 1, 1, f"FORM RECOVERY PLAN #{p.id}", font=_TITLE)
    _put(ws, 2, 1, f"{site} · printed {_local(now, tz)} · times in {getattr(tz, 'key', tz)}")
    r = 4
    for label, value in _form_fields(p, tz, now):
        merged_row(r, label, value)
        r += 1
    r += 1
    heading(r, "Root cause")
    r += 1
    merged_row(r, "Category", ROOT_CAUSE_LABELS[p.root_cause])
    r += 1
    merged_row(r, "Analysis", p.analysis)
    r += 1
    if p.suggested_actions:
        merged_row(r, "Suggested by rtm", "\n".join(p.suggested_actions))
        r += 1
    r += 1
    heading(r, "Actions")
    r += 1
    for col, name in enumerate(("#", "What", "PIC", "Due"), start=1):
        _put(ws, r, col, name, font=_BOLD, fill=_HEAD_FILL, border=_BOX)
    r += 1
    for i, a in enumerate(p.actions, start=1):
        for col, cell_value in enumerate((i, a.what, a.pic, _local(a.due, tz)), start=1):
            _put(ws, r, col, cell_value, border=_BOX, alignment=_WRAP)
        r += 1
    r += 1
    heading(r, "Verification")
    r += 1
    for label, value in _verification(p, tz):
        merged_row(r, label, value)
        r += 1
    r += 1
    merged_row(r, "Note", p.note or "—")
    r += 2
    heading(r, "History")
    r += 1
    for col, name in enumerate(("When", "Who", "Change", "Old", "New"), start=1):
        _put(ws, r, col, name, font=_BOLD, fill=_HEAD_FILL, border=_BOX)
    r += 1
    for h in item.history:
        values = (
            _local(h.at, tz),
            h.who,
            field_label(h.field),
            change_value(h.field, h.old, tz, p.kpi),
            change_value(h.field, h.new, tz, p.kpi),
        )
        for col, value in enumerate(values, start=1):
            _put(ws, r, col, value, border=_BOX, alignment=_WRAP)
        r += 1
    r += 2
    _put(ws, r, 1, "TL signature:", font=_BOLD)
    _put(ws, r, 3, "Supervisor signature:", font=_BOLD)
    ws.print_area = f"A1:E{r + 1}"
    _page_setup(ws)
