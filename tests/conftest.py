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


# ---------------------------------------------------------------------- PostgreSQL


@pytest.fixture(scope="session")
def pg_server() -> Iterator[object]:
    """A real PostgreSQL server for the whole session (tests/pg_server.py), stopped at the
    end. Skipped, saying why, only when the server binaries or psycopg are missing."""
    from pg_server import PgServer, find_bindir

    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("psycopg is not installed: pip install -e '.[postgres]'")
    bindir = find_bindir()
    if bindir is None:
        pytest.skip(
            "PostgreSQL server binaries (initdb, pg_ctl) not found: install the Debian "
            "postgresql package (.ci/run does)"
        )
    server = PgServer(bindir)
    try:
        server.start()
        yield server
    finally:
        server.stop("immediate")
        server.remove()


@pytest.fixture
def pg_database(pg_server) -> tuple[str, str]:
    """(url, password) of a new, empty database on the session's server."""
    name = pg_server.new_database()
    return pg_server.url(name), pg_server.password


@pytest.fixture
def own_server(pg_server) -> Iterator[object]:
    """A PostgreSQL server of the test's own, to stop and restart (the session's stays up).
    Skipped, as pg_server, when the binaries are missing."""
    from pg_server import PgServer

    server = PgServer(pg_server.bindir)
    try:
        server.start()
        yield server
    finally:
        server.stop("immediate")
        server.remove()
