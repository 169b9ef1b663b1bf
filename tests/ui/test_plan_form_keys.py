"""The recovery plan form, driven by keys only, saving into a real SQLite file."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from textual.app import App
from textual.widgets import OptionList, Select, Static, TextArea

from rtm_tui.domain.plan_draft import PlanDraft
from rtm_tui.domain.plans import PlanStatus, RecoveryPlan, RootCause
from rtm_tui.domain.types import Direction, Status
from rtm_tui.store import Store
from rtm_tui.ui.plan_form import ActionRow, ConfirmDiscard, RecoveryPlanForm, parse_due

JKT = ZoneInfo("Asia/Jakarta")
INTERVAL = datetime(2025, 3, 10, 14, 0, tzinfo=JKT)
NOW = INTERVAL + timedelta(minutes=15)


def make_draft(**changes: object) -> PlanDraft:
    fields: dict[str, object] = dict(
        created_at=NOW,
        date=INTERVAL.date(),
        tl_shift="siang",
        tl_name="Rina",
        interval_start=INTERVAL,
        interval_minutes=30,
        kpi="scr",
        scope="q_general",
        scope_label="General [bold] (q_general)",
        period="interval",
        actual=88.0,
        status=Status.BREACH,
        sla=95.0,
        slg=90.0,
        direction=Direction.HIGHER,
        counts={"answered": 44, "offered": 50},
        suggestions=(
            "Bring Ann [/] back from AUX TOILET (in AUX 14:00, limit 10:00)",
            "Erlang C: 14 agents needed next interval for 80 % in 20 s",
        ),
    )
    fields.update(changes)
    return PlanDraft(**fields)  # type: ignore[arg-type]


class Host(App[None]):
    """A bare app that opens the form and keeps what it returns."""

    def __init__(self, draft: PlanDraft, store: Store) -> None:
        super().__init__()
        self.draft = draft
        self.store = store
        self.results: list[RecoveryPlan | None] = []

    def on_mount(self) -> None:
        self.push_screen(RecoveryPlanForm(self.draft, self.store, JKT), self.results.append)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "rtm.sqlite3"


def form_of(app: App) -> RecoveryPlanForm:
    screen = app.screen
    assert isinstance(screen, RecoveryPlanForm)
    return screen


def error_text(form: RecoveryPlanForm, selector: str) -> str:
    static = form.query_one(selector, Static)
    return "" if static.has_class("-empty") else str(static.render())


async def type_text(pilot, text: str) -> None:
    await pilot.press(*[{" ": "space"}.get(c, c) for c in text])


def test_parse_due_hhmm_and_midnight() -> None:
    assert parse_due("15:00", INTERVAL, JKT) == INTERVAL + timedelta(hours=1)
    assert parse_due("9.30", INTERVAL, JKT) == datetime(2025, 3, 10, 9, 30, tzinfo=JKT)
    late = datetime(2025, 3, 10, 22, 30, tzinfo=JKT)
    assert parse_due("00:30", late, JKT) == datetime(2025, 3, 11, 0, 30, tzinfo=JKT)
    assert parse_due("24:00", INTERVAL, JKT) is None
    assert parse_due("soon", INTERVAL, JKT) is None


async def test_file_a_plan_with_keys_only(db: Path) -> None:
    store = Store.open(db)
    app = Host(make_draft(), store)
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.pause()
        form = form_of(app)
        assert app.focused is form.query_one("#root_cause")
        await pilot.press("tab", "tab")  # root cause, analysis, suggestions
        await pilot.press("enter")  # first suggestion -> first action, focus on its PIC
        await type_text(pilot, "Budi")
        await pilot.press("shift+tab", "shift+tab")  # back to the suggestions
        await pilot.press("down", "enter")  # the Erlang line -> a second action
        await type_text(pilot, "Rina")
        rows = list(form.query(ActionRow))
        assert [r.what.value for r in rows] == [
            "Bring Ann [/] back from AUX TOILET (in AUX 14:00, limit 10:00)",
            "Erlang C: 14 agents needed next interval for 80 % in 20 s",
        ]
        form.query_one("#root_cause").focus()
        await pilot.press("enter")  # open the menu
        await type_text(pilot, "Exc")  # type to search: Excess AUX
        await pilot.press("enter")
        await pilot.press("tab")
        await type_text(pilot, "Ann took 14 min [red]TOILET[/]")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.pause()
    assert len(app.results) == 1 and app.results[0] is not None
    saved = app.results[0]
    store.close()

    # in the real database, read back by a fresh store
    again = Store.open(db)
    plans = again.list_plans()
    assert [p.id for p in plans] == [saved.id]
    plan = plans[0]
    assert plan.root_cause is RootCause.EXCESS_AUX
    assert plan.analysis == "Ann took 14 min [red]TOILET[/]"
    assert [(a.what[:8], a.pic, a.due) for a in plan.actions] == [
        ("Bring An", "Budi", INTERVAL + timedelta(hours=1)),
        ("Erlang C", "Rina", INTERVAL + timedelta(hours=1)),
    ]
    assert (plan.kpi, plan.scope, plan.actual, plan.sla, plan.slg) == (
        "scr",
        "q_general",
        88.0,
        95.0,
        90.0,
    )
    assert plan.counts == {"answered": 44, "offered": 50}
    assert (plan.tl_name, plan.tl_shift, plan.status) == ("Rina", "siang", PlanStatus.OPEN)
    assert len(plan.suggested_actions) == 2
    assert [h.field for h in again.plan_history(plan.id)] == ["created"]
    again.close()


async def test_empty_fields_show_a_message_each_and_focus_the_first(db: Path) -> None:
    store = Store.open(db)
    app = Host(make_draft(tl_name="", tl_shift=None, suggestions=()), store)
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.pause()
        form = form_of(app)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert error_text(form, "#err-root_cause") == "choose a root cause category"
        assert error_text(form, "#err-analysis") == "root cause analysis is required"
        assert error_text(form, "#err-tl_name") == "TL name is required"
        assert error_text(form, "#err-tl_shift") == "choose the TL shift"
        assert error_text(form, "#err-action-0-what") == "say what will be done"
        assert error_text(form, "#err-action-0-pic") == "a person in charge (PIC) is required"
        assert app.focused is form.query_one("#root_cause", Select)
        # a bad due time gets its own message; fixing a field clears its message
        row = form.query_one(ActionRow)
        row.due.value = ""
        form.query_one("#analysis", TextArea).text = "queue spike"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert error_text(form, "#err-analysis") == ""
        assert error_text(form, "#err-action-0-due") == "a due time is required (HH:MM)"
        row.due.value = "13:00"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert error_text(form, "#err-action-0-due") == "due time must be after the interval start"
        assert isinstance(app.screen, RecoveryPlanForm)
    assert app.results == []
    assert store.list_plans() == []
    store.close()


async def fill_minimal(pilot, form: RecoveryPlanForm) -> None:
    form.query_one("#root_cause").focus()
    await pilot.press("enter")
    await type_text(pilot, "Vol")
    await pilot.press("enter", "tab")
    await type_text(pilot, "Promo blast doubled the calls")
    await pilot.press("tab")  # first action: what
    await type_text(pilot, "Move 2 agents from email")
    await pilot.press("tab")
    await type_text(pilot, "Budi")


async def test_failed_save_keeps_the_form_and_a_later_save_works(db: Path) -> None:
    store = Store.open(db, busy_timeout=0.2)
    app = Host(make_draft(suggestions=()), store)
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.pause()
        form = form_of(app)
        await fill_minimal(pilot, form)
        # another program holds the write lock
        other = sqlite3.connect(db, isolation_level=None)
        other.execute("BEGIN EXCLUSIVE")
        await pilot.press("ctrl+s")
        await pilot.pause(0.6)
        assert isinstance(app.screen, RecoveryPlanForm)
        message = error_text(form, "#save-error")
        assert message.startswith("Not saved: could not save")
        assert "busy" in message
        # everything typed is still there
        assert form.query_one("#analysis", TextArea).text == "Promo blast doubled the calls"
        row = form.query_one(ActionRow)
        assert (row.what.value, row.pic.value) == ("Move 2 agents from email", "Budi")
        assert form.query_one("#root_cause", Select).value is RootCause.VOLUME_SPIKE
        other.execute("ROLLBACK")
        other.close()
        await pilot.press("ctrl+s")
        await pilot.pause(0.3)
    assert app.results and app.results[0] is not None
    assert [p.analysis for p in store.list_plans()] == ["Promo blast doubled the calls"]
    store.close()


@contextmanager
def read_only(path: Path) -> Iterator[None]:
    """Make the database file unwritable, even for root (who ignores mode bits)."""
    if os.geteuid() == 0:
        if shutil.which("chattr") is None:
            pytest.skip("running as root without chattr: cannot make the file read-only")
        if subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode:
            pytest.skip("chattr +i not supported on this filesystem")
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", str(path)], check=True)
    else:
        path.chmod(0o444)
        try:
            yield
        finally:
            path.chmod(0o644)


async def test_read_only_database_shows_the_error(db: Path) -> None:
    Store.open(db).close()
    with read_only(db):
        store = Store.open(db)
        app = Host(make_draft(suggestions=()), store)
        async with app.run_test(size=(120, 50)) as pilot:
            await pilot.pause()
            form = form_of(app)
            await fill_minimal(pilot, form)
            await pilot.press("ctrl+s")
            await pilot.pause(0.3)
            assert isinstance(app.screen, RecoveryPlanForm)
            assert "read-only" in error_text(form, "#save-error")
            assert form.query_one(ActionRow).pic.value == "Budi"
        store.close()
    assert app.results == []


async def test_escape_asks_before_throwing_typed_text_away(db: Path) -> None:
    store = Store.open(db)
    app = Host(make_draft(), store)
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.pause()
        form = form_of(app)
        form.query_one("#analysis").focus()
        await type_text(pilot, "half a thought")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDiscard)
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is form
        assert form.query_one("#analysis", TextArea).text == "half a thought"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert not isinstance(app.screen, (RecoveryPlanForm, ConfirmDiscard))
    assert app.results == [None]
    store.close()


async def test_escape_on_an_untouched_form_closes_at_once(db: Path) -> None:
    store = Store.open(db)
    app = Host(make_draft(), store)
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, (RecoveryPlanForm, ConfirmDiscard))
    assert app.results == [None]
    store.close()


async def test_context_is_plain_text_and_actions_can_be_added_and_removed(db: Path) -> None:
    store = Store.open(db)
    app = Host(make_draft(), store)
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.pause()
        form = form_of(app)
        context = str(form.query_one("#plan-context", Static).render())
        assert "General [bold] (q_general)" in context
        assert "SLA 95.0 %" in context and "SLG 90.0 %" in context
        assert "88.0 %" in context and "Answered 44 · Offered 50" in context
        assert "2025-03-10 14:00–14:30" in context
        suggestions = form.query_one("#suggestions", OptionList)
        assert "Ann [/]" in str(suggestions.get_option_at_index(0).prompt)
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert len(form.query(ActionRow)) == 2
        assert app.focused is list(form.query(ActionRow))[1].what
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert len(form.query(ActionRow)) == 1
        assert form.query_one(ActionRow).due.value == "15:00"
    store.close()
