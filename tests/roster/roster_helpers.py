"""Shared roster-test helpers: the default shift codes and small file writers."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import time
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl

from rtm_tui.domain.types import BreakDefinition, ShiftDefinition

TZ = ZoneInfo("Asia/Jakarta")


def _shift(code: str, start: str, end: str, b: tuple[str, str]) -> ShiftDefinition:
    def t(s: str) -> time:
        return time.fromisoformat(s)

    return ShiftDefinition(
        code, t(start), t(end), (BreakDefinition("ISTIRAHAT", t(b[0]), t(b[1])),)
    )


SHIFTS = {
    "P1": _shift("P1", "07:00", "16:00", ("11:30", "12:30")),
    "P2": _shift("P2", "08:00", "17:00", ("12:00", "13:00")),
    "S1": _shift("S1", "13:00", "22:00", ("17:30", "18:30")),
    "S2": _shift("S2", "14:00", "23:00", ("18:30", "19:30")),
    "M1": _shift("M1", "22:00", "07:00", ("02:00", "03:00")),
}

LONG_HEADER = ["date", "agent_id", "name", "team", "shift_code", "start", "end", "status", "breaks"]


def write_csv(
    path: Path, rows: Sequence[Sequence[object]], delimiter: str = ",", bom: bool = False
) -> Path:
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
        csv.writer(fh, delimiter=delimiter).writerows(rows)
    return path


def write_xlsx(
    path: Path, rows: Sequence[Sequence[object]], sheet: str = "Roster", extra_first: bool = False
) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    if extra_first:  # a cover sheet first, the roster on a named sheet
        ws.title = "Cover"
        ws.append(["Roster December"])
        ws = wb.create_sheet(sheet)
    else:
        ws.title = sheet
    for row in rows:
        ws.append(list(row))
    wb.save(path)
    return path
