"""The one KPI registry: every list the app keeps is derived from it and agrees with it."""

from rtm_tui.config import KPI_DIRECTIONS, PERCENT_KPIS
from rtm_tui.domain.kpi import nonvoice_kpis, voice_kpis
from rtm_tui.domain.types import NonVoiceCounts, VoiceCounts
from rtm_tui.domain.vocabulary import (
    KPIS,
    PERIODS,
    Family,
    KpiId,
    Period,
    Unit,
    agent_scope,
    kpis_of,
    scope_agent,
)
from rtm_tui.i18n import CATALOG


def test_every_kpi_is_registered_once_with_a_label_in_both_languages() -> None:
    assert set(KPIS) == set(KpiId)
    for kpi in KpiId:
        for language in ("en", "id"):
            assert f"kpi.{kpi}" in CATALOG[language], (language, kpi)


def test_the_formulas_compute_exactly_the_registered_kpis() -> None:
    # a KPI added to the registry but not to the formulas (or the reverse) fails here
    voice = voice_kpis(VoiceCounts(offered=10, answered=9, answered_within_sl=8), None)
    nonvoice = nonvoice_kpis(NonVoiceCounts(), None)
    assert set(voice) == set(kpis_of(Family.VOICE))
    assert set(nonvoice) == set(kpis_of(Family.NONVOICE))


def test_config_targets_follow_the_registry() -> None:
    assert KPI_DIRECTIONS == {k.value: d.direction for k, d in KPIS.items()}
    assert {KpiId.SCR, KpiId.ABANDON, KpiId.SERVICE_LEVEL} == PERCENT_KPIS
    assert all(KPIS[k].unit is Unit.PERCENT for k in PERCENT_KPIS)


def test_ids_are_the_strings_the_store_and_api_use() -> None:
    assert KpiId.SCR == "scr" and Period.SHIFT == "shift"
    assert PERIODS == (Period.INTERVAL, Period.SHIFT, Period.TODAY)
    assert scope_agent(agent_scope("A0002")) == "A0002"
    assert scope_agent("INB-1500") is None
