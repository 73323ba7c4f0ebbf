"""With --wake-phrase: did an utterance start with the wake phrase, and what followed it."""

from __future__ import annotations

from rapidfuzz import fuzz


def match_wake_phrase(text: str, wake_phrase: str, cutoff: float = 75.0) -> tuple[bool, str]:
    """(said the wake phrase at the start, what followed it). Fuzzy: recognizers bend unusual words."""
    words, wake = text.split(), wake_phrase.lower().split()
    best: tuple[float, int] = (0.0, 0)
    for n in {len(wake) - 1, len(wake), len(wake) + 1}:
        if 0 < n <= len(words):
            score = fuzz.ratio(" ".join(words[:n]), " ".join(wake))
            if score > best[0]:
                best = (score, n)
    if best[0] >= cutoff:
        return True, " ".join(words[best[1]:])
    return False, text
