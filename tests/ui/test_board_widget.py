"""AgentBoard mounted in a real Textual app: text, filter, sort, timers, colours, scrolling."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from rich.segment import Segment
from textual.app import App, ComposeResult

from rtm_tui.domain.types import AgentRow, AgentState, LoginStatus
from rtm_tui.ui.board import HEADER_LINES, AgentBoard
from rtm_tui.ui.i18n import set_language

WIB = timezone(timedelta(hours=7))
T0 = datetime(2025, 3, 3, 10, 0, tzinfo=WIB)


@pytest.fixture(autouse=True)
def english() -> None:
    set_language("en")


def make_row(i: int, **changes: object) -> AgentRow:
    fields: dict[str, object] = dict(
        agent_id=f"A{i:04d}",
        name=f"Agent {i:04d}",
        team=f"Team {i % 4}",
        state=AgentState.AVAILABLE,
        aux_code=None,
        state_since=T0 - timedelta(seconds=60 + i),
        aux_used_seconds=float(i * 10),
        aux_allowance_seconds=3600.0,
        aux_limit_each_seconds=None,
        aux_warn_ratio=0.8,
        login_status=LoginStatus.ON_TIME,
        adherence=0.95,
    )
    fields.update(changes)
    return AgentRow(**fields)  # type: ignore[arg-type]


class BoardApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.selected: list[AgentRow] = []

    def compose(self) -> ComposeResult:
        yield AgentBoard()

    def on_agent_board_row_selected(self, message: AgentBoard.RowSelected) -> None:
        self.selected.append(message.row)


def body_texts(board: AgentBoard) -> list[str]:
    lines = []
    for y in range(HEADER_LINES, board.size.height):
        text = board.render_line(y).text.rstrip()
        if text:
            lines.append(text)
    return lines


def segment_with(board: AgentBoard, y: int, text: str) -> Segment:
    for segment in board.render_line(y):
        if text in segment.text:
            return segment
    raise AssertionError(f"{text!r} not on line {y}: {board.render_line(y).text!r}")


def line_of(board: AgentBoard, agent_id: str) -> int:
    ids = [row.agent_id for row in board.visible_rows]
    return ids.index(agent_id) - int(board.scroll_offset.y) + HEADER_LINES


async def test_rows_render_with_their_cells() -> None:
    rows = [
        make_row(
            1,
            name="Siti",
            team="Alpha",
            state=AgentState.AUX,
            aux_code="TOILET",
            state_since=T0 - timedelta(seconds=125),
            aux_used_seconds=2530.0,
            aux_limit_each_seconds=600.0,
            login_status=LoginStatus.LATE,
            late_by=timedelta(minutes=12),
            adherence=0.833,
        ),
        make_row(2, name="Budi", team="Beta", state=AgentState.ON_CONTACT),
    ]
    app = BoardApp()
    async with app.run_test(size=(160, 48)) as pilot:
        board = app.query_one(AgentBoard)
        board.update_rows(rows, T0)
        await pilot.pause()
        summary = board.render_line(0).text
        assert "2 of 2 agents" in summary and "sort: name" in summary
        header = board.render_line(1).text
        for title in ("Name", "Team", "State", "AUX code", "In state", "AUX used", "Login"):
            assert title in header
        budi, siti = body_texts(board)  # sorted by name
        assert budi.split()[:4] == ["Budi", "Beta", "on", "contact"]
        assert siti.split() == [
            "Siti",
            "Alpha",
            "AUX",
            "TOILET",
            "2:05",
            "42:10/60:00",
            "late",
            "+12m",
            "83.3",
            "%",
        ]


async def test_filter_exceptions_and_sort_change_what_is_visible() -> None:
    rows = [make_row(i) for i in range(20)]
    rows[3] = make_row(3, name="Annisa Putri", exception=True)
    rows[7] = make_row(7, aux_code="SHOLAT", state=AgentState.AUX, exception=True)
    rows[9] = make_row(9, login_status=LoginStatus.ABSENT, state=AgentState.LOGGED_OUT)
    app = BoardApp()
    async with app.run_test(size=(160, 48)) as pilot:
        board = app.query_one(AgentBoard)
        board.update_rows(rows, T0)
        await pilot.pause()
        assert len(body_texts(board)) == 20

        board.set_filter("ANNISA")
        await pilot.pause()
        assert [r.agent_id for r in board.visible_rows] == ["A0003"]
        assert body_texts(board)[0].startswith("Annisa Putri")
        assert "1 of 20 agents" in board.render_line(0).text
        board.set_filter("sholat")  # AUX code
        assert [r.agent_id for r in board.visible_rows] == ["A0007"]
        board.set_filter("absent")  # login status
        assert [r.agent_id for r in board.visible_rows] == ["A0009"]
        board.set_filter("a0012")  # agent id
        assert [r.agent_id for r in board.visible_rows] == ["A0012"]
        board.set_filter("team 2")  # team
        assert {r.team for r in board.visible_rows} == {"Team 2"}
        board.set_filter("nobody")
        await pilot.pause()
        assert body_texts(board) == ["No agents match"]
        board.set_filter("")

        assert board.toggle_exceptions() is True
        await pilot.pause()
        assert [r.agent_id for r in board.visible_rows] == ["A0007", "A0003"]  # by name
        assert "exceptions only" in board.render_line(0).text
        assert len(body_texts(board)) == 2
        assert board.toggle_exceptions() is False
        assert len(board.visible_rows) == 20

        labels = [board.cycle_sort() for _ in range(7)]
        assert labels == [
            "team", "state", "time in state", "AUX used", "login status", "worst first", "name"
        ]  # fmt: skip
        board.cycle_sort()  # team
        teams = [r.team for r in board.visible_rows]
        assert teams == sorted(teams)
        board.cycle_sort()  # state: AUX first
        assert board.visible_rows[0].agent_id == "A0007"
        board.cycle_sort()  # time in state, longest first
        since = [r.state_since for r in board.visible_rows if r.agent_id != "A0009"]
        assert since == sorted(since)
        assert board.visible_rows[-1].agent_id == "A0009"  # never logged in: no clock, last
        board.cycle_sort()  # AUX used, most first
        assert board.visible_rows[0].agent_id == "A0019"
        await pilot.pause()
        assert "sort: AUX used" in board.render_line(0).text
        assert "AUX used▾" in board.render_line(1).text
        board.cycle_sort()  # login status: absent first
        assert board.visible_rows[0].agent_id == "A0009"


async def test_tick_moves_timers_without_a_poll() -> None:
    rows = [
        make_row(1, state_since=T0 - timedelta(seconds=58)),
        make_row(
            2,
            state=AgentState.AUX,
            aux_code="TOILET",
            state_since=T0 - timedelta(seconds=30),
            aux_used_seconds=90.0,
        ),
    ]
    app = BoardApp()
    async with app.run_test(size=(160, 48)) as pilot:
        board = app.query_one(AgentBoard)
        board.update_rows(rows, T0)
        await pilot.pause()
        first, second = body_texts(board)
        assert " 0:58 " in first and " 0:30 " in second and "1:30/60:00" in second
        board.tick(T0 + timedelta(seconds=5))
        await pilot.pause()
        first, second = body_texts(board)
        assert " 1:03 " in first
        assert " 0:35 " in second
        assert "1:35/60:00" in second  # AUX used keeps counting while in AUX
        assert "1:00/60:00" not in first  # not in AUX: used does not move
        board.tick(T0 + timedelta(hours=1, seconds=5))
        assert " 1:01:03 " in body_texts(board)[0]


async def test_colours_follow_rotg_thresholds() -> None:
    limit = 600.0  # 10 minutes, warn at 0.8 = 8 minutes
    rows = [
        make_row(
            1,
            name="Calm",
            state=AgentState.AUX,
            aux_code="TOILET",
            state_since=T0 - timedelta(seconds=479),
            aux_limit_each_seconds=limit,
        ),
        make_row(
            2,
            name="Near",
            state=AgentState.AUX,
            aux_code="TOILET",
            state_since=T0 - timedelta(seconds=480),
            aux_limit_each_seconds=limit,
        ),
        make_row(
            3,
            name="Over",
            state=AgentState.AUX,
            aux_code="TOILET",
            state_since=T0 - timedelta(seconds=601),
            aux_limit_each_seconds=limit,
            aux_used_seconds=3601.0,
        ),
        make_row(4, name="Used", aux_used_seconds=2880.0, login_status=LoginStatus.ABSENT),
        make_row(5, name="Wait", login_status=LoginStatus.LATE, late_by=timedelta(minutes=7)),
    ]
    app = BoardApp()
    async with app.run_test(size=(160, 48)) as pilot:
        board = app.query_one(AgentBoard)
        board.update_rows(rows, T0)
        await pilot.pause()
        warning = board.get_component_rich_style("agent-board--warning", partial=True).color
        breach = board.get_component_rich_style("agent-board--breach", partial=True).color
        assert warning is not None and breach is not None and warning != breach
        # sorted by name: Calm, Near, Over, Used, Wait
        calm, near, over, used, wait = range(HEADER_LINES, HEADER_LINES + 5)
        assert segment_with(board, calm, "7:59").style.color not in (warning, breach)
        assert segment_with(board, near, "8:00").style.color == warning
        assert segment_with(board, over, "10:01").style.color == breach
        assert segment_with(board, over, "60:01/60:00").style.color == breach
        assert segment_with(board, used, "48:00/60:00").style.color == warning
        assert segment_with(board, calm, "0:10/60:00").style.color not in (warning, breach)
        assert segment_with(board, used, "absent").style.color == breach
        assert segment_with(board, wait, "late +7m").style.color == warning
        assert segment_with(board, calm, "on time").style.color not in (warning, breach)
        # the timer crosses the threshold on a tick, no poll needed
        board.tick(T0 + timedelta(seconds=1))
        assert segment_with(board, calm, "8:00").style.color == warning


async def test_hostile_names_render_literally_and_style_nothing() -> None:
    rows = [
        make_row(1, name="Ann [/]", team="[b]T[/b]"),
        make_row(2, name="Budi [bold red]x[/]", aux_code="[link=x]A"),
        make_row(3, name="Cici \x1b[31mred\x07", team="\x9b2J"),
    ]
    app = BoardApp()
    async with app.run_test(size=(160, 48)) as pilot:
        board = app.query_one(AgentBoard)
        board.update_rows(rows, T0)
        await pilot.pause()
        ann, budi, cici = body_texts(board)
        assert ann.startswith("Ann [/]") and "[b]T[/b]" in ann
        assert budi.startswith("Budi [bold red]x[/]") and "[link=x]A" in budi
        assert cici.startswith("Cici ?[31mred?") and "?2J" in cici
        assert "\x1b" not in cici and "\x9b" not in cici
        base = board.rich_style
        for y, name in zip(
            range(HEADER_LINES, HEADER_LINES + 3), ("Ann", "Budi", "Cici"), strict=True
        ):
            segment = segment_with(board, y, name)
            style = segment.style
            assert style.color == base.color, style  # the cursor row only adds a background
            assert not (style.bold or style.italic or style.underline or style.link), style
        await pilot.pause()  # and the compositor paints them without a markup error
        assert app.screen is not None


async def test_two_thousand_rows_mount_scroll_and_select() -> None:
    rows = [make_row(i) for i in range(2000)]
    app = BoardApp()
    async with app.run_test(size=(160, 48)) as pilot:
        board = app.query_one(AgentBoard)
        board.update_rows(rows, T0)
        board.focus()
        await pilot.pause()
        assert board.selected_row is not None and board.selected_row.agent_id == "A0000"
        assert board.virtual_size.height == 2000 + HEADER_LINES
        await pilot.press("down", "down")
        assert board.selected_row.agent_id == "A0002"
        await pilot.press("pagedown")
        body = board.size.height - HEADER_LINES
        assert board.selected_row.agent_id == f"A{2 + body:04d}"
        assert board.scroll_offset.y > 0  # the cursor stayed on screen
        await pilot.press("end")
        await pilot.pause()
        assert board.selected_row.agent_id == "A1999"
        assert (
            board.scroll_offset.y == board.max_scroll_y == 2000 + HEADER_LINES - board.size.height
        )
        assert body_texts(board)[-1].startswith("Agent 1999")
        await pilot.press("home")
        await pilot.pause()
        assert board.scroll_offset.y == 0
        assert body_texts(board)[0].startswith("Agent 0000")
        assert [r.agent_id for r in app.selected][:3] == ["A0000", "A0001", "A0002"]
        assert app.selected[-1].agent_id == "A0000"


async def test_update_keeps_the_cursor_on_the_same_agent_and_reflects_changes() -> None:
    rows = [make_row(i) for i in range(50)]
    app = BoardApp()
    async with app.run_test(size=(160, 48)) as pilot:
        board = app.query_one(AgentBoard)
        board.update_rows(rows, T0)
        board.focus()
        await pilot.press("down", "down", "down")
        assert board.selected_row.agent_id == "A0003"
        # A0000 leaves, A0003 goes to AUX: the cursor follows A0003
        changed = [make_row(i) for i in range(1, 50)]
        changed[2] = make_row(3, state=AgentState.AUX, aux_code="BRIEFING")
        board.update_rows(changed, T0 + timedelta(seconds=2))
        await pilot.pause()
        assert board.selected_row.agent_id == "A0003"
        assert board.selected_row.aux_code == "BRIEFING"
        assert "BRIEFING" in body_texts(board)[2]
        assert "49 of 49 agents" in board.render_line(0).text


async def test_indonesian_labels_when_the_site_language_is_id() -> None:
    rows = [make_row(1, login_status=LoginStatus.ABSENT, state=AgentState.LOGGED_OUT)]
    app = BoardApp()
    async with app.run_test(size=(160, 48)) as pilot:
        set_language("id")
        board = app.query_one(AgentBoard)
        board.update_rows(rows, T0)
        await pilot.pause()
        assert board.render_line(1).text.startswith("Nama")
        assert "1 dari 1 agen · urut: nama" in board.render_line(0).text
        assert "tidak hadir" in board.render_line(HEADER_LINES).text


async def test_an_agent_who_leaves_and_returns_shows_new_data() -> None:
    app = BoardApp()
    async with app.run_test(size=(160, 48)) as pilot:
        board = app.query_one(AgentBoard)
        board.update_rows([make_row(1, name="Old Name"), make_row(2)], T0)
        await pilot.pause()
        assert board.render_line(HEADER_LINES).text.startswith("Agent 0002")
        assert board.render_line(HEADER_LINES + 1).text.startswith("Old Name")
        board.update_rows([make_row(2)], T0)
        await pilot.pause()
        board.update_rows([make_row(1, name="New Name"), make_row(2)], T0)
        await pilot.pause()
        texts = body_texts(board)
        assert texts[1].startswith("New Name") and not any("Old Name" in t for t in texts)


async def test_an_agent_gone_from_the_platform_reads_not_listed_with_no_clock() -> None:
    ghost = make_row(
        1,
        state=AgentState.AUX,
        aux_code="TOILET",
        state_since=T0 - timedelta(minutes=30),
        aux_used_seconds=600.0,
        aux_limit_each_seconds=600.0,
        missing=True,
    )
    app = BoardApp()
    async with app.run_test(size=(160, 48)) as pilot:
        board = app.query_one(AgentBoard)
        board.update_rows([ghost], T0)
        await pilot.pause()
        board.tick(T0 + timedelta(minutes=5))
        (line,) = body_texts(board)
        assert "not listed" in line and " AUX " not in line
        assert "30:00" not in line and "35:00" not in line  # no timer runs
        assert "10:00/60:00" in line  # AUX used stays what it was
        set_language("id")
        board.update_rows([ghost], T0 + timedelta(minutes=6))
        await pilot.pause()
        assert "hilang" in body_texts(board)[0]


async def test_emoji_and_invisible_characters_keep_every_row_the_width_of_the_board() -> None:
    names = ("Budi 👍🏽", "Ani ☺\ufe0f", "Rina 👩\u200d💻", "Ri\u200bna", "\u3164Sari")
    rows = [make_row(i, name=name) for i, name in enumerate(names, 1)]
    app = BoardApp()
    async with app.run_test(size=(120, 36)) as pilot:
        board = app.query_one(AgentBoard)
        board.update_rows(rows, T0)
        await pilot.pause()
        from rich.cells import cell_len

        widths = {cell_len(board.render_line(y).text) for y in range(HEADER_LINES, 7)}
        assert widths == {board.size.width}
        lines = body_texts(board)
        assert all(line.endswith("95.0 %") for line in lines)  # the last column is there
        assert not any("\u200b" in line or "\ufe0f" in line for line in lines)


async def test_no_clock_for_who_never_logged_in_and_no_aux_for_who_is_off() -> None:
    rows = [
        make_row(1, state=AgentState.LOGGED_OUT, login_status=LoginStatus.NOT_YET_IN,
                 state_since=T0 - timedelta(hours=10), aux_used_seconds=0.0),
        make_row(2, state=AgentState.LOGGED_OUT, login_status=LoginStatus.OFF,
                 state_since=T0 - timedelta(hours=10), aux_used_seconds=0.0),
        make_row(3, state_since=T0 - timedelta(minutes=5), first_login_at=T0 - timedelta(hours=2)),
        # last night's agent, out since 07:04 this morning, due again tonight
        make_row(4, state=AgentState.LOGGED_OUT, login_status=LoginStatus.NOT_YET_IN,
                 state_since=T0 - timedelta(hours=7, minutes=3),
                 first_login_at=T0 - timedelta(hours=16), last_logout_at=T0 - timedelta(hours=7, minutes=3),
                 aux_used_seconds=0.0),
    ]  # fmt: skip
    app = BoardApp()
    async with app.run_test(size=(160, 48)) as pilot:
        board = app.query_one(AgentBoard)
        board.update_rows(rows, T0)
        board.toggle_all()  # who is off is behind `o`
        await pilot.pause()
        not_in, off, working, night = body_texts(board)
        assert "10:00:00" not in not_in and " — " in not_in  # no clock "since midnight"
        # nor since this morning's logout: it says nothing about tonight's shift
        assert "7:03:00" not in night and " — " in night
        assert "0:00/60:00" in not_in  # expected today: its AUX allowance stands
        assert "0:00/60:00" not in off  # off today: no AUX to count
        assert " 5:00 " in working
        # sorted by time in state: the one with a clock comes first
        while board.sort_label != "time in state":
            board.cycle_sort()
        await pilot.pause()
        assert [r.agent_id for r in board.visible_rows][0] == "A0003"


async def test_a_tick_repaints_only_the_timers_that_read_otherwise() -> None:
    """Rows showing "—" (never logged in, off) have nothing to repaint on a tick."""
    rows = [
        make_row(1, state=AgentState.LOGGED_OUT, login_status=LoginStatus.NOT_YET_IN,
                 state_since=T0 - timedelta(hours=10), aux_used_seconds=0.0),
        make_row(2, state=AgentState.LOGGED_OUT, login_status=LoginStatus.OFF,
                 state_since=T0 - timedelta(hours=10), aux_used_seconds=0.0),
        make_row(3, state_since=T0 - timedelta(minutes=5), first_login_at=T0 - timedelta(hours=2)),
    ]  # fmt: skip
    app = BoardApp()
    async with app.run_test(size=(160, 48)) as pilot:
        board = app.query_one(AgentBoard)
        board.toggle_all()  # the off row too (hidden by the default scope)
        board.update_rows(rows, T0)
        await pilot.pause()
        board._repaint_regions.clear()  # Textual's dirty regions of the widget
        board.tick(T0 + timedelta(seconds=1))
        dirty = {(r.y, r.height) for r in board._repaint_regions}
        assert dirty == {(HEADER_LINES + 2, 1)}  # the working agent's line only
        await pilot.pause()
        assert " 5:01 " in body_texts(board)[2]
