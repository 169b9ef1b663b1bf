"""Text from the Omnichannel API made safe to show, on arrival.

Names, teams, codes and queue names are data. They reach a terminal, so anything that
could move the cursor, retitle the window, clear the screen or reorder the text is
dropped here, once, before the rest of the app sees the string:

- C0 controls (U+0000-U+001F), DEL (U+007F) and C1 controls (U+0080-U+009F) are
  dropped. The ESC byte goes, so an escape sequence such as ``ESC [2J`` becomes the
  harmless literal text ``[2J``. Tab, line feed, carriage return, vertical tab, form
  feed and the Unicode line/paragraph separators become one space so that words do not
  run together in a one-line table cell.
- Bidirectional overrides, embeddings and isolates (U+202A-U+202E, U+2066-U+2069), the
  directional marks (U+200E, U+200F, U+061C), the byte order mark (U+FEFF) and lone
  surrogates are dropped: they are invisible and can make a name display as another.
- Characters whose width terminals disagree on, or that show as nothing, are dropped:
  the zero-width space, word joiners (U+200B, U+2060-U+2064, U+180E, U+034F), the
  zero-width joiner next to an emoji (kept in scripts that shape with it), the
  soft hyphen, variation selectors (U+FE00-U+FE0F, U+E0100-U+E01EF), emoji skin-tone
  modifiers (U+1F3FB-U+1F3FF), tag characters (U+E0000-U+E007F) and the Hangul fillers
  (U+115F, U+1160, U+3164, U+FFA0). Kept, they make a row one or two cells wider than
  measured (the last column and the pane border are pushed off), and two names that
  differ only by them would look the same. The emoji itself stays.
- Long strings are cut to a limit with a trailing ellipsis (names 80, codes 32, ids 64).

Markup-looking text (``Ann [/]``, ``[bold red]x``) is *not* touched: it is ordinary
text and the UI shows it through ``rich.text.Text`` without markup parsing.

Most strings are printable ASCII; ``isascii``/``isprintable`` (C speed) let them through.

The API token is handled here too (see "secrets" below): `check_token`/`read_token`
strip and check it on load, `register_secret` records it, and `scrub` removes every
rendering of it from error text.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

NAME_MAX = 80
CODE_MAX = 32
ID_MAX = 64  # room for a UUID: an id cut short would no longer match the roster
ELLIPSIS = "…"

_SPACE_LIKE = "\t\n\v\f\r\u2028\u2029"
_DROPPED = (
    [chr(c) for c in range(0x00, 0x20) if chr(c) not in _SPACE_LIKE]
    + [chr(c) for c in range(0x7F, 0xA0)]
    + [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)]
    + ["\u200e", "\u200f", "\u061c", "\ufeff"]
    + [chr(c) for c in range(0xD800, 0xE000)]
    # invisible, or of a width terminals disagree on (see above)
    + ["\u200b"]
    + [chr(c) for c in range(0x2060, 0x2065)]
    + ["\u180e", "\u034f", "\u00ad", "\u115f", "\u1160", "\u3164", "\uffa0"]
    + [chr(c) for c in range(0xFE00, 0xFE10)]
    + [chr(c) for c in range(0xE0100, 0xE01F0)]
    + [chr(c) for c in range(0x1F3FB, 0x1F400)]
    + [chr(c) for c in range(0xE0000, 0xE0080)]
)
# A zero-width joiner between emoji (a "family" or "technologist" sequence) is drawn as
# one glyph or several, as the terminal pleases: dropped. In Indic scripts it shapes a
# conjunct and stays (as does the zero-width non-joiner).
_EMOJI_ZWJ = re.compile(
    "(?<=[\u2600-\u27bf\U0001f000-\U0001faff])\u200d|\u200d(?=[\u2600-\u27bf\U0001f000-\U0001faff])"
)
_TABLE: dict[int, str | None] = {ord(c): None for c in _DROPPED}
_TABLE.update({ord(c): " " for c in _SPACE_LIKE})


def clean(text: str, limit: int = NAME_MAX) -> str:
    """`text` without control, bidi and other unsafe characters, cut to `limit` chars.
    A server that echoes the token into a name or team does not get it shown either."""
    for secret in _raw_secrets:
        if secret in text:  # one C-speed search per string: the token is rarely there
            text = scrub(text)
            break
    if len(text) <= limit and text.isascii() and text.isprintable():
        return text  # fast path: nothing to do (C speed; most names are ASCII)
    # Not printable covers harmless characters too (no-break space, private use,
    # unassigned); translate() keeps those and only drops or replaces the listed ones.
    text = text.translate(_TABLE)
    if "\u200d" in text:
        text = _EMOJI_ZWJ.sub("", text)
    if len(text) > limit:
        text = text[: limit - 1] + ELLIPSIS
    return text


def clean_name(text: str) -> str:
    """Agent names, team names, queue and channel display names."""
    return clean(text, NAME_MAX)


def clean_code(text: str) -> str:
    """Codes: AUX codes, shift codes, break codes, channels."""
    return clean(text, CODE_MAX)


def clean_id(text: str) -> str:
    """Identifiers: agent ids, queue ids."""
    return clean(text, ID_MAX)


# --------------------------------------------------------------------------- secrets
#
# The API token must never reach the screen or a log. It is registered here once, when
# it is loaded, and every error text (SourceError, the poller's unexpected-error path,
# the data-sources detail) goes through `scrub`, which replaces each rendering an error
# message can give it: the raw text, repr() of the str and of its bytes (what httpx and
# h11 print: ``Illegal header value b'Bearer ...'``), the ``Bearer x`` header form and
# the percent-encoded form. Scrub *before* cutting a text short: a cut token no longer
# matches and its first characters would show.

REDACTED = "***"

_secret_forms: list[str] = []  # longest first
_raw_secrets: list[str] = []  # as registered: what `clean` looks for in every string
_raw_secret_bytes: tuple[bytes, ...] = ()


class TokenError(ValueError):
    """An API token that cannot be sent in an HTTP header. Names where the token came
    from (the environment variable), never the token itself."""


def _renderings(secret: str) -> set[str]:
    from urllib.parse import quote, quote_plus

    forms = {
        secret,
        repr(secret)[1:-1],
        repr(secret.encode("utf-8", "backslashreplace"))[2:-1],
        quote(secret, safe=""),
        quote(secret),
        quote_plus(secret),
    }
    forms |= {f"Bearer {form}" for form in forms}
    forms |= {form.lower() for form in forms if "%" in form}  # %2f as well as %2F
    return {f for f in forms if f}


def register_secret(secret: str | None) -> None:
    """Scrub `secret` (in all its renderings) from every text passed to `scrub` from now on."""
    if not secret:
        return
    forms = set(_secret_forms) | _renderings(secret)
    global _raw_secret_bytes
    _raw_secrets.extend(x for x in {secret, secret.strip()} if x and x not in _raw_secrets)
    _raw_secret_bytes = tuple(x.encode("utf-8", "surrogatepass") for x in _raw_secrets)
    stripped = secret.strip()
    if stripped and stripped != secret:
        forms |= _renderings(stripped)
    _secret_forms[:] = sorted(forms, key=len, reverse=True)


def secret_bytes() -> tuple[bytes, ...]:
    """The registered secrets as UTF-8, for a byte-level search of a payload."""
    return _raw_secret_bytes


def scrub(text: str) -> str:
    """`text` with every registered secret replaced by ``***``."""
    for form in _secret_forms:
        if form in text:
            text = text.replace(form, REDACTED)
    return text


def check_token(token: str | None, source: str = "the API token") -> str | None:
    """`token` without surrounding whitespace (a token file saved on Windows ends in
    ``\\r``), or None when empty. Raises `TokenError` naming `source` (never the value)
    unless every character is printable ASCII with no whitespace inside: anything else
    cannot be sent in an ``Authorization`` header."""
    if token is None:
        return None
    register_secret(token)  # the raw value too, in case it is shown before the check
    token = token.strip()
    if not token:
        return None
    for i, ch in enumerate(token, start=1):
        if ch.isspace():
            raise TokenError(
                f"{source}: the API token has whitespace inside it (character {i}); "
                "set it to the token alone"
            )
        if not "\x21" <= ch <= "\x7e":
            raise TokenError(
                f"{source}: the API token has a character that is not printable ASCII "
                f"(character {i}); copy the token again"
            )
    return token


def read_token(env_var: str, environ: Mapping[str, str] | None = None) -> str | None:
    """The API token from the environment variable `env_var`, checked (`check_token`)."""
    value = (os.environ if environ is None else environ).get(env_var)
    return check_token(value, source=f"environment variable {env_var}")
