"""Erlang C staffing (shared/contract/kpi.md), in floats without factorials.

The Erlang B recurrence B(0) = 1, B(k) = A·B(k-1) / (k + A·B(k-1)) keeps every term in
(0, 1], so it neither overflows for huge traffic nor loses precision for N in the
thousands; Erlang C follows as C = N·B / (N − A·(1 − B)). Service levels are fractions
0..1 here (0.8 = 80 %), as staffing targets are.
"""

from __future__ import annotations

import math

# agents_needed gives up past this many agents rather than loop forever
MAX_AGENTS = 1_000_000


def traffic(calls: float, aht: float, interval_seconds: float) -> float:
    """Offered traffic in Erlangs: calls × AHT / interval length."""
    if interval_seconds <= 0:
        raise ValueError("interval_seconds must be > 0")
    return calls * aht / interval_seconds


def erlang_b(traffic: float, agents: int) -> float:
    """Blocking probability with `agents` servers and no queue."""
    if agents < 0:
        raise ValueError("agents must be >= 0")
    if traffic <= 0:
        return 0.0 if agents > 0 else 1.0
    b = 1.0
    for k in range(1, agents + 1):
        ab = traffic * b
        b = ab / (k + ab)
    return b


def _c_from_b(b: float, traffic: float, agents: int) -> float:
    return agents * b / (agents - traffic * (1.0 - b))


def erlang_c(traffic: float, agents: int) -> float:
    """P_wait: the probability that a call waits. 1 when agents <= traffic."""
    if traffic <= 0:
        return 0.0
    if agents <= traffic:
        return 1.0
    return _c_from_b(erlang_b(traffic, agents), traffic, agents)


def _sl(p_wait: float, traffic: float, agents: int, aht: float, t: float) -> float:
    return 1.0 - p_wait * math.exp(-(agents - traffic) * t / aht)


def service_level(traffic: float, agents: int, aht: float, t: float) -> float:
    """Share of calls answered within `t` seconds (0..1); 0 when agents <= traffic."""
    if aht <= 0:
        raise ValueError("aht must be > 0")
    if traffic <= 0:
        return 1.0
    if agents <= traffic:
        return 0.0
    return _sl(erlang_c(traffic, agents), traffic, agents, aht, t)


def asa(traffic: float, agents: int, aht: float) -> float:
    """Average speed of answer in seconds; infinite when agents <= traffic."""
    if traffic <= 0:
        return 0.0
    if agents <= traffic:
        return math.inf
    return erlang_c(traffic, agents) * aht / (agents - traffic)


def agents_needed(traffic: float, aht: float, t: float, target: float) -> int:
    """Smallest N (> traffic) with SL(t) >= target; 0 when there is no traffic.

    One pass of the recurrence: B is carried from N to N+1, so the cost is O(answer).
    """
    if not 0 < target < 1:
        raise ValueError("target must be a fraction between 0 and 1 (e.g. 0.8)")
    if aht <= 0:
        raise ValueError("aht must be > 0")
    if traffic <= 0:
        return 0
    n = math.floor(traffic) + 1
    b = erlang_b(traffic, n)
    while n <= MAX_AGENTS:
        if _sl(_c_from_b(b, traffic, n), traffic, n, aht, t) >= target:
            return n
        n += 1
        ab = traffic * b
        b = ab / (n + ab)
    raise ValueError(f"more than {MAX_AGENTS} agents needed")


def scheduled_needed(agents: int, shrinkage: float) -> int:
    """Agents to schedule so that `agents` remain after shrinkage: ceil(N / (1 − s))."""
    if not 0 <= shrinkage < 1:
        raise ValueError("shrinkage must be in [0, 1)")
    # round away float noise first: 14 / 0.7 is 20.000000000000004, not 21 agents
    return math.ceil(round(agents / (1.0 - shrinkage), 9))
