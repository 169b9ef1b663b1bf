"""A bare ASGI app serving the simulator under /api/v1 (no web framework needed for four
GET endpoints). Runs in-process behind `httpx.ASGITransport` or under uvicorn."""

from __future__ import annotations

import asyncio
import hmac
import random
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import parse_qs

from rtm_tui.simulator.engine import Simulator
from rtm_tui.simulator.faults import FaultSpec
from rtm_tui.simulator.payloads import (
    agents_json,
    encode,
    nonvoice_payload,
    roster_payload,
    voice_payload,
)

PREFIX = "/api/v1"
_BEARER = (b"www-authenticate", b"Bearer")
# the ASGI shapes as the servers and httpx.ASGITransport declare them
Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_ENDPOINTS: dict[str, Callable[[Simulator], bytes]] = {
    "/agents": agents_json,
    "/queues/voice": lambda sim: encode(voice_payload(sim)),
    "/queues/nonvoice": lambda sim: encode(nonvoice_payload(sim)),
}


@dataclass(slots=True)
class _Response:
    status: int
    body: bytes
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)
    delay: float = 0.0  # seconds before answering (the timeout fault)


def _error(
    status: int, error: str, message: str, *headers: tuple[bytes, bytes], delay: float = 0.0
) -> _Response:
    body = encode({"error": error, "message": message})
    return _Response(status, body, list(headers), delay)


def make_asgi_app(
    sim: Simulator, token: str | None = None, faults: FaultSpec | None = None
) -> ASGIApp:
    """`token`: accept only `Authorization: Bearer <token>` (None: any or none).
    `faults`: failures injected at the given rates, repeatable for the simulator's seed."""
    fault_rng = random.Random(f"{sim.seed}:faults")
    expected = f"Bearer {token}".encode() if token is not None else None

    def respond_to(
        method: str, path: str, query: bytes, headers: list[tuple[bytes, bytes]]
    ) -> _Response:
        path = path.rstrip("/") or "/"
        if not path.startswith(PREFIX + "/"):
            return _error(404, "not_found", f"no such path: {path}")
        endpoint = path[len(PREFIX) :]
        if endpoint not in _ENDPOINTS and endpoint != "/roster":
            return _error(404, "not_found", f"no such endpoint: {endpoint}")
        if method not in ("GET", "HEAD"):
            return _error(
                405, "method_not_allowed", f"{method} is not allowed", (b"allow", b"GET, HEAD")
            )
        if expected is not None:
            given = dict(headers).get(b"authorization", b"")
            if not hmac.compare_digest(given, expected):
                return _error(401, "unauthorized", "missing or wrong bearer token", _BEARER)
        fault = faults.draw(fault_rng) if faults is not None and faults.active else None
        if fault is not None:
            assert faults is not None
            retry_after = (b"retry-after", str(faults.retry_after).encode())
            if fault == "unauthorized":
                return _error(401, "unauthorized", "token expired", _BEARER)
            if fault == "rate_limited":
                return _error(429, "rate_limited", "too many requests", retry_after)
            if fault == "server_error":
                if fault_rng.random() < 0.5:
                    return _error(500, "internal", "internal server error")
                return _error(503, "unavailable", "service unavailable", retry_after)
            if fault == "timeout":
                return _error(504, "timeout", "upstream timed out", delay=faults.timeout_seconds)
        if endpoint == "/roster":
            params = parse_qs(query.decode("latin-1"))
            raw = params.get("date", [None])[0]
            if raw is None:
                day = sim.today()
            else:
                try:
                    day = date.fromisoformat(raw)
                    if len(raw) != 10:
                        raise ValueError(raw)
                except ValueError:
                    return _error(400, "bad_request", f"date {raw!r} is not YYYY-MM-DD")
            if abs((day - sim.today()).days) > 31:  # a platform keeps about a month
                return _error(400, "bad_request", f"no roster for {day} (today +- 31 days)")
            body = encode(roster_payload(sim, day))
        else:
            body = _ENDPOINTS[endpoint](sim)
        if fault == "malformed":
            body = body[: max(1, len(body) // 2)]
        return _Response(200, body)

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        r = respond_to(
            scope["method"], scope["path"], scope.get("query_string", b""), scope["headers"]
        )
        if r.delay:
            await asyncio.sleep(r.delay)
        headers = [
            (b"content-type", b"application/json; charset=utf-8"),
            (b"content-length", str(len(r.body)).encode()),
            (b"cache-control", b"no-store"),
            *r.headers,
        ]
        await send({"type": "http.response.start", "status": r.status, "headers": headers})
        body = b"" if scope["method"] == "HEAD" else r.body
        await send({"type": "http.response.body", "body": body})

    return app
