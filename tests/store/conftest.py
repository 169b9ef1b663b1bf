from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from rtm_tui.domain.plans import PlanAction, RecoveryPlan, RootCause
from rtm_tui.store import Store

JKT = ZoneInfo("Asia/Jakarta")
T0 = datetime(2025, 3, 10, 9, 30, tzinfo=JKT)


def sample_plan(at: datetime = T0, **changes: object) -> RecoveryPlan:
    fields: dict[str, object] = dict(
        created_at=at + timedelta(minutes=2),
        date=at.date(),
        tl_shift="pagi",
        interval_start=at,
        kpi="service_level",
        scope="q_general",
        sla=80.0,
        slg=70.0,
        actual=62.5,
        counts={"offered": 120, "answered_within_sl": 75},
        suggested_actions=("Move 2 agents from email to voice",),
        root_cause=RootCause.VOLUME_SPIKE,
        analysis="Promo SMS blast at 09:00 doubled the calls",
        actions=(
            PlanAction("Pull 2 agents from email to voice", "Rina", at + timedelta(minutes=30)),
            PlanAction("Delay coaching session", "Budi", at + timedelta(minutes=60)),
        ),
        tl_name="Rina",
        note="Ann [/] [bold]not markup[/bold]",
    )
    fields.update(changes)
    return RecoveryPlan(**fields)  # type: ignore[arg-type]


@pytest.fixture
def make_plan() -> Callable[..., RecoveryPlan]:
    return sample_plan


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "rtm.sqlite3"


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    s = Store.open(db_path)
    yield s
    s.close()


@pytest.fixture
def day() -> date:
    return T0.date()
