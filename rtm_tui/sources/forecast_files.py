"""Call forecast files (CSV or XLSX) -> per-interval calls and AHT per date.

Columns: `date, interval, calls, aht` and optionally `queue`. `interval` is the start of an
`interval_minutes`-long interval ("07:30"; "07:30-08:00" is read as its start). Several
queues in one interval are summed for the all-queues forecast: calls add up, AHT is the
calls-weighted average. With a `queue` column `read_forecast` also keeps each queue's own
intervals (`ForecastFile.queues`), for the outlook's per-queue reforecast; a row without a
queue in a file whose other rows name one is a problem (it would belong to no queue).
Problems are collected and reported like the roster reader's (all of them, nothing
partially read).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo
from pathlib import Path

from rtm_tui.domain.coverage import IntervalForecast
from rtm_tui.sources.roster_files import (
    RosterFileError,
    RosterProblem,
    Table,
    clean_text,
    parse_date,
    parse_time,
    read_table,
)

__all__ = ["ForecastFile", "ForecastFileError", "read_forecast", "read_forecast_file"]

_ALIASES = {
    "tanggal": "date",
    "interval_start": "interval",
    "start": "interval",
    "jam": "interval",
    "offered": "calls",
    "volume": "calls",
    "aht_seconds": "aht",
    "antrian": "queue",
    "queue_id": "queue",
}


class ForecastFileError(RosterFileError):
    """The forecast file cannot be used; `.problems` lists every problem found."""


@dataclass(frozen=True, slots=True)
class ForecastFile:
    """A forecast file read: the all-queues intervals per date and, when the file has a
    `queue` column naming queues, each queue's intervals per date (else empty)."""

    days: dict[date, tuple[IntervalForecast, ...]]
    queues: dict[date, dict[str, tuple[IntervalForecast, ...]]]


@dataclass(slots=True)
class _Sum:
    calls: float = 0.0
    handle: float = 0.0  # calls × AHT, for the calls-weighted average
    aht_sum: float = 0.0  # plain sum, used only when there are no calls at all
    rows: int = 0


def _number(value: object) -> float | None:
    """A number cell; "180,5" (decimal comma, as Indonesian Excel writes it) is 180.5."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if not isinstance(value, str):
        return None
    text = value.strip().replace(" ", "")
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        return None
    return number if number == number and number not in (float("inf"), float("-inf")) else None


def _interval_start(value: object) -> time | None:
    if isinstance(value, str) and "-" in value:
        value = value.split("-", 1)[0]
    return parse_time(value)


def read_forecast_file(
    path: Path | str,
    tz: tzinfo,
    interval_minutes: int = 30,
    sheet: str | None = None,
) -> dict[date, tuple[IntervalForecast, ...]]:
    """Read a forecast into intervals per date (all queues together), sorted by time.

    Raises ForecastFileError with every problem found.
    """
    return read_forecast(path, tz, interval_minutes, sheet).days


def read_forecast(
    path: Path | str,
    tz: tzinfo,
    interval_minutes: int = 30,
    sheet: str | None = None,
) -> ForecastFile:
    """Read a forecast: all queues together and, with a `queue` column, each queue's own
    intervals (both per date, sorted by time). Raises ForecastFileError with every
    problem found."""
    try:
        table = read_table(path, sheet)
    except RosterFileError as exc:
        raise ForecastFileError(exc.problems) from None
    problems: list[RosterProblem] = []
    columns: dict[str, int] = {}
    for i, title in enumerate(table.header):
        key = "_".join(title.strip().lower().split())
        key = _ALIASES.get(key, key)
        if key in columns:
            problems.append(table.problem(table.header_row, title, None, "duplicate_header"))
        columns.setdefault(key, i)
    for required in ("date", "interval", "calls", "aht"):
        if required not in columns:
            problems.append(table.problem(table.header_row, None, None, "no_column", name=required))
    if problems:
        raise ForecastFileError(problems)
    sums, per_queue = _collect(table, columns, interval_minutes, problems)
    if problems:
        raise ForecastFileError(problems)
    out: dict[date, list[IntervalForecast]] = {}
    for (day, start), s in sorted(sums.items()):
        aht = s.handle / s.calls if s.calls > 0 else s.aht_sum / s.rows
        out.setdefault(day, []).append(
            IntervalForecast(datetime.combine(day, start, tzinfo=tz), s.calls, aht)
        )
    queues: dict[date, dict[str, list[IntervalForecast]]] = {}
    for (day, start, queue), (calls, aht) in sorted(per_queue.items()):
        queues.setdefault(day, {}).setdefault(queue, []).append(
            IntervalForecast(datetime.combine(day, start, tzinfo=tz), calls, aht)
        )
    return ForecastFile(
        {day: tuple(items) for day, items in out.items()},
        {day: {q: tuple(items) for q, items in qs.items()} for day, qs in queues.items()},
    )


def _collect(
    table: Table,
    columns: Mapping[str, int],
    interval_minutes: int,
    problems: list[RosterProblem],
) -> tuple[dict[tuple[date, time], _Sum], dict[tuple[date, time, str], tuple[float, float]]]:
    header = {key: table.header[i] for key, i in columns.items()}
    sums: dict[tuple[date, time], _Sum] = {}
    per_queue: dict[tuple[date, time, str], tuple[float, float]] = {}
    seen: dict[tuple[date, time, str], int] = {}
    # with a queue column that names queues, every row must name one
    named = "queue" in columns and any(
        clean_text(cells[columns["queue"]]) for _, cells in table.rows
        if cells[columns["queue"]] is not None
    )  # fmt: skip
    for row, cells in table.rows:

        def bad(
            key: str, code: str, row: int = row, cells: tuple = cells, **params: object
        ) -> None:
            problems.append(table.problem(row, header[key], cells[columns[key]], code, **params))

        day = parse_date(cells[columns["date"]])
        if day is None:
            bad("date", "bad_date")
        start = _interval_start(cells[columns["interval"]])
        if start is None:
            bad("interval", "bad_interval")
        elif (start.hour * 60 + start.minute) % interval_minutes or start.second:
            bad("interval", "interval_misaligned", minutes=interval_minutes)
            start = None
        calls = _number(cells[columns["calls"]])
        if calls is None or calls < 0:
            bad("calls", "bad_calls")
            calls = None
        aht = _number(cells[columns["aht"]])
        if aht is None or aht < 0 or (aht == 0 and calls):
            bad("aht", "bad_aht")
            aht = None
        queue = ""
        if "queue" in columns and cells[columns["queue"]] is not None:
            queue = clean_text(cells[columns["queue"]])
        if named and not queue:
            bad("queue", "no_queue")
            continue
        if day is None or start is None or calls is None or aht is None:
            continue
        key = (day, start, queue)
        if key in seen:
            bad(
                "interval",
                "repeated_interval_queue" if queue else "repeated_interval",
                day=day.isoformat(),
                time=f"{start:%H:%M}",
                queue=repr(queue),
                first=seen[key],
            )
            continue
        seen[key] = row
        s = sums.setdefault((day, start), _Sum())
        s.calls += calls
        s.handle += calls * aht
        s.aht_sum += aht
        s.rows += 1
        if named:
            per_queue[(day, start, queue)] = (calls, aht)
    return sums, per_queue
