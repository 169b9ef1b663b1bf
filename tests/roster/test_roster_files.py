"""The roster file reader on real CSV and XLSX files made here."""

from __future__ import annotations

import os
from datetime import date, datetime, time
from pathlib import Path

import pytest
from roster_helpers import LONG_HEADER, SHIFTS, TZ, write_csv, write_xlsx

from rtm_tui.domain.types import RosterStatus
from rtm_tui.sources.roster_files import (
    RosterFileError,
    RosterFileWatcher,
    read_roster_file,
)

D = "2026-11-25"


def at(day: str, hhmm: str) -> datetime:
    return datetime.combine(date.fromisoformat(day), time.fromisoformat(hhmm), tzinfo=TZ)


def by_agent(rosters, day: str):
    return {e.agent_id: e for e in rosters[date.fromisoformat(day)].entries}


LONG_ROWS = [
    LONG_HEADER,
    [
        D,
        "A0012",
        "Siti Rahmawati",
        "Inbound 1",
        "P1",
        "07:00",
        "16:00",
        "",
        "ISTIRAHAT 12:00-13:00",
    ],
    [
        D,
        "A0047",
        "Budi Santoso",
        "Inbound 2",
        "M1",
        "22:00",
        "07:00",
        "",
        "ISTIRAHAT 02:00-02:30; TOILET 04:00-04:10",
    ],
    [D, "A0051", "Dewi Lestari", "Inbound 1", "", "", "", "CUTI", ""],
    [D, "A0052", "Eka", "Inbound 1", "s1", "", "", "", ""],
    [D, "A0053", "Fajar", "Inbound 1", "", "", "", "libur", ""],
    [D, "A0054", "Gita", "Inbound 1", "", "", "", "Sakit", ""],
    [D, "A0055", "Hadi", "Inbound 1", "P2", "", "", "pelatihan", ""],
    [D, "A0056", "Indah", "Inbound 1", "", "", "", "izin", ""],
    [D, "A0057", "Joko", "Inbound 1", "", "09:00", "18:00", "", ""],
]


def check_long(rosters) -> None:
    assert list(rosters) == [date(2026, 11, 25)]
    e = by_agent(rosters, D)
    assert e["A0012"].start == at(D, "07:00") and e["A0012"].end == at(D, "16:00")
    assert [(b.code, b.start, b.end) for b in e["A0012"].breaks] == [
        ("ISTIRAHAT", at(D, "12:00"), at(D, "13:00"))
    ]
    # overnight: end and the breaks after midnight are the next day
    m1 = e["A0047"]
    assert (m1.start, m1.end) == (at(D, "22:00"), at("2026-11-26", "07:00"))
    assert [(b.code, b.start, b.end) for b in m1.breaks] == [
        ("ISTIRAHAT", at("2026-11-26", "02:00"), at("2026-11-26", "02:30")),
        ("TOILET", at("2026-11-26", "04:00"), at("2026-11-26", "04:10")),
    ]
    assert m1.works
    # status words, any case
    assert e["A0051"].status is RosterStatus.LEAVE and not e["A0051"].works
    assert e["A0053"].status is RosterStatus.OFF
    assert e["A0054"].status is RosterStatus.SICK
    assert e["A0056"].status is RosterStatus.LEAVE
    # empty start/end: from the shift code (any case), with the code's breaks
    s1 = e["A0052"]
    assert (s1.shift_code, s1.start, s1.end) == ("S1", at(D, "13:00"), at(D, "22:00"))
    assert [(b.start, b.end) for b in s1.breaks] == [(at(D, "17:30"), at(D, "18:30"))]
    training = e["A0055"]
    assert training.status is RosterStatus.TRAINING and training.start == at(D, "08:00")
    # times without a code
    assert (e["A0057"].start, e["A0057"].end, e["A0057"].breaks) == (
        at(D, "09:00"),
        at(D, "18:00"),
        (),
    )
    assert e["A0057"].shift_code is None


def test_long_csv(tmp_path: Path) -> None:
    check_long(read_roster_file(write_csv(tmp_path / "r.csv", LONG_ROWS), SHIFTS, TZ))


def test_long_csv_semicolon_with_bom(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", LONG_ROWS, delimiter=";", bom=True)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    check_long(read_roster_file(path, SHIFTS, TZ))


def test_long_xlsx_with_date_and_time_cells(tmp_path: Path) -> None:
    rows = [LONG_HEADER]
    for r in LONG_ROWS[1:]:
        cells: list[object] = list(r)
        cells[0] = datetime(2026, 11, 25)  # a date cell, as Excel stores it
        for i in (5, 6):
            if cells[i]:
                cells[i] = time.fromisoformat(str(cells[i]))
        rows.append(cells)
    check_long(read_roster_file(write_xlsx(tmp_path / "r.xlsx", rows), SHIFTS, TZ))


MATRIX_ROWS = [
    ["agent_id", "name", "team", "2026-11-24", "2026-11-25", "2026-11-26"],
    ["A0012", "Siti Rahmawati", "Inbound 1", "P1", "P1", "OFF"],
    ["A0047", "Budi Santoso", "Inbound 2", "S1", "M1", "m1"],
    ["A0051", "Dewi Lestari", "Inbound 1", "cuti", "", "SAKIT"],
]


def check_matrix(rosters) -> None:
    assert list(rosters) == [date(2026, 11, 24), date(2026, 11, 25), date(2026, 11, 26)]
    e = by_agent(rosters, D)
    assert set(e) == {"A0012", "A0047"}  # an empty cell: not on the roster that day
    assert (e["A0047"].start, e["A0047"].end) == (at(D, "22:00"), at("2026-11-26", "07:00"))
    assert e["A0047"].breaks[0].start == at("2026-11-26", "02:00")
    assert e["A0012"].breaks[0].start == at(D, "11:30")
    nxt = by_agent(rosters, "2026-11-26")
    assert nxt["A0012"].status is RosterStatus.OFF
    assert nxt["A0051"].status is RosterStatus.SICK
    assert nxt["A0047"].shift_code == "M1"
    assert by_agent(rosters, "2026-11-24")["A0051"].status is RosterStatus.LEAVE


def test_matrix_csv(tmp_path: Path) -> None:
    check_matrix(read_roster_file(write_csv(tmp_path / "m.csv", MATRIX_ROWS), SHIFTS, TZ))


def test_matrix_csv_semicolon(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "m.csv", MATRIX_ROWS, delimiter=";", bom=True)
    check_matrix(read_roster_file(path, SHIFTS, TZ))


def test_matrix_xlsx_named_sheet_with_date_headers(tmp_path: Path) -> None:
    rows = [list(r) for r in MATRIX_ROWS]
    rows[0] = rows[0][:3] + [datetime.fromisoformat(d) for d in rows[0][3:]]
    path = write_xlsx(tmp_path / "m.xlsx", rows, sheet="Desember", extra_first=True)
    check_matrix(read_roster_file(path, SHIFTS, TZ, sheet="Desember"))
    with pytest.raises(RosterFileError) as err:  # the first sheet is the cover
        read_roster_file(path, SHIFTS, TZ)
    assert 'sheet "Cover"' in str(err.value)
    with pytest.raises(RosterFileError) as err:
        read_roster_file(path, SHIFTS, TZ, sheet="Januari")
    assert "'Januari' is not a sheet in this workbook" in str(err.value)


def test_every_problem_is_reported_with_its_place(tmp_path: Path) -> None:
    rows = [
        LONG_HEADER,
        [D, "A1", "Ann", "T", "P1", "25:00", "", "", ""],  # row 2: bad time
        [D, "A2", "Bob", "T", "X9", "", "", "", ""],  # row 3: unknown code
        [D, "A1", "Ann again", "T", "P2", "", "", "", ""],  # row 4: duplicate agent
        ["25/13/2026", "A3", "Cy", "T", "P1", "", "", "", ""],  # row 5: bad date
        [D, "A4", "Di", "T", "P1", "", "", "holiday", "LUNCH"],  # row 6: status, break
    ]
    path = write_csv(tmp_path / "roster.csv", rows)
    with pytest.raises(RosterFileError) as err:
        read_roster_file(path, SHIFTS, TZ)
    found = {(p.row, p.column, p.value) for p in err.value.problems}
    assert found == {
        (2, "start", "25:00"),
        (3, "shift_code", "X9"),
        (4, "agent_id", "A1"),
        (5, "date", "25/13/2026"),
        (6, "status", "holiday"),
        (6, "breaks", "LUNCH"),
    }
    assert all(p.file == "roster.csv" and p.sheet is None for p in err.value.problems)
    assert """roster.csv row 2, column "start": '25:00' is not a time (HH:MM)""" in str(err.value)
    assert "first in row 2" in str(err.value)


def test_problems_in_xlsx_name_the_sheet(tmp_path: Path) -> None:
    rows = [LONG_HEADER, [datetime(2026, 11, 25), "A1", "Ann", "T", "P1", "7 pagi", "", "", ""]]
    with pytest.raises(RosterFileError) as err:
        read_roster_file(write_xlsx(tmp_path / "r.xlsx", rows, sheet="Nov"), SHIFTS, TZ)
    (p,) = err.value.problems
    assert (p.file, p.sheet, p.row, p.column, p.value) == ("r.xlsx", "Nov", 2, "start", "7 pagi")


def test_matrix_bad_date_column_unknown_code_and_duplicate(tmp_path: Path) -> None:
    rows = [
        ["agent_id", "name", "team", "2026-11-25", "Catatan"],
        ["A1", "Ann", "T", "P1", ""],
    ]
    with pytest.raises(RosterFileError) as err:
        read_roster_file(write_csv(tmp_path / "m.csv", rows), SHIFTS, TZ)
    (p,) = err.value.problems
    assert (p.row, p.column, p.value) == (1, "Catatan", "Catatan")
    assert "is not a date" in p.message

    rows = [
        ["agent_id", "name", "team", "2026-11-25", "2026-11-26"],
        ["A1", "Ann", "T", "P1", "Z7"],
        ["A2", "Bob", "T", "25:00-26:00", "OFF"],
        ["A1", "Ann", "T", "P2", "P2"],
    ]
    with pytest.raises(RosterFileError) as err:
        read_roster_file(write_csv(tmp_path / "m.csv", rows), SHIFTS, TZ)
    found = {(p.row, p.column, p.value) for p in err.value.problems}
    assert found == {
        (2, "2026-11-26", "Z7"),
        (3, "2026-11-25", "25:00-26:00"),
        (4, "agent_id", "A1"),
    }


def test_missing_required_columns(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", [["date", "name", "status"], [D, "Ann", ""]])
    with pytest.raises(RosterFileError) as err:
        read_roster_file(path, SHIFTS, TZ)
    text = str(err.value)
    assert 'has no "agent_id" column' in text and '"shift_code" column' in text
    path = write_csv(tmp_path / "r.csv", [["name", "team"], ["Ann", "T"]])
    with pytest.raises(RosterFileError, match='has no "agent_id" column'):
        read_roster_file(path, SHIFTS, TZ)


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(RosterFileError, match="missing.csv: cannot be read"):
        read_roster_file(tmp_path / "missing.csv", SHIFTS, TZ)
    bad = tmp_path / "broken.xlsx"
    bad.write_bytes(b"PK\x03\x04 this is not a workbook")
    with pytest.raises(RosterFileError, match="broken.xlsx: cannot be read as an XLSX workbook"):
        read_roster_file(bad, SHIFTS, TZ)
    latin = tmp_path / "latin.csv"
    latin.write_bytes(
        "date,agent_id,shift_code\n2026-11-25,A1,P1\n2026-11-25,Jos\xe9,P1\n".encode("latin-1")
    )
    with pytest.raises(RosterFileError, match="latin.csv row 3: is not UTF-8"):
        read_roster_file(latin, SHIFTS, TZ)
    empty = write_csv(tmp_path / "empty.csv", [])
    with pytest.raises(RosterFileError, match="empty.csv: is empty"):
        read_roster_file(empty, SHIFTS, TZ)


def test_unquoted_separator_in_breaks_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(
        "date;agent_id;shift_code;breaks\n2026-11-25;A1;P1;ISTIRAHAT 12:00-13:00; TOILET 15:00-15:10\n"
    )
    with pytest.raises(RosterFileError, match="row 2: has 5 cells but the header has 4 columns"):
        read_roster_file(path, SHIFTS, TZ)


def test_text_cells_are_cleaned(tmp_path: Path) -> None:
    rows = [LONG_HEADER, [D, "A1\x07", "Ann \x1b[31m[/]\u202e", "T\x00eam", "P1", "", "", "", ""]]
    e = by_agent(read_roster_file(write_csv(tmp_path / "r.csv", rows), SHIFTS, TZ), D)
    assert set(e) == {"A1"}
    assert (e["A1"].name, e["A1"].team) == ("Ann [/]", "Team")


def test_nothing_is_read_partially(tmp_path: Path) -> None:
    rows = [*LONG_ROWS, [D, "A9", "Zed", "T", "NOPE", "", "", "", ""]]
    with pytest.raises(RosterFileError) as err:
        read_roster_file(write_csv(tmp_path / "r.csv", rows), SHIFTS, TZ)
    assert len(err.value.problems) == 1


def test_watcher_sees_changes_once(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", LONG_ROWS)
    watcher = RosterFileWatcher(path)
    assert not watcher.changed()
    write_csv(path, [*LONG_ROWS, [D, "A9", "Zed", "T", "P1", "", "", "", ""]])
    assert watcher.changed()
    assert not watcher.changed()
    st = path.stat()  # same size, new mtime
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    assert watcher.changed()
    path.unlink()
    assert watcher.changed()
    assert not watcher.changed()
