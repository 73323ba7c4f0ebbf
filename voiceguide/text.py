"""Text normalisation shared by the compiler and the router, so both see words in the same form.

Recognizers produce lower case words without punctuation; typed questions are brought to that form too.
"""

from __future__ import annotations

import re

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'"})
_NOT_WORD = re.compile(r"[^a-z0-9' ]+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(]?[A-Z0-9])")

STOPWORDS = frozenset(
    """a an the of in on at to for from by with and or but if is are was were be been being am do does did
    done have has had it its it's this that these those there their they them you your yours i me my mine we
    our us he she his her can could would should will shall may might must what which who whom whose how why
    when where as so than then too very just also about into over under up down out off not no such any some
    all each other more most own same only both few many much s t""".split()
)


def normalize(text: str) -> str:
    """Lower case, apostrophes kept inside words, everything else that is not a letter or digit dropped."""
    text = text.translate(_APOSTROPHES).lower().replace("-", " ")
    text = _NOT_WORD.sub(" ", text)
    text = re.sub(r"(?<![a-z])'|'(?![a-z])", " ", text)
    return " ".join(text.split())


def words(text: str) -> list[str]:
    return normalize(text).split()


def split_sentences(text: str) -> list[str]:
    """Sentences of prose; good enough for the documents we compile (no abbreviations with periods)."""
    return [s.strip() for s in _SENTENCE_END.split(text.strip()) if s.strip()]


def slug(text: str) -> str:
    return "-".join(words(text))
