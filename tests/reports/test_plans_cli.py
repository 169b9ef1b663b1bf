"""`rtm plans ...` through the real entry point, on a config whose database is in tmp_path."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from rtm_tui.cli import main as cli_main
from rtm_tui.clock import FrozenClock
from rtm_tui.domain.plans import (
    PlanAction,
    PlanStatus,
    RecoveryPlan,
    RootCause,
    Verdict,
    Verification,
)
from rtm_tui.store import Store

JKT = ZoneInfo("Asia/Jakarta")
# A fixed clock, never the wall clock: with "now" read from the wall, a plan filed 30 minutes
# ago fell on yesterday whenever the suite ran between 00:00 and 00:30 WIB.
NOW = datetime(2026, 11, 18, 10, 0, tzinfo=JKT)
SITE = "CC Bandung"  # [site] name: the CLI reads and writes this site's records


def main(argv: list[str], now: datetime = NOW) -> int:
    return cli_main(argv, clock=FrozenClock(now))


def _plan(at: datetime, kpi: str = "scr", note: str = "") -> RecoveryPlan:
    return RecoveryPlan(
        created_at=at,
        date=at.date(),
        tl_shift="pagi",
        interval_start=at,
        kpi=kpi,
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
def setup(tmp_path):
    db = tmp_path / "data" / "rtm.sqlite3"
    config = tmp_path / "config.toml"
    config.write_text(
        f'[site]\nname = "{SITE}"\ntimezone = "Asia/Jakarta"\n\n'
        f"[storage]\ndatabase = '{db}'\n",
        encoding="utf-8",
    )
    with Store.open(db, site=SITE) as store:
        old = store.save_plan(_plan(NOW - timedelta(days=800), note="old"), "Rina")
        mid = store.save_plan(_plan(NOW - timedelta(days=10), kpi="abandon", note="mid"), "Rina")
        store.set_status(mid.id, PlanStatus.DONE, "Rina", NOW - timedelta(days=10))
        store.verify(
            mid.id,
            Verification(
                value=3.0,
                period="interval",
                read_at=NOW - timedelta(days=10) + timedelta(hours=2),
                verdict=Verdict.ACHIEVED,
                by="Rina",
                note="checked on the wallboard",
            ),
            NOW - timedelta(days=10) + timedelta(hours=2),
        )
        new = store.save_plan(_plan(NOW - timedelta(minutes=30), note="new"), "Rina")
    return config, db, {"old": old, "mid": mid, "new": new}


def test_list_in_the_sites_language(setup, capsys):
    config, _, _ = setup
    config.write_text(
        config.read_text().replace('name = "CC Bandung"', 'name = "CC Bandung"\nlanguage = "id"')
    )
    assert main(["--config", str(config), "plans", "list"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split()[:4] == ["ID", "TANGGAL", "SHIFT", "INTERVAL"]
    assert "Tingkat abandon" in out[2]
    assert not {"DATE", "SCOPE", "DUE", "Abandon rate"} & set(" ".join(out).split())


def _days_ago(n: int) -> str:
    return (NOW - timedelta(days=n)).date().isoformat()


def test_list_shows_plans_with_status_and_filters(setup, capsys):
    config, _, plans = setup
    assert main(["--config", str(config), "plans", "list"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split()[:3] == ["ID", "DATE", "SHIFT"]
    assert len(out) == 4
    assert "Verified (achieved)" in out[2] and "Abandon rate" in out[2]
    assert "Open (overdue)" in out[1]  # 800 days old, never verified
    assert main(["plans", "list", "--config", str(config), "--since", _days_ago(11)]) == 0
    assert [line.split()[0] for line in capsys.readouterr().out.splitlines()[1:]] == [
        str(plans["mid"].id),
        str(plans["new"].id),
    ]
    assert main(["plans", "list", "--config", str(config), "--status", "verified"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 2
    assert main(["plans", "list", "--config", str(config), "--status", "overdue"]) == 0
    assert [line.split()[0] for line in capsys.readouterr().out.splitlines()[1:]] == [
        str(plans["old"].id)
    ]


def test_bad_arguments_exit_2_with_a_message(setup, capsys):
    config, _, _ = setup
    assert main(["plans", "list", "--config", str(config), "--since", "10/03/2025"]) == 2
    assert "--since: expected a date YYYY-MM-DD" in capsys.readouterr().err
    assert main(["plans", "list", "--config", str(config), "--status", "closed"]) == 2
    assert "--status: expected one of" in capsys.readouterr().err
    assert main(["plans", "export", "--config", str(config), "--format", "xlsx"]) == 2
    assert "--output" in capsys.readouterr().err


def test_export_csv_to_stdout_and_md_to_a_file(setup, capsys, tmp_path):
    config, _, plans = setup
    assert main(["plans", "export", "--config", str(config), "--since", _days_ago(30)]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["note"] for r in rows] == ["mid", "new"]
    out = tmp_path / "plans.md"
    args = ["plans", "export", "--config", str(config), "--format", "md", "--output", str(out)]
    assert main(args) == 0
    text = out.read_text(encoding="utf-8")
    assert text.count("# Form Recovery Plan #") == 3
    assert "CC Bandung" in text
    assert "3 plan(s) written" in capsys.readouterr().err


def test_export_xlsx(setup, tmp_path):
    config, _, _ = setup
    out = tmp_path / "plans.xlsx"
    args = ["plans", "export", "--config", str(config), "--format", "xlsx", "--output", str(out)]
    assert main([*args, "--until", _days_ago(1)]) == 0
    assert openpyxl.load_workbook(out).sheetnames == ["Summary", "Plan 1", "Plan 2"]


def test_days_follow_the_given_clock_just_after_midnight(setup, tmp_path):
    # at 00:10 WIB the plan filed 30 minutes earlier belongs to yesterday
    config, _, _ = setup
    out = tmp_path / "plans.csv"
    after_midnight = datetime(2026, 11, 19, 0, 10, tzinfo=JKT)
    args = ["plans", "export", "--config", str(config), "--output", str(out)]
    assert main([*args, "--since", "2026-11-18", "--until", "2026-11-18"], after_midnight) == 0
    assert "new" in out.read_text(encoding="utf-8")


def test_purge_refuses_below_two_years_and_dry_run_deletes_nothing(setup, capsys):
    config, db, plans = setup
    for age in ("30d", "729d", "1y"):
        assert main(["plans", "purge", "--config", str(config), "--older-than", age]) == 2
        assert "kept at least 2 years" in capsys.readouterr().err
    assert main(["plans", "purge", "--config", str(config), "--older-than", "nonsense"]) == 2
    assert "730d" in capsys.readouterr().err
    assert main(["plans", "purge", "--config", str(config), "--dry-run"]) == 0
    assert "1 plan(s)" in capsys.readouterr().out
    with Store.open(db, site=SITE) as store:
        assert len(store.list_plans()) == 3
    assert main(["plans", "purge", "--config", str(config), "--older-than", "2y"]) == 0
    assert "deleted 1 plan(s)" in capsys.readouterr().out
    with Store.open(db, site=SITE) as store:
        assert [p.note for p in store.list_plans()] == ["mid", "new"]
        assert store.get_plan(plans["old"].id) is None


def test_the_default_database_lives_in_rtm_data_dir(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("RTM_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("RTM_CONFIG", str(tmp_path / "none.toml"))
    (tmp_path / "none.toml").write_text("", encoding="utf-8")
    with Store.open(tmp_path / "data" / "rtm.sqlite3") as store:
        store.save_plan(_plan(NOW, note="here"), "Rina")
    assert main(["plans", "list"]) == 0
    assert "Rina" in capsys.readouterr().out


def test_a_store_failure_exits_1_with_the_reason(tmp_path, capsys):
    db = tmp_path / "junk.sqlite3"
    db.write_bytes(b"not a database at all" * 300)
    config = tmp_path / "config.toml"
    config.write_text(f"[storage]\ndatabase = '{db}'\n", encoding="utf-8")
    assert main(["plans", "list", "--config", str(config)]) == 1
    assert "damaged or not an rtm database" in capsys.readouterr().err


def test_list_mine_and_shift_and_never_another_sites(setup, capsys):
    config, db, plans = setup
    with Store.open(db, site=SITE) as store:
        sari = _plan(NOW - timedelta(hours=2), note="sari's")
        store.save_plan(replace(sari, tl_name="Sari", tl_shift="pagi"), "Sari")
    with Store.open(db, site="CC Jakarta") as other:
        other.save_plan(_plan(NOW - timedelta(minutes=10), note="jakarta's"), "Rina")

    def ids(*extra: str) -> list[str]:
        assert main(["plans", "list", "--config", str(config), *extra]) == 0
        return [line.split()[0] for line in capsys.readouterr().out.splitlines()[1:]]

    new, mid, old = (str(plans[k].id) for k in ("new", "mid", "old"))
    sari_id = str(plans["new"].id + 1)
    assert ids() == [old, mid, sari_id, new]  # the site's, not Jakarta's
    named = config.read_text().replace(f'name = "{SITE}"', f'name = "{SITE}"\ntl_name = "rina"')
    config.write_text(named)
    assert ids("--mine") == [old, mid, new]
    assert ids("--shift") == [sari_id, new]  # pagi, today (10:00)
    with pytest.raises(SystemExit) as refused:  # one or the other
        main(["plans", "list", "--config", str(config), "--mine", "--shift"])
    assert refused.value.code == 2 and "not allowed with" in capsys.readouterr().err
    args = ["--shift", "--since", _days_ago(1), "--until", _days_ago(1)]
    assert main(["plans", "list", "--config", str(config), *args]) == 0
    out, err = capsys.readouterr()
    assert out == "" and "No recovery plans of my shift (pagi 2026-11-18)" in err
