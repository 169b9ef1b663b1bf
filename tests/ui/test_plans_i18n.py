"""Bahasa Indonesia in the recovery plan form and the plans screen, through the real app
(`[site] language = "id"`, `r` and `p`), and every domain validation message translated."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from app_helpers import MORNING, SIZE, make_settings, screen_text, sim_app, wait_for, wait_live

from rtm_tui.domain.plan_checks import validate_plan
from rtm_tui.domain.plans import PlanAction, RecoveryPlan, RootCause
from rtm_tui.store import Store
from rtm_tui.ui.i18n import set_language, t
from rtm_tui.ui.plan_form import RecoveryPlanForm, error_text
from rtm_tui.ui.plans_screen import PlansScreen


@pytest.fixture(autouse=True)
def back_to_english() -> Iterator[None]:
    yield
    set_language("en")  # the language is process-wide: leave English for the next tests


def a_plan(**changes: object) -> RecoveryPlan:
    start = MORNING.replace(minute=0)
    fields: dict[str, object] = dict(
        created_at=MORNING,
        date=MORNING.date(),
        tl_shift="pagi",
        interval_start=start,
        kpi="scr",
        scope="all",
        actual=88.0,
        root_cause=RootCause.VOLUME_SPIKE,
        analysis="Promo SMS",
        actions=(PlanAction("Buka overflow", "Budi", start + timedelta(hours=1)),),
        tl_name="Rina",
        sla=95.0,
        slg=90.0,
    )
    fields.update(changes)
    return RecoveryPlan(**fields)  # type: ignore[arg-type]


def test_every_validation_message_has_an_indonesian_text() -> None:
    naive = datetime(2026, 11, 24, 9, 0)
    broken = [
        a_plan(
            tl_shift="",
            interval_start=naive,
            created_at=naive,
            kpi=" ",
            scope="",
            root_cause="",
            analysis="",
            tl_name="",
            actions=(),
            sla=math.nan,
        ),
        a_plan(actions=(PlanAction("", "", naive),)),
        a_plan(actions=(PlanAction("x", "y", MORNING - timedelta(hours=2)),)),
    ]
    messages = {m for plan in broken for m in validate_plan(plan).values()}
    assert len(messages) >= 14
    set_language("id")
    untranslated = [m for m in messages if error_text(m) == m]
    assert not untranslated
    set_language("en")
    assert all(error_text(m) == m for m in messages)  # English stays the domain's wording


async def test_form_and_plans_screen_speak_indonesian(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "rtm.sqlite3")
    saved = store.save_plan(a_plan(), "Rina")
    try:
        app, _sim, _ = sim_app(make_settings(site={"language": "id"}), store=store)
        async with app.run_test(size=SIZE) as pilot:
            await wait_live(pilot, app)

            await pilot.press("r")
            await wait_for(pilot, lambda: isinstance(app.screen, RecoveryPlanForm))
            await pilot.pause()
            text = screen_text(app)
            for label in (
                "Akar masalah",
                "Pilih kategori",
                "Analisis",
                "Mengapa target tidak tercapai?",
                "Tindakan (apa / PIC / tenggat JJ:MM)",
                "Shift TL",
                "Nama TL",
                "Simpan",  # the footer
                "Tambah tindakan",
            ):
                assert label in text, label
            for english in ("Root cause", "Analysis", "Choose a category", "TL name", "Save"):
                assert english not in text, english
            # validation messages in Indonesian under their fields
            await pilot.press("ctrl+s")
            await pilot.pause()
            text = screen_text(app)
            assert "pilih kategori akar masalah" in text
            assert "analisis akar masalah wajib diisi" in text
            assert "choose a root cause" not in text
            await pilot.press("escape")  # nothing typed: closes without asking
            await wait_for(pilot, lambda: not isinstance(app.screen, RecoveryPlanForm))

            await pilot.press("p")
            await wait_for(pilot, lambda: isinstance(app.screen, PlansScreen))
            await pilot.pause()
            text = screen_text(app)
            for label in (
                "Daftar recovery plan: 1 ditampilkan",
                "Dari",
                "Sampai",
                "Semua",
                "Tenggat",
                "Cakupan",
                "Saat diisi",
                "Terbuka",
                f"Plan #{saved.id}",
                "Akar masalah",
                "Lonjakan volume",
                "Riwayat",
                "Status berikutnya",  # the footer
                "Verifikasi",
            ):
                assert label in text, label
            for english in ("Recovery plans", "Since", "Until", "Next status", "History"):
                assert english not in text, english
            await pilot.press("n")
            await pilot.pause()
            assert f"Plan #{saved.id} saat ini Dikerjakan" in screen_text(app)
            await pilot.press("v")
            await pilot.pause()
            assert t("plans.is_status", id=saved.id, status="Dikerjakan", hint="") in (
                screen_text(app)
            )
    finally:
        store.close()
