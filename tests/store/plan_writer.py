"""Run as a separate process by the store tests: saves plans in a loop and prints
`saved <id> <note>` only after save_plan has returned (i.e. after the commit)."""

from __future__ import annotations

import os
import sys
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from rtm_tui.domain.plans import PlanAction, PlanStatus, RecoveryPlan, RootCause
from rtm_tui.domain.types import AgentState
from rtm_tui.store import AgentEvent, Store

JKT = ZoneInfo("Asia/Jakarta")
T0 = datetime(2025, 3, 10, 9, 30, tzinfo=JKT)


def main() -> None:
    path, label, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    # a file path or a postgresql:// URL (its password in RTM_TEST_PGPASSWORD)
    store = Store.open_url(path, password=os.environ.get("RTM_TEST_PGPASSWORD"))
    i = 0
    while count == 0 or i < count:
        at = T0 + timedelta(seconds=i)
        plan = store.save_plan(
            RecoveryPlan(
                created_at=at,
                date=at.date(),
                tl_shift="pagi",
                interval_start=at,
                kpi="abandon",
                scope="all",
                actual=9.5,
                root_cause=RootCause.EXCESS_AUX,
                analysis=f"writer {label} plan {i}",
                actions=(PlanAction("Recall agents from AUX", label, at + timedelta(hours=1)),),
                tl_name=label,
                note=f"{label}-{i}",
            ),
            who=label,
        )
        store.set_status(plan.id, PlanStatus.IN_PROGRESS, label, at)
        store.record_agent_events(
            at.date(), [AgentEvent(f"{label}-{i}", at, str(AgentState.AUX), "TOILET")]
        )
        print(f"saved {plan.id} {label}-{i}", flush=True)
        i += 1
    store.close()


if __name__ == "__main__":
    main()
