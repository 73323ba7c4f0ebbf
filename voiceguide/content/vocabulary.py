"""What people will say, compiled from the content, for biasing the recognizers.

`words` is every word the content and its commands use; `phrases` are whole utterances (questions, commands,
warning signs) that a language model or grammar is built from. Both are lower case, no punctuation, which is
the form recognizers produce.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Vocabulary:
    words: tuple[str, ...]
    phrases: tuple[str, ...]
