"""Wire schemas: contract payloads in, frozen domain snapshots out; bad payloads rejected whole."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from rtm_tui.domain.types import (
    AgentsSnapshot,
    AgentState,
    NonVoiceCounts,
    RosterStatus,
    VoiceCounts,
)
from rtm_tui.sources import wire
from rtm_tui.sources.wire import ContractError

WIB = timezone(timedelta(hours=7))


def dumps(doc: Any) -> bytes:
    return json.dumps(doc).encode()


def contract_error(decode: Any, doc: Any) -> ContractError:
    with pytest.raises(ContractError) as info:
        decode(dumps(doc) if not isinstance(doc, bytes) else doc)
    return info.value


# --------------------------------------------------------------------------- good payloads


def test_agents_decode_to_domain_types(agents_doc):
    snap = wire.decode_agents(dumps(agents_doc))
    assert isinstance(snap, AgentsSnapshot)
    assert snap.as_of == datetime(2026, 11, 24, 8, 15, 3, tzinfo=WIB)
    siti, budi, dewi = snap.agents
    assert siti.agent_id == "A0012" and siti.name == "Siti Rahmawati"
    assert siti.state is AgentState.AUX and siti.aux_code == "TOILET"
    assert siti.channels == ("voice",)
    assert siti.state_since == datetime(2026, 11, 24, 8, 11, 40, tzinfo=WIB)
    assert siti.state_since.utcoffset() == timedelta(hours=7)
    assert siti.today is not None
    assert siti.today.aux_seconds == {"ISTIRAHAT": 0.0, "TOILET": 412.0}
    assert siti.today.aux_count == {"TOILET": 2}
    assert siti.today.handled == 31
    assert siti.today.last_logout_at is None
    assert budi.today is None  # `today` is optional
    assert dewi.state is AgentState.LOGGED_OUT and dewi.login_at is None
    assert dewi.logout_at == datetime(2026, 11, 23, 22, 0, tzinfo=WIB)


def test_agents_snapshot_is_frozen(agents_doc):
    snap = wire.decode_agents(dumps(agents_doc))
    with pytest.raises(AttributeError):
        snap.agents[0].name = "x"  # type: ignore[misc]


def test_unknown_fields_are_ignored(agents_doc):
    agents_doc["platform_version"] = "9.1"
    agents_doc["agents"][0]["skill_level"] = 3
    agents_doc["agents"][0]["today"]["mood"] = "good"
    snap = wire.decode_agents(dumps(agents_doc))
    assert snap.agents[0].today is not None and snap.agents[0].today.handled == 31


def test_optional_agent_fields_may_be_missing(agents_doc):
    agent = agents_doc["agents"][1]
    for key in ("team", "channels", "aux_code", "login_at", "logout_at"):
        del agent[key]
    a = wire.decode_agents(dumps(agents_doc)).agents[1]
    assert (a.team, a.channels, a.aux_code, a.login_at, a.logout_at) == ("", (), None, None, None)


def test_utc_z_times_accepted(agents_doc):
    agents_doc["as_of"] = "2026-11-24T01:15:03Z"
    snap = wire.decode_agents(dumps(agents_doc))
    assert snap.as_of == datetime(2026, 11, 24, 8, 15, 3, tzinfo=WIB)


def test_stale_aux_code_dropped_when_not_in_aux(agents_doc):
    agents_doc["agents"][1]["aux_code"] = "TOILET"  # state is available
    assert wire.decode_agents(dumps(agents_doc)).agents[1].aux_code is None


def test_aux_without_code_is_kept_as_unknown(agents_doc):
    agents_doc["agents"][0]["aux_code"] = None
    a = wire.decode_agents(dumps(agents_doc)).agents[0]
    assert a.state is AgentState.AUX and a.aux_code is None


def test_voice_decodes_counts_and_interval_start(voice_doc):
    snap = wire.decode_voice(dumps(voice_doc))
    assert (snap.interval_minutes, snap.service_level_seconds) == (30, 20)
    (q,) = snap.queues
    assert (q.queue_id, q.name) == ("INB-1500", "Inbound")
    assert q.interval_start == datetime(2026, 11, 24, 8, 0, tzinfo=WIB)
    assert q.interval == VoiceCounts(412, 390, 22, 3, 320, 101400, 78000, 6100, 17300, 5460)
    assert q.today.offered == 1880 and q.today.answer_wait_seconds == 23900
    assert (q.now.waiting, q.now.longest_wait_seconds, q.now.agents_on_contact) == (7, 48, 40)


def test_voice_breakdowns_default_to_zero(voice_doc):
    interval = voice_doc["queues"][0]["interval"]
    for key in ("short_abandoned", "talk_seconds", "hold_seconds", "acw_seconds"):
        del interval[key]
    q = wire.decode_voice(dumps(voice_doc)).queues[0]
    assert q.interval.short_abandoned == 0 and q.interval.talk_seconds == 0.0
    assert q.interval.offered == 412


def test_nonvoice_decodes(nonvoice_doc):
    snap = wire.decode_nonvoice(dumps(nonvoice_doc))
    (c,) = snap.channels
    assert (c.channel, c.name, c.now.waiting, c.now.oldest_waiting_seconds) == (
        "whatsapp",
        "WhatsApp",
        14,
        310,
    )
    assert c.interval == NonVoiceCounts(120, 110, 5400, 104, 39000)
    assert c.interval_start == datetime(2026, 11, 24, 8, 0, tzinfo=WIB)


def test_roster_decodes_and_converts_to_site_timezone(roster_doc):
    jakarta = ZoneInfo("Asia/Jakarta")
    roster = wire.decode_roster(dumps(roster_doc), day=date(2026, 11, 24), tz=jakarta)
    assert roster.date == date(2026, 11, 24)
    siti, night, budi = roster.entries
    assert siti.status is RosterStatus.SCHEDULED and siti.shift_code == "P1" and siti.works
    assert siti.start is not None and siti.start.tzinfo is jakarta
    assert siti.breaks[0].code == "ISTIRAHAT" and siti.breaks[0].start.hour == 12
    assert night.end == datetime(2026, 11, 25, 7, 0, tzinfo=jakarta)  # crosses midnight
    assert night.date == date(2026, 11, 24)
    assert budi.status is RosterStatus.LEAVE and budi.start is None and not budi.works


# --------------------------------------------------------------------------- rejected whole


def test_unknown_state_names_endpoint_and_path(agents_doc):
    agents_doc["agents"][2]["state"] = "dancing"
    err = contract_error(wire.decode_agents, agents_doc)
    assert str(err).startswith("/agents: agents.2.state: 'dancing' is not one of")
    assert "'aux'" in str(err)
    assert err.path == "agents.2.state"


@pytest.mark.parametrize(
    ("mutate", "path", "detail"),
    [
        (lambda d: d["agents"][0].pop("state_since"), "agents.0.state_since", "missing"),
        (lambda d: d.pop("as_of"), "as_of", "missing"),
        (lambda d: d["agents"][0]["today"].update(handled=-1), "agents.0.today.handled", "-1 is negative"),
        (lambda d: d["agents"][0]["today"]["aux_count"].update(TOILET=-2), "agents.0.today.aux_count.TOILET", "negative"),
        (lambda d: d["agents"][0]["today"]["aux_seconds"].update(TOILET=-0.5), "agents.0.today.aux_seconds.TOILET", "negative"),
        (lambda d: d["agents"][1].update(state_since="2026-11-24T08:14:00"), "agents.1.state_since", "has no UTC offset"),
        (lambda d: d["agents"][1].update(state_since="yesterday"), "agents.1.state_since", "not an ISO 8601 time"),
        (lambda d: d["agents"][1].update(state_since=1764000000), "agents.1.state_since", "expected a time string"),
        (lambda d: d["agents"][1].update(name=42), "agents.1.name", "expected a string, got number 42"),
        (lambda d: d["agents"][0]["today"].update(handled="31"), "agents.0.today.handled", "expected an integer"),
        (lambda d: d["agents"][0]["today"].update(handled=31.0), "agents.0.today.handled", "expected an integer"),
        (lambda d: d["agents"][0]["today"].update(handled=True), "agents.0.today.handled", "expected an integer"),
        (lambda d: d["agents"][0].update(agent_id=""), "agents.0.agent_id", "empty"),
        (lambda d: d.update(agents={"A0012": {}}), "agents", "expected an array, got object"),
        (lambda d: d["agents"][2].update(agent_id="A0012"), "agents.2.agent_id", "repeats agents.0"),
    ],
)  # fmt: skip
def test_agents_contract_violations(agents_doc, mutate, path, detail):
    mutate(agents_doc)
    err = contract_error(wire.decode_agents, agents_doc)
    assert err.endpoint == "/agents"
    assert err.path == path
    assert detail in err.detail
    assert str(err).startswith(f"/agents: {path}: ")


def test_garbage_json_rejected():
    err = contract_error(wire.decode_agents, b"<html>502 Bad Gateway</html>")
    assert str(err).startswith("/agents: not valid JSON")
    err = contract_error(wire.decode_agents, b'{"as_of": "2026-11-24T08:15:03+07:00", "agents": [')
    assert "not valid JSON" in str(err)


def test_top_level_not_an_object():
    err = contract_error(wire.decode_agents, [])
    assert str(err) == "/agents: expected an object, got array"


def test_several_problems_are_counted(agents_doc):
    agents_doc["agents"][0]["state"] = "dancing"
    agents_doc["agents"][1]["state"] = "singing"
    err = contract_error(wire.decode_agents, agents_doc)
    assert err.path == "agents.0.state" and err.more == 1
    assert str(err).endswith("(and 1 more problem)")


def test_rejected_value_is_shown_escaped(agents_doc):
    agents_doc["agents"][0]["state"] = "\x1b[2J\u202eevil"
    err = contract_error(wire.decode_agents, agents_doc)
    assert "\x1b" not in str(err) and "\u202e" not in str(err)
    assert "\\x1b[2J" in str(err)


@pytest.mark.parametrize(
    ("mutate", "path", "detail"),
    [
        (lambda d: d["queues"][0]["now"].update(waiting=-1), "queues.0.now.waiting", "negative"),
        (lambda d: d["queues"][0]["interval"].pop("offered"), "queues.0.interval.offered", "missing"),
        (lambda d: d["queues"][0]["interval"].pop("start"), "queues.0.interval.start", "missing"),
        (lambda d: d["queues"][0]["today"].update(handle_seconds=float("nan")), "queues.0.today.handle_seconds", ""),
        (lambda d: d.update(interval_minutes=0), "interval_minutes", "not greater than 0"),
        (lambda d: d["queues"].append(d["queues"][0]), "queues.1.queue_id", "repeats"),
        # a part over its whole showed "SCR 250 %" in green
        (lambda d: d["queues"][0]["interval"].update(offered=100, answered=250), "queues.0.interval.answered", "250 is more than offered 100"),
        (lambda d: d["queues"][0]["today"].update(abandoned=10**6), "queues.0.today.abandoned", "more than offered"),
        (lambda d: d["queues"][0]["interval"].update(answered_within_sl=10**5, offered=10**6, answered=10**4), "queues.0.interval.answered_within_sl", "more than answered"),
    ],
)  # fmt: skip
def test_voice_contract_violations(voice_doc, mutate, path, detail):
    mutate(voice_doc)
    err = contract_error(wire.decode_voice, voice_doc)
    assert (err.endpoint, err.path) == ("/queues/voice", path)
    assert detail in err.detail


def test_nan_is_not_valid_json_number(voice_doc):
    # json.dumps writes NaN, which is not JSON: rejected either as JSON or as a number
    voice_doc["queues"][0]["today"]["handle_seconds"] = float("nan")
    with pytest.raises(ContractError):
        wire.decode_voice(dumps(voice_doc))


@pytest.mark.parametrize(
    ("mutate", "path"),
    [
        (lambda d: d["channels"][0]["now"].update(waiting=-3), "channels.0.now.waiting"),
        (lambda d: d["channels"][0]["today"].pop("responded"), "channels.0.today.responded"),
        (lambda d: d["channels"][0].update(channel=None), "channels.0.channel"),
    ],
)
def test_nonvoice_contract_violations(nonvoice_doc, mutate, path):
    mutate(nonvoice_doc)
    err = contract_error(wire.decode_nonvoice, nonvoice_doc)
    assert (err.endpoint, err.path) == ("/queues/nonvoice", path)


@pytest.mark.parametrize(
    ("mutate", "path", "detail"),
    [
        (lambda d: d["entries"][0].update(status="holiday"), "entries.0.status", "is not one of"),
        (lambda d: d["entries"][0].pop("start"), "entries.0.start", "missing (status is scheduled)"),
        (lambda d: d["entries"][0].update(end="2026-11-24T06:00:00+07:00"), "entries.0.end", "not after start"),
        (lambda d: d["entries"][0]["breaks"][0].update(end="2026-11-24T11:00:00+07:00"), "entries.0.breaks.0.end", "not after start"),
        (lambda d: d.update(date="24/11/2026"), "date", "not a YYYY-MM-DD date"),
        (lambda d: d.update(date="2026-11-25"), "date", "not the date asked for"),
        (lambda d: d["entries"][2].update(agent_id="A0012"), "entries.2.agent_id", "repeats"),
    ],
)  # fmt: skip
def test_roster_contract_violations(roster_doc, mutate, path, detail):
    mutate(roster_doc)
    with pytest.raises(ContractError) as info:
        wire.decode_roster(dumps(roster_doc), day=date(2026, 11, 24))
    assert (info.value.endpoint, info.value.path) == ("/roster", path)
    assert detail in info.value.detail


# --------------------------------------------------------------------------- text arrives safe


def test_markup_and_escapes_arrive_as_safe_literal_text(agents_doc):
    agents_doc["agents"][0]["name"] = "Ann [/]"
    agents_doc["agents"][1]["name"] = "[bold red]x"
    agents_doc["agents"][2]["name"] = "\x1b]0;title\x07Dewi \x1b[2J"
    agents_doc["agents"][0]["team"] = "Tim \u202eA\u202c"
    agents_doc["agents"][0]["aux_code"] = "TOI\x1b[31mLET"
    snap = wire.decode_agents(dumps(agents_doc))
    ann, bold, dewi = snap.agents
    assert ann.name == "Ann [/]"  # markup is data: kept literally
    assert bold.name == "[bold red]x"
    assert dewi.name == "]0;titleDewi [2J"  # ESC and BEL gone, the rest is plain text
    assert ann.team == "Tim A"
    assert ann.aux_code == "TOI[31mLET"


def test_text_in_every_endpoint_is_sanitised(voice_doc, nonvoice_doc, roster_doc):
    voice_doc["queues"][0]["name"] = "In\x1b[2Jbound"
    nonvoice_doc["channels"][0]["name"] = "Whats\u2066App"
    roster_doc["entries"][0]["name"] = "Siti\x07"
    roster_doc["entries"][0]["breaks"][0]["code"] = "IST\x00"
    assert wire.decode_voice(dumps(voice_doc)).queues[0].name == "In[2Jbound"
    assert wire.decode_nonvoice(dumps(nonvoice_doc)).channels[0].name == "WhatsApp"
    entry = wire.decode_roster(dumps(roster_doc)).entries[0]
    assert (entry.name, entry.breaks[0].code) == ("Siti", "IST")


def test_long_text_is_cut_not_rejected(agents_doc):
    agents_doc["agents"][0]["name"] = "N" * 200
    agents_doc["agents"][0]["aux_code"] = "C" * 50
    a = wire.decode_agents(dumps(agents_doc)).agents[0]
    assert len(a.name) == 80 and a.name.endswith("…")
    assert a.aux_code == "C" * 31 + "…"


def test_clean_and_sanitising_paths_agree(agents_doc):
    """The fast path (no suspicious bytes) and the sanitising path give equal snapshots."""
    plain = dumps(agents_doc)
    # a harmless curly apostrophe sends the same payload down the sanitising path
    agents_doc["agents"][0]["team"] = "Inbound 1’"
    via_sanitiser = wire.decode_agents(dumps(agents_doc))
    via_fast = wire.decode_agents(plain)
    assert via_sanitiser.agents[1:] == via_fast.agents[1:]
    assert via_sanitiser.agents[0].team == "Inbound 1’"
    assert via_sanitiser.agents[0].name == via_fast.agents[0].name


def test_str_input_accepted(agents_doc):
    assert wire.decode_agents(json.dumps(agents_doc)).agents[0].agent_id == "A0012"


def test_uuid_agent_ids_are_kept_whole(agents_doc, roster_doc):
    uuid = "3f2b8c1e-9a4d-4e6f-b2c7-8d9e0f1a2b3c"
    agents_doc["agents"][0]["agent_id"] = uuid
    roster_doc["entries"][0]["agent_id"] = uuid
    assert wire.decode_agents(dumps(agents_doc)).agents[0].agent_id == uuid
    assert wire.decode_roster(dumps(roster_doc)).entries[0].agent_id == uuid
    agents_doc["agents"][0]["agent_id"] = "X" * 100
    assert len(wire.decode_agents(dumps(agents_doc)).agents[0].agent_id) == 64
