"""A real Prometheus server scrapes rtm running on the simulator; the values it stores,
read back through its HTTP API, are the ones the app shows.

Needs the `prometheus` binary (Debian package `prometheus`; `.ci/run` installs it). The
test starts it itself, on loopback, with a temporary config and data dir.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from app_helpers import SIZE, wait_live
from metrics_helpers import free_port, metrics_app, metrics_settings

PROMETHEUS = shutil.which("prometheus")

pytestmark = pytest.mark.skipif(
    PROMETHEUS is None,
    reason="the prometheus binary is not installed (apt-get install -y prometheus; .ci/run does it)",
)


def _get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.loads(response.read().decode("utf-8"))


class Prometheus:
    def __init__(self, base: str, proc: subprocess.Popen[bytes], log: Path) -> None:
        self.base = base
        self.proc = proc
        self.log = log

    def query(self, expr: str) -> list[dict[str, Any]]:
        data = _get(f"{self.base}/api/v1/query?" + urllib.parse.urlencode({"query": expr}))
        assert data["status"] == "success", data
        return list(data["data"]["result"])

    def scalar(self, expr: str) -> float:
        result = self.query(expr)
        assert len(result) == 1, (expr, result)
        return float(result[0]["value"][1])

    def version(self) -> str:
        return str(_get(f"{self.base}/api/v1/status/buildinfo")["data"]["version"])


@pytest.fixture
def prometheus(tmp_path: Path) -> Iterator[Any]:
    """start(target "host:port") -> a Prometheus scraping it every second."""
    procs: list[subprocess.Popen[bytes]] = []

    def start(target: str) -> Prometheus:
        port = free_port()
        config = tmp_path / "prometheus.yml"
        config.write_text(
            "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
            "scrape_configs:\n  - job_name: rtm\n    static_configs:\n"
            f"      - targets: ['{target}']\n",
            encoding="utf-8",
        )
        log = tmp_path / "prometheus.log"
        assert PROMETHEUS is not None
        proc = subprocess.Popen(
            [
                PROMETHEUS,
                f"--config.file={config}",
                f"--storage.tsdb.path={tmp_path / 'data'}",
                f"--web.listen-address=127.0.0.1:{port}",
            ],
            stdout=subprocess.DEVNULL,
            stderr=log.open("wb"),
        )
        procs.append(proc)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{base}/-/ready", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError("prometheus did not start:\n" + log.read_text(errors="replace"))
            time.sleep(0.2)
        return Prometheus(base, proc, log)

    yield start
    for proc in procs:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


async def _until(check: Any, timeout: float = 30.0) -> Any:
    """Poll `check()` (run in a thread: it does HTTP) until it returns something truthy."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        try:
            last = await asyncio.to_thread(check)
        except (OSError, AssertionError) as exc:
            last = exc
        if last and not isinstance(last, Exception):
            return last
        await asyncio.sleep(0.3)
    raise AssertionError(f"not within {timeout} s: {last!r}")


async def test_prometheus_scrapes_rtm_and_stores_what_the_app_shows(prometheus) -> None:
    settings = metrics_settings()
    app, _sim, server = metrics_app(settings, agents=40)
    host, port = settings.metrics.address
    try:
        async with app.run_test(size=SIZE) as pilot:
            await wait_live(pilot, app)
            await pilot.pause(0.3)  # the clock is frozen: this view stays the app's view
            view = app.view
            prom = await asyncio.to_thread(prometheus, f"{host}:{port}")
            print(f"Prometheus {prom.version()}")
            site = settings.site.name

            def scraped() -> bool:
                up = prom.query('up{job="rtm"}')
                present = prom.query('rtm_attendance_agents{status="present"}')
                return bool(up) and up[0]["value"][1] == "1" and bool(present)

            await _until(scraped)

            att = view.attendance
            present = await asyncio.to_thread(
                prom.scalar, f'rtm_attendance_agents{{site="{site}",status="present"}}'
            )
            assert present == att.present
            assert att.present > 0  # a morning in the simulator: people at work
            card = app.gauge_panel.attendance.counts
            assert card is not None and present == card.present  # what the card shows
            for name in ("scheduled", "late", "absent", "not_yet_in", "off"):
                got = await asyncio.to_thread(
                    prom.scalar, f'rtm_attendance_agents{{status="{name}"}}'
                )
                assert got == getattr(att, name), name

            # SCR: its value and its components, for the whole site this interval
            scr = next(
                k for k in view.kpis if (k.kpi, k.scope, k.period) == ("scr", "all", "interval")
            )
            sel = 'queue="all",period="interval"'
            answered = await asyncio.to_thread(prom.scalar, f"rtm_voice_answered{{{sel}}}")
            offered = await asyncio.to_thread(prom.scalar, f"rtm_voice_offered{{{sel}}}")
            assert (answered, offered) == (scr.counts["answered"], scr.counts["offered"])
            ratio = await asyncio.to_thread(
                prom.scalar, 'rtm_kpi_ratio{kpi="scr",scope="all",period="interval"}'
            )
            assert ratio * 100 == pytest.approx(scr.value)
            gauge = next(g for g in app.gauge_panel.gauges() if g.kpi == "scr")
            assert gauge.current is not None and gauge.current.value == pytest.approx(ratio * 100)
            # Grafana's own arithmetic on the components gives the same SCR (no short
            # abandons excluded by default)
            recomputed = await asyncio.to_thread(
                prom.scalar,
                f"rtm_voice_answered{{{sel}}} / rtm_voice_offered{{{sel}}}",
            )
            assert recomputed == pytest.approx(ratio)

            agents = await asyncio.to_thread(prom.scalar, "sum(rtm_agents)")
            assert agents == len(view.rows)
            alerts = await asyncio.to_thread(prom.scalar, "sum(rtm_alerts_open)")
            assert alerts == len(view.open_alerts)
            # no per-agent series, every series carries the site
            assert await asyncio.to_thread(prom.query, '{__name__=~"rtm_agent_.*"}') == []
            no_site = await asyncio.to_thread(prom.query, '{job="rtm",__name__=~"rtm_.*",site=""}')
            assert no_site == []

            # every query of the Grafana dashboard runs, and finds data, with its variables
            # set as Grafana would (site, queue "all", a channel, period "interval")
            from test_grafana_dashboard import load, queries

            # a channel with a response time this interval (no reply yet: no value, no series)
            channel = next(
                k.scope
                for k in view.kpis
                if (k.kpi, k.period) == ("response_time", "interval") and k.value is not None
            )
            values = {"$site": site, "$queue": "all", "$channel": channel, "$period": "interval"}
            for expr in queries(load()):
                if expr.startswith("label_values("):
                    continue  # a Grafana function, not PromQL (its metric is checked below)
                for name, v in values.items():
                    expr = expr.replace(name, v)
                result = await asyncio.to_thread(prom.query, expr)
                if "rtm_plans" not in expr:  # no store in this test: no plan series
                    assert result, expr
    finally:
        server.stop()


async def test_prometheus_stores_the_plan_counts_of_either_engine(prometheus, store_url) -> None:
    """The plan series as Prometheus keeps them, from a SQLite file or the shared
    PostgreSQL database; a plan another TL's rtm files there is in the next scrapes."""
    from datetime import timedelta

    from test_metrics_plans import Filed

    from rtm_tui.store import Store

    url, password = store_url
    pagi = Store.open_url(url, password=password)
    siang = Store.open_url(url, password=password)
    filed = Filed()
    filed.file(pagi, "Rina", -timedelta(hours=1))
    done = filed.file(siang, "Budi", timedelta(hours=1))
    filed.move(siang, done, "in_progress", "done")
    settings = metrics_settings()
    app, _sim, server = metrics_app(settings, agents=10, store=pagi, plans_every=0.3)
    host, port = settings.metrics.address
    try:
        async with app.run_test(size=SIZE) as pilot:
            await wait_live(pilot, app)
            prom = await asyncio.to_thread(prometheus, f"{host}:{port}")

            def stored(by_status: dict[str, int], overdue: int) -> bool:
                got = {
                    r["metric"]["status"]: int(float(r["value"][1]))
                    for r in prom.query(f'rtm_plans{{site="{settings.site.name}"}}')
                }
                late = prom.query("rtm_plans_overdue")
                up = prom.query("rtm_plans_up")
                return (
                    got == by_status
                    and bool(late) and int(float(late[0]["value"][1])) == overdue
                    and bool(up) and up[0]["value"][1] == "1"
                )  # fmt: skip

            by_status, overdue = filed.expected()
            assert (by_status, overdue) == ({"open": 1, "in_progress": 0, "done": 1, "verified": 0}, 1)
            await _until(lambda: stored(by_status, overdue))
            filed.file(siang, "Budi", -timedelta(minutes=20))
            by_status, overdue = filed.expected()
            await _until(lambda: stored(by_status, overdue))
            total = await asyncio.to_thread(prom.scalar, "sum(rtm_plans)")
            assert total == len(filed.plans) == 3
    finally:
        server.stop()
        pagi.close()
        siang.close()
