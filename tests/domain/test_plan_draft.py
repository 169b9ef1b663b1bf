"""draft_plan: the pre-filled context and the suggestions, with real numbers."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from rtm_tui.domain.plan_draft import (
    Suggestion,
    draft_plan,
    erlang_suggestion,
    staffing_estimate,
    worst_kpi,
)
from rtm_tui.domain.plans import RootCause
from rtm_tui.domain.types import (
    AgentRow,
    AgentState,
    Alert,
    AlertKind,
    AttendanceCounts,
    Direction,
    KpiTarget,
    KpiValue,
    LoginStatus,
    MonitorView,
    Severity,
    StaffingRules,
    Status,
    VoiceCounts,
    VoiceNow,
    VoiceQueue,
    VoiceSnapshot,
)
from rtm_tui.i18n.plans import suggestion_text

JKT = ZoneInfo("Asia/Jakarta")
INTERVAL = datetime(2025, 3, 10, 14, 0, tzinfo=JKT)
NOW = INTERVAL + timedelta(minutes=15)
STAFFING = StaffingRules()  # 80 % in 20 s


def row(
    agent_id: str,
    name: str,
    state: AgentState = AgentState.AVAILABLE,
    *,
    aux_code: str | None = None,
    since_min: float = 1,
    limit_each: float | None = None,
    used: float = 0,
    allowance: float | None = 3600,
    login: LoginStatus = LoginStatus.ON_TIME,
    late_by: timedelta | None = None,
) -> AgentRow:
    return AgentRow(
        agent_id=agent_id,
        name=name,
        team="T1",
        state=state,
        aux_code=aux_code,
        state_since=NOW - timedelta(minutes=since_min),
        aux_used_seconds=used,
        aux_allowance_seconds=allowance,
        aux_limit_each_seconds=limit_each,
        aux_warn_ratio=0.8,
        login_status=login,
        late_by=late_by,
    )


def voice(offered: int, answered: int, aht: float, available: int, on_contact: int):
    counts = VoiceCounts(
        offered=offered,
        answered=answered,
        handle_seconds=answered * aht,
        answered_within_sl=answered - 10,
    )
    today = VoiceCounts(offered=900, answered=850, handle_seconds=850 * 200.0)
    return VoiceSnapshot(
        as_of=NOW,
        interval_minutes=30,
        service_level_seconds=20,
        queues=(
            VoiceQueue(
                "q_general",
                "General [bold]",
                INTERVAL,
                counts,
                today,
                VoiceNow(waiting=4, agents_available=available, agents_on_contact=on_contact),
            ),
        ),
    )


SCR = KpiValue(
    kpi="scr",
    scope="q_general",
    period="interval",
    value=88.0,
    status=Status.BREACH,
    target=KpiTarget("scr", Direction.HIGHER, sla=95.0, slg=90.0),
    counts={"answered": 44, "offered": 50},
)
SCR_TODAY = KpiValue("scr", "q_general", "today", 94.0, Status.WARNING)
AHT_OK = KpiValue("aht", "all", "interval", 170.0, Status.OK)

ROWS = (
    row("A1", "Ann [/]", AgentState.AUX, aux_code="TOILET", since_min=14, limit_each=600),
    row("A2", "Budi", AgentState.ON_CONTACT),
    row("A3", "Citra", AgentState.AUX, aux_code="SHOLAT", since_min=5, limit_each=900),
    row("A4", "Dewi", AgentState.AVAILABLE, used=4000, allowance=3600),
    row("A5", "Eko", AgentState.LOGGED_OUT, login=LoginStatus.ABSENT),
    row("A6", "Fajar", AgentState.LOGGED_OUT, login=LoginStatus.ABSENT),
    row("A7", "Gita", AgentState.AUX, aux_code="BRIEFING", since_min=3),
    row("A8", "Hadi", AgentState.AVAILABLE, login=LoginStatus.LATE, late_by=timedelta(minutes=12)),
)


def view(rows=ROWS, kpis=(AHT_OK, SCR_TODAY, SCR), alerts=()) -> MonitorView:
    return MonitorView(NOW, rows, kpis, AttendanceCounts(), (), alerts)


def test_erlang_check_value_a10_aht180_needs_14_for_80_20() -> None:
    # 50 calls in the first 15 minutes -> 100 in the 30-minute interval; 100 x 180 / 1800 = 10 E
    est = staffing_estimate(ROWS, voice(50, 50, 180.0, 9, 2), STAFFING)
    assert est is not None
    assert est.projected_calls == 100
    assert est.aht == 180
    assert abs(est.traffic - 10.0) < 1e-9
    assert est.needed == 14
    assert (est.working, est.in_aux) == (11, 3)
    assert est.short == 3 and est.from_aux == 3


def said(suggestion: Suggestion | None) -> str:
    assert suggestion is not None
    return suggestion_text(suggestion)


def said_all(suggestions: tuple[Suggestion, ...]) -> tuple[str, ...]:
    return tuple(suggestion_text(s) for s in suggestions)


def test_erlang_suggestion_text() -> None:
    text = said(erlang_suggestion(ROWS, voice(50, 50, 180.0, 9, 2), STAFFING))
    assert text == (
        "Erlang C: 14 agents needed next interval for 80 % in 20 s "
        "(now available+on contact: 11, in AUX: 3) — bring 3 back from AUX"
    )


def test_erlang_suggestion_short_beyond_aux_and_enough() -> None:
    short = said(erlang_suggestion(ROWS, voice(50, 50, 180.0, 5, 2), STAFFING))
    assert short.endswith(
        "— bring 3 back from AUX and find 4 more (backup, overtime)"
    )
    enough = said(erlang_suggestion(ROWS, voice(50, 50, 180.0, 10, 6), STAFFING))
    assert "— enough agents now" in enough


def test_erlang_uses_todays_aht_when_nothing_answered_yet_and_skips_too_early() -> None:
    est = staffing_estimate(ROWS, voice(10, 0, 0.0, 3, 0), STAFFING)
    assert est is not None and est.aht == 200.0  # today's 850 x 200 s / 850
    early = voice(50, 50, 180.0, 9, 2)
    early = VoiceSnapshot(INTERVAL + timedelta(minutes=2), 30, 20, early.queues)
    assert staffing_estimate(ROWS, early, STAFFING) is None
    assert staffing_estimate(ROWS, None, STAFFING) is None


def test_draft_from_kpi_gauge_prefills_context_and_suggestions() -> None:
    d = draft_plan(NOW, "siang", "Rina", view(), SCR, voice(50, 50, 180.0, 9, 2), STAFFING, 30)
    assert (d.kpi, d.scope, d.period) == ("scr", "q_general", "interval")
    assert d.scope_label == "General [bold] (q_general)"
    assert (d.sla, d.slg, d.actual) == (95.0, 90.0, 88.0)
    assert d.counts == {"answered": 44, "offered": 50}
    assert d.interval_start == INTERVAL and d.date == INTERVAL.date()
    assert (d.tl_shift, d.tl_name, d.created_at) == ("siang", "Rina", NOW)
    assert d.default_due == INTERVAL + timedelta(minutes=60)
    assert d.value_text(d.actual) == "88.0 %"
    s = said_all(d.suggestions)
    assert s[0] == "Bring Ann [/] back from AUX TOILET (in AUX 14:00, limit 10:00)"
    assert s[1] == "Dewi: no more AUX this shift (used 1:06:40, allowance 1:00:00)"
    assert s[2].startswith("In AUX now (")  # a voice KPI: who is in AUX now
    assert s[3] == "Call the absent agents (2): Eko, Fajar; ask for a replacement"
    assert s[4].startswith("Erlang C: 14 agents needed")
    assert len(s) == 5  # Citra (5 of 15 min) and Gita (no limit) are not over


def test_draft_from_selected_agent_uses_the_agents_indicator() -> None:
    selected = ROWS[0]
    d = draft_plan(NOW, "siang", "Rina", view(), selected, None, STAFFING, 30)
    assert d.kpi == "aux_over_limit"
    assert d.scope == "agent:A1" and d.scope_label == "Ann [/] (A1)"
    assert d.actual == 14 * 60 and d.sla == 600
    assert d.value_text(d.actual) == "14:00"
    assert d.root_cause_hint is RootCause.EXCESS_AUX
    late = draft_plan(NOW, "siang", "Rina", view(), ROWS[7], None, STAFFING, 30)
    assert (late.kpi, late.actual) == ("late_login", 720.0)
    assert late.root_cause_hint is RootCause.UNDERSTAFFING
    absent = draft_plan(NOW, "siang", "Rina", view(), ROWS[4], None, STAFFING, 30)
    assert absent.kpi == "absent"
    # no voice snapshot: no Erlang line
    assert not any(x.startswith("Erlang") for x in said_all(d.suggestions))


def test_selected_agent_leads_the_aux_suggestions() -> None:
    rows = (
        *ROWS,
        row("A9", "Ina", AgentState.AUX, aux_code="TOILET", since_min=30, limit_each=600),
    )
    d = draft_plan(NOW, "siang", "Rina", view(rows=rows), rows[-1], None, STAFFING, 30)
    assert said_all(d.suggestions) == ("Bring Ina back from AUX TOILET (in AUX 30:00, limit 10:00)",)


def test_draft_from_kpi_alert_finds_the_interval_gauge() -> None:
    alert = Alert(
        key="kpi:scr:q_general",
        kind=AlertKind.KPI,
        severity=Severity.BREACH,
        raised_at=NOW,
        message="SCR 88.0 % below SLG 90.0 %",
        kpi="scr",
        scope="q_general",
        value=88.0,
        limit=90.0,
    )
    d = draft_plan(NOW, "pagi", "Rina", view(), alert, None, STAFFING, 30)
    assert (d.kpi, d.period, d.actual, d.sla) == ("scr", "interval", 88.0, 95.0)


def test_rotg_alert_for_agent_no_longer_in_aux() -> None:
    # Budi's TOILET ran 12 min (limit 10) and he is back on a call: the alert still counts
    alert = Alert(
        key="rotg:A2:TOILET:each",
        kind=AlertKind.ROTG,
        severity=Severity.BREACH,
        raised_at=NOW - timedelta(minutes=3),
        message="TOILET 12:00 over 10:00",
        agent_id="A2",
        code="TOILET",
        value=720.0,
        limit=600.0,
    )
    d = draft_plan(NOW, "siang", "Rina", view(alerts=(alert,)), alert, None, STAFFING, 30)
    assert (d.kpi, d.actual, d.sla, d.scope) == ("aux_over_limit", 720.0, 600.0, "agent:A2")
    assert said_all(d.suggestions) == ("Budi: TOILET 12:00 over 10:00",)  # his facts only


def test_nothing_selected_takes_the_worst_kpi_and_interval_is_floored() -> None:
    assert worst_kpi((AHT_OK, SCR_TODAY, SCR)) is SCR
    assert worst_kpi((AHT_OK,)) is None
    at = INTERVAL + timedelta(minutes=47, seconds=5)
    d = draft_plan(at, None, "", view(kpis=(AHT_OK,)), None, None, STAFFING, 30)
    assert d.kpi == "" and d.scope == "all"
    assert d.interval_start == INTERVAL + timedelta(minutes=30)
    assert d.tl_shift is None
    many = tuple(
        row(f"X{i}", f"Agent {i}", AgentState.LOGGED_OUT, login=LoginStatus.ABSENT)
        for i in range(11)
    )
    d = draft_plan(NOW, "siang", "Rina", view(rows=many), None, None, STAFFING, 30)
    assert said_all(d.suggestions) == (
        "Call the absent agents (11): Agent 0, Agent 1, Agent 2, Agent 3, Agent 4, Agent 5, "
        "Agent 6, Agent 7 and 3 more; ask for a replacement",
    )
