"""Whole-word phrase matching over normalised text, the one primitive the compiler, router and triage share.

Phrases are matched on word boundaries
so that "pe" never fires inside "pepper" and "leg" never inside "legal".
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache

MAX_PHRASE_WORDS = 12  # the longest phrase a look-up can find; the compiler rejects longer ones
_ASIDE = r"besides|apart from|aside from|other than|except for|except"
_DETERMINER = r"(?:the |a |an |my |your |his |her )?"
# "Where else, apart from behind the knee": what follows these is set aside, not asked about.
SETTING_ASIDE = re.compile(rf"\b(?:{_ASIDE}) {_DETERMINER}")
# A place set aside, or taken back: "i meant in my bum, not my knee", "rather than behind the knee".
_PLACE_ASIDE = re.compile(rf"\b(?:{_ASIDE}|not|rather than|instead of) ((?:in |behind |at )?{_DETERMINER})")


@lru_cache(maxsize=2048)
def _ngrams(text: str) -> dict[str, tuple[int, ...]]:
    """Every run of up to twelve words in `text`, with the character offsets where it starts.

    Built once per text, it turns each phrase test into a dictionary look-up, which is what keeps routing a
    question well under a millisecond however many phrases the lexicon lists.
    """
    starts, pos = [], 0
    tokens = text.split(" ")
    for token in tokens:
        starts.append(pos)
        pos += len(token) + 1
    grams: dict[str, list[int]] = {}
    for i in range(len(tokens)):
        for n in range(1, min(MAX_PHRASE_WORDS, len(tokens) - i) + 1):
            grams.setdefault(" ".join(tokens[i : i + n]), []).append(starts[i])
    return {gram: tuple(offsets) for gram, offsets in grams.items()}


@lru_cache(maxsize=65536)
def _canonical(text: str) -> str:
    return " ".join(text.split())


def contains(text: str, phrase: str) -> bool:
    key = _canonical(phrase)
    if key.count(" ") >= MAX_PHRASE_WORDS:  # longer than any n-gram kept: plain whole-word search
        return f" {key} " in f" {_canonical(text)} "
    return bool(key) and key in _ngrams(_canonical(text))


_LONG_LIST = 64
_KEYS_KEPT = 256
_keys_of: OrderedDict[int, tuple[Sequence[str], dict[str, list[int]], int]] = OrderedDict()


def _keys(phrases: Sequence[str]) -> dict[str, list[int]]:
    """Where each canonical phrase of a long list stands in it, kept per list object: a lexicon's lists live
    as long as the router, and a written-out template has thousands of phrases, so a question's few dozen
    word runs are looked up in it rather than each phrase being looked for in the question."""
    kept = _keys_of.get(id(phrases))
    if kept is not None and kept[0] is phrases and kept[2] == len(phrases):
        _keys_of.move_to_end(id(phrases))
        return kept[1]
    keys: dict[str, list[int]] = {}
    for i, phrase in enumerate(phrases):
        key = _canonical(phrase)
        if key:
            keys.setdefault(key, []).append(i)
    _keys_of[id(phrases)] = (phrases, keys, len(phrases))
    if len(_keys_of) > _KEYS_KEPT:
        _keys_of.popitem(last=False)
    return keys


def find_all(text: str, phrases: Iterable[str]) -> list[tuple[int, int, str]]:
    """Every (start, end, phrase) hit, as character offsets into `text` (white space folded).

    A long list is looked up from the text's side: a question has a few dozen word runs, and a written-out
    template may have thousands of phrases."""
    grams = _ngrams(_canonical(text))
    if isinstance(phrases, (list, tuple)) and len(phrases) > _LONG_LIST:
        keys = _keys(phrases)
        return sorted(
            (start, start + len(gram), phrases[i])
            for gram, starts in grams.items() if gram in keys
            for i in keys[gram] for start in starts
        )
    hits = []
    for phrase in phrases:
        key = _canonical(phrase)
        for start in grams.get(key, ()) if key else ():
            hits.append((start, start + len(key), phrase))
    return sorted(hits)


def any_of_each(text: str, *lists: Sequence[str]) -> list[str]:
    """`any_of` over lists one after the other, as over their concatenation, but each long list is folded
    once, not again in every new concatenated copy."""
    return [p for phrases in lists for p in any_of(text, phrases)]


def any_of(text: str, phrases: Iterable[str]) -> list[str]:
    grams = _ngrams(_canonical(text))
    if isinstance(phrases, (list, tuple)) and len(phrases) > _LONG_LIST:
        keys = _keys(phrases)
        found = sorted(i for gram in grams if gram in keys for i in keys[gram])
        return [phrases[i] for i in found]
    return [p for p in phrases if p and _canonical(p) in grams]


class Rewriter:
    """Applies a phrase -> phrase mapping in one left-to-right pass, longest phrase first.

    One pass (not repeated until nothing changes) keeps it predictable: a replacement is never rewritten
    again. Spellings (single words typed as texts are: "urself", "wat") are respelt in a pass before it, so
    a phrase is written once in full ("hurt yourself") and found however its words were typed.
    """

    def __init__(self, mapping: Mapping[str, str], spellings: Mapping[str, str] | None = None) -> None:
        self._mapping = dict(mapping)
        self._spellings = dict(spellings or {})
        keys = sorted(self._mapping, key=lambda k: (-len(k), k))
        self._regex = (
            re.compile(r"(?<!\S)(" + "|".join(re.escape(k) for k in keys) + r")(?!\S)") if keys else None
        )

    def __call__(self, text: str) -> str:
        if self._spellings:
            text = " ".join(self._spellings.get(word, word) for word in text.split())
        if self._regex is None:
            return text
        # A phrase may be mapped to nothing (a filler word): no double space is left where it was.
        return " ".join(self._regex.sub(lambda m: self._mapping[m.group(1)], text).split())


class PhraseIndex:
    """Many named phrase lists looked up together: one pass over a question's word runs finds the hits of
    every list, where `find_all` per list would walk the runs once for each of dozens of lists."""

    def __init__(self, lists: Mapping[str, Sequence[str]]) -> None:
        self._names = tuple(lists)
        self._by_key: dict[str, list[tuple[str, str]]] = {}
        for name, phrases in lists.items():
            for phrase in phrases:
                key = _canonical(phrase)
                if key:
                    self._by_key.setdefault(key, []).append((name, phrase))

    def find(self, text: str) -> dict[str, list[tuple[int, int, str]]]:
        """Each list's (start, end, phrase) hits, as `find_all` gives them, by the list's name."""
        hits: dict[str, list[tuple[int, int, str]]] = {name: [] for name in self._names}
        for gram, starts in _ngrams(_canonical(text)).items():
            for name, phrase in self._by_key.get(gram, ()):
                hits[name].extend((start, start + len(gram), phrase) for start in starts)
        for found in hits.values():
            found.sort()
        return hits


def without(text: str, phrases: Iterable[str]) -> str:
    """The text with these phrases cut out, so a word inside one of them is not read on its own. Overlapping
    hits ("behind the knee" and "knee") are one: the outermost is cut."""
    spans: list[tuple[int, int]] = []
    for start, end, _phrase in sorted(find_all(text, phrases), key=lambda hit: (hit[0], -hit[1])):
        if not spans or start >= spans[-1][1]:
            spans.append((start, end))
    for start, end in reversed(spans):
        text = text[:start] + text[end:]
    return " ".join(text.split())


def not_aside(text: str, hits: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """The places hit but the one said just after "apart from", "not" ..., and those inside it ("knee" in
    "behind the knee")."""
    # A place may be set aside with the words before it ("not behind the knee") or without them ("knee").
    starts = {
        m.start(1) + i for m in _PLACE_ASIDE.finditer(text) for i in range(len(m.group(1)) + 1)
        if i == 0 or m.group(1)[i - 1] == " "
    }
    aside = [(start, end) for start, end, _phrase in hits if start in starts]
    return [hit for hit in hits if not any(start <= hit[0] < end for start, end in aside)]
