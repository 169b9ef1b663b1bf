"""The catalog is complete: every key in both languages with the same fields, every key the
code asks for exists, and every code the domain can emit has a rendering.

A key is asked for either literally (`t("board.empty")`, found by scanning the source) or
built from a code (`t(f"board.state.{state.value}")`): every such prefix must be listed in
DYNAMIC below with the codes that can fill it, so a new f-string key without its codes
fails here rather than showing a raw key to a TL.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import string
from dataclasses import fields
from pathlib import Path
from typing import get_args

import pytest

import rtm_tui
from rtm_tui.domain.attendance import ATTENDANCE_LISTS
from rtm_tui.domain.kpi import NONVOICE_KPIS, VOICE_KPIS
from rtm_tui.domain.plan_checks import _ENGLISH as _PLAN_PROBLEMS
from rtm_tui.domain.plans import PlanStatus, RootCause, Verdict
from rtm_tui.domain.roster_check import FindingKind, NoteKind
from rtm_tui.domain.types import (
    AgentState,
    LoginStatus,
    NonVoiceCounts,
    NonVoiceNow,
    RosterStatus,
    Severity,
    Status,
    VoiceCounts,
    VoiceNow,
)
from rtm_tui.i18n import CATALOG, LANGUAGES
from rtm_tui.i18n.plans import _FIELDS as _PLAN_FIELDS
from rtm_tui.reports.alert_section import _ALERT_COLUMNS, _EXCUSE_COLUMNS
from rtm_tui.reports.plans_cli import _LIST_COLUMNS
from rtm_tui.sources.client import ErrorKind
from rtm_tui.ui.app import _TEXTUAL_COMMANDS
from rtm_tui.ui.help_screen import ABBREVIATIONS, COLOURS, LEGENDS, MARKS

SOURCE = Path(rtm_tui.__file__).parent


def _import_everything() -> None:
    """Modules that still `register()` their strings do so at import."""
    for info in pkgutil.walk_packages([str(SOURCE)], "rtm_tui."):
        if ".simulator" in info.name or info.name.endswith("__main__"):
            continue
        importlib.import_module(info.name)


_import_everything()


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_every_key_exists_in_every_language() -> None:
    reference = set(CATALOG["en"])
    for lang in LANGUAGES:
        missing = sorted(reference - set(CATALOG[lang]))
        extra = sorted(set(CATALOG[lang]) - reference)
        assert not missing, f"{lang}: no translation for {missing}"
        assert not extra, f"{lang}: keys not in English (typo?) {extra}"


def test_format_fields_agree_between_languages() -> None:
    wrong = {
        key: (sorted(_fields(CATALOG["en"][key])), sorted(_fields(CATALOG[lang][key])))
        for lang in LANGUAGES
        for key in CATALOG["en"]
        if _fields(CATALOG["en"][key]) != _fields(CATALOG[lang].get(key, ""))
    }
    assert not wrong, f"fields differ (en, other): {wrong}"


def test_no_translation_is_empty() -> None:
    empty = [(lang, k) for lang in LANGUAGES for k, v in CATALOG[lang].items() if not v.strip()]
    assert not empty


_LITERAL = re.compile(r"""\bt\(\s*(["'])([a-z0-9_.]+)\1(?!\s*\+)""")
# a key built from a code: t(f"board.state.{state}") or t("outlook.period_" + name)
_DYNAMIC = re.compile(r"""\bt\(\s*(?:f(["'])([a-z0-9_.]*)\{|(["'])([a-z0-9_.]*)\3\s*\+)""")


def _sources() -> list[tuple[Path, str]]:
    return [(p, p.read_text(encoding="utf-8")) for p in sorted(SOURCE.rglob("*.py"))]


def test_every_literal_key_in_the_code_is_in_the_catalog() -> None:
    asked = {
        (str(p.relative_to(SOURCE)), m[2])
        for p, text in _sources()
        for m in _LITERAL.finditer(text)
    }
    assert len(asked) > 100  # the scan finds the calls at all
    missing = sorted((where, key) for where, key in asked if key not in CATALOG["en"])
    assert not missing, f"t() with keys not in the catalog: {missing}"


# prefix of an f-string key -> every code that can fill it (None: codes a module lists
# itself, e.g. a table's column ids; checked by that module's own tests)
_HEADER_SOURCES = ("agents", "voice", "nonvoice", "roster")
_FRESH = ("fresh", "late", "stale", "never")
_PERIODS = ("interval", "shift", "today")
DYNAMIC: dict[str, tuple[str, ...] | None] = {
    "board.col.": ("name", "team", "state", "aux_code", "time", "aux_used", "login", "adherence"),
    "board.sort.": ("name", "team", "state", "time", "aux_used", "login"),
    "board.state.": tuple(s.value for s in AgentState) + ("missing",),
    "board.login.": tuple(s.value for s in LoginStatus),
    "status.": tuple(s.value for s in Status),
    "kpi.": (*VOICE_KPIS, *NONVOICE_KPIS),
    "kpi.short.": (*VOICE_KPIS, *NONVOICE_KPIS),
    "gauge.period.": _PERIODS,
    "gauge.strip.": _PERIODS,
    "counts.": _PERIODS,
    "roster.count.": (
        "scheduled",
        "present",
        "late",
        "absent",
        "off",
        "training",
        "not_rostered",
        "not_yet_in",
        "early_out",
    ),
    "roster.coverage.source.": ("forecast", "forecast_none", "actual", "none"),
    "day.": tuple(str(d) for d in range(7)),
    "month.": tuple(str(m) for m in range(1, 13)),
    "shift.": ("pagi", "siang"),
    "source.": _HEADER_SOURCES,
    "fresh.": _FRESH,
    "fresh.kind.": get_args(ErrorKind),
    "header.store_": ("read_only", "unavailable"),
    "store.": (
        "recreated", "replaced", "read_only", "writable", "open_failed", "opened", "unlabelled",
    ),
    "key.": None,  # the bindings' ids: checked in test_bindings_have_labels
    "cmd.": None,  # falls back to the binding's own text when absent (app.py)
    "check.finding.": tuple(k.value for k in FindingKind),
    "check.note.": tuple(k.value for k in NoteKind),
    # every count a KPI can carry (the counts dialog, the plan form) and an agent's
    "count.": tuple(
        dict.fromkeys(
            f.name
            for cls in (VoiceCounts, NonVoiceCounts, VoiceNow, NonVoiceNow)
            for f in fields(cls)
        )
    )
    + ("aux_used_seconds", "aux_allowance_seconds", "in_aux_seconds", "late_seconds"),
    "check.col.": (
        "time",
        "agent",
        "name",
        "problem",
        "interval",
        "scheduled",
        "needed",
        "gap",
        "calls",
        "aht",
        "file",
        "sheet",
        "row",
        "column",
        "value",
    ),
    "check.status.": tuple(s.value for s in RosterStatus),
    "report.status.": tuple(s.value for s in Status),
    "report.login.": tuple(s.value for s in LoginStatus),
    "report.limit.": ("each", "shift", "count", "total"),
    "report.all.": ("voice", "nonvoice"),
    "report.basis.": ("scr", "abandon", "service_level", "aht", "asa", "response_time", "nv_aht"),
    "report.col.": None,
    "file.": None,
    # the outlook view (domain/outlook.py states)
    "outlook.": ("final_met", "final_missed"),
    "outlook.period_": ("shift", "day"),
    "outlook.backlog_": ("clear", "on_track", "miss", "missed", "no_agents", "no_data"),
    "palette.": tuple(
        f"{name}{part}" for name in _TEXTUAL_COMMANDS.values() for part in ("", ".help")
    ),  # roster and forecast file problems: test_every_roster_and_forecast_file_problem…  # `_c("x")` / `_h("x", ...)` in handover.py: see the test below
    # the plans screens (their own helper owns these lists)
    "plan.shift.": ("pagi", "siang"),
    "plan.cause.": tuple(c.value for c in RootCause),
    "plan.status.": tuple(s.value for s in PlanStatus),
    "plans.v.verdict.": tuple(v.value for v in Verdict),
    "plans.v.": None,
    "plans.v.err.": None,
    "plans.col.": None,
    "plans.d.": None,
    "plan.ctx.": None,
    "plan.period.": None,
    # what an alert says (Alert.what, emitted by domain/monitor): every code the monitor raises
    "alert.": (
        "rotg.each", "rotg.shift", "rotg.count", "rotg.total", "rotg.before_start",
        "kpi.breach", "kpi.warning",
        "att.late_missing", "att.absent", "att.late", "att.early_out", "att.not_rostered",
    ),
    "alert.severity.": tuple(s.value for s in Severity),
    "alert.ui.filter.": ("all", "agents", "kpis"),
    "report.alerts.col.": _ALERT_COLUMNS + _EXCUSE_COLUMNS,
    "plans.cli.col.": _LIST_COLUMNS,
    "plan.err.": tuple(_PLAN_PROBLEMS),
    # the shell: attendance lists, exception reasons, help legends, view tabs
    "attlist.": ATTENDANCE_LISTS,
    "board.reason.": ("over_limit", "missing"),
    "help.legend.": tuple(dict.fromkeys(p for parts in LEGENDS.values() for p in parts)),
    "help.abbr.": tuple(ABBREVIATIONS),
    "help.abbr_name.": tuple(ABBREVIATIONS),
    "help.colour.": tuple(name for name, _style in COLOURS),
    "help.swatch.": tuple(name for name, _style in COLOURS),
    "help.mark.": tuple(name for _mark, name in MARKS),
    "tab.": ("dashboard", "roster", "outlook"),
    "plans.d.history_": ("note_progress", "note_addendum"),
    "rp.": None,  # exports.py's own labels, read back by tests/reports/test_plans_export_language
    "rp.action_attr.": ("what", "pic", "due", "status", "result"),
    "rp.field.": tuple(sorted(_PLAN_FIELDS)),
    "word.": tuple(f"{w}.{n}" for w in ("agent", "contact") for n in ("one", "other")),
}


def test_every_built_key_has_its_codes_listed_here() -> None:
    """An f-string key whose prefix is not in DYNAMIC would escape the check below."""
    built = {m[2] or m[4] for _, text in _sources() for m in _DYNAMIC.finditer(text)}
    assert "board.state." in built  # the scan works
    unknown = sorted(built - set(DYNAMIC))
    assert not unknown, f"t(f'...') prefixes without their codes in DYNAMIC: {unknown}"


@pytest.mark.parametrize("prefix", sorted(p for p, codes in DYNAMIC.items() if codes))
def test_every_domain_code_has_a_rendering(prefix: str) -> None:
    codes = DYNAMIC[prefix]
    assert codes
    missing = [c for c in codes if f"{prefix}{c}" not in CATALOG["en"]]
    assert not missing, f"no text for {[prefix + c for c in missing]}"


def test_bindings_have_labels() -> None:
    """Every binding id of every screen has a `key.<id>` label in the catalog."""
    from textual.binding import Binding
    from textual.dom import DOMNode

    missing: set[str] = set()
    for cls in _subclasses(DOMNode):
        if not cls.__module__.startswith("rtm_tui."):
            continue
        for b in cls.__dict__.get("BINDINGS", []):
            if isinstance(b, Binding) and b.id and b.show and f"key.{b.id}" not in CATALOG["en"]:
                missing.add(f"{cls.__name__}: key.{b.id}")
    assert not missing, sorted(missing)


def _subclasses(cls: type) -> set[type]:
    out = set()
    for sub in cls.__subclasses__():
        out.add(sub)
        out |= _subclasses(sub)
    return out


def test_report_column_titles_are_in_the_catalog() -> None:
    text = (SOURCE / "reports" / "handover.py").read_text(encoding="utf-8")
    keys = set(re.findall(r'_c\("([a-z_]+)"\)', text))
    for args in re.findall(r"_h\(([^)]*)\)", text):
        keys |= set(re.findall(r'"([a-z_]+)"', args))
    assert len(keys) > 30
    missing = sorted(k for k in keys if f"report.col.{k}" not in CATALOG["en"])
    assert not missing


_CODE_ARG = {"RosterProblem": 5, "problem": 3, "add_problem": 3, "add_note": 3, "bad": 1}


def _file_problem_codes() -> set[str]:
    """Every code the roster and forecast readers can report: the code argument of each
    `RosterProblem(...)`, `table.problem(...)`, `add_problem(...)`, `add_note(...)` and
    `bad(...)` call, a string or a conditional between strings."""
    import ast

    codes: set[str] = {"is_directory", "is_device", "unknown_code", "unknown_code_times"}
    for name in ("roster_files.py", "forecast_files.py"):
        tree = ast.parse((SOURCE / "sources" / name).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            index = _CODE_ARG.get(called)
            if index is None or len(node.args) <= index:
                continue
            for sub in ast.walk(node.args[index]):
                if isinstance(sub, ast.Constant) and isinstance(sub.value, str):
                    codes.add(sub.value)
    return codes


def test_every_roster_and_forecast_file_problem_has_a_text() -> None:
    codes = _file_problem_codes()
    assert {"bad_date", "bad_aht", "duplicate_agent_day", "too_large"} <= codes  # found
    missing = sorted(c for c in codes if f"file.{c}" not in CATALOG["en"])
    assert not missing, f"file problems without a text: {missing}"


def test_no_key_is_written_twice_in_a_language_file() -> None:
    # a dict literal keeps the last of two equal keys silently: one of them is dead text
    import ast
    from pathlib import Path

    import rtm_tui.i18n as package

    for name in ("en.py", "id.py"):
        tree = ast.parse((Path(package.__file__).parent / name).read_text(encoding="utf-8"))
        keys = [
            k.value
            for node in ast.walk(tree)
            if isinstance(node, ast.Dict)
            for k in node.keys
            if isinstance(k, ast.Constant)
        ]
        doubled = sorted({k for k in keys if keys.count(k) > 1})
        assert not doubled, f"{name}: {doubled}"


def test_every_plan_problem_code_has_its_text_in_both_languages() -> None:
    from rtm_tui.domain.plan_checks import _ENGLISH, Problem

    for code in _ENGLISH:
        for language in LANGUAGES:
            assert f"plan.err.{code}" in CATALOG[language], (language, code)
    problem = Problem("too_long", limit=200)
    assert problem == "at most 200 characters" and problem.params == {"limit": 200}
