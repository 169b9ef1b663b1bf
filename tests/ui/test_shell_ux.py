"""Issue 12, the shell a TL lives in: the attendance card's lists, Tab and the jump
keys, the board's default scope and worst-first sort, help per screen with its legend,
the palette's screenshot. The real app on the in-process simulator."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from app_helpers import make_settings, screen_text, sim_app, wait_for, wait_live
from textual.widgets import OptionList

from rtm_tui.domain.attendance import attendance_lists
from rtm_tui.domain.types import AgentState
from rtm_tui.ui.attendance_screen import AttendanceScreen, card_rows
from rtm_tui.ui.board import in_scope, resting, severity_rank
from rtm_tui.ui.gauges import AttendanceCard, KpiGauge
from rtm_tui.ui.header import FreshnessScreen
from rtm_tui.ui.help_screen import HelpScreen, binding_rows, key_display, legend_table, plain
from rtm_tui.ui.i18n import t


def live_app(language: str = "en", **kw: Any) -> Any:
    app, _sim, _ = sim_app(make_settings(site={"language": language}), agents=40, **kw)
    return app


def notes(app: Any) -> list[str]:
    return [n.message for n in app._notifications]


# ------------------------------------------------------------------ attendance card


@pytest.mark.parametrize("size", [(80, 24), (120, 36)], ids=["80x24", "120x36"])
async def test_l_lists_who_to_chase_and_enter_goes_to_the_board_row(size: tuple[int, int]) -> None:
    app = live_app()
    async with app.run_test(size=size) as pilot:
        await wait_live(pilot, app)
        await pilot.press("l")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AttendanceScreen)
        text = screen_text(app)
        counts = app.view.attendance
        lists = attendance_lists(card_rows(app.view))
        for kind, number in (("absent", counts.absent), ("late", counts.late),
                             ("early_out", counts.early_out),
                             ("not_rostered", counts.not_rostered)):  # fmt: skip
            assert len(lists[kind]) == number
            assert f"{t(f'attlist.{kind}')} · {number}" in text
        late = lists["late"]
        assert late, "the simulator's morning has late agents"
        assert (
            late[0].name in text
            and f"{int(late[0].late_by.total_seconds() // 60)} min late" in text
        )
        # the first agent of the lists is highlighted (headings are not selectable)
        options = screen.query_one(OptionList)
        first = options.get_option_at_index(options.highlighted or 0)
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert not isinstance(app.screen, AttendanceScreen)
        agent_id = (first.id or "").partition(":")[2]
        assert app.board.selected_row.agent_id == agent_id
        assert app.focused is app.board
        # the row is on screen
        assert app.board.selected_row.name[:12] in screen_text(app)


async def test_the_card_takes_the_focus_and_enter_opens_the_list() -> None:
    app = live_app("id")
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_live(pilot, app)
        card = app.gauge_panel.attendance
        assert isinstance(card, AttendanceCard) and card.focusable
        while app.focused is not card:
            await pilot.press("tab")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, AttendanceScreen)
        assert t("attlist.title") in screen_text(app) and "Kehadiran" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, AttendanceScreen)


# ------------------------------------------------------------------ focus and jumps


async def test_tab_goes_board_alerts_gauges_card_and_back() -> None:
    app = live_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_live(pilot, app)
        assert app.focused is app.board  # the board first, not 13 gauges
        seen = []
        for _ in range(4):
            await pilot.press("tab")
            seen.append(app.focused)
        assert seen[0] is app.alerts_pane.option_list
        assert isinstance(seen[1], KpiGauge)
        assert seen[2] is app.gauge_panel.attendance
        assert seen[3] is app.board
        await pilot.press("shift+tab")
        assert app.focused is app.gauge_panel.attendance
        # the arrows move between gauges; tab leaves them at once
        await pilot.press("shift+tab", "right", "right")
        assert isinstance(app.focused, KpiGauge)
        await pilot.press("tab")
        assert app.focused is app.gauge_panel.attendance


async def test_shift_letters_jump_showing_what_is_hidden_at_80x24() -> None:
    app = live_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_live(pilot, app)
        assert not app.alerts_pane.display and app.gauge_panel.shown_mode == "compact"
        await pilot.press("W")
        await pilot.pause(0.2)
        assert app.alerts_pane.display and app.focused is app.alerts_pane.option_list
        await pilot.press("B")
        assert app.focused is app.board
        await pilot.press("G")
        await pilot.pause(0.2)
        assert app.gauge_panel.shown_mode == "full" and isinstance(app.focused, KpiGauge)
        await pilot.press("g")  # and back to the strip
        await pilot.pause(0.2)
        assert app.gauge_panel.shown_mode == "compact" and app.focused is app.board


# ------------------------------------------------------------------ board scope and sort


async def test_board_shows_the_tls_people_and_who_is_logged_in_o_shows_all() -> None:
    app = live_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_live(pilot, app)
        board, view = app.board, app.view
        shown = {r.agent_id for r in board.visible_rows}
        expected = {r.agent_id for r in view.rows if in_scope(r, view.card_ids, view.now)}
        assert shown == expected and len(shown) < len(view.rows)
        logged_in = {r.agent_id for r in view.rows if r.state is not AgentState.LOGGED_OUT}
        assert logged_in <= shown
        assert not any(resting(r, view.now) for r in board.visible_rows)
        hidden = len(view.rows) - len(shown)
        assert t("board.summary.scope", hidden=hidden) in board.render_line(0).text
        # `/` finds anyone, in the scope or not
        other = next(r for r in view.rows if r.agent_id not in shown)
        await pilot.press("slash", *other.agent_id, "enter")
        await wait_for(pilot, lambda: other in board.visible_rows)
        await pilot.press("escape")
        await wait_for(pilot, lambda: other not in board.visible_rows)
        await pilot.press("o")
        await pilot.pause()
        assert len(board.visible_rows) == len(view.rows)
        assert t("board.summary.all") in board.render_line(0).text
        assert any(resting(r, view.now) for r in board.visible_rows)


async def test_logged_out_rows_are_dimmer_than_working_ones() -> None:
    app = live_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_live(pilot, app)
        board = app.board
        board.action_last()  # the cursor away from the rows compared
        await pilot.pause()
        top = int(board.scroll_offset.y)
        lines = board.visible_rows[top : top + 8]
        out = next(r for r in lines if r.state is AgentState.LOGGED_OUT and not r.missing)
        working = next(r for r in lines if r.state is not AgentState.LOGGED_OUT)

        def name_colour(row: Any) -> Any:
            y = 2 + board.visible_rows.index(row) - top
            segment = next(s for s in board.render_line(y) if s.text.startswith(row.name[:8]))
            return segment.style.color.get_truecolor()

        dim, bright = name_colour(out), name_colour(working)
        assert sum(dim) < sum(bright), (dim, bright)


async def test_worst_first_then_longest_and_a_new_sort_starts_at_the_top() -> None:
    app = live_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_live(pilot, app)
        board = app.board
        await pilot.press("o", "end")  # everyone, the cursor at the bottom
        await pilot.pause()
        assert board.scroll_offset.y > 0
        while board.sort_label != t("board.sort.worst"):
            await pilot.press("s")
        await pilot.pause()
        assert board.scroll_offset.y == 0 and board.selected_row is board.visible_rows[0]
        now = app.view.now
        ranks = [severity_rank(r, now) for r in board.visible_rows]
        assert ranks == sorted(ranks) and ranks[0] == 0  # something red first
        for rank in set(ranks):
            timed = [r.state_since for r in board.visible_rows
                     if severity_rank(r, now) == rank and r.first_login_at]  # fmt: skip
            assert timed == sorted(timed)
        assert f"sort: {t('board.sort.worst')}" in board.render_line(0).text


async def test_the_exceptions_view_says_why() -> None:
    app = live_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_live(pilot, app)
        await pilot.press("o", "e")
        await pilot.pause()
        board = app.board
        rows = board.visible_rows
        assert rows and all(r.exception and r.reasons for r in rows)
        text = screen_text(app)
        for row in rows[:5]:
            line = next(x for x in text.splitlines() if x.startswith(row.name[:14]))
            first = row.reasons[0]
            word = {"over_limit": t("board.reason.over_limit"),
                    "missing": t("board.reason.missing"),
                    "late": "late +"}.get(first, t(f"board.login.{first}"))  # fmt: skip
            assert word[:10] in line, (row.reasons, line)


# ------------------------------------------------------------------ help


@pytest.mark.parametrize("language", ["en", "id"])
async def test_help_of_the_dashboard_has_the_legend(language: str) -> None:
    app = live_app(language)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_live(pilot, app)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen) and app.screen.legend == "dashboard"
        box = app.screen.query_one("#help-box")
        legend = " ".join(plain(legend_table("dashboard"), 200).split())
        keys = " ".join(screen_text(app).split()) + " ".join(d for _k, d in app.screen.rows)
        assert t("help.abbr.scr") in legend and t("help.abbr.adher") in legend
        assert t("help.colour.muted") in legend and t("help.abbr.rotg") in legend
        assert t("cmd.attendance") in keys and t("cmd.jump_alerts") in keys
        assert t("cmd.all_agents") in keys
        assert box.border_title == t("help.title_view", view=t("tab.dashboard"))
        # on screen, under the keys: scroll the help to its end
        box.scroll_end(animate=False)
        await pilot.pause()
        on_screen = " ".join(screen_text(app).split())
        assert t("help.legend.colour") in on_screen and t("help.colour.ok") in on_screen
        assert t("help.abbr_name.rotg") in on_screen
        if language == "id":
            assert "Panggilan" in legend or "panggilan" in legend


async def test_help_of_the_roster_view_and_of_a_dialog() -> None:
    app = live_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_live(pilot, app)
        await pilot.press("2", "question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen) and app.screen.legend == "roster"
        assert t("help.mark.break") in plain(legend_table("roster"))
        assert app.screen.query_one("#help-legend").display
        await pilot.press("escape", "1", "f")  # the sources dialog
        await pilot.pause()
        assert isinstance(app.screen, FreshnessScreen)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        rows = dict(app.screen.rows)
        assert rows == dict(binding_rows(FreshnessScreen.BINDINGS)) | rows  # its own keys
        assert len(app.screen_stack) == 3


def test_any_screens_bindings_make_its_help() -> None:
    from rtm_tui.ui.plans_screen import PlansScreen

    screen = HelpScreen.for_bindings(PlansScreen.BINDINGS, title="Plans")
    keys = [k for k, _ in screen.rows]
    assert keys and all(keys)
    for binding in PlansScreen.BINDINGS:
        key = binding.key if hasattr(binding, "key") else binding[0]  # type: ignore[union-attr]
        shown = " ".join(keys)
        assert any(key_display(part) in shown for part in key.split(",")), (key, keys)


# ------------------------------------------------------------------ screenshot


async def test_screenshot_saves_and_says_where(tmp_path: Path) -> None:
    app = live_app(quiet=False)
    app.context.extra["screenshot_dir"] = str(tmp_path / "shots")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_live(pilot, app)
        app.take_screenshot()
        await wait_for(pilot, lambda: bool(app.screenshots))
        path, error = app.screenshots[0]
        assert error is None and path.exists() and path.parent == tmp_path / "shots"
        assert "<svg" in path.read_text(encoding="utf-8")
        assert any(str(path) in n for n in notes(app))


async def test_screenshot_names_why_it_failed(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    app = live_app(quiet=False)
    app.context.extra["screenshot_dir"] = str(blocker)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_live(pilot, app)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert titles.count(t("screenshot.title")) == 1
        app.take_screenshot()
        await wait_for(pilot, lambda: bool(app.screenshots))
        path, error = app.screenshots[0]
        assert error and not path.exists()
        message = next(n for n in notes(app) if str(blocker) in n)
        assert error in message


# ------------------------------------------------------------------ roster view


@pytest.mark.parametrize("size", [(80, 24), (120, 36)], ids=["80x24", "120x36"])
async def test_roster_view_top_to_bottom_with_the_tls_window_and_a_jump(
    size: tuple[int, int],
) -> None:
    app = live_app()
    async with app.run_test(size=size) as pilot:
        await wait_live(pilot, app)
        await pilot.press("2")
        roster = app.roster_view
        await wait_for(pilot, lambda: bool(roster.agent_lines) and roster.coverage_line is not None)
        # attendance on top, the timeline under its axis, the coverage after the agents
        text = screen_text(app).splitlines()
        top = roster.region.y
        assert text[top].startswith(t("roster.count.scheduled"))
        assert text[top + 3].startswith(roster.agent_lines[0].name[:15])
        agent_ys = [roster.line_of(line.agent_id) for line in roster.agent_lines]
        assert max(y for y in agent_ys if y is not None) < roster.coverage_line
        # `c`: the coverage, the TL's window (pagi 07:00-15:00) picked out, the rest dimmed
        await pilot.press("c")
        await pilot.pause()
        shown = screen_text(app)
        assert t("roster.coverage.window", span="07:00–15:00") in shown or size[0] < 100
        assert "▸07:00" in shown and " 06:30" in shown and "▸06:30" not in shown
        assert "▸15:00" not in shown and "▸23:00" not in shown
        assert "▸14:30" in shown or size[0] < 100  # one screen holds the window when wide
        y_rows = roster.coverage_line - int(roster.scroll_offset.y) + 3 + 2
        cells = [
            segment
            for y in range(max(3, y_rows), roster.size.height)
            for segment in roster.render_line(y)
            if re.match(r"[▸ ]\d\d:\d\d ", segment.text)
        ]
        assert len(cells) > 10
        for segment in cells:
            # the TL's intervals bold, another TL's not
            assert bool(segment.style.bold) == segment.text.startswith("▸"), segment
        # `j`: find an agent by name, the timeline scrolls to them
        target = roster.agent_lines[-1]
        await pilot.press("j")
        await pilot.pause()
        await pilot.press(*target.name[:6], "enter")
        await pilot.pause()
        assert roster.scroll_offset.y == roster.line_of(target.agent_id) or (
            roster.max_scroll_y == roster.scroll_offset.y
        )
        assert target.name in screen_text(app)


def test_adherence_is_marked_when_counted_from_later_than_the_shift_start() -> None:
    from dataclasses import replace
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from rtm_tui.domain.types import AgentRow, LoginStatus, RosterEntry, RosterStatus
    from rtm_tui.ui.board import SINCE_MARK, adherence_text

    start = datetime(2026, 11, 24, 7, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
    entry = RosterEntry(start.date(), "A1", "Ani", "T", RosterStatus.SCHEDULED, "P1",
                        start, start + timedelta(hours=9))  # fmt: skip
    row = AgentRow("A1", "Ani", "T", AgentState.AVAILABLE, None, start, 0.0, None, None, 0.8,
                   LoginStatus.ON_TIME, adherence=0.962, roster=entry,
                   adherence_since=start)  # fmt: skip
    assert adherence_text(row) == "96.2 %"
    later = replace(row, adherence_since=start + timedelta(minutes=70))
    assert adherence_text(later) == "96.2 %" + SINCE_MARK
    assert adherence_text(replace(row, adherence=None)) == "—"
