"""Literal contract payloads (as in shared/contract/omnichannel-api.md) for the sources tests."""

from __future__ import annotations

import copy
from typing import Any

import pytest

AGENT: dict[str, Any] = {
    "agent_id": "A0012",
    "name": "Siti Rahmawati",
    "team": "Inbound 1",
    "channels": ["voice"],
    "state": "aux",
    "aux_code": "TOILET",
    "state_since": "2026-11-24T08:11:40+07:00",
    "login_at": "2026-11-24T06:58:12+07:00",
    "logout_at": None,
    "today": {
        "first_login_at": "2026-11-24T06:58:12+07:00",
        "last_logout_at": None,
        "aux_seconds": {"ISTIRAHAT": 0, "TOILET": 412},
        "aux_count": {"TOILET": 2},
        "handled": 31,
    },
}

AGENTS: dict[str, Any] = {
    "as_of": "2026-11-24T08:15:03+07:00",
    "agents": [
        AGENT,
        {
            "agent_id": "A0013",
            "name": "Budi Santoso",
            "team": "Inbound 1",
            "channels": ["voice"],
            "state": "available",
            "aux_code": None,
            "state_since": "2026-11-24T08:14:00+07:00",
            "login_at": "2026-11-24T07:01:00+07:00",
            "logout_at": None,
        },
        {
            "agent_id": "A0014",
            "name": "Dewi Lestari",
            "team": "Inbound 2",
            "channels": [],
            "state": "logged_out",
            "aux_code": None,
            "state_since": "2026-11-23T22:00:00+07:00",
            "login_at": None,
            "logout_at": "2026-11-23T22:00:00+07:00",
        },
    ],
}

_VOICE_COUNTS = {
    "offered": 1880,
    "answered": 1810,
    "abandoned": 70,
    "short_abandoned": 11,
    "answered_within_sl": 1540,
    "handle_seconds": 470000,
    "talk_seconds": 360000,
    "hold_seconds": 29000,
    "acw_seconds": 81000,
    "answer_wait_seconds": 23900,
}

VOICE: dict[str, Any] = {
    "as_of": "2026-11-24T08:15:03+07:00",
    "interval_minutes": 30,
    "service_level_seconds": 20,
    "queues": [
        {
            "queue_id": "INB-1500",
            "name": "Inbound",
            "interval": {
                "start": "2026-11-24T08:00:00+07:00",
                "offered": 412,
                "answered": 390,
                "abandoned": 22,
                "short_abandoned": 3,
                "answered_within_sl": 320,
                "handle_seconds": 101400,
                "talk_seconds": 78000,
                "hold_seconds": 6100,
                "acw_seconds": 17300,
                "answer_wait_seconds": 5460,
            },
            "today": _VOICE_COUNTS,
            "now": {
                "waiting": 7,
                "longest_wait_seconds": 48,
                "agents_available": 3,
                "agents_on_contact": 40,
            },
        }
    ],
}

NONVOICE: dict[str, Any] = {
    "as_of": "2026-11-24T08:15:03+07:00",
    "interval_minutes": 30,
    "channels": [
        {
            "channel": "whatsapp",
            "name": "WhatsApp",
            "interval": {
                "start": "2026-11-24T08:00:00+07:00",
                "received": 120,
                "responded": 110,
                "first_response_seconds": 5400,
                "handled": 104,
                "handle_seconds": 39000,
            },
            "today": {
                "received": 800,
                "responded": 780,
                "first_response_seconds": 40100,
                "handled": 760,
                "handle_seconds": 281000,
            },
            "now": {"waiting": 14, "oldest_waiting_seconds": 310},
        }
    ],
}

ROSTER: dict[str, Any] = {
    "date": "2026-11-24",
    "entries": [
        {
            "agent_id": "A0012",
            "name": "Siti Rahmawati",
            "team": "Inbound 1",
            "shift_code": "P1",
            "status": "scheduled",
            "start": "2026-11-24T07:00:00+07:00",
            "end": "2026-11-24T16:00:00+07:00",
            "breaks": [
                {
                    "code": "ISTIRAHAT",
                    "start": "2026-11-24T12:00:00+07:00",
                    "end": "2026-11-24T13:00:00+07:00",
                }
            ],
        },
        {
            "agent_id": "A0020",
            "name": "Malam Jaga",
            "team": "Inbound 2",
            "shift_code": "M1",
            "status": "scheduled",
            "start": "2026-11-24T22:00:00+07:00",
            "end": "2026-11-25T07:00:00+07:00",
            "breaks": [],
        },
        {"agent_id": "A0013", "name": "Budi Santoso", "team": "Inbound 1", "status": "leave"},
    ],
}


@pytest.fixture
def agents_doc() -> dict[str, Any]:
    return copy.deepcopy(AGENTS)


@pytest.fixture
def voice_doc() -> dict[str, Any]:
    return copy.deepcopy(VOICE)


@pytest.fixture
def nonvoice_doc() -> dict[str, Any]:
    return copy.deepcopy(NONVOICE)


@pytest.fixture
def roster_doc() -> dict[str, Any]:
    return copy.deepcopy(ROSTER)
