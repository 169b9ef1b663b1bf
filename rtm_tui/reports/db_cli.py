"""`rtm db migrate|copy`: the database itself.

    rtm db migrate [--url URL]
        bring the configured database (or URL) to this rtm's schema; says from which
        version. rtm does this itself on start; this is for a DBA, before the TLs start.
    rtm db copy --from sqlite:PATH [--to postgresql://user@host/db] [--password-env NAME]
        copy a TL's SQLite file (plans with their actions and history, the shift record)
        into the shared database ([storage] url unless --to); checked by counts per table
        and by reading plans back. Safe to run again, or with several TLs' files one after
        the other: what is already there is not doubled.

The password is read from the environment variable named by --password-env, else by
[storage] password_env; never from the command line. Exit codes: 0 done, 1 the database
failed or the check found a difference, 2 bad arguments.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from pathlib import Path
from typing import Any

from rtm_tui.reports.cli_args import UsageError
from rtm_tui.store import SCHEMA_VERSION, Store, StoreError
from rtm_tui.store.copy import TableCopy, copy_sqlite


def main(args: argparse.Namespace, settings: Any) -> int:
    try:
        if args.db_command == "migrate":
            return _migrate(args, settings)
        return _copy(args, settings)
    except UsageError as exc:
        print(f"rtm db: {exc}", file=sys.stderr)
        return 2
    except StoreError as exc:
        print(f"rtm db: {exc}", file=sys.stderr)
        return 1


def _password(args: argparse.Namespace, settings: Any, url: str) -> str | None:
    if not url.startswith(("postgresql://", "postgres://")):
        return None
    name = getattr(args, "password_env", None)
    if name:
        value: str = settings.read_password(name, "--password-env")
        return value
    if url == settings.storage.url:
        password: str | None = settings.store_password()
        return password
    return None


def _found_version(url: str, password: str | None) -> int | None:
    """The schema version before this run (None: no database there yet)."""
    if url.startswith(("postgresql://", "postgres://")):
        from rtm_tui.store.pg_engine import PgTarget, connect, schema_version

        conn = connect(PgTarget(url, password), 10)
        try:
            return schema_version(conn)
        finally:
            conn.close()
    path = Path(url.removeprefix("sqlite:")).expanduser()
    if not path.is_file():
        return None
    conn3 = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return int(conn3.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn3.close()


def _migrate(args: argparse.Namespace, settings: Any) -> int:
    url = args.url or settings.store_url()
    password = _password(args, settings, url)
    found = _found_version(url, password)
    # opened as the config's site: rows kept before sites become that site's (its records)
    with Store.open_url(url, password=password, site=settings.site.name) as store:
        where, now = store.path, store.schema_version
    if found == now:
        print(f"rtm db: {where} is at schema version {now}, this rtm's: nothing to do")
    else:
        was = "a new database" if not found else f"version {found}"
        print(f"rtm db: {where} migrated from {was} to schema version {now}")
    return 0 if now == SCHEMA_VERSION else 1


def _copy(args: argparse.Namespace, settings: Any) -> int:
    source = args.source
    if not source.startswith("sqlite:"):
        raise UsageError("--from: give the SQLite file as sqlite:PATH")
    path = Path(source.removeprefix("sqlite:")).expanduser()
    url = args.to or settings.storage.url
    if not url:
        raise UsageError("--to: no target given and no [storage] url in the config")
    password = _password(args, settings, url)

    def said(t: TableCopy) -> None:
        print(
            f"  {t.table:<16} {t.source:>7} in the file  {t.copied:>7} copied  "
            f"{t.already:>7} already there  ({t.before} -> {t.after} in the database)"
        )

    # the file's rows from before sites are copied as the config's site's
    with Store.open_url(url, password=password, site=settings.site.name) as target:
        print(f"rtm db: copying {path} into {target.path}")
        report = copy_sqlite(path, target, progress=said)
    for t in report.tables:
        if not t.balanced:
            print(f"rtm db: {t.table}: the counts do not add up", file=sys.stderr)
    for line in report.mismatches:
        print(f"rtm db: {line}", file=sys.stderr)
    verdict = "checked" if report.ok else "CHECK FAILED"
    print(f"rtm db: {verdict}: counts per table; {report.plans_checked} plans read back")
    return 0 if report.ok else 1
