"""Find an agent by name or id: type to narrow the list, enter to choose.

Names are data: options are `Text`, never markup.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from rtm_tui.ui.i18n import t

MAX_SHOWN = 200  # options listed at once; typing narrows 2,000 agents


def matches(choices: Sequence[tuple[str, str]], text: str) -> list[tuple[str, str]]:
    """(agent id, name) whose name or id holds `text` (any case), in their order."""
    needle = text.strip().casefold()
    if not needle:
        return list(choices)
    return [(i, n) for i, n in choices if needle in n.casefold() or needle in i.casefold()]


class AgentPicker(ModalScreen[str | None]):
    """Dismissed with the chosen agent id, or None."""

    DEFAULT_CSS = """
    AgentPicker { align: center middle; }
    AgentPicker > #picker-box {
        width: 60; max-width: 96%; height: auto; max-height: 80%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    AgentPicker #picker-list { height: auto; max-height: 20; border: none; }
    """
    BINDINGS = [
        Binding("escape", "close", "Close", id="close"),
        Binding("down", "move(1)", "Down", show=False),
        Binding("up", "move(-1)", "Up", show=False),
    ]

    def __init__(self, choices: Sequence[tuple[str, str]]) -> None:
        super().__init__()
        self.choices = list(choices)
        self.box = Input(placeholder=t("picker.placeholder"), id="picker-input")
        self.option_list = OptionList(id="picker-list")

    def compose(self) -> ComposeResult:
        with Vertical(id="picker-box") as box:
            box.border_title = t("picker.title")
            box.border_subtitle = t("picker.footer")
            yield self.box
            yield self.option_list

    def on_mount(self) -> None:
        self._fill("")
        self.box.focus()

    def _fill(self, text: str) -> None:
        found = matches(self.choices, text)
        self.option_list.clear_options()
        self.option_list.add_options(
            Option(Text.assemble((name, "bold"), (f"  {agent_id}", "dim")), id=agent_id)
            for agent_id, name in found[:MAX_SHOWN]
        )
        if found:
            self.option_list.highlighted = 0

    def on_input_changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        options = self.option_list
        if options.option_count and options.highlighted is not None:
            self.dismiss(options.get_option_at_index(options.highlighted).id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_move(self, step: int) -> None:
        options = self.option_list
        if options.option_count:
            current = options.highlighted or 0
            options.highlighted = max(0, min(options.option_count - 1, current + step))

    def action_close(self) -> None:
        self.dismiss(None)
