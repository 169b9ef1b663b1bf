"""UI text in English and Bahasa Indonesia: one catalog, chosen by `[site] language`.

The catalog is one module per language (`en.py`, `id.py`), merged into a dict of dicts:
`CATALOG[language][key] -> text`. Reports, exports and the CLI use it as the screens do. Text
may hold `str.format` fields (`{count}`), filled by `t(key, count=3)`. A key missing in Indonesian
falls back to English; a key missing everywhere shows as the key itself, so a missing
string is visible but never a crash.

Adding strings: add `"area.name": "text"` to both `en.py` and `id.py`
(one section per screen or widget), or call `register("en", {...})` / `register("id", {...})`
from your own module. Keys are lower-case, dotted, prefixed by the area ("board.", "plan.").
Text here is UI text, never data: agent names and codes go through `Text`, not the catalog.
"""

from __future__ import annotations

from collections.abc import Mapping

from rtm_tui.i18n import en as _en
from rtm_tui.i18n import id as _id

LANGUAGES = ("en", "id")

CATALOG: dict[str, dict[str, str]] = {"en": dict(_en.TEXT), "id": dict(_id.TEXT)}

_current = "en"


def set_language(language: str) -> None:
    """Choose the language for `t()`; an unknown language falls back to English."""
    global _current
    _current = language if language in CATALOG else "en"


def language() -> str:
    return _current


def has(key: str) -> bool:
    """Whether the catalog has `key` (in English, the reference language)."""
    return key in CATALOG["en"]


def register(language: str, entries: Mapping[str, str]) -> None:
    """Add strings from another module (same rules as editing CATALOG here)."""
    CATALOG.setdefault(language, {}).update(entries)


def t(key: str, /, **fields: object) -> str:
    """The text for `key` in the current language, with `{fields}` filled in."""
    text = CATALOG.get(_current, {}).get(key)
    if text is None:
        text = CATALOG["en"].get(key, key)
    if not fields:
        return text
    try:
        return text.format(**fields)
    except (KeyError, IndexError, ValueError):
        # a translation with a wrong field name must not crash the screen
        return text
