"""Whose shift it is (issue 9): the TL windows, a TL's people, the card at 07:20 after
a night shift, and which absences the TL on duty is told about."""

from __future__ import annotations

from dataclasses import replace
from datetime import time, timedelta

from domain_helpers import DAY, JKT, agent, at, off, shift, snapshot

from rtm_tui.domain.monitor import ShiftMonitor
from rtm_tui.domain.shift import is_tl_person, owner, window_at
from rtm_tui.domain.types import (
    AgentToday,
    AlertKind,
    AttendanceRules,
    AuxRule,
    KpiOptions,
    LoginStatus,
    MonitorView,
    Roster,
    RosterStatus,
    RotgRules,
)

TL = {"pagi": (time(7), time(15)), "siang": (time(15), time(23))}
YESTERDAY = DAY - timedelta(days=1)


def monitor() -> ShiftMonitor:
    rotg = RotgRules(rules={}, default=AuxRule("default"))
    return ShiftMonitor({}, KpiOptions(), rotg, AttendanceRules(), tl_shifts=TL)


def row(view: MonitorView, agent_id: str):  # type: ignore[no-untyped-def]
    return next(r for r in view.rows if r.agent_id == agent_id)


def test_each_shift_belongs_to_the_tl_window_it_overlaps_most() -> None:
    p1 = shift("P1", start=(7, 0), end=(16, 0))
    s1 = shift("S1", start=(13, 0), end=(22, 0))
    m1 = shift("M1", start=(22, 0), end=(7, 0), day=YESTERDAY)
    owners = {e.agent_id: owner(e, TL, JKT) for e in (p1, s1, m1)}
    assert {k: (w.name, w.day) for k, w in owners.items() if w} == {
        "P1": ("pagi", DAY),
        "S1": ("siang", DAY),
        "M1": ("siang", YESTERDAY),  # 22:00-23:00 of yesterday's siang; none of today's pagi
    }
    # a tie (11:00-19:00: 4 h each side) goes to the earlier window
    tie = shift("T1", start=(11, 0), end=(19, 0))
    assert owner(tie, TL, JKT).name == "pagi"  # type: ignore[union-attr]
    # outside every window
    night = {"pagi": (time(7), time(15))}
    assert owner(shift("N1", start=(16, 0), end=(23, 0)), night, JKT) is None
    pagi = window_at(TL, at(7, 20), JKT)
    assert pagi is not None and pagi.name == "pagi"
    assert is_tl_person(off("O1", RosterStatus.OFF), pagi, TL, JKT)
    assert not is_tl_person(off("O2", RosterStatus.OFF, day=YESTERDAY), pagi, TL, JKT)


def test_at_0720_the_night_shift_that_just_ended_is_not_absent_and_the_card_adds_up() -> None:
    night = [shift(f"M{i}", start=(22, 0), end=(7, 0), day=YESTERDAY, code="M1") for i in range(5)]
    morning = [shift(f"P{i}", start=(7, 0), end=(16, 0)) for i in range(3)]
    afternoon = [shift(f"S{i}", start=(13, 0), end=(22, 0), code="S1") for i in range(2)]
    today = Roster(
        DAY, (*morning, *afternoon, off("O1", RosterStatus.OFF), off("L1", RosterStatus.LEAVE))
    )
    m = monitor()
    m.apply(at(7, 20), roster=Roster(YESTERDAY, tuple(night)))
    # the night shift logged out between 06:59 and 07:11; the platform's `today` started at
    # midnight, inside their session, so it knows no login of theirs
    seen = []
    for i, e in enumerate(night):
        out = at(6, 59) + timedelta(minutes=3 * i)
        tally = AgentToday(None, out, {}, {})
        seen.append(replace(agent(e.agent_id, "logged_out", since=out, today=tally), logout_at=out))  # type: ignore[type-var]
    seen += [agent("P0", since=at(6, 55)), agent("P1", since=at(7, 12))]
    v = m.apply(at(7, 20), snapshot(at(7, 20), *seen), roster=today)
    for e in night:
        assert row(v, e.agent_id).login_status is LoginStatus.ON_TIME, e.agent_id
    # none of the night shift; P2, due at 07:00, is late (a warning); P1 came late at 07:12
    # before rtm saw it: kept in the history, not in alarm
    in_alarm = [a for a in v.open_alerts if a.kind is AlertKind.ATTENDANCE]
    assert [(a.key, a.what) for a in in_alarm] == [
        ("attendance:P2:login:2026-11-24", "att.late_missing")
    ]
    assert {a.agent_id for a in m.alerts_of_shift()} == {"P1", "P2"}
    c = v.attendance
    # the pagi TL's people: P0-P2 (S1 is siang's, the night shift was yesterday's siang's)
    assert (c.scheduled, c.present, c.not_yet_in, c.absent) == (3, 2, 1, 0)
    assert c.scheduled == c.present + c.not_yet_in + c.absent
    assert (c.off, c.on_leave) == (2, 1)
    assert c.late == 1  # P1 in at 07:12


def test_an_absence_in_the_tl_window_on_duty_is_raised_whoever_owns_the_shift() -> None:
    m = monitor()
    s1 = shift("S0", start=(13, 0), end=(22, 0), code="S1")
    m.apply(at(13, 0), snapshot(at(13, 0)), roster=Roster(DAY, (s1,)))
    v = m.apply(at(13, 31))
    assert row(v, "S0").login_status is LoginStatus.ABSENT
    # 13:30 is in pagi's window: the TL on duty hears of it, though S1 is siang's to count
    assert [(a.key, a.what) for a in v.new_alerts] == [
        ("attendance:S0:login:2026-11-24", "att.absent")
    ]
    # begun on the pagi TL's watch: on the pagi card too until the handover, so the card
    # and the alert agree
    assert (v.attendance.scheduled, v.attendance.absent) == (1, 1)
    v = m.apply(at(12, 59, day=DAY + timedelta(days=1)))
    assert v.attendance.scheduled == 0  # the next morning, before it begins: not pagi's


def test_response_time_is_not_added_up_across_channels_with_other_targets() -> None:
    from rtm_tui.domain.types import (
        Direction,
        KpiTarget,
        NonVoiceChannel,
        NonVoiceCounts,
        NonVoiceNow,
        NonVoiceSnapshot,
    )

    targets = {
        "response_time": KpiTarget("response_time", Direction.LOWER, sla=60, slg=120),
        "response_time.email": KpiTarget("response_time", Direction.LOWER, sla=3600, slg=7200),
        "waiting_list": KpiTarget("waiting_list", Direction.LOWER, sla=10, slg=30),
    }
    rotg = RotgRules(rules={}, default=AuxRule("default"))
    m = ShiftMonitor(targets, KpiOptions(), rotg, AttendanceRules())
    t0 = at(9, 0)
    chat = NonVoiceChannel(
        "chat", "Chat", t0, NonVoiceCounts(10, 10, 300), NonVoiceCounts(), NonVoiceNow(2)
    )
    mail = NonVoiceChannel(
        "email", "E-mail", t0, NonVoiceCounts(5, 5, 5 * 1800), NonVoiceCounts(), NonVoiceNow(3)
    )
    v = m.apply(at(9, 10), nonvoice=NonVoiceSnapshot(at(9, 10), 30, (chat, mail)))
    got = {(k.kpi, k.scope) for k in v.kpis if k.period == "interval"}
    # e-mail answers in 30 min are within their SLA; chat's in 30 s too: no "all" to breach
    assert ("response_time", "all") not in got
    assert {("response_time", "chat"), ("response_time", "email")} <= got
    assert ("waiting_list", "all") in got  # one target for all: the sum is meaningful
    assert not [a for a in v.new_alerts if a.kpi == "response_time"]


def test_the_tl_shift_so_far_sums_its_intervals_and_starts_again_with_the_next_tl() -> None:
    from rtm_tui.domain.types import VoiceCounts, VoiceNow, VoiceQueue, VoiceSnapshot

    def voice(start, offered: int, answered: int):  # type: ignore[no-untyped-def]
        c = VoiceCounts(offered=offered, answered=answered, abandoned=offered - answered)
        day = VoiceCounts(offered=500, answered=400, abandoned=100)  # since midnight
        return VoiceSnapshot(start, 30, 20, (VoiceQueue("Q1", "Q", start, c, day, VoiceNow()),))

    m = monitor()
    m.apply(at(6, 50), voice=voice(at(6, 30), 40, 10))  # before pagi: not the TL shift's
    m.apply(at(7, 29), voice=voice(at(7, 0), 10, 9))
    v = m.apply(at(7, 40), voice=voice(at(7, 30), 20, 20))

    def scr(view: MonitorView, period: str) -> float | None:
        return next(
            k.value for k in view.kpis if (k.kpi, k.scope, k.period) == ("scr", "all", period)
        )

    assert scr(v, "shift") == 100 * 29 / 30  # summed counts of 07:00 and 07:30, not an average
    assert scr(v, "today") == 80.0
    assert scr(v, "interval") == 100.0
    assert m.shift_since() == at(7, 0)
    # siang begins: its shift figures count from 15:00
    v = m.apply(at(15, 10), voice=voice(at(15, 0), 10, 5))
    assert scr(v, "shift") == 50.0
    assert not [a for a in v.new_alerts if ":shift:" in a.key]  # shown, not alerted
