"""The SQLite store: recovery plans with their history, and the shift record.

Durability: WAL with `synchronous=FULL`. In WAL mode NORMAL already survives a killed
process (a commit is in the WAL file once `COMMIT` returns); FULL also fsyncs the WAL at
every commit, so a saved plan survives a power cut or an OS crash too. Writes are a few
per poll and a few per plan, so the fsync (about a millisecond on an SSD) costs nothing
a TL would notice.

Concurrency: every write starts with `BEGIN IMMEDIATE`, which takes the write lock up
front and waits up to the busy timeout (5 s) for another instance to finish. A deferred
transaction that upgrades from read to write can fail at once with "database is locked"
in WAL mode; IMMEDIATE never does that. Readers never wait in WAL mode.

One connection per Store, guarded by a lock, so the UI may call from worker threads.
"""

from __future__ import annotations

import dataclasses
import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from rtm_tui.domain.alerts import ExcuseNote
from rtm_tui.domain.plan_checks import note_errors, validate_plan
from rtm_tui.domain.plan_views import same_tl
from rtm_tui.domain.plans import (
    CONTENT_FIELDS,
    ActionStatus,
    NoteKind,
    PlanAction,
    PlanChange,
    PlanError,
    PlanNote,
    PlanStatus,
    PlanValidationError,
    RecoveryPlan,
    RootCause,
    Verdict,
    Verification,
    check_transition,
    plan_due,
    verification_errors,
)
from rtm_tui.domain.types import (
    Alert,
    AlertKind,
    AlertState,
    AlertStep,
    Direction,
    KpiValue,
    Roster,
    Severity,
    Status,
)
from rtm_tui.store.codec import (
    day_out,
    dt_in,
    dt_in_opt,
    dt_out,
    dt_out_opt,
    json_in,
    json_out,
    roster_in,
    roster_out,
    ts,
)
from rtm_tui.store.counts import PlanCounts
from rtm_tui.store.errors import PlanConflict, PlanNotFoundError, StoreError, store_error
from rtm_tui.store.records import AgentEvent, AlertRecord, KpiRecord
from rtm_tui.store.schema import MIGRATIONS, SCHEMA_VERSION, SITE_TABLES, UNLABELLED_SITE

MIN_RETENTION = timedelta(days=730)  # the Form Recovery Plan is a 2-year record
DEFAULT_BUSY_TIMEOUT = 5.0


class RetentionError(PlanError):
    def __init__(self, older_than: timedelta) -> None:
        super().__init__(
            f"refusing to purge plans younger than {MIN_RETENTION.days} days "
            f"(asked for {older_than.days} days): recovery plans are records kept at least "
            "2 years"
        )


def apply_migrations(
    conn: sqlite3.Connection,
    upto: int = SCHEMA_VERSION,
    migrations: tuple[tuple[str, ...], ...] = MIGRATIONS,
) -> int:
    """Bring `conn` (autocommit mode) to schema version `upto` in one transaction.

    Returns the version found before. Two instances opening an old file at once are safe:
    the second one sees the new version once it gets the lock and does nothing.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        found: int = conn.execute("PRAGMA user_version").fetchone()[0]  # sqlite rows are Any
        for migration in migrations[found:upto]:
            for statement in migration:
                conn.execute(statement)
        if found < upto:
            # PRAGMA takes no parameters; the value is an int we computed
            conn.execute(f"PRAGMA user_version = {int(upto)}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return found


def _opened_read_only(conn: sqlite3.Connection, busy_timeout: float) -> bool:
    """Whether SQLite opened the file read-only (it falls back silently when it cannot
    open it for writing). BEGIN IMMEDIATE alone succeeds on a read-only WAL database; a
    rewrite of the schema version, rolled back, meets the refusal without changing
    anything. Another instance holding the write lock means we cannot tell: not read-only."""
    conn.execute("PRAGMA busy_timeout = 0")
    try:
        conn.execute("BEGIN IMMEDIATE")
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        conn.execute(f"PRAGMA user_version = {version}")
    except sqlite3.Error as exc:
        return store_error(exc, Path(), "").kind == "read_only"
    finally:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
    return False


def _text(value: Any) -> str | None:
    """How a value reads in the history table."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return dt_out(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "achieved" if value else "not achieved"
    if isinstance(value, Mapping | list | tuple):
        return json_out(value)
    return str(value)


def _action_text(a: PlanAction) -> str:
    return f"{a.what} | {a.pic} | {dt_out(a.due)}"


def _diff(old: RecoveryPlan, new: RecoveryPlan) -> list[tuple[str, str | None, str | None]]:
    changes: list[tuple[str, str | None, str | None]] = []
    for name in CONTENT_FIELDS:
        if name == "actions":
            continue
        a, b = getattr(old, name), getattr(new, name)
        if isinstance(a, Mapping):
            a, b = dict(a), dict(b)
        if a != b:
            changes.append((name, _text(a), _text(b)))
    for i in range(max(len(old.actions), len(new.actions))):
        if i >= len(new.actions):
            changes.append((f"actions.{i}", _action_text(old.actions[i]), None))
        elif i >= len(old.actions):
            changes.append((f"actions.{i}", None, _action_text(new.actions[i])))
        else:
            for attr in ("what", "pic", "due", "status", "result"):
                a, b = getattr(old.actions[i], attr), getattr(new.actions[i], attr)
                if a != b:
                    changes.append((f"actions.{i}.{attr}", _text(a), _text(b)))
    return changes


# Static SQL (no string building): a NULL parameter means "no filter".
_SELECT_PLANS = """
    SELECT p.* FROM plans p
    WHERE p.site = :site AND (:since IS NULL OR p.date >= :since) AND (:until IS NULL OR p.date <= :until)
    AND (:status IS NULL OR p.status = :status) AND (:kpi IS NULL OR p.kpi = :kpi)
    AND (:tl_shift IS NULL OR p.tl_shift = :tl_shift)
    ORDER BY p.date, p.created_ts, p.id
"""
_SELECT_PLAN_ACTIONS = """
    SELECT a.* FROM plan_actions a JOIN plans p ON p.id = a.plan_id
    WHERE p.site = :site AND (:since IS NULL OR p.date >= :since) AND (:until IS NULL OR p.date <= :until)
    AND (:status IS NULL OR p.status = :status) AND (:kpi IS NULL OR p.kpi = :kpi)
    AND (:tl_shift IS NULL OR p.tl_shift = :tl_shift)
    ORDER BY a.plan_id, a.position
"""


@dataclass(frozen=True, slots=True)
class StoreEvent:
    """Something about the database file the TL should hear of, for the UI to show.

    kind: `recreated` (the file was deleted while open; put back from the open copy),
    `replaced` (another file took its place; ours put back, that one moved to `detail`),
    `read_only` (opened read-only: saves will fail), `writable` (read-write again),
    `open_failed` (cannot be opened; `detail` says why; retried on the next use),
    `opened` (opened after failing)."""

    kind: str
    path: Path
    detail: str = ""


class Store:
    """Open with `Store.open(path)`; close with `.close()` or use as a context manager.

    The file is watched, not trusted: before each write the path is stat'ed and compared
    with the file the connection has open (device, inode). A file deleted or replaced
    while the app runs is put back at the path from the open connection
    (`Connection.backup`), so the write and every earlier save land in the file at the
    path, not in an unlinked inode lost at exit. A store opened read-only, or one that
    could not be opened at all (`Store.open_or_retry`), is reopened on the next use, so it
    recovers once the cause is fixed without a restart. What happened is queued as
    StoreEvents (`take_events`) and summed up in `health`."""

    def __init__(
        self,
        conn: sqlite3.Connection | None,
        path: Path,
        *,
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
        read_only: bool = False,
        open_error: StoreError | None = None,
        site: str = UNLABELLED_SITE,
        tl_name: str = "",
        adopt: bool = True,
    ) -> None:
        self._conn = conn
        # whose records these are: every read is scoped to the site, every write stamps it
        # (and the shift record the TL); see `_adopt` for the rows kept before sites
        self.site = site.strip()
        self.tl_name = tl_name.strip()
        self._adopted = not adopt or not self.site
        self.path = path
        self._path_str = str(path)
        self._busy_timeout = busy_timeout
        self._lock = threading.RLock()
        # events and health are read by the UI thread while a worker may hold `_lock`
        # for a whole busy timeout: they have their own lock, or none
        self._events_lock = threading.Lock()
        self._closed = False
        self._read_only = read_only
        self._open_error = open_error
        self._events: list[StoreEvent] = []
        self._identity = self._stat_identity(self._path_str) if conn is not None else None
        self._wal_identity = self._stat_identity(self._path_str + "-wal")
        if open_error is not None:
            self._event("open_failed", str(open_error))
        elif read_only:
            self._event("read_only")

    # ------------------------------------------------------------------ lifecycle

    @classmethod
    def open(
        cls,
        path: Path | str,
        *,
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
        site: str = UNLABELLED_SITE,
        tl_name: str = "",
        adopt: bool = True,
    ) -> Store:
        """Open (creating and migrating) the database; raises StoreError if it cannot.
        A file that opens read-only still opens (reads work); `health` says so.
        `site` (`[site] name`): the records this store reads and writes; `tl_name`: the
        TL the shift record is written by; `adopt`: take the rows kept before sites
        (see `_adopt`)."""
        path = Path(path).expanduser()
        conn, read_only = cls._connect(path, busy_timeout)
        return cls(
            conn,
            path,
            busy_timeout=busy_timeout,
            read_only=read_only,
            site=site,
            tl_name=tl_name,
            adopt=adopt,
        )

    @classmethod
    def open_or_retry(
        cls,
        path: Path | str,
        *,
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
        site: str = UNLABELLED_SITE,
        tl_name: str = "",
        adopt: bool = True,
    ) -> Store:
        """Like `open`, but a database that cannot be opened now (folder missing or
        unwritable, disk full) gives a Store that says so (`health`, an `open_failed`
        event) and tries again on each use, so it starts working once the cause is
        fixed. Until then every call raises the StoreError of the last attempt."""
        path = Path(path).expanduser()
        try:
            return cls.open(
                path, busy_timeout=busy_timeout, site=site, tl_name=tl_name, adopt=adopt
            )
        except StoreError as exc:
            return cls(
                None,
                path,
                busy_timeout=busy_timeout,
                open_error=exc,
                site=site,
                tl_name=tl_name,
                adopt=adopt,
            )

    @classmethod
    def open_url(
        cls,
        url: str,
        *,
        password: str | None = None,
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
        retry: bool = False,
        site: str = UNLABELLED_SITE,
        tl_name: str = "",
        adopt: bool = True,
    ) -> Store:
        """The store `url` names: `postgresql://user@host/db` (the shared database;
        `password` apart, never in the URL), or `sqlite:PATH` / a plain path (this file).
        `retry`: a database that cannot be opened now gives a store that says so and
        tries again at each use (see `open_or_retry`). `site`, `tl_name`: see `open`."""
        if url.startswith(("postgresql://", "postgres://")):
            from rtm_tui.store.pg_store import open_pg  # psycopg only when it is used

            return open_pg(
                url,
                password,
                busy_timeout=busy_timeout,
                retry=retry,
                site=site,
                tl_name=tl_name,
                adopt=adopt,
            )
        path = url.removeprefix("sqlite:")
        who: dict[str, Any] = {"site": site, "tl_name": tl_name, "adopt": adopt}
        if retry:
            return cls.open_or_retry(path, busy_timeout=busy_timeout, **who)
        return cls.open(path, busy_timeout=busy_timeout, **who)

    @staticmethod
    def _connect(path: Path, busy_timeout: float) -> tuple[sqlite3.Connection, bool]:
        """A configured, migrated connection and whether it is read-only."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                "io", f"cannot create the data folder {path.parent}: {exc.strerror}"
            ) from exc
        conn: sqlite3.Connection | None = None
        try:
            conn = sqlite3.connect(
                path, timeout=busy_timeout, isolation_level=None, check_same_thread=False
            )
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA synchronous = FULL")
            found: int = conn.execute("PRAGMA user_version").fetchone()[0]  # sqlite rows are Any
            if found > SCHEMA_VERSION:
                raise StoreError(
                    "newer_schema",
                    f"the database {path} was written by a newer rtm (schema {found}, this "
                    f"version knows {SCHEMA_VERSION}); upgrade rtm to open it",
                )
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                conn.execute("PRAGMA journal_mode = WAL")  # stays set in the file
            if found < SCHEMA_VERSION:
                apply_migrations(conn)
            read_only = _opened_read_only(conn, busy_timeout)
        except sqlite3.Error as exc:
            if conn is not None:
                conn.close()
            raise store_error(exc, path, "open the database") from exc
        except BaseException:
            if conn is not None:
                conn.close()
            raise
        return conn, read_only

    def close(self) -> None:
        """Close; a file deleted or replaced since the last write is put back first."""
        with self._lock:
            self._closed = True
            if self._conn is None:
                return
            try:
                self._check_file()
            except StoreError:
                pass  # nowhere left to tell; the connection closes all the same
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ health

    @property
    def health(self) -> str:
        """`ok`, `read_only` (saves fail until the file is writable) or `unavailable`
        (the database could not be opened)."""
        if self._conn is None:
            return "unavailable"
        return "read_only" if self._read_only else "ok"

    @property
    def open_error(self) -> StoreError | None:
        """Why the last attempt to open the database failed; None while it is open."""
        return self._open_error

    def take_events(self) -> list[StoreEvent]:
        """What happened to the file since the last call (oldest first); clears them."""
        with self._events_lock:
            events, self._events = self._events, []
            return events

    def _event(self, kind: str, detail: str = "") -> None:
        with self._events_lock:
            self._events.append(StoreEvent(kind, self.path, detail))

    @staticmethod
    def _stat_identity(path: str) -> tuple[int, int] | None:
        try:
            st = os.stat(path)
        except OSError:
            return None
        return (st.st_dev, st.st_ino)

    def _check_file(self) -> None:
        """Is the file at the path still the one we have open? If it was deleted or
        replaced, put ours back there (with everything saved so far) and reopen it.
        One stat(2) when all is well."""
        try:
            st = os.stat(self._path_str)
        except FileNotFoundError:
            self._put_back("recreated")
            return
        except OSError:
            return  # cannot look (e.g. folder permissions): let the write tell
        if self._identity is None:  # could not look when it was opened
            self._identity = (st.st_dev, st.st_ino)
        elif (st.st_dev, st.st_ino) != self._identity:
            self._put_back("replaced")

    def _put_back(self, kind: str) -> None:
        old = self._conn
        assert old is not None
        path = self.path
        tmp = path.with_name(f"{path.name}.recovering-{os.getpid()}")
        moved_to: Path | None = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            for stale in (tmp, *(Path(f"{tmp}{s}") for s in ("-journal", "-wal", "-shm"))):
                stale.unlink(missing_ok=True)
            dest = sqlite3.connect(tmp, isolation_level=None)
            try:
                old.backup(dest)
            finally:
                dest.close()
            if kind == "replaced" and path.exists():
                # someone's file: keep it beside ours rather than overwrite it
                stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
                moved_to = path.with_name(f"{path.name}.replaced-{stamp}")
                os.replace(path, moved_to)
            os.replace(tmp, path)
        except (OSError, sqlite3.Error) as exc:
            tmp.unlink(missing_ok=True)
            raise StoreError(
                "io",
                f"the database file {path} was deleted or replaced while rtm was running "
                f"and could not be put back ({exc}); nothing was saved, try again",
            ) from exc
        # the old connection goes only now that its copy is at the path. SQLite leaves
        # a moved file's -wal and -shm behind on close; opened with our copy, that WAL
        # would be replayed into it, so ours go, and one that is not ours goes with the
        # file it came with
        old.close()
        self._conn = None
        self._clear_sidecars(moved_to)
        self._event(kind, "" if moved_to is None else str(moved_to))
        self._reopen()

    def _clear_sidecars(self, moved_to: Path | None) -> None:
        wal = self._path_str + "-wal"
        found = self._stat_identity(wal)
        try:
            if found is not None and found == self._wal_identity:
                os.unlink(wal)
            elif found is not None:
                stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
                home = moved_to or self.path.with_name(f"{self.path.name}.replaced-{stamp}")
                os.replace(wal, f"{home}-wal")
            Path(self._path_str + "-shm").unlink(missing_ok=True)  # an index, rebuilt
        except OSError:
            pass  # left as is: the reopen below will say if it cannot use the file

    def _reopen(self) -> None:
        """Open the file at the path again; raises (and keeps the store unavailable)
        when it cannot. Says so when the store comes back."""
        try:
            conn, read_only = self._connect(self.path, self._busy_timeout)
        except StoreError as exc:
            if self._open_error is None:
                self._event("open_failed", str(exc))
            self._open_error = exc
            raise
        if self._conn is not None:
            self._conn.close()
        self._conn = conn
        self._identity = self._stat_identity(self._path_str)
        self._wal_identity = self._stat_identity(self._path_str + "-wal")
        if self._open_error is not None:
            self._open_error = None
            self._event("opened")
        if read_only and not self._read_only:
            self._event("read_only")
        elif self._read_only and not read_only:
            self._event("writable")
        self._read_only = read_only

    def _ready(self, write: bool, doing: str) -> sqlite3.Connection:
        """The connection for the next transaction, after the checks (lock held)."""
        if self._closed:
            raise StoreError("io", f"could not {doing}: the store is closed ({self.path})")
        if self._conn is None:
            self._reopen()
        elif write:
            if self._read_only:
                self._retry_read_write()
            else:
                self._check_file()
        assert self._conn is not None
        return self._conn

    def _retry_read_write(self) -> None:
        """A connection opened read-only stays so; open a fresh one in case the file was
        made writable. Still read-only: keep the old one, the write will say why."""
        try:
            conn, read_only = self._connect(self.path, self._busy_timeout)
        except StoreError:
            return
        if read_only:
            conn.close()
            return
        assert self._conn is not None
        self._conn.close()
        self._conn = conn
        self._identity = self._stat_identity(self._path_str)
        self._wal_identity = self._stat_identity(self._path_str + "-wal")
        self._read_only = False
        self._event("writable")

    @property
    def schema_version(self) -> int:
        with self._read("read the schema version") as conn:
            return int(conn.execute("PRAGMA user_version").fetchone()[0])

    def _write(self, doing: str) -> AbstractContextManager[sqlite3.Connection]:
        """One write transaction; committed before this returns, or nothing changed.
        IMMEDIATE takes the write lock up front (waiting up to the busy timeout), so a
        write never fails half way with "database is locked" in WAL mode."""
        return self._transaction("BEGIN IMMEDIATE", doing, write=True)

    def _read(self, doing: str) -> AbstractContextManager[sqlite3.Connection]:
        """A consistent snapshot across several SELECTs."""
        return self._transaction("BEGIN", doing, write=False)

    @contextmanager
    def _transaction(self, begin: str, doing: str, *, write: bool) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._adopt_once()
            conn = self._ready(write, doing)
            try:
                conn.execute(begin)
                yield conn
                conn.execute("COMMIT")
            except sqlite3.Error as exc:
                self._rollback()
                error = store_error(exc, self.path, doing)
                if write and error.kind == "read_only":
                    self._read_only = True  # reopen on the next write: it may be fixed
                raise error from exc
            except BaseException:
                self._rollback()
                raise

    def _rollback(self) -> None:
        if self._conn is not None and self._conn.in_transaction:
            try:
                self._conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass  # SQLite already rolled back (e.g. after SQLITE_FULL)

    # ------------------------------------------------------------------ sites

    def _adopt_once(self) -> None:
        """Before this store's first transaction (lock held): `_adopt`, once. A database
        that cannot be reached now is tried again at the next use; a read-only one is not
        (it cannot be labelled)."""
        if self._adopted:
            return
        self._adopted = True  # the transactions of `_adopt` must not come back here
        try:
            self._adopt()
        except StoreError as exc:
            if exc.kind != "read_only":
                self._adopted = False

    def _adopt(self) -> int:
        """Rows migration 10 could not label (site '': kept before rtm knew sites) become
        this store's site: they were written by the site that used this database then, and
        a TL expects to find their plans and shift record after the upgrade. Only while no
        other site has rows here: in a database already shared by named sites nobody can
        tell whose they are, so they are left unread (a `unlabelled` event says so). A row
        this site has kept again since (same key) is the same record twice: the older copy
        goes. Returns how many rows were adopted."""
        none = UNLABELLED_SITE
        # table and column names below are the constants of schema.SITE_TABLES
        with self._read("look for records kept before sites") as conn:
            found = [
                table
                for table in SITE_TABLES
                if conn.execute(
                    f"SELECT 1 FROM {table} WHERE site = ? LIMIT 1",  # noqa: S608
                    (none,),
                ).fetchone()
            ]
        if not found:
            return 0
        adopted = 0
        with self._write("label the records kept before sites") as conn:
            for table in SITE_TABLES:
                other = conn.execute(
                    f"SELECT site FROM {table} WHERE site <> ? AND site <> ? LIMIT 1",  # noqa: S608
                    (none, self.site),
                ).fetchone()
                if other is not None:
                    self._event("unlabelled", str(other[0]))
                    return 0
            for table in found:
                keys = SITE_TABLES[table]
                if not keys:
                    cur = conn.execute(
                        f"UPDATE {table} SET site = ? WHERE site = ?",  # noqa: S608
                        (self.site, none),
                    )
                    adopted += max(cur.rowcount, 0)
                    continue
                same = " AND ".join(f"x.{k} = {table}.{k}" for k in keys)
                cur = conn.execute(
                    f"UPDATE {table} SET site = ? WHERE site = ? AND NOT EXISTS "  # noqa: S608
                    f"(SELECT 1 FROM {table} x WHERE x.site = ? AND {same})",
                    (self.site, none, self.site),
                )
                adopted += max(cur.rowcount, 0)
                conn.execute(f"DELETE FROM {table} WHERE site = ?", (none,))  # noqa: S608
        return adopted

    # ------------------------------------------------------------------ plans

    def save_plan(self, plan: RecoveryPlan, who: str, at: datetime | None = None) -> RecoveryPlan:
        """Insert (id None) or update a plan; returns it as stored.

        A new plan always starts open. An update changes the form's content only (status
        and verification have their own steps) and writes one history row per changed
        field in the same transaction. `at` is when the change is made (default: now).
        Raises PlanValidationError, PlanNotFoundError or StoreError; on any error nothing
        is written.
        """
        errors = validate_plan(plan)
        if errors:
            raise PlanValidationError(errors)
        if not who.strip():
            raise PlanError("who is saving the plan is required")
        if plan.id is None:
            at = at or plan.created_at
            return self._insert_plan(plan, who, at)
        at = at or datetime.now(plan.created_at.tzinfo)
        ts(at)
        with self._write("save the recovery plan") as conn:
            current = self._load_plan(conn, plan.id)
            if current is None:
                raise PlanNotFoundError(plan.id)
            if plan.revision != current.revision:
                raise self._conflict(conn, plan.id)
            if current.status is PlanStatus.VERIFIED:
                raise PlanError(f"plan #{plan.id} is verified and final: add an addendum")
            changes = _diff(current, plan)
            if not changes:
                return current
            stored = dataclasses.replace(
                plan,
                created_at=current.created_at,
                status=current.status,
                verified_value=current.verified_value,
                verified_achieved=current.verified_achieved,
                verified_at=current.verified_at,
                verified_period=current.verified_period,
                verified_read_at=current.verified_read_at,
                verified_counts=current.verified_counts,
                verified_by=current.verified_by,
                verified_note=current.verified_note,
                verified_reason=current.verified_reason,
                updated_at=at,
                revision=current.revision + 1,
            )
            due = plan_due(stored)
            conn.execute(
                """UPDATE plans SET updated_at = :updated_at, date = :date,
                    tl_shift = :tl_shift, interval_start = :interval_start, kpi = :kpi,
                    scope = :scope, scope_label = :scope_label, team = :team,
                    period = :period, direction = :direction,
                    sla = :sla, slg = :slg, actual = :actual, counts = :counts,
                    suggested_actions = :suggested_actions, root_cause = :root_cause,
                    analysis = :analysis, tl_name = :tl_name, note = :note,
                    due_at = :due_at, due_ts = :due_ts, revision = :revision
                WHERE id = :id""",
                self._plan_params(stored)
                | {"due_at": dt_out_opt(due), "id": plan.id, "revision": stored.revision},
            )
            conn.execute("DELETE FROM plan_actions WHERE plan_id = ?", (plan.id,))
            self._insert_actions(conn, plan.id, stored.actions)
            conn.executemany(
                "INSERT INTO plan_history (plan_id, at, who, field, old, new) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [(plan.id, dt_out(at), who, f, old, new) for f, old, new in changes],
            )
            return stored

    @staticmethod
    def _conflict(conn: sqlite3.Connection, plan_id: int) -> PlanConflict:
        """Who made the edit that came first, for the second writer's message."""
        row = conn.execute(
            "SELECT who, at FROM plan_history WHERE plan_id = ? ORDER BY id DESC LIMIT 1",
            (plan_id,),
        ).fetchone()
        who, at = ("someone", "?") if row is None else (str(row["who"]), str(row["at"]))
        return PlanConflict(plan_id, who, at[11:16] if len(at) >= 16 else at)

    def _insert_plan(self, plan: RecoveryPlan, who: str, at: datetime) -> RecoveryPlan:
        stored = dataclasses.replace(
            plan,
            status=PlanStatus.OPEN,
            verified_value=None,
            verified_achieved=None,
            verified_at=None,
            verified_period=None,
            verified_read_at=None,
            verified_counts={},
            verified_by="",
            verified_note="",
            verified_reason="",
            updated_at=at,
            revision=0,
        )
        due = plan_due(stored)
        with self._write("save the recovery plan") as conn:
            cur = conn.execute(
                """INSERT INTO plans (site, created_at, created_ts, updated_at, date, tl_shift,
                    interval_start, kpi, scope, scope_label, team, period, direction,
                    sla, slg, actual, counts, suggested_actions,
                    root_cause, analysis, tl_name, note, status, due_at, due_ts)
                VALUES (:site, :created_at, :created_ts, :updated_at, :date, :tl_shift,
                    :interval_start, :kpi, :scope, :scope_label, :team, :period, :direction,
                    :sla, :slg, :actual, :counts,
                    :suggested_actions, :root_cause, :analysis, :tl_name, :note, 'open',
                    :due_at, :due_ts)""",
                self._plan_params(stored)
                | {
                    "site": self.site,
                    "created_at": dt_out(stored.created_at),
                    "created_ts": ts(stored.created_at),
                    "due_at": dt_out_opt(due),
                },
            )
            plan_id = int(cur.lastrowid or 0)
            self._insert_actions(conn, plan_id, stored.actions)
            conn.execute(
                "INSERT INTO plan_history (plan_id, at, who, field, old, new) "
                "VALUES (?, ?, ?, 'created', NULL, 'open')",
                (plan_id, dt_out(at), who),
            )
        return dataclasses.replace(stored, id=plan_id)

    @staticmethod
    def _plan_params(p: RecoveryPlan) -> dict[str, Any]:
        due = plan_due(p)
        return {
            "updated_at": dt_out_opt(p.updated_at),
            "date": day_out(p.date),
            "tl_shift": p.tl_shift,
            "interval_start": dt_out(p.interval_start),
            "kpi": p.kpi,
            "scope": p.scope,
            "scope_label": p.scope_label,
            "team": p.team,
            "period": p.period,
            "direction": None if p.direction is None else str(Direction(p.direction)),
            "sla": p.sla,
            "slg": p.slg,
            "actual": p.actual,
            "counts": json_out(p.counts),
            "suggested_actions": json_out(list(p.suggested_actions)),
            "root_cause": str(RootCause(p.root_cause)),
            "analysis": p.analysis,
            "tl_name": p.tl_name,
            "note": p.note,
            "due_ts": None if due is None else ts(due),
        }

    @staticmethod
    def _insert_actions(
        conn: sqlite3.Connection, plan_id: int, actions: Iterable[PlanAction]
    ) -> None:
        conn.executemany(
            "INSERT INTO plan_actions (plan_id, position, what, pic, due, status, result) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (plan_id, i, a.what, a.pic, dt_out(a.due), str(ActionStatus(a.status)), a.result)
                for i, a in enumerate(actions)
            ],
        )

    @staticmethod
    def _row_to_plan(row: sqlite3.Row, actions: Iterable[sqlite3.Row]) -> RecoveryPlan:
        achieved = row["verified_achieved"]
        return RecoveryPlan(
            id=row["id"],
            created_at=dt_in(row["created_at"]),
            updated_at=dt_in(row["updated_at"]),
            date=date.fromisoformat(row["date"]),
            tl_shift=row["tl_shift"],
            interval_start=dt_in(row["interval_start"]),
            kpi=row["kpi"],
            scope=row["scope"],
            scope_label=row["scope_label"],
            team=row["team"],
            period=row["period"],
            direction=None if row["direction"] is None else Direction(row["direction"]),
            sla=row["sla"],
            slg=row["slg"],
            actual=row["actual"],
            counts=json_in(row["counts"]) or {},
            suggested_actions=tuple(json_in(row["suggested_actions"]) or ()),
            root_cause=RootCause(row["root_cause"]),
            analysis=row["analysis"],
            actions=tuple(
                PlanAction(
                    a["what"], a["pic"], dt_in(a["due"]), ActionStatus(a["status"]), a["result"]
                )
                for a in actions
            ),
            tl_name=row["tl_name"],
            note=row["note"],
            status=PlanStatus(row["status"]),
            verified_value=row["verified_value"],
            verified_achieved=None if achieved is None else bool(achieved),
            verified_at=dt_in_opt(row["verified_at"]),
            verified_period=row["verified_period"],
            verified_read_at=dt_in_opt(row["verified_read_at"]),
            verified_counts=json_in(row["verified_counts"]) or {},
            verified_by=row["verified_by"],
            verified_note=row["verified_note"],
            verified_reason=row["verified_reason"],
            revision=row["revision"],
        )

    def _load_plan(
        self, conn: sqlite3.Connection, plan_id: int, site: str | None = None
    ) -> RecoveryPlan | None:
        """The plan, if it is this store's site's (or `site`'s: `rtm db copy`'s check)."""
        row = conn.execute(
            "SELECT * FROM plans WHERE id = ? AND site = ?",
            (plan_id, self.site if site is None else site),
        ).fetchone()
        if row is None:
            return None
        actions = conn.execute(
            "SELECT * FROM plan_actions WHERE plan_id = ? ORDER BY position", (plan_id,)
        ).fetchall()
        return self._row_to_plan(row, actions)

    def get_plan(self, plan_id: int) -> RecoveryPlan | None:
        with self._read("read the recovery plan") as conn:
            return self._load_plan(conn, plan_id)

    def list_plans(
        self,
        since: date | None = None,
        until: date | None = None,
        status: PlanStatus | str | None = None,
        kpi: str | None = None,
        tl_shift: str | None = None,
        tl_name: str | None = None,
    ) -> list[RecoveryPlan]:
        """The site's plans whose site day is within [since, until] (both inclusive),
        oldest first. `tl_name`: only the plans filed under that TL name (as a TL writes
        it: case and spaces aside, `domain.plan_views.same_tl`)."""
        params = {
            "site": self.site,
            "since": None if since is None else day_out(since),
            "until": None if until is None else day_out(until),
            "status": None if status is None else str(PlanStatus(status)),
            "kpi": kpi,
            "tl_shift": tl_shift,
        }
        with self._read("list the recovery plans") as conn:
            rows = conn.execute(_SELECT_PLANS, params).fetchall()
            actions: dict[int, list[sqlite3.Row]] = {}
            for a in conn.execute(_SELECT_PLAN_ACTIONS, params):
                actions.setdefault(a["plan_id"], []).append(a)
        plans = [self._row_to_plan(r, actions.get(r["id"], ())) for r in rows]
        if tl_name is not None:
            plans = [p for p in plans if same_tl(p.tl_name, tl_name)]
        return plans

    def plan_history(self, plan_id: int) -> list[PlanChange]:
        with self._read("read the plan history") as conn:
            return self._history(conn, plan_id, self.site)

    @staticmethod
    def _history(conn: sqlite3.Connection, plan_id: int, site: str) -> list[PlanChange]:
        rows = conn.execute(
            "SELECT h.* FROM plan_history h JOIN plans p ON p.id = h.plan_id "
            "WHERE h.plan_id = ? AND p.site = ? ORDER BY h.id",
            (plan_id, site),
        ).fetchall()
        return [
            PlanChange(r["plan_id"], dt_in(r["at"]), r["who"], r["field"], r["old"], r["new"])
            for r in rows
        ]

    def add_note(
        self, plan_id: int, kind: NoteKind | str, text: str, who: str, at: datetime
    ) -> PlanNote:
        """Keep a progress note (a plan not verified yet) or an addendum (a verified plan,
        which otherwise stays final), with its author and time, and a history row."""
        with self._write("add the note to the plan") as conn:
            current = self._load_plan(conn, plan_id)
            if current is None:
                raise PlanNotFoundError(plan_id)
            errors = note_errors(current, kind, text, who)
            if errors:
                raise PlanValidationError(errors)
            note = PlanNote(
                plan_id=plan_id, at=at, who=who.strip(), kind=NoteKind(kind), text=text.strip()
            )
            cur = conn.execute(
                "INSERT INTO plan_notes (plan_id, at, at_ts, who, kind, text) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (plan_id, dt_out(at), ts(at), note.who, str(note.kind), note.text),
            )
            conn.execute(
                "INSERT INTO plan_history (plan_id, at, who, field, old, new) "
                "VALUES (?, ?, ?, ?, NULL, ?)",
                (plan_id, dt_out(at), note.who, f"note.{note.kind}", note.text),
            )
            conn.execute("UPDATE plans SET updated_at = ? WHERE id = ?", (dt_out(at), plan_id))
            return dataclasses.replace(note, id=int(cur.lastrowid or 0))

    def plan_notes(self, plan_id: int) -> list[PlanNote]:
        """A plan's progress notes and addenda, oldest first."""
        with self._read("read the plan notes") as conn:
            rows = conn.execute(
                "SELECT n.* FROM plan_notes n JOIN plans p ON p.id = n.plan_id "
                "WHERE n.plan_id = ? AND p.site = ? ORDER BY n.at_ts, n.id",
                (plan_id, self.site),
            ).fetchall()
        return [
            PlanNote(
                id=r["id"],
                plan_id=r["plan_id"],
                at=dt_in(r["at"]),
                who=r["who"],
                kind=NoteKind(r["kind"]),
                text=r["text"],
            )
            for r in rows
        ]

    def last_tl_name(self) -> str:
        """The TL name on the plan filed last ("" when none): the form's default."""
        with self._read("read the last TL name") as conn:
            row = conn.execute(
                "SELECT tl_name FROM plans WHERE site = ? ORDER BY created_ts DESC, id DESC "
                "LIMIT 1",
                (self.site,),
            ).fetchone()
        return str(row["tl_name"]) if row is not None else ""

    def set_status(
        self, plan_id: int, status: PlanStatus | str, who: str, at: datetime
    ) -> RecoveryPlan:
        """Move a plan along the flow (not to verified: use `verify`). Same status: no-op."""
        wanted = PlanStatus(status)
        with self._write("change the plan status") as conn:
            current = self._load_plan(conn, plan_id)
            if current is None:
                raise PlanNotFoundError(plan_id)
            if current.status is wanted:
                return current
            check_transition(current.status, wanted)
            conn.execute(
                "UPDATE plans SET status = ?, updated_at = ? WHERE id = ?",
                (str(wanted), dt_out(at), plan_id),
            )
            conn.execute(
                "INSERT INTO plan_history (plan_id, at, who, field, old, new) "
                "VALUES (?, ?, ?, 'status', ?, ?)",
                (plan_id, dt_out(at), who, str(current.status), str(wanted)),
            )
            return dataclasses.replace(current, status=wanted, updated_at=at)

    def verify(
        self, plan_id: int, verification: Verification, at: datetime
    ) -> RecoveryPlan:
        """Record the KPI value read for the plan's period (beside `actual`, its value when
        filed), when it was read, the verdict, the verifier and the note; the plan becomes
        verified. Only a done plan can be verified; "achieved" only with a value that meets
        the plan's target, an override only with a reason (PlanValidationError otherwise)."""
        v = verification
        with self._write("verify the plan") as conn:
            current = self._load_plan(conn, plan_id)
            if current is None:
                raise PlanNotFoundError(plan_id)
            check_transition(current.status, PlanStatus.VERIFIED, verifying=True)
            errors = verification_errors(current, v)
            if errors:
                raise PlanValidationError(errors)
            when, read = dt_out(at), dt_out(v.read_at)
            conn.execute(
                """UPDATE plans SET status = 'verified', verified_value = ?,
                    verified_achieved = ?, verified_at = ?, verified_period = ?,
                    verified_read_at = ?, verified_counts = ?, verified_by = ?,
                    verified_note = ?, verified_reason = ?, updated_at = ? WHERE id = ?""",
                (
                    v.value,
                    int(v.achieved),
                    when,
                    v.period,
                    read,
                    json_out(v.counts),
                    v.by.strip(),
                    v.note.strip(),
                    v.reason.strip(),
                    when,
                    plan_id,
                ),
            )
            # the value as read, or "no data" in words: never an empty "— → —"
            value_text = "no data" if v.value is None else _text(v.value)
            rows = [
                ("status", str(current.status), "verified"),
                ("verified_value", None, value_text),
                ("verified_period", None, v.period),
                ("verified_read_at", None, read),
                ("verified_achieved", None, str(v.verdict)),
                ("verified_note", None, v.note.strip()),
            ]
            if v.counts:
                rows.append(("verified_counts", None, json_out(v.counts)))
            if v.verdict is Verdict.OVERRIDE:
                rows.append(("verified_reason", None, v.reason.strip()))
            conn.executemany(
                "INSERT INTO plan_history (plan_id, at, who, field, old, new) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [(plan_id, when, v.by.strip(), f, old, new) for f, old, new in rows],
            )
            return dataclasses.replace(
                current,
                status=PlanStatus.VERIFIED,
                verified_value=v.value,
                verified_achieved=v.achieved,
                verified_at=at,
                verified_period=v.period,
                verified_read_at=v.read_at,
                verified_counts=dict(v.counts),
                verified_by=v.by.strip(),
                verified_note=v.note.strip(),
                verified_reason=v.reason.strip(),
                updated_at=at,
            )

    def overdue_plans(self, now: datetime) -> list[RecoveryPlan]:
        """Plans past their due time (latest action due) and not verified, most late first."""
        with self._read("list overdue plans") as conn:
            rows = conn.execute(
                "SELECT * FROM plans WHERE site = ? AND status != 'verified' AND due_ts < ? "
                "ORDER BY due_ts, id",
                (self.site, ts(now)),
            ).fetchall()
            actions: dict[int, list[sqlite3.Row]] = {}
            for a in conn.execute(
                "SELECT a.* FROM plan_actions a JOIN plans p ON p.id = a.plan_id "
                "WHERE p.site = ? AND p.status != 'verified' AND p.due_ts < ? "
                "ORDER BY a.plan_id, a.position",
                (self.site, ts(now)),
            ):
                actions.setdefault(a["plan_id"], []).append(a)
        return [self._row_to_plan(r, actions.get(r["id"], ())) for r in rows]

    def plan_counts(self, now: datetime) -> PlanCounts:
        """Plans by status (every status, 0 when none) and how many are overdue (as
        `overdue_plans`: not verified, past their due time), in one read: two COUNTs, no
        plan loaded. For the metrics endpoint."""
        by_status = {str(s): 0 for s in PlanStatus}
        with self._read("count the recovery plans") as conn:
            for row in conn.execute(
                "SELECT status, COUNT(*) FROM plans WHERE site = ? GROUP BY status", (self.site,)
            ):
                by_status[str(row[0])] = int(row[1])
            overdue = conn.execute(
                "SELECT COUNT(*) FROM plans WHERE site = ? AND status != 'verified' AND due_ts < ?",
                (self.site, ts(now)),
            ).fetchone()[0]
        return PlanCounts(by_status, int(overdue))

    def purge_plans(self, older_than: timedelta, now: datetime, dry_run: bool = False) -> int:
        """Delete plans filed before `now - older_than`, with their actions and history.
        Refuses anything below 730 days. Returns how many plans were (or would be) deleted."""
        if older_than < MIN_RETENTION:
            raise RetentionError(older_than)
        cutoff = ts(now - older_than)
        with self._write("purge old plans") as conn:
            count = conn.execute(
                "SELECT COUNT(*) FROM plans WHERE site = ? AND created_ts < ?", (self.site, cutoff)
            ).fetchone()[0]
            if not dry_run and count:
                conn.execute(
                    "DELETE FROM plans WHERE site = ? AND created_ts < ?", (self.site, cutoff)
                )
        return int(count)

    # ------------------------------------------------------------------ shift record

    def record_interval_kpis(
        self, day: date, period_start: datetime, kpis: Iterable[KpiValue]
    ) -> int:
        """Keep KPI values for the period starting at `period_start`. Recording the same
        (kpi, scope, period, start) again replaces it: the last value of an interval wins."""
        rows = [
            (
                self.site,
                self.tl_name,
                day_out(day),
                k.kpi,
                k.scope,
                k.period,
                dt_out(period_start),
                ts(period_start),
                k.value,
                str(k.status),
                json_out(k.counts),
            )
            for k in kpis
        ]
        with self._write("record KPI values") as conn:
            conn.executemany(
                """INSERT INTO interval_kpis (site, tl_name, day, kpi, scope, period,
                    period_start, period_ts, value, status, counts)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (site, kpi, scope, period, period_ts) DO UPDATE SET
                    tl_name = excluded.tl_name, day = excluded.day, value = excluded.value, status = excluded.status,
                    counts = excluded.counts""",
                rows,
            )
        return len(rows)

    def record_agent_events(self, day: date, events: Iterable[AgentEvent]) -> int:
        """Keep observed state changes; an event already kept is ignored. Returns how many
        were new."""
        rows = [
            (
                self.site,
                self.tl_name,
                day_out(day),
                e.agent_id,
                dt_out(e.at),
                ts(e.at),
                str(e.state),
                e.aux_code or "",
            )
            for e in events
        ]
        with self._write("record agent events") as conn:
            before = conn.total_changes
            conn.executemany(
                "INSERT OR IGNORE INTO agent_events (site, tl_name, day, agent_id, at, at_ts, "
                "state, aux_code) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            return conn.total_changes - before

    def record_alert(self, day: date, alert: Alert) -> None:
        """Keep an alert as it is now (its lifecycle too): the same key raised at the same
        instant is updated, not doubled; its steps are added (a step kept is ignored)."""
        raised = ts(alert.raised_at)
        with self._write("record the alert") as conn:
            conn.execute(
                """INSERT INTO alerts (site, tl_name, day, key, kind, severity, at, at_ts,
                    message, agent_id, code, kpi, scope, value, limit_value, acknowledged_at,
                    what, params, condition, state, acked_by, snoozed_until, snooze_reason,
                    resolved_at, resolution)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (site, key, at_ts) DO UPDATE SET severity = excluded.severity,
                    message = excluded.message, value = excluded.value,
                    limit_value = excluded.limit_value, code = excluded.code,
                    acknowledged_at = coalesce(excluded.acknowledged_at, alerts.acknowledged_at),
                    what = excluded.what, params = excluded.params, state = excluded.state,
                    acked_by = excluded.acked_by, snoozed_until = excluded.snoozed_until,
                    snooze_reason = excluded.snooze_reason, resolved_at = excluded.resolved_at,
                    resolution = excluded.resolution""",
                (
                    self.site,
                    self.tl_name,
                    day_out(day),
                    alert.key,
                    str(alert.kind),
                    str(alert.severity),
                    dt_out(alert.raised_at),
                    raised,
                    alert.message,
                    alert.agent_id,
                    alert.code,
                    alert.kpi,
                    alert.scope,
                    alert.value,
                    alert.limit,
                    dt_out_opt(alert.acked_at),
                    alert.what,
                    json_out(dict(alert.params)),
                    alert.condition,
                    str(alert.state),
                    alert.acked_by,
                    dt_out_opt(alert.snoozed_until),
                    alert.snooze_reason,
                    dt_out_opt(alert.resolved_at),
                    alert.resolution,
                ),
            )
            conn.executemany(
                """INSERT OR IGNORE INTO alert_steps (site, alert_key, raised_ts, step, at,
                    at_ts, who, until, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                [
                    (
                        self.site,
                        alert.key,
                        raised,
                        st.step,
                        dt_out(st.at),
                        ts(st.at),
                        st.who,
                        dt_out_opt(st.until),
                        st.reason,
                    )
                    for st in alert.steps
                ],
            )

    def record_excuse(self, day: date, note: ExcuseNote) -> None:
        """Keep a TL's excuse (an agent's period, or a neutral window: agent None)."""
        with self._write("record the excuse") as conn:
            conn.execute(
                """INSERT INTO excuses (site, day, agent_id, start, start_ts, "end", end_ts,
                    reason, who, at, at_ts, alert_key, resolved)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (
                    self.site,
                    day_out(day),
                    note.agent_id,
                    dt_out(note.start),
                    ts(note.start),
                    dt_out(note.end),
                    ts(note.end),
                    note.reason,
                    note.who,
                    dt_out(note.at),
                    ts(note.at),
                    note.alert_key,
                    json_out(list(note.resolved)),
                ),
            )

    def excuses(
        self, day: date | None = None, since: datetime | None = None, until: datetime | None = None
    ) -> list[ExcuseNote]:
        """Excuses of a site day and/or overlapping [since, until), in time order."""
        params = self._range(day, since, until)
        with self._read("read excuses") as conn:
            rows = conn.execute(
                """SELECT * FROM excuses WHERE site = :site AND (:day IS NULL OR day = :day)
                    AND (:since IS NULL OR end_ts > :since)
                    AND (:until IS NULL OR start_ts < :until)
                ORDER BY start_ts, id""",
                params,
            ).fetchall()
        return [
            ExcuseNote(
                r["agent_id"],
                dt_in(r["start"]),
                dt_in(r["end"]),
                r["reason"],
                r["who"],
                dt_in(r["at"]),
                r["alert_key"],
                tuple(json_in(r["resolved"]) or ()),
            )
            for r in rows
        ]

    def acknowledge_alert(self, key: str, at: datetime) -> int:
        """Mark every unacknowledged alert with this key as acknowledged at `at`."""
        with self._write("acknowledge the alert") as conn:
            cur = conn.execute(
                """UPDATE alerts SET acknowledged_at = ?,
                    state = CASE state WHEN 'open' THEN 'acknowledged' ELSE state END
                WHERE site = ? AND key = ? AND acknowledged_at IS NULL""",
                (dt_out(at), self.site, key),
            )
            return cur.rowcount

    def save_monitor_state(self, day: date, state_json: str, at: datetime | None = None) -> None:
        saved = at or datetime.now().astimezone()
        with self._write("save the monitor state") as conn:
            conn.execute(
                """INSERT INTO monitor_state (site, tl_name, day, state, saved_at)
                VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (site, day) DO UPDATE SET state = excluded.state,
                    tl_name = excluded.tl_name, saved_at = excluded.saved_at""",
                (self.site, self.tl_name, day_out(day), state_json, dt_out(saved)),
            )

    def load_monitor_state(self, day: date) -> str | None:
        with self._read("load the monitor state") as conn:
            row = conn.execute(
                "SELECT state FROM monitor_state WHERE site = ? AND day = ?",
                (self.site, day_out(day)),
            ).fetchone()
        return None if row is None else str(row[0])

    def monitor_state_saved_at(self, day: date) -> datetime | None:
        """When the monitor state of `day` was last saved (the app saves it on exit): the
        last instant a report knows the app was running."""
        with self._read("read when the monitor state was saved") as conn:
            row = conn.execute(
                "SELECT saved_at FROM monitor_state WHERE site = ? AND day = ?",
                (self.site, day_out(day)),
            ).fetchone()
        return None if row is None else dt_in(row[0])

    def record_roster(self, roster: Roster, at: datetime | None = None) -> None:
        """Keep the day's roster as last read (replaces the earlier copy of that day)."""
        saved = at or datetime.now().astimezone()
        with self._write("save the roster") as conn:
            conn.execute(
                """INSERT INTO rosters (site, tl_name, day, roster, saved_at)
                VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (site, day) DO UPDATE SET roster = excluded.roster,
                    tl_name = excluded.tl_name, saved_at = excluded.saved_at""",
                (self.site, self.tl_name, day_out(roster.date), roster_out(roster), dt_out(saved)),
            )

    def load_roster(self, day: date) -> Roster | None:
        with self._read("load the roster") as conn:
            row = conn.execute(
                "SELECT roster FROM rosters WHERE site = ? AND day = ?",
                (self.site, day_out(day)),
            ).fetchone()
        return None if row is None else roster_in(str(row[0]))

    def _range(
        self, day: date | None, since: datetime | None, until: datetime | None
    ) -> dict[str, Any]:
        return {
            "site": self.site,
            "day": None if day is None else day_out(day),
            "since": None if since is None else ts(since),
            "until": None if until is None else ts(until),
        }

    def interval_kpis(
        self,
        day: date | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        kpi: str | None = None,
        scope: str | None = None,
        period: str | None = None,
    ) -> list[KpiRecord]:
        """KPI values of a site day and/or with period start in [since, until)."""
        params = self._range(day, since, until) | {"kpi": kpi, "scope": scope, "period": period}
        with self._read("read KPI values") as conn:
            rows = conn.execute(
                """SELECT * FROM interval_kpis WHERE site = :site
                    AND (:day IS NULL OR day = :day)
                    AND (:since IS NULL OR period_ts >= :since)
                    AND (:until IS NULL OR period_ts < :until)
                    AND (:kpi IS NULL OR kpi = :kpi) AND (:scope IS NULL OR scope = :scope)
                    AND (:period IS NULL OR period = :period)
                ORDER BY period_ts, kpi, scope, period""",
                params,
            ).fetchall()
        return [
            KpiRecord(
                date.fromisoformat(r["day"]),
                r["kpi"],
                r["scope"],
                r["period"],
                dt_in(r["period_start"]),
                r["value"],
                Status(r["status"]),
                json_in(r["counts"]) or {},
            )
            for r in rows
        ]

    def agent_events(
        self,
        day: date | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        agent_id: str | None = None,
    ) -> list[AgentEvent]:
        """Events of a site day and/or at in [since, until), in time order."""
        params = self._range(day, since, until) | {"agent_id": agent_id}
        with self._read("read agent events") as conn:
            rows = conn.execute(
                """SELECT * FROM agent_events WHERE site = :site
                    AND (:day IS NULL OR day = :day)
                    AND (:since IS NULL OR at_ts >= :since)
                    AND (:until IS NULL OR at_ts < :until)
                    AND (:agent_id IS NULL OR agent_id = :agent_id)
                ORDER BY at_ts, agent_id""",
                params,
            ).fetchall()
        return [
            AgentEvent(r["agent_id"], dt_in(r["at"]), r["state"], r["aux_code"] or None)
            for r in rows
        ]

    def alerts(
        self,
        day: date | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        kind: AlertKind | str | None = None,
    ) -> list[AlertRecord]:
        """Alerts of a site day and/or raised in [since, until), in time order, with their
        lifecycle and steps."""
        params = self._range(day, since, until) | {"kind": None if kind is None else str(kind)}
        where = """a.site = :site AND (:day IS NULL OR a.day = :day)
                    AND (:since IS NULL OR a.at_ts >= :since)
                    AND (:until IS NULL OR a.at_ts < :until)
                    AND (:kind IS NULL OR a.kind = :kind)"""
        with self._read("read alerts") as conn:
            rows = conn.execute(
                f"SELECT * FROM alerts a WHERE {where} ORDER BY a.at_ts, a.id",  # noqa: S608
                params,
            ).fetchall()
            step_rows = conn.execute(
                "SELECT s.* FROM alert_steps s JOIN alerts a ON a.key = s.alert_key "  # noqa: S608
                f"AND a.at_ts = s.raised_ts AND a.site = s.site WHERE {where} "
                "ORDER BY s.at_ts, s.id",
                params,
            ).fetchall()
        steps: dict[tuple[str, float], list[AlertStep]] = {}
        for r in step_rows:
            steps.setdefault((r["alert_key"], r["raised_ts"]), []).append(
                AlertStep(r["step"], dt_in(r["at"]), r["who"], dt_in_opt(r["until"]), r["reason"])
            )
        return [
            AlertRecord(
                date.fromisoformat(r["day"]),
                Alert(
                    key=r["key"],
                    kind=AlertKind(r["kind"]),
                    severity=Severity(r["severity"]),
                    raised_at=dt_in(r["at"]),
                    message=r["message"],
                    agent_id=r["agent_id"],
                    code=r["code"],
                    kpi=r["kpi"],
                    scope=r["scope"],
                    value=r["value"],
                    limit=r["limit_value"],
                    what=r["what"],
                    params=json_in(r["params"]) or {},
                    condition=r["condition"],
                    state=AlertState(r["state"]),
                    acked_by=r["acked_by"],
                    acked_at=dt_in_opt(r["acknowledged_at"]),
                    snoozed_until=dt_in_opt(r["snoozed_until"]),
                    snooze_reason=r["snooze_reason"],
                    resolved_at=dt_in_opt(r["resolved_at"]),
                    resolution=r["resolution"],
                    steps=tuple(steps.get((r["key"], r["at_ts"]), ())),
                ),
                dt_in_opt(r["acknowledged_at"]),
            )
            for r in rows
        ]
