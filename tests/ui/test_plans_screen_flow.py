"""The Plans screen over a real SQLite file: list, filters, status flow, verification."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from textual.app import App
from textual.widgets import DataTable, Input, Select, Static

from rtm_tui.clock import FrozenClock
from rtm_tui.domain.plans import PlanAction, PlanStatus, RecoveryPlan, RootCause
from rtm_tui.domain.types import Direction, KpiTarget, KpiValue, Status
from rtm_tui.store import Store
from rtm_tui.ui.plans_screen import PlansScreen, VerifyPlanScreen, kpi_now_from_view

JKT = ZoneInfo("Asia/Jakarta")
DAY = date(2025, 3, 10)
NOW = datetime(2025, 3, 10, 16, 0, tzinfo=JKT)


def plan(
    at: datetime, kpi: str, shift: str, due_in: timedelta, actual: float, **more: object
) -> RecoveryPlan:
    fields: dict[str, object] = dict(
        created_at=at + timedelta(minutes=5),
        date=at.date(),
        tl_shift=shift,
        interval_start=at,
        kpi=kpi,
        scope="q_general",
        actual=actual,
        sla=95.0,
        slg=90.0,
        root_cause=RootCause.EXCESS_AUX,
        analysis="Three agents in TOILET at once [bold]",
        actions=(PlanAction("Bring Ann [/] back from AUX", "Budi", at + due_in),),
        tl_name="Rina",
        counts={"answered": 44, "offered": 50},
    )
    fields.update(more)
    return RecoveryPlan(**fields)  # type: ignore[arg-type]


@pytest.fixture
def seeded(tmp_path: Path) -> Path:
    db = tmp_path / "rtm.sqlite3"
    with Store.open(db) as s:
        # 1: yesterday, pagi, AHT, due long ago (overdue)
        s.save_plan(
            plan(datetime(2025, 3, 9, 9, 0, tzinfo=JKT), "aht", "pagi", timedelta(hours=1), 250),
            "Rina",
        )
        # 2: today, siang, SCR, due 17:00 (not overdue at 16:00)
        s.save_plan(
            plan(
                datetime(2025, 3, 10, 15, 30, tzinfo=JKT),
                "scr",
                "siang",
                timedelta(minutes=90),
                88.0,
            ),
            "Rina",
        )
        # 3: today, pagi, SCR, due 10:00 (overdue)
        s.save_plan(
            plan(datetime(2025, 3, 10, 9, 0, tzinfo=JKT), "scr", "pagi", timedelta(hours=1), 89.5),
            "Rina",
        )
    return db


SCR_NOW = KpiValue(
    "scr",
    "q_general",
    "interval",
    96.2,
    Status.OK,
    KpiTarget("scr", Direction.HIGHER, 95.0, 90.0),
)


class Host(App[None]):
    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.clock = FrozenClock(NOW)
        self.asked: list[tuple[str, str]] = []
        self.kpis_now: tuple[KpiValue, ...] = (SCR_NOW,)

    def current_kpi(self, kpi: str, scope: str, period: str) -> KpiValue | None:
        self.asked.append((kpi, scope))
        return kpi_now_from_view(self.kpis_now, kpi, scope, period)

    def on_mount(self) -> None:
        self.push_screen(
            PlansScreen(self.store, JKT, self.current_kpi, clock=self.clock, who="Sari")
        )


def screen_of(app: App) -> PlansScreen:
    assert isinstance(app.screen, PlansScreen)
    return app.screen


def listed_ids(screen: PlansScreen) -> list[int]:
    return [p.id for p in screen.plans if p.id is not None]


def cell(screen: PlansScreen, plan_id: int, column: str) -> str:
    table = screen.query_one("#plans-table", DataTable)
    return str(table.get_cell(str(plan_id), column))


def detail(screen: PlansScreen) -> str:
    return str(screen.query_one("#plan-detail-text", Static).render())


async def test_list_shows_newest_first_and_marks_overdue(seeded: Path) -> None:
    store = Store.open(seeded)
    app = Host(store)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        screen = screen_of(app)
        assert listed_ids(screen) == [2, 3, 1]
        assert "3 shown, 2 overdue" in str(screen.query_one("#plans-title", Static).render())
        assert cell(screen, 3, "status") == "Open · OVERDUE"
        assert cell(screen, 2, "status") == "Open"
        assert cell(screen, 1, "status") == "Open · OVERDUE"
        assert cell(screen, 2, "actual") == "88.0 %"
        assert cell(screen, 1, "actual") == "4:10"
        assert cell(screen, 2, "due") == "17:00"
        # the detail shows the highlighted plan, names as plain text
        text = detail(screen)
        assert "Plan #2" in text and "Bring Ann [/] back from AUX" in text
        assert "Three agents in TOILET at once [bold]" in text
        await pilot.press("down")
        assert "Plan #3" in detail(screen)
    store.close()


async def test_filters_date_range_status_kpi_shift(seeded: Path) -> None:
    store = Store.open(seeded)
    app = Host(store)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        screen = screen_of(app)
        await pilot.press("slash")  # focus: since
        assert app.focused is screen.query_one("#f-since", Input)
        await pilot.press("ctrl+a", "ctrl+k", *"2025-03-10")
        await pilot.pause()
        assert listed_ids(screen) == [2, 3]
        await pilot.press("tab", *"2025-03-0")  # until: not a date yet
        await pilot.pause()
        err = screen.query_one("#filter-error", Static)
        assert "not a date" in str(err.render()) and not err.has_class("-empty")
        assert listed_ids(screen) == [2, 3]  # the last good filter stays
        await pilot.press("9")  # until 2025-03-09 < since
        await pilot.pause()
        assert "'since' is after 'until'" in str(err.render())
        await pilot.press("backspace", "backspace", "1", "0")  # until 2025-03-10
        await pilot.pause()
        assert err.has_class("-empty") and listed_ids(screen) == [2, 3]
        screen.query_one("#f-shift", Select).value = "pagi"
        await pilot.pause()
        assert listed_ids(screen) == [3]
        screen.query_one("#f-shift", Select).clear()
        screen.query_one("#f-since", Input).value = ""
        screen.query_one("#f-until", Input).value = ""
        screen.query_one("#f-kpi").focus()
        await pilot.press(*"aht")
        await pilot.pause()
        assert listed_ids(screen) == [1]
        await pilot.press("enter")  # back to the list; letters are commands again
        assert app.focused is screen.query_one("#plans-table")
        screen.query_one("#f-kpi", Input).value = ""
        screen.query_one("#f-status", Select).value = "in_progress"
        await pilot.pause()
        assert listed_ids(screen) == []
        assert "No plan matches the filters" in detail(screen)
    store.close()


async def test_status_flow_verify_and_history(seeded: Path) -> None:
    store = Store.open(seeded)
    app = Host(store)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        screen = screen_of(app)
        # plan 2 (SCR today, filed at 88.0 %) is on top
        assert screen.selected_plan().id == 2  # type: ignore[union-attr]
        await pilot.press("v")  # not done yet
        await pilot.pause()
        assert not isinstance(app.screen, VerifyPlanScreen)
        message = str(screen.query_one("#plans-message", Static).render())
        assert "mark it done first" in message
        await pilot.press("n")
        await pilot.pause()
        assert cell(screen, 2, "status") == "In progress"
        app.clock.advance(600)
        await pilot.press("n")
        await pilot.pause()
        assert cell(screen, 2, "status") == "Done"
        await pilot.press("b")
        await pilot.pause()
        assert cell(screen, 2, "status") == "In progress"
        await pilot.press("n")
        await pilot.pause()
        assert screen.selected_plan().id == 2  # type: ignore[union-attr]
        await pilot.press("v")
        await pilot.pause()
        verify = app.screen
        assert isinstance(verify, VerifyPlanScreen)
        body = str(verify.query_one("#verify-body", Static).render())
        assert "When filed    88.0 %  (interval)" in body
        assert "Now           96.2 %  (ok, interval, read 16:10)" in body
        assert "Meets target  yes" in body
        assert app.asked == [("scr", "q_general")]
        await record(pilot, "Ach", note="SCR 96.2 % on the wallboard")
        assert app.screen is screen
        assert app.screen is screen
        assert cell(screen, 2, "status") == "Verified ✓ achieved"
        text = detail(screen)
        assert "96.2 %" in text and "achieved" in text
        for line in (
            "Rina  filed",
            "Sari  Status: Open → In progress",
            "Sari  Status: In progress → Done",
            "Sari  Status: Done → In progress",
            "Sari  Status: Done → Verified",
            "Sari  Value at verification: 96.2 %",
            "Sari  Period verified: interval",
            "Sari  Result: Achieved",
            "Sari  Verification note: SCR 96.2 % on the wallboard",
        ):
            assert line in text, line
        await pilot.press("n")  # verified is final
        await pilot.pause()
        assert "verified is final" in str(screen.query_one("#plans-message", Static).render())
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, PlansScreen)
    store.close()

    with Store.open(seeded) as again:
        stored = again.get_plan(2)
        assert stored is not None
        assert stored.status is PlanStatus.VERIFIED
        assert (stored.verified_value, stored.verified_achieved) == (96.2, True)
        assert stored.actual == 88.0
        assert stored.verified_at == NOW + timedelta(seconds=600)
        assert [h.who for h in again.plan_history(2)][-1] == "Sari"
        # verified plans are no longer overdue; plan 1 and 3 still are
        assert [p.id for p in again.overdue_plans(NOW)] == [1, 3]


async def record(pilot, verdict: str, note: str = "", reason: str = "", by: str | None = None):
    """In the verify dialog, keys only: the result (typed to search), verifier, note,
    reason, ctrl+s."""
    await pilot.press("enter", *verdict, "enter", "tab")  # result; on to "verified by"
    if by is not None:
        await pilot.press("ctrl+a", "ctrl+k", *[{" ": "space"}.get(c, c) for c in by])
    await pilot.press("tab", *[{" ": "space"}.get(c, c) for c in note])
    await pilot.press("tab", *[{" ": "space"}.get(c, c) for c in reason])
    await pilot.press("ctrl+s")
    await pilot.pause()


def verify_error(app: App) -> str:
    box = app.screen.query_one("#verify-error", Static)
    return "" if box.has_class("-empty") else str(box.render())


async def test_verify_without_a_live_value_and_not_achieved(seeded: Path) -> None:
    store = Store.open(seeded)
    store.set_status(1, PlanStatus.DONE, "Rina", NOW)
    app = Host(store)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        screen = screen_of(app)
        await pilot.press("down", "down")
        assert screen.selected_plan().id == 1  # type: ignore[union-attr]
        await pilot.press("v")
        await pilot.pause()
        body = str(app.screen.query_one("#verify-body", Static).render())
        assert "— (no data for the interval, read 16:00)" in body
        assert "When filed    4:10  (interval)" in body and "Meets target  no" in body
        await pilot.press("escape")  # cancel: nothing changes
        await pilot.pause()
        assert store.get_plan(1).status is PlanStatus.DONE  # type: ignore[union-attr]
        await pilot.press("v")
        await pilot.pause()
        await record(pilot, "Not", note="AHT still over 5:00 on the wallboard")
        assert app.screen is screen
        assert cell(screen, 1, "status") == "Verified ✗ not achieved"
    got = store.get_plan(1)
    assert got is not None and got.verified_achieved is False and got.verified_value is None
    assert got.verified_note == "AHT still over 5:00 on the wallboard"
    assert got.verified_by == "Sari"
    store.close()
