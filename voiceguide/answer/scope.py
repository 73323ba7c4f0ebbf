"""Whether a word the documents never use is everyday English or a subject of its own.

A question anchored in the domain (a place, a warning sign, the answer just given) is not made someone else's
by a common word the documents happen not to use: "on dark skin", "bend my leg", "is it linked to". A medical
or specialist word the documents lack ("migraine", "sciatica", "vena cava") still is, so a question about it
is never bent into a clot answer. wordfreq's frequency list, which ships with the package (nothing is
fetched), says which is which: everyday words are used at least about ten times per million words.
"""

from __future__ import annotations

from functools import lru_cache

from wordfreq import zipf_frequency

# Zipf 4 is once per 100,000 words: "dark", "bend", "linked", "examine" are above it; "migraine" (3.3),
# "sciatica" (2.5), "psoriasis" (2.9), "insulin" (3.8) are below.
_EVERYDAY_ZIPF = 4.0


@lru_cache(maxsize=8192)
def everyday(word: str) -> bool:
    """A common English word, which alone says nothing about what a question is about."""
    return word.isalpha() and zipf_frequency(word, "en") >= _EVERYDAY_ZIPF


# Zipf 3 is once per million words: "raining" (3.7) and "snowing" (3.1) are words as said, not a recognizer's
# near-miss of "raising" or "knowing"; "symtoms" (1.2) and "swolen" (0) are near-misses.
_WORD_ZIPF = 3.0


@lru_cache(maxsize=8192)
def english_word(word: str) -> bool:
    """A real English word, heard as said: fuzzy repair is for near-misses that are no words at all."""
    return word.isalpha() and zipf_frequency(word, "en") >= _WORD_ZIPF
