"""Issue 11: suggestions that fit the plan, as codes rendered by the catalog: a non-voice
KPI gets its channel's backlog and no Erlang C; a voice KPI who is in AUX now; plurals
right in English; Indonesian from the same codes."""

from __future__ import annotations

import pytest
from test_plan_draft import NOW, ROWS, STAFFING, view, voice

from rtm_tui.domain.plan_draft import draft_plan, erlang_suggestion
from rtm_tui.domain.types import (
    Agent,
    AgentsSnapshot,
    AgentState,
    Direction,
    KpiTarget,
    KpiValue,
    Status,
)
from rtm_tui.i18n import set_language
from rtm_tui.i18n.plans import suggestion_text

EMAIL_SLOW = KpiValue(
    "response_time", "email", "interval", 5400.0, Status.BREACH,
    KpiTarget("response_time", Direction.LOWER, 3600.0, 4800.0),
)  # fmt: skip
EMAIL_WAITING = KpiValue("waiting_list", "email", "interval", 37.0, Status.WARNING, None)


@pytest.fixture
def indonesian():
    set_language("id")
    yield
    set_language("en")


def _agent(agent_id: str, name: str, state: AgentState, *channels: str) -> Agent:
    return Agent(agent_id, name, "Team A", state, NOW, channels=channels)


AGENTS = AgentsSnapshot(
    NOW,
    (
        _agent("E1", "Nina", AgentState.ON_CONTACT, "email", "chat"),
        _agent("E2", "Omar", AgentState.AVAILABLE, "email"),
        _agent("E3", "Putri", AgentState.AUX, "email"),
        _agent("V1", "Rudi", AgentState.AVAILABLE, "voice"),
    ),
)


def test_a_non_voice_plan_gets_the_backlog_and_who_works_the_channel_not_erlang() -> None:
    kpis = (EMAIL_SLOW, EMAIL_WAITING)
    d = draft_plan(
        NOW, "siang", "Rina", view(kpis=kpis), EMAIL_SLOW, voice(50, 50, 180.0, 9, 2), STAFFING,
        30, AGENTS,
    )  # fmt: skip
    lines = [suggestion_text(s) for s in d.suggestions]
    assert lines[0] == "Clear the email backlog: 37 contacts waiting now"
    assert lines[1] == "Who works email now (2): Nina, Omar; in AUX: 1"
    assert not any(x.startswith(("Erlang", "In AUX now")) for x in lines)
    assert "Rudi" not in " ".join(lines)  # a voice agent is not offered for email


def test_one_more_agent_is_singular_and_indonesian_comes_from_the_same_code(indonesian) -> None:
    s = erlang_suggestion((), voice(50, 50, 180.0, 13, 0), STAFFING)
    assert s is not None and s.code == "erlang.find" and s.params["extra"] == 1
    set_language("en")
    assert suggestion_text(s).endswith("— find 1 more agent (backup, overtime)")
    set_language("id")
    text = suggestion_text(s)
    assert text.startswith("Erlang C: butuh 14 agen interval berikut untuk 80 % dalam 20 dtk")
    assert text.endswith("— cari 1 agen lagi (backup, lembur)")


def test_a_voice_plan_names_who_is_in_aux_now_once() -> None:
    scr = KpiValue(
        "scr", "q_general", "interval", 88.0, Status.BREACH,
        KpiTarget("scr", Direction.HIGHER, 95.0, 90.0),
    )  # fmt: skip
    d = draft_plan(NOW, "siang", "Rina", view(kpis=(scr,)), scr, None, STAFFING, 30)
    [in_aux] = [s for s in d.suggestions if s.code == "in_aux_now"]
    text = suggestion_text(in_aux)
    in_aux_rows = [r for r in ROWS if r.state.value == "aux"]
    assert text.startswith(f"In AUX now ({len(in_aux_rows)}): ")
    for r in in_aux_rows:
        assert text.count(r.name) == 1
