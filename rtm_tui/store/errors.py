"""Store errors: one class, a sentence a TL can act on, and the SQLite cause kept."""

from __future__ import annotations

import sqlite3
from pathlib import Path


class StoreError(Exception):
    """A save or read failed. `str(exc)` is meant for the screen; `kind` for code:
    `busy` (another instance holds the lock), `read_only`, `disk_full`, `corrupt`,
    `newer_schema`, `not_found`, `io`; on PostgreSQL also `unreachable` (the server is
    down or cannot be reached); `conflict` (PlanConflict)."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


class PlanNotFoundError(StoreError, LookupError):
    def __init__(self, plan_id: int) -> None:
        super().__init__("not_found", f"recovery plan #{plan_id} does not exist")
        self.plan_id = plan_id


class PlanConflict(StoreError):
    """The plan was edited by someone else since this copy was read: nothing was saved.
    The caller keeps what was typed; the message says who and when."""

    def __init__(self, plan_id: int, who: str, at: str) -> None:
        super().__init__(
            "conflict",
            f"recovery plan #{plan_id} was changed by {who} at {at} since you opened it: "
            "your edit was not saved and what you typed is kept; reopen the plan to see "
            "their change, then save yours again",
        )
        self.plan_id = plan_id
        self.who = who


_KIND_BY_CODE = {
    "SQLITE_BUSY": "busy",
    "SQLITE_LOCKED": "busy",
    "SQLITE_READONLY": "read_only",
    "SQLITE_FULL": "disk_full",
    "SQLITE_CORRUPT": "corrupt",
    "SQLITE_NOTADB": "corrupt",
    "SQLITE_CANTOPEN": "io",
    "SQLITE_IOERR": "io",
    "SQLITE_PERM": "read_only",
}


def store_error(exc: sqlite3.Error, path: Path, doing: str) -> StoreError:
    """Translate a sqlite3 error raised while `doing` (e.g. "save the plan")."""
    name = (getattr(exc, "sqlite_errorname", None) or "").split("_")
    code = "_".join(name[:2])  # SQLITE_BUSY_SNAPSHOT -> SQLITE_BUSY
    text = str(exc).lower()
    kind = _KIND_BY_CODE.get(code)
    if kind is None:  # older drivers or errors without a code: fall back on the text
        if "locked" in text or "busy" in text:
            kind = "busy"
        elif "readonly" in text or "read-only" in text:
            kind = "read_only"
        elif "full" in text:
            kind = "disk_full"
        elif "malformed" in text or "not a database" in text:
            kind = "corrupt"
        else:
            kind = "io"
    message = {
        "busy": f"could not {doing}: the database is busy (another rtm is writing to it); "
        "nothing was changed, try again",
        "read_only": f"could not {doing}: the database is read-only ({path}); "
        "check the file and folder permissions",
        "disk_full": f"could not {doing}: the disk is full ({path}); free some space and "
        "try again, nothing was changed",
        "corrupt": f"could not {doing}: the database file is damaged or not an rtm database "
        f"({path}); keep a copy and restore from a backup",
        "io": f"could not {doing}: {exc} ({path})",
    }[kind]
    if code == "SQLITE_CANTOPEN":
        message = (
            f"could not {doing}: cannot open or create the database file {path}; "
            "check that its folder exists and is writable"
        )
    err = StoreError(kind, message)
    err.__cause__ = exc
    return err
