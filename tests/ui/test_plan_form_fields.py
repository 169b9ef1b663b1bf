"""Form details: no KPI selected, an agent's indicator, what counts as typed."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from test_plan_form_keys import INTERVAL, JKT, Host, error_text, form_of, make_draft, type_text
from textual.widgets import Input, Select, Static

from rtm_tui.domain.plans import RootCause
from rtm_tui.domain.types import Direction, Status
from rtm_tui.store import Store
from rtm_tui.ui.plan_form import ActionRow, ConfirmDiscard, context_text


async def test_no_kpi_selected_asks_for_one(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "rtm.sqlite3")
    draft = make_draft(
        kpi="",
        scope="all",
        scope_label="All queues",
        actual=None,
        status=None,
        sla=None,
        slg=None,
        counts={},
        suggestions=(),
    )
    app = Host(draft, store)
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.pause()
        form = form_of(app)
        kpi = form.query_one("#kpi", Input)
        assert app.focused is kpi
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert error_text(form, "#err-kpi") == "KPI or indicator is required"
        assert app.focused is kpi
        await type_text(pilot, "abandon")
        form.query_one("#root_cause", Select).value = RootCause.SYSTEM
        form.query_one("#analysis").focus()
        await type_text(pilot, "IVR down")
        row = form.query_one(ActionRow)
        row.what.value, row.pic.value = "Call the vendor", "IT"
        await pilot.press("ctrl+s")
        await pilot.pause(0.3)
    assert app.results and app.results[0] is not None
    (saved,) = store.list_plans()
    assert (saved.kpi, saved.scope, saved.actual, saved.root_cause) == (
        "abandon",
        "all",
        None,
        RootCause.SYSTEM,
    )
    store.close()


def test_agent_indicator_context_reads_in_minutes() -> None:
    draft = make_draft(
        kpi="aux_over_limit",
        scope="agent:A1",
        scope_label="Ann [/] (A1)",
        period="now",
        actual=14 * 60.0,
        sla=600.0,
        slg=None,
        direction=Direction.LOWER,
        status=Status.BREACH,
        counts={"in_aux_seconds": 840.0},
    )
    text = context_text(draft, JKT).plain
    assert "AUX over its limit (now)" in text
    assert "Ann [/] (A1)" in text
    assert "SLA 10:00" in text
    assert "14:00  over the SLG" in text


async def test_changing_only_the_shift_or_a_due_time_counts_as_typed(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "rtm.sqlite3")
    app = Host(make_draft(), store)
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.pause()
        form = form_of(app)
        assert not form.has_typed()
        form.query_one("#tl_shift", Select).value = "pagi"
        assert form.has_typed()
        form.query_one("#tl_shift", Select).value = "siang"
        assert not form.has_typed()
        row = form.query_one(ActionRow)
        row.due.focus()
        await pilot.press("ctrl+a", "ctrl+k", *"15:05")  # focus keeps the text: clear it
        assert row.due.value == "15:05" and form.has_typed()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDiscard)
        await pilot.press("escape")  # escape in the question keeps editing
        await pilot.pause()
        assert app.screen is form and row.due.value == "15:05"
        assert form.query_one("#save-error", Static).has_class("-empty")
    store.close()


async def test_extra_blank_actions_are_dropped_and_due_crosses_midnight(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "rtm.sqlite3")
    late = INTERVAL.replace(hour=22, minute=30)
    app = Host(make_draft(interval_start=late, created_at=late + timedelta(minutes=10)), store)
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.pause()
        form = form_of(app)
        form.query_one("#root_cause", Select).value = RootCause.UNDERSTAFFING
        form.query_one("#analysis").focus()
        await type_text(pilot, "two no-shows")
        row = form.query_one(ActionRow)
        assert row.due.value == "23:30"  # the end of the next interval
        row.what.value, row.pic.value = "Ask S2 to stay", "Rina"
        row.due.value = "00:15"
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert len(form.query(ActionRow)) == 2  # left blank: ignored on save
        await pilot.press("ctrl+s")
        await pilot.pause(0.3)
    (saved,) = store.list_plans()
    assert len(saved.actions) == 1
    assert saved.actions[0].due == late.replace(hour=0, minute=15) + timedelta(days=1)
    store.close()
