from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from rtm_tui.domain.types import (
    Agent,
    AgentsSnapshot,
    AgentState,
    Alert,
    AlertKind,
    AlertState,
    KpiValue,
    Severity,
    Status,
)
from rtm_tui.store import AgentEvent, Store, events_from_snapshot

JKT = ZoneInfo("Asia/Jakarta")
T0 = datetime(2025, 3, 10, 9, 0, tzinfo=JKT)
DAY = date(2025, 3, 10)


def _kpi(kpi: str, value: float | None, status: Status, scope: str = "all") -> KpiValue:
    return KpiValue(kpi, scope, "interval", value, status, counts={"offered": 10.0})


def test_interval_kpis_round_trip_and_the_last_value_of_an_interval_wins(store):
    store.record_interval_kpis(
        DAY, T0, [_kpi("scr", 91.0, Status.OK), _kpi("aht", None, Status.NO_DATA)]
    )
    store.record_interval_kpis(DAY, T0, [_kpi("scr", 72.0, Status.BREACH)])  # later poll
    store.record_interval_kpis(DAY, T0 + timedelta(minutes=30), [_kpi("scr", 88.0, Status.OK)])
    rows = store.interval_kpis(day=DAY, kpi="scr")
    assert [(r.period_start, r.value, r.status) for r in rows] == [
        (T0, 72.0, Status.BREACH),
        (T0 + timedelta(minutes=30), 88.0, Status.OK),
    ]
    assert rows[0].counts == {"offered": 10.0}
    aht = store.interval_kpis(day=DAY, kpi="aht")
    assert [(a.value, a.status) for a in aht] == [(None, Status.NO_DATA)]
    # a time range in another timezone selects by instant
    since = (T0 + timedelta(minutes=30)).astimezone(UTC)
    assert [r.value for r in store.interval_kpis(since=since)] == [88.0]
    assert store.interval_kpis(day=DAY + timedelta(days=1)) == []


def test_agent_events_are_kept_once_each(store):
    snap = AgentsSnapshot(
        T0,
        (
            Agent("a1", "Ann [/]", "T1", AgentState.AUX, T0 - timedelta(minutes=3), "TOILET"),
            Agent("a2", "Budi", "T1", AgentState.AVAILABLE, T0 - timedelta(minutes=9)),
        ),
    )
    assert store.record_agent_events(DAY, events_from_snapshot(snap)) == 2
    assert store.record_agent_events(DAY, events_from_snapshot(snap)) == 0  # next poll, no change
    later = AgentEvent("a1", T0 + timedelta(minutes=4), "available")
    assert store.record_agent_events(DAY, [later]) == 1
    events = store.agent_events(day=DAY)
    assert events == [
        AgentEvent("a2", T0 - timedelta(minutes=9), "available", None),
        AgentEvent("a1", T0 - timedelta(minutes=3), "aux", "TOILET"),
        later,
    ]
    assert store.agent_events(agent_id="a1", since=T0) == [later]
    assert store.agent_events(until=T0 - timedelta(minutes=3)) == events[:1]


def test_alerts_are_kept_updated_and_acknowledged(store):
    warn = Alert(
        "rotg:a1:TOILET",
        AlertKind.ROTG,
        Severity.WARNING,
        T0,
        "Ann [/] TOILET 8:00 of 10:00",
        agent_id="a1",
        code="TOILET",
        value=480.0,
        limit=600.0,
    )
    store.record_alert(DAY, warn)
    store.record_alert(DAY, warn)  # recorded again by the next poll: still one
    kpi = Alert(
        "kpi:scr:all",
        AlertKind.KPI,
        Severity.BREACH,
        T0 + timedelta(minutes=5),
        "SCR 72.0 % below SLG",
        kpi="scr",
        scope="all",
        value=72.0,
        limit=80.0,
    )
    store.record_alert(DAY, kpi)
    assert store.acknowledge_alert("kpi:scr:all", T0 + timedelta(minutes=6)) == 1
    assert store.acknowledge_alert("kpi:scr:all", T0 + timedelta(minutes=7)) == 0
    records = store.alerts(day=DAY)
    acked = replace(kpi, state=AlertState.ACKNOWLEDGED, acked_at=T0 + timedelta(minutes=6))
    assert [r.alert for r in records] == [warn, acked]
    assert [r.acknowledged_at for r in records] == [None, T0 + timedelta(minutes=6)]
    assert [r.alert.key for r in store.alerts(kind="kpi")] == ["kpi:scr:all"]
    assert store.alerts(since=T0 + timedelta(minutes=1), until=T0 + timedelta(minutes=5)) == []


def test_monitor_state_is_saved_per_day_and_replaced(store, db_path):
    assert store.load_monitor_state(DAY) is None
    assert store.monitor_state_saved_at(DAY) is None
    store.save_monitor_state(DAY, json.dumps({"aux": {"a1": 120}}), at=T0)
    store.save_monitor_state(DAY, json.dumps({"aux": {"a1": 180}}), at=T0 + timedelta(minutes=7))
    store.save_monitor_state(DAY + timedelta(days=1), "{}", at=T0)
    store.close()
    with Store.open(db_path) as again:  # what a restarted app sees
        assert json.loads(again.load_monitor_state(DAY)) == {"aux": {"a1": 180}}
        assert again.monitor_state_saved_at(DAY) == T0 + timedelta(minutes=7)  # the last save
        assert again.load_monitor_state(DAY + timedelta(days=1)) == "{}"
