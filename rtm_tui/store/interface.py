"""The plan-keeping interface the UI and reports use. `Store` implements it on SQLite and,
as `PgStore` (`Store.open_url("postgresql://...")`), on a shared PostgreSQL database."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Protocol

from rtm_tui.domain.plans import (
    NoteKind,
    PlanChange,
    PlanNote,
    PlanStatus,
    RecoveryPlan,
    Verification,
)
from rtm_tui.store.counts import PlanCounts


class PlanStore(Protocol):
    def save_plan(
        self, plan: RecoveryPlan, who: str, at: datetime | None = None
    ) -> RecoveryPlan: ...

    def get_plan(self, plan_id: int) -> RecoveryPlan | None: ...

    def list_plans(
        self,
        since: date | None = None,
        until: date | None = None,
        status: PlanStatus | str | None = None,
        kpi: str | None = None,
        tl_shift: str | None = None,
        tl_name: str | None = None,
    ) -> list[RecoveryPlan]: ...

    def plan_history(self, plan_id: int) -> list[PlanChange]: ...

    def set_status(
        self, plan_id: int, status: PlanStatus | str, who: str, at: datetime
    ) -> RecoveryPlan: ...

    def verify(self, plan_id: int, verification: Verification, at: datetime) -> RecoveryPlan: ...

    def add_note(
        self, plan_id: int, kind: NoteKind | str, text: str, who: str, at: datetime
    ) -> PlanNote: ...

    def plan_notes(self, plan_id: int) -> list[PlanNote]: ...

    def last_tl_name(self) -> str: ...

    def overdue_plans(self, now: datetime) -> list[RecoveryPlan]: ...

    def plan_counts(self, now: datetime) -> PlanCounts: ...

    def purge_plans(self, older_than: timedelta, now: datetime, dry_run: bool = False) -> int: ...
