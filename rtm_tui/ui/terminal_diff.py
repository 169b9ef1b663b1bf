"""Write only the cells that changed: a shadow of the terminal under Textual's updates.

Textual turns a partial repaint into terminal bytes from the left edge of each widget to
the end of the dirty region: a board whose timer column moved one second rewrites each of
its lines from the agent's name on (~500 bytes a line), and the header its whole two lines.
Over SSH that was ~30 KB/s at 160x48 with nothing but clocks moving.

`TerminalShadow` keeps what the terminal shows (a character and a style per cell, as last
written by us) and renders a partial update as the cells that differ from it: the seconds
digit of each timer, the clock's last digit. A full update (a new layout, a new screen, a
resize) is written as Textual writes it and sets the shadow. A cell never written, or
written in a way the shadow does not follow, is "unknown" and always written again.

What the terminal shows is the same as without the shadow: this changes the bytes that
get there, not the screen (the pty benchmark `benchmarks/bench_terminal.py` measures it).
"""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from rich.color import ColorSystem
from rich.console import Console
from rich.control import Control
from rich.segment import Segment
from rich.style import Style
from textual._compositor import ChopsUpdate, CompositorUpdate, LayoutUpdate
from textual.strip import Strip

_WIDE = object()  # the 2nd cell of a wide character (the 1st holds the whole segment)
_move_to = Control.move_to


def _cells(text: str) -> list[Any] | None:
    """One entry per terminal cell of `text`: its characters when each takes one cell,
    else None (wide or zero-width characters: the segment is one unit)."""
    if text.isascii():
        return list(text)
    if all(cell_len(c) == 1 for c in text):
        return list(text)
    return None


class TerminalShadow:
    """What the terminal shows, cell by cell, and the bytes to change only what differs."""

    def __init__(self) -> None:
        self.width = 0
        self.height = 0
        self._chars: list[list[Any]] = []
        self._styles: list[list[Style | None]] = []

    def reset(self, width: int, height: int) -> None:
        """Nothing known (a new terminal size, or something wrote behind our back)."""
        self.width, self.height = width, height
        self._chars = [[None] * width for _ in range(height)]
        self._styles = [[None] * width for _ in range(height)]

    def fit(self, width: int, height: int) -> None:
        if (width, height) != (self.width, self.height):
            self.reset(width, height)

    # ------------------------------------------------------------------ full updates

    def record_layout(self, update: LayoutUpdate) -> None:
        """A full update is written as Textual writes it: note what it draws."""
        region = update.region
        for y, line in enumerate(update.strips, region.y):
            x = region.x
            for strip in line:
                for segment in strip:
                    x = self._store(y, x, segment)

    def _store(self, y: int, x: int, segment: Segment) -> int:
        text, style, control = segment
        if control:
            return x
        cells = _cells(text)
        if cells is None:
            width = cell_len(text)
            cells = [text, *([_WIDE] * (width - 1))] if width else []
        end = x + len(cells)
        if 0 <= y < self.height and 0 <= x and end <= self.width:
            self._put(y, x, cells, style)
        return end

    def _put(self, y: int, x: int, cells: list[Any], style: Style | None) -> None:
        chars, styles = self._chars[y], self._styles[y]
        end = x + len(cells)
        if x < self.width and chars[x] is _WIDE:  # we cut into a wide character: forget it
            k = x
            while k > 0 and chars[k] is _WIDE:
                k -= 1
            chars[k:x] = [None] * (x - k)
        chars[x:end] = cells
        styles[x:end] = [style] * len(cells)
        k = end
        while k < self.width and chars[k] is _WIDE:
            chars[k] = None
            k += 1

    # ------------------------------------------------------------------ partial updates

    def render_chops(self, update: ChopsUpdate, console: Console) -> str:
        """The bytes for the cells of `update` that differ from the shadow (which then
        holds them). Reads the same strips and spans Textual would write."""
        color_system = console._color_system or ColorSystem.TRUECOLOR
        render = Strip.render_style
        out: list[str] = []
        append = out.append
        cursor: tuple[int, int] | None = None
        width = self.width
        for y, x1, x2 in update.spans:
            if not 0 <= y < self.height:
                continue
            chars, styles = self._chars[y], self._styles[y]
            line = update.chops[y]
            ends = update.chop_ends[y]
            for end, (x, strip) in zip(ends, line.items(), strict=False):
                if strip is None or x > x2 or end <= x1:
                    continue
                if not (x2 > x >= x1 and end <= x2):
                    strip = strip.crop(0, min(end, x2) - x)
                cx = x
                for segment in strip:
                    text, style, control = segment
                    if control:
                        continue
                    cells = _cells(text)
                    wide = cells is None
                    if cells is None:
                        size = cell_len(text)
                        cells = [text, *([_WIDE] * (size - 1))] if size else []
                    n = len(cells)
                    if not n:
                        continue
                    stop = cx + n
                    if cx < 0 or stop > width:  # outside what the shadow follows
                        append(_move_to(max(cx, 0), y).segment.text)
                        append(render(style, text, color_system) if style else text)
                        cursor = None
                        cx = stop
                        continue
                    if chars[cx:stop] == cells and styles[cx:stop] == [style] * n:
                        cx = stop
                        continue
                    first, last = 0, n - 1
                    if not wide:
                        while chars[cx + first] == cells[first] and styles[cx + first] == style:
                            first += 1
                        while chars[cx + last] == cells[last] and styles[cx + last] == style:
                            last -= 1
                    piece = text if wide else text[first : last + 1]
                    at = cx + first
                    if cursor != (at, y):
                        append(_move_to(at, y).segment.text)
                    append(render(style, piece, color_system) if style else piece)
                    cursor = (cx + last + 1, y)
                    self._put(y, at, cells[first : last + 1], style)
                    cx = stop
        return "".join(out)


class DiffedUpdate(CompositorUpdate):
    """A partial update rendered through the shadow (what `App._display` writes)."""

    def __init__(self, update: ChopsUpdate, shadow: TerminalShadow) -> None:
        self.update = update
        self.shadow = shadow

    def __rich_console__(self, console: Any, options: Any) -> Any:
        return self.update.__rich_console__(console, options)

    def render_segments(self, console: Console) -> str:
        return self.shadow.render_chops(self.update, console)


class DiffedOutput:
    """App mixin: partial updates go to the terminal as the cells that changed."""

    _terminal_shadow: TerminalShadow | None = None

    def _display(self, screen: Any, renderable: Any) -> None:
        app: Any = self
        writes = (
            renderable is not None
            and not app._batch_count
            and app._running
            and not app._closed
            and not app.is_headless
            and app._driver is not None
            and not app._driver.is_inline
        )
        if not writes:
            super()._display(screen, renderable)  # type: ignore[misc]
            return
        shadow = self._terminal_shadow
        if shadow is None:
            shadow = self._terminal_shadow = TerminalShadow()
            app.app_resume_signal.subscribe(app, lambda _app: shadow.reset(0, 0))
        width, height = app.size
        shadow.fit(width, height)
        if isinstance(renderable, ChopsUpdate):
            renderable = DiffedUpdate(renderable, shadow)
        elif isinstance(renderable, LayoutUpdate):
            shadow.record_layout(renderable)
        else:  # something else drew: nothing known
            shadow.reset(width, height)
        super()._display(screen, renderable)  # type: ignore[misc]
