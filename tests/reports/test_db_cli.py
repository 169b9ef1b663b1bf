"""`rtm db migrate|copy` through the real entry point, into a real PostgreSQL server."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

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
from rtm_tui.domain.types import Alert, AlertKind, KpiValue, Severity, Status
from rtm_tui.store import AgentEvent, Store
from rtm_tui.store.schema import SCHEMA_VERSION

JKT = ZoneInfo("Asia/Jakarta")
NOW = datetime(2026, 11, 18, 10, 0, tzinfo=JKT)
PW_ENV = "RTM_TEST_DB_PASSWORD"
SITE = "CC Bandung"  # the config's [site] name


def main(argv: list[str]) -> int:
    return cli_main(argv, clock=FrozenClock(NOW))


def _plan(at: datetime, tl: str, note: str) -> RecoveryPlan:
    return RecoveryPlan(
        created_at=at,
        date=at.date(),
        tl_shift="pagi" if at.hour < 15 else "siang",
        interval_start=at,
        kpi="abandon",
        scope="all",
        sla=5.0,
        slg=8.0,
        actual=12.5,
        root_cause=RootCause.UNDERSTAFFING,
        analysis=f"{tl}: 3 agents sick",
        actions=(
            PlanAction("Call standby agents", tl, at + timedelta(hours=1)),
            PlanAction("Move chat agents to voice", "Budi", at + timedelta(hours=2)),
        ),
        tl_name=tl,
        note=note,
    )


def _tl_file(path, tl: str, days: int, site: str = "") -> list[RecoveryPlan]:
    """A TL's SQLite file: plans over `days` days (some verified), the shift record.
    `site`: as an rtm with that [site] name wrote it ("": one from before sites)."""
    plans = []
    with Store.open(path, site=site) as s:
        for i in range(days):
            at = NOW - timedelta(days=i, hours=1)
            p = s.save_plan(_plan(at, tl, f"{tl} day {i} Ann [/]"), tl)
            if i % 3 == 0:
                s.set_status(p.id, PlanStatus.DONE, tl, at + timedelta(hours=2))
                p = s.verify(p.id, Verification(value=4.0, period="interval",
                             read_at=at + timedelta(hours=3), verdict=Verdict.ACHIEVED, by=tl,
                             note="on the wallboard"), at + timedelta(hours=3))
            plans.append(p)
        day = NOW.date()
        s.record_interval_kpis(day, NOW, [KpiValue("abandon", "all", "interval", 12.5, Status.BREACH,
                                                   counts={"offered": 80, "abandoned": 10})])
        s.record_agent_events(day, [AgentEvent("A0001", NOW, "aux", "TOILET")])
        s.record_alert(day, Alert(key=f"abandon:all:{tl}", kind=AlertKind.KPI, severity=Severity.BREACH,
                                  raised_at=NOW, message="Abandon 12.5%", kpi="abandon", scope="all"))
        s.save_monitor_state(day, "{}", NOW)
    return plans


@pytest.fixture
def shared(pg_server, pg_database, tmp_path, monkeypatch):
    url, password = pg_database
    monkeypatch.setenv(PW_ENV, password)
    config = tmp_path / "config.toml"
    config.write_text(
        f'[site]\nname = "{SITE}"\ntimezone = "Asia/Jakarta"\n\n'
        f'[storage]\nurl = "{url}"\npassword_env = "{PW_ENV}"\n',
        encoding="utf-8",
    )
    return config, url, password


def test_migrate_then_copy_two_tls_files_checked_and_listed(shared, tmp_path, capsys):
    config, url, password = shared
    assert main(["db", "migrate", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert f"migrated from a new database to schema version {SCHEMA_VERSION}" in out
    assert main(["db", "migrate", "--config", str(config)]) == 0
    assert "nothing to do" in capsys.readouterr().out

    rina = _tl_file(tmp_path / "rina.sqlite3", "Rina", 40)
    budi = _tl_file(tmp_path / "budi.sqlite3", "Budi", 25)
    assert main(["db", "copy", "--config", str(config), "--from", f"sqlite:{tmp_path / 'rina.sqlite3'}"]) == 0
    out = capsys.readouterr().out
    assert "checked: counts per table; 40 plans read back" in out
    assert main(["db", "copy", "--config", str(config), "--from", f"sqlite:{tmp_path / 'budi.sqlite3'}"]) == 0
    out = capsys.readouterr().out
    assert "checked" in out and password not in out

    # the files' rows from before sites are the copier's site's ([site] name)
    with Store.open_url(url, password=password, site=SITE) as store:
        plans = store.list_plans()
        assert len(plans) == 65
        assert {p.tl_name for p in plans} == {"Rina", "Budi"}
        by_note = {p.note: p for p in plans}
        for mine in (*rina, *budi):
            got = by_note[mine.note]
            assert got.actions == mine.actions and got.status is mine.status
            assert got.verified_value == mine.verified_value
            assert [c.field for c in store.plan_history(got.id)][0] == "created"
        assert len(store.alerts()) == 2  # one each; the same KPI row and event are one
        assert len(store.interval_kpis()) == 1 and len(store.agent_events()) == 1

    # the same file again: nothing doubled
    assert main(["db", "copy", "--config", str(config), "--from", f"sqlite:{tmp_path / 'rina.sqlite3'}"]) == 0
    out = capsys.readouterr().out
    assert "      0 copied" in out.splitlines()[1]  # the plans line
    with Store.open_url(url, password=password, site=SITE) as store:
        assert len(store.list_plans()) == 65

    # and `rtm plans list` reads the shared database
    assert main(["plans", "list", "--config", str(config), "--since", "2026-11-18"]) == 0
    listed = capsys.readouterr().out
    assert "Rina" in listed and "Budi" in listed


def test_copy_refuses_what_is_not_a_sqlite_file(shared, tmp_path, capsys):
    config, _, _ = shared
    assert main(["db", "copy", "--config", str(config), "--from", str(tmp_path / "x.db")]) == 2
    assert "sqlite:PATH" in capsys.readouterr().err
    assert main(["db", "copy", "--config", str(config), "--from", f"sqlite:{tmp_path / 'x.db'}"]) == 1
    assert "no SQLite database at" in capsys.readouterr().err


def test_an_unset_password_variable_is_named(shared, monkeypatch, capsys):
    config, _, password = shared
    monkeypatch.delenv(PW_ENV)
    assert main(["plans", "list", "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert f"names {PW_ENV}, which is not set" in err


def test_a_password_in_the_configs_url_is_refused(tmp_path, capsys):
    config = tmp_path / "config.toml"
    config.write_text('[storage]\nurl = "postgresql://rtm:secret99@db.site/rtm"\n', encoding="utf-8")
    assert main(["plans", "list", "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert "password_env" in err and "secret99" not in err


def test_an_old_sqlite_file_is_migrated_before_it_is_copied(shared, tmp_path, capsys):
    """A file left at schema 5 (before plans named their agent): brought up first."""
    import sqlite3

    from rtm_tui.store import apply_migrations

    config, url, password = shared
    old = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(old, isolation_level=None)
    apply_migrations(conn, upto=5)
    conn.execute(
        "INSERT INTO plans (created_at, created_ts, updated_at, date, tl_shift, interval_start, "
        "kpi, scope, root_cause, analysis, tl_name) VALUES ('2025-01-06T09:00:00+07:00', 0, "
        "'2025-01-06T09:00:00+07:00', '2025-01-06', 'pagi', '2025-01-06T09:00:00+07:00', "
        "'aht', 'all', 'other', 'old plan', 'Sari')"
    )
    conn.close()
    assert main(["db", "copy", "--config", str(config), "--from", f"sqlite:{old}"]) == 0
    with Store.open_url(url, password=password, site=SITE) as store:
        [plan] = store.list_plans()
        assert (plan.tl_name, plan.date, plan.revision) == ("Sari", date(2025, 1, 6), 0)


def test_copy_carries_each_rows_site(shared, tmp_path, capsys):
    """A file written by another site's rtm keeps that site through the copy: the
    copier's site does not see it, that site does, and the check reads it back as theirs."""
    config, url, password = shared
    jakarta = _tl_file(tmp_path / "jkt.sqlite3", "Sari", 7, site="CC Jakarta")
    _tl_file(tmp_path / "bdg.sqlite3", "Rina", 3)  # from before sites: becomes Bandung's
    for name in ("jkt", "bdg"):
        assert main(["db", "copy", "--config", str(config), "--from",
                     f"sqlite:{tmp_path / f'{name}.sqlite3'}"]) == 0
    out = capsys.readouterr().out
    assert "checked: counts per table; 7 plans read back" in out
    assert "checked: counts per table; 3 plans read back" in out
    with Store.open_url(url, password=password, site="CC Jakarta") as jkt:
        assert sorted(p.note for p in jkt.list_plans()) == sorted(p.note for p in jakarta)
        assert [a.alert.key for a in jkt.alerts()] == ["abandon:all:Sari"]
        assert len(jkt.interval_kpis()) == 1 and jkt.load_monitor_state(NOW.date()) == "{}"
    with Store.open_url(url, password=password, site=SITE) as bdg:
        assert {p.tl_name for p in bdg.list_plans()} == {"Rina"}
        assert [a.alert.key for a in bdg.alerts()] == ["abandon:all:Rina"]
        # the same KPI interval and agent event, one per site
        assert len(bdg.interval_kpis()) == 1 and len(bdg.agent_events()) == 1
    # and the Jakarta file itself was not relabelled by the copy
    import sqlite3

    conn = sqlite3.connect(tmp_path / "jkt.sqlite3")
    try:
        assert {r[0] for r in conn.execute("SELECT site FROM plans")} == {"CC Jakarta"}
    finally:
        conn.close()
