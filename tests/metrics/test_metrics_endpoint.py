"""The metrics endpoint on the real app and simulator: what it serves is what the app shows."""

from __future__ import annotations

import asyncio
import socket
from collections import Counter
from dataclasses import replace
from datetime import timedelta

import pytest
from app_helpers import MORNING, SIZE, frozen, make_settings, wait_for, wait_live
from metrics_helpers import metrics_app, metrics_settings, samples, scrape, value

from rtm_tui.app.metrics import MetricsHub, MetricsServer, aux_over_limit, start_metrics
from rtm_tui.config import ConfigError, Settings, load_settings
from rtm_tui.domain.kpi import family_of
from rtm_tui.domain.types import AgentRow, AgentState, LoginStatus
from rtm_tui.sources.pollers import Freshness
from rtm_tui.ui.board import aux_used_level, timer_level

# ---------------------------------------------------------------------- config


@pytest.mark.parametrize(
    ("listen", "address"),
    [
        ("127.0.0.1:9108", ("127.0.0.1", 9108)),
        (":9108", ("127.0.0.1", 9108)),  # no host: loopback
        ("localhost:9200", ("localhost", 9200)),
        ("[::1]:9108", ("::1", 9108)),
        ("0.0.0.0:9108", ("0.0.0.0", 9108)),
        ("", None),
    ],
)
def test_listen_reads_as_host_and_port(listen, address) -> None:
    assert Settings.model_validate({"metrics": {"listen": listen}}).metrics.address == address


def test_metrics_are_off_by_default() -> None:
    s = Settings()
    assert s.metrics.listen == "" and s.metrics.per_agent is False
    assert start_metrics(s, frozen()) == (None, None)


@pytest.mark.parametrize(
    ("listen", "says"),
    [
        ("9108", "is not host:port"),
        ("127.0.0.1", "is not host:port"),
        ("127.0.0.1:0", "port 0 is not 1 to 65535"),
        ("127.0.0.1:70000", "port 70000"),
        ("::1:9108", "IPv6 address goes in brackets"),
        ("http://127.0.0.1:9108", "is not a host name"),
    ],
)
def test_a_bad_listen_is_a_config_error_naming_the_key(tmp_path, listen, says) -> None:
    path = tmp_path / "config.toml"
    path.write_text(f'[metrics]\nlisten = "{listen}"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    assert "metrics.listen:" in str(info.value) and says in str(info.value)


def test_an_address_in_use_is_reported_and_the_app_runs_on() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        settings = make_settings(metrics={"listen": f"127.0.0.1:{port}"})
        server, error = start_metrics(settings, frozen())
    assert server is None
    assert error is not None and f"cannot listen on 127.0.0.1:{port}" in error


# ---------------------------------------------------------------------- collector


def _row(**changes) -> AgentRow:
    base = AgentRow(
        agent_id="A1",
        name="Ann",
        team="T1",
        state=AgentState.AUX,
        aux_code="TOILET",
        state_since=MORNING - timedelta(minutes=11),
        aux_used_seconds=1000,
        aux_allowance_seconds=5400,
        aux_limit_each_seconds=600,
        aux_warn_ratio=0.8,
        login_status=LoginStatus.ON_TIME,
    )
    return replace(base, **changes)


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"state_since": MORNING - timedelta(minutes=9)},
        {"state": AgentState.AVAILABLE},
        {"aux_limit_each_seconds": None},
        {"aux_used_seconds": 6000},
        {"aux_allowance_seconds": None, "aux_used_seconds": 9000},
        {"missing": True},
    ],
)
def test_aux_over_limit_is_the_boards_red(changes) -> None:
    row = _row(**changes)
    occurrence, shift = aux_over_limit(row, MORNING)
    assert occurrence == (timer_level(row, MORNING) == "breach")
    assert shift == (not row.missing and aux_used_level(row, row.aux_used_seconds) == "breach")


def test_sources_age_failures_and_last_success_without_a_view() -> None:
    clock = frozen()
    hub = MetricsHub()
    server = MetricsServer(hub, "127.0.0.1", 0, site="S", clock=clock)
    server.start()
    try:
        hub.publish(
            None,
            {
                "agents": Freshness(last_success=MORNING - timedelta(seconds=42), consecutive_failures=3),
                "roster": Freshness(),
            },
        )
        body = scrape(server.url)
    finally:
        server.stop()
    assert value(body, "rtm_source_age_seconds", source="agents") == 42
    assert value(body, "rtm_source_consecutive_failures", source="agents") == 3
    assert value(body, "rtm_source_last_success_timestamp_seconds", source="agents") == (
        MORNING - timedelta(seconds=42)
    ).timestamp()
    # never succeeded: no age, no timestamp, but its failures
    names = {(n, ls.get("source")) for n, ls, _ in samples(body)}
    assert ("rtm_source_age_seconds", "roster") not in names
    assert ("rtm_source_consecutive_failures", "roster") in names
    assert not any(n.startswith("rtm_kpi") for n, _ in names)  # no view yet


# ---------------------------------------------------------------------- live app


async def test_a_scrape_serves_what_the_app_shows(monkeypatch) -> None:
    token = "s3cret-token-value-0042"
    monkeypatch.setenv("RTM_OMNICHANNEL_TOKEN", token)
    settings = metrics_settings()
    app, _sim, server = metrics_app(settings, token=token)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await wait_live(pilot, app)
            await pilot.pause(0.3)
            view = app.view
            # called on the event loop's own thread, blocking it: a scrape that needed
            # the loop would never finish
            body = scrape(server.url)
    finally:
        server.stop()
    assert token not in body and "sim/api" not in body
    site = settings.site.name
    assert all(ls.get("site") == site for _, ls, _ in samples(body))
    att = view.attendance
    for name in ("scheduled", "present", "late", "absent", "off", "not_yet_in", "not_rostered", "early_out"):
        assert value(body, "rtm_attendance_agents", status=name) == getattr(att, name), name
    # every KPI and its components, per scope and period
    for kv in view.kpis:
        labels = {"kpi": kv.kpi, "scope": kv.scope, "period": kv.period}
        if kv.value is not None:
            metric = {"scr": "rtm_kpi_ratio", "aht": "rtm_kpi_seconds", "calls_waiting": "rtm_kpi_count"}
            if kv.kpi in metric:
                factor = 0.01 if kv.kpi == "scr" else 1
                assert value(body, metric[kv.kpi], **labels) == pytest.approx(kv.value * factor)
        code = {"no_data": -1, "ok": 0, "warning": 1, "breach": 2}[kv.status.value]
        assert value(body, "rtm_kpi_status", **labels) == code
        if kv.kpi == "scr":
            for part in ("offered", "answered", "abandoned", "answered_within_sl", "handle_seconds"):
                assert value(body, f"rtm_voice_{part}", queue=kv.scope, period=kv.period) == kv.counts[part]
        if kv.kpi == "waiting_list" and kv.period == "interval":
            assert value(body, "rtm_nonvoice_waiting", channel=kv.scope) == kv.counts["waiting"]
        if family_of(kv.kpi) == "nonvoice" and kv.kpi == "response_time":
            assert value(body, "rtm_nonvoice_responded", channel=kv.scope, period=kv.period) == kv.counts["responded"]
    states = Counter(r.state.value for r in view.rows)
    for state in AgentState:
        assert value(body, "rtm_agents", state=state.value) == states.get(state.value, 0)
    codes = Counter(r.aux_code for r in view.rows if r.state == AgentState.AUX)
    for code, n in codes.items():
        assert value(body, "rtm_agents_aux", code=code or "unknown") == n
    alerts = Counter((a.kind.value, a.severity.value) for a in view.open_alerts)
    assert sum(v for n, _, v in samples(body) if n == "rtm_alerts_open") == len(view.open_alerts)
    for (kind, severity), n in alerts.items():
        assert value(body, "rtm_alerts_open", kind=kind, severity=severity) == n
    for source in ("agents", "voice", "nonvoice", "roster"):
        assert value(body, "rtm_source_consecutive_failures", source=source) == 0
    # bounded: no per-agent series, no agent id anywhere
    assert not any(n.startswith("rtm_agent_") for n, _, _ in samples(body))
    assert not any(r.agent_id in body for r in view.rows)
    assert "rtm_plans" not in body  # no store, no plan metrics


async def test_per_agent_series_only_when_asked() -> None:
    settings = metrics_settings(per_agent=True)
    app, _sim, server = metrics_app(settings, agents=20)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await wait_live(pilot, app)
            view = app.view
            body = await asyncio.to_thread(scrape, server.url)
    finally:
        server.stop()
    got = {ls["agent_id"]: ls["state"] for n, ls, _ in samples(body) if n == "rtm_agent_state"}
    assert got == {r.agent_id: r.state.value for r in view.rows}
    used = {ls["agent_id"]: v for n, ls, v in samples(body) if n == "rtm_agent_aux_used_seconds"}
    assert used == {r.agent_id: r.aux_used_seconds for r in view.rows}


async def test_the_app_publishes_freshness_while_a_source_fails() -> None:
    """A failing source brings no new view; its failures still reach the endpoint."""
    settings = metrics_settings()
    cable: list = []
    app, _sim, server = metrics_app(settings, agents=10, cable=cable)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await wait_live(pilot, app)
            cable[0].down = True
            hub = server.hub

            def failing() -> bool:
                fr = hub.snapshot.freshness.get("voice")
                return fr is not None and fr.consecutive_failures >= 1

            await wait_for(pilot, failing)
            expected = hub.snapshot.freshness["voice"]
            body = await asyncio.to_thread(scrape, server.url)
    finally:
        server.stop()
    got = value(body, "rtm_source_consecutive_failures", source="voice")
    assert got >= expected.consecutive_failures >= 1


async def test_plans_by_status_and_overdue_from_the_store(tmp_path) -> None:
    from rtm_tui.domain.plans import PlanAction, RecoveryPlan, RootCause
    from rtm_tui.store import Store

    path = tmp_path / "rtm.sqlite3"
    settings = metrics_settings()
    store = Store.open(path, site=settings.site.name)  # as the app opens it: its site's plans
    base = dict(
        created_at=MORNING - timedelta(hours=2),
        date=MORNING.date(),
        tl_shift="pagi",
        interval_start=MORNING - timedelta(hours=2),
        kpi="scr",
        scope="all",
        sla=95.0,
        slg=90.0,
        actual=80.0,
        root_cause=RootCause.VOLUME_SPIKE,
        analysis="spike",
        tl_name="Rina",
    )
    late = RecoveryPlan(**base, actions=(PlanAction("x", "Rina", MORNING - timedelta(hours=1)),))
    later = RecoveryPlan(**base, actions=(PlanAction("y", "Rina", MORNING + timedelta(hours=1)),))
    store.save_plan(late, "Rina")
    second = store.save_plan(later, "Rina")
    store.set_status(second.id, "in_progress", "Rina", MORNING)
    app, _sim, server = metrics_app(settings, agents=10, store=store, store_path=path)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await wait_live(pilot, app)
            body = await asyncio.to_thread(scrape, server.url)
            assert value(body, "rtm_plans_overdue") == app.overdue_count == 1
    finally:
        server.stop()
        store.close()
    assert value(body, "rtm_plans_up") == 1
    assert value(body, "rtm_plans", status="open") == 1
    assert value(body, "rtm_plans", status="in_progress") == 1
    assert value(body, "rtm_plans", status="verified") == 0
