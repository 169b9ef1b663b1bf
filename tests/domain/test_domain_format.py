"""Number formatting: percent, durations, per-KPI choice, no data."""

from __future__ import annotations

import math

import pytest

from rtm_tui.domain.format import fmt_count, fmt_decimal, fmt_duration, fmt_kpi, fmt_percent


def test_fmt_percent() -> None:
    assert fmt_percent(95.0) == "95.0 %"
    assert fmt_percent(94.96) == "95.0 %"
    assert fmt_percent(0.0) == "0.0 %"
    assert fmt_percent(100.0) == "100.0 %"
    assert fmt_percent(None) == "—"
    assert fmt_percent(math.nan) == "—"


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0:00"),
        (5, "0:05"),
        (59.4, "0:59"),
        (59.5, "1:00"),
        (290, "4:50"),
        (3599, "59:59"),
        (3599.6, "1:00:00"),
        (3600, "1:00:00"),
        (3723, "1:02:03"),
        (36000 + 61, "10:01:01"),
        (-3, "0:00"),
    ],
)
def test_fmt_duration(seconds: float, text: str) -> None:
    assert fmt_duration(seconds) == text


def test_fmt_duration_no_data() -> None:
    assert fmt_duration(None) == "—"
    assert fmt_duration(math.nan) == "—"
    assert fmt_duration(math.inf) == "∞"


def test_fmt_kpi_chooses_by_kind() -> None:
    assert fmt_kpi("scr", 95.0) == "95.0 %"
    assert fmt_kpi("abandon", 4.26) == "4.3 %"
    assert fmt_kpi("service_level", None) == "—"
    assert fmt_kpi("aht", 289.6) == "4:50"
    assert fmt_kpi("asa", 7.84) == "0:08"
    assert fmt_kpi("longest_wait", 4000) == "1:06:40"
    assert fmt_kpi("response_time.email", 3600) == "1:00:00"
    assert fmt_kpi("nv_aht", None) == "—"
    assert fmt_kpi("calls_waiting", 7.0) == "7"
    assert fmt_kpi("waiting_list", 14.0) == "14"
    assert fmt_kpi("unknown_kpi", 1.5) == "1.5"
    assert fmt_count(None) == "—"


def test_rounding_is_half_up_as_on_a_calculator() -> None:
    # round-half-to-even on binary floats printed 96.25 as "96.2 %" and 2.5 calls as "2"
    assert fmt_percent(96.25) == "96.3 %"
    assert fmt_percent(0.15) == "0.2 %"
    assert fmt_percent(96.24) == "96.2 %"
    assert fmt_count(2.5) == "3" and fmt_count(3.5) == "4"
    assert fmt_decimal(2.25, 1) == "2.3" and fmt_decimal(-2.25, 1) == "-2.3"
    assert fmt_kpi("scr", 96.25) == "96.3 %"
