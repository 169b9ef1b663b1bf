"""The Plans screen's "all / mine / my shift" (m), in the real app on a real store: all the
site's plans by default (the next TL reads the previous TL's), mine = under the TL's
name, my shift = the TL shift that has begun; another site's plans never. Both languages."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from app_helpers import JAKARTA, MORNING, SIZE, make_settings, sim_app, wait_live
from textual.widgets import Static

from rtm_tui.domain.plans import PlanAction, RecoveryPlan, RootCause
from rtm_tui.store import Store
from rtm_tui.ui.i18n import set_language
from rtm_tui.ui.plans_screen import PlansScreen

SITE = "Contact Center Jakarta"  # make_settings' [site] name; its TL is Rina


def _plan(at: datetime, tl: str, shift: str, note: str) -> RecoveryPlan:
    return RecoveryPlan(
        created_at=at + timedelta(minutes=2),
        date=at.date(),
        tl_shift=shift,
        interval_start=at,
        kpi="abandon",
        scope="all",
        actual=12.5,
        root_cause=RootCause.EXCESS_AUX,
        analysis="too many agents in AUX",
        actions=(PlanAction("Recall agents from AUX", tl, at + timedelta(hours=1)),),
        tl_name=tl,
        note=note,
    )


@pytest.fixture
def store(tmp_path):
    s = Store.open(tmp_path / "rtm.sqlite3", site=SITE, tl_name="Rina")
    yesterday_siang = datetime(2026, 11, 23, 16, 0, tzinfo=JAKARTA)
    s.save_plan(_plan(yesterday_siang, "Budi", "siang", "budi yesterday"), "Budi")
    s.save_plan(_plan(yesterday_siang - timedelta(hours=7), "Rina", "pagi", "rina yesterday"),
                "Rina")
    s.save_plan(_plan(MORNING - timedelta(hours=1), "Rina", "pagi", "rina today"), "Rina")
    s.save_plan(_plan(MORNING - timedelta(minutes=30), "Sari", "pagi", "sari today"), "Sari")
    with Store.open(tmp_path / "rtm.sqlite3", site="Contact Center Bandung") as other:
        other.save_plan(_plan(MORNING, "Rina", "pagi", "bandung's"), "Rina")
    yield s
    s.close()


def _notes(screen: PlansScreen) -> list[str]:
    return sorted(p.note for p in screen.plans)


def _title(screen: PlansScreen) -> str:
    return str(screen.query_one("#plans-title", Static).render())


@pytest.mark.parametrize("language", ["en", "id"])
async def test_m_cycles_all_mine_and_my_shift(store, language):
    settings = make_settings(site={"name": SITE, "tl_name": "Rina", "language": language})
    set_language(language)
    try:
        app, _sim, _ = sim_app(settings, store=store)
        async with app.run_test(size=SIZE) as pilot:
            await wait_live(pilot, app)
            await pilot.press("p")
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, PlansScreen)
            everyone = ["budi yesterday", "rina today", "rina yesterday", "sari today"]
            assert _notes(screen) == everyone  # the default: all the site's, never Bandung's
            words = {"en": ("all the site's plans", "mine (Rina)", "my shift (pagi 2026-11-24)"),
                     "id": ("semua plan site", "milik saya (Rina)", "shift saya (pagi 2026-11-24)")}
            assert words[language][0] in _title(screen)
            await pilot.press("m")
            await pilot.pause()
            assert _notes(screen) == ["rina today", "rina yesterday"]
            assert words[language][1] in _title(screen)
            await pilot.press("m")
            await pilot.pause()
            assert _notes(screen) == ["rina today", "sari today"]  # pagi, today
            assert words[language][2] in _title(screen)
            await pilot.press("m")
            await pilot.pause()
            assert _notes(screen) == everyone
            # typing an m in a filter box is text, not the key
            await pilot.press("slash", "tab", "tab", "tab", "tab", "m")
            await pilot.pause()
            assert words[language][0] in _title(screen)
    finally:
        set_language("en")


async def test_mine_without_a_configured_name_is_the_remembered_one(store):
    settings = make_settings(site={"name": SITE, "tl_name": ""})
    app, _sim, _ = sim_app(settings, store=store)
    async with app.run_test(size=SIZE) as pilot:
        await wait_live(pilot, app)
        await pilot.press("p")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PlansScreen)
        await pilot.press("m")
        await pilot.pause()
        # the name on the site's last plan filed (Sari's), not Bandung's later one
        assert _notes(screen) == ["sari today"]
        assert "mine (Sari)" in _title(screen)


async def test_the_title_wraps_at_80_columns_instead_of_losing_its_end(tmp_path):
    """No TL name at all (an empty store): "mine" says how to set one, whole, at 80x24."""
    from app_helpers import screen_text

    settings = make_settings(site={"name": SITE, "tl_name": ""})
    with Store.open(tmp_path / "empty.sqlite3", site=SITE) as empty:
        app, _sim, _ = sim_app(settings, store=empty)
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_live(pilot, app)
            await pilot.press("p")
            await pilot.pause()
            await pilot.press("m")
            await pilot.pause()
            text = " ".join(screen_text(app).split())
            assert "set [site] tl_name)" in text
