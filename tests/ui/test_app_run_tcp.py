"""`rtm run` against `rtm simulate` over a real loopback socket: config -> token from the
environment -> HTTP -> the dashboard, the way a site would run it."""

from __future__ import annotations

import pytest
from app_helpers import SIZE, make_settings, screen_text, wait_live

from rtm_tui.ui.board import AgentBoard
from rtm_tui.ui.launch import build_run_app

TOKEN = "s3cret-token-never-shown"


@pytest.fixture
def simulate_url(rtm_simulate) -> str:
    return rtm_simulate("--token", TOKEN, "--agents", "30", "--seed", "11")


async def test_rtm_run_reads_rtm_simulate_over_tcp(simulate_url, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("RTM_TEST_TOKEN", TOKEN)
    settings = make_settings(
        omnichannel={"base_url": simulate_url, "token_env": "RTM_TEST_TOKEN"},
        storage={"database": str(tmp_path / "rtm.sqlite3")},
    )
    app, store = build_run_app(settings)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await wait_live(pilot, app)
            assert app.view is not None and len(app.view.rows) >= 30
            text = screen_text(app)
            assert "DEMO" not in text
            selected = app.query_one(AgentBoard).selected_row
            assert selected is not None and selected.name in text  # the board shows agents
            assert TOKEN not in text
    finally:
        if store is not None:
            store.close()
    assert (tmp_path / "rtm.sqlite3").exists()


async def test_rtm_run_with_a_wrong_token_says_credentials_rejected(
    simulate_url, tmp_path, monkeypatch
) -> None:
    monkeypatch.setenv("RTM_TEST_TOKEN", "wrong")
    settings = make_settings(
        omnichannel={"base_url": simulate_url, "token_env": "RTM_TEST_TOKEN"},
        storage={"database": str(tmp_path / "rtm.sqlite3")},
    )
    app, store = build_run_app(settings)
    try:
        async with app.run_test(size=SIZE) as pilot:
            poller = app.feed.pollers["agents"]
            for _ in range(200):
                if poller.freshness.last_error:
                    break
                await pilot.pause(0.05)
            assert "credentials rejected" in (poller.freshness.last_error or "")
            await pilot.press("f")  # the source detail shows the error
            await pilot.pause(0.2)
            assert "credentials rejected" in screen_text(app)
            assert "wrong" not in screen_text(app)
    finally:
        if store is not None:
            store.close()
