"""Parsing of the date and duration arguments the `rtm` subcommands take, in one place.

Every value is checked against sane bounds here, so no handler ever computes with a
date or a span that overflows `datetime` (`--date 0001-01-01`, `--older-than
9999999999d`): those are usage errors with the option and the value, never a traceback.
The 2-year retention of recovery plans is not checked here: the store refuses a purge
below it (`rtm_tui.store.MIN_RETENTION`), for every caller.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from rtm_tui.i18n import t

__all__ = ["MAX_AGE_DAYS", "MAX_DAY", "MIN_DAY", "UsageError", "parse_age", "parse_day"]

MIN_DAY = date(2000, 1, 1)
MAX_DAY = date(2100, 12, 31)
MAX_AGE_DAYS = 100 * 365  # a purge age beyond 100 years is a typo, not a retention


class UsageError(Exception):
    """A bad command-line argument; the message (in the site's language) names the option and
    the value."""


def parse_day(value: str | None, option: str) -> date | None:
    """`YYYY-MM-DD` between MIN_DAY and MAX_DAY, or None when the option was not given."""
    if value is None:
        return None
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(t("cli.not_a_date", option=option, value=repr(value))) from None
    if not MIN_DAY <= day <= MAX_DAY:
        raise UsageError(
            t("cli.date_range", option=option, value=repr(value), first=MIN_DAY, last=MAX_DAY)
        )
    return day


_AGE = re.compile(r"\s*(\d+)\s*([dwy]?)\s*")
_UNIT_DAYS = {"": 1, "d": 1, "w": 7, "y": 365}


def parse_age(value: str, option: str = "--older-than") -> timedelta:
    """`730d`, `104w`, `2y` (a year is 365 days) or a bare number of days, at most
    MAX_AGE_DAYS."""
    m = _AGE.fullmatch(value.lower())
    if not m:
        raise UsageError(t("cli.not_an_age", option=option, value=repr(value)))
    digits = m[1].lstrip("0") or "0"
    # a number of thousands of digits is not even converted (int() refuses it anyway)
    days = int(digits) * _UNIT_DAYS[m[2]] if len(digits) <= 9 else MAX_AGE_DAYS + 1
    if days > MAX_AGE_DAYS:
        raise UsageError(t("cli.age_too_long", option=option, value=repr(value), days=MAX_AGE_DAYS))
    return timedelta(days=days)
