"""Every endpoint answers in the shapes of the Omnichannel API contract."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

from conftest import JAKARTA
from simshapes import AGENTS, NONVOICE, ROSTER, VOICE, check

from rtm_tui.clock import FrozenClock
from rtm_tui.simulator import Simulator


async def test_agents_match_the_contract(sim, client_for):
    r = await client_for(sim).get("/agents")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/json")
    doc = r.json()
    check(doc, AGENTS)
    assert datetime.fromisoformat(doc["as_of"]) == datetime(2026, 11, 24, 10, 0, tzinfo=sim.tz)
    agents = doc["agents"]
    assert len(agents) == 60
    assert len({a["agent_id"] for a in agents}) == 60
    for a in agents:
        assert (a["aux_code"] is not None) == (a["state"] == "aux"), a
        assert (a["login_at"] is None) == (a["state"] == "logged_out"), a
        assert datetime.fromisoformat(a["state_since"]) <= datetime.fromisoformat(doc["as_of"])
        assert a["channels"], a
        if a["login_at"] is not None:
            assert a["today"]["first_login_at"] is not None
            assert a["today"]["first_login_at"] <= a["login_at"]
        # completed AUX in aux_seconds; the running one counted in aux_count already
        assert set(a["today"]["aux_seconds"]) <= set(a["today"]["aux_count"])
        if a["state"] == "aux":
            assert a["today"]["aux_count"][a["aux_code"]] >= 1
    states = {a["state"] for a in agents}
    assert {"logged_out", "on_contact"} <= states, "mid-morning: some at work, some not"


async def test_voice_and_nonvoice_match_the_contract(sim, client_for):
    client = client_for(sim)
    voice = (await client.get("/queues/voice")).json()
    check(voice, VOICE)
    assert voice["interval_minutes"] == 30
    assert voice["service_level_seconds"] == 20
    assert [q["queue_id"] for q in voice["queues"]] == ["INB-1500", "INB-VIP"]
    for q in voice["queues"]:
        start = datetime.fromisoformat(q["interval"]["start"])
        assert start == datetime(2026, 11, 24, 10, 0, tzinfo=sim.tz)
        assert q["today"]["offered"] > 0, "warm start: the morning already happened"

    nonvoice = (await client.get("/queues/nonvoice")).json()
    check(nonvoice, NONVOICE)
    assert {c["channel"] for c in nonvoice["channels"]} == {"chat", "email", "whatsapp"}
    assert all(c["today"]["received"] > 0 for c in nonvoice["channels"])


async def test_interval_is_the_running_half_hour(clock, sim, client_for):
    client = client_for(sim)
    clock.advance(17 * 60 + 5)  # 10:17:05
    doc = (await client.get("/queues/voice")).json()
    assert doc["as_of"] == "2026-11-24T10:17:05+07:00"
    assert doc["queues"][0]["interval"]["start"] == "2026-11-24T10:00:00+07:00"
    assert doc["queues"][0]["interval"]["offered"] > 0
    clock.advance(13 * 60)  # 10:30:05
    doc = (await client.get("/queues/voice")).json()
    assert doc["queues"][0]["interval"]["start"] == "2026-11-24T10:30:00+07:00"


async def test_roster_for_yesterday_today_and_tomorrow(sim, client_for):
    client = client_for(sim)
    for offset in (-1, 0, 1):
        day = date(2026, 11, 24) + timedelta(days=offset)
        r = await client.get("/roster", params={"date": day.isoformat()})
        assert r.status_code == 200
        doc = r.json()
        check(doc, ROSTER)
        assert doc["date"] == day.isoformat()
        assert len(doc["entries"]) == 60
        for e in doc["entries"]:
            has_times = e["status"] in ("scheduled", "training")
            assert (e["start"] is not None) == has_times, e
            if has_times:
                start, end = (datetime.fromisoformat(e[k]) for k in ("start", "end"))
                assert start < end
                assert start.date() == day, "a shift belongs to the day it starts"
                for b in e["breaks"]:
                    assert (
                        start
                        <= datetime.fromisoformat(b["start"])
                        < datetime.fromisoformat(b["end"])
                        <= end
                    )
        codes = {e["shift_code"] for e in doc["entries"]}
        assert {"P1", "P2", "S1", "S2", "M1", "OFF"} <= codes
    night = next(
        e
        for e in (await client.get("/roster?date=2026-11-24")).json()["entries"]
        if e["shift_code"] == "M1"
    )
    assert night["start"] == "2026-11-24T22:00:00+07:00"
    assert night["end"] == "2026-11-25T07:00:00+07:00"


async def test_roster_without_date_is_today(sim, client_for):
    doc = (await client_for(sim).get("/roster")).json()
    assert doc["date"] == "2026-11-24"


async def test_bad_date_is_400_and_unknown_path_is_404(sim, client_for):
    client = client_for(sim)
    for bad in ("2026-13-01", "yesterday", "20261124", "2030-01-01"):
        r = await client.get("/roster", params={"date": bad})
        assert r.status_code == 400, bad
        assert "error" in r.json()
    for path in ("/agent", "/queues", "/queues/voice/x", "/../agents"):
        r = await client.get(path)
        assert r.status_code == 404, path
        assert r.json()["error"] == "not_found"
    r = await client.post("/agents")
    assert r.status_code == 405


async def test_hostile_names_travel_faithfully(clock, client_for):
    hostile = ["Ann [/]", "Budi [bold red]x[/]", "\x1b]0;title\x07Eve", "\x1b[2JZed"]
    sim = Simulator(agents=10, seed=3, clock=clock, names=hostile)
    sim.rename("A0005", "Dewi \u202eevil\u202c [link=x]")
    client = client_for(sim)
    raw = (await client.get("/agents")).content
    names = [a["name"] for a in json.loads(raw)["agents"]]
    assert names[:4] == hostile
    assert names[4] == "Dewi \u202eevil\u202c [link=x]"
    assert b"\x1b" not in raw, "control characters are escaped in JSON, not sent raw"
    roster = (await client.get("/roster")).json()["entries"]
    assert [e["name"] for e in roster[:4]] == hostile


def test_timezone_is_the_sites(clock):
    sim = Simulator(agents=20, seed=1, clock=FrozenClock(clock.now()), tz="Asia/Makassar")
    from rtm_tui.simulator.payloads import agents_payload

    assert agents_payload(sim)["as_of"].endswith("+08:00")


def test_fast_agents_json_is_the_same_document():
    from rtm_tui.simulator.payloads import agents_json, agents_payload

    clock = FrozenClock(datetime(2026, 11, 24, 22, 0, tzinfo=JAKARTA))
    sim = Simulator(agents=50, seed=8, clock=clock)
    for step in (0, 1, 7, 60, 600, 3 * 3600):  # past midnight too
        clock.advance(step)
        fast = agents_json(sim)
        assert json.loads(fast) == agents_payload(sim)
        if step == 60:
            sim.rename("A0003", "Zed\x1b[2J")
            assert json.loads(agents_json(sim))["agents"][2]["name"] == "Zed\x1b[2J"


def test_today_counts_only_todays_logins():
    """A night shift carried over midnight keeps login_at (yesterday); today's
    first_login_at stays empty until a login happens today."""
    from rtm_tui.simulator.payloads import agents_payload

    clock = FrozenClock(datetime(2026, 11, 24, 3, 0, tzinfo=JAKARTA))
    sim = Simulator(agents=60, seed=7, clock=clock)
    doc = agents_payload(sim)
    carried = [a for a in doc["agents"] if a["login_at"] and a["login_at"] < "2026-11-24"]
    assert carried, "the night shift is at work"
    for a in carried:
        assert a["today"]["first_login_at"] is None
        assert a["login_at"].startswith("2026-11-23T2")
    for a in doc["agents"]:
        first = a["today"]["first_login_at"]
        assert first is None or first >= "2026-11-24T00:00:00+07:00"
