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


ENGINES = ("sqlite", "postgres")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A test of the `store` (or `store_url`) runs on both engines, unless it also reads
    the SQLite file itself (`db_path`): then on SQLite only."""
    names = metafunc.fixturenames
    if "engine" in names:
        sqlite_only = "db_path" in names and "store_url" not in names
        metafunc.parametrize("engine", ("sqlite",) if sqlite_only else ENGINES)


@pytest.fixture
def engine() -> str:  # parametrised above
    return "sqlite"


@pytest.fixture
def store_url(engine: str, request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, str | None]:
    """(url, password) of an empty database on the engine under test."""
    if engine == "postgres":
        url, password = request.getfixturevalue("pg_database")
        return url, password
    return f"sqlite:{tmp_path / 'data' / 'rtm.sqlite3'}", None


@pytest.fixture
def open_store(store_url: tuple[str, str | None]) -> Iterator[Callable[..., Store]]:
    """Open another instance on the test's database (closed at the end)."""
    opened: list[Store] = []

    def open_(**kwargs: object) -> Store:
        s = Store.open_url(store_url[0], password=store_url[1], **kwargs)  # type: ignore[arg-type]
        opened.append(s)
        return s

    yield open_
    for s in opened:
        s.close()


@pytest.fixture
def store(engine: str, request: pytest.FixtureRequest) -> Iterator[Store]:
    if engine == "sqlite":
        s = Store.open(request.getfixturevalue("db_path"))
    else:
        url, password = request.getfixturevalue("store_url")
        s = Store.open_url(url, password=password)
    yield s
    s.close()


@pytest.fixture
def day() -> date:
    return T0.date()
