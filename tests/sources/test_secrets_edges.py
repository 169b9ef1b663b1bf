"""The API token and HTTP validators at their edges: a token file saved on Windows, a
token that cannot be sent, a server echoing the token back, an ETag httpx cannot send,
a 304 for a request that asked for none.

A real loopback server (uvicorn in a thread, real h11 on both ends) plays the
Omnichannel platform where header bytes matter; `httpx.MockTransport` where they don't.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import h11
import httpx
import pytest
import uvicorn

from rtm_tui.cli import main
from rtm_tui.config import Settings
from rtm_tui.sources import sanitise
from rtm_tui.sources.client import OmnichannelClient, SourceError
from rtm_tui.sources.pollers import Poller

# 18 characters, base64-like: '/', '+' and '=' change under percent-encoding
TOKEN = "Zq8/u+Kt3=pW7xYv1M"
ENV = "RTM_OMNICHANNEL_TOKEN"
BASE = "https://omni.example/api/v1"

Reply = tuple[int, list[tuple[bytes, bytes]], bytes]


def substrings(secret: str, size: int = 8) -> list[str]:
    return [secret[i : i + size] for i in range(len(secret) - size + 1)]


def assert_no_token(text: str) -> None:
    leaked = [s for s in substrings(TOKEN) if s in text]
    assert not leaked, f"token leaked ({leaked[0]!r}) in {text!r}"


class LoopbackOmnichannel:
    """ASGI app serving /api/v1/agents; `respond(request_headers)` picks each reply.
    Requests without `Authorization: Bearer TOKEN` get a 401."""

    def __init__(self) -> None:
        self.doc: dict[str, Any] = {}
        self.requests: list[dict[str, str]] = []
        self.respond: Callable[[dict[str, str]], Reply] = self.ok

    def ok(self, headers: dict[str, str]) -> Reply:
        return 200, [], json.dumps(self.doc).encode()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        self.requests.append(headers)
        if headers.get("authorization") != f"Bearer {TOKEN}":
            status, extra, body = 401, [], b'{"error": "unauthorized"}'
        else:
            status, extra, body = self.respond(headers)
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", b"application/json"), *extra],
            }
        )
        await send({"type": "http.response.body", "body": body if status != 304 else b""})


@pytest.fixture(scope="module")
def loopback() -> Iterator[tuple[LoopbackOmnichannel, str]]:
    app = LoopbackOmnichannel()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not srv.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    yield app, f"http://127.0.0.1:{port}/api/v1"
    srv.should_exit = True
    thread.join(timeout=5)
    sock.close()


@pytest.fixture
def server(
    loopback: tuple[LoopbackOmnichannel, str], agents_doc: dict[str, Any]
) -> tuple[LoopbackOmnichannel, str]:
    app, url = loopback
    app.doc = agents_doc
    app.requests.clear()
    app.respond = app.ok
    return app, url


# --------------------------------------------------------------------------- loading the token


async def test_token_ending_in_cr_is_stripped_and_requests_work(server, monkeypatch):
    """A token file saved on Windows: the value ends in CR LF. Before, h11 refused the
    header (`Illegal header value b'Bearer ...\\r'`) and no request ever left."""
    app, url = server
    monkeypatch.setenv(ENV, TOKEN + "\r\n")
    loaded = Settings().token()
    assert loaded == TOKEN
    # the client strips too, for a caller handing it the raw value
    for token in (loaded, f" {TOKEN}\r"):
        async with OmnichannelClient(url, token=token) as client:
            snap = await client.fetch_agents()
        assert snap.agents[0].agent_id == "A0012"
    assert [r["authorization"] for r in app.requests] == [f"Bearer {TOKEN}"] * 2


@pytest.mark.parametrize(
    ("value", "why"),
    [
        (TOKEN[:9] + "é" + TOKEN[9:], "not printable ASCII"),
        (TOKEN[:9] + " " + TOKEN[9:], "whitespace"),
        (TOKEN[:9] + "\x7f" + TOKEN[9:], "not printable ASCII"),
    ],
)
def test_unsendable_token_raises_token_error_naming_the_variable_not_the_value(
    monkeypatch, value, why
):
    monkeypatch.setenv(ENV, value)
    with pytest.raises(sanitise.TokenError) as info:
        Settings().token()
    message = str(info.value)
    assert ENV in message and why in message
    assert value not in message
    assert_no_token(message)
    for half in (value[:9], value[10:]):
        assert half not in message


def test_launch_with_an_unsendable_token_exits_2_without_traceback(
    tmp_path: Path, monkeypatch, capsys
):
    config = tmp_path / "rtm.toml"
    config.write_text(
        "[omnichannel]\n"
        'base_url = "http://127.0.0.1:9/api/v1"\n'
        'token_env = "RTM_EDGE_TOKEN"\n'
        "[storage]\n"
        f"database = {json.dumps(str(tmp_path / 'rtm.sqlite3'))}\n"
    )
    bad = "tök-" + TOKEN
    monkeypatch.setenv("RTM_EDGE_TOKEN", bad)
    code = main(["--config", str(config), "run"])
    out, err = capsys.readouterr()
    assert code == 2
    assert err.startswith("rtm: ") and "RTM_EDGE_TOKEN" in err
    assert "Traceback" not in err and "Traceback" not in out
    assert bad not in err + out
    assert_no_token(err + out)


# --------------------------------------------------------------------------- scrubbing


def _h11_header_error() -> None:
    # h11's own error for a token ending in CR (httpx wraps it; raw, it is unexpected)
    h11.Request(
        method="GET", target="/", headers=[("Host", "x"), ("Authorization", f"Bearer {TOKEN}\r")]
    )


def _raises(message: str) -> Callable[[], None]:
    def fail() -> None:
        raise RuntimeError(message)

    return fail


@pytest.mark.parametrize(
    "fail",
    [
        _h11_header_error,  # repr of the header bytes: b'Bearer ...\r'
        _raises(f"token {TOKEN!r} refused"),  # repr of the str
        _raises(f"token {(TOKEN + chr(13)).encode()!r} refused"),
        _raises(f"GET /agents?access_token={quote(TOKEN, safe='')} failed"),  # percent-encoded
        _raises(f"header was Bearer {TOKEN}"),
        _raises("x" * 150 + f" Bearer {TOKEN} ..."),  # the text is cut at 200 characters
    ],
    ids=["h11", "repr-str", "repr-bytes", "percent", "bearer", "cut"],
)
async def test_poller_unexpected_error_text_and_log_hold_no_token(caplog, fail):
    caplog.set_level(logging.DEBUG)
    OmnichannelClient(BASE, token=TOKEN)  # loading registers it
    errors: list[SourceError] = []

    async def fetch() -> None:
        fail()

    poller = Poller("agents", fetch, 5.0, lambda _: None, errors.append)
    await poller.poll_once()
    assert errors and errors[0].message.startswith("unexpected error")
    for text in (
        errors[0].message,
        str(errors[0]),
        repr(errors[0]),
        poller.freshness.last_error or "",
        caplog.text,
    ):
        assert_no_token(text)
    assert "***" in errors[0].message


async def test_token_echoed_into_a_validated_field_never_shows_8_chars(agents_doc):
    """The server puts our Authorization header, after `prefix` characters, into `state`
    (an enum) or an `aux_seconds` key: the contract error quotes the value, cut to a
    length. The cut used to come before the scrub: up to 17 of 18 characters showed."""

    def echo(where: str, prefix: int) -> Callable[[httpx.Request], httpx.Response]:
        def handler(request: httpx.Request) -> httpx.Response:
            echoed = "x" * prefix + request.headers["authorization"]
            doc = json.loads(json.dumps(agents_doc))
            if where == "value":
                doc["agents"][0]["state"] = echoed
            else:
                doc["agents"][0]["today"]["aux_seconds"] = {echoed: -1}
            return httpx.Response(200, content=json.dumps(doc).encode())

        return handler

    for where in ("value", "key"):
        for prefix in range(0, 41):  # every place the cut can fall
            transport = httpx.MockTransport(echo(where, prefix))
            async with OmnichannelClient(BASE, TOKEN, transport=transport) as client:
                with pytest.raises(SourceError) as info:
                    await client.fetch_agents()
            assert info.value.kind == "contract"
            for text in (info.value.message, str(info.value), repr(info.value)):
                assert_no_token(text)


# --------------------------------------------------------------------------- validators


async def test_non_ascii_etag_leaves_the_next_fetch_working(server):
    """httpx cannot encode a non-ASCII If-None-Match: re-sending the cached ETag used to
    fail before any request left, on every poll from then on."""
    app, url = server
    app.respond = lambda h: (200, [(b"etag", '"café-1"'.encode())], json.dumps(app.doc).encode())
    async with OmnichannelClient(url, token=TOKEN) as client:
        for _ in range(3):
            snap = await client.fetch_agents()
            assert snap.agents[0].agent_id == "A0012"
    assert len(app.requests) == 3
    assert all("if-none-match" not in r for r in app.requests)


async def test_a_cached_etag_that_cannot_be_sent_is_dropped_and_the_fetch_retried(server):
    """Belt and braces behind the check on storing: if sending with the cached ETag
    fails, the fetch goes again without it (the cache is seeded directly here, as no
    server can make a valid-looking ETag fail)."""
    app, url = server
    async with OmnichannelClient(url, token=TOKEN) as client:
        first = await client.fetch_agents()
        client._etags["/agents"] = ('"\u00e9"', first)
        snap = await client.fetch_agents()
        assert snap.agents[0].agent_id == "A0012"
        assert "/agents" not in client._etags
    assert len(app.requests) == 2
    assert all("if-none-match" not in r for r in app.requests)


async def test_304_with_nothing_cached_is_a_clear_error_and_the_next_fetch_recovers(server):
    app, url = server
    replies = iter(
        [
            (304, [(b"etag", b'"v1"')], b""),  # answered a request that asked for nothing
            (200, [(b"etag", b'"v2"')], json.dumps(app.doc).encode()),
            (304, [(b"etag", b'"v2"')], b""),  # a real 304 this time
        ]
    )
    app.respond = lambda h: next(replies)
    got: list[Any] = []
    async with OmnichannelClient(url, token=TOKEN) as client:
        poller = Poller("agents", client.fetch_agents, 5.0, got.append)
        await poller.poll_once()
        error = poller.last_error
        assert error is not None and error.kind == "contract"
        assert error.message == "304 Not Modified but nothing cached; refetching"
        assert "redirect" not in (poller.freshness.last_error or "")
        await poller.poll_once()
        assert poller.last_error is None and got and got[0].agents[0].agent_id == "A0012"
        await poller.poll_once()
        assert len(got) == 2 and got[1] is got[0]
    assert [r.get("if-none-match") for r in app.requests] == [None, None, '"v2"']
