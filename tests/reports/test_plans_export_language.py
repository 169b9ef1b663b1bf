"""Issue 11: the printed Form Recovery Plan (md, xlsx) and the CSV follow `[site] language`.
Exported through the real `rtm plans export` on a config with `language = "id"`, read back:
no English label, the signature lines kept, each action's status and result, the notes."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from rtm_tui.cli import main as cli_main
from rtm_tui.clock import FrozenClock
from rtm_tui.domain.plans import (
    ActionStatus,
    NoteKind,
    PlanAction,
    PlanStatus,
    RecoveryPlan,
    RootCause,
    Verdict,
    Verification,
)
from rtm_tui.i18n import set_language
from rtm_tui.store import Store

JKT = ZoneInfo("Asia/Jakarta")
T0 = datetime(2026, 11, 18, 8, 0, tzinfo=JKT)
NOW = T0 + timedelta(hours=4)

# every label the English record prints (headings, field names, columns, words)
ENGLISH = (
    "Field", "Value", "Date", "TL shift", "KPI / indicator", "Agent / queue",
    "Actual when filed", "Counts when filed", "TL name", "Filed at", "Due",
    "Root cause", "Category", "Analysis", "Suggested by rtm", "Actions", "What", "Result",
    "Progress notes", "Addenda", "Verification", "Value when filed", "Value at verification",
    "Verification note", "Verified by", "Verified at", "Note", "History", "When", "Who",
    "Change", "Old", "New", "TL signature", "Supervisor signature", "printed", "times in",
    "Achieved", "achieved", "Open", "Done", "Not done", "Verified", "Offered", "Abandoned",
    "Excess AUX", "Abandon rate", "Morning", "Filed", "Summary", "Recovery plans",
    "Action 1", "Progress note", "Addendum", "read ",
)  # fmt: skip


@pytest.fixture
def site(tmp_path):
    db = tmp_path / "rtm.sqlite3"
    config = tmp_path / "config.toml"
    config.write_text(
        '[site]\nname = "CC Bandung"\ntimezone = "Asia/Jakarta"\nlanguage = "id"\n\n'
        f"[storage]\ndatabase = '{db}'\n",
        encoding="utf-8",
    )
    with Store.open(db) as store:
        plan = store.save_plan(
            RecoveryPlan(
                created_at=T0 + timedelta(minutes=2),
                date=T0.date(),
                tl_shift="pagi",
                interval_start=T0,
                kpi="abandon",
                scope="q_billing",
                scope_label="Billing",
                sla=5.0,
                slg=8.0,
                actual=12.5,
                counts={"offered": 80, "abandoned": 10},
                suggested_actions=("Tarik 3 agen dari AUX",),
                root_cause=RootCause.EXCESS_AUX,
                analysis="Empat agen TOILET bersamaan",
                actions=(PlanAction("Tarik agen dari AUX", "Budi", T0 + timedelta(hours=1)),),
                tl_name="Dewi",
            ),
            "Dewi",
        )
        assert plan.id is not None
        done = PlanAction(
            "Tarik agen dari AUX", "Budi", T0 + timedelta(hours=1), ActionStatus.DONE, "3 kembali"
        )
        plan = store.save_plan(
            RecoveryPlan(**{**_fields(plan), "actions": (done,)}), "Dewi", at=T0 + timedelta(hours=1)
        )
        store.add_note(plan.id, NoteKind.PROGRESS, "Antrean turun", "Dewi", T0 + timedelta(hours=1))
        store.set_status(plan.id, PlanStatus.DONE, "Dewi", T0 + timedelta(hours=2))
        store.verify(
            plan.id,
            Verification(
                value=4.0,
                period="interval",
                read_at=T0 + timedelta(hours=2),
                verdict=Verdict.ACHIEVED,
                by="Sari",
                note="dicek di wallboard",
                counts={"offered": 60, "abandoned": 2},
            ),
            T0 + timedelta(hours=2),
        )
        store.add_note(plan.id, NoteKind.ADDENDUM, "Stabil s.d. 12:00", "Sari", NOW)
    yield config
    set_language("en")  # the CLI set it for the process


def _fields(plan: RecoveryPlan) -> dict[str, object]:
    return {name: getattr(plan, name) for name in plan.__slots__}  # type: ignore[attr-defined]


def _english_in(text: str) -> list[str]:
    return [w for w in ENGLISH if re.search(rf"(?<![\w]){re.escape(w)}(?![\w])", text)]


def test_the_printed_form_in_indonesian_has_no_english_label(site, tmp_path, capsys):
    out = tmp_path / "form.md"
    argv = ["--config", str(site), "plans", "export", "--format", "md", "--output", str(out)]
    assert cli_main(argv, clock=FrozenClock(NOW)) == 0
    form = out.read_text(encoding="utf-8")
    # typed text (analysis, notes) is Indonesian here, so any English left is a label
    assert _english_in(form) == []
    assert "Tanda tangan TL: ____" in form and "Tanda tangan supervisor: ____" in form
    assert "| Aktual saat diisi | 12.5 % (interval) |" in form
    assert "| 1 | Tarik agen dari AUX | Budi | 2026-11-18 09:00 | Selesai | 3 kembali |" in form
    assert "## Catatan progres" in form and "## Adendum" in form
    assert "| Angka saat diisi | Abandon 10 · Masuk 80 |" in form
    assert "| Hasil | Tercapai |" in form and "| Shift TL | Pagi |" in form


def test_the_xlsx_and_csv_in_indonesian_read_back(site, tmp_path):
    book = tmp_path / "plans.xlsx"
    argv = ["--config", str(site), "plans", "export", "--format", "xlsx", "--output", str(book)]
    assert cli_main(argv, clock=FrozenClock(NOW)) == 0
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == ["Ringkasan", "Plan 1"]
    texts = [
        str(v)
        for ws in wb.worksheets
        for row in ws.iter_rows(values_only=True)
        for v in row
        if v is not None
    ]
    assert _english_in("\n".join(texts)) == []
    assert "Tanda tangan TL:" in texts and "Tanda tangan supervisor:" in texts
    csv_out = tmp_path / "plans.csv"
    argv = ["--config", str(site), "plans", "export", "--format", "csv", "--output", str(csv_out)]
    assert cli_main(argv, clock=FrozenClock(NOW)) == 0
    rows = list(csv.DictReader(io.StringIO(csv_out.read_text(encoding="utf-8"))))
    assert rows[0]["tercapai"] == "ya" and rows[0]["lewat_tenggat"] == "tidak"
    assert (rows[0]["status_tindakan"], rows[0]["hasil_tindakan"]) == ("done", "3 kembali")
