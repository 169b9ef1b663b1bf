from __future__ import annotations

import json
import sqlite3
from datetime import date

import pytest

from rtm_tui.domain.plans import PlanStatus
from rtm_tui.store import MIGRATIONS, SCHEMA_VERSION, Store, StoreError, apply_migrations


def _old_database(path, version: int) -> None:
    """A file as an older rtm left it: the first `version` migrations, with data."""
    conn = sqlite3.connect(path, isolation_level=None)
    apply_migrations(conn, upto=version)
    if version >= 1:
        conn.execute(
            """INSERT INTO plans (id, created_at, created_ts, updated_at, date, tl_shift,
                interval_start, kpi, scope, sla, slg, actual, counts, root_cause, analysis,
                tl_name, note, status, due_at, due_ts)
            VALUES (7, '2024-01-02T09:05:00+07:00', 1704161100, '2024-01-02T09:05:00+07:00',
                '2024-01-02', 'pagi', '2024-01-02T09:00:00+07:00', 'abandon', 'all', 5, 8,
                12.5, '{"offered": 80}', 'long_aht', 'AHT up after release', 'Rina', '',
                'in_progress', '2024-01-02T10:00:00+07:00', 1704164400)"""
        )
        conn.execute(
            "INSERT INTO plan_actions (plan_id, position, what, pic, due) VALUES (7, 0, 'Coach 3 agents', 'Budi', "
            "'2024-01-02T10:00:00+07:00')"
        )
        conn.execute(
            "INSERT INTO plan_history (plan_id, at, who, field, old, new) "
            "VALUES (7, '2024-01-02T09:05:00+07:00', 'Rina', 'created', NULL, 'open')"
        )
    conn.close()


@pytest.mark.parametrize("version", range(SCHEMA_VERSION))
def test_opening_a_database_from_every_older_version_migrates_it(tmp_path, version):
    path = tmp_path / "old.sqlite3"
    _old_database(path, version)
    with Store.open(path) as store:
        assert store.schema_version == SCHEMA_VERSION == len(MIGRATIONS)
        if version >= 1:
            plan = store.get_plan(7)
            assert plan is not None
            assert (plan.kpi, plan.actual, plan.status) == ("abandon", 12.5, PlanStatus.IN_PROGRESS)
            assert plan.actions[0].pic == "Budi"
            assert plan.suggested_actions == ()
            assert [h.field for h in store.plan_history(7)] == ["created"]
        # the migrated file works for everything the current version does
        store.save_monitor_state(date(2024, 1, 2), "{}")
        assert store.load_monitor_state(date(2024, 1, 2)) == "{}"


def test_migrated_schema_matches_a_fresh_one(tmp_path):
    def schema(path):
        conn = sqlite3.connect(path)
        rows = conn.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name"
        ).fetchall()
        conn.close()
        return rows

    fresh = tmp_path / "fresh.sqlite3"
    Store.open(fresh).close()
    for version in range(SCHEMA_VERSION):
        old = tmp_path / f"v{version}.sqlite3"
        _old_database(old, version)
        Store.open(old).close()
        assert schema(old) == schema(fresh), f"from version {version}"


def test_a_database_from_a_newer_rtm_is_refused_untouched(tmp_path):
    path = tmp_path / "new.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    apply_migrations(conn)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer rtm") as info:
        Store.open(path)
    assert info.value.kind == "newer_schema"
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1
    conn.close()


def test_a_file_that_is_not_a_database_gives_a_clear_error(tmp_path):
    path = tmp_path / "junk.sqlite3"
    path.write_bytes(b"this is a spreadsheet, not a database" * 200)
    with pytest.raises(StoreError, match="damaged or not an rtm database") as info:
        Store.open(path)
    assert info.value.kind == "corrupt"


def test_open_sets_wal_and_creates_the_data_folder(tmp_path):
    path = tmp_path / "a" / "b" / "rtm.sqlite3"
    with Store.open(path):
        pass
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


def test_a_failing_migration_leaves_the_old_version_intact(tmp_path):
    path = tmp_path / "old.sqlite3"
    _old_database(path, 1)
    broken = (*MIGRATIONS[:2], ("CREATE TABLE interval_kpis (x)", "THIS IS NOT SQL"))
    conn = sqlite3.connect(path, isolation_level=None)
    with pytest.raises(sqlite3.OperationalError):
        apply_migrations(conn, upto=3, migrations=broken)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "interval_kpis" not in tables
    assert "suggested_actions" not in {r[1] for r in conn.execute("PRAGMA table_info(plans)")}
    conn.close()
    with Store.open(path) as store:  # and the real migrations still run afterwards
        assert store.get_plan(7) is not None


def test_version_5_agent_plans_get_the_name_team_and_period_from_the_kept_roster(tmp_path):
    # issue 11: the list and the printed form showed "agent:A0002", never the name
    path = tmp_path / "v5.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    apply_migrations(conn, upto=5)
    entries = [
        {
            "date": "2024-01-02",
            "agent_id": "A0001",
            "name": "Ani Lestari",
            "team": "Team A",
            "status": "scheduled",
            "shift_code": None,
            "start": None,
            "end": None,
            "breaks": [],
        },
        {
            "date": "2024-01-02",
            "agent_id": "A0002",
            "name": "Bayu Sinaga",
            "team": "Team B",
            "status": "scheduled",
            "shift_code": None,
            "start": None,
            "end": None,
            "breaks": [],
        },
    ]
    conn.execute(
        "INSERT INTO rosters VALUES ('2024-01-02', ?, '2024-01-02T07:00:00+07:00')",
        (json.dumps({"date": "2024-01-02", "entries": entries}),),
    )
    for plan_id, scope in ((8, "agent:A0002"), (9, "q_general"), (10, "agent:A0404")):
        conn.execute(
            """INSERT INTO plans (id, created_at, created_ts, updated_at, date, tl_shift,
                interval_start, kpi, scope, actual, root_cause, analysis, tl_name, status,
                verified_value, verified_achieved, verified_at)
            VALUES (?, '2024-01-02T09:05:00+07:00', 1704161100, '2024-01-02T09:05:00+07:00',
                '2024-01-02', 'pagi', '2024-01-02T09:00:00+07:00', 'aux_over_limit', ?,
                808.493926, 'excess_aux', 'Long toilet break', 'Rina', 'verified', 120.0, 1,
                '2024-01-02T10:00:00+07:00')""",
            (plan_id, scope),
        )
    conn.close()
    with Store.open(path) as store:
        assert store.schema_version == SCHEMA_VERSION
        agent, queue, unknown = (store.get_plan(i) for i in (8, 9, 10))
    assert agent is not None and queue is not None and unknown is not None
    assert (agent.scope, agent.scope_label, agent.team) == ("agent:A0002", "Bayu Sinaga", "Team B")
    assert agent.period == "now"  # an agent indicator is read now, not per interval
    assert (queue.scope_label, queue.team, queue.period) == ("", "", "interval")
    assert (unknown.scope_label, unknown.team) == ("", "")  # not on that roster: the id stays
    # a verification kept before evidence was recorded is still there, with no evidence
    assert (agent.verified_value, agent.verified_achieved) == (120.0, True)
    assert (agent.verified_note, agent.verified_by, agent.verified_read_at) == ("", "", None)


def test_migration_6_backfills_agent_names_on_postgres_too(pg_database):
    """The same old database, on PostgreSQL: migration 6's backfill has its own form there
    (jsonb instead of json_each) and must give the same names."""
    from rtm_tui.store.pg_engine import PgTarget, apply_pg_migrations, connect

    url, password = pg_database
    conn = connect(PgTarget(url, password), 5)
    apply_pg_migrations(conn, upto=5)
    entries = [
        {"date": "2024-01-02", "agent_id": "A0002", "name": "Bayu Sinaga", "team": "Team B"},
    ]
    conn.execute(
        "INSERT INTO rosters VALUES ('2024-01-02', ?, '2024-01-02T07:00:00+07:00')",
        (json.dumps({"date": "2024-01-02", "entries": entries}),),
    )
    for scope in ("agent:A0002", "q_general", "agent:A0404"):
        conn.execute(
            """INSERT INTO plans (created_at, created_ts, updated_at, date, tl_shift,
                interval_start, kpi, scope, actual, root_cause, analysis, tl_name)
            VALUES ('2024-01-02T09:05:00+07:00', 1704161100, '2024-01-02T09:05:00+07:00',
                '2024-01-02', 'pagi', '2024-01-02T09:00:00+07:00', 'aux_over_limit', ?,
                808.5, 'excess_aux', 'Long toilet break', 'Rina')""",
            (scope,),
        )
    conn.close()
    with Store.open_url(url, password=password) as store:
        assert store.schema_version == SCHEMA_VERSION
        agent, queue, unknown = store.list_plans()
    assert (agent.scope_label, agent.team, agent.period) == ("Bayu Sinaga", "Team B", "now")
    assert (queue.scope_label, queue.team, queue.period) == ("", "", "interval")
    assert (unknown.scope_label, unknown.team) == ("", "")
