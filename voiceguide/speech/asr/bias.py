"""What the Whisper recognizer is told to expect, derived from the compiled content (never written by hand).

Whisper takes a text prompt as if it were what was said just before, and faster-whisper's hotwords are added
to it. The hotwords are the content's rare terms and the warning signs. The documents' titles were tried as
the prompt too (scripts/tune_whisper.py, tuning renders: titles and hotwords 93 of 192 answered right,
hotwords alone 89, no bias 78), but Whisper then wrote the titles into kitchen noise ("Can You Get a Blood
Clot?"), which no gate can tell from a person asking just that, so the prompt stays empty. "Rare" is judged by
Whisper's own tokenizer: a word it must spell in two or more pieces ("venogram", "clots", "thrombophlebitis")
is one it is less likely to guess unprompted, while words it holds whole ("swelling", "chest") need no help.
Abbreviations (DVT, CT) and letter-hyphen terms (D-dimer) count as rare. A new document brings its own titles
and terms with no code change.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from voiceguide.content.content_model import Content
from voiceguide.speech.asr.transcript_text import for_router

RARE_TOKENS = 2  # a word Whisper's tokenizer splits into at least this many pieces is a rare term
MAX_TERMS = 40  # the prompt and hotwords share Whisper's 224-token context; this keeps well inside it
_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*[A-Za-z]")


@dataclass(frozen=True)
class WhisperBias:
    prompt: str
    hotwords: tuple[str, ...]
    hotword_runs: frozenset[str] = field(default=frozenset(), compare=False)  # 4-word runs of the list
    hotword_words: frozenset[str] = field(default=frozenset(), compare=False)
    commands: tuple[str, ...] = ()  # the spoken commands, the hotwords for a short utterance

    @property
    def command_text(self) -> str:
        return ", ".join(self.commands)

    @property
    def hotword_text(self) -> str:
        return ", ".join(self.hotwords)


def _is_rare(word: str, pieces: Callable[[str], int]) -> bool:
    if word.isupper() and len(word) > 1:
        return True
    parts = word.split("-")
    if len(parts) > 1:
        return any(len(p) == 1 and p.isupper() for p in parts) or any(
            len(p) > 2 and _is_rare(p, pieces) for p in parts
        )
    return pieces(word.lower()) >= RARE_TOKENS


def rare_terms(sentences: Iterable[str], pieces: Callable[[str], int]) -> list[str]:
    """Rare terms in order of first use, each in its most common written form (a capital only where the
    documents write one mid-sentence: "Doppler", "D-dimer")."""
    forms: dict[str, Counter[str]] = {}  # possessives ("body's") are left out: the word itself is enough
    for sentence in sentences:
        for index, match in enumerate(_WORD.finditer(sentence)):
            word = match.group(0)
            if word.endswith("'s"):
                continue
            written = word if index or word.isupper() or "-" in word else word.lower()
            forms.setdefault(word.lower(), Counter())[written] += 1
    return [counter.most_common(1)[0][0] for key, counter in forms.items()
            if _is_rare(counter.most_common(1)[0][0], pieces)][:MAX_TERMS]


def warning_terms(content: Content) -> list[str]:
    """The emergency conditions and the first way of saying each warning sign the lexicon lists."""
    emergency = content.lexicon.get("triage", {}).get("emergency", {})
    return [*emergency.get("conditions", ())[:1], *emergency.get("signs", ())[:3]]


def whisper_bias(content: Content, pieces: Callable[[str], int], extra: Iterable[str] = ()) -> WhisperBias:
    """`extra`: phrases the run adds, such as a wake phrase,
    so that they are heard as the person says them."""
    prompt = ""  # the titles are not used as a prompt: see the module docstring
    sentences = [s for section in content.sections for s in section.sentences]
    hotwords = tuple(dict.fromkeys([*extra, *rare_terms(sentences, pieces), *warning_terms(content)]))
    words = for_router(", ".join(hotwords)).split()
    runs = frozenset(" ".join(words[i : i + 4]) for i in range(len(words) - 3))
    from voiceguide.answer.commands import LEADING_WORDS

    return WhisperBias(prompt, hotwords, runs, frozenset(words), tuple(LEADING_WORDS))


def tokenizer_pieces(tokenizer) -> Callable[[str], int]:
    """How many pieces Whisper's tokenizer (a `tokenizers.Tokenizer`, the loaded model's own) makes of a word
    said on its own (with its leading space)."""
    return lambda word: len(tokenizer.encode(" " + word, add_special_tokens=False).ids)
