"""All / mine / my shift (domain.plan_views): which plans each view keeps."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from rtm_tui.domain.plan_views import (
    PlanView,
    in_view,
    narrow,
    next_view,
    same_tl,
    shift_of,
)
from rtm_tui.domain.plans import PlanAction, RecoveryPlan, RootCause

JKT = ZoneInfo("Asia/Jakarta")
# a siang shift running past midnight
LATE = {"pagi": (time(7), time(15)), "siang": (time(15), time(1))}


def _plan(created: datetime, shift: str, tl: str = "Rina") -> RecoveryPlan:
    return RecoveryPlan(
        created_at=created,
        date=created.date(),
        tl_shift=shift,
        interval_start=created - timedelta(minutes=5),
        kpi="scr",
        scope="all",
        actual=80.0,
        root_cause=RootCause.VOLUME_SPIKE,
        analysis="spike",
        actions=(PlanAction("x", tl, created + timedelta(hours=1)),),
        tl_name=tl,
    )


def test_a_shift_past_midnight_keeps_the_plans_filed_in_it_and_not_the_next_days():
    now = datetime(2025, 3, 11, 0, 40, tzinfo=JKT)  # siang of the 10th, still running
    window = shift_of(LATE, now)
    assert window is not None and (window.name, window.day) == ("siang", date(2025, 3, 10))
    evening = _plan(datetime(2025, 3, 10, 20, 0, tzinfo=JKT), "siang")
    after_midnight = _plan(datetime(2025, 3, 11, 0, 30, tzinfo=JKT), "siang")  # dated the 11th
    pagi = _plan(datetime(2025, 3, 10, 9, 0, tzinfo=JKT), "pagi")
    args = narrow({}, PlanView.MY_SHIFT, "", window)
    assert args == {"tl_shift": "siang", "since": date(2025, 3, 10), "until": date(2025, 3, 11)}
    kept = [p for p in (evening, after_midnight, pagi) if in_view(p, PlanView.MY_SHIFT, "", window)]
    assert kept == [evening, after_midnight]
    # the next day's siang, dated the 11th like the one after midnight: not this shift's
    next_siang = _plan(datetime(2025, 3, 11, 16, 0, tzinfo=JKT), "siang")
    assert not in_view(next_siang, PlanView.MY_SHIFT, "", window)


def test_mine_is_the_name_as_a_tl_types_it_and_nobodys_when_empty():
    plan = _plan(datetime(2025, 3, 10, 9, 0, tzinfo=JKT), "pagi", tl="Rina  Sari")
    assert in_view(plan, PlanView.MINE, " rina sari")
    assert not in_view(plan, PlanView.MINE, "Rina")
    assert not in_view(plan, PlanView.MINE, "")
    assert not same_tl("", "")
    assert in_view(plan, PlanView.ALL, "")


def test_m_cycles_all_mine_my_shift():
    assert [next_view(v) for v in PlanView] == [PlanView.MINE, PlanView.MY_SHIFT, PlanView.ALL]


def test_no_tl_shifts_means_no_shift():
    assert shift_of({}, datetime(2025, 3, 10, 9, 0, tzinfo=JKT)) is None
