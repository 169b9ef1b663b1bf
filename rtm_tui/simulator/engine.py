"""The living contact center: a discrete-event simulation on integer seconds.

Every change is an event in one heap (agent logins, AUX wishes, call arrivals, ends of
calls, ACW and AUX, abandons, midnight). Nothing scans all agents per second, so 5,000
agents keep up at 60x on one core. The model advances lazily: each request moves it to
`clock.now()`, processing every event up to that second. The state at a second depends
only on the seed and the start, not on how often it was asked (deterministic).

Counting rule: a contact's outcome (answered/abandoned, wait, talk, hold, ACW, response)
is credited to the interval in which it arrived, when the outcome is known. So in every
interval answered + abandoned <= offered, and handle = talk + hold + acw exactly.
"""

from __future__ import annotations

import heapq
import itertools
import math
import random
from collections import deque
from collections.abc import Callable, Sequence
from datetime import date, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from rtm_tui.clock import Clock
from rtm_tui.simulator.agenda import (
    SessionPlan,
    nonvoice_handle,
    patience,
    plan_session,
    voice_handle,
)
from rtm_tui.simulator.forecast import SL_SECONDS, STAFF, VOICE_AHT, day_rates, spike_factor
from rtm_tui.simulator.incidents import Incidents, draw_incidents
from rtm_tui.simulator.roster import (
    CHAT,
    EMAIL,
    VOICE,
    Profile,
    RosterLine,
    build_profiles,
    roster_for,
)
from rtm_tui.simulator.timebase import DAY, TimeBase

INTERVAL = 1800
SHORT_ABANDON = 5  # seconds: a caller who hangs up sooner is a short abandon
QUICK_HANGUP_P = 0.02  # callers who hang up during the greeting (wrong number, changed mind)

# voice queues and non-voice channels served
QUEUES = (("INB-1500", "Inbound"), ("INB-VIP", "Priority"))
MAIN, VIP = 0, 1
CHANNELS = (("chat", "Chat"), ("email", "Email"), ("whatsapp", "WhatsApp"))
NV_CHAT, NV_EMAIL, NV_WA = 0, 1, 2

# voice counts: list positions
OFF, ANS, ABD, SAB, WSL, HND, TLK, HLD, ACW, WAIT = range(10)
VOICE_FIELDS = (
    "offered",
    "answered",
    "abandoned",
    "short_abandoned",
    "answered_within_sl",
    "handle_seconds",
    "talk_seconds",
    "hold_seconds",
    "acw_seconds",
    "answer_wait_seconds",
)
# non-voice counts
REC, RSP, FRS, NHD, NHS = range(5)
NONVOICE_FIELDS = ("received", "responded", "first_response_seconds", "handled", "handle_seconds")

# event kinds
(
    E_LOGIN,
    E_LOGOUT,
    E_AUX,
    E_END_CONTACT,
    E_END_ACW,
    E_END_AUX,
    E_ARRIVAL,
    E_ABANDON,
    E_NV_ARRIVAL,
    E_MIDNIGHT,
) = range(10)

# caller states
WAITING, ANSWERED, ABANDONED = 0, 1, 2

# a voice caller: [arrived at, caller state, interval counts, day counts] (mutable: the
# state changes in place, so the copies in the queue and in the abandon event agree)
Caller = list[Any]
# an event's handler: (second, a, b). The event kind fixes what a and b are (see _push
# calls); each handler declares its own, the heap holds them all, hence Any here.
Handler = Callable[[int, Any, Any], None]


class AgentSim:
    """One agent's live state and today's tally."""

    __slots__ = (
        "p",
        "state",
        "aux_code",
        "since",
        "login_at",
        "logout_at",
        "first_login",
        "last_logout",
        "aux_secs",
        "aux_cnt",
        "handled",
        "ver",
        "session",
        "pending",
        "pending_logout",
        "on_stream",
        "name",
        "cache",
    )

    def __init__(self, p: Profile, t0: int) -> None:
        self.p = p
        self.name = p.name
        self.state = "logged_out"
        self.aux_code: str | None = None
        self.since = t0
        self.login_at: int | None = None
        self.logout_at: int | None = None
        self.first_login: int | None = None
        self.last_logout: int | None = None
        self.aux_secs: dict[str, int] = {}
        self.aux_cnt: dict[str, int] = {}
        self.handled = 0
        self.ver = 0  # bumps on each state change: stale end events are ignored
        self.session: int | None = None
        self.pending: deque[tuple[str, int]] = deque()  # AUX wished while busy
        self.pending_logout = False
        self.on_stream = -1  # voice queue on a call (for agents_on_contact)
        self.cache: bytes | None = None  # this agent's JSON in /agents, until it changes


def _as_tz(tz: str | tzinfo) -> tzinfo:
    return ZoneInfo(tz) if isinstance(tz, str) else tz


class Simulator:
    """A contact center that lives on `clock`.

    `warmup`: seconds of history simulated before the clock's start, so the screen has
    data at once. Default: from local midnight, so `today` is complete from the first answer.
    `names`: names for the first agents (tests give hostile names this way).
    """

    def __init__(
        self,
        agents: int = 60,
        seed: int = 7,
        clock: Clock | None = None,
        tz: str | tzinfo = "Asia/Jakarta",
        warmup: float | None = None,
        names: Sequence[str] | None = None,
    ) -> None:
        if agents < 1:
            raise ValueError("agents must be at least 1")
        self.tz = _as_tz(tz)
        self.clock = clock if clock is not None else Clock(self.tz)
        self.seed = seed
        self.tb = TimeBase(self.tz)
        self.profiles = build_profiles(agents, seed)
        for i, name in enumerate(names or ()):
            if i < agents:
                self.profiles[i].name = name
        self.start = TimeBase.epoch(self.clock.now())
        if warmup is None:
            warmup = self.tb.local(self.start) % DAY
        self.t = self.start - max(0, int(warmup))

        self.agents = [AgentSim(p, self.t) for p in self.profiles]
        self._by_id = {a.p.agent_id: a for a in self.agents}
        self._heap: list[tuple[int, int, int, object, object]] = []
        self._seq = itertools.count()
        self._rng = random.Random(f"{seed}:contacts")
        self._rosters: dict[date, list[RosterLine]] = {}
        self._rates: dict[int, list[list[float]]] = {}
        self._spikes: list[tuple[int, int, float]] = []
        self.incidents: dict[date, Incidents] = {}

        # waiting contacts and idle agents (dicts keep insertion order = longest idle first)
        self._calls: list[deque[Caller]] = [deque() for _ in QUEUES]
        self._waiting = [0 for _ in QUEUES]
        self._on_contact = [0 for _ in QUEUES]
        self._idle_voice: dict[int, None] = {}
        self._nv_wait: list[deque[tuple[int, list[int], list[int]]]] = [deque() for _ in CHANNELS]
        self._idle_nv: dict[str, dict[int, None]] = {CHAT: {}, EMAIL: {}}

        # counts per (stream, local interval start) and per (stream, local day)
        self._vint: dict[tuple[int, int], list[int]] = {}
        self._vday: dict[tuple[int, int], list[int]] = {}
        self._nint: dict[tuple[int, int], list[int]] = {}
        self._nday: dict[tuple[int, int], list[int]] = {}
        self._arr_acc = [float(self.t)] * (len(QUEUES) + len(CHANNELS))
        self._rate_memo = [(-1, 0.0)] * (len(QUEUES) + len(CHANNELS))

        self._begin()
        self.advance_to(self.start)

    # ------------------------------------------------------------------ public

    @property
    def now(self) -> int:
        """The simulated second the model has reached (epoch seconds)."""
        return self.t

    def sync(self) -> int:
        """Advance to the clock's now (never backwards); returns the model time."""
        target = int(self.clock.now().timestamp())
        if target > self.t:
            self.advance_to(target)
        return self.t

    def advance_to(self, target: int) -> None:
        heap = self._heap
        handlers = self._handlers
        pop = heapq.heappop
        while heap and heap[0][0] <= target:
            t, _, kind, a, b = pop(heap)
            self.t = t
            handlers[kind](t, a, b)
        self.t = max(self.t, target)

    def rename(self, agent_id: str, name: str) -> None:
        agent = self._by_id[agent_id]
        agent.name = name
        agent.p.name = name
        agent.cache = None

    def roster(self, day: date) -> list[RosterLine]:
        lines = self._rosters.get(day)
        if lines is None:
            lines = roster_for(self.profiles, day, self.seed, self.tb)
            self._rosters[day] = lines
        return lines

    def today(self) -> date:
        return self.tb.day_of(self.t)

    # ------------------------------------------------------------------ set-up

    def _push(self, t: int, kind: int, a: object = None, b: object = None) -> None:
        heapq.heappush(self._heap, (t, next(self._seq), kind, a, b))

    def _begin(self) -> None:
        self._handlers: tuple[Handler, ...] = (
            self._on_login,
            self._on_logout,
            self._on_aux_wish,
            self._on_end_contact,
            self._on_end_acw,
            self._on_end_aux,
            self._on_arrival,
            self._on_abandon,
            self._on_nv_arrival,
            self._on_midnight,
        )
        t0 = self.t
        start_day = self.tb.day_of(self.start)
        first_day = self.tb.day_of(t0)
        self.incidents[start_day] = draw_incidents(
            self.start,
            self.roster(start_day),
            self.roster(start_day - timedelta(days=1)),
            self.profiles,
            random.Random(f"{self.seed}:incidents:{self.start}"),
        )
        day = first_day - timedelta(days=1)
        while day <= start_day:
            self._plan_day(day, t0)
            day += timedelta(days=1)
        for s in range(len(QUEUES)):
            self._push(t0, E_ARRIVAL, s, True)
        for s in range(len(CHANNELS)):
            self._push(t0, E_NV_ARRIVAL, s, True)
        self._push(self.tb.midnight(first_day + timedelta(days=1)), E_MIDNIGHT, first_day)

    def _day_incidents(self, day: date) -> Incidents:
        inc = self.incidents.get(day)
        if inc is None:
            rng = random.Random(f"{self.seed}:incidents:{day.isoformat()}")
            anchor = self.tb.at_minutes(day, 9 * 60 + 30 + rng.randint(0, 6 * 60))
            inc = draw_incidents(
                anchor, self.roster(day), self.roster(day - timedelta(days=1)), self.profiles, rng
            )
            self.incidents[day] = inc
        return inc

    def _plan_day(self, day: date, t0: int) -> None:
        """Schedule the sessions of `day`'s roster that are not over by `t0`."""
        inc = self._day_incidents(day)
        self._spikes.extend(inc.spikes)
        midnight = self.tb.midnight(day)
        plans: list[SessionPlan] = []
        for line in self.roster(day):
            if line.status != "scheduled" or line.idx in inc.no_show:
                continue
            p = self.profiles[line.idx]
            rng = random.Random(f"{self.seed}:plan:{day.isoformat()}:{line.idx}")
            plan = plan_session(line, p.kind, midnight, rng)
            if line.idx in inc.late:
                plan.login = inc.late[line.idx]
                plan.agenda = [x for x in plan.agenda if x[1] != "BRIEFING"]
            if line.idx in inc.early_out:
                plan.logout = inc.early_out[line.idx]
            if line.idx in inc.extra_aux:
                plan.agenda = sorted(plan.agenda + inc.extra_aux[line.idx])
            plans.append(plan)
        for idx, (t_in, t_out) in inc.unrostered.items():
            plans.append(SessionPlan(idx, t_in, t_out, []))
        session_base = day.toordinal() * 100_000
        for plan in plans:
            if plan.logout <= t0:
                continue
            sid = session_base + plan.idx
            if plan.login < t0:  # already at work when the simulation begins
                self._login(self.agents[plan.idx], t0, sid, logged_in_at=plan.login)
            else:
                self._push(plan.login, E_LOGIN, plan.idx, sid)
            for t, code, dur in plan.agenda:
                if t >= t0:
                    self._push(t, E_AUX, plan.idx, (sid, code, dur))
            self._push(plan.logout, E_LOGOUT, plan.idx, sid)

    # ------------------------------------------------------------------ arrival rates

    def _rate_table(self, day_key: int) -> list[list[float]]:
        table = self._rates.get(day_key)
        if table is None:
            day = date.fromordinal(719_163 + day_key)
            lines = [*self.roster(day - timedelta(days=1)), *self.roster(day)]
            table = day_rates(day, lines, self.profiles, self.tb, self.seed)
            self._rates[day_key] = table
            if len(self._rates) > 4:
                del self._rates[min(self._rates)]
        return table

    def forecast(self, day: date, interval_minutes: int = 30) -> list[tuple[str, float, float]]:
        """The day's voice forecast as a planner would have it: ("HH:MM", calls, AHT) per
        interval from the arrival rates the simulator runs on (without incidents)."""
        table = self._rate_table(day.toordinal() - 719_163)
        rows = []
        for m0 in range(0, 1440, interval_minutes):
            calls = sum(table[MAIN][m] + table[VIP][m] for m in range(m0, m0 + interval_minutes))
            rows.append((f"{m0 // 60:02d}:{m0 % 60:02d}", calls * 60, VOICE_AHT))
        return rows

    def forecast_queues(
        self, day: date, interval_minutes: int = 30
    ) -> dict[str, list[tuple[str, float, float]]]:
        """`forecast` per voice queue (queue id -> ("HH:MM", calls, AHT) per interval), from
        each queue's own arrival rates."""
        table = self._rate_table(day.toordinal() - 719_163)
        out: dict[str, list[tuple[str, float, float]]] = {}
        for stream, (queue_id, _) in zip((MAIN, VIP), QUEUES, strict=True):
            rates = table[stream]
            out[queue_id] = [
                (
                    f"{m0 // 60:02d}:{m0 % 60:02d}",
                    sum(rates[m] for m in range(m0, m0 + interval_minutes)) * 60,
                    VOICE_AHT,
                )
                for m0 in range(0, 1440, interval_minutes)
            ]
        return out

    def _rate(self, stream: int, t: int) -> float:
        minute = t // 60
        cached = self._rate_memo[stream]
        if cached[0] == minute:
            return cached[1]
        local = self.tb.local(t)
        table = self._rate_table(local // DAY)
        m = (local % DAY) // 60
        rate = table[stream][m]
        if stream == MAIN:
            for a, b, overload in self._spikes:  # spikes start and end on whole minutes
                if a <= t < b and rate > 0:
                    rate *= spike_factor(rate + table[VIP][m], table[STAFF][m], overload)
        self._rate_memo[stream] = (minute, rate)
        return rate

    def _next_arrival(self, stream: int, t: int, kind: int) -> None:
        """Poisson arrivals; the rate is re-read at each arrival (minute resolution)."""
        rate = self._rate(stream, t)
        if rate <= 0:
            self._arr_acc[stream] = float(t - t % 60 + 60)
            self._push(t - t % 60 + 60, kind, stream - (kind == E_NV_ARRIVAL) * len(QUEUES), True)
            return
        acc = self._arr_acc[stream]
        if acc < t - 1:  # after a quiet spell; otherwise keep the fraction of a second
            acc = float(t)
        acc += self._rng.expovariate(rate)
        self._arr_acc[stream] = acc
        s = stream - len(QUEUES) if kind == E_NV_ARRIVAL else stream
        self._push(math.ceil(acc), kind, s, False)

    # ------------------------------------------------------------------ counts

    def _vbuckets(self, q: int, t: int) -> tuple[list[int], list[int]]:
        local = self.tb.local(t)
        k1 = (q, local - local % INTERVAL)
        k2 = (q, local // DAY)
        b1 = self._vint.get(k1)
        if b1 is None:
            b1 = self._vint[k1] = [0] * 10
        b2 = self._vday.get(k2)
        if b2 is None:
            b2 = self._vday[k2] = [0] * 10
        return b1, b2

    def _nbuckets(self, c: int, t: int) -> tuple[list[int], list[int]]:
        local = self.tb.local(t)
        k1 = (c, local - local % INTERVAL)
        k2 = (c, local // DAY)
        b1 = self._nint.get(k1)
        if b1 is None:
            b1 = self._nint[k1] = [0] * 5
        b2 = self._nday.get(k2)
        if b2 is None:
            b2 = self._nday[k2] = [0] * 5
        return b1, b2

    def voice_counts(self, q: int, t: int) -> tuple[int, list[int], list[int]]:
        """(interval start as local seconds, interval counts, today counts) at `t`."""
        local = self.tb.local(t)
        start = local - local % INTERVAL
        return (
            start,
            self._vint.get((q, start), [0] * 10),
            self._vday.get((q, local // DAY), [0] * 10),
        )

    def nonvoice_counts(self, c: int, t: int) -> tuple[int, list[int], list[int]]:
        local = self.tb.local(t)
        start = local - local % INTERVAL
        return (
            start,
            self._nint.get((c, start), [0] * 5),
            self._nday.get((c, local // DAY), [0] * 5),
        )

    def voice_now(self, q: int) -> tuple[int, int, int, int]:
        """(waiting, longest wait, agents available, agents on contact)."""
        calls = self._calls[q]
        while calls and calls[0][1] != WAITING:
            calls.popleft()
        longest = self.t - calls[0][0] if calls else 0
        return self._waiting[q], longest, len(self._idle_voice), self._on_contact[q]

    def nonvoice_now(self, c: int) -> tuple[int, int]:
        waiting = self._nv_wait[c]
        return len(waiting), (self.t - waiting[0][0]) if waiting else 0

    # ------------------------------------------------------------------ agent transitions

    def _login(self, a: AgentSim, t: int, sid: int, logged_in_at: int | None = None) -> None:
        if a.state != "logged_out":
            return
        at = t if logged_in_at is None else logged_in_at
        a.session = sid
        a.login_at = at
        a.logout_at = None
        if a.first_login is None and self.tb.day_key(at) == self.tb.day_key(t):
            a.first_login = at  # `today` counts only today's logins
        a.pending.clear()
        a.pending_logout = False
        self._set(a, "available", t)
        self._become_free(a, t)

    def _logout(self, a: AgentSim, t: int) -> None:
        self._leave_idle(a)
        if a.state == "aux":
            self._close_aux(a, t)
        a.session = None
        a.login_at = None
        a.logout_at = t
        a.last_logout = t
        a.pending.clear()
        a.pending_logout = False
        self._set(a, "logged_out", t)

    def _set(self, a: AgentSim, state: str, t: int, code: str | None = None) -> None:
        a.state = state
        a.aux_code = code
        a.since = t
        a.ver += 1
        a.cache = None

    def _leave_idle(self, a: AgentSim) -> None:
        if a.state != "available":
            return
        if a.p.kind == VOICE:
            self._idle_voice.pop(a.p.idx, None)
        else:
            self._idle_nv[a.p.kind].pop(a.p.idx, None)

    def _start_aux(self, a: AgentSim, t: int, code: str, dur: int) -> None:
        self._leave_idle(a)
        self._set(a, "aux", t, code)
        a.aux_cnt[code] = a.aux_cnt.get(code, 0) + 1
        self._push(t + max(1, dur), E_END_AUX, a, a.ver)

    def _close_aux(self, a: AgentSim, t: int) -> None:
        code = a.aux_code or "?"
        midnight_local = self.tb.local(t) // DAY * DAY
        counted_from = max(self.tb.local(a.since), midnight_local)
        a.aux_secs[code] = a.aux_secs.get(code, 0) + max(0, self.tb.local(t) - counted_from)

    def _become_free(self, a: AgentSim, t: int) -> None:
        """After login, ACW or AUX: logout, pending AUX, else take work or wait idle."""
        if a.pending_logout:
            self._logout(a, t)
            return
        if a.pending:
            code, dur = a.pending.popleft()
            self._start_aux(a, t, code, dur)
            return
        if a.state != "available":
            self._set(a, "available", t)
        idx = a.p.idx
        if a.p.kind == VOICE:
            if self._waiting[VIP]:  # the priority queue goes first
                self._answer(a, VIP, t)
            elif self._waiting[MAIN]:
                self._answer(a, MAIN, t)
            else:
                self._idle_voice[idx] = None
        else:
            c = self._oldest_nonvoice(a.p.kind)
            if c is None:
                self._idle_nv[a.p.kind][idx] = None
            else:
                arrived, b1, b2 = self._nv_wait[c].popleft()
                self._nv_start(a, c, arrived, b1, b2, t)

    def _oldest_nonvoice(self, kind: str) -> int | None:
        if kind == EMAIL:
            return NV_EMAIL if self._nv_wait[NV_EMAIL] else None
        chat, wa = self._nv_wait[NV_CHAT], self._nv_wait[NV_WA]
        if chat and (not wa or chat[0][0] <= wa[0][0]):
            return NV_CHAT
        return NV_WA if wa else None

    # ------------------------------------------------------------------ contacts

    def _answer(self, a: AgentSim, q: int, t: int) -> None:
        calls = self._calls[q]
        caller = calls.popleft()
        while caller[1] != WAITING:
            caller = calls.popleft()
        caller[1] = ANSWERED
        self._waiting[q] -= 1
        self._connect(a, q, caller, t)

    def _connect(self, a: AgentSim, q: int, caller: Caller, t: int) -> None:
        wait = t - caller[0]
        talk, hold, acw = voice_handle(self._rng)
        for b in (caller[2], caller[3]):
            b[ANS] += 1
            b[WSL] += wait <= SL_SECONDS
            b[WAIT] += wait
            b[TLK] += talk
            b[HLD] += hold
            b[ACW] += acw
            b[HND] += talk + hold + acw
        self._leave_idle(a)
        self._set(a, "on_contact", t)
        a.on_stream = q
        self._on_contact[q] += 1
        self._push(t + talk + hold, E_END_CONTACT, a, (a.ver, acw))

    def _nv_start(
        self, a: AgentSim, c: int, arrived: int, b1: list[int], b2: list[int], t: int
    ) -> None:
        delay, handle, acw = nonvoice_handle(CHANNELS[c][0], self._rng)
        wait = t - arrived
        for b in (b1, b2):
            b[RSP] += 1
            b[FRS] += wait + delay
            b[NHD] += 1
            b[NHS] += handle
        self._leave_idle(a)
        self._set(a, "on_contact", t)
        a.on_stream = -1
        self._push(t + handle, E_END_CONTACT, a, (a.ver, acw))

    # ------------------------------------------------------------------ event handlers

    def _on_login(self, t: int, idx: int, sid: int) -> None:
        self._login(self.agents[idx], t, sid)

    def _on_logout(self, t: int, idx: int, sid: int) -> None:
        a = self.agents[idx]
        if a.session != sid or a.state == "logged_out":
            return
        if a.state in ("on_contact", "acw"):
            a.pending_logout = True  # finish the contact first
        else:
            self._logout(a, t)

    def _on_aux_wish(self, t: int, idx: int, wish: tuple[int, str, int]) -> None:
        a = self.agents[idx]
        sid, code, dur = wish
        if a.session != sid or a.state == "logged_out" or a.pending_logout:
            return
        if a.state == "available":
            self._start_aux(a, t, code, dur)
        else:
            a.pending.append((code, dur))

    def _on_end_contact(self, t: int, a: AgentSim, data: tuple[int, int]) -> None:
        ver, acw = data
        if a.ver != ver:
            return
        if a.on_stream >= 0:
            self._on_contact[a.on_stream] -= 1
            a.on_stream = -1
        a.handled += 1
        self._set(a, "acw", t)
        self._push(t + acw, E_END_ACW, a, a.ver)

    def _on_end_acw(self, t: int, a: AgentSim, ver: int) -> None:
        if a.ver == ver:
            self._become_free(a, t)

    def _on_end_aux(self, t: int, a: AgentSim, ver: int) -> None:
        if a.ver != ver:
            return
        self._close_aux(a, t)
        self._set(a, "available", t)
        self._become_free(a, t)

    def _on_arrival(self, t: int, q: int, probe: bool) -> None:
        self._next_arrival(q, t, E_ARRIVAL)
        if probe:
            return
        b1, b2 = self._vbuckets(q, t)
        b1[OFF] += 1
        b2[OFF] += 1
        rng = self._rng
        caller = [t, WAITING, b1, b2]
        if rng.random() < QUICK_HANGUP_P:  # hangs up during the greeting
            self._calls[q].append(caller)
            self._waiting[q] += 1
            self._push(t + rng.randint(1, SHORT_ABANDON - 1), E_ABANDON, q, caller)
            return
        idle = self._idle_voice
        if idle:
            idx = next(iter(idle))
            caller[1] = ANSWERED
            self._connect(self.agents[idx], q, caller, t)
            return
        self._calls[q].append(caller)
        self._waiting[q] += 1
        self._push(t + patience(rng), E_ABANDON, q, caller)

    def _on_abandon(self, t: int, q: int, caller: Caller) -> None:
        if caller[1] != WAITING:
            return
        caller[1] = ABANDONED
        self._waiting[q] -= 1
        short = (t - caller[0]) < SHORT_ABANDON
        for b in (caller[2], caller[3]):
            b[ABD] += 1
            b[SAB] += short

    def _on_nv_arrival(self, t: int, c: int, probe: bool) -> None:
        self._next_arrival(len(QUEUES) + c, t, E_NV_ARRIVAL)
        if probe:
            return
        b1, b2 = self._nbuckets(c, t)
        b1[REC] += 1
        b2[REC] += 1
        idle = self._idle_nv[EMAIL if c == NV_EMAIL else CHAT]
        if idle:
            idx = next(iter(idle))
            self._nv_start(self.agents[idx], c, t, b1, b2, t)
        else:
            self._nv_wait[c].append((t, b1, b2))

    def _on_midnight(self, t: int, prev_day: date, _: None) -> None:
        """A new day: today's tallies restart, the day's roster is planned."""
        day = prev_day + timedelta(days=1)
        for a in self.agents:
            a.aux_secs = {}
            a.aux_cnt = {a.aux_code: 1} if a.state == "aux" and a.aux_code else {}
            a.handled = 0
            # only logins of the new day count; a session carried over midnight keeps its
            # login_at (yesterday), so the app can tell it belongs to yesterday's shift
            a.first_login = None
            a.last_logout = None
            a.cache = None
        if day > self.tb.day_of(self.start):
            self._plan_day(day, t)
        self._push(self.tb.midnight(day + timedelta(days=1)), E_MIDNIGHT, day)
        cutoff = (self.tb.local(t) // DAY - 2) * DAY  # keep two days of interval history
        for store in (self._vint, self._nint):
            for key in [k for k in store if k[1] < cutoff]:
                del store[key]
