"""A hostile Omnichannel server: the simulator behind an ASGI layer that breaks the
contract on demand, served by uvicorn on a real loopback socket.

    server = HostileServer(sim, token)      # then: with server: ... server.url
    server.faults["agents"] = "echo_token"  # every /agents answer is now that fault
    server.faults.clear()                   # and good again

Faults are named after what they do; `FAULTS` lists them. The layer counts requests per
source, so a test can tell backoff from a retry storm.
"""

from __future__ import annotations

import asyncio
import functools
import json
import socket
import threading
import time
import zlib
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

import uvicorn

Scope = dict[str, Any]
Send = Callable[[dict[str, Any]], Awaitable[None]]
Receive = Callable[[], Awaitable[dict[str, Any]]]

MIB = 1024 * 1024
HUGE_BYTES = 80 * MIB  # past the client's 64 MiB cap
BOMB_BYTES = 512 * MIB  # what the gzip bomb inflates to


@functools.cache
def gzip_bomb(size: int = 0) -> bytes:
    """The bomb, built once per run (seconds of CPU: a test builds it before its window)."""
    return _gzip_bomb(size or BOMB_BYTES)


def _gzip_bomb(size: int) -> bytes:
    """`size` bytes of zeros, gzip-compressed (about 1/1000 of the size)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = bytes(MIB)
    parts = [packer.compress(chunk) for _ in range(size // MIB)]
    parts.append(packer.flush())
    return b"".join(parts)


class Hostile:
    """ASGI middleware: passes requests to `inner` unless a fault is set for the source."""

    def __init__(self, inner: Callable[..., Awaitable[None]]) -> None:
        self.inner = inner
        self.faults: dict[str, str] = {}  # source ("agents", "voice", ...) or "*" -> fault
        self.requests: Counter[str] = Counter()
        self._bomb: bytes | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.inner(scope, receive, send)
            return
        source = scope["path"].rstrip("/").rsplit("/", 1)[-1]
        self.requests[source] += 1
        fault = self.faults.get(source) or self.faults.get("*")
        if fault is None:
            await self.inner(scope, receive, send)
            return
        await getattr(self, f"_{fault}")(scope, receive, send, source)

    # ------------------------------------------------------------------ plumbing

    async def _upstream(self, scope: Scope, receive: Receive) -> tuple[int, list[Any], bytes]:
        status = 0
        headers: list[Any] = []
        body = bytearray()

        async def collect(message: dict[str, Any]) -> None:
            nonlocal status, headers
            if message["type"] == "http.response.start":
                status, headers = message["status"], list(message.get("headers", []))
            elif message["type"] == "http.response.body":
                body.extend(message.get("body", b""))

        await self.inner(scope, receive, collect)
        return status, headers, bytes(body)

    async def _json(
        self, scope: Scope, receive: Receive, send: Send, change: Callable[[Any], None]
    ) -> None:
        status, _, body = await self._upstream(scope, receive)
        data = json.loads(body)
        change(data)
        await _respond(send, status, json.dumps(data).encode())

    @staticmethod
    def _auth(scope: Scope) -> str:
        for k, v in scope["headers"]:
            if k == b"authorization":
                return v.decode("latin-1")
        return ""

    # ------------------------------------------------------------------ status faults

    async def _server_error(self, scope: Scope, receive: Receive, send: Send, src: str) -> None:
        await _respond(send, 500, b"internal error")

    async def _unauthorized(self, scope: Scope, receive: Receive, send: Send, src: str) -> None:
        await _respond(send, 401, b'{"error": "invalid token"}')

    async def _forbidden(self, scope: Scope, receive: Receive, send: Send, src: str) -> None:
        await _respond(send, 403, b'{"error": "forbidden"}')

    async def _retry_after_huge(self, scope: Scope, receive: Receive, send: Send, src: str) -> None:
        await _respond(send, 429, b"slow down", [(b"retry-after", b"999999999")])

    async def _retry_after_negative(
        self, scope: Scope, receive: Receive, send: Send, src: str
    ) -> None:
        await _respond(send, 503, b"busy", [(b"retry-after", b"-5")])

    async def _redirect(self, scope: Scope, receive: Receive, send: Send, src: str) -> None:
        await _respond(send, 302, b"", [(b"location", b"http://169.254.169.254/latest/")])

    async def _not_modified(self, scope: Scope, receive: Receive, send: Send, src: str) -> None:
        await _respond(send, 304, b"")

    # ------------------------------------------------------------------ body faults

    async def _truncated_json(self, scope: Scope, receive: Receive, send: Send, src: str) -> None:
        _, _, body = await self._upstream(scope, receive)
        await _respond(send, 200, body[: len(body) // 2])

    async def _wrong_types(self, scope: Scope, receive: Receive, send: Send, src: str) -> None:
        def change(data: Any) -> None:
            data["as_of"] = 12345

        await self._json(scope, receive, send, change)

    async def _echo_token(self, scope: Scope, receive: Receive, send: Send, src: str) -> None:
        """The Authorization header sent back in a field that fails validation (the error
        names the value) and in a name that passes it (the board shows it)."""
        auth = self._auth(scope)

        def change(data: Any) -> None:
            data["agents"][0]["state"] = auth
            data["agents"][1]["name"] = auth

        await self._json(scope, receive, send, change)

    async def _echo_token_in_name(
        self, scope: Scope, receive: Receive, send: Send, src: str
    ) -> None:
        auth = self._auth(scope)

        def change(data: Any) -> None:
            data["agents"][1]["name"] = f"Budi {auth}"
            data["agents"][2]["team"] = auth.split()[-1]

        await self._json(scope, receive, send, change)

    async def _markup_names(self, scope: Scope, receive: Receive, send: Send, src: str) -> None:
        def change(data: Any) -> None:
            data["agents"][0]["name"] = "Ann [/]"
            data["agents"][1]["name"] = "[bold red]Budi\x1b]0;pwned\x07\x1b[2J"
            data["agents"][2]["team"] = "\u202eevil"

        await self._json(scope, receive, send, change)

    async def _answered_over_offered(
        self, scope: Scope, receive: Receive, send: Send, src: str
    ) -> None:
        def change(data: Any) -> None:
            interval = data["queues"][0]["interval"]
            interval["answered"] = interval["offered"] * 2 + 5

        await self._json(scope, receive, send, change)

    async def _vanish(self, scope: Scope, receive: Receive, send: Send, src: str) -> None:
        def change(data: Any) -> None:
            data["agents"] = data["agents"][:1]

        await self._json(scope, receive, send, change)

    async def _etag_non_ascii(self, scope: Scope, receive: Receive, send: Send, src: str) -> None:
        status, headers, body = await self._upstream(scope, receive)
        headers = [(k, v) for k, v in headers if k.lower() != b"etag"]
        headers.append((b"etag", '"\u00e9t\u00e9-\u2603"'.encode()))
        await _respond(send, status, body, headers)

    async def _huge_body(self, scope: Scope, receive: Receive, send: Send, src: str) -> None:
        """80 MiB announced and streamed, in 1 MiB chunks (the server holds one)."""
        await _stream(send, HUGE_BYTES, [(b"content-length", str(HUGE_BYTES).encode())])

    async def _huge_chunked(self, scope: Scope, receive: Receive, send: Send, src: str) -> None:
        """80 MiB with no Content-Length: only counting while reading stops it."""
        await _stream(send, HUGE_BYTES, [])

    async def _gzip_bomb(self, scope: Scope, receive: Receive, send: Send, src: str) -> None:
        if self._bomb is None:
            self._bomb = await asyncio.to_thread(gzip_bomb)
        await _respond(
            send,
            200,
            self._bomb,
            [(b"content-encoding", b"gzip"), (b"content-type", b"application/json")],
        )


FAULTS = (
    "server_error", "unauthorized", "forbidden", "retry_after_huge", "retry_after_negative",
    "redirect", "not_modified", "truncated_json", "wrong_types", "echo_token",
    "echo_token_in_name", "markup_names", "answered_over_offered", "vanish", "etag_non_ascii",
    "huge_body", "huge_chunked", "gzip_bomb",
)  # fmt: skip


async def _respond(send: Send, status: int, body: bytes, headers: list[Any] | None = None) -> None:
    headers = list(headers or [])
    names = {k.lower() for k, _ in headers}
    if b"content-type" not in names:
        headers.append((b"content-type", b"application/json"))
    if b"content-length" not in names:
        headers.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _stream(send: Send, size: int, headers: list[Any]) -> None:
    headers = [(b"content-type", b"application/json"), *headers]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    chunk = b"[" + b" " * (MIB - 1)
    sent = 0
    try:
        while sent < size:
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
            sent += len(chunk)
            chunk = b" " * MIB
        await send({"type": "http.response.body", "body": b"", "more_body": False})
    except Exception:  # the client hung up at its cap: that is the point
        return


class HostileServer:
    """`Hostile(inner)` served by uvicorn on 127.0.0.1, in a thread of its own."""

    def __init__(self, inner: Callable[..., Awaitable[None]]) -> None:
        self.layer = Hostile(inner)
        self.faults = self.layer.faults
        self.requests = self.layer.requests
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        port = self._sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}/api/v1"
        config = uvicorn.Config(self.layer, log_level="critical", lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._sock]}, daemon=True
        )

    def __enter__(self) -> HostileServer:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the hostile server did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._sock.close()
