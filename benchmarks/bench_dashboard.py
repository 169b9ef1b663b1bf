"""Agent board benchmark: the Line-API AgentBoard against a naive DataTable board.

    python benchmarks/bench_dashboard.py                 # 2,000 agents, 60 s steady phase
    python benchmarks/bench_dashboard.py --agents 5000 --seconds 20

Each board runs in its own child process (so RSS and caches of one never colour the
other) inside a headless Textual app. A frame counts as "on screen" when the compositor
update is done and encoded to terminal bytes (headless Textual skips the encoding; this
script does it, so the figures include it).

Figures:
- first paint: App() constructed -> first frame showing the rows
- CPU per 1 Hz tick: process CPU time of `tick(now)` + the frame it causes (median, p95);
  the garbage collector runs before each timed step, so the feed's garbage is not counted
- poll-to-screen: `update_rows(rows)` called -> frame done (p95); new row objects every
  poll, ~2 % of agents change state per poll and AUX timers move
- steady CPU: real-time loop (1 Hz tick, poll every --poll-seconds) over --seconds,
  process CPU / wall time, in % of one core; rows are prepared before the loop
- with the store: the real Feed (simulator over ASGI, ShiftMonitor, the SQLite shift
  record in a temp file) for --store-polls agent polls 2 s apart (voice every 5 s,
  non-voice every 10 s, as the default settings; KPI upserts and the monitor state once
  a simulated minute). Each poll's data is fetched first (not timed); then the poller's
  callback runs and the frame it causes is awaited: poll-to-screen p50/p99, the
  callback's own time on the loop (p50, max) and the longest event-loop stall (a 5 ms
  sleeper's lateness, measured from the callback to 0.2 s after its frame, so writes
  done after the frame count too), and the time spent in garbage collections (the
  harness collects nothing in this phase: the app's own settings, app/heap.py, run).
  `feed.stop()` is timed as "stop". The floor column
  runs the same feed and store with a no-op board: its figure is the data flow's cost
  without the board's rendering.
- RSS growth: a --shift-hours shift fed on an accelerated clock (one poll per
  --shift-poll-seconds of simulated time, a frame after each), RSS before/after, with
  agent churn (2 % of the ids replaced each simulated hour)

Rows come from the real pipeline by default (`--source sim`: the in-process simulator,
the Omnichannel client over ASGI, ShiftMonitor), made before each timed step, so their
cost is not in the figures; `--source synthetic` builds them here instead, as new objects
every poll (the worst case for the board's diff). The "Textual floor" column is a Line-API
widget that does no work of its own but repaints the same regions: what Textual itself
costs. Its RSS growth is the feed's own (simulator, monitor), to subtract from the others.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from rich.segment import Segment
from rich.text import Text
from textual._compositor import ChopsUpdate, LayoutUpdate
from textual.app import App, ComposeResult
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import DataTable

from rtm_tui.domain.format import fmt_duration, fmt_percent
from rtm_tui.domain.types import AgentRow, AgentState, LoginStatus
from rtm_tui.ui.board import (
    HEADER_LINES,
    AgentBoard,
    fmt_minutes,
    login_label,
    state_label,
    timer_level,
)

WIB = timezone(timedelta(hours=7))
START = datetime(2025, 3, 3, 7, 0, tzinfo=WIB)
AUX_CODES = ("TOILET", "SHOLAT", "BRIEFING", "COACHING", "ISTIRAHAT", "SYSTEM")
AUX_LIMITS = {"TOILET": 600, "SHOLAT": 900, "ISTIRAHAT": 3600}
TARGETS = {
    "first_paint_s": 1.0,
    "tick_cpu_ms": 4.0,
    "poll_p95_ms": 50.0,
    "store_poll_p99_ms": 50.0,
    "store_stall_max_ms": 100.0,
    "shift_frame_max_ms": 100.0,
    "steady_cpu_pct": 5.0,
    "rss_growth_mb": 10.0,
}

# --------------------------------------------------------------------------- rows


@dataclass(slots=True)
class _Agent:
    agent_id: str
    name: str
    team: str
    login_status: LoginStatus
    state: AgentState
    state_since: datetime
    aux_code: str | None = None
    aux_closed: float = 0.0
    adherence: float = 1.0
    row: AgentRow | None = field(default=None, repr=False)
    dirty: bool = True


class AgentFeed:
    """Agents moving between states like a contact center floor, on any clock."""

    MEAN_STATE_SECONDS = 100.0  # ~2 % of agents change state in a 2 s poll

    def __init__(self, count: int, seed: int = 7) -> None:
        self.random = random.Random(seed)
        self.serial = 0
        self.now = START
        self.agents = [self._new_agent() for _ in range(count)]

    def _new_agent(self) -> _Agent:
        rnd = self.random
        self.serial += 1
        i = self.serial
        status = rnd.choices(
            list(LoginStatus)[:7],
            weights=[85, 5, 2, 3, 1, 1, 3],  # on time, late, not yet in, absent, early out...
        )[0]
        out = status in (LoginStatus.NOT_YET_IN, LoginStatus.ABSENT, LoginStatus.OFF)
        state = AgentState.LOGGED_OUT if out else AgentState.AVAILABLE
        since = self.now - timedelta(seconds=rnd.uniform(0, 600))
        return _Agent(
            f"AG{i:05d}",
            f"Agent {rnd.choice('ABCDEFGHIJKLMNOPQRSTUVWXYZ')}{i:05d}",
            f"Team {i % 20:02d}",
            status,
            state,
            since,
            adherence=rnd.uniform(0.7, 1.0),
        )

    def advance(self, now: datetime) -> None:
        """Move the floor to `now`: state changes with probability dt / mean duration."""
        dt = (now - self.now).total_seconds()
        self.now = now
        p = min(1.0, dt / self.MEAN_STATE_SECONDS)
        rnd = self.random
        for agent in self.agents:
            if agent.state == AgentState.AUX:
                agent.dirty = True  # AUX used grows every poll
            if agent.state == AgentState.LOGGED_OUT or rnd.random() >= p:
                continue
            agent.dirty = True
            when = now - timedelta(seconds=rnd.uniform(0, dt))
            if agent.state == AgentState.AUX:
                agent.aux_closed += (when - agent.state_since).total_seconds()
                agent.state, agent.aux_code = AgentState.AVAILABLE, None
            elif agent.state == AgentState.AVAILABLE:
                if rnd.random() < 0.25:
                    agent.state, agent.aux_code = AgentState.AUX, rnd.choice(AUX_CODES)
                else:
                    agent.state = AgentState.ON_CONTACT
            elif agent.state == AgentState.ON_CONTACT:
                agent.state = AgentState.ACW
            else:
                agent.state = AgentState.AVAILABLE
            agent.state_since = when

    def churn(self, share: float) -> None:
        """Replace a share of the agents with new ids (shift change, new hires)."""
        for _ in range(int(len(self.agents) * share)):
            self.agents[self.random.randrange(len(self.agents))] = self._new_agent()

    def rows(self, *, fresh: bool) -> list[AgentRow]:
        """Rows at `now`. fresh: new objects for every agent, as a monitor would build."""
        out = []
        now = self.now
        for agent in self.agents:
            if fresh or agent.dirty or agent.row is None:
                agent.row = self._row(agent, now)
                agent.dirty = False
            out.append(agent.row)
        return out

    @staticmethod
    def _row(agent: _Agent, now: datetime) -> AgentRow:
        used = agent.aux_closed
        if agent.state == AgentState.AUX:
            used += (now - agent.state_since).total_seconds()
        limit = AUX_LIMITS.get(agent.aux_code or "", 900) if agent.aux_code else None
        late = agent.login_status == LoginStatus.LATE
        return AgentRow(
            agent_id=agent.agent_id,
            name=agent.name,
            team=agent.team,
            state=agent.state,
            aux_code=agent.aux_code,
            state_since=agent.state_since,
            aux_used_seconds=used,
            aux_allowance_seconds=5400.0,
            aux_limit_each_seconds=limit,
            aux_warn_ratio=0.8,
            login_status=agent.login_status,
            late_by=timedelta(minutes=12) if late else None,
            adherence=agent.adherence,
            exception=late or agent.login_status == LoginStatus.ABSENT or used > 5400,
        )


class SyntheticFeed:
    """Rows straight from AgentFeed: every poll builds new row objects (worst case for the
    board's diff); during the long shift only changed rows are rebuilt, with churn."""

    name = "synthetic rows (new objects every poll)"

    def __init__(self, agents: int, seed: int) -> None:
        self.feed = AgentFeed(agents, seed)
        self.start = START
        self._last = START

    async def poll(self, now: datetime, *, long_run: bool = False) -> list[AgentRow]:
        if now > self.feed.now:
            self.feed.advance(now)
        if long_run and int(now.timestamp()) // 3600 != int(self._last.timestamp()) // 3600:
            self.feed.churn(0.02)  # 2 % new agent ids each hour
        self._last = now
        return self.feed.rows(fresh=not long_run)

    async def aclose(self) -> None:
        pass


class SimulatorFeed:
    """The real pipeline: in-process simulator -> HTTP client (ASGI) -> ShiftMonitor."""

    name = "simulator -> OmnichannelClient -> ShiftMonitor"

    def __init__(self, agents: int, seed: int) -> None:
        from zoneinfo import ZoneInfo

        from rtm_tui.clock import FrozenClock
        from rtm_tui.config import Settings
        from rtm_tui.simulator import Simulator
        from rtm_tui.ui.launch import make_monitor, simulator_client

        tz = ZoneInfo("Asia/Jakarta")
        self.start = datetime(2026, 11, 24, 7, 30, tzinfo=tz)
        self.tz = tz
        self.clock = FrozenClock(self.start)
        self.sim = Simulator(agents=agents, seed=seed, clock=self.clock, tz=tz)
        self.client = simulator_client(self.sim)
        self.monitor = make_monitor(Settings.model_validate({}))
        self.roster_day = None

    async def poll(self, now: datetime, *, long_run: bool = False) -> list[AgentRow]:
        self.clock.at = max(self.clock.at, now)
        roster = None
        if self.roster_day != now.date():
            roster = await self.client.fetch_roster(now.date(), self.tz)
            self.roster_day = now.date()
        agents = await self.client.fetch_agents()
        return list(self.monitor.apply(now, agents=agents, roster=roster).rows)

    async def aclose(self) -> None:
        await self.client.aclose()


# --------------------------------------------------------------------------- naive board


class NaiveBoard(DataTable):
    """What the design rejects: a DataTable cleared and refilled each poll, and
    `update_cell` for every timer every second."""

    COLUMNS = ("name", "team", "state", "aux_code", "time", "aux_used", "login", "adherence")

    def on_mount(self) -> None:
        for key in self.COLUMNS:
            self.add_column(key.replace("_", " "), key=key)
        self.cursor_type = "row"

    def update_rows(self, rows: Sequence[AgentRow], now: datetime) -> None:
        self._rows = sorted(rows, key=lambda r: (r.name.casefold(), r.agent_id))
        self._polled = now
        self.clear()
        for row in self._rows:
            self.add_row(*self._cells(row, now), key=row.agent_id)

    def tick(self, now: datetime) -> None:
        for row in self._rows:
            self.update_cell(row.agent_id, "time", self._time(row, now))
            if row.state == AgentState.AUX:
                self.update_cell(row.agent_id, "aux_used", self._aux(row, now))

    def _time(self, row: AgentRow, now: datetime) -> Text:
        level = timer_level(row, now)
        style = {"warning": "yellow", "breach": "bold red"}.get(level or "", "")
        return Text(fmt_duration((now - row.state_since).total_seconds()), style=style)

    def _aux(self, row: AgentRow, now: datetime) -> Text:
        used = row.aux_used_seconds
        if row.state == AgentState.AUX:
            used += (now - self._polled).total_seconds()
        return Text(f"{fmt_minutes(used)}/{fmt_minutes(row.aux_allowance_seconds or 0)}")

    def _cells(self, row: AgentRow, now: datetime) -> list[Text]:
        adherence = None if row.adherence is None else row.adherence * 100
        return [
            Text(row.name),
            Text(row.team),
            Text(state_label(row.state)),
            Text(row.aux_code or ""),
            self._time(row, now),
            self._aux(row, now),
            Text(login_label(row)),
            Text(fmt_percent(adherence)),
        ]


class TimedBoard(AgentBoard):
    """AgentBoard that adds up the time spent in its own `render_line` (its share)."""

    render_seconds = 0.0

    def render_line(self, y: int) -> Strip:
        started = time.perf_counter()
        try:
            return super().render_line(y)
        finally:
            self.render_seconds += time.perf_counter() - started


class FloorBoard(ScrollView):
    """Textual's own floor: a Line-API widget that does no work of its own (one cached
    segment per line) but repaints the same regions as AgentBoard."""

    def on_mount(self) -> None:
        self._now: datetime | None = None
        self._strips: dict[tuple[int, datetime | None], Strip] = {}

    def update_rows(self, rows: Sequence[AgentRow], now: datetime) -> None:
        self._now = now
        self.virtual_size = Size(self.size.width, len(rows) + HEADER_LINES)
        self.refresh()

    def tick(self, now: datetime) -> None:
        self._now = now
        x = AgentBoard()._column_x("time")
        self.refresh(Region(x, HEADER_LINES, 25, self.size.height - HEADER_LINES))

    def render_line(self, y: int) -> Strip:
        key = (y, self._now)
        strip = self._strips.get(key)
        if strip is None:
            if len(self._strips) > 4 * self.size.height:
                self._strips.clear()
            width = self.size.width
            text = f"{y:>6} {self._now:%H:%M:%S}".ljust(width)
            style = self._style = getattr(self, "_style", None) or self.rich_style
            strip = self._strips[key] = Strip([Segment(text, style)], width)
        return strip


class PrefetchedClient:
    """The Feed's client, answering with what the harness fetched beforehand: the
    simulator's own cost (HTTP over ASGI, JSON) stays out of the timed step."""

    def __init__(self, real: object) -> None:
        self.real = real
        self.next: dict[str, object] = {}

    async def fetch_agents(self) -> object:
        return self.next.pop("agents")

    async def fetch_voice(self) -> object:
        return self.next.pop("voice")

    async def fetch_nonvoice(self) -> object:
        return self.next.pop("nonvoice")

    async def fetch_roster(self, day, tz=None):  # noqa: ANN001, ANN201
        return await self.real.fetch_roster(day, tz)  # type: ignore[attr-defined]

    async def aclose(self) -> None:
        await self.real.aclose()  # type: ignore[attr-defined]


class StallMeter:
    """The event loop's longest stall while armed: a task sleeping 5 ms, how late it woke."""

    STEP = 0.005

    def __init__(self) -> None:
        self.armed = False
        self.max_ms = 0.0
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        while True:
            t0 = time.perf_counter()
            await asyncio.sleep(self.STEP)
            late = (time.perf_counter() - t0 - self.STEP) * 1000
            if self.armed:
                self.max_ms = max(self.max_ms, late)

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()


async def store_phase(app: BenchApp, args: argparse.Namespace) -> dict[str, float]:
    """The real Feed with the SQLite store on, polls folded one by one (see the module doc)."""
    import tempfile
    from pathlib import Path
    from zoneinfo import ZoneInfo

    from rtm_tui.clock import FrozenClock
    from rtm_tui.config import Settings
    from rtm_tui.simulator import Simulator
    from rtm_tui.store import Store
    from rtm_tui.ui.feed import Feed
    from rtm_tui.ui.launch import make_monitor, simulator_client

    tz = ZoneInfo("Asia/Jakarta")
    clock = FrozenClock(datetime(2026, 11, 24, 9, 0, 0, tzinfo=tz))
    sim = Simulator(agents=args.agents, seed=args.seed, clock=clock, tz=tz)
    real = simulator_client(sim)
    client = PrefetchedClient(real)
    settings = Settings.model_validate({})
    folder = tempfile.TemporaryDirectory(prefix="rtm-bench-")
    store = Store.open(Path(folder.name) / "rtm.sqlite3")
    feed = Feed(
        settings=settings,
        clock=clock,
        client=client,
        monitor=make_monitor(settings),
        store=store,
        restore_state=False,
    )
    app.feed_target = app.board
    feed.attach(app)
    await feed.pollers["roster"].poll_once()
    meter = StallMeter()
    meter.start()
    gc_ms = [0.0, 0.0, 0.0]  # total, longest, start of the running one

    def collecting(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            gc_ms[2] = time.perf_counter()
        else:
            spent = (time.perf_counter() - gc_ms[2]) * 1000
            gc_ms[0] += spent
            gc_ms[1] = max(gc_ms[1], spent)

    gc.callbacks.append(collecting)
    latencies: list[float] = []
    callbacks: list[float] = []
    every = {"agents": 2, "voice": 5, "nonvoice": 10}
    fetchers = {
        "agents": real.fetch_agents,
        "voice": real.fetch_voice,
        "nonvoice": real.fetch_nonvoice,
    }
    try:
        for step in range(1, args.store_polls + 1):
            clock.advance(2)
            second = step * 2
            for source, period in every.items():
                if second % period:
                    continue
                client.next[source] = await fetchers[source]()
                # no gc.collect() here: the app's own collections (app/heap.py) count
                await asyncio.sleep(0.01)  # the fetch's own stall is not the store's
                app.frame_event.clear()
                meter.armed = True
                w0 = time.perf_counter()
                await feed.pollers[source].poll_once()
                callbacks.append((time.perf_counter() - w0) * 1000)
                await app.next_frame()
                latencies.append((time.perf_counter() - w0) * 1000)
                await asyncio.sleep(0.2)  # writes after the frame stall the loop too
                meter.armed = False
        w0 = time.perf_counter()
        await feed.stop()
        stop_ms = (time.perf_counter() - w0) * 1000
    finally:
        gc.callbacks.remove(collecting)
        meter.stop()
        app.feed_target = None
        store.close()
        folder.cleanup()
    return {
        "store_poll_p50_ms": statistics.median(latencies),
        "store_poll_p99_ms": pct(latencies, 0.99),
        "store_callback_p50_ms": statistics.median(callbacks),
        "store_callback_max_ms": max(callbacks),
        "store_stall_max_ms": meter.max_ms,
        "store_stop_ms": stop_ms,
        "store_gc_ms": gc_ms[0],
        "store_gc_max_ms": gc_ms[1],
        "store_polls": float(len(latencies)),
    }


# --------------------------------------------------------------------------- harness


class BenchApp(App[None]):
    def __init__(self, kind: str, rows: Sequence[AgentRow], now: datetime) -> None:
        super().__init__()
        self.kind = kind
        self.first_rows = rows
        self.first_now = now
        self.frames = 0
        self.frame_bytes = 0
        # imported here: the parent process may see another checkout's rtm_tui; one
        # without the shadow (an older one, to compare) has its frames encoded as Textual's
        try:
            from rtm_tui.ui.terminal_diff import TerminalShadow
        except ImportError:
            self.shadow = None
        else:
            self.shadow = TerminalShadow()
        self.frame_event = asyncio.Event()
        self.first_frame_at: float | None = None
        self.rows_given = False
        self.feed_target: object | None = None  # the board the store phase's Feed updates
        self._real_display = self._display
        self._display = self._measured_display  # type: ignore[method-assign]

    def compose(self) -> ComposeResult:
        yield {"line": TimedBoard, "datatable": NaiveBoard, "floor": FloorBoard}[self.kind]()

    @property
    def board(self) -> TimedBoard | NaiveBoard | FloorBoard:
        kind = {"line": TimedBoard, "datatable": NaiveBoard, "floor": FloorBoard}[self.kind]
        return self.query_one(kind)

    def on_mount(self) -> None:
        self.board.update_rows(self.first_rows, self.first_now)
        self.board.focus()
        self.rows_given = True

    def on_monitor_updated(self, message) -> None:  # noqa: ANN001
        board = self.feed_target
        if board is not None:
            board.update_rows(message.view.rows, message.view.now)  # type: ignore[attr-defined]

    def _measured_display(self, screen, renderable) -> None:  # noqa: ANN001
        if renderable is None:
            return
        # headless Textual skips turning the update into terminal bytes: do it here, for
        # the AgentBoard as the app does it (through its terminal shadow: only the cells
        # that changed), for the others as Textual does
        if self.kind == "line" and self.shadow and isinstance(renderable, ChopsUpdate):
            self.frame_bytes += len(self.shadow.render_chops(renderable, self.console))
        else:
            render = getattr(renderable, "render_segments", None)
            if render is not None:
                self.frame_bytes += len(render(self.console))
            if self.shadow is not None and isinstance(renderable, LayoutUpdate):
                self.shadow.fit(*self.size)
                self.shadow.record_layout(renderable)
        self.frames += 1
        if self.rows_given and self.first_frame_at is None:
            self.first_frame_at = time.perf_counter()
        self.frame_event.set()
        self._real_display(screen, renderable)

    async def next_frame(self, timeout: float = 5.0) -> bool:
        try:
            await asyncio.wait_for(self.frame_event.wait(), timeout)
            return True
        except TimeoutError:
            return False
        finally:
            self.frame_event.clear()


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def pct(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


async def run_one(kind: str, args: argparse.Namespace) -> dict[str, float]:
    width, height = (int(v) for v in args.size.split("x"))
    feed = (
        SimulatorFeed(args.agents, args.seed)
        if args.source == "sim"
        else SyntheticFeed(args.agents, args.seed)
    )
    now = feed.start
    rows = await feed.poll(now)
    result: dict[str, float] = {}

    started = time.perf_counter()
    app = BenchApp(kind, rows, now)
    async with app.run_test(size=(width, height)) as pilot:
        while app.first_frame_at is None:
            await app.next_frame()
        result["first_paint_s"] = app.first_frame_at - started
        board = app.board
        await pilot.pause()

        # --- CPU per 1 Hz tick (no poll in between)
        cpu, wall = [], []
        own_before = getattr(board, "render_seconds", 0.0)
        bytes_before = app.frame_bytes
        for _ in range(args.ticks):
            now += timedelta(seconds=1)
            gc.collect()  # collect the feed's garbage outside the timed step
            app.frame_event.clear()
            c0, w0 = time.process_time(), time.perf_counter()
            board.tick(now)
            await app.next_frame()
            cpu.append((time.process_time() - c0) * 1000)
            wall.append((time.perf_counter() - w0) * 1000)
        result["tick_cpu_ms"] = statistics.median(cpu)
        result["tick_cpu_p95_ms"] = pct(cpu, 0.95)
        result["tick_wall_ms"] = statistics.median(wall)
        own = getattr(board, "render_seconds", 0.0) - own_before
        result["tick_own_ms"] = own / args.ticks * 1000
        result["tick_bytes"] = (app.frame_bytes - bytes_before) / args.ticks

        # --- poll to screen
        latencies, poll_cpu = [], []
        for _ in range(args.polls):
            now += timedelta(seconds=args.poll_seconds)
            fresh = await feed.poll(now)
            gc.collect()
            app.frame_event.clear()
            c0, w0 = time.process_time(), time.perf_counter()
            board.update_rows(fresh, now)
            await app.next_frame()
            latencies.append((time.perf_counter() - w0) * 1000)
            poll_cpu.append((time.process_time() - c0) * 1000)
        result["poll_p95_ms"] = pct(latencies, 0.95)
        result["poll_median_ms"] = statistics.median(latencies)
        result["poll_cpu_ms"] = statistics.median(poll_cpu)

        # --- steady CPU over --seconds of real time, rows prepared beforehand
        polls = []
        t = now
        for _ in range(int(args.seconds / args.poll_seconds) + 1):
            t += timedelta(seconds=args.poll_seconds)
            polls.append((t, await feed.poll(t)))
        gc.collect()
        c0, w0 = time.process_time(), time.perf_counter()
        next_poll = 0
        for second in range(1, int(args.seconds) + 1):
            await asyncio.sleep(max(0.0, w0 + second - time.perf_counter()))
            sim_now = now + timedelta(seconds=second)
            if second >= (next_poll + 1) * args.poll_seconds and next_poll < len(polls):
                board.update_rows(polls[next_poll][1], sim_now)
                next_poll += 1
            else:
                board.tick(sim_now)
        await asyncio.sleep(max(0.0, w0 + args.seconds - time.perf_counter()))
        result["steady_cpu_pct"] = (time.process_time() - c0) / (time.perf_counter() - w0) * 100
        now += timedelta(seconds=args.seconds)
        del polls

        # --- with the store: the real Feed, the SQLite shift record on
        if args.store_polls > 0 and kind in args.store_boards.split(","):
            result.update(await store_phase(app, args))

        # --- RSS over an accelerated shift
        gc.collect()
        await pilot.pause()
        before = rss_mb()
        hours = args.naive_shift_hours if kind == "datatable" else args.shift_hours
        shift_polls = int(hours * 3600 / args.shift_poll_seconds)
        w0 = time.perf_counter()
        halfway = None
        frame_max = 0.0
        for i in range(shift_polls):
            if i == shift_polls // 2:
                gc.collect()
                halfway = rss_mb()  # caches are warm by now: growth after this is a leak
            now += timedelta(seconds=args.shift_poll_seconds)
            shift_rows = await feed.poll(now, long_run=True)
            app.frame_event.clear()
            f0 = time.perf_counter()
            board.update_rows(shift_rows, now)
            await app.next_frame()
            frame_max = max(frame_max, (time.perf_counter() - f0) * 1000)
        gc.collect()
        await pilot.pause()
        result["rss_growth_mb"] = rss_mb() - before
        result["rss_growth_2nd_half_mb"] = rss_mb() - (halfway or before)
        result["rss_mb"] = rss_mb()
        result["shift_polls"] = shift_polls
        result["shift_wall_s"] = time.perf_counter() - w0
        result["shift_hours"] = hours
        result["shift_frame_max_ms"] = frame_max
    await feed.aclose()
    return result


# --------------------------------------------------------------------------- report

ROWS = (
    ("first_paint_s", "time to first paint", "s", "{:.2f}"),
    ("tick_cpu_ms", "CPU per 1 Hz tick (median)", "ms", "{:.2f}"),
    ("tick_cpu_p95_ms", "CPU per 1 Hz tick (p95)", "ms", "{:.2f}"),
    ("tick_own_ms", "  of which the board's render_line", "ms", "{:.2f}"),
    ("tick_bytes", "bytes to the terminal per tick", "B", "{:,.0f}"),
    ("poll_p95_ms", "poll-to-screen latency p95", "ms", "{:.1f}"),
    ("poll_median_ms", "poll-to-screen latency median", "ms", "{:.1f}"),
    ("store_poll_p50_ms", "with the store: poll-to-screen p50", "ms", "{:.1f}"),
    ("store_poll_p99_ms", "with the store: poll-to-screen p99", "ms", "{:.1f}"),
    ("store_callback_p50_ms", "  of which the poll callback, p50", "ms", "{:.1f}"),
    ("store_callback_max_ms", "  of which the poll callback, max", "ms", "{:.1f}"),
    ("store_stall_max_ms", "with the store: longest event-loop stall", "ms", "{:.1f}"),
    ("store_stop_ms", "with the store: feed.stop() (drain)", "ms", "{:.1f}"),
    ("store_gc_ms", "with the store: garbage collection, total", "ms", "{:.0f}"),
    ("store_gc_max_ms", "with the store: garbage collection, longest", "ms", "{:.1f}"),
    ("steady_cpu_pct", "steady CPU, % of one core", "%", "{:.1f}"),
    ("shift_frame_max_ms", "accelerated shift: longest poll-to-frame", "ms", "{:.1f}"),
    ("rss_growth_mb", "RSS growth over the shift", "MB", "{:.1f}"),
    ("rss_growth_2nd_half_mb", "  of which in its second half", "MB", "{:.1f}"),
    ("rss_mb", "RSS at the end", "MB", "{:.0f}"),
)


def markdown(results: dict[str, dict[str, float]], args: argparse.Namespace) -> str:
    kinds = [k for k in ("line", "datatable", "floor") if k in results]
    names = {
        "line": "AgentBoard (Line API)",
        "datatable": "naive DataTable",
        "floor": "Textual floor (no-op Line API)",
    }
    head = ["figure", "target"] + [names[k] for k in kinds]
    compare = "line" in results and "datatable" in results
    if compare:
        head.append("ratio naive/line")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for key, label, unit, form in ROWS:
        target = TARGETS.get(key)
        cells = [f"{label} ({unit})", f"<= {target:g}" if target is not None else ""]
        for kind in kinds:
            if key not in results[kind]:
                cells.append("—")
                continue
            value = results[kind][key]
            mark = ""
            if target is not None and kind == "line":
                mark = " ✓" if value <= target else " ✗"
            cells.append(form.format(value) + mark)
        if compare:
            line, naive = results["line"].get(key, 0.0), results["datatable"].get(key, 0.0)
            comparable = key not in ("tick_own_ms", "rss_growth_mb", "rss_growth_2nd_half_mb")
            comparable = comparable and not key.startswith("store_")
            cells.append(f"{naive / line:.1f}×" if comparable and line > 0.005 else "—")
        lines.append("| " + " | ".join(cells) + " |")
    load = os.getloadavg()
    lines.append("")
    store_runs = [k for k in kinds if "store_polls" in results[k]]
    if store_runs:
        polls = int(results[store_runs[0]]["store_polls"])
        lines.append(
            f"With the store: {polls} poll callbacks (agents, voice, non-voice) over "
            f"{args.store_polls * 2 / 60:.1f} simulated minutes, SQLite in a temp file."
        )
    lines.append(
        f"{args.agents:,} agents ({args.source} rows), {args.size} terminal, "
        f"poll every {args.poll_seconds:g} s, "
        f"steady phase {args.seconds:g} s, shift polls {args.shift_poll_seconds:g} s apart; "
        f"{os.cpu_count()} CPUs, load average {load[0]:.1f} at the end."
    )
    for kind in kinds:
        lines.append(
            f"- {names[kind]}: poll CPU median {results[kind]['poll_cpu_ms']:.1f} ms, "
            f"tick wall median {results[kind]['tick_wall_ms']:.1f} ms, "
            f"shift phase {results[kind]['shift_hours']:g} h "
            f"({int(results[kind]['shift_polls']):,} polls) took {results[kind]['shift_wall_s']:.0f} s"
        )
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--agents", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=60.0, help="steady CPU phase length")
    parser.add_argument("--poll-seconds", type=float, default=2.0)
    parser.add_argument("--ticks", type=int, default=30)
    parser.add_argument("--polls", type=int, default=40)
    parser.add_argument("--shift-hours", type=float, default=12.0)
    parser.add_argument("--shift-poll-seconds", type=float, default=60.0)
    parser.add_argument(
        "--naive-shift-hours",
        type=float,
        default=1.0,
        help="shift fed to the DataTable board (a poll costs it ~1 s: 12 h takes ~25 min)",
    )
    parser.add_argument(
        "--store-polls",
        type=int,
        default=150,
        help="agent polls (2 s apart) of the with-the-store phase; 0 skips it",
    )
    parser.add_argument(
        "--store-boards",
        default="line,floor",
        help="boards that run the with-the-store phase (the DataTable takes ~1 s a poll)",
    )
    parser.add_argument("--size", default="160x48")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--source",
        choices=("sim", "synthetic"),
        default="sim",
        help="rows from the simulator + ShiftMonitor (default) or generated directly",
    )
    parser.add_argument("--boards", default="line,datatable,floor")
    parser.add_argument("--only", choices=("line", "datatable", "floor"), help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.only:  # child process: one board, JSON out
        print(json.dumps(asyncio.run(run_one(args.only, args))))
        return 0
    raw = list(argv if argv is not None else sys.argv[1:])
    results = {}
    # the children measure this checkout's rtm_tui, not whichever one is installed
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([root, os.environ.get("PYTHONPATH", "")])}
    for kind in args.boards.split(","):
        print(f"running {kind} ...", file=sys.stderr, flush=True)
        done = subprocess.run(
            [sys.executable, __file__, *raw, "--only", kind],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            print(done.stderr, file=sys.stderr)
            return done.returncode
        results[kind] = json.loads(done.stdout.strip().splitlines()[-1])
    print(markdown(results, args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
