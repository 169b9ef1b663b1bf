"""`rtm simulate`: serve the simulated Omnichannel API over HTTP with uvicorn."""

from __future__ import annotations

import argparse
import socket
import sys
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from rtm_tui.clock import Clock, FastClock
from rtm_tui.simulator.asgi import make_asgi_app
from rtm_tui.simulator.engine import Simulator
from rtm_tui.simulator.faults import FaultSpec

MAX_AGENTS = 10_000


def _fail(message: str) -> int:
    print(f"rtm simulate: {message}", file=sys.stderr)
    return 2


def main(args: argparse.Namespace, settings: Any = None) -> int:
    import uvicorn  # only this command needs it

    try:
        tz = ZoneInfo(args.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return _fail(f"--timezone {args.timezone!r} is not an IANA time zone")
    if not 1 <= args.agents <= MAX_AGENTS:
        return _fail(f"--agents must be between 1 and {MAX_AGENTS}")
    if not args.speed > 0:
        return _fail("--speed must be more than 0")
    try:
        faults = FaultSpec.parse(args.faults or "")
    except ValueError as exc:
        return _fail(str(exc))

    clock = Clock(tz) if args.speed == 1 else FastClock(datetime.now(tz), args.speed)
    sim = Simulator(agents=args.agents, seed=args.seed, clock=clock, tz=tz)
    app = make_asgi_app(sim, token=args.token, faults=faults if faults.active else None)

    # Bind first, so the URL printed is already answering (and --port 0 shows the real port).
    family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((args.host, args.port))
    except OSError as exc:
        sock.close()
        return _fail(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}")
    sock.listen(128)
    port = sock.getsockname()[1]
    host = f"[{args.host}]" if family == socket.AF_INET6 else args.host
    notes = [f"{args.agents} agents", f"seed {args.seed}", f"speed {args.speed:g}x"]
    notes.append("token required" if args.token else "any token")
    if faults.active:
        notes.append(f"faults {args.faults}")
    print(f"http://{host}:{port}/api/v1  ({', '.join(notes)}; Ctrl+C stops)", flush=True)

    config = uvicorn.Config(app, log_level="warning", lifespan="on", access_log=False)
    server = uvicorn.Server(config)
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
    return 0
