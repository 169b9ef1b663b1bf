"""Integer epoch seconds <-> the site's local time, fast enough for an event loop.

The simulator keeps every instant as integer UTC epoch seconds. Interval buckets and
"today" need local wall time; converting through `datetime` for every event would
dominate the run time, so UTC offsets are cached per hour (time zones change offset on
whole hours in practice).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo

_EPOCH_NAIVE = datetime(1970, 1, 1)
DAY = 86_400


class TimeBase:
    def __init__(self, tz: tzinfo) -> None:
        self.tz = tz
        self._offsets: dict[int, int] = {}
        self._iso: dict[int, str] = {}

    def offset(self, t: int) -> int:
        """UTC offset in seconds at epoch second `t`."""
        hour = t // 3600
        off = self._offsets.get(hour)
        if off is None:
            delta = datetime.fromtimestamp(hour * 3600, self.tz).utcoffset()
            off = int(delta.total_seconds()) if delta is not None else 0
            self._offsets[hour] = off
        return off

    def local(self, t: int) -> int:
        """Local wall time as naive epoch seconds (for day and interval arithmetic)."""
        return t + self.offset(t)

    def day_of(self, t: int) -> date:
        return date.fromordinal(719_163 + self.local(t) // DAY)

    def day_key(self, t: int) -> int:
        """Local day number (days since 1970-01-01 local)."""
        return self.local(t) // DAY

    def at(self, day: date, wall: time) -> int:
        """Epoch second of `wall` on local `day` (a wall time past 24:00 is the next day)."""
        local = datetime.combine(day, wall).replace(tzinfo=self.tz)
        return int(local.timestamp())

    def at_minutes(self, day: date, minutes: int) -> int:
        """Epoch second of local `day` 00:00 plus `minutes` (may exceed a day)."""
        extra, minutes = divmod(minutes, 24 * 60)
        return self.at(day + timedelta(days=extra), time(minutes // 60, minutes % 60))

    def midnight(self, day: date) -> int:
        return self.at(day, time(0, 0))

    def iso(self, t: int) -> str:
        s = self._iso.get(t)
        if s is None:
            if len(self._iso) > 50_000:  # bounded: timestamps of a long run come and go
                self._iso.clear()
            s = datetime.fromtimestamp(t, self.tz).isoformat()
            self._iso[t] = s
        return s

    def iso_local(self, local: int) -> str:
        """ISO string of a local naive epoch second (e.g. an interval start)."""
        naive = _EPOCH_NAIVE + timedelta(seconds=local)
        return naive.replace(tzinfo=self.tz).isoformat()

    @staticmethod
    def epoch(dt: datetime) -> int:
        assert dt.tzinfo is not None
        return int(dt.astimezone(UTC).timestamp())
