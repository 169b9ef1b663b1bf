"""The TL's alert dialogs: snooze (15-minute steps, with a reason), excuse an agent's
period (a reason from `[alerts] excuse_reasons`), mark a source outage neutral.

Each is a small modal (76 columns at most, so it fits an 80-column terminal) that
dismisses with what the TL chose, or None (escape). Names are data: `Text`, never markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from rtm_tui.domain.alerts import SNOOZE_STEP
from rtm_tui.ui.i18n import t

STEP_MINUTES = int(SNOOZE_STEP.total_seconds() // 60)
MAX_SNOOZE_MINUTES = 4 * 60

_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{
    width: 76; max-width: 100%; height: auto; max-height: 90%;
    border: round $accent; padding: 0 1; background: $surface;
}}
{name} Static {{ width: 1fr; height: auto; }}
{name} .dialog-hint {{ color: $foreground 60%; }}
{name} .dialog-error {{ color: $text-error; }}
{name} OptionList {{ height: auto; max-height: 8; }}
"""


class SnoozeDialog(ModalScreen[tuple[int, str] | None]):
    """Snooze for N x 15 minutes (↑/↓: the reason's box keeps ←/→), with a reason."""

    DEFAULT_CSS = _CSS.format(name="SnoozeDialog")
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="close"),
        Binding("down", "step(-1)", "Shorter", show=False),
        Binding("up", "step(1)", "Longer", show=False),
    ]

    def __init__(self, what: Text, minutes: int = STEP_MINUTES) -> None:
        super().__init__()
        self.what = what
        self.minutes = minutes
        self.length = Static("", id="snooze-minutes", markup=False)
        self.reason = Input(placeholder=t("alert.dialog.reason"), id="snooze-reason")
        self.error = Static("", classes="dialog-error", markup=False)

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = t("alert.snooze.title")
            box.border_subtitle = f"enter {t('alert.snooze.ok')} · esc {t('alert.dialog.cancel')}"
            yield Static(self.what, markup=False)
            yield self.length
            yield self.reason
            yield self.error
        self._show_length()

    def on_mount(self) -> None:
        self.reason.focus()

    def _show_length(self) -> None:
        self.length.update(t("alert.snooze.minutes", minutes=self.minutes))

    def action_step(self, by: int) -> None:
        self.minutes = max(STEP_MINUTES, min(MAX_SNOOZE_MINUTES, self.minutes + by * STEP_MINUTES))
        self._show_length()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        reason = event.value.strip()
        if not reason:
            self.error.update(t("alert.dialog.reason_needed"))
            return
        self.dismiss((self.minutes, reason))


class ExcuseDialog(ModalScreen[tuple[datetime, datetime, str] | None]):
    """Excuse an agent from `start` to `end` (←/→ move the start by 15 minutes) with a
    reason from the configured list (enter)."""

    DEFAULT_CSS = _CSS.format(name="ExcuseDialog")
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="close"),
        Binding("left", "step(-1)", "Earlier", show=False),
        Binding("right", "step(1)", "Later", show=False),
    ]

    def __init__(
        self,
        name: str,
        what: Text | None,
        start: datetime,
        end: datetime,
        reasons: Sequence[str],
        tz: tzinfo,
    ) -> None:
        super().__init__()
        self.name_ = name
        self.what = what
        self.start = start
        self.end = end
        self.tz = tz
        self.period = Static("", id="excuse-period", markup=False)
        self.reasons = OptionList(*[Option(Text(r), id=r) for r in reasons], id="excuse-reasons")

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = Text(t("alert.excuse.title", name=self.name_))
            box.border_subtitle = f"enter {t('alert.excuse.ok')} · esc {t('alert.dialog.cancel')}"
            if self.what is not None:
                yield Static(self.what, markup=False)
            yield self.period
            yield Static(t("alert.dialog.reason"), classes="dialog-hint", markup=False)
            yield self.reasons
        self._show_period()

    def on_mount(self) -> None:
        self.reasons.focus()
        self.reasons.highlighted = 0

    def _show_period(self) -> None:
        self.period.update(
            t(
                "alert.excuse.period",
                start=f"{self.start.astimezone(self.tz):%H:%M}",
                end=f"{self.end.astimezone(self.tz):%H:%M}",
            )
        )

    def action_step(self, by: int) -> None:
        start = self.start + by * SNOOZE_STEP
        if start < self.end:
            self.start = start
            self._show_period()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss((self.start, self.end, str(event.option.id)))


class NeutralDialog(ModalScreen[bool]):
    """Count a source outage neutral for everyone? enter: yes; escape: no."""

    DEFAULT_CSS = _CSS.format(name="NeutralDialog")
    BINDINGS = [
        Binding("escape,n", "answer(False)", "No", id="close"),
        Binding("enter,y", "answer(True)", "Yes", show=False),
    ]

    def __init__(self, source: str, start: datetime, end: datetime, tz: tzinfo) -> None:
        super().__init__()
        self.body = t(
            "alert.neutral.body",
            source=t(f"source.{source}"),
            start=f"{start.astimezone(tz):%H:%M}",
            end=f"{end.astimezone(tz):%H:%M}",
        )

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = t("alert.neutral.title")
            box.border_subtitle = f"enter {t('alert.excuse.ok')} · esc {t('alert.dialog.cancel')}"
            yield Static(self.body, markup=False)

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
