"""A recognizer's text in the form the router reads: lower case words, no punctuation, digits as people mean
them. Whisper writes like a transcriptionist ("D-dimer", "DVT.", "9-1-1", "I'm 65."), the router reads what
voiceguide.answer.text.normalize makes of a typed question; this is the one bridge between the two."""

from __future__ import annotations

import re

from voiceguide.answer.text import normalize

_SPACED_DIGITS = re.compile(r"\b\d(?:[-.]\d)+\b")  # "9-1-1" -> "911", "1.1.2" -> "112"
_SYMBOLS = {"&": " and ", "%": " percent ", "+": " plus ", "@": " at "}


def for_router(text: str) -> str:
    text = _SPACED_DIGITS.sub(lambda m: re.sub(r"\D", "", m.group(0)), text)
    for symbol, word in _SYMBOLS.items():
        text = text.replace(symbol, word)
    return normalize(text)
