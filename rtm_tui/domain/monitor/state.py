"""What survives a restart: export_state / restore_state, as plain JSON-serialisable data."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from ..adherence import Excuse
from ..rotg import occurrence_start
from ..types import AgentState, Alert, AlertKind, AlertState, AlertStep, Severity
from .base import MonitorBase
from .tracks import Day, KpiEpisode, Track

STATE_VERSION = 2  # 2: alerts with their lifecycle (1 is still read)


def _iso(t: datetime | None) -> str | None:
    return None if t is None else t.isoformat()


def _dt(s: str | None) -> datetime | None:
    return None if s is None else datetime.fromisoformat(s)


class Persistence(MonitorBase):
    """The monitor's state out to plain data and back."""

    def export_state(self) -> dict[str, Any]:
        """What must survive a restart, as plain JSON-serialisable data."""
        agents: dict[str, Any] = {}
        for agent_id, t in self._tracks.items():
            if t.last is None and not t.days and not t.excuses:
                continue
            agents[agent_id] = {
                "last": None
                if t.last is None
                else [t.last[0].value, t.last[1], t.last[2].isoformat()],
                "last_login_at": _iso(t.last_login_at),
                "timeline": [[s.isoformat(), st.value, c] for s, st, c in t.timeline],
                "days": {
                    d.isoformat(): {
                        "first_login": _iso(x.first_login),
                        "last_logout": _iso(x.last_logout),
                        "aux_seconds": dict(x.aux_seconds),
                        "aux_count": dict(x.aux_count),
                    }
                    for d, x in t.days.items()
                },
                "open_day": None if t.open_day is None else t.open_day.isoformat(),
                "excuses": [[e.start.isoformat(), e.end.isoformat(), e.reason] for e in t.excuses],
            }
        return {
            "version": STATE_VERSION,
            "agents": agents,
            "alerts": [alert_out(a) for a in self.book.alerts.values()],
            "kpi_episodes": [
                {
                    "kpi": k[0],
                    "scope": k[1],
                    "period": k[2],
                    "epoch": e.epoch,
                    "breach_since": _iso(e.breach_since),
                    "warn_since": _iso(e.warn_since),
                    "warn_alerted": e.warn_alerted,
                }
                for k, e in self._episodes.items()
            ],
        }

    def restore_state(self, state: Mapping[str, Any]) -> None:
        """Take back what `export_state` gave (call on a fresh monitor, before apply).

        Raises ValueError for a state this version cannot read; the monitor is then
        left unchanged.
        """
        try:
            if state.get("version") not in (1, STATE_VERSION):
                raise ValueError(f"unknown monitor state version {state.get('version')!r}")
            tracks: dict[str, Track] = {}
            for agent_id, a in state.get("agents", {}).items():
                t = Track(str(agent_id))
                if a.get("last") is not None:
                    st, code, since = a["last"]
                    t.last = (AgentState(st), code, datetime.fromisoformat(since))
                t.last_login_at = _dt(a.get("last_login_at"))
                t.timeline = [
                    (datetime.fromisoformat(s), AgentState(st), c) for s, st, c in a["timeline"]
                ]
                for d, x in a.get("days", {}).items():
                    t.days[date.fromisoformat(d)] = Day(
                        first_login=_dt(x.get("first_login")),
                        last_logout=_dt(x.get("last_logout")),
                        aux_seconds={str(k): float(v) for k, v in x["aux_seconds"].items()},
                        aux_count={str(k): int(v) for k, v in x["aux_count"].items()},
                    )
                od = a.get("open_day")
                t.open_day = None if od is None else date.fromisoformat(od)
                t.excuses = [
                    Excuse(datetime.fromisoformat(s), datetime.fromisoformat(e), str(r))
                    for s, e, r in a.get("excuses", [])
                ]
                tracks[t.agent_id] = t
            # version 1 kept the open alerts only (and the keys raised: not needed now)
            alerts = [alert_in(x) for x in state.get("alerts", state.get("open_alerts", []))]
            episodes = {
                (e["kpi"], e["scope"], e["period"]): KpiEpisode(
                    e["epoch"],
                    _dt(e.get("breach_since")),
                    _dt(e.get("warn_since")),
                    bool(e.get("warn_alerted")),
                )
                for e in state.get("kpi_episodes", [])
            }
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ValueError(f"cannot restore the monitor state: {exc}") from exc
        for agent_id, t in tracks.items():
            old = self._tracks.get(agent_id)
            if old is not None:  # keep roster-created tracks' identity
                t.entry, t.entry_valid = old.entry, old.entry_valid
            self._tracks[agent_id] = t
        self._order_dirty = True
        self.book.load(alerts)
        for a in self.book.active():
            if a.kind is AlertKind.ROTG and a.agent_id and occurrence_start(a.key) is not None:
                self._running_each[a.key] = a.agent_id  # followed, or resolved if it ended
        self._episodes.update(episodes)


def _step_out(st: AlertStep) -> list[Any]:
    return [st.step, st.at.isoformat(), st.who, _iso(st.until), st.reason]


def _step_in(x: list[Any]) -> AlertStep:
    return AlertStep(str(x[0]), datetime.fromisoformat(x[1]), str(x[2]), _dt(x[3]), str(x[4]))


def alert_out(a: Alert) -> dict[str, Any]:
    """An alert with its lifecycle as plain JSON-serialisable data (the store uses it too)."""
    return {
        "key": a.key,
        "kind": a.kind.value,
        "severity": a.severity.value,
        "raised_at": a.raised_at.isoformat(),
        "message": a.message,
        "agent_id": a.agent_id,
        "code": a.code,
        "kpi": a.kpi,
        "scope": a.scope,
        "value": a.value,
        "limit": a.limit,
        "what": a.what,
        "params": dict(a.params),
        "condition": a.condition,
        "state": a.state.value,
        "acked_by": a.acked_by,
        "acked_at": _iso(a.acked_at),
        "snoozed_until": _iso(a.snoozed_until),
        "snooze_reason": a.snooze_reason,
        "resolved_at": _iso(a.resolved_at),
        "resolution": a.resolution,
        "steps": [_step_out(st) for st in a.steps],
    }


def alert_in(d: Mapping[str, Any]) -> Alert:
    return Alert(
        key=d["key"],
        kind=AlertKind(d["kind"]),
        severity=Severity(d["severity"]),
        raised_at=datetime.fromisoformat(d["raised_at"]),
        message=d.get("message") or "",
        agent_id=d.get("agent_id"),
        code=d.get("code"),
        kpi=d.get("kpi"),
        scope=d.get("scope"),
        value=d.get("value"),
        limit=d.get("limit"),
        what=d.get("what") or "",
        params=dict(d.get("params") or {}),
        condition=d.get("condition") or d["key"],
        state=AlertState(d.get("state") or AlertState.OPEN),
        acked_by=d.get("acked_by") or "",
        acked_at=_dt(d.get("acked_at")),
        snoozed_until=_dt(d.get("snoozed_until")),
        snooze_reason=d.get("snooze_reason") or "",
        resolved_at=_dt(d.get("resolved_at")),
        resolution=d.get("resolution") or "",
        steps=tuple(_step_in(x) for x in d.get("steps") or ()),
    )
