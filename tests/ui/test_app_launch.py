"""`rtm run` without an API configured; `rtm demo` builds its parts."""

from __future__ import annotations

from datetime import datetime, time

from app_helpers import SIZE, frozen, make_settings, screen_text, wait_live

from rtm_tui.cli import main
from rtm_tui.ui.launch import build_demo_app


def test_run_without_base_url_exits_2_with_a_clear_message(tmp_path, capsys, monkeypatch) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[site]\nname = "Test"\n', encoding="utf-8")
    monkeypatch.setenv("RTM_DATA_DIR", str(tmp_path / "data"))
    assert main(["--config", str(config), "run"]) == 2
    err = capsys.readouterr().err
    assert "[omnichannel] base_url" in err
    assert "rtm demo" in err
    assert str(config) in err


def test_run_without_base_url_in_indonesian(tmp_path, capsys) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[site]\nlanguage = "id"\n', encoding="utf-8")
    assert main(["--config", str(config), "run"]) == 2
    assert "belum diatur" in capsys.readouterr().err


async def test_demo_app_runs_on_the_embedded_simulator() -> None:
    app, sim = build_demo_app(make_settings(), frozen(), agents=25, seed=3, quiet=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_live(pilot, app)
        assert app.context.demo
        assert len(app.view.rows) == 25
        assert sim.seed == 3
        assert app.header.demo


def test_demo_starts_in_a_busy_shift_when_opened_at_night() -> None:
    from app_helpers import JAKARTA, make_settings

    from rtm_tui.ui.launch import demo_start

    settings = make_settings()
    night = datetime(2026, 11, 25, 2, 45, tzinfo=JAKARTA)
    assert demo_start(night, settings) == datetime(2026, 11, 25, 10, 40, tzinfo=JAKARTA)
    afternoon = datetime(2026, 11, 25, 16, 5, 7, tzinfo=JAKARTA)
    assert demo_start(afternoon, settings) == afternoon  # inside TL siang: real time
    assert demo_start(night, settings, time(13, 15)) == datetime(2026, 11, 25, 13, 15, tzinfo=JAKARTA)


def test_demo_start_flag_is_validated(capsys) -> None:
    import pytest

    from rtm_tui.cli import main

    with pytest.raises(SystemExit):
        main(["demo", "--start", "25:00"])
    assert "'25:00' is not a time" in capsys.readouterr().err


async def test_the_demo_has_the_simulators_forecast_when_none_is_configured() -> None:

    clock = frozen()
    app, sim = build_demo_app(make_settings(), clock, agents=25, seed=3, quiet=True)
    assert app.feed is not None
    forecast = app.feed.coverage.forecast
    assert forecast is not None
    day = clock.now().astimezone(app.settings.tz).date()
    planned = sim.forecast(day)
    got = forecast[day]
    assert len(got) == len(planned) == 48
    # the same calls per interval as the simulator plans, at the interval's local time
    assert [(f"{f.start:%H:%M}", round(f.calls, 6)) for f in got] == [
        (hhmm, round(calls, 6)) for hhmm, calls, _aht in planned
    ]
    async with app.run_test(size=SIZE) as pilot:
        await wait_live(pilot, app)
        await pilot.press("3")
        await pilot.pause(0.3)
        assert "No forecast" not in screen_text(app)
