"""The outlook per queue: with each queue's own forecast (a forecast file with a `queue`
column) a queue's rest of the day is its forecast × its own ratios; without, the day's
rest split by today's shares. Numbers recomputed by hand below."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from rtm_tui.domain.coverage import IntervalForecast
from rtm_tui.domain.outlook import OutlookRules, Period, QueueNow, build_outlook
from rtm_tui.domain.types import Direction, KpiOptions, KpiTarget, StaffingRules, VoiceCounts

TZ = ZoneInfo("Asia/Jakarta")
DAY0 = datetime(2026, 11, 24, tzinfo=TZ)
NOW = DAY0.replace(hour=11, minute=10)
RUNNING = DAY0.replace(hour=11)
STEP = timedelta(minutes=30)
STARTS = [DAY0.replace(hour=7) + i * STEP for i in range(16)]  # 07:00-14:30
# retail 70 calls of 200 s, vip 30 of 200 s per interval: all queues 100 of 200 s
RETAIL = [IntervalForecast(s, 70, 200) for s in STARTS]
VIP = [IntervalForecast(s, 30, 200) for s in STARTS]
ALL = [IntervalForecast(s, 100, 200) for s in STARTS]
RULES = OutlookRules(
    {"service_level": KpiTarget("service_level", Direction.HIGHER, 80, 70)},
    KpiOptions(),
    StaffingRules(),
)


def counts(offered: int, answered: int, aht: float) -> VoiceCounts:
    return VoiceCounts(
        offered=offered, answered=answered, abandoned=offered - answered,
        answered_within_sl=answered, handle_seconds=answered * aht,
        answer_wait_seconds=answered * 10.0,
    )  # fmt: skip


# retail: 650 today, 25 of them in the running 11:00 interval; answered at 210 s
# vip: 270 today, 15 running; answered at 250 s
RETAIL_NOW = QueueNow("retail", counts(650, 624, 210), counts(25, 24, 210))
VIP_NOW = QueueNow("vip", counts(270, 254, 250), counts(15, 14, 250))
TODAY = VoiceCounts(
    offered=920, answered=878, abandoned=42, answered_within_sl=878,
    handle_seconds=624 * 210 + 254 * 250, answer_wait_seconds=878 * 10.0,
)  # fmt: skip
RUNNING_ALL = VoiceCounts(
    offered=40, answered=38, abandoned=2, answered_within_sl=38,
    handle_seconds=24 * 210 + 14 * 250, answer_wait_seconds=38 * 10.0,
)  # fmt: skip


def outlook(**kw: object):  # type: ignore[no-untyped-def]
    args: dict[str, object] = dict(
        now=NOW, rules=RULES, periods=(Period("day", DAY0, DAY0 + timedelta(days=1)),),
        today=TODAY, shift_so_far=None, running=RUNNING_ALL, running_start=RUNNING,
        forecast=ALL, queues=(RETAIL_NOW, VIP_NOW),
    )  # fmt: skip
    args.update(kw)
    return build_outlook(**args)  # type: ignore[arg-type]


def test_each_queue_gets_its_own_forecast_and_ratios() -> None:
    o = outlook(queue_forecast={"retail": RETAIL, "vip": VIP})
    retail, vip = o.queues
    # completed 07:00-10:30 (8 intervals): retail forecast 560, done 650 − 25 = 625 calls
    # → ×1.1161; AHT 210 / 200 → ×1.05. Rest 11:00-14:30: 8 × 70 × 625/560 = 625, minus
    # the 25 already offered at 11:00: 600 to go
    assert retail.source == "forecast" and retail.reforecast is not None
    assert retail.reforecast.volume_ratio == pytest.approx(625 / 560)
    assert retail.reforecast.aht_ratio == pytest.approx(1.05)
    assert retail.reforecast.completed_offered == 625
    assert retail.reforecast.completed_forecast == 560
    assert retail.offered == 650
    assert retail.to_go == pytest.approx(600)
    # vip: forecast 240, done 255 → ×1.0625; AHT 250 / 200 → ×1.25; 8 × 30 × 1.0625 = 255
    # minus 15: 240 to go
    assert vip.reforecast is not None
    assert vip.reforecast.volume_ratio == pytest.approx(1.0625)
    assert vip.reforecast.aht_ratio == pytest.approx(1.25)
    assert vip.to_go == pytest.approx(240)
    # the all-queues rows stay the summed forecast's: done 880 of 800 (×1.1)
    assert o.reforecast.volume_ratio == pytest.approx(1.1)
    plain = outlook()
    assert o.intervals == plain.intervals and o.recovery == plain.recovery


def test_without_queue_forecasts_the_rest_is_split_by_todays_shares() -> None:
    o = outlook()
    retail, vip = o.queues
    # all queues: 8 × 100 × 1.1 = 880 for 11:00-14:30, minus the 40 offered at 11:00: 840;
    # retail has 650 of today's 920 calls, vip 270
    assert (retail.source, vip.source) == ("share", "share")
    assert retail.to_go == pytest.approx(840 * 650 / 920)
    assert vip.to_go == pytest.approx(840 * 270 / 920)
    assert retail.reforecast is None
    # an empty mapping (a file without queues) is the same
    assert outlook(queue_forecast={}).queues == o.queues


def test_a_queue_missing_from_the_queue_forecast_has_none() -> None:
    o = outlook(queue_forecast={"retail": RETAIL})
    retail, vip = o.queues
    assert retail.source == "forecast" and retail.to_go == pytest.approx(600)
    assert vip.source == "none" and vip.to_go is None and vip.offered == 270


def test_a_queue_not_yet_in_the_running_interval() -> None:
    # the tuple form (queue, today) has no running counts: the whole 11:00 reforecast
    # is still to come; done = today
    o = outlook(queues=(("vip", VIP_NOW.today),), queue_forecast={"vip": VIP})
    (vip,) = o.queues
    assert vip.reforecast is not None
    assert vip.reforecast.volume_ratio == pytest.approx(270 / 240)
    assert vip.to_go == pytest.approx(8 * 30 * 270 / 240)


def test_the_view_lines_per_queue() -> None:
    from rtm_tui.i18n.outlook_text import outlook_lines

    own = outlook_lines(outlook(queue_forecast={"retail": RETAIL, "vip": VIP}), TZ, 80)
    assert own[-3:] == [
        "Queues on their own forecasts (today + rest of day):",
        " retail 650+600: volume ×1.12, AHT ×1.05",
        " vip 270+240: volume ×1.06, AHT ×1.25",
    ]
    missing = outlook_lines(outlook(queue_forecast={"retail": RETAIL}), TZ, 80)
    assert missing[-1] == " vip 270: not in the forecast file"
    shares = outlook_lines(outlook(), TZ, 80)
    assert shares[-1] == "Queues today + rest of day: retail 650+593, vip 270+247"
