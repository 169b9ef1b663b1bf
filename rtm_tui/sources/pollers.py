"""Pollers: one per endpoint, each fetching on its own schedule.

A poller fetches, hands the result to `on_data`, then waits before the next fetch; the
wait starts only when the fetch has ended, so one poller never has two requests out at
once. How long it waits depends on what happened:

| outcome                                   | next poll after                               |
|-------------------------------------------|-----------------------------------------------|
| success                                   | `interval`                                    |
| contract error (bad payload)              | `interval` (last good data kept)              |
| timeout, 5xx, network, body too large,    | backoff: uniform(0, min(cap, interval*2**n)), |
| 429 without a usable Retry-After          | full jitter, at least `min_delay`             |
| 429/503 with Retry-After > 0              | max(min(Retry-After, 5 min), interval)        |
| 401/403 credentials rejected              | max(`auth_retry` = 60 s, interval)            |

A Retry-After that is zero, negative, in the past or unreadable is no Retry-After at all
(the client reports None): a rate-limiting server is never polled at full speed.

`poll_now()` cuts the current wait short (the sources screen's retry key); while a fetch is running it
does nothing, since that fetch is the fresh data. Errors never escape `run()`: they are
kept in `freshness` and passed to `on_error`, and the last good data stays where it is.
Time and randomness are injected (`now`/`clock`, `rng`, `sleep`) so tests run fast.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import random
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, Literal, Protocol, TypeVar

from rtm_tui.sources.client import SourceError
from rtm_tui.sources.sanitise import clean, scrub

log = logging.getLogger(__name__)

T = TypeVar("T")
Level = Literal["fresh", "late", "stale", "never"]

LATE_AFTER_INTERVALS = 2  # data older than 2 intervals (+ slack) is late
STALE_AFTER_INTERVALS = 5  # older than 5 intervals (+ slack) is stale
STALE_AFTER_FAILURES = 3  # three failed polls in a row: stale whatever the age
SLACK_SECONDS = 5.0  # room for a slow answer before data counts as late

BACKOFF_CAP_SECONDS = 60.0
AUTH_RETRY_SECONDS = 60.0
# A server's Retry-After is honoured up to 5 minutes. It used to be an hour, so one
# `Retry-After: 999999999` froze a source for an hour: longer than a TL can go without
# agent states (two whole 30-min KPI intervals), and a misconfigured proxy
# says such things. 5 min still takes the load off a struggling platform (150 agents
# polls at the default 2 s); past it the poller asks again, and the TL can retry at
# once from the sources screen. A source polled less often than that (the roster,
# 300 s by default) keeps its interval: a Retry-After never makes a poll come sooner.
MAX_RETRY_AFTER_SECONDS = 300.0


class _HasNow(Protocol):
    def now(self) -> datetime: ...


@dataclass(frozen=True, slots=True)
class Freshness:
    """How current one source's data is. `last_error*` describe the current problem and
    are cleared by the next success."""

    last_success: datetime | None = None
    last_error: str | None = None
    last_error_at: datetime | None = None
    consecutive_failures: int = 0
    interval: float = 0.0
    last_error_kind: str | None = None

    def level(self, now: datetime, interval: float | None = None) -> Level:
        """ "never": no data yet; "stale": too old or failing repeatedly; "late": older
        than expected; else "fresh"."""
        if self.last_success is None:
            return "never"
        every = self.interval if interval is None else interval
        age = (now - self.last_success).total_seconds()
        if (
            self.consecutive_failures >= STALE_AFTER_FAILURES
            or age > STALE_AFTER_INTERVALS * every + SLACK_SECONDS
        ):
            return "stale"
        if age > LATE_AFTER_INTERVALS * every + SLACK_SECONDS:
            return "late"
        return "fresh"

    def age_seconds(self, now: datetime) -> float | None:
        return None if self.last_success is None else (now - self.last_success).total_seconds()


class Poller(Generic[T]):
    """Polls `fetch` every `interval` seconds (see the module docstring for retries)."""

    def __init__(
        self,
        name: str,
        fetch: Callable[[], Awaitable[T]],
        interval: float,
        on_data: Callable[[T], Any],
        on_error: Callable[[SourceError], Any] | None = None,
        *,
        now: Callable[[], datetime] | None = None,
        clock: _HasNow | None = None,
        rng: random.Random | None = None,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        backoff_cap: float = BACKOFF_CAP_SECONDS,
        auth_retry: float = AUTH_RETRY_SECONDS,
        min_delay: float = 1.0,
    ) -> None:
        if interval <= 0:
            raise ValueError(f"{name}: interval must be > 0 seconds, got {interval}")
        self.name = name
        self.interval = float(interval)
        self._fetch = fetch
        self._on_data = on_data
        self._on_error = on_error
        if now is None:
            now = clock.now if clock is not None else (lambda: datetime.now(UTC))
        self._now = now
        self._rng = rng or random.Random()
        self._sleep = sleep
        self.backoff_cap = max(backoff_cap, self.interval)
        self.auth_retry = max(auth_retry, self.interval)
        self.min_delay = min(min_delay, self.interval)

        self._freshness = Freshness(interval=self.interval)
        self._last_data: T | None = None
        self._last_error: SourceError | None = None
        self._running = False
        self._in_flight = False
        self._stopped = False
        self._wake = asyncio.Event()
        self.next_delay: float | None = None  # the wait chosen after the last poll

    def __repr__(self) -> str:
        return f"Poller({self.name!r}, interval={self.interval:g})"

    # ------------------------------------------------------------------ state

    @property
    def freshness(self) -> Freshness:
        return self._freshness

    @property
    def last_data(self) -> T | None:
        """The last good data (kept through any number of failures)."""
        return self._last_data

    @property
    def last_error(self) -> SourceError | None:
        return self._last_error

    @property
    def running(self) -> bool:
        return self._running

    @property
    def in_flight(self) -> bool:
        return self._in_flight

    # ------------------------------------------------------------------ control

    def poll_now(self) -> bool:
        """Poll at once instead of waiting. False if a fetch is already running."""
        if self._in_flight or self._stopped:
            return False
        self._wake.set()
        return True

    def stop(self) -> None:
        """End `run()` after the current wait or fetch (a running fetch is not delivered)."""
        self._stopped = True
        self._wake.set()

    async def run(self) -> None:
        """Poll until `stop()` (or cancellation). Never raises for fetch errors."""
        if self._running:
            raise RuntimeError(f"poller {self.name!r} is already running")
        self._running = True
        self._stopped = False
        try:
            while not self._stopped:
                self._wake.clear()
                delay = await self.poll_once()
                if self._stopped:
                    break
                await self._wait(delay)
        finally:
            self._running = False

    async def poll_once(self) -> float:
        """One fetch with its bookkeeping; returns the wait before the next one."""
        self._in_flight = True
        error: SourceError | None
        try:
            data = await self._fetch()
        except SourceError as exc:
            error = exc
        except Exception as exc:  # a bug or an unexpected library error: keep polling
            # library errors quote what they refused (h11: "Illegal header value
            # b'Bearer ...'"): scrubbed first, then cut, in the text and in the log
            _log_scrubbed(f"poller {self.name}: unexpected error", exc)
            text = clean(scrub(f"unexpected error ({type(exc).__name__}: {exc})"), 200)
            error = SourceError(self.name, "server", text)
        else:
            error = None
        finally:
            self._in_flight = False
        if self._stopped:
            return 0.0
        if error is None:
            await self._succeeded(data)
        else:
            await self._failed(error)
        self.next_delay = self._delay_after(error)
        return self.next_delay

    # ------------------------------------------------------------------ internals

    async def _succeeded(self, data: T) -> None:
        if self._freshness.consecutive_failures:
            log.info("poller %s: recovered", self.name)
        self._last_data = data
        self._last_error = None
        self._freshness = Freshness(last_success=self._now(), interval=self.interval)
        await self._call(self._on_data, data)

    async def _failed(self, error: SourceError) -> None:
        previous = self._freshness
        self._last_error = error
        self._freshness = Freshness(
            last_success=previous.last_success,
            last_error=error.message,
            last_error_at=self._now(),
            consecutive_failures=previous.consecutive_failures + 1,
            interval=self.interval,
            last_error_kind=error.kind,
        )
        # one warning per new problem, not one per retry
        level = logging.WARNING if previous.last_error != error.message else logging.DEBUG
        log.log(level, "poller %s: %s", self.name, error)
        if self._on_error is not None:
            await self._call(self._on_error, error)

    def _delay_after(self, error: SourceError | None) -> float:
        if error is None or error.kind == "contract":
            return self.interval
        if error.kind == "auth":
            return self.auth_retry
        retry_after = error.retry_after
        if error.kind == "rate_limited" and retry_after is not None and retry_after > 0:
            # never sooner than the normal interval (the cap does not shorten it either)
            return max(min(retry_after, MAX_RETRY_AFTER_SECONDS), self.interval)
        return self.backoff(self._freshness.consecutive_failures)

    def backoff(self, failures: int) -> float:
        """Full-jitter exponential backoff after `failures` failures in a row (>= 1)."""
        ceiling = min(self.backoff_cap, self.interval * 2.0 ** min(failures, 32))
        return max(self.min_delay, self._rng.uniform(0.0, ceiling))

    async def _wait(self, delay: float) -> None:
        if delay <= 0 or self._wake.is_set():
            return
        sleeper = asyncio.ensure_future(self._sleep(delay))
        waker = asyncio.ensure_future(self._wake.wait())
        try:
            await asyncio.wait({sleeper, waker}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            sleeper.cancel()
            waker.cancel()
            await asyncio.gather(sleeper, waker, return_exceptions=True)

    async def _call(self, callback: Callable[[Any], Any], arg: Any) -> None:
        # a failing callback (a UI bug) must not stop the polling
        try:
            result = callback(arg)
            if inspect.isawaitable(result):
                await result
        except Exception as exc:
            _log_scrubbed(f"poller {self.name}: callback {callback!r} failed", exc)


def _log_scrubbed(message: str, exc: BaseException) -> None:
    """`log.exception`, with the API token scrubbed from the message and traceback."""
    trace = "".join(traceback.format_exception(exc)).rstrip()
    log.error("%s\n%s", scrub(message), scrub(trace))
