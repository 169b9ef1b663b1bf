"""The terminal shadow writes fewer bytes and the terminal shows the same screen.

The real app (simulator, 160x48) runs headless; every update Textual would write is
rendered twice: as Textual writes it, and through `TerminalShadow`. Both byte streams go
into a small terminal emulator (cursor moves, SGR, text); the two screens must be the same
cell by cell (character and colours) after each update: ticks, polls, a cursor move, a filter, a modal
screen and its closing.
"""

from __future__ import annotations

import re
from typing import Any

from app_helpers import SIZE, sim_app, wait_live
from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual._compositor import ChopsUpdate, LayoutUpdate
from textual.strip import Strip

from rtm_tui.ui.terminal_diff import DiffedUpdate, TerminalShadow

_TOKEN = re.compile(r"\x1b\[(\d+);(\d+)H|\x1b\[([0-9;]*)m|\x1b\]8;[^\x1b]*\x1b\\|(\n)|(.)", re.S)


class Screen:
    """Just enough of a terminal: absolute moves, SGR, newline, text."""

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.cells: dict[tuple[int, int], tuple[str, str]] = {}
        self.x = self.y = 0
        self.sgr = ""

    def feed(self, data: str) -> None:
        for move_y, move_x, sgr, newline, char in _TOKEN.findall(data):
            if move_y:
                self.y, self.x = int(move_y) - 1, int(move_x) - 1
            elif newline:
                self.y, self.x = self.y + 1, 0
            elif char:
                self.cells[(self.x, self.y)] = (char, self.sgr)
                for k in range(1, cell_len(char)):
                    self.cells[(self.x + k, self.y)] = ("", self.sgr)
                self.x += cell_len(char)
            elif sgr is not None:  # "\x1b[m" and "\x1b[0m" reset, others set
                self.sgr = "" if sgr in ("", "0") else sgr


class Twin:
    """Feeds each update to two screens: Textual's bytes and the shadow's."""

    def __init__(self, app: Any) -> None:
        self.app = app
        width, height = SIZE
        self.plain, self.diffed = Screen(width, height), Screen(width, height)
        self.shadow = TerminalShadow()
        self.shadow.reset(width, height)
        self.plain_bytes = self.diffed_bytes = 0
        self.partials = 0
        self.mismatched = 0

    def display(self, screen: Any, renderable: Any) -> None:
        if renderable is None:
            return
        console = self.app.console
        plain = renderable.render_segments(console)
        if isinstance(renderable, ChopsUpdate):
            diffed = DiffedUpdate(renderable, self.shadow).render_segments(console)
            self.partials += 1
            self.plain_bytes += len(plain.encode())
            self.diffed_bytes += len(diffed.encode())
        else:
            assert isinstance(renderable, LayoutUpdate)
            self.shadow.record_layout(renderable)
            diffed = plain
        self.plain.feed(plain)
        self.diffed.feed(diffed)
        if self.differences():  # checked after each update: a full one would hide it
            self.mismatched += 1

    def differences(self) -> list[tuple[int, int]]:
        keys = set(self.plain.cells) | set(self.diffed.cells)
        return sorted(k for k in keys if self.plain.cells.get(k) != self.diffed.cells.get(k))


async def test_shadow_writes_less_and_shows_the_same_screen() -> None:
    # wide and combining characters among the names: written whole, every time
    names = ["王小明 Wang", "Ann [/]", "Zoe\u0301 Çelik", "김민준", "Dewi Lestari"]
    app, _sim, _ = sim_app(agents=40, names=names)
    async with app.run_test(size=SIZE) as pilot:
        await wait_live(pilot, app)
        twin = Twin(app)
        app._display = twin.display  # headless Textual writes nothing: write it here
        await pilot.press("o", "end")  # everyone, to the last rows: wide names sort last
        app.refresh(layout=True)
        await pilot.pause()
        shown = {char for char, _sgr in twin.plain.cells.values()}
        assert "王" in shown or "김" in shown  # a wide name is on the screen
        for _ in range(3):  # ticks and polls on the clock
            app.clock.advance(1)
            app._tick()
            await pilot.pause(0.6)
        await pilot.press("down", "down", "down")
        await pilot.pause()
        await pilot.press("slash", "a")
        await pilot.pause(0.3)
        await pilot.press("escape")
        await pilot.press("question_mark")  # a modal screen over the board, then back
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        app.clock.advance(1)
        app._tick()
        await pilot.pause(0.6)
        assert twin.partials > 5
        assert twin.mismatched == 0
        assert twin.plain.cells  # the screens are not both empty
        assert twin.diffed_bytes * 3 < twin.plain_bytes


def test_shadow_writes_only_the_changed_cells() -> None:
    class FakeConsole:
        _color_system = None

    shadow = TerminalShadow()
    shadow.reset(20, 2)
    red = Style(color="red")
    first = Strip([Segment("Ann [/]  ", None), Segment("0:59", red)])
    second = Strip([Segment("Ann [/]  ", None), Segment("1:00", red)])

    def update(strip: Strip) -> ChopsUpdate:
        return ChopsUpdate([{0: strip}, {0: None}], [(0, 0, 13)], [[20], [20]])

    everything = shadow.render_chops(update(first), FakeConsole())  # type: ignore[arg-type]
    assert "Ann [/]" in everything
    changed = shadow.render_chops(update(second), FakeConsole())  # type: ignore[arg-type]
    assert "Ann" not in changed
    assert changed.startswith("\x1b[1;10H")  # the timer's first cell, 1-based
    assert "1:00" in changed
    assert shadow.render_chops(update(second), FakeConsole()) == ""  # type: ignore[arg-type]
    shadow.reset(20, 2)  # nothing known: all of it again
    assert "Ann [/]" in shadow.render_chops(update(second), FakeConsole())  # type: ignore[arg-type]
