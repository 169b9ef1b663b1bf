"""Issue 11: a due time already past is refused; a due time on another day shows its date
(form and list); the list and the detail name the agent (and team), never "agent:A0002"."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from test_plan_form_keys import JKT, Host, error_text, form_of, make_draft, type_text
from test_plans_screen_flow import Host as PlansHost
from test_plans_screen_flow import cell, detail, plan, screen_of
from textual.widgets import Select, Static

from rtm_tui.domain.plans import RootCause
from rtm_tui.domain.types import Direction
from rtm_tui.store import Store
from rtm_tui.ui.i18n import set_language
from rtm_tui.ui.plan_form import ActionRow

LATE = datetime(2025, 3, 10, 23, 30, tzinfo=JKT)


@pytest.fixture(autouse=True)
def back_to_english() -> Iterator[None]:
    yield
    set_language("en")


async def _fill(pilot, form) -> ActionRow:
    form.query_one("#root_cause", Select).value = RootCause.VOLUME_SPIKE
    form.query_one("#analysis").focus()
    await type_text(pilot, "Promo SMS")
    row = form.query_one(ActionRow)
    row.what.value, row.pic.value = "Open overflow", "Budi"
    return row


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "due time is already past: give a later time"),
        ("id", "tenggat sudah lewat: isi waktu yang lebih lambat"),
    ],
)
async def test_a_due_time_already_past_is_refused_under_the_due_field(
    tmp_path: Path, language: str, message: str
) -> None:
    # seen: 14:05 typed at 14:20 was saved, overdue the moment it was filed
    set_language(language)
    store = Store.open(tmp_path / "rtm.sqlite3")
    draft = make_draft(created_at=datetime(2025, 3, 10, 14, 20, tzinfo=JKT))
    app = Host(draft, store)
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.pause()
        form = form_of(app)
        row = await _fill(pilot, form)
        row.due.value = "14:05"  # after the interval start (14:00), before now (14:20)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert error_text(form, f"#err-action-{row.number}-due") == message
        assert app.focused is row.due
        assert store.list_plans() == []
        row.due.value = "14:50"
        await pilot.press("ctrl+s")
        await pilot.pause(0.3)
    [saved] = store.list_plans()
    assert saved.actions[0].due == datetime(2025, 3, 10, 14, 50, tzinfo=JKT)
    store.close()


async def test_a_due_time_on_the_next_day_shows_its_date_in_the_form_and_list(
    tmp_path: Path,
) -> None:
    store = Store.open(tmp_path / "rtm.sqlite3")
    draft = make_draft(created_at=LATE + timedelta(minutes=10), interval_start=LATE, date=LATE.date())
    app = Host(draft, store)
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.pause()
        form = form_of(app)
        row = await _fill(pilot, form)
        date_hint = form.query_one(f"#due-date-{row.number}", Static)
        assert str(date_hint.render()) == "11 Mar"  # the default due 23:30 + 30 min = 00:30
        row.due.value = "23:55"
        await pilot.pause()
        assert str(date_hint.render()) == ""  # the plan's own day: the time says it all
        row.due.value = "08:00"
        await pilot.pause()
        assert str(date_hint.render()) == "11 Mar"
        await pilot.press("ctrl+s")
        await pilot.pause(0.3)
    [saved] = store.list_plans()
    assert saved.actions[0].due == datetime(2025, 3, 11, 8, 0, tzinfo=JKT)
    store.close()

    with Store.open(tmp_path / "rtm.sqlite3") as again:
        app2 = PlansHost(again)
        async with app2.run_test(size=(160, 45)) as pilot:
            await pilot.pause()
            screen = screen_of(app2)
            assert cell(screen, saved.id, "due") == "11 Mar 08:00"
            assert "PIC Budi · due 11 Mar 08:00" in detail(screen)


async def test_the_list_and_the_detail_name_the_agent_and_team(tmp_path: Path) -> None:
    db = tmp_path / "rtm.sqlite3"
    at = datetime(2025, 3, 10, 15, 30, tzinfo=JKT)
    with Store.open(db) as s:
        filed = s.save_plan(
            plan(
                at,
                "aux_over_limit",
                "siang",
                timedelta(minutes=60),
                1308.4,
                scope="agent:A0002",
                scope_label="Bayu Sinaga (A0002)",
                team="Team B",
                period="now",
                direction=Direction.LOWER,
                sla=900.0,
                slg=None,
                counts={"aux_used_seconds": 4443.4, "in_aux_seconds": 1308.4},
            ),
            "Rina",
        )
    with Store.open(db) as store:
        app = PlansHost(store)
        async with app.run_test(size=(160, 45)) as pilot:
            await pilot.pause()
            screen = screen_of(app)
            assert cell(screen, filed.id, "scope") == "Bayu Sinaga (A0002)"
            assert cell(screen, filed.id, "actual") == "21:48"
            text = detail(screen)
            assert "Bayu Sinaga (A0002) · Team B" in text
            assert "AUX used 1:14:03 · In AUX now 21:48" in text  # not "aux_used_seconds 4443.4"
            assert "agent:A0002" not in text
