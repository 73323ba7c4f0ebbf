"""A short word typed or heard one letter off a word of the documents ("treet" for "treat").

The fuzzy ratio the repair uses is too coarse for short words: at five letters one slip already costs 20
points, the same as two slips in a long word. One edit, the same first letter and only one word it could be
is a slip; two candidates ("bload": blood or bloat) are a guess, and a guess is left as heard.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein
from wordfreq import zipf_frequency

from voiceguide.answer.scope import english_word

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


# Pieces shorter than this are too easily a word by chance: "calfs" is not "cal fs", nor "clotty" "clot ty".
MIN_PIECE, MIN_GLUED = 3, 7
# A word written this rarely is no word of its own ("bloodclot" 1.0); "overdid" (2.2) is one.
GLUED_ZIPF = 1.5


def unglued(word: str, known: Callable[[str], bool]) -> tuple[str, str] | None:
    """Two words run together ("whatcauses", "bloodclot"), as a recognizer or a hurried typist may give them:
    the one way to cut a word hardly ever written into two English words, one of them `known`. Two ways to cut
    it is a guess, and a guess is left as heard."""
    if len(word) < MIN_GLUED or zipf_frequency(word, "en") >= GLUED_ZIPF:
        return None
    cuts = [
        (word[:i], word[i:]) for i in range(MIN_PIECE, len(word) - MIN_PIECE + 1)
        if all(known(half) or english_word(half) for half in (word[:i], word[i:]))
        and (known(word[:i]) or known(word[i:]))
    ]
    return cuts[0] if len(cuts) == 1 else None


# "Comin back", "goin on": the g dropped as many say it. The word heard must be written rarely and the -ing
# word far more often, so "thin" (4.5) stays thin, not "thing", and "spin" is no "sping".
G_DROPPED_BELOW, G_DROPPED_MARGIN = 4.0, 1.0


def g_restored(word: str) -> str | None:
    """The -ing word said with its g dropped ("lookin", "comin"), where that is far the commoner word."""
    if len(word) < 4 or not word.endswith("in"):
        return None
    heard, full = zipf_frequency(word, "en"), zipf_frequency(word + "g", "en")
    return word + "g" if heard < G_DROPPED_BELOW and full >= heard + G_DROPPED_MARGIN else None
