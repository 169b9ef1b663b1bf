"""The live data flow: one poller per source -> ShiftMonitor.apply -> app messages.

    feed = Feed(settings=..., clock=..., client=..., monitor=..., store=...)
    feed.start(app)        # on mount: pollers run as the app's workers
    await feed.stop()      # on exit: saves the monitor state

Each successful fetch folds into the monitor at `clock.now()` and posts `MonitorUpdated`
and `FreshnessChanged`; a failed fetch posts only `FreshnessChanged` (the last good
data stays on screen). The feed also keeps the shift record in the store: new alerts,
KPI values per interval (upserted, so a crash loses at most a minute), observed agent
states and the monitor's restart state. Those writes go through `feed.recorder`
(rtm_tui.app.recorder): the callbacks only queue them, one writer thread writes them,
so a slow or locked database never holds the screen; `stop()` drains it. The reads made
at start (the restart state, today's intervals) stay synchronous.

Coverage per interval for the roster view (`feed.coverage`, a `TodayCoverage`): the
need comes from the `[staffing] forecast` file when one is configured (read off the UI
thread, re-read when its mtime changes), otherwise from today's actual calls.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, tzinfo
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from textual.message import Message

from rtm_tui.app import heap
from rtm_tui.app.recorder import Recorder
from rtm_tui.clock import Clock
from rtm_tui.domain.alerts import ExcuseNote
from rtm_tui.domain.coverage import (
    IntervalForecast,
    need_for,
    scheduled_per_interval,
    takes_contacts,
)
from rtm_tui.domain.kpi import NONVOICE_KPIS, VOICE_KPIS, counts_from, family_of
from rtm_tui.domain.monitor import state_dict
from rtm_tui.domain.plan_draft import MIN_PROJECTION_SECONDS
from rtm_tui.domain.skew import ClockSkew, on_our_clock
from rtm_tui.domain.skew import describe as describe_skew
from rtm_tui.domain.types import (
    AgentsSnapshot,
    Alert,
    MonitorView,
    NonVoiceSnapshot,
    Roster,
    RosterEntry,
    StaffingRules,
    VoiceSnapshot,
)
from rtm_tui.ui.i18n import t
from rtm_tui.ui.messages import FreshnessChanged, MonitorUpdated, RosterChanged

if TYPE_CHECKING:
    from textual.app import App

    from rtm_tui.config import Settings
    from rtm_tui.domain.monitor import ShiftMonitor
    from rtm_tui.sources.roster_files import RosterFileWatcher
    from rtm_tui.store.sqlite_store import Store

_T = TypeVar("_T")


SOURCES = ("agents", "voice", "nonvoice", "roster")
KPI_RECORD_SECONDS = 60.0  # how often the running interval's KPI values are upserted
STATE_SAVE_SECONDS = 60.0  # how often the monitor's restart state is saved
ROSTER_FILE_CHECK_SECONDS = 2.0  # a roster file is only stat()ed unless it changed
FORECAST_CHECK_SECONDS = 2.0  # the forecast file likewise
PROJECTION_REFRESH_SECONDS = 60.0  # the running interval's projected need, at most this often


@dataclass(frozen=True, slots=True)
class CoverageRow:
    """One interval of the roster view's coverage table."""

    start: datetime
    end: datetime
    needed: int | None  # agents to schedule (Erlang C, then shrinkage); None = not known
    scheduled: float | None  # on shift and not on a break, time-weighted; None = no roster
    calls: float | None = None  # the demand behind `needed` (forecast, actual or projected)
    aht_seconds: float | None = None
    logged_in: int | None = None  # None: the view counts the running interval's from the agents


class ForecastChanged(Message):
    """The forecast file was (re)read: the coverage's need may have changed."""


_Counts = tuple[float, float, float]  # offered, answered, handle seconds


class TodayCoverage:
    """Needed and scheduled agents per interval of today, for the roster view.

    Needed: from the forecast when one is loaded; otherwise from actual calls: a closed
    interval's offered calls and AHT (the store's interval KPIs from before the app
    started, then the voice snapshots seen), and the running interval's calls so far
    projected to a full interval (after its first 5 minutes, like the plan form's
    Erlang C suggestion). Future intervals without a forecast have no need.

    `rows(now)` is cheap to call on every poll: the table is rebuilt only when the
    roster, the forecast, the interval or the voice interval changes, and the running
    interval's projection at most once a minute.
    """

    def __init__(self, rules: StaffingRules, tz: tzinfo, store: Any | None = None) -> None:
        self.rules = rules
        self.tz = tz
        self.store = store
        self.forecast: Mapping[date, tuple[IntervalForecast, ...]] | None = None
        # each queue's own forecast per date (a file with a `queue` column); empty: none
        self.queue_forecast: Mapping[date, Mapping[str, tuple[IntervalForecast, ...]]] = {}
        self._entries: tuple[RosterEntry, ...] | None = None  # None = no roster yet
        self._version = 0  # a new roster or forecast
        self._roster_version = 0
        self._scheduled: tuple[tuple[Any, ...], list[float] | None] | None = None
        self._seen: dict[datetime, _Counts] = {}  # per interval start, last seen
        self._running: tuple[datetime, datetime] | None = None  # (interval start, as of)
        self._voice_minutes: int | None = None
        self._today_aht: float | None = None
        self._stored: tuple[date, dict[datetime, _Counts]] | None = None
        self._table: tuple[tuple[Any, ...], list[CoverageRow]] | None = None
        self._projection: tuple[tuple[Any, ...], CoverageRow] | None = None
        self.table_builds = 0  # full table computations so far (tests, benchmarks)

    # ------------------------------------------------------------------ inputs

    def set_rosters(self, today: Roster | None, yesterday: Roster | None) -> None:
        """Today's roster and yesterday's (its overnight shifts still cover the morning)."""
        entries: list[RosterEntry] = []
        for roster in (yesterday, today):
            if roster is not None:
                entries.extend(e for e in roster.entries if takes_contacts(e))
        known = today is not None or yesterday is not None
        self._entries = tuple(entries) if known else None
        self._version += 1
        self._roster_version += 1

    def set_forecast(
        self,
        forecast: Mapping[date, tuple[IntervalForecast, ...]] | None,
        queues: Mapping[date, Mapping[str, tuple[IntervalForecast, ...]]] | None = None,
    ) -> None:
        """The all-queues forecast and, when the file has them, each queue's own."""
        self.forecast = forecast
        self.queue_forecast = queues or {}
        self._version += 1

    def note_voice(self, snapshot: VoiceSnapshot) -> None:
        """Keep the running interval's counts (a dict write per voice poll)."""
        queues = snapshot.queues
        if not queues:
            return
        start = max(q.interval_start for q in queues)
        self._seen[start] = (
            float(sum(q.interval.offered for q in queues)),
            float(sum(q.interval.answered for q in queues)),
            float(sum(q.interval.handle_seconds for q in queues)),
        )
        answered = sum(q.today.answered for q in queues)
        handle = sum(q.today.handle_seconds for q in queues)
        if answered > 0 and handle > 0:
            self._today_aht = handle / answered
        self._running = (start, snapshot.as_of)
        self._voice_minutes = snapshot.interval_minutes

    # ------------------------------------------------------------------ output

    def source(self, day: date) -> str:
        """What "needed" means today: "forecast", "forecast_none" (no intervals for
        today in the file) or "actual" (actual calls)."""
        if self.forecast is None:
            return "actual"
        return "forecast" if self.forecast.get(day) else "forecast_none"

    def minutes(self) -> int:
        if self.forecast is None and self._voice_minutes:
            return self._voice_minutes  # the platform's intervals, as the calls are counted
        return self.rules.interval_minutes

    def rows(self, now: datetime) -> tuple[str, list[CoverageRow]]:
        """(source, the day's intervals from the first to the last with anything in it)."""
        local = now.astimezone(self.tz)
        day = local.date()
        minutes = self.minutes()
        source = self.source(day)
        minute_of_day = (local.hour * 60 + local.minute) // minutes * minutes
        current = datetime.combine(day, time(minute_of_day // 60, minute_of_day % 60), self.tz)
        running = self._running[0] if self._running else None
        key = (day, current, minutes, source, self._version, running)
        if self._table is None or self._table[0] != key:
            self._table = (key, self._build(day, current, minutes, source))
            self.table_builds += 1
        rows = self._table[1]
        if source == "actual":
            rows = [self._projected(r) if r.start == current else r for r in rows]
        return source, _trimmed(rows, current)

    # ------------------------------------------------------------------ internals

    def _build(self, day: date, current: datetime, minutes: int, source: str) -> list[CoverageRow]:
        rules = replace(self.rules, interval_minutes=minutes)
        step = timedelta(minutes=minutes)
        starts = [
            datetime.combine(day, time(m // 60, m % 60), self.tz) for m in range(0, 1440, minutes)
        ]
        scheduled_key = (self._roster_version, day, minutes)
        if self._scheduled is None or self._scheduled[0] != scheduled_key:
            # the roster changes far less often than the interval: keep this part
            self._scheduled = (scheduled_key, self._scheduled_per_interval(starts, step))
        scheduled_in = self._scheduled[1]
        forecast = {f.start: f for f in (self.forecast or {}).get(day, ())}
        past = self._past(day) if source == "actual" else {}
        rows = []
        for i, start in enumerate(starts):
            end = start + step
            scheduled = None if scheduled_in is None else scheduled_in[i]
            needed = calls = aht = None
            if source != "actual":
                f = forecast.get(start)
                if f is not None:
                    needed = need_for(f.calls, f.aht_seconds, rules).scheduled
                    calls, aht = f.calls, f.aht_seconds
            elif start < current and start in past:
                needed, calls, aht = self._actual_need(past[start], rules)
            rows.append(CoverageRow(start, end, needed, scheduled, calls, aht))
        return rows

    def _scheduled_per_interval(
        self, starts: list[datetime], step: timedelta
    ) -> list[float] | None:
        """`staffed_in(...)[0]` for every interval at once: each shift visits only the
        intervals it overlaps, on plain timestamps (2,000 agents: a few ms, not 0.5 s)."""
        if self._entries is None:
            return None
        return scheduled_per_interval(self._entries, starts, step)

    def _past(self, day: date) -> dict[datetime, _Counts]:
        """Closed intervals' counts: the store's (read once a day), then those seen live."""
        if self._stored is None or self._stored[0] != day:
            self._seen = {
                k: v for k, v in self._seen.items() if k.astimezone(self.tz).date() == day
            }
            self._stored = (day, self._read_store(day))
        return {**self._stored[1], **self._seen}

    def _read_store(self, day: date) -> dict[datetime, _Counts]:
        if self.store is None:
            return {}
        try:
            records = self.store.interval_kpis(day=day, period="interval", scope="all")
        except Exception:  # a busy or broken store: the live counts still serve
            return {}
        out: dict[datetime, _Counts] = {}
        for r in records:
            c = r.counts
            if "offered" in c:  # a voice KPI (every voice KPI carries the same counts)
                out[r.period_start] = (
                    float(c["offered"]),
                    float(c.get("answered", 0)),
                    float(c.get("handle_seconds", 0)),
                )
        return out

    def _actual_need(
        self, counts: _Counts, rules: StaffingRules
    ) -> tuple[int | None, float, float | None]:
        offered, answered, handle = counts
        if offered <= 0:
            return 0, offered, None
        # no call answered yet in that interval: today's AHT is the best guess
        aht = handle / answered if answered > 0 and handle > 0 else self._today_aht
        if aht is None:
            return None, offered, None
        return need_for(offered, aht, rules).scheduled, offered, aht

    def _projected(self, row: CoverageRow) -> CoverageRow:
        """The running interval with its calls so far projected to the full interval."""
        if self._running is None or self._running[0] != row.start or row.start not in self._seen:
            return row
        elapsed = (self._running[1] - row.start).total_seconds()
        length = (row.end - row.start).total_seconds()
        if elapsed < MIN_PROJECTION_SECONDS:
            return row  # too early: a few calls would project to nonsense
        key = (row, int(elapsed // PROJECTION_REFRESH_SECONDS))
        if self._projection is not None and self._projection[0] == key:
            return self._projection[1]
        offered, answered, handle = self._seen[row.start]
        projected = (offered * length / min(elapsed, length), answered, handle)
        rules = replace(self.rules, interval_minutes=int(length // 60))
        needed, calls, aht = self._actual_need(projected, rules)
        out = replace(row, needed=needed, calls=calls, aht_seconds=aht)
        self._projection = (key, out)
        return out


def _trimmed(rows: list[CoverageRow], current: datetime) -> list[CoverageRow]:
    """From the first to the last interval with a need, staff on shift, or now."""
    busy = [
        i
        for i, r in enumerate(rows)
        if (r.scheduled or 0) > 0 or (r.needed or 0) > 0 or r.start == current
    ]
    return rows[busy[0] : busy[-1] + 1] if busy else []


class Feed:
    """Pollers, the monitor and the store, wired to the app by messages."""

    def __init__(
        self,
        *,
        settings: Settings,
        clock: Clock,
        client: Any,
        monitor: ShiftMonitor,
        store: Store | None = None,
        restore_state: bool = True,
    ) -> None:
        heap.tune()  # a poll's garbage must not set off full collections (app/heap.py)
        self.settings = settings
        self.clock = clock
        self.client = client
        self.monitor = monitor
        self.store = store
        # every shift-record write, off the event loop; its outcome comes back in
        # `_recorded`, on the loop (store_error and one toast, as `_store_read`)
        self.recorder: Recorder | None = (
            None if store is None else Recorder(store, report=self._recorded)
        )
        self.tz = settings.tz
        self.last_view: MonitorView | None = None
        self.last_voice: VoiceSnapshot | None = None
        self.last_nonvoice: NonVoiceSnapshot | None = None
        self.last_agents: AgentsSnapshot | None = None  # who takes which channel (outlook)
        self.roster: Roster | None = None
        self.interval_minutes: int | None = None
        self.store_error: str | None = None
        self._post: Callable[[Message], Any] | None = None
        self._app: App[Any] | None = None
        self._rosters: dict[date, Roster] = {}
        self._yesterday_roster: Roster | None = None
        self._api_yesterday: tuple[date, Roster | None] | None = None
        self._roster_watcher: RosterFileWatcher | None = None
        self._roster_failure: Exception | None = None  # why the unchanged file is unusable
        self._kpis_recorded_at: datetime | None = None
        self._kpi_intervals: dict[str, datetime] = {}  # per source, the interval last recorded
        self._state_saved_at: datetime | None = None
        # The first agents snapshot waits for the first roster answer (or its failure):
        # observed before the roster, a night shift's logins would be filed under the
        # wrong workday. The monitor itself judges nobody absent before logins are known.
        self._roster_settled = False
        self._pending_agents: AgentsSnapshot | None = None
        self.coverage = TodayCoverage(settings.staffing_rules(), self.tz, store)
        self.forecast_error: str | None = None
        self.skew = ClockSkew()
        self._down_since: dict[str, datetime] = {}  # per source failing now: its last good data
        self.outages: list[tuple[str, datetime, datetime]] = []  # (source, down from, back at)
        self.pollers: dict[str, Any] = self._make_pollers()
        if restore_state:
            self._restore_state()
            self._seed_intervals()

    # ------------------------------------------------------------------ pollers

    def _make_pollers(self) -> dict[str, Any]:
        from rtm_tui.sources.pollers import Poller

        polling = self.settings.polling
        specs: dict[str, tuple[Callable[[], Any], float, Callable[[Any], None]]] = {
            "agents": (self.client.fetch_agents, polling.agents_seconds, self._on_agents),
            "voice": (self.client.fetch_voice, polling.voice_seconds, self._on_voice),
            "nonvoice": (self.client.fetch_nonvoice, polling.nonvoice_seconds, self._on_nonvoice),
            "roster": (self._fetch_roster, self._roster_interval(), self._on_roster),
        }
        pollers = {}
        for name, (fetch, interval, on_data) in specs.items():
            pollers[name] = Poller(
                name,
                fetch,
                interval,
                on_data,
                on_error=partial(self._on_error, name),
                clock=self.clock,
            )
        return pollers

    def _roster_interval(self) -> float:
        # a file is cheap to check (mtime): look often so an edit shows within seconds
        if self._roster_file() is not None:
            return min(ROSTER_FILE_CHECK_SECONDS, self.settings.polling.roster_seconds)
        return self.settings.polling.roster_seconds

    def attach(self, app: App[Any]) -> None:
        """Messages (and store errors, as toasts) go to `app` from now on."""
        self._app = app
        self._post = app.post_message

    def start(self, app: App[Any]) -> None:
        """Run every poller as a worker of `app`; messages go to the app."""
        self.attach(app)
        for name, poller in self.pollers.items():
            app.run_worker(poller.run(), name=f"poll-{name}", group="feed", exit_on_error=False)
        path = self._forecast_file()
        if path is not None:
            app.run_worker(
                self._watch_forecast(path), name="forecast", group="feed", exit_on_error=False
            )

    async def stop(self) -> None:
        view = self.last_view
        if self.store is not None and view is not None:
            # the running interval's latest values, so a restart misses nothing
            self._record_kpis(view, self._api_intervals())
        self._save_state(force=True)
        if self.recorder is not None:
            await self.recorder.stop()  # bounded: a locked database cannot hold the exit
        try:
            await self.client.aclose()
        except Exception:  # closing a dead connection is not worth an error on exit
            pass

    def freshness(self) -> dict[str, Any]:
        return {name: p.freshness for name, p in self.pollers.items()}

    # ------------------------------------------------------------------ the TL's alert steps
    # Each goes to the monitor at `clock.now()`, and what changed to the shift record.

    @property
    def tl_name(self) -> str:
        return self.settings.site.tl_name

    def _record_alerts(self, alerts: Any) -> None:
        if self.recorder is None:
            return
        for alert in alerts:
            if alert is not None:
                self.recorder.record_alert(self._today(), alert)

    def acknowledge(self, key: str) -> Alert | None:
        alert = self.monitor.acknowledge(key, self.tl_name, self.clock.now())
        self._record_alerts([alert])
        return alert

    def acknowledge_all(self, keys: Iterable[str]) -> list[Alert]:
        done = self.monitor.acknowledge_all(keys, self.tl_name, self.clock.now())
        self._record_alerts(done)
        return done

    def snooze(self, key: str, minutes: float, reason: str) -> Alert | None:
        alert = self.monitor.snooze(key, minutes, reason, self.tl_name, self.clock.now())
        self._record_alerts([alert])
        return alert

    def unsnooze(self, key: str) -> Alert | None:
        alert = self.monitor.unsnooze(key, self.tl_name, self.clock.now())
        self._record_alerts([alert])
        return alert

    def excuse(
        self, agent_id: str, start: datetime, end: datetime, reason: str,
        alert_key: str | None = None,
    ) -> ExcuseNote:
        """Excuse an agent's period; its alerts resolve (recorded) and the row is judged
        again at once."""
        now = self.clock.now()
        note = self.monitor.excuse(agent_id, start, end, reason, self.tl_name, now, alert_key)
        self._after_excuse(note)
        return note

    def neutral_window(self, start: datetime, end: datetime, reason: str) -> ExcuseNote:
        note = self.monitor.neutral_window(start, end, reason, self.tl_name, self.clock.now())
        self._after_excuse(note)
        return note

    def _after_excuse(self, note: ExcuseNote) -> None:
        if self.recorder is not None:
            self.recorder.record_excuse(self._today(), note)
        self._apply_now()

    def _apply_now(self) -> None:
        """A view now, with nothing new polled (after a TL's step changed the judgement)."""
        view = self.monitor.apply(self.clock.now())
        previous, self.last_view = self.last_view, view
        self._send(MonitorUpdated(view, self.interval_minutes))
        self._keep_record(view, previous)

    def last_outage(self) -> tuple[str, datetime, datetime] | None:
        """The latest window a source was down (source, from its last good data, to the
        data again), from the pollers' freshness: what a neutral window covers."""
        return self.outages[-1] if self.outages else None

    # ------------------------------------------------------------------ callbacks

    def _note_skew(self, as_of: datetime) -> None:
        """Each response's `as_of` against our clock; a change is said once (a toast) and
        stays in the header while it lasts."""
        if self.skew.observe(as_of, self.clock.now()) and self._app is not None:
            offset = self.skew.offset
            if offset:
                message = t("skew.detected", skew=describe_skew(offset))
                self._app.notify(message, title=t("skew.title"), severity="warning")
            else:
                self._app.notify(t("skew.gone"), title=t("skew.title"))

    def _on_agents(self, snapshot: AgentsSnapshot) -> None:
        self._note_skew(snapshot.as_of)
        # timers, logins and AUX are measured on one clock: ours
        snapshot = on_our_clock(snapshot, self.skew.offset)
        if not self._roster_settled:
            self._pending_agents = snapshot
            self._freshness_changed("agents")
            return
        self._fold_agents(snapshot)

    def _fold_agents(self, snapshot: AgentsSnapshot) -> None:
        self.last_agents = snapshot
        self._apply("agents", agents=snapshot)
        heap.settle()  # the first fold made the heap of the shift: collections skip it
        if self.recorder is not None:
            # the writer thread turns it into the states that changed since the last poll
            self.recorder.record_agents(self._today(), snapshot)

    def _on_voice(self, snapshot: VoiceSnapshot) -> None:
        self._note_skew(snapshot.as_of)
        self.last_voice = snapshot
        self.interval_minutes = snapshot.interval_minutes
        self.coverage.note_voice(snapshot)
        self._apply("voice", voice=snapshot)

    def _on_nonvoice(self, snapshot: NonVoiceSnapshot) -> None:
        self._note_skew(snapshot.as_of)
        self.last_nonvoice = snapshot
        if self.interval_minutes is None:
            self.interval_minutes = snapshot.interval_minutes
        self._apply("nonvoice", nonvoice=snapshot)

    def _on_roster(self, rosters: tuple[Roster | None, Roster]) -> None:
        yesterday, today = rosters
        if today == self.roster and yesterday == self._yesterday_roster:
            self._freshness_changed("roster")
            return  # unchanged file or API answer: nothing to fold
        self.roster = today
        self._send(RosterChanged(today))
        fold: list[Roster] = []
        if yesterday is not None and yesterday != self._yesterday_roster:
            # overnight shifts that started yesterday still run: the monitor keeps both
            self._yesterday_roster = yesterday
            fold.append(yesterday)
        fold.append(today)
        self.coverage.set_rosters(today, self._yesterday_roster)
        for roster in fold:
            self._apply("roster", roster=roster)
        if self.recorder is not None:
            for roster in fold:
                self.recorder.record_roster(roster)
        self._settle_roster()

    def _settle_roster(self) -> None:
        self._roster_settled = True
        pending, self._pending_agents = self._pending_agents, None
        if pending is not None:
            self._fold_agents(pending)

    def _on_error(self, source: str, error: BaseException) -> None:
        if source != "roster" and source not in self._down_since:
            fresh = self.pollers[source].freshness
            self._down_since[source] = fresh.last_success or self.clock.now()
        self._freshness_changed(source)
        if source == "roster" and not self._roster_settled:
            self._settle_roster()  # no roster for now: show the agents anyway

    def _freshness_changed(self, source: str) -> None:
        down = self._down_since.get(source)
        if down is not None and not self.pollers[source].freshness.consecutive_failures:
            del self._down_since[source]
            self.outages.append((source, down, self.clock.now()))
        self._send(FreshnessChanged(source, self.pollers[source].freshness))

    def _send(self, message: Message) -> None:
        if self._post is not None:
            self._post(message)

    def _apply(self, source: str, **snapshots: Any) -> None:
        now = self.clock.now()
        view = self.monitor.apply(now, **snapshots)
        previous, self.last_view = self.last_view, view
        self._send(MonitorUpdated(view, self.interval_minutes))
        self._freshness_changed(source)
        self._keep_record(view, previous)

    # ------------------------------------------------------------------ roster

    def _roster_file(self) -> Path | None:
        source = self.settings.roster.source.strip()
        return None if source in ("", "api") else Path(source).expanduser()

    async def _fetch_roster(self) -> tuple[Roster | None, Roster]:
        """(yesterday's roster if known, today's): the poller's one fetch."""
        day = self.clock.now().astimezone(self.tz).date()
        yesterday = day - timedelta(days=1)
        path = self._roster_file()
        if path is not None:
            today_roster = await self._read_roster_file(path, day)
            return self._rosters.get(yesterday), today_roster
        today_roster = await self.client.fetch_roster(day, self.tz)
        if self._api_yesterday is None or self._api_yesterday[0] != yesterday:
            # once a day; a platform without past rosters just has no overnight carry-over
            try:
                old: Roster | None = await self.client.fetch_roster(yesterday, self.tz)
            except Exception:
                old = None
            self._api_yesterday = (yesterday, old)
        return self._api_yesterday[1], today_roster

    async def _read_roster_file(self, path: Path, day: date) -> Roster:
        from rtm_tui.sources.roster_files import RosterFileWatcher, read_roster_file

        watcher = self._roster_watcher
        first = watcher is None
        if watcher is None:
            watcher = self._roster_watcher = RosterFileWatcher(path)
        if first or watcher.changed():
            try:
                self._rosters = await asyncio.to_thread(
                    read_roster_file,
                    path,
                    self.settings.shift_definitions(),
                    self.tz,
                    self.settings.roster.sheet or None,
                )
            except Exception as exc:
                # The watcher stays: the file is read again only once its (mtime, size)
                # changes. Reading a huge or broken file again every poll kept a core busy.
                # Kept without its traceback, which would hold the read's frames.
                self._roster_failure = exc.with_traceback(None)
                raise _roster_error(path, exc) from None
            self._roster_failure = None
        elif self._roster_failure is not None:
            raise _roster_error(path, self._roster_failure)  # unchanged: still broken
        return self._rosters.get(day) or Roster(day, ())

    # ------------------------------------------------------------------ forecast

    def _forecast_file(self) -> Path | None:
        source = self.settings.staffing.forecast.strip()
        return Path(source).expanduser() if source else None

    async def _watch_forecast(self, path: Path) -> None:
        """Read the forecast now and again whenever the file changes (mtime or size)."""
        from rtm_tui.sources.roster_files import RosterFileWatcher

        watcher = RosterFileWatcher(path)  # made before the first read: no edit is missed
        await self.load_forecast(path)
        while True:
            await asyncio.sleep(FORECAST_CHECK_SECONDS)
            if watcher.changed():
                await self.load_forecast(path)

    async def load_forecast(self, path: Path) -> bool:
        """Read `path` off the UI thread; a bad file keeps the last good forecast and
        says why once (a toast), until the file changes."""
        from rtm_tui.sources.forecast_files import read_forecast

        try:
            forecast = await asyncio.to_thread(
                read_forecast, path, self.tz, self.settings.staffing.interval_minutes
            )
        except Exception as exc:
            message = _file_problem(path, exc)
            if message != self.forecast_error and self._app is not None:
                self._app.notify(
                    message, title=t("toast.forecast"), severity="error", markup=False
                )
            self.forecast_error = message
            return False
        self.forecast_error = None
        self.coverage.set_forecast(forecast.days, forecast.queues)
        self._send(ForecastChanged())
        return True

    # ------------------------------------------------------------------ the shift record

    def _today(self) -> date:
        return self.clock.now().astimezone(self.tz).date()

    def _store_read(self, read: Callable[[Store], _T]) -> _T | None:
        """Read the store now (the reads at start); a failure is kept for the header,
        never raised into a poller. Writes go through the recorder instead."""
        if self.store is None:
            return None
        try:
            result = read(self.store)
        except Exception as exc:
            self._recorded(str(exc))
            return None
        self._recorded(None)
        return result

    def _recorded(self, error: str | None) -> None:
        """A store call's or a recorder flush's outcome: an error is kept for the header
        and said once (a toast) until a write succeeds again."""
        if error is not None and self.store_error is None and self._app is not None:
            self._app.notify(error, title=t("toast.store"), severity="error", markup=False)
        self.store_error = error

    def _keep_record(self, view: MonitorView, previous: MonitorView | None) -> None:
        if self.recorder is None:
            return
        now = view.now
        day = now.astimezone(self.tz).date()
        for alert in view.changed_alerts:  # raised, escalated, resolved... (the lifecycle)
            self.recorder.record_alert(day, alert)
        starts = self._api_intervals()
        rolled = {
            source: old
            for source, old in self._kpi_intervals.items()
            if source in starts and starts[source] != old
        }
        due = self._kpis_recorded_at is None or (now - self._kpis_recorded_at) >= timedelta(
            seconds=KPI_RECORD_SECONDS
        )
        if rolled and previous is not None:
            # the closing interval's last values, under its own start
            self._record_kpis(previous, rolled)
        if due or rolled:
            self._record_kpis(view, starts)
        self._save_state()

    def _api_intervals(self) -> dict[str, datetime]:
        """Per KPI source, the running interval's start as the platform sends it (local
        time). The record is keyed by it, not by our clock: with the platform's clock a
        few seconds ahead, our clock would file the next interval's first seconds under
        the one before."""
        starts: dict[str, datetime] = {}
        if self.last_voice is not None and self.last_voice.queues:
            start = max(q.interval_start for q in self.last_voice.queues)
            starts["voice"] = start.astimezone(self.tz)
        if self.last_nonvoice is not None and self.last_nonvoice.channels:
            start = max(c.interval_start for c in self.last_nonvoice.channels)
            starts["nonvoice"] = start.astimezone(self.tz)
        return starts

    def _record_kpis(self, view: MonitorView, starts: Mapping[str, datetime]) -> None:
        if not view.kpis or self.recorder is None:
            return  # no KPI source has answered yet
        for source, start in starts.items():
            names = VOICE_KPIS if source == "voice" else NONVOICE_KPIS
            mine = [k for k in view.kpis if k.kpi in names]
            if not mine:
                continue
            day = start.date()
            midnight = start.replace(hour=0, minute=0, second=0, microsecond=0)
            interval = [k for k in mine if k.period == "interval"]
            today = [k for k in mine if k.period == "today"]
            self.recorder.record_interval_kpis(day, start, interval)
            self.recorder.record_interval_kpis(day, midnight, today)
            self._kpi_intervals[source] = start
        self._kpis_recorded_at = view.now

    def _save_state(self, force: bool = False) -> None:
        if self.recorder is None:
            return
        now = self.clock.now()
        if not force and self._state_saved_at is not None:
            if (now - self._state_saved_at).total_seconds() < STATE_SAVE_SECONDS:
                return
        self._state_saved_at = now
        # a copy is taken here, on the loop (the monitor moves on with the next poll); the
        # recorder makes it plain data, serialises and writes it on its thread
        snapshot = self.monitor.snapshot_state()
        self.recorder.save_monitor_state(self._today(), partial(state_dict, snapshot), now)

    def _seed_intervals(self) -> None:
        """Today's recorded intervals back into the monitor: restarted mid-shift, the TL
        shift's figures still count from the shift's start."""
        today = self._today()
        records = self._store_read(lambda store: store.interval_kpis(today, period="interval"))
        seen: set[tuple[str, str, datetime]] = set()
        for r in records or ():
            family = family_of(r.kpi)
            key = (family or "", r.scope, r.period_start)
            if family is None or not r.counts or key in seen:
                continue  # every KPI of one interval and scope carries the same counts
            seen.add(key)
            self.monitor.seed_interval(family, r.scope, r.period_start, counts_from(family, r.counts))

    def _restore_state(self) -> None:
        """AUX used, first logins and open alerts survive a restart of the app."""
        if self.store is None:
            return
        today = self._today()
        state = self._store_read(lambda store: store.load_monitor_state(today))
        if not state:
            return
        try:
            self.monitor.restore_state(json.loads(state))
        except (ValueError, KeyError, TypeError, AttributeError):
            pass  # a state from another version: start fresh rather than fail


def _file_problem(path: Path, exc: Exception) -> str:
    """The first problem of a roster or forecast file, and how many more there are."""
    problems = getattr(exc, "problems", None)
    message = f"{path.name}: {problems[0]}" if problems else f"{path.name}: {exc}"
    if problems and len(problems) > 1:
        message += t("file.more", count=len(problems) - 1)
    return message


def _roster_error(path: Path, exc: Exception) -> Exception:
    """A roster file problem as a source error, so it shows in the header freshness."""
    message = _file_problem(path, exc)
    try:
        from rtm_tui.sources.client import SourceError

        return SourceError("roster", "contract", message)
    except ImportError:
        return RuntimeError(message)
