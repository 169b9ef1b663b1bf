"""The KPI values per scope and period, their breach episodes, and the KPI alerts.

- Periods: "interval", "shift" (the TL shift so far: the summed counts of its intervals
  seen or seeded; shown, not alerted) and "today". Instantaneous KPIs (calls_waiting,
  longest_wait, waiting_list) exist for the "interval" period only. Scope "all" comes
  first, then queues/channels in API order.
- KPI alerts: one condition per KPI family (voice, non-voice) and period alerted
  (`[alerts] kpi_periods`), over all its KPIs and scopes, naming the worst figure (key
  `kpi:<family>:<period>:<raised ISO>`). A figure counts once its period has
  `kpi_min_offered` contacts (the queue now always counts) and is in breach, or in
  warning for strictly longer than `warning_alert_after` (if set). The alert is raised
  once the family lasted `kpi_min_breach` with such a figure, and resolved when it has
  none (back on target, or a new interval without enough contacts yet); back within
  the cooldown, the same alert reopens (domain/alerts.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from ..alerts import RANK
from ..kpi import (
    NOW_KPIS,
    aggregates,
    family_of,
    nonvoice_kpis,
    status_of,
    sum_nonvoice,
    sum_voice,
    target_for,
)
from ..kpi import voice_kpis as compute_voice_kpis
from ..types import (
    Alert,
    AlertKind,
    AlertState,
    Direction,
    KpiValue,
    NonVoiceCounts,
    NonVoiceNow,
    Severity,
    Status,
    VoiceCounts,
    VoiceNow,
)
from .base import MonitorBase
from .tracks import KEEP, KpiEpisode


class KpiBuilder(MonitorBase):
    """KPI values and KPI alerts."""

    def _kpi_value(
        self, kpi: str, scope: str, period: str, value: float | None, counts: Mapping[str, float]
    ) -> KpiValue:
        target = target_for(self.targets, kpi, scope)
        return KpiValue(kpi, scope, period, value, status_of(value, target), target, counts)

    def _aggregates(self, kpi: str, members: list[str]) -> bool:
        return aggregates(self.targets, kpi, members)

    def _epoch(self, period: str, interval_start: str, day: str) -> str:
        if period == "interval":
            return interval_start
        if period == "shift" and self._kpi_window is not None:
            return self._kpi_window.start.isoformat()
        return day

    def _shift_so_far(self, seen: dict[datetime, Any]) -> list[Any] | None:
        """The counts of the TL shift's intervals seen so far (None: no TL window). Old
        intervals are forgotten as they leave the day."""
        if len(seen) > 100:  # more than a day of 15-minute intervals: drop the oldest
            latest = max(seen)
            for old in [t for t in seen if t < latest - KEEP]:
                del seen[old]
        window = self._kpi_window
        if window is None:
            return None
        return [c for t, c in seen.items() if window.start <= t < window.end]

    def shift_since(self) -> datetime | None:
        """The first interval the "shift" figures include: later than the TL window's start
        when rtm was not running (nor seeded from the store) at its beginning."""
        window = self._kpi_window
        if window is None:
            return None
        starts = [
            t
            for seen in self._seen_intervals.values()
            for t in seen
            if window.start <= t < window.end
        ]
        return min(starts) if starts else None

    def seed_interval(self, family: str, scope: str, start: datetime, counts: Any) -> None:
        """An interval of today from the shift record (rtm restarted mid-shift): the TL
        shift's figures then include what happened before the restart."""
        self._seen_intervals.setdefault((family, scope), {}).setdefault(start, counts)

    def _build_kpis(self) -> tuple[KpiValue, ...]:
        out: list[KpiValue] = []
        epochs: dict[tuple[str, str, str], str] = {}
        v = self._voice
        if v is not None:
            groups = [(q.queue_id, [q]) for q in v.queues]
            if v.queues:
                groups.insert(0, ("all", list(v.queues)))
            for scope, queues in groups:
                interval = sum_voice(q.interval for q in queues)
                now = VoiceNow()
                for q in queues:
                    now = now + q.now
                began = max(q.interval_start for q in queues)
                start = began.isoformat()
                # the local date: an API speaking UTC must not re-arm at 07:00 WIB
                day = began.astimezone(self._tz).date().isoformat()
                seen = self._seen_intervals.setdefault(("voice", scope), {})
                seen[began] = interval
                periods: list[tuple[str, VoiceCounts, VoiceNow | None]] = [
                    ("interval", interval, now),
                    ("today", sum_voice(q.today for q in queues), None),
                ]
                shift = self._shift_so_far(seen)
                if shift is not None:
                    periods.insert(1, ("shift", sum_voice(shift), None))
                for period, counts, qnow in periods:
                    raw: dict[str, float] = counts.as_dict()
                    if qnow is not None:
                        raw["waiting"] = qnow.waiting
                        raw["longest_wait_seconds"] = qnow.longest_wait_seconds
                    for kpi, value in compute_voice_kpis(counts, qnow, self.options).items():
                        if period == "today" and kpi in NOW_KPIS:
                            continue
                        if scope == "all" and not self._aggregates(
                            kpi, [q.queue_id for q in queues]
                        ):
                            continue
                        out.append(self._kpi_value(kpi, scope, period, value, raw))
                        epochs[(kpi, scope, period)] = self._epoch(period, start, day)
        nv = self._nonvoice
        if nv is not None:
            cgroups = [(c.channel, [c]) for c in nv.channels]
            if nv.channels:
                cgroups.insert(0, ("all", list(nv.channels)))
            for scope, chans in cgroups:
                cnow = NonVoiceNow()
                for c in chans:
                    cnow = cnow + c.now
                began = max(c.interval_start for c in chans)
                start = began.isoformat()
                # the local date: an API speaking UTC must not re-arm at 07:00 WIB
                day = began.astimezone(self._tz).date().isoformat()
                ninterval = sum_nonvoice(c.interval for c in chans)
                nseen = self._seen_intervals.setdefault(("nonvoice", scope), {})
                nseen[began] = ninterval
                nperiods: list[tuple[str, NonVoiceCounts, NonVoiceNow | None]] = [
                    ("interval", ninterval, cnow),
                    ("today", sum_nonvoice(c.today for c in chans), None),
                ]
                nshift = self._shift_so_far(nseen)
                if nshift is not None:
                    nperiods.insert(1, ("shift", sum_nonvoice(nshift), None))
                for period, ncounts, nnow in nperiods:
                    raw = ncounts.as_dict()
                    if nnow is not None:
                        raw["waiting"] = nnow.waiting
                        raw["oldest_waiting_seconds"] = nnow.oldest_waiting_seconds
                    for kpi, value in nonvoice_kpis(ncounts, nnow).items():
                        if period == "today" and kpi in NOW_KPIS:
                            continue
                        if scope == "all" and not self._aggregates(kpi, [c.channel for c in chans]):
                            continue
                        out.append(self._kpi_value(kpi, scope, period, value, raw))
                        epochs[(kpi, scope, period)] = self._epoch(period, start, day)
        self._kpi_epochs = epochs
        return tuple(out)

    def _sampled(self, kv: KpiValue) -> bool:
        """Enough contacts in the period to judge a rate or a mean (the queue now is
        always judged): the first call or two of an interval prove nothing."""
        if kv.kpi in NOW_KPIS:
            return True
        sample = kv.counts.get("offered", kv.counts.get("received", 0.0))
        return sample >= self.alert_rules.kpi_min_offered

    def _judge_kpis(self, now: datetime) -> None:
        """One alert per KPI family and period (all scopes and KPIs together), naming the
        worst figure; raised after the breach lasted `kpi_min_breach`, resolved when no
        figure of the family is in breach (back on target, or a new interval without
        enough contacts yet)."""
        rules = self.alert_rules
        if not rules.kpi:
            return
        after = self.options.warning_alert_after
        groups: dict[str, list[tuple[Severity, KpiValue]]] = {}
        for kv in self._kpis:
            if kv.target is None or kv.period not in rules.kpi_periods:
                continue  # the TL shift so far is shown, not alerted (nor today, by default)
            family = family_of(kv.kpi)
            if family is None:
                continue
            ident = (kv.kpi, kv.scope, kv.period)
            ep = self._episodes.get(ident)
            epoch = self._kpi_epochs.get(ident, "")
            if ep is None or ep.epoch != epoch:
                ep = self._episodes[ident] = KpiEpisode(epoch)
            status = kv.status
            if status == Status.OK or not self._sampled(kv):
                ep.breach_since = ep.warn_since = None
                continue
            if ep.warn_since is None:
                ep.warn_since = now
            # an interval's condition goes on into the next interval (the cooldown);
            # a day's is the day's
            cond = f"kpi:{family}:{kv.period}"
            if kv.period != "interval":
                cond += f":{epoch}"
            if status == Status.BREACH:
                groups.setdefault(cond, []).append((Severity.BREACH, kv))
            elif after is not None and now - ep.warn_since > after:
                groups.setdefault(cond, []).append((Severity.WARNING, kv))
        for cond in [c for c in self._kpi_breach if c not in groups]:
            del self._kpi_breach[cond]
        for a in self.book.active():
            if a.kind is AlertKind.KPI and a.condition not in groups:
                self.book.resolve(a.condition, now)  # back on target, or the period is over
        for cond, members in groups.items():
            self._judge_kpi_group(cond, members, now)

    def _judge_kpi_group(
        self, cond: str, members: list[tuple[Severity, KpiValue]], now: datetime
    ) -> None:
        since = self._kpi_breach.setdefault(cond, now)
        latest = self.book.latest(cond)
        active = latest is not None and latest.state is not AlertState.RESOLVED
        if not active and now - since < self.alert_rules.kpi_min_breach:
            return
        # the worst figure; on a tie a queue's rather than "all" (the queue is what to act on)
        severity, worst = max(
            members, key=lambda m: (RANK[m[0]], _badness(m[1]), m[1].scope != "all")
        )
        target = worst.target
        assert target is not None
        limit = target.slg if severity is Severity.BREACH and target.slg is not None else target.sla
        others = sorted({kv.kpi for _, kv in members} - {worst.kpi})
        self.book.raise_(
            Alert(
                key=f"{cond}:{now.isoformat()}",
                kind=AlertKind.KPI,
                severity=severity,
                raised_at=now,
                kpi=worst.kpi,
                scope=worst.scope,
                value=worst.value,
                limit=limit,
                what=f"kpi.{severity.value}",
                params={
                    "kpi": worst.kpi,
                    "scope": worst.scope,
                    "period": worst.period,
                    "value": worst.value,
                    "sla": target.sla,
                    "slg": target.slg,
                    "others": ",".join(others),
                    "scopes": len({kv.scope for _, kv in members if kv.kpi == worst.kpi}),
                },
                condition=cond,
            ),
            now,
            renew=True,
        )


def _badness(kv: KpiValue) -> float:
    """How far past its target a figure is, relative to the target (0 = on it)."""
    target = kv.target
    if target is None or kv.value is None:
        return 0.0
    level = target.slg if target.slg is not None else target.sla
    if level is None:
        return 0.0
    gap = level - kv.value if target.direction is Direction.HIGHER else kv.value - level
    return gap / abs(level) if level else gap
