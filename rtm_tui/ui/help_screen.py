"""`?`: every key of the app, with what it does, in the UI language."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from rtm_tui.ui.i18n import t


def help_text(rows: Sequence[tuple[str, str]]) -> Text:
    width = max((len(k) for k, _ in rows), default=4) + 3
    out = Text()
    out.append(f"{t('help.col_key'):<{width}}{t('help.col_action')}\n", style="bold underline")
    for key, description in rows:
        out.append(f"{key:<{width}}", style="bold")
        out.append(f"{description}\n")
    return out


class HelpScreen(ModalScreen[None]):
    """A table of keys. `rows` = (key as shown, description)."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > #help-box {
        width: 96; max-width: 95%; height: auto; max-height: 90%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    HelpScreen #help-keys { height: auto; }
    """
    BINDINGS = [Binding("escape,question_mark,q", "dismiss", "Close", id="close")]

    def __init__(self, rows: Sequence[tuple[str, str]]) -> None:
        super().__init__()
        self.rows = list(rows)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box") as box:
            box.border_title = t("help.title")
            box.border_subtitle = t("help.footer")
            yield Static(help_text(self.rows), id="help-keys")
