"""Fixtures shared across test folders."""

from __future__ import annotations

import os
import select
import subprocess
import sys
from collections.abc import Callable, Iterator

import pytest


@pytest.fixture
def rtm_simulate() -> Iterator[Callable[..., str]]:
    """Start `rtm simulate --port 0 ARGS...` as a real process; returns its base URL.
    Every process started is stopped when the test ends."""
    procs: list[subprocess.Popen[bytes]] = []

    def start(*args: str) -> str:
        cmd = [sys.executable, "-m", "rtm_tui.cli", "simulate", "--port", "0", *args]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        procs.append(proc)
        assert proc.stdout is not None
        ready, _, _ = select.select([proc.stdout], [], [], 30)
        assert ready, "rtm simulate printed nothing"
        line = proc.stdout.readline().decode()
        assert line.startswith("http://127.0.0.1:"), line + (
            proc.stderr.read().decode() if proc.stderr else ""
        )
        return line.split()[0]

    yield start
    for proc in procs:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
