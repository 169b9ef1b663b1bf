"""The fast staffing search of rtm_tui.domain.erlang_a (issue 13's speed) against the plain
one it replaced: Erlang B carried up from 0 for every interval, Erlang C's N the first
above the traffic meeting the target, Erlang A's N by bisection on [0, N_C] (and stepping
up past N_C when short patience keeps SL(N_C) under the target). The fast search starts
from the last answers' shape and keeps Erlang B tables per traffic; its answers, and the
floats of the series and of Erlang B, must be the plain ones exactly, whatever the
starting points."""

from __future__ import annotations

import math
import random

import pytest

from rtm_tui.domain import erlang, erlang_a
from rtm_tui.domain.erlang_a import performance, staffing_c_and_a


def plain_ln_a(x: float, y: float) -> float:
    """The series as first written: one loop, both tests at every term."""
    if y <= 0:
        return 0.0
    total = term = 1.0
    shift = 0.0
    k = 0
    while True:
        k += 1
        term *= y / (x + k)
        total += term
        if total > 1e250:
            total /= 1e250
            term /= 1e250
            shift += math.log(1e250)
        if term < 1e-17 * total and k > y - x:
            return math.log(total) + shift


def plain_staffing(
    calls: float, aht: float, patience: float | None, seconds: float, t: float, target: float
) -> tuple[int, int]:
    a = erlang.traffic(calls, aht, seconds)
    bs = [1.0]
    b = 1.0
    n = 0
    while True:
        n += 1
        ab = a * b
        b = ab / (n + ab)
        bs.append(b)
        if n > a:
            c = n * b / (n - a * (1.0 - b))
            if 1.0 - c * math.exp(-(n - a) * t / aht) >= target:
                n_c = n
                break
    if patience is None:
        return n_c, n_c
    lam, mu, theta = calls / seconds, 1.0 / aht, 1.0 / patience

    def sl(n: int) -> float:
        return erlang_a._sl(bs[n], n, lam, mu, theta, t)

    if sl(n_c) < target:
        n = n_c
        while n < n_c * 4 + 10:
            n += 1
            ab = a * bs[-1]
            bs.append(ab / (n + ab))
            if sl(n) >= target:
                return n_c, n
        return n_c, n
    lo, hi = 0, n_c
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if sl(mid) >= target:
            hi = mid
        else:
            lo = mid
    return n_c, hi


def _forget() -> None:
    staffing_c_and_a.cache_clear()
    for kept in (erlang_a._B_TABLES, erlang_a._C_HINTS, erlang_a._A_HINTS):
        kept.clear()


def _grid(seed: int) -> list[tuple[float, float, float | None, float, float, float]]:
    rnd = random.Random(seed)
    cases: list[tuple[float, float, float | None, float, float, float]] = []
    for calls in (0.7, 4, 19, 75, 240, 900, 2600, 7400, 12500):
        for aht in (45.0, 180.0, 280.0, 600.0):
            for patience in (None, 5.0, 20.0, 95.0, 294.0, 1500.0):
                for t in (0.0, 20.0, 60.0):
                    for target in (0.5, 0.8, 0.95):
                        calls_i = round(calls * rnd.uniform(0.9, 1.1), 6)
                        cases.append((calls_i, aht, patience, 1800.0, t, target))
    return cases


@pytest.mark.parametrize("order", ["ascending", "shuffled"])
def test_fast_search_equals_the_plain_one_on_a_grid_of_loads(order: str) -> None:
    _forget()
    cases = _grid(13)
    if order == "shuffled":  # starting points left by unrelated loads
        random.Random(7).shuffle(cases)
    for case in cases:
        assert staffing_c_and_a(*case) == plain_staffing(*case), case
    # a day's intervals (neighbours: the starting points are good) and its rerun
    day = [(2000 * 0.9 * (0.15 + 0.85 * math.exp(-(((i - 22) / 9) ** 2))) * 1800 / 280)
           for i in range(48)]  # fmt: skip
    for calls in day:
        case = (round(calls, 6), 285.6, 294.0, 1800.0, 20.0, 0.8)
        assert staffing_c_and_a(*case) == plain_staffing(*case), case
    _forget()


@pytest.mark.parametrize(("beta", "share"), [(0.0, 0.0), (40.0, 0.95), (-5.0, -3.0)])
def test_misleading_starting_points_give_the_same_answers(beta: float, share: float) -> None:
    for case in _grid(5)[::7]:
        _forget()
        calls, aht, patience, _, t, target = case
        erlang_a._C_HINTS[(aht, t, target)] = beta
        if patience is not None:
            erlang_a._A_HINTS[(aht, patience, t, target)] = share
        assert staffing_c_and_a(*case) == plain_staffing(*case), case
    _forget()


def test_the_series_is_the_plain_sum_to_the_last_bit() -> None:
    rnd = random.Random(3)
    for _ in range(600):
        x = rnd.choice([rnd.uniform(0.01, 50), rnd.uniform(1, 5000), rnd.uniform(0, 3e4)])
        y = rnd.choice([rnd.uniform(0.01, 50), x * rnd.uniform(0.5, 1.5), rnd.uniform(0, 6e4)])
        assert erlang_a._ln_a(x, y) == plain_ln_a(x, y), (x, y)
    # the integer boundaries of the two loops: y − x just under, at and over an integer
    for x, y in [(10.0, 13.0), (10.0, 12.999999), (10.0, 13.000001), (3.0, 3.5), (7.0, 7.0)]:
        assert erlang_a._ln_a(x, y) == plain_ln_a(x, y), (x, y)


def test_erlang_b_tables_give_erlang_b_to_the_last_bit() -> None:
    _forget()
    a = 1234.5678
    # asked in a jumbled order: each answer carried on from what the table already has
    for n in (5, 1300, 17, 1301, 2500, 0, 1):
        assert erlang_a._erlang_b(a, n) == erlang.erlang_b(a, n)
    lam, aht = 3.7, 280.0
    for n in (1000, 1040, 1100, 990):
        p = performance(lam, aht, 120.0, n, 20, with_asa=False)
        erlang_a._B_TABLES.clear()
        assert performance(lam, aht, 120.0, n, 20, with_asa=False) == p
    _forget()
