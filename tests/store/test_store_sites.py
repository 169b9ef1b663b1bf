"""Several sites on one database (issue 15): each reads only its own plans, alerts,
excuses and shift record, and writes its own under the same keys; the rows kept before
sites (migration 10) are adopted by the site that opens the database. Both engines."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import date, time, timedelta
from pathlib import Path

import pytest
from conftest import T0

from rtm_tui.domain.alerts import ExcuseNote
from rtm_tui.domain.plan_views import PlanView, in_view, narrow, shift_of
from rtm_tui.domain.plans import PlanStatus
from rtm_tui.domain.types import (
    Alert,
    AlertKind,
    AlertState,
    AlertStep,
    KpiValue,
    Roster,
    RosterEntry,
    RosterStatus,
    Severity,
    Status,
)
from rtm_tui.store import AgentEvent, Store, StoreError, apply_migrations
from rtm_tui.store.codec import roster_out

DAY = T0.date()
SHIFTS = {"pagi": (time(7), time(15)), "siang": (time(15), time(23))}


def _alert(key: str = "rotg:a1:TOILET", **changes: object) -> Alert:
    alert = Alert(
        key=key,
        kind=AlertKind.ROTG,
        severity=Severity.BREACH,
        raised_at=T0,
        agent_id="a1",
        code="TOILET",
        what="rotg_over",
        params={"minutes": 12.0},
        condition=key,
        steps=(AlertStep("raised", T0),),
    )
    return replace(alert, **changes)  # type: ignore[arg-type]


def _roster(name: str) -> Roster:
    entry = RosterEntry(
        date=DAY,
        agent_id="a1",
        name=name,
        team="T1",
        status=RosterStatus.SCHEDULED,
        shift_code="P1",
        start=T0.replace(hour=7, minute=0),
        end=T0.replace(hour=16, minute=0),
    )
    return Roster(date=DAY, entries=(entry,))


def _raw(store_url: tuple[str, str | None]):  # noqa: ANN202 - sqlite3 or the pg adapter
    """A plain connection to the test's database (no Store), autocommit."""
    url, password = store_url
    if url.startswith("postgresql://"):
        from rtm_tui.store.pg_engine import PgTarget, connect

        return connect(PgTarget(url, password), 5)
    path = Path(url.removeprefix("sqlite:"))
    path.parent.mkdir(parents=True, exist_ok=True)
    return sqlite3.connect(path, isolation_level=None)


# ---------------------------------------------------------------------- isolation


def test_two_sites_on_one_database_never_see_each_others_records(open_store, make_plan):
    jkt = open_store(site="Jakarta", tl_name="Rina")
    bdg = open_store(site="Bandung", tl_name="Dewi")
    mine = jkt.save_plan(make_plan(), "Rina")
    assert mine.id is not None
    jkt.add_note(mine.id, "progress", "called the vendor", "Rina", T0 + timedelta(minutes=20))
    theirs = bdg.save_plan(make_plan(tl_name="Dewi"), "Dewi")

    assert [p.id for p in jkt.list_plans()] == [mine.id]
    assert [p.id for p in bdg.list_plans()] == [theirs.id]
    assert bdg.get_plan(mine.id) is None
    assert bdg.plan_history(mine.id) == [] and bdg.plan_notes(mine.id) == []
    assert [h.field for h in jkt.plan_history(mine.id)] == ["created", "note.progress"]
    assert (jkt.last_tl_name(), bdg.last_tl_name()) == ("Rina", "Dewi")
    late = T0 + timedelta(days=1)
    assert [p.id for p in bdg.overdue_plans(late)] == [theirs.id]
    # another site's plan cannot be moved, noted or edited from here
    with pytest.raises(StoreError):
        bdg.set_status(mine.id, PlanStatus.IN_PROGRESS, "Dewi", late)
    with pytest.raises(StoreError):
        bdg.add_note(mine.id, "progress", "not mine", "Dewi", late)
    with pytest.raises(StoreError):
        bdg.save_plan(replace(mine, analysis="overwritten"), "Dewi")
    kept = jkt.get_plan(mine.id)  # untouched
    assert kept is not None and (kept.analysis, kept.status) == (mine.analysis, PlanStatus.OPEN)
    # a purge is the site's own
    assert bdg.purge_plans(timedelta(days=730), T0 + timedelta(days=800)) == 1
    assert [p.id for p in jkt.list_plans()] == [mine.id]

    # the shift record: the same keys in both sites, kept apart
    for store, value in ((jkt, 91.0), (bdg, 55.0)):
        store.record_interval_kpis(
            DAY, T0, [KpiValue("scr", "all", "interval", value, Status.OK)]
        )
        store.record_agent_events(DAY, [AgentEvent("a1", T0, "aux", "TOILET")])
        store.record_alert(DAY, _alert())
        store.save_monitor_state(DAY, f'{{"site": "{store.site}"}}', T0)
        store.record_roster(_roster(f"Ann of {store.site}"), T0)
    bdg.record_excuse(DAY, ExcuseNote("a1", T0, T0 + timedelta(minutes=5), "SYSTEM", "Dewi", T0))
    bdg.acknowledge_alert("rotg:a1:TOILET", T0 + timedelta(minutes=2))

    assert [r.value for r in jkt.interval_kpis(day=DAY)] == [91.0]
    assert [r.value for r in bdg.interval_kpis(day=DAY)] == [55.0]
    assert len(jkt.agent_events(day=DAY)) == len(bdg.agent_events(day=DAY)) == 1
    (j_alert,) = jkt.alerts(day=DAY)
    (b_alert,) = bdg.alerts(day=DAY)
    assert j_alert.alert.state is AlertState.OPEN and j_alert.acknowledged_at is None
    assert b_alert.alert.state is AlertState.ACKNOWLEDGED
    assert [s.step for s in j_alert.alert.steps] == ["raised"]  # its own steps, once
    assert jkt.excuses(day=DAY) == [] and len(bdg.excuses(day=DAY)) == 1
    assert jkt.load_monitor_state(DAY) == '{"site": "Jakarta"}'
    assert bdg.load_monitor_state(DAY) == '{"site": "Bandung"}'
    jkt_roster, bdg_roster = jkt.load_roster(DAY), bdg.load_roster(DAY)
    assert jkt_roster is not None and jkt_roster.entries[0].name == "Ann of Jakarta"
    assert bdg_roster is not None and bdg_roster.entries[0].name == "Ann of Bandung"


def test_what_a_store_writes_names_its_site_and_tl(open_store, store_url, make_plan):
    jkt = open_store(site="Jakarta", tl_name="Rina")
    jkt.save_plan(make_plan(), "Rina")
    jkt.record_interval_kpis(DAY, T0, [KpiValue("scr", "all", "interval", 91.0, Status.OK)])
    jkt.record_agent_events(DAY, [AgentEvent("a1", T0, "aux", "TOILET")])
    jkt.record_alert(DAY, _alert())
    jkt.record_excuse(DAY, ExcuseNote(None, T0, T0 + timedelta(minutes=5), "SYSTEM", "Rina", T0))
    jkt.save_monitor_state(DAY, "{}", T0)
    jkt.record_roster(_roster("Ann"), T0)
    conn = _raw(store_url)
    try:
        for table in ("plans", "excuses", "alert_steps"):
            rows = conn.execute(f"SELECT site FROM {table}").fetchall()  # noqa: S608
            assert [r[0] for r in rows] == ["Jakarta"], table
        for table in ("alerts", "interval_kpis", "agent_events", "monitor_state", "rosters"):
            rows = conn.execute(f"SELECT site, tl_name FROM {table}").fetchall()  # noqa: S608
            assert [tuple(r) for r in rows] == [("Jakarta", "Rina")], table
    finally:
        conn.close()


# ---------------------------------------------------------------------- mine / my shift / all


def _listed(store: Store, view: PlanView, who: str, now) -> list[int]:  # noqa: ANN001
    window = shift_of(SHIFTS, now)
    args = narrow({}, view, who, window)
    if args is None:
        return []
    return [p.id or 0 for p in store.list_plans(**args) if in_view(p, view, who, window)]  # type: ignore[arg-type]


def test_mine_my_shift_and_all_list_the_right_plans(open_store, make_plan):
    store = open_store(site="Jakarta")
    other_site = open_store(site="Bandung")
    pagi = T0  # 09:30, the pagi shift
    siang = T0.replace(hour=16)
    rina_pagi = store.save_plan(make_plan(pagi, tl_name="Rina"), "Rina").id
    budi_siang = store.save_plan(make_plan(siang, tl_name="Budi", tl_shift="siang"), "Budi").id
    yesterday = pagi - timedelta(days=1)
    rina_yesterday = store.save_plan(make_plan(yesterday, tl_name="rina "), "Rina").id
    other_site.save_plan(make_plan(pagi, tl_name="Rina"), "Rina")  # another site's Rina

    now_pagi = T0.replace(hour=11)
    assert _listed(store, PlanView.ALL, "Rina", now_pagi) == [rina_yesterday, rina_pagi, budi_siang]
    assert _listed(store, PlanView.MINE, "Rina", now_pagi) == [rina_yesterday, rina_pagi]
    assert _listed(store, PlanView.MINE, "", now_pagi) == []  # no TL name: nobody's
    assert _listed(store, PlanView.MY_SHIFT, "Rina", now_pagi) == [rina_pagi]
    now_siang = T0.replace(hour=17)
    assert _listed(store, PlanView.MY_SHIFT, "Budi", now_siang) == [budi_siang]
    # between shifts (23:30): the shift that ended last
    assert _listed(store, PlanView.MY_SHIFT, "Budi", T0.replace(hour=23, minute=30)) == [
        budi_siang
    ]
    # the store's own narrowing by TL name, as a TL types it
    assert [p.id for p in store.list_plans(tl_name=" RINA")] == [rina_yesterday, rina_pagi]


def test_narrow_keeps_the_filter_bar_and_the_view_both():
    window = shift_of(SHIFTS, T0)
    assert window is not None and window.name == "pagi"
    bar = {"since": DAY - timedelta(days=30), "until": None, "status": None, "tl_shift": None}
    assert narrow(bar, PlanView.ALL, "Rina", window) == bar
    assert narrow(bar, PlanView.MINE, "Rina", window) == bar | {"tl_name": "Rina"}
    assert narrow(bar, PlanView.MY_SHIFT, "", window) == bar | {
        "since": DAY,
        "until": DAY,
        "tl_shift": "pagi",
    }
    # a shift picked in the bar that is not mine: nothing to list
    assert narrow(bar | {"tl_shift": "siang"}, PlanView.MY_SHIFT, "", window) is None
    assert narrow(bar, PlanView.MY_SHIFT, "", None) is None
    assert narrow(bar | {"until": date(2025, 1, 1)}, PlanView.MY_SHIFT, "", window) is None


# ---------------------------------------------------------------------- migration 10


def _v9_database(store_url: tuple[str, str | None]) -> None:
    """A database as rtm of schema 9 left it, a record in every table that names a site."""
    conn = _raw(store_url)
    try:
        if store_url[0].startswith("postgresql://"):
            from rtm_tui.store.pg_engine import apply_pg_migrations

            apply_pg_migrations(conn, upto=9)
        else:
            apply_migrations(conn, upto=9)
        conn.execute(
            """INSERT INTO plans (created_at, created_ts, updated_at, date, tl_shift,
                interval_start, kpi, scope, actual, root_cause, analysis, tl_name, status,
                due_at, due_ts)
            VALUES ('2025-03-10T09:32:00+07:00', 1741573920, '2025-03-10T09:32:00+07:00',
                '2025-03-10', 'pagi', '2025-03-10T09:30:00+07:00', 'service_level', 'all',
                62.5, 'volume_spike', 'Promo blast', 'Rina', 'open',
                '2025-03-10T10:00:00+07:00', 1741575600)"""
        )
        (plan_id,) = conn.execute("SELECT id FROM plans").fetchone()
        conn.execute(
            "INSERT INTO plan_actions (plan_id, position, what, pic, due) VALUES "
            "(?, 0, 'Move 2 agents', 'Rina', '2025-03-10T10:00:00+07:00')",
            (plan_id,),
        )
        conn.execute(
            "INSERT INTO plan_history (plan_id, at, who, field, old, new) "
            "VALUES (?, '2025-03-10T09:32:00+07:00', 'Rina', 'created', NULL, 'open')",
            (plan_id,),
        )
        conn.execute(
            """INSERT INTO alerts (day, key, kind, severity, at, at_ts, message, agent_id,
                code, what, params, condition, state, acked_by, acknowledged_at)
            VALUES ('2025-03-10', 'rotg:a1:TOILET', 'rotg', 'breach',
                '2025-03-10T09:30:00+07:00', ?, '', 'a1', 'TOILET', 'rotg_over',
                '{"minutes": 12.0}', 'rotg:a1:TOILET', 'acknowledged', 'Rina',
                '2025-03-10T09:31:00+07:00')""",
            (T0.timestamp(),),
        )
        conn.execute(
            "INSERT INTO alert_steps (alert_key, raised_ts, step, at, at_ts, who) VALUES "
            "('rotg:a1:TOILET', ?, 'acknowledged', '2025-03-10T09:31:00+07:00', ?, 'Rina')",
            (T0.timestamp(), T0.timestamp() + 60),
        )
        conn.execute(
            """INSERT INTO excuses (day, agent_id, start, start_ts, "end", end_ts, reason, who,
                at, at_ts) VALUES ('2025-03-10', 'a1', '2025-03-10T09:30:00+07:00', ?,
                '2025-03-10T09:40:00+07:00', ?, 'SYSTEM', 'Rina',
                '2025-03-10T09:41:00+07:00', ?)""",
            (T0.timestamp(), T0.timestamp() + 600, T0.timestamp() + 660),
        )
        conn.execute(
            """INSERT INTO interval_kpis (day, kpi, scope, period, period_start, period_ts,
                value, status) VALUES ('2025-03-10', 'scr', 'all', 'interval',
                '2025-03-10T09:30:00+07:00', ?, 91.0, 'ok')""",
            (T0.timestamp(),),
        )
        conn.execute(
            "INSERT INTO agent_events (day, agent_id, at, at_ts, state, aux_code) VALUES "
            "('2025-03-10', 'a1', '2025-03-10T09:30:00+07:00', ?, 'aux', 'TOILET')",
            (T0.timestamp(),),
        )
        conn.execute(
            "INSERT INTO monitor_state (day, state, saved_at) VALUES "
            "('2025-03-10', '{\"v\": 9}', '2025-03-10T09:45:00+07:00')"
        )
        conn.execute(
            "INSERT INTO rosters (day, roster, saved_at) VALUES "
            "('2025-03-10', ?, '2025-03-10T07:00:00+07:00')",
            (roster_out(_roster("Ann")),),
        )
    finally:
        conn.close()


def test_a_version_9_database_is_migrated_and_adopted_by_the_site_that_opens_it(
    store_url, open_store
):
    _v9_database(store_url)
    jkt = open_store(site="Jakarta", tl_name="Rina")
    (plan,) = jkt.list_plans()
    assert (plan.analysis, plan.tl_name, plan.actions[0].what) == ("Promo blast", "Rina",
                                                                   "Move 2 agents")
    assert [h.field for h in jkt.plan_history(plan.id or 0)] == ["created"]
    (rec,) = jkt.alerts(day=DAY)
    assert rec.alert.acked_by == "Rina" and [s.step for s in rec.alert.steps] == ["acknowledged"]
    assert [e.reason for e in jkt.excuses(day=DAY)] == ["SYSTEM"]
    assert [k.value for k in jkt.interval_kpis(day=DAY)] == [91.0]
    assert [e.aux_code for e in jkt.agent_events(day=DAY)] == ["TOILET"]
    assert jkt.load_monitor_state(DAY) == '{"v": 9}'
    roster = jkt.load_roster(DAY)
    assert roster is not None and roster.entries[0].name == "Ann"
    # new rows after the copied ones (PostgreSQL's identities were moved on)
    jkt.record_alert(DAY, _alert("rotg:a2:TOILET", agent_id="a2", raised_at=T0 + timedelta(1)))
    assert len(jkt.alerts()) == 2
    # a record the site keeps again is updated, not doubled
    jkt.record_interval_kpis(DAY, T0, [KpiValue("scr", "all", "interval", 88.0, Status.OK)])
    assert [k.value for k in jkt.interval_kpis(day=DAY)] == [88.0]
    # another site joining later finds none of it, and nothing is left unlabelled
    bdg = open_store(site="Bandung")
    assert bdg.list_plans() == [] and bdg.alerts() == [] and bdg.load_roster(DAY) is None
    conn = _raw(store_url)
    try:
        for table in ("plans", "alerts", "alert_steps", "excuses", "interval_kpis",
                      "agent_events", "monitor_state", "rosters"):
            sites = {r[0] for r in conn.execute(f"SELECT site FROM {table}").fetchall()}  # noqa: S608
            assert sites == {"Jakarta"}, table
    finally:
        conn.close()


def test_a_record_kept_twice_across_the_upgrade_is_adopted_once(store_url, open_store):
    _v9_database(store_url)
    # a Jakarta store that did not adopt (yet) keeps the same interval's KPI again
    early = open_store(site="Jakarta", adopt=False)
    early.record_interval_kpis(DAY, T0, [KpiValue("scr", "all", "interval", 70.0, Status.OK)])
    jkt = open_store(site="Jakarta")
    assert [k.value for k in jkt.interval_kpis(day=DAY)] == [70.0]  # its own, once
    assert len(jkt.list_plans()) == 1  # and the rest adopted


def test_rows_without_a_site_are_not_guessed_at_once_other_sites_are_there(
    store_url, open_store
):
    _v9_database(store_url)
    conn = _raw(store_url)
    try:
        if store_url[0].startswith("postgresql://"):
            from rtm_tui.store.pg_engine import apply_pg_migrations

            apply_pg_migrations(conn)
        else:
            apply_migrations(conn)
        conn.execute("UPDATE rosters SET site = 'Bandung'")  # a named site is there already
    finally:
        conn.close()
    jkt = open_store(site="Jakarta")
    assert jkt.list_plans() == []  # not Jakarta's to take
    assert [e.kind for e in jkt.take_events()] == ["unlabelled"]
    assert open_store(site="Bandung").load_roster(DAY) is not None


def test_a_store_without_a_site_keeps_the_unlabelled_rows_as_they_are(store_url, open_store):
    _v9_database(store_url)
    plain = open_store()  # no [site] name: reads and writes the '' rows
    assert len(plain.list_plans()) == 1
    named = open_store(site="Jakarta", adopt=False)
    assert named.list_plans() == []  # did not adopt
    assert len(open_store().list_plans()) == 1
