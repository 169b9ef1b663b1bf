"""Which of the site's plans a TL looks at: mine, my shift, or all.

- `all`: every plan of the site (the default: the next TL must read the previous TL's);
- `mine`: the plans filed under the TL's name (the configured `[site] tl_name`, else the
  one remembered from the last plan filed), as a TL types it: case and spaces aside;
- `my shift`: the plans of the TL shift that has begun (the one running, or the last one
  between shifts, `shift.latest_begun`): filed for that shift (its name) on its day, or
  filed inside its window (a siang shift running past midnight files on the next day).

The store narrows by site and dates; these predicates pick from what it lists, the same
for the Plans screen and `rtm plans list --mine / --shift`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from enum import StrEnum

from .plans import RecoveryPlan
from .shift import TlShifts, TlWindow, latest_begun


class PlanView(StrEnum):
    ALL = "all"
    MINE = "mine"
    MY_SHIFT = "my_shift"


# the order `m` cycles through on the Plans screen
VIEW_ORDER = (PlanView.ALL, PlanView.MINE, PlanView.MY_SHIFT)


def next_view(view: PlanView) -> PlanView:
    return VIEW_ORDER[(VIEW_ORDER.index(view) + 1) % len(VIEW_ORDER)]


def _folded(name: str) -> str:
    return " ".join(name.split()).casefold()


def same_tl(a: str, b: str) -> bool:
    """Two TL names as a TL means them: "rina " is "Rina". An empty name is nobody's."""
    return bool(_folded(a)) and _folded(a) == _folded(b)


def shift_of(shifts: TlShifts, now: datetime) -> TlWindow | None:
    """The TL shift "my shift" means at `now` (in `now`'s timezone): the one running, else
    the last that ended; None when the site has no TL shifts."""
    return latest_begun(shifts, now, now.tzinfo) if shifts and now.tzinfo else None


def in_shift(plan: RecoveryPlan, window: TlWindow) -> bool:
    if plan.tl_shift == window.name and plan.date == window.day:
        return True
    return plan.tl_shift == window.name and window.start <= plan.created_at < window.end


def in_view(
    plan: RecoveryPlan, view: PlanView, who: str = "", window: TlWindow | None = None
) -> bool:
    """Whether `plan` is in `view` for the TL `who` whose shift is `window`. Mine without a
    TL name, or my shift with no TL shift, is empty: never someone else's plans."""
    if view is PlanView.MINE:
        return same_tl(plan.tl_name, who)
    if view is PlanView.MY_SHIFT:
        return window is not None and in_shift(plan, window)
    return True



def narrow(
    args: Mapping[str, object], view: PlanView, who: str = "", window: TlWindow | None = None
) -> dict[str, object] | None:
    """The store's `list_plans` arguments `args` (the filter bar's) narrowed to `view`: the
    TL name for mine, the shift and its days for my shift, both kept with what the bar
    asks. None: the view and the bar leave nothing to list (mine without a TL name, my
    shift with none, the bar's shift or dates outside my shift)."""
    out = dict(args)
    if view is PlanView.MINE:
        if not _folded(who):
            return None
        out["tl_name"] = who
    elif view is PlanView.MY_SHIFT:
        if window is None or out.get("tl_shift") not in (None, window.name):
            return None
        out["tl_shift"] = window.name
        since, until = out.get("since"), out.get("until")
        first, last = window.day, window.end.date()
        start = max(since, first) if isinstance(since, date) else first
        stop = min(until, last) if isinstance(until, date) else last
        if start > stop:
            return None
        out["since"], out["until"] = start, stop
    return out
