"""The app in Bahasa Indonesia (`[site] language = "id"`): screenshots at 80x24, 120x36 and
160x48, and a walk through the dashboard, the roster view and the dialogs that finds no
English word on screen.

The English words looked for: every fixed piece of an English catalog text that Indonesian
words differently (so a key added in English only, or an Indonesian text left in English,
is caught), plus the bindings' own English descriptions and a few words a widget could
print without the catalog. Data is not judged (agent, team and queue names); the alerts
pane shows the alerts' own messages (the alerts' catalog) and is blanked first.

Update the screenshots after a deliberate change of the look:
`pytest tests/ui/test_screens_id.py --snapshot-update`, then look at the SVGs.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from typing import Any

import pytest
from app_helpers import SIZE, make_settings, screen_text, sim_app, wait_for, wait_live

from rtm_tui.i18n import CATALOG, set_language

# areas of the catalog these screens show (plan form and plans screens have their own tests)
SCREEN_AREAS = (
    "app.", "tab.", "key.", "cmd.", "palette.", "header.", "fresh.", "source.", "day.", "month.",
    "board.", "gauge.", "status.", "kpi.", "att.", "counts.", "count.", "help.", "filter.",
    "roster.", "skew.", "placeholder.",
)  # fmt: skip
# English a widget could show without going through the catalog
EXTRA_WORDS = (
    "Interval/today", "Data status", "Acknowledge", "Retry now",
    "Previous gauge", "Next gauge", "Close", "Quit", "Help", "Filter", "Sort",
    "answered_within_sl", "handle_seconds", "offered", "logged out", "available",
    "on contact", "not yet in", "on time", "absent", "present", "Attendance", "Waiting",
    "Longest wait", "No agents", "agents", "Today", "This interval", "warning", "BREACH",
    "no data", "Coverage", "Scheduled", "need",
)  # fmt: skip


@pytest.fixture(autouse=True)
def _english_afterwards() -> Iterator[None]:
    yield
    set_language("en")  # the language is process-wide


def english_words() -> list[str]:
    pieces: set[str] = set(EXTRA_WORDS)
    for key, en in CATALOG["en"].items():
        idn = CATALOG["id"].get(key, "")
        if not key.startswith(SCREEN_AREAS) or en == idn:
            continue
        for literal, *_ in string.Formatter().parse(en):
            for part in re.split(r"[()\[\]:;,.·*|/\"'—–+]", literal):
                part = part.strip()
                if re.search(r"[A-Za-z]{3}", part) and part not in idn:
                    pieces.add(part)
    return sorted(pieces)


def _blank(lines: list[str], region: Any) -> None:
    for y in range(region.y, min(region.bottom, len(lines))):
        line = lines[y].ljust(region.right)
        lines[y] = line[: region.x] + " " * region.width + line[region.right :]


def english_on_screen(app: Any) -> list[str]:
    lines = screen_text(app).splitlines()
    pane = app.alerts_pane
    if pane.display:  # also under a dialog: the dashboard stays on screen around it
        _blank(lines, pane.region)
    text = "\n".join(lines)
    # case-sensitive whole words: "Antrean" holds no "Antre…" English, "Agen" no "Agent"
    return [
        w for w in english_words() if re.search(rf"(?<![A-Za-z_]){re.escape(w)}(?![A-Za-z_])", text)
    ]


def app_id(**kwargs: Any) -> Any:
    app, _sim, _ = sim_app(make_settings(site={"language": "id"}), agents=40, **kwargs)
    return app


# ---------------------------------------------------------------------- screenshots


@pytest.mark.parametrize("size", [(80, 24), (120, 36), SIZE], ids=lambda s: f"{s[0]}x{s[1]}")
def test_dashboard_snapshot_id(snap_compare, size: tuple[int, int]) -> None:
    app = app_id()

    async def ready(pilot) -> None:
        await wait_live(pilot, app)
        await pilot.pause(1.1)  # one tick: freshness levels and ages

    assert snap_compare(app, terminal_size=size, run_before=ready)


def test_roster_view_snapshot_id(snap_compare) -> None:
    app = app_id()

    async def ready(pilot) -> None:
        await wait_live(pilot, app)
        await pilot.press("2")
        await pilot.pause(1.1)

    assert snap_compare(app, terminal_size=SIZE, run_before=ready)


def test_counts_dialog_snapshot_id(snap_compare) -> None:
    app = app_id()

    async def ready(pilot) -> None:
        from rtm_tui.ui.gauges import KpiGauge

        await wait_live(pilot, app)
        app.query(KpiGauge).first().focus()
        await pilot.press("enter")
        await pilot.pause(0.2)

    assert snap_compare(app, terminal_size=SIZE, run_before=ready)


# ---------------------------------------------------------------------- the walk


async def test_no_english_on_any_screen_in_indonesian() -> None:
    from rtm_tui.ui.gauges import CountsScreen, KpiGauge

    app = app_id()
    seen: dict[str, list[str]] = {}
    async with app.run_test(size=SIZE) as pilot:
        await wait_live(pilot, app)
        await pilot.pause(1.1)

        async def look(name: str, *keys: str) -> str:
            for key in keys:
                await pilot.press(key)
            await pilot.pause(0.2)
            seen[name] = english_on_screen(app)
            return screen_text(app)

        text = await look("dashboard")
        assert "Kehadiran" in text and "Nama" in text  # it is the Indonesian dashboard
        await look("sorted by state", "s", "s", "s")
        await look("exceptions", "e")
        await look("all again, today", "e", "t", "t")
        await look("help", "question_mark")
        await look("freshness", "escape", "f")
        await pilot.press("escape")
        app.query(KpiGauge).first().focus()
        text = await look("counts", "enter")
        assert isinstance(app.screen, CountsScreen)
        assert "Dijawab dalam SL" in text and "answered_within_sl" not in text
        await look("filter", "escape", "escape", "slash")
        await look("roster view", "escape", "2")
        await look("gauges folded", "1", "g")
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert {"Tema", "Keluar", "Tangkapan layar"} <= titles  # Textual's own, too
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: "Cari perintah" in screen_text(app))
        await look("command palette")
    assert {name: words for name, words in seen.items() if words} == {}


def test_the_english_word_list_is_the_real_one() -> None:
    words = english_words()
    assert "In state" in words and "Not yet in" in words and "Answered in SL" in words
    assert "Nama" not in words
