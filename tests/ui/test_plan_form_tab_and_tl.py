"""The form in the TL's hands: tabbing into a field keeps its text (cursor at the end), the
TL name is remembered from the last plan and has a limit the form shows, the suggested
root cause is pre-selected, every dialog fits at 80 columns, f1 / ? list every key."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from pathlib import Path

from test_plan_form_keys import INTERVAL, JKT, Host, form_of, make_draft
from test_plans_screen_flow import plan
from textual.app import App
from textual.widgets import Input, Label, OptionList, Select, Static, TextArea

from rtm_tui.domain.plans import RootCause
from rtm_tui.store import Store
from rtm_tui.ui.plan_form import ActionRow, ConfirmDiscard, KeysHelp, RecoveryPlanForm


async def test_tab_into_an_action_made_from_a_suggestion_keeps_its_text(tmp_path: Path):
    store = Store.open(tmp_path / "rtm.sqlite3")
    app = Host(make_draft(), store)
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.pause()
        form = form_of(app)
        form.query_one("#suggestions").focus()
        await pilot.press("enter")  # the first suggestion becomes the action
        await pilot.pause()
        row = form.query_one(ActionRow)
        made = row.what.value
        assert made.startswith("Bring Ann [/] back from AUX TOILET")
        assert app.focused is row.pic
        await pilot.press("shift+tab")  # back into the action's text
        assert app.focused is row.what
        assert row.what.selected_text == "" and row.what.cursor_position == len(made)
        await pilot.press("!")  # one keystroke adds, never wipes
        assert row.what.value == made + "!"
    store.close()


async def test_the_tl_name_is_remembered_from_the_last_plan_and_limited(tmp_path: Path):
    store = Store.open(tmp_path / "rtm.sqlite3")
    d = make_draft()
    earlier = plan(d.interval_start, "scr", "siang", d.default_due - d.interval_start, 88.0)
    store.save_plan(dataclasses.replace(earlier, tl_name="Dewi Lestari"), "Dewi Lestari")
    app = Host(make_draft(tl_name=""), store)
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.pause()
        await pilot.pause()
        form = form_of(app)
        name = form.query_one("#tl_name", Input)
        assert name.value == "Dewi Lestari"
        assert name.max_length == 80
        labels = [str(label.render()) for label in form.query(Label)]
        assert "TL name (max 80)" in labels and "Analysis (max 2000)" in labels
        assert not form.has_typed()  # a remembered name is not typed
    store.close()


async def test_the_suggested_root_cause_is_selected(tmp_path: Path):
    store = Store.open(tmp_path / "rtm.sqlite3")
    app = Host(make_draft(root_cause_hint=RootCause.EXCESS_AUX), store)
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.pause()
        assert form_of(app).query_one("#root_cause", Select).value is RootCause.EXCESS_AUX
    store.close()


async def test_the_form_its_discard_question_and_its_keys_fit_at_80_columns(tmp_path: Path):
    store = Store.open(tmp_path / "rtm.sqlite3")
    app = Host(make_draft(), store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        form = form_of(app)
        assert form.query_one("#plan-box").region.right <= 80
        form.query_one("#analysis").focus()
        await pilot.press("x", "escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDiscard)
        box = app.screen.query_one("Vertical")
        assert box.region.right <= 80 and box.region.x >= 0
        for label in app.screen.query(Label):  # nothing cut off: every word on screen
            assert label.region.width <= box.region.width
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, KeysHelp)
        text = str(app.screen.query_one("#keys-help", Static).render())
        assert app.screen.query_one("#keys-help").region.right <= 80
        for binding in form.BINDINGS:
            key = binding.key.split(",")[0]  # type: ignore[union-attr]
            assert key.replace("question_mark", "?") in text
    store.close()


class RefreshHost(App[None]):
    """The form with a redraft, as the app gives it: the context read again on ctrl+l."""

    def __init__(self, drafts: list, store: Store) -> None:
        super().__init__()
        self.draft, self.store, self.drafts = drafts[0], store, drafts
        self.results: list = []

    def on_mount(self) -> None:
        self.push_screen(
            RecoveryPlanForm(self.draft, self.store, JKT, redraft=lambda: self.drafts[-1]),
            self.results.append,
        )


async def test_ctrl_l_reads_the_context_again_and_keeps_what_was_typed(tmp_path: Path):
    store = Store.open(tmp_path / "rtm.sqlite3")
    first = make_draft()
    later = make_draft(
        interval_start=INTERVAL + timedelta(minutes=30),
        created_at=first.created_at + timedelta(minutes=30),
        actual=91.5,
        suggestions=("Erlang C: 12 agents needed next interval",),
    )
    app = RefreshHost([first, later], store)
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.pause()
        form = form_of(app)
        form.query_one("#analysis").focus()
        await pilot.press(*"IVR")
        before = str(form.query_one("#plan-context", Static).render())
        await pilot.press("ctrl+l")
        await pilot.pause()
        after = str(form.query_one("#plan-context", Static).render())
        assert after != before and "91.5 %" in after and "14:30–15:00" in after
        options = form.query_one("#suggestions", OptionList)
        assert options.option_count == 1
        assert "12 agents" in str(options.get_option_at_index(0).prompt)
        assert form.query_one("#analysis", TextArea).text == "IVR"
        assert form.draft.tl_name == first.tl_name
    store.close()
