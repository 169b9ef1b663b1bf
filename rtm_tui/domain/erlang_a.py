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
from dataclasses import dataclass
from functools import lru_cache

from .erlang import MAX_AGENTS, erlang_b, traffic

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


@dataclass(frozen=True, slots=True)
class ErlangA:
    p_wait: float  # share of callers who wait (0..1)
    p_abandon: float  # share of callers who hang up before an answer (0..1)
    service_level: float  # share answered within t (of all offered, 0..1)
    asa: float  # mean wait of the answered callers, seconds


def _ln_a(x: float, y: float) -> float:
    """ln A(x, y), the series summed term by term (each term y/(x+k) times the last)."""
    if y <= 0:
        return 0.0
    total = term = 1.0
    shift = 0.0
    k = 0
    while True:
        k += 1
        term *= y / (x + k)
        total += term
        if total > _SCALE:
            total /= _SCALE
            term /= _SCALE
            shift += _LN_SCALE
        # past the peak (k > y − x) the terms fall at least geometrically
        if term < 1e-17 * total and k > y - x:
            return math.log(total) + shift
        if k > 10_000_000:  # pragma: no cover - only for absurd inputs
            return math.log(total) + shift


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
    pw = _p_wait(erlang_b(lam / mu, n), ln_a)
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
    # Erlang C: the first N above the traffic meeting the target, B carried up from 0
    bs = [1.0]
    b = 1.0
    n = 0
    n_c = 0
    while n < MAX_AGENTS:
        n += 1
        ab = a * b
        b = ab / (n + ab)
        bs.append(b)
        if n > a:
            c = n * b / (n - a * (1.0 - b))
            if 1.0 - c * math.exp(-(n - a) * t / aht) >= target:
                n_c = n
                break
    else:  # pragma: no cover
        raise ValueError(f"more than {MAX_AGENTS} agents needed")
    if patience is None:
        return n_c, n_c
    lam, mu, theta = calls / interval_seconds, 1.0 / aht, 1.0 / patience
    if _sl(bs[n_c], n_c, lam, mu, theta, t) < target:
        n = n_c  # rare (very short patience): callers hang up within t; look above
        while n < n_c * 4 + 10:
            n += 1
            ab = a * bs[-1]
            bs.append(ab / (n + ab))
            if _sl(bs[n], n, lam, mu, theta, t) >= target:
                return n_c, n
        return n_c, n
    lo, hi = 0, n_c  # SL(lo) < target <= SL(hi); SL grows with n
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if _sl(bs[mid], mid, lam, mu, theta, t) >= target:
            hi = mid
        else:
            lo = mid
    return n_c, hi
