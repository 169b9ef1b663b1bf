"""The live data flow: one poller per source -> ShiftMonitor.apply -> app messages.

    feed = Feed(settings=..., clock=..., client=..., monitor=..., store=...)
    feed.start(app)        # on mount: pollers run as the app's workers
    await feed.stop()      # on exit: saves the monitor state

Each successful fetch folds into the monitor at `clock.now()` and posts `MonitorUpdated`
and `FreshnessChanged`; a failed fetch posts only `FreshnessChanged` (the last good
data stays on screen). The feed also keeps the shift record in the store: new alerts,
KPI values per interval (upserted, so a crash loses at most a minute), observed agent
states and the monitor's restart state.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.message import Message

from rtm_tui.clock import Clock
from rtm_tui.domain.types import (
    AgentsSnapshot,
    MonitorView,
    NonVoiceSnapshot,
    Roster,
    VoiceSnapshot,
)
from rtm_tui.ui.gauges import interval_start
from rtm_tui.ui.messages import FreshnessChanged, MonitorUpdated, RosterChanged

if TYPE_CHECKING:
    from textual.app import App

    from rtm_tui.config import Settings

SOURCES = ("agents", "voice", "nonvoice", "roster")
KPI_RECORD_SECONDS = 60.0  # how often the running interval's KPI values are upserted
STATE_SAVE_SECONDS = 60.0  # how often the monitor's restart state is saved
ROSTER_FILE_CHECK_SECONDS = 2.0  # a roster file is only stat()ed unless it changed


class Feed:
    """Pollers, the monitor and the store, wired to the app by messages."""

    def __init__(
        self,
        *,
        settings: Settings,
        clock: Clock,
        client: Any,
        monitor: Any,
        store: Any | None = None,
        restore_state: bool = True,
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.client = client
        self.monitor = monitor
        self.store = store
        self.tz = settings.tz
        self.last_view: MonitorView | None = None
        self.last_voice: VoiceSnapshot | None = None
        self.last_nonvoice: NonVoiceSnapshot | None = None
        self.roster: Roster | None = None
        self.interval_minutes: int | None = None
        self.store_error: str | None = None
        self._post: Callable[[Message], Any] | None = None
        self._app: App[Any] | None = None
        self._rosters: dict[date, Roster] = {}
        self._yesterday_roster: Roster | None = None
        self._api_yesterday: tuple[date, Roster | None] | None = None
        self._roster_watcher: Any | None = None
        self._kpis_recorded_at: datetime | None = None
        self._kpi_interval: datetime | None = None
        self._state_saved_at: datetime | None = None
        self._recorded_states: dict[str, tuple[Any, ...]] = {}
        # The first agents snapshot waits for the first roster answer (or its failure):
        # observed before the roster, a night shift's logins would be filed under the
        # wrong workday. The monitor itself judges nobody absent before logins are known.
        self._roster_settled = False
        self._pending_agents: AgentsSnapshot | None = None
        self.pollers: dict[str, Any] = self._make_pollers()
        if restore_state:
            self._restore_state()

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
                on_error=lambda error, name=name: self._on_error(name, error),
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

    async def stop(self) -> None:
        view = self.last_view
        if self.store is not None and view is not None:
            # the running interval's latest values, so a restart misses nothing
            minutes = self.interval_minutes or self.settings.staffing.interval_minutes
            local = view.now.astimezone(self.tz)
            self._record_kpis(view, local.date(), interval_start(local, minutes))
        self._save_state(force=True)
        try:
            await self.client.aclose()
        except Exception:  # closing a dead connection is not worth an error on exit
            pass

    def freshness(self) -> dict[str, Any]:
        return {name: p.freshness for name, p in self.pollers.items()}

    def acknowledge(self, key: str) -> None:
        self.monitor.acknowledge(key)
        if self.store is not None:
            self._store_call("acknowledge_alert", key, self.clock.now())

    # ------------------------------------------------------------------ callbacks

    def _on_agents(self, snapshot: AgentsSnapshot) -> None:
        if not self._roster_settled:
            self._pending_agents = snapshot
            self._freshness_changed("agents")
            return
        self._fold_agents(snapshot)

    def _fold_agents(self, snapshot: AgentsSnapshot) -> None:
        self._apply("agents", agents=snapshot)
        if self.store is not None:
            from rtm_tui.store import events_from_snapshot

            # only the states that changed since the last poll: the store would ignore
            # the others anyway, but not for free (1000 agents every 2 s)
            seen = self._recorded_states
            new = [
                e
                for e in events_from_snapshot(snapshot)
                if seen.get(e.agent_id) != (e.at, e.state, e.aux_code)
            ]
            if new and self._store_call("record_agent_events", self._today(), new) is not None:
                seen.update({e.agent_id: (e.at, e.state, e.aux_code) for e in new})

    def _on_voice(self, snapshot: VoiceSnapshot) -> None:
        self.last_voice = snapshot
        self.interval_minutes = snapshot.interval_minutes
        self._apply("voice", voice=snapshot)

    def _on_nonvoice(self, snapshot: NonVoiceSnapshot) -> None:
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
        for roster in fold:
            self._apply("roster", roster=roster)
        if self.store is not None:
            for roster in fold:
                self._store_call("record_roster", roster)
        self._settle_roster()

    def _settle_roster(self) -> None:
        self._roster_settled = True
        pending, self._pending_agents = self._pending_agents, None
        if pending is not None:
            self._fold_agents(pending)

    def _on_error(self, source: str, error: BaseException) -> None:
        self._freshness_changed(source)
        if source == "roster" and not self._roster_settled:
            self._settle_roster()  # no roster for now: show the agents anyway

    def _freshness_changed(self, source: str) -> None:
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

        first = self._roster_watcher is None
        if first:
            self._roster_watcher = RosterFileWatcher(path)
        if first or self._roster_watcher.changed():
            try:
                self._rosters = await asyncio.to_thread(
                    read_roster_file,
                    path,
                    self.settings.shift_definitions(),
                    self.tz,
                    self.settings.roster.sheet or None,
                )
            except Exception as exc:
                self._roster_watcher = None  # try the file again on the next poll
                raise _roster_error(path, exc) from exc
        return self._rosters.get(day) or Roster(day, ())

    # ------------------------------------------------------------------ the shift record

    def _today(self) -> date:
        return self.clock.now().astimezone(self.tz).date()

    def _store_call(self, method: str, *args: Any) -> Any:
        """Call the store; a failure is kept for the header, never raised into a poller."""
        if self.store is None:
            return None
        try:
            result = getattr(self.store, method)(*args)
        except Exception as exc:
            if self.store_error is None and self._app is not None:
                self._app.notify(str(exc), title="Store", severity="error", markup=False)
            self.store_error = str(exc)
            return None
        self.store_error = None
        return result

    def _keep_record(self, view: MonitorView, previous: MonitorView | None) -> None:
        if self.store is None:
            return
        now = view.now
        day = now.astimezone(self.tz).date()
        for alert in view.new_alerts:
            self._store_call("record_alert", day, alert)
        minutes = self.interval_minutes or self.settings.staffing.interval_minutes
        start = interval_start(now.astimezone(self.tz), minutes)
        rolled = self._kpi_interval is not None and start != self._kpi_interval
        due = self._kpis_recorded_at is None or (now - self._kpis_recorded_at) >= timedelta(
            seconds=KPI_RECORD_SECONDS
        )
        if rolled and previous is not None and self._kpi_interval is not None:
            # the closing interval's last values, under its own start
            self._record_kpis(previous, day, self._kpi_interval)
        if due or rolled:
            self._record_kpis(view, day, start)
        self._save_state()

    def _record_kpis(self, view: MonitorView, day: date, start: datetime) -> None:
        interval = [k for k in view.kpis if k.period == "interval"]
        today = [k for k in view.kpis if k.period == "today"]
        if not view.kpis:
            return  # no KPI source has answered yet
        midnight = start.replace(hour=0, minute=0)
        self._store_call("record_interval_kpis", day, start, interval)
        self._store_call("record_interval_kpis", day, midnight, today)
        self._kpis_recorded_at = view.now
        self._kpi_interval = start

    def _save_state(self, force: bool = False) -> None:
        if self.store is None:
            return
        now = self.clock.now()
        if not force and self._state_saved_at is not None:
            if (now - self._state_saved_at).total_seconds() < STATE_SAVE_SECONDS:
                return
        self._state_saved_at = now
        try:
            state = json.dumps(self.monitor.export_state(), separators=(",", ":"))
        except (TypeError, ValueError):
            return
        self._store_call("save_monitor_state", self._today(), state, now)

    def _restore_state(self) -> None:
        """AUX used, first logins and open alerts survive a restart of the app."""
        if self.store is None:
            return
        state = self._store_call("load_monitor_state", self._today())
        if not state:
            return
        try:
            self.monitor.restore_state(json.loads(state))
        except (ValueError, KeyError, TypeError, AttributeError):
            pass  # a state from another version: start fresh rather than fail


def _roster_error(path: Path, exc: Exception) -> Exception:
    """A roster file problem as a source error, so it shows in the header freshness."""
    problems = getattr(exc, "problems", None)
    message = f"{path.name}: {problems[0]}" if problems else f"{path.name}: {exc}"
    if problems and len(problems) > 1:
        message += f" (+{len(problems) - 1} more)"
    try:
        from rtm_tui.sources.client import SourceError

        return SourceError("roster", "contract", message)
    except ImportError:
        return RuntimeError(message)
