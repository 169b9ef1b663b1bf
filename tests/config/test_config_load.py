"""Config: defaults, the example file, lookup order, clear errors, `rtm init`."""

from __future__ import annotations

from datetime import datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pydantic import BaseModel

from rtm_tui.cli import main
from rtm_tui.config import (
    ConfigError,
    Settings,
    load_settings,
    starter_config,
)
from rtm_tui.domain.types import Direction

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.delenv("RTM_CONFIG", raising=False)
    monkeypatch.delenv("RTM_DATA_DIR", raising=False)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_without_a_file_defaults_apply():
    s = load_settings(None)
    assert s == Settings()
    assert s.site.timezone == "Asia/Jakarta"
    assert s.kpi_targets()["scr"].sla == 95
    assert s.kpi_targets()["abandon"].direction is Direction.LOWER


def test_example_config_loads_and_has_the_documented_defaults():
    s = load_settings(ROOT / "config.example.toml")
    targets = s.kpi_targets()
    assert (targets["scr"].sla, targets["scr"].slg) == (95, 90)
    assert (targets["abandon"].sla, targets["abandon"].slg) == (5, 10)
    assert targets["service_level"].sla == 80 and s.staffing.service_level_seconds == 20
    assert targets["aht"].sla == 300 and targets["response_time"].sla == 60
    rotg = s.rotg_rules()
    assert rotg.for_code("TOILET").max_minutes_each == 10
    assert rotg.for_code("SHOLAT").max_minutes_each == 15
    assert rotg.for_code("ISTIRAHAT").max_minutes_shift == 60
    assert rotg.for_code("NEVER-SEEN").code == "default"
    assert s.shift_definitions()["M1"].end == time(7)


def test_example_documents_every_key_with_a_comment():
    commented: dict[str, bool] = {}
    for line in (ROOT / "config.example.toml").read_text().splitlines():
        if "=" in line and not line.lstrip().startswith(("#", "[")):
            key = line.split("=", 1)[0].strip()
            commented[key] = commented.get(key, False) or "#" in line
    assert commented and not [k for k, ok in commented.items() if not ok]
    # and every settings key appears in the example
    for section in Settings.model_fields:
        sub = getattr(Settings(), section)
        if isinstance(sub, BaseModel):
            for key in type(sub).model_fields:
                if key not in {"tl_shifts", "default"}:
                    assert key in commented, f"{section}.{key} missing from config.example.toml"


def test_lookup_order_flag_then_env_then_user_dir(tmp_path, monkeypatch):
    env_file = write(tmp_path, '[site]\nname = "From env"\n')
    monkeypatch.setenv("RTM_CONFIG", str(env_file))
    assert load_settings(None).site.name == "From env"
    flag_file = tmp_path / "flag.toml"
    flag_file.write_text('[site]\nname = "From flag"\n')
    assert load_settings(flag_file).site.name == "From flag"


def test_user_config_dir_is_read(tmp_path):
    user_file = tmp_path / "xdg-config" / "rtm-tui" / "config.toml"
    user_file.parent.mkdir(parents=True)
    user_file.write_text('[site]\nname = "From user dir"\n')
    assert load_settings(None).site.name == "From user dir"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("colour = 1\n", "colour: unknown key"),
        ('[site]\ntimezone = "Mars/Base"\n', "site.timezone: 'Mars/Base' is not a known timezone"),
        (
            '[site.tl_shifts.pagi]\nstart = "25:00"\nend = "15:00"\n',
            "site.tl_shifts.pagi.start: '25:00' is not a time",
        ),
        ("[targets.scr]\nsla = 95\nslg = 96\n", "targets.scr: slg 96 is stricter than sla 95"),
        ("[targets.abandon]\nsla = 5\nslg = 4\n", "targets.abandon: slg 4 is stricter than sla 5"),
        (
            '[polling]\nagents_seconds = "fast"\n',
            "polling.agents_seconds: Input should be a valid number",
        ),
        ("[rotg.TOILET]\nmax_minute_each = 5\n", "rotg.TOILET.max_minute_each: unknown key"),
        ("[targets.foo]\nsla = 1\n", "targets.foo: unknown KPI 'foo'"),
        ("[site\nx", "not valid TOML"),
        ('[shifts.P9]\nstart = "7am"\nend = "16:00"\n', "shifts.P9.start: '7am' is not a time"),
    ],
)
def test_bad_config_gives_one_clear_message(tmp_path, text, expected):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    message = str(info.value)
    assert expected in message
    assert str(path) in message
    assert "Traceback" not in message


def test_bad_config_on_the_command_line_exits_2_without_traceback(tmp_path, capsys):
    path = write(tmp_path, '[site]\ntimezone = "Mars/Base"\n')
    assert main(["--config", str(path), "report"]) == 2
    err = capsys.readouterr().err
    assert "site.timezone" in err and "Traceback" not in err


def test_missing_explicit_file_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="file not found"):
        load_settings(tmp_path / "nope.toml")


def test_init_writes_a_loadable_starter_and_refuses_to_overwrite(tmp_path, capsys):
    assert main(["init"]) == 0
    path = Path(capsys.readouterr().out.strip())
    assert path == tmp_path / "xdg-config" / "rtm-tui" / "config.toml"
    assert load_settings(path) == Settings()
    path.write_text('[site]\nname = "Mine"\n')
    assert main(["init"]) == 1
    assert "--force" in capsys.readouterr().out
    assert load_settings(path).site.name == "Mine"
    assert main(["init", "--force"]) == 0
    assert load_settings(path) == Settings()


def test_starter_config_round_trips():
    import tomllib

    assert Settings.model_validate(tomllib.loads(starter_config())) == Settings()


def test_tl_shift_and_paths(tmp_path, monkeypatch):
    s = Settings()
    jkt = ZoneInfo("Asia/Jakarta")
    assert s.tl_shift_at(datetime(2026, 11, 24, 7, 0, tzinfo=jkt)) == "pagi"
    assert s.tl_shift_at(datetime(2026, 11, 24, 14, 59, tzinfo=jkt)) == "pagi"
    assert s.tl_shift_at(datetime(2026, 11, 24, 15, 0, tzinfo=jkt)) == "siang"
    assert s.tl_shift_at(datetime(2026, 11, 24, 23, 30, tzinfo=jkt)) is None
    # a UTC instant is read in the site timezone: 01:00 UTC = 08:00 WIB
    assert s.tl_shift_at(datetime(2026, 11, 24, 1, 0, tzinfo=ZoneInfo("UTC"))) == "pagi"
    monkeypatch.setenv("RTM_DATA_DIR", str(tmp_path / "data"))
    assert s.database_path() == tmp_path / "data" / "rtm.sqlite3"


def test_token_comes_from_the_named_env_var(monkeypatch, tmp_path):
    path = write(tmp_path, '[omnichannel]\ntoken_env = "MY_TOKEN"\n')
    monkeypatch.setenv("MY_TOKEN", "s3cret")
    assert load_settings(path).token() == "s3cret"
    assert "s3cret" not in repr(load_settings(path))


def test_database_flag_overrides_the_configured_store(tmp_path, capsys):
    from rtm_tui.domain.plans import PlanAction, RecoveryPlan, RootCause
    from rtm_tui.store import Store

    jkt = ZoneInfo("Asia/Jakarta")
    at = datetime(2026, 11, 24, 9, 30, tzinfo=jkt)
    other = tmp_path / "demo.sqlite3"
    with Store.open(other) as store:
        store.save_plan(
            RecoveryPlan(
                created_at=at,
                date=at.date(),
                tl_shift="pagi",
                interval_start=at,
                kpi="scr",
                scope="all",
                sla=95.0,
                slg=90.0,
                actual=88.0,
                counts={},
                root_cause=RootCause.VOLUME_SPIKE,
                analysis="Promo blast",
                actions=(PlanAction("Pull 2 agents to voice", "Rina", at.replace(hour=10)),),
                tl_name="Rina",
            ),
            who="Rina",
        )
    config = write(tmp_path, f'[storage]\ndatabase = "{tmp_path / "main.sqlite3"}"\n')
    args = ["plans", "list", "--config", str(config), "--since", "2026-11-01"]
    assert main([*args, "--database", str(other)]) == 0
    listed = capsys.readouterr().out
    assert "88.0 %" in listed and "Rina" in listed  # the plan from the --database file
    assert not (tmp_path / "main.sqlite3").exists()
