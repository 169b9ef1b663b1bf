"""The day's roster is kept in the store so a report can judge logins after a restart."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from rtm_tui.domain.types import Break, Roster, RosterEntry, RosterStatus
from rtm_tui.store import Store

JKT = ZoneInfo("Asia/Jakarta")


def night_roster(day: date) -> Roster:
    start = datetime(day.year, day.month, day.day, 22, tzinfo=JKT)
    return Roster(
        date=day,
        entries=(
            RosterEntry(
                date=day,
                agent_id="A1",
                name="Ann [/] \u00e9",
                team="Inbound 1",
                status=RosterStatus.SCHEDULED,
                shift_code="M1",
                start=start,
                end=start + timedelta(hours=9),
                breaks=(
                    Break("ISTIRAHAT", start + timedelta(hours=4), start + timedelta(hours=5)),
                ),
            ),
            RosterEntry(
                date=day, agent_id="A2", name="Budi", team="Inbound 2", status=RosterStatus.LEAVE
            ),
        ),
    )


def test_roster_round_trips_and_the_latest_copy_wins(tmp_path):
    path = tmp_path / "rtm.sqlite3"
    day = date(2026, 11, 24)
    with Store.open(path) as store:
        assert store.load_roster(day) is None
        store.record_roster(Roster(day, ()))
        store.record_roster(night_roster(day))
    with Store.open(path) as store:  # as after a restart
        loaded = store.load_roster(day)
    assert loaded == night_roster(day)
    assert loaded is not None and loaded.entries[0].end.date() == date(2026, 11, 25)


def test_rosters_are_kept_per_day(tmp_path):
    with Store.open(tmp_path / "rtm.sqlite3") as store:
        store.record_roster(night_roster(date(2026, 11, 24)))
        assert store.load_roster(date(2026, 11, 25)) is None
