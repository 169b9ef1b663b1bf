"""grafana/rtm-dashboard.json: provisioning-ready, and every metric it queries is served."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any

from app_helpers import SIZE, wait_live
from metrics_helpers import metrics_app, metrics_settings, samples, scrape

ROOT = Path(__file__).resolve().parents[2]
DASHBOARD = ROOT / "grafana" / "rtm-dashboard.json"
METRIC = re.compile(r"\b(rtm_[a-z0-9_]+)\b")


def load() -> dict[str, Any]:
    return json.loads(DASHBOARD.read_text(encoding="utf-8"))


def panels(dash: dict[str, Any]) -> list[dict[str, Any]]:
    return [p for p in dash["panels"] if p["type"] != "row"]


def queries(dash: dict[str, Any]) -> list[str]:
    """Every PromQL expression: the panels' targets and the query variables."""
    out = [t["expr"] for p in panels(dash) for t in p.get("targets", [])]
    out += [v["definition"] for v in dash["templating"]["list"] if v["type"] == "query"]
    return out


def test_dashboard_is_provisioning_ready_with_datasource_and_queue_variables() -> None:
    dash = load()
    assert dash["uid"] == "rtm-tui" and "__inputs" not in dash and dash.get("id") is None
    variables = {v["name"]: v for v in dash["templating"]["list"]}
    assert variables["datasource"]["type"] == "datasource"
    assert variables["datasource"]["query"] == "prometheus"
    assert variables["queue"]["type"] == "query" and "queue" in variables["queue"]["definition"]
    for p in panels(dash):
        assert p["datasource"]["uid"] == "${datasource}", p["title"]
        assert p["targets"], p["title"]
        for t in p["targets"]:
            assert t["datasource"]["uid"] == "${datasource}", p["title"]
    ids = [p["id"] for p in dash["panels"]]
    assert len(ids) == len(set(ids))


def test_dashboard_plots_what_the_issue_lists() -> None:
    text = " ".join(queries(load()))
    for needle in (
        'kpi="scr"',
        'kpi="service_level"',
        'kpi="abandon"',
        'kpi="aht"',
        'kpi="asa"',
        "rtm_voice_waiting",
        "rtm_aux_over_limit_agents",
        "rtm_attendance_agents",
        "rtm_alerts_open",
        "rtm_plans",
    ):
        assert needle in text, needle


async def test_every_metric_the_dashboard_queries_is_served(tmp_path) -> None:
    from rtm_tui.store import Store

    path = tmp_path / "rtm.sqlite3"
    store = Store.open(path)  # an empty store: the plan series are there, at 0
    settings = metrics_settings()
    app, _sim, server = metrics_app(settings, agents=30, store=store)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await wait_live(pilot, app)
            body = await asyncio.to_thread(scrape, server.url)
    finally:
        server.stop()
        store.close()
    served = {name for name, _, _ in samples(body)}
    wanted = {m for q in queries(load()) for m in METRIC.findall(q)}
    assert wanted, "no metric found in the dashboard"
    assert wanted <= served, sorted(wanted - served)
