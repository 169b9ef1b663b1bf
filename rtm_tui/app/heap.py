"""The garbage collector, set for a dashboard that holds a large heap all shift (issue 12).

With CPython's default thresholds (700, 10, 10) a 2,000-agent poll, which allocates
tens of thousands of short-lived containers, set off a young collection every few
milliseconds and a full one every ~10 s; a full collection walks the whole heap (the
monitor's tracks, the roster, the simulator in a demo): 100-300 ms with the event loop
stopped, the stalls seen once a minute or more. Measured with the store on
(`benchmarks/bench_dashboard.py`, 2,000 agents, 5 simulated minutes, a loaded machine):
12 s of collections at the defaults, the longest 0.6 s; with these settings about a
quarter of that, the longest under 0.1 s.

GEN0 is a trade, measured: a young collection's pause grows with it (it frees what
died in between: at 25,000, 25-75 ms each under load, and a poll callback of the tests
took 100 ms), and so does the garbage waiting for it (at 50,000 the demo's heap grew
~100 MB in 5 minutes: httpx's in-process ASGI responses are reference cycles holding
their ~0.8 MB bodies). 10,000 kept the heap as at the defaults, with a third of their
collection time and the longest pause about half.
"""

from __future__ import annotations

import gc

GEN0, GEN1, GEN2 = 10_000, 10, 10

_settled = False


def tune() -> None:
    gc.set_threshold(GEN0, GEN1, GEN2)


def settle() -> None:
    """Freeze the heap as it is (once a process; later calls do nothing)."""
    global _settled
    if _settled:
        return
    _settled = True
    gc.freeze()
