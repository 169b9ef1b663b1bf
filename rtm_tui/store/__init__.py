"""Persistence (a SQLite file, or a shared PostgreSQL): recovery plans with their history,
and the shift record (KPI values per interval, observed agent events, alerts, the
monitor's restart state).

    store = Store.open(settings.database_path(), site="CC Bandung", tl_name="Rina")
    store = Store.open_url(settings.store_url(), password=settings.store_password(),
                           site=settings.site.name, tl_name=settings.site.tl_name)
                                                      # SQLite or the shared PostgreSQL
    # every read is the site's records only, every write names the site (migration 10)
    plan = store.save_plan(plan, who="Rina")          # insert; id is set
    store.set_status(plan.id, PlanStatus.IN_PROGRESS, "Rina", now)

Every failure the TL can meet (busy, read-only, disk full, damaged file, server down, a
plan changed by someone else: PlanConflict) is a StoreError whose message can be shown as
is.
"""

from rtm_tui.store.errors import PlanConflict, PlanNotFoundError, StoreError
from rtm_tui.store.interface import PlanStore
from rtm_tui.store.records import AgentEvent, AlertRecord, KpiRecord, events_from_snapshot
from rtm_tui.store.schema import MIGRATIONS, SCHEMA_VERSION
from rtm_tui.store.sqlite_store import (
    DEFAULT_BUSY_TIMEOUT,
    MIN_RETENTION,
    RetentionError,
    Store,
    StoreEvent,
    apply_migrations,
)

__all__ = [
    "DEFAULT_BUSY_TIMEOUT",
    "MIGRATIONS",
    "MIN_RETENTION",
    "SCHEMA_VERSION",
    "AgentEvent",
    "AlertRecord",
    "KpiRecord",
    "PlanConflict",
    "PlanNotFoundError",
    "PlanStore",
    "RetentionError",
    "Store",
    "StoreError",
    "StoreEvent",
    "apply_migrations",
    "events_from_snapshot",
]
