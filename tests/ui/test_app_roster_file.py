"""The roster from a file (`[roster] source = <path>`): read, reloaded on change, a
broken file shown in the header while the last good roster stays."""

from __future__ import annotations

import os

from app_helpers import MORNING, SIZE, make_settings, screen_text, sim_app, wait_for, wait_live

from rtm_tui.ui.header import FreshnessScreen

DAY = MORNING.date().isoformat()
HEADER = "date,agent_id,name,team,shift_code,start,end,status,breaks\n"


def write(path, rows: list[str]) -> None:
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    # a new mtime even within the file system's time resolution
    st = os.stat(path)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))


async def test_roster_file_read_reloaded_and_broken(tmp_path) -> None:
    path = tmp_path / "roster.csv"
    write(
        path,
        [
            f"{DAY},A0001,Siti Rahmawati,Inbound 1,P1,,,,",
            f"{DAY},A0002,Budi Santoso,Inbound 2,P2,,,,",
        ],
    )
    settings = make_settings(roster={"source": str(path)})
    app, _sim, _ = sim_app(settings, agents=10)
    async with app.run_test(size=SIZE) as pilot:
        await wait_live(pilot, app)
        assert app.roster is not None
        assert [e.agent_id for e in app.roster.entries] == ["A0001", "A0002"]

        write(
            path,
            [
                f"{DAY},A0001,Siti Rahmawati,Inbound 1,P1,,,,",
                f"{DAY},A0002,Budi Santoso,Inbound 2,P2,,,,",
                f"{DAY},A0003,Dewi Lestari,Inbound 1,,,,CUTI,",
            ],
        )
        await wait_for(pilot, lambda: len(app.roster.entries) == 3, timeout=15)

        write(path, [f"{DAY},A0001,Siti Rahmawati,Inbound 1,ZZ9,,,,"])
        roster = app.feed.pollers["roster"]
        await wait_for(pilot, lambda: roster.freshness.last_error is not None, timeout=15)
        assert len(app.roster.entries) == 3  # the last good roster stays
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, FreshnessScreen)
        assert "ZZ9" in screen_text(app)
        assert "roster.csv" in screen_text(app)
