"""The JSON documents of the Omnichannel API contract, built from the simulator's state.

Plain dicts for `json.dumps`; the simulator writes its own wire format and shares no
schema code with the client, so a contract mismatch shows up in tests, not hides.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

from rtm_tui.simulator.engine import (
    CHANNELS,
    INTERVAL,
    NONVOICE_FIELDS,
    QUEUES,
    SL_SECONDS,
    VOICE_FIELDS,
    AgentSim,
    Simulator,
)


def encode(doc: Any) -> bytes:
    """Compact UTF-8 JSON; control characters in names are still \\u-escaped."""
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _agent(a: AgentSim, iso: Callable[[int], str]) -> dict[str, Any]:
    p = a.p
    state = a.state
    return {
        "agent_id": p.agent_id,
        "name": a.name,
        "team": p.team,
        "channels": list(p.channels),
        "state": state,
        "aux_code": a.aux_code if state == "aux" else None,
        "state_since": iso(a.since),
        "login_at": iso(a.login_at) if a.login_at is not None else None,
        "logout_at": iso(a.logout_at) if a.logout_at is not None else None,
        "today": {
            "first_login_at": iso(a.first_login) if a.first_login is not None else None,
            "last_logout_at": iso(a.last_logout) if a.last_logout is not None else None,
            # completed AUX only: the running one is (as_of - state_since)
            "aux_seconds": dict(a.aux_secs),
            "aux_count": dict(a.aux_cnt),
            "handled": a.handled,
        },
    }


def agents_payload(sim: Simulator) -> dict[str, Any]:
    t = sim.sync()
    iso = sim.tb.iso
    return {"as_of": iso(t), "agents": [_agent(a, iso) for a in sim.agents]}


def agents_json(sim: Simulator) -> bytes:
    """`encode(agents_payload(sim))`, fast: an agent's JSON is kept until it changes,
    and between two polls only a few percent of the agents do."""
    t = sim.sync()
    iso = sim.tb.iso
    parts = []
    for a in sim.agents:
        part = a.cache
        if part is None:
            part = a.cache = encode(_agent(a, iso))
        parts.append(part)
    return b"".join((b'{"as_of":', encode(iso(t)), b',"agents":[', b",".join(parts), b"]}"))


def voice_payload(sim: Simulator) -> dict[str, Any]:
    t = sim.sync()
    queues = []
    for q, (queue_id, name) in enumerate(QUEUES):
        start, interval, today = sim.voice_counts(q, t)
        waiting, longest, available, on_contact = sim.voice_now(q)
        queues.append(
            {
                "queue_id": queue_id,
                "name": name,
                "interval": {
                    "start": sim.tb.iso_local(start),
                    **dict(zip(VOICE_FIELDS, interval, strict=True)),
                },
                "today": dict(zip(VOICE_FIELDS, today, strict=True)),
                "now": {
                    "waiting": waiting,
                    "longest_wait_seconds": longest,
                    "agents_available": available,
                    "agents_on_contact": on_contact,
                },
            }
        )
    return {
        "as_of": sim.tb.iso(t),
        "interval_minutes": INTERVAL // 60,
        "service_level_seconds": SL_SECONDS,
        "queues": queues,
    }


def nonvoice_payload(sim: Simulator) -> dict[str, Any]:
    t = sim.sync()
    channels = []
    for c, (channel, name) in enumerate(CHANNELS):
        start, interval, today = sim.nonvoice_counts(c, t)
        waiting, oldest = sim.nonvoice_now(c)
        channels.append(
            {
                "channel": channel,
                "name": name,
                "interval": {
                    "start": sim.tb.iso_local(start),
                    **dict(zip(NONVOICE_FIELDS, interval, strict=True)),
                },
                "today": dict(zip(NONVOICE_FIELDS, today, strict=True)),
                "now": {"waiting": waiting, "oldest_waiting_seconds": oldest},
            }
        )
    return {"as_of": sim.tb.iso(t), "interval_minutes": INTERVAL // 60, "channels": channels}


def roster_payload(sim: Simulator, day: date) -> dict[str, Any]:
    iso = sim.tb.iso
    entries = []
    for line in sim.roster(day):
        p = sim.profiles[line.idx]
        entries.append(
            {
                "agent_id": p.agent_id,
                "name": sim.agents[line.idx].name,
                "team": p.team,
                "shift_code": line.shift_code,
                "status": line.status,
                "start": iso(line.start) if line.start is not None else None,
                "end": iso(line.end) if line.end is not None else None,
                "breaks": [
                    {"code": code, "start": iso(b0), "end": iso(b1)} for code, b0, b1 in line.breaks
                ],
            }
        )
    return {"date": day.isoformat(), "entries": entries}
