"""`rtm report` of one site on a database two sites share: its own plans, alerts and KPI
values, none of the other's. On a SQLite file and on a real PostgreSQL server."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from rtm_tui.cli import main as cli_main
from rtm_tui.clock import FrozenClock
from rtm_tui.domain.plans import PlanAction, RecoveryPlan, RootCause
from rtm_tui.domain.types import Alert, AlertKind, KpiValue, Severity, Status
from rtm_tui.store import AgentEvent, Store

JKT = ZoneInfo("Asia/Jakarta")
NOW = datetime(2026, 11, 18, 16, 0, tzinfo=JKT)
AT = NOW.replace(hour=9)
PW_ENV = "RTM_TEST_DB_PASSWORD"
SITES = (("CC Jakarta", "Rina", 91.0), ("CC Bandung", "Dewi", 55.0))


def _plan(tl: str, site: str) -> RecoveryPlan:
    return RecoveryPlan(
        created_at=AT,
        date=AT.date(),
        tl_shift="pagi",
        interval_start=AT,
        kpi="scr",
        scope="all",
        sla=90.0,
        slg=85.0,
        actual=78.0,
        root_cause=RootCause.UNDERSTAFFING,
        analysis=f"{site}: 3 agents sick",
        actions=(PlanAction("Call standby agents", tl, AT + timedelta(hours=1)),),
        tl_name=tl,
    )


@pytest.fixture(params=["sqlite", "postgres"])
def database(request, tmp_path, monkeypatch) -> tuple[str, str | None, str]:
    """(url, password, the config's [storage] section)."""
    if request.param == "postgres":
        url, password = request.getfixturevalue("pg_database")
        monkeypatch.setenv(PW_ENV, password)
        return url, password, f'[storage]\nurl = "{url}"\npassword_env = "{PW_ENV}"\n'
    db = tmp_path / "shared.sqlite3"
    return f"sqlite:{db}", None, f"[storage]\ndatabase = '{db}'\n"


def test_a_sites_report_has_its_records_and_none_of_the_other_sites(database, tmp_path, capsys):
    url, password, storage = database
    configs = {}
    for site, tl, scr in SITES:
        configs[site] = tmp_path / f"{tl}.toml"
        configs[site].write_text(
            f'[site]\nname = "{site}"\ntl_name = "{tl}"\ntimezone = "Asia/Jakarta"\n\n{storage}',
            encoding="utf-8",
        )
        with Store.open_url(url, password=password, site=site, tl_name=tl) as store:
            store.save_plan(_plan(tl, site), tl)
            store.record_agent_events(AT.date(), [AgentEvent("A1", AT, "available")])
            store.record_interval_kpis(
                AT.date(), AT, [KpiValue("scr", "all", "interval", scr, Status.OK)]
            )
            store.record_alert(
                AT.date(),
                Alert(key="kpi:scr:all", kind=AlertKind.KPI, severity=Severity.BREACH,
                      raised_at=AT, message=f"alert of {site}", kpi="scr", scope="all"),
            )
    for site, tl, scr in SITES:
        argv = ["report", "--config", str(configs[site]), "--shift", "pagi"]
        assert cli_main(argv, clock=FrozenClock(NOW)) == 0
        report = capsys.readouterr().out
        other, other_tl, other_scr = next(s for s in SITES if s[0] != site)
        assert f"Shift handover — {site}" in report and f"**TL:** {tl}" in report
        assert f"alert of {site}" in report and f"alert of {other}" not in report
        assert f"{scr:.1f} %" in report and f"{other_scr:.1f} %" not in report
        assert "Recovery plans: 1 filed this shift, 1 open" in report
        assert f"| {other_tl} |" not in report
