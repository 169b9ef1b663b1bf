"""The attendance card opened: who is absent, late, out early or not rostered.

The lists are the card's numbers spelled out (`domain.attendance.attendance_lists` over
the rows the card counts), so a list is as long as its number on the card. Enter on an
agent closes the list and puts the board's cursor on that agent.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, tzinfo

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from rtm_tui.domain.attendance import ATTENDANCE_LISTS, attendance_lists
from rtm_tui.domain.types import AgentRow, MonitorView
from rtm_tui.ui.i18n import t

_LEVEL = {"absent": "bold red", "late": "yellow", "early_out": "yellow", "not_rostered": "yellow"}


def card_rows(view: MonitorView | None) -> list[AgentRow]:
    """The rows the attendance card counts (all rows without TL windows)."""
    if view is None:
        return []
    ids = view.card_ids
    return [r for r in view.rows if ids is None or r.agent_id in ids]


def _hm(at: datetime | None, tz: tzinfo) -> str:
    return "—" if at is None else f"{at.astimezone(tz):%H:%M}"


def agent_line(kind: str, row: AgentRow, tz: tzinfo) -> Text:
    """One agent: name (id), shift and its times, then what makes it this list's."""
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(row.name, style="bold")
    text.append(f" ({row.agent_id})", style="dim")
    entry = row.roster
    if entry is not None and entry.start is not None and entry.end is not None:
        code = f"{entry.shift_code} " if entry.shift_code else ""
        text.append(f"  {code}{_hm(entry.start, tz)}–{_hm(entry.end, tz)}")
    else:
        text.append(f"  {t('attlist.no_shift')}", style="dim")
    style = _LEVEL[kind]
    if kind == "absent":
        text.append(f"  {t('attlist.no_login')}", style=style)
    else:
        text.append(f"  {t('attlist.login', time=_hm(row.first_login_at, tz))}")
    if kind == "late" and row.late_by is not None:
        minutes = int(row.late_by.total_seconds() // 60)
        text.append(f"  {t('attlist.late_by', minutes=minutes)}", style=style)
    if kind == "early_out":
        text.append(f"  {t('attlist.logout', time=_hm(row.last_logout_at, tz))}", style=style)
    return text


def list_options(rows: Iterable[AgentRow], tz: tzinfo) -> list[Option]:
    """A heading per list (count included, never selectable), then its agents; option
    ids are "<list>:<agent id>"."""
    options: list[Option] = []
    for kind, members in attendance_lists(rows).items():
        heading = Text(f"{t(f'attlist.{kind}')} · {len(members)}", style="bold underline")
        options.append(Option(heading, id=f"head:{kind}", disabled=True))
        if not members:
            options.append(Option(Text(f"  {t('attlist.nobody')}", style="dim"), disabled=True))
        for row in members:
            options.append(Option(agent_line(kind, row, tz), id=f"{kind}:{row.agent_id}"))
    return options


class AttendanceScreen(ModalScreen[str | None]):
    """The card's lists; dismissed with the agent id chosen (None: closed)."""

    DEFAULT_CSS = """
    AttendanceScreen { align: center middle; }
    AttendanceScreen > #attlist-box {
        width: 90; max-width: 96%; height: auto; max-height: 90%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    AttendanceScreen #attlist { height: auto; max-height: 100%; border: none; }
    AttendanceScreen #attlist-empty { color: $foreground 60%; }
    """
    BINDINGS = [Binding("escape,q", "close", "Close", id="close")]

    def __init__(self, rows: Sequence[AgentRow], tz: tzinfo) -> None:
        super().__init__()
        self.rows = list(rows)
        self.tz = tz
        self.option_list = OptionList(*list_options(self.rows, tz), id="attlist")

    def compose(self) -> ComposeResult:
        with Vertical(id="attlist-box") as box:
            box.border_title = t("attlist.title")
            box.border_subtitle = t("attlist.footer")
            yield Static(t("attlist.hint"), id="attlist-empty")
            yield self.option_list

    def on_mount(self) -> None:
        self.option_list.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        option_id = event.option.id or ""
        _kind, _, agent_id = option_id.partition(":")
        if agent_id:
            self.dismiss(agent_id)

    def action_close(self) -> None:
        self.dismiss(None)


__all__ = ["ATTENDANCE_LISTS", "AttendanceScreen", "agent_line", "card_rows", "list_options"]
