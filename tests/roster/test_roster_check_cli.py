"""`rtm roster check` end to end through `rtm_tui.cli.main`, with real files and config."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from roster_helpers import LONG_HEADER, TZ, write_csv, write_xlsx

from rtm_tui.cli import main
from rtm_tui.clock import FrozenClock

D = "2026-11-25"
Y = "2026-11-24"


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text('[site]\ntimezone = "Asia/Jakarta"\n', encoding="utf-8")
    return path


def good_rows(day: str = D) -> list[list[str]]:
    # four P1 agents with staggered breaks: one of four on break at any time
    rows = [LONG_HEADER]
    for i, b in enumerate(("10:00-11:00", "11:00-12:00", "12:00-13:00", "13:00-14:00")):
        rows.append([day, f"A{i}", f"Agent {i}", "Inbound", "P1", "", "", "", f"ISTIRAHAT {b}"])
    return rows


def forecast_rows(calls: str) -> list[list[str]]:
    return [
        ["date", "interval", "calls", "aht"],
        [D, "07:00", calls, "180"],
        [D, "12:00", "5", "180"],
    ]


# "tomorrow" comes from this clock, never the wall clock (a run near midnight would flip it)
NOW = datetime(2026, 11, 24, 23, 50, tzinfo=TZ)


def run(capsys, *argv: str, now: datetime = NOW) -> tuple[int, str, str]:
    code = main(["roster", "check", *argv], clock=FrozenClock(now))
    out, err = capsys.readouterr()
    return code, out, err


def test_clean_roster_exits_0(tmp_path: Path, config: Path, capsys) -> None:
    roster = write_csv(tmp_path / "roster.csv", [*good_rows(Y), *good_rows()[1:]])
    fc = write_csv(tmp_path / "fc.csv", forecast_rows("5"))  # 0.5 E -> 2 agents, 3 to schedule
    code, out, _ = run(
        capsys, str(roster), "--date", D, "--forecast", str(fc), "--config", str(config)
    )
    assert code == 0, out
    assert "OK: no problems found." in out
    assert "all 2 intervals covered" in out

    code, out, _ = run(
        capsys, str(roster), "--date", D, "--forecast", str(fc), "--json", "--config", str(config)
    )
    doc = json.loads(out)
    assert code == 0 and doc["ok"] is True and doc["problems"] == []
    assert [(i["interval"], i["scheduled"], i["needed"], i["gap"]) for i in doc["intervals"]] == [
        ("07:00", 4, 3, 1),
        ("12:00", 3, 3, 0),
    ]


def test_problems_exit_1_with_tables(tmp_path: Path, config: Path, capsys) -> None:
    rows = [
        *good_rows(),
        [D, "A9", "Ann [/] \x1b[2J", "Inbound", "", "09:00", "11:00", "", ""],  # 2 h shift
        [Y, "A0", "Agent 0", "Inbound", "M1", "", "", "", ""],  # 0 h rest before P1
    ]
    roster = write_csv(tmp_path / "roster.csv", rows)
    fc = write_csv(tmp_path / "fc.csv", forecast_rows("100"))  # 10 E -> 20 to schedule
    code, out, _ = run(
        capsys, str(roster), "--date", D, "--forecast", str(fc), "--config", str(config)
    )
    assert code == 1
    assert "Ann [/]" in out  # names are data: shown literally, escapes removed
    assert "\x1b[2J" not in out
    assert "shorter than the minimum" in out and "rest between" in out
    assert "Under-staffed intervals (1 of 2)" in out
    assert "-16" in out  # 07:00: 4 scheduled, 20 needed

    code, out, _ = run(
        capsys, str(roster), "--date", D, "--forecast", str(fc), "--json", "--config", str(config)
    )
    doc = json.loads(out)
    assert code == 1 and doc["ok"] is False
    assert {(p["kind"], p["agent_id"]) for p in doc["problems"]} == {
        ("short_shift", "A9"),
        ("short_rest", "A0"),
    }
    short = [i for i in doc["intervals"] if i["short"]]
    assert [(i["interval"], i["scheduled"], i["needed"], i["gap"]) for i in short] == [
        ("07:00", 4, 20, -16)
    ]


def test_without_forecast_coverage_is_skipped_with_a_note(
    tmp_path: Path, config: Path, capsys
) -> None:
    roster = write_csv(tmp_path / "roster.csv", good_rows())
    code, out, _ = run(capsys, str(roster), "--date", D, "--config", str(config))
    assert code == 0
    assert "Note: no forecast given" in out


def test_unreadable_input_exits_2_listing_every_problem(
    tmp_path: Path, config: Path, capsys
) -> None:
    rows = [
        *good_rows(),
        [D, "A5", "X", "T", "ZZ", "", "", "", ""],
        [D, "A6", "Y", "T", "P1", "25:00", "", "", ""],
    ]
    roster = write_csv(tmp_path / "roster.csv", rows, delimiter=";")
    missing = tmp_path / "no-forecast.csv"
    code, out, err = run(
        capsys, str(roster), "--date", D, "--forecast", str(missing), "--config", str(config)
    )
    assert code == 2
    assert "roster.csv" in err and "'ZZ'" in err and "'25:00'" in err and "no-forecast.csv" in err
    assert "Problems" not in out + err  # nothing else judged

    code, out, _ = run(
        capsys,
        str(roster),
        "--date",
        D,
        "--forecast",
        str(missing),
        "--json",
        "--config",
        str(config),
    )
    doc = json.loads(out)
    assert code == 2 and doc["ok"] is False and "problems" not in doc
    assert {(p["file"], p["row"], p["column"], p["value"]) for p in doc["file_problems"]} == {
        ("roster.csv", 6, "shift_code", "ZZ"),
        ("roster.csv", 7, "start", "25:00"),
        ("no-forecast.csv", None, None, None),
    }


def test_bad_date_argument_exits_2(tmp_path: Path, config: Path, capsys) -> None:
    roster = write_csv(tmp_path / "roster.csv", good_rows())
    code, _, err = run(capsys, str(roster), "--date", "25/11", "--config", str(config))
    assert code == 2 and "is not a date" in err


def test_default_date_is_tomorrow_at_the_site(tmp_path: Path, config: Path, capsys) -> None:
    tomorrow = "2026-11-25"  # NOW is 23:50 on the 24th at the site
    roster = write_csv(tmp_path / "roster.csv", good_rows(tomorrow))
    code, out, _ = run(capsys, str(roster), "--json", "--config", str(config))
    doc = json.loads(out)
    assert doc["date"] == tomorrow and doc["agents"] == 4
    assert code == 0


def test_tomorrow_is_judged_in_the_site_timezone(tmp_path: Path, config: Path, capsys) -> None:
    # 17:10 UTC on the 24th is 00:10 WIB on the 25th: H-1 checks the 26th
    roster = write_csv(tmp_path / "roster.csv", good_rows("2026-11-26"))
    at = datetime(2026, 11, 24, 17, 10, tzinfo=UTC)
    code, out, _ = run(capsys, str(roster), "--json", "--config", str(config), now=at)
    assert code == 0 and json.loads(out)["date"] == "2026-11-26"


def test_named_sheet(tmp_path: Path, config: Path, capsys) -> None:
    roster = write_xlsx(tmp_path / "roster.xlsx", good_rows(), sheet="Besok", extra_first=True)
    code, _, _ = run(capsys, str(roster), "--date", D, "--sheet", "Besok", "--config", str(config))
    assert code == 0
    code, _, err = run(capsys, str(roster), "--date", D, "--sheet", "Lusa", "--config", str(config))
    assert code == 2 and "Lusa" in err
