"""`rtm roster check FILE [--date D] [--forecast FILE] [--sheet S] [--json]`: H-1 validation.

Exit codes: 0 = no problem, 1 = problems or under-staffed intervals, 2 = the input cannot
be used (every file problem listed; nothing else is judged).

Printed in the site's language (`[site] language`): the domain's findings and notes are
codes with parameters, rendered here through the catalog (`check.*`).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from rtm_tui.domain.coverage import IntervalCoverage, IntervalForecast
from rtm_tui.domain.roster_check import (
    Finding,
    FindingKind,
    Note,
    RosterCheckResult,
    ShiftRef,
    check_roster,
)
from rtm_tui.domain.types import Roster
from rtm_tui.i18n import t
from rtm_tui.reports.cli_args import UsageError, parse_day
from rtm_tui.sources.forecast_files import read_forecast_file
from rtm_tui.sources.roster_files import RosterFileError, RosterProblem, read_roster

EXIT_OK, EXIT_PROBLEMS, EXIT_BAD_INPUT = 0, 1, 2


def _console(stderr: bool = False) -> Console:
    return Console(file=sys.stderr if stderr else sys.stdout, highlight=False, markup=False)


def _num(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:g}" if float(value).is_integer() else f"{value:.2f}"


def _signed(value: float | None) -> str:
    return "—" if value is None else ("+" if value > 0 else "") + _num(value)


def _when(at: datetime | None, day: date) -> str:
    if at is None:
        return ""
    return f"{at:%H:%M}" if at.date() == day else f"{at:%Y-%m-%d %H:%M}"


def _sheet_for(args: argparse.Namespace, settings: Any) -> str | None:
    if args.sheet:
        return args.sheet
    # the configured sheet applies when checking the configured roster file itself
    roster = getattr(settings, "roster", None)
    source, sheet = getattr(roster, "source", ""), getattr(roster, "sheet", "")
    if sheet and source and source != "api":
        try:
            if Path(source).expanduser().resolve() == args.file.resolve():
                return sheet
        except OSError:
            return None
    return None


# --------------------------------------------------------------------------- wording


def _hours(hours: float) -> str:
    return t("check.hours", hours=f"{hours:.1f}".removesuffix(".0"))


def _shift(ref: ShiftRef, day: date) -> str:
    text = f"{ref.code + ' ' if ref.code else ''}{ref.start:%H:%M}-{ref.end:%H:%M}"
    return text if ref.day == day else t("check.shift_on_day", shift=text, day=ref.day.isoformat())


def _param(key: str, value: object, day: date) -> object:
    if isinstance(value, ShiftRef):
        return _shift(value, day)
    if isinstance(value, datetime):
        return f"{value:%H:%M}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):  # a double booking's entries: shifts or status codes
        return ", ".join(
            _shift(v, day) if isinstance(v, ShiftRef) else t(f"check.status.{v}") for v in value
        )
    if isinstance(value, float) and key in ("hours", "limit"):
        return _hours(value)
    if isinstance(value, float):  # a share in percent
        return f"{value:g}"
    return value


def finding_text(f: Finding, day: date) -> str:
    """One finding as a sentence in the current language."""
    fields = {k: _param(k, v, day) for k, v in f.params.items()}
    text = t(f"check.finding.{f.kind.value}", **fields)
    if f.kind is FindingKind.NO_ROSTER and f.params.get("first") is not None:
        text += t("check.finding.no_roster_span", first=fields["first"], last=fields["last"])
    return text


def note_text(n: Note) -> str:
    return t(
        f"check.note.{n.kind.value}", **{k: _param(k, v, date.min) for k, v in n.params.items()}
    )


# --------------------------------------------------------------------------- output


def _problem_dict(p: RosterProblem) -> dict[str, Any]:
    return {
        "file": p.file,
        "sheet": p.sheet,
        "row": p.row,
        "column": p.column,
        "value": p.value,
        "message": p.message,
    }


def _finding_dict(f: Finding, day: date) -> dict[str, Any]:
    return {
        "kind": f.kind.value,
        "agent_id": f.agent_id,
        "name": f.name or None,
        "at": f.at.isoformat() if f.at else None,
        "message": finding_text(f, day),
    }


def _interval_dict(c: IntervalCoverage, day: date) -> dict[str, Any]:
    return {
        "interval": _when(c.start, day),
        "start": c.start.isoformat(),
        "scheduled": c.scheduled,
        "needed": c.needed,
        "gap": c.gap,
        "short": c.short,
        "on_break": c.on_break,
        "agents_needed": c.agents_needed,
        "calls": c.calls,
        "aht": c.aht_seconds,
    }


def _print_file_problems(problems: list[RosterProblem]) -> None:
    console = _console(stderr=True)
    table = Table(title=Text(t("check.file_problems", count=len(problems))))
    for col in ("file", "sheet", "row", "column", "value", "problem"):
        table.add_column(t(f"check.col.{col}"), overflow="fold")
    for p in problems:
        table.add_row(
            Text(p.file),
            Text(p.sheet or ""),
            Text("" if p.row is None else str(p.row)),
            Text(p.column or ""),
            Text("" if p.value is None else repr(p.value)),
            Text(p.message),
        )
    console.print(table)


def _print_result(result: RosterCheckResult, source: str, file_notes: Sequence[str]) -> None:
    console = _console()
    day = result.day
    console.print(
        Text(
            t(
                "check.title",
                day=day.isoformat(),
                source=source,
                agents=result.agents,
                working=result.working,
            )
        )
    )
    if result.problems:
        table = Table(
            title=Text(t("check.problems", count=len(result.problems))), title_justify="left"
        )
        for col in ("time", "agent", "name", "problem"):
            table.add_column(t(f"check.col.{col}"), overflow="fold")
        for f in result.problems:
            table.add_row(
                Text(_when(f.at, day)),
                Text(f.agent_id or ""),
                Text(f.name),
                Text(finding_text(f, day)),
            )
        console.print(table)
    short = result.understaffed
    if short:
        table = Table(
            title=Text(t("check.understaffed", count=len(short), total=len(result.coverage))),
            title_justify="left",
        )
        for col in ("interval", "scheduled", "needed", "gap", "calls", "aht"):
            table.add_column(t(f"check.col.{col}"), justify="right")
        for c in short:
            table.add_row(
                Text(_when(c.start, day)),
                Text(_num(c.scheduled)),
                Text(_num(c.needed)),
                Text(_signed(c.gap), style="red"),
                Text(_num(c.calls)),
                Text(_num(round(c.aht_seconds, 1) if c.aht_seconds is not None else None)),
            )
        console.print(table)
    elif result.coverage:
        console.print(Text(t("check.covered", count=len(result.coverage))))
    for note in (*file_notes, *(note_text(n) for n in result.notes)):
        console.print(Text(t("check.note", note=note)))
    if result.ok:
        console.print(Text(t("check.ok"), style="green"))
    else:
        console.print(
            Text(t("check.summary", problems=len(result.problems), short=len(short)), style="red")
        )


# --------------------------------------------------------------------------- command


def main(args: argparse.Namespace, settings: Any) -> int:
    tz = settings.tz
    try:
        day = parse_day(args.date, "--date")
    except UsageError as exc:
        print(f"rtm roster check: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if day is None:  # H-1: tomorrow at the site
        day = args.clock.now().astimezone(tz).date() + timedelta(days=1)
    rules = settings.staffing_rules()

    problems: list[RosterProblem] = []
    rosters: dict[date, Roster] = {}
    file_notes: list[str] = []  # read, but worth a look (e.g. an unknown code kept as a label)
    forecast: dict[date, tuple[IntervalForecast, ...]] | None = None
    try:
        read = read_roster(args.file, settings.shift_definitions(), tz, _sheet_for(args, settings))
        rosters, file_notes = read.rosters, [str(n) for n in read.notes]
    except RosterFileError as exc:
        problems.extend(exc.problems)
    if args.forecast is not None:
        try:
            forecast = read_forecast_file(args.forecast, tz, rules.interval_minutes)
        except RosterFileError as exc:
            problems.extend(exc.problems)
    if problems:
        if args.json:
            doc = {
                "date": day.isoformat(),
                "ok": False,
                "file_problems": [_problem_dict(p) for p in problems],
            }
            print(json.dumps(doc, ensure_ascii=False, indent=2))
        else:
            _print_file_problems(problems)
        return EXIT_BAD_INPUT

    day_forecast = None if forecast is None else forecast.get(day, ())
    result = check_roster(day, rosters, rules, day_forecast)
    if args.json:
        doc = {
            "date": day.isoformat(),
            "file": str(args.file),
            "ok": result.ok,
            "agents": result.agents,
            "with_shift": result.working,
            "problems": [_finding_dict(f, day) for f in result.problems],
            "intervals": [_interval_dict(c, day) for c in result.coverage],
            "notes": [*file_notes, *(note_text(n) for n in result.notes)],
        }
        print(json.dumps(doc, ensure_ascii=False, indent=2))
    else:
        _print_result(result, args.file.name, file_notes)
    return EXIT_OK if result.ok else EXIT_PROBLEMS
