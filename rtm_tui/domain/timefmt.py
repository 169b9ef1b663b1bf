"""The one reader of clock times typed by people: config, CLI flags, roster cells, forms.

"07:30" and "07.30" (the Indonesian habit) both read as 07:30; seconds ("07:30:00")
where a file may carry them; "24:00" only where an end time may mean midnight.
"""

from __future__ import annotations

import re
from datetime import time

_TIME_RE = re.compile(r"(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?")


def parse_hhmm(text: str, *, allow_seconds: bool = False, allow_24: bool = False) -> time | None:
    """`text` as a time of day, or None when it is not one."""
    m = _TIME_RE.fullmatch(text.strip())
    if m is None or (m[3] is not None and not allow_seconds):
        return None
    h, mi, s = int(m[1]), int(m[2]), int(m[3] or 0)
    if allow_24 and (h, mi, s) == (24, 0, 0):
        return time(0, 0)
    if h > 23 or mi > 59 or s > 59:
        return None
    return time(h, mi, s)
