"""Prometheus metrics: what the dashboard shows, for the site's Grafana.

`[metrics] listen = "127.0.0.1:9108"` makes `rtm run` and `rtm demo` serve
`http://127.0.0.1:9108/metrics`. The app never does the work of a scrape:

- on each MonitorUpdated (and FreshnessChanged) the app calls `MetricsHub.publish`,
  which swaps one reference to an immutable snapshot (the MonitorView, the sources'
  Freshness values) and returns: nothing is computed on the event loop;
- a scrape runs in prometheus_client's own HTTP server threads: `RtmCollector.collect`
  reads the latest snapshot and builds the series from it;
- the plan counts are read every 30 s by a thread of their own, on a read-only SQLite
  connection of their own (`rtm_tui.store.counts`), never through the app's Store.

Nothing from the config but the site name is exposed: never the API token, URL or paths.

Series (every one has a `site` label; units are base units: seconds, ratios 0..1):

| metric | labels | what |
|---|---|---|
| rtm_info | version | 1 |
| rtm_view_timestamp_seconds | | when the monitor folded the latest view (the app's clock) |
| rtm_voice_{offered,answered,answered_within_sl,abandoned,short_abandoned} | queue, period | calls in the period |
| rtm_voice_{handle,talk,hold,acw,answer_wait}_seconds | queue, period | summed seconds in the period |
| rtm_voice_waiting, rtm_voice_longest_wait_seconds | queue | now |
| rtm_nonvoice_{received,responded,handled} | channel, period | contacts in the period |
| rtm_nonvoice_{first_response,handle}_seconds | channel, period | summed seconds in the period |
| rtm_nonvoice_waiting, rtm_nonvoice_oldest_waiting_seconds | channel | now |
| rtm_kpi_ratio | kpi, scope, period | scr, abandon, service_level as 0..1 |
| rtm_kpi_seconds | kpi, scope, period | aht, asa, longest_wait, response_time, nv_aht |
| rtm_kpi_count | kpi, scope, period | calls_waiting, waiting_list |
| rtm_kpi_status | kpi, scope, period | -1 no data, 0 ok, 1 warning, 2 breach |
| rtm_kpi_target | kpi, scope, level (sla, slg) | the target, in the unit of its value metric |
| rtm_agents | state | agents on the board by state |
| rtm_agents_aux | code | agents in AUX now by AUX code |
| rtm_agents_login | status | agents by login status (on_time, late, absent, ...) |
| rtm_agents_missing | | agents gone from the platform's latest /agents |
| rtm_aux_over_limit_agents | limit (occurrence, shift) | in AUX past the code's limit now; AUX used past the shift allowance |
| rtm_attendance_agents | status | the attendance card: scheduled, present, late, absent, off, not_yet_in, not_rostered, early_out, on_leave, sick, training |
| rtm_alerts_open | kind, severity | open alerts |
| rtm_plans | status | recovery plans by status (from the store, every 30 s) |
| rtm_plans_overdue | | plans past their due time, not verified |
| rtm_plans_up | | 1 when the last plan count read worked |
| rtm_source_age_seconds | source | since the source's last success (at the scrape) |
| rtm_source_consecutive_failures | source | failed polls since the last success |
| rtm_source_last_success_timestamp_seconds | source | the last success |
| rtm_agent_state, rtm_agent_aux_used_seconds, rtm_agent_adherence_ratio | agent_id (+ team, state, aux_code) | only with `per_agent = true` |

`period` is the monitor's: interval (the current one), shift (the TL shift so far) and
today. The figures of a period are gauges, not counters: they restart with each interval,
shift and day, as on the dashboard. `queue="all"` / `scope="all"` is rtm's own sum over
every queue (channel): filter it out (`queue!="all"`) before summing queues in PromQL.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from prometheus_client import CollectorRegistry, start_http_server
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from rtm_tui.domain.kpi import COUNT_KPIS, DURATION_KPIS, RATE_KPIS, family_of
from rtm_tui.domain.types import (
    AgentRow,
    AgentState,
    AlertKind,
    AttendanceCounts,
    LoginStatus,
    MonitorView,
    Severity,
    Status,
)
from rtm_tui.store.counts import PlanCounts, read_plan_counts

if TYPE_CHECKING:
    from rtm_tui.clock import Clock
    from rtm_tui.config import Settings

PLANS_EVERY_SECONDS = 30.0
# a label whose values come from the platform's data (queues, channels, AUX codes): at most
# this many values; the rest are folded into "other" (counts) or left out (components)
MAX_LABEL_VALUES = 50
OTHER = "other"

STATUS_CODES: Mapping[Status, int] = {
    Status.NO_DATA: -1,
    Status.OK: 0,
    Status.WARNING: 1,
    Status.BREACH: 2,
}
VOICE_COUNTS = ("offered", "answered", "answered_within_sl", "abandoned", "short_abandoned")
VOICE_SECONDS = ("handle_seconds", "talk_seconds", "hold_seconds", "acw_seconds", "answer_wait_seconds")
NONVOICE_COUNTS = ("received", "responded", "handled")
NONVOICE_SECONDS = ("first_response_seconds", "handle_seconds")
# "now" figures the monitor adds to the interval's counts
VOICE_NOW = {"waiting": "rtm_voice_waiting", "longest_wait_seconds": "rtm_voice_longest_wait_seconds"}
NONVOICE_NOW = {
    "waiting": "rtm_nonvoice_waiting",
    "oldest_waiting_seconds": "rtm_nonvoice_oldest_waiting_seconds",
}
ATTENDANCE_FIELDS = tuple(AttendanceCounts.__dataclass_fields__)


def _version() -> str:
    try:
        return metadata.version("rtm-tui")
    except metadata.PackageNotFoundError:
        return "unknown"


# --------------------------------------------------------------------------- snapshot


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What a scrape reads: the latest view and each source's Freshness (both immutable)."""

    view: MonitorView | None = None
    freshness: Mapping[str, Any] = field(default_factory=dict)


class MetricsHub:
    """The latest snapshot and plan counts. `publish` (the event loop) and the plan thread
    each swap one reference; a scrape reads them. No lock: a reference swap is atomic, and
    what is swapped is never changed afterwards."""

    def __init__(self) -> None:
        self.snapshot = Snapshot()
        self.plans: PlanCounts | None = None
        self.plans_ok: bool | None = None  # None: no store, no plan metrics

    def publish(self, view: MonitorView | None, freshness: Mapping[str, Any]) -> None:
        self.snapshot = Snapshot(view, dict(freshness))


# --------------------------------------------------------------------------- collector


def aux_over_limit(row: AgentRow, at: datetime) -> tuple[bool, bool]:
    """(past the current AUX code's limit for one occurrence, AUX used past the shift
    allowance) at `at`: the board's red timer and red AUX-used cells (ui.board)."""
    if row.missing:
        return False, False
    limit = row.aux_limit_each_seconds
    occurrence = (
        row.state == AgentState.AUX
        and bool(limit)
        and (at - row.state_since).total_seconds() > (limit or 0)
    )
    allowance = row.aux_allowance_seconds
    shift = bool(allowance) and row.aux_used_seconds > (allowance or 0)
    return occurrence, shift


def _bounded(counter: Counter[str], limit: int = MAX_LABEL_VALUES) -> dict[str, int]:
    """The `limit - 1` largest values by name, the rest summed into "other"."""
    if len(counter) <= limit:
        return dict(counter)
    kept = dict(counter.most_common(limit - 1))
    kept[OTHER] = kept.get(OTHER, 0) + sum(n for k, n in counter.items() if k not in kept)
    return kept


def _kpi_unit(kpi: str) -> tuple[str, float] | None:
    """(value metric, factor to base units) for a KPI id."""
    if kpi in RATE_KPIS:
        return "rtm_kpi_ratio", 0.01
    if kpi in DURATION_KPIS:
        return "rtm_kpi_seconds", 1.0
    if kpi in COUNT_KPIS:
        return "rtm_kpi_count", 1.0
    return None


class RtmCollector(Collector):
    """Builds every series from the hub's snapshot at scrape time (in the scrape's thread)."""

    def __init__(
        self, hub: MetricsHub, *, site: str, clock: Clock, per_agent: bool = False
    ) -> None:
        self.hub = hub
        self.site = site
        self.clock = clock
        self.per_agent = per_agent
        self.version = _version()

    def _family(self, name: str, doc: str, labels: Iterable[str] = ()) -> GaugeMetricFamily:
        return GaugeMetricFamily(name, doc, labels=["site", *labels])

    def collect(self) -> Iterator[Metric]:
        snap = self.hub.snapshot
        site = self.site
        info = self._family("rtm_info", "rtm-tui is serving metrics (always 1)", ["version"])
        info.add_metric([site, self.version], 1)
        yield info
        yield from self._sources(snap.freshness)
        yield from self._plans()
        view = snap.view
        if view is None:
            return
        stamp = self._family("rtm_view_timestamp_seconds", "When the latest view was folded")
        stamp.add_metric([site], view.now.timestamp())
        yield stamp
        yield from self._kpis(view)
        yield from self._agents(view)
        yield from self._attendance(view.attendance)
        yield from self._alerts(view)
        if self.per_agent:
            yield from self._per_agent(view)

    # ------------------------------------------------------------------ KPIs

    def _kpis(self, view: MonitorView) -> Iterator[Metric]:
        site = self.site
        values = {
            name: self._family(name, doc, ["kpi", "scope", "period"])
            for name, doc in (
                ("rtm_kpi_ratio", "KPI rates (scr, abandon, service_level) as a ratio 0..1"),
                ("rtm_kpi_seconds", "KPI durations (aht, asa, longest_wait, response_time, nv_aht)"),
                ("rtm_kpi_count", "KPI counts (calls_waiting, waiting_list)"),
            )
        }
        status = self._family(
            "rtm_kpi_status",
            "KPI status against its target: -1 no data, 0 ok, 1 warning, 2 breach",
            ["kpi", "scope", "period"],
        )
        target = self._family(
            "rtm_kpi_target",
            "KPI target (level sla or slg) in the unit of the KPI's value metric",
            ["kpi", "scope", "level"],
        )
        voice_names = [f"rtm_voice_{n}" for n in (*VOICE_COUNTS, *VOICE_SECONDS)]
        nonvoice_names = [f"rtm_nonvoice_{n}" for n in (*NONVOICE_COUNTS, *NONVOICE_SECONDS)]
        components: dict[str, GaugeMetricFamily] = {}
        for name in voice_names:
            components[name] = self._family(name, _component_doc(name), ["queue", "period"])
        for name in nonvoice_names:
            components[name] = self._family(name, _component_doc(name), ["channel", "period"])
        for name in VOICE_NOW.values():
            components[name] = self._family(name, _component_doc(name), ["queue"])
        for name in NONVOICE_NOW.values():
            components[name] = self._family(name, _component_doc(name), ["channel"])

        seen_components: set[tuple[str, str, str]] = set()
        seen_targets: set[tuple[str, str]] = set()
        scopes: dict[str, set[str]] = {"voice": set(), "nonvoice": set()}
        for kv in view.kpis:
            family = family_of(kv.kpi)
            unit = _kpi_unit(kv.kpi)
            if family is None or unit is None:
                continue
            known = scopes[family]
            if kv.scope not in known:
                if len(known) >= MAX_LABEL_VALUES:
                    continue
                known.add(kv.scope)
            metric, factor = unit
            labels = [site, kv.kpi, kv.scope, kv.period]
            if kv.value is not None:
                values[metric].add_metric(labels, kv.value * factor)
            status.add_metric(labels, STATUS_CODES.get(kv.status, -1))
            if kv.target is not None and (kv.kpi, kv.scope) not in seen_targets:
                seen_targets.add((kv.kpi, kv.scope))
                for level in ("sla", "slg"):
                    v = getattr(kv.target, level)
                    if v is not None:
                        target.add_metric([site, kv.kpi, kv.scope, level], v * factor)
            key = (family, kv.scope, kv.period)
            if key in seen_components or not kv.counts:
                continue
            seen_components.add(key)
            prefix = "rtm_voice_" if family == "voice" else "rtm_nonvoice_"
            names = (
                (*VOICE_COUNTS, *VOICE_SECONDS)
                if family == "voice"
                else (*NONVOICE_COUNTS, *NONVOICE_SECONDS)
            )
            for n in names:
                if n in kv.counts:
                    components[prefix + n].add_metric(
                        [site, kv.scope, kv.period], float(kv.counts[n])
                    )
            if kv.period == "interval":
                for n, name in (VOICE_NOW if family == "voice" else NONVOICE_NOW).items():
                    if n in kv.counts:
                        components[name].add_metric([site, kv.scope], float(kv.counts[n]))
        yield from values.values()
        yield status
        yield target
        yield from components.values()

    # ------------------------------------------------------------------ agents

    def _agents(self, view: MonitorView) -> Iterator[Metric]:
        site = self.site
        states: Counter[str] = Counter()
        codes: Counter[str] = Counter()
        logins: Counter[str] = Counter()
        missing = occurrence = shift = 0
        for row in view.rows:
            states[row.state.value] += 1
            logins[row.login_status.value] += 1
            if row.missing:
                missing += 1
            if row.state == AgentState.AUX:
                codes[row.aux_code or "unknown"] += 1
            over_each, over_shift = aux_over_limit(row, view.now)
            occurrence += over_each
            shift += over_shift
        by_state = self._family("rtm_agents", "Agents on the board by state", ["state"])
        for state in AgentState:
            by_state.add_metric([site, state.value], states.get(state.value, 0))
        yield by_state
        by_code = self._family("rtm_agents_aux", "Agents in AUX now by AUX code", ["code"])
        for code, n in sorted(_bounded(codes).items()):
            by_code.add_metric([site, code], n)
        yield by_code
        by_login = self._family("rtm_agents_login", "Agents by login status", ["status"])
        for ls in LoginStatus:
            by_login.add_metric([site, ls.value], logins.get(ls.value, 0))
        yield by_login
        gone = self._family("rtm_agents_missing", "Agents gone from the platform's latest list")
        gone.add_metric([site], missing)
        yield gone
        over = self._family(
            "rtm_aux_over_limit_agents",
            "Agents over an AUX limit: occurrence = in AUX past the code's limit now, "
            "shift = AUX used past the shift allowance",
            ["limit"],
        )
        over.add_metric([site, "occurrence"], occurrence)
        over.add_metric([site, "shift"], shift)
        yield over

    def _attendance(self, counts: AttendanceCounts) -> Iterator[Metric]:
        fam = self._family(
            "rtm_attendance_agents", "Attendance against today's roster (the card)", ["status"]
        )
        for name in ATTENDANCE_FIELDS:
            fam.add_metric([self.site, name], getattr(counts, name))
        yield fam

    def _alerts(self, view: MonitorView) -> Iterator[Metric]:
        counts = Counter((a.kind.value, a.severity.value) for a in view.open_alerts)
        fam = self._family("rtm_alerts_open", "Open alerts", ["kind", "severity"])
        for kind in AlertKind:
            for severity in Severity:
                fam.add_metric(
                    [self.site, kind.value, severity.value], counts.get((kind.value, severity.value), 0)
                )
        yield fam

    def _per_agent(self, view: MonitorView) -> Iterator[Metric]:
        site = self.site
        state = self._family(
            "rtm_agent_state", "One agent's state (1)", ["agent_id", "team", "state", "aux_code"]
        )
        used = self._family("rtm_agent_aux_used_seconds", "One agent's AUX today", ["agent_id"])
        adherence = self._family(
            "rtm_agent_adherence_ratio", "One agent's schedule adherence 0..1", ["agent_id"]
        )
        for row in view.rows:
            state.add_metric([site, row.agent_id, row.team, row.state.value, row.aux_code or ""], 1)
            used.add_metric([site, row.agent_id], row.aux_used_seconds)
            if row.adherence is not None:
                adherence.add_metric([site, row.agent_id], row.adherence)
        yield from (state, used, adherence)

    # ------------------------------------------------------------------ sources, plans

    def _sources(self, freshness: Mapping[str, Any]) -> Iterator[Metric]:
        site = self.site
        now = self.clock.now()
        age = self._family(
            "rtm_source_age_seconds", "Seconds since the source's last success", ["source"]
        )
        failures = self._family(
            "rtm_source_consecutive_failures", "Failed polls since the last success", ["source"]
        )
        last = self._family(
            "rtm_source_last_success_timestamp_seconds", "The source's last success", ["source"]
        )
        for source, fr in sorted(freshness.items()):
            failures.add_metric([site, source], getattr(fr, "consecutive_failures", 0))
            success = getattr(fr, "last_success", None)
            if success is not None:
                age.add_metric([site, source], max(0.0, (now - success).total_seconds()))
                last.add_metric([site, source], success.timestamp())
        yield from (age, failures, last)

    def _plans(self) -> Iterator[Metric]:
        ok = self.hub.plans_ok
        if ok is None:
            return
        up = self._family("rtm_plans_up", "1 when the last read of the plan counts worked")
        up.add_metric([self.site], 1 if ok else 0)
        yield up
        plans = self.hub.plans
        if plans is None:
            return
        by_status = self._family("rtm_plans", "Recovery plans by status", ["status"])
        for status, n in sorted(plans.by_status.items()):
            by_status.add_metric([self.site, status], n)
        yield by_status
        overdue = self._family("rtm_plans_overdue", "Plans past their due time, not verified")
        overdue.add_metric([self.site], plans.overdue)
        yield overdue


def _component_doc(name: str) -> str:
    what = name.removeprefix("rtm_").replace("_", " ")
    if name in VOICE_NOW.values() or name in NONVOICE_NOW.values():
        return f"{what}, now"
    return f"{what} in the period (restarts with each interval, shift and day)"


# --------------------------------------------------------------------------- server


class MetricsServer:
    """prometheus_client's HTTP server (its own threads) on a registry holding only the
    RtmCollector, and the thread that reads the plan counts every `plans_every` s."""

    def __init__(
        self,
        hub: MetricsHub,
        host: str,
        port: int,
        *,
        site: str,
        clock: Clock,
        per_agent: bool = False,
        store_path: Path | None = None,
        plans_every: float = PLANS_EVERY_SECONDS,
    ) -> None:
        self.hub = hub
        self.host = host
        self.port = port
        self.clock = clock
        self.store_path = store_path
        self.site = site  # the plans counted are this site's (the store's scope)
        self.plans_every = plans_every
        self.registry = CollectorRegistry(auto_describe=False)
        self.collector = RtmCollector(hub, site=site, clock=clock, per_agent=per_agent)
        self.registry.register(self.collector)
        self._httpd: Any | None = None
        self._stop = threading.Event()
        self._plans_thread: threading.Thread | None = None
        if store_path is not None:
            hub.plans_ok = False

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/metrics"

    def start(self) -> None:
        """Listen (raises OSError: address in use, not an address of this machine)."""
        httpd, _thread = start_http_server(self.port, addr=self.host, registry=self.registry)
        self._httpd = httpd
        self.port = int(httpd.server_port)
        if self.store_path is not None:
            self.refresh_plans()
            self._plans_thread = threading.Thread(
                target=self._plans_loop, name="rtm-metrics-plans", daemon=True
            )
            self._plans_thread.start()

    def stop(self) -> None:
        self._stop.set()
        httpd, self._httpd = self._httpd, None
        if httpd is not None:
            httpd.shutdown()
            httpd.server_close()
        if self._plans_thread is not None:
            self._plans_thread.join(timeout=5)

    def refresh_plans(self) -> None:
        if self.store_path is None:
            return
        try:
            self.hub.plans = read_plan_counts(self.store_path, self.clock.now(), site=self.site)
            self.hub.plans_ok = True
        except Exception:  # a busy, missing or damaged file: rtm_plans_up 0, keep going
            self.hub.plans_ok = False

    def _plans_loop(self) -> None:
        while not self._stop.wait(self.plans_every):
            self.refresh_plans()


def start_metrics(
    settings: Settings, clock: Clock, store_path: Path | None = None
) -> tuple[MetricsServer | None, str | None]:
    """The running metrics server for `[metrics]` (plan counts from the database at
    `store_path`), or (None, None) when off, or (None, why) when it cannot listen."""
    address = settings.metrics.address
    if address is None:
        return None, None
    host, port = address
    server = MetricsServer(
        MetricsHub(),
        host,
        port,
        site=settings.site.name,
        clock=clock,
        per_agent=settings.metrics.per_agent,
        store_path=store_path,
    )
    try:
        server.start()
    except OSError as exc:
        return None, f"metrics: cannot listen on {settings.metrics.listen.strip()}: {exc.strerror or exc}"
    return server, None
