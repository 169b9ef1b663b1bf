"""The example roster and forecast in `examples/` (named in the README) stay true."""

from __future__ import annotations

import json
from pathlib import Path

from rtm_tui.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_example_roster_check_finds_what_the_readme_promises(capsys) -> None:
    code = main(
        [
            "roster",
            "check",
            str(EXAMPLES / "roster.csv"),
            "--date",
            "2026-11-25",
            "--forecast",
            str(EXAMPLES / "forecast.csv"),
            "--json",
        ]
    )
    report = json.loads(capsys.readouterr().out)
    assert code == 1
    kinds = {p["kind"] for p in report["problems"]}
    assert kinds == {"short_rest", "too_many_on_break", "break_outside_shift", "short_shift"}
    assert [i["interval"] for i in report["intervals"]][:2] == ["08:00", "08:30"]
    assert all(i["needed"] > i["scheduled"] for i in report["intervals"])
