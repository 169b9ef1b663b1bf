"""`rtm` arguments and outputs at their edges, through the real entry point with a fixed
clock: every bad value is one `rtm ...:` line on stderr and exit 2 (never a traceback),
and a failed export leaves no temp file behind."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from rtm_tui.cli import main as cli_main
from rtm_tui.clock import FrozenClock
from rtm_tui.domain.plans import PlanAction, RecoveryPlan, RootCause
from rtm_tui.store import AgentEvent, Store

JKT = ZoneInfo("Asia/Jakarta")
NOW = datetime(2026, 11, 18, 10, 0, tzinfo=JKT)
SITE = "CC Bandung"  # [site] name: the CLI reads and writes this site's records


def rtm(argv: list[str]) -> int:
    return cli_main(argv, clock=FrozenClock(NOW))


def _plan(at: datetime, note: str) -> RecoveryPlan:
    return RecoveryPlan(
        created_at=at,
        date=at.date(),
        tl_shift="pagi",
        interval_start=at,
        kpi="scr",
        scope="all",
        sla=90.0,
        slg=85.0,
        actual=78.0,
        root_cause=RootCause.UNDERSTAFFING,
        analysis="3 agents sick",
        actions=(PlanAction("Call standby agents", "Rina", at + timedelta(hours=1)),),
        tl_name="Rina",
        note=note,
    )


@pytest.fixture
def site(tmp_path: Path) -> tuple[Path, Path]:
    """A config whose database holds one plan 800 days old and one from today."""
    db = tmp_path / "data" / "rtm.sqlite3"
    config = tmp_path / "config.toml"
    config.write_text(
        f'[site]\nname = "{SITE}"\ntimezone = "Asia/Jakarta"\n\n'
        f"[storage]\ndatabase = '{db}'\n",
        encoding="utf-8",
    )
    with Store.open(db, site=SITE) as store:
        store.save_plan(_plan(NOW - timedelta(days=800), "old"), "Rina")
        store.save_plan(_plan(NOW - timedelta(minutes=30), "new"), "Rina")
    return config, db


def _one_line_error(capsys: pytest.CaptureFixture[str], prefix: str) -> str:
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(prefix), err
    return lines[0]


def _plan_count(db: Path) -> int:
    with Store.open(db, site=SITE) as store:
        return len(store.list_plans())


# ------------------------------------------------------------------ --older-than


@pytest.mark.parametrize("age", ["9999999999d", "99999999999999999999y", "1" + "0" * 5000])
def test_purge_age_beyond_100_years_is_refused_not_an_overflow(site, capsys, age):
    config, db = site
    assert rtm(["plans", "purge", "--config", str(config), "--older-than", age]) == 2
    line = _one_line_error(capsys, "rtm plans: --older-than")
    assert "at most 36500 days" in line
    assert _plan_count(db) == 2


def test_purge_age_bounds_100_years_allowed_one_day_more_refused(site, capsys):
    config, db = site
    base = ["plans", "purge", "--config", str(config), "--dry-run", "--older-than"]
    assert rtm([*base, "36500d"]) == 0
    assert "0 plan(s) filed before 1926-" in capsys.readouterr().out
    assert rtm([*base, "36501d"]) == 2
    _one_line_error(capsys, "rtm plans: --older-than")
    # the 2-year floor is the store's, and still holds through the shared parser
    assert rtm([*base, "729d"]) == 2
    assert "kept at least 2 years" in _one_line_error(capsys, "rtm plans:")
    assert _plan_count(db) == 2


# ------------------------------------------------------------------ dates


@pytest.mark.parametrize("day", ["0001-01-01", "1999-12-31", "2101-01-01", "9999-12-31"])
def test_report_date_outside_2000_to_2100_is_refused(site, capsys, day):
    config, _ = site
    assert rtm(["report", "--config", str(config), "--date", day, "--shift", "pagi"]) == 2
    line = _one_line_error(capsys, "rtm report: --date")
    assert repr(day) in line and "2000-01-01 to 2100-12-31" in line


@pytest.mark.parametrize(
    "argv",
    [
        ["plans", "list", "--since", "0001-01-01"],
        ["plans", "list", "--until", "9999-12-31"],
        ["plans", "export", "--since", "1900-01-01"],
    ],
)
def test_plans_dates_outside_the_range_are_refused(site, capsys, argv):
    config, _ = site
    assert rtm([*argv, "--config", str(config)]) == 2
    assert "out of range" in _one_line_error(capsys, f"rtm plans: {argv[2]}")


def test_roster_check_date_outside_the_range_is_refused(tmp_path, site, capsys):
    config, _ = site
    roster = tmp_path / "roster.csv"
    roster.write_text("date,agent_id,shift_code\n2026-11-19,A1,\n", encoding="utf-8")
    argv = ["roster", "check", str(roster), "--config", str(config), "--date", "0001-01-01"]
    assert rtm(argv) == 2
    assert "out of range" in _one_line_error(capsys, "rtm roster check: --date")


# ------------------------------------------------------------------ rtm init


@pytest.mark.parametrize("force", [[], ["--force"]])
def test_init_onto_a_directory_is_refused_and_leaves_it_alone(tmp_path, capsys, force):
    target = tmp_path / "conf"
    target.mkdir()
    (target / "keep.txt").write_text("mine", encoding="utf-8")
    assert rtm(["init", "--path", str(target), *force]) == 2
    line = _one_line_error(capsys, "rtm init:")
    assert str(target) in line and "is a directory" in line
    assert [p.name for p in target.iterdir()] == ["keep.txt"]


def test_init_where_the_parent_is_a_file_says_it_cannot_write(tmp_path, capsys):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x", encoding="utf-8")
    target = blocker / "config.toml"
    assert rtm(["init", "--path", str(target)]) == 2
    assert str(target) in _one_line_error(capsys, "rtm init: cannot write")


# ------------------------------------------------------------------ failed exports


@pytest.mark.parametrize("fmt", ["csv", "md", "xlsx"])
def test_a_failed_export_leaves_no_temp_file(site, tmp_path, capsys, fmt):
    config, _ = site
    out = tmp_path / "exports"
    out.mkdir()  # the rename over a directory fails after the temp file was written
    argv = ["plans", "export", "--config", str(config), "--format", fmt, "--output", str(out)]
    assert rtm(argv) == 1
    assert str(out) in _one_line_error(capsys, "rtm plans export: cannot write")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.toml", "data", "exports"]
    assert list(out.iterdir()) == []


def test_a_failed_report_leaves_no_temp_file(site, tmp_path, capsys):
    config, db = site
    with Store.open(db, site=SITE) as store:  # an agent seen in the pagi shift: there is a report
        store.record_agent_events(NOW.date(), [AgentEvent("A1", NOW.replace(hour=8), "available")])
    out = tmp_path / "report.xlsx"
    out.mkdir()
    argv = ["report", "--config", str(config), "--shift", "pagi", "--format", "xlsx"]
    assert rtm([*argv, "--output", str(out)]) == 1
    assert str(out) in _one_line_error(capsys, "rtm report: cannot write")
    assert not (tmp_path / "report.xlsx.tmp").exists()
