"""Config edges: partial tables merge over the defaults, values that pass a type check
but crash or mislead are refused with the file, table and key, base_url is a URL, a BOM
is fine, and [staffing] refuses a share written as a percent (and the other way round)."""

from __future__ import annotations

from pathlib import Path

import pytest

from rtm_tui.cli import main
from rtm_tui.config import ConfigError, Settings, load_settings


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


def load(tmp_path: Path, text: str) -> Settings:
    return load_settings(write(tmp_path, text))


def refused(tmp_path: Path, text: str) -> str:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    message = str(info.value)
    assert str(path) in message
    return message


DEFAULTS = Settings()


# ---------------------------------------------------------------- 1. partial tables merge


def test_one_target_table_keeps_every_other_default_target(tmp_path):
    s = load(tmp_path, "[targets.scr]\nsla = 92\n")
    targets = s.kpi_targets()
    assert set(targets) == set(DEFAULTS.kpi_targets())
    # the abandon target still exists: 28.6 % abandon is a breach, not "no target"
    assert (targets["abandon"].sla, targets["abandon"].slg) == (5, 10)
    # within the entry, the field not given (slg) keeps the default's
    assert (targets["scr"].sla, targets["scr"].slg) == (92, 90)


def test_a_queue_override_target_keeps_the_base_target(tmp_path):
    s = load(tmp_path, '[targets."response_time.email"]\nsla = 1800\n')
    targets = s.kpi_targets()
    assert set(targets) == set(DEFAULTS.kpi_targets())
    assert (targets["response_time"].sla, targets["response_time"].slg) == (60, 120)
    assert (targets["response_time.email"].sla, targets["response_time.email"].slg) == (1800, 7200)


def test_one_aux_rule_keeps_the_other_codes_and_the_rules_own_fields(tmp_path):
    s = load(tmp_path, "[rotg.TOILET]\nmax_minutes_each = 12\n")
    rotg = s.rotg_rules()
    assert set(rotg.rules) == set(DEFAULTS.rotg_rules().rules)
    toilet = rotg.for_code("TOILET")
    assert (toilet.max_minutes_each, toilet.max_minutes_shift, toilet.max_count_shift) == (
        12,
        30,
        4,
    )
    assert rotg.for_code("SHOLAT").max_minutes_each == 15
    assert rotg.max_aux_minutes_shift == 90
    assert rotg.default.max_minutes_each == 15


def test_rotg_default_given_in_part_keeps_its_other_limits(tmp_path):
    rotg = load(tmp_path, "[rotg.default]\nwarn_ratio = 0.9\n").rotg_rules()
    assert rotg.default.warn_ratio == 0.9
    assert (rotg.default.max_minutes_each, rotg.default.max_count_shift) == (15, 4)
    assert "ISTIRAHAT" in rotg.rules


def test_a_new_shift_code_keeps_the_default_codes(tmp_path):
    s = load(tmp_path, '[shifts.P9]\nstart = "09:00"\nend = "18:00"\n')
    shifts = s.shift_definitions()
    assert set(shifts) == set(DEFAULTS.shift_definitions()) | {"P9"}
    assert shifts["M1"] == DEFAULTS.shift_definitions()["M1"]


def test_a_default_shift_given_in_part_keeps_its_end_and_breaks(tmp_path):
    p1 = load(tmp_path, '[shifts.P1]\nstart = "06:30"\n').shift_definitions()["P1"]
    default = DEFAULTS.shift_definitions()["P1"]
    assert p1.start.isoformat() == "06:30:00"
    assert (p1.end, p1.breaks) == (default.end, default.breaks)


def test_enabled_false_removes_a_default_entry(tmp_path):
    s = load(
        tmp_path,
        "[targets.aht]\nenabled = false\n"
        "[rotg.TOILET]\nenabled = false\n"
        "[shifts.M1]\nenabled = false\n",
    )
    assert "aht" not in s.kpi_targets() and "scr" in s.kpi_targets()
    assert s.rotg_rules().for_code("TOILET").code == "default"  # the [rotg.default] limits
    assert "M1" not in s.shift_definitions() and "P1" in s.shift_definitions()


def test_none_clears_one_optional_field_of_a_default(tmp_path):
    s = load(tmp_path, '[targets.scr]\nslg = "none"\n[rotg.TOILET]\nmax_count_shift = "none"\n')
    assert (s.kpi_targets()["scr"].sla, s.kpi_targets()["scr"].slg) == (95, None)
    assert s.rotg_rules().for_code("TOILET").max_count_shift is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[targets.aht]\nenabled = "no"\n', "targets.aht.enabled: write true or false"),
        ("[rotg.TOILETT]\nenabled = false\n", "rotg.TOILETT.enabled: there is no default TOILETT"),
        ("[shifts.P9]\nenabled = false\n", "shifts.P9.enabled: there is no default P9"),
    ],
)
def test_enabled_is_checked(tmp_path, text, expected):
    assert expected in refused(tmp_path, text)


def test_a_kept_default_that_conflicts_is_named_as_the_default(tmp_path):
    message = refused(tmp_path, "[targets.scr]\nsla = 85\n")
    assert (
        "targets.scr: slg 90 (the default, not set in the file) is stricter than sla 85" in message
    )


# ---------------------------------------------------------------- 2. finite numbers, ranges


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "[attendance]\nlate_grace = inf\n",
            "attendance.late_grace: Input should be a finite number",
        ),
        ("[attendance]\nno_show_after = 1e300\n", "attendance.no_show_after: Input should be less"),
        (
            "[kpi]\nwarning_alert_after_minutes = inf\n",
            "kpi.warning_alert_after_minutes: Input should be a finite",
        ),
        ("[targets.scr]\nsla = nan\n", "targets.scr.sla: Input should be a finite number"),
        ("[targets.scr]\nsla = inf\n", "targets.scr.sla: Input should be a finite number"),
        (
            "[targets.aht]\nwarn_margin = nan\n",
            "targets.aht.warn_margin: Input should be a finite number",
        ),
        (
            "[targets.scr]\nsla = 200\nslg = 90\n",
            "targets.scr: sla 200 is not a percent (0 to 100)",
        ),
        (
            "[targets.abandon]\nsla = 5\nslg = 120\n",
            "targets.abandon: slg 120 is not a percent (0 to 100)",
        ),
        (
            "[targets.abandon]\nsla = -5\nslg = 10\n",
            "targets.abandon: sla -5 is not a percent (0 to 100)",
        ),
        ("[targets.aht]\nsla = -300\nslg = 360\n", "targets.aht: sla -300 is negative"),
        (
            "[targets.calls_waiting]\nsla = -1\nslg = 15\n",
            "targets.calls_waiting: sla -1 is negative",
        ),
        (
            "[targets.scr]\nwarn_margin = 150\n",
            "targets.scr: warn_margin 150 is not a percent (0 to 100)",
        ),
        (
            "[rotg.TOILET]\nmax_minutes_each = inf\n",
            "rotg.TOILET.max_minutes_each: Input should be a finite",
        ),
        (
            "[rotg]\nmax_aux_minutes_shift = nan\n",
            "rotg.max_aux_minutes_shift: Input should be a finite",
        ),
        ("[staffing]\nmin_rest_hours = inf\n", "staffing.min_rest_hours: Input should be a finite"),
        ("[polling]\nagents_seconds = nan\n", "polling.agents_seconds: Input should be a finite"),
    ],
)
def test_non_finite_and_out_of_range_numbers_are_refused(tmp_path, text, expected):
    assert expected in refused(tmp_path, text)


# ---------------------------------------------------------------- 3. base_url


BAD_URLS = [
    "not a url",
    "ftp://omni.example/api",
    "http://[::1/api",
    "https://",
    "http://host:port/api",
    "https://omni example/api",
]
GOOD_URLS = [
    "",
    "https://omni.example/api/v1",
    "http://127.0.0.1:8765/api/v1",
    "http://[::1]:8765/api",
]


def test_base_url_must_be_an_http_or_https_url_with_a_host(tmp_path):
    for url in BAD_URLS:
        message = refused(tmp_path, f'[omnichannel]\nbase_url = "{url}"\n')
        assert "omnichannel.base_url:" in message and "http" in message, url
        assert "Traceback" not in message
    for url in GOOD_URLS:  # and "" still means "not configured" (`rtm demo` only)
        assert load(tmp_path, f'[omnichannel]\nbase_url = "{url}"\n').omnichannel.base_url == url


# ---------------------------------------------------------------- 4. BOM


def test_a_config_saved_with_a_utf8_bom_loads(tmp_path):
    path = tmp_path / "config.toml"
    path.write_bytes(b"\xef\xbb\xbf" + b'[site]\nname = "Pusat Kontak"\n')
    assert load_settings(path).site.name == "Pusat Kontak"


# ---------------------------------------------------------------- 5. staffing convention


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "[staffing]\nservice_level_target = 0.80\n",
            "staffing.service_level_target: 0.8 reads as a share; this key is a percent: write 80 for 80 %",
        ),
        (
            "[staffing]\nservice_level_target = 100\n",
            "staffing.service_level_target: must be below 100 %",
        ),
        (
            "[staffing]\nshrinkage = 30\n",
            "staffing.shrinkage: 30 reads as a percent; this key is a share (0 to 1): write 0.3 for 30 %",
        ),
        (
            "[staffing]\nmax_on_break_share = 25\n",
            "staffing.max_on_break_share: 25 reads as a percent; this key is a share (0 to 1): write 0.25 for 25 %",
        ),
    ],
)
def test_staffing_refuses_a_value_in_the_other_convention(tmp_path, text, expected):
    assert expected in refused(tmp_path, text)
    # the documented forms load: percent for the SL target, shares for the others
    documented = "[staffing]\nservice_level_target = 90\nshrinkage = 0.35\nmax_on_break_share = 1\n"
    rules = load(tmp_path, documented).staffing_rules()
    assert (rules.service_level_target, rules.shrinkage, rules.max_on_break_share) == (0.9, 0.35, 1)


# ---------------------------------------------------------------- the command line


def test_rtm_reports_a_config_error_as_one_line_and_exit_2(tmp_path, capsys):
    # late_grace = inf used to load, then end `rtm demo` in an OverflowError traceback
    path = write(tmp_path, "[attendance]\nlate_grace = inf\n")
    assert main(["--config", str(path), "demo"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"rtm: config {path}: attendance.late_grace:")
    assert "Traceback" not in err and "OverflowError" not in err
