"""Erlang A (M/M/n+M) against values that do not come from our formulas:

- patience → ∞ is Erlang C: the check values of shared/contract/kpi.md (also in
  test_domain_erlang.py): A = 10 E, AHT 180 s, T = 20 s: N = 13 SL 0.7956, N = 14 SL
  0.8884 and ASA 7.84 s; A = 48 E, AHT 240 s, N = 55: SL(15 s) 0.8459, SL(20 s) 0.8668,
  ASA 8.18 s.
- patience = AHT (θ = μ) makes the number of callers in the system Poisson with mean
  A, as in M/M/∞ (Garnett, Mandelbaum & Reiman 2002, "Designing a call center with
  impatient customers", M&SOM 4(3); Mandelbaum & Zeltyn 2005, "The Palm/Erlang-A queue,
  with applications to call centers", §3): P(wait) = P(Poisson(A) ≥ n) and
  P(abandon) = E[(L − n)+] / A.
- any patience: the birth-death chain of the model solved numerically here (stationary
  distribution truncated far out; the waiting time by integrating the tagged caller's
  chain), independent of the incomplete-gamma formulas the module uses.
"""

from __future__ import annotations

import math

import pytest

from rtm_tui.domain import erlang
from rtm_tui.domain.erlang_a import (
    agents_needed_a,
    estimate_patience,
    performance,
    staffing_c_and_a,
)

INFINITE = 1e12  # seconds of patience: nobody hangs up


@pytest.mark.parametrize(
    ("a", "aht", "n", "t", "sl", "asa"),
    [
        (10, 180, 13, 20, 0.7956, None),
        (10, 180, 14, 20, 0.8884, 7.84),
        (48, 240, 55, 15, 0.8459, None),
        (48, 240, 55, 20, 0.8668, 8.18),
    ],
)
def test_without_abandons_it_is_erlang_c(
    a: float, aht: float, n: int, t: float, sl: float, asa: float | None
) -> None:
    p = performance(a / aht, aht, INFINITE, n, t)
    assert p.service_level == pytest.approx(sl, abs=5e-5)
    assert p.p_wait == pytest.approx(erlang.erlang_c(a, n), rel=1e-6)
    assert p.p_abandon == pytest.approx(0.0, abs=1e-6)
    if asa is not None:
        assert p.asa == pytest.approx(asa, abs=5e-3)


@pytest.mark.parametrize(("a", "n"), [(10.0, 8), (10.0, 12), (40.0, 38), (40.0, 50)])
def test_patience_equal_to_aht_is_poisson(a: float, n: int) -> None:
    aht = 200.0
    p = performance(a / aht, aht, aht, n, 20)
    pois = [math.exp(-a)]
    for k in range(1, 400):
        pois.append(pois[-1] * a / k)
    assert p.p_wait == pytest.approx(sum(pois[n:]), rel=1e-9)
    assert p.p_abandon == pytest.approx(sum((k - n) * pois[k] for k in range(n, 400)) / a, rel=1e-9)


def _chain(lam: float, mu: float, theta: float, n: int, t: float) -> tuple[float, float, float]:
    """(P(wait), P(abandon), P(answered within t)) from the birth-death chain."""
    size = n + 400
    w = [1.0]
    for k in range(1, size):
        w.append(w[-1] * lam / (k * mu if k <= n else n * mu + (k - n) * theta))
    z = sum(w)
    pi = [x / z for x in w]
    p_wait = sum(pi[n:])
    p_ab = sum((k - n) * theta * pi[k] for k in range(n, size)) / lam
    # the tagged caller who found j waiting: j → j−1 at nμ + jθ, answered from 0 at nμ,
    # gone at θ; integrated with RK4
    x = [pi[n + j] for j in range(size - n)]
    served = 0.0
    steps = 4000
    h = t / steps

    def deriv(v: list[float]) -> tuple[list[float], float]:
        last = len(v) - 1
        d = [
            -(n * mu + i * theta + theta) * v[i]
            + ((n * mu + (i + 1) * theta) * v[i + 1] if i < last else 0.0)
            for i in range(len(v))
        ]
        return d, n * mu * v[0]

    for _ in range(steps):
        k1, s1 = deriv(x)
        k2, s2 = deriv([a + h / 2 * b for a, b in zip(x, k1, strict=True)])
        k3, s3 = deriv([a + h / 2 * b for a, b in zip(x, k2, strict=True)])
        k4, s4 = deriv([a + h * b for a, b in zip(x, k3, strict=True)])
        x = [
            a + h / 6 * (b + 2 * c + 2 * d + e)
            for a, b, c, d, e in zip(x, k1, k2, k3, k4, strict=True)
        ]
        served += h / 6 * (s1 + 2 * s2 + 2 * s3 + s4)
    return p_wait, p_ab, (1.0 - p_wait) + served


@pytest.mark.parametrize(
    ("calls_per_hour", "aht", "patience", "n"),
    [(400, 180, 60, 18), (600, 180, 90, 25), (600, 180, 90, 35), (300, 300, 240, 20)],
)
def test_matches_the_birth_death_chain(
    calls_per_hour: float, aht: float, patience: float, n: int
) -> None:
    lam = calls_per_hour / 3600
    p = performance(lam, aht, patience, n, 20)
    p_wait, p_ab, sl = _chain(lam, 1 / aht, 1 / patience, n, 20)
    assert p.p_wait == pytest.approx(p_wait, rel=1e-9)
    assert p.p_abandon == pytest.approx(p_ab, rel=1e-9)
    assert p.service_level == pytest.approx(sl, abs=1e-7)


def test_asa_is_the_mean_wait_of_the_answered() -> None:
    # Little and the abandon balance: E[W] over everyone = P(abandon) / θ; the answered
    # and the abandoned share it: E[W] = P(ans)·ASA + E[wait of the abandoned]·P(ab) and
    # with θ → 0 ASA is Erlang C's
    p = performance(600 / 3600, 180, 90, 25, 20)
    assert 0 < p.asa < p.p_abandon * 90 / p.p_wait / (1 - p.p_abandon) * 10
    slow = performance(10 / 180, 180, 1e9, 14, 20)
    assert slow.asa == pytest.approx(erlang.asa(10, 14, 180), rel=1e-4)


def test_overloaded_queue_follows_the_fluid_limit() -> None:
    # 933 E offered to 100 agents: the fluid model (Whitt 2006) has the share nμ/λ answered
    # and the answered wait ln(λ/nμ)/θ (the queue (λ − nμ)/θ drained at λ·e^{−θw})
    lam, aht, patience, n = 3000 / 900, 280.0, 60.0, 100
    p = performance(lam, aht, patience, n, 20)
    served = n / aht / lam
    assert p.p_abandon == pytest.approx(1 - served, abs=0.005)
    assert p.asa == pytest.approx(math.log(1 / served) * patience, rel=0.03)
    assert p.p_wait > 0.999 and 0 <= p.service_level < 1e-6


def test_staffing_c_and_a() -> None:
    # Erlang C's N is the tested one; Erlang A needs no more, and its N is the smallest
    # meeting the target
    n_c, n_a = staffing_c_and_a(200.0, 180.0, 120.0, 1800, 20, 0.8)
    assert n_c == erlang.agents_needed(erlang.traffic(200, 180, 1800), 180, 20, 0.8) == 24
    assert n_a <= n_c
    lam = 200 / 1800
    assert performance(lam, 180, 120, n_a, 20).service_level >= 0.8
    assert performance(lam, 180, 120, n_a - 1, 20).service_level < 0.8
    assert agents_needed_a(200.0, 180.0, 120.0, 1800, 20, 0.8) == n_a
    assert staffing_c_and_a(200.0, 180.0, None, 1800, 20, 0.8) == (n_c, n_c)
    assert staffing_c_and_a(0.0, 180.0, 120.0, 1800, 20, 0.8) == (0, 0)


def test_patience_from_today() -> None:
    # 50 abandons; 950 answered waited 9,500 s (10 s each); the abandoned are taken to
    # have waited 10 s too: (9,500 + 500) / 50 = 200 s
    assert estimate_patience(50, 950, 9500) == 200
    assert estimate_patience(0, 950, 9500) is None
    assert estimate_patience(50, 950, 0) == 5.0  # nobody waited: the floor
