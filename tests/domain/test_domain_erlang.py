"""Erlang C against kpi.md's check values, edge cases and big N."""

from __future__ import annotations

import math

import pytest

from rtm_tui.domain.erlang import (
    agents_needed,
    asa,
    erlang_b,
    erlang_c,
    scheduled_needed,
    service_level,
    traffic,
)


def test_check_values_10_erlang() -> None:
    assert service_level(10, 13, 180, 20) == pytest.approx(0.7956, abs=5e-5)
    assert service_level(10, 14, 180, 20) == pytest.approx(0.8884, abs=5e-5)
    assert asa(10, 14, 180) == pytest.approx(7.84, abs=5e-3)
    assert agents_needed(10, 180, 20, 0.80) == 14
    assert scheduled_needed(14, 0.30) == 20


def test_check_values_48_erlang() -> None:
    assert service_level(48, 54, 240, 20) == pytest.approx(0.8172, abs=5e-5)
    assert service_level(48, 55, 240, 15) == pytest.approx(0.8459, abs=5e-5)
    assert service_level(48, 55, 240, 20) == pytest.approx(0.8668, abs=5e-5)
    assert asa(48, 55, 240) == pytest.approx(8.18, abs=5e-3)
    assert agents_needed(48, 240, 20, 0.80) == 54


def test_traffic() -> None:
    assert traffic(100, 180, 1800) == 10.0
    with pytest.raises(ValueError):
        traffic(1, 1, 0)


def test_erlang_c_matches_the_factorial_formula_for_small_n() -> None:
    a, n = 7.5, 10
    top = a**n / math.factorial(n) * n / (n - a)
    expected = top / (sum(a**k / math.factorial(k) for k in range(n)) + top)
    assert erlang_c(a, n) == pytest.approx(expected, rel=1e-12)


def test_not_enough_agents_means_everyone_waits() -> None:
    assert erlang_c(10, 10) == 1.0
    assert erlang_c(10, 9) == 1.0
    assert service_level(10, 10, 180, 20) == 0.0
    assert asa(10, 10, 180) == math.inf
    assert erlang_c(10.5, 11) < 1.0


def test_no_traffic() -> None:
    assert erlang_c(0, 5) == 0.0
    assert service_level(0, 0, 180, 20) == 1.0
    assert agents_needed(0, 180, 20, 0.8) == 0
    assert erlang_b(0, 0) == 1.0


def test_thousands_of_agents_sane() -> None:
    # speed is measured by benchmarks/bench_domain.py, not asserted here
    n = agents_needed(2000, 180, 20, 0.80)
    assert 2000 < n < 2100
    assert service_level(2000, n, 180, 20) >= 0.80 > service_level(2000, n - 1, 180, 20)
    # huge traffic stays finite (no overflow) and SL moves the right way
    assert 0.0 <= erlang_c(50_000, 50_300) <= 1.0
    assert service_level(50_000, 50_300, 180, 20) > service_level(50_000, 50_100, 180, 20)
    # tiny traffic with many agents underflows gracefully to "nobody waits"
    assert erlang_c(0.01, 5000) == 0.0


def test_scheduled_needed_rounding_and_errors() -> None:
    assert scheduled_needed(14, 0.0) == 14
    assert scheduled_needed(15, 0.30) == 22  # 21.43 -> 22
    with pytest.raises(ValueError):
        scheduled_needed(10, 1.0)
    with pytest.raises(ValueError):
        agents_needed(10, 180, 20, 80)  # percent instead of a fraction
