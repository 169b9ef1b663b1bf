"""How much traffic a number of agents carries at a given service level.

The simulated forecast loads each minute with the traffic its staff can carry at a
target service level, so a small night team is not drowned and a large day team is not
idle. Exact Erlang C for small teams, the Halfin-Whitt approximation for large ones.
"""

from __future__ import annotations

import math
from functools import lru_cache


def _erlang_c(traffic: float, agents: int) -> float:
    """Probability that a call waits (Erlang C), via the stable Erlang B recursion."""
    b = 1.0
    for k in range(1, agents + 1):
        b = traffic * b / (k + traffic * b)
    rho = traffic / agents
    return b / (1 - rho + rho * b)


def _halfin_whitt(traffic: float, agents: int) -> float:
    beta = (agents - traffic) / math.sqrt(traffic)
    if beta > 8:  # practically never waits (and the density underflows)
        return 0.0
    density = math.exp(-beta * beta / 2) / math.sqrt(2 * math.pi)
    cumulative = 0.5 * (1 + math.erf(beta / math.sqrt(2)))
    return 1 / (1 + beta * cumulative / density)


def service_level(traffic: float, agents: int, aht: float, seconds: float) -> float:
    if traffic <= 0:
        return 1.0
    if traffic >= agents:
        return 0.0
    wait = _erlang_c(traffic, agents) if agents <= 300 else _halfin_whitt(traffic, agents)
    return 1 - wait * math.exp(-(agents - traffic) * seconds / aht)


@lru_cache(maxsize=4096)
def carried_traffic(agents: int, aht: float, seconds: float, target: float) -> float:
    """The most traffic (Erlangs) `agents` answer with service level >= `target`."""
    if agents <= 0:
        return 0.0
    lo, hi = 0.0, float(agents)
    for _ in range(30):
        mid = (lo + hi) / 2
        if service_level(mid, agents, aht, seconds) >= target:
            lo = mid
        else:
            hi = mid
    return lo
