"""Injected failures, so the client's error handling can be seen and tested.

`FaultSpec.parse("5xx=0.1,timeout=0.05,malformed=0.02,401=0.01,429=0.05")`: each request
draws one fault (or none) at these rates from a random stream seeded by the simulator's
seed, so a run is repeatable request by request.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

# spec key -> field
_KEYS = {
    "5xx": "server_error",
    "timeout": "timeout",
    "malformed": "malformed",
    "401": "unauthorized",
    "429": "rate_limited",
    "timeout_seconds": "timeout_seconds",
    "retry_after": "retry_after",
}
KINDS = ("unauthorized", "rate_limited", "server_error", "timeout", "malformed")


@dataclass(frozen=True, slots=True)
class FaultSpec:
    server_error: float = 0.0  # 500, or 503 with Retry-After
    timeout: float = 0.0  # the answer comes after `timeout_seconds` (past any client timeout)
    malformed: float = 0.0  # 200 with a truncated JSON body
    unauthorized: float = 0.0  # 401 although the token is right
    rate_limited: float = 0.0  # 429 with Retry-After
    timeout_seconds: float = 30.0
    retry_after: int = 2

    def __post_init__(self) -> None:
        total = 0.0
        for kind in KINDS:
            rate = getattr(self, kind)
            if not 0.0 <= rate <= 1.0:
                raise ValueError(f"fault rate {kind}={rate} is not between 0 and 1")
            total += rate
        if total > 1.0 + 1e-9:
            raise ValueError(f"fault rates add up to {total:g}, more than 1")
        if self.timeout_seconds < 0 or self.retry_after < 0:
            raise ValueError("timeout_seconds and retry_after must be >= 0")

    @classmethod
    def parse(cls, spec: str) -> FaultSpec:
        """`key=value` pairs separated by commas; keys: 5xx, timeout, malformed, 401,
        429 (rates 0..1), timeout_seconds, retry_after. Empty = no faults."""
        values: dict[str, float] = {}
        for part in spec.replace(";", ",").split(","):
            part = part.strip()
            if not part:
                continue
            key, sep, raw = part.partition("=")
            key = key.strip().lower()
            if not sep or key not in _KEYS:
                known = ", ".join(_KEYS)
                raise ValueError(f"fault spec: {part!r} is not key=value with a key in {known}")
            try:
                values[_KEYS[key]] = float(raw)
            except ValueError:
                raise ValueError(f"fault spec: {key}={raw.strip()!r} is not a number") from None
        if "retry_after" in values:
            values["retry_after"] = int(values["retry_after"])
        return cls(**values)  # type: ignore[arg-type]

    @property
    def active(self) -> bool:
        return any(getattr(self, kind) > 0 for kind in KINDS)

    def draw(self, rng: random.Random) -> str | None:
        """The fault for one request (a name from KINDS) or None."""
        u = rng.random()
        for kind in KINDS:
            u -= getattr(self, kind)
            if u < 0:
                return kind
        return None
