"""Copy a site's SQLite records into another store (the shared PostgreSQL database), as
`rtm db copy` does: every table, in the order the migrations created them, in one write
transaction on the target (all or nothing).

Every row keeps the site that wrote it; a row kept before sites (site '', migration 10)
gets the target store's site (`[site] name` of whoever copies): the file is that site's.

Several TLs' files can go into one database: rows get the target's ids (a plan's actions
and history follow their plan: any `<table>_id` column is mapped to the new id of that
table's row). A row already there is skipped, not doubled, so copying the same file twice
copies nothing the second time: a plan counts as already there when one with the same
filing time, TL, KPI, scope and interval exists; other rows by their unique keys.

Checked afterwards: per table, rows in the source = copied + already there; and plans read
back through the target store equal the source's, field for field (all of them, or an
even sample of `sample` plans).
"""

from __future__ import annotations

import dataclasses
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rtm_tui.store.errors import StoreError, store_error
from rtm_tui.store.schema import UNLABELLED_SITE
from rtm_tui.store.sqlite_store import Store

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_PLAN_KEY = ("site", "created_at", "tl_name", "kpi", "scope", "interval_start")
_FIND_PLAN = """SELECT id FROM plans WHERE site = ? AND created_at = ? AND tl_name = ?
    AND kpi = ? AND scope = ? AND interval_start = ?"""
# what the target keeps of its own: not copied from a file
_SKIP_TABLES = frozenset({"schema_version"})


@dataclass
class TableCopy:
    table: str
    source: int = 0
    copied: int = 0
    already: int = 0
    before: int = 0  # rows in the target before the copy
    after: int = 0  # and after, counted again

    @property
    def balanced(self) -> bool:
        return (
            self.source == self.copied + self.already and self.after == self.before + self.copied
        )


@dataclass
class CopyReport:
    tables: list[TableCopy] = field(default_factory=list)
    plans_checked: int = 0
    mismatches: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.mismatches and all(t.balanced for t in self.tables)


def _name(value: str) -> str:
    if not _NAME.match(value):
        raise StoreError("io", f"unexpected table or column name {value!r} in the source")
    return value


def _source_tables(src: sqlite3.Connection) -> list[tuple[str, list[str], bool]]:
    """(table, columns, has an `id` key) in the order they were created."""
    out = []
    for (table,) in src.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY rowid"
    ).fetchall():
        if table in _SKIP_TABLES:
            continue
        info = src.execute("SELECT name, pk FROM pragma_table_info(?)", (table,)).fetchall()
        columns = [_name(str(r[0])) for r in info]
        has_id = any(r[0] == "id" and r[1] == 1 for r in info)
        out.append((_name(str(table)), columns, has_id))
    return out


def copy_sqlite(
    path: Path,
    target: Store,
    *,
    sample: int = 200,
    progress: Callable[[TableCopy], None] | None = None,
) -> CopyReport:
    """Copy the SQLite database at `path` (migrated to this rtm's schema first) into
    `target`; see the module docstring."""
    if not path.is_file():
        raise StoreError("not_found", f"no SQLite database at {path}")
    Store.open(path).close()  # brings an old file to the current schema
    report = CopyReport()
    ids: dict[str, dict[int, int]] = {}
    try:
        src = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise store_error(exc, path, "read the source database") from exc
    try:
        src.execute("BEGIN")  # one snapshot of the source
        tables = _source_tables(src)
        with target._write("copy the records into the database") as conn:
            for table, columns, has_id in tables:
                done = _copy_table(src, conn, table, columns, has_id, ids, target.site)
                report.tables.append(done)
                if progress is not None:
                    progress(done)
    except sqlite3.Error as exc:
        raise store_error(exc, path, "read the source database") from exc
    finally:
        src.close()
    _check_plans(path, target, ids.get("plans", {}), sample, report)
    return report


def _copy_table(
    src: sqlite3.Connection,
    conn: Any,
    table: str,
    columns: list[str],
    has_id: bool,
    ids: dict[str, dict[int, int]],
    site: str,
) -> TableCopy:
    done = TableCopy(table)
    count = f"SELECT COUNT(*) FROM {table}"  # noqa: S608  # a checked name
    done.before = int(conn.execute(count).fetchone()[0])
    mine: dict[int, int] | None = {} if has_id else None
    # `<x>_id` columns pointing at a table copied before, by that table's new ids
    refs = {
        c: ids[t]
        for c in columns
        for t in (c.removesuffix("_id") + "s",)
        if c.endswith("_id") and t in ids
    }
    kept = [c for c in columns if not (has_id and c == "id")]
    names = ", ".join(kept)
    marks = ", ".join("?" for _ in kept)
    # identifiers from the source's own schema, checked by _name; values are parameters
    insert = f"INSERT INTO {table} ({names}) VALUES ({marks}) ON CONFLICT DO NOTHING"  # noqa: S608
    select = f"SELECT {', '.join(columns)} FROM {table} ORDER BY rowid"  # noqa: S608
    for row in src.execute(select):
        done.source += 1
        values = dict(zip(columns, row, strict=True))
        if values.get("site", None) == UNLABELLED_SITE:
            values["site"] = site  # the file's rows from before sites: the copier's site
        skip = False
        for column, mapping in refs.items():
            old = values[column]
            if old is not None:
                if int(old) not in mapping:
                    skip = True  # its parent was already there: so is it
                    break
                values[column] = mapping[int(old)]
        if skip:
            done.already += 1
            continue
        if table == "plans":
            found = conn.execute(_FIND_PLAN, tuple(values[c] for c in _PLAN_KEY)).fetchone()
            if found is not None:
                done.already += 1
                continue
        cur = conn.execute(insert, tuple(values[c] for c in kept))
        if cur.rowcount == 0:
            done.already += 1
            continue
        done.copied += 1
        if mine is not None:
            mine[int(values["id"])] = int(cur.lastrowid)
    if mine is not None:
        ids[table] = mine
    done.after = int(conn.execute(count).fetchone()[0])
    return done


def _check_plans(
    path: Path, target: Store, plan_ids: dict[int, int], sample: int, report: CopyReport
) -> None:
    """Each sampled plan read back through the source (as the site that wrote it) and the
    target (as the site it was copied for) reads the same, history included."""
    olds = sorted(plan_ids)
    if sample and len(olds) > sample:
        step = len(olds) / sample
        olds = sorted({olds[int(i * step)] for i in range(sample)} | {olds[-1]})
    src = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        sites = {int(r[0]): str(r[1]) for r in src.execute("SELECT id, site FROM plans")}
    finally:
        src.close()
    sources: dict[str, Store] = {}
    try:
        for old in olds:
            site = sites.get(old, UNLABELLED_SITE)
            if site not in sources:  # read as that site, and adopt nothing in the file
                sources[site] = Store.open(path, site=site, adopt=False)
            source = sources[site]
            want = source.get_plan(old)
            new = plan_ids[old]
            copied_as = site or target.site
            with target._read("read the copied plan back") as conn:
                got = target._load_plan(conn, new, site=copied_as)
                history = target._history(conn, new, copied_as)
            report.plans_checked += 1
            if want is None or got is None or dataclasses.replace(want, id=got.id) != got:
                report.mismatches.append(f"plan #{old} (now #{new}) reads back different")
            elif len(source.plan_history(old)) != len(history):
                report.mismatches.append(f"plan #{old}: its history did not all arrive")
    finally:
        for store in sources.values():
            store.close()
