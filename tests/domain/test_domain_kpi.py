"""KPI formulas, options, no-data and status boundaries (kpi.md)."""

from __future__ import annotations

import pytest

from rtm_tui.domain.kpi import (
    nonvoice_kpis,
    status_of,
    sum_nonvoice,
    sum_voice,
    target_for,
    voice_kpis,
)
from rtm_tui.domain.types import (
    Direction,
    KpiOptions,
    KpiTarget,
    NonVoiceCounts,
    NonVoiceNow,
    ServiceLevelFormula,
    Status,
    VoiceCounts,
    VoiceNow,
)

# the contract's example interval: 412 offered, 390 answered, 22 abandoned (3 short)
Q1 = VoiceCounts(
    offered=412,
    answered=390,
    abandoned=22,
    short_abandoned=3,
    answered_within_sl=320,
    handle_seconds=101400,
    answer_wait_seconds=5460,
)


def test_voice_kpis_plain_formulas() -> None:
    k = voice_kpis(Q1, VoiceNow(waiting=7, longest_wait_seconds=48), KpiOptions())
    assert k["scr"] == pytest.approx(100 * 390 / 412)
    assert k["abandon"] == pytest.approx(100 * 22 / 412)
    assert k["service_level"] == pytest.approx(100 * 320 / 412)
    assert k["aht"] == pytest.approx(101400 / 390)
    assert k["asa"] == pytest.approx(5460 / 390)
    assert k["calls_waiting"] == 7
    assert k["longest_wait"] == 48


def test_rates_are_percent_and_exact() -> None:
    k = voice_kpis(VoiceCounts(offered=20, answered=19, answered_within_sl=16), None)
    assert k["scr"] == 95.0
    assert k["service_level"] == 80.0


def test_zero_denominators_are_no_data() -> None:
    k = voice_kpis(VoiceCounts(), None, KpiOptions())
    assert all(v is None for v in k.values()), k
    nv = nonvoice_kpis(NonVoiceCounts(received=3), None)
    assert nv == {"response_time": None, "waiting_list": None, "nv_aht": None}


def test_offered_only_short_abandons_excluded_is_no_data() -> None:
    c = VoiceCounts(offered=2, abandoned=2, short_abandoned=2)
    opts = KpiOptions(exclude_short_abandons=True)
    k = voice_kpis(c, None, opts)
    assert k["scr"] is None and k["abandon"] is None and k["service_level"] is None
    # without the option the same counts are 0 % SCR, 100 % abandon
    k2 = voice_kpis(c, None, KpiOptions())
    assert k2["scr"] == 0.0 and k2["abandon"] == 100.0


def test_exclude_short_abandons() -> None:
    k = voice_kpis(Q1, None, KpiOptions(exclude_short_abandons=True))
    assert k["scr"] == pytest.approx(100 * 390 / 409)
    assert k["abandon"] == pytest.approx(100 * 19 / 409)
    assert k["service_level"] == pytest.approx(100 * 320 / 409)
    assert k["aht"] == pytest.approx(101400 / 390)  # untouched


@pytest.mark.parametrize(
    ("formula", "exclude", "expected"),
    [
        (ServiceLevelFormula.OFFERED, False, 100 * 320 / 412),
        (ServiceLevelFormula.OFFERED, True, 100 * 320 / 409),
        (ServiceLevelFormula.ANSWERED, False, 100 * 320 / 390),
        (ServiceLevelFormula.ANSWERED, True, 100 * 320 / 390),
        (ServiceLevelFormula.NO_ABANDONS, False, 100 * 320 / (390 + 22 - 3)),
        (ServiceLevelFormula.NO_ABANDONS, True, 100 * 320 / (390 + 22 - 3)),
    ],
)
def test_service_level_formulas(
    formula: ServiceLevelFormula, exclude: bool, expected: float
) -> None:
    opts = KpiOptions(exclude_short_abandons=exclude, service_level_formula=formula)
    assert voice_kpis(Q1, None, opts)["service_level"] == pytest.approx(expected)


def test_service_level_answered_formula_zero_answered_is_no_data() -> None:
    opts = KpiOptions(service_level_formula=ServiceLevelFormula.ANSWERED)
    k = voice_kpis(VoiceCounts(offered=5, abandoned=5), None, opts)
    assert k["service_level"] is None
    assert k["abandon"] == 100.0


def test_several_queues_are_summed_before_the_formula() -> None:
    small = VoiceCounts(offered=10, answered=10, answered_within_sl=10, handle_seconds=1000)
    big = VoiceCounts(offered=90, answered=45, answered_within_sl=30, handle_seconds=9000)
    total = sum_voice([small, big])
    assert total == small + big
    k = voice_kpis(total, VoiceNow(1, 10) + VoiceNow(2, 30), KpiOptions())
    # 55 / 100, not the mean of 100 % and 50 %
    assert k["scr"] == 55.0
    assert k["service_level"] == 40.0
    assert k["aht"] == pytest.approx(10000 / 55)
    assert k["calls_waiting"] == 3 and k["longest_wait"] == 30


def test_nonvoice_kpis_and_sum() -> None:
    wa = NonVoiceCounts(
        received=120, responded=110, first_response_seconds=5400, handled=104, handle_seconds=39000
    )
    em = NonVoiceCounts(
        received=10, responded=10, first_response_seconds=36000, handled=10, handle_seconds=3000
    )
    k = nonvoice_kpis(wa, NonVoiceNow(14, 310))
    assert k["response_time"] == pytest.approx(5400 / 110)
    assert k["waiting_list"] == 14
    assert k["nv_aht"] == pytest.approx(39000 / 104)
    both = nonvoice_kpis(sum_nonvoice([wa, em]), None)
    assert both["response_time"] == pytest.approx(41400 / 120)


SCR = KpiTarget("scr", Direction.HIGHER, sla=95.0, slg=90.0)
AHT = KpiTarget("aht", Direction.LOWER, sla=300.0, slg=360.0)


@pytest.mark.parametrize(
    ("value", "status"),
    [
        (None, Status.NO_DATA),
        (100.0, Status.OK),
        (95.0, Status.OK),  # exactly at the SLA meets it
        (94.99, Status.WARNING),
        (90.0, Status.WARNING),  # exactly at the SLG meets the guarantee
        (89.99, Status.BREACH),
        (0.0, Status.BREACH),
    ],
)
def test_status_higher_is_better(value: float | None, status: Status) -> None:
    assert status_of(value, SCR) is status


@pytest.mark.parametrize(
    ("value", "status"),
    [
        (0.0, Status.OK),
        (300.0, Status.OK),
        (300.01, Status.WARNING),
        (360.0, Status.WARNING),
        (360.01, Status.BREACH),
    ],
)
def test_status_lower_is_better(value: float, status: Status) -> None:
    assert status_of(value, AHT) is status


def test_status_float_noise_at_the_sla_still_meets() -> None:
    assert status_of(0.95 * 100, SCR) is Status.OK  # 94.99999999999999
    assert status_of(100 * 19 / 20, SCR) is Status.OK


@pytest.mark.parametrize(
    ("direction", "value", "status"),
    [
        (Direction.HIGHER, 80.0, Status.OK),
        (Direction.HIGHER, 77.0, Status.WARNING),  # exactly SLA - margin
        (Direction.HIGHER, 76.9, Status.BREACH),
        (Direction.LOWER, 80.0, Status.OK),
        (Direction.LOWER, 83.0, Status.WARNING),  # exactly SLA + margin
        (Direction.LOWER, 83.1, Status.BREACH),
    ],
)
def test_status_warn_margin_without_slg(direction: Direction, value: float, status: Status) -> None:
    t = KpiTarget("x", direction, sla=80.0, warn_margin=3.0)
    assert status_of(value, t) is status


def test_status_without_margin_or_slg_misses_are_breaches() -> None:
    t = KpiTarget("abandon", Direction.LOWER, sla=5.0)
    assert status_of(5.0, t) is Status.OK
    assert status_of(5.01, t) is Status.BREACH


def test_status_without_target_or_with_only_slg() -> None:
    assert status_of(12.0, None) is Status.OK
    assert status_of(None, None) is Status.NO_DATA
    assert status_of(12.0, KpiTarget("x", Direction.HIGHER)) is Status.OK
    only_slg = KpiTarget("x", Direction.HIGHER, slg=90.0)
    assert status_of(90.0, only_slg) is Status.OK
    assert status_of(89.0, only_slg) is Status.BREACH


def test_target_for_prefers_scoped_key() -> None:
    general = KpiTarget("response_time", Direction.LOWER, sla=60)
    email = KpiTarget("response_time", Direction.LOWER, sla=3600)
    targets = {"response_time": general, "response_time.email": email}
    assert target_for(targets, "response_time", "email") is email
    assert target_for(targets, "response_time", "chat") is general
    assert target_for(targets, "response_time", "all") is general
    assert target_for(targets, "scr", "all") is None
