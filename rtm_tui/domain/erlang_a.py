"""Erlang A (M/M/n+M, "Palm's queue"): Erlang C with callers who hang up when their
patience (exponential, mean `patience` seconds) runs out. Always stable, so it also
answers "what happens with fewer agents than the traffic".

Formulas (Garnett, Mandelbaum & Reiman 2002; Mandelbaum & Zeltyn 2005, "The Palm/Erlang-A
queue, with applications to call centers", §4.4-4.6), with λ calls/s, μ = 1/AHT,
θ = 1/patience, n agents, E = Erlang B(λ/μ, n), x = nμ/θ, y = λ/θ, ρ = y/x and

    A(x, y) = x·e^y·γ(x, y) / y^x = Σ_{k≥0} y^k / ((x+1)(x+2)…(x+k))

(γ the lower incomplete gamma function; the series is what we sum, in floats):

    P(wait)          = A·E / (1 + (A − 1)·E)
    P(abandon|wait)  = 1/(ρ·A) + 1 − 1/ρ
    P(answered within t) = 1 − P(wait) + P(wait)·(S − R(t)),  S = 1 − P(abandon|wait)
    R(t)             = e^{−(nμ+θ)t + y(1−e^{−θt})} · x/(x+1) · A(x+1, y·e^{−θt}) / A(x, y)

R(t) is the share of the waiting callers who are answered after more than t seconds
(R(0) = S). ASA (mean wait of the answered) = P(wait)·∫₀^∞ R(v) dv / (1 − P(abandon)).
With θ → 0 every formula becomes Erlang C's. docs/OUTLOOK.md has the derivation of R
and worked examples.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from functools import lru_cache

from .erlang import MAX_AGENTS, traffic

__all__ = [
    "ErlangA",
    "agents_needed_a",
    "estimate_patience",
    "performance",
    "staffing_c_and_a",
]

MIN_PATIENCE = 5.0  # seconds: below this the estimate is noise (a few early hang-ups)
MAX_PATIENCE = 3600.0
_SCALE = 1e250  # the series is rescaled past this to stay in floats
_LN_SCALE = math.log(_SCALE)
ASA_PANELS = 6  # Simpson panels per dyadic piece of the ASA integral
_MAX_TERMS = 10_000_000  # of the series, only reached for absurd inputs


@dataclass(frozen=True, slots=True)
class ErlangA:
    p_wait: float  # share of callers who wait (0..1)
    p_abandon: float  # share of callers who hang up before an answer (0..1)
    service_level: float  # share answered within t (of all offered, 0..1)
    asa: float  # mean wait of the answered callers, seconds


def _ln_a(x: float, y: float) -> float:
    """ln A(x, y), the series summed term by term (each term y/(x+k) times the last).

    In two loops with the same floats as one: while k <= y − x the terms still rise and
    the stopping test cannot pass, so only the second loop makes it."""
    if y <= 0:
        return 0.0
    total = term = 1.0
    shift = 0.0
    scale, ln_scale = _SCALE, _LN_SCALE
    peak = y - x
    rising = min(int(peak), _MAX_TERMS) if peak >= 1 else 0
    if rising:
        for k in range(1, rising + 1):
            term *= y / (x + k)
            total += term
            if total > scale:
                total /= scale
                term /= scale
                shift += ln_scale
    # past the peak (k > y − x) the terms fall at least geometrically
    for k in range(rising + 1, _MAX_TERMS + 2):
        term *= y / (x + k)
        total += term
        if total > scale:
            total /= scale
            term /= scale
            shift += ln_scale
        if term < 1e-17 * total:
            break
    return math.log(total) + shift  # also past _MAX_TERMS: only for absurd inputs


def _ln_r(t: float, x: float, y: float, theta: float, ln_a: float) -> float:
    u = math.exp(-theta * t)
    return -(x + 1) * theta * t + y * (1.0 - u) + math.log(x / (x + 1)) + _ln_a(x + 1, y * u) - ln_a


def _p_wait(e: float, ln_a: float) -> float:
    # A·E/(1+(A−1)E) written so that a huge A (an overloaded queue) does not overflow
    inv_a = math.exp(-ln_a)
    return e / (e + (1.0 - e) * inv_a)


def _served_given_wait(rho: float, ln_a: float) -> float:
    return (1.0 - math.exp(-ln_a)) / rho


def _sl(e: float, n: int, lam: float, mu: float, theta: float, t: float) -> float:
    x, y = n * mu / theta, lam / theta
    ln_a = _ln_a(x, y)
    pw = _p_wait(e, ln_a)
    s = _served_given_wait(y / x, ln_a)
    r = math.exp(_ln_r(t, x, y, theta, ln_a)) if t > 0 else s
    return (1.0 - pw) + pw * max(0.0, s - r)


def performance(
    calls_per_second: float,
    aht: float,
    patience: float,
    agents: int,
    t: float,
    with_asa: bool = True,
) -> ErlangA:
    """Erlang A's figures for `agents` agents (any number, also fewer than the traffic).
    `with_asa=False` skips the ASA's integral (most of the cost): asa is then nan."""
    if aht <= 0 or patience <= 0:
        raise ValueError("aht and patience must be > 0")
    if agents < 0:
        raise ValueError("agents must be >= 0")
    lam, mu, theta = calls_per_second, 1.0 / aht, 1.0 / patience
    if lam <= 0:
        return ErlangA(0.0, 0.0, 1.0, 0.0)
    if agents == 0:
        return ErlangA(1.0, 1.0, 0.0, 0.0)
    n = agents
    x, y = n * mu / theta, lam / theta
    ln_a = _ln_a(x, y)
    pw = _p_wait(_erlang_b(lam / mu, n), ln_a)
    s = _served_given_wait(y / x, ln_a)
    p_ab = pw * (1.0 - s)
    r_t = math.exp(_ln_r(t, x, y, theta, ln_a)) if t > 0 else s
    sl = (1.0 - pw) + pw * max(0.0, s - r_t)
    if not with_asa:
        return ErlangA(pw, p_ab, sl, math.nan)

    # ∫₀^∞ R(v) dv by Simpson's rule on dyadic pieces [0, e], [e, 2e], [2e, 4e], …
    # (R falls about exponentially: each piece gets the same few panels) until R is
    # negligible
    def r_at(v: float) -> float:
        return math.exp(_ln_r(v, x, y, theta, ln_a))

    lo, hi = 0.0, 1.0 / (n * mu + theta)
    acc = 0.0
    floor = 1e-10 * max(s, 1e-300)
    r_lo = s
    while True:
        h = (hi - lo) / ASA_PANELS
        piece = r_lo
        for i in range(1, ASA_PANELS):
            piece += (4 if i % 2 else 2) * r_at(lo + i * h)
        r_hi = r_at(hi)
        acc += (piece + r_hi) * h / 3.0
        if r_hi < floor or hi > 1e7:
            break
        lo, hi, r_lo = hi, 2.0 * hi, r_hi
    waited_answered = pw * acc
    answered = 1.0 - p_ab
    return ErlangA(pw, p_ab, sl, waited_answered / answered if answered > 0 else math.inf)


def estimate_patience(
    abandoned: float, answered: float, answer_wait_seconds: float
) -> float | None:
    """Mean patience (seconds) from today's calls: total time waited ÷ callers who hung up
    (the maximum-likelihood estimate for exponential patience, Mandelbaum & Zeltyn §5).
    The platform gives the waits of the answered only; an abandoned caller is taken to
    have waited as long as the average answered one. None: no abandon today (patience
    unknown, Erlang A is then Erlang C)."""
    if abandoned <= 0 or answered <= 0:
        return None
    asa = answer_wait_seconds / answered
    waited = answer_wait_seconds + abandoned * asa
    if waited <= 0:
        return MIN_PATIENCE
    return min(MAX_PATIENCE, max(MIN_PATIENCE, waited / abandoned))


def agents_needed_a(
    calls: float, aht: float, patience: float, interval_seconds: float, t: float, target: float
) -> int:
    """Smallest n whose Erlang A service level (answered within t of all offered)
    reaches `target`; 0 without calls."""
    return staffing_c_and_a(calls, aht, patience, interval_seconds, t, target)[1]


@lru_cache(maxsize=4096)
def staffing_c_and_a(
    calls: float,
    aht: float,
    patience: float | None,
    interval_seconds: float,
    t: float,
    target: float,
) -> tuple[int, int]:
    """(Erlang C's N, Erlang A's N) for one interval, with one Erlang B recurrence for
    both. Without a patience Erlang A's N is Erlang C's. Cached: the outlook asks for the
    same intervals every poll and they change only when an interval closes."""
    if not 0 < target < 1:
        raise ValueError("target must be a fraction between 0 and 1 (e.g. 0.8)")
    a = traffic(calls, aht, interval_seconds) if aht > 0 else 0.0
    if a <= 0:
        return 0, 0
    n_c = _erlang_c_n(a, aht, t, target)
    if patience is None:
        return n_c, n_c
    return n_c, _erlang_a_n(a, n_c, calls / interval_seconds, aht, patience, t, target)


# The searches start from the last answer's shape: Erlang C's N as a + β·√a with the
# last β, Erlang A's as Erlang C's minus the same share of it as last time (neighbouring
# intervals differ little). Only a starting point: SL grows with N, so any start gives
# the same N (tests/domain/test_domain_erlang_a.py checks against the plain searches).
_C_HINTS: dict[tuple[float, float, float], float] = {}
_A_HINTS: dict[tuple[float, float, float, float], float] = {}
_B_TABLES: dict[float, list[float]] = {}
_B_TABLES_MAX = 128  # traffic values kept (2,000 agents: 16 kB of floats each)
_B_LOCK = threading.Lock()
_B_CHUNK = 16


def _b_table(a: float, n: int) -> list[float]:
    """[B(a, 0), …, B(a, m)] with m >= n: the Erlang B recurrence (as erlang.erlang_b,
    the same floats) carried on from the table kept for this traffic, so asking for more
    agents continues where the last question stopped."""
    with _B_LOCK:
        bs = _B_TABLES.get(a)
        if bs is None:
            if len(_B_TABLES) >= _B_TABLES_MAX:
                del _B_TABLES[next(iter(_B_TABLES))]  # the oldest
            bs = _B_TABLES[a] = [1.0]
        m = len(bs) - 1
        if m < n:
            b = bs[m]
            append = bs.append
            for k in range(m + 1, n + 1):
                ab = a * b
                b = ab / (k + ab)
                append(b)
        return bs


def _erlang_b(a: float, n: int) -> float:
    return _b_table(a, n)[n]


def _erlang_c_n(a: float, aht: float, t: float, target: float) -> int:
    """The first N above the traffic whose Erlang C SL(t) meets the target."""
    first = math.floor(a) + 1
    if first > MAX_AGENTS:
        raise ValueError(f"more than {MAX_AGENTS} agents needed")
    key = (aht, t, target)
    beta = _C_HINTS.get(key)
    n = first if beta is None else max(first, math.floor(a + beta * math.sqrt(a)))
    n = min(n, MAX_AGENTS)
    bs = _b_table(a, n + 1)

    def meets(n: int) -> bool:
        b = bs[n]
        c = n * b / (n - a * (1.0 - b))
        return 1.0 - c * math.exp(-(n - a) * t / aht) >= target

    if meets(n):
        while n > first and meets(n - 1):
            n -= 1
    else:
        while True:
            n += 1
            if n > MAX_AGENTS:
                raise ValueError(f"more than {MAX_AGENTS} agents needed")
            if n >= len(bs):
                bs = _b_table(a, n + _B_CHUNK)
            if meets(n):
                break
    _C_HINTS[key] = (n - a) / math.sqrt(a)
    return n


def _erlang_a_n(
    a: float, n_c: int, lam: float, aht: float, patience: float, t: float, target: float
) -> int:
    """The smallest N whose Erlang A SL(t) meets the target, given Erlang C's N."""
    mu, theta = 1.0 / aht, 1.0 / patience
    bs = _b_table(a, n_c)

    def meets(n: int) -> bool:
        return _sl(bs[n], n, lam, mu, theta, t) >= target

    key = (aht, patience, t, target)
    share = _A_HINTS.get(key)
    guess = n_c if share is None else min(n_c, max(1, n_c - round(share * n_c)))
    if guess < n_c and not meets(guess):
        lo, step = guess, 1  # SL(lo) < target: gallop up towards n_c
        while True:
            m = lo + step
            if m >= n_c:
                hi = n_c
                break
            if meets(m):
                hi = m
                break
            lo, step = m, 2 * step
        if hi == n_c and not meets(n_c):
            hi = 0
    elif guess == n_c and not meets(n_c):
        hi = 0
    else:
        hi = guess  # SL(hi) >= target: gallop down
        step = 1
        while True:
            m = hi - step
            if m < 1:
                lo = 0
                break
            if meets(m):
                hi, step = m, 2 * step
            else:
                lo = m
                break
    if hi == 0:
        # rare (very short patience): callers hang up within t; look above Erlang C's N
        n = n_c
        while n < n_c * 4 + 10:
            n += 1
            if n >= len(bs):
                bs = _b_table(a, n + _B_CHUNK)
            if meets(n):
                break
        return n
    while hi - lo > 1:  # SL(lo) < target <= SL(hi); SL grows with n
        mid = (lo + hi) // 2
        if meets(mid):
            hi = mid
        else:
            lo = mid
    _A_HINTS[key] = (n_c - hi) / n_c
    return hi
