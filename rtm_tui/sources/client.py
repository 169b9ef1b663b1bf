"""The Omnichannel API client: one async httpx client, one method per endpoint.

Each `fetch_*` makes exactly one request (retrying is the poller's job, so backoff is
decided in one place) and returns a frozen domain snapshot, or raises `SourceError`.

The bearer token is only ever put in the request header: it is not kept in an
attribute, not shown by `repr`, and registered with `sanitise` so that every error
message is scrubbed of it, in case a server or a library echoes it back.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import math
import ssl
import zlib
from collections.abc import Callable
from datetime import UTC, date, datetime, tzinfo
from importlib import metadata
from types import TracebackType
from typing import Any, Literal, TypeVar

import httpx

from rtm_tui.domain.types import AgentsSnapshot, NonVoiceSnapshot, Roster, VoiceSnapshot
from rtm_tui.sources import wire
from rtm_tui.sources.sanitise import check_token, scrub

log = logging.getLogger(__name__)

ErrorKind = Literal["auth", "rate_limited", "server", "timeout", "network", "contract"]

# A response larger than this (decoded) is refused: 2,000 agents are ~0.8 MB.
MAX_RESPONSE_BYTES = 64 * 1024 * 1024


def _version() -> str:
    try:
        return metadata.version("rtm-tui")
    except metadata.PackageNotFoundError:  # running from a source tree
        return "0"


USER_AGENT = f"rtm-tui/{_version()}"

T = TypeVar("T")


class SourceError(Exception):
    """A failed fetch. `kind` tells the poller how to retry; `message` is for the TL,
    scrubbed of the API token however it was built."""

    def __init__(
        self,
        endpoint: str,
        kind: ErrorKind,
        message: str,
        retry_after: float | None = None,
        status: int | None = None,
    ) -> None:
        message = scrub(message)
        self.endpoint = endpoint
        self.kind = kind
        self.message = message
        self.retry_after = retry_after
        self.status = status
        super().__init__(f"{endpoint}: {message}")

    def __repr__(self) -> str:
        return (
            f"SourceError(endpoint={self.endpoint!r}, kind={self.kind!r}, "
            f"message={self.message!r}, retry_after={self.retry_after!r}, status={self.status!r})"
        )


class OmnichannelClient:
    """Async client for the Omnichannel API v1. Use as `async with` or call `aclose()`."""

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        timeout: float = 10.0,
        verify_tls: bool = True,
        transport: httpx.AsyncBaseTransport | None = None,
        user_agent: str = USER_AGENT,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        headers = {"User-Agent": user_agent, "Accept": "application/json"}
        token = check_token(token)  # stripped, registered for scrubbing; TokenError if unsendable
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self._has_token = bool(token)
        self._http = httpx.AsyncClient(
            base_url=self.base_url + "/",
            headers=headers,
            timeout=httpx.Timeout(timeout),
            verify=verify_tls,
            transport=transport,
            follow_redirects=False,
        )
        # conditional GET: endpoint -> (ETag, decoded snapshot)
        self._etags: dict[str, tuple[str, Any]] = {}

    def __repr__(self) -> str:
        auth = "token set" if self._has_token else "no token"
        return f"OmnichannelClient({self.base_url!r}, {auth}, timeout={self.timeout})"

    async def __aenter__(self) -> OmnichannelClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    # ------------------------------------------------------------------ endpoints

    async def fetch_agents(self) -> AgentsSnapshot:
        return await self._get(wire.AGENTS, wire.decode_agents)

    async def fetch_voice(self) -> VoiceSnapshot:
        return await self._get(wire.VOICE, wire.decode_voice)

    async def fetch_nonvoice(self) -> NonVoiceSnapshot:
        return await self._get(wire.NONVOICE, wire.decode_nonvoice)

    async def fetch_roster(self, day: date, tz: tzinfo | None = None) -> Roster:
        """The roster for `day`, times converted to `tz` (the site timezone)."""
        return await self._get(
            wire.ROSTER,
            lambda data: wire.decode_roster(data, day=day, tz=tz),
            params={"date": day.isoformat()},
            cache_key=f"{wire.ROSTER}?{day.isoformat()}",
        )

    # ------------------------------------------------------------------ plumbing

    async def _get(
        self,
        endpoint: str,
        decode: Callable[[bytes], T],
        params: dict[str, str] | None = None,
        cache_key: str | None = None,
    ) -> T:
        key = cache_key or endpoint
        cached = self._etags.get(key)
        try:
            async with asyncio.timeout(self.timeout):
                try:
                    status, resp_headers, body = await self._request(
                        endpoint, params, {"If-None-Match": cached[0]} if cached else {}
                    )
                except (UnicodeEncodeError, httpx.LocalProtocolError):
                    if not cached:
                        raise
                    # the cached ETag cannot be sent: an invalid validator is no validator
                    log.warning("%s: cached ETag cannot be sent, dropped", endpoint)
                    self._etags.pop(key, None)
                    cached = None
                    status, resp_headers, body = await self._request(endpoint, params, {})
        except (TimeoutError, httpx.TimeoutException):
            raise self._error(endpoint, "timeout", f"no answer within {self.timeout:g} s") from None
        except httpx.TransportError as exc:
            raise self._error(endpoint, "network", _describe_transport(exc)) from None

        if status == 304:
            if cached:
                snapshot: T = cached[1]
                return snapshot
            # a 304 to a request that named no ETag: nothing to reuse, next fetch is full
            self._etags.pop(key, None)
            raise self._error(
                endpoint, "contract", "304 Not Modified but nothing cached; refetching", status=304
            )
        if status >= 300:
            raise self._status_error(endpoint, status, resp_headers)
        try:
            snapshot = decode(body)
        except wire.ContractError as exc:
            raise self._error(endpoint, "contract", _after_endpoint(str(exc))) from None
        etag = resp_headers.get("etag")
        if etag and _sendable(etag):
            self._etags[key] = (etag, snapshot)
        else:
            self._etags.pop(key, None)  # a new answer without a usable validator
        return snapshot

    async def _request(
        self, endpoint: str, params: dict[str, str] | None, headers: dict[str, str]
    ) -> tuple[int, httpx.Headers, bytes]:
        # only gzip is asked for: it is the one encoding decoded here, with the cap
        headers = {**headers, "Accept-Encoding": "gzip"}
        async with self._http.stream(
            "GET", endpoint.lstrip("/"), params=params, headers=headers
        ) as resp:
            if not 200 <= resp.status_code < 300:
                return resp.status_code, resp.headers, b""
            return resp.status_code, resp.headers, await self._read_capped(endpoint, resp)

    async def _read_capped(self, endpoint: str, resp: httpx.Response) -> bytes:
        """The body, decoded, refused as soon as it would pass `MAX_RESPONSE_BYTES`.

        Content-Length is checked before reading; then the bytes are counted as they
        come, after gunzipping, and zlib is never asked for more than the room left, so
        a gzip bomb stops at the cap instead of inflating a whole network chunk at once
        (64 KB of gzipped zeros inflate to 64 MB). That is why the raw stream is read
        here, not httpx's decoded one."""
        limit = MAX_RESPONSE_BYTES
        declared = resp.headers.get("content-length", "").strip()
        if declared.isdigit() and int(declared) > limit:
            raise self._too_large(endpoint, limit)
        if resp.is_stream_consumed:
            # a transport that hands over the whole body, already decoded (httpx's
            # MockTransport given `content=`): nothing left to stream, only to measure
            if len(resp.content) > limit:
                raise self._too_large(endpoint, limit)
            return resp.content
        encoding = resp.headers.get("content-encoding", "").strip().lower()
        inflate: Any = None
        if encoding in ("gzip", "x-gzip"):
            inflate = zlib.decompressobj(zlib.MAX_WBITS | 16)
        elif encoding not in ("", "identity"):
            raise self._error(
                endpoint,
                "contract",
                f"unsupported Content-Encoding {encoding[:40]!r} (only gzip is asked for)",
            )
        body = bytearray()
        piece = b""
        try:
            async for raw in resp.aiter_raw():
                if inflate is None:
                    if len(body) + len(raw) > limit:
                        raise self._too_large(endpoint, limit)
                    body += raw
                    continue
                data = raw
                while data and not inflate.eof:
                    try:
                        # one byte more than the room left: enough to know it is too big
                        piece = inflate.decompress(data, limit - len(body) + 1)
                    except zlib.error:
                        raise self._error(
                            endpoint, "server", "response body is not valid gzip"
                        ) from None
                    if len(body) + len(piece) > limit:
                        raise self._too_large(endpoint, limit)
                    body += piece
                    data = inflate.unconsumed_tail
        except SourceError:
            # the error's traceback holds this frame for as long as the poller keeps the
            # error (until the next poll): let the refused bytes go now
            del body, piece
            raise
        return bytes(body)

    def _too_large(self, endpoint: str, limit: int) -> SourceError:
        # "server", not "contract": retried with backoff like a 5xx, not every interval
        return self._error(
            endpoint, "server", f"response larger than {limit / 2**20:g} MB, refused"
        )

    def _status_error(self, endpoint: str, status: int, headers: httpx.Headers) -> SourceError:
        if status in (401, 403):
            return self._error(endpoint, "auth", "credentials rejected", status=status)
        retry_after = parse_retry_after(headers.get("retry-after"))
        if status == 429 or (status == 503 and retry_after is not None):
            wait = f", retry after {retry_after:g} s" if retry_after is not None else ""
            return self._error(
                endpoint,
                "rate_limited",
                f"server busy (HTTP {status}){wait}",
                retry_after=retry_after,
                status=status,
            )
        if status >= 500:
            return self._error(endpoint, "server", f"server error (HTTP {status})", status=status)
        if 300 <= status < 400:
            where = headers.get("location", "?")
            return self._error(
                endpoint,
                "contract",
                f"HTTP {status} redirect to {where}: set base_url to the final address",
                status=status,
            )
        if status == 404:
            return self._error(
                endpoint, "contract", "HTTP 404: not found, check base_url", status=status
            )
        return self._error(endpoint, "contract", f"unexpected HTTP {status}", status=status)

    def _error(
        self,
        endpoint: str,
        kind: ErrorKind,
        message: str,
        retry_after: float | None = None,
        status: int | None = None,
    ) -> SourceError:
        return SourceError(endpoint, kind, message, retry_after=retry_after, status=status)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """`Retry-After` as seconds from now: delta-seconds or an HTTP date.

    None if absent, unreadable, or not in the future (0, negative, a past date): such a
    value gives no wait to honour, and reading it as 0 s would poll a server that is
    rate-limiting us at full speed; the poller backs off instead."""
    if value is None:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    if not math.isfinite(seconds) or seconds <= 0:
        return None
    return seconds


def _sendable(value: str) -> bool:
    """True if `value` can go back in a request header as it is: printable ASCII (space
    allowed inside), nothing around it. A non-ASCII ETag cannot be encoded by httpx."""
    return value == value.strip() and all(" " <= ch <= "~" for ch in value)


def _after_endpoint(message: str) -> str:
    # ContractError's text starts with the endpoint, which SourceError adds itself
    return message.split(": ", 1)[1] if ": " in message else message


def _describe_transport(exc: httpx.TransportError) -> str:
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ssl.SSLCertVerificationError):
            return f"TLS certificate not trusted ({cause.verify_message})"
        cause = cause.__cause__ or cause.__context__
    if isinstance(exc, httpx.ConnectError):
        return f"cannot connect ({exc or 'connection failed'})"
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"connection dropped ({exc or 'protocol error'})"
    return f"network error ({type(exc).__name__}: {exc})"
