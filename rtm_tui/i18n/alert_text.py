"""An alert's text in the current language, from its code (`Alert.what`) and params.

    alert_line(alert, tz)      # "Ann (A0012) TOILET 25:00 in one occurrence, limit 10:00"
    state_line(alert, tz)      # "acknowledged 07:41 by Rina" / "snoozed until 08:00: coaching"

The domain emits codes with parameters (domain/alerts.py); screens and reports render
them here, so both languages say the same thing. An alert recorded before alerts were
data has only its English `message`: that is shown as it was. Names are data: callers
show the result as plain text (Rich `Text`), never as markup.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, tzinfo

from rtm_tui.domain.format import fmt_duration, fmt_kpi
from rtm_tui.domain.types import Alert, AlertState
from rtm_tui.i18n import has, t


def _hm(iso: object, tz: tzinfo) -> str:
    if not isinstance(iso, str) or not iso:
        return "?"
    try:
        return f"{datetime.fromisoformat(iso).astimezone(tz):%H:%M}"
    except ValueError:
        return "?"


def _num(p: Mapping[str, object], name: str) -> float | None:
    v = p.get(name)
    return float(v) if isinstance(v, int | float) else None


def kpi_name(kpi: str) -> str:
    return t(f"kpi.{kpi}") if has(f"kpi.{kpi}") else kpi


def alert_line(alert: Alert, tz: tzinfo) -> str:
    """What the alert says (without its time or severity mark)."""
    what = alert.what
    if not what or not has(f"alert.{what}"):
        return alert.message or alert.key
    p = alert.params
    fields: dict[str, object] = {
        "name": p.get("name") or alert.agent_id or "",
        "agent": p.get("agent") or alert.agent_id or "",
        "aux": p.get("aux") or alert.code or "",
    }
    if alert.kind == "rotg":
        value, limit = _num(p, "value"), _num(p, "limit")
        if what == "rotg.count":
            fields["value"] = f"{int(value or 0)}"
            fields["limit"] = f"{int(limit or 0)}"
        else:
            fields["value"] = fmt_duration(value)
            fields["limit"] = fmt_duration(limit)
        fields["total"] = fmt_duration(_num(p, "total"))
        fields["count"] = f"{int(_num(p, 'count') or 0)}"
    elif alert.kind == "kpi":
        kpi = str(p.get("kpi") or alert.kpi or "")
        scope = str(p.get("scope") or alert.scope or "")
        fields["kpi"] = kpi_name(kpi)
        fields["scope"] = t("alert.scope_all") if scope == "all" else scope
        fields["period"] = t(f"gauge.period.{p.get('period') or 'interval'}")
        fields["value"] = fmt_kpi(kpi, _num(p, "value"))
        targets = []
        if _num(p, "sla") is not None:
            targets.append(f"SLA {fmt_kpi(kpi, _num(p, 'sla'))}")
        if _num(p, "slg") is not None:
            targets.append(f"SLG {fmt_kpi(kpi, _num(p, 'slg'))}")
        fields["targets"] = ", ".join(targets)
        others = [kpi_name(k) for k in str(p.get("others") or "").split(",") if k]
        text = t(f"alert.{what}", **fields)
        if others:
            text += t("alert.kpi.others", others=", ".join(others))
        return text
    else:
        fields["shift"] = p.get("shift") or ""
        fields["start"] = _hm(p.get("start"), tz)
        fields["deadline"] = _hm(p.get("deadline"), tz)
        fields["end"] = _hm(p.get("end"), tz)
        fields["logout"] = _hm(p.get("logout"), tz)
        late = _num(p, "late_by")
        fields["late_by"] = "?" if late is None else f"{int(late // 60)}"
    return t(f"alert.{what}", **fields)


def state_line(alert: Alert, tz: tzinfo) -> str:
    """Where the alert is in its lifecycle, for the history and the report."""
    if alert.state is AlertState.SNOOZED and alert.snoozed_until is not None:
        return t(
            "alert.state.snoozed",
            until=f"{alert.snoozed_until.astimezone(tz):%H:%M}",
            reason=alert.snooze_reason or "-",
        )
    if alert.state is AlertState.RESOLVED and alert.resolved_at is not None:
        key = "alert.state.excused" if alert.resolution == "excused" else "alert.state.resolved"
        reason = next((s.reason for s in reversed(alert.steps) if s.step == "resolved"), "")
        return t(key, at=f"{alert.resolved_at.astimezone(tz):%H:%M}", reason=reason)
    if alert.acked_at is not None:
        return t(
            "alert.state.acknowledged",
            at=f"{alert.acked_at.astimezone(tz):%H:%M}",
            who=alert.acked_by or "-",
        )
    return t("alert.state.open")


def severity_name(severity: str) -> str:
    return t(f"alert.severity.{severity}")
