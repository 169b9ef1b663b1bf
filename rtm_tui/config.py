"""Settings: one pydantic model for the whole config file, its loading and writing.

Lookup order: `--config PATH`, else `$RTM_CONFIG`, else `<user config dir>/config.toml`.
Without a file every default applies, so `rtm demo` needs no config at all.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tomllib
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import platformdirs
import tomli_w
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails

from rtm_tui.domain.alerts import AlertRules
from rtm_tui.domain.timefmt import parse_hhmm as read_hhmm
from rtm_tui.domain.types import (
    AttendanceRules,
    AuxRule,
    BreakDefinition,
    Direction,
    KpiOptions,
    KpiTarget,
    RotgRules,
    ServiceLevelFormula,
    ShiftDefinition,
    StaffingRules,
)
from rtm_tui.domain.vocabulary import KPIS, Unit, kpis_in

APP_NAME = "rtm-tui"
CONFIG_ENV = "RTM_CONFIG"
DATA_DIR_ENV = "RTM_DATA_DIR"

# Which way is better for each KPI id; targets are looked up by these ids.
KPI_DIRECTIONS: dict[str, Direction] = {k.value: d.direction for k, d in KPIS.items()}
# KPIs whose targets are percent (0..100); the others are seconds or counts (>= 0)
PERCENT_KPIS = kpis_in(Unit.PERCENT)


class ConfigError(Exception):
    """A config problem, worded for the user: names the key and what is wrong."""


def parse_hhmm(value: Any) -> time:
    """Read "07:30" (or "07.30") as time(7, 30) for config and CLI; "24:00" is midnight."""
    if isinstance(value, time):
        return value
    if isinstance(value, str) and (parsed := read_hhmm(value, allow_24=True)) is not None:
        return parsed
    raise ValueError(f"{value!r} is not a time (HH:MM, 00:00 to 23:59)")


def _none_word(value: Any) -> Any:
    """`slg = "none"`: TOML has no null, and a partial table keeps the default's fields,
    so this is how a file clears an optional limit or target that has a default."""
    if isinstance(value, str) and value.strip().lower() == "none":
        return None
    return value


NoneWord = BeforeValidator(_none_word)

HHMM = Annotated[
    time,
    BeforeValidator(parse_hhmm),
    PlainSerializer(lambda t: t.strftime("%H:%M"), return_type=str),
]


MINUTES_A_DAY = 24 * 60  # the most a grace or alert delay in minutes can sensibly be


class _Section(BaseModel):
    # no inf or nan anywhere: TOML has them, and `late_grace = inf` passes a `>= 0`
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class TlShift(_Section):
    start: HHMM
    end: HHMM


class SiteSettings(_Section):
    name: str = "Contact Center"
    timezone: str = "Asia/Jakarta"
    language: Literal["en", "id"] = "en"
    tl_name: str = ""
    tl_shifts: dict[str, TlShift] = Field(
        default_factory=lambda: {
            "pagi": TlShift(start=time(7), end=time(15)),
            "siang": TlShift(start=time(15), end=time(23)),
        }
    )

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not a known timezone (e.g. Asia/Jakarta)") from None
        return value


class OmnichannelSettings(_Section):
    base_url: str = ""  # "" = not configured: `rtm run` refuses, `rtm demo` needs none
    token_env: str = "RTM_OMNICHANNEL_TOKEN"
    timeout_seconds: float = Field(10.0, gt=0, le=300)
    verify_tls: bool = True

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.strip():
            return value
        hint = "should be an http:// or https:// URL with a host, e.g. https://omni.example/api/v1"
        try:
            parts = urlsplit(value.strip())
            parts.port  # noqa: B018 - raises ValueError on a port that is not a number
        except ValueError as exc:
            raise ValueError(f"{value!r} is not a URL ({exc}); it {hint}") from None
        spaced = any(c.isspace() for c in value.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname or spaced:
            raise ValueError(f"{value!r} {hint}")
        return value


class PollingSettings(_Section):
    agents_seconds: float = Field(2.0, ge=0.5, le=3600)
    voice_seconds: float = Field(5.0, ge=0.5, le=3600)
    nonvoice_seconds: float = Field(10.0, ge=0.5, le=3600)
    roster_seconds: float = Field(300.0, ge=5, le=86400)


class KpiSettings(_Section):
    exclude_short_abandons: bool = False
    service_level_formula: ServiceLevelFormula = ServiceLevelFormula.OFFERED
    warning_alert_after_minutes: float = Field(0, ge=0, le=MINUTES_A_DAY)  # 0 = never alert


class TargetSettings(_Section):
    sla: Annotated[float | None, NoneWord] = None
    slg: Annotated[float | None, NoneWord] = None
    warn_margin: float = Field(0.0, ge=0)


class AttendanceSettings(_Section):
    late_grace: float = Field(5, ge=0, le=MINUTES_A_DAY, description="minutes")
    no_show_after: float = Field(30, ge=0, le=MINUTES_A_DAY, description="minutes")
    early_out_grace: float = Field(5, ge=0, le=MINUTES_A_DAY, description="minutes")
    adherence_grace: float = Field(1, ge=0, le=MINUTES_A_DAY, description="minutes")


AlertPeriod = Literal["interval", "today"]
_INTERVAL: AlertPeriod = "interval"


class AlertsSettings(_Section):
    """When an alert is raised and how severe it is (domain/alerts.py)."""

    kpi: bool = True
    kpi_min_offered: int = Field(10, ge=0, le=100_000)
    kpi_min_breach_minutes: float = Field(2, ge=0, le=MINUTES_A_DAY)
    kpi_periods: list[AlertPeriod] = Field(default_factory=lambda: [_INTERVAL])
    cooldown_minutes: float = Field(15, ge=0, le=MINUTES_A_DAY)
    rotg: bool = True
    rotg_grace_minutes: float = Field(1, ge=0, le=MINUTES_A_DAY)
    rotg_severe_ratio: float = Field(2.0, ge=1.0, le=100)
    rotg_severe_over_minutes: float = Field(10, ge=0, le=MINUTES_A_DAY)
    late: bool = True
    early_out: bool = True
    not_rostered: bool = True
    absent: bool = True
    excuse_reasons: list[str] = Field(
        default_factory=lambda: ["SYSTEM", "COACHING", "LONG CALL", "DISASTER"], min_length=1
    )

    @field_validator("excuse_reasons")
    @classmethod
    def _reasons(cls, reasons: list[str]) -> list[str]:
        clean = [r.strip() for r in reasons]
        if any(not r for r in clean):
            raise ValueError("an excuse reason is empty")
        if len(set(clean)) != len(clean):
            raise ValueError("an excuse reason is listed twice")
        return clean


class AuxRuleSettings(_Section):
    max_minutes_each: Annotated[float | None, NoneWord] = Field(None, gt=0)
    max_minutes_shift: Annotated[float | None, NoneWord] = Field(None, gt=0)
    max_count_shift: Annotated[int | None, NoneWord] = Field(None, ge=1)
    warn_ratio: float = Field(0.8, gt=0, le=1)


class BreakSettings(_Section):
    code: str
    start: HHMM
    end: HHMM


class ShiftSettings(_Section):
    start: HHMM
    end: HHMM
    breaks: list[BreakSettings] = Field(default_factory=list)


def _reads_as_percent(value: float) -> str:
    return (
        f"{value:g} reads as a percent; this key is a share (0 to 1): "
        f"write {value / 100:g} for {value:g} %"
    )


class StaffingSettings(_Section):
    """Shares (0..1) for shrinkage and max_on_break_share, a percent for the SL target
    (as in [targets]); a value that reads as the other form is refused, not guessed."""

    shrinkage: float = Field(0.30, description="share, 0 to below 1")
    service_level_target: float = Field(80.0, description="percent, above 1 and below 100")
    service_level_seconds: int = Field(20, gt=0)
    interval_minutes: int = Field(30, gt=0, le=120)
    min_rest_hours: float = Field(8.0, ge=0)
    min_shift_hours: float = Field(4.0, gt=0)
    max_shift_hours: float = Field(12.0, gt=0)
    max_on_break_share: float = Field(0.25, description="share, above 0 up to 1")
    forecast: str = ""  # path to a forecast CSV/XLSX (date, interval, calls, aht); "" = none
    max_occupancy: float = Field(0.85, gt=0, le=1, description="share, above 0 up to 1")

    @field_validator("service_level_target")
    @classmethod
    def _percent(cls, value: float) -> float:
        if value <= 0:
            raise ValueError(f"{value:g} is not a percent: write 80 for 80 %")
        if value == 1:
            raise ValueError("1 reads as a share (100 %); this key is a percent: write e.g. 80 for 80 %")
        if value < 1:  # an SL target under 1 % is no target: it is 0.8 meaning 80 %
            raise ValueError(
                f"{value:g} reads as a share; this key is a percent: "
                f"write {value * 100:g} for {value * 100:g} %"
            )
        if value >= 100:
            raise ValueError(
                "must be below 100 % (no number of agents answers every call within the threshold)"
            )
        return value

    @field_validator("shrinkage")
    @classmethod
    def _shrinkage_share(cls, value: float) -> float:
        if value >= 1:  # 100 % shrinkage leaves nobody on the phones: it is 1 meaning 1 %
            raise ValueError(_reads_as_percent(value))
        if value < 0:
            raise ValueError(f"{value:g} is negative; write a share, e.g. 0.3 for 30 %")
        return value

    @field_validator("max_on_break_share")
    @classmethod
    def _break_share(cls, value: float) -> float:
        if value > 1:
            raise ValueError(_reads_as_percent(value))
        if value <= 0:
            raise ValueError(f"{value:g} lets nobody take a break; write a share, e.g. 0.25 for 25 %")
        return value

    @model_validator(mode="after")
    def _bounds(self) -> StaffingSettings:
        if self.min_shift_hours > self.max_shift_hours:
            raise ValueError("min_shift_hours is greater than max_shift_hours")
        return self


class RosterSettings(_Section):
    source: str = "api"  # "api" or a path to a CSV/XLSX file
    sheet: str = ""


def read_password(name: str, named_by: str) -> str:
    """The password in the environment variable `name` (which `named_by` names), kept as a
    secret so no message or log shows it; ConfigError naming the variable if unset."""
    value = os.environ.get(name)
    if not value:
        raise ConfigError(
            f"{named_by} names {name}, which is not set: export {name} with the database "
            "password first"
        )
    from rtm_tui.sources.sanitise import register_secret

    register_secret(value)
    return value


class StorageSettings(_Section):
    database: str = ""  # empty = <data dir>/rtm.sqlite3
    # the shared database instead: postgresql://user@host:port/db (no password in it)
    url: str = ""
    password_env: str = ""  # the environment variable that holds url's password

    @field_validator("url")
    @classmethod
    def _shared_url(cls, value: str) -> str:
        value = value.strip()
        if not value:
            return value
        parts = urlsplit(value)
        if parts.scheme not in ("postgresql", "postgres") or not parts.hostname:
            raise ValueError("use postgresql://user@host:port/database")
        if parts.password is not None:
            raise ValueError(
                "holds a password: remove it from the file and name the environment "
                "variable that holds it in [storage] password_env"
            )
        return value


class UiSettings(_Section):
    bell: bool = True


DEFAULT_METRICS_HOST = "127.0.0.1"  # loopback: the endpoint has no authentication


def parse_listen(value: str) -> tuple[str, int]:
    """`"127.0.0.1:9108"`, `"[::1]:9108"`, `"localhost:9108"` or `":9108"` (loopback) as
    (host, port); raises ValueError naming what is wrong."""
    text = value.strip()
    hint = 'write host:port, e.g. "127.0.0.1:9108" (or "" for no metrics)'
    host, sep, port_text = text.rpartition(":")
    if not sep or not port_text.isdigit():
        raise ValueError(f"{value!r} is not host:port; {hint}")
    port = int(port_text)
    if not 1 <= port <= 65535:
        raise ValueError(f"{value!r}: port {port} is not 1 to 65535; {hint}")
    if any(c.isspace() or c in "/?#@" for c in host):
        raise ValueError(f"{value!r}: {host!r} is not a host name or address; {hint}")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
        if ":" not in host:
            raise ValueError(f"{value!r}: brackets are for an IPv6 address; {hint}")
    elif ":" in host:
        raise ValueError(f"{value!r}: an IPv6 address goes in brackets, e.g. \"[::1]:9108\"")
    return (host or DEFAULT_METRICS_HOST), port


class MetricsSettings(_Section):
    """`[metrics]`: Prometheus metrics for `rtm run` and `rtm demo`; off unless listen is set."""

    listen: str = ""  # "" = off; "127.0.0.1:9108" serves http://127.0.0.1:9108/metrics
    per_agent: bool = False  # one series per agent (many series: off by default)

    @field_validator("listen")
    @classmethod
    def _host_port(cls, value: str) -> str:
        if value.strip():
            parse_listen(value)
        return value

    @property
    def address(self) -> tuple[str, int] | None:
        """(host, port) to listen on, None when metrics are off."""
        return parse_listen(self.listen) if self.listen.strip() else None


def _default_targets() -> dict[str, TargetSettings]:
    t = TargetSettings
    return {
        "scr": t(sla=95, slg=90),
        "abandon": t(sla=5, slg=10),
        "service_level": t(sla=80, slg=70),
        "aht": t(sla=300, slg=360),
        "asa": t(sla=20, slg=40),
        "calls_waiting": t(sla=5, slg=15),
        "longest_wait": t(sla=60, slg=120),
        "response_time": t(sla=60, slg=120),
        "response_time.email": t(sla=3600, slg=7200),
        "waiting_list": t(sla=10, slg=30),
        "nv_aht": t(sla=600, slg=900),
    }


class RotgSettings(BaseModel):
    """`[rotg]`: max_aux_minutes_shift, `[rotg.default]`, and one `[rotg.<CODE>]` per AUX code."""

    model_config = ConfigDict(extra="allow", frozen=True, allow_inf_nan=False)
    __pydantic_extra__: dict[str, AuxRuleSettings] = Field(init=False)

    max_aux_minutes_shift: Annotated[float | None, NoneWord] = Field(90.0, gt=0)
    default: AuxRuleSettings = Field(
        default_factory=lambda: AuxRuleSettings(
            max_minutes_each=15, max_minutes_shift=30, max_count_shift=4
        )
    )


def _default_rotg() -> dict[str, AuxRuleSettings]:
    r = AuxRuleSettings
    return {
        "ISTIRAHAT": r(max_minutes_each=60, max_minutes_shift=60, max_count_shift=1),
        "TOILET": r(max_minutes_each=10, max_minutes_shift=30, max_count_shift=4),
        "SHOLAT": r(max_minutes_each=15, max_minutes_shift=30, max_count_shift=2),
        "BRIEFING": r(max_minutes_each=15, max_minutes_shift=30),
        "COACHING": r(max_minutes_each=30, max_minutes_shift=60),
        "TRAINING": r(max_minutes_each=120, max_minutes_shift=240),
        "SYSTEM": r(max_minutes_each=10, max_minutes_shift=30),
    }


def _shift(start: str, end: str, brk: tuple[str, str] | None) -> ShiftSettings:
    breaks = [BreakSettings(code="ISTIRAHAT", start=brk[0], end=brk[1])] if brk else []
    return ShiftSettings(start=start, end=end, breaks=breaks)


def _default_shifts() -> dict[str, ShiftSettings]:
    return {
        "P1": _shift("07:00", "16:00", ("11:30", "12:30")),
        "P2": _shift("08:00", "17:00", ("12:00", "13:00")),
        "S1": _shift("13:00", "22:00", ("17:30", "18:30")),
        "S2": _shift("14:00", "23:00", ("18:30", "19:30")),
        "M1": _shift("22:00", "07:00", ("02:00", "03:00")),
    }


class Settings(_Section):
    site: SiteSettings = Field(default_factory=SiteSettings)
    omnichannel: OmnichannelSettings = Field(default_factory=OmnichannelSettings)
    polling: PollingSettings = Field(default_factory=PollingSettings)
    kpi: KpiSettings = Field(default_factory=KpiSettings)
    targets: dict[str, TargetSettings] = Field(default_factory=_default_targets)
    attendance: AttendanceSettings = Field(default_factory=AttendanceSettings)
    alerts: AlertsSettings = Field(default_factory=AlertsSettings)
    rotg: RotgSettings = Field(default_factory=lambda: RotgSettings(**_default_rotg()))
    shifts: dict[str, ShiftSettings] = Field(default_factory=_default_shifts)
    staffing: StaffingSettings = Field(default_factory=StaffingSettings)
    roster: RosterSettings = Field(default_factory=RosterSettings)
    storage: StorageSettings = Field(default_factory=StorageSettings)
    ui: UiSettings = Field(default_factory=UiSettings)
    metrics: MetricsSettings = Field(default_factory=MetricsSettings)

    @field_validator("targets")
    @classmethod
    def _targets_make_sense(
        cls, targets: dict[str, TargetSettings], info: ValidationInfo
    ) -> dict[str, TargetSettings]:
        # load_settings passes the fields each [targets.<key>] of the file gave
        given: dict[str, set[str]] = (info.context or {}).get("targets_given", {})
        for key, target in targets.items():

            def named(name: str, value: float, key: str = key) -> str:
                kept = key in given and name not in given[key]
                return f"{name} {value:g}" + (" (the default, not set in the file)" if kept else "")

            kpi = key.split(".", 1)[0]
            direction = KPI_DIRECTIONS.get(kpi)
            if direction is None:
                known = ", ".join(KPI_DIRECTIONS)
                raise ValueError(f"{key}: unknown KPI {kpi!r} (known: {known})")
            for name in ("sla", "slg", "warn_margin"):
                value = getattr(target, name)
                if value is None:
                    continue
                if kpi in PERCENT_KPIS and not 0 <= value <= 100:
                    raise ValueError(f"{key}: {name} {value:g} is not a percent (0 to 100)")
                if value < 0:
                    raise ValueError(f"{key}: {name} {value:g} is negative")
            if target.sla is None or target.slg is None:
                continue
            if direction is Direction.HIGHER and target.slg > target.sla:
                raise ValueError(
                    f"{key}: {named('slg', target.slg)} is stricter than "
                    f"{named('sla', target.sla)} (higher is better here, so the guarantee must be <= the target)"
                )
            if direction is Direction.LOWER and target.slg < target.sla:
                raise ValueError(
                    f"{key}: {named('slg', target.slg)} is stricter than "
                    f"{named('sla', target.sla)} (lower is better here, so the guarantee must be >= the target)"
                )
        return targets

    # ------------------------------------------------------------------ derived views

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.site.timezone)

    def token(self) -> str | None:
        """The API token from the environment, stripped and checked; None if unset or
        empty. Raises `TokenError` (naming the variable, never the value) for a token that
        cannot be sent in a header."""
        from rtm_tui.sources.sanitise import read_token

        return read_token(self.omnichannel.token_env)

    def kpi_targets(self) -> dict[str, KpiTarget]:
        return {
            key: KpiTarget(
                kpi=key,
                direction=KPI_DIRECTIONS[key.split(".", 1)[0]],
                sla=t.sla,
                slg=t.slg,
                warn_margin=t.warn_margin,
            )
            for key, t in self.targets.items()
        }

    def kpi_options(self) -> KpiOptions:
        after = self.kpi.warning_alert_after_minutes
        return KpiOptions(
            exclude_short_abandons=self.kpi.exclude_short_abandons,
            service_level_formula=self.kpi.service_level_formula,
            warning_alert_after=timedelta(minutes=after) if after > 0 else None,
        )

    def rotg_rules(self) -> RotgRules:
        def rule(code: str, s: AuxRuleSettings) -> AuxRule:
            return AuxRule(
                code, s.max_minutes_each, s.max_minutes_shift, s.max_count_shift, s.warn_ratio
            )

        codes = self.rotg.model_extra or {}
        return RotgRules(
            rules={code: rule(code, s) for code, s in codes.items()},
            default=rule("default", self.rotg.default),
            max_aux_minutes_shift=self.rotg.max_aux_minutes_shift,
        )

    def attendance_rules(self) -> AttendanceRules:
        a = self.attendance
        return AttendanceRules(
            late_grace=timedelta(minutes=a.late_grace),
            no_show_after=timedelta(minutes=a.no_show_after),
            early_out_grace=timedelta(minutes=a.early_out_grace),
            adherence_grace=timedelta(minutes=a.adherence_grace),
        )

    def alert_rules(self) -> AlertRules:
        a = self.alerts
        return AlertRules(
            kpi=a.kpi,
            kpi_min_offered=a.kpi_min_offered,
            kpi_min_breach=timedelta(minutes=a.kpi_min_breach_minutes),
            kpi_periods=tuple(dict.fromkeys(a.kpi_periods)),
            cooldown=timedelta(minutes=a.cooldown_minutes),
            rotg=a.rotg,
            rotg_grace=timedelta(minutes=a.rotg_grace_minutes),
            rotg_severe_ratio=a.rotg_severe_ratio,
            rotg_severe_over=timedelta(minutes=a.rotg_severe_over_minutes),
            late=a.late,
            early_out=a.early_out,
            not_rostered=a.not_rostered,
            absent=a.absent,
            excuse_reasons=tuple(a.excuse_reasons),
        )

    def staffing_rules(self) -> StaffingRules:
        s = self.staffing
        return StaffingRules(
            shrinkage=s.shrinkage,
            service_level_target=s.service_level_target / 100,
            service_level_seconds=s.service_level_seconds,
            interval_minutes=s.interval_minutes,
            min_rest_hours=s.min_rest_hours,
            min_shift_hours=s.min_shift_hours,
            max_shift_hours=s.max_shift_hours,
            max_on_break_share=s.max_on_break_share,
        )

    def shift_definitions(self) -> dict[str, ShiftDefinition]:
        return {
            code: ShiftDefinition(
                code=code,
                start=s.start,
                end=s.end,
                breaks=tuple(BreakDefinition(b.code, b.start, b.end) for b in s.breaks),
            )
            for code, s in self.shifts.items()
        }

    def database_path(self) -> Path:
        if self.storage.database:
            return Path(self.storage.database).expanduser()
        return data_dir() / "rtm.sqlite3"

    def store_url(self) -> str:
        """Where plans and the shift record are kept: the shared PostgreSQL URL if set,
        else `sqlite:<database_path>`."""
        return self.storage.url or f"sqlite:{self.database_path()}"

    @staticmethod
    def read_password(name: str, named_by: str) -> str:
        """`read_password` for the CLI's --password-env (reports reach the config through
        the settings object)."""
        return read_password(name, named_by)

    def store_password(self) -> str | None:
        """The shared database's password from the environment variable named by
        `password_env` (None: none named, libpq's own ~/.pgpass or PGPASSWORD apply).
        Registered as a secret so no message or log shows it."""
        name = self.storage.password_env.strip()
        if not self.storage.url or not name:
            return None
        return read_password(name, "[storage] password_env")

    def tl_shift_at(self, now: datetime) -> str | None:
        """The TL shift ("pagi"/"siang") covering `now` in the site timezone, if any."""
        t = now.astimezone(self.tz).time()
        for name, s in self.site.tl_shifts.items():
            inside = s.start <= t < s.end if s.start < s.end else (t >= s.start or t < s.end)
            if inside:
                return name
        return None


# ---------------------------------------------------------------------- paths


def data_dir() -> Path:
    override = os.environ.get(DATA_DIR_ENV)
    return Path(override).expanduser() if override else Path(platformdirs.user_data_dir(APP_NAME))


def default_config_path() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


def resolve_config_path(path: Path | None) -> Path | None:
    """The file to read, or None to run on defaults. An explicit path must exist."""
    if path is not None:
        return path
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env)
    default = default_config_path()
    return default if default.exists() else None


# ---------------------------------------------------------------------- load / write


def _describe(error: ErrorDetails) -> str:
    where = ".".join(str(p) for p in error["loc"])
    if error["type"] == "extra_forbidden":
        return f"{where}: unknown key"
    message = str(error["msg"]).removeprefix("Value error, ")
    # validators of a table ("targets") name the entry first: fold it into the key path
    if m := re.match(r"([A-Za-z_][\w.]*): (.+)$", message):
        where, message = f"{where}.{m[1]}" if where else m[1], m[2]
    return f"{where}: {message}" if where else message


# Tables keyed by the site's own names, merged over the defaults entry by entry.
# [site.tl_shifts] is not: a site's TL shifts split its day, so a file's set replaces ours.
MERGED_TABLES = ("targets", "rotg", "shifts")


def merge_over_defaults(
    data: dict[str, Any], file: Path
) -> tuple[dict[str, Any], dict[str, set[str]]]:
    """The file's [targets], [rotg] and [shifts] laid over the defaults, key by key.

    An entry the file gives extends the default entry of the same key (fields it leaves
    out keep the default's; a list such as a shift's breaks is replaced whole); a new key
    is added; other defaults stay. `enabled = false` in an entry removes that default.
    `[rotg] max_aux_minutes_shift` and `[rotg.default]` are fields, merged the same way
    but never removed. Returns (the merged data, the fields each [targets.<key>] gave).
    """
    defaults = Settings().model_dump(mode="json", exclude_none=True)
    merged = dict(data)
    targets_given: dict[str, set[str]] = {}
    for table in MERGED_TABLES:
        raw = data.get(table)
        if not isinstance(raw, dict):
            continue  # absent: the defaults apply; not a table: validation says so
        fixed = set(RotgSettings.model_fields) if table == "rotg" else set()
        out = dict(defaults[table])
        for key, entry in raw.items():
            if not isinstance(entry, dict):
                out[key] = entry  # a scalar (max_aux_minutes_shift) or a mistake for pydantic
                continue
            entry = dict(entry)
            if key not in fixed and "enabled" in entry:
                enabled = entry.pop("enabled")
                where = f"config {file}: {table}.{key}.enabled"
                if not isinstance(enabled, bool):
                    raise ConfigError(f"{where}: write true or false, not {enabled!r}")
                if not enabled:
                    if key not in defaults[table]:
                        known = ", ".join(k for k in defaults[table] if k not in fixed)
                        raise ConfigError(
                            f"{where}: there is no default {key} to remove (defaults: {known})"
                        )
                    del out[key]
                    continue
            if table == "targets":
                targets_given[key] = set(entry)
            base = out.get(key)
            out[key] = {**base, **entry} if isinstance(base, dict) else entry
        merged[table] = out
    return merged, targets_given


def load_settings(path: Path | None = None) -> Settings:
    file = resolve_config_path(path)
    if file is None:
        return Settings()
    try:
        # utf-8-sig: editors on Windows (Notepad, Excel's "UTF-8") save a BOM first
        data = tomllib.loads(file.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise ConfigError(f"config {file}: file not found (create one with `rtm init`)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"config {file}: cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config {file}: not valid TOML: {exc}") from None
    data, targets_given = merge_over_defaults(data, file)
    try:
        return Settings.model_validate(data, context={"targets_given": targets_given})
    except ValidationError as exc:
        problems = [_describe(e) for e in exc.errors(include_url=False)]
        raise ConfigError(f"config {file}: " + "; ".join(problems)) from None


def starter_config() -> str:
    header = (
        "# rtm-tui configuration. Every key is documented in config.example.toml.\n"
        "# The API token is read from the environment variable named by token_env.\n\n"
    )
    data = Settings().model_dump(mode="json", exclude_none=True)
    return header + tomli_w.dumps(data)


def init_command(args: argparse.Namespace, settings: object = None) -> int:
    target: Path = args.path or default_config_path()
    if target.is_dir():  # --force or not: a directory is never overwritten by a file
        print(
            f"rtm init: {target} is a directory: give the config file's path "
            f"(e.g. --path {target / 'config.toml'})",
            file=sys.stderr,
        )
        return 2
    if target.exists() and not args.force:
        print(f"rtm init: {target} already exists; use --force to overwrite it")
        return 1
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(starter_config(), encoding="utf-8")
    except OSError as exc:
        print(f"rtm init: cannot write {target}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    print(target)
    return 0
