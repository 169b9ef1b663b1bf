"""`?`: the keys of the screen in front, built from its bindings, with what each does,
and a legend of the abbreviations and colours; in the UI language.

Any screen gets its help from its bindings: `HelpScreen.for_bindings(Screen.BINDINGS)`
(or `binding_rows` for the rows alone). A binding's long text is `cmd.<binding id>` in the
catalog, else `key.<binding id>`, else its own description.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from rtm_tui.ui.i18n import has, t

HelpRow = tuple[str, str]  # (keys as shown, what they do)

# the abbreviations on the dashboard, each "help.abbr.<code>" in the catalog
ABBREVIATIONS = (
    "scr",
    "sl",
    "asa",
    "aht",
    "abandon",
    "adher",
    "aux",
    "acw",
    "rotg",
    "sla",
    "slg",
    "resp",
)
# colours and marks: "help.colour.<name>"; the style they are drawn in here
COLOURS = (
    ("ok", "green"),
    ("warning", "yellow"),
    ("breach", "bold red"),
    ("muted", "dim"),
    ("cursor", "reverse"),
)
# the roster view's timeline marks: (mark, "help.mark.<name>")
MARKS = (("━", "shift"), ("╍", "break"), ("▶", "login"), ("■", "logout"), ("│", "now"))
LEGENDS = {
    "dashboard": ("abbr", "colour"),
    "roster": ("mark", "colour", "abbr"),
    "screen": (),
}

_KEY_NAMES = {
    "question_mark": "?",
    "slash": "/",
    "enter": "⏎",
    "escape": "esc",
    "left": "←",
    "right": "→",
    "up": "↑",
    "down": "↓",
    "tab": "tab",
    "shift+tab": "shift+tab",
    "delete": "del",
    "space": "space",
}


def key_display(key: str) -> str:
    """A key as the help shows it: "question_mark" -> "?", "ctrl+q" -> "^q"."""
    if key in _KEY_NAMES:
        return _KEY_NAMES[key]
    if key.startswith("ctrl+"):
        return "^" + key_display(key[5:])
    return key


def long_text(binding: Binding) -> str:
    """What a binding does, in the catalog's words (cmd.<id>, else key.<id>)."""
    name = binding.id or ""
    if not name and binding.action in ("command_palette", "app.command_palette"):
        name = "palette"
    elif not name and binding.action in ("quit", "app.quit"):
        name = "quit"
    if name and has(f"cmd.{name}"):
        return t(f"cmd.{name}")
    if name and has(f"key.{name}"):
        return t(f"key.{name}")
    return binding.description


def binding_rows(
    bindings: Iterable[BindingType],
    display: Callable[[Binding], str] | None = None,
) -> list[HelpRow]:
    """One row per action: every key of the bindings that do it ("^q, q"), in order.
    `display` names a key (the app's `get_key_display`); a binding's own
    `key_display` comes first."""
    keys: dict[str, list[str]] = {}
    for item in bindings:
        for binding in Binding.make_bindings([item]):
            description = long_text(binding)
            if not description:
                continue
            shown = binding.key_display or (
                display(binding) if display else key_display(binding.key)
            )
            if shown not in keys.setdefault(description, []):
                keys[description].append(shown)
    return [(", ".join(k), description) for description, k in keys.items()]


def merge_rows(*groups: Iterable[HelpRow]) -> list[HelpRow]:
    """Rows from several sources, keys for the same action together, first one first."""
    keys: dict[str, list[str]] = {}
    for group in groups:
        for shown, description in group:
            for key in shown.split(", "):
                if key not in keys.setdefault(description, []):
                    keys[description].append(key)
    return [(", ".join(k), description) for description, k in keys.items()]


def _grid(rows: Iterable[tuple[Text, Text]]) -> Table:
    """Two columns, the second wrapping under itself (not under the first)."""
    grid = Table.grid(padding=(0, 3))
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1)
    for left, right in rows:
        grid.add_row(left, right)
    return grid


def legend_table(kind: str) -> Group:
    """The legend of a screen: abbreviations, colours, timeline marks (`LEGENDS`)."""
    parts: list[Text | Table] = []
    for part in LEGENDS.get(kind, ()):
        parts.append(Text(f"\n{t(f'help.legend.{part}')}", style="bold underline"))
        rows: list[tuple[Text, Text]] = []
        if part == "abbr":
            rows = [
                (Text(t(f"help.abbr_name.{code}"), style="bold"), Text(t(f"help.abbr.{code}")))
                for code in ABBREVIATIONS
            ]
        elif part == "colour":
            rows = [
                (Text(t(f"help.swatch.{name}"), style=style), Text(t(f"help.colour.{name}")))
                for name, style in COLOURS
            ]
        elif part == "mark":
            rows = [(Text(m, style="bold"), Text(t(f"help.mark.{name}"))) for m, name in MARKS]
        parts.append(_grid(rows))
    return Group(*parts)


def plain(renderable: Group, width: int = 100) -> str:
    """A renderable as plain text (for tests and logs)."""
    console = Console(width=width, record=True, file=io.StringIO(), color_system=None)
    console.print(renderable)
    return console.export_text()


def help_table(rows: Sequence[HelpRow]) -> Group:
    bold = "bold underline"
    head = (Text(t("help.col_key"), style=bold), Text(t("help.col_action"), style=bold))
    body = [(Text(key, style="bold"), Text(description)) for key, description in rows]
    return Group(_grid([head, *body]))


class HelpScreen(ModalScreen[None]):
    """A table of keys, then the legend. `rows` = (key as shown, description); `legend`
    a key of LEGENDS ("dashboard", "roster", "screen": none)."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > #help-box {
        width: 96; max-width: 95%; height: auto; max-height: 90%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    HelpScreen #help-keys, HelpScreen #help-legend { height: auto; }
    """
    BINDINGS = [Binding("escape,question_mark,q", "dismiss", "Close", id="close")]

    def __init__(
        self,
        rows: Sequence[HelpRow],
        legend: str = "dashboard",
        title: str | None = None,
    ) -> None:
        super().__init__()
        self.rows = list(rows)
        self.legend = legend
        self.title_text = title or t("help.title")

    @classmethod
    def for_bindings(
        cls,
        bindings: Iterable[BindingType],
        *,
        title: str | None = None,
        legend: str = "screen",
        extra: Iterable[HelpRow] = (),
    ) -> HelpScreen:
        """The help of any screen from its BINDINGS (plus `extra` rows, e.g. the keys
        of its widgets), e.g. `HelpScreen.for_bindings(PlansScreen.BINDINGS)`."""
        return cls(merge_rows(binding_rows(bindings), extra), legend=legend, title=title)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box") as box:
            box.border_title = self.title_text
            box.border_subtitle = t("help.footer")
            yield Static(help_table(self.rows), id="help-keys")
            if LEGENDS.get(self.legend):
                yield Static(legend_table(self.legend), id="help-legend")
