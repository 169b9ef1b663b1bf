"""Bytes the app writes to the terminal, measured through a pseudo-terminal.

    python benchmarks/bench_terminal.py                      # 160x48, 20 s warm-up, 60 s
    python benchmarks/bench_terminal.py --size 120x36 --seconds 30 --runs 3
    python benchmarks/bench_terminal.py --dump /tmp/rtm.out  # keep the measured bytes

What an SSH link must carry: the real `rtm demo` (60 agents, its store in a temp folder)
runs under a pty of the given size; after the warm-up every byte it writes is counted over
--seconds, with the child's CPU time (utime + stime from /proc) over the same window. The
floors run the same way in the same run:

- "floor, idle": a Textual app of the same size that draws a screen once and does nothing
  (what Textual costs when nothing changes);
- "floor, clock": the same app with one 8-character clock label updated every second (the
  least a live dashboard can send).

Runs alternate (app, floors, app, ...) so a load change on the shared machine touches all.
The terminal is answered as a terminal would (cursor position, device attributes).
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import shutil
import signal
import statistics
import struct
import sys
import tempfile
import termios
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_BYTES_PER_S = 4096.0

FLOOR_APP = r"""
import sys
from datetime import datetime
from textual.app import App, ComposeResult
from textual.widgets import Static

class Floor(App[None]):
    CSS = "Screen { background: $surface; } #clock { dock: top; height: 1; }"

    def __init__(self, clock: bool) -> None:
        super().__init__()
        self.clock = clock

    def compose(self) -> ComposeResult:
        yield Static("--:--:--", id="clock")
        yield Static("floor " * 400)

    def on_mount(self) -> None:
        if self.clock:
            self.set_interval(1.0, self.tick)

    def tick(self) -> None:
        self.query_one("#clock", Static).update(datetime.now().strftime("%H:%M:%S"))

Floor(sys.argv[1] == "clock").run()
"""


def cpu_seconds(pid: int) -> float:
    """utime + stime of `pid` (its threads included), in seconds."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# queries Textual may send, and what a terminal answers
_ANSWERS = {
    b"\x1b[6n": lambda rows, cols: f"\x1b[{rows};1R".encode(),
    b"\x1b[c": lambda rows, cols: b"\x1b[?62;22c",
}


def measure(
    argv: Sequence[str],
    *,
    size: tuple[int, int],
    warmup: float,
    seconds: float,
    env: dict[str, str],
    dump: Path | None = None,
) -> dict[str, float]:
    cols, rows = size
    pid, fd = pty.fork()
    if pid == 0:  # child: the pty is its controlling terminal
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        os.chdir(ROOT)
        os.execvpe(argv[0], list(argv), env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    started = time.perf_counter()
    counted = 0
    measuring = False
    cpu0 = 0.0
    t0 = 0.0
    out = bytearray()
    try:
        while True:
            now = time.perf_counter()
            if not measuring and now - started >= warmup:
                measuring, t0, cpu0 = True, now, cpu_seconds(pid)
            if measuring and now - t0 >= seconds:
                break
            ready, _, _ = select.select([fd], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # the child is gone
                raise RuntimeError(f"{argv} exited early") from None
            for query, answer in _ANSWERS.items():
                if query in chunk:
                    os.write(fd, answer(rows, cols))
            if measuring:
                counted += len(chunk)
                if dump is not None:
                    out += chunk
        wall = time.perf_counter() - t0
        cpu = cpu_seconds(pid) - cpu0
    finally:
        os.kill(pid, signal.SIGTERM)
        deadline = time.perf_counter() + 5
        while time.perf_counter() < deadline:
            try:  # keep the pty drained so the child can exit
                if select.select([fd], [], [], 0.1)[0]:
                    os.read(fd, 65536)
            except OSError:
                break
            if os.waitpid(pid, os.WNOHANG)[0]:
                break
        else:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        os.close(fd)
    if dump is not None:
        dump.write_bytes(bytes(out))
    return {"bytes_per_s": counted / wall, "cpu_ms_per_s": cpu / wall * 1000}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", default="160x48")
    parser.add_argument("--warmup", type=float, default=20.0)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--agents", type=int, default=60)
    parser.add_argument("--start", default="07:20", help="the demo's simulated start, HH:MM")
    parser.add_argument("--dump", type=Path, help="write the app's measured bytes here")
    parser.add_argument("--no-floor", action="store_true")
    args = parser.parse_args(argv)
    cols, rows = (int(v) for v in args.size.split("x"))

    home = Path(tempfile.mkdtemp(prefix="rtm-bench-term-"))
    env = {
        **os.environ,
        "TERM": "xterm-256color",
        "COLORTERM": "truecolor",
        "RTM_DATA_DIR": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),  # no user config: the defaults
        "PYTHONPATH": str(ROOT),
    }
    env.pop("RTM_CONFIG", None)
    env.pop("TEXTUAL", None)
    floor_file = home / "floor.py"
    floor_file.write_text(FLOOR_APP)
    kinds = {
        "rtm demo": [sys.executable, "-m", "rtm_tui.cli", "demo", "--agents", str(args.agents)]
        + ["--start", args.start],
    }
    if not args.no_floor:
        kinds["floor, idle"] = [sys.executable, str(floor_file), "idle"]
        kinds["floor, clock"] = [sys.executable, str(floor_file), "clock"]
    results: dict[str, list[dict[str, float]]] = {k: [] for k in kinds}
    try:
        for run in range(args.runs):
            for kind, command in kinds.items():
                print(f"run {run + 1}/{args.runs}: {kind} ...", file=sys.stderr, flush=True)
                dump = args.dump if kind == "rtm demo" and run == 0 else None
                results[kind].append(
                    measure(
                        command,
                        size=(cols, rows),
                        warmup=args.warmup,
                        seconds=args.seconds,
                        env=env,
                        dump=dump,
                    )
                )
    finally:
        shutil.rmtree(home, ignore_errors=True)

    print(f"| {args.size}, steady state | target | " + " | ".join(kinds) + " |")
    print("|---|---|" + "---|" * len(kinds))
    for key, label, target in (
        ("bytes_per_s", "bytes to the terminal per second (median)", TARGET_BYTES_PER_S),
        ("cpu_ms_per_s", "process CPU per second (median), ms", None),
    ):
        cells = [label, f"<= {target:,.0f}" if target else ""]
        for kind in kinds:
            values = [r[key] for r in results[kind]]
            spread = f" ({min(values):,.0f}–{max(values):,.0f})" if len(values) > 1 else ""
            cells.append(f"{statistics.median(values):,.0f}{spread}")
        print("| " + " | ".join(cells) + " |")
    load = os.getloadavg()
    print(
        f"\n{args.agents} agents, `rtm demo --start {args.start}`, warm-up {args.warmup:g} s, "
        f"{args.seconds:g} s measured, {args.runs} run(s) each, alternating; "
        f"{os.cpu_count()} CPUs, load average {load[0]:.1f} at the end."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
