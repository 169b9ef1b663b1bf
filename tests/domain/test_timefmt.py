"""One HH:MM reader for config, CLI, roster cells and the plan form."""

from datetime import time

import pytest

from rtm_tui.config import parse_hhmm as config_hhmm
from rtm_tui.domain.timefmt import parse_hhmm
from rtm_tui.sources.roster_files import parse_time
from rtm_tui.ui.plan_form import parse_due


@pytest.mark.parametrize(
    ("text", "expected"),
    [("07:30", time(7, 30)), ("7.30", time(7, 30)), (" 23:59 ", time(23, 59)), ("00:00", time(0))],
)
def test_colon_and_dot_read_alike(text: str, expected: time) -> None:
    assert parse_hhmm(text) == expected
    assert config_hhmm(text) == expected
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["24:01", "7:60", "730", "07:30:00", "", "ab:cd", "-1:00"])
def test_not_a_time(text: str) -> None:
    assert parse_hhmm(text) is None


def test_seconds_and_midnight_only_where_allowed() -> None:
    assert parse_hhmm("07:30:15", allow_seconds=True) == time(7, 30, 15)
    assert parse_hhmm("24:00") is None
    assert parse_hhmm("24:00", allow_24=True) == time(0)
    assert config_hhmm("24:00") == time(0)  # a shift end at midnight
    with pytest.raises(ValueError, match="is not a time"):
        config_hhmm("25:00")


def test_the_form_reads_a_dotted_due_time() -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    wib = ZoneInfo("Asia/Jakarta")
    start = datetime(2026, 12, 1, 7, 30, tzinfo=wib)
    assert parse_due("09.15", start, wib) == datetime(2026, 12, 1, 9, 15, tzinfo=wib)
    assert parse_due("9:75", start, wib) is None
