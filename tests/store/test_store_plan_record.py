"""A plan as a living record, on a real SQLite file: actions with status and result,
progress notes, addenda after verification; every change in the history, across a
restart; the migration from every older schema version."""

from __future__ import annotations

import dataclasses
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import T0, sample_plan

from rtm_tui.domain.plan_checks import edit_errors
from rtm_tui.domain.plans import (
    ActionStatus,
    NoteKind,
    PlanAction,
    PlanError,
    PlanStatus,
    PlanValidationError,
    Verdict,
    Verification,
)
from rtm_tui.store import SCHEMA_VERSION, Store, apply_migrations

LATER = T0 + timedelta(minutes=20)


def _verify(store: Store, plan_id: int) -> None:
    store.set_status(plan_id, PlanStatus.DONE, "Rina", LATER)
    store.verify(
        plan_id,
        Verification(
            value=82.0,
            period="interval",
            read_at=LATER,
            verdict=Verdict.ACHIEVED,
            by="Sari",
            note="SL 82 % at 10:30",
        ),
        LATER,
    )


def test_actions_results_and_notes_are_in_the_history_and_survive_a_restart(db_path: Path):
    with Store.open(db_path) as store:
        plan = store.save_plan(sample_plan(), "Rina")
        assert plan.id is not None
        first = dataclasses.replace(
            plan.actions[0], status=ActionStatus.DONE, result="2 agents moved at 09:50"
        )
        added = PlanAction("Call the vendor", "Dedi", T0 + timedelta(hours=2))
        edited = dataclasses.replace(
            plan,
            analysis="Promo SMS blast at 09:00 doubled the calls; 2 agents sick",
            actions=(first, plan.actions[1], added),
        )
        store.save_plan(edited, "Rina", at=LATER)
        store.add_note(plan.id, NoteKind.PROGRESS, "Queue back under 10 at 10:05", "Rina", LATER)
    with Store.open(db_path) as store:  # a restart
        got = store.get_plan(plan.id)
        assert got is not None
        assert got.actions == (first, plan.actions[1], added)
        assert got.actions[0].status is ActionStatus.DONE
        assert got.analysis.endswith("2 agents sick")
        notes = store.plan_notes(plan.id)
        assert [(n.kind, n.text, n.who, n.at) for n in notes] == [
            (NoteKind.PROGRESS, "Queue back under 10 at 10:05", "Rina", LATER)
        ]
        fields = [h.field for h in store.plan_history(plan.id)]
    assert fields == [
        "created",
        "analysis",
        "actions.0.status",
        "actions.0.result",
        "actions.2",
        "note.progress",
    ]


def test_a_verified_plan_is_final_but_takes_an_addendum(store: Store):
    plan = store.save_plan(sample_plan(), "Rina")
    assert plan.id is not None
    with pytest.raises(PlanValidationError, match="addendum is for a verified plan"):
        store.add_note(plan.id, NoteKind.ADDENDUM, "too early", "Rina", LATER)
    _verify(store, plan.id)
    verified = store.get_plan(plan.id)
    assert verified is not None
    with pytest.raises(PlanError, match="verified and final"):
        store.save_plan(dataclasses.replace(verified, analysis="rewritten"), "Rina", at=LATER)
    with pytest.raises(PlanValidationError, match="final: add an addendum"):
        store.add_note(plan.id, NoteKind.PROGRESS, "more work", "Rina", LATER)
    store.add_note(plan.id, NoteKind.ADDENDUM, "SL held at 83 % till 12:00", "Sari", LATER)
    assert store.get_plan(plan.id).analysis == plan.analysis  # type: ignore[union-attr]
    assert [n.kind for n in store.plan_notes(plan.id)] == [NoteKind.ADDENDUM]
    assert store.plan_history(plan.id)[-1].field == "note.addendum"
    with pytest.raises(PlanValidationError, match="the note is empty"):
        store.add_note(plan.id, NoteKind.ADDENDUM, "  ", "Sari", LATER)


def test_field_limits_are_refused_by_the_store(store: Store):
    with pytest.raises(PlanValidationError, match="tl_name: at most 80 characters"):
        store.save_plan(sample_plan(tl_name="R" * 420), "Rina")
    assert store.list_plans() == []
    assert store.last_tl_name() == ""
    store.save_plan(sample_plan(tl_name="Rina"), "Rina")
    store.save_plan(sample_plan(T0 + timedelta(hours=1), tl_name="Sari"), "Sari")
    assert store.last_tl_name() == "Sari"


def test_an_edit_refuses_a_changed_due_time_in_the_past_but_keeps_old_ones(store: Store):
    plan = store.save_plan(sample_plan(), "Rina")
    now = T0 + timedelta(hours=3)  # both actions' due times have passed
    assert edit_errors(plan, dataclasses.replace(plan, analysis="more"), now) == {}
    moved = dataclasses.replace(plan.actions[1], due=T0 + timedelta(hours=2))
    errors = edit_errors(plan, dataclasses.replace(plan, actions=(plan.actions[0], moved)), now)
    assert errors == {"actions.1.due": "due time is already past: give a later time"}


@pytest.mark.parametrize("version", range(1, SCHEMA_VERSION))
def test_every_older_file_migrates_to_actions_with_status_and_notes(tmp_path: Path, version):
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    apply_migrations(conn, upto=version)
    conn.close()
    conn = sqlite3.connect(path, isolation_level=None)
    # a plan with one action, written with only the columns every version has
    conn.execute(
        """INSERT INTO plans (id, created_at, created_ts, updated_at, date, tl_shift,
            interval_start, kpi, scope, root_cause, analysis, tl_name, status)
        VALUES (3, '2025-03-10T09:32:00+07:00', 1741573920, '2025-03-10T09:32:00+07:00',
            '2025-03-10', 'pagi', '2025-03-10T09:30:00+07:00', 'scr', 'all', 'excess_aux',
            'AUX', 'Rina', 'open')"""
    )
    conn.execute(
        "INSERT INTO plan_actions (plan_id, position, what, pic, due) "
        "VALUES (3, 0, 'Recall from AUX', 'Budi', '2025-03-10T10:30:00+07:00')"
    )
    conn.close()
    with Store.open(path) as store:
        assert store.schema_version == SCHEMA_VERSION
        plan = store.get_plan(3)
        assert plan is not None
        assert (plan.actions[0].status, plan.actions[0].result) == (ActionStatus.OPEN, "")
        store.add_note(3, NoteKind.PROGRESS, "Budi on it", "Rina", LATER)
        assert [n.text for n in store.plan_notes(3)] == ["Budi on it"]
