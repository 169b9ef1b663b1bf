"""Clocks: the app and the simulator read time only through one of these."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta, tzinfo


class Clock:
    """Wall clock in a timezone."""

    def __init__(self, tz: tzinfo = UTC) -> None:
        self.tz = tz

    def now(self) -> datetime:
        return datetime.now(self.tz)


class FastClock(Clock):
    """Starts at `start` and runs `speed` times faster than real time."""

    def __init__(self, start: datetime, speed: float = 1.0) -> None:
        assert start.tzinfo is not None, "start must be timezone-aware"
        super().__init__(start.tzinfo)
        self.start = start
        self.speed = speed
        self._t0 = time.monotonic()

    def now(self) -> datetime:
        return self.start + timedelta(seconds=(time.monotonic() - self._t0) * self.speed)


class FrozenClock(Clock):
    """For tests and snapshots: time moves only when told."""

    def __init__(self, at: datetime) -> None:
        assert at.tzinfo is not None, "at must be timezone-aware"
        super().__init__(at.tzinfo)
        self.at = at

    def now(self) -> datetime:
        return self.at

    def advance(self, seconds: float) -> None:
        self.at = self.at + timedelta(seconds=seconds)
