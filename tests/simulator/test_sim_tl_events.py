"""What a Team Leader must catch happens, seen only through the API (as the app sees it)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from conftest import JAKARTA

from rtm_tui.clock import FrozenClock
from rtm_tui.simulator import Simulator
from rtm_tui.simulator.payloads import agents_payload, roster_payload, voice_payload

KNOWN_AUX = {"ISTIRAHAT", "TOILET", "SHOLAT", "BRIEFING", "COACHING", "TRAINING", "SYSTEM"}
MIN = timedelta(minutes=1)


def _t(s: str | None) -> datetime | None:
    return datetime.fromisoformat(s) if s else None


def watch_shift(start: datetime, agents: int = 60, seed: int = 7, hours: float = 8):
    """Poll the simulator every minute like the app does and note what a TL sees."""
    clock = FrozenClock(start)
    sim = Simulator(agents=agents, seed=seed, clock=clock)
    roster = {e["agent_id"]: e for e in roster_payload(sim, start.date())["entries"]}
    seen = {
        "first_at_start": {},  # agent -> today.first_login_at at the start
        "longest_aux": {},  # (agent, code) -> longest one occurrence seen
        "codes": set(),
        "interval_sl": [],  # (interval start, offered, within)
        "short_abandoned": 0,
        "final": None,
    }
    first = agents_payload(sim)
    seen["first_at_start"] = {a["agent_id"]: a["today"]["first_login_at"] for a in first["agents"]}
    last_interval: dict[str, tuple[int, int]] = {}
    for _ in range(int(hours * 60)):
        clock.advance(60)
        doc = agents_payload(sim)
        now = _t(doc["as_of"])
        for a in doc["agents"]:
            if a["state"] == "aux":
                seen["codes"].add(a["aux_code"])
                key = (a["agent_id"], a["aux_code"])
                held = now - _t(a["state_since"])
                seen["longest_aux"][key] = max(seen["longest_aux"].get(key, held), held)
        voice = voice_payload(sim)
        main = voice["queues"][0]
        iv = main["interval"]
        last_interval[iv["start"]] = (iv["offered"], iv["answered_within_sl"])  # last look
        seen["short_abandoned"] = main["today"]["short_abandoned"]
    seen["interval_sl"] = [(k, o, w) for k, (o, w) in last_interval.items()]
    seen["final"] = doc
    return sim, roster, seen


@pytest.fixture(scope="module")
def morning():
    return watch_shift(datetime(2026, 11, 24, 10, 0, tzinfo=JAKARTA))


def _scheduled(roster, aid):
    e = roster[aid]
    return e["status"] == "scheduled", _t(e["start"]), _t(e["end"])


def test_late_logins_and_a_no_show(morning):
    sim, roster, seen = morning
    final = {a["agent_id"]: a for a in seen["final"]["agents"]}
    late, absent = [], []
    start = datetime(2026, 11, 24, 10, 0, tzinfo=JAKARTA)
    for aid, a in final.items():
        ok, s, _ = _scheduled(roster, aid)
        if not ok or s > start:
            continue  # only shifts already started when the TL looks
        first = _t(a["today"]["first_login_at"])
        if first is None:
            absent.append(aid)
        elif first > s + 10 * MIN:
            late.append(aid)
    assert len(late) >= 2, late
    assert len(absent) >= 1, absent
    # visible at once: at the start the late ones are already in (late) or still missing
    assert any(seen["first_at_start"][aid] is not None for aid in late)


def test_an_aux_runs_far_past_its_limit(morning):
    _, _, seen = morning
    long_toilet = [
        k for k, held in seen["longest_aux"].items() if k[1] == "TOILET" and held >= 20 * MIN
    ]
    assert long_toilet, "a 25-minute TOILET (limit 10)"
    assert seen["codes"] - KNOWN_AUX, "now and then a code the config does not know"
    assert {"ISTIRAHAT", "TOILET", "SHOLAT"} <= seen["codes"]


def test_a_login_not_on_the_roster_and_an_early_logout(morning):
    _, roster, seen = morning
    agents = {a["agent_id"]: a for a in seen["final"]["agents"]}
    start = datetime(2026, 11, 24, 10, 0, tzinfo=JAKARTA)
    unrostered = [
        aid
        for aid, a in agents.items()
        if roster[aid]["status"] != "scheduled" and a["today"]["first_login_at"] is not None
    ]
    assert unrostered
    early = []
    for aid, a in agents.items():
        ok, s, end = _scheduled(roster, aid)
        out = _t(a["today"]["last_logout_at"])
        if ok and out is not None and out < end - 30 * MIN and s < start:
            early.append(aid)
    assert early


def test_a_volume_spike_breaks_the_service_level(morning):
    _, _, seen = morning
    broken = [(k, o, w) for k, o, w in seen["interval_sl"] if o >= 10 and w / o < 0.7]
    assert broken, seen["interval_sl"]
    assert seen["short_abandoned"] > 0


@pytest.mark.parametrize("hour", [3, 16, 21])
def test_any_start_time_gives_a_working_day(hour):
    clock = FrozenClock(datetime(2026, 11, 24, hour, 0, tzinfo=JAKARTA))
    sim = Simulator(agents=60, seed=9, clock=clock)
    states = {a["state"] for a in agents_payload(sim)["agents"]}
    assert "logged_out" in states and states & {"available", "on_contact", "acw", "aux"}
    inc = sim.incidents[clock.now().date()]
    assert inc.spikes and inc.unrostered
