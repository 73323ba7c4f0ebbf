"""A short word typed or heard one letter off a word of the documents ("treet" for "treat").

The fuzzy ratio the repair uses is too coarse for short words: at five letters one slip already costs 20
points, the same as two slips in a long word. One edit, the same first letter and only one word it could be
is a slip; two candidates ("bload": blood or bloat) are a guess, and a guess is left as heard.
"""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

# Four letters are too few: "doms" is one letter off "docs", "dots" and "does".
MIN_SLIP_LENGTH, MAX_SLIP_LENGTH = 5, 6


def one_slip_from(word: str, targets: Sequence[str]) -> tuple[str] | None:
    """The one target `word` is a single edit away from, with its first letter, as a one-item match."""
    if not MIN_SLIP_LENGTH <= len(word) <= MAX_SLIP_LENGTH:
        return None
    found = {
        target for target, _distance, _index in process.extract(
            word, targets, scorer=Levenshtein.distance, score_cutoff=1, limit=None
        ) if target[0] == word[0]
    }
    return (found.pop(),) if len(found) == 1 else None
