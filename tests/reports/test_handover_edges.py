"""Handover report edges on a small hand-written shift record (real SQLite in tmp_path):
which shift by default, gaps in the record, a shift still running, hostile names."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from rtm_tui.config import Settings
from rtm_tui.domain.types import (
    Alert,
    AlertKind,
    KpiValue,
    LoginStatus,
    Roster,
    RosterEntry,
    RosterStatus,
    Severity,
    Status,
    VoiceCounts,
)
from rtm_tui.reports.handover import render_markdown, write_csv
from rtm_tui.reports.shift_summary import (
    ReportRules,
    build_shift_summary,
    default_shift,
    shift_window,
)
from rtm_tui.store import AgentEvent, Store

JKT = ZoneInfo("Asia/Jakarta")
DAY = date(2025, 11, 25)
SHIFTS = {"pagi": (time(7), time(15)), "siang": (time(15), time(23))}
W = shift_window(DAY, time(7), time(15), JKT)
HOSTILE = '=HYPERLINK("x") [/] *Ann*'


def at(h: int, m: int = 0) -> datetime:
    return datetime(2025, 11, 25, h, m, tzinfo=JKT)


@pytest.mark.parametrize(
    ("now", "day", "expected"),
    [
        (at(10), None, (DAY, "pagi")),
        (at(15), None, (DAY, "siang")),
        (at(23, 30), None, (DAY, "siang")),  # after siang: the last one that ended
        (at(6), None, (DAY - timedelta(days=1), "siang")),  # early: yesterday's siang
        (at(10), date(2025, 11, 20), (date(2025, 11, 20), "pagi")),
        (at(6), date(2025, 11, 20), (date(2025, 11, 20), "siang")),
    ],
)
def test_default_shift(now: datetime, day: date | None, expected: tuple[date, str]):
    assert default_shift(SHIFTS, now, JKT, day) == expected


def test_shift_window_crossing_midnight():
    assert shift_window(DAY, time(22), time(6), JKT) == (at(22), at(6) + timedelta(days=1))


def _settings() -> Settings:
    return Settings.model_validate({"site": {"name": "Site <b>", "tl_name": "Rina"}})


def _rules() -> ReportRules:
    s = _settings()
    return ReportRules(s.kpi_targets(), s.kpi_options(), s.attendance_rules(), 30)


def _interval(store: Store, start: datetime, offered: int, answered: int) -> None:
    counts = VoiceCounts(offered=offered, answered=answered, abandoned=offered - answered)
    raw = counts.as_dict()
    store.record_interval_kpis(
        DAY,
        start,
        [KpiValue("scr", "all", "interval", 100 * answered / offered, Status.OK, None, raw)],
    )


@pytest.fixture
def store(tmp_path: Path):
    with Store.open(tmp_path / "rtm.sqlite3") as s:
        yield s


def test_gaps_and_a_running_shift_are_said(store: Store):
    _interval(store, at(7), 10, 10)
    _interval(store, at(8), 30, 21)  # 07:30 and 08:30 (running) missing: the app was closed
    s = build_shift_summary(store, day=DAY, shift="pagi", window=W, rules=_rules(), now=at(8, 40))
    assert s.as_of == at(8, 40)
    assert s.missing_intervals == (at(7, 30), at(8, 30))
    scr = s.shift_scope("voice").kpi("scr")
    assert scr.value == pytest.approx(100 * 31 / 40)  # not (100 + 70) / 2
    text = render_markdown(s, JKT, at(8, 40))
    assert "Not recorded: 07:30, 08:30." in text
    assert "still running" in text and "2 interval(s) of the shift were not recorded" in text


def test_hostile_names_are_data(store: Store):
    _interval(store, at(7), 10, 9)
    roster = Roster(
        DAY,
        (
            RosterEntry(DAY, "A1", HOSTILE, "T", RosterStatus.SCHEDULED, "P1", at(7), at(16)),
            RosterEntry(DAY, "A2", "Budi", "T", RosterStatus.SCHEDULED, "P1", at(7), at(16)),
        ),
    )
    store.record_agent_events(DAY, [AgentEvent("A1", at(7, 20), "available")])
    store.record_agent_events(DAY, [AgentEvent("A2", at(6, 55), "available")])
    store.record_alert(
        DAY,
        Alert(
            "attendance:A3:absent:2025-11-25",
            AlertKind.ATTENDANCE,
            Severity.BREACH,
            at(7, 30),
            "| broken table (A3) absent",
            agent_id="A3",
            code="absent",
        ),
    )
    s = build_shift_summary(
        store, day=DAY, shift="pagi", window=W, rules=_rules(), now=at(16), roster=roster,
        site="Site <b>",
    )  # fmt: skip
    late = [x for x in s.attendance.exceptions if x.status == LoginStatus.LATE]
    assert [(x.name, x.late_by) for x in late] == [(HOSTILE, timedelta(minutes=20))]
    assert s.attendance.on_time == 1 and s.attendance.late == 1
    text = render_markdown(s, JKT, at(16))
    assert r"\[/\] \*Ann\*" in text and "Site \\<b\\>" in text
    assert "\\| broken table" in text  # a pipe in a message cannot split the table
    buffer = io.StringIO()
    write_csv(s, buffer, JKT, at(16))
    rows = list(csv.DictReader(io.StringIO(buffer.getvalue())))
    names = {r["name"] for r in rows if r["section"] == "attendance"}
    assert names == {"'" + HOSTILE}  # a spreadsheet will not run it as a formula


def test_aux_used_is_the_sum_of_recorded_aux_segments(store: Store):
    """AUX used from the recorded state changes alone (no monitor state saved): segments
    per code in the agent's workday; the open one stops where the app stopped recording;
    AUX before the workday (3 h before the rostered shift) does not count."""
    for h in range(7, 12):  # the app recorded 07:00-11:59, then was closed
        _interval(store, at(h), 10, 10)
        _interval(store, at(h, 30), 10, 10)
    roster = Roster(
        DAY, (RosterEntry(DAY, "A1", "Ann", "T", RosterStatus.SCHEDULED, "P1", at(7), at(16)),)
    )
    events = [
        AgentEvent("A1", at(3), "aux", "SYSTEM"),  # before the workday
        AgentEvent("A1", at(3, 30), "logged_out"),
        AgentEvent("A1", at(6, 55), "available"),
        AgentEvent("A1", at(8), "aux", "TOILET"),
        AgentEvent("A1", at(8, 12), "on_contact"),
        AgentEvent("A1", at(10, 10), "aux", "ISTIRAHAT"),
        AgentEvent("A1", at(11, 15), "available"),
        AgentEvent("A1", at(11, 40), "aux", "TOILET"),  # still open when the app closed
        AgentEvent("B2", at(9), "available"),  # never in AUX: not listed
    ]
    store.record_agent_events(DAY, events)
    store.save_monitor_state(DAY, "{}", at(11, 52))  # the app's exit
    store.record_alert(
        DAY,
        Alert(
            "rotg:A1:ISTIRAHAT:shift:2025-11-25",
            AlertKind.ROTG,
            Severity.BREACH,
            at(11, 11),
            "Ann (A1) ISTIRAHAT over its shift limit",
            agent_id="A1",
            code="ISTIRAHAT",
            value=3660.0,
            limit=3600.0,
        ),
    )
    s = build_shift_summary(
        store, day=DAY, shift="pagi", window=W, rules=_rules(), now=at(16), roster=roster
    )
    assert [u.agent_id for u in s.aux_used] == ["A1"]
    used = s.aux_used[0]
    # TOILET 08:00-08:12 and 11:40 until 11:52, when the app saved its state on exit
    # (not 12:00, the end of the 11:30 interval it recorded part way through)
    assert dict(used.seconds) == {"TOILET": 12 * 60 + 12 * 60, "ISTIRAHAT": 65 * 60}
    assert dict(used.count) == {"TOILET": 2, "ISTIRAHAT": 1}
    (over,) = s.aux_over
    assert (over.used_seconds, over.used_count) == (65 * 60, 1)
    assert "| 1:05:00 in 1× |" in render_markdown(s, JKT, at(16))
