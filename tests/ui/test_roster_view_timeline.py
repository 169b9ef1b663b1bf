"""RosterView mounted in a real Textual app: counts, timeline bars, marks, now-line, coverage."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from textual.app import App, ComposeResult

from rtm_tui.domain.coverage import IntervalCoverage
from rtm_tui.domain.types import (
    AgentRow,
    AgentState,
    AttendanceCounts,
    Break,
    LoginStatus,
    MonitorView,
    Roster,
    RosterEntry,
    RosterStatus,
)
from rtm_tui.ui.i18n import set_language
from rtm_tui.ui.roster_view import HEADER_LINES, LEFT_WIDTH, RosterView

WIB = timezone(timedelta(hours=7))
DAY = date(2025, 3, 3)
NOW = datetime(2025, 3, 3, 10, 0, tzinfo=WIB)


@pytest.fixture(autouse=True)
def english() -> None:
    set_language("en")


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2025, 3, 3, hour, minute, tzinfo=WIB)


def entry(agent_id: str, name: str, code: str | None, start=None, end=None, **kw) -> RosterEntry:
    return RosterEntry(
        date=DAY,
        agent_id=agent_id,
        name=name,
        team="Alpha",
        status=kw.pop("status", RosterStatus.SCHEDULED),
        shift_code=code,
        start=start,
        end=end,
        **kw,
    )


def row(agent_id: str, name: str, status: LoginStatus, **kw) -> AgentRow:
    fields: dict[str, object] = dict(
        agent_id=agent_id,
        name=name,
        team="Alpha",
        state=AgentState.AVAILABLE,
        aux_code=None,
        state_since=NOW - timedelta(minutes=3),
        aux_used_seconds=0.0,
        aux_allowance_seconds=3600.0,
        aux_limit_each_seconds=None,
        aux_warn_ratio=0.8,
        login_status=status,
    )
    fields.update(kw)
    return AgentRow(**fields)  # type: ignore[arg-type]


def scenario() -> tuple[MonitorView, Roster]:
    p1 = entry(
        "A1", "Ani", "P1", at(7), at(16), breaks=(Break("ISTIRAHAT", at(11, 30), at(12, 30)),)
    )
    p2 = entry("A5", "Eko", "P2", at(8), at(17))
    s1 = entry("A2", "Budi", "S1", at(13), at(22))
    leave = entry("A3", "Cici", None, status=RosterStatus.LEAVE)
    roster = Roster(DAY, (p1, p2, s1, leave))
    rows = (
        row("A1", "Ani", LoginStatus.ON_TIME, roster=p1, first_login_at=at(6, 58)),
        row(
            "A5",
            "Eko",
            LoginStatus.LATE,
            roster=p2,
            late_by=timedelta(minutes=20),
            first_login_at=at(8, 20),
        ),
        row("A2", "Budi", LoginStatus.NOT_YET_IN, roster=s1, state=AgentState.LOGGED_OUT),
        row("A4", "Dedi", LoginStatus.NOT_ROSTERED, first_login_at=at(9, 10)),
    )
    counts = AttendanceCounts(
        scheduled=3, present=2, late=1, absent=0, off=1, on_leave=1, not_rostered=1, not_yet_in=1
    )
    view = MonitorView(NOW, rows, (), counts, (), ())
    return view, roster


class RosterApp(App[None]):
    def compose(self) -> ComposeResult:
        yield RosterView()


def find_line(view: RosterView, name: str) -> str:
    for y in range(HEADER_LINES, view.size.height):
        text = view.render_line(y).text
        if text.startswith(name + " "):
            return text
    raise AssertionError(f"no line for {name}")


def column_of(view: RosterView, moment: datetime) -> int:
    width = view.scrollable_content_region.width - LEFT_WIDTH
    return LEFT_WIDTH + int((moment - at(6)).total_seconds() / (18 * 3600) * width)


async def test_counts_axis_and_now_line() -> None:
    view_data, roster = scenario()
    app = RosterApp()
    async with app.run_test(size=(160, 48)) as pilot:
        view = app.query_one(RosterView)
        view.update_view(view_data, roster)
        await pilot.pause()
        counts = view.render_line(0).text
        for expected in ("Scheduled 3", "Present 2", "Late 1", "Absent 0", "Off 1 (leave 1, sick 0)"):
            assert expected in counts
        assert "Not rostered 1" in counts and "10:00" in counts
        late = next(s for s in view.render_line(0) if s.text == "1" and s.style.color)
        assert (
            late.style.color
            == view.get_component_rich_style("roster-view--warning", partial=True).color
        )

        now_x = view.now_column()
        assert now_x == column_of(view, NOW)
        axis = view.render_line(HEADER_LINES - 1).text
        assert axis[now_x] == "▼"
        assert "06:00" in axis and "12:00" in axis
        for name in ("Ani", "Eko", "Budi", "Cici", "Dedi"):
            assert find_line(view, name)[now_x] == "│", name

        # the now-line moves on a tick once now crosses into another column
        view.tick(NOW + timedelta(minutes=30))
        await pilot.pause()
        moved = view.now_column()
        assert moved is not None and moved > now_x
        assert find_line(view, "Budi")[moved] == "│"
        assert find_line(view, "Budi")[now_x] != "│"


async def test_shift_bars_breaks_and_login_marks() -> None:
    view_data, roster = scenario()
    app = RosterApp()
    async with app.run_test(size=(160, 48)) as pilot:
        view = app.query_one(RosterView)
        view.update_view(view_data, roster)
        await pilot.pause()
        # shifts by start time, then not rostered, then leave
        order = [line.name for line in view.agent_lines]
        assert order == ["Ani", "Eko", "Budi", "Dedi", "Cici"]

        ani = find_line(view, "Ani")
        assert ani[LEFT_WIDTH - 1 - 13 : LEFT_WIDTH - 1].strip() == "on time"
        assert ani[column_of(view, at(6, 58))] == "▶"
        assert ani[column_of(view, at(9))] == "━"
        assert ani[column_of(view, at(12))] == "╍"  # the break
        assert ani[column_of(view, at(15))] == "━"
        assert ani[column_of(view, at(17))] == " "  # after the shift
        assert ani[column_of(view, at(6, 30))] == " "  # before it

        eko = find_line(view, "Eko")
        assert "late +20m" in eko
        assert eko[column_of(view, at(8, 20))] == "▶"
        budi = find_line(view, "Budi")
        assert "not yet in" in budi and "▶" not in budi
        assert budi[column_of(view, at(14))] == "━"
        dedi = find_line(view, "Dedi")
        assert "not rostered" in dedi and "━" not in dedi
        assert dedi[column_of(view, at(9, 10))] == "▶"
        cici = find_line(view, "Cici")
        assert "leave" in cici and "━" not in cici

        # colours: late login mark amber, the break differs from the bar
        y = HEADER_LINES + order.index("Eko")
        mark = next(s for s in view.render_line(y) if "▶" in s.text)
        warning = view.get_component_rich_style("roster-view--late-login", partial=True)
        assert mark.style.color == warning.color
        y = HEADER_LINES + order.index("Ani")
        bar = next(s for s in view.render_line(y) if "━" in s.text)
        brk = next(s for s in view.render_line(y) if "╍" in s.text)
        assert bar.style.color != brk.style.color


async def test_coverage_table_per_interval_with_logged_in_now() -> None:
    view_data, roster = scenario()
    coverage = [
        IntervalCoverage(start=at(9, 30), scheduled=2.0, needed=2, gap=0.0),
        IntervalCoverage(start=at(10), scheduled=1.5, needed=4, gap=-2.5),
        IntervalCoverage(start=at(10, 30), scheduled=3.0, needed=3, gap=0.0),
    ]
    app = RosterApp()
    async with app.run_test(size=(160, 48)) as pilot:
        view = app.query_one(RosterView)
        view.update_view(view_data, roster, coverage)
        await pilot.pause()
        # top to bottom: the agents' timeline first, then the coverage
        assert find_line(view, "Ani")
        top = HEADER_LINES + view.coverage_line
        lines = [view.render_line(y).text for y in range(top, top + 4)]
        assert lines[0].startswith("Coverage per interval")
        assert "need" in lines[1] and "sched" in lines[1]
        table = lines[2]
        # logged in now = 3 agents not logged out, shown for the current interval only
        assert "09:30     2      2     —" in table
        assert "10:00     4    1.5     3" in table
        assert "10:30     3      3     —" in table
        current = next(s for s in view.render_line(top + 2) if "10:00" in s.text)
        assert current.style.reverse  # the interval we are in
        assert (
            current.style.color
            == view.get_component_rich_style("roster-view--breach", partial=True).color
        )  # 3 logged in < 4 needed


async def test_hostile_names_and_two_thousand_agents_scroll() -> None:
    entries = []
    rows = []
    for i in range(2000):
        name = "Ann [/]" if i == 0 else "Budi [bold red]x[/]" if i == 1 else f"Agent {i:04d}"
        e = entry(f"A{i:04d}", name, "P1", at(7), at(16))
        entries.append(e)
        rows.append(row(e.agent_id, name, LoginStatus.ON_TIME, roster=e, first_login_at=at(7)))
    view_data = MonitorView(NOW, tuple(rows), (), AttendanceCounts(scheduled=2000), (), ())
    app = RosterApp()
    async with app.run_test(size=(160, 48)) as pilot:
        view = app.query_one(RosterView)
        view.update_view(view_data, Roster(DAY, tuple(entries)))
        view.focus()
        await pilot.pause()
        assert "Scheduled 2,000" in view.render_line(0).text
        assert view.render_line(HEADER_LINES).text.startswith("Agent 0002")
        assert view.virtual_size.height == HEADER_LINES + 2000
        await pilot.press("end")
        await pilot.pause()
        assert view.scroll_offset.y == view.max_scroll_y > 0
        texts = [view.render_line(y).text for y in range(view.size.height)]
        assert texts[0].startswith("Scheduled")  # the header stays put
        assert any(text.startswith("Budi [bold red]x[/]") for text in texts)
        assert any(text.startswith("Ann [/]") for text in texts)
        y = next(i for i, text in enumerate(texts) if text.startswith("Ann [/]"))
        name = view.render_line(y)._segments[0]
        assert name.style.color == view.rich_style.color and not name.style.bold
