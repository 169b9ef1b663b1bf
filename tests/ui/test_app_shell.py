"""The app shell without a data feed: header, keys, views, help, gauges, i18n."""

from __future__ import annotations

import re
from datetime import datetime

from app_helpers import JAKARTA, SIZE, frozen, make_settings, screen_text, wait_for
from textual.widgets import Input, TabbedContent

from rtm_tui.ui.app import AppContext, RtmApp
from rtm_tui.ui.gauges import CountsScreen, KpiGauge
from rtm_tui.ui.header import FreshnessScreen
from rtm_tui.ui.help_screen import HelpScreen
from rtm_tui.ui.i18n import CATALOG


def shell(**sections: object) -> RtmApp:
    at = sections.pop("at", None)
    clock = frozen(at) if isinstance(at, datetime) else frozen()
    return RtmApp(AppContext(settings=make_settings(**sections), clock=clock, demo=True))


async def test_header_shows_site_time_shift_tl_sources_and_demo() -> None:
    app = shell()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = screen_text(app)
    top = text.splitlines()[0]
    assert "DEMO" in top
    assert "Contact Center Jakarta" in top
    assert "Tue 24 Nov 2026 09:40:00 WIB" in top
    assert "Shift pagi" in top
    assert "TL Rina" in top
    second = text.splitlines()[1]
    for source in ("agents", "voice", "non-voice", "roster"):
        assert source in second
    assert "no data yet" in second
    assert "Alerts 0" in second


async def test_header_shift_follows_the_clock() -> None:
    app = shell(at=datetime(2026, 11, 24, 16, 5, tzinfo=JAKARTA))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "Shift siang" in screen_text(app).splitlines()[0]
        app.clock.advance(7 * 3600)  # 23:05: between the TL shifts
        await pilot.pause(1.2)  # the 1 Hz tick redraws the header
        top = screen_text(app).splitlines()[0]
    assert "23:05" in top
    assert "No TL shift" in top


async def test_help_lists_every_binding_and_closes() -> None:
    app = shell()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        for key, description in (
            ("?", "Show all keys"),
            ("^q, q", "Quit"),
            ("r", "New recovery plan for the selected KPI, alert or agent"),
            ("p", "Open the recovery plans"),
            ("1", "Show the dashboard"),
            ("2", "Show the roster view"),
            ("/", "Filter the agent board"),
            ("e", "Show only agents with exceptions"),
            ("s", "Change the sort order"),
            ("t", "Show KPIs for this interval or for today"),
            ("a", "Acknowledge the selected alert"),
            ("f", "Show the status of each data source"),
            ("^p", "Command palette"),
            ("⏎, c", "Show the counts behind the selected KPI"),
            ("→", "Select the next KPI gauge"),
        ):
            assert re.search(rf"{re.escape(key)} +{re.escape(description)}", text), key
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


async def test_number_keys_switch_views() -> None:
    app = shell()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await pilot.pause()
        tabs = app.query_one("#views", TabbedContent)
        assert tabs.active == "roster"
        assert app.active_view == "roster"
        await pilot.press("1")
        await pilot.pause()
        assert tabs.active == "dashboard"


async def test_t_cycles_interval_tl_shift_and_today() -> None:
    app = shell()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "KPIs: This interval" in screen_text(app)
        await pilot.press("t")
        await pilot.pause()
        assert app.period == "shift"
        assert "KPIs: This TL shift" in screen_text(app)
        await pilot.press("t")
        await pilot.pause()
        assert app.period == "today"
        assert "KPIs: Today" in screen_text(app)
        assert all(g.period == "today" for g in app.query(KpiGauge))
        await pilot.press("t")
        assert app.period == "interval"


async def test_gauges_take_focus_left_right_and_show_counts() -> None:
    app = shell()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("G")  # the board has the focus at start; G goes to the gauges
        await pilot.pause()
        assert isinstance(app.focused, KpiGauge) and app.focused.kpi == "scr"
        await pilot.press("right", "right")
        assert app.focused.kpi == "service_level"
        await pilot.press("left")
        assert app.focused.kpi == "abandon"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CountsScreen)
        assert app.screen.kpi == "abandon"
        assert "No counts for this KPI yet" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, CountsScreen)


async def test_gauges_show_targets_from_the_config_before_data() -> None:
    app = shell(targets={"scr": {"sla": 96.0, "slg": 91.0}, "aht": {"sla": 290, "slg": 350}})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = screen_text(app)
    assert "SLA 96.0 %" in text and "SLG 91.0 %" in text
    assert "SLA 4:50" in text and "SLG 5:50" in text  # AHT, m:ss
    assert "—" in text  # no data yet


async def test_filter_key_opens_an_input_that_filters_the_board() -> None:
    app = shell()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash")
        await pilot.pause()
        box = app.query_one("#filter", Input)
        assert box.display and app.focused is box
        await pilot.press("b", "u", "d", "i")
        await pilot.pause()
        assert app.board is not None
        assert app.board.filter_text == "budi"
        await pilot.press("escape")
        await pilot.pause()
        assert not box.display
        assert app.board.filter_text == ""


async def test_letters_typed_in_the_filter_are_not_commands() -> None:
    app = shell()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", "q", "t", "2")
        await pilot.pause()
        assert app.is_running
        assert app.period == "interval"
        assert app.active_view == "dashboard"
        assert app.query_one("#filter", Input).value == "qt2"


async def test_f_shows_freshness_detail() -> None:
    app = shell()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, FreshnessScreen)
        text = screen_text(app)
        assert "Data sources" in text
        assert "non-voice" in text


async def test_q_quits() -> None:
    app = shell()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_command_palette_offers_the_main_actions() -> None:
    app = shell()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        titles = {c.title for c in app.get_system_commands(app.screen)}
    for title in ("New plan", "Plans", "Roster", "Filter", "Ack", "Period"):
        assert title in titles


async def test_indonesian_ui() -> None:
    app = shell(site={"language": "id"}, at=datetime(2026, 11, 24, 23, 30, tzinfo=JAKARTA))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: "Keluar" in screen_text(app))  # the footer is drawn
        text = screen_text(app)
        assert "Dasbor" in text
        assert "Keluar" in text  # footer
        assert "Sel 24 Nov 2026 23:30:00 WIB" in text
        assert "Di luar shift TL" in text
        assert "belum ada data" in text
        await pilot.press("question_mark")
        await pilot.pause()
        help_text = screen_text(app)
    assert "Tombol" in help_text and "Tampilkan semua tombol" in help_text
    assert "Tandai alert yang dipilih sudah dibaca" in help_text


async def test_hostile_site_and_tl_names_show_literally() -> None:
    app = shell(site={"name": "Ann [/] site", "tl_name": "Budi [bold red]x[/]"})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        top = screen_text(app).splitlines()[0]
    assert "Ann [/] site" in top
    assert "TL Budi [bold red]x[/]" in top


async def test_narrow_terminal_puts_alerts_under_the_board() -> None:
    app = shell()
    async with app.run_test(size=(100, 48)) as pilot:
        await pilot.pause()
        board = app.query_one("#board").region
        alerts = app.query_one("#alerts").region
    assert alerts.y >= board.bottom
    assert alerts.width >= 90


SHELL_AREAS = (
    "app.",
    "tab.",
    "key.",
    "cmd.",
    "header.",
    "shift.",
    "source.",
    "fresh.",
    "gauge.",
    "status.",
    "kpi.",
    "counts.",
    "alerts.",
    "severity.",
    "help.",
    "placeholder.",
    "filter.",
    "plan.",
    "run.",
    "day.",
    "month.",
    "att.",
)


def test_every_shell_string_has_an_indonesian_one() -> None:
    mine = {k for k in CATALOG["en"] if k.startswith(SHELL_AREAS)}
    assert len(mine) > 100
    missing = sorted(mine - set(CATALOG["id"]))
    assert not missing, missing
    # and the UI says more than English with an accent
    differ = [k for k in mine if CATALOG["en"][k] != CATALOG["id"][k]]
    assert len(differ) > len(mine) // 2


async def test_r_and_p_without_a_database_say_so() -> None:
    app = shell()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert app.screen is app.screen_stack[0]
    assert sum("need the database" in m for m in messages) == 2
