"""The UI's view of the catalog, which lives in `rtm_tui.i18n` (shared with reports and the CLI)."""

from rtm_tui.i18n import CATALOG, LANGUAGES, has, language, register, set_language, t

__all__ = ["CATALOG", "LANGUAGES", "has", "language", "register", "set_language", "t"]
