"""The shift record, written off the event loop (issue 12, "No stalls").

    recorder = Recorder(store, report=on_result)   # on_result(error or None), on the loop
    recorder.record_agent_events(day, events)       # returns at once, never raises
    await recorder.drain()                          # everything so far is written (tests)
    await recorder.stop()                           # drains (bounded wait), then ends

The poller callbacks only put a small tuple on a bounded queue (an agents snapshot goes
as it is: which states changed is worked out here). One writer thread takes
them off, merges them into a batch and writes the batch: one thread, so SQLite sees one
connection's writes in the order they were made. A batch coalesces what an upsert would
overwrite anyway: the last KPI values per (interval, kpi, scope, period), the latest
monitor state, the latest roster of a day, the last version of an alert; agent events
are deduplicated. The monitor state comes as the `export_state()` dict (fresh plain data,
taken on the loop); its serialisation (json, ~15 ms at 2,000 agents) happens here, in
pieces, so the loop gets the GIL between them.

A failed write keeps its data in the batch for the next flush (retried after 1 s, then
less often, up to 15 s); a write that keeps raising something other than a StoreError (a
bug, not a busy or full disk) is dropped after 3 tries so it cannot hold the rest back.
Every flush's outcome goes to `report` on the event loop: the error text, or None once a
flush wrote everything. Bounds: the queue holds QUEUE_SIZE submissions (a full queue drops
the submission and says so); a batch held back by a failing database keeps at most
MAX_EVENTS agent events (the oldest go first). Every other kind is bounded by coalescing.
"""

from __future__ import annotations

import asyncio
import json
import logging
import queue
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from rtm_tui.domain.alerts import ExcuseNote
from rtm_tui.domain.types import AgentsSnapshot, Alert, KpiValue, Roster
from rtm_tui.store.errors import StoreError
from rtm_tui.store.records import events_from_snapshot

log = logging.getLogger(__name__)

QUEUE_SIZE = 10_000  # submissions waiting for the writer (a poll makes a handful)
MAX_EVENTS = 200_000  # agent events kept while the database fails (~3 h at 2,000 agents)
RETRY_SECONDS = 1.0  # first retry after a failed flush; doubles up to MAX_RETRY_SECONDS
MAX_RETRY_SECONDS = 15.0
STOP_SECONDS = 10.0  # how long stop() keeps trying to write what is left
BUG_TRIES = 3  # a non-StoreError failure of one item: dropped after this many tries

Report = Callable[[str | None], Any]
_STOP = ("stop",)


@dataclass
class _Batch:
    """What is waiting to be written, coalesced. Writer thread only."""

    rosters: dict[date, Roster] = field(default_factory=dict)
    alerts: dict[tuple[str, datetime], tuple[date, Alert]] = field(default_factory=dict)
    acks: list[tuple[str, datetime]] = field(default_factory=list)
    excuses: list[tuple[date, ExcuseNote]] = field(default_factory=list)
    kpis: dict[tuple[date, datetime], dict[tuple[str, str, str], KpiValue]] = field(
        default_factory=dict
    )
    events: dict[date, dict[tuple[Any, ...], Any]] = field(default_factory=dict)
    event_count: int = 0
    state: tuple[date, Mapping[str, Any] | str, datetime] | None = None

    def __bool__(self) -> bool:
        return bool(
            self.rosters
            or self.alerts
            or self.acks
            or self.excuses
            or self.kpis
            or self.events
            or self.state
        )

    def size(self) -> int:
        kpis = sum(len(v) for v in self.kpis.values())
        state = 1 if self.state is not None else 0
        return (
            len(self.rosters)
            + len(self.alerts)
            + len(self.acks)
            + len(self.excuses)
            + kpis
            + self.event_count
            + state
        )


class Recorder:
    """Every shift-record write of the Feed, on one writer thread (see the module doc)."""

    def __init__(
        self,
        store: Any,
        *,
        report: Report | None = None,
        queue_size: int = QUEUE_SIZE,
        max_events: int = MAX_EVENTS,
        retry_seconds: float = RETRY_SECONDS,
    ) -> None:
        self.store = store
        self.report = report
        self.max_events = max_events
        self.retry_seconds = retry_seconds
        self._queue: queue.Queue[tuple[Any, ...]] = queue.Queue(maxsize=queue_size)
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._settled_cond = threading.Condition()
        self._submitted = 0  # loop side: sequence number of the last submission
        self._settled = 0  # writer: every submission up to this one is written
        self._stop_deadline: float | None = None
        self._batch = _Batch()  # writer thread only
        self._seen_states: dict[str, tuple[Any, ...]] = {}  # writer: per agent, last kept
        self._failures: dict[str, int] = {}  # writer: consecutive bug failures per kind
        self._dropped_events = 0  # writer: events dropped over MAX_EVENTS, not said yet
        self.flushes = 0  # flush attempts (tests, benchmarks)
        self.dropped = 0  # submissions or events given up on
        self.unwritten = 0  # what stop() could not write in time
        self.stopped = False

    # ------------------------------------------------------------------ the loop's side

    def record_alert(self, day: date, alert: Alert) -> None:
        self._submit(("alert", day, alert))

    def record_interval_kpis(
        self, day: date, period_start: datetime, kpis: Iterable[KpiValue]
    ) -> None:
        self._submit(("kpis", day, period_start, tuple(kpis)))

    def record_agent_events(self, day: date, events: Iterable[Any]) -> None:
        self._submit(("events", day, tuple(events)))

    def record_agents(self, day: date, snapshot: AgentsSnapshot) -> None:
        """The agents' states as polled: the writer thread keeps the ones that changed
        since the last poll (building 2,000 events to find 40 new ones is work the loop
        need not do)."""
        self._submit(("agents", day, snapshot))

    def record_roster(self, roster: Roster) -> None:
        self._submit(("roster", roster))

    def acknowledge_alert(self, key: str, at: datetime) -> None:
        self._submit(("ack", key, at))

    def record_excuse(self, day: date, note: ExcuseNote) -> None:
        self._submit(("excuse", day, note))

    def save_monitor_state(self, day: date, state: Mapping[str, Any], at: datetime) -> None:
        """`state` is `export_state()`'s dict, not to be changed afterwards: it is
        serialised on the writer thread."""
        self._submit(("state", day, state, at))

    def _submit(self, op: tuple[Any, ...]) -> None:
        """Never blocks and never raises: the poller's callback returns at once."""
        if self.stopped:
            self.dropped += 1
            return
        if self._loop is None:
            try:
                self._loop = asyncio.get_running_loop()
            except RuntimeError:
                pass
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="rtm-recorder", daemon=True)
            self._thread.start()
        self._submitted += 1
        try:
            self._queue.put_nowait((self._submitted, *op))
        except queue.Full:
            self._submitted -= 1
            self.dropped += 1
            self._deliver(
                "the shift record is not keeping up with the database: "
                f"{self.dropped} records dropped"
            )

    async def drain(self, timeout: float = 10.0) -> bool:
        """Wait (off the loop) until everything submitted so far is written; False if
        it is not after `timeout` (the database failing, say)."""
        target = self._submitted
        if self._thread is None or self._settled >= target:
            return True
        return await asyncio.to_thread(self._wait_settled, target, timeout)

    def _wait_settled(self, target: int, timeout: float) -> bool:
        with self._settled_cond:
            return self._settled_cond.wait_for(lambda: self._settled >= target, timeout)

    async def stop(self, timeout: float = STOP_SECONDS) -> bool:
        """Write what is left (trying for up to `timeout` s), then end the writer.
        True when nothing was lost. Later submissions are dropped."""
        if self.stopped:
            return self.unwritten == 0
        self.stopped = True
        thread = self._thread
        if thread is None:
            return True
        self._stop_deadline = time.monotonic() + timeout
        await asyncio.to_thread(self._stop_thread, thread, timeout)
        return self.unwritten == 0

    def _stop_thread(self, thread: threading.Thread, timeout: float) -> None:
        try:
            self._queue.put((0, *_STOP), timeout=timeout)
        except queue.Full:
            pass  # the writer is stuck; it still sees the deadline
        # a write may be waiting out the busy timeout when the deadline passes
        thread.join(timeout + getattr(self.store, "_busy_timeout", 5.0) + 1.0)

    def _deliver(self, error: str | None) -> None:
        """`report(error)` on the event loop (called from either side)."""
        if self.report is None:
            return
        loop = self._loop
        try:
            here = asyncio.get_running_loop()
        except RuntimeError:
            here = None
        if loop is None or here is loop:
            self.report(error)  # on the loop already (or there is none: tests, scripts)
            return
        try:
            loop.call_soon_threadsafe(self.report, error)
        except RuntimeError:  # the loop is closed: nobody left to tell
            pass

    # ------------------------------------------------------------------ the writer thread

    def _run(self) -> None:
        retry_at: float | None = None
        delay = self.retry_seconds
        stopping = False
        merged = 0
        while True:
            timeout: float | None = None
            if self._batch:
                timeout = 0.0 if retry_at is None else max(0.0, retry_at - time.monotonic())
            if stopping:
                timeout = 0.0 if timeout is None else timeout
            ops: list[tuple[Any, ...]] = []
            try:
                ops.append(self._queue.get(timeout=timeout))
                while True:
                    ops.append(self._queue.get_nowait())
            except queue.Empty:
                pass
            for op in ops:
                if op[1:] == _STOP:
                    stopping = True
                else:
                    self._merge(op)
                    merged = max(merged, op[0])
            if self._batch and (stopping or retry_at is None or time.monotonic() >= retry_at):
                error = self._flush()
                if self._batch:
                    retry_at = time.monotonic() + delay
                    delay = min(delay * 2, MAX_RETRY_SECONDS)
                else:
                    retry_at, delay = None, self.retry_seconds
                self._deliver(error)
            if not self._batch:
                with self._settled_cond:
                    self._settled = merged
                    self._settled_cond.notify_all()
            if stopping:
                deadline = self._stop_deadline or 0.0
                if not self._batch or time.monotonic() >= deadline:
                    break
                # still failing: wait for the retry, but not past the deadline
                time.sleep(max(0.0, min(deadline, retry_at or 0.0) - time.monotonic()))
        self.unwritten = self._batch.size()
        if self.unwritten:
            log.warning("recorder: %d shift records not written at exit", self.unwritten)
            self._deliver(f"{self.unwritten} shift records could not be written before exit")

    def _merge(self, op: tuple[Any, ...]) -> None:
        b = self._batch
        kind = op[1]
        if kind == "alert":
            _, _, day, alert = op
            b.alerts[(alert.key, alert.raised_at)] = (day, alert)
        elif kind == "kpis":
            _, _, day, start, kpis = op
            slot = b.kpis.setdefault((day, start), {})
            for k in kpis:
                slot[(k.kpi, k.scope, k.period)] = k
        elif kind == "events":
            _, _, day, events = op
            kept = b.events.setdefault(day, {})
            for e in events:
                key = (e.agent_id, e.at, e.state, e.aux_code)
                if key not in kept:
                    kept[key] = e
                    b.event_count += 1
            self._cap_events()
        elif kind == "agents":
            _, _, day, snapshot = op
            seen = self._seen_states
            new = [
                e
                for e in events_from_snapshot(snapshot)
                if seen.get(e.agent_id) != (e.at, e.state, e.aux_code)
            ]
            if new:
                # kept in the batch until written: counted as recorded from here
                seen.update({e.agent_id: (e.at, e.state, e.aux_code) for e in new})
                self._merge((op[0], "events", day, new))
        elif kind == "roster":
            roster = op[2]
            b.rosters[roster.date] = roster
        elif kind == "ack":
            b.acks.append((op[2], op[3]))
        elif kind == "excuse":
            b.excuses.append((op[2], op[3]))
        elif kind == "state":
            _, _, day, state, at = op
            b.state = (day, state, at)

    def _cap_events(self) -> None:
        b = self._batch
        while b.event_count > self.max_events and b.events:
            day = next(iter(b.events))
            slot = b.events[day]
            excess = min(len(slot), b.event_count - self.max_events)
            for key in list(slot)[:excess]:
                del slot[key]
            b.event_count -= excess
            self._dropped_events += excess
            self.dropped += excess
            if not slot:
                del b.events[day]

    def _flush(self) -> str | None:
        """Write the batch; what fails stays in it. The first error's text, or None.
        A StoreError (busy, read-only, disk full...) ends the flush: the next write would
        wait out the same busy timeout."""
        self.flushes += 1
        b = self._batch
        store = self.store
        stage = "roster"
        try:
            for day, roster in list(b.rosters.items()):
                store.record_roster(roster)
                del b.rosters[day]
            stage = "alert"
            for key, (day, alert) in list(b.alerts.items()):
                store.record_alert(day, alert)
                del b.alerts[key]
            stage = "ack"
            while b.acks:  # after the alerts they acknowledge
                alert_key, at = b.acks[0]
                store.acknowledge_alert(alert_key, at)
                b.acks.pop(0)
            stage = "excuse"
            while b.excuses:
                day, note = b.excuses[0]
                store.record_excuse(day, note)
                b.excuses.pop(0)
            stage = "kpis"
            for slot_key, slot in list(b.kpis.items()):
                store.record_interval_kpis(slot_key[0], slot_key[1], list(slot.values()))
                del b.kpis[slot_key]
            stage = "events"
            for day, events in list(b.events.items()):
                store.record_agent_events(day, list(events.values()))
                b.event_count -= len(events)
                del b.events[day]
            stage = "state"
            if b.state is not None:
                day, state, at = b.state
                if not isinstance(state, str):
                    try:
                        text: str | None = dumps_state(state)
                    except (TypeError, ValueError):
                        text = None  # not serialisable: as before, no state this time
                    b.state = None if text is None else (day, text, at)
                if b.state is not None:
                    store.save_monitor_state(day, b.state[1], at)
                    b.state = None
        except StoreError as exc:
            return self._said(exc)
        except Exception as exc:  # a bug, not the database: do not let it hold the rest
            log.exception("recorder: a shift-record write failed")
            self._failed_bug(stage)
            return self._said(exc)
        self._failures.clear()
        if self._dropped_events:
            dropped, self._dropped_events = self._dropped_events, 0
            return f"the database failed for too long: {dropped} agent events were not kept"
        return None

    @staticmethod
    def _said(exc: Exception) -> str:
        return str(exc) or type(exc).__name__

    def _failed_bug(self, stage: str) -> None:
        """The first item still waiting at `stage` raised: after BUG_TRIES tries in a
        row, give up on it so the rest gets written."""
        tries = self._failures.get(stage, 0) + 1
        self._failures = {stage: tries}
        if tries < BUG_TRIES:
            return
        self._failures = {}
        self.dropped += 1
        b = self._batch
        if stage == "state":
            b.state = None
        elif stage == "ack":
            b.acks.pop(0)
        elif stage == "excuse":
            b.excuses.pop(0)
        elif stage == "events":
            day = next(iter(b.events))
            b.event_count -= len(b.events.pop(day))
        else:
            items: dict[Any, Any] = (
                b.rosters if stage == "roster" else b.alerts if stage == "alert" else b.kpis
            )
            del items[next(iter(items))]


# ---------------------------------------------------------------------- serialisation

_ENCODER = json.JSONEncoder(separators=(",", ":"))
_CHUNK_DEPTH = 2  # the state's top level and its per-agent dict: one piece per agent


def dumps_state(obj: Any) -> str:
    """`json.dumps(obj, separators=(",", ":"))`, the same text, made in pieces: the C
    encoder holds the GIL for a whole call, so one call on a 2,000-agent state would
    keep the event loop waiting for its ~15 ms. Piece by piece, the loop gets a turn."""
    parts: list[str] = []
    _encode(obj, parts, 0)
    return "".join(parts)


def _encode(obj: Any, out: list[str], depth: int) -> None:
    if depth < _CHUNK_DEPTH and type(obj) is dict and all(type(k) is str for k in obj):
        out.append("{")
        for i, (k, v) in enumerate(obj.items()):
            if i:
                out.append(",")
            out.append(_ENCODER.encode(k))
            out.append(":")
            _encode(v, out, depth + 1)
        out.append("}")
    elif depth < _CHUNK_DEPTH and type(obj) is list:
        out.append("[")
        for i, v in enumerate(obj):
            if i:
                out.append(",")
            _encode(v, out, depth + 1)
        out.append("]")
    else:
        out.append(_ENCODER.encode(obj))
