"""Text sanitising: what may reach the terminal from the API."""

from __future__ import annotations

import pytest

from rtm_tui.sources.sanitise import (
    CODE_MAX,
    ID_MAX,
    NAME_MAX,
    clean,
    clean_code,
    clean_id,
    clean_name,
)


@pytest.mark.parametrize(
    "text",
    [
        "Siti Rahmawati",
        "Ann [/]",
        "[bold red]x",
        "Nguyễn Thị Ánh",
        "山田 太郎",
        "O’Brien",
        "🙂 Rina",
        "",
    ],
)
def test_clean_text_is_returned_unchanged(text):
    assert clean_name(text) == text


def test_clean_fast_path_returns_same_object():
    text = "Budi Santoso"
    assert clean_name(text) is text


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("\x1b]0;title\x07", "]0;title"),  # OSC retitle: ESC and BEL dropped
        ("\x1b[2J", "[2J"),  # clear screen
        ("a\x1b[31mred\x1b[0m", "a[31mred[0m"),
        ("\x9b31m", "31m"),  # C1 CSI
        ("nul\x00byte", "nulbyte"),
        ("del\x7f", "del"),
        ("bell\x07", "bell"),
        ("back\x08space", "backspace"),
        ("two\nlines", "two lines"),
        ("tab\there", "tab here"),
        ("cr\r\n", "cr  "),
        ("line\u2028sep", "line sep"),
    ],
)
def test_control_characters(raw, safe):
    assert clean_name(raw) == safe


@pytest.mark.parametrize("char", [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))])
def test_bidi_overrides_and_isolates_dropped(char):
    assert clean_name(f"abc{char}def") == "abcdef"


@pytest.mark.parametrize("char", ["\u200e", "\u200f", "\u061c", "\ufeff"])
def test_invisible_marks_dropped(char):
    assert clean_code(f"{char}TOILET") == "TOILET"


def test_harmless_non_printables_kept():
    # no-break space and zero-width joiner are not dangerous and matter for some names
    assert clean_name("Ana\u00a0Maria") == "Ana\u00a0Maria"
    assert clean_name("\u0915\u094d\u200d\u0937") == "\u0915\u094d\u200d\u0937"


def test_lengths_capped_with_ellipsis():
    assert len(clean_name("x" * 500)) == NAME_MAX
    assert clean_name("x" * 500).endswith("…")
    assert clean_code("C" * 40) == "C" * (CODE_MAX - 1) + "…"
    assert clean_code("C" * CODE_MAX) == "C" * CODE_MAX
    assert clean("abcdef", limit=4) == "abc…"


def test_cut_happens_after_dropping():
    # 80 visible letters padded with escapes fit: the escapes do not count
    assert clean_name("\x1b" * 50 + "y" * 80) == "y" * 80


def test_ids_have_room_for_a_uuid():
    uuid = "3f2b8c1e-9a4d-4e6f-b2c7-8d9e0f1a2b3c"
    assert clean_id(uuid) == uuid
    assert clean_id("I" * 70) == "I" * (ID_MAX - 1) + "…"


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("👍🏽 Budi", "👍 Budi"),  # skin tone: terminals draw 2 cells, not 4
        ("☺\ufe0f Ani", "☺ Ani"),  # VS16: some terminals widen, rich does not
        ("👩\u200d💻 Rina", "👩💻 Rina"),  # ZWJ: drawn as one or two, as they please
        ("Ri\u200bna", "Rina"),  # zero-width space: "Rina" and "Ri​na" look the same
        ("\u3164Budi", "Budi"),  # Hangul filler: blank of uncertain width
        ("Bu\u00addi", "Budi"),  # soft hyphen
        ("🏴\U000e0067\U000e0062\U000e007f", "🏴"),  # tag sequence
    ],
)
def test_characters_of_uncertain_width_are_dropped(raw, safe):
    assert clean_name(raw) == safe


def test_a_cleaned_name_measures_what_the_terminal_draws():
    from rich.cells import cell_len

    # every character left has a width rich and terminals agree on
    assert cell_len(clean_name("👍🏽\u200b☺\ufe0f")) == 3


def test_a_token_echoed_into_a_name_is_scrubbed_before_the_cut():
    from rtm_tui.sources.sanitise import register_secret

    token = "nm-Echo7Token9Value3XYZ"
    register_secret(token)
    shown = clean_name("Budi " + "x" * 60 + f" Bearer {token}")
    assert all(token[i : i + 8] not in shown for i in range(len(token) - 7))
    assert clean_name(f"Budi {token}") == "Budi ***"


def test_the_wire_cleans_emoji_and_echoed_tokens_in_otherwise_clean_payloads():
    # such payloads have no escape or control byte: the decoder's fast path must not skip them
    import json

    from rtm_tui.sources.sanitise import register_secret
    from rtm_tui.sources.wire import decode_agents

    token = "wire-Echo5Token8Value2QRS"
    register_secret(token)
    agent = {
        "agent_id": "A1",
        "name": "Budi 👍🏽",
        "team": f"Team {token}",
        "state": "available",
        "state_since": "2026-11-24T08:00:00+07:00",
    }
    payload = json.dumps({"as_of": "2026-11-24T08:00:00+07:00", "agents": [agent]}, ensure_ascii=False)
    (decoded,) = decode_agents(payload.encode()).agents
    assert decoded.name == "Budi 👍"
    assert decoded.team == "Team ***"
