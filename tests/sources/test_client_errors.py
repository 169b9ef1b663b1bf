"""OmnichannelClient against fake external servers that misbehave on purpose.

`httpx.MockTransport` and tiny ASGI apps play the Omnichannel platform here; the
simulator-backed tests live in test_client_simulator.py.
"""

from __future__ import annotations

import asyncio
import json
import logging
import traceback
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import httpx
import pytest

from rtm_tui.sources.client import OmnichannelClient, SourceError, parse_retry_after

TOKEN = "s3cr3t-T0KEN-do-not-leak"
BASE = "https://omni.example/api/v1"


def json_response(doc: Any, status: int = 200, **headers: str) -> httpx.Response:
    return httpx.Response(status, content=json.dumps(doc).encode(), headers=headers)


def client_for(handler: Any, token: str | None = TOKEN, **kw: Any) -> OmnichannelClient:
    return OmnichannelClient(BASE, token=token, transport=httpx.MockTransport(handler), **kw)


async def fetch_error(client: OmnichannelClient, what: str = "fetch_agents") -> SourceError:
    with pytest.raises(SourceError) as info:
        await getattr(client, what)()
    return info.value


# --------------------------------------------------------------------------- requests


async def test_requests_carry_auth_user_agent_and_paths(
    agents_doc, voice_doc, nonvoice_doc, roster_doc
):
    seen: list[httpx.Request] = []
    docs = {
        "/api/v1/agents": agents_doc,
        "/api/v1/queues/voice": voice_doc,
        "/api/v1/queues/nonvoice": nonvoice_doc,
        "/api/v1/roster": roster_doc,
    }

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return json_response(docs[request.url.path])

    async with client_for(handler) as client:
        agents = await client.fetch_agents()
        voice = await client.fetch_voice()
        nonvoice = await client.fetch_nonvoice()
        roster = await client.fetch_roster(date(2026, 11, 24), timezone(timedelta(hours=7)))
    assert agents.agents[0].agent_id == "A0012"
    assert voice.queues[0].queue_id == "INB-1500"
    assert nonvoice.channels[0].channel == "whatsapp"
    assert roster.date == date(2026, 11, 24) and len(roster.entries) == 3
    assert [r.url.path for r in seen] == list(docs)
    assert seen[3].url.params["date"] == "2026-11-24"
    for request in seen:
        assert request.method == "GET"
        assert request.headers["authorization"] == f"Bearer {TOKEN}"
        assert request.headers["user-agent"].startswith("rtm-tui/")
        assert request.url.scheme == "https"


async def test_no_authorization_header_without_token(agents_doc):
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return json_response(agents_doc)

    async with client_for(handler, token=None) as client:
        await client.fetch_agents()
    assert "authorization" not in seen[0].headers


async def test_base_url_with_trailing_slash(agents_doc):
    paths: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        paths.append(request.url.path)
        return json_response(agents_doc)

    transport = httpx.MockTransport(handler)
    async with OmnichannelClient(BASE + "/", transport=transport) as client:
        await client.fetch_agents()
    assert paths == ["/api/v1/agents"]


@pytest.mark.parametrize(
    ("kwargs", "mode"), [({}, "CERT_REQUIRED"), ({"verify_tls": False}, "CERT_NONE")]
)
async def test_tls_verification_on_by_default(kwargs, mode):
    client = OmnichannelClient(BASE, **kwargs)
    try:
        pool = client._http._transport._pool  # type: ignore[attr-defined]
        assert pool._ssl_context.verify_mode.name == mode
    finally:
        await client.aclose()


async def test_etag_conditional_get_reuses_last_snapshot(agents_doc):
    calls: list[str | None] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.headers.get("if-none-match"))
        if request.headers.get("if-none-match") == '"v1"':
            return httpx.Response(304)
        return json_response(agents_doc, etag='"v1"')

    async with client_for(handler) as client:
        first = await client.fetch_agents()
        second = await client.fetch_agents()
    assert calls == [None, '"v1"']
    assert second is first


# --------------------------------------------------------------------------- error kinds


@pytest.mark.parametrize("status", [401, 403])
async def test_auth_rejected(status):
    async with client_for(lambda r: httpx.Response(status, text=f"bad token {TOKEN}")) as client:
        err = await fetch_error(client)
    assert (err.kind, err.status, err.message) == ("auth", status, "credentials rejected")
    assert str(err) == "/agents: credentials rejected"


async def test_429_with_retry_after_seconds():
    async with client_for(lambda r: httpx.Response(429, headers={"Retry-After": "17"})) as client:
        err = await fetch_error(client, "fetch_voice")
    assert (err.endpoint, err.kind, err.retry_after, err.status) == (
        "/queues/voice",
        "rate_limited",
        17.0,
        429,
    )
    assert "retry after 17 s" in err.message


async def test_429_without_retry_after():
    async with client_for(lambda r: httpx.Response(429)) as client:
        err = await fetch_error(client)
    assert (err.kind, err.retry_after) == ("rate_limited", None)


async def test_503_with_retry_after_is_rate_limited_without_is_server():
    async with client_for(lambda r: httpx.Response(503, headers={"Retry-After": "5"})) as client:
        err = await fetch_error(client)
    assert (err.kind, err.retry_after) == ("rate_limited", 5.0)
    async with client_for(lambda r: httpx.Response(503)) as client:
        err = await fetch_error(client)
    assert (err.kind, err.retry_after) == ("server", None)


@pytest.mark.parametrize("status", [500, 502, 504])
async def test_server_errors(status):
    async with client_for(lambda r: httpx.Response(status, text="oops")) as client:
        err = await fetch_error(client, "fetch_nonvoice")
    assert (err.kind, err.status) == ("server", status)
    assert err.message == f"server error (HTTP {status})"


async def test_404_and_redirect_are_reported_not_followed():
    async with client_for(lambda r: httpx.Response(404)) as client:
        err = await fetch_error(client)
    assert (err.kind, err.status) == ("contract", 404)
    assert "check base_url" in err.message
    redirect = httpx.Response(301, headers={"Location": "https://other.example/api/v1/agents"})
    async with client_for(lambda r: redirect) as client:
        err = await fetch_error(client)
    assert err.kind == "contract" and "https://other.example/api/v1/agents" in err.message


async def test_garbage_json_is_a_contract_error():
    async with client_for(lambda r: httpx.Response(200, text="<html>gateway</html>")) as client:
        err = await fetch_error(client)
    assert err.kind == "contract"
    assert str(err).startswith("/agents: not valid JSON")


async def test_unknown_state_is_a_contract_error_naming_the_field(agents_doc):
    agents_doc["agents"][1]["state"] = "dancing"
    async with client_for(lambda r: json_response(agents_doc)) as client:
        err = await fetch_error(client)
    assert err.kind == "contract"
    assert str(err).startswith("/agents: agents.1.state: 'dancing' is not one of")


async def test_negative_count_is_a_contract_error(voice_doc):
    voice_doc["queues"][0]["now"]["waiting"] = -4
    async with client_for(lambda r: json_response(voice_doc)) as client:
        err = await fetch_error(client, "fetch_voice")
    assert str(err) == "/queues/voice: queues.0.now.waiting: -4 is negative"


async def test_roster_for_another_date_is_rejected(roster_doc):
    async with client_for(lambda r: json_response(roster_doc)) as client:
        with pytest.raises(SourceError) as info:
            await client.fetch_roster(date(2026, 11, 25))
    assert info.value.kind == "contract" and "not the date asked for" in info.value.message


async def test_network_error():
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno 111] Connection refused", request=request)

    async with client_for(handler) as client:
        err = await fetch_error(client)
    assert err.kind == "network" and "Connection refused" in err.message


async def test_timeout_from_httpx():
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    async with client_for(handler, timeout=2.5) as client:
        err = await fetch_error(client)
    assert (err.kind, err.message) == ("timeout", "no answer within 2.5 s")


async def test_slow_server_hits_overall_timeout(agents_doc):
    """A server that never finishes its answer is cut off by the client's own deadline."""

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b'{"as_of": ', "more_body": True})
        await asyncio.sleep(30)

    transport = httpx.ASGITransport(app=app)
    async with OmnichannelClient(BASE, transport=transport, timeout=0.2) as client:
        loop = asyncio.get_running_loop()
        started = loop.time()
        with pytest.raises(SourceError) as info:
            await client.fetch_agents()
        assert loop.time() - started < 2
    assert info.value.kind == "timeout"


async def test_oversized_response_refused(monkeypatch):
    from rtm_tui.sources import client as client_module

    monkeypatch.setattr(client_module, "MAX_RESPONSE_BYTES", 1000)
    async with client_for(lambda r: httpx.Response(200, content=b" " * 5000)) as client:
        err = await fetch_error(client)
    assert err.kind == "server" and "larger than" in err.message  # backs off like a 5xx


# --------------------------------------------------------------------------- the token stays secret


async def test_token_never_in_errors_reprs_or_logs(caplog, agents_doc):
    caplog.set_level(logging.DEBUG)
    responses = iter(
        [
            httpx.Response(401, text=TOKEN),
            httpx.Response(500, text=TOKEN),
            httpx.Response(429, headers={"Retry-After": "1"}, text=TOKEN),
            httpx.Response(200, text=f'{{"oops": "{TOKEN}'),
            httpx.Response(302, headers={"Location": f"https://x.example/?t={TOKEN}"}),
        ]
    )

    def handler(request: httpx.Request) -> httpx.Response:
        return next(responses)

    texts: list[str] = []
    async with client_for(handler) as client:
        texts.append(repr(client))
        texts.append(str(client.__dict__.get("_http").headers))  # type: ignore[union-attr]
        for _ in range(5):
            err = await fetch_error(client)
            texts += [str(err), repr(err), err.message]
            texts.append("".join(traceback.format_exception(err)))
    texts += [r.getMessage() for r in caplog.records]
    leaked = [t for t in texts if TOKEN in t]
    assert leaked == []
    assert "token set" in texts[0]


async def test_network_error_text_scrubbed_of_token():
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"proxy said no to {TOKEN}", request=request)

    async with client_for(handler) as client:
        err = await fetch_error(client)
    assert TOKEN not in str(err) and "***" in str(err)


# --------------------------------------------------------------------------- Retry-After parsing


def test_parse_retry_after_forms():
    now = datetime(2026, 11, 24, 1, 0, 0, tzinfo=UTC)
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after(" 3 ") == 3.0
    assert parse_retry_after("Tue, 24 Nov 2026 01:00:30 GMT", now=now) == 30.0
    # nothing to wait for: None, so the poller backs off instead of polling at once
    assert parse_retry_after("Tue, 24 Nov 2026 00:59:00 GMT", now=now) is None  # past
    assert parse_retry_after("-5") is None
    assert parse_retry_after("0") is None
    assert parse_retry_after("soon") is None
    assert parse_retry_after("inf") is None
    assert parse_retry_after(None) is None
