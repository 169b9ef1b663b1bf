from __future__ import annotations

import csv
import dataclasses
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from rtm_tui.domain.plans import (
    PlanAction,
    PlanStatus,
    RecoveryPlan,
    RootCause,
    Verdict,
    Verification,
)
from rtm_tui.reports.exports import (
    CSV_COLUMNS,
    load_exports,
    md,
    render_markdown,
    write_csv,
    write_xlsx,
)
from rtm_tui.store import Store

JKT = ZoneInfo("Asia/Jakarta")
T0 = datetime(2025, 3, 10, 9, 30, tzinfo=JKT)
NOW = T0 + timedelta(hours=5)


def _plan(at: datetime = T0, **changes: object) -> RecoveryPlan:
    fields: dict[str, object] = dict(
        created_at=at + timedelta(minutes=2),
        date=at.date(),
        tl_shift="siang",
        interval_start=at,
        kpi="abandon",
        scope="q_billing",
        sla=5.0,
        slg=8.0,
        actual=12.5,
        counts={"offered": 80, "abandoned": 10},
        suggested_actions=("Recall 3 agents from AUX",),
        root_cause=RootCause.EXCESS_AUX,
        analysis="Four agents in TOILET at once\nbriefing ran long",
        actions=(
            PlanAction("Recall agents | from AUX", "Ann [/]", at + timedelta(minutes=20)),
            PlanAction("Stagger breaks", "Budi", at + timedelta(minutes=45)),
        ),
        tl_name="Dewi",
        note="=SUM(A1:A9)",
    )
    fields.update(changes)
    return RecoveryPlan(**fields)  # type: ignore[arg-type]


@pytest.fixture
def items(tmp_path):
    with Store.open(tmp_path / "rtm.sqlite3") as store:
        a = store.save_plan(_plan(), "Dewi")
        store.save_plan(dataclasses.replace(a, actual=13.0), "Sari", at=T0 + timedelta(hours=1))
        store.set_status(a.id, PlanStatus.DONE, "Dewi", T0 + timedelta(hours=1))
        store.verify(
            a.id,
            Verification(
                value=4.2,
                period="interval",
                read_at=T0 + timedelta(hours=2),
                verdict=Verdict.ACHIEVED,
                by="Dewi",
                note="checked on the wallboard",
            ),
            T0 + timedelta(hours=2),
        )
        store.save_plan(
            _plan(T0 + timedelta(days=1), kpi="aht", actual=410.0, sla=300.0, slg=360.0, note=""),
            "Dewi",
        )
        yield load_exports(store)


def test_csv_has_one_row_per_plan_and_action_and_reads_back(items):
    buffer = io.StringIO()
    assert write_csv(items, buffer, JKT, NOW) == 4
    rows = list(csv.DictReader(io.StringIO(buffer.getvalue())))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [(r["plan_id"], r["action_no"]) for r in rows] == [
        ("1", "1"),
        ("1", "2"),
        ("2", "1"),
        ("2", "2"),
    ]
    first = rows[0]
    assert first["status"] == "verified" and first["overdue"] == "no"
    assert (first["actual"], first["verified_value"], first["verified_achieved"]) == (
        "13.0 %",
        "4.2 %",
        "yes",
    )
    assert first["analysis"] == "Four agents in TOILET at once\nbriefing ran long"
    assert first["action_what"] == "Recall agents | from AUX"
    assert first["action_pic"] == "Ann [/]"
    assert first["action_due"] == "2025-03-10T09:50:00+07:00"
    assert first["note"] == "'=SUM(A1:A9)"  # never a live formula in a spreadsheet
    second_plan = rows[2]
    assert second_plan["overdue"] == "no"  # due next day 10:15, NOW is 14:30 on day one
    assert second_plan["verified_value"] == ""


def test_csv_marks_overdue_plans(items):
    buffer = io.StringIO()
    write_csv(items, buffer, JKT, T0 + timedelta(days=2))
    rows = list(csv.DictReader(io.StringIO(buffer.getvalue())))
    assert [r["overdue"] for r in rows] == ["no", "no", "yes", "yes"]


def test_markdown_is_a_printable_form_per_plan(items):
    text = render_markdown(items, JKT, "CC Bandung", NOW)
    assert text.count("# Form Recovery Plan #") == 2
    first, second = text.split("\n---\n")
    assert "| Actual when filed | 13.0 % (interval) |" in first
    assert "| Value at verification | 4.2 % (interval, read 2025-03-10 11:30) |" in first
    assert "| Result | Achieved |" in first
    assert "| 1 | Recall agents \\| from AUX | Ann \\[/\\] | 2025-03-10 09:50 |" in first
    # history: filed, the edit with who and old/new, status moves, verification
    assert "| 2025-03-10 10:30 | Sari | Actual | 12.5 % | 13.0 % |" in first
    assert "| Status | Done | Verified |" in first
    assert "Four agents in TOILET at once  \nbriefing ran long" in first
    assert "| Actual when filed | 6:50 (interval) |" in second  # AHT in m:ss
    assert "| Status | Open |" in second
    assert "TL signature" in second


def test_markdown_escapes_typed_text():
    assert md("Ann [/] *x* | y") == "Ann \\[/\\] \\*x\\* \\| y"
    assert md("- not a list") == "\\- not a list"
    assert md("two\nlines") == "two<br>lines"


def test_markdown_with_no_plans_says_so():
    assert "no recovery plans" in render_markdown([], JKT, "CC", NOW)


def test_xlsx_has_a_summary_and_a_form_sheet_per_plan(items, tmp_path):
    path = tmp_path / "plans.xlsx"
    write_xlsx(items, path, JKT, "CC Bandung", NOW)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Summary", "Plan 1", "Plan 2"]
    summary = [r for r in wb["Summary"].iter_rows(min_row=5, values_only=True)]
    assert [(r[0], r[4], r[8], r[12]) for r in summary] == [
        (1, "Abandon rate", "13.0 %", "Verified (achieved)"),
        (2, "AHT", "6:50", "Open"),
    ]
    form = wb["Plan 1"]
    cells = {row[0]: row[1:] for row in form.iter_rows(values_only=True) if row[0] is not None}
    assert cells["Actual when filed"][0] == "13.0 % (interval)"
    assert cells["Value at verification"][0] == "4.2 % (interval, read 2025-03-10 11:30)"
    assert cells["Analysis"][0] == "Four agents in TOILET at once\nbriefing ran long"
    note = next(c for c in form["B"] if c.value == "=SUM(A1:A9)")
    assert note.data_type == "s"  # typed text, not a formula
    rows = list(form.iter_rows(values_only=True))
    row = (1, "Recall agents | from AUX", "Ann [/]", "2025-03-10 09:50", "Open", "—")
    assert row in rows  # each action with its status and result
    assert ("2025-03-10 10:30", "Sari", "Actual", "12.5 %", "13.0 %", None) in rows
    assert form.page_setup.fitToWidth == 1
    assert form.print_area is not None


@pytest.fixture
def agent_items(tmp_path):
    # issue 11: "agent:A0002" alone, "actual 808.493926", "aux_used_seconds 4443.4"
    with Store.open(tmp_path / "rtm.sqlite3") as store:
        p = store.save_plan(
            _plan(
                kpi="aux_over_limit",
                scope="agent:A0002",
                scope_label="Bayu Sinaga (A0002)",
                team="Team B",
                period="now",
                sla=900.0,
                slg=None,
                actual=808.493926,
                counts={"aux_used_seconds": 4443.4, "first_response_seconds": 77302},
                actions=(PlanAction("Coach on AUX use", "Budi", T0 + timedelta(days=1)),),
            ),
            "Dewi",
        )
        store.set_status(p.id, PlanStatus.DONE, "Dewi", T0 + timedelta(hours=1))
        reason = "Agent back at 10:05, seen on the floor"
        store.verify(
            p.id,
            Verification(
                value=None,
                period="now",
                read_at=T0 + timedelta(hours=2),
                verdict=Verdict.OVERRIDE,
                by="Sari",
                note="Back from AUX",
                reason=reason,
            ),
            T0 + timedelta(hours=2),
        )
        yield load_exports(store)


def test_every_export_names_the_agent_and_shows_values_in_the_screens_units(
    agent_items, tmp_path
):
    buffer = io.StringIO()
    write_csv(agent_items, buffer, JKT, NOW)
    text = buffer.getvalue()
    [row] = list(csv.DictReader(io.StringIO(text)))
    assert (row["scope"], row["scope_name"], row["team"]) == (
        "agent:A0002",
        "Bayu Sinaga (A0002)",
        "Team B",
    )
    assert (row["actual"], row["sla"], row["period"]) == ("13:28", "15:00", "now")
    assert row["counts"] == "AUX used 1:14:03 · First response time 21:28:22"
    assert (row["verified_by"], row["verified_note"], row["verified_period"]) == (
        "Sari",
        "Back from AUX",
        "now",
    )
    assert row["verified_reason"] == "Agent back at 10:05, seen on the floor"
    assert "808.49" not in text and "4443.4" not in text and "_seconds" not in text

    form = render_markdown(agent_items, JKT, "CC Bandung", NOW)
    assert "| Agent / queue | Bayu Sinaga (A0002) · Team B |" in form
    assert "| Actual when filed | 13:28 (now) |" in form
    assert "| Counts when filed | AUX used 1:14:03 · First response time 21:28:22 |" in form
    assert "| Due | 11 Mar 09:30 |" in form  # the next day: its date
    assert "| Value at verification | no data (now, read 2025-03-10 11:30) |" in form
    assert "| Result | Achieved (override: Agent back at 10:05, seen on the floor) |" in form
    assert "| Verification note | Back from AUX |" in form
    assert "| Verified by | Sari |" in form
    assert "| Sari | Value at verification |  | No data |" in form  # the history: never "— → —"
    assert "agent:A0002" not in form and "808.49" not in form and "_seconds" not in form

    path = tmp_path / "plans.xlsx"
    write_xlsx(agent_items, path, JKT, "CC Bandung", NOW)
    wb = openpyxl.load_workbook(path)
    [summary] = list(wb["Summary"].iter_rows(min_row=5, values_only=True))
    assert (summary[5], summary[8]) == ("Bayu Sinaga (A0002) · Team B", "13:28")
    sheet = {r[0]: r[1] for r in wb["Plan 1"].iter_rows(values_only=True) if r[0] is not None}
    assert sheet["Agent / queue"] == "Bayu Sinaga (A0002) · Team B"
    assert sheet["Counts when filed"] == "AUX used 1:14:03 · First response time 21:28:22"
    assert sheet["Verified by"] == "Sari"
