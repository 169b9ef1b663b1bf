"""`rtm plans list|export|purge`: recovery plans from the command line.

    rtm plans list [--since YYYY-MM-DD] [--until YYYY-MM-DD] [--status open|in_progress|
                   done|verified|overdue] [--mine | --shift]
    rtm plans export --format csv|xlsx|md [--since] [--until] [--output FILE]
    rtm plans purge --older-than 730d [--dry-run]

Dates are site days (the site timezone), both ends included. The site's plans only
(`[site] name`); `--mine`: filed under `[site] tl_name` (else the name on the site's last
plan), `--shift`: of the TL shift that has begun (`domain.plan_views`). Exit codes: 0 done,
1 the database failed (message says why), 2 bad arguments or a refused purge.
"""

from __future__ import annotations

import argparse
import io
import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from rtm_tui.domain.plan_views import PlanView, in_view, narrow, shift_of
from rtm_tui.domain.plans import PlanError, is_overdue, plan_due
from rtm_tui.i18n import set_language, t
from rtm_tui.i18n.plans import kpi_text, view_text
from rtm_tui.reports.cli_args import UsageError, parse_age, parse_day
from rtm_tui.reports.exports import (
    fmt_value,
    load_exports,
    render_markdown,
    scope_text,
    status_text,
    write_csv,
    write_text_output,
    write_xlsx,
)
from rtm_tui.store import Store, StoreError

STATUS_CHOICES = ("open", "in_progress", "done", "verified", "overdue")


def _status(value: str | None) -> str | None:
    if value is None:
        return None
    normal = value.strip().lower().replace("-", "_").replace(" ", "_")
    if normal not in STATUS_CHOICES:
        raise UsageError(f"--status: expected one of {', '.join(STATUS_CHOICES)}, got {value!r}")
    return normal


def main(args: argparse.Namespace, settings: Any) -> int:
    try:
        return _run(args, settings)
    except UsageError as exc:
        print(f"rtm plans: {exc}", file=sys.stderr)
        return 2
    except PlanError as exc:  # e.g. a purge below the 2-year retention
        print(f"rtm plans: {exc}", file=sys.stderr)
        return 2
    except StoreError as exc:
        print(f"rtm plans: {exc}", file=sys.stderr)
        return 1


def _run(args: argparse.Namespace, settings: Any) -> int:
    tz = settings.tz
    now = args.clock.now().astimezone(tz)
    command = args.plans_command
    since = parse_day(getattr(args, "since", None), "--since")
    until = parse_day(getattr(args, "until", None), "--until")
    if since and until and since > until:
        raise UsageError(f"--since {since} is after --until {until}")
    # check every argument before touching the database
    older_than = parse_age(args.older_than) if command == "purge" else timedelta(0)
    if command == "export" and args.format == "xlsx" and args.output is None:
        raise UsageError("--format xlsx writes a file: give it with --output FILE.xlsx")
    status = _status(getattr(args, "status", None))
    set_language(settings.site.language)  # the printed form and the CSV in the site's words
    with Store.open_url(
        settings.store_url(),
        password=settings.store_password(),
        site=settings.site.name,
        tl_name=settings.site.tl_name,
    ) as store:
        if command == "list":
            view = (
                PlanView.MINE
                if getattr(args, "mine", False)
                else PlanView.MY_SHIFT
                if getattr(args, "shift", False)
                else PlanView.ALL
            )
            shifts = {name: (s.start, s.end) for name, s in settings.site.tl_shifts.items()}
            who = settings.site.tl_name
            if view is PlanView.MINE and not who.strip():
                who = store.last_tl_name()
            window = shift_of(shifts, now) if view is PlanView.MY_SHIFT else None
            return _list(store, store.path, since, until, status, now, tz, (view, who, window))
        if command == "export":
            return _export(store, args, since, until, now, tz, settings.site.name)
        if command == "purge":
            return _purge(store, older_than, now, args.dry_run, tz)
    raise UsageError(f"unknown action {command!r}")


def _list(
    store: Store,
    path: Path,
    since: date | None,
    until: date | None,
    status: str | None,
    now: datetime,
    tz: Any,
    whose: tuple[PlanView, str, Any] = (PlanView.ALL, "", None),
) -> int:
    view, who, window = whose
    bar: dict[str, object] = {"since": since, "until": until}
    if status != "overdue":
        bar["status"] = status
    args = narrow(bar, view, who, window)
    listed = [] if args is None else store.list_plans(**args)  # type: ignore[arg-type]
    plans = [
        p
        for p in listed
        if in_view(p, view, who, window) and (status != "overdue" or is_overdue(p, now))
    ]
    if not plans:
        if view is PlanView.ALL:
            print(t("plans.cli.none", path=path), file=sys.stderr)
        else:
            words = view_text(view, who, window)
            print(t("plans.cli.none_view", view=words, path=path), file=sys.stderr)
        return 0
    header = tuple(t(f"plans.cli.col.{c}") for c in _LIST_COLUMNS)
    rows = [
        (
            str(p.id),
            p.date.isoformat(),
            p.tl_shift,
            p.interval_start.astimezone(tz).strftime("%H:%M"),
            kpi_text(p.kpi),
            scope_text(p, team=False),
            fmt_value(p.kpi, p.actual),
            _due(p, tz),
            status_text(p, now),
            p.tl_name,
        )
        for p in plans
    ]
    widths = [max(len(r[i]) for r in (header, *rows)) for i in range(len(header))]
    for row in (header, *rows):
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    return 0


_LIST_COLUMNS = ("id", "date", "shift", "interval", "kpi", "scope", "actual", "due", "status", "tl")


def _due(plan: Any, tz: Any) -> str:
    due = plan_due(plan)
    return "—" if due is None else due.astimezone(tz).strftime("%m-%d %H:%M")


def _export(
    store: Store,
    args: argparse.Namespace,
    since: date | None,
    until: date | None,
    now: datetime,
    tz: Any,
    site: str,
) -> int:
    items = load_exports(store, since, until)
    output: Path | None = args.output
    try:
        if args.format == "xlsx":
            assert output is not None
            write_xlsx(items, output, tz, site, now)
        else:
            buffer = io.StringIO()
            if args.format == "csv":
                write_csv(items, buffer, tz, now)
            else:
                buffer.write(render_markdown(items, tz, site, now))
            write_text_output(buffer.getvalue(), output)
    except OSError as exc:
        print(f"rtm plans export: cannot write {output}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    if output is not None:
        print(f"{len(items)} plan(s) written to {output}", file=sys.stderr)
    return 0


def _purge(store: Store, older_than: timedelta, now: datetime, dry_run: bool, tz: Any) -> int:
    count = store.purge_plans(older_than, now, dry_run=dry_run)
    cutoff = (now - older_than).astimezone(tz).strftime("%Y-%m-%d %H:%M")
    if dry_run:
        print(f"dry run: {count} plan(s) filed before {cutoff} would be deleted; nothing deleted")
    else:
        print(f"deleted {count} plan(s) filed before {cutoff}, with their actions and history")
    return 0
