"""The agent board inside the whole app, on the in-process simulator: keys and timers."""

from __future__ import annotations

from app_helpers import SIZE, sim_app, wait_for, wait_live

from rtm_tui.ui.board import HEADER_LINES, no_timer


def board_lines(board) -> list[str]:  # noqa: ANN001
    return [
        board.render_line(y).text.rstrip()
        for y in range(HEADER_LINES, board.size.height)
        if board.render_line(y).text.strip()
    ]


async def test_filter_exceptions_sort_and_timers_through_the_app() -> None:
    app, _sim, _ = sim_app(agents=40)
    async with app.run_test(size=SIZE) as pilot:
        await wait_live(pilot, app)
        board = app.board
        assert board is not None
        if board.exceptions_only:  # whatever the default, start from all agents
            await pilot.press("e")
        if not board.show_all:  # everyone, not only the TL's people and who is logged in
            await pilot.press("o")
        await pilot.pause()
        assert len(board.visible_rows) == 40

        # `/` then typing filters by name, as the TL types
        target = board.visible_rows[5]
        await pilot.press("slash")
        await pilot.press(*target.name)
        await wait_for(pilot, lambda: len(board.visible_rows) < 40)
        assert all(target.name.casefold() in r.name.casefold() for r in board.visible_rows)
        assert any(line.startswith(target.name) for line in board_lines(board))
        await pilot.press("escape")  # clears the filter
        await wait_for(pilot, lambda: len(board.visible_rows) == 40)
        # kept with enter, then escape on the board: cleared too (as the help says)
        await pilot.press("slash", *target.name, "enter")
        await wait_for(pilot, lambda: len(board.visible_rows) < 40)
        assert app.focused is board
        await pilot.press("escape")
        await wait_for(pilot, lambda: len(board.visible_rows) == 40)
        assert not app.filter_input.display

        # `e`: only exceptions (the simulator always has some late/absent/over-limit)
        await pilot.press("e")
        await pilot.pause()
        assert board.exceptions_only
        assert all(r.exception for r in board.visible_rows)
        assert "exceptions only" in board.render_line(0).text
        await pilot.press("e")

        # `s` cycles the sort; the header line says which one
        await pilot.press("s")
        await pilot.pause()
        assert "sort: team" in board.render_line(0).text
        teams = [r.team.casefold() for r in board.visible_rows]
        assert teams == sorted(teams)

        # the 1 Hz tick moves the timers on the clock, between polls
        # a new sort starts at the top
        assert board.scroll_offset.y == 0 and board.selected_row is board.visible_rows[0]
        on_screen = board.visible_rows[: board.size.height - HEADER_LINES]
        row = next(r for r in on_screen if not no_timer(r))  # the first with a clock
        before = next(line for line in board_lines(board) if line.startswith(row.name[:10]))
        app.clock.advance(65)
        await pilot.pause(1.2)
        after = next(line for line in board_lines(board) if line.startswith(row.name[:10]))
        assert before != after
