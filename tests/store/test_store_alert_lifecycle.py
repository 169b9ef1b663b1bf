"""Alerts with their lifecycle, and the TL's excuses, kept in a real SQLite file."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest
from conftest import T0

from rtm_tui.domain.alerts import AlertBook, ExcuseNote
from rtm_tui.domain.types import Alert, AlertKind, AlertState, Severity
from rtm_tui.store import SCHEMA_VERSION, Store, apply_migrations

DAY = T0.date()


def _toilet() -> Alert:
    return Alert(
        "rotg:a1:TOILET:each:2025-03-10T09:20:00+07:00",
        AlertKind.ROTG,
        Severity.WARNING,
        T0,
        agent_id="a1",
        code="TOILET",
        value=610.0,
        limit=600.0,
        what="rotg.each",
        params={"name": "Ann [/]", "agent": "a1", "aux": "TOILET", "value": 610.0, "limit": 600.0},
    )


def test_an_alert_lifecycle_is_kept_step_by_step(db_path):
    book = AlertBook()
    raised = book.raise_(_toilet(), T0)
    assert raised is not None
    with Store.open(db_path) as store:
        store.record_alert(DAY, raised)
        book.follow(raised.key, T0 + timedelta(minutes=2), Severity.BREACH, value=720.0)
        book.acknowledge(raised.key, "Rina", T0 + timedelta(minutes=3))
        book.snooze(raised.key, T0 + timedelta(minutes=18), "coaching him", "Rina",
                    T0 + timedelta(minutes=4))
        done = book.resolve(raised.condition, T0 + timedelta(minutes=6))
        assert done is not None
        store.record_alert(DAY, done)
        store.record_alert(DAY, done)  # recorded again: nothing doubles
    with Store.open(db_path) as again:  # what the report reads later
        (rec,) = again.alerts(day=DAY)
    a = rec.alert
    assert a == done
    assert (a.state, a.severity, a.value) == (AlertState.RESOLVED, Severity.BREACH, 720.0)
    assert (a.acked_by, a.acked_at) == ("Rina", T0 + timedelta(minutes=3))
    assert a.snooze_reason == "coaching him"
    assert a.resolved_at == T0 + timedelta(minutes=6) and a.resolution == "ended"
    assert [s.step for s in a.steps] == [
        "raised", "escalated", "acknowledged", "snoozed", "resolved"
    ]
    assert a.steps[3].until == T0 + timedelta(minutes=18)
    assert a.params["name"] == "Ann [/]"  # data, as given
    assert rec.acknowledged_at == T0 + timedelta(minutes=3)


def test_excuses_are_kept_with_who_when_and_why(store):
    mine = ExcuseNote("a1", T0, T0 + timedelta(minutes=25), "LONG CALL", "Rina",
                      T0 + timedelta(minutes=30), "rotg:a1:TOILET", ("rotg:a1:TOILET",))
    everyone = ExcuseNote(None, T0 + timedelta(hours=1), T0 + timedelta(hours=1, minutes=10),
                          "SYSTEM", "Rina", T0 + timedelta(hours=2))
    store.record_excuse(DAY, mine)
    store.record_excuse(DAY, everyone)
    assert store.excuses(day=DAY) == [mine, everyone]
    # overlapping a window
    assert store.excuses(since=T0 + timedelta(minutes=50), until=T0 + timedelta(hours=3)) == [
        everyone
    ]
    assert store.excuses(day=DAY + timedelta(days=1)) == []


# versions with alerts and before their lifecycle (9 writes the state itself)
@pytest.mark.parametrize("version", range(3, 9))
def test_alerts_kept_by_an_older_version_read_back_after_the_migration(tmp_path, version):
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    apply_migrations(conn, upto=version)
    conn.execute(
        """INSERT INTO alerts (day, key, kind, severity, at, at_ts, message, agent_id, code,
            acknowledged_at) VALUES ('2025-03-10', 'attendance:a1:absent:2025-03-10',
            'attendance', 'breach', '2025-03-10T07:30:00+07:00', 1741566600,
            'Ann (a1) absent: no login', 'a1', 'absent', '2025-03-10T07:35:00+07:00')"""
    )
    conn.close()
    with Store.open(path) as store:
        assert store.schema_version == SCHEMA_VERSION
        (rec,) = store.alerts(day=DAY)
        # no code to render it from: its English text is what it says
        assert rec.alert.message == "Ann (a1) absent: no login" and rec.alert.what == ""
        assert rec.alert.state is AlertState.ACKNOWLEDGED and rec.alert.steps == ()
        store.record_excuse(DAY, ExcuseNote("a1", T0, T0 + timedelta(minutes=5), "SYSTEM", "",
                                            T0))
        assert len(store.excuses(day=DAY)) == 1
