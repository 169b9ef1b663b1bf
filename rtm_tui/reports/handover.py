"""`rtm report`: the shift handover report (TL pagi hands over to TL siang).

    rtm report [--date YYYY-MM-DD] [--shift pagi|siang] [--format md|csv|xlsx] [--output FILE]

Built from the shift record the running app keeps in the store (see shift_summary.py),
so it works after the app was closed or restarted. Formats: `md` a readable handover
document; `csv` one long table, one fact per row with a `section` column (KPIs, attendance,
AUX, alerts, plans: a spreadsheet filters or pivots it); `xlsx` one printable sheet per
section. md and csv go to stdout unless `--output`; xlsx needs `--output`.

Exit codes: 0 written; 1 nothing recorded for that shift, or the database or the output
file failed (the message says which); 2 bad arguments.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any, TextIO

from openpyxl import Workbook

from rtm_tui.domain.format import fmt_count, fmt_duration, fmt_kpi
from rtm_tui.domain.plan_draft import kpi_label
from rtm_tui.domain.plans import ROOT_CAUSE_LABELS, RecoveryPlan
from rtm_tui.domain.types import LoginStatus, Status
from rtm_tui.i18n import has, t
from rtm_tui.reports import alert_section, outlook_section
from rtm_tui.reports.cli_args import UsageError, parse_day
from rtm_tui.reports.exports import (
    _BOLD,
    _BOX,
    _HEAD_FILL,
    _HEADING,
    _TITLE,
    _WRAP,
    _page_setup,
    _put,
    _safe_text,
    first_sheet,
    fmt_value,
    md,
    replace_atomically,
    scope_text,
    status_text,
    write_text_output,
)
from rtm_tui.reports.shift_summary import (
    NONVOICE_PERIOD_KPIS,
    VOICE_PERIOD_KPIS,
    AgentAttendance,
    AuxOver,
    KpiLine,
    ReportRules,
    ScopeFigures,
    ShiftSummary,
    build_shift_summary,
    default_shift,
    shift_window,
)
from rtm_tui.store import Store, StoreError

# ---------------------------------------------------------------------- CLI


def _plans_tl_name(store: Store, day: date, shift: str) -> str:
    """The TL name on the last plan filed in that TL shift ("" when none)."""
    plans = store.list_plans(since=day, until=day, tl_shift=shift)
    return plans[-1].tl_name if plans else ""


def main(args: argparse.Namespace, settings: Any) -> int:
    try:
        return _run(args, settings)
    except UsageError as exc:
        print(f"rtm report: {exc}", file=sys.stderr)
        return 2
    except StoreError as exc:
        print(f"rtm report: {exc}", file=sys.stderr)
        return 1


def _run(args: argparse.Namespace, settings: Any) -> int:
    tz = settings.tz
    now = args.clock.now().astimezone(tz)
    fmt = getattr(args, "format", None) or "md"
    output: Path | None = getattr(args, "output", None)
    if fmt == "xlsx" and output is None:
        raise UsageError(t("report.err.xlsx_output"))
    day = parse_day(getattr(args, "date", None), "--date")
    shifts = {name: (s.start, s.end) for name, s in settings.site.tl_shifts.items()}
    shift = getattr(args, "shift", None)
    if shift is None:
        picked = default_shift(shifts, now, tz, day)
        if picked is None:
            raise UsageError(t("report.err.no_shifts"))
        day, shift = picked
    elif shift not in shifts:
        raise UsageError(t("report.err.unknown_shift", shift=repr(shift), known=", ".join(shifts)))
    day = day or now.date()
    window = shift_window(day, *shifts[shift], tz)
    label = t(
        "report.shift_label",
        shift=shift,
        day=day.isoformat(),
        start=_hm(window[0], tz),
        end=_hm(window[1], tz),
    )
    if window[0] > now:
        print(f"rtm report: {t('report.err.not_started', label=label)}", file=sys.stderr)
        return 1
    path = settings.database_path()
    if not settings.storage.url and not path.exists():
        print(f"rtm report: {t('report.err.no_database', path=path)}", file=sys.stderr)
        return 1
    rules = ReportRules(
        targets=settings.kpi_targets(),
        options=settings.kpi_options(),
        attendance=settings.attendance_rules(),
        interval_minutes=settings.staffing.interval_minutes,
        tl_shifts=shifts,
    )
    with Store.open_url(
        settings.store_url(),
        password=settings.store_password(),
        site=settings.site.name,
        tl_name=settings.site.tl_name,
    ) as store:
        summary = build_shift_summary(
            store,
            day=day,
            shift=shift,
            window=window,
            rules=rules,
            now=now,
            roster=store.load_roster(day),  # as the app last read it; None: never recorded
            site=settings.site.name,
            # no TL name configured: the one the shift's plans were filed under
            tl_name=settings.site.tl_name or _plans_tl_name(store, day, shift),
        )
        summary = outlook_section.attach(summary, store, settings, now)  # the day's outlook
    if not summary.recorded:
        print(f"rtm report: {t('report.err.nothing', label=label, path=store.path)}", file=sys.stderr)
        return 1
    return _write(summary, fmt, output, tz, now)


def _write(summary: ShiftSummary, fmt: str, output: Path | None, tz: tzinfo, now: datetime) -> int:
    try:
        if fmt == "xlsx":
            assert output is not None
            write_xlsx(summary, output, tz, now)
        else:
            buffer = io.StringIO()
            if fmt == "csv":
                write_csv(summary, buffer, tz, now)
            else:
                buffer.write(render_markdown(summary, tz, now))
            write_text_output(buffer.getvalue(), output)
    except OSError as exc:
        print(
            f"rtm report: {t('report.err.write', path=output, error=exc.strerror or exc)}",
            file=sys.stderr,
        )
        return 1
    if output is not None:
        print(t("report.written", path=output), file=sys.stderr)
    return 0


# ---------------------------------------------------------------------- shared wording

# Every word of the md and xlsx reports comes from the catalog (`report.*`), in the site's
# language; the csv keeps codes (a spreadsheet filters on them), its `shown`/`detail` cells
# are in the site's language too.
STATUS_MARK = {Status.OK: "", Status.WARNING: " ⚠", Status.BREACH: " ✖", Status.NO_DATA: ""}


def status_word(status: Status) -> str:
    return t(f"report.status.{status.value}")


def login_word(status: LoginStatus) -> str:
    return t(f"report.login.{status.value}")


def limit_word(kind: str) -> str:
    key = f"report.limit.{kind}"
    return t(key) if has(key) else kind


def kpi_name(kpi: str) -> str:
    """A KPI as the dashboard names it; an agent indicator as the plan form does."""
    for key in (f"kpi.{kpi}", f"plan.kpi.{kpi}"):
        if has(key):
            return t(key)
    return kpi_label(kpi)


def _c(key: str) -> str:
    return t(f"report.col.{key}")


def _h(*keys: str) -> tuple[str, ...]:
    """Column titles: `report.col.<key>` each."""
    return tuple(_c(k) for k in keys)


def _hm(value: datetime | None, tz: tzinfo) -> str:
    return "" if value is None else value.astimezone(tz).strftime("%H:%M")


def _local(value: datetime | None, tz: tzinfo) -> str:
    return "" if value is None else value.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def _scope_name(family: str, scope: str) -> str:
    return t(f"report.all.{family}") if scope == "all" else scope


def _late(delta: timedelta | None) -> str:
    return "" if delta is None else t("report.minutes", minutes=int(delta.total_seconds() // 60))


def _limit_value(over: AuxOver, value: float | None) -> str:
    if value is None:
        return "—"
    return f"{int(value)}×" if over.limit_kind == "count" else fmt_duration(value)


def _aux_code(code: str) -> str:
    return t("report.all_aux") if code == "*" else code


def basis(fig: ScopeFigures, kpi: str) -> str:
    """The counts a shift KPI is computed from, e.g. "answered 412 / offered 450"."""
    c = fig.counts
    n = fmt_count
    d = fmt_duration
    fields = {
        "answered": n(c.get("answered")),
        "offered": n(c.get("offered")),
        "abandoned": n(c.get("abandoned")),
        "within_sl": n(c.get("answered_within_sl")),
        "handle": d(c.get("handle_seconds")),
        "wait": d(c.get("answer_wait_seconds")),
        "first_response": d(c.get("first_response_seconds")),
        "responded": n(c.get("responded")),
        "handled": n(c.get("handled")),
    }
    key = f"report.basis.{kpi}"
    return t(key, **fields) if has(key) else ""


def _cell(line: KpiLine | None) -> str:
    if line is None:
        return "—"
    return fmt_kpi(line.kpi, line.value) + STATUS_MARK[line.status]


def _target(kpi: str, value: float | None) -> str:
    return "—" if value is None else fmt_kpi(kpi, value)


# ---------------------------------------------------------------------- Markdown


def _table(header: Sequence[str], rows: Iterable[Sequence[str]], empty: str = "") -> list[str]:
    body = ["| " + " | ".join(md(c) if c else "" for c in row) + " |" for row in rows]
    if not body:
        return [empty or t("report.none")]  # a header over nothing reads like missing data
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header), *body]


def _glance(s: ShiftSummary) -> list[str]:
    out = []
    voice = s.shift_scope("voice")
    if voice is not None:
        parts = [t("report.glance.offered", count=fmt_count(voice.counts.get("offered")))]
        parts += [f"{kpi_name(k.kpi)} {_cell(k)}" for k in voice.kpis]
        out.append(t("report.glance.voice", parts=", ".join(parts)))
    nv = s.shift_scope("nonvoice")
    if nv is not None:
        parts = [t("report.glance.received", count=fmt_count(nv.counts.get("received")))]
        parts += [f"{kpi_name(k.kpi)} {_cell(k)}" for k in nv.kpis]
        out.append(t("report.glance.nonvoice", parts=", ".join(parts)))
    a = s.attendance
    if a.roster_known:
        out.append(
            t(
                "report.glance.attendance",
                scheduled=a.scheduled,
                present=a.present,
                on_time=a.on_time,
                late=a.late,
                absent=a.absent,
                early_out=a.early_out,
                not_yet_in=a.not_yet_in,
                leave=a.leave,
                not_rostered=a.not_rostered,
            )
        )
    else:
        out.append(t("report.glance.attendance_no_roster", absent=a.absent))
    agents = len({x.agent_id for x in s.aux_over})
    out.append(t("report.glance.aux", count=len(s.aux_over), agents=agents))
    unacked = sum(1 for r in s.alerts if r.acknowledged_at is None)
    out.append(t("report.glance.alerts", count=len(s.alerts), unacked=unacked))
    out.append(
        t(
            "report.glance.plans",
            filed=len(s.plans_filed),
            open=len(s.plans_open),
            verified=len(s.plans_verified),
        )
    )
    return out


def render_markdown(s: ShiftSummary, tz: tzinfo, now: datetime) -> str:
    zone = getattr(tz, "key", str(tz))
    title = t("report.title")
    out = [
        f"# {title} — {md(s.site)}" if s.site else f"# {title}",
        "",
        t(
            "report.shift_line",
            shift=md(s.shift.capitalize()),
            day=s.day.isoformat(),
            start=_hm(s.window_start, tz),
            end=_hm(s.window_end, tz),
            zone=md(zone),
        )
        + (f" · **TL:** {md(s.tl_name)}" if s.tl_name else "")
        + " · "
        + t("report.as_of", as_of=_local(s.as_of, tz), printed=_local(now, tz)),
        "",
        f"## {t('report.h.glance')}",
        "",
        *_glance(s),
        "",
        t("report.legend"),
        "",
        f"## {t('report.h.shift_kpis')}",
        "",
        t("report.shift_kpis_note"),
        "",
    ]
    rows = [
        (
            _scope_name(f.family, f.scope),
            kpi_name(k.kpi),
            fmt_kpi(k.kpi, k.value),
            _target(k.kpi, k.sla),
            _target(k.kpi, k.slg),
            status_word(k.status),
            basis(f, k.kpi),
        )
        for f in s.shift_figures
        for k in f.kpis
    ]
    out += _table(_h("scope", "kpi", "value", "sla", "slg", "status", "basis"), rows)
    out += ["", f"## {t('report.h.intervals', minutes=s.interval_minutes)}", ""]
    header = [*_h("interval", "offered"), *(kpi_name(k) for k in VOICE_PERIOD_KPIS)]
    header += [*_h("nv_received"), *(kpi_name(k) for k in NONVOICE_PERIOD_KPIS)]
    irows = []
    for iv in s.intervals:
        v, n = iv.scope("voice"), iv.scope("nonvoice")
        row = [_hm(iv.start, tz), fmt_count(v.counts.get("offered")) if v and v.counts else "—"]
        row += [_cell(v.kpi(k) if v else None) for k in VOICE_PERIOD_KPIS]
        row += [fmt_count(n.counts.get("received")) if n and n.counts else "—"]
        row += [_cell(n.kpi(k) if n else None) for k in NONVOICE_PERIOD_KPIS]
        irows.append(row)
    out += _table(header, irows)
    if s.missing_intervals:
        missing = ", ".join(_hm(t, tz) for t in s.missing_intervals)
        out += ["", t("report.not_recorded", intervals=missing)]
    by_scope = [f for f in s.shift_figures if f.scope != "all"]
    if by_scope:
        out += ["", t("report.per_scope_hint")]

    a = s.attendance
    out += ["", f"## {t('report.h.attendance')}", ""]
    if not a.roster_known:
        out += [t("report.attendance_no_roster"), ""]
    out += _table(
        _h("name", "agent", "team", "shift", "status", "late_by", "first_login", "last_logout"),
        (_attendance_row(x, tz) for x in a.exceptions),
        t("report.attendance_none"),
    )

    out += ["", f"## {t('report.h.aux')}", ""]
    out += _table(
        _h("name", "agent", "code", "limit", "value", "limit_value", "raised", "aux_used"),
        (_aux_row(x, tz) for x in s.aux_over),
        t("report.aux_none"),
    )

    out += alert_section.markdown(s, tz, _table)  # alerts with their lifecycle, excuses

    out += ["", f"## {t('report.h.plans')}", "", f"### {t('report.h.plans_filed')}", ""]
    out += _plans_md(s.plans_filed, tz, now)
    out += ["", f"### {t('report.h.plans_open')}", ""]
    out += _plans_md(s.plans_open, tz, now)
    out += ["", f"### {t('report.h.plans_verified')}", ""]
    out += _table(
        _h("number", "kpi", "scope", "when_filed", "at_verification", "result", "verified"),
        (
            (
                str(p.id),
                kpi_name(p.kpi),
                scope_text(p, team=False),
                fmt_value(p.kpi, p.actual),
                fmt_value(p.kpi, p.verified_value),
                t("report.achieved") if p.verified_achieved else t("report.not_achieved"),
                _local(p.verified_at, tz),
            )
            for p in s.plans_verified
        ),
    )
    if s.notes:
        out += ["", f"## {t('report.h.notes')}", "", *(f"- {md(n)}" for n in s.notes)]
    out += ["", t("report.signatures")]
    return "\n".join(out) + "\n"


def _attendance_row(x: AgentAttendance, tz: tzinfo) -> tuple[str, ...]:
    shift = ""
    if x.start is not None:
        shift = f"{x.shift_code or ''} {_hm(x.start, tz)}–{_hm(x.end, tz)}".strip()
    elif x.shift_code:
        shift = x.shift_code  # e.g. OFF: worked on a day off
    return (
        x.name,
        x.agent_id,
        x.team,
        shift,
        login_word(x.status),
        _late(x.late_by),
        _hm(x.first_login, tz),
        _hm(x.last_logout, tz),
    )


def _used(seconds: float | None, count: int | None) -> str:
    if seconds is None:
        return ""
    return fmt_duration(seconds) + ("" if count is None else t("report.in_times", count=count))


def _aux_row(x: AuxOver, tz: tzinfo) -> tuple[str, ...]:
    today = _used(x.used_seconds, x.used_count)
    return (
        x.name,
        x.agent_id,
        _aux_code(x.code),
        limit_word(x.limit_kind),
        _limit_value(x, x.value),
        _limit_value(x, x.limit),
        _hm(x.at, tz),
        today,
    )


def _plans_md(plans: Sequence[RecoveryPlan], tz: tzinfo, now: datetime) -> list[str]:
    return _table(
        _h("number", "filed", "interval", "kpi", "scope", "actual", "root_cause", "status", "tl"),
        (
            (
                str(p.id),
                _local(p.created_at, tz),
                _hm(p.interval_start, tz),
                kpi_name(p.kpi),
                scope_text(p, team=False),
                fmt_value(p.kpi, p.actual),
                ROOT_CAUSE_LABELS[p.root_cause],
                status_text(p, now),
                p.tl_name,
            )
            for p in plans
        ),
    )


# ---------------------------------------------------------------------- CSV

CSV_COLUMNS = (
    "section",
    "date",
    "tl_shift",
    "time",
    "scope",
    "family",  # voice | nonvoice, for KPI and count rows: scope "all" exists in both
    "agent_id",
    "name",
    "item",
    "value",
    "shown",
    "sla",
    "slg",
    "status",
    "detail",
)


def _num(value: float | None) -> str:
    return "" if value is None else repr(float(value))


def csv_rows(s: ShiftSummary, tz: tzinfo, now: datetime) -> list[dict[str, str]]:
    """One fact per row. Sections: kpi_shift, count_shift, kpi_interval, count_interval,
    attendance_count, attendance, aux_over, aux_used (per agent in AUX during the shift
    and code: seconds in the workday, `item` the workday), alert, plan_filed, plan_open,
    plan_verified, missing_interval, note."""
    rows: list[dict[str, str]] = []

    def add(section: str, **cells: Any) -> None:
        row = dict.fromkeys(CSV_COLUMNS, "")
        row.update(section=section, date=s.day.isoformat(), tl_shift=s.shift)
        for k, v in cells.items():
            row[k] = "" if v is None else str(v)
        rows.append(row)

    def iso(t: datetime | None) -> str:
        return "" if t is None else t.astimezone(tz).isoformat()

    def figures(section: str, t: datetime, fig: ScopeFigures) -> None:
        for k in fig.kpis:
            add(
                f"kpi_{section}",
                time=iso(t),
                scope=fig.scope,
                family=fig.family,
                item=k.kpi,
                value=_num(k.value),
                shown=fmt_kpi(k.kpi, k.value),
                sla=_num(k.sla),
                slg=_num(k.slg),
                status=str(k.status),
                detail=basis(fig, k.kpi) if section == "shift" else "",
            )
        for name, v in fig.counts.items():
            add(
                f"count_{section}",
                time=iso(t),
                scope=fig.scope,
                family=fig.family,
                item=name,
                value=_num(v),
            )

    for fig in s.shift_figures:
        figures("shift", s.window_start, fig)
    for iv in s.intervals:
        for fig in iv.scopes:
            figures("interval", iv.start, fig)
    for gap in s.missing_intervals:
        add("missing_interval", time=iso(gap), detail=t("report.csv.not_recorded"))
    a = s.attendance
    for name in (
        "scheduled",
        "present",
        "on_time",
        "late",
        "absent",
        "early_out",
        "not_yet_in",
        "leave",
        "not_rostered",
    ):
        if a.roster_known or name == "absent":
            add("attendance_count", item=name, value=getattr(a, name))
    for x in a.exceptions:
        add(
            "attendance",
            time=iso(x.start),
            scope=x.shift_code or "",
            agent_id=x.agent_id,
            name=x.name,
            item=str(x.status),
            value="" if x.late_by is None else int(x.late_by.total_seconds() // 60),
            shown=_late(x.late_by),
            detail=t(
                "report.csv.logins",
                first=_hm(x.first_login, tz) or "—",
                last=_hm(x.last_logout, tz) or "—",
            ),
        )
    for o in s.aux_over:
        add(
            "aux_over",
            time=iso(o.at),
            scope=o.code,
            agent_id=o.agent_id,
            name=o.name,
            item=o.limit_kind,
            value=_num(o.value),
            shown=_limit_value(o, o.value),
            detail=t("report.csv.limit", limit=_limit_value(o, o.limit))
            + (
                t("report.csv.aux_used", used=_used(o.used_seconds, o.used_count))
                if o.used_seconds
                else ""
            ),
        )
    for u in s.aux_used:
        for code in sorted(u.seconds):
            add(
                "aux_used",
                time=iso(s.as_of),
                scope=code,
                agent_id=u.agent_id,
                name=u.name,
                item=u.workday.isoformat(),
                value=_num(u.seconds[code]),
                shown=fmt_duration(u.seconds[code]),
                detail=f"{u.count.get(code, 0)}×",
            )
    for cells in alert_section.csv_alerts(s, tz):  # alerts with their lifecycle, excuses
        add(**cells)
    for section, plans in (
        ("plan_filed", s.plans_filed),
        ("plan_open", s.plans_open),
        ("plan_verified", s.plans_verified),
    ):
        for p in plans:
            add(
                section,
                time=iso(p.created_at),
                scope=p.scope,
                item=p.kpi,
                value=_num(p.verified_value if section == "plan_verified" else p.actual),
                shown=str(p.id),
                sla=_num(p.sla),
                slg=_num(p.slg),
                status=str(p.status),
                detail=status_text(p, now),
            )
    for n in s.notes:
        add("note", detail=n)
    return rows


def write_csv(s: ShiftSummary, out: TextIO, tz: tzinfo, now: datetime) -> int:
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    rows = csv_rows(s, tz, now)
    for row in rows:
        writer.writerow({k: _safe_text(v) for k, v in row.items()})
    return len(rows)


# ---------------------------------------------------------------------- XLSX


def _sheet(wb: Any, title: str, s: ShiftSummary, tz: tzinfo, heading: str) -> Any:
    ws = wb.create_sheet(title)
    _put(ws, 1, 1, heading, font=_TITLE)
    _put(
        ws,
        2,
        1,
        f"{s.site} · "
        + t(
            "report.shift_plain",
            shift=s.shift,
            day=s.day.isoformat(),
            start=_hm(s.window_start, tz),
            end=_hm(s.window_end, tz),
        )
        + " · "
        + t("report.as_of_only", as_of=_local(s.as_of, tz)),
    )
    return ws


def _grid(
    ws: Any,
    top: int,
    header: Sequence[tuple[str, int]],
    rows: Iterable[Sequence[Any]],
    landscape: bool = True,
) -> int:
    for col, (name, width) in enumerate(header, start=1):
        _put(ws, top, col, name, font=_BOLD, fill=_HEAD_FILL, border=_BOX, alignment=_WRAP)
        ws.column_dimensions[ws.cell(top, col).column_letter].width = width
    r = top + 1
    for row in rows:
        for col, value in enumerate(row, start=1):
            _put(ws, r, col, value, border=_BOX, alignment=_WRAP)
        r += 1
    ws.freeze_panes = ws.cell(top + 1, 1).coordinate
    ws.print_title_rows = f"{top}:{top}"
    _page_setup(ws, landscape=landscape)
    return r


def write_xlsx(s: ShiftSummary, path: Path, tz: tzinfo, now: datetime) -> None:
    wb = Workbook()
    summary = first_sheet(wb)
    summary.title = t("report.sheet.handover")
    _put(summary, 1, 1, f"{t('report.title')} — {s.site}", font=_TITLE)
    _put(
        summary,
        2,
        1,
        t(
            "report.shift_plain",
            shift=s.shift,
            day=s.day.isoformat(),
            start=_hm(s.window_start, tz),
            end=_hm(s.window_end, tz),
        )
        + f" ({getattr(tz, 'key', tz)}) · TL {s.tl_name or '—'} · "
        + t("report.as_of", as_of=_local(s.as_of, tz), printed=_local(now, tz)),
    )
    summary.column_dimensions["A"].width = 110
    r = 4
    _put(summary, r, 1, t("report.h.glance"), font=_HEADING)
    for line in _glance(s):
        r += 1
        _put(summary, r, 1, line[2:], alignment=_WRAP)
    r += 2
    _put(summary, r, 1, t("report.legend"))
    for note in s.notes:
        r += 1
        _put(summary, r, 1, t("report.note", note=note), alignment=_WRAP)
    r += 2
    _put(summary, r, 1, t("report.signatures"))
    _page_setup(summary)

    ws = _sheet(wb, t("report.sheet.shift_kpis"), s, tz, t("report.h.shift_kpis_xlsx"))
    _grid(
        ws,
        4,
        ((_c("scope"), 16), (_c("kpi"), 16), (_c("value"), 10), (_c("sla"), 10), (_c("slg"), 10),
         (_c("status"), 10), (_c("basis"), 44)),
        (
            (_scope_name(f.family, f.scope), kpi_name(k.kpi), fmt_kpi(k.kpi, k.value),
             _target(k.kpi, k.sla), _target(k.kpi, k.slg), status_word(k.status), basis(f, k.kpi))
            for f in s.shift_figures
            for k in f.kpis
        ),
    )  # fmt: skip

    ws = _sheet(
        wb,
        t("report.sheet.intervals"),
        s,
        tz,
        t("report.h.intervals_xlsx", minutes=s.interval_minutes),
    )
    _grid(
        ws,
        4,
        ((_c("interval"), 9), (_c("scope"), 16), (_c("kpi"), 16), (_c("value"), 10), (_c("sla"), 10),
         (_c("slg"), 10), (_c("status"), 10), (_c("offered_received"), 10)),
        (
            (_hm(iv.start, tz), _scope_name(f.family, f.scope), kpi_name(k.kpi),
             fmt_kpi(k.kpi, k.value), _target(k.kpi, k.sla), _target(k.kpi, k.slg),
             status_word(k.status),
             fmt_count(f.counts.get("offered" if f.family == "voice" else "received")))
            for iv in s.intervals
            for f in iv.scopes
            for k in f.kpis
        ),
    )  # fmt: skip

    ws = _sheet(wb, t("report.sheet.attendance"), s, tz, t("report.h.attendance"))
    _grid(
        ws,
        4,
        ((_c("name"), 24), (_c("agent"), 10), (_c("team"), 14), (_c("shift"), 16), (_c("status"), 13),
         (_c("late_by"), 9), (_c("first_login"), 11), (_c("last_logout"), 11)),
        (_attendance_row(x, tz) for x in s.attendance.exceptions),
    )  # fmt: skip

    ws = _sheet(wb, "AUX", s, tz, t("report.h.aux"))
    _grid(
        ws,
        4,
        ((_c("name"), 24), (_c("agent"), 10), (_c("code"), 12), (_c("limit"), 20), (_c("value"), 10),
         (_c("limit_value"), 10), (_c("raised"), 8), (_c("aux_used"), 14)),
        (_aux_row(x, tz) for x in s.aux_over),
    )  # fmt: skip

    ws = _sheet(wb, t("report.sheet.alerts"), s, tz, t("report.h.alerts"))
    _grid(
        ws,
        4,
        tuple(zip(alert_section.alert_header(), (8, 9, 80, 18, 24, 24), strict=True)),
        alert_section.alert_rows(s.alerts, tz),
    )

    ws = _sheet(wb, t("report.sheet.plans"), s, tz, t("report.h.plans"))
    _grid(
        ws,
        4,
        ((_c("section"), 16), (_c("number"), 6), (_c("filed"), 17), (_c("kpi"), 16), (_c("scope"), 14),
         (_c("actual"), 10), (_c("root_cause"), 22), (_c("status"), 22), (_c("verified_value"), 10), (_c("tl"), 16)),
        (
            (section, p.id, _local(p.created_at, tz), kpi_name(p.kpi), scope_text(p, team=False),
             fmt_value(p.kpi, p.actual), ROOT_CAUSE_LABELS[p.root_cause], status_text(p, now),
             fmt_value(p.kpi, p.verified_value) if p.verified_value is not None else "", p.tl_name)
            for section, plans in ((t("report.h.plans_filed"), s.plans_filed),
                                   (t("report.plans_open_short"), s.plans_open),
                                   (t("report.h.plans_verified"), s.plans_verified))
            for p in plans
        ),
    )  # fmt: skip

    replace_atomically(path, wb.save)
