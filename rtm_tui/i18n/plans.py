"""Recovery plans' words in the site's language, for the screens, the printed Form
Recovery Plan and the CSV alike: KPI and count names, root causes, statuses, periods,
times with month names. Unknown codes show as the domain names them."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, tzinfo

from rtm_tui.domain.format import count_label, fmt_counts, fmt_duration, fmt_when
from rtm_tui.domain.plan_draft import Suggestion, kpi_label
from rtm_tui.domain.plan_views import PlanView
from rtm_tui.domain.plans import (
    ROOT_CAUSE_LABELS,
    STATUS_LABELS,
    TL_SHIFTS,
    PlanStatus,
    RecoveryPlan,
    RootCause,
)
from rtm_tui.domain.shift import TlWindow
from rtm_tui.i18n import t


def count_text(name: str) -> str:
    """A raw count's name in the UI language (unknown names as the domain labels them)."""
    key = f"count.{name}"
    text = t(key)
    return count_label(name) if text == key else text


def counts_text(counts: Mapping[str, float]) -> str:
    """Counts in the screen's units with labels: "Offered 50 · Handle time 3:20:00"."""
    return fmt_counts(counts, count_text)


def when_text(moment: datetime | None, tz: tzinfo, day: date | None = None) -> str:
    """"08:00" on `day`, else "25 Nov 08:00" (month names in the UI language)."""
    return fmt_when(moment, tz, day, tuple(t("date.months").split()))


def scope_text(plan: RecoveryPlan, team: bool = True) -> str:
    """Who or what the plan is about as the TL reads it: the agent's or queue's name
    (and the team, when there is room), the stored id only when no name was kept."""
    if plan.scope == "all":  # older plans kept an English label for it
        return t("plan.scope_all" if team else "plan.scope_all_short")
    label = plan.scope_label or plan.scope
    return f"{label} · {plan.team}" if team and plan.team else label


def view_text(view: PlanView, who: str = "", window: TlWindow | None = None) -> str:
    """Whose plans a list shows: "all the site's plans", "mine (Rina)", "my shift (pagi
    2025-03-10)", or why mine / my shift is empty."""
    if view is PlanView.MINE:
        return t("plans.view.mine", name=who) if who.strip() else t("plans.view.mine_nobody")
    if view is PlanView.MY_SHIFT:
        if window is None:
            return t("plans.view.my_shift_none")
        return t("plans.view.my_shift", shift=window.name, day=window.day.isoformat())
    return t("plans.view.all")


def shift_label(shift: str) -> str:
    """pagi/siang have catalog labels; a site's own shift names show as written."""
    return t(f"plan.shift.{shift}") if shift in TL_SHIFTS else shift


def cause_label(cause: object) -> str:
    if cause in set(RootCause):
        return t(f"plan.cause.{cause}")
    return ROOT_CAUSE_LABELS.get(cause, str(cause))  # type: ignore[call-overload]


def status_label(status: object) -> str:
    if status in set(PlanStatus):
        return t(f"plan.status.{status}")
    return STATUS_LABELS.get(status, str(status))  # type: ignore[call-overload]


def kpi_text(kpi: str) -> str:
    """A KPI or agent indicator for the TL; unknown ids as the domain names them."""
    key = f"plan.kpi.{kpi}"
    text = t(key)
    return kpi_label(kpi) if text == key else text


def action_status_label(status: object) -> str:
    """open / done / not done, as the TL reads it."""
    key = f"plan.action_status.{status}"
    text = t(key)
    return str(status) if text == key else text


def period_text(period: str) -> str:
    """interval / today / TL shift so far / now."""
    key = f"plans.v.period.{period}"
    text = t(key)
    return period if text == key else text


def plural(count: object, word: str) -> str:
    """`word.<word>.one` for 1, else `.other` (Indonesian: the same word for both)."""
    return t(f"word.{word}.{'one' if count == 1 else 'other'}")


def suggestion_text(suggestion: Suggestion | str) -> str:
    """A suggestion of the domain in the site's language: seconds as m:ss, counts with
    the right plural, a list of names cut with "and N more". Text as is."""
    if isinstance(suggestion, str):
        return suggestion
    fields: dict[str, object] = {}
    for name, value in suggestion.params.items():
        if name.endswith("_seconds"):
            fields[name[: -len("_seconds")]] = (
                fmt_duration(float(value)) if isinstance(value, int | float) else "—"
            )
        else:
            fields[name] = value
            if isinstance(value, int) and not isinstance(value, bool):
                fields[f"{name}_agents"] = plural(value, "agent")
                fields[f"{name}_contacts"] = plural(value, "contact")
    more = suggestion.params.get("more")
    fields["more"] = t("suggestion.more", more=more) if more else ""
    if suggestion.code.startswith("erlang."):
        fields["head"] = t("suggestion.erlang", **fields)
    key = f"suggestion.{suggestion.code}"
    text = t(key, **fields)
    return suggestion.code if text == key else text


_FIELDS = frozenset(
    {
        "created", "status", "date", "tl_shift", "interval_start", "kpi", "scope", "sla",
        "slg", "actual", "counts", "suggested_actions", "root_cause", "analysis", "tl_name",
        "note", "verified_value", "verified_achieved", "verified_period", "verified_read_at",
        "verified_counts", "verified_note", "verified_reason", "scope_label", "team",
        "period", "direction", "note.progress", "note.addendum",
    }
)  # fmt: skip


def field_label(name: str) -> str:
    """A history row's field as the TL reads it ("Action 2 status", "Analysis")."""
    if m := re.fullmatch(r"actions\.(\d+)(?:\.(\w+))?", name):
        label = t("rp.action_n", n=int(m[1]) + 1)
        return f"{label} {t('rp.action_attr.' + m[2])}" if m[2] else label
    return t(f"rp.field.{name}") if name in _FIELDS else name
