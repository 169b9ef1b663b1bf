"""The garbage collector, set for a dashboard that holds a large heap all shift (issue 12).

With CPython's default thresholds (700, 10, 10) a 2,000-agent poll, which allocates
tens of thousands of short-lived containers, set off a young collection every few
milliseconds and a full one every ~10 s; a full collection walks the whole heap (the
monitor's tracks, the roster, the simulator in a demo): 100-300 ms with the event loop
stopped, the stalls seen once a minute or more. Measured with the store on
(`benchmarks/bench_dashboard.py`, 2,000 agents, 5 simulated minutes, a loaded machine):
12 s of collections at the defaults, the longest 0.6 s; about 0.4 s with these settings.

GEN0 is a trade: at 50,000 the collections all but stopped but the demo's heap grew by
~100 MB in 5 minutes (httpx's in-process ASGI responses are reference cycles holding
their ~0.8 MB bodies until a collection finds them); at 25,000 it grew ~14 MB.

- `tune()` (at start): a young collection every GEN0 net allocations, not 700; most of a
  poll's garbage is freed by reference counting before then and never promoted.
- `settle()` (once the first agents poll is folded): what is alive then (the monitor's
  tracks, the roster, the modules) goes to the permanent generation, which collections
  do not walk. Not collected first: that would be the one full collection we avoid.
"""

from __future__ import annotations

import gc

GEN0, GEN1, GEN2 = 25_000, 10, 10

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
