"""Whole-word phrase matching over normalised text, the one primitive the compiler, router and triage share.

Phrases are matched on word boundaries so that "pe" never fires inside "pepper" and "leg" never inside "legal".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache


@lru_cache(maxsize=4096)
def _pattern(phrase: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\S)" + re.escape(phrase) + r"(?!\S)")


def contains(text: str, phrase: str) -> bool:
    return bool(phrase) and _pattern(phrase).search(text) is not None


def find_all(text: str, phrases: Iterable[str]) -> list[tuple[int, int, str]]:
    """Every (start, end, phrase) hit, as character offsets into `text`."""
    hits = []
    for phrase in phrases:
        if phrase:
            hits.extend((m.start(), m.end(), phrase) for m in _pattern(phrase).finditer(text))
    return sorted(hits)


def any_of(text: str, phrases: Iterable[str]) -> list[str]:
    return [p for p in phrases if contains(text, p)]


class Rewriter:
    """Applies a phrase -> phrase mapping in one left-to-right pass, longest phrase first.

    One pass (not repeated until nothing changes) keeps it predictable: a replacement is never rewritten again.
    """

    def __init__(self, mapping: Mapping[str, str]) -> None:
        self._mapping = dict(mapping)
        keys = sorted(self._mapping, key=lambda k: (-len(k), k))
        self._regex = (
            re.compile(r"(?<!\S)(" + "|".join(re.escape(k) for k in keys) + r")(?!\S)") if keys else None
        )

    def __call__(self, text: str) -> str:
        if self._regex is None:
            return text
        return self._regex.sub(lambda m: self._mapping[m.group(1)], text)
