"""The JSON documents of the Omnichannel API contract, built from the simulator's state.

Plain dicts for `json.dumps`; the simulator writes its own wire format and shares no
schema code with the client, so a contract mismatch shows up in tests, not hides.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from rtm_tui.simulator.engine import (
    CHANNELS,
    INTERVAL,
    NONVOICE_FIELDS,
    QUEUES,
    SL_SECONDS,
    VOICE_FIELDS,
    Simulator,
)


def agents_payload(sim: Simulator) -> dict[str, Any]:
    t = sim.sync()
    iso = sim.tb.iso
    out = []
    for a in sim.agents:
        p = a.p
        state = a.state
        out.append(
            {
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
                    "aux_seconds": dict(a.aux_secs),
                    "aux_count": dict(a.aux_cnt),
                    "handled": a.handled,
                },
            }
        )
    return {"as_of": iso(t), "agents": out}


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
