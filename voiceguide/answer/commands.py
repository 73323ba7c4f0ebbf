"""Spoken commands, recognised as words so they work the same typed, piped or spoken.

A command must be (nearly) the whole utterance: "stop" is a command, "how can i stop a clot from forming" is a
question. Polite fillers around it are ignored. What counts as each command is data: content/commands.yaml.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import yaml
from rapidfuzz import fuzz, process

from voiceguide.answer.text import POINTING_WORDS, normalize


class Command(str, Enum):
    REPEAT = "repeat"
    MORE = "more"
    SHORTER = "shorter"
    HELP = "help"
    STOP = "stop"
    SLOWER = "slower"
    FASTER = "faster"
    LOUDER = "louder"
    QUIETER = "quieter"
    START_OVER = "start-over"
    GOODBYE = "goodbye"
    THANKS = "thanks"


COMMANDS_FILE = Path(__file__).parents[1] / "content" / "commands.yaml"
_DATA = yaml.safe_load(COMMANDS_FILE.read_text(encoding="utf-8"))
_SAYINGS: dict[Command, tuple[str, ...]] = {Command(name): tuple(s) for name, s in _DATA["sayings"].items()}
PHRASES: tuple[str, ...] = tuple(p for sayings in _SAYINGS.values() for p in sayings)
_LOOKUP = {normalize(p): cmd for cmd, sayings in _SAYINGS.items() for p in sayings}
_FILLERS = frozenset(_DATA["fillers"])
_COURTESIES = sorted((normalize(c).split() for c in _DATA.get("courtesies", [])), key=len, reverse=True)
_FUZZY_CUTOFF = 88
# Possessives are left out: "say its again" is "say it again" misheard, not another word pointing elsewhere.
_POINTING = POINTING_WORDS - {"its", "their"}
_LEADING = {word: Command(name) for word, name in _DATA["leading"].items()}

LEADING_WORDS: tuple[str, ...] = tuple(_LEADING)  # the one-word commands, for biasing a recognizer


def parse_command(text: str) -> Command | None:
    said = normalize(text).split()
    words = [w for w in _without_courtesies(said) if w not in _FILLERS]
    if not words:
        # "Thanks" alone: the polite word is all that was said.
        return Command.THANKS if "thanks" in said else None
    core = " ".join(words)
    if core in _LOOKUP:
        return _LOOKUP[core]
    if len(words) > 5:
        return None
    match = process.extractOne(core, list(_LOOKUP), scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF)
    if match and not _points_elsewhere(core, match[0]):
        return _LOOKUP[match[0]]
    # A short utterance that starts with a command word is that command, whatever a recognizer made of the
    # rest: "repeat off" is "repeat that" misheard, and nobody asks a question in two words starting "repeat".
    if len(words) <= 2 and words[0] in _LEADING:
        return _LEADING[words[0]]
    # Likewise "... me more" / "... more": the word that matters came through ("too we more").
    if len(words) <= 3 and words[-1] == "more" and words[0] not in ("no", "not", "any"):
        return Command.MORE
    return None


def _points_elsewhere(core: str, saying: str) -> bool:
    """"How does that work" is no near-miss of "how does this work" (help): a recognizer mishears sounds,
    and "that" for "this" is another question, about what was just said."""
    said, meant = core.split(), saying.split()
    return len(said) == len(meant) and any(
        a != b and a in _POINTING and b in _POINTING for a, b in zip(said, meant, strict=True)
    )


def _without_courtesies(words: list[str]) -> list[str]:
    """The words with what is said around a command taken out, longest courtesy first; a command said only
    as a courtesy ("can you") is kept as said."""
    kept, i = [], 0
    while i < len(words):
        found = next((c for c in _COURTESIES if words[i:i + len(c)] == c), None)
        if found:
            i += len(found)
        else:
            kept.append(words[i])
            i += 1
    return kept or words
