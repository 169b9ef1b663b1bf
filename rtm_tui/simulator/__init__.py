"""A living contact center behind the Omnichannel API contract: for the demo, training,
tests and benchmarks. Speaks only HTTP (JSON it writes itself); imports no other layer
of the app except the clock."""

from rtm_tui.simulator.asgi import make_asgi_app
from rtm_tui.simulator.engine import Simulator
from rtm_tui.simulator.faults import FaultSpec

__all__ = ["FaultSpec", "Simulator", "make_asgi_app"]
