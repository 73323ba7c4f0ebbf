"""Pronunciations for the recognizer's words, including medical words its dictionary lacks.

The pocketsphinx dictionary (CMUdict) has no "thrombophlebitis", "anticoagulants", "iliac", "venogram" or
"dvt". A word the recognizer cannot pronounce can never be heard, so each missing word gets, in order:
spelled-out letters for short all-consonant acronyms, a known stem plus an English suffix, espeak-ng's own
letter-to-sound rules (espeak-ng is already VoiceGuide's speech-out engine) mapped from IPA to ARPAbet, and
finally a split into known dictionary words. Words none of these can pronounce are returned for logging.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
from collections.abc import Iterable, Mapping
from pathlib import Path

log = logging.getLogger(__name__)

Pronunciation = tuple[str, ...]

# IPA as espeak-ng prints it (en-us) -> ARPAbet as the pocketsphinx en-us acoustic model knows it.
# Longest symbols first so diphthongs and affricates win over their parts.
_IPA_TO_ARPABET: dict[str, Pronunciation] = {
    "aɪə": ("AY", "ER"),
    "aʊə": ("AW", "ER"),
    "eɪ": ("EY",),
    "aɪ": ("AY",),
    "aʊ": ("AW",),
    "oʊ": ("OW",),
    "ɔɪ": ("OY",),
    "əʊ": ("OW",),
    "tʃ": ("CH",),
    "dʒ": ("JH",),
    "ɪɹ": ("IH", "R"),
    "ɛɹ": ("EH", "R"),
    "ʊɹ": ("UH", "R"),
    "ɑɹ": ("AA", "R"),
    "ɔɹ": ("AO", "R"),
    "oɹ": ("AO", "R"),
    "ɜː": ("ER",),
    "ɚ": ("ER",),
    "ɝ": ("ER",),
    "iː": ("IY",),
    "i": ("IY",),
    "ɪ": ("IH",),
    "ᵻ": ("IH",),
    "ɛ": ("EH",),
    "e": ("EH",),
    "æ": ("AE",),
    "a": ("AE",),
    "ɐ": ("AH",),
    "ɑː": ("AA",),
    "ɑ": ("AA",),
    "ɒ": ("AA",),
    "ɔː": ("AO",),
    "ɔ": ("AO",),
    "ʌ": ("AH",),
    "ə": ("AH",),
    "ʊ": ("UH",),
    "uː": ("UW",),
    "u": ("UW",),
    "o": ("OW",),
    "p": ("P",),
    "b": ("B",),
    "t": ("T",),
    "d": ("D",),
    "k": ("K",),
    "ɡ": ("G",),
    "g": ("G",),
    "f": ("F",),
    "v": ("V",),
    "θ": ("TH",),
    "ð": ("DH",),
    "s": ("S",),
    "z": ("Z",),
    "ʃ": ("SH",),
    "ʒ": ("ZH",),
    "h": ("HH",),
    "m": ("M",),
    "n": ("N",),
    "ŋ": ("NG",),
    "l": ("L",),
    "ɫ": ("L",),
    "ɹ": ("R",),
    "r": ("R",),
    "j": ("Y",),
    "w": ("W",),
    "ɾ": ("T",),
    "ʔ": ("T",),
    "n̩": ("AH", "N"),
    "l̩": ("AH", "L"),
    "x": ("K",),
}
_IPA_IGNORED = set("ˈˌː.ˑ‍-_ ̩")
_LETTER_NAMES: dict[str, Pronunciation] = {
    "b": ("B", "IY"),
    "c": ("S", "IY"),
    "d": ("D", "IY"),
    "f": ("EH", "F"),
    "g": ("JH", "IY"),
    "h": ("EY", "CH"),
    "j": ("JH", "EY"),
    "k": ("K", "EY"),
    "l": ("EH", "L"),
    "m": ("EH", "M"),
    "n": ("EH", "N"),
    "p": ("P", "IY"),
    "q": ("K", "Y", "UW"),
    "r": ("AA", "R"),
    "s": ("EH", "S"),
    "t": ("T", "IY"),
    "v": ("V", "IY"),
    "w": ("D", "AH", "B", "AH", "L", "Y", "UW"),
    "x": ("EH", "K", "S"),
    "z": ("Z", "IY"),
}
_VOICELESS = {"P", "T", "K", "F", "TH"}


def read_dictionary(path: str | Path, only: Iterable[str] | None = None) -> dict[str, Pronunciation]:
    """CMUdict-style file -> first pronunciation of each word (alternates like `word(2)` are skipped).

    With `only`, other words are skipped without being split, which keeps start-up fast (the full
    dictionary has 135,000 entries; the recognizer needs a few thousand)."""
    wanted = None if only is None else set(only)
    entries: dict[str, Pronunciation] = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            word, _, phones = line.partition(" ")
            if (wanted is not None and word not in wanted) or "(" in word or word in entries:
                continue
            if phones.split():
                entries[word] = tuple(phones.split())
    return entries


def ipa_to_arpabet(ipa: str) -> Pronunciation | None:
    phones: list[str] = []
    position = 0
    while position < len(ipa):
        if ipa[position] in _IPA_IGNORED:
            position += 1
            continue
        for length in (3, 2, 1):
            symbol = ipa[position : position + length]
            if symbol in _IPA_TO_ARPABET:
                phones.extend(_IPA_TO_ARPABET[symbol])
                position += length
                break
        else:
            return None  # a sound we cannot map: better no pronunciation than a wrong one
    return tuple(phones) or None


_espeak_cache: dict[str, Pronunciation | None] = {}


def espeak_pronunciations(words: Iterable[str]) -> dict[str, Pronunciation | None]:
    """espeak-ng letter-to-sound for many words in one process (one line in, one IPA line out)."""
    todo = sorted({w for w in words if w not in _espeak_cache})
    executable = shutil.which("espeak-ng")
    if todo and executable:
        try:
            completed = subprocess.run(
                [executable, "-q", "--ipa", "-v", "en-us"],
                input="\n".join(todo) + "\n",
                capture_output=True,
                text=True,
                timeout=30,
                check=True,
                # espeak-ng opens an audio device even with -q; an empty server name stops the PulseAudio
                # client before it leaves runtime folders under ~/.config and $TMPDIR (as in tts.py)
                env={**os.environ, "PULSE_SERVER": ""},
            )
            lines = [line.strip() for line in completed.stdout.splitlines() if line.strip()]
        except (OSError, subprocess.SubprocessError):
            lines = []
        if len(lines) == len(todo):
            _espeak_cache.update({w: ipa_to_arpabet(ipa) for w, ipa in zip(todo, lines, strict=True)})
    return {w: _espeak_cache.get(w) for w in words}


def espeak_pronunciation(word: str) -> Pronunciation | None:
    return espeak_pronunciations([word])[word]


def _with_suffix(word: str, dictionary: Mapping[str, Pronunciation]) -> Pronunciation | None:
    for suffix in ("s", "es"):
        stem = word[: -len(suffix)]
        if word.endswith(suffix) and stem in dictionary:
            last = dictionary[stem][-1]
            return (*dictionary[stem], "S" if last in _VOICELESS else "Z")
    if word.endswith("ing") and word[:-3] in dictionary:
        return (*dictionary[word[:-3]], "IH", "NG")
    return None


def _as_known_words(word: str, dictionary: Mapping[str, Pronunciation]) -> Pronunciation | None:
    """Split into the fewest dictionary words of three letters or more (a last resort)."""
    best: list[Pronunciation | None] = [()] + [None] * len(word)
    pieces = [0] + [10**6] * len(word)
    for end in range(3, len(word) + 1):
        for start in range(0, end - 2):
            if best[start] is None or word[start:end] not in dictionary:
                continue
            if pieces[start] + 1 < pieces[end]:
                pieces[end] = pieces[start] + 1
                best[end] = (*best[start], *dictionary[word[start:end]])
    return best[len(word)]


def pronounce(word: str, dictionary: Mapping[str, Pronunciation]) -> Pronunciation | None:
    if word in dictionary:
        return dictionary[word]
    letters = word.replace("'", "")
    if letters and len(letters) <= 4 and all(c in _LETTER_NAMES for c in letters):
        return tuple(phone for letter in letters for phone in _LETTER_NAMES[letter])
    return _with_suffix(word, dictionary) or espeak_pronunciation(word) or _as_known_words(word, dictionary)


def pronunciations(
    words: Iterable[str], dictionary: Mapping[str, Pronunciation]
) -> tuple[dict[str, Pronunciation], list[str]]:
    """Pronunciations for every word that can be pronounced, plus the sorted list of those that cannot."""
    found: dict[str, Pronunciation] = {}
    missing: list[str] = []
    words = list(words)
    espeak_pronunciations(w for w in words if w not in dictionary)  # one espeak-ng run for all of them
    for word in words:
        pron = pronounce(word, dictionary)
        if pron:
            found[word] = pron
        else:
            missing.append(word)
    if missing:
        log.warning(
            "No pronunciation for %d words, so they cannot be recognized: %s",
            len(missing),
            ", ".join(sorted(missing)),
        )
    return found, sorted(missing)
