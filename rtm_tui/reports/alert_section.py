"""The handover report's alerts and excuses: every alert of the shift with its lifecycle
(raised, acknowledged by whom, snoozed, resolved when and how) and every excuse the TL
gave (who, when, why, which alerts it resolved).

Read from the typed records (`AlertRecord`, `ExcuseNote`), what an alert says rendered
from its code and parameters (rtm_tui.i18n.alert_text), never parsed out of text. An
alert recorded before alerts were data shows its English message as kept.

    markdown(summary, tz, table)   # the two sections, with handover's table maker
    alert_rows(summary, tz)        # the rows (Markdown, xlsx)
    csv_alerts(summary, tz)        # one dict per alert / excuse for the CSV export
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime, tzinfo
from typing import Any

from rtm_tui.domain.alerts import ExcuseNote
from rtm_tui.domain.types import AlertState
from rtm_tui.i18n import t
from rtm_tui.i18n.alert_text import alert_line, severity_name
from rtm_tui.store import AlertRecord

_ALERT_COLUMNS = ("raised", "severity", "alert", "acknowledged", "snoozed", "resolved")
_EXCUSE_COLUMNS = ("agent", "from", "to", "reason", "by", "at", "alerts_resolved")


def alert_header() -> tuple[str, ...]:
    """Column titles in the site's language (read when the report is made)."""
    return tuple(t(f"report.alerts.col.{c}") for c in _ALERT_COLUMNS)


def excuse_header() -> tuple[str, ...]:
    return tuple(t(f"report.alerts.col.{c}") for c in _EXCUSE_COLUMNS)


Table = Callable[[Sequence[str], Iterable[Sequence[str]], str], list[str]]


def _hm(value: datetime | None, tz: tzinfo) -> str:
    return "" if value is None else value.astimezone(tz).strftime("%H:%M")


def acknowledged(rec: AlertRecord, tz: tzinfo) -> str:
    a = rec.alert
    at = a.acked_at or rec.acknowledged_at
    if at is None:
        return t("report.alerts.not_acked")
    if a.acked_by:
        return t("report.alerts.acked_by", at=_hm(at, tz), who=a.acked_by)
    return _hm(at, tz)


def snoozed(rec: AlertRecord, tz: tzinfo) -> str:
    """Every snooze of the alert (until when, why)."""
    steps = [s for s in rec.alert.steps if s.step == "snoozed"]
    return "; ".join(
        t("report.alerts.snooze", until=_hm(s.until, tz), reason=s.reason) for s in steps
    )


def resolved(rec: AlertRecord, tz: tzinfo) -> str:
    a = rec.alert
    if a.state is not AlertState.RESOLVED or a.resolved_at is None:
        return t("report.alerts.still_open") if a.what else ""  # an old record does not know
    if a.resolution == "excused":
        reason = next((s.reason for s in reversed(a.steps) if s.step == "resolved"), "")
        return t("report.alerts.excused", at=_hm(a.resolved_at, tz), reason=reason)
    return t("report.alerts.by_itself", at=_hm(a.resolved_at, tz))


def alert_rows(alerts: Iterable[AlertRecord], tz: tzinfo) -> list[tuple[str, ...]]:
    return [
        (
            _hm(r.alert.raised_at, tz),
            severity_name(str(r.alert.severity)),
            alert_line(r.alert, tz),
            acknowledged(r, tz),
            snoozed(r, tz),
            resolved(r, tz),
        )
        for r in alerts
    ]


def _who(note: ExcuseNote, names: dict[str, str]) -> str:
    if note.agent_id is None:
        return t("report.alerts.everyone")
    name = names.get(note.agent_id)
    return f"{name} ({note.agent_id})" if name else note.agent_id


def _names(alerts: Iterable[AlertRecord]) -> dict[str, str]:
    out: dict[str, str] = {}
    for r in alerts:
        name = r.alert.params.get("name")
        if r.alert.agent_id and isinstance(name, str):
            out.setdefault(r.alert.agent_id, name)
    return out


def excuse_rows(
    excuses: Iterable[ExcuseNote], alerts: Iterable[AlertRecord], tz: tzinfo
) -> list[tuple[str, ...]]:
    names = _names(alerts)
    return [
        (
            _who(e, names),
            _hm(e.start, tz),
            _hm(e.end, tz),
            e.reason,
            e.who,
            _hm(e.at, tz),
            str(len(e.resolved)),
        )
        for e in excuses
    ]


def markdown(summary: Any, tz: tzinfo, table: Table) -> list[str]:
    """`## Alerts raised` and `## Excuses`, made with handover's table maker."""
    alerts: Sequence[AlertRecord] = summary.alerts
    excuses: Sequence[ExcuseNote] = getattr(summary, "excuses", ())
    out = ["", f"## {t('report.h.alerts')}", ""]
    out += table(alert_header(), alert_rows(alerts, tz), t("report.alerts_none"))
    out += ["", f"## {t('report.h.excuses')}", ""]
    out += table(excuse_header(), excuse_rows(excuses, alerts, tz), t("report.excuses_none"))
    return out


def csv_alerts(summary: Any, tz: tzinfo) -> Iterator[dict[str, Any]]:
    """The CSV rows of the alerts (section "alert") and excuses (section "excuse")."""

    def iso(t: datetime | None) -> str:
        return "" if t is None else t.astimezone(tz).isoformat()

    alerts: Sequence[AlertRecord] = summary.alerts
    for r in alerts:
        al = r.alert
        yield {
            "section": "alert",
            "time": iso(al.raised_at),
            "scope": al.kpi and al.scope or al.code or "",
            "agent_id": al.agent_id or "",
            "item": str(al.kind),
            "value": "" if al.value is None else f"{al.value:g}",
            "status": str(al.severity),
            "detail": alert_line(al, tz),
            "shown": " / ".join(
                x
                for x in (
                    t("report.alerts.csv_acked", what=acknowledged(r, tz)),
                    snoozed(r, tz),
                    t("report.alerts.csv_resolved", what=resolved(r, tz)) if al.resolved_at else "",
                )
                if x
            ),
        }
    names = _names(alerts)
    for e in getattr(summary, "excuses", ()):
        yield {
            "section": "excuse",
            "time": iso(e.start),
            "agent_id": e.agent_id or "",
            "name": _who(e, names),
            "item": iso(e.end),
            "status": e.reason,
            "detail": t("report.alerts.excuse_by", who=e.who, at=_hm(e.at, tz)),
            "value": str(len(e.resolved)),
        }
