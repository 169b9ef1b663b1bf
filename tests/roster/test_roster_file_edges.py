"""Roster files at their edges: what is not a file, too big or too long is refused with
its name (never read whole), the app does not re-read an unchanged broken file, and an
unknown shift code is only a problem where the times must come from it."""

from __future__ import annotations

import json
import os
import re
import zipfile
from datetime import date, datetime, time
from pathlib import Path

import pytest
from roster_helpers import LONG_HEADER, SHIFTS, TZ, write_csv, write_xlsx

from rtm_tui.cli import main as cli_main
from rtm_tui.clock import FrozenClock
from rtm_tui.config import Settings
from rtm_tui.sources.client import OmnichannelClient
from rtm_tui.sources.roster_files import (
    MAX_FILE_BYTES,
    MAX_ROWS,
    RosterFileError,
    read_roster,
    read_roster_file,
    read_table,
)
from rtm_tui.ui.feed import Feed
from rtm_tui.ui.launch import make_monitor

D = "2026-11-25"
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=TZ)


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        '[site]\ntimezone = "Asia/Jakarta"\n\n'
        '[shifts.P1]\nstart = "07:00"\nend = "16:00"\n'
        'breaks = [{ code = "ISTIRAHAT", start = "11:30", end = "12:30" }]\n',
        encoding="utf-8",
    )
    return path


def rtm(argv: list[str]) -> int:
    return cli_main(argv, clock=FrozenClock(NOW))


def problems(exc: pytest.ExceptionInfo[RosterFileError]) -> list[str]:
    return [str(p) for p in exc.value.problems]


# ------------------------------------------------------------------ not a file, too big


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_roster_check_on_dev_zero_is_refused_not_read(config, capsys):
    assert rtm(["roster", "check", "/dev/zero", "--date", D, "--config", str(config)]) == 2
    _, err = capsys.readouterr()
    assert "Traceback" not in err and "MemoryError" not in err
    assert "/dev/zero" in err and "device, pipe or socket" in err


def test_a_file_over_the_size_cap_is_refused_with_its_name(tmp_path):
    path = tmp_path / "roster.csv"
    with path.open("wb") as fh:  # sparse: 50 MiB + 1 byte that take no disk
        fh.truncate(MAX_FILE_BYTES + 1)
    with pytest.raises(RosterFileError) as exc:
        read_roster_file(path, SHIFTS, TZ)
    (message,) = problems(exc)
    assert message.startswith("roster.csv: ") and "50 MiB" in message


def test_a_csv_over_the_row_cap_is_refused_with_its_name(tmp_path):
    rows = [LONG_HEADER] + [[D, f"A{i}", "", "", "P1", "", "", "", ""] for i in range(MAX_ROWS)]
    path = write_csv(tmp_path / "export.csv", rows)  # header + 200,000 rows: one too many
    with pytest.raises(RosterFileError) as exc:
        read_roster_file(path, SHIFTS, TZ)
    (message,) = problems(exc)
    assert message.startswith("export.csv: ") and "more than 200,000 rows" in message


def test_the_row_cap_counts_filled_rows_only(tmp_path):
    rows = [LONG_HEADER, *([D, f"A{i}", "", "", "P1", "", "", "", ""] for i in range(9))]
    path = write_csv(tmp_path / "r.csv", [rows[0], [], *rows[1:], [], [""] * 9])
    assert len(read_table(path, max_rows=10).rows) == 9  # 10 filled rows: at the cap
    write_csv(path, [*rows, [D, "A99", "", "", "P1", "", "", "", ""]])
    with pytest.raises(RosterFileError, match="more than 10 rows"):
        read_table(path, max_rows=10)


def _damage_after_row(path: Path, row: int) -> None:
    """Cut the first sheet's XML in the middle of the row after `row`: a reader that gets
    that far fails to parse the sheet."""
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    xml = parts[sheet].decode()
    cut = re.search(rf'<row r="{row + 1}"', xml)
    assert cut is not None
    parts[sheet] = (xml[: cut.start()] + f'<row r="{row + 1}"><c r="A{row + 1}" t="inl').encode()
    with zipfile.ZipFile(path, "w") as zf:
        for n, data in parts.items():
            zf.writestr(n, data)


def test_an_xlsx_is_read_no_further_than_the_row_cap(tmp_path):
    rows = [LONG_HEADER] + [[D, f"A{i}", "", "", "P1", "", "", "", ""] for i in range(300)]
    path = write_xlsx(tmp_path / "big.xlsx", rows)
    _damage_after_row(path, 150)
    with pytest.raises(RosterFileError) as exc:  # the damage is past the cap: never reached
        read_table(path, max_rows=100)
    (message,) = problems(exc)
    assert message == (
        'big.xlsx sheet "Roster": has more than 100 rows, the most a roster or forecast '
        "file may have (is this the right file or sheet?)"
    )
    with pytest.raises(RosterFileError, match="cannot be read as an XLSX workbook"):
        read_table(path, max_rows=1000)  # read to the end, it is the damage that is found


@pytest.mark.parametrize(
    ("part", "mib"),
    [
        ("xl/sharedStrings.xml", 100),  # loaded whole by openpyxl
        ("xl/worksheets/sheet1.xml", 300),  # scanned whole on opening: it has no <dimension>
    ],
)
def test_an_xlsx_part_that_unpacks_huge_is_refused_before_unpacking(tmp_path, part, mib):
    path = tmp_path / "bomb.xlsx"
    write_xlsx(path, [LONG_HEADER, [D, "A1", "", "", "P1", "", "", "", ""]])
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    # hundreds of MiB of one character compress to well under 1 MiB
    parts[part] = b" " * (mib * 2**20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, data in parts.items():
            zf.writestr(n, data)
    assert path.stat().st_size < 2**20
    with pytest.raises(RosterFileError) as exc:
        read_table(path)
    (message,) = problems(exc)
    assert message.startswith(f"bomb.xlsx: holds {part} of {mib} MiB unpacked")


# ------------------------------------------------------------------ the app's reload


def _set_mtime_ns(path: Path, mtime_ns: int) -> None:
    os.utime(path, ns=(path.stat().st_atime_ns, mtime_ns))


async def test_the_app_does_not_reread_an_unchanged_broken_roster_file(tmp_path):
    path = tmp_path / "roster.csv"
    header = ",".join(LONG_HEADER) + "\n"
    path.write_text(header + f"{D},A0001,Siti,Inbound 1,,xx:yy,16:00,,\n", encoding="utf-8")
    stamp = path.stat().st_mtime_ns
    settings = Settings.model_validate({"roster": {"source": str(path)}})
    feed = Feed(
        settings=settings,
        clock=FrozenClock(NOW),
        client=OmnichannelClient(base_url="http://127.0.0.1:9"),  # never asked: a file roster
        monitor=make_monitor(settings),
        restore_state=False,
    )
    roster = feed.pollers["roster"]
    await roster.poll_once()
    assert roster.last_error is not None and "xx:yy" in roster.last_error.message

    # fixed in place, same size and same mtime: (mtime, size) unchanged -> not read again
    path.write_text(header + f"{D},A0001,Siti,Inbound 1,,07:00,16:00,,\n", encoding="utf-8")
    _set_mtime_ns(path, stamp)
    await roster.poll_once()
    assert roster.last_error is not None and "xx:yy" in roster.last_error.message
    assert feed.roster is None

    _set_mtime_ns(path, stamp + 2_000_000_000)  # now it changed: read, and good
    await roster.poll_once()
    assert roster.last_error is None
    assert feed.roster is not None and [e.agent_id for e in feed.roster.entries] == ["A0001"]
    assert feed.roster.date == date.fromisoformat(D)


# ------------------------------------------------------------------ unknown shift codes


def _row(agent: str, code: str, start: str = "", end: str = "", status: str = "", br: str = ""):
    return [D, agent, agent, "Inbound 1", code, start, end, status, br]


def test_an_unknown_code_with_both_times_is_a_label_with_a_note(tmp_path):
    path = write_csv(
        tmp_path / "roster.csv",
        [
            LONG_HEADER,
            _row("A1", "P1"),
            _row("A2", "x9", "08:00", "17:00", br="ISTIRAHAT 12:00-13:00"),
            _row("A3", "LBR", status="CUTI"),  # no work, no times needed: a label too
        ],
    )
    read = read_roster(path, SHIFTS, TZ)
    entries = {e.agent_id: e for e in read.rosters[date.fromisoformat(D)].entries}
    a2 = entries["A2"]
    assert a2.shift_code == "X9"
    assert (a2.start.time(), a2.end.time()) == (time(8), time(17))
    assert [(b.code, b.start.time()) for b in a2.breaks] == [("ISTIRAHAT", time(12))]
    assert entries["A3"].shift_code == "LBR" and entries["A1"].shift_code == "P1"
    assert [str(n) for n in read.notes] == [
        "roster.csv row 3, column \"shift_code\": 'X9' is not a shift code in the config: "
        "kept as a label; the times are the row's start and end",
        "roster.csv row 4, column \"shift_code\": 'LBR' is not a shift code in the config: "
        "kept as a label",
    ]
    assert read_roster_file(path, SHIFTS, TZ) == read.rosters


def test_an_unknown_code_that_must_give_a_time_is_refused_with_row_and_field(tmp_path):
    path = write_csv(
        tmp_path / "roster.csv",
        [
            LONG_HEADER,
            _row("A1", "X9"),  # no times: both would come from the code
            _row("A2", "X9", "08:00"),  # the end would come from the code
            _row("A3", "X9", status="TRAINING"),  # a training day's times too
            _row("A4", "X9", "08:00", "17:00"),  # fine: a label
        ],
    )
    with pytest.raises(RosterFileError) as exc:
        read_roster(path, SHIFTS, TZ)
    found = [(p.file, p.row, p.column, p.value) for p in exc.value.problems]
    assert found == [("roster.csv", r, "shift_code", "X9") for r in (2, 3, 4)]
    messages = [p.message for p in exc.value.problems]
    assert "the start time must come from it" in messages[0]
    assert "the end time must come from it" in messages[1]
    assert all("known: M1, P1, P2, S1, S2" in m for m in messages)


def test_roster_check_judges_a_file_with_a_label_code_and_shows_the_note(
    tmp_path, config, capsys
):
    path = write_csv(
        tmp_path / "roster.csv",
        [LONG_HEADER, _row("A1", "P1"), _row("A2", "TL-OJT", "08:00", "17:00")],
    )
    argv = ["roster", "check", str(path), "--date", D, "--config", str(config)]
    assert rtm(argv) in (0, 1)  # judged (0 ok, 1 findings), not refused (2)
    out = capsys.readouterr().out
    assert "Roster check 2026-11-25 — roster.csv: 2 agents, 2 with a shift" in out
    assert "'TL-OJT' is not a shift code in the config" in " ".join(out.split())
    assert rtm([*argv, "--json"]) in (0, 1)
    doc = json.loads(capsys.readouterr().out)
    assert doc["with_shift"] == 2
    assert doc["notes"][0].startswith('roster.csv row 3, column "shift_code": \'TL-OJT\'')
