"""The Store on a shared PostgreSQL database (`[storage] url = "postgresql://..."`).

Every data method is the SQLite Store's own, unchanged: they run their SQL on what
`_write()`/`_read()` yield, and here that is a `pg_engine.PgConnection`. Only the
engine's own parts differ:

- a write transaction takes rtm's advisory lock first (`pg_advisory_xact_lock`), so
  writers from several instances run one at a time, as `BEGIN IMMEDIATE` makes them on
  SQLite; a read-modify-write (a plan edit, a status move) never loses a change. The wait
  is bounded by the busy timeout (`lock_timeout`), then a `busy` StoreError;
- a read is one REPEATABLE READ, READ ONLY transaction (a consistent snapshot);
- the server going away (restart, network) is a StoreError of kind `unreachable`; the
  connection is dropped and opened again at the next use, with `server_down` and
  `server_back` events for the app to show. Nothing is written half way (the transaction rolls back),
  and the recorder keeps what it could not write;
- a role without write rights opens read-only (`health`), saves say so.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import cast

import psycopg

from rtm_tui.store.errors import StoreError
from rtm_tui.store.pg_engine import (
    WRITE_LOCK_KEY,
    PgConnection,
    PgTarget,
    apply_pg_migrations,
    check_url,
    connect,
    pg_store_error,
    schema_version,
)
from rtm_tui.store.schema import SCHEMA_VERSION, UNLABELLED_SITE
from rtm_tui.store.sqlite_store import DEFAULT_BUSY_TIMEOUT, Store

# StoreEvent kinds of a shared database (beside `writable`, as on SQLite)
SERVER_DOWN = "server_down"  # cannot reach the server: what waits is written when it is back
SERVER_BACK = "server_back"
READ_ONLY_ROLE = "read_only_role"  # the database user may read, not write


def _may_write(conn: PgConnection) -> bool:
    row = conn.raw.execute(
        "SELECT has_table_privilege('plans', 'INSERT') AND has_table_privilege('plans', 'UPDATE')"
    ).fetchone()
    return bool(row and row[0])


class PgStore(Store):
    """Open with `PgStore.open_target(PgTarget(url, password))` or `Store.open_url`."""

    def __init__(  # the SQLite file watch is not set up: there is no file
        self,
        conn: PgConnection | None,
        target: PgTarget,
        *,
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
        read_only: bool = False,
        open_error: StoreError | None = None,
        site: str = UNLABELLED_SITE,
        tl_name: str = "",
        adopt: bool = True,
    ) -> None:
        self.target = target
        self._pg = conn
        super().__init__(
            None,
            Path(target.display),
            busy_timeout=busy_timeout,
            site=site,
            tl_name=tl_name,
            adopt=adopt,
        )
        self._read_only = read_only
        self._open_error = open_error
        if open_error is not None:
            self._event(SERVER_DOWN, str(open_error))
        elif read_only:
            self._event(READ_ONLY_ROLE)

    @classmethod
    def open_target(
        cls,
        target: PgTarget,
        *,
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
        retry: bool = False,
        site: str = UNLABELLED_SITE,
        tl_name: str = "",
        adopt: bool = True,
    ) -> PgStore:
        """Connect and migrate; StoreError if it cannot, or with `retry` a store that says
        so and tries again at each use. `site`, `tl_name`, `adopt`: as `Store.open`."""
        check_url(target.url)
        try:
            conn, read_only = cls._connect_pg(target, busy_timeout)
        except StoreError as exc:
            if not retry:
                raise
            return cls(
                None,
                target,
                busy_timeout=busy_timeout,
                open_error=exc,
                site=site,
                tl_name=tl_name,
                adopt=adopt,
            )
        return cls(
            conn,
            target,
            busy_timeout=busy_timeout,
            read_only=read_only,
            site=site,
            tl_name=tl_name,
            adopt=adopt,
        )

    @staticmethod
    def _connect_pg(target: PgTarget, busy_timeout: float) -> tuple[PgConnection, bool]:
        conn = connect(target, busy_timeout)
        try:
            found = schema_version(conn)
            if found > SCHEMA_VERSION:
                raise StoreError(
                    "newer_schema",
                    f"the database {target.display} was written by a newer rtm (schema "
                    f"{found}, this version knows {SCHEMA_VERSION}); upgrade rtm to open it",
                )
            if found < SCHEMA_VERSION:
                apply_pg_migrations(conn)
            read_only = not _may_write(conn)
        except psycopg.Error as exc:
            conn.close()
            raise pg_store_error(exc, target, "open the database") from None
        except BaseException:
            conn.close()
            raise
        return conn, read_only

    # ------------------------------------------------------------------ lifecycle

    @property
    def health(self) -> str:
        if self._pg is None:
            return "unavailable"
        return "read_only" if self._read_only else "ok"

    def close(self) -> None:
        with self._lock:
            self._closed = True
            if self._pg is not None:
                self._pg.close()
                self._pg = None

    def _drop(self, error: StoreError) -> None:
        """The server went away: forget the connection, say so once."""
        if self._pg is not None:
            try:
                self._pg.close()
            except psycopg.Error:
                pass
            self._pg = None
        if self._open_error is None:
            self._event(SERVER_DOWN, str(error))
        self._open_error = error

    def _reopen(self) -> None:
        try:
            conn, read_only = self._connect_pg(self.target, self._busy_timeout)
        except StoreError as exc:
            self._drop(exc)
            raise
        self._pg = conn
        if self._open_error is not None:
            self._open_error = None
            self._event(SERVER_BACK)
        if read_only and not self._read_only:
            self._event(READ_ONLY_ROLE)
        elif self._read_only and not read_only:
            self._event("writable")
        self._read_only = read_only

    def _ready_pg(self, write: bool, doing: str) -> PgConnection:
        if self._closed:
            raise StoreError("io", f"could not {doing}: the store is closed ({self.path})")
        if self._pg is None or self._pg.raw.closed or self._pg.raw.broken:
            self._pg = None
            self._reopen()
        elif write and self._read_only:
            try:
                writable = _may_write(self._pg)
            except psycopg.Error:
                writable = False
            if writable:
                self._read_only = False
                self._event("writable")
        assert self._pg is not None
        return self._pg

    @property
    def schema_version(self) -> int:
        with self._lock:
            conn = self._ready_pg(False, "read the schema version")
            try:
                return schema_version(conn)
            except psycopg.Error as exc:
                raise self._failed(exc, "read the schema version", write=False) from exc

    def _failed(self, exc: psycopg.Error, doing: str, *, write: bool) -> StoreError:
        error = pg_store_error(exc, self.target, doing)
        if error.kind == "unreachable":
            self._drop(error)
        elif write and error.kind == "read_only":
            self._read_only = True
        return error

    @contextmanager
    def _transaction(  # type: ignore[override]  # yields the adapter, see below
        self, begin: str, doing: str, *, write: bool
    ) -> Iterator[object]:
        with self._lock:
            self._adopt_once()
            conn = self._begin(write, doing)
            raw = conn.raw
            try:
                yield conn
                raw.execute("COMMIT")
            except psycopg.Error as exc:
                self._rollback()
                raise self._failed(exc, doing, write=write) from exc
            except BaseException:
                self._rollback()
                raise

    def _begin(self, write: bool, doing: str) -> PgConnection:
        """A connection inside a new transaction. A connection found dead at BEGIN (the
        server restarted since the last use) is opened again once at once: nothing had
        been sent, so nothing is done twice."""
        for attempt in (1, 2):
            conn = self._ready_pg(write, doing)
            raw = conn.raw
            try:
                if write:
                    raw.execute("BEGIN")
                    # a parameter cannot be used in SET; the value is an int we computed
                    raw.execute(f"SET LOCAL lock_timeout = {int(self._busy_timeout * 1000)}")
                    raw.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK_KEY,))
                else:
                    raw.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                return conn
            except psycopg.OperationalError as exc:
                self._rollback()
                if attempt == 2 or not raw.broken:
                    raise self._failed(exc, doing, write=write) from exc
                self._pg = None  # gone while idle: one fresh connection, quietly
            except psycopg.Error as exc:
                self._rollback()
                raise self._failed(exc, doing, write=write) from exc
        raise AssertionError("unreachable")

    def _rollback(self) -> None:
        if self._pg is not None and not self._pg.raw.closed and self._pg.in_transaction:
            try:
                self._pg.raw.execute("ROLLBACK")
            except psycopg.Error:
                pass  # the connection is gone; the server rolled back

    def _check_file(self) -> None:  # no file to watch
        return


def open_pg(
    url: str,
    password: str | None = None,
    *,
    busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
    retry: bool = False,
    site: str = UNLABELLED_SITE,
    tl_name: str = "",
    adopt: bool = True,
) -> Store:
    return cast(
        Store,
        PgStore.open_target(
            PgTarget(url, password),
            busy_timeout=busy_timeout,
            retry=retry,
            site=site,
            tl_name=tl_name,
            adopt=adopt,
        ),
    )
