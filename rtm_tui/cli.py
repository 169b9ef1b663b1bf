"""The `rtm` command. Each subcommand lives in the layer that owns it; this file only
parses arguments, loads the config once and dispatches.

A handler is `main(args, settings) -> int` in the module named in COMMANDS. A module that
has not landed yet makes the command exit 2 with "not available yet". Handlers read the
time only from `args.clock` (the wall clock unless a caller, e.g. a test, passes another),
so "today", "tomorrow" and "overdue" never depend on when a test happens to run.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from datetime import time
from importlib.util import find_spec
from pathlib import Path

from rtm_tui import __version__
from rtm_tui.clock import Clock

# subcommand -> (module, function, reads the config)
COMMANDS: dict[str, tuple[str, str, bool]] = {
    "demo": ("rtm_tui.ui.launch", "demo", True),
    "run": ("rtm_tui.ui.launch", "run", True),
    "init": ("rtm_tui.config", "init_command", False),
    "simulate": ("rtm_tui.simulator.serve", "main", False),
    "roster": ("rtm_tui.reports.roster_check", "main", True),
    "plans": ("rtm_tui.reports.plans_cli", "main", True),
    "report": ("rtm_tui.reports.handover", "main", True),
    "db": ("rtm_tui.reports.db_cli", "main", True),
}


def _add_config(p: argparse.ArgumentParser, top: bool = False) -> None:
    # SUPPRESS on subcommands, so `rtm --config X demo` keeps X
    p.add_argument(
        "--config",
        type=Path,
        metavar="PATH",
        default=None if top else argparse.SUPPRESS,
        help="config file (default: $RTM_CONFIG, then the user config dir)",
    )


def _hhmm(value: str) -> time:
    from rtm_tui.config import parse_hhmm  # only when the flag is given: keeps start-up light

    try:
        return parse_hhmm(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _add_database(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--database",
        type=Path,
        metavar="PATH",
        help="SQLite file instead of [storage] database (e.g. the demo's demo.sqlite3)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rtm", description="Real Time Management for contact-center Team Leaders."
    )
    parser.add_argument("--version", action="version", version=f"rtm-tui {__version__}")
    _add_config(parser, top=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser(
        "demo", help="open the dashboard on the embedded simulator (no server, no config needed)"
    )
    _add_config(p)
    p.add_argument("--agents", type=int, default=60, help="simulated agents (default 60)")
    p.add_argument("--seed", type=int, default=7, help="simulator seed (default 7)")
    p.add_argument("--speed", type=float, default=1.0, help="simulated seconds per real second")
    p.add_argument(
        "--start",
        type=_hhmm,
        help="simulated time of day to start at, HH:MM (default: now in a TL shift, else 10:40)",
    )

    p = sub.add_parser(
        "run", help="open the dashboard on the configured Omnichannel API (the default)"
    )
    _add_config(p)

    p = sub.add_parser("init", help="write a starter config to the user config dir")
    p.add_argument("--force", action="store_true", help="overwrite an existing config")
    p.add_argument("--path", type=Path, help="write here instead of the user config dir")

    p = sub.add_parser("simulate", help="serve the simulated Omnichannel API over HTTP")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--agents", type=int, default=60)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--speed", type=float, default=1.0)
    p.add_argument("--token", help="accept only this bearer token (default: any)")
    p.add_argument(
        "--faults", default="", help="e.g. 5xx=0.1,timeout=0.05,malformed=0.02,401=0.01,429=0.05"
    )
    p.add_argument("--timezone", default="Asia/Jakarta")

    p = sub.add_parser("roster", help="roster tools: `rtm roster check FILE` (H-1 validation)")
    _add_config(p)
    rsub = p.add_subparsers(dest="roster_command", metavar="ACTION", required=True)
    c = rsub.add_parser("check", help="validate a roster file for a date (default: tomorrow)")
    _add_config(c)
    c.add_argument("file", type=Path)
    c.add_argument("--date", help="YYYY-MM-DD (default: tomorrow in the site timezone)")
    c.add_argument("--forecast", type=Path, help="CSV/XLSX with date, interval, calls, aht")
    c.add_argument("--sheet", help="sheet name for XLSX (default: the first)")
    c.add_argument("--json", action="store_true", help="one JSON document instead of tables")

    p = sub.add_parser("plans", help="recovery plans: list, export, purge")
    _add_config(p)
    psub = p.add_subparsers(dest="plans_command", metavar="ACTION", required=True)
    c = psub.add_parser("list", help="list recovery plans")
    _add_config(c)
    _add_database(c)
    c.add_argument("--since")
    c.add_argument("--until")
    c.add_argument("--status")
    whose = c.add_mutually_exclusive_group()
    whose.add_argument(
        "--mine", action="store_true", help="only plans under [site] tl_name (else the last TL's)"
    )
    whose.add_argument(
        "--shift", action="store_true", help="only the plans of the TL shift that has begun"
    )
    c = psub.add_parser(
        "export", help="export plans as csv, xlsx or md (a printable Form Recovery Plan)"
    )
    _add_config(c)
    _add_database(c)
    c.add_argument("--format", choices=["csv", "xlsx", "md"], default="csv")
    c.add_argument("--since")
    c.add_argument("--until")
    c.add_argument("--output", type=Path)
    c = psub.add_parser("purge", help="delete plans older than the retention (at least 730 days)")
    _add_config(c)
    _add_database(c)
    c.add_argument("--older-than", default="730d")
    c.add_argument("--dry-run", action="store_true")

    p = sub.add_parser("report", help="shift handover report")
    _add_config(p)
    _add_database(p)
    p.add_argument("--date", help="YYYY-MM-DD (default: today in the site timezone)")
    # the site's TL shift names come from the config: checked by the report, not here
    p.add_argument("--shift", metavar="NAME", help="a TL shift of [site.tl_shifts] (pagi, siang)")
    p.add_argument("--format", choices=["md", "csv", "xlsx"], default="md")
    p.add_argument("--output", type=Path)

    p = sub.add_parser("db", help="the database: migrate, copy a SQLite file to PostgreSQL")
    _add_config(p)
    dsub = p.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    c = dsub.add_parser("migrate", help="bring the database to this rtm's schema")
    _add_config(c)
    c.add_argument("--url", help="this database instead of [storage] (sqlite:PATH or postgresql://)")
    c.add_argument("--password-env", metavar="NAME", help="the variable holding its password")
    c = dsub.add_parser("copy", help="copy a SQLite file's records into the shared database")
    _add_config(c)
    c.add_argument("--from", dest="source", required=True, metavar="sqlite:PATH")
    c.add_argument("--to", metavar="URL", help="default: [storage] url")
    c.add_argument("--password-env", metavar="NAME", help="the variable holding its password")
    return parser


def main(argv: Sequence[str] | None = None, clock: Clock | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:  # plain `rtm` is `rtm run`
        args = parser.parse_args([*(argv if argv is not None else sys.argv[1:]), "run"])
    args.clock = clock or Clock()
    command = args.command
    module_name, func_name, reads_config = COMMANDS[command]
    settings = None
    if reads_config:
        from rtm_tui.config import ConfigError, load_settings

        try:
            settings = load_settings(args.config)
        except ConfigError as exc:
            print(f"rtm: {exc}", file=sys.stderr)
            return 2
        from rtm_tui.i18n import set_language

        set_language(settings.site.language)  # reports and messages in the site's language
        if getattr(args, "database", None) is not None:
            # the file asked for, even where the config names a shared database
            storage = settings.storage.model_copy(
                update={"database": str(args.database), "url": ""}
            )
            settings = settings.model_copy(update={"storage": storage})

    handler = (
        getattr(importlib.import_module(module_name), func_name, None)
        if find_spec(module_name)
        else None
    )
    if handler is None:
        from rtm_tui.i18n import t

        print(t("cli.not_available", command=command), file=sys.stderr)
        return 2
    from rtm_tui.config import ConfigError

    try:
        return int(handler(args, settings) or 0)
    except ConfigError as exc:  # e.g. [storage] password_env names an unset variable
        print(f"rtm {command}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
