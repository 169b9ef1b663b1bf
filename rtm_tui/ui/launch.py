"""`rtm demo` and `rtm run`: build the app's parts and open the dashboard.

`rtm demo` needs no network and no config: the simulator runs in-process behind
`httpx.ASGITransport`, on one FastClock shared by the simulator and the app. Its store is
a separate `demo.sqlite3` in the data dir, so demo plans never mix with real ones.
`rtm run` reads the configured Omnichannel API and the real store.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from rtm_tui.clock import Clock, FastClock
from rtm_tui.domain.coverage import IntervalForecast
from rtm_tui.ui.app import AppContext, RtmApp
from rtm_tui.ui.feed import Feed
from rtm_tui.ui.i18n import set_language, t

if TYPE_CHECKING:
    from rtm_tui.config import Settings

SIM_BASE_URL = "http://sim/api/v1"
DEMO_DATABASE = "demo.sqlite3"


def make_monitor(settings: Settings) -> Any:
    from rtm_tui.domain.monitor import ShiftMonitor

    return ShiftMonitor(
        settings.kpi_targets(),
        settings.kpi_options(),
        settings.rotg_rules(),
        settings.attendance_rules(),
        tl_shifts={name: (s.start, s.end) for name, s in settings.site.tl_shifts.items()},
        alert_rules=settings.alert_rules(),
    )


def open_store(
    path: Path | str, password: str | None = None, *, site: str = "", tl_name: str = ""
) -> tuple[Any | None, str | None]:
    """(the store, None): the SQLite file at `path`, or the shared PostgreSQL database
    when `path` is its URL. A store that cannot be opened now (folder missing or
    unwritable, disk full, server down) or opens read-only is still returned: it retries
    at each use and says what happened through its events, which the app shows from the
    start. The dashboard works without it; only plans and the shift record wait.
    (None, why) only for a failure that is not the database's. `site`, `tl_name`: whose
    records the app reads and writes (`[site] name`, `[site] tl_name`)."""
    from rtm_tui.store import Store

    try:
        store = Store.open_url(
            str(path), password=password, retry=True, site=site, tl_name=tl_name
        )
        path = store.path
    except Exception as exc:
        message = t("run.store_error", path=path, error=exc)
        print(message, file=sys.stderr)
        return None, message
    if store.health == "unavailable":
        print(t("run.store_error", path=path, error=store.open_error), file=sys.stderr)
    elif store.health == "read_only":
        print(t("store.read_only", path=path), file=sys.stderr)
    return store, None


def simulator_client(sim: Any, *, faults: Any | None = None, token: str | None = None) -> Any:
    """An OmnichannelClient talking to an in-process simulator (no sockets)."""
    from rtm_tui.simulator import make_asgi_app
    from rtm_tui.sources.client import OmnichannelClient

    transport = httpx.ASGITransport(app=make_asgi_app(sim, token=token, faults=faults))
    return OmnichannelClient(base_url=SIM_BASE_URL, token=token, transport=transport)


def build_app(
    settings: Settings,
    clock: Clock,
    client: Any,
    *,
    store: Any | None = None,
    demo: bool = False,
    quiet: bool = False,
    restore_state: bool = True,
    store_error: str | None = None,
    metrics: Any | None = None,
    metrics_error: str | None = None,
) -> RtmApp:
    """The app on any client (real API, in-process simulator, or a test's transport).
    `metrics`: a MetricsHub the app publishes each view to (see start_metrics)."""
    feed = Feed(
        settings=settings,
        clock=clock,
        client=client,
        monitor=make_monitor(settings),
        store=store,
        restore_state=restore_state,
    )
    context = AppContext(
        settings=settings,
        clock=clock,
        store=store,
        feed=feed,
        demo=demo,
        quiet=quiet,
        store_error=store_error,
        metrics=metrics,
        metrics_error=metrics_error,
    )
    return RtmApp(context)


def build_demo_app(
    settings: Settings,
    clock: Clock,
    *,
    agents: int = 60,
    seed: int = 7,
    store: Any | None = None,
    faults: Any | None = None,
    quiet: bool = False,
    store_error: str | None = None,
    metrics: Any | None = None,
    metrics_error: str | None = None,
) -> tuple[RtmApp, Any]:
    """The app on a fresh in-process simulator sharing `clock`. Returns (app, simulator)."""
    from rtm_tui.simulator import Simulator

    sim = Simulator(agents=agents, seed=seed, clock=clock, tz=settings.tz)
    client = simulator_client(sim, faults=faults)
    # a new simulator is a new day of events: yesterday's demo state would not match it
    app = build_app(
        settings,
        clock,
        client,
        store=store,
        demo=True,
        quiet=quiet,
        restore_state=False,
        store_error=store_error,
        metrics=metrics,
        metrics_error=metrics_error,
    )
    if not settings.staffing.forecast and app.feed is not None:
        day = clock.now().astimezone(settings.tz).date()
        app.feed.coverage.set_forecast(
            simulator_forecast(sim, day, settings), simulator_queue_forecast(sim, day, settings)
        )
    return app, sim


def simulator_forecast(
    sim: Any, day: date, settings: Settings
) -> dict[date, tuple[IntervalForecast, ...]]:
    """The demo's forecast when the config names no file: the simulator's own plan (its
    arrival rates without incidents) for `day` and the next, so the outlook and the
    roster coverage have a forecast to compare with, as at a site that has one."""
    minutes = settings.staffing.interval_minutes
    out: dict[date, tuple[IntervalForecast, ...]] = {}
    for d in (day, day + timedelta(days=1)):
        out[d] = tuple(
            IntervalForecast(
                datetime.combine(d, time(int(hhmm[:2]), int(hhmm[3:])), settings.tz), calls, aht
            )
            for hhmm, calls, aht in sim.forecast(d, minutes)
        )
    return out


def simulator_queue_forecast(
    sim: Any, day: date, settings: Settings
) -> dict[date, dict[str, tuple[IntervalForecast, ...]]]:
    """The same plan per voice queue (the simulator's own rates per queue), for the
    outlook's per-queue reforecast, as a forecast file with a `queue` column gives."""
    minutes = settings.staffing.interval_minutes
    out: dict[date, dict[str, tuple[IntervalForecast, ...]]] = {}
    for d in (day, day + timedelta(days=1)):
        out[d] = {
            queue: tuple(
                IntervalForecast(
                    datetime.combine(d, time(int(hhmm[:2]), int(hhmm[3:])), settings.tz),
                    calls,
                    aht,
                )
                for hhmm, calls, aht in rows
            )
            for queue, rows in sim.forecast_queues(d, minutes).items()
        }
    return out


DEMO_START_OFF_HOURS = time(10, 40)  # mid pagi, 10 minutes into an interval: all busy


def demo_start(now: datetime, settings: Settings, start: time | None = None) -> datetime:
    """Where the demo's clock starts: `--start HH:MM` today, else now when a TL shift is
    on, else 10:40 today, so a demo opened at night still shows a contact center at work."""
    if start is not None:
        return datetime.combine(now.date(), start, now.tzinfo)
    if settings.tl_shift_at(now) is not None:
        return now
    return datetime.combine(now.date(), DEMO_START_OFF_HOURS, now.tzinfo)


def demo(args: argparse.Namespace, settings: Settings | None) -> int:
    from rtm_tui.config import Settings, data_dir

    settings = settings or Settings()
    set_language(settings.site.language)
    start = demo_start(
        args.clock.now().astimezone(settings.tz), settings, getattr(args, "start", None)
    )
    clock = FastClock(start, getattr(args, "speed", 1.0) or 1.0)
    store, store_error = open_store(
        data_dir() / DEMO_DATABASE, site=settings.site.name, tl_name=settings.site.tl_name
    )
    server, metrics_error = start_metrics(settings, clock, store)
    app, _sim = build_demo_app(
        settings,
        clock,
        agents=getattr(args, "agents", 60),
        seed=getattr(args, "seed", 7),
        store=store,
        store_error=store_error,
        metrics=server.hub if server is not None else None,
        metrics_error=metrics_error,
    )
    try:
        app.run()
    finally:
        if server is not None:
            server.stop()
        if store is not None:
            store.close()
    return app.return_code or 0


def start_metrics(
    settings: Settings, clock: Clock, store: Any | None
) -> tuple[Any | None, str | None]:
    """The Prometheus endpoint of `[metrics]` (None when off), its plan counts read from
    the app's `store` (SQLite or the shared database; None: later, `count_plans`, or no
    plan metrics); (None, why) when it cannot listen, said in the app: the dashboard runs
    on without it."""
    if settings.metrics.address is None:
        return None, None
    from rtm_tui.app.metrics import start_metrics as start

    server, error = start(settings, clock, store)
    if error:
        print(f"rtm: {error}", file=sys.stderr)
    return server, error


def build_run_app(
    settings: Settings,
    clock: Clock | None = None,
    *,
    metrics: Any | None = None,
    metrics_error: str | None = None,
) -> tuple[RtmApp, Any | None]:
    """The app on the configured Omnichannel API, with its store: (app, store or None)."""
    from rtm_tui.sources.client import OmnichannelClient

    client = OmnichannelClient(
        base_url=settings.omnichannel.base_url.strip(),
        token=settings.token(),
        timeout=settings.omnichannel.timeout_seconds,
        verify_tls=settings.omnichannel.verify_tls,
    )
    store, store_error = open_store(
        settings.store_url(),
        settings.store_password(),
        site=settings.site.name,
        tl_name=settings.site.tl_name,
    )
    app = build_app(
        settings,
        clock or Clock(settings.tz),
        client,
        store=store,
        store_error=store_error,
        metrics=metrics,
        metrics_error=metrics_error,
    )
    return app, store


def run(args: argparse.Namespace, settings: Settings | None) -> int:
    from rtm_tui.config import Settings, resolve_config_path

    settings = settings or Settings()
    set_language(settings.site.language)
    base_url = settings.omnichannel.base_url.strip()
    if not base_url:
        path = resolve_config_path(getattr(args, "config", None))
        if path is None:
            from rtm_tui.config import default_config_path

            path = default_config_path()
        print(t("run.no_base_url", path=path), file=sys.stderr)
        return 2
    from rtm_tui.sources.sanitise import TokenError

    clock = Clock(settings.tz)
    server, metrics_error = start_metrics(settings, clock, None)
    try:
        app, store = build_run_app(
            settings,
            clock,
            metrics=server.hub if server is not None else None,
            metrics_error=metrics_error,
        )
    except TokenError as exc:  # the message names the variable, never the token
        if server is not None:
            server.stop()
        print(f"rtm: {exc}", file=sys.stderr)
        return 2
    if server is not None and store is not None:
        server.count_plans(store)  # the app's store, SQLite or the shared database
    try:
        app.run()
    finally:
        if server is not None:
            server.stop()
        if store is not None:
            store.close()
    return app.return_code or 0
