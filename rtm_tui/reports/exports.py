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

from rtm_tui.domain.plan_draft import format_value as fmt_value
from rtm_tui.domain.plans import (
    ActionStatus,
    NoteKind,
    PlanAction,
    PlanChange,
    PlanNote,
    PlanStatus,
    RecoveryPlan,
    RootCause,
    is_overdue,
    plan_due,
)
from rtm_tui.i18n import t
from rtm_tui.i18n.plans import (
    action_status_label,
    cause_label,
    field_label,
    kpi_text,
    period_text,
    scope_text,
    shift_label,
    status_label,
    when_text,
)
from rtm_tui.i18n.plans import counts_text as _counts_text
from rtm_tui.store import Store


@dataclass(frozen=True, slots=True)
class PlanExport:
    plan: RecoveryPlan
    history: Sequence[PlanChange]
    notes: Sequence[PlanNote] = ()


def load_exports(
    store: Store, since: date | None = None, until: date | None = None
) -> list[PlanExport]:
    plans = store.list_plans(since=since, until=until)
    return [
        PlanExport(p, store.plan_history(p.id), store.plan_notes(p.id))
        for p in plans
        if p.id is not None
    ]


def L(key: str, **fields: object) -> str:  # noqa: N802 - a label of the printed record
    """A label of the printed record in the site's language (`[site] language`)."""
    return t(f"rp.{key}", **fields)


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


def status_text(plan: RecoveryPlan, now: datetime) -> str:
    text = status_label(plan.status)
    if plan.status is PlanStatus.VERIFIED and plan.verified_achieved is not None:
        text += f" ({L('achieved') if plan.verified_achieved else L('not_achieved')})"
    elif is_overdue(plan, now):
        text += f" ({L('overdue')})"
    return text


def counts_text(counts: dict[str, float] | Any) -> str:
    """Counts in the screen's units with labels ("Offered 80 · Handle time 1:02:03")."""
    return _counts_text(dict(counts))


_VALUE_FIELDS = frozenset({"sla", "slg", "actual", "verified_value"})


_VERDICTS = frozenset({"achieved", "not_achieved", "override"})


def change_value(name: str, value: str | None, tz: tzinfo, kpi: str = "") -> str:
    """A history value as the form shows it (labels, local times, KPI units)."""
    if value is None:
        return ""
    try:
        if name in _VALUE_FIELDS:
            return L("no_data") if value == "no data" else fmt_value(kpi, float(value))
        if name == "verified_achieved":
            verdict = value.replace(" ", "_")
            return L(f"verdict.{verdict}") if verdict in _VERDICTS else value
        if name in ("counts", "verified_counts"):
            return counts_text(json.loads(value))
        if name == "verified_read_at":
            return _local(datetime.fromisoformat(value), tz)
        if name in ("status", "created"):
            return status_label(PlanStatus(value))
        if name == "root_cause":
            return cause_label(RootCause(value))
        if name in ("period", "verified_period"):
            return period_text(value)
        if re.fullmatch(r"actions\.\d+\.status", name):
            return action_status_label(ActionStatus(value))
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
    "action_status",
    "action_result",
)


def csv_header() -> tuple[str, ...]:
    """The CSV's column names in the site's language (English: the names above)."""
    return tuple(L(f"csv.{name}") for name in CSV_COLUMNS)

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
    writer.writerow(csv_header())
    yes, no_ = L("yes"), L("no")
    rows = 0
    for item in items:
        p = item.plan
        base = [
            p.id,
            str(p.status),
            yes if is_overdue(p, now) else no_,
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
            "" if p.verified_achieved is None else (yes if p.verified_achieved else no_),
            _iso(p.verified_at, tz),
            p.verified_period or "",
            _iso(p.verified_read_at, tz),
            _safe_text(p.verified_by),
            _safe_text(p.verified_note),
            _safe_text(p.verified_reason),
        ]
        for no, action in enumerate(p.actions or (None,), start=1):
            if action is None:
                writer.writerow([*base, "", "", "", "", "", ""])
            else:
                writer.writerow(
                    [
                        *base,
                        no,
                        _safe_text(action.what),
                        _safe_text(action.pic),
                        _iso(action.due, tz),
                        str(action.status),
                        _safe_text(action.result),
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
        (L("f.date"), p.date.isoformat()),
        (L("f.tl_shift"), shift_label(p.tl_shift)),
        (L("f.interval"), _local(p.interval_start, tz)),
        (L("f.kpi"), f"{kpi_text(p.kpi)} ({p.kpi})"),
        (L("f.scope"), scope_text(p)),
        ("SLA", fmt_value(p.kpi, p.sla)),
        ("SLG", fmt_value(p.kpi, p.slg)),
        (L("f.actual"), f"{fmt_value(p.kpi, p.actual)} ({period_text(p.period)})"),
        (L("f.counts"), counts_text(p.counts)),
        (L("f.tl_name"), p.tl_name),
        (L("f.filed_at"), _local(p.created_at, tz)),
        (L("f.due"), when_text(plan_due(p), tz, p.date)),
        (L("f.status"), status_text(p, now)),
    ]


def _verification(p: RecoveryPlan, tz: tzinfo) -> list[tuple[str, str]]:
    result = (
        "—"
        if p.verified_achieved is None
        else (L("verdict.achieved") if p.verified_achieved else L("verdict.not_achieved"))
    )
    if p.verified_reason:
        result += f" ({L('override', reason=p.verified_reason)})"
    verified = fmt_value(p.kpi, p.verified_value)
    if p.verified_period:
        no_data = L("v.no_data") if p.verified_value is None else verified
        period = period_text(p.verified_period)
        verified = f"{no_data} ({period}, {L('read_at', time=_local(p.verified_read_at, tz))})"
    rows = [
        (L("v.filed"), f"{fmt_value(p.kpi, p.actual)} ({period_text(p.period)})"),
        (L("v.value"), verified),
    ]
    if p.verified_counts:
        rows.append((L("v.counts"), counts_text(p.verified_counts)))
    return [
        *rows,
        (L("v.result"), result),
        (L("v.note"), p.verified_note or "—"),
        (L("v.by"), p.verified_by or "—"),
        (L("v.at"), _local(p.verified_at, tz) or "—"),
    ]


def _action_cells(a: PlanAction, tz: tzinfo) -> tuple[str, str, str, str, str]:
    return (a.what, a.pic, _local(a.due, tz), action_status_label(a.status), a.result or "—")


def _heads(*keys: str) -> list[str]:
    return [L(f"col.{k}") for k in keys]


_ACTION_COLS = ("what", "pic", "due", "status", "result")
_HISTORY_COLS = ("when", "who", "change", "old", "new")
_NOTE_COLS = ("when", "who", "text")


def _md_table(heads: Sequence[str], rows: Iterable[Sequence[object]]) -> list[str]:
    out = ["| " + " | ".join(heads) + " |", "|" + "---|" * len(heads)]
    out += ["| " + " | ".join(md(str(c)) for c in row) + " |" for row in rows]
    return out


def render_markdown(items: Sequence[PlanExport], tz: tzinfo, site: str, now: datetime) -> str:
    out: list[str] = []
    zone = getattr(tz, "key", str(tz))
    if not items:
        return f"# {L('title')}\n\n{md(site)}: {L('none')}\n"
    for n, item in enumerate(items):
        p = item.plan
        if n:
            out += ["", "---", ""]
        out += [
            f"# {L('title')} #{p.id}",
            "",
            md(L("printed", site=site, time=_local(now, tz), zone=zone)),
            "",
            *_md_table((L("col.field"), L("col.value")), _form_fields(p, tz, now)),
            "",
            f"## {L('h.root_cause')}",
            "",
            f"**{L('category')}:** {md(cause_label(p.root_cause))}",
            "",
            md_block(p.analysis),
            "",
        ]
        if p.suggested_actions:
            out += [f"## {L('h.suggested')}", "", *(f"- {md(s)}" for s in p.suggested_actions), ""]
        out += [f"## {L('h.actions')}", ""]
        out += _md_table(
            ["#", *_heads(*_ACTION_COLS)],
            [(i, *_action_cells(a, tz)) for i, a in enumerate(p.actions, start=1)],
        )
        for kind in NoteKind:
            notes = [nt for nt in item.notes if nt.kind is kind]
            if notes:
                out += ["", f"## {L('h.notes_' + kind)}", ""]
                out += _md_table(
                    _heads(*_NOTE_COLS), [(_local(nt.at, tz), nt.who, nt.text) for nt in notes]
                )
        out += ["", f"## {L('h.verification')}", "", "| | |", "|---|---|"]
        out += [f"| {label} | {md(value)} |" for label, value in _verification(p, tz)]
        out += ["", f"## {L('h.note')}", "", md_block(p.note) if p.note.strip() else "—", ""]
        out += [f"## {L('h.history')}", ""]
        out += _md_table(_heads(*_HISTORY_COLS), _history_rows(item, tz))
        out += [
            "",
            f"{L('sign.tl')}: ______________________ {L('sign.supervisor')}: "
            "______________________",
        ]
    return "\n".join(out) + "\n"


def _history_rows(item: PlanExport, tz: tzinfo) -> list[tuple[str, str, str, str, str]]:
    kpi = item.plan.kpi
    return [
        (
            _local(h.at, tz),
            h.who,
            field_label(h.field),
            change_value(h.field, h.old, tz, kpi),
            change_value(h.field, h.new, tz, kpi),
        )
        for h in item.history
    ]


# ---------------------------------------------------------------------- XLSX

SUMMARY_COLUMNS = (
    ("plan", 7),
    ("date", 11),
    ("shift", 7),
    ("interval", 9),
    ("kpi", 18),
    ("scope", 22),
    ("sla", 9),
    ("slg", 9),
    ("actual", 9),
    ("root_cause", 22),
    ("tl", 16),
    ("due", 17),
    ("status", 22),
    ("verified_value", 10),
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
    summary.title = L("sheet.summary")
    _put(summary, 1, 1, L("summary_title", site=site), font=_TITLE)
    zone = getattr(tz, "key", str(tz))
    _put(summary, 2, 1, L("printed_at", time=_local(now, tz), zone=zone))
    for col, (name, width) in enumerate(SUMMARY_COLUMNS, start=1):
        _put(summary, 4, col, L(f"sum.{name}"), font=_BOLD, fill=_HEAD_FILL, border=_BOX)
        summary.column_dimensions[get_column_letter(col)].width = width
    for r, item in enumerate(items, start=5):
        p = item.plan
        values = (
            p.id,
            p.date,
            shift_label(p.tl_shift),
            _local(p.interval_start, tz, "%H:%M"),
            kpi_text(p.kpi),
            scope_text(p),
            fmt_value(p.kpi, p.sla),
            fmt_value(p.kpi, p.slg),
            fmt_value(p.kpi, p.actual),
            cause_label(p.root_cause),
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
    ws = wb.create_sheet(L("sheet.plan", id=p.id))
    for letter, width in zip("ABCDEF", (24, 40, 18, 18, 14, 30), strict=True):
        ws.column_dimensions[letter].width = width

    def merged_row(r: int, label: str, value: Any) -> None:
        _put(ws, r, 1, label, font=_BOLD, fill=_HEAD_FILL, border=_BOX, alignment=_WRAP)
        _put(ws, r, 2, value, border=_BOX, alignment=_WRAP)
        ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=6)

    def heading(r: int, text: str) -> None:
        _put(ws, r, 1, text, font=_HEADING)

    def table(r: int, heads: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        for col, name in enumerate(heads, start=1):
            _put(ws, r, col, name, font=_BOLD, fill=_HEAD_FILL, border=_BOX)
        r += 1
        for row in rows:
            for col, value in enumerate(row, start=1):
                _put(ws, r, col, value, border=_BOX, alignment=_WRAP)
            r += 1
        return r

    _put(ws, 1, 1, f"{L('title').upper()} #{p.id}", font=_TITLE)
    zone = getattr(tz, "key", str(tz))
    _put(ws, 2, 1, L("printed", site=site, time=_local(now, tz), zone=zone))
    r = 4
    for label, value in _form_fields(p, tz, now):
        merged_row(r, label, value)
        r += 1
    r += 1
    heading(r, L("h.root_cause"))
    r += 1
    merged_row(r, L("category"), cause_label(p.root_cause))
    r += 1
    merged_row(r, L("f.analysis"), p.analysis)
    r += 1
    if p.suggested_actions:
        merged_row(r, L("h.suggested"), "\n".join(p.suggested_actions))
        r += 1
    r += 1
    heading(r, L("h.actions"))
    r = table(
        r + 1,
        ["#", *_heads(*_ACTION_COLS)],
        [(i, *_action_cells(a, tz)) for i, a in enumerate(p.actions, start=1)],
    )
    for kind in NoteKind:
        notes = [nt for nt in item.notes if nt.kind is kind]
        if notes:
            r += 1
            heading(r, L("h.notes_" + kind))
            rows = [(_local(nt.at, tz), nt.who, nt.text) for nt in notes]
            r = table(r + 1, _heads(*_NOTE_COLS), rows)
    r += 1
    heading(r, L("h.verification"))
    r += 1
    for label, value in _verification(p, tz):
        merged_row(r, label, value)
        r += 1
    r += 1
    merged_row(r, L("h.note"), p.note or "—")
    r += 2
    heading(r, L("h.history"))
    r = table(r + 1, _heads(*_HISTORY_COLS), _history_rows(item, tz))
    r += 2
    _put(ws, r, 1, f"{L('sign.tl')}:", font=_BOLD)
    _put(ws, r, 3, f"{L('sign.supervisor')}:", font=_BOLD)
    ws.print_area = f"A1:F{r + 1}"
    _page_setup(ws)
