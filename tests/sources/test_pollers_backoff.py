"""Poller scheduling, backoff, Retry-After, freshness. Time and sleep are injected: no real waits."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from rtm_tui.sources.client import SourceError
from rtm_tui.sources.pollers import Freshness, Poller

T0 = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)


class FakeTime:
    """`now()` and `sleep()` on one fake timeline: sleeping moves the clock."""

    def __init__(self) -> None:
        self.at = T0
        self.sleeps: list[float] = []

    def now(self) -> datetime:
        return self.at

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.at += timedelta(seconds=seconds)
        await asyncio.sleep(0)


def err(kind: str, retry_after: float | None = None, message: str = "boom") -> SourceError:
    return SourceError("/agents", kind, message, retry_after=retry_after)  # type: ignore[arg-type]


class Script:
    """A fetch that plays outcomes in order (exceptions raised, values returned); called
    once more, it stops the poller (that last call delivers nothing)."""

    def __init__(self, *outcomes: Any) -> None:
        self.outcomes = list(outcomes)
        self.calls = 0
        self.poller: Poller[Any] | None = None

    async def __call__(self) -> Any:
        self.calls += 1
        if not self.outcomes:
            assert self.poller is not None
            self.poller.stop()
            return None
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome


def make(script: Script, interval: float = 5.0, seed: int = 1, **kw: Any):
    clock = FakeTime()
    data: list[Any] = []
    errors: list[SourceError] = []
    poller: Poller[Any] = Poller(
        "agents",
        script,
        interval,
        data.append,
        errors.append,
        now=clock.now,
        rng=random.Random(seed),
        sleep=clock.sleep,
        **kw,
    )
    script.poller = poller
    return poller, clock, data, errors


async def run_script(*outcomes: Any, **kw: Any):
    script = Script(*outcomes, "last")
    poller, clock, data, errors = make(script, **kw)
    await asyncio.wait_for(poller.run(), timeout=5)
    return poller, clock, data, errors


async def test_success_polls_at_interval_and_delivers_data():
    poller, clock, data, errors = await run_script("a", "b", "c", interval=5)
    assert data == ["a", "b", "c", "last"]
    assert errors == []
    assert clock.sleeps == [5.0, 5.0, 5.0, 5.0]
    assert poller.freshness.last_success == T0 + timedelta(seconds=15)
    assert poller.freshness.consecutive_failures == 0
    assert not poller.running


async def test_backoff_grows_and_is_jittered_within_bounds():
    failures = [err("server")] * 8
    poller, clock, data, errors = await run_script(*failures, interval=2, backoff_cap=60)
    waits = clock.sleeps[:8]
    for n, wait in enumerate(waits, start=1):
        ceiling = min(60.0, 2 * 2**n)
        assert 1.0 <= wait <= ceiling, (n, wait, ceiling)
    # full jitter: the waits are not the bare ceilings
    assert len({round(w, 6) for w in waits}) == len(waits)
    assert data == ["last"] and len(errors) == 8


def test_backoff_distribution_fills_the_window():
    poller = Poller("x", lambda: None, 5, print, rng=random.Random(3))  # type: ignore[arg-type]
    samples = [poller.backoff(3) for _ in range(2000)]  # ceiling 40 s
    assert min(samples) >= 1.0 and max(samples) <= 40.0
    assert max(samples) > 36 and sum(samples) / len(samples) == pytest.approx(20, abs=1.5)
    assert all(poller.backoff(20) <= 60.0 for _ in range(200))  # capped


async def test_backoff_for_timeout_and_network_too():
    poller, clock, *_ = await run_script(
        err("timeout"), err("network"), err("timeout"), interval=10
    )
    assert clock.sleeps[0] <= 20 and clock.sleeps[1] <= 40 and clock.sleeps[2] <= 60


async def test_retry_after_is_honoured():
    poller, clock, *_ = await run_script(err("rate_limited", retry_after=42), interval=5)
    assert clock.sleeps[0] == 42.0


async def test_retry_after_shorter_than_interval_waits_the_interval():
    poller, clock, *_ = await run_script(err("rate_limited", retry_after=1), interval=5)
    assert clock.sleeps[0] == 5.0


async def test_huge_retry_after_is_capped_at_five_minutes():
    poller, clock, *_ = await run_script(err("rate_limited", retry_after=86400), interval=5)
    assert clock.sleeps[0] == 300.0


async def test_429_without_retry_after_backs_off():
    poller, clock, *_ = await run_script(err("rate_limited"), interval=5, seed=9)
    assert 1.0 <= clock.sleeps[0] <= 10.0


async def test_auth_error_retries_slowly_and_reports():
    rejected = err("auth", message="credentials rejected")
    poller, clock, data, errors = await run_script(rejected, rejected, interval=5)
    assert clock.sleeps[:2] == [60.0, 60.0]
    assert [e.message for e in errors] == ["credentials rejected"] * 2


async def test_contract_error_keeps_last_good_data_and_retries_at_interval():
    script = Script("good", err("contract", message="agents.3.state: bad"))
    poller, clock, data, errors = make(script, interval=5)
    await asyncio.wait_for(poller.run(), timeout=5)
    assert data == ["good"]
    assert poller.last_data == "good"
    assert poller.freshness.last_error == "agents.3.state: bad"
    assert poller.freshness.last_error_kind == "contract"
    assert clock.sleeps == [5.0, 5.0]


async def test_success_clears_the_error_and_failure_count():
    poller, clock, data, errors = await run_script(err("server"), err("server"), interval=5)
    fresh = poller.freshness
    assert (fresh.consecutive_failures, fresh.last_error, fresh.last_error_at) == (0, None, None)
    assert data == ["last"]


async def test_failures_count_and_error_time():
    script = Script("ok", err("server", message="server error (HTTP 500)"), err("timeout"))
    poller, clock, *_ = make(script, interval=5)
    await asyncio.wait_for(poller.run(), timeout=5)
    f = poller.freshness
    assert f.consecutive_failures == 2
    assert f.last_error == "boom" and f.last_error_kind == "timeout"
    assert f.last_success == T0
    assert f.last_error_at == clock.at - timedelta(seconds=clock.sleeps[-1])


async def test_unexpected_exception_does_not_kill_the_poller():
    poller, clock, data, errors = await run_script(ValueError("bug \x1b[2J"), interval=5)
    assert data == ["last"]
    assert errors[0].kind == "server" and "ValueError" in errors[0].message
    assert "\x1b" not in errors[0].message


async def test_failing_callback_does_not_stop_polling():
    calls: list[str] = []

    def on_data(value: str) -> None:
        calls.append(value)
        raise RuntimeError("ui bug")

    script = Script("a", "b")
    poller = Poller("agents", script, 5, on_data, sleep=FakeTime().sleep)
    script.poller = poller
    await asyncio.wait_for(poller.run(), timeout=5)
    assert calls == ["a", "b"]


async def test_async_callbacks_are_awaited():
    got: list[str] = []

    async def on_data(value: str) -> None:
        await asyncio.sleep(0)
        got.append(value)

    script = Script("a")
    poller = Poller("agents", script, 5, on_data, sleep=FakeTime().sleep)
    script.poller = poller
    await poller.run()
    assert got == ["a"]


# --------------------------------------------------------------------------- never two at once


async def test_never_two_fetches_at_once_even_with_refresh_presses():
    active = 0
    most = 0
    calls = 0
    release = asyncio.Event()

    async def fetch() -> int:
        nonlocal active, most, calls
        calls += 1
        active += 1
        most = max(most, active)
        await release.wait()  # a slow server
        active -= 1
        return calls

    got: list[int] = []
    poller: Poller[int] = Poller("agents", fetch, 5, got.append)  # real sleep: 5 s wait
    task = asyncio.create_task(poller.run())
    await asyncio.sleep(0.01)
    assert poller.in_flight
    assert [poller.poll_now() for _ in range(5)] == [False] * 5  # ignored while fetching
    release.set()
    await asyncio.sleep(0.01)
    assert got == [1] and not poller.in_flight
    release.clear()
    # now waiting 5 s: a refresh press polls at once, repeated presses do not pile up
    assert poller.poll_now() is True
    poller.poll_now()
    await asyncio.sleep(0.01)
    assert calls == 2 and most == 1
    release.set()
    await asyncio.sleep(0.01)
    assert got == [1, 2]
    poller.stop()
    await asyncio.wait_for(task, timeout=1)
    assert most == 1 and calls == 2


async def test_run_twice_is_refused():
    release = asyncio.Event()

    async def fetch() -> None:
        await release.wait()

    poller: Poller[None] = Poller("agents", fetch, 5, lambda _: None)
    task = asyncio.create_task(poller.run())
    await asyncio.sleep(0)
    with pytest.raises(RuntimeError, match="already running"):
        await poller.run()
    poller.stop()
    release.set()
    await asyncio.wait_for(task, timeout=1)


async def test_stop_during_wait_ends_run_promptly():
    poller: Poller[str] = Poller("agents", _const("x"), 300, lambda _: None)
    task = asyncio.create_task(poller.run())
    await asyncio.sleep(0.01)
    poller.stop()
    await asyncio.wait_for(task, timeout=1)
    assert not poller.running


async def test_data_fetched_after_stop_is_not_delivered():
    release = asyncio.Event()
    got: list[str] = []

    async def fetch() -> str:
        await release.wait()
        return "late"

    poller: Poller[str] = Poller("agents", fetch, 5, got.append)
    task = asyncio.create_task(poller.run())
    await asyncio.sleep(0)
    poller.stop()
    release.set()
    await asyncio.wait_for(task, timeout=1)
    assert got == []


async def test_cancelling_run_cancels_cleanly():
    poller: Poller[str] = Poller("agents", _const("x"), 300, lambda _: None)
    task = asyncio.create_task(poller.run())
    await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not poller.running


async def test_one_failing_poller_does_not_affect_another():
    good_clock, bad_clock = FakeTime(), FakeTime()
    good_data: list[str] = []
    bad_data: list[str] = []
    good_script = Script(*["ok"] * 6)
    bad_script = Script(*[err("server")] * 5, ValueError("bug"))
    good = Poller("voice", good_script, 5, good_data.append, sleep=good_clock.sleep)
    bad = Poller("agents", bad_script, 5, bad_data.append, sleep=bad_clock.sleep)
    good_script.poller, bad_script.poller = good, bad
    await asyncio.wait_for(asyncio.gather(good.run(), bad.run()), timeout=5)
    assert good_data == ["ok"] * 6 and good_clock.sleeps == [5.0] * 6
    assert bad_data == [] and bad.freshness.consecutive_failures == 6


def test_clock_object_accepted():
    class Clock:
        def now(self) -> datetime:
            return T0

    poller: Poller[str] = Poller("agents", _const("x"), 5, print, clock=Clock())
    asyncio.run(poller.poll_once())
    assert poller.freshness.last_success == T0


def test_interval_must_be_positive():
    with pytest.raises(ValueError, match="interval"):
        Poller("agents", _const("x"), 0, print)


def _const(value: str):
    async def fetch() -> str:
        return value

    return fetch


# --------------------------------------------------------------------------- freshness levels


def fresh_at(age: float, failures: int = 0, interval: float = 5) -> str:
    f = Freshness(last_success=T0, consecutive_failures=failures, interval=interval, last_error="x")
    return f.level(T0 + timedelta(seconds=age))


def test_freshness_never_without_data():
    assert Freshness().level(T0, 5) == "never"
    assert Freshness(consecutive_failures=9, last_error="down").level(T0, 5) == "never"


@pytest.mark.parametrize(
    ("age", "failures", "level"),
    [
        (0, 0, "fresh"),
        (14.9, 0, "fresh"),  # 2 x 5 s + 5 s slack
        (15.1, 0, "late"),
        (30, 0, "late"),  # 5 x 5 s + 5 s slack
        (30.1, 0, "stale"),
        (3, 1, "fresh"),
        (3, 2, "fresh"),
        (3, 3, "stale"),  # three failures in a row: stale whatever the age
    ],
)
def test_freshness_levels(age, failures, level):
    assert fresh_at(age, failures) == level


def test_freshness_interval_argument_overrides_stored():
    f = Freshness(last_success=T0, interval=5)
    assert f.level(T0 + timedelta(seconds=60)) == "stale"
    assert f.level(T0 + timedelta(seconds=60), interval=60) == "fresh"
    assert f.age_seconds(T0 + timedelta(seconds=60)) == 60


async def test_poller_freshness_follows_the_timeline():
    script = Script("ok", err("server"), err("server"), err("server"))
    poller, clock, *_ = make(script, interval=5)
    await asyncio.wait_for(poller.run(), timeout=5)
    assert poller.freshness.level(clock.now()) == "stale"  # 3 failures
    assert Freshness(last_success=T0, interval=5).level(T0 + timedelta(seconds=16)) == "late"
