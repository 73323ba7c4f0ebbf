"""Text as the voice should say it: the step between an answer's written text and the speech engine.

The most important sentence VoiceGuide says is the one with the emergency number, and a speech engine reads
"911" as "nine hundred eleven" and "112" as "one hundred and twelve": nobody dials those. Abbreviations have
the same problem in a milder form ("PE" comes out as "pee"). So every render goes through `speakable` (the
renderer calls it; no path can skip it), while captions, printed answers and the JSON `answer` keep the
written text. What to rewrite is data: voiceguide/content/speakable.yaml.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

RULES_FILE = Path(__file__).parents[1] / "content" / "speakable.yaml"

DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
# A number to dial: digits, optionally in groups joined by spaces, dots or hyphens ("0800 123 456").
_DIALLED = r"\d+(?:[ .\-]\d+)*"
_CAPITALS = re.compile(r"\b[A-Z]{2,6}s?\b")


@dataclass(frozen=True)
class SpeakingRules:
    emergency_numbers: frozenset[str]
    dial_words: tuple[str, ...]
    say_as_words: frozenset[str]
    replacements: tuple[tuple[str, str], ...]

    @classmethod
    def from_file(cls, path: Path = RULES_FILE) -> SpeakingRules:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return cls(
            emergency_numbers=frozenset(str(n) for n in data.get("emergency_numbers", ())),
            dial_words=tuple(str(w).lower() for w in data.get("dial_words", ())),
            say_as_words=frozenset(str(w) for w in data.get("say_as_words", ())),
            replacements=tuple((str(k), str(v)) for k, v in (data.get("replacements") or {}).items()),
        )


@functools.cache
def default_rules() -> SpeakingRules:
    return SpeakingRules.from_file()


def digit_by_digit(number: str) -> str:
    """ "911" -> "nine. one. one": a stop after each digit gives the pause a person makes reading a number
    out for someone to dial, which keeps the digits apart
    (run together, "one one two" was heard as "1112")."""
    return ". ".join(DIGIT_WORDS[int(d)] for d in number if d.isdigit())


def _spell(match: re.Match[str], keep: frozenset[str]) -> str:
    word = match.group(0)
    plural = word.endswith("s") and not word.isupper()
    stem = word[:-1] if plural else word
    if stem in keep or word in keep:
        return word
    return " ".join(stem) + ("'s" if plural else "")


def speakable(text: str, rules: SpeakingRules | None = None) -> str:
    """The words to hand the speech engine for `text`."""
    rules = rules or default_rules()
    for written, spoken in rules.replacements:
        text = re.sub(rf"(?<![\w-]){re.escape(written)}(?![\w-])", spoken, text)
    if rules.dial_words:
        dial = "|".join(re.escape(w) for w in rules.dial_words)
        text = re.sub(
            rf"\b({dial})(\s+)({_DIALLED})\b",
            lambda m: f"{m.group(1)}{m.group(2)}{digit_by_digit(m.group(3))}",
            text,
            flags=re.IGNORECASE,
        )
    if rules.emergency_numbers:
        listed = "|".join(re.escape(n) for n in sorted(rules.emergency_numbers, key=len, reverse=True))
        text = re.sub(rf"(?<![\d.,])({listed})(?![\d]|[.,]\d)", lambda m: digit_by_digit(m.group(1)), text)
    return _CAPITALS.sub(lambda m: _spell(m, rules.say_as_words), text)
