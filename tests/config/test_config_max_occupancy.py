"""[staffing] max_occupancy: a share (0..1], default 0.85, in config.example.toml."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from pydantic import ValidationError

from rtm_tui.config import Settings


def test_default_and_example() -> None:
    assert Settings().staffing.max_occupancy == 0.85
    example = tomllib.loads(Path("config.example.toml").read_text(encoding="utf-8"))
    assert example["staffing"]["max_occupancy"] == 0.85


@pytest.mark.parametrize("value", [85, 0, -0.1])
def test_a_percent_or_nothing_is_refused(value: float) -> None:
    with pytest.raises(ValidationError, match="max_occupancy"):
        Settings.model_validate({"staffing": {"max_occupancy": value}})
