"""The simulated site: agent profiles (who, which team, which channels, usual shift)
and the roster for any date, deterministic for a seed."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from rtm_tui.simulator.names import make_names
from rtm_tui.simulator.timebase import TimeBase


@dataclass(frozen=True, slots=True)
class ShiftCode:
    code: str
    start: int  # minutes after local midnight of the roster date
    end: int  # may pass 24:00 (a night shift ends the next day)
    break_start: int
    break_end: int


# The default shift codes of the site (HELPERS.md / config.example.toml).
SHIFTS: dict[str, ShiftCode] = {
    s.code: s
    for s in (
        ShiftCode("P1", 7 * 60, 16 * 60, 11 * 60 + 30, 12 * 60 + 30),
        ShiftCode("P2", 8 * 60, 17 * 60, 12 * 60, 13 * 60),
        ShiftCode("S1", 13 * 60, 22 * 60, 17 * 60 + 30, 18 * 60 + 30),
        ShiftCode("S2", 14 * 60, 23 * 60, 18 * 60 + 30, 19 * 60 + 30),
        ShiftCode("M1", 22 * 60, 31 * 60, 26 * 60, 27 * 60),
    )
}
TRAINING_SHIFT = ShiftCode("TRN", 8 * 60, 17 * 60, 12 * 60, 13 * 60)

VOICE, CHAT, EMAIL = "voice", "chat", "email"
CHANNELS_OF_KIND = {VOICE: ("voice",), CHAT: ("chat", "whatsapp"), EMAIL: ("email",)}

# share of agents per kind, and of each kind per usual shift
_KIND_SHARE = {VOICE: 0.78, CHAT: 0.14, EMAIL: 0.08}
_SHIFT_SHARE = {
    VOICE: {"P1": 0.28, "P2": 0.24, "S1": 0.20, "S2": 0.16, "M1": 0.12},
    CHAT: {"P1": 0.28, "P2": 0.22, "S1": 0.22, "S2": 0.16, "M1": 0.12},
    EMAIL: {"P1": 0.40, "P2": 0.35, "S1": 0.25},
}
VIP_SHARE = 0.25  # voice agents who also take the priority queue
TEAM_SIZE = 15
LEAVE_P, SICK_P = 0.02, 0.015


@dataclass(slots=True)
class Profile:
    idx: int
    agent_id: str
    name: str
    team: str
    kind: str  # VOICE, CHAT or EMAIL
    channels: tuple[str, ...]
    vip: bool
    shift: str  # usual shift code
    off_days: tuple[int, int]  # weekdays off (0 = Monday)


@dataclass(frozen=True, slots=True)
class RosterLine:
    idx: int
    status: str  # scheduled, off, leave, sick, training
    shift_code: str
    start: int | None  # epoch seconds
    end: int | None
    breaks: tuple[tuple[str, int, int], ...] = ()


def _quota(n: int, shares: dict[str, float]) -> list[str]:
    """Exactly `n` labels in the given shares (largest remainder)."""
    raw = {k: n * s for k, s in shares.items()}
    counts = {k: int(v) for k, v in raw.items()}
    rest = n - sum(counts.values())
    for k in sorted(raw, key=lambda k: raw[k] - counts[k], reverse=True)[:rest]:
        counts[k] += 1
    return [k for k, c in counts.items() for _ in range(c)]


def build_profiles(n: int, seed: int) -> list[Profile]:
    rng = random.Random(f"{seed}:profiles")
    names = make_names(n, rng)
    kinds = _quota(n, _KIND_SHARE)
    if n >= 10:  # every channel staffed on any real site
        for k in (CHAT, EMAIL):
            if k not in kinds:
                kinds[kinds.index(VOICE)] = k
    rng.shuffle(kinds)
    by_kind: dict[str, list[int]] = {}
    for i, k in enumerate(kinds):
        by_kind.setdefault(k, []).append(i)
    shift_of: dict[int, str] = {}
    vip_of: set[int] = set()
    for k, members in by_kind.items():
        shifts = _quota(len(members), _SHIFT_SHARE[k])
        rng.shuffle(shifts)
        shift_of.update(zip(members, shifts, strict=True))
        if k == VOICE:
            vip_of.update(rng.sample(members, round(len(members) * VIP_SHARE)))
    profiles: list[Profile] = []
    team_counter: dict[str, int] = {}
    for i in range(n):
        k = kinds[i]
        base = {VOICE: "Priority" if i in vip_of else "Inbound", CHAT: "Digital", EMAIL: "Email"}[k]
        seat = team_counter.get(base, 0)
        team_counter[base] = seat + 1
        team = f"{base} {seat // TEAM_SIZE + 1}"
        off = (i * 3 + seed) % 7
        profiles.append(
            Profile(
                idx=i,
                agent_id=f"A{i + 1:04d}",
                name=names[i],
                team=team,
                kind=k,
                channels=CHANNELS_OF_KIND[k],
                vip=i in vip_of,
                shift=shift_of[i],
                off_days=(off, (off + 1) % 7),
            )
        )
    return profiles


# Workforce staggers the meal break around the shift code's own break time, so a whole
# shift group is never off the phones at once (minutes).
BREAK_STAGGER = (-60, -30, 0, 30, 60)


def shift_line(
    idx: int, status: str, s: ShiftCode, day: date, tb: TimeBase, stagger: int = 0
) -> RosterLine:
    return RosterLine(
        idx,
        status,
        s.code,
        tb.at_minutes(day, s.start),
        tb.at_minutes(day, s.end),
        (
            (
                "ISTIRAHAT",
                tb.at_minutes(day, s.break_start + stagger),
                tb.at_minutes(day, s.break_end + stagger),
            ),
        ),
    )


def roster_for(profiles: list[Profile], day: date, seed: int, tb: TimeBase) -> list[RosterLine]:
    rng = random.Random(f"{seed}:roster:{day.isoformat()}")
    weekday = day.weekday()
    lines: list[RosterLine] = []
    working: list[int] = []
    for p in profiles:
        u = rng.random()
        if weekday in p.off_days:
            lines.append(RosterLine(p.idx, "off", "OFF", None, None))
        elif u < LEAVE_P:
            lines.append(RosterLine(p.idx, "leave", "CUTI", None, None))
        elif u < LEAVE_P + SICK_P:
            lines.append(RosterLine(p.idx, "sick", "SAKIT", None, None))
        else:
            stagger = BREAK_STAGGER[(p.idx + day.toordinal()) % len(BREAK_STAGGER)]
            lines.append(shift_line(p.idx, "scheduled", SHIFTS[p.shift], day, tb, stagger))
            if p.kind == VOICE and p.shift in ("P1", "P2"):
                working.append(p.idx)
    # one day agent in class (status training) for every 40 agents
    for idx in rng.sample(working, min(len(working) // 2, len(profiles) // 40)):
        lines[idx] = shift_line(idx, "training", TRAINING_SHIFT, day, tb)
    return lines
