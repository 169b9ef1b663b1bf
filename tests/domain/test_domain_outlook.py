"""The outlook's formulas on the worked example of docs/OUTLOOK.md (numbers by hand)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from rtm_tui.domain import erlang
from rtm_tui.domain.coverage import IntervalForecast
from rtm_tui.domain.erlang_a import performance
from rtm_tui.domain.outlook import (
    ChannelNow,
    OutlookRules,
    Period,
    WhatIf,
    build_outlook,
    next_staffing,
)
from rtm_tui.domain.types import (
    Direction,
    KpiOptions,
    KpiTarget,
    ServiceLevelFormula,
    StaffingRules,
    VoiceCounts,
)

TZ = ZoneInfo("Asia/Jakarta")
DAY0 = datetime(2026, 11, 24, 0, 0, tzinfo=TZ)
NOW = DAY0.replace(hour=11, minute=10)
RUNNING = DAY0.replace(hour=11)
STEP = timedelta(minutes=30)
SHIFT = Period("shift", DAY0.replace(hour=7), DAY0.replace(hour=15))
DAY = Period("day", DAY0, DAY0 + timedelta(days=1))
# 100 calls of 200 s forecast in every interval 07:00-14:30
FORECAST = [IntervalForecast(DAY0.replace(hour=7) + i * STEP, 100, 200) for i in range(16)]
TARGETS = {
    "service_level": KpiTarget("service_level", Direction.HIGHER, 80, 70),
    "scr": KpiTarget("scr", Direction.HIGHER, 95, 90),
    "abandon": KpiTarget("abandon", Direction.LOWER, 5, 10),
}
RULES = OutlookRules(TARGETS, KpiOptions(), StaffingRules())
# done (07:00-10:30): 880 offered (forecast 800: ×1.1), 822 answered at 220 s (×1.1)
RUNNING_COUNTS = VoiceCounts(
    offered=40, answered=38, abandoned=2, answered_within_sl=30, handle_seconds=38 * 220.0,
    answer_wait_seconds=38 * 15.0,
)  # fmt: skip
TODAY = VoiceCounts(
    offered=920, answered=860, abandoned=60, answered_within_sl=690,
    handle_seconds=822 * 220.0 + 38 * 220.0, answer_wait_seconds=860 * 15.0,
)  # fmt: skip
CHANNELS = [
    ChannelNow("chat", 12, 30, 300, 4, 60),
    ChannelNow("email", 3, 100, 600, 2, 3600),
    ChannelNow("whatsapp", 0, 0, 300, 1, 60),
]


def outlook(**kw: object):  # type: ignore[no-untyped-def]
    args: dict[str, object] = dict(
        now=NOW, rules=RULES, periods=(SHIFT, DAY), today=TODAY, shift_so_far=TODAY,
        running=RUNNING_COUNTS, running_start=RUNNING, forecast=FORECAST,
        scheduled={RUNNING + i * STEP: 15.0 for i in range(8)}, logged_in=20,
        channels=CHANNELS,
    )  # fmt: skip
    args.update(kw)
    return build_outlook(**args)  # type: ignore[arg-type]


def test_reforecast_ratios_and_the_rest_of_the_day() -> None:
    o = outlook()
    assert o.reforecast.volume_ratio == pytest.approx(1.1)
    assert o.reforecast.aht_ratio == pytest.approx(1.1)
    assert [r.start for r in o.intervals] == [RUNNING + i * STEP for i in range(8)]
    first = o.intervals[0]
    assert first.running and first.calls == pytest.approx(110) and first.aht == pytest.approx(220)
    assert first.calls_to_go == pytest.approx(70)  # 110 − the 40 already offered
    assert all(r.calls_to_go == pytest.approx(110) for r in o.intervals[1:])


def test_recovery_for_the_shift() -> None:
    o = outlook()
    # SL so far 690 / 920 = 75 %; 840 calls to come; SLA 80 %: 0.8·1760 − 690 = 718
    sl = o.recovery_for("service_level", "shift", "sla")
    assert sl is not None and sl.state == "needed"
    assert sl.so_far == pytest.approx(75.0)
    assert sl.to_go == 718 and sl.required == pytest.approx(100 * 718 / 840)
    slg = o.recovery_for("service_level", "shift", "slg")
    assert slg is not None and slg.to_go == 542 and slg.required == pytest.approx(100 * 542 / 840)
    scr = o.recovery_for("scr", "shift", "sla")
    assert scr is not None and scr.to_go == 812 and scr.required == pytest.approx(100 * 812 / 840)
    ab = o.recovery_for("abandon", "shift", "sla")
    assert ab is not None and ab.state == "needed"
    assert ab.to_go == 28 and ab.required == pytest.approx(100 * 28 / 840)  # ≤ 3.3 %


def test_unreachable_and_secured() -> None:
    late = NOW.replace(hour=14, minute=40)
    run = DAY0.replace(hour=14, minute=30)
    o = outlook(now=late, running_start=run, running=VoiceCounts())
    # done: 920 of 1,500 forecast (×0.6133); 14:30 brings 61.3 calls: the SLA needs
    # 0.8·981.3 − 690 = 95.1 of them within 20 s: unreachable
    to_come = 100 * 920 / 1500
    sl = o.recovery_for("service_level", "shift", "sla")
    assert sl is not None and sl.state == "unreachable"
    assert sl.required == pytest.approx(100 * (0.8 * (920 + to_come) - 690) / to_come)
    # the SLG: 0.7·981.3 = 686.9 is below the 690 already within: secured
    slg = o.recovery_for("service_level", "shift", "slg")
    assert slg is not None and slg.state == "secured" and slg.to_go == 0
    # abandon SLG 10 %: 98.1 − 60 = 38 abandons still allowed of 61 calls
    ab = o.recovery_for("abandon", "shift", "slg")
    assert ab is not None and ab.state == "needed" and ab.to_go == 38
    # after the end of the shift: the final word
    done = outlook(now=DAY0.replace(hour=15, minute=5), running_start=DAY0.replace(hour=15),
                   running=VoiceCounts())  # fmt: skip
    final = done.recovery_for("service_level", "shift", "sla")
    assert final is not None and final.state == "final_missed" and final.so_far == 75.0
    # SLA 35 %: 0.35·1760 = 616 ≤ 690 already within: secured whatever comes
    low_target = {"service_level": KpiTarget("service_level", Direction.HIGHER, 35, None)}
    low = outlook(rules=OutlookRules(low_target, KpiOptions(), StaffingRules()))
    sec = low.recovery_for("service_level", "shift", "sla")
    assert sec is not None and sec.state == "secured" and sec.to_go == 0
    assert low.recovery_for("service_level", "shift", "slg") is None  # no SLG: no line


def test_answered_formula_uses_todays_answer_share() -> None:
    options = KpiOptions(service_level_formula=ServiceLevelFormula.ANSWERED)
    o = outlook(rules=OutlookRules(TARGETS, options, StaffingRules()))
    sl = o.recovery_for("service_level", "shift", "sla")
    # so far 690 / 860; the 840 to come are answered at today's 860/920
    den_r = 840 * 860 / 920
    assert sl is not None and sl.so_far == pytest.approx(100 * 690 / 860)
    assert sl.required == pytest.approx(100 * (0.8 * (860 + den_r) - 690) / den_r)


def test_staffing_per_interval() -> None:
    o = outlook()
    r = o.intervals[1]  # 11:30: 110 calls of 220 s, 15 scheduled
    a = 110 * 220 / 1800
    assert r.traffic == pytest.approx(a)
    assert r.need_c == erlang.agents_needed(a, 220, 20, 0.8)
    assert r.need_a <= r.need_c
    assert o.patience == pytest.approx((860 * 15 + 60 * 15) / 60)  # 230 s
    assert r.occupancy == pytest.approx(a / 15) and r.over_cap  # 89.6 % > 85 %
    first = o.intervals[0]
    assert first.logged_in == 20 and first.occupancy == pytest.approx(a / 20)
    assert not first.over_cap
    assert next_staffing(o) is first


def test_what_if_more_agents_and_to_chat() -> None:
    base = outlook()
    more = outlook(what_if=WhatIf(more_agents=3))
    (t0, b0, m0) = more.next_projection[0]
    assert t0 == RUNNING and b0.agents == 20 and m0.agents == 23
    p = performance(110 / 1800, 220, 224.9, 23, 20)  # 230 s on the 5 % grid: 1.05^111
    assert m0.service_level == pytest.approx(100 * p.service_level)
    assert m0.abandon == pytest.approx(100 * p.p_abandon) and m0.asa == pytest.approx(p.asa)
    assert more.next_projection[1][2].agents == 18  # 15 scheduled + 3
    day = base.recovery_for("service_level", "day", "sla")
    day_more = more.recovery_for("service_level", "day", "sla")
    assert day is not None and day_more is not None
    assert day_more.projected > day.projected
    assert day_more.projected_plan == pytest.approx(day.projected)  # without the what-if
    chat = outlook(what_if=WhatIf(to_chat=2))
    assert chat.next_projection[0][2].agents == 18
    assert chat.backlog[0].agents == 6 and chat.backlog[0].time_to_clear == pytest.approx(600)


def test_backlog_time_to_clear_and_miss() -> None:
    chat, email, wa = outlook().backlog
    assert chat.time_to_clear == pytest.approx(12 * 300 / 4)  # 15:00
    # the k-th of 12: 30·(1 − k/12) + k·900/12 passes 60 s at k/12 = 30/870
    share = 30 / 870
    assert chat.state == "miss"
    assert chat.miss_at == NOW + timedelta(seconds=60 - 30 * (1 - share))
    assert email.state == "on_track" and email.time_to_clear == pytest.approx(900)
    assert wa.state == "clear"
    late = outlook(channels=[ChannelNow("chat", 2, 90, 300, 4, 60)]).backlog[0]
    assert late.state == "missed" and late.miss_at == NOW
    none = outlook(channels=[ChannelNow("chat", 2, 10, 300, 0, 60)]).backlog[0]
    assert none.state == "no_agents" and none.time_to_clear is None


def test_without_forecast_actuals_only() -> None:
    o = outlook(forecast=None)
    assert not o.reforecast.has_forecast and o.intervals == () and o.recovery == ()
    assert o.reforecast.completed_offered == 880
