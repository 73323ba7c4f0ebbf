"""How much VoiceGuide takes in at once, and the plain words for going over it.

Routing cost grows with the length of a question (fuzzy matching looks at every word), so a 15 MB "question"
would take minutes and gigabytes. Nobody says more than a few hundred characters in one question; the limits
sit far above real use and far below harm, and every seam that takes text or files in checks them here.
"""

from __future__ import annotations

MAX_QUESTION_CHARS = 2000  # about 350 spoken words, a minute and a half of talking
MAX_QUESTION_FILE_BYTES = 10 * 2**20  # a batch .txt of questions
MAX_AUDIO_FILE_BYTES = 256 * 2**20  # one recorded question: 60 s even at 192 kHz, 8 channels, 32-bit
MAX_RECORDING_BYTES = 2 * 2**30  # listen --input-file: a whole recorded session
MAX_RECORDING_SECONDS = 4 * 3600.0
MAX_DOCUMENT_BYTES = 8 * 2**20  # one source document (the real ones are a few KB)
MAX_LEXICON_BYTES = 4 * 2**20  # the lexicon YAML (the real one is well under 100 KB)


def question_problem(text: str) -> str | None:
    """Why this text is not taken as a question, or None when it is fine."""
    if len(text) > MAX_QUESTION_CHARS:
        return (f"the question is too long ({len(text):,} characters; at most {MAX_QUESTION_CHARS:,}). "
                "Ask one question at a time.")
    return None
