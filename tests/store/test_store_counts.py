"""Plan counts for the metrics endpoint (`Store.plan_counts`): on SQLite and on PostgreSQL,
the numbers the plans themselves give, read beside another instance's writes."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from conftest import T0

from rtm_tui.domain.plans import PlanStatus, Verdict, Verification, is_overdue
from rtm_tui.store import Store


def _file_some(store: Store, make_plan) -> None:
    """Five plans: open, open, in progress, done, verified; due 10:30 to 12:30."""
    plans = [store.save_plan(make_plan(T0 + timedelta(hours=h)), "Rina") for h in range(5)]
    moves = {2: ("in_progress",), 3: ("in_progress", "done"), 4: ("in_progress", "done")}
    for i, steps in moves.items():
        for status in steps:
            store.set_status(plans[i].id, status, "Rina", T0)
    store.verify(
        plans[4].id,
        Verification(
            value=None,
            period="interval",
            read_at=T0,
            verdict=Verdict.NOT_ACHIEVED,
            by="Sari",
            note="no data yet",
        ),
        T0,
    )


def test_counts_by_status_and_overdue_as_the_plans_give_them(store, make_plan) -> None:
    _file_some(store, make_plan)
    now = T0 + timedelta(hours=3, minutes=5)  # past the due time of the first three
    counts = store.plan_counts(now)
    plans = store.list_plans()
    assert counts.by_status == {str(s): n for s, n in Counter(p.status for p in plans).items()}
    assert counts.by_status == {"open": 2, "in_progress": 1, "done": 1, "verified": 1}
    # overdue as the domain says (not verified, past the latest action's due time)
    assert counts.overdue == sum(is_overdue(p, now) for p in plans) == 3
    assert counts.overdue == len(store.overdue_plans(now))
    # the verified plan is past its due time too, and not counted
    assert store.plan_counts(T0 + timedelta(days=1)).overdue == 4


def test_an_empty_database_counts_every_status_at_zero(store) -> None:
    counts = store.plan_counts(T0)
    assert counts.by_status == {str(s): 0 for s in PlanStatus}
    assert counts.overdue == 0


def test_counts_read_while_another_instance_holds_its_write(store, open_store, make_plan) -> None:
    """Another TL's rtm in a write (SQLite's write lock, PostgreSQL's advisory lock):
    the counts are read all the same, and see what was committed."""
    other = open_store(busy_timeout=0.5)
    store.save_plan(make_plan(), "Rina")
    with other._write("test: hold the write lock") as conn:
        conn.execute("UPDATE plans SET status = 'in_progress'")  # not committed yet
        counts = store.plan_counts(T0)
        assert counts.by_status["open"] == 1 and counts.by_status["in_progress"] == 0
    assert store.plan_counts(T0).by_status["in_progress"] == 1


def test_a_read_only_role_counts(pg_server, pg_database, make_plan) -> None:
    """The Koordinator's rtm (SELECT only) serves its metrics too: counting writes nothing."""
    url, password = pg_database
    name = url.rsplit("/", 1)[1]
    with Store.open_url(url, password=password) as writer:
        writer.save_plan(make_plan(), "Rina")
    with pg_server.admin(name) as conn:
        conn.execute("CREATE ROLE koordinator_m LOGIN PASSWORD 'ro-pass-7'")
        conn.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO koordinator_m")
    with Store.open_url(pg_server.url(name, user="koordinator_m"), password="ro-pass-7") as reader:
        assert reader.health == "read_only"
        assert reader.plan_counts(T0 + timedelta(hours=2)).by_status["open"] == 1
        assert reader.plan_counts(T0 + timedelta(hours=2)).overdue == 1


def test_counts_are_the_sites_own(open_store, make_plan) -> None:
    """Two sites on one database: each rtm's metrics count its own site's plans."""
    jakarta = open_store(site="Jakarta")
    medan = open_store(site="Medan")
    _file_some(jakarta, make_plan)
    medan.save_plan(make_plan(T0), "Budi")
    now = T0 + timedelta(hours=3, minutes=5)
    assert jakarta.plan_counts(now).by_status == {
        "open": 2, "in_progress": 1, "done": 1, "verified": 1,
    }  # fmt: skip
    assert medan.plan_counts(now).by_status == {
        "open": 1, "in_progress": 0, "done": 0, "verified": 0,
    }  # fmt: skip
    assert (jakarta.plan_counts(now).overdue, medan.plan_counts(now).overdue) == (3, 1)
