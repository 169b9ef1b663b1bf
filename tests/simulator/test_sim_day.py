"""A whole simulated day: counts stay consistent, and a seed always gives the same day."""

from __future__ import annotations

import json
from datetime import datetime

from conftest import JAKARTA
from simshapes import AGENTS, NONVOICE, VOICE, check, nonvoice_consistent, voice_consistent

from rtm_tui.clock import FrozenClock
from rtm_tui.simulator import Simulator
from rtm_tui.simulator.payloads import agents_payload, nonvoice_payload, voice_payload

FIELDS = ("offered", "answered", "abandoned", "short_abandoned", "answered_within_sl")


def test_counts_stay_consistent_over_a_full_day_and_midnight():
    clock = FrozenClock(datetime(2026, 11, 24, 0, 0, tzinfo=JAKARTA))
    sim = Simulator(agents=80, seed=11, clock=clock, warmup=0)
    last_today: dict[str, dict] = {}
    day_of_last = None
    saw_waiting = saw_short = 0
    for _ in range(26 * 60 // 7):  # 26 hours in 7-minute steps
        clock.advance(7 * 60)
        voice, nonvoice = voice_payload(sim), nonvoice_payload(sim)
        check(voice, VOICE)
        check(nonvoice, NONVOICE)
        day = voice["as_of"][:10]
        for q in voice["queues"]:
            where = f"{voice['as_of']} {q['queue_id']}"
            voice_consistent(q["interval"], where)
            voice_consistent(q["today"], where)
            for f in FIELDS:  # the running interval is part of today
                assert q["interval"][f] <= q["today"][f], (where, f)
                if day == day_of_last:  # today only grows within a day
                    assert q["today"][f] >= last_today[q["queue_id"]][f], (where, f)
            last_today[q["queue_id"]] = q["today"]
            saw_waiting += q["now"]["waiting"] > 0
            saw_short += q["today"]["short_abandoned"] > 0
        for c in nonvoice["channels"]:
            nonvoice_consistent(c["interval"], c["channel"])
            nonvoice_consistent(c["today"], c["channel"])
        day_of_last = day
        agents = agents_payload(sim)
        check(agents, AGENTS)
        for a in agents["agents"]:
            assert (a["aux_code"] is not None) == (a["state"] == "aux")
            assert (a["login_at"] is None) == (a["state"] == "logged_out")
    assert voice["as_of"].startswith("2026-11-25T01:"), "ran past midnight"
    assert voice["queues"][0]["today"]["offered"] < last_today_peak(sim), "today restarted"
    assert saw_waiting and saw_short


def last_today_peak(sim: Simulator) -> int:
    counts = sim.voice_counts(0, sim.now - 3 * 3600)[2]  # 23:00 yesterday: the full day
    return counts[0]


def test_the_day_has_the_shape_of_a_contact_center():
    clock = FrozenClock(datetime(2026, 11, 24, 0, 0, tzinfo=JAKARTA))
    sim = Simulator(agents=120, seed=5, clock=clock, warmup=0)
    offered_by_hour = []
    for _ in range(24):
        clock.advance(3600)
        sim.sync()
        offered_by_hour.append(sum(sim.voice_counts(q, sim.now - 1)[2][0] for q in range(2)))
    per_hour = [b - a for a, b in zip([0, *offered_by_hour], offered_by_hour, strict=False)]
    night, morning, afternoon = sum(per_hour[0:6]), sum(per_hour[9:12]), sum(per_hour[13:16])
    assert morning > 3 * night / 2 and afternoon > 3 * night / 2
    today = [sim.voice_counts(q, sim.now - 1)[2] for q in range(2)]
    offered = sum(c[0] for c in today)
    answered = sum(c[1] for c in today)
    handle = sum(c[5] for c in today)
    within = sum(c[4] for c in today)
    assert 240 <= handle / answered <= 320, "AHT around 280 s"
    assert 0.6 <= within / offered <= 0.97, "a believable service level over the day"


def _snapshots(sim: Simulator, clock: FrozenClock, polls: list[int]) -> list[str]:
    out = []
    for step in polls:
        clock.advance(step)
        out.append(json.dumps([agents_payload(sim), voice_payload(sim), nonvoice_payload(sim)]))
    return out


def test_same_seed_same_day_however_often_it_is_polled():
    start = datetime(2026, 11, 24, 9, 0, tzinfo=JAKARTA)
    c1, c2, c3 = FrozenClock(start), FrozenClock(start), FrozenClock(start)
    s1 = Simulator(agents=60, seed=42, clock=c1)
    s2 = Simulator(agents=60, seed=42, clock=c2)
    s3 = Simulator(agents=60, seed=43, clock=c3)
    for _ in range(4 * 60 // 2):  # s2 polled every 2 minutes for four hours
        c2.advance(120)
        s2.sync()
    a = _snapshots(s1, c1, [4 * 3600])
    b = _snapshots(s2, c2, [0])
    assert a == b
    assert _snapshots(s3, c3, [4 * 3600]) != a


def test_clock_going_back_does_not_rewind():
    clock = FrozenClock(datetime(2026, 11, 24, 9, 0, tzinfo=JAKARTA))
    sim = Simulator(agents=20, seed=1, clock=clock)
    clock.advance(600)
    before = voice_payload(sim)
    clock.advance(-300)
    assert voice_payload(sim)["as_of"] == before["as_of"]
