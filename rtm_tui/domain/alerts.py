"""Alerts a TL can act on: the lifecycle, the severity rules, the triage order.

An alert is a condition that is raised, can be acknowledged (who, when) or snoozed
(until when, why), and is resolved by itself when the condition ends. `AlertBook` keeps
the alerts of the kept period (the monitor's KEEP) and every step with its time.

- One alert per condition. ROTG and attendance conditions name their own occurrence or
  workday in the key: when one returns (the agent back in the same AUX code over the
  shift limit) the same alert reopens. A KPI condition (a family's figures for one
  period, all scopes together) that returns within `cooldown` reopens the same alert;
  later it is a new alert, with a new key.
- Acknowledging keeps an alert in alarm (dimmed) until it resolves; an escalation to a
  higher severity makes an acknowledged alert open again (the TL acknowledged less than
  what is happening now); a snoozed one stays snoozed until its `snoozed_until`.
- An excused condition is resolved as "excused" and never raised again.
- News (what the screen may announce): new alerts, and escalations to breach or severe.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from .types import Alert, AlertState, AlertStep, Severity

RANK: Mapping[Severity, int] = {Severity.WARNING: 1, Severity.BREACH: 2, Severity.SEVERE: 3}
ENDED = "ended"
EXCUSED = "excused"
SNOOZE_STEP = timedelta(minutes=15)


@dataclass(frozen=True, slots=True)
class AlertRules:
    """The `[alerts]` section of the config (contact-center defaults)."""

    kpi: bool = True
    kpi_min_offered: int = 10  # contacts offered in the period before a rate is judged
    kpi_min_breach: timedelta = timedelta(minutes=2)  # in breach this long before alerting
    kpi_periods: tuple[str, ...] = ("interval",)
    cooldown: timedelta = timedelta(minutes=15)  # a KPI condition back within: same alert
    rotg: bool = True
    rotg_grace: timedelta = timedelta(minutes=1)  # over by at most this: a warning
    rotg_severe_ratio: float = 2.0  # at this many times the limit: severe ...
    rotg_severe_over: timedelta = timedelta(minutes=10)  # ... or this far over it
    late: bool = True
    early_out: bool = True
    not_rostered: bool = True
    absent: bool = True
    excuse_reasons: tuple[str, ...] = ("SYSTEM", "COACHING", "LONG CALL", "DISASTER")


@dataclass(frozen=True, slots=True)
class ExcuseNote:
    """An excuse as the store keeps it: who excused which period, when and why.
    `agent_id` None: a neutral window for everyone (a source was down)."""

    agent_id: str | None
    start: datetime
    end: datetime
    reason: str
    who: str
    at: datetime
    alert_key: str | None = None
    resolved: tuple[str, ...] = ()  # the alerts it resolved


def rotg_severity(value: float, limit: float, rules: AlertRules, kind: str) -> Severity:
    """An AUX overrun: within the grace a warning, far over (2x the limit or +10 min)
    severe, else a breach. Counts (occurrences) are a breach: there is no grace in them."""
    if kind == "count":
        return Severity.BREACH
    over = value - limit
    if over <= rules.rotg_grace.total_seconds():
        return Severity.WARNING
    if value >= limit * rules.rotg_severe_ratio or over >= rules.rotg_severe_over.total_seconds():
        return Severity.SEVERE
    return Severity.BREACH


def in_alarm(alert: Alert) -> bool:
    """Open or acknowledged: what the TL sees in the alerts pane now."""
    return alert.state is AlertState.OPEN or alert.state is AlertState.ACKNOWLEDGED


def triage_order(alerts: Iterable[Alert]) -> list[Alert]:
    """Worst first: not yet acknowledged before acknowledged, then by severity, then
    the one that has lasted longest."""
    return sorted(
        alerts,
        key=lambda a: (
            a.state is AlertState.ACKNOWLEDGED,
            -RANK[a.severity],
            a.raised_at,
            a.key,
        ),
    )


def history_order(alerts: Iterable[Alert]) -> list[Alert]:
    """The shift's history: newest raised first."""
    return sorted(alerts, key=lambda a: (a.raised_at, a.key), reverse=True)


def counts_by_severity(alerts: Iterable[Alert]) -> dict[Severity, int]:
    """Alerts in alarm and not acknowledged, per severity (the header's counts)."""
    out = dict.fromkeys(RANK, 0)
    for a in alerts:
        if a.state is AlertState.OPEN:
            out[a.severity] += 1
    return out


def _step(alert: Alert, step: AlertStep, **changes: object) -> Alert:
    return replace(alert, steps=(*alert.steps, step), **changes)  # type: ignore[arg-type]


class AlertBook:
    """Every alert of the kept period, by key, with its lifecycle."""

    def __init__(self, rules: AlertRules | None = None) -> None:
        self.rules = rules or AlertRules()
        self.alerts: dict[str, Alert] = {}  # by key, in the order raised
        self.current: dict[str, str] = {}  # condition -> key of its latest alert
        self.news: list[Alert] = []
        self.changed: dict[str, Alert] = {}
        self._active: tuple[Alert, ...] | None = ()

    # ------------------------------------------------------------------ reading

    def latest(self, condition: str) -> Alert | None:
        key = self.current.get(condition)
        return None if key is None else self.alerts.get(key)

    def active(self) -> tuple[Alert, ...]:
        """Not resolved (in alarm or snoozed), newest first."""
        if self._active is None:
            self._active = tuple(
                a for a in reversed(self.alerts.values()) if a.state is not AlertState.RESOLVED
            )
        return self._active

    def take(self) -> tuple[list[Alert], list[Alert]]:
        """The news and the changed alerts since the last call."""
        news, changed = self.news, list(self.changed.values())
        self.news, self.changed = [], {}
        return news, changed

    def _put(self, alert: Alert) -> Alert:
        old = self.alerts.get(alert.key)
        self.alerts[alert.key] = alert
        self.changed[alert.key] = alert
        if old is None or old.state is not alert.state or old.severity is not alert.severity:
            self._active = None
        elif self._active is not None and alert.state is not AlertState.RESOLVED:
            self._active = tuple(alert if a.key == alert.key else a for a in self._active)
        return alert

    # ------------------------------------------------------------------ conditions

    def raise_(self, alert: Alert, now: datetime, *, renew: bool = False) -> Alert | None:
        """The condition `alert.condition` (or `alert.key`) holds at `now`. New: the
        alert is kept and is news. Still active: it follows (severity, value, what it
        says). Resolved: reopened, unless it was excused, or `renew` (KPI) and its
        cooldown has passed (then `alert` is a new one). None when nothing is kept."""
        cond = alert.condition or alert.key
        cur = self.latest(cond)
        if cur is not None:
            if cur.state is not AlertState.RESOLVED:
                return self.follow(
                    cur.key, now, alert.severity, alert.what, alert.params, alert.value
                )
            if cur.resolution == EXCUSED:
                return None
            assert cur.resolved_at is not None
            if not renew or now - cur.resolved_at <= self.rules.cooldown:
                back = AlertState.ACKNOWLEDGED if cur.acked_at is not None else AlertState.OPEN
                reopened = _step(
                    cur, AlertStep("reopened", now), state=back, resolved_at=None, resolution=""
                )
                self._put(reopened)
                return self.follow(
                    cur.key, now, alert.severity, alert.what, alert.params, alert.value
                )
        if alert.key in self.alerts:  # a renewed KPI condition raised at the same instant
            return None
        fresh = replace(
            alert,
            condition=cond,
            state=AlertState.OPEN,
            steps=(AlertStep("raised", alert.raised_at),),
        )
        self.current[cond] = fresh.key
        self.news.append(fresh)
        return self._put(fresh)

    def follow(
        self,
        key: str,
        now: datetime,
        severity: Severity | None = None,
        what: str | None = None,
        params: Mapping[str, str | float | None] | None = None,
        value: float | None = None,
        code: str | None = None,
    ) -> Alert | None:
        """An active alert follows its condition: its real value, a higher severity (an
        escalation: news when it reaches breach or severe), what it says now."""
        a = self.alerts.get(key)
        if a is None or a.state is AlertState.RESOLVED:
            return None
        changes: dict[str, object] = {}
        if what is not None and what != a.what:
            changes["what"] = what
        if params is not None and params != a.params:
            changes["params"] = params
        if value is not None and value != a.value:
            changes["value"] = value
        if code is not None and code != a.code:
            changes["code"] = code
        if severity is not None and RANK[severity] > RANK[a.severity]:
            changes["severity"] = severity
            state = AlertState.OPEN if a.state is AlertState.ACKNOWLEDGED else a.state
            out = _step(
                a, AlertStep("escalated", now, reason=str(severity)), state=state, **changes
            )
            self._put(out)
            if a.state is not AlertState.SNOOZED:
                self.news.append(out)
            return out
        if not changes:
            return a
        return self._put(replace(a, **changes))  # type: ignore[arg-type]

    def resolve(
        self,
        condition: str,
        now: datetime,
        resolution: str = ENDED,
        params: Mapping[str, str | float | None] | None = None,
        who: str = "",
        reason: str = "",
    ) -> Alert | None:
        """The condition ended (or was excused): its alert resolves at `now`."""
        a = self.latest(condition)
        if a is None or a.state is AlertState.RESOLVED:
            return None
        changes: dict[str, object] = {}
        if params is not None:
            changes["params"] = {**a.params, **params}
        return self._put(
            _step(
                a,
                AlertStep("resolved", now, who=who, reason=reason or resolution),
                state=AlertState.RESOLVED,
                resolved_at=now,
                resolution=resolution,
                snoozed_until=None,
                **changes,
            )
        )

    # ------------------------------------------------------------------ the TL's steps

    def acknowledge(self, key: str, who: str, now: datetime) -> Alert | None:
        a = self.alerts.get(key)
        if a is None or a.state is not AlertState.OPEN:
            return None
        return self._put(
            _step(
                a,
                AlertStep("acknowledged", now, who=who),
                state=AlertState.ACKNOWLEDGED,
                acked_by=who,
                acked_at=now,
            )
        )

    def snooze(
        self, key: str, until: datetime, reason: str, who: str, now: datetime
    ) -> Alert | None:
        """Out of the list until `until` (the reason is kept); snoozing again moves it."""
        a = self.alerts.get(key)
        if a is None or a.state is AlertState.RESOLVED or until <= now:
            return None
        return self._put(
            _step(
                a,
                AlertStep("snoozed", now, who=who, until=until, reason=reason),
                state=AlertState.SNOOZED,
                snoozed_until=until,
                snooze_reason=reason,
            )
        )

    def unsnooze(self, key: str, who: str, now: datetime, step: str = "unsnoozed") -> Alert | None:
        a = self.alerts.get(key)
        if a is None or a.state is not AlertState.SNOOZED:
            return None
        back = AlertState.ACKNOWLEDGED if a.acked_at is not None else AlertState.OPEN
        return self._put(_step(a, AlertStep(step, now, who=who), state=back, snoozed_until=None))

    def expire_snoozes(self, now: datetime) -> list[Alert]:
        """Snoozes whose time is up: the alerts are back in alarm (and news again)."""
        out = []
        for a in list(self.active()):
            if a.state is AlertState.SNOOZED and a.snoozed_until is not None:
                if now >= a.snoozed_until:
                    back = self.unsnooze(a.key, "", now, step="snooze_ended")
                    if back is not None:
                        out.append(back)
                        self.news.append(back)
        return out

    # ------------------------------------------------------------------ housekeeping

    def prune(self, cutoff: datetime) -> None:
        """Forget resolved alerts raised before `cutoff`."""
        old = [
            k
            for k, a in self.alerts.items()
            if a.state is AlertState.RESOLVED and a.raised_at <= cutoff
        ]
        for k in old:
            cond = self.alerts.pop(k).condition
            if self.current.get(cond) == k:
                del self.current[cond]
        self._active = None

    def load(self, alerts: Iterable[Alert]) -> None:
        """Alerts taken back from a saved state, in the order raised."""
        for a in sorted(alerts, key=lambda a: a.raised_at):
            cond = a.condition or a.key
            self.alerts[a.key] = replace(a, condition=cond)
            self.current[cond] = a.key
        self._active = None
