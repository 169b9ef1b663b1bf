"""Wire schemas of the Omnichannel API v1 (`shared/contract/omnichannel-api.md`).

Each `decode_*` function takes the raw response bytes and returns a frozen domain
snapshot, or raises `ContractError` naming the endpoint and the field path:

    /agents: agents.3.state: 'dancing' is not one of 'logged_out', 'available', ...

A response that breaks the contract is rejected whole. Extra fields are ignored.

Why pydantic-core schemas and not BaseModel classes: a 2,000-agent `/agents` payload is
decoded every few seconds, and building BaseModel instances and then copying them into
the domain dataclasses measured about 4.6x the cost of a bare `json.loads`. The schemas
below are the same pydantic validation engine, but they fill the frozen domain
dataclasses directly in Rust (JSON parsing, ISO 8601 times, enums, bounds), which keeps
the whole decode at about 1-2x `json.loads` (benchmarks/bench_decode.py). Text
sanitising calls back into Python, and only for payloads that may need it.

Validation is strict: counts must be JSON integers >= 0 (no "3", 3.0 or true), durations
JSON numbers >= 0, times ISO 8601 strings with a UTC offset.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from datetime import date, tzinfo
from enum import StrEnum
from typing import Any

from pydantic_core import SchemaValidator, ValidationError
from pydantic_core import core_schema as cs

from rtm_tui.domain.types import (
    Agent,
    AgentsSnapshot,
    AgentState,
    AgentToday,
    Break,
    NonVoiceChannel,
    NonVoiceCounts,
    NonVoiceNow,
    NonVoiceSnapshot,
    Roster,
    RosterEntry,
    RosterStatus,
    VoiceCounts,
    VoiceNow,
    VoiceQueue,
    VoiceSnapshot,
)
from rtm_tui.sources.sanitise import (
    CODE_MAX,
    ID_MAX,
    NAME_MAX,
    clean_code,
    clean_id,
    clean_name,
    scrub,
    secret_bytes,
)

AGENTS = "/agents"
VOICE = "/queues/voice"
NONVOICE = "/queues/nonvoice"
ROSTER = "/roster"


class ContractError(ValueError):
    """A response that breaks the contract. `path` is the dotted field path ('' = whole)."""

    def __init__(self, endpoint: str, path: str, detail: str, more: int = 0) -> None:
        self.endpoint = endpoint
        self.path = path
        self.detail = detail
        self.more = more
        where = f"{endpoint}: {path}: " if path else f"{endpoint}: "
        tail = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
        super().__init__(f"{where}{detail}{tail}")


# --------------------------------------------------------------------------- building blocks

# strict=True on every leaf: a dataclass schema does not pass the validator's config down
_TIME = cs.datetime_schema(tz_constraint="aware", strict=True)
_COUNT = cs.int_schema(ge=0, strict=True)
_SECONDS = cs.float_schema(ge=0, allow_inf_nan=False, strict=True)
_CONFIG = cs.CoreConfig(strict=True, extra_fields_behavior="ignore")


@dataclasses.dataclass(frozen=True)
class _Text:
    """How text fields are validated: `id` (agent/queue ids), `code` (AUX, shift, break
    codes, channels) and `name` (display names)."""

    id: cs.CoreSchema
    code: cs.CoreSchema
    name: cs.CoreSchema


# Every string goes through the sanitiser (a Python call per string).
_SANITISED = _Text(
    id=cs.no_info_after_validator_function(clean_id, cs.str_schema(min_length=1, strict=True)),
    code=cs.no_info_after_validator_function(clean_code, cs.str_schema(min_length=1, strict=True)),
    name=cs.no_info_after_validator_function(clean_name, cs.str_schema(strict=True)),
)
# For payloads whose bytes hold nothing the sanitiser would change (see `_maybe_unsafe`):
# only the length limits remain to check, in Rust. A too-long string sends the payload
# to the sanitising path, which cuts it instead of rejecting it.
_CLEAN = _Text(
    id=cs.str_schema(min_length=1, max_length=ID_MAX, strict=True),
    code=cs.str_schema(min_length=1, max_length=CODE_MAX, strict=True),
    name=cs.str_schema(max_length=NAME_MAX, strict=True),
)

# Lead bytes of everything `sanitise` drops or replaces: a backslash (any JSON escape,
# e.g. \u001b or \n), DEL, and the first UTF-8 byte of C1 controls (C2), bidi controls,
# marks and line separators (E2, D8), BOM (EF). Raw C0 bytes are invalid JSON anyway.
# Also the lead bytes of the characters of uncertain width (CD, E1, E3, F0 for emoji and
# their modifiers, F3 for tags).
_UNSAFE_LEAD_BYTES = (
    b"\\", b"\x7f", b"\xc2", b"\xe2", b"\xd8", b"\xef", b"\xcd", b"\xe1", b"\xe3", b"\xf0",
    b"\xf3",
)  # fmt: skip


def _maybe_unsafe(data: bytes) -> bool:
    # bytes.find is a memchr: ~1 % of json.loads. A hit is often harmless (a curly
    # apostrophe, a no-break space) and only costs the slower sanitising path. A payload
    # that echoes the token takes that path too, so the token is scrubbed from names.
    return any(data.find(b) >= 0 for b in _UNSAFE_LEAD_BYTES) or any(
        data.find(secret) >= 0 for secret in secret_bytes()
    )


class _Validator:
    """One schema built twice: for payloads that may need sanitising and those that don't."""

    def __init__(self, endpoint: str, build: Callable[[_Text], cs.CoreSchema]) -> None:
        self.endpoint = endpoint
        self._clean = SchemaValidator(build(_CLEAN), _CONFIG)
        self._sanitised = SchemaValidator(build(_SANITISED), _CONFIG)

    def __call__(self, data: bytes | str) -> Any:
        if isinstance(data, str):
            data = data.encode()
        if not _maybe_unsafe(data):
            try:
                return self._clean.validate_json(data)
            except ValidationError as exc:
                if not any(e["type"] == "string_too_long" for e in exc.errors()):
                    raise _contract_error(self.endpoint, exc) from None
        try:
            return self._sanitised.validate_json(data)
        except ValidationError as exc:
            raise _contract_error(self.endpoint, exc) from None


def _enum(cls: type[StrEnum]) -> cs.CoreSchema:
    return cs.enum_schema(cls, list(cls.__members__.values()), sub_type="str", strict=True)


def _nullable(schema: cs.CoreSchema) -> cs.CoreSchema:
    """Optional and nullable: a missing field and null both mean None."""
    return cs.with_default_schema(cs.nullable_schema(schema), default=None)


def _default(schema: cs.CoreSchema, default: Any) -> cs.CoreSchema:
    return cs.with_default_schema(schema, default=default)


def _seq(item: cs.CoreSchema) -> cs.CoreSchema:
    return cs.tuple_schema([item], variadic_item_index=0)


def _dataclass(cls: type, **fields: cs.CoreSchema) -> cs.CoreSchema:
    """Validate a JSON object straight into the frozen domain dataclass `cls`."""
    names = [f.name for f in dataclasses.fields(cls)]
    assert sorted(names) == sorted(fields), f"{cls.__name__}: schema/fields differ"
    args = cs.dataclass_args_schema(
        cls.__name__,
        [cs.dataclass_field(name, fields[name]) for name in names],
        collect_init_only=False,
    )
    return cs.dataclass_schema(cls, args, names, slots=True, frozen=True, config=_CONFIG)


def _object(**fields: cs.CoreSchema) -> cs.CoreSchema:
    """A JSON object validated into a plain dict (for the small endpoints mapped in Python)."""
    return cs.typed_dict_schema(
        {name: cs.typed_dict_field(s) for name, s in fields.items()}, config=_CONFIG
    )


# --------------------------------------------------------------------------- /agents


def _agents_schema(text: _Text) -> cs.CoreSchema:
    today = _dataclass(
        AgentToday,
        first_login_at=_nullable(_TIME),
        last_logout_at=_nullable(_TIME),
        aux_seconds=_default(cs.dict_schema(text.code, _SECONDS), {}),
        aux_count=_default(cs.dict_schema(text.code, _COUNT), {}),
        handled=_default(_COUNT, 0),
    )
    agent = _dataclass(
        Agent,
        agent_id=text.id,
        name=text.name,
        team=_default(text.name, ""),
        state=_enum(AgentState),
        state_since=_TIME,
        aux_code=_nullable(text.code),
        channels=_default(_seq(text.code), ()),
        login_at=_nullable(_TIME),
        logout_at=_nullable(_TIME),
        today=_nullable(today),
    )
    return _dataclass(AgentsSnapshot, as_of=_TIME, agents=_seq(agent))


_AGENTS = _Validator(AGENTS, _agents_schema)


def decode_agents(data: bytes | str) -> AgentsSnapshot:
    snap: AgentsSnapshot = _AGENTS(data)
    agents = snap.agents
    _no_duplicates(AGENTS, "agents", "agent_id", [a.agent_id for a in agents])
    # The contract sets aux_code only in AUX; a stale code left on another state would
    # show a wrong AUX code on the board, so it is dropped. AUX without a code is kept
    # (shown as unknown, default limits) rather than losing the whole board.
    if any(a.aux_code is not None and a.state is not AgentState.AUX for a in agents):
        fixed = tuple(
            dataclasses.replace(a, aux_code=None)
            if a.aux_code is not None and a.state is not AgentState.AUX
            else a
            for a in agents
        )
        snap = AgentsSnapshot(snap.as_of, fixed)
    return snap


# --------------------------------------------------------------------------- /queues/voice


def _voice_counts(**extra: cs.CoreSchema) -> dict[str, cs.CoreSchema]:
    return dict(
        extra,
        offered=_COUNT,
        answered=_COUNT,
        abandoned=_COUNT,
        # breakdowns the KPIs do not need may be left out by a platform; absent means 0
        short_abandoned=_default(_COUNT, 0),
        answered_within_sl=_COUNT,
        handle_seconds=_SECONDS,
        talk_seconds=_default(_SECONDS, 0.0),
        hold_seconds=_default(_SECONDS, 0.0),
        acw_seconds=_default(_SECONDS, 0.0),
        answer_wait_seconds=_SECONDS,
    )


def _build_voice_queue(d: dict[str, Any]) -> VoiceQueue:
    interval = d["interval"]
    start = interval.pop("start")
    return VoiceQueue(
        queue_id=d["queue_id"],
        name=d["name"],
        interval_start=start,
        interval=VoiceCounts(**interval),
        today=d["today"],
        now=d["now"],
    )


def _voice_schema(text: _Text) -> cs.CoreSchema:
    queue = _object(
        queue_id=text.id,
        name=text.name,
        interval=_object(**_voice_counts(start=_TIME)),
        today=_dataclass(VoiceCounts, **_voice_counts()),
        now=_dataclass(
            VoiceNow,
            waiting=_COUNT,
            longest_wait_seconds=_SECONDS,
            agents_available=_default(_COUNT, 0),
            agents_on_contact=_default(_COUNT, 0),
        ),
    )
    return _dataclass(
        VoiceSnapshot,
        as_of=_TIME,
        interval_minutes=cs.int_schema(gt=0, le=1440, strict=True),
        service_level_seconds=cs.int_schema(ge=0, le=3600, strict=True),
        queues=_seq(cs.no_info_after_validator_function(_build_voice_queue, queue)),
    )


_VOICE = _Validator(VOICE, _voice_schema)


def decode_voice(data: bytes | str) -> VoiceSnapshot:
    snap: VoiceSnapshot = _VOICE(data)
    _no_duplicates(VOICE, "queues", "queue_id", [q.queue_id for q in snap.queues])
    for i, q in enumerate(snap.queues):
        _counts_add_up(f"queues.{i}.interval", q.interval)
        _counts_add_up(f"queues.{i}.today", q.today)
    return snap


# part <= whole: a count over its whole is a platform fault, never an SCR of 250 % in green
_VOICE_PARTS = (
    ("answered", "offered"),
    ("abandoned", "offered"),
    ("short_abandoned", "abandoned"),
    ("answered_within_sl", "answered"),
)


def _counts_add_up(path: str, counts: VoiceCounts) -> None:
    for part, whole in _VOICE_PARTS:
        p, w = getattr(counts, part), getattr(counts, whole)
        if p > w:
            raise ContractError(VOICE, f"{path}.{part}", f"{p} is more than {whole} {w}")


# --------------------------------------------------------------------------- /queues/nonvoice


def _nonvoice_counts(**extra: cs.CoreSchema) -> dict[str, cs.CoreSchema]:
    return dict(
        extra,
        received=_COUNT,
        responded=_COUNT,
        first_response_seconds=_SECONDS,
        handled=_COUNT,
        handle_seconds=_SECONDS,
    )


def _build_channel(d: dict[str, Any]) -> NonVoiceChannel:
    interval = d["interval"]
    start = interval.pop("start")
    return NonVoiceChannel(
        channel=d["channel"],
        name=d["name"],
        interval_start=start,
        interval=NonVoiceCounts(**interval),
        today=d["today"],
        now=d["now"],
    )


def _nonvoice_schema(text: _Text) -> cs.CoreSchema:
    channel = _object(
        channel=text.code,
        name=text.name,
        interval=_object(**_nonvoice_counts(start=_TIME)),
        today=_dataclass(NonVoiceCounts, **_nonvoice_counts()),
        now=_dataclass(NonVoiceNow, waiting=_COUNT, oldest_waiting_seconds=_SECONDS),
    )
    return _dataclass(
        NonVoiceSnapshot,
        as_of=_TIME,
        interval_minutes=cs.int_schema(gt=0, le=1440, strict=True),
        channels=_seq(cs.no_info_after_validator_function(_build_channel, channel)),
    )


_NONVOICE = _Validator(NONVOICE, _nonvoice_schema)


def decode_nonvoice(data: bytes | str) -> NonVoiceSnapshot:
    snap: NonVoiceSnapshot = _NONVOICE(data)
    _no_duplicates(NONVOICE, "channels", "channel", [c.channel for c in snap.channels])
    return snap


# --------------------------------------------------------------------------- /roster


def _roster_schema(text: _Text) -> cs.CoreSchema:
    brk = _dataclass(Break, code=text.code, start=_TIME, end=_TIME)
    entry = _object(
        agent_id=text.id,
        name=_default(text.name, ""),
        team=_default(text.name, ""),
        shift_code=_nullable(text.code),
        status=_enum(RosterStatus),
        start=_nullable(_TIME),
        end=_nullable(_TIME),
        breaks=_default(_seq(brk), ()),
    )
    return _object(date=cs.date_schema(strict=True), entries=cs.list_schema(entry))


_ROSTER = _Validator(ROSTER, _roster_schema)


def decode_roster(data: bytes | str, day: date | None = None, tz: tzinfo | None = None) -> Roster:
    """Decode `/roster`. `day`: the date asked for (the answer must be for it);
    `tz`: the site timezone the times are converted to."""
    raw = _ROSTER(data)
    if day is not None and raw["date"] != day:
        raise ContractError(ROSTER, "date", f"{raw['date']} is not the date asked for ({day})")
    entries = tuple(_roster_entry(raw["date"], i, e, tz) for i, e in enumerate(raw["entries"]))
    _no_duplicates(ROSTER, "entries", "agent_id", [e.agent_id for e in entries])
    return Roster(raw["date"], entries)


def _roster_entry(day: date, i: int, e: dict[str, Any], tz: tzinfo | None) -> RosterEntry:
    path = f"entries.{i}"
    start, end = e["start"], e["end"]
    status: RosterStatus = e["status"]
    if status is RosterStatus.SCHEDULED and (start is None or end is None):
        missing = "start" if start is None else "end"
        raise ContractError(ROSTER, f"{path}.{missing}", "missing (status is scheduled)")
    if (start is None) != (end is None):
        missing = "start" if start is None else "end"
        raise ContractError(ROSTER, f"{path}.{missing}", "missing (the other end is set)")
    if start is not None and end is not None and end <= start:
        raise ContractError(ROSTER, f"{path}.end", f"{end.isoformat()} is not after start")
    breaks: tuple[Break, ...] = e["breaks"]
    for j, b in enumerate(breaks):
        if b.end <= b.start:
            raise ContractError(
                ROSTER, f"{path}.breaks.{j}.end", f"{b.end.isoformat()} is not after start"
            )
    if tz is not None:
        start = start.astimezone(tz) if start else None
        end = end.astimezone(tz) if end else None
        breaks = tuple(Break(b.code, b.start.astimezone(tz), b.end.astimezone(tz)) for b in breaks)
    return RosterEntry(
        date=day,
        agent_id=e["agent_id"],
        name=e["name"],
        team=e["team"],
        status=status,
        shift_code=e["shift_code"],
        start=start,
        end=end,
        breaks=breaks,
    )


# --------------------------------------------------------------------------- errors


def _contract_error(endpoint: str, exc: ValidationError) -> ContractError:
    errors = exc.errors(include_url=False)
    first = errors[0]
    return ContractError(endpoint, _path(first["loc"]), _describe(first), more=len(errors) - 1)


def _no_duplicates(endpoint: str, items: str, key: str, values: Sequence[str]) -> None:
    if len(set(values)) == len(values):
        return
    seen: dict[str, int] = {}
    for i, v in enumerate(values):
        if v in seen:
            raise ContractError(
                endpoint, f"{items}.{i}.{key}", f"{v!r} repeats {items}.{seen[v]}.{key}"
            )
        seen[v] = i


def _path(loc: tuple[int | str, ...]) -> str:
    # dict keys come from the payload: cleaned so an error message is safe to show
    # (scrubbed before the cut: a token cut short no longer matches)
    return ".".join(str(p) if isinstance(p, int) else clean_code(scrub(p)) for p in loc)


_JSON_TYPES = {
    "string_type": "a string",
    "int_type": "an integer",
    "float_type": "a number",
    "bool_type": "true or false",
    "dict_type": "an object",
    "dataclass_type": "an object",
    "model_type": "an object",
    "typed_dict_type": "an object",
    "list_type": "an array",
    "tuple_type": "an array",
    "datetime_type": "a time string",
    "date_type": "a date string",
}


def _describe(err: Any) -> str:
    kind: str = err["type"]
    value = err.get("input")
    ctx = err.get("ctx") or {}
    if kind == "json_invalid":
        return f"not valid JSON ({ctx.get('error', 'parse error')})"
    if kind == "missing":
        return "missing"
    if kind == "enum":
        return f"{_show(value)} is not one of {ctx.get('expected', '?')}"
    if kind == "greater_than_equal" and ctx.get("ge") == 0:
        return f"{_show(value)} is negative"
    if kind == "greater_than_equal":
        return f"{_show(value)} is less than {ctx.get('ge')}"
    if kind == "greater_than":
        return f"{_show(value)} is not greater than {ctx.get('gt')}"
    if kind == "less_than_equal":
        return f"{_show(value)} is greater than {ctx.get('le')}"
    if kind == "timezone_aware":
        return f"{_show(value)} has no UTC offset"
    if kind in ("datetime_parsing", "datetime_from_date_parsing"):
        return f"{_show(value)} is not an ISO 8601 time ({ctx.get('error', '')})"
    if kind == "date_parsing":
        return f"{_show(value)} is not a YYYY-MM-DD date"
    if kind == "finite_number":
        return f"{_show(value)} is not a finite number"
    if kind == "string_too_short":
        return "empty"
    if kind in _JSON_TYPES:
        got = _json_type(value)
        if value is not None and not isinstance(value, (dict, list)):
            got += f" {_show(value)}"
        return f"expected {_JSON_TYPES[kind]}, got {got}"
    return f"{err['msg']} (got {_show(value)})"


def _show(value: object) -> str:
    """A short, escaped rendering of a rejected value (repr escapes control characters),
    scrubbed of the API token before it is cut (a server may echo our header back)."""
    if isinstance(value, (dict, list)):
        return _json_type(value)
    text = scrub(repr(value))
    return text if len(text) <= 40 else text[:39] + "…"


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


__all__ = [
    "AGENTS",
    "NONVOICE",
    "ROSTER",
    "VOICE",
    "ContractError",
    "decode_agents",
    "decode_nonvoice",
    "decode_roster",
    "decode_voice",
]
