"""The live agent board: a Line-API ScrollView over a plain list of AgentRows.

Why not a DataTable: the board is refreshed every poll (2 s) and its timers every second;
a DataTable refilled each poll (or `update_cell` per timer) throws its render caches away
and re-measures every row. Here only the visible lines are rendered (`render_line(y)`), the
static cells of a row are cached by (agent id, row version) and a 1 Hz `tick` repaints only
the timer columns of the visible rows.

Agent names, teams and codes are data: cells are plain `Segment`s built from strings, never
markup, so `Ann [/]` shows literally.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from rtm_tui.domain.format import fmt_duration, fmt_minutes, fmt_percent
from rtm_tui.domain.types import AgentRow, AgentState, LoginStatus
from rtm_tui.sources.sanitise import clean
from rtm_tui.ui.i18n import language, t

HEADER_LINES = 2  # summary line + column titles; both stay put while the body scrolls
NAME_MIN, NAME_MAX = 14, 32
SEP = " "


@dataclass(frozen=True, slots=True)
class Column:
    key: str  # also the i18n key "board.col.<key>"
    width: int
    right: bool = False

    @property
    def title(self) -> str:
        return t(f"board.col.{self.key}")


# The name column takes what is left between NAME_MIN and NAME_MAX.
COLUMNS: tuple[Column, ...] = (
    Column("name", NAME_MIN),
    Column("team", 12),
    Column("state", 10),
    Column("aux_code", 11),
    Column("time", 9, right=True),
    Column("aux_used", 15, right=True),
    Column("login", 14),
    Column("adherence", 8, right=True),  # "100.0 %*"
)
_TIME_WIDTH, _AUX_WIDTH = COLUMNS[4].width, COLUMNS[5].width
# a board too narrow for every column gives these up, in this order (at 80 columns
# both), rather than cut the columns on the right or scroll sideways
DROP_ORDER = ("adherence", "team")


def fixed_width(columns: Sequence[Column]) -> int:
    """The cells of every column but the name, separators included."""
    return sum(c.width for c in columns if c.key != "name") + len(SEP) * (len(columns) - 1)


def columns_for(width: int) -> tuple[Column, ...]:
    """The columns that fit in `width` cells, the name at NAME_MIN at least."""
    columns = COLUMNS
    for key in DROP_ORDER:
        if width >= NAME_MIN + fixed_width(columns):
            break
        columns = tuple(c for c in columns if c.key != key)
    return columns


_FIXED_WIDTH = fixed_width(COLUMNS)

# Sort orders: those most worth a look first.
_STATE_ORDER = {
    AgentState.AUX: 0,
    AgentState.ON_CONTACT: 1,
    AgentState.ACW: 2,
    AgentState.AVAILABLE: 3,
    AgentState.LOGGED_OUT: 4,
}
_LOGIN_ORDER = {
    LoginStatus.ABSENT: 0,
    LoginStatus.LATE: 1,
    LoginStatus.EARLY_OUT: 2,
    LoginStatus.NOT_ROSTERED: 3,
    LoginStatus.NOT_YET_IN: 4,
    LoginStatus.ON_TIME: 5,
    LoginStatus.TRAINING: 6,
    LoginStatus.SICK: 7,
    LoginStatus.LEAVE: 8,
    LoginStatus.OFF: 9,
    LoginStatus.NOT_SCHEDULED: 10,
}


def _name_key(row: AgentRow) -> tuple[str, str]:
    return (row.name.casefold(), row.agent_id)


SortKey = Callable[[AgentRow], tuple]
_LEVEL_RANK = {"breach": 0, "warning": 1}


def severity_rank(row: AgentRow, now: datetime) -> int:
    """How bad the agent's condition is, as the board colours it: 0 a red cell (absent,
    an AUX over its limit or the allowance), 1 a yellow one (late, early out, not
    rostered, near a limit, not listed), 2 nothing to look at."""
    levels = (
        login_level(row.login_status),
        timer_level(row, now),
        aux_used_level(row, row.aux_used_seconds),
        "warning" if row.missing or row.exception else None,
    )
    return min((_LEVEL_RANK.get(level or "", 2) for level in levels), default=2)


def worst_first(now: datetime) -> SortKey:
    """"Worst first": severity, then the longest in that state first (no timer: last)."""
    return lambda r: (severity_rank(r, now), no_timer(r), r.state_since, *_name_key(r))


SORTS: tuple[tuple[str, SortKey | None], ...] = (
    # (column key: marked in the header, label "board.sort.<key>"; key function, None
    # for one that depends on `now`: worst first)
    ("name", _name_key),
    ("team", lambda r: (r.team.casefold(), *_name_key(r))),
    ("state", lambda r: (_STATE_ORDER.get(r.state, 9), *_name_key(r))),
    # longest in state first; no clock to compare (never logged in, not listed): last
    ("time", lambda r: (no_timer(r), r.state_since, *_name_key(r))),
    ("aux_used", lambda r: (-r.aux_used_seconds, *_name_key(r))),
    ("login", lambda r: (_LOGIN_ORDER.get(r.login_status, 99), *_name_key(r))),
    ("worst", None),
)

# --------------------------------------------------------------------------- cells

# Control characters would move the terminal cursor: the client sanitises text, but a cell
# is the last line of defence, so C0/C1 controls become "?".
_CONTROLS = {c: "?" for c in (*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0))}


def plain(text: str) -> str:
    """External text made safe for a Segment: no control characters, and nothing whose
    width the terminal may draw otherwise than measured (a roster file's names come here
    without the client's sanitising)."""
    text = text.translate(_CONTROLS)
    return text if text.isascii() else clean(text, len(text))


def fit(text: str, width: int, right: bool = False) -> str:
    """Pad or cut `text` to exactly `width` cells (wide characters counted right)."""
    text = plain(text)
    length = cell_len(text)
    if length > width:
        return set_cell_size(text, width - 1) + "…" if width > 1 else set_cell_size(text, width)
    padding = " " * (width - length)
    return padding + text if right else text + padding


def state_label(state: AgentState) -> str:
    return t(f"board.state.{state.value}")


def row_state_label(row: AgentRow) -> str:
    """The state cell: the last seen state is not shown as true for an agent the platform
    no longer lists."""
    return t("board.state.missing") if row.missing else state_label(row.state)


def login_label(row: AgentRow) -> str:
    return login_text(row.login_status, row.late_by)


def login_text(status: LoginStatus, late_by: timedelta | None = None) -> str:
    if status == LoginStatus.LATE and late_by is not None:
        return t("board.login.late_by", minutes=int(late_by.total_seconds() // 60))
    return t(f"board.login.{status.value}")


_NOT_WORKING = frozenset(
    {
        LoginStatus.OFF,
        LoginStatus.LEAVE,
        LoginStatus.SICK,
        LoginStatus.TRAINING,
        LoginStatus.NOT_SCHEDULED,
    }
)


def no_timer(row: AgentRow) -> bool:
    """No time-in-state to show: a ghost (the platform no longer lists it), or someone
    logged out who has not logged in at all today (a clock "since midnight" means nothing),
    or whose shift has not started yet (the clock since this morning's logout of a night
    agent says nothing about tonight's shift)."""
    if row.missing:
        return True
    return row.state is AgentState.LOGGED_OUT and (
        (row.first_login_at is None and row.last_logout_at is None)
        or row.login_status is LoginStatus.NOT_YET_IN
    )


def aux_used_seconds(row: AgentRow, now: datetime, polled_at: datetime | None) -> float:
    """AUX used today, still counting while the agent sits in AUX between polls."""
    used = row.aux_used_seconds
    if (
        row.state == AgentState.AUX
        and not row.missing
        and polled_at is not None
        and now > polled_at
    ):
        used += (now - polled_at).total_seconds()
    return used


_WARN = "agent-board--warning"
_BREACH = "agent-board--breach"
_MUTED = "agent-board--muted"


def timer_level(row: AgentRow, now: datetime) -> str | None:
    """ROTG colour of the time-in-state cell: None, "warning" or "breach"."""
    limit = row.aux_limit_each_seconds
    if row.state != AgentState.AUX or row.missing or not limit:
        return None
    elapsed = (now - row.state_since).total_seconds()
    if elapsed > limit:
        return "breach"
    if elapsed >= row.aux_warn_ratio * limit:
        return "warning"
    return None


def aux_used_level(row: AgentRow, used: float) -> str | None:
    """Colour of AUX used against the shift allowance (same warn ratio as the timer)."""
    allowance = row.aux_allowance_seconds
    if not allowance:
        return None
    if used > allowance:
        return "breach"
    if used >= row.aux_warn_ratio * allowance:
        return "warning"
    return None


def login_level(status: LoginStatus) -> str | None:
    if status == LoginStatus.ABSENT:
        return "breach"
    if status in (LoginStatus.LATE, LoginStatus.EARLY_OUT, LoginStatus.NOT_ROSTERED):
        return "warning"
    if status in (
        LoginStatus.NOT_YET_IN,
        LoginStatus.OFF,
        LoginStatus.LEAVE,
        LoginStatus.SICK,
        LoginStatus.NOT_SCHEDULED,
    ):
        return "muted"
    return None


_RESTING = frozenset(
    {
        LoginStatus.OFF,
        LoginStatus.LEAVE,
        LoginStatus.SICK,
        LoginStatus.TRAINING,
        LoginStatus.NOT_SCHEDULED,
    }
)


def resting(row: AgentRow, now: datetime) -> bool:
    """Off, on leave, sick, in training, no shift today, or the shift is over and the agent gone:
    behind `o` on the board, and dimmed when shown."""
    if row.state is not AgentState.LOGGED_OUT or row.missing:
        return False
    if row.login_status in _RESTING:
        return True
    entry = row.roster
    return entry is not None and entry.end is not None and entry.end <= now


def in_scope(row: AgentRow, card_ids: frozenset[str] | None, now: datetime) -> bool:
    """On the board by default: anyone logged in, and the TL's people (the attendance
    card's, `card_ids`; None: everyone) who are not resting."""
    if row.state is not AgentState.LOGGED_OUT and not row.missing:
        return True
    return (card_ids is None or row.agent_id in card_ids) and not resting(row, now)


def reason_text(row: AgentRow) -> str:
    """Why a row is an exception, in words (the exceptions view's login column)."""
    words = []
    for code in row.reasons:
        if code == LoginStatus.LATE.value:
            words.append(login_text(LoginStatus.LATE, row.late_by))
        elif code in ("over_limit", "missing"):
            words.append(t(f"board.reason.{code}"))
        else:
            words.append(t(f"board.login.{code}"))
    return ", ".join(words) or login_label(row)


SINCE_MARK = "*"  # adherence counted from later than the shift start (help legend)


def adherence_text(row: AgentRow) -> str:
    """"96.2 %"; marked "96.2 %*" when it counts from later than the shift start (the app
    first saw the agent mid-shift: `AgentRow.adherence_since`)."""
    if row.adherence is None:
        return fmt_percent(None)
    text = fmt_percent(row.adherence * 100.0)
    since, entry = row.adherence_since, row.roster
    if since is not None and entry is not None and entry.start is not None and since > entry.start:
        text += SINCE_MARK
    return text


def haystack(row: AgentRow) -> str:
    """What `/` searches: name, id, team, state, AUX code, login status (value and label)."""
    return "\x00".join(
        (
            row.name,
            row.agent_id,
            row.team,
            row.state.value,
            state_label(row.state),
            row.aux_code or "",
            row.login_status.value,
            login_label(row),
        )
    ).casefold()


def _runs(indexes: Sequence[int]) -> list[tuple[int, int]]:
    """Ascending indexes as (start, count) runs of consecutive ones."""
    runs: list[tuple[int, int]] = []
    for i in indexes:
        if runs and runs[-1][0] + runs[-1][1] == i:
            runs[-1] = (runs[-1][0], runs[-1][1] + 1)
        else:
            runs.append((i, 1))
    return runs


class AgentBoard(ScrollView, can_focus=True):
    """Agent rows with live timers. Feed it with `update_rows` and `tick`."""

    COMPONENT_CLASSES = {
        "agent-board--summary",
        "agent-board--header",
        "agent-board--cursor",
        _WARN,
        _BREACH,
        _MUTED,
    }

    DEFAULT_CSS = """
    AgentBoard {
        background: $surface;
        color: $foreground;
        height: 1fr;
        & > .agent-board--summary { color: $text-muted; }
        & > .agent-board--header { text-style: bold; background: $panel; color: $foreground; }
        & > .agent-board--cursor { background: $block-cursor-blurred-background; }
        &:focus > .agent-board--cursor { background: $block-cursor-background; }
        & > .agent-board--warning { color: $warning; }
        & > .agent-board--breach { color: $error; text-style: bold; }
        & > .agent-board--muted { color: $text-muted; }
    }
    """

    BINDINGS = [
        Binding("up", "cursor_up", "Up", show=False),
        Binding("down", "cursor_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home", "first", "First", show=False),
        Binding("end", "last", "Last", show=False),
    ]

    class RowSelected(Message):
        """The cursor moved to another agent (or the rows under it changed)."""

        def __init__(self, board: AgentBoard, row: AgentRow) -> None:
            super().__init__()
            self.board = board
            self.row = row

        @property
        def control(self) -> AgentBoard:
            return self.board

    def __init__(
        self,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._rows: list[AgentRow] = []
        self._version: dict[str, int] = {}
        self._by_id: dict[str, AgentRow] = {}
        self._serial = 0
        self._haystack: dict[str, tuple[int, str]] = {}
        self._visible: list[AgentRow] = []
        self._now: datetime | None = None
        self._rows_now: datetime | None = None  # `now` of the last poll (AUX used basis)
        self._filter = ""
        self._exceptions_only = False
        self._show_all = False  # `o`: resting and other TLs' people too
        self._card_ids: frozenset[str] | None = None
        self._hidden = 0  # rows out of the default scope
        self._sort_index = 0
        self._cursor = 0
        self._selected_id: str | None = None
        # static cells: (agent_id, version, name_width, language, cursor)
        #   -> (left segments, right segments, "/allowance")
        self._cells: LRUCache[tuple, tuple[list[Segment], list[Segment], str]] = LRUCache(1024)
        # finished lines: (agent_id, version, now, cursor, scroll_x, width, language) -> Strip
        self._lines: LRUCache[tuple, Strip] = LRUCache(256)
        self._cell_styles: dict[tuple[bool, str | None], Style] = {}
        self._width_key: tuple | None = None
        self._width = 0
        self._name_width = NAME_MIN
        self._columns = COLUMNS
        self._fixed_width = _FIXED_WIDTH

    # ------------------------------------------------------------------ public API

    @property
    def rows(self) -> Sequence[AgentRow]:
        """All rows of the last poll."""
        return self._rows

    @property
    def visible_rows(self) -> Sequence[AgentRow]:
        """Rows after filter and sort, in screen order."""
        return self._visible

    @property
    def selected_row(self) -> AgentRow | None:
        if not self._visible:
            return None
        return self._visible[self._cursor]

    @property
    def sort_label(self) -> str:
        return t(f"board.sort.{SORTS[self._sort_index][0]}")

    @property
    def filter_text(self) -> str:
        return self._filter

    @property
    def exceptions_only(self) -> bool:
        return self._exceptions_only

    @property
    def show_all(self) -> bool:
        return self._show_all

    def set_scope(self, card_ids: frozenset[str] | None) -> None:
        """The attendance card's people (MonitorView.card_ids), for the default scope;
        applied with the next `update_rows`."""
        self._card_ids = card_ids

    def toggle_all(self) -> bool:
        """`o`: everyone (resting rows dimmed), or the default scope again."""
        self._show_all = not self._show_all
        self._rebuild(keep_scroll=False)
        self.refresh()
        return self._show_all

    def update_rows(self, rows: Sequence[AgentRow], now: datetime) -> None:
        """New poll result: re-filter, re-sort, repaint only the lines that changed."""
        before = self._window_keys()
        old_now = self._now
        versions = self._version
        old_by_id = self._by_id
        new_versions: dict[str, int] = {}
        by_id: dict[str, AgentRow] = {}
        for row in rows:
            agent_id = row.agent_id
            old = old_by_id.get(agent_id)
            # a fresh version number for a new or changed row: never reused, so a cached
            # line can not come back for an agent who left and returned
            if old is None or (old is not row and old != row):
                self._serial += 1
                new_versions[agent_id] = self._serial
            else:
                new_versions[agent_id] = versions[agent_id]
            by_id[agent_id] = row
        self._by_id = by_id
        self._version = new_versions
        self._rows = list(rows)
        self._now = now
        self._rows_now = now
        self._rebuild(keep_scroll=True)
        if self._sizes_changed():
            return  # virtual size changed: a full refresh is on its way
        after = self._window_keys()
        self._refresh_changed_lines(before, after)
        if old_now != now:
            self._refresh_timers()

    def tick(self, now: datetime) -> None:
        """1 Hz: repaint the timer cells of the visible rows whose timers read otherwise
        at `now` (not those showing "—" or a minute that has not turned). No sorting,
        no filtering."""
        old = self._now
        if now == old:
            return
        self._now = now
        if old is None:
            self._refresh_timers()
            return
        top = int(self.scroll_offset.y)
        window = self._visible[top : top + self._body_height()]
        timers = self._timer_cells
        changed = [i for i, row in enumerate(window) if timers(row, now) != timers(row, old)]
        for start, count in _runs(changed):
            self._refresh_timers(start, count)

    def set_filter(self, text: str) -> None:
        """Case-insensitive substring over name, id, team, state, AUX code, login status."""
        if text == self._filter:
            return
        self._filter = text
        self._rebuild(keep_scroll=False)
        self.refresh()

    def select_agent(self, agent_id: str) -> bool:
        """Put the cursor on an agent's row (an alert's drill-down, the attendance list);
        False if the board has no row of it. What hides the row is undone first: the
        filter, exceptions only, the default scope (`o`)."""
        for attempt in range(2):
            for i, row in enumerate(self._visible):
                if row.agent_id == agent_id:
                    self._move_cursor(i)
                    return True
            if attempt == 0 and agent_id in self._by_id:
                self._filter, self._exceptions_only, self._show_all = "", False, True
                self._cells.clear()
                self._lines.clear()
                self._rebuild(keep_scroll=False)
                self.refresh()
        return False

    def toggle_exceptions(self) -> bool:
        """Show only rows flagged `exception` (or all again). Returns the new setting."""
        self._exceptions_only = not self._exceptions_only
        self._cells.clear()  # the login column says why, in this view
        self._lines.clear()
        self._rebuild(keep_scroll=False)
        self.refresh()
        return self._exceptions_only

    def cycle_sort(self) -> str:
        """Next sort order; returns its label."""
        self._sort_index = (self._sort_index + 1) % len(SORTS)
        # a new order starts at its top: the cursor on the first row
        self._selected_id = None
        self._cursor = 0
        self._rebuild(keep_scroll=False)
        self.scroll_to(y=0, animate=False)
        self.refresh()
        return self.sort_label

    # ------------------------------------------------------------------ cursor actions

    def action_cursor_up(self) -> None:
        self._move_cursor(self._cursor - 1)

    def action_cursor_down(self) -> None:
        self._move_cursor(self._cursor + 1)

    def action_page_up(self) -> None:
        self._move_cursor(self._cursor - max(1, self._body_height()))

    def action_page_down(self) -> None:
        self._move_cursor(self._cursor + max(1, self._body_height()))

    def action_first(self) -> None:
        self._move_cursor(0)

    def action_last(self) -> None:
        self._move_cursor(len(self._visible) - 1)

    async def _on_click(self, event: events.Click) -> None:
        # replaces Widget._on_click (no text selection, no click broker): async like it
        offset = event.get_content_offset(self)
        if offset is None or offset.y < HEADER_LINES:
            return
        self._move_cursor(int(self.scroll_offset.y) + offset.y - HEADER_LINES)

    def _move_cursor(self, index: int) -> None:
        if not self._visible:
            return
        index = max(0, min(index, len(self._visible) - 1))
        old = self._cursor
        self._cursor = index
        self._scroll_cursor_into_view()
        if old != index:
            self._refresh_row(old)
            self._refresh_row(index)
        self._note_selection()

    # ------------------------------------------------------------------ internals

    def _rebuild(self, *, keep_scroll: bool) -> None:
        """Filter and sort `_rows` into `_visible`; keep the cursor on the same agent."""
        rows: Sequence[AgentRow] = self._rows
        now = self._rows_now
        needle = self._filter.strip().casefold()
        # the default scope; a filter finds anyone (the TL typed a name: show them)
        if not self._show_all and now is not None and not needle:
            card_ids = self._card_ids
            rows = [row for row in rows if in_scope(row, card_ids, now)]
        self._hidden = len(self._rows) - len(rows)
        if self._exceptions_only:
            rows = [row for row in rows if row.exception]
        if needle:
            rows = [row for row in rows if needle in self._haystack_of(row)]
        key = SORTS[self._sort_index][1]
        if key is None:  # worst first: by the poll's `now` (no rows before a poll)
            key = worst_first(now) if now is not None else _name_key
        self._visible = sorted(rows, key=key)
        self._prune_haystacks()
        index = 0
        if self._selected_id is not None:
            for i, row in enumerate(self._visible):
                if row.agent_id == self._selected_id:
                    index = i
                    break
            else:
                index = min(self._cursor, max(0, len(self._visible) - 1))
        self._cursor = index
        self._update_virtual_size()
        if not keep_scroll:
            self._scroll_cursor_into_view()
        self._note_selection()

    def _haystack_of(self, row: AgentRow) -> str:
        version = self._version.get(row.agent_id, 0)
        cached = self._haystack.get(row.agent_id)
        if cached is not None and cached[0] == version:
            return cached[1]
        text = haystack(row)
        self._haystack[row.agent_id] = (version, text)
        return text

    def _prune_haystacks(self) -> None:
        if len(self._haystack) > 2 * len(self._version) + 64:
            self._haystack = {k: v for k, v in self._haystack.items() if k in self._version}

    def _note_selection(self) -> None:
        row = self.selected_row
        new_id = row.agent_id if row is not None else None
        if new_id != self._selected_id:
            self._selected_id = new_id
            if row is not None:
                self.post_message(self.RowSelected(self, row))

    def _body_height(self) -> int:
        height = self.container_size.height - self.scrollbar_size_horizontal
        return max(0, height - HEADER_LINES)

    def _scroll_cursor_into_view(self) -> None:
        body = self._body_height()
        if body <= 0:
            return
        top = int(self.scroll_offset.y)
        if self._cursor < top:
            top = self._cursor
        elif self._cursor >= top + body:
            top = self._cursor - body + 1
        if top != int(self.scroll_offset.y):
            self.scroll_to(y=top, animate=False)

    def _sizes_changed(self) -> bool:
        return self._update_virtual_size()

    def _update_virtual_size(self) -> bool:
        width = self._name_width + self._fixed_width
        size = Size(width, len(self._visible) + HEADER_LINES)
        if size != self.virtual_size:
            self.virtual_size = size
            self.refresh()
            return True
        return False

    def _window_keys(self) -> list[tuple[str, int]]:
        """(agent id, version) of each body line on screen, for repaint diffs."""
        top = int(self.scroll_offset.y)
        window = self._visible[top : top + self._body_height()]
        return [(row.agent_id, self._version.get(row.agent_id, 0)) for row in window]

    def _refresh_changed_lines(
        self, before: list[tuple[str, int]], after: list[tuple[str, int]]
    ) -> None:
        self.refresh_lines(0, 1)  # the summary (counts) line
        top = int(self.scroll_offset.y)
        changed = [
            i
            for i in range(max(len(before), len(after)))
            if i >= len(before) or i >= len(after) or before[i] != after[i]
        ]
        # coalesce into runs so a big reshuffle is one region, not hundreds
        for start, count in _runs(changed):
            self.refresh_lines(top + HEADER_LINES + start, count)

    def _refresh_row(self, index: int) -> None:
        self.refresh_lines(index + HEADER_LINES, 1)

    def _refresh_timers(self, start: int = 0, count: int | None = None) -> None:
        """Mark only the two timer columns of the visible body dirty (of `count` body
        lines from `start`, or all)."""
        body = self._body_height()
        if not self._visible or body <= 0:
            return
        x = self._column_x("time") - int(self.scroll_offset.x)
        width = COLUMNS[4].width + len(SEP) + COLUMNS[5].width
        height = body - start if count is None else min(count, body - start)
        self.refresh(Region(x, HEADER_LINES + start, width, height))

    def _column_x(self, key: str) -> int:
        x = 0
        for column in self._columns:
            if column.key == key:
                return x
            x += (self._name_width if column.key == "name" else column.width) + len(SEP)
        raise KeyError(key)

    def on_resize(self, event: events.Resize) -> None:
        # the vertical scrollbar takes its columns from the content: leave room for it
        scrollbar = self.styles.scrollbar_size_vertical
        room = self.container_size.width - scrollbar
        columns = columns_for(room)
        if columns != self._columns:
            self._columns = columns
            self._fixed_width = fixed_width(columns)
            self._cells.clear()
            self._lines.clear()
            self.refresh()
        name_width = max(NAME_MIN, min(NAME_MAX, room - self._fixed_width))
        if name_width != self._name_width:
            self._name_width = name_width
            self._lines.clear()
        self._update_virtual_size()
        self._scroll_cursor_into_view()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        # focus, theme or CSS changed: cached lines and styles hold the old colours
        self._lines.clear()
        self._cells.clear()
        self._cell_styles.clear()

    # ------------------------------------------------------------------ rendering

    def _style(self, level: str | None) -> Style | None:
        """The colour of a level alone (partial style), None for no level."""
        if level is None:
            return None
        return self._level_style(level)

    def _level_style(self, level: str) -> Style:
        """A level's partial style with its colour blended over the background: the
        partial style alone drops the alpha, and `$text-muted` ("auto 60%") came out
        white, brighter than the working agents' rows."""
        name = f"agent-board--{level}"
        blended = self.get_component_rich_style(name).color
        return self.get_component_rich_style(name, partial=True) + Style(color=blended)

    def _cell_style(self, is_cursor: bool, level: str | None) -> Style:
        """Final style of a cell: widget base (+ cursor) + level colour, computed once."""
        key = (is_cursor, level)
        style = self._cell_styles.get(key)
        if style is None:
            style = self.rich_style
            if is_cursor:
                style += self.get_component_rich_style("agent-board--cursor")
            if level is not None:
                style += self._level_style(level)
            self._cell_styles[key] = style
        return style

    def _view_width(self) -> int:
        """Width inside the scrollbar; recomputed only when the size or scrollbar changes
        (the region arithmetic was a quarter of the cost of a line)."""
        key = (self._size, self.show_vertical_scrollbar)
        if key != self._width_key:
            self._width_key = key
            self._width = self.scrollable_content_region.width
        return self._width

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self._view_width()
        base = self._cell_style(False, None)
        if y == 0:
            return self._summary_strip().crop_extend(0, width, base)
        if y == 1:
            header = self._header_strip()
            header_style = base + self.get_component_rich_style("agent-board--header")
            return header.apply_style(header_style).crop_extend(
                scroll_x, scroll_x + width, header_style
            )
        index = scroll_y + y - HEADER_LINES
        if index == 0 and not self._visible:
            filtered = self._filter or self._exceptions_only
            message = t("board.no_match") if filtered else t("board.empty")
            strip = Strip([Segment(message, self._cell_style(False, "muted"))])
            return strip.crop_extend(0, width, base)
        if not 0 <= index < len(self._visible):
            return Strip.blank(width, base)
        return self._row_strip(self._visible[index], index == self._cursor, scroll_x, width)

    def _summary_strip(self) -> Strip:
        total = len(self._rows)
        shown = len(self._visible)
        text = t("board.summary", shown=f"{shown:,}", total=f"{total:,}", sort=self.sort_label)
        if self._show_all:
            text += " · " + t("board.summary.all")
        elif self._hidden:
            text += " · " + t("board.summary.scope", hidden=f"{self._hidden:,}")
        if self._exceptions_only:
            text += " · " + t("board.summary.exceptions")
        if self._filter:
            text += " · " + t("board.summary.filter", text=plain(self._filter))
        style = self.rich_style + self.get_component_rich_style("agent-board--summary")
        return Strip([Segment(text, style)])

    def _header_strip(self) -> Strip:
        marked = SORTS[self._sort_index][0]
        segments: list[Segment] = []
        for column in self._columns:
            width = self._name_width if column.key == "name" else column.width
            title = column.title + ("▾" if column.key == marked else "")
            segments.append(Segment(fit(title, width, column.right)))
            segments.append(Segment(SEP))
        return Strip(segments[:-1])

    def _row_strip(self, row: AgentRow, is_cursor: bool, scroll_x: int, width: int) -> Strip:
        """The finished line (styles applied, cropped to the view), cached for this `now`."""
        version = self._version.get(row.agent_id, 0)
        key = (row.agent_id, version, self._now, is_cursor, scroll_x, width, language())
        cached = self._lines.get(key)
        if cached is not None:
            return cached
        left, right, allowance = self._static_cells(row, version, is_cursor)
        now = self._now or row.state_since
        timer, timer_colour, used, used_colour = self._timer_cells(row, now)
        aux_text = "—" if used is None else used + allowance
        plain_style = self._cell_style(is_cursor, None)
        # timer texts are ASCII digits: rjust is enough (and this runs 1 Hz per line)
        segments = [
            *left,
            Segment(timer.rjust(_TIME_WIDTH), self._cell_style(is_cursor, timer_colour)),
            Segment(SEP, plain_style),
            Segment(aux_text.rjust(_AUX_WIDTH), self._cell_style(is_cursor, used_colour)),
            Segment(SEP, plain_style),
            *right,
        ]
        total = self._name_width + self._fixed_width
        if scroll_x == 0 and width >= total:
            if width > total:
                segments.append(Segment(" " * (width - total), plain_style))
            strip = Strip(segments, width)
        else:
            strip = Strip(segments, total).crop_extend(scroll_x, scroll_x + width, plain_style)
        self._lines[key] = strip
        return strip

    def _timer_cells(
        self, row: AgentRow, now: datetime
    ) -> tuple[str, str | None, str | None, str | None]:
        """What the two timer cells read at `now`, with their levels: (time in state,
        its level, AUX used without the "/allowance" or None for "—", its level)."""
        used = aux_used_seconds(row, now, self._rows_now)
        timer = (
            "—"
            if no_timer(row)
            else fmt_duration(max(0.0, (now - row.state_since).total_seconds()))
        )
        # nobody expects AUX of someone off, on leave or not rostered to work: no "0:00/90:00"
        aux = None if not used and row.login_status in _NOT_WORKING else fmt_minutes(used)
        # a row not working is dimmer than those who are, its timers too
        dim = "muted" if row.state is AgentState.LOGGED_OUT and not row.missing else None
        return timer, timer_level(row, now) or dim, aux, aux_used_level(row, used) or dim

    def _static_cells(
        self, row: AgentRow, version: int, is_cursor: bool
    ) -> tuple[list[Segment], list[Segment], str]:
        key = (row.agent_id, version, self._name_width, language(), is_cursor)
        cached = self._cells.get(key)
        if cached is not None:
            return cached
        style = self._cell_style(is_cursor, None)
        # not working (logged out, off, not yet in): the whole row dimmer than those who are
        dim = "muted" if row.state == AgentState.LOGGED_OUT and not row.missing else None
        state_level = "warning" if row.missing else dim
        login = reason_text(row) if self._exceptions_only and row.exception else login_label(row)
        cells = {
            "name": (row.name, dim),
            "team": (row.team, dim),
            "state": (row_state_label(row), state_level),
            "aux_code": (row.aux_code or "", dim),
            "login": (login, login_level(row.login_status) or dim),
            "adherence": (adherence_text(row), dim),
        }
        left: list[Segment] = []
        right: list[Segment] = []
        timers = False  # the timer columns are drawn by _row_strip, between left and right
        for column in self._columns:
            if column.key in ("time", "aux_used"):
                timers = True
                continue
            text, level = cells[column.key]
            width = self._name_width if column.key == "name" else column.width
            segment = Segment(
                fit(text, width, column.right),
                self._cell_style(is_cursor, level) if level else style,
            )
            if timers:
                if right:
                    right.append(Segment(SEP, style))
                right.append(segment)
            else:
                left += [segment, Segment(SEP, style)]
        allowance = row.aux_allowance_seconds
        result = (left, right, "/" + fmt_minutes(allowance) if allowance else "")
        self._cells[key] = result
        return result
