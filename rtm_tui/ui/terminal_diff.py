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

_UNKNOWN = "\x00"  # a cell whose content we do not know: never equal to any text
_move_to = Control.move_to


class TerminalShadow:
    """What the terminal shows, cell by cell, and the bytes to change only what differs.

    A line is a string of one character per cell (compared by slicing, in C) and a list
    of one style per cell. Text whose characters do not each take one cell (wide or
    combining characters) is written whenever it is in an update and its cells are
    left unknown, so the shadow never has to follow how a terminal draws it."""

    def __init__(self) -> None:
        self.width = 0
        self.height = 0
        self._chars: list[str] = []
        self._styles: list[list[Style | None]] = []
        self._narrow: dict[str, bool] = {}

    def reset(self, width: int, height: int) -> None:
        """Nothing known (a new terminal size, or something wrote behind our back)."""
        self.width, self.height = width, height
        self._chars = [_UNKNOWN * width for _ in range(height)]
        self._styles = [[None] * width for _ in range(height)]

    def fit(self, width: int, height: int) -> None:
        if (width, height) != (self.width, self.height):
            self.reset(width, height)

    def _is_narrow(self, text: str) -> bool:
        """Each character one cell (ASCII always; others looked up once)."""
        if text.isascii():
            return True
        narrow = self._narrow.get(text)
        if narrow is None:
            if len(self._narrow) > 4096:
                self._narrow.clear()
            narrow = self._narrow[text] = all(cell_len(c) == 1 for c in text)
        return narrow

    # ------------------------------------------------------------------ full updates

    def record_layout(self, update: LayoutUpdate) -> None:
        """A full update is written as Textual writes it: note what it draws."""
        region = update.region
        for y, line in enumerate(update.strips, region.y):
            x = region.x
            for strip in line:
                for text, style, control in strip:
                    if control:
                        continue
                    if self._is_narrow(text):
                        self._put(y, x, text, style)
                        x += len(text)
                    else:
                        width = cell_len(text)
                        self._put(y, x, _UNKNOWN * width, None)
                        x += width

    def _put(self, y: int, x: int, text: str, style: Style | None) -> None:
        end = x + len(text)
        if 0 <= y < self.height and 0 <= x and end <= self.width:
            line = self._chars[y]
            self._chars[y] = line[:x] + text + line[end:]
            self._styles[y][x:end] = [style] * len(text)

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
        is_narrow = self._is_narrow
        for y, x1, x2 in update.spans:
            if not 0 <= y < self.height:
                continue
            styles = self._styles[y]
            line = update.chops[y]
            ends = update.chop_ends[y]
            for end, (x, strip) in zip(ends, line.items(), strict=False):
                if strip is None or x > x2 or end <= x1:
                    continue
                limit = min(end, x2)  # Textual writes the chop from x up to here
                cx = x
                for text, style, control in strip:
                    if cx >= limit:
                        break
                    if control:
                        continue
                    narrow = is_narrow(text)
                    n = len(text) if narrow else cell_len(text)
                    if cx + n > limit:  # the strip goes on past the span: cut it there
                        if not narrow:
                            cut = Strip([Segment(text, style)]).crop(0, limit - cx)
                            text = "".join(segment.text for segment in cut)
                            narrow = is_narrow(text)
                        else:
                            text = text[: limit - cx]
                        n = len(text) if narrow else cell_len(text)
                    stop = cx + n
                    if not n:
                        continue
                    if not narrow or cx < 0 or stop > width:
                        # written every time, its cells unknown afterwards
                        append(_move_to(max(cx, 0), y).segment.text)
                        append(render(style, text, color_system) if style else text)
                        cursor = None
                        self._put(y, cx, _UNKNOWN * n, None)
                        cx = stop
                        continue
                    chars = self._chars[y]
                    if chars[cx:stop] == text and styles[cx:stop] == [style] * n:
                        cx = stop
                        continue
                    first, last = 0, n - 1
                    while chars[cx + first] == text[first] and styles[cx + first] == style:
                        first += 1
                    while chars[cx + last] == text[last] and styles[cx + last] == style:
                        last -= 1
                    piece = text[first : last + 1]
                    at = cx + first
                    if cursor != (at, y):
                        append(_move_to(at, y).segment.text)
                    append(render(style, piece, color_system) if style else piece)
                    cursor = (cx + last + 1, y)
                    self._put(y, at, piece, style)
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
