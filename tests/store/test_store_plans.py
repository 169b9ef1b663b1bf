from __future__ import annotations

import dataclasses
import sqlite3
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from rtm_tui.domain.plans import (
    IllegalTransitionError,
    PlanAction,
    PlanStatus,
    PlanValidationError,
    RootCause,
    Verdict,
    Verification,
    is_overdue,
)
from rtm_tui.domain.types import Direction
from rtm_tui.store import PlanNotFoundError, RetentionError, Store

JKT = ZoneInfo("Asia/Jakarta")
T0 = datetime(2025, 3, 10, 9, 30, tzinfo=JKT)


def test_new_plan_round_trips_every_field(store, make_plan):
    plan = make_plan()
    saved = store.save_plan(plan, who="Rina")
    assert saved.id is not None
    assert saved.status is PlanStatus.OPEN
    loaded = store.get_plan(saved.id)
    assert loaded == saved
    assert loaded == dataclasses.replace(plan, id=saved.id, updated_at=plan.created_at)
    assert loaded.note == "Ann [/] [bold]not markup[/bold]"
    assert loaded.actions[1].due.utcoffset() == timedelta(hours=7)
    assert dict(loaded.counts) == {"offered": 120, "answered_within_sl": 75}


def test_datetimes_are_stored_as_iso_text_with_offset(store, make_plan, db_path):
    saved = store.save_plan(make_plan(), who="Rina")
    conn = sqlite3.connect(db_path)
    created, interval = conn.execute(
        "SELECT created_at, interval_start FROM plans WHERE id = ?", (saved.id,)
    ).fetchone()
    (due,) = conn.execute("SELECT due FROM plan_actions WHERE position = 0").fetchone()
    conn.close()
    assert created == "2025-03-10T09:32:00+07:00"
    assert interval == "2025-03-10T09:30:00+07:00"
    assert due == "2025-03-10T10:00:00+07:00"


def test_a_new_plan_starts_open_and_has_a_created_history_row(store, make_plan):
    saved = store.save_plan(make_plan(status=PlanStatus.DONE, verified_value=99.0), who="Rina")
    assert saved.status is PlanStatus.OPEN and saved.verified_value is None
    history = store.plan_history(saved.id)
    assert [(h.field, h.old, h.new, h.who) for h in history] == [("created", None, "open", "Rina")]
    assert history[0].at == saved.created_at


def test_every_changed_field_gets_its_own_history_row(store, make_plan):
    saved = store.save_plan(make_plan(), who="Rina")
    edited = dataclasses.replace(
        saved,
        analysis="SMS blast plus two agents sick",
        root_cause=RootCause.UNDERSTAFFING,
        actual=60.0,
        counts={"offered": 130, "answered_within_sl": 78},
        note="",
        actions=(
            saved.actions[0],
            PlanAction("Delay coaching session", "Sari", saved.actions[1].due),
            PlanAction("Call in standby agent", "Rina", T0 + timedelta(hours=2)),
        ),
    )
    at = T0 + timedelta(minutes=10)
    updated = store.save_plan(edited, who="Budi", at=at)
    assert updated.updated_at == at
    rows = {h.field: (h.old, h.new) for h in store.plan_history(saved.id) if h.at == at}
    assert rows == {
        "analysis": (
            "Promo SMS blast at 09:00 doubled the calls",
            "SMS blast plus two agents sick",
        ),
        "root_cause": ("volume_spike", "understaffing"),
        "actual": ("62.5", "60.0"),
        "counts": (
            '{"answered_within_sl": 75, "offered": 120}',
            '{"answered_within_sl": 78, "offered": 130}',
        ),
        "note": ("Ann [/] [bold]not markup[/bold]", ""),
        "actions.1.pic": ("Budi", "Sari"),
        "actions.2": (None, "Call in standby agent | Rina | 2025-03-10T11:30:00+07:00"),
    }
    assert all(h.who == "Budi" for h in store.plan_history(saved.id) if h.at == at)
    assert store.get_plan(saved.id) == updated


def test_removing_an_action_is_recorded_with_its_old_text(store, make_plan):
    saved = store.save_plan(make_plan(), who="Rina")
    store.save_plan(dataclasses.replace(saved, actions=saved.actions[:1]), "Rina", at=T0)
    last = store.plan_history(saved.id)[-1]
    assert (last.field, last.new) == ("actions.1", None)
    assert last.old == "Delay coaching session | Budi | 2025-03-10T10:30:00+07:00"
    assert len(store.get_plan(saved.id).actions) == 1


def test_saving_an_unchanged_plan_writes_no_history(store, make_plan):
    saved = store.save_plan(make_plan(), who="Rina")
    again = store.save_plan(saved, who="Rina", at=T0 + timedelta(hours=1))
    assert again == saved
    assert len(store.plan_history(saved.id)) == 1


def test_an_edit_does_not_undo_a_status_change_made_meanwhile(store, make_plan):
    saved = store.save_plan(make_plan(), who="Rina")
    store.set_status(saved.id, PlanStatus.IN_PROGRESS, "Budi", T0 + timedelta(minutes=5))
    # Rina's form still holds the plan as it was (status open) and saves an edit
    store.save_plan(dataclasses.replace(saved, note="later"), "Rina", at=T0 + timedelta(hours=1))
    assert store.get_plan(saved.id).status is PlanStatus.IN_PROGRESS


def test_an_invalid_plan_is_refused_and_nothing_is_written(store, make_plan):
    with pytest.raises(PlanValidationError) as info:
        store.save_plan(make_plan(analysis=" ", actions=()), who="Rina")
    assert set(info.value.errors) == {"analysis", "actions"}
    assert store.list_plans() == []


def test_saving_an_unknown_id_raises(store, make_plan):
    with pytest.raises(PlanNotFoundError, match="#42"):
        store.save_plan(make_plan(id=42), who="Rina")


def test_list_filters_by_day_status_kpi_and_shift(store, make_plan):
    a = store.save_plan(make_plan(), "Rina")
    b = store.save_plan(make_plan(T0 + timedelta(days=1), kpi="abandon"), "Rina")
    c = store.save_plan(make_plan(T0 + timedelta(days=2), tl_shift="siang"), "Dewi")
    store.set_status(b.id, PlanStatus.IN_PROGRESS, "Rina", T0 + timedelta(days=1, hours=1))
    ids = lambda plans: [p.id for p in plans]  # noqa: E731
    assert ids(store.list_plans()) == [a.id, b.id, c.id]
    assert ids(store.list_plans(since=date(2025, 3, 11))) == [b.id, c.id]
    assert ids(store.list_plans(until=date(2025, 3, 11))) == [a.id, b.id]
    assert ids(store.list_plans(date(2025, 3, 11), date(2025, 3, 11))) == [b.id]
    assert ids(store.list_plans(status="in_progress")) == [b.id]
    assert ids(store.list_plans(kpi="service_level")) == [a.id, c.id]
    assert ids(store.list_plans(tl_shift="siang")) == [c.id]
    assert store.list_plans()[0].actions == a.actions


def test_status_flow_to_verified_with_history(store, make_plan):
    p = store.save_plan(make_plan(), "Rina")
    store.set_status(p.id, PlanStatus.IN_PROGRESS, "Rina", T0 + timedelta(minutes=10))
    store.set_status(p.id, PlanStatus.DONE, "Rina", T0 + timedelta(minutes=50))
    at = T0 + timedelta(minutes=70)
    v = store.verify(
        p.id,
        Verification(
            value=83.4,
            period="interval",
            read_at=at,
            verdict=Verdict.ACHIEVED,
            by="Rina",
            note="checked on the wallboard",
        ),
        at,
    )
    assert v.status is PlanStatus.VERIFIED
    assert (v.verified_value, v.verified_achieved, v.verified_at) == (83.4, True, at)
    assert store.get_plan(p.id) == v
    assert v.actual == 62.5  # the value when filed stays beside the verified one
    assert [(h.field, h.old, h.new) for h in store.plan_history(p.id)] == [
        ("created", None, "open"),
        ("status", "open", "in_progress"),
        ("status", "in_progress", "done"),
        ("status", "done", "verified"),
        ("verified_value", None, "83.4"),
        ("verified_period", None, "interval"),
        ("verified_read_at", None, "2025-03-10T10:40:00+07:00"),
        ("verified_achieved", None, "achieved"),
        ("verified_note", None, "checked on the wallboard"),
    ]


@pytest.mark.parametrize(
    ("path", "wanted"),
    [
        ((), PlanStatus.VERIFIED),
        ((PlanStatus.IN_PROGRESS,), PlanStatus.OPEN),
        ((PlanStatus.DONE,), PlanStatus.OPEN),
        ((PlanStatus.IN_PROGRESS,), PlanStatus.VERIFIED),
        ((PlanStatus.DONE,), PlanStatus.VERIFIED),  # only through verify()
    ],
)
def test_illegal_status_moves_are_refused(store, make_plan, path, wanted):
    p = store.save_plan(make_plan(), "Rina")
    for step in path:
        store.set_status(p.id, step, "Rina", T0)
    before = store.plan_history(p.id)
    with pytest.raises(IllegalTransitionError):
        store.set_status(p.id, wanted, "Rina", T0)
    assert store.plan_history(p.id) == before


def test_verify_needs_a_done_plan_and_verified_is_final(store, make_plan):
    p = store.save_plan(make_plan(), "Rina")
    with pytest.raises(IllegalTransitionError, match="mark it done first"):
        store.verify(
            p.id,
            Verification(
                value=80.0,
                period="interval",
                read_at=T0,
                verdict=Verdict.ACHIEVED,
                by="Rina",
                note="checked on the wallboard",
            ),
            T0,
        )
    assert store.get_plan(p.id).verified_value is None
    store.set_status(p.id, PlanStatus.DONE, "Rina", T0)
    store.verify(
        p.id,
        Verification(
            value=65.0,
            period="interval",
            read_at=T0 + timedelta(hours=1),
            verdict=Verdict.NOT_ACHIEVED,
            by="Rina",
            note="checked on the wallboard",
        ),
        T0 + timedelta(hours=1),
    )
    for wanted in (PlanStatus.OPEN, PlanStatus.IN_PROGRESS, PlanStatus.DONE):
        with pytest.raises(IllegalTransitionError, match="final"):
            store.set_status(p.id, wanted, "Rina", T0)
    with pytest.raises(IllegalTransitionError):
        store.verify(
            p.id,
            Verification(
                value=90.0,
                period="interval",
                read_at=T0,
                verdict=Verdict.ACHIEVED,
                by="Rina",
                note="checked on the wallboard",
            ),
            T0,
        )
    assert store.get_plan(p.id).verified_achieved is False


def test_a_done_plan_can_be_reopened(store, make_plan):
    p = store.save_plan(make_plan(), "Rina")
    store.set_status(p.id, PlanStatus.DONE, "Rina", T0)
    assert store.set_status(p.id, "in_progress", "Rina", T0).status is PlanStatus.IN_PROGRESS


def test_overdue_plans_are_past_their_last_due_time_and_not_verified(store, make_plan):
    a = store.save_plan(make_plan(), "Rina")  # last action due 10:30
    b = store.save_plan(make_plan(T0 + timedelta(hours=2)), "Rina")  # due 12:30
    done = store.save_plan(make_plan(), "Rina")
    store.set_status(done.id, PlanStatus.DONE, "Rina", T0)
    verified = store.save_plan(make_plan(), "Rina")
    store.set_status(verified.id, PlanStatus.DONE, "Rina", T0)
    store.verify(
        verified.id,
        Verification(
            value=85.0,
            period="interval",
            read_at=T0 + timedelta(minutes=40),
            verdict=Verdict.ACHIEVED,
            by="Rina",
            note="checked on the wallboard",
        ),
        T0 + timedelta(minutes=40),
    )

    at_1030 = datetime(2025, 3, 10, 10, 30, tzinfo=JKT)
    assert store.overdue_plans(at_1030) == []  # due is not overdue yet
    after = at_1030 + timedelta(seconds=1)
    assert [p.id for p in store.overdue_plans(after)] == [a.id, done.id]
    # the same instant seen in UTC gives the same answer
    assert [p.id for p in store.overdue_plans(after.astimezone(ZoneInfo("UTC")))] == [
        a.id,
        done.id,
    ]
    late = T0 + timedelta(hours=5)
    overdue = store.overdue_plans(late)
    assert [p.id for p in overdue] == [a.id, done.id, b.id]
    assert all(is_overdue(p, late) for p in overdue)
    assert not is_overdue(store.get_plan(verified.id), late)


def test_purge_refuses_less_than_two_years(store, make_plan):
    store.save_plan(make_plan(T0 - timedelta(days=800)), "Rina")
    for days in (0, 30, 365, 729):
        with pytest.raises(RetentionError, match="at least 2 years"):
            store.purge_plans(timedelta(days=days), now=T0)
    assert len(store.list_plans()) == 1


def test_purge_dry_run_counts_and_deletes_nothing_then_purge_deletes_only_old(
    store, make_plan, db_path
):
    old = store.save_plan(make_plan(T0 - timedelta(days=731)), "Rina")
    store.set_status(old.id, PlanStatus.DONE, "Rina", T0 - timedelta(days=731))
    kept = store.save_plan(make_plan(T0 - timedelta(days=700)), "Rina")
    assert store.purge_plans(timedelta(days=730), now=T0, dry_run=True) == 1
    assert len(store.list_plans()) == 2
    assert store.purge_plans(timedelta(days=730), now=T0) == 1
    assert [p.id for p in store.list_plans()] == [kept.id]
    conn = sqlite3.connect(db_path)
    # actions and history went with the plan
    assert conn.execute(
        "SELECT COUNT(*) FROM plan_actions WHERE plan_id = ?", (old.id,)
    ).fetchone() == (0,)
    assert conn.execute(
        "SELECT COUNT(*) FROM plan_history WHERE plan_id = ?", (old.id,)
    ).fetchone() == (0,)
    conn.close()


def test_naive_datetimes_are_refused(store, make_plan):
    naive = datetime(2025, 3, 10, 9, 0)
    with pytest.raises(PlanValidationError):
        store.save_plan(make_plan(interval_start=naive), "Rina")
    p = store.save_plan(make_plan(), "Rina")
    with pytest.raises(ValueError, match="naive"):
        store.set_status(p.id, PlanStatus.DONE, "Rina", naive)
    assert store.get_plan(p.id).status is PlanStatus.OPEN


def test_plans_survive_closing_and_reopening(db_path, make_plan):
    with Store.open(db_path) as s:
        p = s.save_plan(make_plan(), "Rina")
    with Store.open(db_path) as s:
        assert s.get_plan(p.id) == p


def _evidence(value, verdict, **more):
    fields = dict(
        value=value,
        period="interval",
        read_at=T0 + timedelta(minutes=65),
        verdict=verdict,
        by="Sari",
        note="SL back over target on the wallboard",
    )
    fields.update(more)
    return Verification(**fields)


def test_verification_keeps_its_evidence_and_refuses_what_the_value_does_not_show(
    store, make_plan
):
    # issue 11: "achieved" with "Now — (no data)" or a value still in breach; no note
    p = store.save_plan(make_plan(), "Rina")  # service level, SLA 80 %, filed on the interval
    store.set_status(p.id, PlanStatus.DONE, "Rina", T0)
    at = T0 + timedelta(minutes=70)
    refused = [
        (_evidence(71.6, Verdict.ACHIEVED), "verdict"),  # below the SLA it was filed against
        (_evidence(None, Verdict.ACHIEVED), "verdict"),  # no data is never achieved
        (_evidence(83.0, Verdict.ACHIEVED, note=" "), "verified_note"),
        (_evidence(83.0, Verdict.ACHIEVED, by=""), "verified_by"),
        (_evidence(83.0, Verdict.ACHIEVED, period="today"), "verified_period"),
        (_evidence(None, Verdict.OVERRIDE), "verified_reason"),
    ]
    for verification, field in refused:
        with pytest.raises(PlanValidationError) as info:
            store.verify(p.id, verification, at)
        assert field in info.value.errors, field
    assert store.get_plan(p.id).status is PlanStatus.DONE  # nothing was written
    assert [h.field for h in store.plan_history(p.id)] == ["created", "status"]

    reason = "Platform KPI feed down; SL 84 % read on the vendor portal"
    done = store.verify(p.id, _evidence(None, Verdict.OVERRIDE, reason=reason), at)
    again = store.get_plan(p.id)
    assert again == done
    assert (again.verified_achieved, again.verified_value, again.verified_reason) == (
        True,
        None,
        reason,
    )
    assert (again.verified_period, again.verified_read_at, again.verified_by) == (
        "interval",
        T0 + timedelta(minutes=65),
        "Sari",
    )
    assert again.verified_note == "SL back over target on the wallboard"
    history = {h.field: (h.who, h.new) for h in store.plan_history(p.id)}
    assert history["verified_value"] == ("Sari", "no data")  # never an empty "— → —"
    assert history["verified_achieved"] == ("Sari", "override")
    assert history["verified_reason"] == ("Sari", reason)


def test_achieved_needs_the_value_to_meet_the_target_in_the_kpis_direction(store, make_plan):
    lower = make_plan(kpi="abandon", sla=5.0, slg=8.0, actual=12.5)  # lower is better
    for value, verdict, ok in (
        (5.0, Verdict.ACHIEVED, True),
        (5.1, Verdict.ACHIEVED, False),
        (5.1, Verdict.NOT_ACHIEVED, True),
    ):
        p = store.save_plan(lower, "Rina")
        store.set_status(p.id, PlanStatus.DONE, "Rina", T0)
        if ok:
            assert store.verify(p.id, _evidence(value, verdict), T0).verified_value == value
        else:
            with pytest.raises(PlanValidationError, match="meets the target"):
                store.verify(p.id, _evidence(value, verdict), T0)


def test_a_plan_keeps_who_it_is_about_and_its_period(store, make_plan):
    plan = make_plan(
        kpi="aux_over_limit",
        scope="agent:A0002",
        scope_label="Bayu Sinaga (A0002)",
        team="Team B",
        period="now",
        direction=Direction.LOWER,
        sla=900.0,
        slg=None,
        actual=1308.4,
    )
    saved = store.save_plan(plan, "Rina")
    loaded = store.get_plan(saved.id)
    assert loaded == saved
    assert (loaded.scope_label, loaded.team, loaded.period, loaded.direction) == (
        "Bayu Sinaga (A0002)",
        "Team B",
        "now",
        Direction.LOWER,
    )
    edited = store.save_plan(dataclasses.replace(loaded, team="Team C"), "Rina", at=T0)
    assert store.get_plan(saved.id).team == "Team C" == edited.team
    assert ("team", "Team B", "Team C") in [
        (h.field, h.old, h.new) for h in store.plan_history(saved.id)
    ]
