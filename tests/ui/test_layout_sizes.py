"""The dashboard at every terminal size a TL uses (issue 12), in both languages.

The real demo app on the in-process simulator; rows are counted on the rendered screen,
not from the board's own arithmetic.
"""

from __future__ import annotations

from typing import Any

import pytest
from app_helpers import make_settings, screen_text, sim_app, wait_live
from textual.widgets._footer import FooterKey

from rtm_tui.domain.format import fmt_kpi
from rtm_tui.ui.i18n import t

# (width, height) -> agent rows that must be on screen
TARGETS = {(80, 24): 8, (100, 30): 12, (120, 36): 16, (160, 48): 26}
LANGUAGES = ("en", "id")


def board_rows_on_screen(app: Any) -> int:
    """Screen lines that start (at the board's left edge) with an agent's name."""
    board = app.board
    if not board.display:
        return 0
    x = board.region.x
    names = {row.name[:13] for row in board.visible_rows}
    lines = screen_text(app).splitlines()
    top, bottom = board.region.y, board.region.bottom
    return sum(
        1
        for line in lines[top:bottom]
        if any(line[x:].startswith(name) for name in names)
    )


def alerts_on_screen(app: Any) -> bool:
    pane = app.alerts_pane
    region = pane.region
    return (
        pane.display
        and region.height >= 3
        and region.bottom <= app.size.height
        and t("alerts.title") in screen_text(app)
    )


def footer_keys(app: Any) -> list[FooterKey]:
    return [key for key in app.screen.query(FooterKey) if key.display]


def app_in(language: str) -> Any:
    app, _sim, _ = sim_app(make_settings(site={"language": language}), agents=40)
    return app


async def live_everyone(pilot: Any, app: Any) -> None:
    """Live, with every agent on the board (`o`): 40 agents fill the largest layout,
    the TL's people alone (15 at 09:40) do not."""
    await wait_live(pilot, app)
    if not app.board.show_all:
        await pilot.press("o")
    await pilot.pause(0.2)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("size", list(TARGETS), ids=lambda s: f"{s[0]}x{s[1]}")
async def test_board_rows_and_alerts_at_each_size(size: tuple[int, int], language: str) -> None:
    app = app_in(language)
    async with app.run_test(size=size) as pilot:
        await live_everyone(pilot, app)
        await pilot.pause(0.2)
        rows = board_rows_on_screen(app)
        assert rows >= TARGETS[size], f"{rows} rows at {size}:\n{screen_text(app)}"
        if not alerts_on_screen(app):
            await pilot.press("w")  # one key away
            await pilot.pause(0.2)
            assert alerts_on_screen(app), screen_text(app)
            assert app.focused is app.alerts_pane.option_list
        # every key in the footer whole, none cut at the right edge
        keys = footer_keys(app)
        assert keys and all(k.region.right <= size[0] for k in keys)
        shown = {k.key for k in keys}
        assert {"question_mark", "r", "slash", "e", "a", "w"} <= shown


async def test_alerts_beside_the_board_when_wide() -> None:
    app = app_in("en")
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_live(pilot, app)
        assert app.alerts_pane.region.x >= app.board.region.right
        assert app.gauge_panel.shown_mode == "full"


async def test_w_hides_and_shows_the_alerts_at_80x24() -> None:
    app = app_in("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await live_everyone(pilot, app)
        assert not app.alerts_pane.display
        await pilot.press("w")
        await pilot.pause(0.2)
        assert alerts_on_screen(app)
        assert board_rows_on_screen(app) >= 3  # the board still shows under the gauges
        await pilot.press("w")
        await pilot.pause(0.2)
        assert not app.alerts_pane.display
        assert app.focused is app.board


async def test_compact_strip_shows_the_gauges_values() -> None:
    app = app_in("en")
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_live(pilot, app)
        panel = app.gauge_panel
        assert panel.shown_mode == "compact"
        text = " ".join(screen_text(app).split())
        for gauge in panel.gauges():
            kv = gauge.current
            value = fmt_kpi(gauge.kpi, kv.value if kv else None)
            assert f"{t(f'kpi.short.{gauge.kpi}')} {value}" in text or gauge.scope != "all"
        counts = app.view.attendance
        assert f"{t('att.title')} {counts.present}/{counts.scheduled}" in text
        assert f"{t('att.absent')} {counts.absent}" in text


async def test_g_cycles_the_gauges_full_compact_hidden() -> None:
    app = app_in("en")
    async with app.run_test(size=(120, 36)) as pilot:
        await live_everyone(pilot, app)
        panel = app.gauge_panel
        compact_rows = board_rows_on_screen(app)
        seen = [panel.shown_mode]
        rows = {seen[0]: compact_rows}
        for _ in range(3):
            await pilot.press("g")
            await pilot.pause(0.2)
            seen.append(panel.shown_mode)
            rows[seen[-1]] = board_rows_on_screen(app)
        assert seen == ["compact", "hidden", "full", "compact"]
        assert rows["hidden"] > rows["compact"] > rows["full"]
        # the full gauges show their targets; the compact strip does not
        await pilot.press("g", "g")
        await pilot.pause(0.2)
        assert panel.shown_mode == "full"
        aht = panel.query_one("#gauge-aht")
        assert aht.region.height == 5 and "SLG 6:00" in screen_text(app)  # AHT's target
        await pilot.press("g")
        await pilot.pause(0.2)
        assert not aht.region and "SLG 6:00" not in screen_text(app)
        assert not isinstance(app.focused, type(panel.gauges()[0]))


async def test_b_maximises_the_board_and_back() -> None:
    app = app_in("id")
    async with app.run_test(size=(160, 48)) as pilot:
        await live_everyone(pilot, app)
        before = board_rows_on_screen(app)
        await pilot.press("b")
        await pilot.pause(0.2)
        assert not app.gauge_panel.display and not app.alerts_pane.display
        assert board_rows_on_screen(app) > before
        assert app.focused is app.board
        await pilot.press("b")
        await pilot.pause(0.2)
        assert app.gauge_panel.shown_mode == "full" and alerts_on_screen(app)
        assert board_rows_on_screen(app) == before


async def test_new_keys_are_in_the_help() -> None:
    app = app_in("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_live(pilot, app)
        rows = dict(app.help_rows())
        for key, name in (("w", "alerts"), ("g", "gauges"), ("b", "board")):
            assert rows[key] == t(f"cmd.{name}")
