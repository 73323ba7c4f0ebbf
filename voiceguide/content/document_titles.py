"""What a document's title says about it: the place it is about ("... Behind the Knee") and its subject
("blood clot"), read with the lexicon's place words so that a document on a new subject needs no code
change."""

from __future__ import annotations

from collections import Counter
from typing import Any

from voiceguide.answer.phrases import find_all
from voiceguide.answer.text import STOPWORDS, normalize

_PREPOSITIONS = frozenset("in behind on at of around near under inside to".split())
_PLACE_LEAD_INS = frozenset("the your my a an".split())


def _place_spans(words: list[str], lexicon: dict[str, Any]) -> list[tuple[int, int, str]]:
    """Where a title names a place: a location term after a preposition ("... Behind the Knee", "... in Your
    Buttocks"). A location word that starts a title names what it is about instead ("Leg Cramps")."""
    text = " ".join(words)
    spans = []
    for loc, spec in lexicon["locations"].items():
        for start, end, _term in find_all(text, spec["terms"]):
            first = len(text[:start].split())
            last = first + len(text[start:end].split())
            before = first - 1
            while before >= 0 and words[before] in _PLACE_LEAD_INS:
                before -= 1
            if words[first] in _PREPOSITIONS or (before >= 0 and words[before] in _PREPOSITIONS):
                spans.append((min(first, before + 1) if before >= 0 else first, last, loc))
    return spans


def title_place(norm_title: str, lexicon: dict[str, Any]) -> str | None:
    counts = Counter(loc for _s, _e, loc in _place_spans(norm_title.split(), lexicon))
    return counts.most_common(1)[0][0] if counts else None


def subject_of(title: str, lexicon: dict[str, Any]) -> str:
    """What a document is about, from its title: the longest run of words that are not its question ("what
    are the", "can you get"), its kind ("symptoms") or its place ("behind the knee"). "What Are the Symptoms
    of a Blood Clot Behind the Knee?" is about "blood clot"; "What Causes Leg Cramps?" about "leg cramps".
    The scope reply, help and welcome speak of it, so a document on a new subject needs no code change."""
    words = normalize(title).split()
    dropped = set()
    for start, end, _loc in _place_spans(words, lexicon):
        dropped.update(range(start, end))
    text = " ".join(words)
    for start, end, _kind in find_all(
        text, [h for spec in lexicon["kinds"].values() for h in spec["heading"]]
    ):
        first = len(text[:start].split())
        dropped.update(range(first, first + len(text[start:end].split())))
    frame = STOPWORDS | set(lexicon.get("title_frame_words", []))
    runs, run = [], []
    for i, word in enumerate(words):
        if i in dropped or word in frame:
            runs.append(run)
            run = []
        else:
            run.append(word)
    runs.append(run)
    best = max(runs, key=len)
    return " ".join(best) or "this subject"


def plural(phrase: str) -> str:
    return phrase if phrase.endswith("s") else phrase + "s"


def singular(phrase: str) -> str:
    return phrase[:-1] if phrase.endswith("s") and not phrase.endswith("ss") else phrase
