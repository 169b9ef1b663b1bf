"""The forecast file reader: intervals, queues summed with a calls-weighted AHT and kept
apart per queue."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

import pytest
from roster_helpers import TZ, write_csv, write_xlsx

from rtm_tui.sources.forecast_files import ForecastFileError, read_forecast, read_forecast_file
from rtm_tui.sources.roster_files import RosterFileError


def test_queues_are_summed_with_weighted_aht(tmp_path: Path) -> None:
    rows = [
        ["date", "interval", "queue", "calls", "aht"],
        ["2026-11-25", "07:30", "retail", "30", "200"],
        ["2026-11-25", "07:30", "vip", "10", "360"],
        ["2026-11-25", "07:00", "retail", "0", "0"],
        ["2026-11-26", "00:00-00:30", "retail", "5,5", "180"],
    ]
    fc = read_forecast_file(write_csv(tmp_path / "f.csv", rows, delimiter=";"), TZ)
    d = date(2026, 11, 25)
    assert [f.start for f in fc[d]] == [
        datetime(2026, 11, 25, 7, 0, tzinfo=TZ),
        datetime(2026, 11, 25, 7, 30, tzinfo=TZ),
    ]
    f = fc[d][1]
    assert f.calls == 40
    assert f.aht_seconds == pytest.approx((30 * 200 + 10 * 360) / 40)  # 240, not 280
    assert fc[d][0].calls == 0
    assert fc[date(2026, 11, 26)][0].calls == 5.5


def test_xlsx_cells(tmp_path: Path) -> None:
    rows = [
        ["Date", "Interval", "Calls", "AHT"],
        [datetime(2026, 11, 25), time(9, 0), 100, 180.0],
    ]
    fc = read_forecast_file(write_xlsx(tmp_path / "f.xlsx", rows), TZ)
    (f,) = fc[date(2026, 11, 25)]
    assert (f.start.time(), f.calls, f.aht_seconds) == (time(9), 100, 180)


def test_every_problem_is_reported(tmp_path: Path) -> None:
    rows = [
        ["date", "interval", "calls", "aht"],
        ["2026-11-25", "07:15", "10", "180"],  # row 2: not an interval start
        ["2026-11-25", "07:30", "-1", "180"],  # row 3: negative calls
        ["2026/25/11", "08:00", "ten", "0"],  # row 4: date, calls, aht
        ["2026-11-25", "09:00", "10", "180"],
        ["2026-11-25", "09:00", "12", "180"],  # row 6: repeated
    ]
    with pytest.raises(ForecastFileError) as err:
        read_forecast_file(write_csv(tmp_path / "f.csv", rows), TZ)
    assert isinstance(err.value, RosterFileError)
    assert {(p.row, p.column) for p in err.value.problems} == {
        (2, "interval"),
        (3, "calls"),
        (4, "date"),
        (4, "calls"),
        (6, "interval"),
    }
    assert "f.csv row 2, column \"interval\": '07:15' does not start a 30-minute interval" in str(
        err.value
    )


def test_missing_columns_and_file(tmp_path: Path) -> None:
    with pytest.raises(ForecastFileError, match='has no "aht" column'):
        read_forecast_file(write_csv(tmp_path / "f.csv", [["date", "interval", "calls"]]), TZ)
    with pytest.raises(ForecastFileError, match="nope.csv: cannot be read"):
        read_forecast_file(tmp_path / "nope.csv", TZ)


def test_interval_minutes_is_respected(tmp_path: Path) -> None:
    rows = [["date", "interval", "calls", "aht"], ["2026-11-25", "07:15", "10", "180"]]
    fc = read_forecast_file(write_csv(tmp_path / "f.csv", rows), TZ, interval_minutes=15)
    assert fc[date(2026, 11, 25)][0].start.minute == 15


def test_queues_are_kept_apart(tmp_path: Path) -> None:
    rows = [
        ["date", "interval", "queue", "calls", "aht"],
        ["2026-11-25", "07:30", "retail", "30", "200"],
        ["2026-11-25", "07:30", "vip", "10", "360"],
        ["2026-11-25", "07:00", "retail", "0", "0"],
        ["2026-11-25", "08:00", "vip", "4", "300"],
    ]
    read = read_forecast(write_csv(tmp_path / "f.csv", rows), TZ)
    d = date(2026, 11, 25)
    at = lambda h, m: datetime(2026, 11, 25, h, m, tzinfo=TZ)  # noqa: E731
    assert set(read.queues[d]) == {"retail", "vip"}
    assert [(f.start, f.calls, f.aht_seconds) for f in read.queues[d]["retail"]] == [
        (at(7, 0), 0, 0),
        (at(7, 30), 30, 200),
    ]
    assert [(f.start, f.calls, f.aht_seconds) for f in read.queues[d]["vip"]] == [
        (at(7, 30), 10, 360),
        (at(8, 0), 4, 300),
    ]
    # the all-queues forecast is still the sum, as read_forecast_file gives it
    assert [(f.start, f.calls) for f in read.days[d]] == [
        (at(7, 0), 0),
        (at(7, 30), 40),
        (at(8, 0), 4),
    ]
    assert read_forecast_file(tmp_path / "f.csv", TZ) == read.days


def test_no_queue_column_or_an_empty_one_keeps_no_queues(tmp_path: Path) -> None:
    plain = [["date", "interval", "calls", "aht"], ["2026-11-25", "07:30", "30", "200"]]
    assert read_forecast(write_csv(tmp_path / "a.csv", plain), TZ).queues == {}
    blank = [
        ["date", "interval", "queue", "calls", "aht"],
        ["2026-11-25", "07:30", "", "30", "200"],
        ["2026-11-25", "08:00", None, "20", "200"],
    ]
    read = read_forecast(write_csv(tmp_path / "b.csv", blank), TZ)
    assert read.queues == {}
    assert [f.calls for f in read.days[date(2026, 11, 25)]] == [30, 20]


def test_a_bad_row_of_a_queue_file_is_named(tmp_path: Path) -> None:
    rows = [
        ["date", "interval", "queue", "calls", "aht"],
        ["2026-11-25", "07:30", "retail", "30", "200"],
        ["2026-11-25", "07:30", "", "10", "360"],  # row 3: which queue?
        ["2026-11-25", "08:00", "vip", "lots", "300"],  # row 4: calls
        ["2026-11-25", "07:30", "retail", "12", "200"],  # row 5: retail 07:30 again
    ]
    with pytest.raises(ForecastFileError) as err:
        read_forecast(write_csv(tmp_path / "q.csv", rows), TZ)
    assert {(p.row, p.column) for p in err.value.problems} == {
        (3, "queue"),
        (4, "calls"),
        (5, "interval"),
    }
    text = str(err.value)
    assert 'q.csv row 3, column "queue"' in text
    assert "has no queue, while other rows of the file name one" in text
    assert "q.csv row 4, column \"calls\": 'lots'" in text
