"""Plan counts for the metrics endpoint (`Store.plan_counts`, on either engine)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class PlanCounts:
    """Plans by status (every status, 0 when none) and how many are overdue."""

    by_status: dict[str, int] = field(default_factory=dict)
    overdue: int = 0
