"""`rtm report` and `rtm roster check` with `[site] language = "id"`: no English label left.

The English labels are the catalog's own (`report.*`, `check.*`, `cli.*`): every fixed piece
of an English text that differs from its Indonesian one must be absent from the output.
Data stays as written (agent and queue names, codes); alert messages are the alerts
section's own and are cut out before the check.
"""

from __future__ import annotations

import asyncio
import re
import string
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest

from rtm_tui.cli import main as rtm
from rtm_tui.clock import FrozenClock
from rtm_tui.config import Settings
from rtm_tui.i18n import CATALOG, set_language
from rtm_tui.simulator import Simulator, make_asgi_app
from rtm_tui.sources.client import OmnichannelClient
from rtm_tui.store import Store
from rtm_tui.ui.launch import build_app

JKT = ZoneInfo("Asia/Jakarta")
DAY = date(2025, 11, 25)
START = datetime(2025, 11, 25, 7, 0, tzinfo=JKT)
NOW = datetime(2025, 11, 25, 9, 0, tzinfo=JKT)  # the pagi shift still running


@pytest.fixture(autouse=True)
def _english_afterwards() -> Iterator[None]:
    yield
    set_language("en")  # the language is process-wide


def english_pieces(*prefixes: str) -> list[str]:
    """The fixed pieces of every English text under `prefixes` that Indonesian words
    differently, e.g. "At a glance", "Late by", "shorter than the minimum"."""
    pieces: set[str] = set()
    for key, en in CATALOG["en"].items():
        if not key.startswith(prefixes) or en == CATALOG["id"].get(key):
            continue
        for literal, *_ in string.Formatter().parse(en):
            for part in re.split(r"[()\[\]:;,.·*|✖⚠—–/-]", literal):
                part = part.strip()
                if re.search(r"[A-Za-z]{3}", part) and part not in CATALOG["id"][key]:
                    pieces.add(part)
    return sorted(pieces)


def leftovers(text: str, pieces: list[str]) -> list[str]:
    return [p for p in pieces if re.search(rf"(?<![A-Za-z_]){re.escape(p)}(?![A-Za-z_])", text)]


async def _record(settings: Settings, clock: FrozenClock) -> None:
    """The app's own feed records the first two hours of the pagi shift into the store."""
    sim = Simulator(agents=30, seed=7, clock=clock, tz=JKT)
    transport = httpx.ASGITransport(app=make_asgi_app(sim))
    client = OmnichannelClient(base_url="http://sim/api/v1", transport=transport)
    store = Store.open(settings.database_path())
    feed = build_app(settings, clock, client, store=store, restore_state=False).feed
    polls = [feed.pollers[name] for name in ("agents", "roster", "voice", "nonvoice")]
    await polls[0].poll_once()  # agents before the roster: nobody logged in is judged absent
    await polls[1].poll_once()
    while clock.now() < NOW:
        for poller in polls[:1] if clock.now().second else (polls[0], *polls[2:]):
            await poller.poll_once()
        clock.advance(30)
    await feed.stop()
    store.close()


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("shift_id")
    db = tmp / "rtm.sqlite3"
    settings = Settings.model_validate(
        {"site": {"name": "CC Jakarta", "tl_name": "Rina"}, "storage": {"database": str(db)}}
    )
    asyncio.run(_record(settings, FrozenClock(START)))
    config = tmp / "config.toml"
    config.write_text(
        f'[site]\nname = "CC Jakarta"\ntl_name = "Rina"\nlanguage = "id"\n'
        f"[storage]\ndatabase = {str(db)!r}\n",
        encoding="utf-8",
    )
    return config


def _without_alerts(md: str) -> str:
    """The alerts section's rows are the alerts' own messages (not this report's labels)."""
    return re.sub(r"(?ms)^## Alert yang muncul\n.*?(?=^## )", "", md)


def test_the_handover_report_in_indonesian_has_no_english_label(
    recorded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--config", str(recorded), "report", "--date", DAY.isoformat(), "--shift", "pagi"]
    assert rtm(argv, clock=FrozenClock(NOW)) == 0
    out = capsys.readouterr().out
    assert "# Serah terima shift — CC Jakarta" in out
    assert "## Kehadiran dan ketepatan log masuk" in out
    assert "Shift masih berjalan" in out  # a note from the summary, translated too
    pieces = english_pieces("report.")
    assert "At a glance" in pieces and "Late by" in pieces  # the list is the real one
    assert leftovers(_without_alerts(out), pieces) == []

    # the same shift in English still reads as before
    en = recorded.with_name("en.toml")
    en.write_text(recorded.read_text().replace('language = "id"', 'language = "en"'))
    assert rtm(["--config", str(en), *argv[2:]], clock=FrozenClock(NOW)) == 0
    out = capsys.readouterr().out
    assert "## At a glance" in out and "## Attendance and login timeliness" in out


def test_report_errors_in_indonesian(recorded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = rtm(
        ["--config", str(recorded), "report", "--date", "2025-13-01"], clock=FrozenClock(NOW)
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "harus tanggal YYYY-MM-DD" in err
    code = rtm(
        ["--config", str(recorded), "report", "--shift", "malam", "--date", "2025-11-25"],
        clock=FrozenClock(NOW),
    )
    err = capsys.readouterr().err
    assert code == 2 and "tidak dikenal" in err
    assert leftovers(err, english_pieces("report.", "cli.")) == []


HEADER = "date,agent_id,name,team,shift_code,start,end,status,breaks\n"


def test_roster_check_in_indonesian_has_no_english_label(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "240")  # no wrapped cells: whole sentences to look for
    config = tmp_path / "config.toml"
    config.write_text('[site]\ntimezone = "Asia/Jakarta"\nlanguage = "id"\n', encoding="utf-8")
    rows = [
        "2026-11-25,A1,Ani,Inbound,,09:00,11:00,,",  # 2 h: too short
        "2026-11-25,A2,Budi,Inbound,,06:00,20:00,,",  # 14 h: too long
        "2026-11-25,A3,Citra,Inbound,,07:00,16:00,,ISTIRAHAT 16:30-17:00",  # break outside
        "2026-11-24,A4,Dewi,Inbound,,22:00,07:00,,",
        "2026-11-25,A4,Dewi,Inbound,,06:00,14:00,,",  # overlaps last night's shift
        "2026-11-24,A5,Eko,Inbound,,14:00,23:00,,",
        "2026-11-25,A5,Eko,Inbound,,06:00,15:00,,",  # 7 h rest
    ]
    roster = tmp_path / "roster.csv"
    roster.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    fc = tmp_path / "fc.csv"
    fc.write_text("date,interval,calls,aht\n2026-11-25,07:00,300,180\n", encoding="utf-8")
    argv = ["--config", str(config), "roster", "check", str(roster), "--date", "2026-11-25"]
    code = rtm([*argv, "--forecast", str(fc)], clock=FrozenClock(NOW))
    out = capsys.readouterr().out
    assert code == 1
    for text in (
        "kurang dari minimum",
        "melebihi maksimum",
        "di luar shift",
        "bertabrakan dengan 22:00-07:00 tanggal 2026-11-24",
        "jeda antar-shift hanya 7 jam",
        "Interval kekurangan agen",
    ):
        assert text in out, text
    pieces = english_pieces("check.")
    assert "shorter than the minimum" in pieces
    assert leftovers(out, pieces) == []

    # without a forecast: the note is Indonesian too
    rtm(argv, clock=FrozenClock(NOW))
    out = capsys.readouterr().out
    assert "tanpa forecast" in out
    assert leftovers(out, pieces) == []


def test_roster_file_problems_in_indonesian(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "240")
    config = tmp_path / "config.toml"
    config.write_text('[site]\ntimezone = "Asia/Jakarta"\nlanguage = "id"\n', encoding="utf-8")
    roster = tmp_path / "roster.csv"
    roster.write_text(
        HEADER
        + "2026-11-31,A1,Ani,Inbound,,09:00,11:00,,\n"  # not a date
        + "2026-11-25,A2,Budi,Inbound,XX,,,,\n"  # unknown code, no times
        + "2026-11-25,A3,Citra,Inbound,,07:00,25:00,,\n"  # not a time
        + "2026-11-25,,Dewi,Inbound,,07:00,16:00,,\n",  # no agent id
        encoding="utf-8",
    )
    argv = ["--config", str(config), "roster", "check", str(roster), "--date", "2026-11-25"]
    assert rtm(argv, clock=FrozenClock(NOW)) == 2
    err = capsys.readouterr().err
    for text in (
        "Input tidak dapat dipakai: 4 masalah",
        "bukan tanggal (YYYY-MM-DD)",
        "bukan kode shift yang dikenal",
        "bukan jam (HH:MM)",
        "agent_id kosong",
    ):
        assert text in err, text
    pieces = english_pieces("check.", "file.")
    assert "is not a date" in pieces
    assert leftovers(err, pieces) == []
