"""Messages the feed posts to the app. Widgets redraw from these, never from polling."""

from __future__ import annotations

from typing import Any

from textual.message import Message

from rtm_tui.domain.types import MonitorView, Roster


class MonitorUpdated(Message):
    """The monitor folded a new snapshot: everything on the dashboard may have changed."""

    def __init__(self, view: MonitorView, interval_minutes: int | None = None) -> None:
        super().__init__()
        self.view = view
        # the length of a KPI interval, for the gauges' trend (None = not known yet)
        self.interval_minutes = interval_minutes


class FreshnessChanged(Message):
    """A source succeeded or failed: the header recolours its freshness mark."""

    def __init__(self, source: str, freshness: Any | None) -> None:
        super().__init__()
        self.source = source
        # a `rtm_tui.sources.pollers.Freshness` (typed loosely: the header reads its fields)
        self.freshness = freshness


class RosterChanged(Message):
    """Today's roster was (re)loaded, from the API or from a file."""

    def __init__(self, roster: Roster | None) -> None:
        super().__init__()
        self.roster = roster


class PlansChanged(Message):
    """A recovery plan was saved or updated: the overdue count may have changed."""
