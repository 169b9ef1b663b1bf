"""ShiftMonitor at the edges (issue 16): midnight, totals from before the app started,
agents who vanish from the platform, "today" in a UTC-speaking API."""

from __future__ import annotations

from datetime import UTC, timedelta

from domain_helpers import DAY, JKT, agent, at, shift, snapshot

from rtm_tui.domain.alerts import AlertRules
from rtm_tui.domain.monitor import ShiftMonitor
from rtm_tui.domain.types import (
    AgentState,
    AgentToday,
    AlertKind,
    AlertState,
    AttendanceRules,
    AuxRule,
    Direction,
    KpiOptions,
    KpiTarget,
    LoginStatus,
    MonitorView,
    Roster,
    RotgRules,
    Severity,
    VoiceCounts,
    VoiceNow,
    VoiceQueue,
    VoiceSnapshot,
)
from rtm_tui.i18n.alert_text import alert_line

ROTG = RotgRules(
    rules={
        "TOILET": AuxRule("TOILET", max_minutes_each=10, max_minutes_shift=30),
        "ISTIRAHAT": AuxRule("ISTIRAHAT", max_minutes_shift=60),
    },
    default=AuxRule("default", max_minutes_each=5),
    max_aux_minutes_shift=90,
)
NEXT = DAY + timedelta(days=1)


def monitor() -> ShiftMonitor:
    targets = {"scr": KpiTarget("scr", Direction.HIGHER, sla=95.0, slg=90.0)}
    return ShiftMonitor(targets, KpiOptions(), ROTG, AttendanceRules())


def row(view: MonitorView, agent_id: str):  # type: ignore[no-untyped-def]
    return next(r for r in view.rows if r.agent_id == agent_id)


def rotg(view: MonitorView) -> list[str]:
    return [a.key for a in view.new_alerts if a.kind is AlertKind.ROTG]


# ------------------------------------------------------------------ midnight


def test_an_overnight_shift_keeps_logins_and_aux_used_across_local_midnight() -> None:
    # S3 16:00-01:00. The agent worked 16:00-23:10 and logged out before rtm started at
    # 23:30: only the platform's `today` knows the login and the 25 min of TOILET.
    s3 = shift("A0012", start=(16, 0), end=(1, 0), breaks=(), code="S3")
    tally = AgentToday(at(15, 58), at(23, 10), {"TOILET": 25 * 60.0}, {"TOILET": 3})
    gone_home = agent("A0012", "logged_out", since=at(23, 10), today=tally)
    m = monitor()
    v = m.apply(at(23, 30), snapshot(at(23, 30), gone_home), roster=Roster(DAY, (s3,)))
    before = row(v, "A0012")
    assert before.first_login_at == at(15, 58)
    assert before.aux_used_seconds == 25 * 60.0
    # after midnight the platform's `today` starts over for the new date
    reset = AgentToday(None, None, {}, {})
    after_midnight = agent("A0012", "logged_out", since=at(23, 10), today=reset)
    v = m.apply(at(0, 10, day=NEXT), snapshot(at(0, 10, day=NEXT), after_midnight))
    r = row(v, "A0012")
    assert r.login_status is not LoginStatus.ABSENT
    assert r.first_login_at == at(15, 58)
    assert r.aux_used_seconds == 25 * 60.0  # the shift's limits do not start over
    assert [a for a in v.new_alerts if a.kind is AlertKind.ATTENDANCE] == []


def test_an_aux_occurrence_belongs_to_the_workday_it_began_in() -> None:
    # no roster: the workday is the date. TOILET from 23:50 runs past midnight.
    m = monitor()
    m.apply(at(23, 50), snapshot(at(23, 50), agent("A0077", "aux", at(23, 50), code="TOILET")))
    v = m.apply(
        at(0, 5, day=NEXT),
        snapshot(at(0, 5, day=NEXT), agent("A0077", "aux", at(23, 50), code="TOILET")),
    )
    assert row(v, "A0077").aux_used_seconds == 0.0  # today's figure: none of it is today's
    v = m.apply(
        at(0, 20, day=NEXT),
        snapshot(at(0, 20, day=NEXT), agent("A0077", "available", at(0, 20, day=NEXT))),
    )
    assert row(v, "A0077").aux_used_seconds == 0.0
    assert m._tracks["A0077"].days[DAY].aux_seconds == {"TOILET": 30 * 60.0}


# ------------------------------------------------------------------ before the app started


def test_a_too_long_occurrence_that_ended_before_start_is_proved_by_the_totals() -> None:
    # two closed TOILETs, 25 min together: more than 2 x 10 min, so one was over 10 min
    tally = AgentToday(at(7, 0), None, {"TOILET": 25 * 60.0}, {"TOILET": 2})
    m = monitor()
    v = m.apply(at(11, 0), snapshot(at(11, 0), agent("A0012", since=at(10, 0), today=tally)))
    keys = rotg(v)
    assert "rotg:A0012:TOILET:each:2026-11-24:before-start" in keys
    alert = next(a for a in v.new_alerts if a.key.endswith("before-start"))
    text = alert_line(alert, JKT)
    assert "before rtm started" in text and "25:00 in 2" in text
    # over before rtm saw it: kept in the shift's history, not in alarm
    assert m.alert(alert.key).state is AlertState.RESOLVED
    assert alert.key not in {a.key for a in v.open_alerts}
    # seen again: no second alert
    v = m.apply(at(11, 1), snapshot(at(11, 1), agent("A0012", since=at(10, 0), today=tally)))
    assert rotg(v) == []


def test_totals_within_the_limits_prove_nothing() -> None:
    # 20 min in 2: both may have been exactly 10 min; the running one is not closed
    tally = AgentToday(at(7, 0), None, {"TOILET": 20 * 60.0}, {"TOILET": 3})
    m = monitor()
    v = m.apply(
        at(11, 0),
        snapshot(at(11, 0), agent("A0012", "aux", at(10, 58), code="TOILET", today=tally)),
    )
    assert not any("before-start" in k for k in rotg(v))


# ------------------------------------------------------------------ ghosts


def test_an_agent_gone_from_the_platform_is_marked_and_stops_counting() -> None:
    m = monitor()
    roster = Roster(DAY, (shift("A0012"), shift("A0013")))
    both = (agent("A0012", "aux", at(9, 0), code="TOILET"), agent("A0013", since=at(7)))
    v = m.apply(at(9, 1), snapshot(at(9, 1), *both), roster=roster)
    assert not row(v, "A0012").missing
    # the platform restarts and lists only A0013
    v = m.apply(at(9, 2), snapshot(at(9, 2), agent("A0013", since=at(7))))
    ghost = row(v, "A0012")
    assert ghost.missing and ghost.exception
    used = ghost.aux_used_seconds
    v = m.apply(at(9, 30), snapshot(at(9, 30), agent("A0013", since=at(7))))
    assert row(v, "A0012").aux_used_seconds == used  # no timer running on a ghost
    assert not row(v, "A0013").missing
    # back on the list: no longer missing
    v = m.apply(
        at(9, 31), snapshot(at(9, 31), agent("A0012", since=at(9, 31)), agent("A0013", since=at(7)))
    )
    assert not row(v, "A0012").missing
    assert row(v, "A0012").state is AgentState.AVAILABLE


# ------------------------------------------------------------------ UTC from the API


def _voice(start, answered: int) -> VoiceSnapshot:  # type: ignore[no-untyped-def]
    c = VoiceCounts(offered=100, answered=answered, abandoned=100 - answered)
    return VoiceSnapshot(start, 30, 20, (VoiceQueue("Q1", "Q", start, c, c, VoiceNow()),))


def test_today_breaches_re_arm_at_local_midnight_when_the_api_speaks_utc() -> None:
    rules = AlertRules(kpi_periods=("interval", "today"), kpi_min_breach=timedelta(0))
    targets = {"scr": KpiTarget("scr", Direction.HIGHER, sla=95.0, slg=90.0)}
    m = ShiftMonitor(targets, KpiOptions(), ROTG, AttendanceRules(), alert_rules=rules)
    # 23:00 WIB is 16:00 UTC, the same UTC date as 06:30 WIB next morning (23:30 UTC)
    late = at(23, 0).astimezone(UTC)
    v = m.apply(at(23, 0), voice=_voice(late, 50))
    first = [a for a in v.new_alerts if a.key.startswith("kpi:voice:today:")]
    assert [a.condition for a in first] == ["kpi:voice:today:2026-11-24"]
    morning = at(6, 30, day=NEXT)
    v = m.apply(morning, voice=_voice(at(6, 30, day=NEXT).astimezone(UTC), 50))
    # a new local day: the breach of today's SCR is a new condition and alerts again
    again = [a for a in v.new_alerts if a.key.startswith("kpi:voice:today:")]
    assert [a.condition for a in again] == ["kpi:voice:today:2026-11-25"]
    assert m.alert(first[0].key).state is AlertState.RESOLVED


def test_an_aux_alert_carries_the_real_length_while_it_lasts_and_when_it_ends() -> None:
    m = monitor()
    toilet = agent("A0012", "aux", at(9, 0), code="TOILET")
    m.apply(at(9, 0), snapshot(at(9, 0), toilet), roster=Roster(DAY, (shift("A0012"),)))
    v = m.apply(at(9, 10, 30), snapshot(at(9, 10, 30), toilet))
    (raised,) = [a for a in v.new_alerts if ":each:" in a.key]
    assert raised.value == 630 and "10:30 in one occurrence, limit 10:00" in alert_line(raised, JKT)
    assert raised.severity is Severity.WARNING  # 30 s over: within the grace
    v = m.apply(at(9, 20), snapshot(at(9, 20), toilet))
    (now,) = [a for a in v.open_alerts if a.key == raised.key]
    assert now.value == 1200 and "20:00 in one occurrence" in alert_line(now, JKT)
    assert now.severity is Severity.SEVERE  # twice the limit
    assert now.raised_at == raised.raised_at
    assert [a.key for a in v.new_alerts] == [raised.key]  # the same alert, escalated
    back = agent("A0012", "available", at(9, 25))
    v = m.apply(at(9, 25, 2), snapshot(at(9, 25, 2), back))
    # out of AUX: resolved by itself at the occurrence's end, with its real length
    assert raised.key not in {a.key for a in v.open_alerts}
    final = m.alert(raised.key)
    assert final is not None and final.state is AlertState.RESOLVED
    assert final.resolved_at == at(9, 25)
    assert final.value == 25 * 60 and "25:00 in one occurrence" in alert_line(final, JKT)
    m.apply(at(9, 40), snapshot(at(9, 40), back))
    assert m.alert(raised.key).value == 25 * 60  # ended: no longer grows


def test_totals_prove_nothing_new_for_a_scheduled_break_or_a_code_over_its_shift_limit() -> None:
    # ISTIRAHAT is a scheduled break (its window is not judged); TOILET 35 min is over the
    # 30-minute shift limit, which has its own alert: no second "proved" alert for either
    rotg = RotgRules(
        rules={
            "TOILET": AuxRule("TOILET", max_minutes_each=10, max_minutes_shift=30),
            "ISTIRAHAT": AuxRule("ISTIRAHAT", max_minutes_each=60, max_minutes_shift=90),
        },
        default=AuxRule("default", max_minutes_each=5),
    )
    m = ShiftMonitor({}, KpiOptions(), rotg, AttendanceRules())
    tally = AgentToday(at(7, 0), None, {"ISTIRAHAT": 69 * 60.0, "TOILET": 35 * 60.0},
                       {"ISTIRAHAT": 1, "TOILET": 2})  # fmt: skip
    p1 = shift("A0012", breaks=(("ISTIRAHAT", (11, 30), (12, 30)),))
    v = m.apply(
        at(14, 0),
        snapshot(at(14, 0), agent("A0012", since=at(13, 0), today=tally)),
        roster=Roster(DAY, (p1,)),
    )
    keys = rotg_keys(v)
    assert not any("before-start" in k for k in keys), keys
    assert "rotg:A0012:TOILET:shift:2026-11-24" in keys


def rotg_keys(view: MonitorView) -> list[str]:
    return [a.key for a in view.new_alerts if a.kind is AlertKind.ROTG]
