"""The KPI values per scope and period, their breach episodes, and the KPI alerts.

- Periods: "interval", "shift" (the TL shift so far: the summed counts of its intervals
  seen or seeded; shown, not alerted) and "today". Instantaneous KPIs (calls_waiting,
  longest_wait, waiting_list) exist for the "interval" period only. Scope "all" comes
  first, then queues/channels in API order.
- KPI breaches alert once per breach episode (re-armed when the KPI is back to ok or a
  new interval/day starts; a warning between does not re-arm), key
  `kpi:<kpi>:<scope>:<period>:<severity>:<raised ISO>`; a warning alerts (if
  `warning_alert_after` is set) when it lasted strictly longer, once per episode and
  not after a breach alert in the same episode.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from ..format import fmt_kpi
from ..kpi import (
    KPI_LABELS,
    NOW_KPIS,
    aggregates,
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

    def _judge_kpis(self, now: datetime) -> None:
        after = self.options.warning_alert_after
        for kv in self._kpis:
            if kv.target is None or kv.period == "shift":
                continue  # the TL shift so far is shown, not alerted: interval and day are
            ident = (kv.kpi, kv.scope, kv.period)
            ep = self._episodes.get(ident)
            epoch = self._kpi_epochs.get(ident, "")
            if ep is None or ep.epoch != epoch:
                ep = self._episodes[ident] = KpiEpisode(epoch)
            status = kv.status
            if status == Status.OK:
                ep.breach_since = ep.warn_since = None
                ep.warn_alerted = False
            elif status == Status.BREACH:
                if ep.warn_since is None:
                    ep.warn_since = now
                if ep.breach_since is None:
                    ep.breach_since = now
                    self._raise_kpi(kv, Severity.BREACH, now)
            elif status == Status.WARNING:
                if ep.warn_since is None:
                    ep.warn_since = now
                if (
                    after is not None
                    and not ep.warn_alerted
                    and ep.breach_since is None
                    and now - ep.warn_since > after
                ):
                    ep.warn_alerted = True
                    self._raise_kpi(kv, Severity.WARNING, now, ep.warn_since)

    def _raise_kpi(
        self, kv: KpiValue, severity: Severity, now: datetime, since: datetime | None = None
    ) -> None:
        key = f"kpi:{kv.kpi}:{kv.scope}:{kv.period}:{severity.value}:{now.isoformat()}"
        target = kv.target
        assert target is not None
        label = KPI_LABELS.get(kv.kpi, kv.kpi)
        scope = "all" if kv.scope == "all" else kv.scope
        parts = []
        if target.sla is not None:
            parts.append(f"SLA {fmt_kpi(kv.kpi, target.sla)}")
        if target.slg is not None:
            parts.append(f"SLG {fmt_kpi(kv.kpi, target.slg)}")
        limit = target.slg if severity == Severity.BREACH and target.slg is not None else target.sla
        what = "breach" if severity == Severity.BREACH else "warning"
        lasting = ""
        if since is not None:
            lasting = f" for {int((now - since).total_seconds() // 60)} min"
        self._raise(
            Alert(
                key=key,
                kind=AlertKind.KPI,
                severity=severity,
                raised_at=now,
                message=(
                    f"{label} {scope} ({kv.period}) {fmt_kpi(kv.kpi, kv.value)}: "
                    f"{what}{lasting} ({', '.join(parts)})"
                ),
                kpi=kv.kpi,
                scope=kv.scope,
                value=kv.value,
                limit=limit,
            )
        )
