"""`rtm run` without an API configured; `rtm demo` builds its parts."""

from __future__ import annotations

from app_helpers import SIZE, frozen, make_settings, wait_live

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
