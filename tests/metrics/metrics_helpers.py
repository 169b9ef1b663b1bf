"""The real app on the in-process simulator with its metrics endpoint on a free port."""

from __future__ import annotations

import re
import socket
import urllib.request
from typing import Any

import httpx
from app_helpers import Switchable, frozen, make_settings

from rtm_tui.config import Settings


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def metrics_settings(per_agent: bool = False, **sections: Any) -> Settings:
    return make_settings(
        metrics={"listen": f"127.0.0.1:{free_port()}", "per_agent": per_agent}, **sections
    )


def metrics_app(
    settings: Settings,
    *,
    agents: int = 40,
    store: Any | None = None,
    plans_every: float | None = None,
    token: str | None = None,
    clock: Any | None = None,
    cable: list[Switchable] | None = None,
) -> tuple[Any, Any, Any]:
    """(app, simulator, metrics server) wired as `rtm demo` does (launch.start_metrics
    with the app's store, build_app(metrics=...)); the simulator is in-process, on a frozen
    clock by default. With `plans_every`, the store is given as `rtm run` does, once open
    (`count_plans`), and counted every `plans_every` s. Pass `cable=[]` to get the
    Switchable transport appended to it."""
    from rtm_tui.simulator import Simulator, make_asgi_app
    from rtm_tui.sources.client import OmnichannelClient
    from rtm_tui.ui.launch import SIM_BASE_URL, build_app, start_metrics

    clock = clock or frozen()
    sim = Simulator(agents=agents, seed=7, clock=clock, tz=settings.tz)
    transport: Any = httpx.ASGITransport(app=make_asgi_app(sim, token=token))
    if cable is not None:  # the caller gets a cable it can cut
        transport = Switchable(transport)
        cable.append(transport)
    client = OmnichannelClient(base_url=SIM_BASE_URL, token=token, transport=transport)
    if plans_every is None:
        server, error = start_metrics(settings, clock, store)
    else:
        server, error = start_metrics(settings, clock, None)
        if server is not None and store is not None:
            server.plans_every = plans_every
            server.count_plans(store)
    assert error is None, error
    app = build_app(
        settings,
        clock,
        client,
        store=store,
        demo=True,
        quiet=True,
        metrics=server.hub if server is not None else None,
    )
    return app, sim, server


def scrape(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return str(response.read().decode("utf-8"))


SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$")
LABEL = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


def samples(body: str) -> list[tuple[str, dict[str, str], float]]:
    """The exposition text as (name, labels, value)."""
    out = []
    for line in body.splitlines():
        if not line or line.startswith("#"):
            continue
        m = SAMPLE.match(line)
        assert m, line
        labels = dict(LABEL.findall(m[3] or ""))
        out.append((m[1], labels, float(m[4])))
    return out


def value(body: str, name: str, **labels: str) -> float:
    found = [v for n, ls, v in samples(body) if n == name and all(ls.get(k) == x for k, x in labels.items())]
    assert len(found) == 1, (name, labels, found)
    return found[0]
