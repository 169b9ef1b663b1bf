"""The API token and HTTP validators at their edges: a token file saved on Windows, a
token that cannot be sent, a server echoing the token back, an ETag httpx cannot send,
a 304 for a request that asked for none.

A real loopback server (uvicorn in a thread, real h11 on both ends) plays the
Omnichannel platform where header bytes matter; `httpx.MockTransport` where they don't.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from rtm_tui.cli import main
from rtm_tui.config import Settings
from rtm_tui.sources import sanitise
from rtm_tui.sources.client import OmnichannelClient

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
