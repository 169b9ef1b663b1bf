"""Issue 11, a plan is a living record: opened from the Plans screen (enter) over a real
SQLite file, edited, actions added with their status and result, a progress note, an
addendum once verified; every change in the history after a restart. Also the word
filters (text, KPI in the screen's words, agent), sort by due and the keys help."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import test_plans_screen_flow as flow
from test_plans_screen_flow import JKT, NOW, Host, detail, listed_ids, plan, screen_of
from textual.widgets import Input, Select, Static, TextArea

from rtm_tui.domain.plans import (
    ActionStatus,
    NoteKind,
    PlanStatus,
    Verdict,
    Verification,
)
from rtm_tui.store import Store
from rtm_tui.ui.plan_edit import EditActionRow, PlanEditScreen
from rtm_tui.ui.plan_form import KeysHelp
from rtm_tui.ui.plans_screen import PlansScreen

seeded = flow.seeded  # three plans in a real SQLite file: #2 (SCR, due 17:00) on top


async def _open(pilot, app) -> PlanEditScreen:
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(app.screen, PlanEditScreen)
    return app.screen


def _error(screen: PlanEditScreen) -> str:
    return str(screen.query_one("#edit-error", Static).render())


async def test_edit_a_plan_add_an_action_with_its_result_and_a_progress_note(seeded: Path):
    store = Store.open(seeded)
    app = Host(store)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        edit = await _open(pilot, app)
        assert edit.plan.id == 2
        analysis = edit.query_one("#analysis", TextArea)
        assert app.focused is analysis
        analysis.move_cursor(analysis.document.end)
        await pilot.press(*"; 2 agents sick")
        first = edit.query_one(EditActionRow)
        first.query_one(".status", Select).value = ActionStatus.DONE
        first.field("result").focus()
        await pilot.press(*"Ann back at 15:50")
        await pilot.press("ctrl+n")
        await pilot.pause()
        new = edit.query(EditActionRow).last()
        assert app.focused is new.field("what")
        await pilot.press(*"Coach Ann on AUX codes", "tab", *"Dedi", "tab", *"17:30")
        edit.query_one("#note", TextArea).focus()
        await pilot.press(*"Queue under 5 since 15:55")
        await pilot.press("ctrl+s")
        await pilot.pause()
        screen = screen_of(app)
        text = detail(screen)
        assert "Coach Ann on AUX codes" in text and "Result: Ann back at 15:50" in text
        assert "Progress notes" in text and "Queue under 5 since 15:55" in text
        # the history in the TL's words: no field ids, no ISO times
        assert "Sari  Action 1 status: Open → Done" in text
        assert "Sari  + Action 2: Coach Ann on AUX codes | Dedi | 17:30" in text
        assert "Sari  progress note: Queue under 5 since 15:55" in text
        assert "actions." not in text and "T17:30" not in text
    store.close()
    with Store.open(seeded) as again:  # every change survives a restart
        got = again.get_plan(2)
        assert got is not None
        assert got.analysis == "Three agents in TOILET at once [bold]; 2 agents sick"
        assert [(a.what, a.pic, a.status, a.result) for a in got.actions] == [
            ("Bring Ann [/] back from AUX", "Budi", ActionStatus.DONE, "Ann back at 15:50"),
            ("Coach Ann on AUX codes", "Dedi", ActionStatus.OPEN, ""),
        ]
        assert got.actions[1].due == datetime(2025, 3, 10, 17, 30, tzinfo=JKT)
        history = again.plan_history(2)
        assert [h.field for h in history][1:] == [
            "analysis",
            "actions.0.status",
            "actions.0.result",
            "actions.1",
            "note.progress",
        ]
        assert {h.who for h in history[1:]} == {"Sari"} and {h.at for h in history[1:]} == {NOW}
        notes = again.plan_notes(2)
        assert [(n.kind, n.who, n.at) for n in notes] == [(NoteKind.PROGRESS, "Sari", NOW)]


async def test_a_due_time_changed_to_the_past_is_refused_and_nothing_is_kept(seeded: Path):
    store = Store.open(seeded)
    app = Host(store)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        edit = await _open(pilot, app)
        due = edit.query_one(EditActionRow).field("due")
        due.focus()
        await pilot.press("ctrl+a", "ctrl+k", *"15:45")  # it is 16:00
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is edit
        assert "Action 1: due time is already past: give a later time" in _error(edit)
        await pilot.press("ctrl+a", "ctrl+k", *"16:45", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, PlansScreen)
    got = store.get_plan(2)
    assert got is not None and got.actions[0].due == datetime(2025, 3, 10, 16, 45, tzinfo=JKT)
    assert store.plan_history(2)[-1].field == "actions.0.due"
    store.close()


async def test_an_old_action_past_its_time_does_not_block_a_progress_note(seeded: Path):
    store = Store.open(seeded)
    app = Host(store)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await pilot.press("down")  # plan 3: its action was due at 10:00
        edit = await _open(pilot, app)
        assert edit.plan.id == 3
        edit.query_one("#note", TextArea).focus()
        await pilot.press(*"Budi called, agents back", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, PlansScreen)
    assert [n.text for n in store.plan_notes(3)] == ["Budi called, agents back"]
    assert [h.field for h in store.plan_history(3)] == ["created", "note.progress"]
    store.close()


async def test_a_verified_plan_stays_final_and_takes_an_addendum(seeded: Path):
    store = Store.open(seeded)
    store.set_status(2, PlanStatus.DONE, "Rina", NOW)
    store.verify(
        2,
        Verification(
            value=96.2,
            period="interval",
            read_at=NOW,
            verdict=Verdict.ACHIEVED,
            by="Sari",
            note="SCR 96.2 %",
        ),
        NOW,
    )
    app = Host(store)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        edit = await _open(pilot, app)
        assert not edit.query("#analysis") and not edit.query(EditActionRow)  # final
        await pilot.press("ctrl+s")  # an empty addendum
        await pilot.pause()
        assert "the note is empty" in _error(edit)
        await pilot.press(*"SCR held at 96 % till 18:00", "ctrl+s")
        await pilot.pause()
        text = detail(screen_of(app))
        assert "Addenda" in text and "SCR held at 96 % till 18:00" in text
    got = store.get_plan(2)
    assert got is not None and got.status is PlanStatus.VERIFIED
    assert [n.kind for n in store.plan_notes(2)] == [NoteKind.ADDENDUM]
    store.close()


async def test_text_kpi_and_agent_filters_in_the_tl_words_and_sort_by_due(seeded: Path):
    with Store.open(seeded) as s:
        at = datetime(2025, 3, 10, 14, 0, tzinfo=JKT)
        s.save_plan(
            plan(
                at,
                "aux_over_limit",
                "siang",
                timedelta(hours=4),
                1200,
                scope="agent:A0035",
                scope_label="Bayu Sinaga",
                team="Team B",
                analysis="Long TOILET breaks",
            ),
            "Rina",
        )  # plan 4, due 18:00
    store = Store.open(seeded)
    app = Host(store)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        screen = screen_of(app)
        screen.query_one("#f-since", Input).value = ""
        await pilot.pause()
        assert sorted(listed_ids(screen)) == [1, 2, 3, 4]
        screen.query_one("#f-kpi", Input).focus()
        await pilot.press(*"AUX")  # the screen's words, not aux_over_limit
        await pilot.pause()
        assert listed_ids(screen) == [4]
        await pilot.press("ctrl+a", "ctrl+k", *"scr")
        await pilot.pause()
        assert sorted(listed_ids(screen)) == [2, 3]
        await pilot.press("ctrl+a", "ctrl+k")
        screen.query_one("#f-agent", Input).focus()
        await pilot.press(*"bayu")
        await pilot.pause()
        assert listed_ids(screen) == [4]
        await pilot.press("ctrl+a", "ctrl+k")
        screen.query_one("#f-text", Input).focus()
        await pilot.press(*"toilet")
        await pilot.pause()
        assert sorted(listed_ids(screen)) == [1, 2, 3, 4]
        await pilot.press(*" breaks")
        await pilot.pause()
        assert listed_ids(screen) == [4]
        await pilot.press("ctrl+a", "ctrl+k", "enter")  # back to the list
        await pilot.pause()
        assert app.focused is screen.query_one("#plans-table")
        await pilot.press("o")  # soonest due first
        await pilot.pause()
        assert listed_ids(screen) == [1, 3, 2, 4]
        assert "soonest due first" in str(screen.query_one("#plans-title", Static).render())
    store.close()


async def test_question_mark_lists_every_key_of_the_plans_screen_and_the_editor(seeded: Path):
    store = Store.open(seeded)
    app = Host(store)
    async with app.run_test(size=(80, 30)) as pilot:
        await pilot.pause()
        screen = screen_of(app)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, KeysHelp)
        text = str(app.screen.query_one("#keys-help", Static).render())
        for binding in screen.BINDINGS:
            key = binding.key_display or binding.key  # type: ignore[union-attr]
            shown = {"slash": "/", "question_mark": "?"}.get(key, key)
            assert shown in text, key
        assert "Open the plan" in text and "soonest due first" in text
        await pilot.press("escape")
        await pilot.pause()
        edit = await _open(pilot, app)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, KeysHelp)
        text = str(app.screen.query_one("#keys-help", Static).render())
        for binding in edit.BINDINGS:
            assert binding.key in text  # type: ignore[union-attr]
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is edit
    store.close()


async def test_the_editor_and_its_discard_question_fit_at_80_columns(seeded: Path):
    store = Store.open(seeded)
    app = Host(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        edit = await _open(pilot, app)
        assert edit.query_one("#edit-box").region.right <= 80
        row = edit.query_one(EditActionRow)
        for name in ("what", "pic", "due", "result"):
            box = row.field(name).region
            assert box.width >= 6 and box.right <= 80, name
        assert row.query_one(".status", Select).region.right <= 80
        await pilot.press(*"x", "escape")  # typed: the question comes first
        await pilot.pause()
        question = app.screen.query_one("Label").region
        assert question.x >= 0 and question.right <= 80
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is edit
    store.close()
