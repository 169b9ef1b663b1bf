"""The metrics tests run the real app on the simulator: the UI tests' helpers apply."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ui"))


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, str | None]:
    """(url, password) of an empty database: a SQLite file, or one on the real PostgreSQL
    server tests/pg_server.py starts (the `pg_database` fixture of tests/conftest.py)."""
    if request.param == "postgres":
        url, password = request.getfixturevalue("pg_database")
        return url, password
    return f"sqlite:{tmp_path / 'data' / 'rtm.sqlite3'}", None
