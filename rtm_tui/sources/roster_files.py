"""Roster files (CSV or XLSX, long or matrix layout) -> `Roster` per date.

The reader is all-or-nothing: it collects every problem in the file (with file, sheet,
row, column and value, as the user sees them in a spreadsheet: header = row 1) and raises
`RosterFileError` listing them all, so a TL can fix the whole file in one go and the app
never runs on half a roster. See `shared/contract/roster-files.md`.
"""

from __future__ import annotations

import csv
import io
import os
import re
import stat
import unicodedata
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from pathlib import Path

from rtm_tui import i18n
from rtm_tui.domain.timefmt import parse_hhmm
from rtm_tui.domain.types import (
    Break,
    BreakDefinition,
    Roster,
    RosterEntry,
    RosterStatus,
    ShiftDefinition,
)

__all__ = [
    "FileProblem",
    "RosterFileError",
    "RosterFileWatcher",
    "RosterProblem",
    "RosterRead",
    "Table",
    "parse_date",
    "parse_time",
    "read_roster",
    "read_roster_file",
    "read_table",
]

MAX_TEXT = 200  # longest name/team/code kept; spreadsheets sometimes hold pasted essays
# A roster or forecast file is read only this far: a wrong file (a device, a huge export)
# is refused with its name instead of eating the memory and CPU of the app.
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_ROWS = 200_000  # non-blank rows, the header included; a site's month is ~30,000
# XLSX parts, unpacked, as the archive declares them: what openpyxl loads whole (shared
# strings, styles), and a sheet (streamed, but scanned whole on opening when it has no
# <dimension>; 200,000 rows of a roster are well under 100 MiB)
MAX_XLSX_PART_BYTES = 64 * 1024 * 1024
MAX_XLSX_SHEET_BYTES = 256 * 1024 * 1024

STATUS_WORDS: dict[str, RosterStatus] = {
    "OFF": RosterStatus.OFF,
    "LIBUR": RosterStatus.OFF,
    "CUTI": RosterStatus.LEAVE,
    "LEAVE": RosterStatus.LEAVE,
    "IZIN": RosterStatus.LEAVE,
    "SAKIT": RosterStatus.SICK,
    "SICK": RosterStatus.SICK,
    "TRAINING": RosterStatus.TRAINING,
    "PELATIHAN": RosterStatus.TRAINING,
}
_NO_BREAKS = {"-", "NONE", "TIDAK ADA"}
_NOT_WORKING = {RosterStatus.OFF, RosterStatus.LEAVE, RosterStatus.SICK}

# header spellings people use -> our column name (after lower-casing, spaces -> "_")
_ALIASES = {
    "agent": "agent_id",
    "agentid": "agent_id",
    "id_agent": "agent_id",
    "nama": "name",
    "tim": "team",
    "tanggal": "date",
    "shift": "shift_code",
    "kode_shift": "shift_code",
    "code": "shift_code",
    "mulai": "start",
    "selesai": "end",
    "istirahat": "breaks",
    "break": "breaks",
}
_IDENTITY_COLUMNS = ("agent_id", "name", "team")
_LONG_COLUMNS = {*_IDENTITY_COLUMNS, "date", "shift_code", "start", "end", "status", "breaks"}


# --------------------------------------------------------------------------- problems


@dataclass(frozen=True, slots=True)
class RosterProblem:
    """One thing wrong in an input file, located as the user sees it in a spreadsheet.

    A code with parameters (`code`, `params`); `message` is its text in the current
    language (catalog `file.<code>`), so the same problem reads in the site's language
    in `rtm roster check` and on the dashboard."""

    file: str
    sheet: str | None
    row: int | None
    column: str | None
    value: str | None
    code: str
    params: Mapping[str, object] = field(default_factory=dict)

    @property
    def message(self) -> str:
        return i18n.t(f"file.{self.code}", **self.params)

    def __str__(self) -> str:
        where = self.file
        if self.sheet:
            where += i18n.t("file.where.sheet", sheet=self.sheet)
        parts = []
        if self.row is not None:
            parts.append(i18n.t("file.where.row", row=self.row))
        if self.column is not None:
            parts.append(i18n.t("file.where.column", column=self.column))
        if parts:
            where += " " + ", ".join(parts)
        what = f"{self.value!r} {self.message}" if self.value is not None else self.message
        return f"{where}: {what}"


FileProblem = RosterProblem  # the forecast reader reports the same way


class RosterFileError(Exception):
    """The file cannot be used; `.problems` lists every problem found."""

    def __init__(self, problems: Sequence[RosterProblem]) -> None:
        self.problems: tuple[RosterProblem, ...] = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


# --------------------------------------------------------------------------- text cells

_BIDI_CONTROLS = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b.")


def clean_text(value: object, limit: int = MAX_TEXT) -> str:
    """Untrusted cell text -> one plain line: no escapes, control or bidi characters."""
    text = _ANSI.sub("", str(value))
    text = "".join(
        " " if ch in "\t\r\n" else ch
        for ch in text
        if ch in "\t\r\n" or (unicodedata.category(ch) != "Cc" and ch not in _BIDI_CONTROLS)
    )
    return " ".join(text.split())[:limit]


def _cell_text(value: object) -> str:
    """A cell as the user would read it (for messages and for parsing strings)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M") if value.time() != time() else f"{value:%Y-%m-%d}"
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean_text(value)


# --------------------------------------------------------------------------- dates, times

_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%Y/%m/%d", "%d.%m.%Y")


def parse_time(value: object, *, allow_24: bool = False) -> time | None:
    """A cell as a time of day, or None. Accepts time/datetime cells, "7:00", "07.00",
    "07:00:00"; "24:00" only where `allow_24` (an end time: midnight)."""
    if isinstance(value, datetime):
        return value.time().replace(microsecond=0)
    if isinstance(value, time):
        return value.replace(microsecond=0)
    if not isinstance(value, str):
        return None
    return parse_hhmm(value, allow_seconds=True, allow_24=allow_24)


def parse_date(value: object) -> date | None:
    """A cell as a date, or None. ISO `2026-11-25` (or a date cell) first; day-first
    `25/11/2026` as used in Indonesia; a datetime at midnight counts as its date."""
    if isinstance(value, datetime):
        return value.date() if value.time() == time() else None
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text.endswith(" 00:00:00"):
        text = text[: -len(" 00:00:00")]
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


# --------------------------------------------------------------------------- tables


@dataclass(frozen=True, slots=True)
class Table:
    """A sheet's non-empty rows as (row number, cells); the header is the first one."""

    file: str
    sheet: str | None
    header: tuple[str, ...]  # as written (cleaned), for messages
    header_row: int
    rows: tuple[tuple[int, tuple[object, ...]], ...]

    def problem(
        self, row: int | None, column: str | None, value: object, code: str, **params: object
    ) -> RosterProblem:
        """A problem in a cell: `code` is its catalog key `file.<code>`, `params` its fields."""
        shown = None if value is None else _cell_text(value)
        return RosterProblem(self.file, self.sheet, row, column, shown, code, params)


def _norm_header(text: str) -> str:
    key = re.sub(r"[\s\-]+", "_", text.strip().lower())
    return _ALIASES.get(key, key)


def _is_blank(cells: Iterable[object]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _too_many_rows(name: str, sheet: str | None, max_rows: int) -> RosterProblem:
    return RosterProblem(
        name,
        sheet,
        None,
        None,
        None,
        "too_many_rows",
        {"max_rows": f"{max_rows:,}"},
    )


def _unreadable(name: str, sheet: str | None, error: object) -> RosterProblem:
    return RosterProblem(name, sheet, None, None, None, "unreadable", {"error": str(error)})


def _bad_xlsx(name: str, sheet: str | None, exc: Exception) -> RosterProblem:
    return RosterProblem(name, sheet, None, None, None, "bad_xlsx", {"error": type(exc).__name__})


def _too_large(name: str, size: int, max_bytes: int) -> RosterProblem:
    return RosterProblem(
        name,
        None,
        None,
        None,
        None,
        "too_large",
        {"size": f"{size / 2**20:.1f}", "limit": f"{max_bytes / 2**20:g}"},
    )


def _csv_rows(
    path: Path, name: str, max_bytes: int, max_rows: int
) -> tuple[list[tuple[object, ...]], list[RosterProblem]]:
    try:
        with path.open("rb") as fh:
            raw = fh.read(max_bytes + 1)  # the file may have grown since it was checked
    except OSError as exc:
        return [], [_unreadable(name, None, exc.strerror)]
    if len(raw) > max_bytes:
        return [], [_too_large(name, len(raw), max_bytes)]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return [], [RosterProblem(name, None, line, None, None, "not_utf8")]
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    delimiter = ";" if first.count(";") > first.count(",") else ","
    rows: list[tuple[object, ...]] = []
    filled = 0
    try:
        for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            rows.append(tuple(r))
            filled += not _is_blank(r)
            if filled > max_rows:
                return [], [_too_many_rows(name, None, max_rows)]
    except csv.Error as exc:
        return [], [RosterProblem(name, None, None, None, None, "bad_csv", {"error": str(exc)})]
    return rows, []


def _xlsx_parts_too_large(path: Path, name: str) -> RosterProblem | None:
    """A part declared larger unpacked than its cap: refused before it is unpacked."""
    try:
        with zipfile.ZipFile(path) as zf:
            for info in zf.infolist():
                is_sheet = info.filename.startswith("xl/worksheets/")
                cap = MAX_XLSX_SHEET_BYTES if is_sheet else MAX_XLSX_PART_BYTES
                if info.file_size > cap:
                    return RosterProblem(
                        name,
                        None,
                        None,
                        None,
                        None,
                        "xlsx_part_too_large",
                        {
                            "part": info.filename,
                            "size": f"{info.file_size / 2**20:.0f}",
                            "limit": f"{cap / 2**20:g}",
                        },
                    )
    except (OSError, zipfile.BadZipFile):
        return None  # openpyxl reports it below, in its words
    return None


def _xlsx_rows(
    path: Path, name: str, sheet: str | None, max_rows: int
) -> tuple[str | None, list[tuple[object, ...]], list[RosterProblem]]:
    import openpyxl  # only XLSX needs it; keep CSV reading light

    too_large = _xlsx_parts_too_large(path, name)
    if too_large is not None:
        return sheet, [], [too_large]
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except OSError as exc:
        return sheet, [], [_unreadable(name, sheet, exc)]
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        return sheet, [], [_bad_xlsx(name, sheet, exc)]
    try:
        if sheet is None:
            ws = wb.worksheets[0]
        elif sheet in wb.sheetnames:
            ws = wb[sheet]
        else:
            names = ", ".join(repr(n) for n in wb.sheetnames)
            problem = RosterProblem(name, None, None, None, sheet, "no_sheet", {"sheets": names})
            return sheet, [], [problem]
        rows: list[tuple[object, ...]] = []
        filled = 0
        # read-only sheets are streamed: stop at the cap instead of reading a million rows
        for r in ws.iter_rows(values_only=True):
            rows.append(tuple(r))
            filled += not _is_blank(r)
            if filled > max_rows:
                return ws.title, [], [_too_many_rows(name, ws.title, max_rows)]
        return ws.title, rows, []
    except Exception as exc:
        return sheet, [], [_bad_xlsx(name, sheet, exc)]
    finally:
        wb.close()


def read_table(
    path: Path | str,
    sheet: str | None = None,
    *,
    max_bytes: int = MAX_FILE_BYTES,
    max_rows: int = MAX_ROWS,
) -> Table:
    """Read the raw cells of a CSV or XLSX file. Raises RosterFileError if unreadable,
    not a regular file, larger than `max_bytes` or longer than `max_rows` non-blank rows
    (an XLSX sheet is read no further than that)."""
    path = Path(path)
    name = path.name
    try:
        st = path.stat()  # before opening: opening a FIFO would wait for a writer
    except OSError as exc:
        raise RosterFileError([_unreadable(name, None, exc.strerror)]) from None
    if not stat.S_ISREG(st.st_mode):
        what = "is_directory" if stat.S_ISDIR(st.st_mode) else "is_device"
        raise RosterFileError([RosterProblem(str(path), None, None, None, None, what)])
    if st.st_size > max_bytes:
        raise RosterFileError([_too_large(name, st.st_size, max_bytes)])
    try:
        with path.open("rb") as fh:
            magic = fh.read(4)
    except OSError as exc:
        raise RosterFileError([_unreadable(name, None, exc.strerror)]) from None
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm") or (suffix != ".csv" and magic.startswith(b"PK")):
        sheet_name, rows, problems = _xlsx_rows(path, name, sheet, max_rows)
    elif suffix in (".csv", ".txt") or not suffix:
        sheet_name, (rows, problems) = None, _csv_rows(path, name, max_bytes, max_rows)
    else:
        problems = [RosterProblem(name, None, None, None, None, "wrong_type")]
        sheet_name, rows = None, []
    if problems:
        raise RosterFileError(problems)
    numbered = [(i, r) for i, r in enumerate(rows, start=1) if not _is_blank(r)]
    if not numbered:
        raise RosterFileError([RosterProblem(name, sheet_name, None, None, None, "empty")])
    header_row, header_cells = numbered[0]
    header = tuple(_cell_text(c) for c in header_cells)
    # trailing columns without a header and without data are spreadsheet noise
    width = len(header)
    while width and not header[width - 1]:
        if any(len(r) >= width and not _is_blank([r[width - 1]]) for _, r in numbered[1:]):
            break
        width -= 1
    problems = [
        RosterProblem(
            name,
            sheet_name,
            i,
            None,
            None,
            "too_many_cells",
            {"cells": len(r), "columns": width},
        )
        for i, r in numbered[1:]
        if len(r) > width and not _is_blank(r[width:])
    ]
    if problems:
        raise RosterFileError(problems)
    body = tuple((i, tuple(r[:width]) + (None,) * (width - len(r))) for i, r in numbered[1:])
    return Table(name, sheet_name, header[:width], header_row, body)


# --------------------------------------------------------------------------- roster parsing


@dataclass(slots=True)
class _Builder:
    """Collects entries and problems; decides nothing about layouts."""

    table: Table
    shifts: Mapping[str, ShiftDefinition]
    tz: tzinfo
    problems: list[RosterProblem]
    entries: dict[date, list[RosterEntry]]
    seen: dict[tuple[date, str], int]  # (date, agent) -> row first seen
    notes: list[RosterProblem]  # read, but worth a look (not problems)

    def add_problem(
        self, row: int | None, column: str | None, value: object, code: str, **params: object
    ) -> None:
        self.problems.append(self.table.problem(row, column, value, code, **params))

    def add_note(
        self, row: int | None, column: str | None, value: object, code: str, **params: object
    ) -> None:
        self.notes.append(self.table.problem(row, column, value, code, **params))

    def shift(self, code: str) -> ShiftDefinition | None:
        # codes are matched case-insensitively: "p1" in a file is the config's "P1"
        return self.shifts.get(code.upper())

    def unknown_shift(self, row: int, column: str, code: str, missing: str = "") -> None:
        """`missing`: the time ("start"/"end") the code was to give, if any."""
        known = ", ".join(sorted(self.shifts)) or i18n.t("file.none_defined")
        if missing:
            self.add_problem(row, column, code, "unknown_code_times", known=known, missing=missing)
        else:
            self.add_problem(row, column, code, "unknown_code", known=known)

    def at(self, day: date, t: time) -> datetime:
        return datetime.combine(day, t, tzinfo=self.tz)

    def span(self, day: date, start: time, end: time) -> tuple[datetime, datetime]:
        s, e = self.at(day, start), self.at(day, end)
        if e <= s:  # end <= start: the shift ends the next day
            e = self.at(day + timedelta(days=1), end)
        return s, e

    def breaks_from_definition(
        self, day: date, start: datetime, end: datetime, definition: ShiftDefinition
    ) -> tuple[Break, ...]:
        return tuple(
            self.break_at(day, start, end, b.code, b.start, b.end) for b in definition.breaks
        )

    def break_at(
        self, day: date, start: datetime, end: datetime, code: str, b_start: time, b_end: time
    ) -> Break:
        # a break earlier than the start of an overnight shift belongs to the next day
        b_day = day
        if end.date() > start.date() and b_start < start.time():
            b_day = day + timedelta(days=1)
        bs, be = self.span(b_day, b_start, b_end)
        return Break(code=code, start=bs, end=be)

    def check_duplicate(self, day: date, agent: str, row: int, column: str) -> bool:
        first = self.seen.get((day, agent))
        if first is not None:
            self.add_problem(
                row,
                column,
                agent,
                "duplicate_agent_day",
                day=day.isoformat(),
                first=first,
            )
            return False
        self.seen[(day, agent)] = row
        return True

    def add(self, entry: RosterEntry) -> None:
        self.entries.setdefault(entry.date, []).append(entry)


_BREAK_ITEM = re.compile(
    r"^(?P<code>[^\d\s][^\d]*?)\s+(?P<start>\d{1,2}[:.]\d{2})\s*[-–—]\s*(?P<end>\d{1,2}[:.]\d{2})$"
)


def _parse_breaks(b: _Builder, row: int, column: str, text: str) -> list[BreakDefinition] | None:
    """`ISTIRAHAT 12:00-13:00; TOILET 04:00-04:10` -> (code, start, end) items, or None
    after reporting every item that is not a break."""
    out: list[BreakDefinition] = []
    ok = True
    for item in (part.strip() for part in re.split(r"[;\n]", text)):
        if not item:
            continue
        m = _BREAK_ITEM.match(item)
        bs = parse_time(m["start"]) if m else None
        be = parse_time(m["end"], allow_24=True) if m else None
        if not m or bs is None or be is None:
            b.add_problem(row, column, item, "bad_break")
            ok = False
            continue
        out.append(BreakDefinition(clean_text(m["code"]).upper(), bs, be))
    return out if ok else None


def _status_of(text: str) -> RosterStatus | None:
    return STATUS_WORDS.get(text.strip().upper())


def _text(cells: tuple[object, ...], index: int | None) -> str:
    if index is None:
        return ""
    value = cells[index]
    return "" if value is None else _cell_text(value)


def _read_long(b: _Builder, columns: dict[str, int]) -> None:
    t = b.table
    header = {key: t.header[i] for key, i in columns.items()}
    for required in ("agent_id",):
        if required not in columns:
            b.add_problem(t.header_row, None, None, "no_column", name=required)
    if "shift_code" not in columns and not {"start", "end"} <= columns.keys():
        b.add_problem(t.header_row, None, None, "no_shift_columns")
    if b.problems:
        return
    for row, cells in t.rows:
        raw_date = cells[columns["date"]]
        day = parse_date(raw_date)
        if day is None:
            b.add_problem(row, header["date"], raw_date, "bad_date")
        agent = _text(cells, columns["agent_id"])
        if not agent:
            b.add_problem(row, header["agent_id"], None, "empty_agent")
        if day is not None and agent and not b.check_duplicate(day, agent, row, header["agent_id"]):
            continue
        name = _text(cells, columns.get("name")) or agent
        team = _text(cells, columns.get("team"))
        code = _text(cells, columns.get("shift_code")).upper()
        status_text = _text(cells, columns.get("status"))
        status = _status_of(status_text) if status_text else RosterStatus.SCHEDULED
        if status is None:
            words = ", ".join(STATUS_WORDS)
            b.add_problem(row, header["status"], status_text, "bad_status", words=words)
        definition = b.shift(code) if code else None
        start_t = end_t = None
        bad_time = False
        given: list[str] = []
        for key in ("start", "end"):
            raw = cells[columns[key]] if key in columns else None
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                continue
            given.append(key)
            parsed = parse_time(raw, allow_24=key == "end")
            if parsed is None:
                b.add_problem(row, header[key], raw, "bad_time")
                bad_time = True
            elif key == "start":
                start_t = parsed
            else:
                end_t = parsed
        # A code the config does not know is only a label where the row gives both times;
        # it is a problem where a time must come from it (a working row without one).
        label_only = bool(code) and definition is None
        if label_only and status not in _NOT_WORKING and len(given) < 2:
            missing = next(k for k in ("start", "end") if k not in given)
            b.unknown_shift(
                row,
                header["shift_code"],
                code,
                missing,
            )
        if definition is not None:
            start_t = start_t or definition.start
            end_t = end_t or definition.end
        breaks_text = _text(cells, columns.get("breaks"))
        listed: list[BreakDefinition] | None = None
        if breaks_text and breaks_text.upper() not in _NO_BREAKS:
            listed = _parse_breaks(b, row, header["breaks"], breaks_text)
            bad_time = bad_time or listed is None
        elif breaks_text:
            listed = []
        if day is None or not agent or status is None or bad_time:
            continue
        works = status not in _NOT_WORKING
        if label_only:
            if works and len(given) < 2:
                continue  # reported above
            b.add_note(
                row,
                header["shift_code"],
                code,
                "label_only_times" if works else "label_only",
            )
        if not works or (start_t is None and end_t is None and status is RosterStatus.TRAINING):
            b.add(RosterEntry(day, agent, name, team, status, code or None))
            continue
        if start_t is None or end_t is None:
            missing = "start" if start_t is None else "end"
            b.add_problem(
                row,
                header.get(missing, missing),
                None,
                "time_missing",
                missing=missing,
            )
            continue
        start, end = b.span(day, start_t, end_t)
        if listed is not None:
            breaks = tuple(b.break_at(day, start, end, x.code, x.start, x.end) for x in listed)
        elif definition is not None:
            breaks = b.breaks_from_definition(day, start, end, definition)
        else:
            breaks = ()
        b.add(
            RosterEntry(
                day,
                agent,
                name,
                team,
                status,
                definition.code if definition else code or None,
                start,
                end,
                breaks,
            )
        )


_CELL_SPAN = re.compile(r"^(\d{1,2}[:.]\d{2})\s*[-–—]\s*(\d{1,2}[:.]\d{2})$")


def _read_matrix(b: _Builder, columns: dict[str, int]) -> None:
    t = b.table
    if "agent_id" not in columns:
        b.add_problem(
            t.header_row,
            None,
            None,
            "no_agent_column",
        )
        return
    dates: dict[int, date] = {}
    seen_dates: dict[date, str] = {}
    for i, title in enumerate(t.header):
        if _norm_header(title) in _IDENTITY_COLUMNS:
            continue
        day = parse_date(title)
        if day is None:
            b.add_problem(
                t.header_row,
                title or f"#{i + 1}",
                title,
                "bad_date_column",
            )
        elif day in seen_dates:
            b.add_problem(
                t.header_row, title, title, "repeated_date_column", first=repr(seen_dates[day])
            )
        else:
            dates[i] = day
            seen_dates[day] = title
    if not dates and not b.problems:
        b.add_problem(t.header_row, None, None, "no_date_columns")
    if b.problems:
        return
    agent_col = t.header[columns["agent_id"]]
    seen_agents: dict[str, int] = {}
    for row, cells in t.rows:
        agent = _text(cells, columns["agent_id"])
        if not agent:
            b.add_problem(row, agent_col, None, "empty_agent")
            continue
        if agent in seen_agents:
            b.add_problem(row, agent_col, agent, "duplicate_agent", first=seen_agents[agent])
            continue
        seen_agents[agent] = row
        name = _text(cells, columns.get("name")) or agent
        team = _text(cells, columns.get("team"))
        for i, day in dates.items():
            text = _text(cells, i)
            if not text:
                continue  # not on the roster that day
            status = _status_of(text)
            if status is not None:
                b.add(RosterEntry(day, agent, name, team, status))
                continue
            span = _CELL_SPAN.match(text)
            if span:
                s, e = parse_time(span[1]), parse_time(span[2], allow_24=True)
                if s is None or e is None:
                    b.add_problem(row, t.header[i], text, "bad_span")
                    continue
                start, end = b.span(day, s, e)
                b.add(RosterEntry(day, agent, name, team, RosterStatus.SCHEDULED, None, start, end))
                continue
            code = text.upper()
            definition = b.shift(code)
            if definition is None:
                b.unknown_shift(row, t.header[i], text)
                continue
            start, end = b.span(day, definition.start, definition.end)
            breaks = b.breaks_from_definition(day, start, end, definition)
            b.add(
                RosterEntry(
                    day,
                    agent,
                    name,
                    team,
                    RosterStatus.SCHEDULED,
                    definition.code,
                    start,
                    end,
                    breaks,
                )
            )
    for day in dates.values():
        b.entries.setdefault(day, [])


@dataclass(frozen=True, slots=True)
class RosterRead:
    """A roster file read: one Roster per date, and notes on what was read but is worth
    a look (e.g. a shift code the config does not know, kept as a label)."""

    rosters: dict[date, Roster]
    notes: tuple[RosterProblem, ...] = ()


def read_roster_file(
    path: Path | str,
    shifts: Mapping[str, ShiftDefinition],
    tz: tzinfo,
    sheet: str | None = None,
) -> dict[date, Roster]:
    """Read a roster file (layout detected from the header) into one Roster per date.

    Raises RosterFileError with every problem found; nothing is returned partially.
    The notes of `read_roster` are dropped.
    """
    return read_roster(path, shifts, tz, sheet).rosters


def read_roster(
    path: Path | str,
    shifts: Mapping[str, ShiftDefinition],
    tz: tzinfo,
    sheet: str | None = None,
) -> RosterRead:
    """`read_roster_file` with its notes. Raises RosterFileError like it."""
    table = read_table(path, sheet)
    by_code = {code.upper(): definition for code, definition in shifts.items()}
    b = _Builder(table, by_code, tz, [], {}, {}, [])
    columns: dict[str, int] = {}
    for i, title in enumerate(table.header):
        key = _norm_header(title)
        if not key:
            continue
        if key in columns and key in _LONG_COLUMNS:
            b.add_problem(table.header_row, title, None, "duplicate_header")
        columns.setdefault(key, i)
    if not b.problems:
        if "date" in columns:
            _read_long(b, columns)
        else:
            _read_matrix(b, columns)
    if b.problems:
        raise RosterFileError(b.problems)
    rosters = {
        day: Roster(day, tuple(sorted(entries, key=lambda e: e.agent_id)))
        for day, entries in sorted(b.entries.items())
    }
    return RosterRead(rosters, tuple(b.notes))


# --------------------------------------------------------------------------- watching


class RosterFileWatcher:
    """Tells the app when the roster file changed (mtime or size), for a timed reload.

    The first `changed()` compares against the file as it was when the watcher was made,
    so make the watcher before the first read to never miss an edit.
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._signature = self._stat()

    def _stat(self) -> tuple[int, int] | None:
        try:
            st = os.stat(self.path)
        except OSError:
            return None  # missing now; appearing again counts as a change
        return (st.st_mtime_ns, st.st_size)

    def changed(self) -> bool:
        """True once per change since the last call (or since the watcher was made)."""
        current = self._stat()
        if current == self._signature:
            return False
        self._signature = current
        return True
